"""One CloudWatch dashboard per deployment, in a stack of its own (`<prefix>-dashboard`): a row per pipeline, then a
row per endpoint. It only reads metrics SageMaker publishes anyway, and every name in it is known at synth, so it
needs no other stack's outputs and can be deployed or removed on its own.

Metrics, namespaces and dimensions: "Amazon SageMaker AI metrics in Amazon CloudWatch",
https://docs.aws.amazon.com/sagemaker/latest/dg/monitoring-cloudwatch.html (sections "SageMaker pipelines metrics",
"SageMaker AI endpoint invocation metrics" and "SageMaker AI endpoint metrics").
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration, Environment, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from infra.endpoint_stack import VARIANT

PIPELINE_NAMESPACE = "AWS/Sagemaker/ModelBuildingPipeline"  # sic: this namespace spells it "Sagemaker"
INVOCATION_NAMESPACE = "AWS/SageMaker"
INSTANCE_NAMESPACE = "/aws/sagemaker/Endpoints"
EXECUTION_COUNTS = ("ExecutionStarted", "ExecutionSucceeded", "ExecutionFailed")
INVOCATION_COUNTS = ("Invocations", "Invocation4XXErrors", "Invocation5XXErrors")
UTILIZATIONS = ("CPUUtilization", "GPUUtilization")  # GPUUtilization stays empty on CPU instances
# Pipelines run a few times a day at most: hourly sums show each run, and the dashboard opens on the last week.
PIPELINE_PERIOD = Duration.hours(1)
ENDPOINT_PERIOD = Duration.minutes(5)
DEFAULT_INTERVAL = Duration.days(7)
ROW_HEIGHT = 6
FULL_WIDTH = 24  # the dashboard grid's width


def dashboard_name(prefix: str) -> str:
    """The dashboard and its stack are both named <prefix>-dashboard."""
    return f"{prefix}-dashboard"


class DashboardStack(Stack):
    def __init__(
        self,
        scope: Construct,
        *,
        prefix: str,
        pipeline_names: Sequence[str],
        endpoint_names: Sequence[str],
        env: Environment,
    ) -> None:
        name = dashboard_name(prefix)
        super().__init__(scope, name, env=env, description=f"CloudWatch dashboard of the {prefix} pipelines.")
        # The stack's own (pinned) region, written into each widget: the body stays a plain string, not a join.
        region = self.region
        rows = [pipeline_row(pipeline, region) for pipeline in pipeline_names]
        rows += [endpoint_row(endpoint, region) for endpoint in endpoint_names]
        self.dashboard = cloudwatch.Dashboard(
            self,
            "Dashboard",
            dashboard_name=name,
            default_interval=DEFAULT_INTERVAL,
            widgets=rows,
        )


def pipeline_row(pipeline_name: str, region: str) -> list[cloudwatch.IWidget]:
    """Executions started, succeeded and failed (sums) and their duration (average, milliseconds)."""
    dimensions = {"PipelineName": pipeline_name}
    counts = [_metric(PIPELINE_NAMESPACE, name, dimensions, "Sum", PIPELINE_PERIOD) for name in EXECUTION_COUNTS]
    duration = _metric(PIPELINE_NAMESPACE, "ExecutionDuration", dimensions, "Average", PIPELINE_PERIOD)
    return [
        _graph(f"{pipeline_name}: executions", counts, region, width=FULL_WIDTH // 2),
        _graph(f"{pipeline_name}: execution duration (ms)", [duration], region, width=FULL_WIDTH // 2),
    ]


def endpoint_row(endpoint_name: str, region: str) -> list[cloudwatch.IWidget]:
    """Invocations and errors (sums), model latency (average, microseconds), CPU and GPU utilization (average, %)."""
    dimensions = {"EndpointName": endpoint_name, "VariantName": VARIANT}
    counts = [_metric(INVOCATION_NAMESPACE, name, dimensions, "Sum", ENDPOINT_PERIOD) for name in INVOCATION_COUNTS]
    latency = _metric(INVOCATION_NAMESPACE, "ModelLatency", dimensions, "Average", ENDPOINT_PERIOD)
    usage = [_metric(INSTANCE_NAMESPACE, name, dimensions, "Average", ENDPOINT_PERIOD) for name in UTILIZATIONS]
    width = FULL_WIDTH // 3
    return [
        _graph(f"{endpoint_name} endpoint: invocations", counts, region, width=width),
        _graph(f"{endpoint_name} endpoint: model latency (us)", [latency], region, width=width),
        _graph(f"{endpoint_name} endpoint: utilization (%)", usage, region, width=width),
    ]


def _metric(
    namespace: str, name: str, dimensions: dict[str, str], statistic: str, period: Duration
) -> cloudwatch.Metric:
    return cloudwatch.Metric(
        namespace=namespace, metric_name=name, dimensions_map=dimensions, statistic=statistic, period=period
    )


def _graph(title: str, metrics: list[cloudwatch.Metric], region: str, *, width: int) -> cloudwatch.GraphWidget:
    return cloudwatch.GraphWidget(title=title, left=metrics, region=region, width=width, height=ROW_HEIGHT)
