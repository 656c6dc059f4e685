"""The opt-in real-time endpoint of one pipeline: a model from an approved model package, an endpoint config that
encrypts the instance volume and the captured data with the project key, the endpoint with its deployment guardrails
(infra/endpoint_guardrails.py: guarded blue/green updates and the alarms that roll them back), and optional
autoscaling.

The foundation's role, key and bucket enter through its outputs (weak references, `Fn::GetStackOutput`), as in the
pipeline stacks: they are values the pipeline stacks already read, so adding or removing an endpoint never changes
the foundation's template.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from aws_cdk import Aws, CfnOutput, Stack, Token
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from infra.endpoint_guardrails import deployment_config, rollback_alarms
from infra.endpoint_settings import CONTENT_TYPES, EndpointSettings, capture_prefix
from infra.foundation import FoundationStack
from infra.settings import SettingsError

VARIANT = "AllTraffic"
# CreateEndpoint's EndpointName: at most 63 characters; Application Auto Scaling's resource id repeats it.
_ENDPOINT_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
PAYLOAD_FILES = {
    "text/csv": "payload.csv",
    "application/json": "payload.json",
    "application/jsonlines": "payload.jsonl",
    "image/jpeg": "image.jpg",
    "application/x-image": "image.jpg",
}
# Application Auto Scaling scales SageMaker variants with its service-linked role (it creates the role on first
# use); passing it keeps the L2 construct from creating a role of its own that would have no permissions.
_AUTOSCALING_ROLE = (
    "aws-service-role/sagemaker.application-autoscaling.amazonaws.com/"
    "AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint"
)
# Captured CSV and JSON stay readable text in S3 (other content types are stored base64-encoded).
_CAPTURE_AS_TEXT = {"csvContentTypes": ["text/csv"], "jsonContentTypes": ["application/json", "application/jsonlines"]}


class EndpointStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        pipeline_name: str,
        settings: EndpointSettings,
        foundation: FoundationStack,
        subnets: Sequence[str] = (),
        security_groups: Sequence[str] = (),
        example_content_type: str = "text/csv",
        **kwargs,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        check_endpoint_name(pipeline_name)
        if bool(subnets) != bool(security_groups):
            raise ValueError("an endpoint in a VPC needs both subnets and security groups")
        model = self._model(settings, foundation, list(subnets), list(security_groups))
        config = self._endpoint_config(model, pipeline_name, settings, foundation)
        # A fixed name: a new config updates this endpoint in place (blue/green, guarded by the alarms on its name).
        self.alarms = rollback_alarms(self, pipeline_name, VARIANT, settings)
        self.endpoint = sagemaker.CfnEndpoint(
            self,
            "Endpoint",
            endpoint_name=pipeline_name,
            endpoint_config_name=config.attr_endpoint_config_name,
            deployment_config=deployment_config(settings, self.alarms),
        )
        if settings.autoscales:
            self._autoscale(pipeline_name, settings)
        # Fn::GetStackOutput reads the foundation's outputs: it must be deployed first.
        self.add_stack_dependency(foundation, "reads the foundation's role, key and bucket")
        CfnOutput(self, "EndpointName", value=pipeline_name, description="The real-time endpoint.")
        CfnOutput(
            self,
            "InvokeExample",
            value=invoke_example(pipeline_name, settings.content_type or example_content_type, region=self.region),
            description="An example call, with a payload of a content type the registered model accepts.",
        )

    def _model(
        self, settings: EndpointSettings, foundation: FoundationStack, subnets: list[str], security_groups: list[str]
    ) -> sagemaker.CfnModel:
        # No model name: a new model package version replaces the model (and its config), then updates the endpoint.
        return sagemaker.CfnModel(
            self,
            "Model",
            containers=[{"modelPackageName": settings.model_package_arn}],
            execution_role_arn=foundation.execution.role.role_arn,
            # The built-in algorithms serve without network access; the model artifact is fetched by SageMaker.
            enable_network_isolation=True,
            # With the `vpc` setting the instances' network interfaces are in the project's private subnets, like
            # the jobs' (the execution role then has the EC2 permissions for them).
            vpc_config={"subnets": subnets, "securityGroupIds": security_groups} if subnets else None,
        )

    def _endpoint_config(
        self, model: sagemaker.CfnModel, name: str, settings: EndpointSettings, foundation: FoundationStack
    ) -> sagemaker.CfnEndpointConfig:
        return sagemaker.CfnEndpointConfig(
            self,
            "EndpointConfig",
            kms_key_id=foundation.key.key_arn,  # encrypts the ML storage volume of the instances
            production_variants=[
                {
                    "variantName": VARIANT,
                    "modelName": model.attr_model_name,
                    "instanceType": settings.instance_type,
                    "initialInstanceCount": settings.instance_count,
                    "initialVariantWeight": 1,
                }
            ],
            data_capture_config=self._data_capture(name, settings, foundation) if settings.captures_data else None,
        )

    def _data_capture(self, name: str, settings: EndpointSettings, foundation: FoundationStack) -> dict:
        # Next to the pipeline's executions (<pipeline>/<execution id>/...), where the foundation expires it.
        return {
            "destinationS3Uri": f"s3://{foundation.data_bucket.bucket_name}/{capture_prefix(name).rstrip('/')}",
            "kmsKeyId": foundation.key.key_arn,
            "initialSamplingPercentage": settings.data_capture_percent,
            "captureOptions": [{"captureMode": "Input"}, {"captureMode": "Output"}],
            "captureContentTypeHeader": _CAPTURE_AS_TEXT,
        }

    def _autoscale(self, name: str, settings: EndpointSettings) -> None:
        role_arn = f"arn:{Aws.PARTITION}:iam::{Aws.ACCOUNT_ID}:role/{_AUTOSCALING_ROLE}"
        target = appscaling.ScalableTarget(
            self,
            "ScalableTarget",
            service_namespace=appscaling.ServiceNamespace.SAGEMAKER,
            scalable_dimension="sagemaker:variant:DesiredInstanceCount",
            resource_id=f"endpoint/{name}/variant/{VARIANT}",
            min_capacity=settings.instance_count,
            max_capacity=settings.instance_limit,
            role=iam.Role.from_role_arn(self, "AutoScalingRole", role_arn, mutable=False),
        )
        # The resource id is a plain string, so CloudFormation would not otherwise wait for the endpoint, which
        # must be InService before its variant can be registered (and must outlive the target on deletion).
        target.node.add_dependency(self.endpoint)
        target.scale_to_track_metric(
            "InvocationsPerInstance",
            target_value=settings.invocations_per_instance,
            predefined_metric=appscaling.PredefinedMetric.SAGEMAKER_VARIANT_INVOCATIONS_PER_INSTANCE,
        )


def check_endpoint_name(name: str) -> None:
    if not _ENDPOINT_NAME.match(name):
        raise SettingsError(
            f"context 'prefix': the endpoint name {name!r} ({len(name)} characters) is not a SageMaker endpoint name "
            "(at most 63 of a-z, A-Z, 0-9 and '-'); choose a shorter prefix"
        )


def example_content_type(supported: Sequence[str]) -> str:
    """The first of a model's supported content types that has an invoke example."""
    for content_type in supported:
        if content_type in PAYLOAD_FILES:
            return content_type
    raise ValueError(f"no invoke example for any of {', '.join(supported)}")


def invoke_example(endpoint_name: str, content_type: str, *, region: str | None = None) -> str:
    """An `aws sagemaker-runtime invoke-endpoint` command line that sends a payload file of the content type."""
    if content_type not in PAYLOAD_FILES:
        raise ValueError(f"no invoke example for {content_type!r}; known: {', '.join(CONTENT_TYPES)}")
    region_option = f" --region {region}" if region and not Token.is_unresolved(region) else ""
    return (
        f"aws sagemaker-runtime invoke-endpoint --endpoint-name {endpoint_name}{region_option} "
        f"--content-type {content_type} --body fileb://{PAYLOAD_FILES[content_type]} response.out"
    )
