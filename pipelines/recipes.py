"""Step sequences that most use cases share, so a use case declares what differs and nothing else."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pipelines.algorithms import Algorithm
from pipelines.context import PipelineContext
from pipelines.parameters import StandardParameters
from pipelines.sdk import ConditionStep, ModelMetrics
from pipelines.steps.gate import Gate, gate_step
from pipelines.steps.register import InferenceSpec, register_step
from pipelines.steps.training import Channel, final_metric, model_artifacts, training_step


def register_if_passes(
    ctx: PipelineContext,
    params: StandardParameters,
    gate: Gate,
    algorithm: Algorithm,
    model_data,
    inference: InferenceSpec,
    description: str,
    gate_name: str,
    model_metrics: ModelMetrics | None = None,
) -> ConditionStep:
    """The quality gate with its two ends: register the model in the pipeline's group, or fail the execution."""
    register = register_step(
        ctx,
        image=ctx.algorithm_image(algorithm),
        model_data=model_data,
        inference=inference,
        approval_status=params.model_approval_status,
        description=description,
        model_metrics=model_metrics,
    )
    return gate_step(gate, on_pass=[register], name=gate_name)


def train_and_register(
    ctx: PipelineContext,
    params: StandardParameters,
    algorithm: Algorithm,
    hyperparameters: Mapping[str, object],
    channels: Sequence[Channel],
    metric: str,
    higher_is_better: bool,
    inference: InferenceSpec,
    description: str,
    gate_name: str,
) -> list:
    """Train, then gate on a metric the algorithm itself emits (it must have the channel the metric needs)."""
    train = training_step(
        ctx,
        "Train",
        algorithm,
        hyperparameters,
        channels,
        params.training_instance_type,
        params.training_instance_count,
    )
    gate = Gate(metric, final_metric(train, metric), params.metric_threshold, higher_is_better)
    model = model_artifacts(train)
    return [train, register_if_passes(ctx, params, gate, algorithm, model, inference, description, gate_name)]
