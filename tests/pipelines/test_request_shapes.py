"""Every job step's arguments validated against botocore's request shape of the API the step calls.

Pipeline expressions ({"Get": ...}, {"Std:Join": ...}) are replaced by a value of the type the shape expects, and
Fn::Sub placeholders by realistic stand-ins, so botocore checks names, nesting, types, enums and lengths.
"""

import json

import botocore.session
import pytest
from botocore.validate import ParamValidator

from tests.conftest import PREFIX, pipeline_name, pipeline_names

NAMES = pipeline_names()
OPERATIONS = {
    "Processing": ("CreateProcessingJob", {"ProcessingJobName": "job"}),
    "Training": ("CreateTrainingJob", {"TrainingJobName": "job"}),
    "Tuning": ("CreateHyperParameterTuningJob", {"HyperParameterTuningJobName": "job"}),
    "Transform": ("CreateTransformJob", {"TransformJobName": "job"}),
    "Model": ("CreateModel", {"ModelName": "model"}),
    "RegisterModel": ("CreateModelPackage", {}),
}
EXPRESSIONS = {"Get", "Std:Join", "Std:JsonGet"}
STAND_INS = {
    "${DataBucket}": f"{PREFIX}-foundation-databucket-0123456789ab",
    "${KmsKeyArn}": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "${ExecutionRoleName}": f"{PREFIX}-foundation-ExecutionRole-ABCDEF",
    "${DownloadRoleName}": f"{PREFIX}-wmt-seq2seq-download",
    "${AWS::Partition}": "aws",
    "${AWS::AccountId}": "111122223333",
    "${ProcessingCodeBucket}": "cdk-hnb659fds-assets-111122223333-us-east-1",
    "${ProcessingCodeKey}": "0123456789abcdef.zip",
}


@pytest.fixture(scope="module")
def sagemaker_model():
    return botocore.session.get_session().get_service_model("sagemaker")


def typed_stand_in(shape):
    kind = shape.type_name
    if kind == "string":
        return shape.enum[0] if shape.enum else "x" * max(1, int(shape.metadata.get("min", 1)))
    if kind in ("integer", "long"):
        return max(1, int(shape.metadata.get("min", 1)))
    if kind in ("float", "double"):
        return 1.0
    if kind == "boolean":
        return True
    return [] if kind == "list" else {}


def resolve(value, shape):
    if isinstance(value, dict) and value and set(value) <= EXPRESSIONS:
        return typed_stand_in(shape)
    if shape.type_name == "structure" and isinstance(value, dict):
        return {k: resolve(v, shape.members[k]) if k in shape.members else v for k, v in value.items()}
    if shape.type_name == "list" and isinstance(value, list):
        return [resolve(v, shape.member) for v in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {k: resolve(v, shape.value) for k, v in value.items()}
    return value


def with_stand_ins(definition: str) -> dict:
    for placeholder, value in STAND_INS.items():
        definition = definition.replace(placeholder, value)
    assert "${" not in definition
    return json.loads(definition)


@pytest.mark.parametrize("name", NAMES)
def test_job_arguments_match_botocore_request_shapes(compiled, sagemaker_model, name):
    document = with_stand_ins(compiled[name].definition)
    pending, checked = list(document["Steps"]), 0
    while pending:
        step = pending.pop(0)
        if step["Type"] == "Condition":
            pending += step["Arguments"]["IfSteps"] + step["Arguments"]["ElseSteps"]
        if step["Type"] not in OPERATIONS:
            continue
        operation, required_names = OPERATIONS[step["Type"]]
        shape = sagemaker_model.operation_model(operation).input_shape
        report = ParamValidator().validate(resolve({**required_names, **step["Arguments"]}, shape), shape)
        assert not report.has_errors(), f"{step['Name']}: {operation}: {report.generate_report()}"
        checked += 1
    assert checked >= 1


def test_the_check_catches_a_wrong_field(compiled, sagemaker_model):
    """The validation above can fail: a misspelt field in a training job is reported."""
    document = with_stand_ins(compiled[pipeline_name("abalone-xgboost")].definition)
    training = next(s for s in document["Steps"] if s["Type"] == "Training")
    arguments = {**training["Arguments"], "TrainingJobName": "job", "EnableNetworkIsolaton": True}
    shape = sagemaker_model.operation_model("CreateTrainingJob").input_shape
    report = ParamValidator().validate(resolve(arguments, shape), shape)
    assert "EnableNetworkIsolaton" in report.generate_report()
