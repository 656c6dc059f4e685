"""The PipelineBuilder and its handles, on what no registered pipeline pins in its golden file: the tuning job's
security settings the SDK drops, a transform on local NVMe, refused content types and property paths, the gate's
direction, the steps a passing gate runs, and the parameters a use case declares."""

import json

import pytest

from pipelines.algorithms import XGBOOST
from pipelines.builder import PipelineBuilder
from pipelines.context import PipelineContext
from pipelines.parameters import StandardParameters
from pipelines.sdk import ContinuousParameter, IntegerParameter, ParameterFloat, ParameterString, Pipeline, quiet
from pipelines.steps.gate import Gate, TrivialBaseline, baseline_file, gate_step
from pipelines.steps.training import Channel, JobLimits
from pipelines.usecase import BaselineNote, GeneratedDataset, UseCase
from tests.conftest import PREFIX, REGION

CHANNELS = [Channel("train", "s3://bucket/train", "text/csv"), Channel("validation", "s3://b/v", "text/csv")]


def use_case(**overrides) -> UseCase:
    settings = {
        "name": "builders",
        "title": "builder tests",
        "algorithms": (XGBOOST,),
        "dataset_name": "none",
        "dataset": GeneratedDataset(),
        "metric_threshold": 0.5,
        "baseline": BaselineNote(0.5, "none", "a test", at_run_time=False),
        "build": lambda builder: None,
        "max_tuning_jobs": 4,
        **overrides,
    }
    return UseCase(**settings)


def new_builder(**overrides) -> PipelineBuilder:
    case = use_case(**overrides)
    with quiet():
        ctx = PipelineContext(region=REGION, prefix=PREFIX, use_case=case.name)
    return PipelineBuilder(ctx, StandardParameters.of(case, REGION))


def definition_of(builder: PipelineBuilder) -> dict:
    with quiet():
        pipeline = Pipeline(
            "test", parameters=builder.params.as_list(), steps=builder.steps, sagemaker_session=builder.ctx.session
        )
        return json.loads(pipeline.definition())


@pytest.fixture(scope="module")
def tuned():
    builder = new_builder()
    with quiet():
        ranges = {"eta": ContinuousParameter(0.1, 0.5), "max_depth": IntegerParameter(1, 10)}
        tune = builder.tune(XGBOOST, {"objective": "reg:squarederror", "num_round": 10}, ranges, CHANNELS,
                            objective="validation:rmse")  # fmt: skip
    return tune, definition_of(builder)["Steps"][0]


def test_tuning_keeps_the_security_settings_the_sdk_drops(tuned):
    _, step = tuned
    definition = step["Arguments"]["TrainingJobDefinition"]
    assert definition["EnableNetworkIsolation"] is True
    assert definition["EnableInterContainerTrafficEncryption"] is True
    assert definition["ResourceConfig"]["VolumeKmsKeyId"] == "${KmsKeyArn}"
    assert definition["OutputDataConfig"]["KmsKeyId"] == "${KmsKeyArn}"
    assert definition["EnableManagedSpotTraining"] is True
    assert "CheckpointConfig" not in definition  # shared by all jobs of the tuning job: see tuning_step


def test_tuning_job_config_reads_the_tuning_parameters(tuned):
    _, step = tuned
    config = step["Arguments"]["HyperParameterTuningJobConfig"]
    assert config["Strategy"] == "Bayesian"
    # XGBoost's contract: validation:rmse is minimized (DG xgboost-tuning)
    assert config["HyperParameterTuningJobObjective"] == {"Type": "Minimize", "MetricName": "validation:rmse"}
    assert config["ResourceLimits"] == {
        "MaxNumberOfTrainingJobs": {"Get": "Parameters.MaxTuningJobs"},
        "MaxParallelTrainingJobs": {"Get": "Parameters.MaxParallelTuningJobs"},
    }
    assert config["ParameterRanges"]["IntegerParameterRanges"][0] == {
        "Name": "max_depth",
        "MinValue": "1",
        "MaxValue": "10",
        "ScalingType": "Auto",
    }
    static = step["Arguments"]["TrainingJobDefinition"]["StaticHyperParameters"]
    assert static == {"objective": "reg:squarederror", "num_round": "10"}  # no timestamped job name


def test_tuning_handle_reads_the_best_job(tuned):
    tune, _ = tuned
    assert tune.metric("validation:rmse").expr == {
        "Get": "Steps.Tune.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value"
    }
    values = tune.model_artifacts.expr["Std:Join"]["Values"]
    assert values[-2:] == [{"Get": "Steps.Tune.BestTrainingJob.TrainingJobName"}, "output/model.tar.gz"]
    with pytest.raises(ValueError, match="tunes validation:rmse, has no best value of validation:mae"):
        tune.metric("validation:mae")


def test_batch_transform_creates_its_model_and_scores_with_it():
    builder = new_builder()
    with quiet():
        score = builder.batch_transform(
            XGBOOST, "s3://bucket/model.tar.gz", "s3://bucket/data", names=("CreateModel", "Score"),
            content_type="application/jsonlines",
        )  # fmt: skip
    model, transform = definition_of(builder)["Steps"]
    assert model["Type"] == "Model" and model["Arguments"]["EnableNetworkIsolation"] is True
    args = transform["Arguments"]
    assert args["ModelName"] == {"Get": "Steps.CreateModel.ModelName"}
    assert args["TransformInput"]["SplitType"] == "Line"
    assert args["TransformOutput"]["AssembleWith"] == "Line"
    assert args["TransformOutput"]["KmsKeyId"] == "${KmsKeyArn}"
    assert args["TransformResources"]["VolumeKmsKeyId"] == "${KmsKeyArn}"
    assert args["TransformResources"]["InstanceType"] == {"Get": "Parameters.ProcessingInstanceType"}
    assert score.output().expr == {"Get": "Steps.Score.TransformOutput.S3OutputPath"}
    assert builder.ctx.step_algorithms["CreateModel"] is XGBOOST  # what the contract check holds the model to


def test_a_transform_on_a_local_nvme_type_gets_no_volume_key():
    builder = new_builder(processing_instance_type="ml.g4dn.xlarge")
    with quiet():
        builder.batch_transform(XGBOOST, "s3://b/model.tar.gz", "s3://b/d", names=("CreateModel", "Score"))
    resources = definition_of(builder)["Steps"][1]["Arguments"]["TransformResources"]
    assert "VolumeKmsKeyId" not in resources


def test_transform_rejects_an_unknown_content_type():
    builder = new_builder()
    with quiet(), pytest.raises(ValueError, match="image/png"):
        builder.batch_transform(XGBOOST, "s3://b/m", "s3://b/d", names=("M", "Score"), content_type="image/png")


def test_processing_handle_reads_outputs_files_and_baseline():
    builder = new_builder()
    with quiet():
        prepare = builder.preprocess("abalone", ("train", "test"), baseline="validation:rmse")
    assert prepare.name == "Generate"  # no InputDataUri: the script generates its data
    assert prepare.output("test").expr == {
        "Get": "Steps.Generate.ProcessingOutputConfig.Outputs['test'].S3Output.S3Uri"
    }
    joined = prepare.output("test", "rows.csv").expr["Std:Join"]
    assert joined["On"] == "/" and joined["Values"][1] == "rows.csv"
    (train,) = prepare.channels("text/csv", "train", sharded=("train",))
    assert train.sharded and train.content_type == "text/csv"
    assert prepare.baseline.value().expr == {
        "Std:JsonGet": {"Path": "value", "PropertyFile": {"Get": "Steps.Generate.PropertyFiles.Baseline"}}
    }
    with pytest.raises(ValueError, match="step Generate writes no property file Stats"):
        prepare.json("Stats", "records")


def test_a_step_without_a_baseline_says_so():
    builder = new_builder()
    with quiet():
        prepare = builder.preprocess("abalone", ("train",))
    with pytest.raises(ValueError, match="step Generate writes no baseline"):
        prepare.baseline  # noqa: B018


@pytest.mark.parametrize("path", ["ModelArtifacts..S3ModelArtifacts", "Outputs[train]", "a b"])
def test_a_malformed_property_path_is_refused(path):
    builder = new_builder()
    with quiet():
        train = builder.train(XGBOOST, {"num_round": 1}, CHANNELS)
    with pytest.raises(ValueError, match="not a property path"):
        train.property(path)


def test_steps_a_passing_gate_runs_leave_the_top_level_and_wait_for_registration():
    builder = new_builder()
    with quiet():
        train = builder.train(XGBOOST, {"num_round": 1}, CHANNELS)
        score = builder.batch_transform(XGBOOST, train.model_artifacts, "s3://b/d", names=("CreateModel", "Score"))
        gate = builder.gate("validation:rmse", train.metric("validation:rmse"), higher_is_better=False)
        builder.register_if_passes(
            gate, XGBOOST, train.model_artifacts, description="d", gate_name="Check", then=(score.model, score)
        )
    steps = definition_of(builder)["Steps"]
    assert [step["Name"] for step in steps] == ["Train", "Check"]
    passing = steps[1]["Arguments"]["IfSteps"]
    assert [step["Name"] for step in passing] == ["RegisterModel", "CreateModel", "Score"]
    assert passing[1]["DependsOn"] == ["RegisterModel"]


@pytest.mark.parametrize(
    "higher_is_better, condition_type, words",
    [(True, "GreaterThanOrEqualTo", "must be at least"), (False, "LessThanOrEqualTo", "must be at most")],
)
def test_gate_direction(higher_is_better, condition_type, words):
    threshold = ParameterFloat("MetricThreshold", 0.5)
    gate = Gate("validation:accuracy", 0.9, threshold, higher_is_better=higher_is_better)
    with quiet():
        step = gate_step(gate, on_pass=[], name="Check")
        document = json.loads(Pipeline("test", parameters=[threshold], steps=[step]).definition())
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
    gate = Gate("test:accuracy", 0.9, threshold, higher_is_better=higher_is_better, baseline=baseline)
    _, beats = [condition.to_request() for condition in gate.conditions()]
    reading = {"Std:JsonGet": {"Path": "value", "PropertyFile": {"Get": "Steps.Preprocess.PropertyFiles.Baseline"}}}
    assert (beats["Type"], beats["LeftValue"], beats["RightValue"].expr) == (strict, 0.9, reading)
    message = [part.expr if hasattr(part, "expr") else part for part in gate.failure_message().values]
    model = {"Std:JsonGet": {"Path": "model", "PropertyFile": {"Get": "Steps.Preprocess.PropertyFiles.Baseline"}}}
    assert message[4:8] == [f"(MetricThreshold) and {side} the trivial baseline", reading, "of", model]


def test_a_use_case_parameter_is_declared_once():
    builder = new_builder(name="parameters")
    pairs = builder.parameter(ParameterString("MaxPairs", "10"), "Pairs to read.")
    assert pairs.name == "MaxPairs" and builder.ctx.extra_parameters == {"MaxPairs": (pairs, "Pairs to read.")}
    with pytest.raises(ValueError, match=f"{PREFIX}-parameters: parameter MaxPairs declared twice"):
        builder.parameter(ParameterString("MaxPairs", "20"), "Again.")


def test_standard_parameters_follow_the_use_case():
    params = StandardParameters.of(use_case(processing_instance_type="ml.c5.xlarge"), REGION)
    assert params.processing_instance_type.default_value == "ml.c5.xlarge"
    assert params.training_instance_type.default_value == XGBOOST.compute.default_instance  # the contract's
    assert params.input_data_uri is None  # generated data
    assert params.max_tuning_jobs.default_value == 4
    untrained = StandardParameters.of(use_case(trains=False, max_tuning_jobs=None), REGION)
    assert untrained.training_instance_type is None and untrained.training_instance_count is None
    assert untrained.max_tuning_jobs is None


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
    assert limits.spot_plan(spot_wanted=wanted, checkpoints=checkpoints) == plan
