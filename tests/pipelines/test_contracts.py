"""The contract check: every rule fires on a definition that breaks it, names pipeline, step, fact and source; and
every compiled pipeline passes it (compile_pipeline runs it, so the `compiled` fixture proves the second)."""

import copy
import re

import pytest

from pipelines import contract_check
from pipelines.algorithms import ALGORITHMS
from pipelines.compiler import compile_pipeline
from pipelines.context import PipelineContext
from pipelines.contract_check import ContractError
from pipelines.sdk import quiet
from pipelines.usecase import BaselineNote, GeneratedDataset, UseCase
from tests.conftest import PREFIX, REGION

DG = "https://docs.aws.amazon.com/sagemaker/latest/dg/"


@pytest.fixture(scope="module")
def image_of():
    with quiet():
        ctx = PipelineContext(region=REGION, prefix=PREFIX, use_case="contracts")
    return ctx.algorithm_image


def broken(compiled, name: str):
    """A deep copy of a pipeline's definition to break, and the function that checks it."""
    pipeline = compiled[f"{PREFIX}-{name}"]
    document = copy.deepcopy(pipeline.document)

    def violations(image_of) -> list[str]:
        found = contract_check.check(pipeline.name, document, pipeline.step_algorithms, image_of)
        return [str(violation) for violation in found]

    return document, violations


def step(document, name: str) -> dict:
    return next(s for s in contract_check.walk_steps(document) if s["Name"] == name)


def parameter(document, name: str) -> dict:
    return next(p for p in document["Parameters"] if p["Name"] == name)


def only(found: list[str], pattern: str) -> str:
    """The one violation found, which must match `pattern`."""
    assert len(found) == 1, found
    assert re.search(pattern, found[0]), found[0]
    return found[0]


def test_every_compiled_pipeline_passes_its_contracts(compiled, image_of):
    for pipeline in compiled.values():
        assert contract_check.check(pipeline.name, pipeline.document, pipeline.step_algorithms, image_of) == []


def test_every_algorithm_fact_names_a_source():
    for algorithm in ALGORITHMS:
        sources = [algorithm.image_source, algorithm.compute.source, algorithm.inference.source]
        sources += [spec.source for spec in (*algorithm.channels, *algorithm.metrics, *algorithm.tunable)]
        sources += [algorithm.required_source] if algorithm.required else []
        sources += [algorithm.spellings_source] if algorithm.spellings else []
        for source in sources:
            assert source.startswith((DG, "aws/sagemaker-python-sdk:", "aws/amazon-sagemaker-examples:")), source


def test_volume_key_on_a_local_nvme_training_type_fires(compiled, image_of):
    # The audit's first defect: caltech256 trained on ml.g4dn.xlarge with a VolumeKmsKeyId; CreateTrainingJob
    # refuses that ("You can't request a VolumeKmsKeyId when using an instance type with local storage").
    document, violations = broken(compiled, "caltech256-image-classification")
    step(document, "Train")["Arguments"]["ResourceConfig"]["VolumeKmsKeyId"] = "${KmsKeyArn}"
    message = only(violations(image_of), r"step Train: volume key: .*refuses on local-NVMe ml\.g4dn\.xlarge")
    assert message.endswith("[https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ResourceConfig.html]")


def test_no_volume_key_on_an_ebs_processing_type_fires(compiled, image_of):
    document, violations = broken(compiled, "abalone-xgboost")
    del step(document, "Preprocess")["Arguments"]["ProcessingResources"]["ClusterConfig"]["VolumeKmsKeyId"]
    only(violations(image_of), r"step Preprocess: volume key: leaves the project key off .*ml\.m5\.large")


def test_a_choice_that_disagrees_with_the_volume_key_fires(compiled, image_of):
    document, violations = broken(compiled, "caltech256-image-classification")
    parameter(document, "TrainingInstanceType")["EnumValues"].append("ml.p3.2xlarge")  # EBS, but no key set
    only(violations(image_of), r"step Train: volume key: leaves the project key off the EBS volume of ml\.p3\.2xl")


def test_an_instance_type_parameter_without_enum_values_fires(compiled, image_of):
    document, violations = broken(compiled, "covtype-knn")
    del parameter(document, "TrainingInstanceType")["EnumValues"]
    only(violations(image_of), r"step Train: instance type: parameter TrainingInstanceType lists no EnumValues")


def test_a_type_sagemaker_does_not_offer_for_the_job_fires(compiled, image_of):
    document, violations = broken(compiled, "covtype-knn")
    parameter(document, "ProcessingInstanceType")["EnumValues"].append("ml.m5.metal")
    only(violations(image_of), r"step Preprocess: instance type: SageMaker processing offers no ml\.m5\.metal")


def test_a_gpu_type_for_a_cpu_only_algorithm_fires(compiled, image_of):
    document, violations = broken(compiled, "lda-topics")  # LDA: single-instance CPU training (DG lda)
    parameter(document, "TrainingInstanceType")["EnumValues"].append("ml.p3.2xlarge")
    only(violations(image_of), rf"step Train: instances: LDA does not train on ml\.p3\.2xlarge .*\[{DG}lda\.html\]")


def test_several_instances_for_a_single_instance_algorithm_fires(compiled, image_of):
    document, violations = broken(compiled, "movielens-object2vec")
    step(document, "Train")["Arguments"]["ResourceConfig"]["InstanceCount"] = {"Get": "Parameters.Count"}
    only(violations(image_of), rf"single instance: Object2Vec trains on one instance only.*{DG}object2vec")


def test_several_instances_are_allowed_in_the_mode_that_distributes(compiled, image_of):
    document, violations = broken(compiled, "text8-word2vec")  # skipgram: one instance; batch_skipgram: several
    train = step(document, "Train")["Arguments"]
    train["ResourceConfig"]["InstanceCount"] = 2
    only(violations(image_of), r"single instance: BlazingText trains on one instance only; InstanceCount is 2")
    train["HyperParameters"]["mode"] = "batch_skipgram"
    assert violations(image_of) == []


def test_a_channel_the_algorithm_does_not_read_in_its_mode_fires(compiled, image_of):
    document, violations = broken(compiled, "text8-word2vec")  # word2vec: the train channel only
    channels = step(document, "Train")["Arguments"]["InputDataConfig"]
    channels.append({**copy.deepcopy(channels[0]), "ChannelName": "validation"})
    only(violations(image_of), r"step Train: channels: BlazingText reads no channel 'validation' here")


def test_a_content_type_the_channel_does_not_take_fires(compiled, image_of):
    document, violations = broken(compiled, "mnist-factorization-machines")  # RecordIO-protobuf float32 only
    step(document, "Train")["Arguments"]["InputDataConfig"][0]["ContentType"] = "text/csv"
    only(violations(image_of), rf"channel format: channel train has ContentType 'text/csv'.*{DG}fact-machines")


def test_a_distribution_the_channel_does_not_take_fires(compiled, image_of):
    document, violations = broken(compiled, "nyc-taxi-rcf")  # RCF: train only ShardedByS3Key
    source = step(document, "Train")["Arguments"]["InputDataConfig"][0]["DataSource"]["S3DataSource"]
    source["S3DataDistributionType"] = "FullyReplicated"
    only(violations(image_of), r"channel distribution: channel train is FullyReplicated; .* ShardedByS3Key")


def test_a_missing_required_channel_fires(compiled, image_of):
    document, violations = broken(compiled, "wmt-seq2seq")  # train, validation and vocab are all required
    channels = step(document, "Train")["Arguments"]["InputDataConfig"]
    channels[:] = [channel for channel in channels if channel["ChannelName"] != "vocab"]
    only(violations(image_of), rf"step Train: channels: required channel vocab is missing \[{DG}seq-2-seq\.html")


def test_a_sharded_channel_without_a_file_per_instance_fires(compiled, image_of):
    document, violations = broken(compiled, "nyc-taxi-rcf")
    arguments = step(document, "Preprocess")["Arguments"]["AppSpecification"]["ContainerArguments"]
    at = arguments.index("--shards")
    del arguments[at : at + 2]
    only(violations(image_of), r"step Train: shards: channel train is ShardedByS3Key over .* not one per instance")


def test_a_missing_required_hyperparameter_fires(compiled, image_of):
    document, violations = broken(compiled, "lda-topics")
    del step(document, "Train")["Arguments"]["HyperParameters"]["mini_batch_size"]
    only(violations(image_of), rf"hyperparameters: required mini_batch_size not set \[{DG}lda_hyperparameters")


def test_a_boolean_spelled_otherwise_than_the_guide_fires(compiled, image_of):
    # The audit: BlazingText's booleans are documented as True or False.
    document, violations = broken(compiled, "text8-word2vec")
    step(document, "Train")["Arguments"]["HyperParameters"]["subwords"] = "true"
    only(violations(image_of), r"hyperparameter spelling: subwords = 'true'; BlazingText spells it True or False")


def test_a_string_parameter_with_a_value_the_algorithm_does_not_know_fires(compiled, image_of):
    document, violations = broken(compiled, "caltech256-image-classification")
    parameter(document, "UsePretrainedModel")["EnumValues"].append("True")  # IC spells it 0 or 1
    only(violations(image_of), r"hyperparameter spelling: use_pretrained_model = 'True'; .* spells it 0 or 1")


def test_a_tuning_range_beyond_the_guides_fires(compiled, image_of):
    # The audit: IP Insights' vector_dim was tuned up to 1024; the guide recommends 8..256.
    document, violations = broken(compiled, "ipinsights-logins")
    config = step(document, "Tune")["Arguments"]["HyperParameterTuningJobConfig"]
    config["ParameterRanges"]["IntegerParameterRanges"][0]["MaxValue"] = "1024"
    only(violations(image_of), r"tuning: vector_dim tuned over \[64, 1024\], beyond .*\[8, 256\].*ip-insights-tuning")


def test_tuning_a_hyperparameter_the_guide_does_not_list_fires(compiled, image_of):
    # The audit: DeepAR's likelihood is not tunable (DG deepar-tuning).
    document, violations = broken(compiled, "chicago-deepar")
    ranges = step(document, "Tune")["Arguments"]["HyperParameterTuningJobConfig"]["ParameterRanges"]
    ranges["CategoricalParameterRanges"] = [{"Name": "likelihood", "Values": ["negative-binomial", "student-T"]}]
    only(violations(image_of), r"step Tune: tuning: likelihood is not tunable \(tunable: mini_batch_size, ")


def test_a_range_of_another_kind_than_the_guides_fires(compiled, image_of):
    document, violations = broken(compiled, "mnist-xgboost")
    ranges = step(document, "Tune")["Arguments"]["HyperParameterTuningJobConfig"]["ParameterRanges"]
    ranges["IntegerParameterRanges"].append({"Name": "eta", "MinValue": "0", "MaxValue": "1", "ScalingType": "Auto"})
    only(violations(image_of), r"step Tune: tuning: eta is tuned as Integer, not Continuous \[.*xgboost-tuning")


def test_a_categorical_value_outside_the_guides_fires(compiled, image_of):
    document, violations = broken(compiled, "dbpedia-blazingtext")
    ranges = step(document, "Tune")["Arguments"]["HyperParameterTuningJobConfig"]["ParameterRanges"]
    ranges["CategoricalParameterRanges"] = [{"Name": "mode", "Values": ["skipgram", "fasttext"]}]
    only(violations(image_of), r"tuning: mode values fasttext are not among skipgram, cbow, batch_skipgram")


def test_a_gate_on_a_metric_the_algorithm_does_not_emit_fires(compiled, image_of):
    document, violations = broken(compiled, "covtype-knn")
    for condition in step(document, "CheckAccuracy")["Arguments"]["Conditions"]:
        condition["LeftValue"] = {"Get": "Steps.Train.FinalMetricDataList['validation:accuracy'].Value"}
    only(violations(image_of), r"step CheckAccuracy: metric: k-NN emits no validation:accuracy \(it emits test:")


def test_a_gate_on_a_metric_of_another_mode_fires(compiled, image_of):
    document, violations = broken(compiled, "mnist-factorization-machines")
    step(document, "Train")["Arguments"]["HyperParameters"]["predictor_type"] = "regressor"
    only(violations(image_of), r"CheckAccuracy: metric: test:binary_classification_accuracy is emitted only with pre")


def test_a_gate_on_a_metric_without_its_channel_fires(compiled, image_of):
    # The notebooks train several algorithms without the channel their metric needs (FM, k-NN, LDA, RCF, ...).
    document, violations = broken(compiled, "mnist-factorization-machines")
    channels = step(document, "Train")["Arguments"]["InputDataConfig"]
    channels[:] = [channel for channel in channels if channel["ChannelName"] != "test"]
    only(violations(image_of), r"CheckAccuracy: metric: test:binary_classification_accuracy needs a test channel")


def test_a_gate_that_compares_in_the_wrong_direction_fires(compiled, image_of):
    document, violations = broken(compiled, "census-kmeans")
    step(document, "CheckMSD")["Arguments"]["Conditions"][0]["Type"] = "GreaterThanOrEqualTo"
    only(violations(image_of), r"step CheckMSD: metric direction: test:msd is better when lower .*k-means-tuning")


def test_a_gate_against_its_tuning_objective_fires(compiled, image_of):
    document, violations = broken(compiled, "mnist-xgboost")
    step(document, "CheckMError")["Arguments"]["Conditions"][0]["Type"] = "GreaterThanOrEqualTo"
    only(violations(image_of), r"step CheckMError: metric direction: compares validation:merror as if higher")


def test_a_tuning_objective_in_the_wrong_direction_fires(compiled, image_of):
    document, violations = broken(compiled, "dbpedia-blazingtext")
    config = step(document, "Tune")["Arguments"]["HyperParameterTuningJobConfig"]
    config["HyperParameterTuningJobObjective"]["Type"] = "Minimize"
    found = violations(image_of)
    assert any(re.search(r"step Tune: metric direction: validation:accuracy is better when higher", v) for v in found)


def test_checkpoints_for_an_algorithm_that_does_not_resume_fire(compiled, image_of):
    document, violations = broken(compiled, "mnist-linear-learner")
    step(document, "Train")["Arguments"]["CheckpointConfig"] = {"S3Uri": "s3://bucket/checkpoints"}
    only(violations(image_of), r"step Train: checkpoints: Linear Learner does not resume from checkpoints")


def test_spot_without_checkpoints_waiting_over_an_hour_fires(compiled, image_of):
    document, violations = broken(compiled, "mnist-linear-learner")
    step(document, "Train")["Arguments"]["StoppingCondition"]["MaxWaitTimeInSeconds"] = 7200
    only(violations(image_of), r"step Train: spot: spot without checkpoints may wait 3600 s at most, not 7200")


def test_another_algorithms_image_fires(compiled, image_of):
    document, violations = broken(compiled, "mnist-linear-learner")
    job = step(document, "Train")["Arguments"]["AlgorithmSpecification"]
    job["TrainingImage"] = job["TrainingImage"].replace("linear-learner", "factorization-machines")
    only(violations(image_of), r"step Train: image: .*factorization-machines:1 is not Linear Learner's image")


def test_registering_a_format_the_model_does_not_take_fires(compiled, image_of):
    document, violations = broken(compiled, "mnist-factorization-machines")  # no CSV for FM inference
    step(document, "RegisterModel")["Arguments"]["InferenceSpecification"]["SupportedContentTypes"].append("text/csv")
    only(violations(image_of), rf"RegisterModel: inference formats: .* do not take text/csv \[{DG}fm-in-formats")


def test_registering_a_gpu_host_for_a_cpu_only_model_fires(compiled, image_of):
    document, violations = broken(compiled, "deepar-synthetic")  # DeepAR inference runs on CPU only
    specification = step(document, "RegisterModel")["Arguments"]["InferenceSpecification"]
    specification["SupportedRealtimeInferenceInstanceTypes"].append("ml.p3.2xlarge")
    only(violations(image_of), r"RegisterModel: inference instances: DeepAR models do not run on ml\.p3\.2xlarge")


def test_a_transform_in_a_format_the_model_does_not_answer_fires(compiled, image_of):
    document, violations = broken(compiled, "lid176-blazingtext")  # BlazingText batch: JSON Lines in and out
    step(document, "LanguageTest")["Arguments"]["TransformOutput"]["Accept"] = "text/csv"
    only(violations(image_of), r"step LanguageTest: inference formats: BlazingText models do not take .* text/csv")


def test_a_job_step_without_a_recorded_algorithm_fires(compiled, image_of):
    pipeline = compiled[f"{PREFIX}-covtype-knn"]
    found = contract_check.check(pipeline.name, pipeline.document, {}, image_of)
    assert any("step Train: algorithm: no contract recorded" in str(v) for v in found)


def build_fm_without_test_channel(builder):
    from pipelines.algorithms import FACTORIZATION_MACHINES
    from pipelines.steps.training import RECORDIO, Channel

    builder.train_and_register(
        FACTORIZATION_MACHINES,
        {"feature_dim": 784, "num_factors": 10, "predictor_type": "binary_classifier"},
        [Channel("train", "s3://bucket/train/", RECORDIO)],
        metric="test:binary_classification_accuracy",
        description="broken on purpose",
        gate_name="CheckAccuracy",
    )


def test_compile_pipeline_stops_on_a_violation_with_one_line_per_violation():
    use_case = UseCase(
        name="broken",
        title="FM gated on a metric whose channel it lacks",
        algorithms=(ALGORITHMS[2],),
        dataset_name="none",
        dataset=GeneratedDataset(),
        metric_threshold=0.95,
        baseline=BaselineNote(0.5, "none", "a test", at_run_time=False),
        build=build_fm_without_test_channel,
    )
    with pytest.raises(ContractError) as raised:
        compile_pipeline(use_case, REGION, PREFIX)
    lines = str(raised.value).splitlines()
    assert lines == [
        f"{PREFIX}-broken: step CheckAccuracy: metric: test:binary_classification_accuracy needs a test channel "
        f"[{DG}fm-tuning.html]"
    ]


def test_a_run_time_baseline_the_gate_ignores_stops_the_compile():
    use_case = UseCase(
        name="broken",
        title="FM whose gate ignores its baseline",
        algorithms=(ALGORITHMS[2],),
        dataset_name="none",
        dataset=GeneratedDataset(),
        metric_threshold=0.95,
        baseline=BaselineNote(0.9, "always 0", "a test", at_run_time=True),
        build=build_fm_with_test_channel,
    )
    with pytest.raises(ContractError, match=r"step CheckAccuracy: gate baseline: the quality gate does not compare"):
        compile_pipeline(use_case, REGION, PREFIX)


def build_fm_with_test_channel(builder):
    from pipelines.algorithms import FACTORIZATION_MACHINES
    from pipelines.steps.training import RECORDIO, Channel

    builder.train_and_register(
        FACTORIZATION_MACHINES,
        {"feature_dim": 784, "num_factors": 10, "predictor_type": "binary_classifier"},
        [Channel("train", "s3://bucket/train/", RECORDIO), Channel("test", "s3://bucket/test/", RECORDIO)],
        metric="test:binary_classification_accuracy",
        description="gate without its baseline",
        gate_name="CheckAccuracy",
    )
