"""The operations CLI, `python -m pipelines`: commands run in-process through main() with injected AWS clients, sleep,
clock and command runner. moto plays SageMaker where it implements the call; botocore's Stubber where it does not
(ListPipelineExecutionSteps) or where the answer must be an error moto never gives (throttling, access denied)."""

from __future__ import annotations

import io
import json
import os
import shlex
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.exceptions import NoRegionError
from botocore.stub import ANY, Stubber
from moto import mock_aws

from pipelines.cli import main
from pipelines.cli.cdk import ROOT as CLI_ROOT
from pipelines.cli.errors import Failure
from pipelines.cli.runtime import Runtime, run_command
from pipelines.naming import endpoint_stack
from tests.conftest import ROOT, pipeline_name

ACCOUNT = "123456789012"
NAME = "abalone-xgboost"
PIPELINE = pipeline_name(NAME)
EXECUTION_ID = "k3x9p2m7q1z5"
EXECUTION_ARN = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:pipeline/{PIPELINE}/execution/{EXECUTION_ID}"
PACKAGE_ARN = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:model-package/{PIPELINE}/3"
CONSOLE_URL = (
    "https://us-east-1.console.aws.amazon.com/sagemaker/home?region=us-east-1"
    f"#/pipelines/{PIPELINE}/executions/{EXECUTION_ID}"
)
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CDK_COMMAND = [
    "node_modules/.bin/cdk",
    "deploy",
    endpoint_stack(PIPELINE),
    "--exclusively",
    "--require-approval",
    "broadening",
]


# ---------------------------------------------------------------------------------------------------------------------
# Fixtures and helpers


@pytest.fixture
def no_aws_config(monkeypatch, tmp_path):
    """No credentials, no region, no config of the machine running the tests, no instance metadata."""
    for key in [key for key in os.environ if key.startswith("AWS_")]:
        monkeypatch.delenv(key)
    empty = tmp_path / "empty"
    empty.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def fake_credentials(no_aws_config, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


@pytest.fixture
def moto_client(fake_credentials):
    with mock_aws():
        yield boto3.client("sagemaker", region_name="us-east-1")


@pytest.fixture
def stubbed(fake_credentials):
    client = boto3.client("sagemaker", region_name="us-east-1")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


class Calls:
    """What a command asked of the outside world."""

    def __init__(self) -> None:
        self.regions: list[str] = []
        self.sleeps: list[float] = []
        self.commands: list[tuple[list[str], object]] = []
        self.questions: list[str] = []


def runtime_for(
    client=None, calls: Calls | None = None, *, tty: bool = False, exit_code: int = 0, sleep=None, answer=False
) -> Runtime:
    calls = calls or Calls()

    def sagemaker(region: str):
        calls.regions.append(region)
        if client is None:
            raise AssertionError("the command called AWS")
        return client

    def run(command, cwd) -> int:
        calls.commands.append((list(command), cwd))
        return exit_code

    def confirm(question: str) -> bool:
        calls.questions.append(question)
        return answer

    return Runtime(
        sagemaker=sagemaker,
        sleep=sleep or calls.sleeps.append,
        clock=lambda: NOW,
        run=run,
        is_tty=lambda: tty,
        confirm=confirm,
    )


def run_cli(capsys, argv: list[str], runtime: Runtime | None = None) -> tuple[int, str, str]:
    code = main(argv, runtime or runtime_for())
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def single_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


def create_pipeline(client, name: str = PIPELINE) -> None:
    definition = {"Version": "2020-12-01", "Parameters": [], "Steps": []}
    client.create_pipeline(
        PipelineName=name, PipelineDefinition=json.dumps(definition), RoleArn=f"arn:aws:iam::{ACCOUNT}:role/execution"
    )


def create_packages(client, statuses: list[str], metrics: list[str | None] | None = None) -> list[str]:
    client.create_model_package_group(ModelPackageGroupName=PIPELINE)
    arns = []
    for status, uri in zip(statuses, metrics or [None] * len(statuses), strict=True):
        request = {
            "ModelPackageGroupName": PIPELINE,
            "ModelApprovalStatus": status,
            "InferenceSpecification": {
                "Containers": [{"Image": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:3.2-0"}],
                "SupportedContentTypes": ["text/csv"],
                "SupportedResponseMIMETypes": ["text/csv"],
            },
        }
        if uri:
            request["ModelMetrics"] = {
                "ModelQuality": {"Statistics": {"ContentType": "application/json", "S3Uri": uri}}
            }
        arns.append(client.create_model_package(**request)["ModelPackageArn"])
    return arns


def capture_requests(client, operation: str) -> list[dict]:
    """The parameters the CLI passed to one operation, as botocore received them."""
    captured: list[dict] = []
    client.meta.events.register(
        f"provide-client-params.sagemaker.{operation}", lambda params, **_: captured.append(dict(params))
    )
    return captured


# ---------------------------------------------------------------------------------------------------------------------
# The entry point (the only subprocess runs) and help


def test_list_prints_every_registered_pipeline(capsys, compiled):
    # In process: `compiled` has compiled every pipeline for this region and prefix, and compile_pipeline keeps
    # them, so listing costs no second compile (the entry point itself is run below).
    code, out, err = run_cli(capsys, ["list"])
    assert code == 0, err
    header, *rows = out.splitlines()
    assert len(rows) == len(compiled)
    assert header.split()[:4] == ["name", "algorithm", "dataset", "steps"]
    abalone = next(row for row in rows if row.startswith("abalone-xgboost"))
    assert "XGBoost 3.2-0" in abalone and "UCI abalone" in abalone
    assert "Preprocess > Train > Evaluate > CheckMSE > RegisterModel > QualityGateFailed" in abalone


def test_usage_error_exits_non_zero():
    result = subprocess.run([sys.executable, "-m", "pipelines"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.startswith("error: the following arguments are required: command")
    assert "list" in result.stderr


def test_registry_lookup_names_the_known_pipelines():
    from pipelines.registry import get

    assert get("abalone-xgboost").algorithm.startswith("XGBoost")
    with pytest.raises(KeyError, match="abalone-xgboost"):
        get("no-such-pipeline")


COMMON_OPTIONS = ["--region", "--prefix", "--debug"]
HELP_MENTIONS = {
    "list": [],
    "show": ["NAME"],
    "definition": ["NAME", "Fn::Sub"],
    "start": ["NAME", "--param KEY=VALUE", "--wait", "--display-name TEXT", "--interval SECONDS"],
    "watch": ["EXECUTION_ARN", "--interval SECONDS"],
    "approve": ["MODEL_PACKAGE_ARN", "--reject", "--note TEXT"],
    "models": ["NAME"],
    "deploy": ["NAME", "--model-package ARN", "--instance-type T", "--instance-count N", "--dry-run"],
    "cost": ["EXECUTION_ARN"],
}


@pytest.mark.parametrize("command", sorted(HELP_MENTIONS))
def test_every_command_has_help_naming_its_arguments(capsys, command):
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    for mention in [*HELP_MENTIONS[command], *COMMON_OPTIONS]:
        assert mention in out, (command, mention)


def test_missing_argument_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["start"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.startswith("error: the following arguments are required: NAME\nusage:")


# ---------------------------------------------------------------------------------------------------------------------
# Offline: show, definition, unknown pipelines


def test_show_prints_title_steps_in_order_and_parameters(capsys):
    code, out, _ = run_cli(capsys, ["show", NAME])
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "abalone-xgboost: XGBoost regression on UCI abalone"
    assert lines[1].split(None, 1) == ["pipeline", f"{PIPELINE} (us-east-1)"]
    assert lines[2].split(None, 1) == ["algorithm", "XGBoost 3.2-0"]
    assert lines[3].split(None, 1)[0] == "dataset" and "UCI abalone" in lines[3]
    steps = [line.split() for line in out.split("\nsteps\n")[1].split("\n\n")[0].splitlines()]
    assert steps == [
        ["1.", "Preprocess", "Processing"],
        ["2.", "Train", "Training"],
        ["3.", "Evaluate", "Processing"],
        ["4.", "CheckMSE", "Condition"],
        ["5.", "RegisterModel", "RegisterModel"],
        ["6.", "QualityGateFailed", "Fail"],
    ]
    parameters = {line.split()[0]: line.split(None, 3) for line in out.split("\nparameters\n")[1].splitlines()}
    assert parameters["name"][:3] == ["name", "type", "default"]
    assert parameters["MetricThreshold"][1:] == [
        "Float",
        "6.0",
        "Quality gate: the model is registered only if its metric passes this threshold.",
    ]
    assert parameters["TrainingInstanceCount"][1:3] == ["Integer", "1"]
    assert parameters["ModelApprovalStatus"][1:3] == ["String", "PendingManualApproval"]


def test_definition_prints_what_synth_embeds_with_placeholders(capsys):
    from pipelines.compiler import compile_pipeline
    from pipelines.registry import get

    code, out, _ = run_cli(capsys, ["definition", NAME, "--region", "eu-west-1", "--prefix", "ml-demo"])
    expected = compile_pipeline(get(NAME), "eu-west-1", "ml-demo").definition
    assert code == 0
    assert out == expected + "\n"
    assert "${" in out  # Fn::Sub placeholders stay for CloudFormation
    assert "sagemaker-example-files-prod-eu-west-1" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["show", "no-such-pipeline"],
        ["definition", "no-such-pipeline"],
        ["start", "no-such-pipeline"],
        ["models", "no-such-pipeline"],
        ["deploy", "no-such-pipeline", "--model-package", PACKAGE_ARN],
    ],
)
def test_unknown_pipeline_is_a_usage_error_listing_the_known_ones(capsys, fake_credentials, argv):
    code, _, err = run_cli(capsys, argv)  # runtime_for() fails the command if it calls AWS
    assert code == 2
    line = single_error_line(err)
    assert line.startswith("error: unknown pipeline 'no-such-pipeline'; known: ")
    assert "abalone-xgboost" in line and "mnist-pca" in line


# ---------------------------------------------------------------------------------------------------------------------
# start


def test_start_sends_the_checked_parameters_and_prints_arn_and_link(capsys, moto_client):
    create_pipeline(moto_client)
    sent = capture_requests(moto_client, "StartPipelineExecution")
    argv = ["start", NAME, "--param", "MetricThreshold=5.5", "--param", "TrainingInstanceCount=2"]
    argv += ["--param", "ModelApprovalStatus=Rejected", "--param", "InputDataUri=s3://my-bucket/a=b.csv"]
    code, out, err = run_cli(capsys, [*argv, "--display-name", "nightly-1"], runtime_for(moto_client))
    assert code == 0, err
    [request] = sent
    expected_parameters = [
        {"Name": "MetricThreshold", "Value": "5.5"},
        {"Name": "TrainingInstanceCount", "Value": "2"},
        {"Name": "ModelApprovalStatus", "Value": "Rejected"},
        {"Name": "InputDataUri", "Value": "s3://my-bucket/a=b.csv"},
    ]
    assert request["PipelineName"] == PIPELINE
    assert request["PipelineParameters"] == expected_parameters
    assert request["PipelineExecutionDisplayName"] == "nightly-1"
    assert uuid.UUID(request["ClientRequestToken"]).version == 4
    lines = out.splitlines()
    arn = lines[0].split()[1]
    assert lines[0] == f"execution  {arn}"
    assert arn.startswith(f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:pipeline/{PIPELINE}/execution/")
    execution_id = arn.rsplit("/", 1)[1]
    assert lines[1] == (
        "console    https://us-east-1.console.aws.amazon.com/sagemaker/home?region=us-east-1"
        f"#/pipelines/{PIPELINE}/executions/{execution_id}"
    )
    assert lines[2] == f"follow it: python -m pipelines watch {arn}"
    stored = moto_client.list_pipeline_parameters_for_execution(PipelineExecutionArn=arn)["PipelineParameters"]
    assert stored == expected_parameters


def test_start_without_params_sends_none(capsys, stubbed):
    client, stubber = stubbed
    expected = {"PipelineName": PIPELINE, "PipelineParameters": [], "ClientRequestToken": ANY}
    stubber.add_response("start_pipeline_execution", {"PipelineExecutionArn": EXECUTION_ARN}, expected)
    code, out, _ = run_cli(capsys, ["start", NAME, "--region", "us-east-1"], runtime_for(client))
    assert code == 0
    assert out.splitlines()[:2] == [f"execution  {EXECUTION_ARN}", f"console    {CONSOLE_URL}"]


BAD_PARAMETERS = {
    "Foo=1": "unknown parameter 'Foo' for abalone-xgboost; known: ProcessingInstanceType, TrainingInstanceType, "
    "TrainingInstanceCount, InputDataUri, ModelApprovalStatus, MetricThreshold",
    "TrainingInstanceCount=two": "parameter TrainingInstanceCount is an Integer; 'two' is not a whole number",
    "TrainingInstanceCount=1.5": "parameter TrainingInstanceCount is an Integer; '1.5' is not a whole number",
    "MetricThreshold=abc": "parameter MetricThreshold is a Float; 'abc' is not a number",
    "MetricThreshold=nan": "parameter MetricThreshold is a Float; 'nan' is not a number",
    "ModelApprovalStatus=Maybe": "parameter ModelApprovalStatus must be one of PendingManualApproval, Rejected; "
    "got 'Maybe'",
    # approval is a person's decision, never a run's (pipelines.parameters.APPROVAL_STATUSES)
    "ModelApprovalStatus=Approved": "parameter ModelApprovalStatus must be one of PendingManualApproval, Rejected; "
    "got 'Approved'",
}


@pytest.mark.parametrize("param", sorted(BAD_PARAMETERS))
def test_start_checks_parameters_before_calling_aws(capsys, fake_credentials, param):
    calls = Calls()
    code, _, err = run_cli(capsys, ["start", NAME, "--param", param], runtime_for(None, calls))
    assert code == 2
    assert single_error_line(err) == f"error: {BAD_PARAMETERS[param]}"
    assert calls.regions == []  # no client was even created


@pytest.mark.parametrize(
    ("pipeline", "instance_type", "first_allowed"),
    [
        # Trains on local-NVMe GPUs without a volume key: an EBS-only GPU would get no project key on its volume.
        ("caltech256-image-classification", "TrainingInstanceType=ml.p3.2xlarge", "ml.g4dn.xlarge"),
        # A local-NVMe type for a job whose definition sets the volume key: CreateTrainingJob would refuse it.
        ("abalone-xgboost", "TrainingInstanceType=ml.g4dn.xlarge", "ml.p2.xlarge"),
        # LDA trains on CPU only (DG lda).
        ("lda-topics", "TrainingInstanceType=ml.p3.2xlarge", "ml.m5.large"),
        # Processing and batch transform run on CPU types.
        ("census-kmeans", "ProcessingInstanceType=ml.g5.xlarge", "ml.m5.large"),
    ],
)
def test_start_refuses_an_instance_type_the_definition_does_not_allow(
    capsys, fake_credentials, pipeline, instance_type, first_allowed
):
    calls = Calls()
    code, _, err = run_cli(capsys, ["start", pipeline, "--param", instance_type], runtime_for(None, calls))
    name, value = instance_type.split("=")
    line = single_error_line(err)
    assert code == 2
    assert line.startswith(f"error: parameter {name} must be one of {first_allowed}, ")
    assert line.endswith(f"; got '{value}'")
    assert calls.regions == []


def test_start_rejects_a_parameter_given_twice(capsys, fake_credentials):
    argv = ["start", NAME, "--param", "MetricThreshold=1", "--param", "MetricThreshold=2"]
    code, _, err = run_cli(capsys, argv)
    assert (code, single_error_line(err)) == (2, "error: parameter MetricThreshold given twice")


def test_start_rejects_a_malformed_param_and_display_name(capsys, fake_credentials):
    with pytest.raises(SystemExit) as exited:
        main(["start", NAME, "--param", "MetricThreshold"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.startswith("error: argument --param: expected KEY=VALUE, got 'MetricThreshold'")
    code, _, err = run_cli(capsys, ["start", NAME, "--display-name", "my run"])
    assert code == 2
    assert single_error_line(err).startswith("error: --display-name 'my run': up to 82 letters, digits and hyphens")


def test_start_of_an_undeployed_pipeline_suggests_cdk_deploy(capsys, moto_client):
    code, _, err = run_cli(capsys, ["start", NAME], runtime_for(moto_client))
    assert code == 1
    assert single_error_line(err) == (
        f"error: pipeline {PIPELINE} is not deployed in us-east-1: deploy it with "
        f"`node_modules/.bin/cdk deploy {PIPELINE}` (AWS: Could not find pipeline with PipelineName {PIPELINE}.)"
    )


def test_start_access_denied_names_the_api_call(capsys, stubbed):
    client, stubber = stubbed
    stubber.add_client_error(
        "start_pipeline_execution", "AccessDeniedException", "User: arn:aws:iam::123456789012:user/x is not authorized"
    )
    code, _, err = run_cli(capsys, ["start", NAME], runtime_for(client))
    assert code == 1
    assert single_error_line(err) == (
        "error: access denied: your AWS identity may not call sagemaker:StartPipelineExecution "
        "(User: arn:aws:iam::123456789012:user/x is not authorized)"
    )


def test_start_validation_error_from_aws_is_one_line(capsys, stubbed):
    client, stubber = stubbed
    stubber.add_client_error("start_pipeline_execution", "ValidationException", "Parameter value is\ntoo long")
    code, _, err = run_cli(capsys, ["start", NAME], runtime_for(client))
    assert code == 1
    assert "error: AWS rejected sagemaker:StartPipelineExecution: Parameter value is" in err


def test_start_wait_follows_the_execution(capsys, stubbed):
    client, stubber = stubbed
    stubber.add_response("start_pipeline_execution", {"PipelineExecutionArn": EXECUTION_ARN})
    stub_definition(stubber)
    stub_poll(stubber, "Succeeded", [finished_steps()])
    code, out, _ = run_cli(capsys, ["start", NAME, "--wait"], runtime_for(client))
    assert code == 0
    assert out.splitlines()[:2] == [f"execution  {EXECUTION_ARN}", f"console    {CONSOLE_URL}"]
    assert out.splitlines()[-1] == "execution Succeeded"


# ---------------------------------------------------------------------------------------------------------------------
# watch: Stubber (moto has no ListPipelineExecutionSteps)

DEFINITION = {
    "Version": "2020-12-01",
    "Steps": [
        {"Name": "Preprocess", "Type": "Processing"},
        {"Name": "Train", "Type": "Training"},
        {"Name": "Evaluate", "Type": "Processing"},
        {
            "Name": "CheckMSE",
            "Type": "Condition",
            "Arguments": {
                "IfSteps": [{"Name": "RegisterModel", "Type": "RegisterModel"}],
                "ElseSteps": [{"Name": "QualityGateFailed", "Type": "Fail"}],
            },
        },
    ],
}
REGISTERED_ARN = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:model-package/{PIPELINE}/7"


def step(name: str, status: str, started: int, ended: int | None = None, **extra) -> dict:
    """A ListPipelineExecutionSteps entry; times in minutes before NOW."""
    entry = {"StepName": name, "StepStatus": status, "StartTime": NOW - timedelta(minutes=started), **extra}
    if ended is not None:
        entry["EndTime"] = NOW - timedelta(minutes=ended)
    return entry


def running_steps() -> list[dict]:
    return [step("Preprocess", "Succeeded", 15, 12), step("Train", "Executing", 12)]


def finished_steps() -> list[dict]:
    return [
        step("Preprocess", "Succeeded", 15, 12),
        step("Train", "Succeeded", 12, 2),
        step("Evaluate", "Succeeded", 2, 1),
        step("CheckMSE", "Succeeded", 1, 1, Metadata={"Condition": {"Outcome": "True"}}),
        step("RegisterModel", "Succeeded", 1, 0.5, Metadata={"RegisterModel": {"Arn": REGISTERED_ARN}}),
    ]


def stub_definition(stubber, arn: str = EXECUTION_ARN) -> None:
    stubber.add_response(
        "describe_pipeline_definition_for_execution",
        {"PipelineDefinition": json.dumps(DEFINITION), "CreationTime": NOW},
        {"PipelineExecutionArn": arn},
    )


def stub_poll(stubber, status: str, pages: list[list[dict]], failure_reason: str | None = None) -> None:
    described = {
        "PipelineExecutionArn": EXECUTION_ARN,
        "PipelineExecutionStatus": status,
        "CreationTime": NOW - timedelta(minutes=15),
    }
    if failure_reason:
        described["FailureReason"] = failure_reason
    stubber.add_response("describe_pipeline_execution", described, {"PipelineExecutionArn": EXECUTION_ARN})
    stub_step_pages(stubber, pages)


def stub_step_pages(stubber, pages: list[list[dict]], arn: str = EXECUTION_ARN) -> None:
    """ListPipelineExecutionSteps answered page by page, as the CLI asks for them."""
    for number, page in enumerate(pages):
        request = {"PipelineExecutionArn": arn, "SortOrder": "Ascending"}
        if number:
            request["NextToken"] = f"page-{number}"
        response = {"PipelineExecutionSteps": page}
        if number + 1 < len(pages):
            response["NextToken"] = f"page-{number + 1}"
        stubber.add_response("list_pipeline_execution_steps", response, request)


def test_watch_without_tty_prints_each_status_change_then_the_outcome(capsys, stubbed):
    client, stubber = stubbed
    calls = Calls()
    stub_definition(stubber)
    stub_poll(stubber, "Executing", [running_steps()])
    done = finished_steps()
    stub_poll(stubber, "Succeeded", [done[:2], done[2:]])  # two pages
    code, out, err = run_cli(capsys, ["watch", EXECUTION_ARN, "--interval", "5"], runtime_for(client, calls))
    assert code == 0, err
    assert out.splitlines() == [
        f"watching   {EXECUTION_ARN}",
        f"console    {CONSOLE_URL}",
        "Preprocess: Succeeded (3m00s) [1/5]",
        "Train: Executing [1/5]",
        "Train: Succeeded (10m00s) [5/5]",
        "Evaluate: Succeeded (1m00s) [5/5]",
        "CheckMSE: Succeeded (0s) [5/5]",
        "RegisterModel: Succeeded (30s) [5/5]",
        "CheckMSE: condition True",
        f"RegisterModel: model package {REGISTERED_ARN}",
        "execution Succeeded",
    ]
    assert calls.sleeps == [5.0]
    assert calls.regions == ["us-east-1"]  # the ARN's region


def test_watch_on_a_tty_redraws_a_table_with_progress(capsys, stubbed):
    client, stubber = stubbed
    stub_definition(stubber)
    stub_poll(stubber, "Executing", [running_steps()])
    stub_poll(stubber, "Succeeded", [finished_steps()])
    code, out, _ = run_cli(capsys, ["watch", EXECUTION_ARN], runtime_for(client, tty=True))
    assert code == 0
    first, redraw = out.split("\x1b[5F\x1b[J")  # the first table had 5 lines: header, 2 steps, blank, progress
    assert [line.split() for line in first.splitlines()[2:]] == [
        ["step", "status", "duration"],
        ["Preprocess", "Succeeded", "3m00s"],
        ["Train", "Executing", "12m00s"],
        [],
        ["Executing:", "1/5", "steps", "finished,", "15m00s", "elapsed"],
    ]
    table = redraw.splitlines()
    assert [line.split() for line in table[:6]] == [
        ["step", "status", "duration"],
        ["Preprocess", "Succeeded", "3m00s"],
        ["Train", "Succeeded", "10m00s"],
        ["Evaluate", "Succeeded", "1m00s"],
        ["CheckMSE", "Succeeded", "0s"],
        ["RegisterModel", "Succeeded", "30s"],
    ]
    assert table[7] == "Succeeded: 5/5 steps finished, 15m00s elapsed"
    assert table[8:] == [
        "CheckMSE: condition True",
        f"RegisterModel: model package {REGISTERED_ARN}",
        "execution Succeeded",
    ]


def test_watch_of_a_failed_gate_exits_1_with_the_reasons(capsys, stubbed):
    client, stubber = stubbed
    stub_definition(stubber)
    gate = "Model MSE 7.4 is above MetricThreshold 6.0"
    steps = [
        step("Preprocess", "Succeeded", 15, 12),
        step("Train", "Succeeded", 12, 2),
        step("Evaluate", "Succeeded", 2, 1),
        step("CheckMSE", "Succeeded", 1, 1, Metadata={"Condition": {"Outcome": "False"}}),
        step("QualityGateFailed", "Failed", 1, 1, FailureReason=gate, Metadata={"Fail": {"ErrorMessage": gate}}),
    ]
    stub_poll(stubber, "Failed", [steps], failure_reason="Step failure: One or multiple steps failed.")
    code, out, err = run_cli(capsys, ["watch", EXECUTION_ARN], runtime_for(client))
    assert code == 1
    assert out.splitlines()[-2:] == ["CheckMSE: condition False", f"QualityGateFailed: {gate}"]
    assert "QualityGateFailed: Failed (0s) [5/5]" in out
    assert single_error_line(err) == (
        f"error: execution Failed: Step failure: One or multiple steps failed.; step QualityGateFailed failed: {gate}"
    )


def test_watch_of_a_stopped_execution_exits_1(capsys, stubbed):
    client, stubber = stubbed
    stub_definition(stubber)
    stub_poll(stubber, "Stopped", [[step("Preprocess", "Stopped", 15, 14)]])
    code, _, err = run_cli(capsys, ["watch", EXECUTION_ARN], runtime_for(client))
    assert (code, single_error_line(err)) == (1, "error: execution Stopped")


def test_watch_interrupted_leaves_the_execution_running(capsys, stubbed):
    client, stubber = stubbed
    stub_definition(stubber)
    stub_poll(stubber, "Executing", [running_steps()])

    def interrupt(seconds: float) -> None:
        raise KeyboardInterrupt

    code, _, err = run_cli(capsys, ["watch", EXECUTION_ARN], runtime_for(client, sleep=interrupt))
    assert code == 130
    assert err == f"stopped watching; the execution goes on: {EXECUTION_ARN}\n"


def test_watch_of_an_unknown_execution_says_so(capsys, moto_client):
    code, _, err = run_cli(capsys, ["watch", EXECUTION_ARN], runtime_for(moto_client))
    assert code == 1
    assert single_error_line(err).startswith(f"error: no pipeline execution {EXECUTION_ARN} in us-east-1 (AWS: ")


def test_watch_rejects_what_is_not_an_execution_arn(capsys):
    code, _, err = run_cli(capsys, ["watch", PACKAGE_ARN])
    assert code == 2
    assert single_error_line(err).startswith(f"error: '{PACKAGE_ARN}' is not a pipeline execution ARN")


def test_watch_polls_the_region_of_the_arn(capsys, stubbed):
    client, stubber = stubbed
    arn = EXECUTION_ARN.replace("us-east-1", "eu-west-1")
    calls = Calls()
    stub_definition(stubber, arn)
    stubber.add_client_error("describe_pipeline_execution", "ThrottlingException", "Rate exceeded", 400)
    code, out, err = run_cli(capsys, ["watch", arn], runtime_for(client, calls))
    assert calls.regions == ["eu-west-1"]
    assert "console    https://eu-west-1.console.aws.amazon.com/sagemaker/home?region=eu-west-1#" in out
    assert code == 1
    assert single_error_line(err) == (
        "error: AWS is throttling sagemaker:DescribePipelineExecution, still after 10 adaptive retries: "
        "wait a minute and run the command again"
    )


# ---------------------------------------------------------------------------------------------------------------------
# approve and models


def test_approve_sets_status_and_note(capsys, moto_client):
    [arn] = create_packages(moto_client, ["PendingManualApproval"])
    code, out, _ = run_cli(capsys, ["approve", arn, "--note", "MSE 4.1 on the test split"], runtime_for(moto_client))
    assert code == 0
    assert out == f"Approved: {arn}\n"
    package = moto_client.describe_model_package(ModelPackageName=arn)
    assert package["ModelApprovalStatus"] == "Approved"
    assert package["ApprovalDescription"] == "MSE 4.1 on the test split"


def test_approve_reject(capsys, moto_client):
    [arn] = create_packages(moto_client, ["PendingManualApproval"])
    code, out, _ = run_cli(capsys, ["approve", arn, "--reject"], runtime_for(moto_client))
    assert (code, out) == (0, f"Rejected: {arn}\n")
    assert moto_client.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"] == "Rejected"


def test_approve_sends_no_description_without_note(capsys, stubbed):
    client, stubber = stubbed
    expected = {"ModelPackageArn": PACKAGE_ARN, "ModelApprovalStatus": "Approved"}
    stubber.add_response("update_model_package", {"ModelPackageArn": PACKAGE_ARN}, expected)
    assert run_cli(capsys, ["approve", PACKAGE_ARN], runtime_for(client))[0] == 0


def test_approve_of_an_unknown_package(capsys, moto_client):
    code, _, err = run_cli(capsys, ["approve", PACKAGE_ARN], runtime_for(moto_client))
    assert code == 1
    assert single_error_line(err).startswith(f"error: no model package {PACKAGE_ARN} in us-east-1 (AWS: ")


def test_approve_still_throttled_after_retries(capsys, stubbed):
    client, stubber = stubbed
    stubber.add_client_error("update_model_package", "ThrottlingException", "Rate exceeded", 400)
    code, _, err = run_cli(capsys, ["approve", PACKAGE_ARN], runtime_for(client))
    assert code == 1
    assert single_error_line(err) == (
        "error: AWS is throttling sagemaker:UpdateModelPackage, still after 10 adaptive retries: "
        "wait a minute and run the command again"
    )


def test_approve_rejects_what_is_not_a_model_package_arn(capsys):
    code, _, err = run_cli(capsys, ["approve", EXECUTION_ARN])
    assert code == 2
    assert single_error_line(err).startswith(f"error: '{EXECUTION_ARN}' is not a model package ARN")


def test_no_credentials_is_one_clear_line(capsys, no_aws_config):
    code, _, err = run_cli(capsys, ["approve", PACKAGE_ARN], Runtime())  # the real client factory
    assert code == 1
    assert single_error_line(err) == (
        "error: no AWS credentials found: configure them (aws configure, AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY) and try again"
    )


def test_debug_shows_the_traceback(capsys, no_aws_config):
    code, _, err = run_cli(capsys, ["approve", PACKAGE_ARN, "--debug"], Runtime())
    assert code == 1
    assert "Traceback" in err and "NoCredentialsError" in err
    assert err.strip().splitlines()[-1].startswith("error: no AWS credentials found")


def test_no_region_is_one_clear_line(capsys, fake_credentials):
    def no_region(region: str):
        raise NoRegionError

    code, _, err = run_cli(capsys, ["approve", PACKAGE_ARN], Runtime(sagemaker=no_region))
    assert (code, single_error_line(err)) == (1, "error: no AWS region: pass --region or set AWS_DEFAULT_REGION")


def test_unexpected_errors_are_one_line_too(capsys, fake_credentials):
    def broken(region: str):
        raise RuntimeError("boom")

    code, _, err = run_cli(capsys, ["approve", PACKAGE_ARN], Runtime(sagemaker=broken))
    assert (code, single_error_line(err)) == (
        1,
        "error: unexpected RuntimeError: boom (run with --debug for the traceback)",
    )


def test_models_lists_versions_newest_first_with_metrics(capsys, moto_client):
    uris = ["s3://data/abalone/1/evaluation.json", None, "s3://data/abalone/3/evaluation.json"]
    arns = create_packages(moto_client, ["Rejected", "Approved", "PendingManualApproval"], uris)
    code, out, _ = run_cli(capsys, ["models", NAME], runtime_for(moto_client))
    assert code == 0
    rows = [line.split() for line in out.splitlines()]
    assert rows[0] == ["version", "status", "created", "metrics", "arn"]
    assert [(row[0], row[1], row[5], row[6]) for row in rows[1:]] == [
        ("3", "PendingManualApproval", uris[2], arns[2]),
        ("2", "Approved", "-", arns[1]),
        ("1", "Rejected", uris[0], arns[0]),
    ]
    assert all(row[4] == "UTC" for row in rows[1:])


def test_models_of_an_empty_group(capsys, moto_client):
    code, out, _ = run_cli(capsys, ["models", NAME], runtime_for(moto_client))
    assert code == 0
    assert out.startswith(f"no model packages in {PIPELINE} (us-east-1)")


def test_models_of_a_missing_group_suggests_deploying_the_pipeline(capsys, stubbed):
    client, stubber = stubbed
    stubber.add_client_error(
        "list_model_packages", "ResourceNotFound", f"Model Package Group {PIPELINE} does not exist"
    )
    code, _, err = run_cli(capsys, ["models", NAME], runtime_for(client))
    assert code == 1
    assert single_error_line(err) == (
        f"error: no model package group {PIPELINE} in us-east-1: deploy the pipeline with "
        f"`node_modules/.bin/cdk deploy {PIPELINE}` (AWS: Model Package Group {PIPELINE} does not exist)"
    )


def test_models_access_denied_names_the_api_call(capsys, stubbed):
    client, stubber = stubbed
    stubber.add_client_error("list_model_packages", "AccessDenied", "not authorized", 403)
    code, _, err = run_cli(capsys, ["models", NAME], runtime_for(client))
    assert code == 1
    assert single_error_line(err) == (
        "error: access denied: your AWS identity may not call sagemaker:ListModelPackages (not authorized)"
    )


@pytest.mark.parametrize(("configured", "expected"), [("eu-central-1", "eu-central-1"), (None, "us-east-1")])
def test_aws_commands_default_to_the_configured_region(capsys, fake_credentials, monkeypatch, configured, expected):
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    if configured:
        monkeypatch.setenv("AWS_DEFAULT_REGION", configured)
    client = boto3.client("sagemaker", region_name="us-east-1")
    calls = Calls()
    with Stubber(client) as stubber:
        stubber.add_response("list_model_packages", {"ModelPackageSummaryList": []})
        run_cli(capsys, ["models", NAME], runtime_for(client, calls))
    assert calls.regions == [expected]


def test_clients_retry_adaptively():
    from pipelines.cli.aws import sagemaker_client

    client = sagemaker_client("eu-west-1")
    assert client.meta.region_name == "eu-west-1"
    # Config(retries={"mode": "adaptive", "max_attempts": 10}): botocore counts 10 retries, 11 attempts in all.
    assert client.meta.config.retries == {"mode": "adaptive", "total_max_attempts": 11}


# ---------------------------------------------------------------------------------------------------------------------
# deploy


def endpoints_context(arn: str, **settings) -> str:
    return "endpoints=" + json.dumps({NAME: {"model_package_arn": arn, **settings}}, separators=(",", ":"))


def test_deploy_runs_cdk_with_the_given_package(capsys, fake_credentials):
    calls = Calls()
    argv = ["deploy", NAME, "--model-package", PACKAGE_ARN, "--instance-type", "ml.c5.large", "--instance-count", "2"]
    code, out, _ = run_cli(capsys, argv, runtime_for(None, calls))
    assert code == 0
    command = [*CDK_COMMAND, "-c", endpoints_context(PACKAGE_ARN, instance_type="ml.c5.large", instance_count=2)]
    assert calls.commands == [(command, CLI_ROOT)]
    assert CLI_ROOT == ROOT
    assert calls.regions == []  # an explicit ARN needs no lookup
    assert f"$ {shlex.join(command)}" in out


def test_deploy_picks_the_newest_approved_package_once_a_person_confirms_it(capsys, moto_client):
    arns = create_packages(moto_client, ["Approved", "Approved", "PendingManualApproval"])
    calls = Calls()
    code, _, _ = run_cli(capsys, ["deploy", NAME], runtime_for(moto_client, calls, answer=True))
    assert code == 0
    assert calls.questions == [f"deploy {arns[1]} to the endpoint stack {endpoint_stack(PIPELINE)}?"]
    assert calls.commands == [([*CDK_COMMAND, "-c", endpoints_context(arns[1])], ROOT)]


def test_deploy_of_a_package_nobody_confirmed_stops_and_names_it(capsys, moto_client):
    arns = create_packages(moto_client, ["Approved"])
    calls = Calls()
    code, _, err = run_cli(capsys, ["deploy", NAME], runtime_for(moto_client, calls, answer=False))
    assert code == 2
    assert single_error_line(err) == (
        f"error: not deployed: the newest approved package is {arns[0]}; confirm on a terminal, or name it with "
        f"--model-package {arns[0]}"
    )
    assert calls.commands == []


def test_a_named_package_needs_no_confirmation(capsys, fake_credentials):
    calls = Calls()
    code, _, _ = run_cli(capsys, ["deploy", NAME, "--model-package", PACKAGE_ARN], runtime_for(None, calls))
    assert code == 0 and calls.questions == [] and len(calls.commands) == 1


def test_without_a_terminal_nobody_is_asked_and_the_answer_is_no(monkeypatch):
    from pipelines.cli.runtime import ask_yes_no

    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))  # piped input is not a person at a terminal
    assert ask_yes_no("deploy?") is False


@pytest.mark.parametrize("prefix", ["x; rm -rf ~", "ML-Demo", "a", "-c", "prod-" + "x" * 20])
def test_a_prefix_the_synth_would_refuse_is_a_usage_error(capsys, prefix):
    with pytest.raises(SystemExit) as exited:
        main(["deploy", NAME, "--model-package", PACKAGE_ARN, f"--prefix={prefix}"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: argument --prefix: 2-20 lower-case letters, digits or hyphens")


def test_deploy_without_an_approved_package_fails_clearly(capsys, moto_client):
    create_packages(moto_client, ["PendingManualApproval", "Rejected"])
    calls = Calls()
    code, _, err = run_cli(capsys, ["deploy", NAME], runtime_for(moto_client, calls))
    assert code == 1
    assert single_error_line(err).startswith(f"error: no approved model package in {PIPELINE} (us-east-1): approve")
    assert calls.commands == []


def test_deploy_dry_run_prints_the_command(capsys, fake_credentials):
    calls = Calls()
    argv = ["deploy", NAME, "--model-package", PACKAGE_ARN, "--dry-run"]
    code, out, _ = run_cli(capsys, argv, runtime_for(None, calls))
    assert code == 0
    assert shlex.split(out) == [*CDK_COMMAND, "-c", endpoints_context(PACKAGE_ARN)]
    assert calls.commands == []


def test_deploy_passes_a_region_and_prefix_other_than_cdk_json(capsys, fake_credentials):
    calls = Calls()
    arn = PACKAGE_ARN.replace("us-east-1", "eu-west-1")
    argv = ["deploy", NAME, "--model-package", arn, "--prefix", "ml-demo"]  # the region is the ARN's
    assert run_cli(capsys, argv, runtime_for(None, calls))[0] == 0
    [(command, _)] = calls.commands
    assert command[:3] == ["node_modules/.bin/cdk", "deploy", "ml-demo-abalone-xgboost-endpoint"]
    assert command[-4:] == ["-c", "region=eu-west-1", "-c", "prefix=ml-demo"]


def test_deploy_reports_a_failed_cdk_run(capsys, fake_credentials):
    argv = ["deploy", NAME, "--model-package", PACKAGE_ARN]
    code, _, err = run_cli(capsys, argv, runtime_for(None, exit_code=3))
    assert (code, single_error_line(err)) == (1, "error: cdk deploy failed with exit code 3")


@pytest.mark.parametrize("count", ["0", "-1", "two"])
def test_deploy_rejects_a_bad_instance_count(capsys, count):
    with pytest.raises(SystemExit) as exited:
        main(["deploy", NAME, "--instance-count", count])
    assert exited.value.code == 2
    assert capsys.readouterr().err.startswith("error: argument --instance-count: expected a whole number")


def test_deploy_rejects_what_is_not_a_model_package_arn(capsys, fake_credentials):
    code, _, err = run_cli(capsys, ["deploy", NAME, "--model-package", "v3"])
    assert code == 2
    assert single_error_line(err).startswith("error: 'v3' is not a model package ARN")


def test_missing_cdk_cli_is_a_clear_failure(tmp_path):
    with pytest.raises(Failure, match=r"node_modules/.bin/cdk not found in .*: install the project's tools first"):
        run_command(["node_modules/.bin/cdk", "--version"], tmp_path)
