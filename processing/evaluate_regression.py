"""Evaluation of a built-in XGBoost regression model on a test set, as a Model Registry model-quality report.

Reads MODEL_DIR/model.tar.gz (a training job's output, with the model in `xgboost-model`) and the test CSV files
(no header, label first), and writes OUTPUT_DIR/evaluation.json with mse, rmse and mae ("regression_metrics"), and
"baseline": the mse of the trivial model, always answering the test labels' mean (their variance), with the same
fields as a preprocessing script's baseline.json (shared.baselines): {"metric": "mse", "value": ..., "model":
"always the mean, ...", "split": "test", "records": n}. The pipeline's quality gate reads baseline.value and
requires the model's mse to be below it.
"""

import argparse
import dataclasses
import math
import os
import pickletools
import posixpath
import shutil
import tarfile
import tempfile
import warnings
import zlib
from collections.abc import Sequence

import numpy as np
import xgboost
from shared import baselines
from shared.archives import member_file
from shared.cli import run
from shared.errors import InputError
from shared.inputs import list_input_files, read_csv_rows
from shared.numbers import parse_decimal
from shared.outputs import staged_outputs, write_json

MODEL_ARCHIVE = "model.tar.gz"
MODEL_FILE = "xgboost-model"  # the name the built-in algorithm gives its model inside the archive
REPORT_FILE = "evaluation.json"
BASELINE_METRIC = "mse"  # the regression_metrics entry the baseline is comparable with


def main(argv: Sequence[str]) -> int:
    return run(_main, argv)


def _main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    archive = os.path.join(args.model_dir, MODEL_ARCHIVE)
    with tempfile.TemporaryDirectory() as scratch:
        booster = load_booster(extract_model(archive, scratch), archive)
    labels, features = read_test_data(args.test_dir, booster.num_features())
    predictions = booster.predict(xgboost.DMatrix(features)).astype(np.float64)
    report = {**regression_report(labels, predictions), "baseline": baseline_document(labels)}
    with staged_outputs({"evaluation": args.output_dir}) as staging:
        write_json(os.path.join(staging["evaluation"], REPORT_FILE), report)
    metrics = ", ".join(f"{name} {metric['value']:.6g}" for name, metric in report["regression_metrics"].items())
    baseline = report["baseline"]
    print(f"evaluate_regression: {len(labels)} test rows; {metrics}; baseline mse {baseline['value']:.6g}")
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="evaluate_regression", description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", required=True, help=f"folder with {MODEL_ARCHIVE}")
    parser.add_argument("--test-dir", required=True, help="folder of test CSV files (label first, no header)")
    parser.add_argument("--output-dir", required=True, help=f"gets {REPORT_FILE}")
    return parser.parse_args(argv)


def extract_model(archive: str, folder: str) -> str:
    """Copies the model file out of the archive into folder; returns its path.

    Only that one regular file is written, so links or odd members cannot place anything elsewhere; an archive
    with absolute or '..' member paths is rejected all the same, as it was not written by a training job.
    """
    if not os.path.isfile(archive):
        raise InputError("model archive not found", file=archive)
    try:
        with tarfile.open(archive, "r:*") as tar:
            members = tar.getmembers()
            for member in members:
                check_member_path(member.name, archive)
            model = next((m for m in members if m.isfile() and posixpath.normpath(m.name) == MODEL_FILE), None)
            if model is None:
                raise InputError(f"no file '{MODEL_FILE}' in the archive", file=archive)
            path = os.path.join(folder, MODEL_FILE)
            with member_file(tar, model) as source, open(path, "wb") as target:
                shutil.copyfileobj(source, target)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:  # gzip.BadGzipFile is an OSError
        raise InputError(f"not a readable tar.gz archive ({exc})", file=archive) from None
    return path


def check_member_path(name: str, archive: str) -> None:
    if name.startswith("/") or ".." in name.split("/"):
        raise InputError(f"unsafe member path {name!r} in the archive", file=archive)


def load_booster(path: str, archive: str) -> xgboost.Booster:
    """The model as the built-in containers save it since 1.3-1: Booster.save_model (UBJSON, JSON or the older
    binary format), read by xgboost's own parser. A pickle is refused, never unpickled: unpickling runs whatever
    code the file names, and the archive is a job artifact anyone with write access to the bucket can replace."""
    booster = xgboost.Booster()
    try:
        with warnings.catch_warnings():
            # The file name has no extension, so xgboost guesses the format from the content and warns about it.
            warnings.filterwarnings("ignore", message=r".*Unknown file format", category=UserWarning)
            booster.load_model(path)
        return booster
    except Exception as exc:  # XGBoostError, but e.g. UnicodeDecodeError when given a pickle
        load_error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if is_pickle(path):
        message = "is a Python pickle, which is not loaded (unpickling runs code from the file): use save_model"
        raise InputError(f"'{MODEL_FILE}' {message}", file=archive)
    raise InputError(f"'{MODEL_FILE}' is not an XGBoost model file (load_model: {load_error})", file=archive)


def is_pickle(path: str) -> bool:
    """Whether the file is one complete pickle, told by pickletools' opcode parser, which executes nothing."""
    try:
        with open(path, "rb") as file:
            for opcode, _, _ in pickletools.genops(file):
                if opcode.name == "STOP":
                    return file.read(1) == b""
    except Exception:  # genops raises ValueError on bad opcodes, but a malformed argument can raise others too
        return False
    return False


def read_test_data(test_dir: str, num_features: int) -> tuple[np.ndarray, np.ndarray]:
    """Labels and feature matrix of all test files; every row must have the label plus the model's features."""
    rows = []
    for path in list_input_files(test_dir):
        for number, cells in read_csv_rows(path):
            if len(cells) != num_features + 1:
                message = f"expected {num_features + 1} columns (label and the model's {num_features} features)"
                raise InputError(f"{message}, got {len(cells)}", file=path, row=number)
            rows.append([parse_cell(text, path, number, column) for column, text in enumerate(cells, start=1)])
    data = np.array(rows, dtype=np.float64)
    return data[:, 0], data[:, 1:]


def parse_cell(text: str, path: str, number: int, column: int) -> float:
    try:
        return parse_decimal(text)
    except ValueError as exc:
        raise InputError(str(exc), file=path, row=number, field=f"column {column}") from None


def regression_report(labels: np.ndarray, predictions: np.ndarray) -> dict:
    """The Model Registry model-quality layout, {"regression_metrics": {name: {value, standard_deviation}}}.

    The registry asks for a standard deviation per metric. mse is a mean of squared errors, so its standard
    deviation is that of the squared errors; rmse and mae are on the scale of the absolute errors, so theirs is
    the standard deviation of the absolute errors. Population standard deviations (ddof=0), like np.std.
    """
    errors = predictions - labels
    squared = errors**2
    absolute = np.abs(errors)
    mse = float(np.mean(squared))
    return {
        "regression_metrics": {
            "mse": metric(mse, np.std(squared)),
            "rmse": metric(math.sqrt(mse), np.std(absolute)),
            "mae": metric(np.mean(absolute), np.std(absolute)),
        }
    }


def metric(value: float, standard_deviation: float) -> dict[str, float]:
    # float(): numpy scalars are not JSON serialisable.
    return {"value": float(value), "standard_deviation": float(standard_deviation)}


def baseline_document(labels: np.ndarray) -> dict:
    """The report's "baseline": shared.baselines' fields for the mse of always answering the test labels' mean."""
    value, model = baselines.mean_squared_error(labels)
    document = dataclasses.asdict(baselines.Baseline(BASELINE_METRIC, value, model, "test", len(labels)))
    document["value"] = float(value)  # as Baseline.write: a plain float for JSON
    return document
