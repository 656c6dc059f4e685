"""The networked steps' role (placeholder DownloadRoleName): one per pipeline that has such steps, named after it,
assumed by SageMaker processing jobs of this account only, and allowed exactly to write under its pipeline's prefix,
read the processing code, use the project key, write processing logs and pull its steps' images."""

import json

import pytest

from infra.job_requests import job_requests
from infra.role_needs import EcrRepository
from tests.conftest import PREFIX, pipeline_names

DOWNLOADING = [
    f"{PREFIX}-{name}"
    for name in (
        "cub200-object-detection",
        "lid176-blazingtext",
        "movielens-object2vec",
        "voc-semantic-segmentation",
        "wmt-seq2seq",
    )
]


def of_type(template, kind):
    return {k: r for k, r in template["Resources"].items() if r["Type"] == kind}


def download_statements(template) -> dict:
    (policy,) = of_type(template, "AWS::IAM::ManagedPolicy").values()
    return {s["Sid"]: s for s in policy["Properties"]["PolicyDocument"]["Statement"]}


def test_exactly_the_pipelines_whose_definitions_use_the_placeholder_get_one(assembly, compiled):
    using = sorted(name for name, pipeline in compiled.items() if "DownloadRoleName" in pipeline.placeholders())
    assert using == DOWNLOADING
    for name in pipeline_names():
        template = assembly.get_stack_by_name(name).template
        expected = 1 if name in DOWNLOADING else 0
        assert len(of_type(template, "AWS::IAM::Role")) == expected, name
        assert len(of_type(template, "AWS::IAM::ManagedPolicy")) == expected, name
        assert len(template["Resources"]) == 2 + 2 * expected, name  # + model package group and pipeline


@pytest.mark.parametrize("name", DOWNLOADING)
def test_role_is_named_trusted_by_processing_jobs_and_fills_the_placeholder(assembly, name):
    template = assembly.get_stack_by_name(name).template
    ((logical_id, role),) = of_type(template, "AWS::IAM::Role").items()
    properties = role["Properties"]
    assert properties["RoleName"] == f"{name}-download"
    assert "ManagedPolicyArns" not in properties
    (trust,) = properties["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "sagemaker.amazonaws.com"}
    assert trust["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    # https://docs.aws.amazon.com/sagemaker/latest/dg/security-confused-deputy-prevention.html (Processing Jobs)
    assert json.dumps(trust["Condition"]["ArnLike"]["aws:SourceArn"]).endswith(':processing-job/*"]]}')
    (pipeline,) = of_type(template, "AWS::SageMaker::Pipeline").values()
    variables = pipeline["Properties"]["PipelineDefinition"]["PipelineDefinitionBody"]["Fn::Sub"][1]
    assert variables["DownloadRoleName"] == {"Ref": logical_id}


@pytest.mark.parametrize("name", DOWNLOADING)
def test_role_is_allowed_exactly_what_the_networked_steps_need(assembly, compiled, name):
    statements = download_statements(assembly.get_stack_by_name(name).template)
    assert sorted(statements) == sorted(
        [
            "WritePipelineData",
            "UseDataKey",
            "GrantDataKeyToVolumes",
            "ListProcessingCode",
            "ReadProcessingCode",
            "WriteJobLogs",
            "EcrLogin",
            "PullAlgorithmImages",
        ]
    )
    write = statements["WritePipelineData"]
    assert sorted(write["Action"]) == ["s3:AbortMultipartUpload", "s3:PutObject"]  # no read, no delete
    assert json.dumps(write["Resource"]).endswith(f'"DataBucketName"}}}}, "/{name}/*"]]}}')
    assert sorted(statements["UseDataKey"]["Action"]) == ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"]
    assert statements["GrantDataKeyToVolumes"]["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}
    assert statements["ReadProcessingCode"]["Action"] == "s3:GetObject"
    logs = json.dumps(statements["WriteJobLogs"]["Resource"])
    assert logs.count("/aws/sagemaker/ProcessingJobs") == 2 and "Training" not in logs
    images = {r.image for r in job_requests(compiled[name]) if r.uses_download_role and r.image}
    repositories = {EcrRepository.of_image(image).name for image in images}
    pulled = json.dumps(statements["PullAlgorithmImages"]["Resource"])
    assert repositories and all(f":repository/{repo}" in pulled for repo in repositories)
    assert pulled.count(":repository/") == len(repositories)


def test_execution_role_passes_exactly_the_download_roles(foundation_template):
    statements = {
        s["Sid"]: s
        for r in foundation_template["Resources"].values()
        if r["Type"] == "AWS::IAM::ManagedPolicy"
        for s in r["Properties"]["PolicyDocument"]["Statement"]
    }
    passing = statements["PassDownloadRolesToSageMaker"]
    assert passing["Action"] == "iam:PassRole"
    assert passing["Condition"] == {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}
    roles = [json.dumps(resource) for resource in passing["Resource"]]
    assert len(roles) == len(DOWNLOADING)
    for name in DOWNLOADING:
        assert any(role.endswith(f':role/{name}-download"]]}}') for role in roles)


def test_in_a_vpc_the_role_manages_the_jobs_network_interfaces_as_the_execution_role_does():
    from aws_cdk import App, Stack
    from aws_cdk import aws_kms as kms
    from aws_cdk import aws_s3_assets as s3_assets
    from aws_cdk.assertions import Template

    from infra.download_role import DownloadRole
    from infra.foundation import PROCESSING_DIR
    from infra.statements import network_statements

    stack = Stack(App(), "Vpc")
    subnets, groups = ("subnet-0123456789abcdef0",), ("sg-0123456789abcdef0",)
    DownloadRole(
        stack,
        "Download",
        pipeline_name=f"{PREFIX}-wmt-seq2seq",
        data_bucket_name="bucket",
        key=kms.Key(stack, "Key"),
        code=s3_assets.Asset(stack, "Code", path=str(PROCESSING_DIR)),
        repositories=(),
        subnets=subnets,
        security_groups=groups,
    )
    statements = download_statements(Template.from_stack(stack).to_json())
    expected = [stack.resolve(s.to_statement_json()) for s in network_statements(subnets, groups)]
    assert [statements["DescribeVpcResources"], statements["ManageJobNetworkInterfaces"]] == expected
    assert "EcrLogin" not in statements  # no images, no ECR
