"""DeepAR x2, Random Cut Forest, PCA -> K-Means, IP Insights and Object2Vec: data steps, channels and content types,
required hyperparameters (developer guide), gate metrics, tuning ranges and the extra steps of the two-stage
census pipeline and of IP Insights' batch scoring."""

import pytest

RECORDIO = "application/x-recordio-protobuf"
JSONL = "application/jsonlines"
SHARDS = {"Std:Join": {"On": "", "Values": [{"Get": "Parameters.TrainingInstanceCount"}]}}

# pipeline -> (data step, script, its arguments after the fixed ones)
DATA_STEPS = {
    "sm-algo-deepar-synthetic": (
        "Generate",
        "deepar_synthetic",
        ["--seed", "1", "--freq", "H", "--prediction-length", "48", "--baseline", "test:RMSE"],
    ),
    "sm-algo-chicago-deepar": ("Preprocess", "chicago", ["--prediction-length", "30", "--baseline", "test:RMSE"]),
    # one train file per training instance: RCF reads train only ShardedByS3Key
    "sm-algo-nyc-taxi-rcf": (
        "Preprocess", "nyc_taxi", ["--shingle", "48", "--shards", SHARDS, "--baseline", "test:f1"]),
    "sm-algo-census-kmeans": ("Preprocess", "census", []),
    "sm-algo-ipinsights-logins": ("Generate", "ipinsights_logins", ["--seed", "0", "--users", "10000"]),
}  # fmt: skip
# pipeline -> training step -> {channel: (content type, distribution)}
CHANNELS = {
    # JSON Lines files ending in .json, the format named "json" as the Chicago notebook (NB02) does
    "sm-algo-deepar-synthetic": ("Train", {"train": ("json", "FullyReplicated"), "test": ("json", "FullyReplicated")}),
    "sm-algo-chicago-deepar": ("Tune", {"train": ("json", "FullyReplicated"), "test": ("json", "FullyReplicated")}),
    "sm-algo-nyc-taxi-rcf": (
        "Train",
        {"train": ("text/csv;label_size=0", "ShardedByS3Key"), "test": ("text/csv;label_size=1", "FullyReplicated")},
    ),
    "sm-algo-census-kmeans": (
        # SelectComponents writes one train file: replicated, so that every instance has data
        "TrainKMeans", {"train": (RECORDIO, "FullyReplicated"), "test": (RECORDIO, "FullyReplicated")}),
    "sm-algo-ipinsights-logins": (
        "Tune", {"train": ("text/csv", "FullyReplicated"), "validation": ("text/csv", "FullyReplicated")}),
    "sm-algo-movielens-object2vec": (
        "Train", {"train": (JSONL, "FullyReplicated"), "validation": (JSONL, "FullyReplicated")}),
}  # fmt: skip
REQUIRED = {  # DG *-hyperparameters pages
    "sm-algo-deepar-synthetic": {"time_freq", "context_length", "prediction_length", "epochs"},
    "sm-algo-chicago-deepar": {"time_freq", "context_length", "prediction_length", "epochs"},
    "sm-algo-nyc-taxi-rcf": {"feature_dim"},
    "sm-algo-census-kmeans": {"feature_dim", "k"},
    "sm-algo-ipinsights-logins": {"num_entity_vectors", "vector_dim"},
    "sm-algo-movielens-object2vec": {"enc0_max_seq_len", "enc0_vocab_size"},
}
GATES = {
    "sm-algo-deepar-synthetic": ("Steps.Train.FinalMetricDataList['test:RMSE'].Value", "LessThanOrEqualTo"),
    "sm-algo-chicago-deepar": (
        "Steps.Tune.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value", "LessThanOrEqualTo"),
    "sm-algo-nyc-taxi-rcf": ("Steps.Train.FinalMetricDataList['test:f1'].Value", "GreaterThanOrEqualTo"),
    "sm-algo-census-kmeans": ("Steps.TrainKMeans.FinalMetricDataList['test:msd'].Value", "LessThanOrEqualTo"),
    "sm-algo-ipinsights-logins": (
        "Steps.Tune.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value", "GreaterThanOrEqualTo"),
    "sm-algo-movielens-object2vec": (
        "Steps.Train.FinalMetricDataList['validation:mean_squared_error'].Value", "LessThanOrEqualTo"),
}  # fmt: skip


def steps_of(compiled, name):
    return {step["Name"]: step for step in compiled[name].steps()}


def job_arguments(step):
    return step["Arguments"] if step["Type"] == "Training" else step["Arguments"]["TrainingJobDefinition"]


@pytest.mark.parametrize("name", sorted(DATA_STEPS))
def test_data_step(compiled, name):
    step_name, script, extra = DATA_STEPS[name]
    args = steps_of(compiled, name)[step_name]["Arguments"]["AppSpecification"]["ContainerArguments"]
    assert args[0] == script
    assert args[len(args) - len(extra) :] == extra
    parameters = {p["Name"] for p in compiled[name].document["Parameters"]}
    assert ("InputDataUri" in parameters) == (step_name == "Preprocess")  # generated data has no input


@pytest.mark.parametrize("name", sorted(CHANNELS))
def test_channels(compiled, name):
    step_name, expected = CHANNELS[name]
    args = job_arguments(steps_of(compiled, name)[step_name])
    found = {
        c["ChannelName"]: (c["ContentType"], c["DataSource"]["S3DataSource"]["S3DataDistributionType"])
        for c in args["InputDataConfig"]
    }
    assert found == expected


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_required_hyperparameters(compiled, name):
    steps = steps_of(compiled, name)
    step = steps.get("Train") or steps.get("TrainKMeans") or steps["Tune"]
    args = job_arguments(step)
    hyperparameters = set(args.get("HyperParameters") or args["StaticHyperParameters"])
    ranges = step["Arguments"].get("HyperParameterTuningJobConfig", {}).get("ParameterRanges", {})
    tuned = {r["Name"] for rs in ranges.values() for r in rs}
    assert REQUIRED[name] <= hyperparameters | tuned


@pytest.mark.parametrize("name", sorted(GATES))
def test_gate(compiled, name):
    gate = next(step for step in compiled[name].steps() if step["Type"] == "Condition")
    condition = gate["Arguments"]["Conditions"][0]
    assert condition["LeftValue"] == {"Get": GATES[name][0]}
    assert condition["Type"] == GATES[name][1]
    assert gate["Arguments"]["IfSteps"][0]["Type"] == "RegisterModel"
    assert [s["Type"] for s in gate["Arguments"]["ElseSteps"]] == ["Fail"]


def test_deepar_registers_for_json_and_cpu_inference(compiled):
    for name in ("sm-algo-deepar-synthetic", "sm-algo-chicago-deepar"):
        spec = steps_of(compiled, name)["RegisterModel"]["Arguments"]["InferenceSpecification"]
        assert spec["SupportedContentTypes"] == ["application/json", JSONL]
        instances = spec["SupportedRealtimeInferenceInstanceTypes"] + spec["SupportedTransformInstanceTypes"]
        assert all(t.startswith(("ml.m", "ml.c")) for t in instances)  # DeepAR inference runs on CPU only


def test_chicago_tuning_ranges(compiled):
    config = steps_of(compiled, "sm-algo-chicago-deepar")["Tune"]["Arguments"]["HyperParameterTuningJobConfig"]
    assert config["HyperParameterTuningJobObjective"] == {"Type": "Minimize", "MetricName": "test:RMSE"}
    ranges = config["ParameterRanges"]
    integers = {r["Name"]: (r["MinValue"], r["MaxValue"]) for r in ranges["IntegerParameterRanges"]}
    assert integers == {"mini_batch_size": ("100", "400"), "epochs": ("200", "400"), "num_cells": ("30", "100")}
    # NB02 also tunes likelihood, which DG deepar-tuning does not list as tunable: it is fixed instead
    assert "CategoricalParameterRanges" not in ranges
    static = steps_of(compiled, "sm-algo-chicago-deepar")["Tune"]["Arguments"]["TrainingJobDefinition"]
    assert static["StaticHyperParameters"]["likelihood"] == "negative-binomial"
    assert [(r["Name"], r["MinValue"], r["MaxValue"]) for r in ranges["ContinuousParameterRanges"]] == [
        ("learning_rate", "0.0001", "0.1")]  # fmt: skip
    definition = steps_of(compiled, "sm-algo-chicago-deepar")["Tune"]["Arguments"]["TrainingJobDefinition"]
    assert definition["EnableManagedSpotTraining"] is True


def test_census_is_two_stage(compiled):
    top = [step["Name"] for step in compiled["sm-algo-census-kmeans"].document["Steps"]]
    assert top == ["Preprocess", "TrainPCA", "CreatePCAModel", "ProjectCounties", "SelectComponents", "TrainKMeans",
                   "CheckMSD"]  # fmt: skip
    steps = steps_of(compiled, "sm-algo-census-kmeans")
    pca = steps["TrainPCA"]["Arguments"]["HyperParameters"]
    assert pca["feature_dim"] == "34" and pca["num_components"] == "33" and pca["mini_batch_size"] == "500"
    transform = steps["ProjectCounties"]["Arguments"]
    assert transform["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"] == {
        "Get": "Steps.Preprocess.ProcessingOutputConfig.Outputs['features'].S3Output.S3Uri"
    }
    assert transform["TransformOutput"]["Accept"] == JSONL
    select = steps["SelectComponents"]["Arguments"]
    assert select["AppSpecification"]["ContainerArguments"][0] == "census_components"
    assert select["AppSpecification"]["ContainerArguments"][-4:] == ["--keep", "5", "--baseline", "test:msd"]
    inputs = {i["InputName"]: i["S3Input"]["S3Uri"] for i in select["ProcessingInputs"]}
    assert inputs["projections"] == {"Get": "Steps.ProjectCounties.TransformOutput.S3OutputPath"}
    kmeans = steps["TrainKMeans"]["Arguments"]
    assert kmeans["HyperParameters"]["feature_dim"] == "5" and kmeans["HyperParameters"]["k"] == "7"
    assert kmeans["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"] == {
        "Get": "Steps.SelectComponents.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri"
    }
    register = steps["RegisterModel"]["Arguments"]["InferenceSpecification"]["Containers"][0]
    assert register["ModelDataUrl"] == {"Get": "Steps.TrainKMeans.ModelArtifacts.S3ModelArtifacts"}
    assert "kmeans:1" in register["Image"]


def test_ipinsights_scores_held_out_logins_after_registration(compiled):
    steps = steps_of(compiled, "sm-algo-ipinsights-logins")
    config = steps["Tune"]["Arguments"]["HyperParameterTuningJobConfig"]
    assert config["HyperParameterTuningJobObjective"] == {
        "Type": "Maximize", "MetricName": "validation:discriminator_auc"}  # fmt: skip
    # NB17 tunes 64..1024; DG ip-insights-tuning recommends 8..256
    (vector_dim,) = config["ParameterRanges"]["IntegerParameterRanges"]
    assert (vector_dim["Name"], vector_dim["MinValue"], vector_dim["MaxValue"]) == ("vector_dim", "64", "256")
    gate = steps["CheckAUC"]["Arguments"]
    assert [s["Name"] for s in gate["IfSteps"]] == ["RegisterModel", "CreateModel", "ScoreTestLogins"]
    assert steps["CreateModel"]["DependsOn"] == ["RegisterModel"]
    assert steps["ScoreTestLogins"]["DependsOn"] == ["RegisterModel"]
    score = steps["ScoreTestLogins"]["Arguments"]
    assert score["ModelName"] == {"Get": "Steps.CreateModel.ModelName"}
    assert score["TransformInput"]["ContentType"] == "text/csv" and score["TransformInput"]["SplitType"] == "Line"
    assert score["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"] == {
        "Get": "Steps.Generate.ProcessingOutputConfig.Outputs['test'].S3Output.S3Uri"
    }
    model_url = steps["CreateModel"]["Arguments"]["PrimaryContainer"]["ModelDataUrl"]
    assert {"Get": "Steps.Tune.BestTrainingJob.TrainingJobName"} in model_url["Std:Join"]["Values"]


def test_movielens_downloads_with_a_checksum(compiled):
    steps = steps_of(compiled, "sm-algo-movielens-object2vec")
    args = steps["Preprocess"]["Arguments"]
    container = args["AppSpecification"]["ContainerArguments"]
    assert container[:3] == ["movielens", "--source", {"Get": "Parameters.InputDataUri"}]
    assert container[container.index("--sha256") + 1] == (
        "50d2a982c66986937beb9ffb3aa76efe955bf3d5c6b761f4e3a7cd717c6a3229"
    )
    assert [i["InputName"] for i in args["ProcessingInputs"]] == ["code"]  # nothing to download from S3 by default
    assert args["NetworkConfig"]["EnableNetworkIsolation"] is False
    parameters = {p["Name"]: p for p in compiled["sm-algo-movielens-object2vec"].document["Parameters"]}
    assert parameters["InputDataUri"]["DefaultValue"] == "https://files.grouplens.org/datasets/movielens/ml-100k.zip"
    hyperparameters = steps["Train"]["Arguments"]["HyperParameters"]
    assert hyperparameters["enc0_vocab_size"] == "944" and hyperparameters["enc1_vocab_size"] == "1684"
    assert hyperparameters["output_layer"] == "mean_squared_error"
