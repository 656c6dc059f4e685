"""The download pattern: a Download step (fetch.py, the only step with network access) fetches each web file and
checks it against its pinned SHA-256 and size; the step that parses it reads Download's `raw` output with network
isolation on. Asserted on the compiled definitions of the five pipelines that read the web."""

import pytest

from pipelines import datasets
from pipelines.builder import fetch_source, file_name
from pipelines.usecase import WebDataset
from tests.conftest import pipeline_name

RAW = {"Get": "Steps.Download.ProcessingOutputConfig.Outputs['raw'].S3Output.S3Uri"}
INPUT_DATA_URI = {"Get": "Parameters.InputDataUri"}
# use case -> (the step that parses the download, the files Download fetches)
DOWNLOADS = {
    "movielens-object2vec": ("Preprocess", [datasets.MOVIELENS_100K]),
    "lid176-blazingtext": ("PackageModel", [datasets.LID176]),
    "cub200-object-detection": ("Preprocess", [datasets.CUB_200_2011]),
    "voc-semantic-segmentation": ("Preprocess", [datasets.PASCAL_VOC]),
    "wmt-seq2seq": ("Preprocess", list(datasets.WMT17_FILES)),
}


def job_steps(compiled, use_case: str) -> dict[str, dict]:
    steps = compiled[pipeline_name(use_case)].steps()
    return {step["Name"]: step for step in steps if step["Type"] in ("Processing", "Training", "Tuning", "Transform")}


def isolated(step: dict) -> bool:
    arguments = step["Arguments"]
    if step["Type"] == "Processing":
        return arguments["NetworkConfig"]["EnableNetworkIsolation"]
    if step["Type"] == "Tuning":
        return arguments["TrainingJobDefinition"]["EnableNetworkIsolation"]
    return arguments.get("EnableNetworkIsolation", True)  # Transform: its model's setting, checked elsewhere


@pytest.mark.parametrize("use_case", DOWNLOADS)
def test_download_is_the_only_step_with_network_access(compiled, use_case):
    steps = job_steps(compiled, use_case)
    assert [name for name, step in steps.items() if not isolated(step)] == ["Download"]
    assert steps["Download"]["Arguments"]["AppSpecification"]["ContainerArguments"][0] == "fetch"


@pytest.mark.parametrize("use_case", DOWNLOADS)
def test_the_parsing_step_reads_downloads_raw_output(compiled, use_case):
    parser, _ = DOWNLOADS[use_case]
    step = job_steps(compiled, use_case)[parser]
    inputs = {item["InputName"]: item["S3Input"] for item in step["Arguments"]["ProcessingInputs"]}
    assert inputs["raw"]["S3Uri"] == RAW
    arguments = step["Arguments"]["AppSpecification"]["ContainerArguments"]
    assert arguments[arguments.index("--input") + 1] == inputs["raw"]["LocalPath"]
    assert INPUT_DATA_URI not in arguments  # it never reads the web (or S3) itself


@pytest.mark.parametrize("use_case", DOWNLOADS)
def test_download_checks_every_file_against_its_pins(compiled, use_case):
    _, files = DOWNLOADS[use_case]
    arguments = job_steps(compiled, use_case)["Download"]["Arguments"]["AppSpecification"]["ContainerArguments"]
    checks = [arguments[i + 2 : arguments.index("--source", i + 1) if "--source" in arguments[i + 1 :] else -2]
              for i, part in enumerate(arguments) if part == "--source"]  # fmt: skip
    assert len(checks) == len(files)
    for file, given in zip(files, checks, strict=True):
        expected = [
            *(["--sha256", file.sha256] if file.sha256 else []),
            *(["--size", str(file.size)] if file.size else []),
        ]
        assert given == expected, file.url


def test_the_pinned_web_files():
    # every digest is pinned, with its source in datasets.py, except WMT17's: none is published
    pinned = [datasets.MOVIELENS_100K, datasets.LID176, datasets.CUB_200_2011, datasets.PASCAL_VOC]
    assert all(file.sha256 and len(file.sha256) == 64 for file in pinned)
    assert [file.sha256 for file in datasets.WMT17_FILES] == [None, None, None]


def test_wmt_files_are_joined_to_the_input_folder(compiled):
    arguments = job_steps(compiled, "wmt-seq2seq")["Download"]["Arguments"]["AppSpecification"]["ContainerArguments"]
    sources = [arguments[i + 1] for i, part in enumerate(arguments) if part == "--source"]
    names = ["corpus.tc.en.gz", "corpus.tc.de.gz", "dev.tgz"]
    assert sources == [{"Std:Join": {"On": "", "Values": [INPUT_DATA_URI, name]}} for name in names]


def test_a_file_outside_the_datasets_folder_fails_the_synth():
    folder = WebDataset("https://data.example.org/set/")
    assert file_name(folder, WebDataset("https://data.example.org/set/a.gz")) == "a.gz"
    for url in ("https://data.example.org/other/a.gz", "https://data.example.org/set/sub/a.gz"):
        with pytest.raises(ValueError, match="is not a file in the folder"):
            file_name(folder, WebDataset(url))


def test_fetch_arguments_of_an_unpinned_file():
    assert fetch_source("s3://b/k", WebDataset("https://x/k")) == ["--source", "s3://b/k"]
