"""Batch transform: score an S3 prefix with a model (`model_name`, e.g. a model step's, pipelines.handles.Model).

Split and assemble settings follow the content types, as the developer guide's table for built-in algorithms says:
records are split by line for CSV and JSON Lines and by RecordIO record for protobuf; JSON Lines answers are
reassembled by line.
"""

from __future__ import annotations

from pipelines.context import PipelineContext
from pipelines.sdk import Transformer, TransformStep
from pipelines.steps.policies import CACHE, job_retry_policies

SPLIT_TYPE = {
    "text/csv": "Line",
    "application/jsonlines": "Line",
    "application/x-recordio-protobuf": "RecordIO",
    "application/json": "None",
}
ASSEMBLE_WITH = {"application/jsonlines": "Line", "text/csv": "Line"}


def transform_step(
    ctx: PipelineContext,
    name: str,
    model_name: object,
    data: object,
    *,
    content_type: str,
    accept: str,
    instance_type: object,
) -> TransformStep:
    if content_type not in SPLIT_TYPE:
        raise ValueError(f"{name}: no split type known for content type {content_type!r}")
    transformer = Transformer(
        model_name=model_name,
        instance_count=1,
        instance_type=instance_type,
        strategy="MultiRecord",
        assemble_with=ASSEMBLE_WITH.get(accept, "None"),
        accept=accept,
        output_path=ctx.run_uri(name, "output"),
        output_kms_key=ctx.kms_key,
        volume_kms_key=ctx.job_volume_key(instance_type, "transform"),
        sagemaker_session=ctx.session,
    )
    step_args = transformer.transform(data=data, content_type=content_type, split_type=SPLIT_TYPE[content_type])
    return TransformStep(name, step_args=step_args, cache_config=CACHE, retry_policies=job_retry_policies())
