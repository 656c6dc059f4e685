"""The parameters every pipeline exposes, with descriptions and working defaults.

The SDK's parameters carry no description; DESCRIPTIONS holds them, and the compiler writes them into the definition
(each parameter's Description) and the pipeline's description. A use case that adds a parameter adds its description.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.sdk import ParameterFloat, ParameterInteger, ParameterString

APPROVAL_STATUSES = ("PendingManualApproval", "Approved", "Rejected")


@dataclass(frozen=True)
class ParameterDefaults:
    """What a use case declares; everything else about the standard parameters is shared."""

    input_data_uri: str | None  # None: the pipeline generates its data
    metric_threshold: float
    processing_instance_type: str = "ml.m5.large"
    training_instance_type: str | None = "ml.m5.xlarge"  # None: the pipeline trains nothing
    training_instance_count: int | None = 1  # None: the algorithm trains on one instance only, so no parameter
    model_approval_status: str = "PendingManualApproval"
    max_tuning_jobs: int | None = None  # only pipelines with a tuning step
    max_parallel_tuning_jobs: int = 2

    def __post_init__(self) -> None:
        if self.model_approval_status not in APPROVAL_STATUSES:
            raise ValueError(f"model_approval_status must be one of {APPROVAL_STATUSES}")
        if self.training_instance_count is not None and self.training_instance_count < 1:
            raise ValueError("training_instance_count must be at least 1")


@dataclass(frozen=True)
class StandardParameters:
    processing_instance_type: ParameterString
    training_instance_type: ParameterString | None
    training_instance_count: ParameterInteger | None
    input_data_uri: ParameterString | None
    model_approval_status: ParameterString
    metric_threshold: ParameterFloat
    max_tuning_jobs: ParameterInteger | None = None
    max_parallel_tuning_jobs: ParameterInteger | None = None

    @classmethod
    def from_defaults(cls, defaults: ParameterDefaults) -> StandardParameters:
        return cls(
            # Their EnumValues follow from the jobs that run on them (see compiler.allow_instance_types).
            processing_instance_type=ParameterString("ProcessingInstanceType", defaults.processing_instance_type),
            training_instance_type=_optional(ParameterString, "TrainingInstanceType", defaults.training_instance_type),
            training_instance_count=_optional(
                ParameterInteger, "TrainingInstanceCount", defaults.training_instance_count
            ),
            input_data_uri=(
                ParameterString("InputDataUri", defaults.input_data_uri) if defaults.input_data_uri else None
            ),
            model_approval_status=ParameterString(
                "ModelApprovalStatus", defaults.model_approval_status, enum_values=list(APPROVAL_STATUSES)
            ),
            metric_threshold=ParameterFloat("MetricThreshold", defaults.metric_threshold),
            **(_tuning_parameters(defaults) if defaults.max_tuning_jobs else {}),
        )

    @property
    def training_instances(self):
        """The TrainingInstanceCount parameter, or 1 where the algorithm trains on a single instance only."""
        return self.training_instance_count if self.training_instance_count is not None else 1

    def as_list(self) -> list:
        return [getattr(self, name) for name in self.__dataclass_fields__ if getattr(self, name) is not None]


def _optional(kind, name: str, default):
    return kind(name, default) if default is not None else None


def _tuning_parameters(defaults: ParameterDefaults) -> dict:
    return {
        "max_tuning_jobs": ParameterInteger("MaxTuningJobs", defaults.max_tuning_jobs),
        "max_parallel_tuning_jobs": ParameterInteger("MaxParallelTuningJobs", defaults.max_parallel_tuning_jobs),
    }


DESCRIPTIONS = {
    "ProcessingInstanceType": "Instance type of the processing, evaluation and batch transform jobs.",
    "TrainingInstanceType": "Instance type of the training (or tuning) jobs.",
    "TrainingInstanceCount": "Number of training instances (1 for algorithms that train on a single instance).",
    "InputDataUri": "URI of the raw dataset (S3, or the publisher's HTTPS address); the default is the public copy.",
    "ModelApprovalStatus": "Status of the registered model package: PendingManualApproval, Approved or Rejected.",
    "MetricThreshold": "Quality gate: the model is registered only if its metric passes this threshold.",
    "MaxTuningJobs": "Training jobs the hyperparameter tuning job may run in all (Bayesian search).",
    "MaxParallelTuningJobs": "Training jobs the tuning job runs at the same time.",
}
