"""Deployment guardrails of the endpoint stacks: the settings, the endpoint's DeploymentConfig (blue/green, canary or
linear traffic shifting, baking periods, rollback alarms) and the alarms the stack creates for it.

Sources:
- https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-sagemaker-endpoint-deploymentconfig.html
- https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TrafficRoutingConfig.html (step sizes, waits)
- https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_BlueGreenUpdatePolicy.html (timeout, termination wait)
- https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-configuration.html (alarms)
- https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-exclusions.html (Inf1 falls back)
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from infra.endpoint_settings import EndpointSettings
from infra.settings import SettingsError
from pipelines.naming import endpoint_stack
from tests.conftest import PREFIX
from tests.infra.test_endpoint_stack import acknowledgments, build_app, of_type, package, parse

ABALONE = f"{PREFIX}-abalone-xgboost"  # 2 instances, the defaults: a 10% canary, 10-minute bakes
DEEPAR = f"{PREFIX}-chicago-deepar"  # 4 instances, linear 25% steps, 5-minute bakes, a 250 ms latency alarm
SYNTHETIC = f"{PREFIX}-deepar-synthetic"  # 1 instance: all at once
ENDPOINTS = {
    "abalone-xgboost": {"model_package_arn": package(), "instance_count": 2, "max_instances": 3},
    "chicago-deepar": {
        "model_package_arn": package(DEEPAR, 1),
        "instance_count": 4,
        "traffic_shifting": "linear",
        "linear_step_percent": 25,
        "bake_minutes": 5,
        "latency_alarm_ms": 250,
    },
    "deepar-synthetic": {"model_package_arn": package(SYNTHETIC, 2)},
}


@pytest.fixture(scope="module")
def assembly(tmp_path_factory, abalone_pipeline):
    app, _, _ = build_app(tmp_path_factory.mktemp("guardrails"), abalone_pipeline, json.dumps(ENDPOINTS))
    return app.synth()  # with AwsSolutionsChecks: an unacknowledged finding raises here


@pytest.fixture(scope="module")
def abalone_pipeline():
    from pipelines.compiler import compile_pipeline
    from pipelines.registry import USE_CASES
    from tests.conftest import REGION

    (use_case,) = (u for u in USE_CASES if u.name == "abalone-xgboost")
    return compile_pipeline(use_case, REGION, PREFIX)


def template(assembly, name):
    return assembly.get_stack_by_name(endpoint_stack(name)).template


def deployment_config(assembly, name):
    (endpoint,) = of_type(template(assembly, name), "AWS::SageMaker::Endpoint")
    return endpoint["Properties"]["DeploymentConfig"]


def alarms(assembly, name) -> dict[str, dict]:
    """{logical id: alarm properties} of an endpoint stack."""
    resources = template(assembly, name)["Resources"]
    return {key: r["Properties"] for key, r in resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"}


def rollback(assembly, name) -> dict:
    """The alarms an update of the endpoint watches, each as the alarm's logical id (a Ref gives its name)."""
    return {"Alarms": [{"AlarmName": {"Ref": key}} for key in sorted(alarms(assembly, name))]}


# --- DeploymentConfig -------------------------------------------------------------------------------------------


def test_default_is_a_ten_percent_canary_with_ten_minute_bakes(assembly):
    assert deployment_config(assembly, ABALONE) == {
        "BlueGreenUpdatePolicy": {
            "TrafficRoutingConfiguration": {
                "Type": "CANARY",
                "CanarySize": {"Type": "CAPACITY_PERCENT", "Value": 10},
                "WaitIntervalInSeconds": 600,  # the canary's bake
            },
            "TerminationWaitInSeconds": 600,  # the final bake, before the old fleet is terminated
            "MaximumExecutionTimeoutInSeconds": 2 * 600 + 3600,  # both bakes and an hour to start the new fleet
        },
        "AutoRollbackConfiguration": rollback(assembly, ABALONE),
    }


def test_linear_steps(assembly):
    assert deployment_config(assembly, DEEPAR) == {
        "BlueGreenUpdatePolicy": {
            "TrafficRoutingConfiguration": {
                "Type": "LINEAR",
                "LinearStepSize": {"Type": "CAPACITY_PERCENT", "Value": 25},
                "WaitIntervalInSeconds": 300,
            },
            "TerminationWaitInSeconds": 300,
            "MaximumExecutionTimeoutInSeconds": 4 * 300 + 3600,  # four steps, four bakes
        },
        "AutoRollbackConfiguration": rollback(assembly, DEEPAR),
    }


def test_a_single_instance_shifts_all_at_once_and_still_bakes_and_rolls_back(assembly):
    # A canary or a linear step is at most half the new fleet: with one instance there is nothing to split.
    assert deployment_config(assembly, SYNTHETIC) == {
        "BlueGreenUpdatePolicy": {
            "TrafficRoutingConfiguration": {"Type": "ALL_AT_ONCE", "WaitIntervalInSeconds": 600},
            "TerminationWaitInSeconds": 600,
            "MaximumExecutionTimeoutInSeconds": 600 + 3600,
        },
        "AutoRollbackConfiguration": rollback(assembly, SYNTHETIC),
    }


def test_rollback_watches_both_alarms_of_its_own_stack(assembly):
    for name in (ABALONE, DEEPAR, SYNTHETIC):
        watched = deployment_config(assembly, name)["AutoRollbackConfiguration"]["Alarms"]
        by_id = alarms(assembly, name)
        assert len(watched) == 2 and {a["AlarmName"]["Ref"] for a in watched} == set(by_id)
        names = sorted(a["AlarmName"] for a in by_id.values())
        assert names == [f"{name}-invocation-5xx-errors", f"{name}-model-latency"]


def test_endpoint_name_is_stable_so_the_alarms_keep_watching_it(assembly):
    # The endpoint is named after the pipeline, not after the model or config, which a new package version replaces.
    for name in (ABALONE, DEEPAR):
        (endpoint,) = of_type(template(assembly, name), "AWS::SageMaker::Endpoint")
        assert endpoint["Properties"]["EndpointName"] == name
        for alarm in alarms(assembly, name).values():
            dimensions = {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
            assert dimensions == {"EndpointName": name, "VariantName": "AllTraffic"}


# --- alarms -----------------------------------------------------------------------------------------------------


def alarm_on(assembly, name, metric) -> dict:
    (alarm,) = (a for a in alarms(assembly, name).values() if a["MetricName"] == metric)
    return alarm


COMMON = {
    "Namespace": "AWS/SageMaker",
    "Statistic": "Average",
    "Period": 60,
    "EvaluationPeriods": 2,
    "DatapointsToAlarm": 2,
    "ComparisonOperator": "GreaterThanThreshold",
    "TreatMissingData": "notBreaching",  # an idle endpoint is no reason to roll back
}


def test_error_alarm_on_the_share_of_5xx_responses(assembly):
    alarm = alarm_on(assembly, ABALONE, "Invocation5XXErrors")
    assert {key: alarm[key] for key in COMMON} == COMMON
    assert alarm["Threshold"] == 0.05  # Invocation5XXErrors is 1 or 0 per request: its average is the error rate
    assert alarm["Dimensions"] == [
        {"Name": "EndpointName", "Value": ABALONE},
        {"Name": "VariantName", "Value": "AllTraffic"},
    ]
    assert alarm["AlarmName"] == f"{ABALONE}-invocation-5xx-errors"
    assert "AlarmActions" not in alarm  # SageMaker reads the alarm's state; nothing is notified


def test_latency_alarm_threshold_in_microseconds(assembly):
    for name, milliseconds in ((ABALONE, 1000), (DEEPAR, 250)):
        alarm = alarm_on(assembly, name, "ModelLatency")
        assert {key: alarm[key] for key in COMMON} == COMMON
        assert alarm["Threshold"] == milliseconds * 1000  # ModelLatency is reported in microseconds
        assert alarm["AlarmName"] == f"{name}-model-latency"


# --- settings ---------------------------------------------------------------------------------------------------


def test_defaults():
    settings = EndpointSettings(package())
    assert (settings.traffic_shifting, settings.canary_percent, settings.linear_step_percent) == (None, 10, 20)
    assert (settings.bake_minutes, settings.latency_alarm_ms) == (10, 1000)
    assert settings.shifting == "all_at_once"  # one instance
    assert EndpointSettings(package(), instance_count=2).shifting == "canary"
    # Inf1 endpoints cannot use the guardrails; SageMaker would update them all at once anyway
    assert EndpointSettings(package(), instance_type="ml.inf1.xlarge", instance_count=2).shifting == "all_at_once"


@pytest.mark.parametrize(
    "fields, periods, timeout",
    [
        ({}, 1, 600 + 3600),
        ({"instance_count": 2}, 2, 1200 + 3600),
        ({"instance_count": 2, "traffic_shifting": "linear"}, 5, 3000 + 3600),  # 20% steps
        ({"instance_count": 2, "traffic_shifting": "linear", "linear_step_percent": 30}, 4, 2400 + 3600),
        ({"instance_count": 2, "traffic_shifting": "linear", "linear_step_percent": 50, "bake_minutes": 60}, 2, 10800),
        ({"traffic_shifting": "all_at_once", "bake_minutes": 1}, 1, 60 + 3600),
    ],
)
def test_bake_periods_and_the_update_timeout(fields, periods, timeout):
    settings = EndpointSettings(package(), **fields)
    assert (settings.bake_periods, settings.update_timeout_seconds) == (periods, timeout)


KEY = "context 'endpoints.abalone-xgboost"


def abalone(**fields):
    return {"abalone-xgboost": {"model_package_arn": package(), "instance_count": 2, **fields}}


@pytest.mark.parametrize(
    "endpoints, message",
    [
        (abalone(traffic_shifting="rolling"), f"{KEY}.traffic_shifting': 'rolling' is not one of canary, linear, all_"),
        (abalone(traffic_shifting="CANARY"), f"{KEY}.traffic_shifting': 'CANARY' is not one of canary, linear"),
        (abalone(instance_count=1, traffic_shifting="canary"), f"{KEY}.traffic_shifting': 'canary' needs instance_co"),
        (abalone(instance_count=1, traffic_shifting="linear"), f"{KEY}.traffic_shifting': 'linear' needs instance_co"),
        (
            abalone(instance_type="ml.inf1.xlarge", traffic_shifting="canary"),
            f"{KEY}.traffic_shifting': 'canary' is not supported on ml.inf1.xlarge",
        ),
        (abalone(canary_percent=0), f"{KEY}.canary_percent': 0 is below 1"),
        (abalone(canary_percent=51), f"{KEY}.canary_percent': 51 is above 50"),
        (abalone(canary_percent=12.5), f"{KEY}.canary_percent': 12.5 is not an integer"),
        (abalone(linear_step_percent=5), f"{KEY}.linear_step_percent': 5 is below 10"),
        (abalone(linear_step_percent=60), f"{KEY}.linear_step_percent': 60 is above 50"),
        (abalone(bake_minutes=0), f"{KEY}.bake_minutes': 0 is below 1"),
        (abalone(bake_minutes=61), f"{KEY}.bake_minutes': 61 is above 60"),
        (abalone(bake_minutes="10"), f"{KEY}.bake_minutes': '10' is not an integer"),
        (
            abalone(traffic_shifting="linear", linear_step_percent=10, bake_minutes=45),
            f"{KEY}.bake_minutes': 10 baking periods of 45 minutes and an hour to start the new fleet exceed "
            "SageMaker's 8-hour limit",
        ),
        (abalone(latency_alarm_ms=0), f"{KEY}.latency_alarm_ms': 0 is not a positive number"),
        (abalone(latency_alarm_ms="1s"), f"{KEY}.latency_alarm_ms': '1s' is not a positive number"),
    ],
)
def test_invalid_guardrail_settings_name_the_context_key(endpoints, message):
    with pytest.raises(SettingsError) as raised:
        parse(endpoints)
    assert str(raised.value).startswith(message), str(raised.value)


def test_all_at_once_is_allowed_anywhere():
    for fields in ({"instance_count": 1}, {"instance_type": "ml.inf1.xlarge"}):
        (settings,) = parse(abalone(traffic_shifting="all_at_once", **fields)).values()
        assert settings.shifting == "all_at_once"


# --- cdk-nag and cfn-lint ---------------------------------------------------------------------------------------


def test_aws_solutions_has_no_finding_and_nothing_is_acknowledged(assembly):
    report = json.loads((Path(assembly.directory) / "validation-report.json").read_text())
    assert [v for plugin in report["pluginReports"] for v in plugin["violations"]] == []
    for name in (ABALONE, DEEPAR, SYNTHETIC):
        assert acknowledgments(assembly, endpoint_stack(name)) == []


def test_cfn_lint_accepts_the_endpoint_templates(assembly):
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    if not cfn_lint.exists():
        pytest.skip("cfn-lint is not installed in this environment")
    directory = Path(assembly.directory)
    files = [str(directory / f"{endpoint_stack(name)}.template.json") for name in (ABALONE, DEEPAR, SYNTHETIC)]
    result = subprocess.run([str(cfn_lint), *files], capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_readme_documents_every_endpoint_setting():
    from infra.endpoint_settings import FIELDS
    from tests.conftest import ROOT

    endpoints = (ROOT / "README.md").read_text().split("## Endpoints", 1)[1].split("\n## ", 1)[0]
    assert [field for field in FIELDS if f"| `{field}` |" not in endpoints] == []
    for term in ("MaximumExecutionTimeoutInSeconds", "-invocation-5xx-errors", "-model-latency", "final bake"):
        assert term in endpoints
