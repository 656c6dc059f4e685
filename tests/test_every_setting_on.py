"""The app with every opt-in setting on (a VPC, endpoints, schedules, notifications, the dashboard), synthesized as
CDK synthesizes it: cdk-nag runs on every stack and fails the synth on any finding not acknowledged, and cfn-lint
checks the templates the settings add or change."""

import json
import subprocess
from pathlib import Path

import pytest
from aws_cdk import App

from tests.conftest import PREFIX, REGION, ROOT, cdk_context, pipeline_name

PACKAGE = f"arn:aws:sagemaker:{REGION}:123456789012:model-package/{pipeline_name('abalone-xgboost')}/3"
SETTINGS = {
    "vpc": {"subnet_ids": ["subnet-0123456789abcdef0"], "security_group_ids": ["sg-0123456789abcdef0"]},
    "endpoints": json.dumps({"abalone-xgboost": {"model_package_arn": PACKAGE, "instance_count": 2}}),
    "schedules": json.dumps(
        {
            "abalone-xgboost": {
                "expression": "cron(0 3 ? * MON *)",
                "time_zone": "Europe/Berlin",
                "flexible_window_minutes": 30,
                "parameters": {"MetricThreshold": 5.5},
            }
        }
    ),  # fmt: skip
    "notifications": json.dumps({"emails": ["ml-team@example.com"], "succeeded": True}),
    "dashboard": True,
}
# The stacks a setting adds, or whose template it changes: the others are the default synth's (`make check`).
CHANGED = ["foundation", "abalone-xgboost", "abalone-xgboost-endpoint", "notifications", "dashboard"]


@pytest.fixture(scope="module")
def assembly(tmp_path_factory):
    import app as cdk_app

    context = cdk_context(region=REGION, prefix=PREFIX, pipelines="abalone-xgboost,deepar-synthetic", **SETTINGS)
    application = App(context=context, outdir=str(tmp_path_factory.mktemp("all")))
    cdk_app.build(application)
    return application.synth()  # cdk-nag (AwsSolutions) raises here on any unacknowledged finding


def test_every_setting_adds_its_stack_and_the_synth_passes_cdk_nag(assembly):
    names = sorted(stack.stack_name for stack in assembly.stacks)
    assert names == sorted(f"{PREFIX}-{name}" for name in [*CHANGED, "deepar-synthetic"])
    report = json.loads((Path(assembly.directory) / "validation-report.json").read_text())
    assert [v for plugin in report["pluginReports"] for v in plugin["violations"]] == []


def test_cfn_lint_passes_on_the_templates_the_settings_change(assembly):
    paths = [assembly.get_stack_by_name(f"{PREFIX}-{name}").template_full_path for name in CHANGED]
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "cfn-lint"), *paths], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_pipeline_definitions_stay_valid_in_a_vpc(assembly):
    """Every job of the scheduled pipeline runs in the VPC's subnets (the settings reach the definitions)."""
    template = assembly.get_stack_by_name(pipeline_name("abalone-xgboost")).template
    (pipeline,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::SageMaker::Pipeline"]
    body = pipeline["Properties"]["PipelineDefinition"]["PipelineDefinitionBody"]["Fn::Sub"][0]
    assert body.count("subnet-0123456789abcdef0") >= len(json.loads(body)["Steps"]) - 1  # not the condition
