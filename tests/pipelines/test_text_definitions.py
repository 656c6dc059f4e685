"""LDA, NTM, the BlazingText pipelines and Seq2Seq: generated or prepared text data, channels, required
hyperparameters (developer guide), the metric each gate reads, tuning, LDA's region check, the pretrained lid.176
model's packaging and registration, and Seq2Seq's download, parameters and GPU training."""

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
    # Seq2Seq's channels carry no content type, as in NB20: the algorithm knows its three formats
    "sm-algo-wmt-seq2seq": (
        "Preprocess", ["wmt", "--input", "/opt/ml/processing/input/raw"], "Train",
        {"train": None, "validation": None, "vocab": None}, set(),
        "Steps.Train.FinalMetricDataList['validation:bleu'].Value", "GreaterThanOrEqualTo"),
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
    assert {c["ChannelName"]: c.get("ContentType") for c in args["InputDataConfig"]} == channels
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
    # "(Boolean) True or False" (DG blazingtext_hyperparameters)
    assert word2vec["mode"] == "skipgram" and word2vec["subwords"] == "True" and word2vec["evaluation"] == "True"
    tune = steps_of(compiled, "sm-algo-dbpedia-blazingtext")["Tune"]["Arguments"]
    assert tune["TrainingJobDefinition"]["StaticHyperParameters"]["mode"] == "supervised"
    config = tune["HyperParameterTuningJobConfig"]
    assert config["HyperParameterTuningJobObjective"] == {"Type": "Maximize", "MetricName": "validation:accuracy"}
    ranges = {r["Name"]: (r["MinValue"], r["MaxValue"]) for rs in config["ParameterRanges"].values() for r in rs}
    assert ranges == {"learning_rate": ("0.005", "0.01"), "min_count": ("0", "100"), "vector_dim": ("32", "300")}
    for name in ("sm-algo-text8-word2vec", "sm-algo-dbpedia-blazingtext"):
        spec = steps_of(compiled, name)["RegisterModel"]["Arguments"]["InferenceSpecification"]
        assert spec["SupportedContentTypes"] == spec["SupportedResponseMIMETypes"]  # BlazingText: equal types


def test_lid176_gates_on_predictions_of_the_hosting_container(compiled):
    steps = steps_of(compiled, "sm-algo-lid176-blazingtext")
    assert [step["Name"] for step in compiled["sm-algo-lid176-blazingtext"].steps()] == [
        "PackageModel", "CreateModel", "LanguageTest", "Evaluate", "CheckAccuracy", "RegisterModel",
        "QualityGateFailed"]  # fmt: skip
    package = steps["PackageModel"]["Arguments"]
    assert package["AppSpecification"]["ContainerArguments"] == [
        "lid176", "--source", {"Get": "Parameters.InputDataUri"}, "--size", "131266198",
        "--output-dir", "/opt/ml/processing/output",
    ]  # fmt: skip
    assert package["NetworkConfig"]["EnableNetworkIsolation"] is False  # it downloads the model
    outputs = {o["OutputName"] for o in package["ProcessingOutputConfig"]["Outputs"]}
    assert outputs == {"model", "verification", "language_test"}
    model_data = {
        "Std:Join": {
            "On": "/",
            "Values": [
                {"Get": "Steps.PackageModel.ProcessingOutputConfig.Outputs['model'].S3Output.S3Uri"},
                "model.tar.gz",
            ],
        }
    }
    # The packaged model runs in the BlazingText container on the language test's sentences (JSON Lines in and
    # out, as BlazingText's batch transform requires), before anything is registered.
    container = steps["CreateModel"]["Arguments"]["PrimaryContainer"]
    assert container["Image"].endswith(".amazonaws.com/blazingtext:1") and container["ModelDataUrl"] == model_data
    transform = steps["LanguageTest"]["Arguments"]
    assert (
        transform["TransformInput"]["ContentType"] == transform["TransformOutput"]["Accept"] == "application/jsonlines"
    )
    assert transform["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"]["Std:Join"]["Values"][1] == (
        "sentences.jsonl"
    )
    evaluate = steps["Evaluate"]["Arguments"]["AppSpecification"]["ContainerArguments"]
    assert evaluate[0] == "evaluate_language_id"
    accuracy, beats = steps["CheckAccuracy"]["Arguments"]["Conditions"]
    assert accuracy["LeftValue"]["Std:JsonGet"]["Path"] == "language_id_metrics.accuracy.value"
    assert (accuracy["Type"], accuracy["RightValue"]) == ("GreaterThanOrEqualTo", {"Get": "Parameters.MetricThreshold"})
    assert (beats["Type"], beats["RightValue"]["Std:JsonGet"]["Path"]) == ("GreaterThan", "baseline.value")
    parameters = {p["Name"]: p for p in compiled["sm-algo-lid176-blazingtext"].document["Parameters"]}
    assert parameters["InputDataUri"]["DefaultValue"].endswith("/fasttext/supervised-models/lid.176.bin")
    assert parameters["MetricThreshold"]["DefaultValue"] == 0.9
    register = steps["RegisterModel"]["Arguments"]
    assert register["InferenceSpecification"]["Containers"][0]["ModelDataUrl"] == model_data
    assert register["InferenceSpecification"]["SupportedContentTypes"] == ["application/json", "application/jsonlines"]
    assert register["ModelMetrics"]["ModelQuality"]["Statistics"]["ContentType"] == "application/json"


def test_seq2seq_downloads_the_release_and_trains_on_a_gpu(compiled):
    name = "sm-algo-wmt-seq2seq"
    steps = steps_of(compiled, name)
    download = steps["Download"]["Arguments"]
    sources = download["AppSpecification"]["ContainerArguments"][2:-2:2]
    assert [source["Std:Join"]["Values"][1] for source in sources] == ["corpus.tc.en.gz", "corpus.tc.de.gz", "dev.tgz"]
    assert download["NetworkConfig"]["EnableNetworkIsolation"] is False
    preprocess = steps["Preprocess"]["Arguments"]
    assert preprocess["NetworkConfig"]["EnableNetworkIsolation"] is True
    inputs = {i["InputName"]: i["S3Input"]["S3Uri"] for i in preprocess["ProcessingInputs"]}
    assert inputs["raw"] == {"Get": "Steps.Download.ProcessingOutputConfig.Outputs['raw'].S3Output.S3Uri"}
    arguments = preprocess["AppSpecification"]["ContainerArguments"]
    options = dict(zip(arguments[1::2], arguments[2::2], strict=False))
    assert options["--max-length"] == "60"
    for option, parameter in (("--max-pairs", "MaxSentencePairs"), ("--vocab-size", "VocabularySize")):
        assert options[option] == {"Get": f"Parameters.{parameter}"}
    parameters = {p["Name"]: p for p in compiled[name].document["Parameters"]}
    assert (
        parameters["MaxSentencePairs"]["DefaultValue"] == "10000"
        and parameters["VocabularySize"]["DefaultValue"] == "50000"
    )
    assert parameters["MaxSentencePairs"]["Description"].startswith("Training sentence pairs")
    assert (
        parameters["InputDataUri"]["DefaultValue"]
        == "https://data.statmt.org/wmt17/translation-task/preprocessed/de-en/"
    )
    assert parameters["TrainingInstanceType"]["DefaultValue"].startswith(("ml.g4dn.", "ml.g5.", "ml.p3."))
    train = steps["Train"]["Arguments"]
    assert train["AlgorithmSpecification"]["TrainingImage"].endswith(".amazonaws.com/seq2seq:1")
    hyperparameters = train["HyperParameters"]
    assert hyperparameters["max_seq_len_source"] == hyperparameters["max_seq_len_target"] == "60"
    assert hyperparameters["optimized_metric"] == "bleu"
    spec = steps["CheckBleu"]["Arguments"]["IfSteps"][0]["Arguments"]["InferenceSpecification"]
    assert spec["SupportedContentTypes"] == ["application/json", "application/jsonlines", RECORDIO]
