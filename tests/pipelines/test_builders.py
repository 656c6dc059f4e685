"""Shared step builders that no landed use case exercises fully yet: tuning, model + transform, gate direction."""

import json

import pytest

from pipelines.algorithms import XGBOOST
from pipelines.context import PipelineContext
from pipelines.sdk import ContinuousParameter, IntegerParameter, ParameterFloat, ParameterString, Pipeline, quiet
from pipelines.steps.gate import Gate, TrivialBaseline, baseline_file, gate_step
from pipelines.steps.model import model_step
from pipelines.steps.training import Channel, JobLimits
from pipelines.steps.transform import transform_step
from pipelines.steps.tuning import best_model_artifacts, best_objective, tuning_step


def definition_of(ctx, steps, parameters=()):
    with quiet():
        pipeline = Pipeline("test", parameters=list(parameters), steps=steps, sagemaker_session=ctx.session)
        return json.loads(pipeline.definition())


@pytest.fixture(scope="module")
def ctx():
    with quiet():
        return PipelineContext(region="us-east-1", prefix="sm-algo", use_case="builders")


@pytest.fixture(scope="module")
def tuning(ctx):
    with quiet():
        step = tuning_step(
            ctx,
            "Tune",
            XGBOOST,
            {"objective": "reg:squarederror", "num_round": 10},
            {"eta": ContinuousParameter(0.1, 0.5), "max_depth": IntegerParameter(1, 10)},
            objective_metric="validation:rmse",
            maximize=False,
            channels=[Channel("train", "s3://bucket/train", "text/csv"), Channel("validation", "s3://b/v", "text/csv")],
            instance_type="ml.m5.xlarge",
            instance_count=1,
            max_jobs=4,
            max_parallel_jobs=2,
        )
    return step, definition_of(ctx, [step])["Steps"][0]


def test_tuning_keeps_the_security_settings_the_sdk_drops(tuning):
    _, step = tuning
    definition = step["Arguments"]["TrainingJobDefinition"]
    assert definition["EnableNetworkIsolation"] is True
    assert definition["EnableInterContainerTrafficEncryption"] is True
    assert definition["ResourceConfig"]["VolumeKmsKeyId"] == "${KmsKeyArn}"
    assert definition["OutputDataConfig"]["KmsKeyId"] == "${KmsKeyArn}"
    assert definition["EnableManagedSpotTraining"] is True
    assert "CheckpointConfig" not in definition  # shared by all jobs of the tuning job: see tuning_step


def test_tuning_job_config(tuning):
    _, step = tuning
    config = step["Arguments"]["HyperParameterTuningJobConfig"]
    assert config["Strategy"] == "Bayesian"
    assert config["HyperParameterTuningJobObjective"] == {"Type": "Minimize", "MetricName": "validation:rmse"}
    assert config["ResourceLimits"] == {"MaxNumberOfTrainingJobs": 4, "MaxParallelTrainingJobs": 2}
    ranges = config["ParameterRanges"]
    assert ranges["ContinuousParameterRanges"][0]["Name"] == "eta"
    assert ranges["IntegerParameterRanges"][0] == {
        "Name": "max_depth",
        "MinValue": "1",
        "MaxValue": "10",
        "ScalingType": "Auto",
    }
    static = step["Arguments"]["TrainingJobDefinition"]["StaticHyperParameters"]
    assert static == {"objective": "reg:squarederror", "num_round": "10"}  # no timestamped job name


def test_tuning_best_job_paths(ctx, tuning):
    step, _ = tuning
    assert best_objective(step).expr == {
        "Get": "Steps.Tune.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value"
    }
    values = best_model_artifacts(ctx, step).expr["Std:Join"]["Values"]
    assert values[-2:] == [{"Get": "Steps.Tune.BestTrainingJob.TrainingJobName"}, "output/model.tar.gz"]


def test_model_and_transform(ctx):
    with quiet():
        model = model_step(ctx, "CreateModel", XGBOOST, "s3://bucket/model.tar.gz")
        score = transform_step(
            ctx, "Score", model, "s3://bucket/data", "application/jsonlines", "application/jsonlines", "ml.m5.xlarge"
        )
    steps = definition_of(ctx, [model, score])["Steps"]
    assert steps[0]["Type"] == "Model"
    assert steps[0]["Arguments"]["EnableNetworkIsolation"] is True
    args = steps[1]["Arguments"]
    assert args["ModelName"] == {"Get": "Steps.CreateModel.ModelName"}
    assert args["TransformInput"]["SplitType"] == "Line"
    assert args["TransformOutput"]["AssembleWith"] == "Line"
    assert args["TransformOutput"]["KmsKeyId"] == "${KmsKeyArn}"
    assert args["TransformResources"]["VolumeKmsKeyId"] == "${KmsKeyArn}"
    assert ctx.step_algorithms["CreateModel"] is XGBOOST  # what the contract check holds the model to


def test_a_transform_on_a_local_nvme_type_gets_no_volume_key(ctx):
    with quiet():
        model = model_step(ctx, "CreateModel", XGBOOST, "s3://bucket/model.tar.gz")
        score = transform_step(ctx, "Score", model, "s3://b/d", "text/csv", "text/csv", "ml.g4dn.xlarge")
    resources = definition_of(ctx, [model, score])["Steps"][1]["Arguments"]["TransformResources"]
    assert "VolumeKmsKeyId" not in resources


def test_transform_rejects_an_unknown_content_type(ctx):
    with quiet():
        model = model_step(ctx, "CreateModel", XGBOOST, "s3://bucket/model.tar.gz")
        with pytest.raises(ValueError, match="image/png"):
            transform_step(ctx, "Score", model, "s3://bucket/data", "image/png", "application/json", "ml.m5.xlarge")


@pytest.mark.parametrize(
    "higher_is_better, condition_type, words",
    [(True, "GreaterThanOrEqualTo", "must be at least"), (False, "LessThanOrEqualTo", "must be at most")],
)
def test_gate_direction(ctx, higher_is_better, condition_type, words):
    threshold = ParameterFloat("MetricThreshold", 0.5)
    gate = Gate("validation:accuracy", 0.9, threshold, higher_is_better=higher_is_better)
    with quiet():
        step = gate_step(gate, on_pass=[], name="Check")
    document = definition_of(ctx, [step], [threshold])
    (condition,) = document["Steps"][0]["Arguments"]["Conditions"]  # no baseline: the threshold alone
    assert condition["Type"] == condition_type
    fail = document["Steps"][0]["Arguments"]["ElseSteps"][0]
    assert fail["Arguments"]["ErrorMessage"]["Std:Join"]["Values"][2] == words


@pytest.mark.parametrize(
    "higher_is_better, strict, side", [(True, "GreaterThan", "above"), (False, "LessThan", "below")]
)
def test_a_gate_with_a_baseline_also_requires_beating_it(higher_is_better, strict, side):
    threshold = ParameterFloat("MetricThreshold", 0.5)
    baseline = TrivialBaseline("Preprocess", baseline_file())
    gate = Gate("test:accuracy", 0.9, threshold, higher_is_better, baseline)
    _, beats = [condition.to_request() for condition in gate.conditions()]
    reading = {"Std:JsonGet": {"Path": "value", "PropertyFile": {"Get": "Steps.Preprocess.PropertyFiles.Baseline"}}}
    assert (beats["Type"], beats["LeftValue"], beats["RightValue"].expr) == (strict, 0.9, reading)
    message = [part.expr if hasattr(part, "expr") else part for part in gate.failure_message().values]
    model = {"Std:JsonGet": {"Path": "model", "PropertyFile": {"Get": "Steps.Preprocess.PropertyFiles.Baseline"}}}
    assert message[4:8] == [f"(MetricThreshold) and {side} the trivial baseline", reading, "of", model]


def test_a_use_case_parameter_is_declared_once():
    with quiet():
        ctx = PipelineContext(region="us-east-1", prefix="sm-algo", use_case="parameters")
    pairs = ctx.parameter(ParameterString("MaxPairs", "10"), "Pairs to read.")
    assert pairs.name == "MaxPairs" and ctx.extra_parameters == {"MaxPairs": (pairs, "Pairs to read.")}
    with pytest.raises(ValueError, match="sm-algo-parameters: parameter MaxPairs declared twice"):
        ctx.parameter(ParameterString("MaxPairs", "20"), "Again.")


def test_channel_without_content_type_leaves_it_out():
    plain = Channel("vocab", "s3://bucket/vocab", None).input_data()
    typed = Channel("train", "s3://bucket/train", "text/csv").input_data()
    assert plain.content_type is None and typed.content_type == "text/csv"


@pytest.mark.parametrize(
    ("limits", "wanted", "checkpoints", "plan"),
    [
        (JobLimits(max_runtime_in_seconds=3600), True, True, (True, 7200)),  # may wait as long again as it runs
        (JobLimits(max_runtime_in_seconds=3600), True, False, (True, 3600)),  # DG: 1 h in all without checkpoints
        (JobLimits(max_runtime_in_seconds=1800), True, False, (True, 3600)),
        (JobLimits(max_runtime_in_seconds=14400), True, False, (False, None)),  # longer: on demand
        (JobLimits(max_runtime_in_seconds=14400), True, True, (True, 28800)),
        (JobLimits(), False, True, (False, None)),  # the deployment turned spot off
        (JobLimits(spot=False), True, True, (False, None)),
    ],
)
def test_spot_plan(limits, wanted, checkpoints, plan):
    assert limits.spot_plan(wanted, checkpoints) == plan
