"""Processing steps that run one of the project's `processing/` scripts in an AWS-provided image.

All scripts travel as one zip (a CDK asset of `processing/`) that Python runs as a zipapp; the first container
argument names the script. Inputs land in /opt/ml/processing/input/<name>, outputs are read from
/opt/ml/processing/output/<name> and uploaded under the execution's own S3 prefix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pipelines.context import PipelineContext
from pipelines.sdk import (
    NetworkConfig,
    ProcessingInput,
    ProcessingOutput,
    ProcessingS3Input,
    ProcessingS3Output,
    ProcessingStep,
    PropertyFile,
    ScriptProcessor,
)
from pipelines.steps.gate import BASELINE_OUTPUT, baseline_file
from pipelines.steps.policies import CACHE, job_retry_policies

INPUT_ROOT = "/opt/ml/processing/input"
OUTPUT_ROOT = "/opt/ml/processing/output"
# The scikit-learn image is the default runtime of the processing scripts (Python 3.12, numpy 2.5, pandas 2.2).
SKLEARN_VERSION = "1.9-0"
# The vision scripts need Pillow, which the scikit-learn image lacks: they run in the PyTorch training image (CPU
# build; Python 3.13, Pillow and numpy), whose packages `requirements-images.txt` mirrors for their tests.
PYTORCH_VERSION = "2.10.0"
PYTORCH_IMAGE_OPTIONS = {"py_version": "py313", "image_scope": "training", "instance_type": "ml.m5.xlarge"}


def vision_image(ctx: PipelineContext) -> str:
    return ctx.image("pytorch", PYTORCH_VERSION, **PYTORCH_IMAGE_OPTIONS)


def input_path(name: str) -> str:
    return f"{INPUT_ROOT}/{name}"


def output_path(name: str) -> str:
    return f"{OUTPUT_ROOT}/{name}"


def processing_step(
    ctx: PipelineContext,
    name: str,
    script: str,
    *,
    instance_type: object,
    inputs: Mapping[str, object],
    outputs: Sequence[str],
    arguments: Sequence[object] = (),
    image: str | None = None,
    property_files: Sequence[PropertyFile] = (),
    network_isolation: bool = True,
    max_runtime_in_seconds: int = 3600,
    baseline: str | None = None,
) -> ProcessingStep:
    """A cached, retried processing job with encrypted volume and outputs and, by default, no network access.
    `baseline` names a metric of the algorithm (e.g. "test:msd"): the script then also writes the trivial model's
    score for it to baseline/baseline.json, for the quality gate (pipelines.steps.gate)."""
    if baseline:
        arguments = [*arguments, "--baseline", baseline]
        outputs = (*outputs, BASELINE_OUTPUT)
        property_files = (*property_files, baseline_file())
    processor = ScriptProcessor(
        image_uri=image or ctx.image("sklearn", SKLEARN_VERSION),
        command=["python3"],
        # A step with network access runs with the pipeline's download role: code it runs reaches no other data.
        role=ctx.role_arn if network_isolation else ctx.download_role_arn,
        instance_type=instance_type,
        instance_count=1,
        sagemaker_session=ctx.session,
        volume_kms_key=ctx.job_volume_key(instance_type, "processing"),
        output_kms_key=ctx.kms_key,
        max_runtime_in_seconds=max_runtime_in_seconds,
        network_config=NetworkConfig(
            enable_network_isolation=network_isolation, encrypt_inter_container_traffic=True, **ctx.vpc
        ),
    )
    step_args = processor.run(
        code=ctx.code_uri,
        arguments=[script, *arguments],
        inputs=[_s3_input(input_name, uri) for input_name, uri in inputs.items()],
        outputs=[_s3_output(output_name, ctx.run_uri(name, output_name)) for output_name in outputs],
    )
    return ProcessingStep(
        name,
        step_args=step_args,
        property_files=list(property_files) or None,
        cache_config=CACHE,
        retry_policies=job_retry_policies(),
    )


def _s3_input(name: str, uri) -> ProcessingInput:
    return ProcessingInput(
        input_name=name,
        s3_input=ProcessingS3Input(
            s3_uri=uri, local_path=input_path(name), s3_data_type="S3Prefix", s3_input_mode="File"
        ),
    )


def _s3_output(name: str, uri) -> ProcessingOutput:
    return ProcessingOutput(
        output_name=name,
        s3_output=ProcessingS3Output(s3_uri=uri, local_path=output_path(name), s3_upload_mode="EndOfJob"),
    )
