"""The role of a pipeline's networked steps (network isolation off: they fetch public data from the internet).

Code that reaches the internet runs with less than the execution role: it may only add objects under its own
pipeline's prefix of the data bucket (no reads of other data, no deletes), read the processing code, use the project
key for what it writes and for its volume, write its job logs and pull its own images. SageMaker assumes it only for
processing jobs of this account.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Aws
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

from infra.role_needs import EcrRepository, download_role_name
from infra.statements import (
    image_statements,
    log_statement,
    network_statements,
    read_statements,
    sagemaker_arn,
    volume_key_grant,
)

# https://docs.aws.amazon.com/sagemaker/latest/dg/security-confused-deputy-prevention.html ("SageMaker Processing
# Jobs"): SageMaker names the processing job that assumes the role in aws:SourceArn.
PROCESSING_JOBS = "processing-job/*"


class DownloadRole(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        pipeline_name: str,
        data_bucket_name: str,
        key: kms.IKey,
        code: s3_assets.Asset,
        repositories: Sequence[EcrRepository],
        subnets: Sequence[str] = (),
        security_groups: Sequence[str] = (),
    ) -> None:
        super().__init__(scope, construct_id)
        self.role = iam.Role(
            self,
            "Role",
            role_name=download_role_name(pipeline_name),
            assumed_by=processing_principal(),
            description=f"Runs the networked steps of {pipeline_name}: writes only under its prefix.",
        )
        statements = [
            *self._data_statements(pipeline_name, data_bucket_name, key),
            *read_statements("ProcessingCode", code.s3_bucket_name, code.s3_object_key),
            log_statement(["ProcessingJobs"]),
            *image_statements(repositories),
            *network_statements(subnets, security_groups),
        ]
        self.policy = iam.ManagedPolicy(self, "Download", statements=statements, roles=[self.role])

    @staticmethod
    def _data_statements(pipeline_name: str, bucket_name: str, key: kms.IKey) -> list[iam.PolicyStatement]:
        return [
            # Processing outputs are uploaded with PutObject or, when large, a multipart upload (whose create,
            # upload-part and complete calls are all s3:PutObject); AbortMultipartUpload cleans up a failed one.
            iam.PolicyStatement(
                sid="WritePipelineData",
                actions=["s3:PutObject", "s3:AbortMultipartUpload"],
                resources=[f"arn:{Aws.PARTITION}:s3:::{bucket_name}/{pipeline_name}/*"],
            ),
            # SSE-KMS writes: a data key per object (GenerateDataKey), and Decrypt to complete a multipart upload
            # (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html); the volume's grant.
            iam.PolicyStatement(
                sid="UseDataKey",
                actions=["kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"],
                resources=[key.key_arn],
            ),
            volume_key_grant(key.key_arn),
        ]


def processing_principal() -> iam.IPrincipal:
    """SageMaker, for processing jobs of this account and region only (confused-deputy prevention)."""
    return iam.ServicePrincipal("sagemaker.amazonaws.com").with_conditions(
        {
            "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
            "ArnLike": {"aws:SourceArn": sagemaker_arn(PROCESSING_JOBS)},
        }
    )
