"""Registering a trained model as a package of the pipeline's model package group.

The request and response types come from the algorithm's contract (its inference formats); the instance types the
package lists are the project's choice.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.algorithms import Algorithm
from pipelines.context import PipelineContext
from pipelines.sdk import ModelMetrics, ModelStep
from pipelines.steps.model import model_builder


@dataclass(frozen=True)
class Hosting:
    """The instance types a registered package may be deployed on, in real time and in batch transform."""

    realtime_instances: tuple[str, ...]
    transform_instances: tuple[str, ...]


DEFAULT_HOSTING = Hosting(("ml.m5.large", "ml.m5.xlarge"), ("ml.m5.xlarge",))
# The image models are hosted on CPU or GPU; CPU is the cheap default. The GPU type has no local NVMe disk, so the
# endpoint stack can encrypt its volume with the project key (SageMaker refuses a key for NVMe types such as g4dn).
IMAGE_HOSTING = Hosting(("ml.c5.xlarge", "ml.m5.xlarge", "ml.p3.2xlarge"), ("ml.c5.xlarge",))


def hosting_of(algorithm: Algorithm) -> Hosting:
    takes_images = any(content_type.startswith("image/") for content_type in algorithm.inference.content_types)
    return IMAGE_HOSTING if takes_images else DEFAULT_HOSTING


def register_step(
    ctx: PipelineContext,
    algorithm: Algorithm,
    model_data: object,
    *,
    approval_status: object,
    description: str,
    model_metrics: ModelMetrics | None = None,
    name: str = "RegisterModel",
) -> ModelStep:
    ctx.uses(name, algorithm)
    hosting = hosting_of(algorithm)
    step_args = model_builder(ctx, ctx.algorithm_image(algorithm), model_data).register(
        model_package_group_name=ctx.model_package_group,
        content_types=list(algorithm.inference.content_types),
        response_types=list(algorithm.inference.response_types),
        inference_instances=list(hosting.realtime_instances),
        transform_instances=list(hosting.transform_instances),
        approval_status=approval_status,
        description=description,
        model_metrics=model_metrics,
    )
    return ModelStep(name, step_args=step_args)
