"""The parameters every pipeline exposes, with descriptions; their defaults come from the use case (pipelines.usecase).

The SDK's parameters carry no description; DESCRIPTIONS holds them, and the compiler writes them into the definition
(each parameter's Description) and the pipeline's description. A use case that adds a parameter adds its description.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipelines.options import BuildOptions
from pipelines.sdk import ParameterFloat, ParameterInteger, ParameterString

if TYPE_CHECKING:
    from pipelines.usecase import UseCase

# Approval is a person's decision (`python -m pipelines approve`, or Studio), never a run-time value: whoever starts
# a run could otherwise register an approved model trained on any data.
APPROVAL_STATUSES = ("PendingManualApproval", "Rejected")
DEFAULT_APPROVAL_STATUS = "PendingManualApproval"
DEFAULT_MAX_PARALLEL_TUNING_JOBS = 2


@dataclass(frozen=True)
class StandardParameters:
    processing_instance_type: ParameterString
    training_instance_type: ParameterString | None  # None: the pipeline trains nothing
    training_instance_count: ParameterInteger | None  # None: an algorithm trains on one instance only
    input_data_uri: ParameterString | None  # None: the pipeline generates its data
    model_approval_status: ParameterString
    metric_threshold: ParameterFloat
    max_tuning_jobs: ParameterInteger | None = None  # only pipelines with a tuning step
    max_parallel_tuning_jobs: ParameterInteger | None = None

    @classmethod
    def of(cls, use_case: UseCase, region: str, options: BuildOptions = BuildOptions()) -> StandardParameters:
        """The use case's defaults, after the deployment's instance_families swap. Their EnumValues follow from
        the jobs that run on them (see compiler.allow_instance_types)."""
        training = use_case.default_training_instance_type()
        input_data_uri = use_case.dataset.uri(region)
        return cls(
            processing_instance_type=ParameterString(
                "ProcessingInstanceType", options.instance_type(use_case.processing_instance_type)
            ),
            training_instance_type=(
                ParameterString("TrainingInstanceType", options.instance_type(training)) if training else None
            ),
            training_instance_count=(
                ParameterInteger("TrainingInstanceCount", 1)
                if use_case.trains and not use_case.single_instance
                else None
            ),
            input_data_uri=ParameterString("InputDataUri", input_data_uri) if input_data_uri else None,
            model_approval_status=ParameterString(
                "ModelApprovalStatus", DEFAULT_APPROVAL_STATUS, enum_values=list(APPROVAL_STATUSES)
            ),
            metric_threshold=ParameterFloat("MetricThreshold", use_case.metric_threshold),
            **(_tuning_parameters(use_case.max_tuning_jobs) if use_case.max_tuning_jobs else {}),
        )

    @property
    def training_instances(self) -> ParameterInteger | int:
        """The TrainingInstanceCount parameter, or 1 where the algorithm trains on a single instance only."""
        return self.training_instance_count if self.training_instance_count is not None else 1

    def as_list(self) -> list:
        return [getattr(self, name) for name in self.__dataclass_fields__ if getattr(self, name) is not None]


def _tuning_parameters(max_tuning_jobs: int) -> dict:
    return {
        "max_tuning_jobs": ParameterInteger("MaxTuningJobs", max_tuning_jobs),
        "max_parallel_tuning_jobs": ParameterInteger("MaxParallelTuningJobs", DEFAULT_MAX_PARALLEL_TUNING_JOBS),
    }


DESCRIPTIONS = {
    "ProcessingInstanceType": "Instance type of the processing, evaluation and batch transform jobs.",
    "TrainingInstanceType": "Instance type of the training (or tuning) jobs.",
    "TrainingInstanceCount": "Number of training instances (1 for algorithms that train on a single instance).",
    "InputDataUri": "URI of the raw dataset (S3, or the publisher's HTTPS address); the default is the public copy.",
    "ModelApprovalStatus": "Status of the registered model package: PendingManualApproval (a person approves it: "
    "`python -m pipelines approve` or Studio) or Rejected (a trial run whose model must never be deployed).",
    "MetricThreshold": "Quality gate: the model is registered only if its metric passes this threshold.",
    "MaxTuningJobs": "Training jobs the hyperparameter tuning job may run in all (Bayesian search).",
    "MaxParallelTuningJobs": "Training jobs the tuning job runs at the same time.",
}
