"""The foundation stack: key, buckets, execution role (least privilege), outputs, and data kept on destroy."""

import json

import pytest
from aws_cdk.assertions import Match, Template

from tests.conftest import PREFIX


def resources(template, kind):
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def only(template, kind):
    found = list(resources(template, kind).values())
    assert len(found) == 1, kind
    return found[0]


def test_resource_counts(foundation_template):
    template = Template.from_json(foundation_template)
    template.resource_count_is("AWS::KMS::Key", 1)
    template.resource_count_is("AWS::S3::Bucket", 2)
    template.resource_count_is("AWS::IAM::Role", 1)
    template.resource_count_is("AWS::IAM::ManagedPolicy", 3)
    template.resource_count_is("AWS::IAM::Policy", 0)


def test_key_rotates_and_is_retained(foundation_template):
    key = only(foundation_template, "AWS::KMS::Key")
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == "Retain" and key["UpdateReplacePolicy"] == "Retain"


def data_bucket(template):
    return next(b for b in resources(template, "AWS::S3::Bucket").values() if "LoggingConfiguration" in b["Properties"])


def test_data_bucket_is_kms_encrypted_versioned_private_logged_and_retained(foundation_template):
    template = Template.from_json(foundation_template)
    template.has_resource(
        "AWS::S3::Bucket",
        {
            "DeletionPolicy": "Retain",
            "Properties": Match.object_like(
                {
                    "BucketEncryption": {
                        "ServerSideEncryptionConfiguration": [
                            {
                                "BucketKeyEnabled": True,
                                "ServerSideEncryptionByDefault": {
                                    "SSEAlgorithm": "aws:kms",
                                    "KMSMasterKeyID": Match.any_value(),
                                },
                            }
                        ]
                    },
                    "VersioningConfiguration": {"Status": "Enabled"},
                    "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": True,
                        "BlockPublicPolicy": True,
                        "IgnorePublicAcls": True,
                        "RestrictPublicBuckets": True,
                    },
                    "LoggingConfiguration": {
                        "DestinationBucketName": Match.any_value(),
                        "LogFilePrefix": "data-bucket/",
                    },
                }
            ),
        },
    )
    rules = data_bucket(foundation_template)["Properties"]["LifecycleConfiguration"]["Rules"]
    assert rules[0]["NoncurrentVersionExpiration"] == {"NoncurrentDays": 90}


def test_every_bucket_is_retained_and_denies_plain_http(foundation_template):
    for bucket in resources(foundation_template, "AWS::S3::Bucket").values():
        assert bucket["DeletionPolicy"] == "Retain"
    policies = resources(foundation_template, "AWS::S3::BucketPolicy").values()
    ssl_denials = [
        s
        for p in policies
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    ]
    assert len(ssl_denials) == 2


def test_role_is_assumed_only_by_sagemaker(foundation_template):
    role = only(foundation_template, "AWS::IAM::Role")["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}}
    ]
    assert "ManagedPolicyArns" not in role  # no AWS-managed (FullAccess) policies


@pytest.fixture(scope="module")
def statements(foundation_template):
    return {
        statement["Sid"]: statement
        for policy in resources(foundation_template, "AWS::IAM::ManagedPolicy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    }


def as_list(value):
    return value if isinstance(value, list) else [value]


def test_role_statements_are_exactly_what_abalone_needs(statements):
    assert sorted(statements) == sorted(
        [
            "ListDataBucket",
            "ReadWriteData",
            "UseDataKey",
            "GrantDataKeyToVolumes",
            "ListProcessingCode",
            "ReadProcessingCode",
            "ListPublicDataset0",
            "ReadPublicDataset0",
            "RunProcessingSteps",
            "RunTrainingSteps",
            "RegisterModels",
            "PassOwnRoleToSageMaker",
            "WriteJobLogs",
            "PublishJobMetrics",
            "EcrLogin",
            "PullAlgorithmImages",
        ]
    )


def test_no_wildcard_actions(statements):
    for sid, statement in statements.items():
        assert statement["Effect"] == "Allow"
        for action in as_list(statement["Action"]):
            assert "*" not in action, (sid, action)
            assert action not in ("sagemaker:*", "s3:*", "kms:*", "iam:*")


def test_only_unscopable_actions_have_resource_star(statements):
    star = {sid for sid, s in statements.items() if "*" in as_list(s["Resource"])}
    assert star == {"EcrLogin", "PublishJobMetrics"}
    assert statements["PublishJobMetrics"]["Condition"] == {"StringLike": {"cloudwatch:namespace": "/aws/sagemaker/*"}}


def test_sagemaker_jobs_scoped_to_pipeline_job_names(statements):
    assert json.dumps(statements["RunProcessingSteps"]["Resource"]).endswith(':processing-job/pipelines-*"]]}')
    assert "sagemaker:CreateProcessingJob" in statements["RunProcessingSteps"]["Action"]
    assert json.dumps(statements["RunTrainingSteps"]["Resource"]).endswith(':training-job/pipelines-*"]]}')
    register = json.dumps(statements["RegisterModels"]["Resource"])
    assert f"model-package-group/{PREFIX}-abalone-xgboost" in register
    assert f"model-package/{PREFIX}-abalone-xgboost/*" in register


def test_pass_role_only_to_sagemaker(statements):
    statement = statements["PassOwnRoleToSageMaker"]
    assert statement["Action"] == "iam:PassRole"
    assert statement["Condition"] == {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}
    role_id, attribute = statement["Resource"]["Fn::GetAtt"]
    assert role_id.startswith("ExecutionRole") and attribute == "Arn"


def test_public_dataset_read_is_exactly_the_abalone_object(statements):
    read = statements["ReadPublicDataset0"]
    assert read["Action"] == "s3:GetObject"
    assert json.dumps(read["Resource"]).endswith(
        ':s3:::sagemaker-example-files-prod-us-east-1/datasets/tabular/uci_abalone/abalone.csv"]]}'
    )
    listing = statements["ListPublicDataset0"]
    assert listing["Condition"]["StringLike"]["s3:prefix"][0] == "datasets/tabular/uci_abalone/abalone.csv"


def test_processing_code_read_is_exactly_the_asset(statements):
    read = json.dumps(statements["ReadProcessingCode"]["Resource"])
    assert "cdk-hnb659fds-assets-" in read and '.zip"' in read


def test_image_pull_is_scoped_to_the_algorithm_repositories(statements):
    repositories = [json.dumps(r) for r in as_list(statements["PullAlgorithmImages"]["Resource"])]
    assert len(repositories) == 2
    assert any(":ecr:us-east-1:683313688378:repository/sagemaker-xgboost" in r for r in repositories)
    assert any(":ecr:us-east-1:683313688378:repository/sagemaker-scikit-learn" in r for r in repositories)


def test_logs_scoped_to_the_sagemaker_job_log_groups(statements):
    text = json.dumps(statements["WriteJobLogs"]["Resource"])
    assert "log-group:/aws/sagemaker/ProcessingJobs" in text and "log-group:/aws/sagemaker/TrainingJobs" in text
    assert "TransformJobs" not in text


def test_outputs_for_studio_users(foundation_template):
    outputs = foundation_template["Outputs"]
    for name in ("DataBucketName", "ExecutionRoleArn", "DataKeyArn", "PipelineNames"):
        assert name in outputs
    assert outputs["PipelineNames"]["Value"] == f"{PREFIX}-abalone-xgboost"
