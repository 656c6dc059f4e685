"""The execution role's statements that create jobs, each held by IAM conditions to what the definitions ask for, so
the role cannot create a weaker job than the pipelines do: the project key on volumes and outputs, network
isolation, encrypted traffic between containers and, with a VPC, the project's subnets.

The condition keys each Create action supports are listed in the service authorization reference,
https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html (CreateTransformJob
has no network keys; CreateModel has no key or instance-type keys).

SageMaker refuses a volume key on instance types with local NVMe storage (`pipelines.instances`), so jobs on those
types carry none: a second statement allows exactly that, for the local-NVMe types the definitions offer.
"""

from __future__ import annotations

from aws_cdk import aws_iam as iam

from infra.job_requests import CREATE_ACTIONS
from infra.role_needs import RoleNeeds
from infra.statements import sagemaker_arn

_NETWORKED_KINDS = ("Processing", "Training", "Tuning", "Model")  # with sagemaker:NetworkIsolation, VpcSubnets
_KEYED_KINDS = ("Processing", "Training", "Tuning", "Transform")  # with sagemaker:VolumeKmsKey, OutputKmsKey
_TRAFFIC_KINDS = ("Processing", "Training", "Tuning")  # with sagemaker:InterContainerTrafficEncryption


def create_statements(step_type: str, resource: str, needs: RoleNeeds, key_arn: str) -> list[iam.PolicyStatement]:
    """The statement(s) allowing the pipelines to create the jobs (or models) of one step type."""
    conditions = _conditions(step_type, needs, key_arn)
    name = "Models" if step_type == "Model" else f"{step_type}Jobs"
    statements = [
        iam.PolicyStatement(
            sid=f"Create{name}",
            actions=[CREATE_ACTIONS[step_type]],
            resources=[sagemaker_arn(resource)],
            conditions=conditions,
        )
    ]
    local_types = dict(needs.local_storage_types).get(step_type)
    if local_types:
        statements.append(
            iam.PolicyStatement(
                sid=f"Create{name}OnLocalStorage",
                actions=[CREATE_ACTIONS[step_type]],
                resources=[sagemaker_arn(resource)],
                conditions=_local_storage(conditions, local_types),
            )
        )
    return statements


def _conditions(step_type: str, needs: RoleNeeds, key_arn: str) -> dict:
    conditions: dict[str, dict] = {}
    if step_type in _KEYED_KINDS:
        conditions["ArnEquals"] = {"sagemaker:VolumeKmsKey": key_arn, "sagemaker:OutputKmsKey": key_arn}
    flags = {}
    if step_type in _TRAFFIC_KINDS:
        flags["sagemaker:InterContainerTrafficEncryption"] = "true"
    # The pipelines' role creates every job, the download steps' too: processing jobs can be held to network
    # isolation only if no step runs without it.
    if step_type in _NETWORKED_KINDS and (step_type != "Processing" or needs.isolated_processing):
        flags["sagemaker:NetworkIsolation"] = "true"
    if flags:
        conditions["Bool"] = flags
    if needs.subnets and step_type in _NETWORKED_KINDS:
        # ForAllValues is true of an absent key: Null makes the subnets required.
        conditions["ForAllValues:StringEquals"] = {"sagemaker:VpcSubnets": list(needs.subnets)}
        conditions["Null"] = {"sagemaker:VpcSubnets": "false"}
    return conditions


def _local_storage(conditions: dict, instance_types: tuple[str, ...]) -> dict:
    """The same conditions, but no volume key, on exactly the local-NVMe instance types given."""
    local = {operator: dict(values) for operator, values in conditions.items()}
    local["ArnEquals"].pop("sagemaker:VolumeKmsKey")
    local["ForAllValues:StringEquals"] = {
        **local.get("ForAllValues:StringEquals", {}),
        "sagemaker:InstanceTypes": list(instance_types),
    }
    local["Null"] = {**local.get("Null", {}), "sagemaker:VolumeKmsKey": "true", "sagemaker:InstanceTypes": "false"}
    return local
