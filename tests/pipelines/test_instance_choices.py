"""Instance-type parameters: their allowed values, and the volume key that goes with them, also after the
deployment's instance_families swap.

SageMaker refuses a VolumeKmsKeyId on instance types with local NVMe storage ("You can't request a VolumeKmsKeyId
when using an instance type with local storage", API reference ResourceConfig): a definition must leave the key out
exactly where its instance type has local storage, and its parameter must not offer a type of the other kind.
"""

import pytest

from pipelines import contract_check, instances
from pipelines.compiler import DefinitionError, compile_pipeline
from pipelines.options import BuildOptions
from pipelines.registry import get
from tests.conftest import PREFIX, REGION

KEY = "${KmsKeyArn}"


def parameters(pipeline) -> dict:
    return {p["Name"]: p for p in pipeline.document["Parameters"]}


def training_resources(pipeline) -> dict:
    step = next(s for s in pipeline.steps() if s["Type"] in ("Training", "Tuning"))
    arguments = step["Arguments"]
    return (arguments if step["Type"] == "Training" else arguments["TrainingJobDefinition"])["ResourceConfig"]


@pytest.mark.parametrize(
    ("family", "local_storage"),
    [("g4dn", True), ("g5", True), ("p4d", True), ("p3dn", True), ("m5d", True), ("r5d", True), ("c6id", True),
     ("m5", False), ("c5", False), ("r5", False), ("m6i", False), ("p2", False), ("p3", False), ("t3", False)],
)  # fmt: skip
def test_local_storage_follows_the_ec2_family_names(family, local_storage):
    # API ResourceConfig names ml.p4d, ml.g4dn and ml.g5 as NVMe families; EC2 marks the others with a "d".
    assert instances.has_local_storage(f"ml.{family}.xlarge") is local_storage


def test_every_instance_type_parameter_lists_types_of_one_storage_kind(compiled):
    for pipeline in compiled.values():
        for name, parameter in parameters(pipeline).items():
            if name.endswith("InstanceType"):
                allowed = parameter["EnumValues"]
                assert parameter["DefaultValue"] in allowed, (pipeline.name, name)
                assert len({instances.has_local_storage(t) for t in allowed}) == 1, (pipeline.name, name)


def test_the_gpu_pipelines_train_on_local_nvme_without_a_volume_key(compiled):
    for name in ("caltech256-image-classification", "cub200-object-detection", "voc-semantic-segmentation",
                 "wmt-seq2seq"):  # fmt: skip
        pipeline = compiled[f"{PREFIX}-{name}"]
        allowed = parameters(pipeline)["TrainingInstanceType"]["EnumValues"]
        assert {instances.family(t) for t in allowed} == {"g4dn", "g5"}, name
        assert "VolumeKmsKeyId" not in training_resources(pipeline), name


def test_a_cpu_only_algorithm_is_offered_no_gpu(compiled):
    allowed = parameters(compiled[f"{PREFIX}-lda-topics"])["TrainingInstanceType"]["EnumValues"]
    assert allowed and not any(instances.is_gpu(t) for t in allowed)  # LDA: CPU only (DG lda)


def test_processing_types_also_run_the_batch_transforms(compiled):
    allowed = parameters(compiled[f"{PREFIX}-census-kmeans"])["ProcessingInstanceType"]["EnumValues"]
    assert all(t in instances.offered("transform") and t in instances.offered("processing") for t in allowed)
    assert "ml.r5.large" not in allowed  # SageMaker offers r5 for processing but not for batch transform


def test_a_swap_to_another_local_nvme_family_keeps_the_key_off():
    pipeline = compile_pipeline(get("caltech256-image-classification"), REGION, PREFIX, swap({"g4dn": "g5"}))
    assert parameters(pipeline)["TrainingInstanceType"]["DefaultValue"] == "ml.g5.xlarge"
    assert "VolumeKmsKeyId" not in training_resources(pipeline)


def test_a_swap_to_an_ebs_gpu_family_sets_the_key_and_offers_ebs_types_only():
    pipeline = compile_pipeline(get("deepar-synthetic"), REGION, PREFIX, swap({"c5": "p3"}))
    parameter = parameters(pipeline)["TrainingInstanceType"]
    assert parameter["DefaultValue"] == "ml.p3.2xlarge"
    assert training_resources(pipeline)["VolumeKmsKeyId"] == KEY
    assert not any(instances.has_local_storage(t) for t in parameter["EnumValues"])


def test_a_swap_to_a_local_nvme_cpu_family_drops_the_processing_key():
    pipeline = compile_pipeline(get("abalone-xgboost"), REGION, PREFIX, swap({"m5": "r5d"}))
    preprocess = next(s for s in pipeline.steps() if s["Name"] == "Preprocess")
    assert "VolumeKmsKeyId" not in preprocess["Arguments"]["ProcessingResources"]["ClusterConfig"]
    assert parameters(pipeline)["ProcessingInstanceType"]["DefaultValue"] == "ml.r5d.large"


def test_a_swap_to_a_type_sagemaker_does_not_offer_stops_the_compile():
    # g4dn.xlarge -> p3.xlarge: sizes are kept, and there is no ml.p3.xlarge.
    with pytest.raises(DefinitionError, match=r"caltech256-image-classification: instance type ml\.p3\.xlarge is not"):
        compile_pipeline(get("caltech256-image-classification"), REGION, PREFIX, swap({"g4dn": "p3"}))


def test_a_swap_to_a_family_the_algorithm_does_not_train_on_stops_the_compile():
    with pytest.raises(DefinitionError, match=r"lda-topics: instance type ml\.p3\.2xlarge is not one its training"):
        compile_pipeline(get("lda-topics"), REGION, PREFIX, swap({"c5": "p3"}))


def test_every_swapped_definition_passes_its_contracts():
    pipeline = compile_pipeline(get("wmt-seq2seq"), REGION, PREFIX, swap({"g4dn": "g5", "m5": "m6i"}))
    assert parameters(pipeline)["ProcessingInstanceType"]["DefaultValue"] == "ml.m6i.xlarge"
    # compile_pipeline ran the contract check; run it again on the definition to be explicit
    assert contract_check.check(pipeline.name, pipeline.document, pipeline.step_algorithms, image_of) == []


def image_of(algorithm):
    from pipelines.context import PipelineContext

    return PipelineContext(region=REGION, prefix=PREFIX, use_case="images").algorithm_image(algorithm)


def swap(families: dict) -> BuildOptions:
    return BuildOptions(instance_families=tuple(families.items()))
