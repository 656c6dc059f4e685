"""The deployment's CloudWatch dashboard: a row per pipeline (executions and their duration) and per endpoint
(invocations, errors, latency, utilization), with the namespaces and dimensions SageMaker publishes them under; the
`dashboard` setting (on unless false), cdk-nag and cfn-lint."""

import json
import subprocess

import pytest
from aws_cdk import App

import app as cdk_app
from infra.dashboard import dashboard_name
from infra.settings import Settings, SettingsError
from pipelines.naming import pipeline_name
from tests.conftest import PREFIX, REGION, ROOT, cdk_context

PIPELINES = ("abalone-xgboost", "mnist-pca")
DASHBOARD = dashboard_name(PREFIX)
ENDPOINT = pipeline_name(PREFIX, "abalone-xgboost")
PACKAGE = f"arn:aws:sagemaker:{REGION}:123456789012:model-package/{ENDPOINT}/1"


def synth(tmp_path, **settings):
    application = App(
        context=cdk_context(region=REGION, prefix=PREFIX, pipelines=",".join(PIPELINES), **settings),
        outdir=str(tmp_path),
        builtin_cloud_formation_validation=False,
    )
    cdk_app.build(application)
    return application.synth()  # cdk-nag runs here: a finding would fail the synth


@pytest.fixture(scope="module")
def assembly(tmp_path_factory):
    endpoints = {"abalone-xgboost": {"model_package_arn": PACKAGE}}
    return synth(tmp_path_factory.mktemp("cdk.out"), endpoints=json.dumps(endpoints))


def resolved(value, known: dict) -> str:
    """The body as CloudFormation would write it: a join resolved with the stack's region and known references."""
    if isinstance(value, str):
        return value
    if "Ref" in value:
        return known[value["Ref"]]
    separator, parts = value["Fn::Join"]
    return separator.join(resolved(part, known) for part in parts)


@pytest.fixture(scope="module")
def dashboard(assembly):
    template = assembly.get_stack_by_name(DASHBOARD).template
    (resource,) = template["Resources"].values()
    assert resource["Type"] == "AWS::CloudWatch::Dashboard"
    properties = resource["Properties"]
    body = resolved(properties["DashboardBody"], {"AWS::Region": REGION, "AWS::Partition": "aws"})
    return properties["DashboardName"], json.loads(body)


def rows(body) -> list[list[dict]]:
    by_y: dict[int, list[dict]] = {}
    for widget in body["widgets"]:
        by_y.setdefault(widget["y"], []).append(widget)
    return [sorted(by_y[y], key=lambda w: w["x"]) for y in sorted(by_y)]


def metrics(widget) -> list[tuple[str, str, dict, str]]:
    """(namespace, metric, dimensions, statistic) of each line; a line without `stat` is CloudWatch's Average."""
    lines = []
    for line in widget["properties"]["metrics"]:
        namespace, name, *rest = line
        options = rest.pop() if rest and isinstance(rest[-1], dict) else {}
        dimensions = dict(zip(rest[::2], rest[1::2], strict=True))
        lines.append((namespace, name, dimensions, options.get("stat", "Average")))
    return lines


def test_one_dashboard_stack_named_after_the_prefix(assembly, dashboard):
    stacks = {stack.stack_name for stack in assembly.stacks}
    assert DASHBOARD in stacks
    name, _ = dashboard
    assert name == f"{PREFIX}-dashboard"


def test_one_row_per_pipeline_then_one_per_endpoint(dashboard):
    _, body = dashboard
    titles = [[widget["properties"]["title"] for widget in row] for row in rows(body)]
    pipelines = [pipeline_name(PREFIX, name) for name in PIPELINES]
    assert titles == [
        [f"{pipelines[0]}: executions", f"{pipelines[0]}: execution duration (ms)"],
        [f"{pipelines[1]}: executions", f"{pipelines[1]}: execution duration (ms)"],
        [
            f"{ENDPOINT} endpoint: invocations",
            f"{ENDPOINT} endpoint: model latency (us)",
            f"{ENDPOINT} endpoint: utilization (%)",
        ],
    ]
    for row in rows(body):
        assert sum(widget["width"] for widget in row) == 24
        assert all(widget["type"] == "metric" and widget["properties"]["view"] == "timeSeries" for widget in row)
        assert all(widget["properties"]["region"] == REGION for widget in row)


def test_pipeline_rows_show_execution_sums_and_average_duration(dashboard):
    _, body = dashboard
    for use_case, row in zip(PIPELINES, rows(body)[:2], strict=True):
        dimensions = {"PipelineName": pipeline_name(PREFIX, use_case)}
        namespace = "AWS/Sagemaker/ModelBuildingPipeline"
        counts, duration = row
        assert metrics(counts) == [
            (namespace, "ExecutionStarted", dimensions, "Sum"),
            (namespace, "ExecutionSucceeded", dimensions, "Sum"),
            (namespace, "ExecutionFailed", dimensions, "Sum"),
        ]
        assert metrics(duration) == [(namespace, "ExecutionDuration", dimensions, "Average")]


def test_endpoint_row_shows_invocations_latency_and_utilization_of_the_variant(dashboard):
    _, body = dashboard
    invocations, latency, utilization = rows(body)[2]
    dimensions = {"EndpointName": ENDPOINT, "VariantName": "AllTraffic"}
    assert metrics(invocations) == [
        ("AWS/SageMaker", "Invocations", dimensions, "Sum"),
        ("AWS/SageMaker", "Invocation4XXErrors", dimensions, "Sum"),
        ("AWS/SageMaker", "Invocation5XXErrors", dimensions, "Sum"),
    ]
    assert metrics(latency) == [("AWS/SageMaker", "ModelLatency", dimensions, "Average")]
    assert metrics(utilization) == [
        ("/aws/sagemaker/Endpoints", "CPUUtilization", dimensions, "Average"),
        ("/aws/sagemaker/Endpoints", "GPUUtilization", dimensions, "Average"),
    ]


def test_the_dashboard_holds_only_metrics_and_needs_no_other_stack(assembly):
    template = assembly.get_stack_by_name(DASHBOARD).template
    assert [r["Type"] for r in template["Resources"].values()] == ["AWS::CloudWatch::Dashboard"]
    assert "Fn::ImportValue" not in json.dumps(template)
    stacks = {stack.stack_name for stack in assembly.stacks}
    dependencies = {artifact.id for artifact in assembly.get_stack_by_name(DASHBOARD).dependencies}
    assert dependencies == {f"{DASHBOARD}.assets"} and not dependencies & stacks  # its asset manifest only


def test_without_endpoints_only_pipeline_rows(tmp_path):
    template = synth(tmp_path).get_stack_by_name(DASHBOARD).template
    (resource,) = template["Resources"].values()
    body = json.loads(resolved(resource["Properties"]["DashboardBody"], {"AWS::Region": REGION}))
    assert len(rows(body)) == len(PIPELINES)


@pytest.mark.parametrize("value", [False, "false", "False"])
def test_dashboard_false_adds_no_dashboard(tmp_path, value):
    stacks = {stack.stack_name for stack in synth(tmp_path, dashboard=value).stacks}
    assert DASHBOARD not in stacks and f"{PREFIX}-foundation" in stacks


def test_the_dashboard_is_on_unless_set_to_false():
    assert Settings.from_context({"region": REGION, "prefix": PREFIX}).dashboard is True
    assert Settings.from_context({"region": REGION, "prefix": PREFIX, "dashboard": "true"}).dashboard is True


@pytest.mark.parametrize("value", ["yes", "0", 1, ["true"]])
def test_a_dashboard_value_other_than_true_or_false_is_an_error(value):
    with pytest.raises(SettingsError, match=r"^context 'dashboard': expected true or false, got .+$"):
        Settings.from_context({"region": REGION, "prefix": PREFIX, "dashboard": value})


def test_cfn_lint_passes_on_the_dashboard_stack(assembly):
    path = assembly.get_stack_by_name(DASHBOARD).template_full_path
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "cfn-lint"), path], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
