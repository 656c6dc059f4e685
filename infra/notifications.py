"""The opt-in `<prefix>-notifications` stack: an encrypted SNS topic and the EventBridge rules that announce, as
readable text, what needs a person's attention in this deployment.

A stack of its own rather than resources in the foundation: it comes and goes with the setting without touching the
foundation's template (nor its key policy, which names the pipelines' job roles only), and can be destroyed alone.

Events (https://docs.aws.amazon.com/sagemaker/latest/dg/automating-sagemaker-with-eventbridge.html):
- "SageMaker Model Building Pipeline Execution Status Change": detail.pipelineArn, currentPipelineExecutionStatus
  (Executing, Succeeded, Failed, Stopping, Stopped), pipelineExecutionArn, pipelineExecutionDisplayName. The event
  carries no failure reason: the message points to the execution, whose failed step shows it.
- "SageMaker Model Package State Change": detail.ModelPackageGroupName, ModelPackageVersion, ModelApprovalStatus.
- A rollback: SageMaker rolls an endpoint update back when one of the endpoint's rollback alarms goes to ALARM
  (https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-configuration.html); the documented
  "SageMaker Endpoint Deployment State Change" event has no documented rollback status to match, so the rule matches
  the alarms' own "CloudWatch Alarm State Change" events
  (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html).
"""

from __future__ import annotations

from aws_cdk import Aws, CfnOutput, RemovalPolicy, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

from infra.endpoint_guardrails import rollback_alarm_names
from infra.notification_settings import NotificationSettings

# The patterns match this deployment's names by their prefix rather than listing them: an event pattern may have at
# most 2048 characters (EventBridge quota, https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html),
# and the ARNs of the 22 pipelines, or the names of their 44 rollback alarms, are more. A deployment whose prefix
# begins with this one's plus '-' (sm-algo and sm-algo-b) would be matched too: give deployments distinct prefixes.

PIPELINE_EXECUTION = "SageMaker Model Building Pipeline Execution Status Change"
MODEL_PACKAGE = "SageMaker Model Package State Change"
ALARM_STATE = "CloudWatch Alarm State Change"
CONSOLE = "https://<region>.console.aws.amazon.com"


def notifications_stack(prefix: str) -> str:
    return f"{prefix}-notifications"


class NotificationsStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        prefix: str,
        settings: NotificationSettings,
        **kwargs,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.key = self._key()
        self.topic = sns.Topic(
            self,
            "Topic",
            display_name=construct_id,
            master_key=self.key,
            enforce_ssl=True,  # denies sns:Publish without TLS (cdk-nag SNS3)
        )
        for email in settings.emails:
            sns.Subscription(self, f"Email-{email}", topic=self.topic, protocol=sns.SubscriptionProtocol.EMAIL,
                             endpoint=email)  # fmt: skip
        self.rules = [
            self._rule("PipelineExecutions", pipeline_pattern(self, prefix, settings), PIPELINE_MESSAGE),
            self._rule("PendingApprovals", model_package_pattern(prefix), MODEL_PACKAGE_MESSAGE),
            self._rule("Rollbacks", rollback_pattern(prefix), ROLLBACK_MESSAGE),
        ]
        self._allow_rules_to_publish()
        CfnOutput(self, "TopicArn", value=self.topic.topic_arn, description="Subscribe other endpoints here.")

    def _key(self) -> kms.Key:
        # A key of the topic's own: EventBridge encrypts what it publishes with it, and the project key's policy
        # (infra/key_policy.py) stays as it is.
        key = kms.Key(
            self,
            "TopicKey",
            description="Encrypts the deployment's notifications (SNS topic).",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.DESTROY,
        )
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="EventBridgePublishesToTheTopic",
                principals=[iam.ServicePrincipal("events.amazonaws.com")],
                actions=["kms:GenerateDataKey*", "kms:Decrypt"],
                resources=["*"],  # in a key policy, "*" is this key
                conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}},
            )
        )
        return key

    def _rule(self, construct_id: str, pattern: dict, message: tuple[dict[str, str], str]) -> events.CfnRule:
        paths, template = message
        target = events.CfnRule.TargetProperty(
            arn=self.topic.topic_arn,
            id="Topic",
            input_transformer=events.CfnRule.InputTransformerProperty(input_paths_map=paths, input_template=template),
        )
        return events.CfnRule(self, construct_id, event_pattern=pattern, state="ENABLED", targets=[target])

    def _allow_rules_to_publish(self) -> None:
        """EventBridge publishes for these rules only (confused deputy: aws:SourceArn)."""
        self.topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="RulesPublish",
                principals=[iam.ServicePrincipal("events.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[self.topic.topic_arn],
                conditions={"ArnEquals": {"aws:SourceArn": [rule.attr_arn for rule in self.rules]}},
            )
        )


def _names(prefix: str) -> str:
    """What every pipeline, model package group and endpoint of this deployment starts with (pipelines.naming)."""
    return f"{prefix}-"


def pipeline_pattern(scope: Construct, prefix: str, settings: NotificationSettings) -> dict:
    """Executions of this deployment's pipelines that end badly, and well if asked for."""
    statuses = ["Failed", "Stopped"] + (["Succeeded"] if settings.succeeded else [])
    pipelines = Stack.of(scope).format_arn(service="sagemaker", resource="pipeline", resource_name=_names(prefix))
    return {
        "source": ["aws.sagemaker"],
        "detail-type": [PIPELINE_EXECUTION],
        "detail": {"pipelineArn": [{"prefix": pipelines}], "currentPipelineExecutionStatus": statuses},
    }


def model_package_pattern(prefix: str) -> dict:
    """A model registered in one of this deployment's groups (named like the pipelines), waiting for approval."""
    return {
        "source": ["aws.sagemaker"],
        "detail-type": [MODEL_PACKAGE],
        "detail": {
            "ModelPackageGroupName": [{"prefix": _names(prefix)}],
            "ModelApprovalStatus": ["PendingManualApproval"],
        },
    }


def rollback_pattern(prefix: str) -> dict:
    """A rollback alarm of one of this deployment's endpoints (named like the pipelines) going to ALARM."""
    alarms = [{"wildcard": alarm} for alarm in rollback_alarm_names(f"{_names(prefix)}*")]
    return {
        "source": ["aws.cloudwatch"],
        "detail-type": [ALARM_STATE],
        "detail": {"alarmName": alarms, "state": {"value": ["ALARM"]}},
    }


def _sagemaker_console(fragment: str) -> str:
    return f"{CONSOLE}/sagemaker/home?region=<region>#/{fragment}"


# (InputPathsMap, InputTemplate): a JSON string template, which SNS delivers as plain text.
PIPELINE_MESSAGE = (
    {
        "region": "$.region",
        "pipeline": "$.detail.pipelineArn",
        "status": "$.detail.currentPipelineExecutionStatus",
        "execution": "$.detail.pipelineExecutionArn",
        "name": "$.detail.pipelineExecutionDisplayName",
    },
    '"Pipeline execution <name> is <status>. Pipeline: <pipeline>. Execution: <execution>. Reason: the event '
    "carries none; the failed step shows it (python -m pipelines watch <execution>, or SageMaker Studio). Console: "
    f'{_sagemaker_console("pipelines")}"',
)
MODEL_PACKAGE_MESSAGE = (
    {
        "region": "$.region",
        "group": "$.detail.ModelPackageGroupName",
        "version": "$.detail.ModelPackageVersion",
        "status": "$.detail.ModelApprovalStatus",
        "package": "$.detail.ModelPackageArn",
    },
    '"Model <group> version <version> is registered and <status>: approve or reject it '
    "(python -m pipelines approve <package> [--reject]). "
    f'Console: {_sagemaker_console("model-registry/<group>")}"',
)
ROLLBACK_MESSAGE = (
    {
        "region": "$.region",
        "alarm": "$.detail.alarmName",
        "state": "$.detail.state.value",
        "reason": "$.detail.state.reason",
    },
    '"Endpoint rollback alarm <alarm> is <state>: SageMaker rolls back an endpoint update in progress. Reason: '
    f"<reason>. Console: {_sagemaker_console('endpoints')} and "
    f'{CONSOLE}/cloudwatch/home?region=<region>#alarmsV2:alarm/<alarm>"',
)
