"""cdk-nag AwsSolutions runs on the whole app at synth: it passes with exactly these acknowledgments, and fails
without them."""

import pytest
from aws_cdk import App, Stack, Validations
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from cdk_nag import AwsSolutionsChecks

from infra.execution_role import ExecutionRole
from infra.foundation import PROCESSING_DIR
from infra.role_needs import RoleNeeds
from tests.conftest import PREFIX, pipeline_names

FOUNDATION = f"{PREFIX}-foundation/Execution"


def ack(policy: str, service: str, resource: str) -> str:
    arn = f"arn:<AWS::Partition>:{service}:<AWS::Region>:<AWS::AccountId>:{resource}"
    return f"{FOUNDATION}/{policy}: AwsSolutions-IAM5[Resource::{arn}]"


PIPELINES = pipeline_names()
# Training with checkpoints (spot): SageMaker deletes in S3 what the algorithm deletes locally.
CHECKPOINTED = (
    "abalone-xgboost",
    "caltech256-image-classification",
    "cub200-object-detection",
    "voc-semantic-segmentation",
)
# The pipelines with steps that reach the internet, each with its download role.
DOWNLOADING = (
    "cub200-object-detection",
    "lid176-blazingtext",
    "movielens-object2vec",
    "voc-semantic-segmentation",
    "wmt-seq2seq",
)
EXPECTED = sorted(
    [
        f"{FOUNDATION}/DataAccess: AwsSolutions-IAM5[Resource::<DataBucketE3889A50.Arn>/*]",
        *(
            f"{FOUNDATION}/DataAccess: AwsSolutions-IAM5[Resource::<DataBucketE3889A50.Arn>/{PREFIX}-{name}/*/Train"
            "/checkpoints/*]"
            for name in CHECKPOINTED
        ),
        ack("Jobs", "sagemaker", "processing-job/pipelines-*"),
        ack("Jobs", "sagemaker", "training-job/pipelines-*"),
        ack("Jobs", "sagemaker", "transform-job/pipelines-*"),
        ack("Jobs", "sagemaker", "hyper-parameter-tuning-job/*"),
        ack("Jobs", "sagemaker", "model/*"),
        *(ack("Jobs", "sagemaker", f"model-package/{pipeline}/*") for pipeline in PIPELINES),
        ack("Jobs", "logs", "log-group:/aws/sagemaker/ProcessingJobs:*"),
        ack("Jobs", "logs", "log-group:/aws/sagemaker/TrainingJobs:*"),
        ack("Jobs", "logs", "log-group:/aws/sagemaker/TransformJobs:*"),
        *(ack("Jobs", "logs", f"log-group:/aws/sagemaker/Endpoints/{pipeline}:*") for pipeline in PIPELINES),
        f"{FOUNDATION}/Jobs: AwsSolutions-IAM5[Resource::*]",
        f"{FOUNDATION}/Images: AwsSolutions-IAM5[Resource::*]",
    ]
)


def test_app_passes_nag_with_exactly_the_expected_acknowledgments(built_app, assembly):
    # the assembly fixture synthesized the app with AwsSolutionsChecks: any unacknowledged finding fails it
    _, foundation = built_app
    assert sorted(foundation.acknowledged) == EXPECTED


def download_acks(pipeline: str) -> list[str]:
    policy = f"{pipeline}/Download/Download"
    bucket = '{"Fn::GetStackOutput":{"StackName":"' + PREFIX + '-foundation","OutputName":"DataBucketName"}}'
    logs = "arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/ProcessingJobs:*"
    return sorted(
        [
            f"{policy}: AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::{bucket}/{pipeline}/*]",
            f"{policy}: AwsSolutions-IAM5[Resource::{logs}]",
            f"{policy}: AwsSolutions-IAM5[Resource::*]",
        ]
    )


@pytest.mark.parametrize("name", DOWNLOADING)
def test_download_roles_pass_nag_with_exactly_their_acknowledgments(built_app, assembly, name):
    application, _ = built_app
    pipeline = f"{PREFIX}-{name}"
    stack = application.node.find_child(pipeline)
    assert sorted(stack.acknowledged) == download_acks(pipeline)


def test_nag_fails_without_the_acknowledgments():
    app = App(builtin_cloud_formation_validation=False)
    stack = Stack(app, "Unacknowledged")
    ExecutionRole(
        stack,
        "Execution",
        data_bucket=s3.Bucket(stack, "Data", enforce_ssl=True),
        key=kms.Key(stack, "Key"),
        code=s3_assets.Asset(stack, "Code", path=str(PROCESSING_DIR)),
        needs=RoleNeeds(frozenset({"Processing"}), (), (), ()),
    )
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    with pytest.raises(Exception, match="ValidationFailed|Validation failed"):
        app.synth()
