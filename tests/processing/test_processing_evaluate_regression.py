"""processing/evaluate_regression.py with a real, small XGBoost model, run as the job runs it."""

import contextlib
import io
import json
import math
import os
import pickle
import statistics
import subprocess
import tarfile
import warnings
from pathlib import Path

import evaluate_regression
import numpy as np
import pytest
import xgboost
from processing_testlib import assert_input_error, files_under

FEATURES = 10  # the abalone layout: 3 one-hot columns and 7 measurements


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(3)
    features = rng.uniform(0, 2, size=(120, FEATURES))
    labels = np.round(3 * features[:, 4] - features[:, 6] + rng.normal(0, 0.3, size=120), 3)
    return labels, features


@pytest.fixture(scope="module")
def booster(data):
    labels, features = data
    train = xgboost.DMatrix(features[:80], label=labels[:80])
    return xgboost.train({"objective": "reg:squarederror", "max_depth": 3, "seed": 1}, train, num_boost_round=5)


def save_model_bytes(booster, folder: Path, how: str) -> bytes:
    """The model file's content as the built-in algorithm's containers write it: save_model or pickle."""
    if how == "pickle":
        return pickle.dumps(booster)
    path = folder / ("xgboost-model" if how == "save_model" else "model.json")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # xgboost warns that it picks UBJSON for a name without extension
        booster.save_model(str(path))
    return path.read_bytes()


def write_archive(path: Path, members: dict[str, bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return path


def write_csv(path: Path, labels, features) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [[float(label), *map(float, row)] for label, row in zip(labels, features, strict=True)]
    path.write_text("".join(",".join(map(repr, row)) + "\n" for row in rows))
    return path


@pytest.fixture
def job(tmp_path, booster, data):
    """A job's folders: model archive saved with save_model, one test file, an existing empty output folder."""
    labels, features = data
    model_bytes = save_model_bytes(booster, tmp_path, "save_model")
    write_archive(tmp_path / "model" / "model.tar.gz", {"xgboost-model": model_bytes})
    write_csv(tmp_path / "test" / "test.csv", labels[80:], features[80:])
    (tmp_path / "output").mkdir()
    return tmp_path


def evaluate(job: Path) -> subprocess.CompletedProcess:
    """The script's main() in this process, its exit code and output as a finished job's (the dispatcher's own tests
    run scripts as `python3 processing SCRIPT`): an XGBoost import per test would cost a second and a half."""
    argv = ["--model-dir", job / "model", "--test-dir", job / "test", "--output-dir", job / "output"]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = evaluate_regression.main([str(arg) for arg in argv])
    return subprocess.CompletedProcess(["evaluate_regression", *argv], code, out.getvalue(), err.getvalue())


def expected_metrics(booster, labels, features) -> dict:
    """The metrics computed independently, in plain Python, from the original booster's predictions."""
    predictions = booster.predict(xgboost.DMatrix(features)).tolist()
    errors = [prediction - label for prediction, label in zip(predictions, labels.tolist(), strict=True)]
    squared = [error * error for error in errors]
    absolute = [abs(error) for error in errors]
    mse = sum(squared) / len(squared)
    return {
        "mse": {"value": mse, "standard_deviation": statistics.pstdev(squared)},
        "rmse": {"value": math.sqrt(mse), "standard_deviation": statistics.pstdev(absolute)},
        "mae": {"value": sum(absolute) / len(absolute), "standard_deviation": statistics.pstdev(absolute)},
    }


def expected_baseline(labels) -> dict:
    """The report's baseline computed independently: always the test labels' mean, its mse their variance."""
    values = [float(label) for label in labels]
    mean = sum(values) / len(values)
    return {
        "metric": "mse",
        "value": pytest.approx(statistics.pvariance(values), rel=1e-9),
        "model": f"always the mean, {mean:.4g}",
        "split": "test",
        "records": len(values),
    }


def assert_report(job: Path, expected: dict, labels) -> None:
    assert files_under(job / "output") == [job / "output" / "evaluation.json"]
    report = json.loads((job / "output" / "evaluation.json").read_text())
    assert list(report) == ["regression_metrics", "baseline"]
    assert report["baseline"] == expected_baseline(labels)
    assert list(report["baseline"]) == ["metric", "value", "model", "split", "records"]  # baseline.json's fields
    metrics = report["regression_metrics"]
    assert set(metrics) == {"mse", "rmse", "mae"}
    for name, values in expected.items():
        assert set(metrics[name]) == {"value", "standard_deviation"}
        assert all(type(number) is float for number in metrics[name].values())
        assert metrics[name]["value"] == pytest.approx(values["value"], rel=1e-9, abs=1e-12)
        assert metrics[name]["standard_deviation"] == pytest.approx(values["standard_deviation"], rel=1e-9, abs=1e-12)


def test_save_model_without_extension_writes_ubjson(tmp_path, booster):
    # What the loader must read: xgboost 3.2 picks the format from the extension and, for none, saves UBJSON
    # (with a UserWarning). UBJSON starts with '{' like JSON, but is followed by a type marker, not a quote.
    with pytest.warns(UserWarning, match="UBJSON"):
        booster.save_model(str(tmp_path / "xgboost-model"))
    content = (tmp_path / "xgboost-model").read_bytes()
    assert content[:1] == b"{" and content[1:2] != b'"'


@pytest.mark.parametrize("how", ["save_model", "json"])
def test_metrics_match_independent_computation(job, booster, data, how):
    labels, features = data
    model_bytes = save_model_bytes(booster, job, how)
    write_archive(
        job / "model" / "model.tar.gz", {"./xgboost-model" if how == "json" else "xgboost-model": model_bytes}
    )

    result = evaluate(job)

    assert result.returncode == 0, result.stderr
    assert "40 test rows" in result.stdout
    assert_report(job, expected_metrics(booster, labels[80:], features[80:]), labels[80:])


def test_reads_every_visible_test_file(job, booster, data):
    labels, features = data
    (job / "test" / "test.csv").unlink()
    write_csv(job / "test" / "part-b.csv", labels[100:], features[100:])
    write_csv(job / "test" / "part-a.csv", labels[80:100], features[80:100])
    (job / "test" / ".manifest").write_text("not,numbers\n")

    result = evaluate(job)

    assert result.returncode == 0, result.stderr
    assert_report(job, expected_metrics(booster, labels[80:], features[80:]), labels[80:])


def test_metrics_of_a_perfect_model_are_zero(job, booster, data):
    _, features = data
    predictions = booster.predict(xgboost.DMatrix(features[80:]))
    write_csv(job / "test" / "test.csv", predictions, features[80:])

    assert evaluate(job).returncode == 0
    report = json.loads((job / "output" / "evaluation.json").read_text())
    assert report == {
        "regression_metrics": {name: {"value": 0.0, "standard_deviation": 0.0} for name in ("mse", "rmse", "mae")},
        "baseline": expected_baseline(predictions),
    }
    assert report["baseline"]["value"] > 0  # the labels vary: always answering their mean is no perfect model


def test_baseline_is_the_mse_of_always_answering_the_test_labels_mean(job, data):
    _, features = data
    write_csv(job / "test" / "test.csv", [1.0, 2.0, 3.0, 6.0] * 10, features[80:])

    result = evaluate(job)

    assert result.returncode == 0, result.stderr
    report = json.loads((job / "output" / "evaluation.json").read_text())
    # mean 3: squared errors 4, 1, 0, 9, whose mean is 3.5
    assert report["baseline"] == {
        "metric": "mse", "value": 3.5, "model": "always the mean, 3", "split": "test", "records": 40,
    }  # fmt: skip
    assert "baseline mse 3.5" in result.stdout


def replace_archive(job: Path, members: dict[str, bytes]) -> Path:
    return write_archive(job / "model" / "model.tar.gz", members)


def test_missing_archive_fails(job):
    (job / "model" / "model.tar.gz").unlink()
    assert_input_error(evaluate(job), f"{job / 'model' / 'model.tar.gz'}: model archive not found")
    assert files_under(job / "output") == []


def test_archive_without_model_file_fails(job):
    archive = replace_archive(job, {"model.json": b"{}"})
    assert_input_error(evaluate(job), f"{archive}: no file 'xgboost-model' in the archive")
    assert files_under(job / "output") == []


@pytest.mark.parametrize("name", ["../evil", "/tmp/evil", "a/../../evil"])
def test_archive_with_unsafe_member_fails(job, booster, name):
    model_bytes = (job / "xgboost-model").read_bytes()
    archive = replace_archive(job, {"xgboost-model": model_bytes, name: b"boom"})
    assert_input_error(evaluate(job), f"{archive}: unsafe member path {name!r}")
    assert files_under(job / "output") == []
    assert not (job / "evil").exists()


def test_unloadable_model_file_fails(job):
    archive = replace_archive(job, {"xgboost-model": b"not a model at all"})
    assert_input_error(evaluate(job), f"{archive}: 'xgboost-model' is not an XGBoost model file (load_model: ")
    assert files_under(job / "output") == []


class _RunsCode:
    """Unpickling this object calls os.mkdir(marker): a stand-in for a crafted model file."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return os.mkdir, (str(self.marker),)


@pytest.mark.parametrize("protocol", [0, 2, pickle.HIGHEST_PROTOCOL])
def test_pickled_booster_is_refused_not_loaded(job, booster, protocol):
    # The built-in XGBoost containers save with save_model; a pickle could run any code when loaded.
    archive = replace_archive(job, {"xgboost-model": pickle.dumps(booster, protocol=protocol)})
    line = assert_input_error(evaluate(job), f"{archive}: 'xgboost-model' is a Python pickle, which is not loaded")
    assert "save_model" in line
    assert files_under(job / "output") == []


@pytest.mark.parametrize("protocol", [0, pickle.HIGHEST_PROTOCOL])
def test_pickle_that_would_run_code_is_not_unpickled(job, tmp_path, protocol):
    marker = tmp_path / "unpickled"
    archive = replace_archive(job, {"xgboost-model": pickle.dumps(_RunsCode(marker), protocol=protocol)})
    assert_input_error(evaluate(job), f"{archive}: 'xgboost-model' is a Python pickle, which is not loaded")
    assert not marker.exists()
    assert files_under(job / "output") == []


def test_archive_that_is_not_a_tar_gz_fails(job):
    archive = job / "model" / "model.tar.gz"
    archive.write_bytes(b"plain text")
    assert_input_error(evaluate(job), f"{archive}: not a readable tar.gz archive")
    assert files_under(job / "output") == []


def test_no_test_files_fails(job):
    (job / "test" / "test.csv").unlink()
    assert_input_error(evaluate(job), f"{job / 'test'}: folder has no input files")
    assert files_under(job / "output") == []


def test_empty_test_file_fails(job):
    (job / "test" / "test.csv").write_text("\n")
    assert_input_error(evaluate(job), f"{job / 'test' / 'test.csv'}: no data rows")
    assert files_under(job / "output") == []


def test_non_numeric_cell_fails_naming_file_row_and_column(job):
    path = job / "test" / "test.csv"
    lines = path.read_text().splitlines()
    cells = lines[4].split(",")
    cells[3] = "oops"
    lines[4] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")

    assert_input_error(evaluate(job), f"{path}: row 5: field 'column 4': not a number: 'oops'")
    assert files_under(job / "output") == []


@pytest.mark.parametrize("change", [-1, 1])
def test_wrong_column_count_fails(job, change):
    path = job / "test" / "test.csv"
    lines = path.read_text().splitlines()
    cells = lines[2].split(",")
    lines[2] = ",".join(cells[:-1] if change < 0 else [*cells, "1.0"])
    path.write_text("\n".join(lines) + "\n")

    result = evaluate(job)

    message = f"row 3: expected 11 columns (label and the model's 10 features), got {11 + change}"
    assert_input_error(result, f"{path}: {message}")
    assert files_under(job / "output") == []
