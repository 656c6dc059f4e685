"""start and watch: run a deployed pipeline with checked parameters, and follow an execution to its end."""

from __future__ import annotations

import argparse
import json
import re
import sys
import uuid
from typing import Any

from pipelines.cli import aws, catalog, cdk, params, progress
from pipelines.cli.errors import Failure, UsageError
from pipelines.cli.runtime import Runtime

TERMINAL_STATUSES = frozenset({"Succeeded", "Failed", "Stopped", "CompletedWithFailures"})
DEFAULT_INTERVAL = 15.0
# SageMaker's pattern for PipelineExecutionDisplayName.
_DISPLAY_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,81}$")
INTERRUPTED_EXIT = 130


def start(args: argparse.Namespace, runtime: Runtime) -> int:
    region = args.region or aws.default_region()
    compiled = catalog.compiled_pipeline(args.name, region, args.prefix)
    request = _start_request(args, compiled.name, catalog.parameters(compiled))
    client = runtime.sagemaker(region)
    not_deployed = (
        f"pipeline {compiled.name} is not deployed in {region}: deploy it with "
        f"`{cdk.deploy_hint(compiled.name, region, args.prefix)}`"
    )
    with aws.missing_resource_means(not_deployed):
        arn = client.start_pipeline_execution(**request)["PipelineExecutionArn"]
    execution = aws.ExecutionArn.parse(arn)
    print(f"execution  {arn}")
    print(f"console    {aws.execution_console_url(region, execution.pipeline, execution.execution_id)}")
    if not args.wait:
        print(f"follow it: python -m pipelines watch {arn}")
        return 0
    return follow(client, execution, region, args.interval, runtime)


def _start_request(args: argparse.Namespace, pipeline: str, declared: list[dict[str, Any]]) -> dict[str, Any]:
    """Everything is checked here, before the first AWS call."""
    request: dict[str, Any] = {
        "PipelineName": pipeline,
        "PipelineParameters": params.pipeline_parameters(args.param or [], declared, args.name),
        # Idempotency: if a retry resends the request after a lost response, AWS starts one execution, not two.
        "ClientRequestToken": str(uuid.uuid4()),
    }
    if args.display_name is not None:
        if not _DISPLAY_NAME.match(args.display_name):
            raise UsageError(
                f"--display-name {args.display_name!r}: up to 82 letters, digits and hyphens, starting with a letter "
                "or digit"
            )
        request["PipelineExecutionDisplayName"] = args.display_name
    return request


def watch(args: argparse.Namespace, runtime: Runtime) -> int:
    execution = aws.ExecutionArn.parse(args.execution_arn)
    region = args.region or execution.region  # the ARN names the region the execution runs in
    print(f"watching   {execution.arn}")
    print(f"console    {aws.execution_console_url(region, execution.pipeline, execution.execution_id)}")
    return follow(runtime.sagemaker(region), execution, region, args.interval, runtime)


def follow(client: Any, execution: aws.ExecutionArn, region: str, interval: float, runtime: Runtime) -> int:
    """Polls until the execution ends; 0 if it succeeded."""
    with aws.missing_resource_means(f"no pipeline execution {execution.arn} in {region}"):
        definition_steps = _definition_steps(client, execution.arn)
    display = progress.TableDisplay() if runtime.is_tty() else progress.ChangeLog()
    try:
        while True:
            described = client.describe_pipeline_execution(PipelineExecutionArn=execution.arn)
            steps = _execution_steps(client, execution.arn)
            outcomes = progress.condition_outcomes(steps)
            display.update(
                progress.Snapshot(
                    status=described["PipelineExecutionStatus"],
                    steps=steps,
                    planned_steps=progress.planned_step_count(definition_steps, outcomes),
                    started=described.get("CreationTime"),
                    now=runtime.clock(),
                )
            )
            if described["PipelineExecutionStatus"] in TERMINAL_STATUSES:
                break
            runtime.sleep(interval)
    except KeyboardInterrupt:
        print(f"stopped watching; the execution goes on: {execution.arn}", file=sys.stderr)
        return INTERRUPTED_EXIT
    return _report_end(described, steps)


def _report_end(described: dict[str, Any], steps: list[dict[str, Any]]) -> int:
    for line in progress.outcome_lines(steps):
        print(line)
    if described["PipelineExecutionStatus"] != "Succeeded":
        raise Failure(progress.failure_text(described, steps))
    print("execution Succeeded")
    return 0


def _definition_steps(client: Any, arn: str) -> list[dict[str, Any]]:
    # The definition the execution runs (not the one of this checkout): it gives the number of steps to expect.
    response = client.describe_pipeline_definition_for_execution(PipelineExecutionArn=arn)
    return json.loads(response["PipelineDefinition"]).get("Steps", [])


def _execution_steps(client: Any, arn: str) -> list[dict[str, Any]]:
    pages = client.get_paginator("list_pipeline_execution_steps").paginate(
        PipelineExecutionArn=arn, SortOrder="Ascending"
    )
    return [step for page in pages for step in page["PipelineExecutionSteps"]]


def _positive_seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, got {text!r}")
    return seconds


def _add_interval(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--interval",
        type=_positive_seconds,
        default=DEFAULT_INTERVAL,
        metavar="SECONDS",
        help=f"seconds between polls (default {DEFAULT_INTERVAL:g})",
    )


def add_commands(commands: argparse._SubParsersAction, online: argparse.ArgumentParser) -> None:
    starting = commands.add_parser(
        "start",
        parents=[online],
        help="start an execution of a deployed pipeline",
        description="Start an execution of the deployed pipeline <prefix>-NAME. Each --param is checked against "
        "the pipeline's parameters (name, type, allowed values) before anything is sent to AWS.",
    )
    starting.add_argument("name", metavar="NAME", help="the pipeline's use-case name, e.g. abalone-xgboost")
    starting.add_argument(
        "--param",
        action="append",
        type=params.assignment,
        metavar="KEY=VALUE",
        help="a pipeline parameter, e.g. MetricThreshold=5.5 (repeatable; see `show NAME` for the parameters)",
    )
    starting.add_argument("--wait", action="store_true", help="then follow the execution like `watch`")
    starting.add_argument("--display-name", metavar="TEXT", help="the execution's display name in Studio")
    _add_interval(starting)
    starting.set_defaults(run=start)
    watching = commands.add_parser(
        "watch",
        parents=[online],
        help="follow an execution until it ends",
        description="Follow a pipeline execution until it ends: its steps with status and duration, then the "
        "gate's outcome and the registered model package. Exits 0 if it succeeded, 1 otherwise.",
    )
    watching.add_argument("execution_arn", metavar="EXECUTION_ARN", help="the ARN `start` printed")
    _add_interval(watching)
    watching.set_defaults(run=watch)
