"""Step sequences that most use cases share, so a use case declares what differs and nothing else."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from pipelines.algorithms import Algorithm
from pipelines.context import PipelineContext
from pipelines.parameters import StandardParameters
from pipelines.sdk import ConditionStep, ModelMetrics
from pipelines.steps.gate import Gate, TrivialBaseline, gate_step
from pipelines.steps.model import model_step
from pipelines.steps.register import register_step
from pipelines.steps.training import Channel, JobLimits, final_metric, model_artifacts, training_step
from pipelines.steps.transform import transform_step
from pipelines.steps.tuning import best_model_artifacts, best_objective, tuning_step


def register_if_passes(
    ctx: PipelineContext,
    params: StandardParameters,
    gate: Gate,
    algorithm: Algorithm,
    model_data,
    description: str,
    gate_name: str,
    model_metrics: ModelMetrics | None = None,
    then: Sequence[object] = (),
) -> ConditionStep:
    """The quality gate with its two ends: register the model in the pipeline's group (and run `then`, e.g. a
    batch transform with the approved model), or fail the execution."""
    register = register_step(
        ctx,
        algorithm,
        model_data,
        approval_status=params.model_approval_status,
        description=description,
        model_metrics=model_metrics,
    )
    for step in then:
        step.add_depends_on([register])
    return gate_step(gate, on_pass=[register, *then], name=gate_name)


def train_and_register(
    ctx: PipelineContext,
    params: StandardParameters,
    algorithm: Algorithm,
    hyperparameters: Mapping[str, object],
    channels: Sequence[Channel],
    metric: str,
    description: str,
    gate_name: str,
    baseline: TrivialBaseline | None = None,
    step_name: str = "Train",
    limits: JobLimits = JobLimits(),
) -> list:
    """Train, then gate on a metric the algorithm itself emits (it must have the channel the metric needs) and,
    where the data has one, on beating its trivial baseline. The metric's direction comes from the contract."""
    train = training_step(
        ctx,
        step_name,
        algorithm,
        hyperparameters,
        channels,
        params.training_instance_type,
        params.training_instances,
        limits,
    )
    higher_is_better = algorithm.metric(metric).maximize
    gate = Gate(metric, final_metric(train, metric), params.metric_threshold, higher_is_better, baseline)
    model = model_artifacts(train)
    return [train, register_if_passes(ctx, params, gate, algorithm, model, description, gate_name)]


def tune_and_register(
    ctx: PipelineContext,
    params: StandardParameters,
    algorithm: Algorithm,
    static_hyperparameters: Mapping[str, object],
    ranges: Mapping[str, object],
    objective: str,
    channels: Sequence[Channel],
    description: str,
    gate_name: str,
    baseline: TrivialBaseline | None = None,
    after_registration: Callable[[object], Sequence[object]] = lambda model_data: (),
) -> list:
    """Tune (job counts from the MaxTuningJobs parameters), then gate on the best job's objective (and its trivial
    baseline) and register its model; `after_registration(model_data)` gives steps to run with that model once it
    is registered. The objective's direction comes from the contract."""
    maximize = algorithm.metric(objective).maximize
    tune = tuning_step(
        ctx,
        "Tune",
        algorithm,
        static_hyperparameters,
        ranges,
        objective_metric=objective,
        maximize=maximize,
        channels=channels,
        instance_type=params.training_instance_type,
        instance_count=params.training_instances,
        max_jobs=params.max_tuning_jobs,
        max_parallel_jobs=params.max_parallel_tuning_jobs,
    )
    gate = Gate(objective, best_objective(tune), params.metric_threshold, maximize, baseline)
    best = best_model_artifacts(ctx, tune)
    then = after_registration(best)
    return [tune, register_if_passes(ctx, params, gate, algorithm, best, description, gate_name, then=then)]


def model_and_transform(
    ctx: PipelineContext,
    params: StandardParameters,
    algorithm: Algorithm,
    model_data,
    data,
    names: tuple[str, str],
    content_type: str = "text/csv",
    accept: str = "application/jsonlines",
) -> tuple[object, object]:
    """A model from `model_data` and a batch transform of the records under `data` with it (CSV rows in, JSON
    Lines out, unless told otherwise)."""
    model = model_step(ctx, names[0], algorithm, model_data)
    transform = transform_step(
        ctx, names[1], model, data, content_type=content_type, accept=accept,
        instance_type=params.processing_instance_type,
    )  # fmt: skip
    return model, transform
