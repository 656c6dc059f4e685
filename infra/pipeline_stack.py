"""One stack per pipeline: its model package group and the pipeline, with the definition the SDK built at synth.

Deploy-time values (bucket, key, role, code location) enter the definition through one Fn::Sub whose variable map
references each of them once, however often the definition uses it.
"""

from __future__ import annotations

from aws_cdk import CfnOutput, Fn, Stack
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from infra.foundation import FoundationStack
from pipelines import placeholders
from pipelines.compiler import CompiledPipeline


class PipelineStack(Stack):
    def __init__(
        self, scope: Construct, construct_id: str, *, pipeline: CompiledPipeline, foundation: FoundationStack, **kwargs
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
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
            pipeline_definition={"PipelineDefinitionBody": definition_body(pipeline, foundation)},
        )
        self.pipeline.node.add_dependency(group)
        CfnOutput(self, "PipelineName", value=pipeline.name, description="Start it from Studio or the CLI.")
        CfnOutput(self, "ModelPackageGroupName", value=pipeline.name, description="Where approved models appear.")


def definition_body(pipeline: CompiledPipeline, foundation: FoundationStack) -> str:
    values = {
        placeholders.DATA_BUCKET: foundation.data_bucket.bucket_name,
        placeholders.KMS_KEY_ARN: foundation.key.key_arn,
        placeholders.EXECUTION_ROLE_NAME: foundation.execution.role.role_name,
        placeholders.CODE_BUCKET: foundation.code.s3_bucket_name,
        placeholders.CODE_KEY: foundation.code.s3_object_key,
    }
    used = pipeline.placeholders()
    return Fn.sub(pipeline.definition, {name: value for name, value in values.items() if name in used})
