"""What a run of a pipeline may cost: each job step with its default instances, their on-demand price
(pipelines.prices) and the bound the definition puts on its runtime.

Reads a parsed definition only and knows nothing of how the figures are shown, so that the docs and a command about a
run's cost can share it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pipelines import prices
from pipelines.definition import Document, Step, parameter_defaults, resolve, training_definitions, walk_steps

# Step types that start no instances: they cost nothing to run in the pipeline's own account.
NO_INSTANCES = frozenset({"Model", "CreateModel", "RegisterModel", "Condition", "Fail"})
_SECONDS_PER_HOUR = 3600
Defaults = Mapping[str, Any]  # {parameter name: the value a run uses}: its defaults, for the estimates


@dataclass(frozen=True)
class JobEstimate:
    """One job step at default parameters, and what its instances cost."""

    step: str
    job: str  # the step type: Processing, Training, Tuning, Transform
    instance_type: str
    instance_count: int
    price: prices.Price
    max_hours: float | None  # per job; None: not bounded by the definition (see unbounded)
    jobs: int = 1  # training jobs a tuning step may run
    spot: bool = False
    unbounded: str = ""  # why max_hours is None

    @property
    def instance_hours(self) -> float | None:
        return None if self.max_hours is None else self.max_hours * self.instance_count * self.jobs

    @property
    def on_demand(self) -> float | None:
        if self.instance_hours is None or self.price.usd_per_hour is None:
            return None
        return self.instance_hours * self.price.usd_per_hour

    @property
    def with_spot(self) -> float | None:
        if self.on_demand is None or not self.spot:
            return self.on_demand
        return self.on_demand * (1 - prices.SPOT_SAVING)


def price(instance_type: str, where: str) -> prices.Price:
    """The on-demand price of an instance type; a MissingPriceError names the step that uses it (`where`)."""
    try:
        return prices.on_demand(instance_type)
    except prices.MissingPriceError as error:
        raise prices.MissingPriceError(f"{where}: {error}") from None


# ---------------------------------------------------------------- one estimate per kind of job


def _job(step: Step, resources: Mapping[str, Any], defaults: Defaults, where: str, **details: Any) -> JobEstimate:
    instance_type = resolve(resources.get("InstanceType"), defaults, f"{where} InstanceType")
    return JobEstimate(
        step=step["Name"],
        job=step["Type"],
        instance_type=instance_type,
        instance_count=int(resolve(resources.get("InstanceCount", 1), defaults, f"{where} InstanceCount")),
        price=price(instance_type, where),
        **details,
    )


def _max_runtime(arguments: Mapping[str, Any], defaults: Defaults, where: str) -> dict[str, Any]:
    seconds = arguments.get("StoppingCondition", {}).get("MaxRuntimeInSeconds")
    if seconds is None:
        return {"max_hours": None, "unbounded": "no MaxRuntimeInSeconds in the definition"}
    return {"max_hours": resolve(seconds, defaults, f"{where} MaxRuntimeInSeconds") / _SECONDS_PER_HOUR}


def _processing_job(step: Step, defaults: Defaults, where: str) -> JobEstimate:
    arguments = step["Arguments"]
    resources = arguments["ProcessingResources"]["ClusterConfig"]
    return _job(step, resources, defaults, where, **_max_runtime(arguments, defaults, where))


def _training_job(step: Step, defaults: Defaults, where: str) -> JobEstimate:
    arguments = step["Arguments"]
    spot = bool(arguments.get("EnableManagedSpotTraining", False))
    runtime = _max_runtime(arguments, defaults, where)
    return _job(step, arguments["ResourceConfig"], defaults, where, spot=spot, **runtime)


def _tuning_job(step: Step, defaults: Defaults, where: str) -> JobEstimate:
    """The tuning job's bound: every training job it may start, each at its maximum runtime; with several training
    definitions, priced as the most expensive one (the job count is shared between them)."""
    limits = step["Arguments"]["HyperParameterTuningJobConfig"]["ResourceLimits"]
    jobs = int(resolve(limits["MaxNumberOfTrainingJobs"], defaults, f"{where} MaxNumberOfTrainingJobs"))
    candidates = [
        _job(
            step,
            definition.get("ResourceConfig") or definition.get("HyperParameterTuningResourceConfig", {}),
            defaults,
            where,
            jobs=jobs,
            spot=bool(definition.get("EnableManagedSpotTraining", False)),
            **_max_runtime(definition, defaults, where),
        )
        for definition in training_definitions(step["Arguments"])
    ]
    return max(candidates, key=lambda candidate: candidate.on_demand or 0.0)


def _transform_job(step: Step, defaults: Defaults, where: str) -> JobEstimate:
    resources = step["Arguments"]["TransformResources"]
    return _job(step, resources, defaults, where, max_hours=None, unbounded="batch transform: depends on the data size")


_JOBS: dict[str, Callable[[Step, Defaults, str], JobEstimate]] = {
    "Processing": _processing_job,
    "Training": _training_job,
    "Tuning": _tuning_job,
    "Transform": _transform_job,
}


# ---------------------------------------------------------------- a pipeline


def job_estimates(document: Document, pipeline: str) -> list[JobEstimate]:
    """Every step that starts instances, with its default instances and cost; raises MissingPriceError (naming the
    pipeline and step) when an instance type has no price, so that no pipeline ships a doc without one."""
    defaults = parameter_defaults(document)
    return [
        _JOBS[step["Type"]](step, defaults, f"{pipeline} step {step['Name']}")
        for step in walk_steps(document)
        if step["Type"] in _JOBS
    ]


def not_estimated(document: Document) -> list[Step]:
    """Steps of a type this model does not price (neither a known job nor a step without instances)."""
    return [step for step in walk_steps(document) if step["Type"] not in _JOBS and step["Type"] not in NO_INSTANCES]


@dataclass(frozen=True)
class CostTotals:
    on_demand: float | None  # None: a bounded job has no price
    with_spot: float | None
    open_ended: tuple[str, ...]  # steps whose cost the definition does not bound, or not estimated


def cost_totals(document: Document, pipeline: str) -> CostTotals:
    estimates = job_estimates(document, pipeline)
    bounded = [estimate for estimate in estimates if estimate.max_hours is not None]
    open_ended = [estimate.step for estimate in estimates if estimate.max_hours is None]
    open_ended += [step["Name"] for step in not_estimated(document)]
    return CostTotals(
        on_demand=_sum(estimate.on_demand for estimate in bounded),
        with_spot=_sum(estimate.with_spot for estimate in bounded),
        open_ended=tuple(open_ended),
    )


def _sum(amounts: Iterable[float | None]) -> float | None:
    """The sum, or None when any amount is unknown: a partial sum would read as the whole."""
    known = list(amounts)
    return None if None in known else sum(amount for amount in known if amount is not None)


# ---------------------------------------------------------------- a run that happened


@dataclass(frozen=True)
class BilledJob:
    """One job a run started, as SageMaker billed it: its instances and the seconds each was billed."""

    step: str
    job: str  # the step type: Processing, Training, Tuning, Transform
    name: str  # the job's name (a tuning step: one of its training jobs)
    instance_type: str
    instance_count: int
    billable_seconds: float  # per instance
    trained_seconds: float | None = None  # managed spot training only: the seconds it ran, of which some were billed

    @property
    def spot_saving(self) -> float | None:
        """Managed spot's saving as SageMaker defines it: 1 - BillableTimeInSeconds / TrainingTimeInSeconds."""
        if not self.trained_seconds:
            return None
        return 1 - self.billable_seconds / self.trained_seconds


@dataclass(frozen=True)
class JobCost:
    job: BilledJob
    usd_per_hour: float

    @property
    def usd(self) -> float:
        # Spot needs no rate of its own: SageMaker bills spot as fewer billable seconds at the on-demand rate.
        return self.job.billable_seconds * self.job.instance_count * self.usd_per_hour / _SECONDS_PER_HOUR


def job_costs(jobs: Iterable[BilledJob]) -> list[JobCost]:
    """Each job at its on-demand price; raises MissingPriceError naming the step and the instance type when
    pipelines/prices.py has no figure for it (a partial total would read as the whole)."""
    return [JobCost(job, _usd_per_hour(job)) for job in jobs]


def _usd_per_hour(job: BilledJob) -> float:
    where = f"step {job.step} (job {job.name})"
    figure = price(job.instance_type, where).usd_per_hour
    if figure is None:
        raise prices.MissingPriceError(
            f"{where}: the on-demand price of {job.instance_type} is recorded as not found in pipelines/prices.py; "
            f"add its figure with its source ({prices.OFFICIAL_PAGE})"
        )
    return figure
