"""The opt-in schedules: settings from the `schedules` context (parameters checked as `start --param` checks them),
the Scheduler schedule, role, group and dead-letter queue they add to the pipeline's stack, cdk-nag and cfn-lint."""

import json
import re
import subprocess

import pytest
from aws_cdk import App, Environment, Stack, Validations
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Template
from cdk_nag import AwsSolutionsChecks

from infra.foundation import FoundationStack
from infra.pipeline_stack import PipelineStack
from infra.role_needs import RoleNeeds
from infra.schedule import MAX_EVENT_AGE, RETRY_ATTEMPTS
from infra.schedule_settings import ScheduleSettings, schedule_settings_from_context
from infra.settings import Settings, SettingsError
from tests.conftest import PREFIX, REGION, ROOT, cdk_context

ABALONE = f"{PREFIX}-abalone-xgboost"
FOUNDATION = f"{PREFIX}-foundation"
SCHEDULE = {
    "expression": "cron(0 3 ? * MON *)",
    "time_zone": "Europe/Berlin",
    "flexible_window_minutes": 30,
    "parameters": {"MetricThreshold": 5.5, "TrainingInstanceCount": 2, "ModelApprovalStatus": "Rejected"},
}
PIPELINE_ARN = {"Fn::Join": ["", [f"arn:aws:sagemaker:{REGION}:", {"Ref": "AWS::AccountId"}, f":pipeline/{ABALONE}"]]}


@pytest.fixture(scope="module")
def abalone():
    from pipelines.compiler import compile_pipeline
    from pipelines.registry import USE_CASES

    (use_case,) = (u for u in USE_CASES if u.name == "abalone-xgboost")
    return compile_pipeline(use_case, REGION, PREFIX)


def parse(value, abalone):
    return schedule_settings_from_context(value, {"abalone-xgboost": abalone})


# --- settings ---------------------------------------------------------------------------------------------------


def test_no_schedules_context_means_no_schedules(abalone):
    assert Settings.from_context({"region": REGION, "prefix": PREFIX}).schedules == {}
    assert parse({}, abalone) == {}


def test_settings_with_parameters_as_strings_for_the_pipeline(abalone):
    assert parse({"abalone-xgboost": SCHEDULE}, abalone) == {
        "abalone-xgboost": ScheduleSettings(
            expression="cron(0 3 ? * MON *)",
            time_zone="Europe/Berlin",
            flexible_window_minutes=30,
            parameters=(
                ("MetricThreshold", "5.5"),
                ("TrainingInstanceCount", "2"),
                ("ModelApprovalStatus", "Rejected"),
            ),
        )
    }


def test_defaults_utc_no_window_and_the_pipelines_own_parameters(abalone):
    (settings,) = parse({"abalone-xgboost": {"expression": "rate(7 days)"}}, abalone).values()
    assert settings == ScheduleSettings(expression="rate(7 days)", time_zone="UTC", flexible_window_minutes=None)
    assert settings.parameters == ()


@pytest.mark.parametrize(
    "expression",
    ["cron(0 3 ? * MON *)", "cron(15 10 1 * ? *)", "cron(0/30 8-17 ? * MON-FRI 2027)", "cron(0 0 L * ? *)",
     "rate(1 hour)", "rate(1 day)", "rate(90 minutes)", "at(2027-01-31T23:59:00)"],
)  # fmt: skip
def test_accepted_expressions(abalone, expression):
    (settings,) = parse({"abalone-xgboost": {"expression": expression}}, abalone).values()
    assert settings.expression == expression


def test_a_json_string_on_the_command_line_gives_the_same_settings(abalone):
    as_string = Settings.from_context(
        {"region": REGION, "prefix": PREFIX, "schedules": json.dumps({"abalone-xgboost": SCHEDULE})}
    )
    as_object = Settings.from_context({"region": REGION, "prefix": PREFIX, "schedules": {"abalone-xgboost": SCHEDULE}})
    assert parse(as_string.schedules, abalone) == parse(as_object.schedules, abalone)


def schedule(**fields):
    return {"abalone-xgboost": {"expression": "rate(1 day)", **fields}}


PATH = "context 'schedules.abalone-xgboost"
# Each error as the synth prints it (after `error: `): one line that names the context key and what to write.
ERRORS = [
    (
        {"mnist-pca": {"expression": "rate(1 day)"}},
        "context 'schedules': 'mnist-pca' is not a pipeline deployed in this app; deployed: abalone-xgboost",
    ),
    (
        schedule(parameters={"Threshold": 5}),
        f"{PATH}.parameters': unknown parameter 'Threshold' for {ABALONE}; known: ProcessingInstanceType, "
        "TrainingInstanceType, TrainingInstanceCount, InputDataUri, ModelApprovalStatus, MetricThreshold",
    ),
    (
        schedule(parameters={"TrainingInstanceCount": 1.5}),
        f"{PATH}.parameters': parameter TrainingInstanceCount is an Integer; '1.5' is not a whole number",
    ),
    (
        schedule(parameters={"TrainingInstanceCount": True}),
        f"{PATH}.parameters': parameter TrainingInstanceCount is an Integer; 'true' is not a whole number",
    ),
    (
        schedule(parameters={"MetricThreshold": "low"}),
        f"{PATH}.parameters': parameter MetricThreshold is a Float; 'low' is not a number",
    ),
    (
        schedule(parameters={"ModelApprovalStatus": "Approved"}),
        f"{PATH}.parameters': parameter ModelApprovalStatus must be one of PendingManualApproval, Rejected; "
        "got 'Approved'",
    ),
    (schedule(parameters={"InputDataUri": ""}), f"{PATH}.parameters.InputDataUri': '' is not a string of 1-1024"),
    (schedule(parameters={"MetricThreshold": None}), f"{PATH}.parameters.MetricThreshold': None is not a string"),
    (schedule(parameters=["MetricThreshold"]), f"{PATH}.parameters': must be an object of {{parameter: value}}"),
    (
        schedule(expression="cron(0 3 * * MON)"),
        f"{PATH}.expression': 'cron(0 3 * * MON)' is not cron(<6 fields>), rate(<n> minutes|hours|days) or "
        "at(yyyy-mm-ddThh:mm:ss)",
    ),
    (schedule(expression="cron(0 3 * * MON *)"), f"{PATH}.expression': in cron(minutes hours day-of-month"),
    (schedule(expression="cron(0 3 ? * ? *)"), "exactly one of day-of-month ('?') and day-of-week ('?') must be '?'"),
    (schedule(expression="cron(0 3 ? * MON; *)"), f"{PATH}.expression': cron field 'MON;' has a character"),
    (schedule(expression="rate(0 days)"), f"{PATH}.expression': 'rate(0 days)' is not cron("),
    (schedule(expression="rate(2 weeks)"), f"{PATH}.expression': 'rate(2 weeks)' is not cron("),
    (schedule(expression="at(2027-02-30T03:00:00)"), f"{PATH}.expression': 'at(2027-02-30T03:00:00)' is not"),
    (schedule(expression="at(2027-01-31 03:00)"), f"{PATH}.expression': 'at(2027-01-31 03:00)' is not"),
    (schedule(expression=7), f"{PATH}.expression': 7 is not cron("),
    ({"abalone-xgboost": {}}, f"{PATH}.expression' is required"),
    (schedule(time_zone="CET+1"), f"{PATH}.time_zone': 'CET+1' is not an IANA time zone such as 'Europe/Berlin'"),
    (schedule(time_zone="Europe/Munich"), f"{PATH}.time_zone': 'Europe/Munich' is not an IANA time zone"),
    (schedule(flexible_window_minutes=0), f"{PATH}.flexible_window_minutes': 0 is not a whole number of minutes"),
    (schedule(flexible_window_minutes=1441), f"{PATH}.flexible_window_minutes': 1441 is not a whole number"),
    (schedule(flexible_window_minutes=2.5), f"{PATH}.flexible_window_minutes': 2.5 is not a whole number"),
    (schedule(flexible_window_minutes=True), f"{PATH}.flexible_window_minutes': True is not a whole number"),
    (schedule(window=30), f"{PATH}': unknown field window; fields: expression, time_zone, flexible_window_minutes"),
    ({"abalone-xgboost": "rate(1 day)"}, f"{PATH}': must be an object of schedule settings"),
]


@pytest.mark.parametrize(("value", "message"), ERRORS)
def test_every_bad_setting_stops_the_synth_with_one_line_naming_the_key(abalone, value, message):
    with pytest.raises(SettingsError, match=re.escape(message)) as error:
        parse(value, abalone)
    assert "\n" not in str(error.value)


def test_a_bad_parameter_stops_the_app_with_its_message(tmp_path):
    """In process: app.py prints a SettingsError as one `error:` line and exits 1 (tests/test_app_errors.py runs
    that path as a subprocess)."""
    import app as cdk_app

    bad = {"abalone-xgboost": {"expression": "rate(1 day)", "parameters": {"MetricTreshold": 5}}}
    context = cdk_context(pipelines="abalone-xgboost", schedules=json.dumps(bad))
    application = App(context=context, outdir=str(tmp_path), builtin_cloud_formation_validation=False)
    with pytest.raises(SettingsError) as raised:
        cdk_app.build(application)
    assert str(raised.value) == (
        f"context 'schedules.abalone-xgboost.parameters': unknown parameter 'MetricTreshold' for {ABALONE}; "
        "known: ProcessingInstanceType, TrainingInstanceType, TrainingInstanceCount, InputDataUri, "
        "ModelApprovalStatus, MetricThreshold"
    )
    assert SettingsError in cdk_app.REPORTED


# --- the stack --------------------------------------------------------------------------------------------------


def build(outdir, pipeline, schedule=None):
    """The foundation and the pipeline's stack (with `schedule`), with cdk-nag registered: an unacknowledged finding
    fails the synth. Returns (cloud assembly, PipelineStack)."""
    app = App(context=cdk_context(), outdir=str(outdir), builtin_cloud_formation_validation=False)
    env = Environment(region=REGION)
    foundation = FoundationStack(
        app, FOUNDATION, prefix=PREFIX, pipeline_names=[pipeline.name], needs=RoleNeeds.of([pipeline], REGION), env=env
    )
    stack = PipelineStack(app, pipeline.name, pipeline=pipeline, foundation=foundation, schedule=schedule, env=env)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app.synth(), stack


@pytest.fixture(scope="module")
def scheduled(tmp_path_factory, abalone):
    (settings,) = parse({"abalone-xgboost": SCHEDULE}, abalone).values()
    return build(tmp_path_factory.mktemp("scheduled"), abalone, settings)  # cdk-nag: any finding raises here


@pytest.fixture(scope="module")
def template(scheduled):
    assembly, _ = scheduled
    return assembly.get_stack_by_name(ABALONE).template


def only(template, kind):
    (resource,) = [r for r in template["Resources"].values() if r["Type"] == kind]
    return resource["Properties"]


def test_the_schedule_starts_the_pipeline_with_its_parameters_in_its_time_zone(template):
    properties = only(template, "AWS::Scheduler::Schedule")
    assert properties["ScheduleExpression"] == "cron(0 3 ? * MON *)"
    assert properties["ScheduleExpressionTimezone"] == "Europe/Berlin"
    assert properties["FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 30}
    assert properties["State"] == "ENABLED"
    assert properties["Name"] == ABALONE
    target = properties["Target"]
    assert target["Arn"] == PIPELINE_ARN
    assert target["SageMakerPipelineParameters"] == {
        "PipelineParameterList": [
            {"Name": "MetricThreshold", "Value": "5.5"},
            {"Name": "TrainingInstanceCount", "Value": "2"},
            {"Name": "ModelApprovalStatus", "Value": "Rejected"},
        ]
    }
    assert target["RoleArn"] == {"Fn::GetAtt": [logical_id(template, "AWS::IAM::Role"), "Arn"]}


def test_failed_starts_are_retried_briefly_then_left_in_the_dead_letter_queue(template):
    target = only(template, "AWS::Scheduler::Schedule")["Target"]
    assert target["RetryPolicy"] == {"MaximumRetryAttempts": RETRY_ATTEMPTS, "MaximumEventAgeInSeconds": 3600}
    assert MAX_EVENT_AGE.to_seconds() == 3600 and RETRY_ATTEMPTS == 2
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [logical_id(template, "AWS::SQS::Queue"), "Arn"]}}


def test_the_schedule_is_in_its_own_group_and_waits_for_the_pipeline(template):
    group = logical_id(template, "AWS::Scheduler::ScheduleGroup")
    assert only(template, "AWS::Scheduler::ScheduleGroup")["Name"] == ABALONE
    assert only(template, "AWS::Scheduler::Schedule")["GroupName"] == {"Ref": group}
    (schedule,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::Scheduler::Schedule"]
    assert schedule["DependsOn"] == [logical_id(template, "AWS::SageMaker::Pipeline")]


def test_the_role_trusts_only_the_scheduler_for_this_group_in_this_account(template):
    role = only(template, "AWS::IAM::Role")
    group = logical_id(template, "AWS::Scheduler::ScheduleGroup")
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Principal": {"Service": "scheduler.amazonaws.com"},
            "Condition": {
                "StringEquals": {
                    "aws:SourceAccount": {"Ref": "AWS::AccountId"},
                    "aws:SourceArn": {"Fn::GetAtt": [group, "Arn"]},
                }
            },
        }
    ]


def test_the_role_may_start_only_this_pipeline_and_write_only_its_dead_letters(template):
    (policy,) = only(template, "AWS::IAM::Role")["Policies"]
    queue, key = logical_id(template, "AWS::SQS::Queue"), logical_id(template, "AWS::KMS::Key")
    assert policy["PolicyDocument"]["Statement"] == [
        {"Sid": "StartThePipeline", "Effect": "Allow", "Action": "sagemaker:StartPipelineExecution",
         "Resource": PIPELINE_ARN},
        {"Sid": "SendDeadLetters", "Effect": "Allow", "Action": "sqs:SendMessage",
         "Resource": {"Fn::GetAtt": [queue, "Arn"]}},
        {"Sid": "EncryptDeadLetters", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
         "Resource": {"Fn::GetAtt": [key, "Arn"]}},
    ]  # fmt: skip
    # one pipeline, no other: the one statement that starts anything names exactly its ARN
    sagemaker = [s for s in policy["PolicyDocument"]["Statement"] if "sagemaker" in json.dumps(s["Action"])]
    assert len(sagemaker) == 1
    Template.from_json(template).resource_count_is("AWS::IAM::Policy", 0)
    Template.from_json(template).resource_count_is("AWS::IAM::ManagedPolicy", 0)


def test_the_dead_letter_queue_is_encrypted_with_a_rotated_key_and_refuses_plain_http(template):
    key = logical_id(template, "AWS::KMS::Key")
    queue = only(template, "AWS::SQS::Queue")
    assert queue["KmsMasterKeyId"] == {"Fn::GetAtt": [key, "Arn"]}
    assert queue["MessageRetentionPeriod"] == 14 * 24 * 3600
    assert only(template, "AWS::KMS::Key")["EnableKeyRotation"] is True
    policy = only(template, "AWS::SQS::QueuePolicy")
    assert policy["PolicyDocument"]["Statement"] == [
        {
            "Action": "sqs:*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Resource": {"Fn::GetAtt": [logical_id(template, "AWS::SQS::Queue"), "Arn"]},
        }
    ]
    assert policy["Queues"] == [{"Ref": logical_id(template, "AWS::SQS::Queue")}]


def test_cdk_nag_passes_with_exactly_the_dead_letter_queue_acknowledged(scheduled):
    _, stack = scheduled  # the fixture's synth ran AwsSolutionsChecks: any other finding failed it
    assert stack.acknowledged == [f"{ABALONE}/Schedule/DeadLetters: AwsSolutions-SQS3"]


def test_cdk_nag_would_flag_the_queue_without_the_acknowledgment():
    app = App(builtin_cloud_formation_validation=False)
    stack = Stack(app, "Unacknowledged")
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    sqs.Queue(stack, "DeadLetters", encryption=sqs.QueueEncryption.KMS, encryption_master_key=key, enforce_ssl=True)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    with pytest.raises(Exception, match="AwsSolutions-SQS3"):
        app.synth()


def test_cfn_lint_passes_on_the_stack_with_a_schedule(scheduled):
    assembly, _ = scheduled
    path = assembly.get_stack_by_name(ABALONE).template_full_path
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "cfn-lint"), path], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_window_means_mode_off_and_no_parameters_an_empty_list(tmp_path, abalone):
    assembly, _ = build(tmp_path, abalone, ScheduleSettings(expression="rate(1 day)"))
    properties = only(assembly.get_stack_by_name(ABALONE).template, "AWS::Scheduler::Schedule")
    assert properties["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert properties["ScheduleExpressionTimezone"] == "UTC"
    assert properties["Target"]["SageMakerPipelineParameters"] == {"PipelineParameterList": []}


def test_without_the_setting_the_stack_has_no_schedule(tmp_path, abalone):
    assembly, stack = build(tmp_path, abalone)
    types = {r["Type"] for r in assembly.get_stack_by_name(ABALONE).template["Resources"].values()}
    assert types == {"AWS::SageMaker::ModelPackageGroup", "AWS::SageMaker::Pipeline"}
    assert stack.schedule is None and stack.acknowledged == []


def logical_id(template, kind):
    (name,) = [name for name, r in template["Resources"].items() if r["Type"] == kind]
    return name
