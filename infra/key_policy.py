"""The project key's policy, written out instead of CDK's default (the account root allowed kms:*, which lets any
IAM policy in the account use the key): the account root administers the key, so it is never orphaned, and only the
roles that read and write the project's data use it.

Key administrators' actions: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
("Allows key administrators to administer the KMS key"). The users are named in an aws:PrincipalArn condition rather
than as principals: KMS refuses a key policy whose principal does not exist yet, and the download roles are created
by the pipeline stacks, after the foundation.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Aws
from aws_cdk import aws_iam as iam

ADMIN_ACTIONS = [
    "kms:Create*",
    "kms:Describe*",
    "kms:Enable*",
    "kms:List*",
    "kms:Put*",
    "kms:Update*",
    "kms:Revoke*",
    "kms:Disable*",
    "kms:Get*",
    "kms:Delete*",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
    "kms:RotateKeyOnDemand",
]
# SSE-KMS reads and writes of the data bucket, the jobs' encrypted outputs and model artifacts.
USER_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]


def key_policy(users: Sequence[str]) -> iam.PolicyDocument:
    """`users`: the ARNs of the roles that use the key (the execution role and the download roles)."""
    root = iam.AccountRootPrincipal()
    named = {"ArnEquals": {"aws:PrincipalArn": list(users)}}
    return iam.PolicyDocument(
        statements=[
            iam.PolicyStatement(sid="KeyAdministration", principals=[root], actions=ADMIN_ACTIONS, resources=["*"]),
            iam.PolicyStatement(
                sid="KeyUse", principals=[root], actions=USER_ACTIONS, resources=["*"], conditions=named
            ),
            # Jobs' and endpoints' EBS volumes are encrypted with the key through grants SageMaker creates for them.
            iam.PolicyStatement(
                sid="KeyGrantsForVolumes",
                principals=[root],
                actions=["kms:CreateGrant"],
                resources=["*"],
                conditions={**named, "Bool": {"kms:GrantIsForAWSResource": "true"}},
            ),
            # CloudFormation creates the endpoint configs (KmsKeyId, data capture) as the deploying principal,
            # through SageMaker, which describes the key and grants the endpoint's volumes its use.
            iam.PolicyStatement(
                sid="SageMakerResourcesOfDeployments",
                principals=[root],
                actions=["kms:CreateGrant", "kms:DescribeKey"],
                resources=["*"],
                conditions={
                    "StringEquals": {"kms:ViaService": f"sagemaker.{Aws.REGION}.amazonaws.com"},
                    "Bool": {"kms:GrantIsForAWSResource": "true"},
                },
            ),
        ]
    )
