"""LDA, NTM and the two BlazingText pipelines: generated or prepared text data, channels, required
hyperparameters (developer guide), the metric each gate reads, tuning, and LDA's region check."""

import pytest

from pipelines.compiler import compile_pipeline
from pipelines.context import ImageUnavailableError
from pipelines.registry import get

RECORDIO = "application/x-recordio-protobuf"

CASES = {
    # pipeline: (data step, script args, job step, channels, required hyperparameters, gate metric, comparison)
    "sm-algo-lda-topics": (
        "Generate", ["topic_documents", "--output-dir", "/opt/ml/processing/output", "--target", "lda"], "Train",
        {"train": RECORDIO, "test": RECORDIO}, {"num_topics", "feature_dim", "mini_batch_size"},
        "Steps.Train.FinalMetricDataList['test:pwll'].Value", "GreaterThanOrEqualTo"),
    "sm-algo-ntm-topics": (
        "Generate", ["topic_documents", "--output-dir", "/opt/ml/processing/output", "--target", "ntm"], "Train",
        {"train": RECORDIO, "validation": RECORDIO, "auxiliary": "text/plain"}, {"feature_dim", "num_topics"},
        "Steps.Train.FinalMetricDataList['validation:total_loss'].Value", "LessThanOrEqualTo"),
    "sm-algo-dbpedia-blazingtext": (
        "Preprocess", ["dbpedia"], "Tune", {"train": "text/plain", "validation": "text/plain"}, {"mode"},
        "Steps.Tune.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value", "GreaterThanOrEqualTo"),
    "sm-algo-text8-word2vec": (
        "Preprocess", ["text8"], "Train", {"train": "text/plain"}, {"mode"},
        "Steps.Train.FinalMetricDataList['train:mean_rho'].Value", "GreaterThanOrEqualTo"),
}  # fmt: skip


def steps_of(compiled, name):
    return {step["Name"]: step for step in compiled[name].steps()}


def job_arguments(step):
    return step["Arguments"] if step["Type"] == "Training" else step["Arguments"]["TrainingJobDefinition"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_data_step_channels_hyperparameters_and_gate(compiled, name):
    data_step, script_args, job_step, channels, required, metric, comparison = CASES[name]
    steps = steps_of(compiled, name)
    container = steps[data_step]["Arguments"]["AppSpecification"]["ContainerArguments"]
    assert container[: len(script_args)] == script_args
    args = job_arguments(steps[job_step])
    assert {c["ChannelName"]: c["ContentType"] for c in args["InputDataConfig"]} == channels
    assert all(
        c["DataSource"]["S3DataSource"]["S3DataDistributionType"] == "FullyReplicated" for c in args["InputDataConfig"]
    )  # optional NTM channels must be fully replicated (DG ntm)
    hyperparameters = set(args.get("HyperParameters") or args["StaticHyperParameters"])
    assert required <= hyperparameters
    gate = next(step for step in compiled[name].steps() if step["Type"] == "Condition")
    condition = gate["Arguments"]["Conditions"][0]
    assert condition["LeftValue"] == {"Get": metric} and condition["Type"] == comparison


def test_lda_mini_batch_is_the_training_corpus(compiled):
    hyperparameters = steps_of(compiled, "sm-algo-lda-topics")["Train"]["Arguments"]["HyperParameters"]
    assert hyperparameters["mini_batch_size"] == "5400"  # 90% of 6,000 documents (DG lda: the corpus size)
    assert hyperparameters["feature_dim"] == "25" and hyperparameters["num_topics"] == "5"


def test_lda_refuses_a_region_without_its_image():
    with pytest.raises(ImageUnavailableError, match="no lda:1 image in region sa-east-1"):
        compile_pipeline(get("lda-topics"), "sa-east-1", "sm-algo")


def test_blazingtext_modes_and_tuning(compiled):
    word2vec = steps_of(compiled, "sm-algo-text8-word2vec")["Train"]["Arguments"]["HyperParameters"]
    assert word2vec["mode"] == "skipgram" and word2vec["subwords"] == "true" and word2vec["evaluation"] == "true"
    tune = steps_of(compiled, "sm-algo-dbpedia-blazingtext")["Tune"]["Arguments"]
    assert tune["TrainingJobDefinition"]["StaticHyperParameters"]["mode"] == "supervised"
    config = tune["HyperParameterTuningJobConfig"]
    assert config["HyperParameterTuningJobObjective"] == {"Type": "Maximize", "MetricName": "validation:accuracy"}
    ranges = {r["Name"]: (r["MinValue"], r["MaxValue"]) for rs in config["ParameterRanges"].values() for r in rs}
    assert ranges == {"learning_rate": ("0.005", "0.01"), "min_count": ("0", "100"), "vector_dim": ("32", "300")}
    for name in ("sm-algo-text8-word2vec", "sm-algo-dbpedia-blazingtext"):
        spec = steps_of(compiled, name)["RegisterModel"]["Arguments"]["InferenceSpecification"]
        assert spec["SupportedContentTypes"] == spec["SupportedResponseMIMETypes"]  # BlazingText: equal types
