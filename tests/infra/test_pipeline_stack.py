"""One stack per pipeline: model package group + pipeline, the definition in one Fn::Sub, within size limits."""

import json
import re

import pytest

from pipelines.registry import USE_CASES
from tests.conftest import PREFIX

NAMES = [f"{PREFIX}-{use_case.name}" for use_case in USE_CASES]
TEMPLATE_LIMIT = 1_000_000  # bytes, for a template deployed from S3
DEFINITION_LIMIT = 1_048_576  # characters, CreatePipeline


@pytest.fixture(scope="module")
def templates(assembly):
    return {name: assembly.get_stack_by_name(name).template for name in NAMES}


def of_type(template, kind):
    return [r for r in template["Resources"].values() if r["Type"] == kind]


def test_one_stack_per_pipeline(assembly):
    # and the default dashboard's stack (tests/infra/test_dashboard.py)
    expected = [f"{PREFIX}-foundation", f"{PREFIX}-dashboard", *NAMES]
    assert sorted(s.stack_name for s in assembly.stacks) == sorted(expected)


@pytest.mark.parametrize("name", NAMES)
def test_group_and_pipeline(templates, name):
    template = templates[name]
    (group,) = of_type(template, "AWS::SageMaker::ModelPackageGroup")
    (pipeline,) = of_type(template, "AWS::SageMaker::Pipeline")
    assert group["Properties"]["ModelPackageGroupName"] == name
    assert group["Properties"]["ModelPackageGroupDescription"]
    properties = pipeline["Properties"]
    assert properties["PipelineName"] == name and properties["PipelineDisplayName"] == name
    assert 0 < len(properties["PipelineDescription"]) <= 3072
    assert "MetricThreshold" in properties["PipelineDescription"]
    assert "Fn::GetStackOutput" in properties["RoleArn"]
    group_id = next(k for k, v in template["Resources"].items() if v["Type"] == "AWS::SageMaker::ModelPackageGroup")
    assert group_id in pipeline["DependsOn"]  # registration needs the group


@pytest.mark.parametrize("name", NAMES)
def test_definition_is_one_fn_sub_referencing_each_value_once(templates, compiled, name):
    (pipeline,) = of_type(templates[name], "AWS::SageMaker::Pipeline")
    body, variables = pipeline["Properties"]["PipelineDefinition"]["PipelineDefinitionBody"]["Fn::Sub"]
    assert body == compiled[name].definition
    used = set(re.findall(r"\$\{([^}!]+)\}", body)) - {"AWS::Partition", "AWS::AccountId"}
    assert set(variables) == used
    assert variables["DataBucket"]["Fn::GetStackOutput"]["StackName"] == f"{PREFIX}-foundation"
    assert variables["ProcessingCodeKey"].endswith(".zip")
    # each deploy-time value appears once in the template, however often the definition uses it
    assert json.dumps(pipeline).count("Fn::GetStackOutput") == 4  # role ARN + bucket, key, role name


@pytest.mark.parametrize("name", NAMES)
def test_sizes_stay_within_limits(assembly, templates, compiled, name):
    assert len(compiled[name].definition) < DEFINITION_LIMIT / 10
    template_bytes = len(json.dumps(templates[name]))
    assert template_bytes < TEMPLATE_LIMIT / 10, template_bytes


def test_compiler_refuses_an_unknown_placeholder(compiled):
    from pipelines.compiler import CompiledPipeline, DefinitionError, _check

    pipeline = compiled[NAMES[0]]
    broken = CompiledPipeline(pipeline.use_case, pipeline.name, pipeline.definition.replace("${DataBucket}", "${Oops}"))
    with pytest.raises(DefinitionError, match="Oops"):
        _check(broken)


def test_compiler_refuses_an_oversized_definition(compiled):
    from pipelines.compiler import CompiledPipeline, DefinitionError, _check

    pipeline = compiled[NAMES[0]]
    padded = pipeline.definition[:-1] + ',"Pad":"' + "x" * DEFINITION_LIMIT + '"}'
    with pytest.raises(DefinitionError, match="over SageMaker"):
        _check(CompiledPipeline(pipeline.use_case, pipeline.name, padded))
