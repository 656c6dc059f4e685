"""A pipeline's opt-in schedule: an EventBridge Scheduler schedule whose templated SageMaker target starts the pipeline
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-scheduler-schedule-sagemakerpipelineparameters.html),
in a schedule group of its own, with a role that may start only this pipeline and a dead-letter queue for the runs
the Scheduler could not start (https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html).
"""

from __future__ import annotations

from aws_cdk import Aws, Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.nag import acknowledge_schedule_dead_letter_queue
from infra.schedule_settings import ScheduleSettings

# A run the Scheduler could not start is retried a little, then left in the queue: a retry hours late would start a
# (billed, hours-long) run nobody expects, and the next scheduled run is never far off.
RETRY_ATTEMPTS = 2
MAX_EVENT_AGE = Duration.hours(1)
# SQS keeps a message 14 days at most: long enough to see over a holiday why a scheduled run never started.
DEAD_LETTER_RETENTION = Duration.days(14)


class PipelineSchedule(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, pipeline_name: str, settings: ScheduleSettings) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.pipeline_arn = stack.format_arn(service="sagemaker", resource="pipeline", resource_name=pipeline_name)
        # Its own group: the role's trust names the group (the Scheduler's aws:SourceArn), so no other schedule
        # of the account can use the role.
        self.group = scheduler.CfnScheduleGroup(self, "Group", name=pipeline_name)
        self.queue = self._dead_letter_queue(pipeline_name)
        self.role = self._role(pipeline_name)
        self.schedule = scheduler.CfnSchedule(
            self,
            "Schedule",
            name=pipeline_name,
            group_name=self.group.ref,
            description=f"Starts the {pipeline_name} pipeline.",
            schedule_expression=settings.expression,
            schedule_expression_timezone=settings.time_zone,
            flexible_time_window=_window(settings.flexible_window_minutes),
            state="ENABLED",
            target=self._target(settings),
        )
        self.acknowledged = acknowledge_schedule_dead_letter_queue(self.queue)

    def _dead_letter_queue(self, pipeline_name: str) -> sqs.Queue:
        # A key of the queue's own: the Scheduler's role encrypts with it, and the foundation's key policy stays
        # as it is (it names the roles of the pipelines' jobs only). The queue goes with the stack, and so can its key.
        self.key = kms.Key(
            self,
            "DeadLetterKey",
            description=f"Encrypts the dead letters of the {pipeline_name} schedule.",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.DESTROY,
        )
        return sqs.Queue(
            self,
            "DeadLetters",
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self.key,
            enforce_ssl=True,
            retention_period=DEAD_LETTER_RETENTION,
        )

    def _role(self, pipeline_name: str) -> iam.Role:
        """Assumed by the Scheduler for schedules of this group only; starts this one pipeline and writes its
        dead letters (https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html)."""
        trust = iam.ServicePrincipal(
            "scheduler.amazonaws.com",
            conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID, "aws:SourceArn": self.group.attr_arn}},
        )
        statements = [
            iam.PolicyStatement(
                sid="StartThePipeline", actions=["sagemaker:StartPipelineExecution"], resources=[self.pipeline_arn]
            ),
            iam.PolicyStatement(sid="SendDeadLetters", actions=["sqs:SendMessage"], resources=[self.queue.queue_arn]),
            # SQS encrypts each message with a data key of the queue's KMS key, on the sender's permissions.
            iam.PolicyStatement(
                sid="EncryptDeadLetters", actions=["kms:GenerateDataKey", "kms:Decrypt"], resources=[self.key.key_arn]
            ),
        ]
        return iam.Role(
            self,
            "Role",
            assumed_by=trust,
            description=f"EventBridge Scheduler: starts the {pipeline_name} pipeline on its schedule.",
            inline_policies={"StartPipeline": iam.PolicyDocument(statements=statements)},
        )

    def _target(self, settings: ScheduleSettings) -> scheduler.CfnSchedule.TargetProperty:
        parameters = [
            scheduler.CfnSchedule.SageMakerPipelineParameterProperty(name=name, value=value)
            for name, value in settings.parameters
        ]
        return scheduler.CfnSchedule.TargetProperty(
            arn=self.pipeline_arn,
            role_arn=self.role.role_arn,
            dead_letter_config=scheduler.CfnSchedule.DeadLetterConfigProperty(arn=self.queue.queue_arn),
            retry_policy=scheduler.CfnSchedule.RetryPolicyProperty(
                maximum_retry_attempts=RETRY_ATTEMPTS,
                maximum_event_age_in_seconds=MAX_EVENT_AGE.to_seconds(),
            ),
            # The pipeline's defaults, where the setting gives no parameters.
            sage_maker_pipeline_parameters=scheduler.CfnSchedule.SageMakerPipelineParametersProperty(
                pipeline_parameter_list=parameters
            ),
        )


def _window(minutes: int | None) -> scheduler.CfnSchedule.FlexibleTimeWindowProperty:
    if minutes is None:
        return scheduler.CfnSchedule.FlexibleTimeWindowProperty(mode="OFF")
    return scheduler.CfnSchedule.FlexibleTimeWindowProperty(mode="FLEXIBLE", maximum_window_in_minutes=minutes)
