"""Preprocessing of the UCI covertype data set for the built-in k-NN algorithm (classification of 7 cover types).

Input: covtype.data.gz (gzip) or covtype.data, or a folder of such files (read in name order): headerless CSV rows
of 55 integers, 54 features (10 quantities, 4 wilderness-area and 40 soil-type indicators) then Cover_Type 1..7.
Output: train/ and test/ (a seeded shuffle; floor(rows * --test-fraction) rows to test, the rest to train), as
RecordIO-protobuf or CSV (no header, label first, integers as read). Labels become 0..6, class ids counted from 0.
This deviates from the k-NN example notebook (amazon-sagemaker-examples, introduction_to_amazon_algorithms/
k_nearest_neighbors_covtype), which keeps Cover_Type as 1..7 (`labels = raw[:, -1]`): class ids from 0 are the
convention of the other built-in classifiers (XGBoost and Linear Learner require it), and k-NN needs no particular
numbering, as it predicts the label values of the neighbours (the most frequent one): predictions come back as 0..6
too, Cover_Type - 1.

--baseline test:accuracy (optional; k-NN's classifier metric) also writes DIR/baseline/baseline.json
(shared.baselines): the accuracy on the test split of always answering that split's most frequent label (0..6, as
written), the trivial model the pipeline's quality gate requires k-NN to beat. Without it, no baseline folder.

--max-bytes (default 1 GiB, per file, after decompression) and --max-line-length (default 10,000 characters) bound
what a file may hold: beyond them the job fails naming the file (and the row), instead of exhausting the memory.

The real file has 581,012 rows: a fast path checks each line with one regular expression and parses all of them
with numpy; if a line fails it, a row-by-row pass finds and names the bad row and field.
"""

import argparse
import gzip
import re
import zlib
from collections.abc import Sequence

import numpy as np
from shared.baselines import check_metric
from shared.bounded_input import open_bounded
from shared.cli import run
from shared.errors import InputError
from shared.inputs import list_input_files
from shared.limits import GIB, check_line_length, limit_argument
from shared.tabular import (
    fraction,
    parse_train_test_args,
    split_label_baseline,
    split_summary,
    train_test_sizes,
    write_shuffled_arrays,
)

FEATURES = (
    "Elevation",
    "Aspect",
    "Slope",
    "Horizontal_Distance_To_Hydrology",
    "Vertical_Distance_To_Hydrology",
    "Horizontal_Distance_To_Roadways",
    "Hillshade_9am",
    "Hillshade_Noon",
    "Hillshade_3pm",
    "Horizontal_Distance_To_Fire_Points",
    *(f"Wilderness_Area{number}" for number in range(1, 5)),
    *(f"Soil_Type{number}" for number in range(1, 41)),
)
LABEL = "Cover_Type"
FIELDS = (*FEATURES, LABEL)
CLASSES = range(1, 8)
SPLITS = ("train", "test")
BASELINE_METRICS = ("test:accuracy",)  # --baseline: k-NN (predictor_type classifier) reports test:accuracy
MAX_DIGITS = 7  # |value| < 10**7 < 2**24: exact as the float32 of RecordIO
_VALUE = rf"-?[0-9]{{1,{MAX_DIGITS}}}"
FAST_ROW = re.compile(rf"(?:{_VALUE},){{{len(FEATURES)}}}[1-7]")
INTEGER = re.compile(r"-?[0-9]+")
# The real covtype.data is about 75 MB (UCI Covertype: 581,012 rows of 55 integers, about 130 characters each;
# the examples bucket's covtype.data.gz about 11 MB). Reading stops, with an error, at 1 GiB: room to spare for the
# real file, and a gzip bomb costs no more than that in memory.
DEFAULT_MAX_BYTES = GIB
# The longest valid line without padding is 54 * len("-9999999,") + 1 = 487 characters (MAX_DIGITS); real ones are
# about 130. Lines are checked against this after reading, so the byte limit is what bounds the memory.
DEFAULT_MAX_LINE_LENGTH = 10_000


def main(argv: Sequence[str]) -> int:
    return run(_main, argv)


def _main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    files = list_input_files(args.input)
    rows = np.concatenate([read_covtype_file(path, args.max_bytes, args.max_line_length) for path in files])
    features, labels = rows[:, : len(FEATURES)], rows[:, len(FEATURES)] - 1  # classes 1..7 -> 0..6
    sizes = dict(zip(SPLITS, train_test_sizes(len(rows), args.test_fraction, source=args.input), strict=True))
    baseline = split_label_baseline(args.baseline, labels)
    written = write_shuffled_arrays(
        args.output_dir, sizes, features, labels, seed=args.seed, fmt=args.format, baseline=baseline
    )
    print(split_summary("covtype", len(rows), len(files), sizes, args.format))
    if written is not None:
        print(written.summary("covtype"))
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="covtype", description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="covtype.data(.gz), or a folder of such files")
    parser.add_argument("--output-dir", required=True, help="gets train/ and test/ subfolders")
    parser.add_argument("--format", required=True, choices=("recordio", "csv"))
    parser.add_argument("--baseline", metavar="METRIC", help="also write baseline/baseline.json; only test:accuracy")
    limit_argument(parser, "--max-bytes", DEFAULT_MAX_BYTES, "bytes read per file, after decompression")
    limit_argument(parser, "--max-line-length", DEFAULT_MAX_LINE_LENGTH, "characters per line")
    args = parse_train_test_args(parser, argv, test=fraction("0.1"), seed=0)
    check_metric(parser, args.baseline, BASELINE_METRICS, SPLITS)
    return args


def read_covtype_file(
    path: str, max_bytes: int = DEFAULT_MAX_BYTES, max_line_length: int = DEFAULT_MAX_LINE_LENGTH
) -> np.ndarray:
    """The file's rows as an int64 array (n, 55), labels still 1..7."""
    lines = read_lines(path, max_bytes)
    for number, line in enumerate(lines, start=1):
        check_line_length(line, max_line_length, file=path, row=number)
    if all(FAST_ROW.fullmatch(line) for line in lines):
        return np.loadtxt(lines, dtype=np.int64, delimiter=",", ndmin=2)
    return np.array([parse_row(line, path, number) for number, line in enumerate(lines, start=1)], dtype=np.int64)


def read_lines(path: str, max_bytes: int) -> list[str]:
    """The text lines of a plain or gzip'd file, without trailing blank lines; no data rows is an InputError."""
    with open_bounded(path, max_bytes) as file:  # gunzipped by content (gzip's magic number), not by file name
        try:
            data = file.read()
        except EOFError:
            raise InputError("truncated gzip file (it ends before its end-of-stream marker)", file=path) from None
        except (gzip.BadGzipFile, zlib.error) as exc:
            raise InputError(f"not a valid gzip file: {exc}", file=path) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=path) from None
    lines = text.replace("\r\n", "\n").split("\n")  # not splitlines(): see shared.inputs.read_csv_rows
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise InputError("no data rows", file=path)
    return lines


def parse_row(line: str, path: str, number: int) -> list[int]:
    """One line -> 55 integers, or an InputError naming the row and field (the slow path)."""
    cells = [cell.strip() for cell in line.split(",")]
    if len(cells) != len(FIELDS):
        raise InputError(f"expected {len(FIELDS)} fields, got {len(cells)}", file=path, row=number)
    values = []
    for field, cell in zip(FIELDS, cells, strict=True):
        if not INTEGER.fullmatch(cell):
            raise InputError(f"not an integer: {cell!r}", file=path, row=number, field=field)
        value = int(cell)
        if abs(value) >= 10**MAX_DIGITS:
            message = f"out of range: {cell!r} (at most {MAX_DIGITS} digits)"
            raise InputError(message, file=path, row=number, field=field)
        values.append(value)
    if values[-1] not in CLASSES:
        raise InputError(f"cover type {cells[-1]!r} is outside 1..7", file=path, row=number, field=LABEL)
    return values
