"""The execution role grants per step type only what that step type needs, and every kept wildcard is
acknowledged for cdk-nag with a reason, one finding at a time."""

import json

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets

from infra.execution_role import ExecutionRole
from infra.foundation import PROCESSING_DIR
from infra.nag import WILDCARD_REASONS, acknowledge_policy_wildcards, render
from infra.role_needs import EcrRepository, RoleNeeds, S3Read


def role_template(needs: RoleNeeds) -> tuple[dict, list[str]]:
    stack = Stack(App(), "Test")
    role = ExecutionRole(
        stack,
        "Execution",
        data_bucket=s3.Bucket(stack, "Data"),
        key=kms.Key(stack, "Key"),
        code=s3_assets.Asset(stack, "Code", path=str(PROCESSING_DIR)),
        needs=needs,
    )
    acknowledged = acknowledge_policy_wildcards(role)
    return _template(stack), acknowledged


def _template(stack: Stack) -> dict:
    from aws_cdk.assertions import Template

    return Template.from_stack(stack).to_json()


def statements(template: dict) -> dict:
    return {
        s["Sid"]: s
        for r in template["Resources"].values()
        if r["Type"] == "AWS::IAM::ManagedPolicy"
        for s in r["Properties"]["PolicyDocument"]["Statement"]
    }


ALL_STEPS = RoleNeeds(
    step_types=frozenset({"Processing", "Training", "Tuning", "Transform", "Model", "RegisterModel", "Condition"}),
    model_package_groups=("p-a", "p-b"),
    repositories=(EcrRepository("382416733822", "us-east-1", "linear-learner"),),
    public_reads=(S3Read("bucket-a", "data/a.csv"), S3Read("bucket-b", "prefix")),
)


@pytest.fixture(scope="module")
def all_steps():
    return role_template(ALL_STEPS)


def test_each_job_step_type_gets_its_own_statement(all_steps):
    template, _ = all_steps
    found = statements(template)
    assert {"RunProcessingSteps", "RunTrainingSteps", "RunTuningSteps", "RunTransformSteps", "RunModelSteps"} <= set(
        found
    )
    # creating is a statement of its own, held by conditions (infra/job_statements.py)
    assert found["CreateTuningJobs"]["Action"] == "sagemaker:CreateHyperParameterTuningJob"
    assert "sagemaker:ListTrainingJobsForHyperParameterTuningJob" in found["RunTuningSteps"]["Action"]
    assert found["CreateModels"]["Action"] == "sagemaker:CreateModel"
    assert not any("Create" in action for sid in found if sid.startswith("Run") for action in found[sid]["Action"])
    assert "transform-job/pipelines-*" in json.dumps(found["RunTransformSteps"]["Resource"])
    logs = json.dumps(found["WriteJobLogs"]["Resource"])
    assert logs.count("/aws/sagemaker/TrainingJobs:*") == 1  # tuning and training share it
    assert "TransformJobs" in logs


def test_public_reads_and_groups(all_steps):
    template, _ = all_steps
    found = statements(template)
    assert {"ReadPublicDataset0", "ReadPublicDataset1"} <= set(found)
    register = json.dumps(found["RegisterModels"]["Resource"])
    assert "model-package-group/p-a" in register and "model-package/p-b/*" in register


def test_a_pipeline_without_registration_gets_no_registry_rights():
    needs = RoleNeeds(frozenset({"Processing"}), (), (), ())
    template, _ = role_template(needs)
    found = statements(template)
    assert "RegisterModels" not in found and "RunTrainingSteps" not in found


def test_every_wildcard_resource_is_acknowledged_once_with_a_reason(all_steps):
    template, acknowledged = all_steps
    assert len(acknowledged) == len(set(acknowledged))
    wildcard_sids = {
        sid
        for sid, s in statements(template).items()
        if any("*" in json.dumps(r) for r in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]))
    }
    assert wildcard_sids <= set(WILDCARD_REASONS)


def test_a_wildcard_without_a_reason_is_refused():
    from aws_cdk import aws_iam as iam

    stack = Stack(App(), "Test")
    policy = iam.ManagedPolicy(
        stack,
        "P",
        statements=[iam.PolicyStatement(sid="Unexplained", actions=["s3:GetObject"], resources=["arn:aws:s3:::b/*"])],
    )
    with pytest.raises(KeyError, match="Unexplained"):
        acknowledge_policy_wildcards(policy.node.scope)


@pytest.mark.parametrize(
    "value, rendered",
    [
        ({"Fn::GetAtt": ["DataBucketE3889A50", "Arn"]}, "<DataBucketE3889A50.Arn>"),
        ({"Fn::Join": ["", [{"Fn::GetAtt": ["B", "Arn"]}, "/*"]]}, "<B.Arn>/*"),
        ({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::x"]]}, "arn:<AWS::Partition>:s3:::x"),
        ({"Fn::Sub": "cdk-assets-${AWS::AccountId}-us-east-1"}, "cdk-assets-<AWS::AccountId>-us-east-1"),
        ("*", "*"),
    ],
)
def test_render_like_cdk_nag(value, rendered):
    assert render(value) == rendered


def test_ecr_repository_of_image():
    repo = EcrRepository.of_image("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:3.2-0")
    assert repo == EcrRepository("683313688378", "us-east-1", "sagemaker-xgboost")
    with pytest.raises(ValueError, match="not an ECR image URI"):
        EcrRepository.of_image("docker.io/library/python:3.12")
