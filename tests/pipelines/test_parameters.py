"""The pipelines' parameters across deployments, which the goldens (one region, one prefix) cannot show: defaults
that follow the region, descriptions, tuning parameters only where a step tunes, and regions an image is not
published in."""

import pytest

from pipelines.compiler import compile_pipeline
from pipelines.context import ImageUnavailableError
from pipelines.registry import get
from tests.conftest import PREFIX


def parameters_of(pipeline) -> dict:
    return {p["Name"]: p for p in pipeline.document["Parameters"]}


def test_dataset_and_images_follow_the_region():
    eu = compile_pipeline(get("abalone-xgboost"), "eu-west-1", PREFIX)
    assert parameters_of(eu)["InputDataUri"]["DefaultValue"].startswith("s3://sagemaker-example-files-prod-eu-west-1/")
    assert all("eu-west-1" in image for image in eu.images())


def test_every_parameter_is_described(compiled):
    for pipeline in compiled.values():
        for parameter in pipeline.document["Parameters"]:
            assert len(parameter["Description"]) > 20, (pipeline.name, parameter["Name"])


def test_only_tuning_pipelines_have_tuning_parameters(compiled):
    for name, pipeline in compiled.items():
        has_tuning = any(step["Type"] == "Tuning" for step in pipeline.steps())
        assert ("MaxTuningJobs" in parameters_of(pipeline)) == has_tuning, name


def test_lda_refuses_a_region_without_its_image():
    with pytest.raises(ImageUnavailableError, match="no lda:1 image in region sa-east-1"):
        compile_pipeline(get("lda-topics"), "sa-east-1", PREFIX)
