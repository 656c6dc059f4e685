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

from infra.role_needs import RoleNeeds

# step type -> (SageMaker resource its steps create, actions on it, CloudWatch log group of its jobs).
# SageMaker Pipelines names the jobs it starts pipelines-<execution id>-<step name>-<suffix>; tuning jobs (32
# characters at most) and models get names without that prefix.
JOB_KINDS = {
    "Processing": (
        "processing-job/pipelines-*",
        ("CreateProcessingJob", "DescribeProcessingJob", "StopProcessingJob"),
        "ProcessingJobs",
    ),
    "Training": (
        "training-job/pipelines-*",
        ("CreateTrainingJob", "DescribeTrainingJob", "StopTrainingJob"),
        "TrainingJobs",
    ),
    "Tuning": (
        "hyper-parameter-tuning-job/*",
        (
            "CreateHyperParameterTuningJob",
            "DescribeHyperParameterTuningJob",
            "StopHyperParameterTuningJob",
            "ListTrainingJobsForHyperParameterTuningJob",
        ),
        "TrainingJobs",
    ),
    "Transform": (
        "transform-job/pipelines-*",
        ("CreateTransformJob", "DescribeTransformJob", "StopTransformJob"),
        "TransformJobs",
    ),
    "Model": ("model/*", ("CreateModel", "DescribeModel"), None),
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
            assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
            description="Runs the SageMaker pipelines of this app and the jobs they start.",
        )
        self._needs = needs
        self.data_policy = self._policy("DataAccess", self._data_statements(data_bucket, key, code))
        self.jobs_policy = self._policy("Jobs", self._job_statements())
        self.images_policy = self._policy("Images", self._image_statements())
        self.network_policy = self._policy("VpcNetwork", self._network_statements())

    def _policy(self, name: str, statements: list[iam.PolicyStatement]) -> iam.ManagedPolicy | None:
        if not statements:
            return None
        return iam.ManagedPolicy(self, name, statements=statements, roles=[self.role])

    def _data_statements(self, bucket: s3.IBucket, key: kms.IKey, code: s3_assets.Asset) -> list[iam.PolicyStatement]:
        statements = [
            iam.PolicyStatement(
                sid="ListDataBucket", actions=["s3:ListBucket", "s3:GetBucketLocation"], resources=[bucket.bucket_arn]
            ),
            iam.PolicyStatement(
                sid="ReadWriteData",
                actions=["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
                resources=[bucket.arn_for_objects("*")],
            ),
            iam.PolicyStatement(
                sid="UseDataKey",
                actions=["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
                resources=[key.key_arn],
            ),
            # Jobs encrypt their EBS volumes with the key: the volumes are granted use of it by the service.
            iam.PolicyStatement(
                sid="GrantDataKeyToVolumes",
                actions=["kms:CreateGrant"],
                resources=[key.key_arn],
                conditions={"Bool": {"kms:GrantIsForAWSResource": "true"}},
            ),
            *_read_statements("ProcessingCode", code.s3_bucket_name, code.s3_object_key),
        ]
        for index, read in enumerate(self._needs.public_reads):
            statements += _read_statements(f"PublicDataset{index}", read.bucket, read.key)
        return statements

    def _job_statements(self) -> list[iam.PolicyStatement]:
        step_types = [t for t in sorted(self._needs.step_types) if t in JOB_KINDS]
        # Endpoints of registered models (opt-in stacks) are named after their pipeline, and log as this role.
        endpoints = [f"Endpoints/{group}" for group in self._needs.model_package_groups]
        log_groups = sorted({group for t in step_types if (group := JOB_KINDS[t][2]) is not None}) + endpoints
        statements = [
            iam.PolicyStatement(
                sid=f"Run{step_type}Steps",
                actions=[f"sagemaker:{action}" for action in JOB_KINDS[step_type][1]] + ["sagemaker:AddTags"],
                resources=[_sagemaker_arn(JOB_KINDS[step_type][0])],
            )
            for step_type in step_types
        ]
        if self._needs.model_package_groups:
            statements.append(self._register_statement())
        statements.append(
            iam.PolicyStatement(
                sid="PassOwnRoleToSageMaker",
                actions=["iam:PassRole"],
                resources=[self.role.role_arn],
                conditions={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
            )
        )
        if log_groups:
            statements.append(self._log_statement(log_groups))
        statements.append(
            iam.PolicyStatement(
                sid="PublishJobMetrics",
                actions=["cloudwatch:PutMetricData"],
                resources=["*"],
                conditions={"StringLike": {"cloudwatch:namespace": "/aws/sagemaker/*"}},
            )
        )
        return statements

    def _log_statement(self, log_groups: list[str]) -> iam.PolicyStatement:
        return iam.PolicyStatement(
            sid="WriteJobLogs",
            actions=["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            # A job's log group and, through ":*", its log streams.
            resources=[_log_group_arn(group) for group in log_groups]
            + [_log_group_arn(group) + ":*" for group in log_groups],
        )

    def _register_statement(self) -> iam.PolicyStatement:
        return iam.PolicyStatement(
            sid="RegisterModels",
            actions=[
                "sagemaker:CreateModelPackage",
                "sagemaker:DescribeModelPackage",
                "sagemaker:DescribeModelPackageGroup",
                "sagemaker:AddTags",
            ],
            resources=[_sagemaker_arn(f"model-package-group/{group}") for group in self._needs.model_package_groups]
            + [_sagemaker_arn(f"model-package/{group}/*") for group in self._needs.model_package_groups],
        )

    def _image_statements(self) -> list[iam.PolicyStatement]:
        repositories = [
            f"arn:{Aws.PARTITION}:ecr:{repo.region}:{repo.account}:repository/{repo.name}"
            for repo in self._needs.repositories
        ]
        if not repositories:
            return []
        return [
            iam.PolicyStatement(sid="EcrLogin", actions=["ecr:GetAuthorizationToken"], resources=["*"]),
            iam.PolicyStatement(
                sid="PullAlgorithmImages",
                actions=["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
                resources=repositories,
            ),
        ]

    def _network_statements(self) -> list[iam.PolicyStatement]:
        """Jobs in a VPC: SageMaker creates their network interfaces in the given subnets with the given security
        groups, using this role (developer guide, "Give SageMaker access to resources in your Amazon VPC")."""
        if not self._needs.subnets:
            return []
        return [
            iam.PolicyStatement(
                sid="DescribeVpcResources",
                actions=[
                    "ec2:DescribeVpcs",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeDhcpOptions",
                ],
                resources=["*"],
            ),  # fmt: skip
            iam.PolicyStatement(
                sid="ManageJobNetworkInterfaces",
                actions=[
                    "ec2:CreateNetworkInterface",
                    "ec2:CreateNetworkInterfacePermission",
                    "ec2:DeleteNetworkInterface",
                    "ec2:DeleteNetworkInterfacePermission",
                ],
                resources=[
                    _ec2_arn("network-interface/*"),
                    *(_ec2_arn(f"subnet/{subnet}") for subnet in self._needs.subnets),
                    *(_ec2_arn(f"security-group/{group}") for group in self._needs.security_groups),
                ],
            ),  # fmt: skip
        ]


def _ec2_arn(resource: str) -> str:
    return f"arn:{Aws.PARTITION}:ec2:{Aws.REGION}:{Aws.ACCOUNT_ID}:{resource}"


def _read_statements(sid: str, bucket: str, key: str) -> list[iam.PolicyStatement]:
    """Read one object (or key prefix) of a bucket. Processing inputs are S3 prefixes, so the job lists the key too."""
    return [
        iam.PolicyStatement(
            sid=f"List{sid}",
            actions=["s3:ListBucket"],
            resources=[f"arn:{Aws.PARTITION}:s3:::{bucket}"],
            conditions={"StringLike": {"s3:prefix": [key, f"{key}/*"]}},
        ),
        iam.PolicyStatement(
            sid=f"Read{sid}",
            actions=["s3:GetObject"],
            resources=[f"arn:{Aws.PARTITION}:s3:::{bucket}/{key}"],
        ),
    ]


def _sagemaker_arn(resource: str) -> str:
    return f"arn:{Aws.PARTITION}:sagemaker:{Aws.REGION}:{Aws.ACCOUNT_ID}:{resource}"


def _log_group_arn(log_group: str) -> str:
    return f"arn:{Aws.PARTITION}:logs:{Aws.REGION}:{Aws.ACCOUNT_ID}:log-group:/aws/sagemaker/{log_group}"
