"""The SageMaker execution role: one role for the pipelines and the jobs they start, granted only what the compiled
pipelines need, in four customer-managed policies (data, jobs, images, VPC network) so each stays small and
reviewable; a policy with nothing to grant (no ECR images, no subnets) is left out."""

from __future__ import annotations

from aws_cdk import Aws
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

from infra.endpoint_guardrails import rollback_alarm_names
from infra.job_statements import create_statements
from infra.role_needs import RoleNeeds, download_role_name
from infra.statements import (
    image_statements,
    log_statement,
    network_statements,
    read_statements,
    role_arn,
    sagemaker_arn,
    volume_key_grant,
)

# step type -> (SageMaker resource its steps create, actions on it besides creating it, which `job_statements`
# allows under conditions, CloudWatch log group of its jobs).
# SageMaker Pipelines names the jobs it starts pipelines-<execution id>-<step name>-<suffix>; tuning jobs (32
# characters at most) and models get names without that prefix.
JOB_KINDS = {
    "Processing": (
        "processing-job/pipelines-*",
        ("DescribeProcessingJob", "StopProcessingJob"),
        "ProcessingJobs",
    ),
    "Training": (
        "training-job/pipelines-*",
        ("DescribeTrainingJob", "StopTrainingJob"),
        "TrainingJobs",
    ),
    "Tuning": (
        "hyper-parameter-tuning-job/*",
        (
            "DescribeHyperParameterTuningJob",
            "StopHyperParameterTuningJob",
            "ListTrainingJobsForHyperParameterTuningJob",
        ),
        "TrainingJobs",
    ),
    "Transform": (
        "transform-job/pipelines-*",
        ("DescribeTransformJob", "StopTransformJob"),
        "TransformJobs",
    ),
    "Model": ("model/*", ("DescribeModel",), None),
}


class ExecutionRole(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        data_bucket: s3.IBucket,
        key: kms.IKey,
        code: s3_assets.Asset,
        needs: RoleNeeds,
    ) -> None:
        super().__init__(scope, construct_id)
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=sagemaker_principal(),
            description="Runs the SageMaker pipelines of this app and the jobs they start.",
        )
        self._needs = needs
        self.data_policy = self._policy("DataAccess", self._data_statements(data_bucket, key, code))
        self.jobs_policy = self._policy("Jobs", self._job_statements(key.key_arn))
        self.images_policy = self._policy("Images", image_statements(needs.repositories))
        self.network_policy = self._policy("VpcNetwork", network_statements(needs.subnets, needs.security_groups))

    def _policy(self, name: str, statements: list[iam.PolicyStatement]) -> iam.ManagedPolicy | None:
        if not statements:
            return None
        return iam.ManagedPolicy(self, name, statements=statements, roles=[self.role])

    def _data_statements(self, bucket: s3.IBucket, key: kms.IKey, code: s3_assets.Asset) -> list[iam.PolicyStatement]:
        statements = [
            iam.PolicyStatement(
                sid="ListDataBucket", actions=["s3:ListBucket", "s3:GetBucketLocation"], resources=[bucket.bucket_arn]
            ),
            # No s3:DeleteObject: jobs upload their outputs with PutObject (or multipart uploads, which
            # AbortMultipartUpload cleans up) and never delete, except training checkpoints (below).
            iam.PolicyStatement(
                sid="ReadWriteData",
                actions=["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
                resources=[bucket.arn_for_objects("*")],
            ),
            iam.PolicyStatement(
                sid="UseDataKey",
                actions=["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
                resources=[key.key_arn],
            ),
            volume_key_grant(key.key_arn),
            *read_statements("ProcessingCode", code.s3_bucket_name, code.s3_object_key),
        ]
        if self._needs.checkpoint_prefixes:
            # "If a checkpoint is deleted in the SageMaker AI container, it will also be deleted in the S3 folder"
            # (https://docs.aws.amazon.com/sagemaker/latest/dg/model-checkpoints.html): only there.
            statements.append(
                iam.PolicyStatement(
                    sid="DeleteCheckpoints",
                    actions=["s3:DeleteObject"],
                    resources=[bucket.arn_for_objects(f"{prefix}/*") for prefix in self._needs.checkpoint_prefixes],
                )
            )
        for index, read in enumerate(self._needs.public_reads):
            statements += read_statements(f"PublicDataset{index}", read.bucket, read.key)
        return statements

    def _job_statements(self, key_arn: str) -> list[iam.PolicyStatement]:
        step_types = [t for t in sorted(self._needs.step_types) if t in JOB_KINDS]
        # Endpoints of registered models (opt-in stacks) are named after their pipeline, and log as this role.
        endpoints = [f"Endpoints/{group}" for group in self._needs.model_package_groups]
        log_groups = sorted({group for t in step_types if (group := JOB_KINDS[t][2]) is not None}) + endpoints
        statements = [
            iam.PolicyStatement(
                sid=f"Run{step_type}Steps",
                actions=[f"sagemaker:{action}" for action in JOB_KINDS[step_type][1]] + ["sagemaker:AddTags"],
                resources=[sagemaker_arn(JOB_KINDS[step_type][0])],
            )
            for step_type in step_types
        ]
        for step_type in step_types:
            statements += create_statements(step_type, JOB_KINDS[step_type][0], self._needs, key_arn)
        if self._needs.model_package_groups:
            statements.append(self._register_statement())
            statements.append(_rollback_alarms_statement(self._needs.model_package_groups))
        statements.append(
            iam.PolicyStatement(
                sid="PassOwnRoleToSageMaker",
                actions=["iam:PassRole"],
                resources=[self.role.role_arn],
                conditions={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
            )
        )
        if self._needs.download_roles:
            # The pipelines pass each networked step's job its pipeline's download role (infra/download_role.py).
            statements.append(
                iam.PolicyStatement(
                    sid="PassDownloadRolesToSageMaker",
                    actions=["iam:PassRole"],
                    resources=[role_arn(download_role_name(name)) for name in self._needs.download_roles],
                    conditions={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
                )
            )
        if log_groups:
            statements.append(log_statement(log_groups))
        statements.append(
            iam.PolicyStatement(
                sid="PublishJobMetrics",
                actions=["cloudwatch:PutMetricData"],
                resources=["*"],
                conditions={"StringLike": {"cloudwatch:namespace": "/aws/sagemaker/*"}},
            )
        )
        return statements

    def _register_statement(self) -> iam.PolicyStatement:
        return iam.PolicyStatement(
            sid="RegisterModels",
            actions=[
                "sagemaker:CreateModelPackage",
                "sagemaker:DescribeModelPackage",
                "sagemaker:DescribeModelPackageGroup",
                "sagemaker:AddTags",
            ],
            resources=[sagemaker_arn(f"model-package-group/{group}") for group in self._needs.model_package_groups]
            + [sagemaker_arn(f"model-package/{group}/*") for group in self._needs.model_package_groups],
        )


def sagemaker_principal() -> iam.IPrincipal:
    """SageMaker, for this account's pipelines, jobs, models and endpoints in this region only: the developer guide's
    confused-deputy page (https://docs.aws.amazon.com/sagemaker/latest/dg/security-confused-deputy-prevention.html)
    confirms that SageMaker sends aws:SourceArn when Pipelines (pipeline/<name>/*), processing, training and batch
    transform jobs and inference assume a role; for inference it must be the account-wide
    arn:<partition>:sagemaker:<region>:<account>:* form, which covers the others, so that is the one used."""
    return iam.ServicePrincipal("sagemaker.amazonaws.com").with_conditions(
        {
            "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
            "ArnLike": {"aws:SourceArn": sagemaker_arn("*")},
        }
    )


def _rollback_alarms_statement(groups: tuple[str, ...]) -> iam.PolicyStatement:
    """An endpoint's guarded updates read its rollback alarms as this role: "Ensure that your IAM execution role has
    permission to perform the cloudwatch:DescribeAlarms action on the auto-rollback alarms you specify"
    (https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-configuration.html). Endpoints are named
    after their pipeline (the model package group), so these are exactly the alarms an endpoint stack creates."""
    names = [name for group in groups for name in rollback_alarm_names(group)]
    return iam.PolicyStatement(
        sid="ReadEndpointRollbackAlarms",
        actions=["cloudwatch:DescribeAlarms"],
        resources=[f"arn:{Aws.PARTITION}:cloudwatch:{Aws.REGION}:{Aws.ACCOUNT_ID}:alarm:{name}" for name in names],
    )
