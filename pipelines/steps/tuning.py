"""Tuning steps: a hyperparameter tuning job whose training jobs keep the project's security settings.

SDK 3.27.0 builds the tuning job's TrainingJobDefinition from instance type, count and volume size only, silently
dropping network isolation, inter-container traffic encryption, the volume KMS key and the VPC; and its
ResourceLimits accept only integers, although the API takes pipeline parameters there. SecureTuner fixes both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pipelines.algorithms import Algorithm
from pipelines.context import PipelineContext
from pipelines.sdk import Channel as ChannelShape
from pipelines.sdk import DataSource, HyperparameterTuner, Join, ResourceLimits, TuningStep, VpcConfig
from pipelines.steps.policies import CACHE, job_retry_policies
from pipelines.steps.training import Channel, JobLimits, secure_trainer


class SecureTuner(HyperparameterTuner):
    # Set by HyperparameterTuner.__init__; integers or pipeline parameters here.
    max_jobs: Any
    max_parallel_jobs: Any

    def _build_tuning_job_config(self):
        jobs, parallel = self.max_jobs, self.max_parallel_jobs
        self.max_jobs, self.max_parallel_jobs = 1, 1  # placeholders that pass the SDK's integer validation
        try:
            config = super()._build_tuning_job_config()
        finally:
            self.max_jobs, self.max_parallel_jobs = jobs, parallel
        # model_construct skips validation, so the limits may be pipeline parameters, serialized as {"Get": ...}
        config.resource_limits = ResourceLimits.model_construct(
            max_number_of_training_jobs=jobs, max_parallel_training_jobs=parallel
        )
        return config

    def _build_training_job_definition(self, inputs):
        definition = super()._build_training_job_definition(inputs)
        trainer = self.model_trainer
        definition.enable_network_isolation = trainer.networking.enable_network_isolation
        definition.enable_inter_container_traffic_encryption = (
            trainer.networking.enable_inter_container_traffic_encryption
        )
        definition.resource_config.volume_kms_key_id = trainer.compute.volume_kms_key_id
        if trainer.networking.subnets:
            definition.vpc_config = VpcConfig(
                subnets=trainer.networking.subnets, security_group_ids=trainer.networking.security_group_ids
            )
        return definition


def tuning_step(
    ctx: PipelineContext,
    name: str,
    algorithm: Algorithm,
    static_hyperparameters: Mapping[str, object],
    ranges: Mapping[str, object],
    *,
    objective_metric: str,
    maximize: bool,
    channels: Sequence[Channel],
    instance_type: object,
    instance_count: object,
    max_jobs: object,
    max_parallel_jobs: object,
    limits: JobLimits = JobLimits(),
) -> TuningStep:
    """A Bayesian tuning job over `ranges`. Its training jobs run on spot without checkpoints: they all share one
    checkpoint location, and a built-in algorithm would resume a job from another job's checkpoint."""
    ctx.uses(name, algorithm)
    trainer = secure_trainer(
        ctx,
        name,
        algorithm,
        static_hyperparameters,
        instance_type=instance_type,
        instance_count=instance_count,
        limits=limits,
        checkpoints_allowed=False,
    )
    tuner = SecureTuner(
        trainer,
        objective_metric_name=objective_metric,
        objective_type="Maximize" if maximize else "Minimize",
        hyperparameter_ranges=dict(ranges),
        strategy="Bayesian",
        max_jobs=max_jobs,
        max_parallel_jobs=max_parallel_jobs,
    )
    step_args = tuner.tune(
        inputs=[
            ChannelShape(
                channel_name=channel.name,
                content_type=channel.content_type,
                data_source=DataSource(s3_data_source=channel.s3_data_source()),
            )
            for channel in channels
        ],
        wait=False,
    )
    return TuningStep(name, step_args=step_args, cache_config=CACHE, retry_policies=job_retry_policies())


def best_model_artifacts(ctx: PipelineContext, step: TuningStep) -> Join:
    """The model.tar.gz of the best training job: each job writes <output path>/<job name>/output/model.tar.gz."""
    return Join(
        on="/",
        values=[
            ctx.run_uri(step.name, "model"),
            step.properties.BestTrainingJob.TrainingJobName,
            "output/model.tar.gz",
        ],
    )
