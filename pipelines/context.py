"""What every step builder needs to know about the pipeline it is part of."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines import instances, naming, placeholders
from pipelines.options import BuildOptions
from pipelines.sdk import ExecutionVariables, Join, PipelineSession, PipelineVariable, image_uris, pipeline_session


class ImageUnavailableError(ValueError):
    """The algorithm's image is not published in the deployment region."""


@dataclass(frozen=True)
class PipelineContext:
    """One pipeline being built for one deployment: names, deploy-time references and the recording session."""

    region: str
    prefix: str
    use_case: str
    options: BuildOptions = BuildOptions()
    session: PipelineSession = field(init=False, repr=False, compare=False)
    # Parameters a use case adds to the standard ones, with their descriptions (see `parameter`).
    extra_parameters: dict = field(init=False, repr=False, compare=False, default_factory=dict)
    # Step name -> the algorithm whose job or model the step is: what the contract check holds each step to.
    step_algorithms: dict = field(init=False, repr=False, compare=False, default_factory=dict)
    # Instance-type parameter name -> (job kind, instance families) of every job that runs on it: its allowed values.
    instance_uses: dict = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "session", pipeline_session(self.region))

    def parameter(self, parameter, description: str):
        """A use case's own pipeline parameter (e.g. how many sentence pairs to train on): it is added to the
        pipeline with its description and returned for use in the steps."""
        if parameter.name in self.extra_parameters:
            raise ValueError(f"{self.pipeline_name}: parameter {parameter.name} declared twice")
        self.extra_parameters[parameter.name] = (parameter, description)
        return parameter

    def uses(self, step_name: str, algorithm) -> None:
        """Records that a step runs (or hosts) an algorithm, for the contract check at synth."""
        self.step_algorithms[step_name] = algorithm

    def job_volume_key(self, instance_type, job: str, families=instances.CPU_FAMILIES):
        """The key for the volume of a job ("training", "processing", "transform") on `instance_type` in `families`:
        the project key, or None on instance types with local NVMe storage (SageMaker refuses a key there and
        encrypts the instance store itself; see pipelines.instances). A parameter's default decides, and the
        compiler lets the parameter allow only types that every job on it runs on, of the same storage kind."""
        if isinstance(instance_type, PipelineVariable):
            self.instance_uses.setdefault(instance_type.name, []).append((job, tuple(families)))
        return instances.volume_key(instance_type, self.kms_key)

    @property
    def pipeline_name(self) -> str:
        return naming.pipeline_name(self.prefix, self.use_case)

    @property
    def model_package_group(self) -> str:
        return self.pipeline_name

    role_arn = placeholders.ROLE_ARN
    download_role_arn = placeholders.DOWNLOAD_ROLE_ARN  # of the steps with network access
    kms_key = placeholders.sub(placeholders.KMS_KEY_ARN)
    bucket = placeholders.sub(placeholders.DATA_BUCKET)
    code_uri = f"s3://{placeholders.sub(placeholders.CODE_BUCKET)}/{placeholders.sub(placeholders.CODE_KEY)}"

    def run_uri(self, *parts: str) -> Join:
        """s3://<data bucket>/<pipeline>/<execution id>/<parts>: every execution writes under its own prefix, so a
        later run never overwrites the data a cached step of an earlier run still points to."""
        return Join(
            on="/",
            values=["s3:/", self.bucket, self.pipeline_name, ExecutionVariables.PIPELINE_EXECUTION_ID, *parts],
        )

    def image(self, framework: str, version: str = "1", **options) -> str:
        """The image URI of an AWS-provided image in the deployment region, resolved offline from the SDK's tables.
        Some algorithms (LDA among them) are published in a few regions only: synth stops with a clear message
        rather than emit a pipeline that cannot run."""
        try:
            return image_uris.retrieve(framework, self.region, version=version, **options)
        except ValueError as error:
            raise ImageUnavailableError(
                f"{self.pipeline_name}: no {framework}:{version} image in region {self.region} ({error}). "
                f"Deploy to a region that has it, or leave the pipeline out of pipelines/registry.py."
            ) from None

    @property
    def vpc(self) -> dict:
        """Subnets and security groups for the SDK's network settings; empty outside a VPC."""
        if not self.options.in_vpc:
            return {}
        return {"subnets": list(self.options.subnets), "security_group_ids": list(self.options.security_groups)}

    def algorithm_image(self, algorithm) -> str:
        return self.image(algorithm.framework, algorithm.version)
