"""The foundation every pipeline stands on: a KMS key, the data bucket and its access-log bucket, the processing
code, and the SageMaker execution role. Data survives `cdk destroy` (RETAIN)."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

from infra.endpoint_settings import capture_prefix
from infra.execution_role import ExecutionRole
from infra.key_policy import key_policy
from infra.nag import acknowledge_policy_wildcards
from infra.role_needs import RoleNeeds, download_role_name
from infra.statements import role_arn
from pipelines import naming

PROCESSING_DIR = naming.REPO_ROOT / "processing"
# Caches and bytecode differ between machines and runs; the asset (and its hash) must not.
PROCESSING_EXCLUDES = ["**/__pycache__", "**/*.pyc", "**/.*"]
DATA_BUCKET_OUTPUT = "DataBucketName"
CAPTURE_DAYS = 30


class FoundationStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        prefix: str,
        pipeline_names: list[str],
        needs: RoleNeeds,
        **kwargs,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.needs = needs
        self.key = self._data_key(prefix)
        log_bucket = self._access_log_bucket()
        self.data_bucket = self._data_bucket(log_bucket, needs.model_package_groups)
        self._deny_other_keys()
        # A destroy keeps the buckets (RETAIN), and so their policies: TLS only, and log delivery.
        for bucket in (log_bucket, self.data_bucket):
            if bucket.policy is not None:
                bucket.policy.apply_removal_policy(RemovalPolicy.RETAIN)
        self.code = s3_assets.Asset(self, "ProcessingCode", path=str(PROCESSING_DIR), exclude=PROCESSING_EXCLUDES)
        self.execution = ExecutionRole(
            self, "Execution", data_bucket=self.data_bucket, key=self.key, code=self.code, needs=needs
        )
        users = [self.execution.role.role_arn, *(role_arn(download_role_name(n)) for n in needs.download_roles)]
        cfn_key = self.key.node.default_child
        assert isinstance(cfn_key, kms.CfnKey)
        cfn_key.key_policy = key_policy(users)
        self.acknowledged = acknowledge_policy_wildcards(self.execution)
        self._outputs(pipeline_names)

    def _data_key(self, prefix: str) -> kms.Key:
        return kms.Key(
            self,
            "DataKey",
            alias=f"alias/{prefix}-data",
            description=f"Encrypts the {prefix} pipelines' data, job volumes and model artifacts.",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,
        )

    def _access_log_bucket(self) -> s3.Bucket:
        # S3 server access logs can only be delivered to a bucket encrypted with SSE-S3, not SSE-KMS.
        return s3.Bucket(
            self,
            "AccessLogBucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            versioned=True,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireOldLogs", expiration=Duration.days(365), noncurrent_version_expiration=Duration.days(30)
                )
            ],
            removal_policy=RemovalPolicy.RETAIN,
        )

    def _data_bucket(self, log_bucket: s3.IBucket, endpoints: Sequence[str]) -> s3.Bucket:
        return s3.Bucket(
            self,
            "DataBucket",
            encryption=s3.BucketEncryption.KMS,
            encryption_key=self.key,
            bucket_key_enabled=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            versioned=True,
            server_access_logs_bucket=log_bucket,
            server_access_logs_prefix="data-bucket/",
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireOldVersions",
                    noncurrent_version_expiration=Duration.days(90),
                    abort_incomplete_multipart_upload_after=Duration.days(7),
                ),
                # Endpoints (of the pipelines that register models) capture requests and responses
                # (infra/endpoint_stack.py): personal data may be in them,
                # and a month is long enough to baseline and compare; older captures are deleted.
                *(
                    s3.LifecycleRule(
                        id=f"ExpireDataCapture-{name}",
                        prefix=capture_prefix(name),
                        expiration=Duration.days(CAPTURE_DAYS),
                        noncurrent_version_expiration=Duration.days(1),
                    )
                    for name in endpoints
                ),
            ],
            removal_policy=RemovalPolicy.RETAIN,
        )

    def _deny_other_keys(self) -> None:
        """Objects are written with the project key only: a PutObject naming another KMS key is refused. Writes
        naming no key get the bucket's default (the project key); SageMaker's name the project key's ARN."""
        header = "s3:x-amz-server-side-encryption-aws-kms-key-id"
        self.data_bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="DenyOtherKmsKeys",
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=["s3:PutObject"],
                resources=[self.data_bucket.arn_for_objects("*")],
                conditions={"Null": {header: "false"}, "StringNotEquals": {header: self.key.key_arn}},
            )
        )

    def _outputs(self, pipeline_names: list[str]) -> None:
        CfnOutput(self, DATA_BUCKET_OUTPUT, value=self.data_bucket.bucket_name, description="Pipeline data and models.")
        CfnOutput(self, "ExecutionRoleArn", value=self.execution.role.role_arn, description="SageMaker execution role.")
        CfnOutput(self, "DataKeyArn", value=self.key.key_arn, description="KMS key of the data, volumes and models.")
        CfnOutput(self, "PipelineNames", value=",".join(pipeline_names), description="The pipelines of this app.")
