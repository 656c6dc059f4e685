"""A deployment with every setting used: two pipelines only, jobs in a VPC, spot off, another instance family and
extra tags. The app must apply each setting to the stacks, the definitions and the role, and stay nag-clean."""

import json

import pytest
from aws_cdk import App

import app as cdk_app
from tests.conftest import PREFIX, REGION, cdk_context

SUBNETS = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
GROUPS = ["sg-0a1b2c3d4e5f60718"]
SETTINGS = {
    "pipelines": "abalone-xgboost,mnist-xgboost",
    "spot": "false",
    "instance_families": {"m5": "m6i"},
    "vpc": {"subnet_ids": SUBNETS, "security_group_ids": GROUPS},
    "tags": {"cost-center": "ml-42"},
}


@pytest.fixture(scope="module")
def assembly(tmp_path_factory):
    application = App(
        context=cdk_context(region=REGION, prefix=PREFIX, **SETTINGS),
        outdir=str(tmp_path_factory.mktemp("cdk.out")),
        builtin_cloud_formation_validation=False,
    )
    cdk_app.build(application)
    return application.synth()  # cdk-nag runs here: a finding would fail the synth


def definition(assembly, name: str) -> dict:
    template = assembly.get_stack_by_name(name).template
    (pipeline,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::SageMaker::Pipeline"]
    body = pipeline["Properties"]["PipelineDefinition"]["PipelineDefinitionBody"]
    text = body["Fn::Sub"][0] if isinstance(body, dict) else body
    return json.loads(text)


def test_only_the_selected_pipelines_get_stacks(assembly):
    names = sorted(stack.stack_name for stack in assembly.stacks)
    # the dashboard is on by default (tests/infra/test_dashboard.py)
    expected = [f"{PREFIX}-abalone-xgboost", f"{PREFIX}-dashboard", f"{PREFIX}-foundation", f"{PREFIX}-mnist-xgboost"]
    assert names == expected


def test_every_job_runs_in_the_vpc_without_spot(assembly):
    document = definition(assembly, f"{PREFIX}-mnist-xgboost")
    vpc = {"SecurityGroupIds": GROUPS, "Subnets": SUBNETS}
    for step in document["Steps"]:
        arguments = step["Arguments"]
        if step["Type"] == "Processing":
            assert arguments["NetworkConfig"]["VpcConfig"] == vpc
        if step["Type"] == "Tuning":
            job = arguments["TrainingJobDefinition"]
            assert job["VpcConfig"] == vpc and "EnableManagedSpotTraining" not in job
    defaults = {p["Name"]: p.get("DefaultValue") for p in document["Parameters"]}
    assert defaults["ProcessingInstanceType"] == "ml.m6i.large" and defaults["TrainingInstanceType"] == "ml.m6i.xlarge"
    abalone = definition(assembly, f"{PREFIX}-abalone-xgboost")
    (train,) = [step for step in abalone["Steps"] if step["Type"] == "Training"]
    assert train["Arguments"]["VpcConfig"] == vpc
    assert train["Arguments"]["EnableManagedSpotTraining"] is False
    assert "MaxWaitTimeInSeconds" not in train["Arguments"]["StoppingCondition"]
    assert "CheckpointConfig" not in train["Arguments"]  # checkpoints only matter for spot interruptions


def test_the_role_may_manage_network_interfaces_only_in_the_given_subnets_and_groups(assembly):
    template = assembly.get_stack_by_name(f"{PREFIX}-foundation").template
    statements = {
        statement["Sid"]: statement
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::IAM::ManagedPolicy"
        for statement in resource["Properties"]["PolicyDocument"]["Statement"]
    }
    interfaces = statements["ManageJobNetworkInterfaces"]
    assert "ec2:CreateNetworkInterface" in interfaces["Action"]
    resources = [json.dumps(resource) for resource in interfaces["Resource"]]
    scoped = [resource for resource in resources if ":subnet/" in resource]
    assert [resource.split(":subnet/")[1].split('"')[0] for resource in scoped] == SUBNETS
    assert any("security-group/" + GROUPS[0] in r for r in resources)
    assert statements["DescribeVpcResources"]["Resource"] == "*"


def test_tags_reach_the_resources(assembly):
    template = assembly.get_stack_by_name(f"{PREFIX}-foundation").template
    bucket_tags = [
        {tag["Key"]: tag["Value"] for tag in resource["Properties"].get("Tags", [])}
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::S3::Bucket"
    ]
    assert bucket_tags and all(tags.get("cost-center") == "ml-42" and tags["project"] == PREFIX for tags in bucket_tags)
