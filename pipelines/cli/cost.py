"""cost: what an ended execution's jobs were billed, priced from pipelines/prices.py, beside the docs' upper bound."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pipelines import cost, prices
from pipelines.cli import aws, catalog, text
from pipelines.cli.errors import CliError, Failure
from pipelines.cli.runtime import Runtime
from pipelines.markdown import usd, usd_rate

RUNNING_STATUSES = frozenset({"Executing", "Stopping"})
Describe = Callable[[Any, str, str], list[cost.BilledJob]]  # (client, step name, job name) -> its billed jobs


def run_cost(args: argparse.Namespace, runtime: Runtime) -> int:
    execution = aws.ExecutionArn.parse(args.execution_arn)
    region = args.region or execution.region  # the ARN names the region the execution ran in
    client = runtime.sagemaker(region)
    with aws.missing_resource_means(f"no pipeline execution {execution.arn} in {region}"):
        status = client.describe_pipeline_execution(PipelineExecutionArn=execution.arn)["PipelineExecutionStatus"]
    if status in RUNNING_STATUSES:
        raise Failure(f"execution {execution.arn} is still running ({status}); cost is known when it ends")
    steps = _execution_steps(client, execution.arn)
    try:
        costs = cost.job_costs(job for step in steps for job in _billed_jobs(client, step))
    except prices.MissingPriceError as error:
        raise Failure(str(error)) from None
    print(f"execution  {execution.arn} ({status})")
    print(f"prices     SageMaker on demand, {prices.REGION}, read {prices.READ_ON} (pipelines/prices.py)")
    print()
    print("\n".join(text.table(_rows(costs))) if costs else "no job of this execution started instances")
    print()
    _print_cached(steps)
    total = sum(job_cost.usd for job_cost in costs)
    print(f"total {usd(total)} ({_bound(execution.pipeline, region, args.prefix)})")
    return 0


def _execution_steps(client: Any, arn: str) -> list[dict[str, Any]]:
    pages = client.get_paginator("list_pipeline_execution_steps").paginate(
        PipelineExecutionArn=arn, SortOrder="Ascending"
    )
    return [step for page in pages for step in page["PipelineExecutionSteps"]]


def _billed_jobs(client: Any, step: dict[str, Any]) -> list[cost.BilledJob]:
    if step.get("CacheHitResult"):
        return []  # the job is the one of an earlier execution, billed to that one
    metadata = step.get("Metadata", {})
    for key, describe in _DESCRIBE.items():
        if key in metadata:
            job_name = metadata[key]["Arn"].rsplit("/", 1)[-1]  # arn:...:<kind>-job/<name>
            return describe(client, step["StepName"], job_name)
    return []  # a step that starts no instances, or failed before its job was created


# ---------------------------------------------------------------- each kind of job, from its Describe* response


def _processing(client: Any, step: str, name: str) -> list[cost.BilledJob]:
    job = client.describe_processing_job(ProcessingJobName=name)
    instance_type, count = _instances(job["ProcessingResources"]["ClusterConfig"], step, name)
    seconds = _wall_seconds(job.get("ProcessingStartTime"), job.get("ProcessingEndTime"), step, name)
    return [cost.BilledJob(step, "Processing", name, instance_type, count, seconds)]


def _transform(client: Any, step: str, name: str) -> list[cost.BilledJob]:
    job = client.describe_transform_job(TransformJobName=name)
    instance_type, count = _instances(job["TransformResources"], step, name)
    seconds = _wall_seconds(job.get("TransformStartTime"), job.get("TransformEndTime"), step, name)
    return [cost.BilledJob(step, "Transform", name, instance_type, count, seconds)]


def _instances(resources: dict[str, Any], step: str, name: str) -> tuple[str, int]:
    """The instances the job was billed for: with a list of InstancePreferences, the Selected* ones SageMaker chose."""
    instance_type = resources.get("SelectedInstanceType") or resources.get("InstanceType")
    if instance_type is None:
        raise Failure(
            f"step {step}: job {name} reports no instance type it was billed for (instance groups, or no instance "
            "selected from its preferences), which the cost command does not price"
        )
    return instance_type, int(resources.get("SelectedInstanceCount") or resources.get("InstanceCount", 1))


def _wall_seconds(start: datetime | None, end: datetime | None, step: str, name: str) -> float:
    """Processing and transform jobs report no billable time: each instance bills from start to end."""
    if start is None:
        return 0.0  # never started its instances (e.g. failed on its inputs)
    if end is None:
        raise Failure(f"step {step}: job {name} has not ended; its cost is known when it ends")
    return (end - start).total_seconds()


def _training(client: Any, step: str, name: str, kind: str = "Training") -> list[cost.BilledJob]:
    job = client.describe_training_job(TrainingJobName=name)
    instance_type, count = _instances(job["ResourceConfig"], step, name)
    spot = bool(job.get("EnableManagedSpotTraining"))
    return [
        cost.BilledJob(
            step,
            kind,
            name,
            instance_type,
            count,
            billable_seconds=float(job.get("BillableTimeInSeconds", 0)),  # absent: the job never started
            trained_seconds=float(job.get("TrainingTimeInSeconds", 0)) if spot else None,
        )
    ]


def _tuning(client: Any, step: str, name: str) -> list[cost.BilledJob]:
    """Every training job the tuning job started: the summaries carry no billable time, so each is described."""
    pages = client.get_paginator("list_training_jobs_for_hyper_parameter_tuning_job").paginate(
        HyperParameterTuningJobName=name
    )
    names = [summary["TrainingJobName"] for page in pages for summary in page["TrainingJobSummaries"]]
    return [job for training in names for job in _training(client, step, training, "Tuning")]


# Keys of PipelineExecutionStepMetadata that name a job with instances.
_DESCRIBE: dict[str, Describe] = {
    "ProcessingJob": _processing,
    "TrainingJob": _training,
    "TuningJob": _tuning,
    "TransformJob": _transform,
}


# ---------------------------------------------------------------- output


def _rows(costs: list[cost.JobCost]) -> list[tuple[str, ...]]:
    header = ("step", "job", "instances", "billable", "per hour", "cost", "spot", "job name")
    return [header, *(_row(job_cost) for job_cost in costs)]


def _row(job_cost: cost.JobCost) -> tuple[str, ...]:
    job = job_cost.job
    return (
        job.step,
        job.job,
        f"{job.instance_count} x {job.instance_type}",
        f"{job.billable_seconds:g} s",
        usd_rate(job_cost.usd_per_hour),
        f"${job_cost.usd:.4f}",
        _spot(job),
        job.name,
    )


def _spot(job: cost.BilledJob) -> str:
    if job.trained_seconds is None:
        return "-"
    saving = job.spot_saving
    saved = "" if saving is None else f", saved {saving:.1%}"
    return f"{job.billable_seconds:g} s billed of {job.trained_seconds:g} s trained{saved}"


def _print_cached(steps: list[dict[str, Any]]) -> None:
    cached = [step["StepName"] for step in steps if step.get("CacheHitResult")]
    if cached:
        print(f"cached (billed to the execution that ran them): {', '.join(cached)}")


def _bound(pipeline: str, region: str, prefix: str) -> str:
    """The docs' upper bound of a run of this pipeline, or why it is unknown: the cost itself never fails on it."""
    use_case = pipeline.removeprefix(f"{prefix}-")
    if use_case == pipeline or use_case not in catalog.use_case_names():
        return f"upper bound unknown: {pipeline} is not a pipeline of this checkout with prefix {prefix}"
    try:
        compiled = catalog.compiled_pipeline(use_case, region, prefix)
        totals = cost.cost_totals(compiled.document, compiled.name)
    except (CliError, prices.MissingPriceError) as error:
        return f"upper bound unknown: {error}"
    extra = f" + {', '.join(totals.open_ended)}" if totals.open_ended else ""
    return (
        f"upper bound of a run at default parameters: {usd(totals.on_demand)}{extra} on demand, "
        f"{usd(totals.with_spot)}{extra} with spot"
    )


def add_commands(commands: argparse._SubParsersAction, online: argparse.ArgumentParser) -> None:
    costing = commands.add_parser(
        "cost",
        parents=[online],
        help="what an ended execution's jobs cost, beside the docs' upper bound",
        description="List the jobs an ended execution ran (step, job kind, instances, billable seconds, on-demand "
        "price from pipelines/prices.py, cost; for managed spot training the billed and trained seconds and the "
        "saving), their total, and the docs' upper bound of a run of the pipeline at default parameters.",
    )
    costing.add_argument("execution_arn", metavar="EXECUTION_ARN", help="the ARN `start` printed")
    costing.set_defaults(run=run_cost)
