"""Values that exist only at deploy time enter a definition as Fn::Sub placeholders.

The SDK writes these strings verbatim into the definition JSON; the pipeline stack wraps the JSON in `Fn::Sub` with
one variable per name below, so each deploy-time value is referenced once however often the definition uses it.
`${AWS::...}` pseudo parameters are filled in by Fn::Sub itself.
"""

DATA_BUCKET = "DataBucket"
KMS_KEY_ARN = "KmsKeyArn"
EXECUTION_ROLE_NAME = "ExecutionRoleName"
CODE_BUCKET = "ProcessingCodeBucket"
CODE_KEY = "ProcessingCodeKey"

NAMES = (DATA_BUCKET, KMS_KEY_ARN, EXECUTION_ROLE_NAME, CODE_BUCKET, CODE_KEY)


def sub(name: str) -> str:
    """`${Name}`: Fn::Sub syntax for one placeholder."""
    return "${" + name + "}"


# The SDK refuses a role that does not look like an IAM role ARN, so the role enters as an ARN template.
ROLE_ARN = "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/" + sub(EXECUTION_ROLE_NAME)
