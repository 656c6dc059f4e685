"""Deployment guardrails of an endpoint: the CloudWatch alarms that roll an update back, and the endpoint's
DeploymentConfig (a blue/green update that shifts traffic in steps, bakes after each, and watches the alarms).

Sources:
- https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-blue-green.html
- https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-configuration.html (the alarms)
- https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-sagemaker-endpoint-deploymentconfig.html
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from infra.endpoint_settings import EndpointSettings

NAMESPACE = "AWS/SageMaker"
# Invocation5XXErrors is 1 or 0 per request, so its average is the share of requests that failed in the model or
# its container. More than 5% of a minute's requests, two minutes running, rolls the update back.
ERROR_RATE = 0.05
EVALUATION_MINUTES = 2
_TRAFFIC_TYPE = {"canary": "CANARY", "linear": "LINEAR", "all_at_once": "ALL_AT_ONCE"}


def rollback_alarm_names(endpoint_name: str) -> tuple[str, str]:
    """(5xx errors, model latency): the alarms an endpoint's updates roll back on, which the execution role reads."""
    return f"{endpoint_name}-invocation-5xx-errors", f"{endpoint_name}-model-latency"


def rollback_alarms(
    scope: Construct, endpoint_name: str, variant: str, settings: EndpointSettings
) -> list[cloudwatch.Alarm]:
    """The 5xx error and model latency alarms on the endpoint's variant. Named after the endpoint: the endpoint
    keeps its name across updates, so the alarms watch every fleet that serves under it."""
    dimensions = {"EndpointName": endpoint_name, "VariantName": variant}
    errors_name, latency_name = rollback_alarm_names(endpoint_name)
    errors = _alarm(
        scope,
        "ErrorsAlarm",
        name=errors_name,
        metric=_metric("Invocation5XXErrors", dimensions),
        threshold=ERROR_RATE,
        description=f"More than {ERROR_RATE:.0%} of the requests fail with a 5xx error; rolls an update back.",
    )
    latency = _alarm(
        scope,
        "LatencyAlarm",
        name=latency_name,
        metric=_metric("ModelLatency", dimensions),
        # ModelLatency is in microseconds.
        threshold=settings.latency_alarm_ms * 1000,
        description=f"The model takes over {settings.latency_alarm_ms:g} ms on average; rolls an update back.",
    )
    return [errors, latency]


def _metric(name: str, dimensions: dict[str, str]) -> cloudwatch.Metric:
    minute = Duration.minutes(1)
    return cloudwatch.Metric(
        namespace=NAMESPACE, metric_name=name, dimensions_map=dimensions, statistic="Average", period=minute
    )


def _alarm(
    scope: Construct, construct_id: str, *, name: str, metric: cloudwatch.Metric, threshold: float, description: str
) -> cloudwatch.Alarm:
    return cloudwatch.Alarm(
        scope,
        construct_id,
        alarm_name=name,
        alarm_description=description,
        metric=metric,
        threshold=threshold,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluation_periods=EVALUATION_MINUTES,
        datapoints_to_alarm=EVALUATION_MINUTES,
        # No requests, no data: an idle endpoint is no reason to roll an update back.
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
    )


def deployment_config(settings: EndpointSettings, alarms: Sequence[cloudwatch.Alarm]) -> dict:
    """CfnEndpoint's DeploymentConfig: a blue/green update that bakes `bake_minutes` after each traffic step (the
    wait interval) and again after the last (the termination wait), rolling back when an alarm fires."""
    bake_seconds = settings.bake_minutes * 60
    return {
        "blueGreenUpdatePolicy": {
            "trafficRoutingConfiguration": _traffic_routing(settings, bake_seconds),
            "terminationWaitInSeconds": bake_seconds,
            "maximumExecutionTimeoutInSeconds": settings.update_timeout_seconds,
        },
        # Referencing the alarms (Ref is the alarm name) also makes CloudFormation create them before the endpoint.
        "autoRollbackConfiguration": {"alarms": [{"alarmName": alarm.alarm_name} for alarm in alarms]},
    }


def _traffic_routing(settings: EndpointSettings, bake_seconds: int) -> dict:
    routing: dict = {"type": _TRAFFIC_TYPE[settings.shifting], "waitIntervalInSeconds": bake_seconds}
    # Percentages of the new fleet rather than instance counts: they stay valid while autoscaling changes its size.
    if settings.shifting == "canary":
        routing["canarySize"] = {"type": "CAPACITY_PERCENT", "value": settings.canary_percent}
    if settings.shifting == "linear":
        routing["linearStepSize"] = {"type": "CAPACITY_PERCENT", "value": settings.linear_step_percent}
    return routing
