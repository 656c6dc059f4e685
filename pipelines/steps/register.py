"""Registering a trained model as a package of the pipeline's model package group."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.context import PipelineContext
from pipelines.sdk import ModelMetrics, ModelStep
from pipelines.steps.model import model_builder


@dataclass(frozen=True)
class InferenceSpec:
    """How the registered model is called: the MIME types the algorithm's inference accepts and answers with, and
    the instance types it may be deployed on."""

    content_types: tuple[str, ...]
    response_types: tuple[str, ...]
    realtime_instances: tuple[str, ...] = ("ml.m5.large", "ml.m5.xlarge")
    transform_instances: tuple[str, ...] = ("ml.m5.xlarge",)


# Linear Learner, Factorization Machines, k-NN, PCA and K-Means share these (DG *-in-formats pages).
LINEAR_MODEL_INFERENCE = InferenceSpec(
    content_types=("text/csv", "application/json", "application/x-recordio-protobuf"),
    response_types=("application/json", "application/jsonlines", "application/x-recordio-protobuf"),
)


# DeepAR: JSON in real time, JSON Lines in batch transform (DG deepar-in-formats).
DEEPAR_INFERENCE = InferenceSpec(
    content_types=("application/json", "application/jsonlines"),
    response_types=("application/json", "application/jsonlines"),
)


# BlazingText: JSON in real time, JSON Lines in batch; content type and accept must be equal (DG blazingtext).
BLAZINGTEXT_INFERENCE = InferenceSpec(
    content_types=("application/json", "application/jsonlines"),
    response_types=("application/json", "application/jsonlines"),
)


# The vision algorithms take one image per request (DG image-classification, object-detection, semantic-segmentation).
IMAGE_TYPES = ("image/jpeg", "image/png", "application/x-image")
# The image models are hosted on CPU or GPU; CPU is the cheap default. The GPU type has no local NVMe disk, so the
# endpoint stack can encrypt its volume with the project key (SageMaker refuses a key for NVMe types such as g4dn).
VISION_INSTANCES = {
    "realtime_instances": ("ml.c5.xlarge", "ml.m5.xlarge", "ml.p3.2xlarge"),
    "transform_instances": ("ml.c5.xlarge",),
}
IMAGE_CLASSIFICATION_INFERENCE = InferenceSpec(
    IMAGE_TYPES, ("application/json", "application/jsonlines"), **VISION_INSTANCES
)
OBJECT_DETECTION_INFERENCE = InferenceSpec(IMAGE_TYPES, ("application/json",), **VISION_INSTANCES)
# A PNG class mask, or per-class probabilities as a RecordIO-protobuf tensor.
SEGMENTATION_INFERENCE = InferenceSpec(
    ("image/jpeg",), ("image/png", "application/x-recordio-protobuf"), **VISION_INSTANCES
)


def register_step(
    ctx: PipelineContext,
    image: str,
    model_data,
    inference: InferenceSpec,
    approval_status,
    description: str,
    model_metrics: ModelMetrics | None = None,
    name: str = "RegisterModel",
) -> ModelStep:
    step_args = model_builder(ctx, image, model_data).register(
        model_package_group_name=ctx.model_package_group,
        content_types=list(inference.content_types),
        response_types=list(inference.response_types),
        inference_instances=list(inference.realtime_instances),
        transform_instances=list(inference.transform_instances),
        approval_status=approval_status,
        description=description,
        model_metrics=model_metrics,
    )
    return ModelStep(name, step_args=step_args)
