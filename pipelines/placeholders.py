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
# The role of the steps that reach the internet (network isolation off): a pipeline's own, which may only write
# under the pipeline's prefix of the data bucket (infra/pipeline_stack.py).
DOWNLOAD_ROLE_NAME = "DownloadRoleName"

NAMES = (DATA_BUCKET, KMS_KEY_ARN, EXECUTION_ROLE_NAME, CODE_BUCKET, CODE_KEY, DOWNLOAD_ROLE_NAME)


def sub(name: str) -> str:
    """`${Name}`: Fn::Sub syntax for one placeholder."""
    return "${" + name + "}"


# The SDK refuses a role that does not look like an IAM role ARN, so the role enters as an ARN template.
ROLE_ARN = "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/" + sub(EXECUTION_ROLE_NAME)
DOWNLOAD_ROLE_ARN = "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/" + sub(DOWNLOAD_ROLE_NAME)
