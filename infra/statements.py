"""IAM statements and ARNs that the execution role and the download roles share: reading one object of a bucket,
pulling images, writing job logs, and the network interfaces of jobs in a VPC."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Aws
from aws_cdk import aws_iam as iam

from infra.role_needs import EcrRepository


def sagemaker_arn(resource: str) -> str:
    return f"arn:{Aws.PARTITION}:sagemaker:{Aws.REGION}:{Aws.ACCOUNT_ID}:{resource}"


def log_group_arn(log_group: str) -> str:
    return f"arn:{Aws.PARTITION}:logs:{Aws.REGION}:{Aws.ACCOUNT_ID}:log-group:/aws/sagemaker/{log_group}"


def ec2_arn(resource: str) -> str:
    return f"arn:{Aws.PARTITION}:ec2:{Aws.REGION}:{Aws.ACCOUNT_ID}:{resource}"


def role_arn(role_name: str) -> str:
    return f"arn:{Aws.PARTITION}:iam::{Aws.ACCOUNT_ID}:role/{role_name}"


def volume_key_grant(key_arn: str) -> iam.PolicyStatement:
    """Jobs encrypt their EBS volumes with the key through a grant to the volume, which the service asks for
    (https://docs.aws.amazon.com/sagemaker/latest/dg/encryption-at-rest-nbi.html, "KMS permissions")."""
    return iam.PolicyStatement(
        sid="GrantDataKeyToVolumes",
        actions=["kms:CreateGrant"],
        resources=[key_arn],
        conditions={"Bool": {"kms:GrantIsForAWSResource": "true"}},
    )


def read_statements(sid: str, bucket: str, key: str) -> list[iam.PolicyStatement]:
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


def log_statement(log_groups: Sequence[str]) -> iam.PolicyStatement:
    return iam.PolicyStatement(
        sid="WriteJobLogs",
        actions=["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        # A job's log group and, through ":*", its log streams.
        resources=[log_group_arn(group) for group in log_groups]
        + [log_group_arn(group) + ":*" for group in log_groups],
    )


def image_statements(repositories: Sequence[EcrRepository]) -> list[iam.PolicyStatement]:
    arns = [f"arn:{Aws.PARTITION}:ecr:{repo.region}:{repo.account}:repository/{repo.name}" for repo in repositories]
    if not arns:
        return []
    return [
        iam.PolicyStatement(sid="EcrLogin", actions=["ecr:GetAuthorizationToken"], resources=["*"]),
        iam.PolicyStatement(
            sid="PullAlgorithmImages",
            actions=["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
            resources=arns,
        ),
    ]


def network_statements(subnets: Sequence[str], security_groups: Sequence[str]) -> list[iam.PolicyStatement]:
    """Jobs in a VPC: SageMaker creates their network interfaces in the given subnets with the given security
    groups, using the job's role (developer guide, "Give SageMaker access to resources in your Amazon VPC")."""
    if not subnets:
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
                ec2_arn("network-interface/*"),
                *(ec2_arn(f"subnet/{subnet}") for subnet in subnets),
                *(ec2_arn(f"security-group/{group}") for group in security_groups),
            ],
        ),  # fmt: skip
    ]
