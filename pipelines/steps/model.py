"""SageMaker models from a trained artifact: the builder shared by registration and batch transform."""

from __future__ import annotations

from pipelines.algorithms import Algorithm
from pipelines.context import PipelineContext
from pipelines.sdk import ModelBuilder, ModelStep, Networking


def model_builder(ctx: PipelineContext, image: str, model_data) -> ModelBuilder:
    return ModelBuilder(
        image_uri=image,
        s3_model_data_url=model_data,
        role_arn=ctx.role_arn,
        sagemaker_session=ctx.session,
        dependencies={},  # the default {"auto": True} looks up the default S3 bucket over the network
        network=Networking(enable_network_isolation=True, **ctx.vpc),
    )


def model_step(ctx: PipelineContext, name: str, algorithm: Algorithm, model_data) -> ModelStep:
    """A CreateModel step, for what needs a model (batch transform) without a registered package."""
    ctx.uses(name, algorithm)
    return ModelStep(name, step_args=model_builder(ctx, ctx.algorithm_image(algorithm), model_data).build())
