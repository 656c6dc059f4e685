"""cdk-nag (AwsSolutions) acknowledgments: one finding on one resource each, with the reason it is accepted.

cdk-nag names an IAM5 finding after the rendered resource string (`<DataBucketE3889A50.Arn>/*`,
`arn:<AWS::Partition>:...`), so the ids are rendered here from the same statements the policy is made of, rather than
written out by hand, where they would silently stop matching when a logical id or the region changes.
"""

from __future__ import annotations

import json
import re

from aws_cdk import Acknowledgment, Stack, Validations
from aws_cdk import aws_iam as iam
from constructs import Construct

# Why each wildcard that the execution role keeps cannot be narrowed further, by statement id.
WILDCARD_REASONS = {
    "ReadWriteData": "Pipelines read and write objects under per-execution prefixes of the project's own data bucket.",
    "EcrLogin": "ecr:GetAuthorizationToken supports no resource-level permissions.",
    "RunProcessingSteps": "SageMaker Pipelines names the jobs it starts pipelines-<execution id>-<step>-<suffix>.",
    "RunTrainingSteps": "SageMaker Pipelines names the jobs it starts pipelines-<execution id>-<step>-<suffix>.",
    "RunTransformSteps": "SageMaker Pipelines names the jobs it starts pipelines-<execution id>-<step>-<suffix>.",
    "RunTuningSteps": "Pipelines names tuning jobs (32 characters at most) with no fixed prefix.",
    "RunModelSteps": "Pipelines names the models that model steps create with no fixed prefix.",
    "CreateProcessingJobs": "SageMaker Pipelines names the jobs it starts pipelines-<execution id>-<step>-<suffix>.",
    "CreateTrainingJobs": "SageMaker Pipelines names the jobs it starts pipelines-<execution id>-<step>-<suffix>.",
    "CreateTrainingJobsOnLocalStorage": "SageMaker Pipelines names the jobs it starts "
    "pipelines-<execution id>-<step>-<suffix>.",
    "CreateTransformJobs": "SageMaker Pipelines names the jobs it starts pipelines-<execution id>-<step>-<suffix>.",
    "CreateTuningJobs": "Pipelines names tuning jobs (32 characters at most) with no fixed prefix.",
    "CreateModels": "Pipelines names the models that model steps create with no fixed prefix.",
    "DeleteCheckpoints": "Training checkpoints are under <pipeline>/<execution id>/<step>/checkpoints/: one prefix per "
    "execution.",
    "WritePipelineData": "A download step writes only under its own pipeline's prefix, in one folder per execution.",
    "RegisterModels": "A model package is a numbered version (<group>/<n>) of one of this app's model package groups.",
    "WriteJobLogs": "Jobs and endpoints create one log stream per job (or variant) and instance in their log group.",
    "PublishJobMetrics": "PutMetricData has no resource-level permissions; a condition limits it to SageMaker.",
    "DescribeVpcResources": "The EC2 Describe actions SageMaker uses for jobs in a VPC have no resource scoping.",
    "ManageJobNetworkInterfaces": "SageMaker creates job network interfaces with generated ids, only in the given "
    "subnets and security groups.",
}


def acknowledge_policy_wildcards(scope: Construct) -> list[str]:
    """Acknowledge every IAM5 wildcard finding of the managed policies under `scope`; returns them as
    '<policy path>: <finding id>'."""
    acknowledged: list[str] = []
    for policy in (c for c in scope.node.find_all() if isinstance(c, iam.ManagedPolicy)):
        for statement in policy.document.to_json()["Statement"]:
            sid = statement.get("Sid", "")
            for resource in _as_list(statement.get("Resource")):
                rendered = render(Stack.of(policy).resolve(resource))
                finding = f"AwsSolutions-IAM5[Resource::{rendered}]"
                # A job kind's Create and Describe statements name the same resources: one finding, once.
                if "*" in rendered and f"{policy.node.path}: {finding}" not in acknowledged:
                    Validations.of(policy).acknowledge(Acknowledgment(id=finding, reason=_reason(sid)))
                    acknowledged.append(f"{policy.node.path}: {finding}")
    return acknowledged


def _reason(sid: str) -> str:
    if sid not in WILDCARD_REASONS:
        raise KeyError(f"statement {sid!r} has a wildcard resource but no reason in infra/nag.py WILDCARD_REASONS")
    return WILDCARD_REASONS[sid]


def render(value) -> str:
    """A resolved CloudFormation value as cdk-nag prints it: Ref X -> <X>, GetAtt X.Y -> <X.Y>, joins flattened."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        ((function, argument),) = value.items()
        if function == "Ref":
            return f"<{argument}>"
        if function == "Fn::GetAtt":
            return f"<{argument[0]}.{argument[1]}>"
        if function == "Fn::Sub" and isinstance(argument, str):
            return re.sub(r"\$\{([^}!]+)\}", r"<\1>", argument)
        if function == "Fn::Join":
            separator, parts = argument
            return separator.join(render(part) for part in parts)
    if isinstance(value, dict) and list(value) == ["Fn::GetStackOutput"]:
        return json.dumps(value, separators=(",", ":"))  # cdk-nag prints other intrinsics as JSON
    raise ValueError(f"cannot render {value!r} as cdk-nag does")


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


# cdk-nag knows dead-letter queues of queues and Lambda functions, not of EventBridge Scheduler schedules.
SCHEDULE_DEAD_LETTER_QUEUE = (
    "AwsSolutions-SQS3",
    "This queue is the dead-letter queue of the pipeline's schedule (Target.DeadLetterConfig): nothing reads it "
    "automatically, so a dead-letter queue of its own would never receive anything.",
)


def acknowledge_schedule_dead_letter_queue(queue: Construct) -> list[str]:
    """Acknowledge the one finding of a schedule's dead-letter queue; returns it as '<queue path>: <finding id>'."""
    finding, reason = SCHEDULE_DEAD_LETTER_QUEUE
    Validations.of(queue).acknowledge(Acknowledgment(id=finding, reason=reason))
    return [f"{queue.node.path}: {finding}"]
