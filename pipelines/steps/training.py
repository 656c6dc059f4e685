"""Training steps for built-in algorithms: encrypted, network-isolated, cached, retried, on spot where allowed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import KW_ONLY, dataclass

from pipelines.algorithms import Algorithm
from pipelines.algorithms.contract import SPOT_WAIT_WITHOUT_CHECKPOINTS
from pipelines.context import PipelineContext
from pipelines.sdk import (
    CheckpointConfig,
    Compute,
    InputData,
    ModelTrainer,
    Networking,
    OutputDataConfig,
    PipelineVariable,
    S3DataSource,
    StoppingCondition,
    TrainingStep,
)
from pipelines.steps.policies import CACHE, job_retry_policies

# The content type of the algorithms' dense/sparse float32 record format.
RECORDIO = "application/x-recordio-protobuf"


@dataclass(frozen=True)
class Channel:
    """One training channel: where its data is, in what content type, and whether instances share or split it."""

    name: str
    source: object
    content_type: str | None  # None: the algorithm knows the channel's format (e.g. Seq2Seq's three channels)
    _: KW_ONLY
    sharded: bool = False

    def input_data(self) -> InputData:
        typed = {"content_type": self.content_type} if self.content_type else {}  # the SDK refuses an explicit None
        return InputData(channel_name=self.name, data_source=self.s3_data_source(), **typed)

    def s3_data_source(self) -> S3DataSource:
        return S3DataSource(
            s3_data_type="S3Prefix",
            s3_uri=self.source,
            s3_data_distribution_type="ShardedByS3Key" if self.sharded else "FullyReplicated",
        )


@dataclass(frozen=True)
class JobLimits:
    """How long a training job may run, and whether it may run on spot capacity."""

    max_runtime_in_seconds: int = 3600
    volume_size_in_gb: int = 30
    spot: bool = True  # managed spot training: up to 90% cheaper, may wait for capacity

    def spot_plan(self, *, spot_wanted: bool, checkpoints: bool) -> tuple[bool, int | None]:
        """(run on spot?, MaxWaitTimeInSeconds). With checkpoints a spot job may wait as long again as it may run
        (SageMaker requires wait >= runtime). Without them the wait is capped at one hour in all, so a job allowed
        to run longer than that runs on demand instead."""
        if not (self.spot and spot_wanted):
            return False, None
        if checkpoints:
            return True, 2 * self.max_runtime_in_seconds
        if self.max_runtime_in_seconds <= SPOT_WAIT_WITHOUT_CHECKPOINTS:
            return True, SPOT_WAIT_WITHOUT_CHECKPOINTS
        return False, None


def hyperparameter(value):
    """Hyperparameters are strings; a pipeline value (e.g. a count the processing step computed) stays one."""
    return value if isinstance(value, PipelineVariable) else str(value)


def secure_trainer(
    ctx: PipelineContext,
    step_name: str,
    algorithm: Algorithm,
    hyperparameters: Mapping[str, object],
    *,
    instance_type: object,
    instance_count: object,
    limits: JobLimits = JobLimits(),
    checkpoints_allowed: bool = True,
) -> ModelTrainer:
    """A ModelTrainer with the project's defaults: KMS on volume and output, network isolation, encrypted traffic
    between instances, and managed spot, with checkpoints where the algorithm resumes from them (and the caller
    allows them: a tuning job's training jobs would share one location)."""
    resumable = algorithm.checkpoints and checkpoints_allowed
    spot, max_wait = limits.spot_plan(spot_wanted=ctx.options.spot, checkpoints=resumable)
    checkpoints = spot and resumable
    return ModelTrainer(
        training_image=ctx.algorithm_image(algorithm),
        role=ctx.role_arn,
        sagemaker_session=ctx.session,
        hyperparameters={key: hyperparameter(value) for key, value in hyperparameters.items()},
        compute=Compute(
            instance_type=instance_type,
            instance_count=instance_count,
            volume_size_in_gb=limits.volume_size_in_gb,
            volume_kms_key_id=ctx.job_volume_key(instance_type, "training", algorithm.instance_families()),
            enable_managed_spot_training=spot,
        ),
        stopping_condition=StoppingCondition(
            max_runtime_in_seconds=limits.max_runtime_in_seconds,
            max_wait_time_in_seconds=max_wait,
        ),
        output_data_config=OutputDataConfig(s3_output_path=ctx.run_uri(step_name, "model"), kms_key_id=ctx.kms_key),
        checkpoint_config=CheckpointConfig(s3_uri=ctx.run_uri(step_name, "checkpoints")) if checkpoints else None,
        networking=Networking(enable_network_isolation=True, enable_inter_container_traffic_encryption=True, **ctx.vpc),
    )


def training_step(
    ctx: PipelineContext,
    name: str,
    algorithm: Algorithm,
    hyperparameters: Mapping[str, object],
    channels: Sequence[Channel],
    *,
    instance_type: object,
    instance_count: object,
    limits: JobLimits = JobLimits(),
) -> TrainingStep:
    ctx.uses(name, algorithm)
    trainer = secure_trainer(
        ctx, name, algorithm, hyperparameters, instance_type=instance_type, instance_count=instance_count, limits=limits
    )
    step_args = trainer.train(input_data_config=[channel.input_data() for channel in channels])
    return TrainingStep(name, step_args=step_args, cache_config=CACHE, retry_policies=job_retry_policies())
