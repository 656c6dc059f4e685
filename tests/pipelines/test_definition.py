"""Reading a pipeline definition: every step in order, the dependencies between steps and why, parameter values."""

from __future__ import annotations

import json

import pytest

from infra import report
from pipelines import contract_check, definition
from pipelines.definition import Dependency, Edge
from tests.conftest import PREFIX


def _step(name: str, kind: str = "Processing", **fields) -> dict:
    return {"Name": name, "Type": kind, "Arguments": fields.pop("Arguments", {}), **fields}


def _gate(name: str, passes: list[dict], fails: list[dict], metric_of: str = "Train") -> dict:
    arguments = {
        "Conditions": [{"LeftValue": {"Get": f"Steps.{metric_of}.FinalMetricDataList['m'].Value"}}],
        "IfSteps": passes,
        "ElseSteps": fails,
    }
    return _step(name, "Condition", Arguments=arguments)


def _kinds(edges: list[Edge]) -> set[tuple[str, str, Dependency]]:
    return {(edge.source, edge.target, edge.kind) for edge in edges}


OUTPUT = {"Get": "Steps.Prepare.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri"}


# ---------------------------------------------------------------- steps


def test_walk_lists_branch_steps_after_the_condition_pass_before_fail():
    inner = _gate("Inner", [_step("Deep")], [], metric_of="Register")
    document = {
        "Steps": [
            _step("Prepare"),
            _gate("Gate", [_step("Register", "RegisterModel"), inner], [_step("Failed", "Fail")]),
            _step("Last"),
        ]
    }
    names = [step["Name"] for step in definition.walk_steps(document)]
    assert names == ["Prepare", "Gate", "Last", "Register", "Inner", "Failed", "Deep"]
    assert definition.count_steps(document) == 7


def test_the_contract_check_and_the_compiler_walk_the_same_way(compiled):
    assert contract_check.walk_steps is definition.walk_steps
    pipeline = compiled[f"{PREFIX}-ipinsights-logins"]
    assert [step["Name"] for step in pipeline.steps()] == [
        "Generate",
        "Tune",
        "CheckAUC",
        "RegisterModel",
        "CreateModel",
        "ScoreTestLogins",
        "QualityGateFailed",
    ]


def test_the_synth_report_counts_the_steps_nested_in_branches(compiled, tmp_path):
    pipeline = compiled[f"{PREFIX}-abalone-xgboost"]
    resource = {
        "Type": "AWS::SageMaker::Pipeline",
        "Properties": {
            "PipelineName": pipeline.name,
            "PipelineDefinition": {"PipelineDefinitionBody": {"Fn::Sub": [pipeline.definition, {}]}},
        },
    }
    (tmp_path / "stack.template.json").write_text(json.dumps({"Resources": {"Pipeline": resource}}))
    [(stack, name, steps, chars, _)] = report.pipeline_rows(tmp_path)
    assert (stack, name, steps, chars) == ("stack", pipeline.name, 6, len(pipeline.definition))


# ---------------------------------------------------------------- values


def test_resolve_gives_a_literal_or_the_parameters_value():
    defaults = {"InstanceType": "ml.m5.large", "NoDefault": None}
    assert definition.resolve("ml.c5.xlarge", defaults, "here") == "ml.c5.xlarge"
    assert definition.resolve({"Get": "Parameters.InstanceType"}, defaults, "here") == "ml.m5.large"
    with pytest.raises(definition.NoDefaultError, match="^Train InstanceCount: .*Parameters.NoDefault"):
        definition.resolve({"Get": "Parameters.NoDefault"}, defaults, "Train InstanceCount")


def test_a_gate_reads_the_evaluation_report_through_its_property_file(compiled):
    gate = next(s for s in compiled[f"{PREFIX}-abalone-xgboost"].steps() if s["Name"] == "CheckMSE")
    assert "Steps.Evaluate.PropertyFiles.EvaluationReport" in definition.property_paths(gate["Arguments"])
    assert definition.referenced_steps(gate) == ["Evaluate"]


def test_a_condition_does_not_inherit_the_references_of_its_branches():
    register = _step("Register", "RegisterModel", Arguments={"Model": {"Get": "Steps.Other.ModelArtifacts"}})
    assert definition.referenced_steps(_gate("Gate", [register], [])) == ["Train"]


def test_channels_of_every_training_definition_of_a_tuning_step():
    channel = {"ChannelName": "train"}
    several = {"TrainingJobDefinitions": [{"InputDataConfig": [channel]}, {"InputDataConfig": [channel]}]}
    assert definition.channels(_step("Tune", "Tuning", Arguments=several)) == [channel, channel]
    single = {"TrainingJobDefinition": {"InputDataConfig": [channel]}}
    assert definition.channels(_step("Tune", "Tuning", Arguments=single)) == [channel]
    assert definition.channels(_step("Prepare")) == []


# ---------------------------------------------------------------- dependencies


def test_one_edge_per_pair_for_its_strongest_reason_in_definition_order():
    train = _step("Train", "Training", DependsOn=["Prepare"], Arguments={"In": OUTPUT})  # DependsOn and data
    register = _step("Register", "RegisterModel", DependsOn=["Gate"])  # a branch and a DependsOn
    failed = _step("Failed", "Fail", Arguments={"Message": {"Get": "Steps.Elsewhere.Value"}})  # not a step here
    document = {"Steps": [_step("Prepare"), train, _gate("Gate", [register], [failed])]}
    assert definition.dependencies(document) == [
        Edge("Prepare", "Train", Dependency.ORDER),
        Edge("Train", "Gate", Dependency.DATA),
        Edge("Gate", "Register", Dependency.PASS),
        Edge("Gate", "Failed", Dependency.FAIL),
    ]
    assert [edge.label for edge in definition.dependencies(document)] == ["", "", "pass", "fail"]


def test_abalone_dependencies_are_data_but_for_the_gate_branches(compiled):
    edges = definition.dependencies(compiled[f"{PREFIX}-abalone-xgboost"].document)
    assert _kinds(edges) == {
        ("Preprocess", "Train", Dependency.DATA),  # train and validation channels
        ("Preprocess", "Evaluate", Dependency.DATA),  # test split
        ("Train", "Evaluate", Dependency.DATA),  # model artifacts
        ("Train", "RegisterModel", Dependency.DATA),  # model data of the package
        ("Evaluate", "CheckMSE", Dependency.DATA),  # the gate reads the evaluation report
        ("Evaluate", "RegisterModel", Dependency.DATA),  # model metrics
        ("Evaluate", "QualityGateFailed", Dependency.DATA),  # the failure message carries the MSE
        ("CheckMSE", "RegisterModel", Dependency.PASS),
        ("CheckMSE", "QualityGateFailed", Dependency.FAIL),
    }


def test_an_explicit_depends_on_is_order_even_where_the_step_also_reads_data(compiled):
    edges = _kinds(definition.dependencies(compiled[f"{PREFIX}-ipinsights-logins"].document))
    assert ("RegisterModel", "CreateModel", Dependency.ORDER) in edges  # DependsOn only
    assert ("RegisterModel", "ScoreTestLogins", Dependency.ORDER) in edges
    assert ("CreateModel", "ScoreTestLogins", Dependency.DATA) in edges  # reads its ModelName, no DependsOn
    assert ("CheckAUC", "CreateModel", Dependency.PASS) in edges  # in the branch, whatever else it depends on
