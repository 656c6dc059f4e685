"""The MNIST and tabular pipelines: data preparation arguments, channels and content types, required
hyperparameters (developer guide), the metric each gate reads, tuning settings and registration."""

from dataclasses import dataclass

import pytest

RECORDIO = "application/x-recordio-protobuf"


@dataclass(frozen=True)
class Expected:
    script_args: list[str]
    channels: dict[str, tuple[str, str]]  # name -> (content type, distribution)
    required: set[str]  # hyperparameters the developer guide requires
    metric: str  # what the gate compares
    comparison: str
    request_types: list[str]


LINEAR = [RECORDIO, "text/csv", "application/json"]
EXPECTED = {
    "sm-algo-mnist-xgboost": Expected(
        ["mnist", "--target", "multiclass", "--format", "libsvm", "--splits", "train,validation"]
        + ["--baseline", "validation:merror"],
        {"train": ("text/libsvm", "FullyReplicated"), "validation": ("text/libsvm", "FullyReplicated")},
        {"num_round", "num_class", "objective"},
        "Steps.Tune.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value",
        "LessThanOrEqualTo",
        ["text/csv", "text/libsvm"],
    ),
    "sm-algo-mnist-linear-learner": Expected(
        ["mnist", "--target", "binary", "--digit", "0", "--format", "recordio", "--splits", "train,validation"]
        + ["--baseline", "validation:binary_f_beta"],
        {"train": (RECORDIO, "FullyReplicated"), "validation": (RECORDIO, "FullyReplicated")},
        {"predictor_type"},
        "Steps.Train.FinalMetricDataList['validation:binary_f_beta'].Value",
        "GreaterThanOrEqualTo",
        LINEAR,
    ),
    "sm-algo-mnist-factorization-machines": Expected(
        ["mnist", "--target", "binary", "--digit", "0", "--format", "recordio", "--splits", "train,test"]
        + ["--baseline", "test:binary_classification_accuracy"],
        {"train": (RECORDIO, "FullyReplicated"), "test": (RECORDIO, "FullyReplicated")},
        {"feature_dim", "num_factors", "predictor_type"},
        "Steps.Train.FinalMetricDataList['test:binary_classification_accuracy'].Value",
        "GreaterThanOrEqualTo",
        [RECORDIO, "application/json"],
    ),
    "sm-algo-covtype-knn": Expected(
        ["covtype", "--format", "recordio", "--seed", "0", "--baseline", "test:accuracy"],
        {"train": (RECORDIO, "FullyReplicated"), "test": (RECORDIO, "FullyReplicated")},
        {"feature_dim", "k", "predictor_type", "sample_size"},
        "Steps.Train.FinalMetricDataList['test:accuracy'].Value",
        "GreaterThanOrEqualTo",
        LINEAR,
    ),
    "sm-algo-breast-cancer-linear-learner": Expected(
        ["wdbc", "--format", "recordio", "--seed", "42", "--baseline", "validation:binary_classification_accuracy"],
        # wdbc writes one train file: sharding it by key would leave every instance but one without data
        {"train": (RECORDIO, "FullyReplicated"), "validation": (RECORDIO, "FullyReplicated")},
        {"predictor_type"},
        "Steps.Train.FinalMetricDataList['validation:binary_classification_accuracy'].Value",
        "GreaterThanOrEqualTo",
        LINEAR,
    ),
    "sm-algo-mnist-pca": Expected(
        ["mnist", "--target", "none", "--format", "recordio", "--test-format", "csv", "--splits", "train,test"],
        {"train": (RECORDIO, "FullyReplicated")},
        {"feature_dim", "mini_batch_size", "num_components"},
        "pca_metrics.explained_variance_ratio.value",
        "GreaterThanOrEqualTo",
        LINEAR,
    ),
}


def steps_of(compiled, name):
    return {step["Name"]: step for step in compiled[name].steps()}


def training_arguments(steps):
    step = steps.get("Train") or steps["Tune"]
    args = step["Arguments"]
    return args if step["Type"] == "Training" else args["TrainingJobDefinition"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_preprocess_arguments(compiled, name):
    args = steps_of(compiled, name)["Preprocess"]["Arguments"]["AppSpecification"]["ContainerArguments"]
    expected = EXPECTED[name].script_args
    assert args[0] == expected[0]
    assert args[1:5] == ["--input", "/opt/ml/processing/input/raw", "--output-dir", "/opt/ml/processing/output"]
    assert args[5:] == expected[1:]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_channels_and_content_types(compiled, name):
    args = training_arguments(steps_of(compiled, name))
    channels = {
        c["ChannelName"]: (c["ContentType"], c["DataSource"]["S3DataSource"]["S3DataDistributionType"])
        for c in args["InputDataConfig"]
    }
    assert channels == EXPECTED[name].channels
    for channel in args["InputDataConfig"]:
        source = channel["DataSource"]["S3DataSource"]["S3Uri"]
        assert source == {
            "Get": f"Steps.Preprocess.ProcessingOutputConfig.Outputs['{channel['ChannelName']}'].S3Output.S3Uri"
        }


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_required_hyperparameters_are_set(compiled, name):
    args = training_arguments(steps_of(compiled, name))
    hyperparameters = args.get("HyperParameters") or args["StaticHyperParameters"]
    config = steps_of(compiled, name).get("Tune", {}).get("Arguments", {}).get("HyperParameterTuningJobConfig", {})
    tuned = {r["Name"] for ranges in config.get("ParameterRanges", {}).values() for r in ranges}
    assert EXPECTED[name].required <= set(hyperparameters) | tuned
    assert all(isinstance(value, str) for value in hyperparameters.values())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_gate_reads_the_metric(compiled, name):
    gate = next(step for step in compiled[name].steps() if step["Type"] == "Condition")
    condition = gate["Arguments"]["Conditions"][0]
    assert condition["Type"] == EXPECTED[name].comparison
    left = condition["LeftValue"]
    assert left.get("Get") == EXPECTED[name].metric or left["Std:JsonGet"]["Path"] == EXPECTED[name].metric
    assert condition["RightValue"] == {"Get": "Parameters.MetricThreshold"}
    assert [s["Type"] for s in gate["Arguments"]["IfSteps"]] == ["RegisterModel"]
    assert [s["Type"] for s in gate["Arguments"]["ElseSteps"]] == ["Fail"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_registration_content_types(compiled, name):
    register = steps_of(compiled, name)["RegisterModel"]["Arguments"]["InferenceSpecification"]
    assert sorted(register["SupportedContentTypes"]) == sorted(EXPECTED[name].request_types)
    assert register["SupportedResponseMIMETypes"]


def test_xgboost_mnist_tuning(compiled):
    steps = steps_of(compiled, "sm-algo-mnist-xgboost")
    config = steps["Tune"]["Arguments"]["HyperParameterTuningJobConfig"]
    assert config["Strategy"] == "Bayesian"
    assert config["HyperParameterTuningJobObjective"] == {"Type": "Minimize", "MetricName": "validation:merror"}
    assert config["ResourceLimits"] == {
        "MaxNumberOfTrainingJobs": {"Get": "Parameters.MaxTuningJobs"},
        "MaxParallelTrainingJobs": {"Get": "Parameters.MaxParallelTuningJobs"},
    }
    ranges = {r["Name"]: (r["MinValue"], r["MaxValue"]) for rs in config["ParameterRanges"].values() for r in rs}
    assert ranges == {
        "eta": ("0.1", "0.5"), "gamma": ("0", "5"), "min_child_weight": ("0", "120"), "subsample": ("0.5", "1"),
        "alpha": ("0", "2"), "max_depth": ("1", "10"), "num_round": ("1", "50"),
    }  # fmt: skip
    static = steps["Tune"]["Arguments"]["TrainingJobDefinition"]["StaticHyperParameters"]
    assert static["objective"] == "multi:softmax" and static["num_class"] == "10"
    parameters = {p["Name"]: p for p in compiled["sm-algo-mnist-xgboost"].document["Parameters"]}
    assert parameters["MaxTuningJobs"]["DefaultValue"] == 6 and parameters["MaxParallelTuningJobs"]["DefaultValue"] == 2
    model = steps["RegisterModel"]["Arguments"]["InferenceSpecification"]["Containers"][0]["ModelDataUrl"]
    assert {"Get": "Steps.Tune.BestTrainingJob.TrainingJobName"} in model["Std:Join"]["Values"]


def test_only_tuning_pipelines_have_tuning_parameters(compiled):
    for name, pipeline in compiled.items():
        names = {p["Name"] for p in pipeline.document["Parameters"]}
        has_tuning = any(step["Type"] == "Tuning" for step in pipeline.steps())
        assert ("MaxTuningJobs" in names) == has_tuning, name


def test_binary_labels_and_feature_dims(compiled):
    fm = training_arguments(steps_of(compiled, "sm-algo-mnist-factorization-machines"))["HyperParameters"]
    assert fm["predictor_type"] == "binary_classifier" and fm["feature_dim"] == "784"
    knn = training_arguments(steps_of(compiled, "sm-algo-covtype-knn"))["HyperParameters"]
    assert knn["predictor_type"] == "classifier" and knn["feature_dim"] == "54" and knn["k"] == "10"
    wdbc = training_arguments(steps_of(compiled, "sm-algo-breast-cancer-linear-learner"))["HyperParameters"]
    assert wdbc["predictor_type"] == "binary_classifier" and wdbc["feature_dim"] == "30"


def test_pca_projects_held_out_images_and_evaluates_them(compiled):
    steps = steps_of(compiled, "sm-algo-mnist-pca")
    assert [s["Name"] for s in compiled["sm-algo-mnist-pca"].document["Steps"]] == [
        "Preprocess", "Train", "CreateModel", "ProjectTestImages", "Evaluate", "CheckVariance"]  # fmt: skip
    assert steps["CreateModel"]["Arguments"]["PrimaryContainer"]["ModelDataUrl"] == {
        "Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"
    }
    transform = steps["ProjectTestImages"]["Arguments"]
    assert transform["ModelName"] == {"Get": "Steps.CreateModel.ModelName"}
    assert transform["TransformInput"]["ContentType"] == "text/csv"
    assert transform["TransformInput"]["SplitType"] == "Line"
    assert transform["TransformOutput"]["Accept"] == "application/jsonlines"
    assert transform["TransformOutput"]["AssembleWith"] == "Line"
    assert transform["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"] == {
        "Get": "Steps.Preprocess.ProcessingOutputConfig.Outputs['test'].S3Output.S3Uri"
    }
    evaluate = steps["Evaluate"]["Arguments"]
    assert evaluate["AppSpecification"]["ContainerArguments"][0] == "evaluate_pca"
    inputs = {i["InputName"]: i["S3Input"]["S3Uri"] for i in evaluate["ProcessingInputs"]}
    assert inputs["projections"] == {"Get": "Steps.ProjectTestImages.TransformOutput.S3OutputPath"}
    metrics = steps["RegisterModel"]["Arguments"]["ModelMetrics"]["ModelQuality"]["Statistics"]
    assert metrics["ContentType"] == "application/json"
