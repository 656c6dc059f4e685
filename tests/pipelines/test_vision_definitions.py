"""Image Classification, Object Detection and Semantic Segmentation: preprocessing in the PyTorch image (Pillow),
channels and content types (developer guide), counts read from the preprocessing step's stats.json into the required
hyperparameters, GPU training with checkpoints, the gates' metrics and the registered content types."""

import pytest

from pipelines.steps.processing import PYTORCH_IMAGE_OPTIONS, PYTORCH_VERSION

NAMES = (
    "sm-algo-caltech256-image-classification",
    "sm-algo-cub200-object-detection",
    "sm-algo-voc-semantic-segmentation",
)
CASES = {
    # pipeline: (script, download step?, channels -> content type, gate metric, registered content types)
    "sm-algo-caltech256-image-classification": (
        "caltech256", False,
        dict.fromkeys(("train", "validation", "train_lst", "validation_lst"), "application/x-image"),
        "validation:accuracy", ["image/jpeg", "image/png", "application/x-image"]),
    "sm-algo-cub200-object-detection": (
        "cub200", True,
        dict.fromkeys(("train", "validation", "train_annotation", "validation_annotation"), "image/jpeg"),
        "validation:mAP", ["image/jpeg", "image/png", "application/x-image"]),
    "sm-algo-voc-semantic-segmentation": (
        "voc_segmentation", True,
        dict.fromkeys(("train", "validation", "train_annotation", "validation_annotation", "label_map")),
        "validation:mIOU", ["image/jpeg"]),
}  # fmt: skip
GPU_FAMILIES = ("ml.g4dn.", "ml.g5.", "ml.p3.")


def steps_of(compiled, name):
    return {step["Name"]: step for step in compiled[name].steps()}


def stats_count(key):
    """A count of the Preprocess step's stats.json, as a string (hyperparameters are strings)."""
    path = {"Path": key, "PropertyFile": {"Get": "Steps.Preprocess.PropertyFiles.DatasetStats"}}
    return {"Std:Join": {"On": "", "Values": [{"Std:JsonGet": path}]}}


@pytest.mark.parametrize("name", NAMES)
def test_preprocessing_runs_in_the_pytorch_image_and_writes_stats(compiled, name):
    script, download, channels, _, _ = CASES[name]
    steps = steps_of(compiled, name)
    preprocess = steps["Preprocess"]["Arguments"]
    image = preprocess["AppSpecification"]["ImageUri"]
    assert image.endswith(f"/pytorch-training:{PYTORCH_VERSION}-cpu-{PYTORCH_IMAGE_OPTIONS['py_version']}")
    assert preprocess["AppSpecification"]["ContainerArguments"][:3] == [
        script,
        "--input",
        "/opt/ml/processing/input/raw",
    ]
    assert preprocess["NetworkConfig"]["EnableNetworkIsolation"] is True
    outputs = {o["OutputName"] for o in preprocess["ProcessingOutputConfig"]["Outputs"]}
    baseline = name != "sm-algo-cub200-object-detection"  # mAP's trivial score is 0 on any data
    assert outputs == {*channels, "stats", *(["baseline"] if baseline else [])}
    stats = {"PropertyFileName": "DatasetStats", "OutputName": "stats", "FilePath": "stats.json"}
    reports = [stats, {"PropertyFileName": "Baseline", "OutputName": "baseline", "FilePath": "baseline.json"}]
    assert steps["Preprocess"]["PropertyFiles"] == reports[: 1 + baseline]
    inputs = {i["InputName"]: i["S3Input"]["S3Uri"] for i in preprocess["ProcessingInputs"]}
    if download:
        assert steps["Download"]["Arguments"]["AppSpecification"]["ContainerArguments"][:3] == [
            "fetch", "--source", {"Get": "Parameters.InputDataUri"}]  # fmt: skip
        assert inputs["raw"] == {"Get": "Steps.Download.ProcessingOutputConfig.Outputs['raw'].S3Output.S3Uri"}
    else:
        assert "Download" not in steps and inputs["raw"] == {"Get": "Parameters.InputDataUri"}


@pytest.mark.parametrize("name", NAMES)
def test_training_channels_counts_gpu_spot_and_checkpoints(compiled, name):
    _, _, channels, _, _ = CASES[name]
    train = steps_of(compiled, name)["Train"]["Arguments"]
    assert {c["ChannelName"]: c.get("ContentType") for c in train["InputDataConfig"]} == channels
    hyperparameters = train["HyperParameters"]
    assert hyperparameters["num_classes"] == stats_count("num_classes")
    assert hyperparameters["num_training_samples"] == stats_count("num_training_samples")
    assert train["EnableManagedSpotTraining"] is True
    assert train["CheckpointConfig"]["LocalPath"] == "/opt/ml/checkpoints"
    assert train["ResourceConfig"]["VolumeSizeInGB"] == 50
    parameters = {p["Name"]: p for p in compiled[name].document["Parameters"]}
    assert parameters["TrainingInstanceType"]["DefaultValue"].startswith(GPU_FAMILIES)
    if name == "sm-algo-voc-semantic-segmentation":  # one machine only (DG): no count parameter, one instance
        assert "TrainingInstanceCount" not in parameters and train["ResourceConfig"]["InstanceCount"] == 1
    else:
        assert parameters["TrainingInstanceCount"]["DefaultValue"] == 1


@pytest.mark.parametrize("name", NAMES)
def test_gate_metric_and_registered_content_types(compiled, name):
    _, _, _, metric, content_types = CASES[name]
    gate = next(step for step in compiled[name].steps() if step["Type"] == "Condition")
    condition, *beats_baseline = gate["Arguments"]["Conditions"]
    assert condition["LeftValue"] == {"Get": f"Steps.Train.FinalMetricDataList['{metric}'].Value"}
    assert condition["Type"] == "GreaterThanOrEqualTo"
    if name != "sm-algo-cub200-object-detection":  # the majority class / the most frequent pixel class
        (beats,) = beats_baseline
        assert (beats["LeftValue"], beats["Type"]) == (condition["LeftValue"], "GreaterThan")
        assert beats["RightValue"]["Std:JsonGet"]["PropertyFile"] == {"Get": "Steps.Preprocess.PropertyFiles.Baseline"}
    register = next(step for step in gate["Arguments"]["IfSteps"] if step["Type"] == "RegisterModel")
    spec = register["Arguments"]["InferenceSpecification"]
    assert spec["SupportedContentTypes"] == content_types
    assert "ml.c5.xlarge" in spec["SupportedRealtimeInferenceInstanceTypes"]  # CPU hosting is enough


def test_transfer_learning_is_a_parameter_with_a_224_pixel_input(compiled):
    name = "sm-algo-caltech256-image-classification"
    hyperparameters = steps_of(compiled, name)["Train"]["Arguments"]["HyperParameters"]
    assert hyperparameters["use_pretrained_model"] == {"Get": "Parameters.UsePretrainedModel"}
    # pretrained networks take only 224 x 224 (DG IC-Hyperparameter); resize must exceed the shape
    assert hyperparameters["image_shape"] == "3,224,224" and int(hyperparameters["resize"]) > 224
    assert int(hyperparameters["num_layers"]) in (18, 34, 50, 101, 152, 200)
    parameters = {p["Name"]: p for p in compiled[name].document["Parameters"]}
    assert parameters["UsePretrainedModel"]["DefaultValue"] == "1"
    assert parameters["UsePretrainedModel"]["EnumValues"] == ["0", "1"]
    # full training needs more epochs than transfer learning: the count is a parameter too
    assert hyperparameters["epochs"] == {"Get": "Parameters.Epochs"} and parameters["Epochs"]["DefaultValue"] == "6"
    arguments = steps_of(compiled, name)["Preprocess"]["Arguments"]["AppSpecification"]["ContainerArguments"]
    assert arguments[-6:] == ["--train-per-class", "60", "--seed", "0", "--baseline", "validation:accuracy"]


def test_detection_and_segmentation_settings(compiled):
    detection = steps_of(compiled, "sm-algo-cub200-object-detection")
    arguments = detection["Preprocess"]["Arguments"]["AppSpecification"]["ContainerArguments"]
    assert arguments[-2:] == ["--classes", {"Get": "Parameters.Classes"}]
    hyperparameters = detection["Train"]["Arguments"]["HyperParameters"]
    assert hyperparameters["base_network"] == "resnet-50" and hyperparameters["image_shape"] == "512"
    assert int(hyperparameters["label_width"]) >= 5 * 1 + 2  # one box per CUB image (DG: 5 x boxes + 2)
    segmentation = steps_of(compiled, "sm-algo-voc-semantic-segmentation")
    arguments = segmentation["Preprocess"]["Arguments"]["AppSpecification"]["ContainerArguments"]
    assert arguments[-4:] == ["--max-images", {"Get": "Parameters.MaxImages"}, "--baseline", "validation:mIOU"]
    hyperparameters = segmentation["Train"]["Arguments"]["HyperParameters"]
    assert hyperparameters["backbone"] == "resnet-50" and hyperparameters["algorithm"] == "fcn"
    assert hyperparameters["crop_size"] == "240"
    # early stopping can act only before the last epoch (NB15 sets its minimum equal to epochs: it never stops)
    assert int(hyperparameters["early_stopping_min_epochs"]) < int(hyperparameters["epochs"])
    assert hyperparameters["early_stopping"] == "True" and hyperparameters["use_pretrained_model"] == "True"
