"""The opt-in endpoint stacks: settings from the `endpoints` context, the model, endpoint config, endpoint and
autoscaling they synthesize, the foundation they read without changing it, and cdk-nag."""

import json
from pathlib import Path

import pytest
from aws_cdk import App, Environment, Stack, Validations
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, NIST80053R5Checks

from infra.endpoint_settings import CONTENT_TYPES, EndpointSettings, endpoint_settings_from_context
from infra.endpoint_stack import PAYLOAD_FILES, EndpointStack, check_endpoint_name, invoke_example
from infra.foundation import FoundationStack
from infra.pipeline_stack import PipelineStack
from infra.role_needs import RoleNeeds
from infra.settings import SettingsError
from pipelines.naming import endpoint_stack, foundation_stack
from pipelines.registry import USE_CASES
from tests.conftest import PREFIX, REGION, cdk_context, pipeline_name

KNOWN = [use_case.name for use_case in USE_CASES]
ACCOUNT = "123456789012"
FOUNDATION = f"{PREFIX}-foundation"
ABALONE = f"{PREFIX}-abalone-xgboost"
DEEPAR = f"{PREFIX}-chicago-deepar"


def package(group: str = ABALONE, version: int = 3, region: str = REGION) -> str:
    return f"arn:aws:sagemaker:{region}:{ACCOUNT}:model-package/{group}/{version}"


# As the CLI passes it: `-c endpoints='...'` arrives as a string.
ENDPOINTS = json.dumps(
    {
        "abalone-xgboost": {
            "model_package_arn": package(),
            "instance_count": 2,
            "max_instances": 4,
            "invocations_per_instance": 250,
            "data_capture_percent": 20,
        },
        "chicago-deepar": {
            "model_package_arn": package(DEEPAR, 1),
            "data_capture_percent": 0,
            "content_type": "application/json",
        },
    }
)


# --- settings ---------------------------------------------------------------------------------------------------


def parse(endpoints, region=REGION):
    return endpoint_settings_from_context(endpoints, KNOWN, region)


def test_no_endpoints_context_means_no_endpoints():
    assert parse(None) == {}
    assert parse({}) == {}


def test_defaults():
    (settings,) = parse({"abalone-xgboost": {"model_package_arn": package()}}).values()
    assert settings == EndpointSettings(
        model_package_arn=package(),
        instance_type="ml.m5.large",
        instance_count=1,
        max_instances=1,
        invocations_per_instance=100,
        data_capture_percent=10,  # a sample: every captured request is stored and encrypted
        content_type=None,  # the pipeline's first registered content type with an example
    )
    assert not settings.autoscales and settings.captures_data


def test_json_string_and_object_give_the_same_settings():
    from_string = parse(ENDPOINTS)
    assert from_string == parse(json.loads(ENDPOINTS))
    assert sorted(from_string) == ["abalone-xgboost", "chicago-deepar"]
    abalone, deepar = from_string["abalone-xgboost"], from_string["chicago-deepar"]
    assert (abalone.instance_count, abalone.max_instances, abalone.autoscales) == (2, 4, True)
    assert abalone.invocations_per_instance == 250 and abalone.data_capture_percent == 20
    assert deepar.max_instances == 1 and not deepar.autoscales and not deepar.captures_data


def test_max_instances_defaults_to_the_instance_count():
    (settings,) = parse({"abalone-xgboost": {"model_package_arn": package(), "instance_count": 3}}).values()
    assert settings.max_instances == 3 and not settings.autoscales


def test_settings_are_frozen():
    (settings,) = parse({"abalone-xgboost": {"model_package_arn": package()}}).values()
    with pytest.raises(AttributeError):
        settings.instance_count = 2


KEY = "context 'endpoints.abalone-xgboost"
ARN_KEY = f"{KEY}.model_package_arn': "


def abalone(**fields):
    return {"abalone-xgboost": {"model_package_arn": package(), **fields}}


@pytest.mark.parametrize(
    "endpoints, message",
    [
        ('{"abalone-xgboost": ', "context 'endpoints': not valid JSON"),
        ("[]", "context 'endpoints': must be an object"),
        ({"abalone": {}}, "context 'endpoints': unknown pipeline 'abalone'; known pipelines: abalone-xgboost, "),
        ({"abalone-xgboost": "arn"}, f"{KEY}': must be an object of endpoint settings"),
        (abalone(instance_size="ml.m5.large"), f"{KEY}': unknown field instance_size; fields: model_package_arn, "),
        ({"abalone-xgboost": {}}, f"{KEY}.model_package_arn' is required"),
        (abalone(model_package_arn=f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/{ABALONE}"), ARN_KEY),
        (abalone(model_package_arn=f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package-group/{ABALONE}"), ARN_KEY),
        (abalone(model_package_arn=f"arn:aws:sagemaker:{REGION}:1234:model-package/{ABALONE}/1"), ARN_KEY),
        (abalone(model_package_arn=f"arn:aws:s3:{REGION}:{ACCOUNT}:model-package/{ABALONE}/1"), ARN_KEY),
        (abalone(model_package_arn=42), f"{ARN_KEY}42 is not a versioned model package ARN"),
        (abalone(model_package_arn=package(region="eu-west-1")), f"{ARN_KEY}the model package is in eu-west-1, the"),
        (abalone(instance_type="m5.large"), f"{KEY}.instance_type': 'm5.large' is not a SageMaker instance type"),
        (abalone(instance_type="ml.g4dn.xlarge"), f"{KEY}.instance_type': 'ml.g4dn.xlarge' has local NVMe storage"),
        (abalone(instance_type="ml.m5d.large"), f"{KEY}.instance_type': 'ml.m5d.large' has local NVMe storage"),
        (abalone(instance_count=0), f"{KEY}.instance_count': 0 is below 1"),
        (abalone(instance_count="2"), f"{KEY}.instance_count': '2' is not an integer"),
        (abalone(instance_count=True), f"{KEY}.instance_count': True is not an integer"),
        (abalone(instance_count=1.5), f"{KEY}.instance_count': 1.5 is not an integer"),
        (abalone(instance_count=3, max_instances=2), f"{KEY}.max_instances': 2 is below instance_count (3)"),
        (abalone(max_instances="4"), f"{KEY}.max_instances': '4' is not an integer"),
        (abalone(invocations_per_instance=0), f"{KEY}.invocations_per_instance': 0 is not a positive number"),
        (abalone(invocations_per_instance="100"), f"{KEY}.invocations_per_instance': '100' is not a positive"),
        (abalone(data_capture_percent=-1), f"{KEY}.data_capture_percent': -1 is below 0"),
        (abalone(data_capture_percent=101), f"{KEY}.data_capture_percent': 101 is above 100"),
        (abalone(data_capture_percent=12.5), f"{KEY}.data_capture_percent': 12.5 is not an integer"),
        (abalone(content_type="text/libsvm"), f"{KEY}.content_type': 'text/libsvm' is not one of text/csv, "),
    ],
)
def test_invalid_settings_name_the_context_key(endpoints, message):
    with pytest.raises(SettingsError) as raised:
        parse(endpoints)
    assert str(raised.value).startswith(message), str(raised.value)


def test_region_is_checked_only_when_given():
    (settings,) = parse(abalone(model_package_arn=package(region="eu-west-1")), region=None).values()
    assert settings.model_package_arn.split(":")[3] == "eu-west-1"


def test_direct_construction_is_validated_too():
    with pytest.raises(SettingsError, match="'instance_count': 0 is below 1"):
        EndpointSettings(package(), instance_count=0)


def test_accepted_instance_types():
    for instance_type in ("ml.m5.large", "ml.c5.xlarge", "ml.inf1.xlarge", "ml.p3.2xlarge", "ml.t2.medium"):
        assert parse(abalone(instance_type=instance_type))["abalone-xgboost"].instance_type == instance_type


# --- invoke examples and names ----------------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_invoke_example_per_content_type(content_type):
    command = invoke_example("my-endpoint", content_type)
    assert command.startswith("aws sagemaker-runtime invoke-endpoint --endpoint-name my-endpoint ")
    assert f"--content-type {content_type} --body fileb://{PAYLOAD_FILES[content_type]} " in command
    assert command.endswith(" response.out")  # the CLI's positional output file


def test_invoke_example_files_match_the_content_types():
    assert set(PAYLOAD_FILES) == set(CONTENT_TYPES)
    assert invoke_example("e", "text/csv", region="eu-west-1").endswith(
        "--endpoint-name e --region eu-west-1 --content-type text/csv --body fileb://payload.csv response.out"
    )
    with pytest.raises(ValueError, match="no invoke example for 'text/libsvm'"):
        invoke_example("e", "text/libsvm")


def test_every_pipeline_name_is_an_endpoint_name_even_with_the_longest_prefix():
    for use_case in USE_CASES:
        check_endpoint_name(f"{'p' * 20}-{use_case.name}")
    with pytest.raises(SettingsError, match=r"context 'prefix': the endpoint name 'x{64}' \(64 characters\)"):
        check_endpoint_name("x" * 64)


# --- stacks -----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def abalone_pipeline():
    from pipelines.compiler import compile_pipeline

    (use_case,) = (u for u in USE_CASES if u.name == "abalone-xgboost")
    return compile_pipeline(use_case, REGION, PREFIX)


def build_app(outdir, pipeline, endpoints=None, checks=AwsSolutionsChecks):
    """The foundation, one pipeline stack and, from the `endpoints` context as app.py would read it, the endpoint
    stacks, with the cdk-nag pack `checks` registered (an unacknowledged finding fails the synth). Returns (App,
    FoundationStack, {use case: EndpointStack})."""
    context = cdk_context(region=REGION, prefix=PREFIX)
    if endpoints is not None:
        context["endpoints"] = endpoints
    app = App(context=context, outdir=str(outdir), builtin_cloud_formation_validation=False)
    env = Environment(region=REGION)
    foundation = FoundationStack(
        app, FOUNDATION, prefix=PREFIX, pipeline_names=[pipeline.name], needs=RoleNeeds.of([pipeline], REGION), env=env
    )
    PipelineStack(app, pipeline.name, pipeline=pipeline, foundation=foundation, env=env).add_stack_dependency(
        foundation
    )
    stacks = {
        name: EndpointStack(
            app,
            endpoint_stack(pipeline_name(name)),
            pipeline_name=f"{PREFIX}-{name}",
            settings=settings,
            foundation=foundation,
            env=env,
        )
        for name, settings in endpoint_settings_from_context(
            app.node.try_get_context("endpoints"), KNOWN, REGION
        ).items()
    }
    Validations.of(app).add_plugins(checks(app))
    return app, foundation, stacks


@pytest.fixture(scope="module")
def endpoint_assembly(tmp_path_factory, abalone_pipeline):
    app, _, _ = build_app(tmp_path_factory.mktemp("endpoints"), abalone_pipeline, ENDPOINTS)
    return app.synth()  # with AwsSolutionsChecks: any unacknowledged finding raises here


@pytest.fixture(scope="module")
def templates(endpoint_assembly):
    return {stack.stack_name: stack.template for stack in endpoint_assembly.stacks}


@pytest.fixture(scope="module")
def scaled(templates):
    return templates[endpoint_stack(ABALONE)]


@pytest.fixture(scope="module")
def fixed(templates):
    return templates[endpoint_stack(DEEPAR)]


def of_type(template, kind):
    return [r for r in template["Resources"].values() if r["Type"] == kind]


def stack_output(name):
    return {"Fn::GetStackOutput": {"StackName": FOUNDATION, "Region": REGION, "OutputName": name}}


ROLE_ARN = stack_output("PublishOutputFnGetAttExecutionRole829ADBFFArnD8703C10")
KEY_ARN = stack_output("PublishOutputFnGetAttDataKey17AFBB84Arn5D1EA6C9")
BUCKET = stack_output("PublishOutputRefDataBucketE3889A50C1B34A6F")


def test_one_stack_per_configured_endpoint(templates):
    assert sorted(templates) == sorted([FOUNDATION, ABALONE, endpoint_stack(ABALONE), endpoint_stack(DEEPAR)])


def test_resource_counts(scaled, fixed):
    for template, scaling in ((scaled, 1), (fixed, 0)):
        assertions = Template.from_json(template)
        assertions.resource_count_is("AWS::SageMaker::Model", 1)
        assertions.resource_count_is("AWS::SageMaker::EndpointConfig", 1)
        assertions.resource_count_is("AWS::SageMaker::Endpoint", 1)
        assertions.resource_count_is("AWS::ApplicationAutoScaling::ScalableTarget", scaling)
        assertions.resource_count_is("AWS::ApplicationAutoScaling::ScalingPolicy", scaling)
        assertions.resource_count_is("AWS::CloudWatch::Alarm", 2)  # the rollback alarms of the guardrails
        assertions.resource_count_is("AWS::IAM::Role", 0)  # the execution role and autoscaling's linked role
        assert len(template["Resources"]) == 5 + 2 * scaling


def test_model_serves_the_package_network_isolated_with_the_execution_role(scaled, fixed):
    for template, arn in ((scaled, package()), (fixed, package(DEEPAR, 1))):
        Template.from_json(template).has_resource_properties(
            "AWS::SageMaker::Model",
            {"Containers": [{"ModelPackageName": arn}], "ExecutionRoleArn": ROLE_ARN, "EnableNetworkIsolation": True},
        )
        (model,) = of_type(template, "AWS::SageMaker::Model")
        assert "ModelName" not in model["Properties"]  # a new package version replaces the model


def test_endpoint_config_encrypts_the_volume_and_captures_to_the_data_bucket(scaled):
    Template.from_json(scaled).has_resource_properties(
        "AWS::SageMaker::EndpointConfig",
        {
            "KmsKeyId": KEY_ARN,
            "ProductionVariants": [
                {
                    "VariantName": "AllTraffic",
                    "ModelName": {"Fn::GetAtt": [Match.string_like_regexp("^Model"), "ModelName"]},
                    "InstanceType": "ml.m5.large",
                    "InitialInstanceCount": 2,
                    "InitialVariantWeight": 1,
                }
            ],
            "DataCaptureConfig": {
                "DestinationS3Uri": {"Fn::Join": ["", ["s3://", BUCKET, f"/{ABALONE}/data-capture"]]},
                "KmsKeyId": KEY_ARN,
                "InitialSamplingPercentage": 20,
                "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
                "CaptureContentTypeHeader": {
                    "CsvContentTypes": ["text/csv"],
                    "JsonContentTypes": ["application/json", "application/jsonlines"],
                },
            },
        },
    )


def test_capture_off_at_zero_percent_and_the_volume_still_encrypted(fixed):
    (config,) = of_type(fixed, "AWS::SageMaker::EndpointConfig")
    assert "DataCaptureConfig" not in config["Properties"]
    assert config["Properties"]["KmsKeyId"] == KEY_ARN
    assert config["Properties"]["ProductionVariants"][0]["InitialInstanceCount"] == 1


def test_endpoint_is_named_after_the_pipeline(scaled, fixed):
    for template, name in ((scaled, ABALONE), (fixed, DEEPAR)):
        (endpoint,) = of_type(template, "AWS::SageMaker::Endpoint")
        assert endpoint["Properties"]["EndpointName"] == name
        assert endpoint["Properties"]["EndpointConfigName"]["Fn::GetAtt"][1] == "EndpointConfigName"


def test_autoscaling_between_the_instance_count_and_the_maximum_after_the_endpoint(scaled):
    assertions = Template.from_json(scaled)
    assertions.has_resource(
        "AWS::ApplicationAutoScaling::ScalableTarget",
        {
            "Properties": Match.object_like(
                {
                    "ServiceNamespace": "sagemaker",
                    "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
                    "ResourceId": f"endpoint/{ABALONE}/variant/AllTraffic",
                    "MinCapacity": 2,
                    "MaxCapacity": 4,
                }
            ),
            "DependsOn": [Match.string_like_regexp("^Endpoint")],
        },
    )
    assertions.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        {
            "PolicyType": "TargetTrackingScaling",
            "TargetTrackingScalingPolicyConfiguration": {
                "PredefinedMetricSpecification": {"PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"},
                "TargetValue": 250,
            },
        },
    )
    (target,) = of_type(scaled, "AWS::ApplicationAutoScaling::ScalableTarget")
    assert json.dumps(target["Properties"]["RoleARN"]).endswith(
        ":role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/"
        'AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint"]]}'
    )


def test_outputs_name_the_endpoint_and_show_an_invoke_command(scaled, fixed):
    for template, name, content_type, body in (
        (scaled, ABALONE, "text/csv", "payload.csv"),
        (fixed, DEEPAR, "application/json", "payload.json"),
    ):
        outputs = template["Outputs"]
        assert outputs["EndpointName"]["Value"] == name
        assert outputs["InvokeExample"]["Value"] == (
            f"aws sagemaker-runtime invoke-endpoint --endpoint-name {name} --region {REGION} "
            f"--content-type {content_type} --body fileb://{body} response.out"
        )


def test_endpoint_stacks_depend_on_the_foundation_through_its_outputs_only(endpoint_assembly, scaled, fixed):
    for name, template in ((f"{ABALONE}-endpoint", scaled), (f"{DEEPAR}-endpoint", fixed)):
        stacks = [d.id for d in endpoint_assembly.get_stack_by_name(name).dependencies if not d.id.endswith(".assets")]
        assert stacks == [FOUNDATION]
        text = json.dumps(template)
        assert "Fn::ImportValue" not in text  # a strong reference would pin the foundation's exports
        # role and volume key; with data capture also its bucket and key
        assert text.count("Fn::GetStackOutput") == (4 if "DataCaptureConfig" in text else 2)


def test_adding_endpoints_leaves_the_foundation_template_unchanged(tmp_path_factory, abalone_pipeline, templates):
    app, _, stacks = build_app(tmp_path_factory.mktemp("no-endpoints"), abalone_pipeline)
    assert stacks == {}
    assert app.synth().get_stack_by_name(FOUNDATION).template == templates[FOUNDATION]


# --- cdk-nag ----------------------------------------------------------------------------------------------------


ACKNOWLEDGED = "aws:cdk:acknowledged-rules"


def acknowledgments(assembly, stack_name: str) -> list[dict]:
    """The cdk-nag acknowledgments of a stack, from the metadata file the manifest names for it (the jsii accessors
    of stack metadata fail on this assembly)."""
    directory = Path(assembly.directory)
    manifest = json.loads((directory / "manifest.json").read_text())
    metadata = json.loads((directory / manifest["artifacts"][stack_name]["additionalMetadataFile"]).read_text())
    return [entry["data"] for entries in metadata.values() for entry in entries if entry["type"] == ACKNOWLEDGED]


def test_aws_solutions_passes_without_acknowledgments(endpoint_assembly):
    # The endpoint_assembly fixture synthesized with AwsSolutionsChecks, which raises on any unacknowledged finding.
    # Its SM1-3 rules check notebook instances only; nothing in an endpoint stack needs an acknowledgment.
    report = json.loads((Path(endpoint_assembly.directory) / "validation-report.json").read_text())
    assert [v for plugin in report["pluginReports"] for v in plugin["violations"]] == []
    assert acknowledgments(endpoint_assembly, FOUNDATION)  # infra/nag.py's IAM5 wildcards: the right file is read
    for name in (f"{ABALONE}-endpoint", f"{DEEPAR}-endpoint"):
        assert acknowledgments(endpoint_assembly, name) == []


KMS_RULE = "NIST.800.53.R5-SageMakerEndpointConfigurationKMSKeyConfigured"
ALARM_ACTION_RULE = "NIST.800.53.R5-CloudWatchAlarmAction"
ALARM_IDS = ("ErrorsAlarm", "LatencyAlarm")


def violations(outdir, app) -> dict[str, list[str]]:
    """cdk-nag findings of a synth that is expected to fail: {rule: [construct paths]}."""
    with pytest.raises(Exception, match="ValidationFailed|Validation failed"):
        app.synth()
    report = json.loads((outdir / "validation-report.json").read_text())
    return {
        violation["ruleName"]: [construct["constructPath"] for construct in violation["violatingConstructs"]]
        for plugin in report["pluginReports"]
        for violation in plugin["violations"]
    }


def test_endpoint_config_passes_cdk_nags_kms_rule_which_catches_a_config_without_a_key(
    tmp_path_factory, abalone_pipeline
):
    # AwsSolutions has no endpoint rule; cdk-nag's NIST 800-53 R5 pack checks endpoint configs for a KMS key. The
    # foundation has NIST findings of its own (no bucket replication), so the synth fails: read its report.
    outdir = tmp_path_factory.mktemp("nist")
    app, _, stacks = build_app(outdir, abalone_pipeline, ENDPOINTS, checks=NIST80053R5Checks)
    plain = Stack(app, "PlainEndpointConfig", env=Environment(region=REGION))
    variant = {"variantName": "AllTraffic", "modelName": "m", "instanceType": "ml.m5.large", "initialInstanceCount": 1}
    sagemaker.CfnEndpointConfig(plain, "Config", production_variants=[variant])
    found = violations(outdir, app)
    assert found[KMS_RULE] == ["PlainEndpointConfig/Config"]
    in_endpoint_stacks = {
        rule: sorted(path for path in paths if path.split("/")[0].endswith("-endpoint"))
        for rule, paths in found.items()
    }
    # NIST (not the app's AwsSolutions pack) wants an action on every alarm. The rollback alarms have none: SageMaker
    # reads their state during an update; a notification would be a topic and subscribers the project does not have.
    alarms = sorted(f"{stack.stack_name}/{alarm}/Resource" for stack in stacks.values() for alarm in ALARM_IDS)
    assert {rule: paths for rule, paths in in_endpoint_stacks.items() if paths} == {ALARM_ACTION_RULE: alarms}
    assert len(stacks) == 2


# --- VPC --------------------------------------------------------------------------------------------------------

SUBNETS = ("subnet-0123456789abcdef0", "subnet-0fedcba9876543210")
SECURITY_GROUPS = ("sg-0123456789abcdef0",)


def test_model_runs_in_the_vpc_setting_and_the_stack_stays_nag_clean(tmp_path):
    app = App(
        context=cdk_context(region=REGION, prefix=PREFIX),
        outdir=str(tmp_path),
        builtin_cloud_formation_validation=False,
    )
    env = Environment(region=REGION)
    # the role's VPC permissions come from the same setting (RoleNeeds), as app.py builds them
    needs = RoleNeeds(frozenset({"Model"}), (), (), (), subnets=SUBNETS, security_groups=SECURITY_GROUPS)
    foundation = FoundationStack(app, FOUNDATION, prefix=PREFIX, pipeline_names=[ABALONE], needs=needs, env=env)
    stack = EndpointStack(
        app,
        f"{ABALONE}-endpoint",
        pipeline_name=ABALONE,
        settings=EndpointSettings(package()),
        foundation=foundation,
        subnets=SUBNETS,
        security_groups=SECURITY_GROUPS,
        env=env,
    )
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    template = app.synth().get_stack_by_name(stack.stack_name).template
    Template.from_json(template).has_resource_properties(
        "AWS::SageMaker::Model",
        {
            "EnableNetworkIsolation": True,
            "VpcConfig": {"Subnets": list(SUBNETS), "SecurityGroupIds": list(SECURITY_GROUPS)},
        },
    )


def test_no_vpc_config_without_the_vpc_setting(scaled):
    (model,) = of_type(scaled, "AWS::SageMaker::Model")
    assert "VpcConfig" not in model["Properties"]


def test_a_vpc_needs_subnets_and_security_groups(tmp_path):
    app = App(context=cdk_context(region=REGION, prefix=PREFIX), outdir=str(tmp_path))
    needs = RoleNeeds(frozenset(), (), (), ())
    foundation = FoundationStack(app, FOUNDATION, prefix=PREFIX, pipeline_names=[], needs=needs)
    with pytest.raises(ValueError, match="both subnets and security groups"):
        EndpointStack(
            app,
            "E",
            pipeline_name=ABALONE,
            settings=EndpointSettings(package()),
            foundation=foundation,
            subnets=SUBNETS,
        )


def test_the_app_adds_an_endpoint_stack_per_setting_with_the_models_content_type(tmp_path):
    from aws_cdk import App

    import app as cdk_app
    from tests.conftest import cdk_context

    endpoints = {"deepar-synthetic": {"model_package_arn": package(group=pipeline_name("deepar-synthetic"))}}
    application = App(
        context=cdk_context(
            region=REGION, prefix=PREFIX, pipelines="deepar-synthetic", endpoints=json.dumps(endpoints)
        ),
        outdir=str(tmp_path),
        builtin_cloud_formation_validation=False,
    )
    cdk_app.build(application)
    assembly = application.synth()
    deepar = pipeline_name("deepar-synthetic")
    stacks = sorted(stack.stack_name for stack in assembly.stacks)
    assert stacks == [f"{PREFIX}-dashboard", deepar, endpoint_stack(deepar), foundation_stack(PREFIX)]
    outputs = assembly.get_stack_by_name(endpoint_stack(deepar)).template["Outputs"]
    assert "--content-type application/json --body fileb://payload.json" in outputs["InvokeExample"]["Value"]


def test_every_registered_real_time_instance_type_can_host_an_endpoint(compiled):
    """The model packages list real-time instance types; each must pass the endpoint stack's own check (no local
    NVMe types, which refuse the KMS key)."""
    for name, pipeline in compiled.items():
        for step in pipeline.steps():
            if step["Type"] != "RegisterModel":
                continue
            group = step["Arguments"]["ModelPackageGroupName"]
            for instance_type in step["Arguments"]["InferenceSpecification"]["SupportedRealtimeInferenceInstanceTypes"]:
                value = {name: {"model_package_arn": package(group=group), "instance_type": instance_type}}
                assert endpoint_settings_from_context(value, [name], REGION), (name, instance_type)
