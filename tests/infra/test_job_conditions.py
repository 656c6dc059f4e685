"""Every job step of every registered pipeline is allowed by a statement of the execution role whose IAM conditions
its request satisfies, and requests weaker than the definitions' (no volume or output key, another key, network
isolation or traffic encryption off, other subnets) are not.

Condition keys per Create action:
https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html
Condition operators (ForAllValues is true of an absent key, hence the Null conditions):
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
"""

from __future__ import annotations

import dataclasses

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets

from infra.execution_role import ExecutionRole
from infra.foundation import PROCESSING_DIR
from infra.job_requests import CREATE_ACTIONS, JobRequest, job_requests
from infra.role_needs import RoleNeeds
from pipelines.instances import has_local_storage
from tests.conftest import PREFIX, REGION

KEY = "<project key>"
KMS_PLACEHOLDER = "${KmsKeyArn}"


def create_statements(template: dict) -> list[dict]:
    return [
        statement
        for r in template["Resources"].values()
        if r["Type"] == "AWS::IAM::ManagedPolicy"
        for statement in r["Properties"]["PolicyDocument"]["Statement"]
        if set(_list(statement["Action"])) & set(CREATE_ACTIONS.values())
    ]


def _list(value) -> list:
    return value if isinstance(value, list) else [value]


def _is_key(value) -> bool:
    """The project key's ARN as the template writes it (GetAtt of the key in its own stack)."""
    return isinstance(value, dict) and "Fn::GetAtt" in value and value["Fn::GetAtt"][1] == "Arn"


def context(request: JobRequest, instance_type: str | None) -> dict:
    """The request's values of the condition keys; absent keys are left out."""
    values: dict = {}
    for key, value in (("sagemaker:VolumeKmsKey", request.volume_key), ("sagemaker:OutputKmsKey", request.output_key)):
        if value is not None:
            values[key] = KEY if value == KMS_PLACEHOLDER else value
    for key, flag in (
        ("sagemaker:NetworkIsolation", request.network_isolation),
        ("sagemaker:InterContainerTrafficEncryption", request.traffic_encryption),
    ):
        if flag is not None:
            values[key] = "true" if flag else "false"
    if instance_type is not None:
        values["sagemaker:InstanceTypes"] = [instance_type]
    if request.subnets:
        values["sagemaker:VpcSubnets"] = list(request.subnets)
    return values


def condition_holds(operator: str, key: str, expected, values: dict) -> bool:
    expected = [KEY if _is_key(e) else e for e in _list(expected)]
    if operator == "Null":
        return (key not in values) == (expected == ["true"])
    if operator.startswith("ForAllValues:"):
        return all(value in expected for value in values.get(key, []))
    if operator in ("ArnEquals", "StringEquals", "Bool"):
        return key in values and values[key] in expected
    raise AssertionError(f"no evaluator for {operator}")


def allows(statement: dict, action: str, values: dict) -> bool:
    if statement["Effect"] != "Allow" or action not in _list(statement["Action"]):
        return False
    conditions = statement.get("Condition", {})
    return all(
        condition_holds(operator, key, expected, values)
        for operator, by_key in conditions.items()
        for key, expected in by_key.items()
    )


def allowed(statements: list[dict], request: JobRequest, instance_type: str | None) -> bool:
    return any(allows(s, request.action, context(request, instance_type)) for s in statements)


def every_case(request: JobRequest):
    return request.instance_types or (None,)


@pytest.fixture(scope="module")
def statements(foundation_template):
    return create_statements(foundation_template)


def test_every_job_step_is_allowed(statements, compiled):
    requests = [r for pipeline in compiled.values() for r in job_requests(pipeline)]
    assert {r.step_type for r in requests} == {"Processing", "Training", "Tuning", "Transform", "Model"}
    for request in requests:
        for instance_type in every_case(request):
            assert allowed(statements, request, instance_type), (request.pipeline, request.step, instance_type)


def test_every_create_statement_is_conditioned(statements):
    for statement in statements:
        assert statement.get("Condition"), statement["Sid"]


def weaker(statements, request: JobRequest, instance_type: str | None, **changes) -> bool:
    return allowed(statements, dataclasses.replace(request, **changes), instance_type)


def test_weaker_jobs_are_refused(statements, compiled):
    for request in (r for pipeline in compiled.values() for r in job_requests(pipeline)):
        for instance_type in every_case(request):
            if request.volume_key is not None:
                assert not weaker(statements, request, instance_type, volume_key=None), request
                assert not weaker(statements, request, instance_type, volume_key="arn:aws:kms:::key/other")
            if request.output_key is not None:
                assert not weaker(statements, request, instance_type, output_key=None), request
                assert not weaker(statements, request, instance_type, output_key="arn:aws:kms:::key/other")
            if request.traffic_encryption:
                assert not weaker(statements, request, instance_type, traffic_encryption=False), request
            if request.network_isolation and request.step_type != "Processing":
                assert not weaker(statements, request, instance_type, network_isolation=False), request


def test_no_volume_key_only_on_the_local_nvme_types_the_definitions_offer(statements, compiled):
    local = [
        statement
        for statement in statements
        if statement.get("Condition", {}).get("Null", {}).get("sagemaker:VolumeKmsKey") == "true"
    ]
    assert [s["Sid"] for s in local] == ["CreateTrainingJobsOnLocalStorage"]
    (statement,) = local
    types = statement["Condition"]["ForAllValues:StringEquals"]["sagemaker:InstanceTypes"]
    assert types and all(has_local_storage(t) for t in types)
    assert statement["Condition"]["Null"]["sagemaker:InstanceTypes"] == "false"
    offered = {t for p in compiled.values() for r in job_requests(p) if r.volume_key is None for t in r.instance_types}
    assert set(types) == offered
    training = next(r for p in compiled.values() for r in job_requests(p) if r.step_type == "Training")
    # an EBS-backed type without a volume key: refused
    assert not weaker(statements, training, "ml.m5.xlarge", volume_key=None)
    assert not weaker(statements, training, "ml.g4dn.xlarge", volume_key=None, traffic_encryption=False)


def test_processing_isolation_is_not_required_while_download_steps_run_without_it(statements, compiled):
    # The pipelines' role creates every job, the download steps' (network isolation off) too.
    (processing,) = [s for s in statements if s["Sid"] == "CreateProcessingJobs"]
    assert "sagemaker:NetworkIsolation" not in processing["Condition"].get("Bool", {})
    assert any(not r.network_isolation for p in compiled.values() for r in job_requests(p) if r.uses_download_role)


@pytest.fixture(scope="module")
def vpc_case():
    """One pipeline built for a VPC, and the execution role for it."""
    from pipelines.compiler import compile_pipeline
    from pipelines.options import BuildOptions
    from pipelines.registry import USE_CASES

    options = BuildOptions(subnets=("subnet-0123456789abcdef0",), security_groups=("sg-0123456789abcdef0",))
    cases = [u for u in USE_CASES if u.name in ("mnist-pca", "cub200-object-detection")]
    pipelines = [compile_pipeline(use_case, REGION, PREFIX, options) for use_case in cases]
    stack = Stack(App(), "Vpc")
    ExecutionRole(
        stack,
        "Execution",
        data_bucket=s3.Bucket(stack, "Data"),
        key=kms.Key(stack, "Key"),
        code=s3_assets.Asset(stack, "Code", path=str(PROCESSING_DIR)),
        needs=RoleNeeds.of(pipelines, REGION, options),
    )
    from aws_cdk.assertions import Template

    return pipelines, create_statements(Template.from_stack(stack).to_json())


def test_in_a_vpc_jobs_must_use_the_subnets(vpc_case):
    pipelines, statements = vpc_case
    requests = [r for pipeline in pipelines for r in job_requests(pipeline)]
    for request in requests:
        for instance_type in every_case(request):
            assert allowed(statements, request, instance_type), (request.pipeline, request.step)
            if request.subnets:
                assert not weaker(statements, request, instance_type, subnets=()), request
                assert not weaker(statements, request, instance_type, subnets=("subnet-other",)), request
    assert any(r.subnets for r in requests)
