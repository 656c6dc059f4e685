"""What each job step of a compiled definition asks SageMaker for, in the terms of the IAM condition keys of the
Create* actions (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html):
the volume and output keys, network isolation, inter-container traffic encryption, the instance types and the
subnets. The execution role's job statements are derived from these requests, and a test checks every request
against them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pipelines import placeholders
from pipelines.compiler import CompiledPipeline

# step type -> the IAM action that creates its job (or model).
CREATE_ACTIONS = {
    "Processing": "sagemaker:CreateProcessingJob",
    "Training": "sagemaker:CreateTrainingJob",
    "Tuning": "sagemaker:CreateHyperParameterTuningJob",
    "Transform": "sagemaker:CreateTransformJob",
    "Model": "sagemaker:CreateModel",
}


@dataclass(frozen=True)
class JobRequest:
    pipeline: str
    step: str
    step_type: str
    role_arn: str | None  # the job's role as the definition writes it (None: the pipeline's role, or none)
    instance_types: tuple[str, ...]  # every type the step can run on (its parameter's choices)
    volume_key: str | None
    output_key: str | None
    network_isolation: bool | None
    traffic_encryption: bool | None
    subnets: tuple[str, ...]
    image: str | None = None  # of a processing or training job

    @property
    def action(self) -> str:
        return CREATE_ACTIONS[self.step_type]

    @property
    def uses_download_role(self) -> bool:
        return self.role_arn == placeholders.DOWNLOAD_ROLE_ARN


def job_requests(pipeline: CompiledPipeline) -> Iterator[JobRequest]:
    parameters = {p["Name"]: p for p in pipeline.document["Parameters"]}
    for step in pipeline.steps():
        if step["Type"] not in CREATE_ACTIONS:
            continue
        arguments = step["Arguments"]
        job = arguments.get("TrainingJobDefinition", arguments)  # a tuning step: its training job definition
        network = job.get("NetworkConfig", job)  # processing nests its network settings
        resources = _resources(step["Type"], job)
        yield JobRequest(
            pipeline=pipeline.name,
            step=step["Name"],
            step_type=step["Type"],
            role_arn=job.get("RoleArn") or job.get("ExecutionRoleArn"),
            instance_types=_choices(resources.get("InstanceType"), parameters),
            volume_key=resources.get("VolumeKmsKeyId"),
            output_key=_output_config(step["Type"], job).get("KmsKeyId"),
            network_isolation=network.get("EnableNetworkIsolation"),
            traffic_encryption=network.get("EnableInterContainerTrafficEncryption"),
            subnets=tuple((network.get("VpcConfig") or {}).get("Subnets", ())),
            image=(job.get("AppSpecification") or job.get("AlgorithmSpecification") or {}).get("ImageUri")
            or (job.get("AlgorithmSpecification") or {}).get("TrainingImage"),
        )


def _resources(step_type: str, job: dict) -> dict:
    if step_type == "Processing":
        return job["ProcessingResources"]["ClusterConfig"]
    if step_type == "Transform":
        return job["TransformResources"]
    return job.get("ResourceConfig", {})  # Training and Tuning; a model has none


def _output_config(step_type: str, job: dict) -> dict:
    key = {"Processing": "ProcessingOutputConfig", "Transform": "TransformOutput"}.get(step_type, "OutputDataConfig")
    return job.get(key, {})


def _choices(value, parameters: dict) -> tuple[str, ...]:
    """A literal instance type, or every value its parameter may take (EnumValues, else the default)."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    parameter = parameters[value["Get"].removeprefix("Parameters.")]
    return tuple(parameter.get("EnumValues") or [parameter["DefaultValue"]])
