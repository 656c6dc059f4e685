"""One stack per pipeline: its model package group and the pipeline, with the definition the SDK built at synth.

Deploy-time values (bucket, key, role, code location) enter the definition through one Fn::Sub whose variable map
references each of them once, however often the definition uses it.
"""

from __future__ import annotations

from aws_cdk import CfnOutput, Fn, Stack
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from infra.download_role import DownloadRole
from infra.foundation import DATA_BUCKET_OUTPUT, FoundationStack
from infra.job_requests import job_requests
from infra.nag import acknowledge_policy_wildcards
from infra.role_needs import EcrRepository
from infra.schedule import PipelineSchedule
from infra.schedule_settings import ScheduleSettings
from pipelines import placeholders
from pipelines.compiler import CompiledPipeline


class PipelineStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        pipeline: CompiledPipeline,
        foundation: FoundationStack,
        schedule: ScheduleSettings | None = None,
        **kwargs,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.download = self._download_role(pipeline, foundation)
        self.acknowledged = acknowledge_policy_wildcards(self.download) if self.download else []
        group = sagemaker.CfnModelPackageGroup(
            self,
            "ModelPackageGroup",
            model_package_group_name=pipeline.name,
            model_package_group_description=f"Models of the {pipeline.name} pipeline: {pipeline.use_case.title}.",
        )
        self.pipeline = sagemaker.CfnPipeline(
            self,
            "Pipeline",
            pipeline_name=pipeline.name,
            pipeline_display_name=pipeline.name,
            pipeline_description=pipeline.description,
            role_arn=foundation.execution.role.role_arn,
            pipeline_definition={"PipelineDefinitionBody": definition_body(pipeline, foundation, self.download)},
        )
        self.pipeline.node.add_dependency(group)
        CfnOutput(self, "PipelineName", value=pipeline.name, description="Start it from Studio or the CLI.")
        CfnOutput(self, "ModelPackageGroupName", value=pipeline.name, description="Where approved models appear.")
        self.schedule = self._schedule(pipeline.name, schedule)

    def _schedule(self, pipeline_name: str, settings: ScheduleSettings | None) -> PipelineSchedule | None:
        """The opt-in schedule; without the setting the stack is as it was (no resource, no logical id moves)."""
        if settings is None:
            return None
        schedule = PipelineSchedule(self, "Schedule", pipeline_name=pipeline_name, settings=settings)
        schedule.schedule.node.add_dependency(self.pipeline)  # the first run must find the pipeline
        self.acknowledged += schedule.acknowledged
        return schedule

    def _download_role(self, pipeline: CompiledPipeline, foundation: FoundationStack) -> DownloadRole | None:
        """The role of the steps with network access, if the definition has any (it then uses the placeholder)."""
        if placeholders.DOWNLOAD_ROLE_NAME not in pipeline.placeholders():
            return None
        images = {r.image for r in job_requests(pipeline) if r.uses_download_role and r.image}
        return DownloadRole(
            self,
            "Download",
            pipeline_name=pipeline.name,
            # The foundation's output, read by name: cdk-nag then names the resource exactly as acknowledged.
            data_bucket_name=Fn.get_stack_output(foundation.stack_name, DATA_BUCKET_OUTPUT),
            key=foundation.key,
            code=foundation.code,
            repositories=sorted({EcrRepository.of_image(image) for image in images}, key=repr),
            subnets=foundation.needs.subnets,
            security_groups=foundation.needs.security_groups,
        )


def definition_body(pipeline: CompiledPipeline, foundation: FoundationStack, download: DownloadRole | None) -> str:
    values = {
        placeholders.DATA_BUCKET: foundation.data_bucket.bucket_name,
        placeholders.KMS_KEY_ARN: foundation.key.key_arn,
        placeholders.EXECUTION_ROLE_NAME: foundation.execution.role.role_name,
        placeholders.CODE_BUCKET: foundation.code.s3_bucket_name,
        placeholders.CODE_KEY: foundation.code.s3_object_key,
    }
    if download is not None:
        values[placeholders.DOWNLOAD_ROLE_NAME] = download.role.role_name
    used = pipeline.placeholders()
    return Fn.sub(pipeline.definition, {name: value for name, value in values.items() if name in used})
