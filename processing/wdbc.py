"""Preprocessing of the UCI breast cancer Wisconsin (diagnostic) data set for the built-in Linear Learner.

Input: wdbc.data / wdbc.csv, or a folder of such files (read in name order): headerless rows of an id, the diagnosis
(M or B) and 30 features (mean, standard error and worst value of 10 cell-nucleus measurements). Output: train/,
validation/ and test/ (a seeded shuffle; floor(rows * fraction) rows to train and validation, the rest to test), as
RecordIO-protobuf or CSV (no header, label first). Label 1 for malignant (M), 0 for benign (B); the id is dropped.

--baseline METRIC (optional) also writes DIR/baseline/baseline.json (shared.baselines), the score of the trivial
model on METRIC's split (its channel: validation or test), for the pipeline's quality gate to require more than.
METRIC, a Linear Learner metric name: CHANNEL:binary_classification_accuracy, the accuracy of always answering the
split's majority label (in the real data, always 0: benign, about 63% of rows), or CHANNEL:binary_f_beta, the F1
of always answering 1 (malignant; 2p / (1 + p), p the split's share of 1s). Without it, no baseline folder.
"""

import argparse
from collections.abc import Sequence

import numpy as np
from shared.baselines import check_metric
from shared.cli import run
from shared.errors import InputError
from shared.inputs import field_parser, list_input_files, read_csv_rows
from shared.numbers import parse_count, parse_decimal
from shared.tabular import (
    SPLITS,
    fraction,
    parse_split_args,
    split_label_baseline,
    split_sizes,
    split_summary,
    write_shuffled_arrays,
)

MEASUREMENTS = (
    "radius",
    "texture",
    "perimeter",
    "area",
    "smoothness",
    "compactness",
    "concavity",
    "concave_points",
    "symmetry",
    "fractal_dimension",
)
FEATURES = tuple(f"{name}_{statistic}" for statistic in ("mean", "se", "worst") for name in MEASUREMENTS)
FIELDS = ("id", "diagnosis", *FEATURES)
DIAGNOSES = {"M": 1.0, "B": 0.0}  # label 1 = malignant
FLOAT32_MAX = float(np.finfo(np.float32).max)
# --baseline: the metrics Linear Learner (binary_classifier) reports on the validation and test channels
BASELINE_METRICS = tuple(
    f"{split}:{name}"
    for split in ("validation", "test")
    for name in ("binary_classification_accuracy", "binary_f_beta")
)


def main(argv: Sequence[str]) -> int:
    return run(_main, argv)


def _main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    files = list_input_files(args.input)
    rows = read_rows(files)
    labels = np.array([label for label, _ in rows], dtype=np.float32)
    features = np.array([values for _, values in rows], dtype=np.float32)
    counts = split_sizes(len(rows), args.train_fraction, args.validation_fraction, source=args.input)
    sizes = dict(zip(SPLITS, counts, strict=True))
    baseline = split_label_baseline(args.baseline, labels)
    written = write_shuffled_arrays(
        args.output_dir, sizes, features, labels, seed=args.seed, fmt=args.format, baseline=baseline
    )
    print(split_summary("wdbc", len(rows), len(files), sizes, args.format))
    if written is not None:
        print(written.summary("wdbc"))
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="wdbc", description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="wdbc.data or wdbc.csv, or a folder of such files")
    parser.add_argument("--output-dir", required=True, help="gets train/, validation/ and test/ subfolders")
    parser.add_argument("--format", required=True, choices=("recordio", "csv"))
    parser.add_argument(
        "--baseline",
        metavar="METRIC",
        help="also write baseline/baseline.json, e.g. validation:binary_classification_accuracy",
    )
    args = parse_split_args(parser, argv, train=fraction("0.8"), validation=fraction("0.1"), seed=42)
    check_metric(parser, args.baseline, BASELINE_METRICS, SPLITS)
    return args


def read_rows(files: Sequence[str]) -> list[tuple[float, list[float]]]:
    """(label, 30 features) per row of all files, ids checked for duplicates across files."""
    seen: dict[int, tuple[str, int]] = {}  # id -> (file, row) where it first appeared
    rows = []
    for path in files:
        for number, cells in read_csv_rows(path):
            row_id, label, features = parse_row(cells, path, number)
            if row_id in seen:
                first_path, first_row = seen[row_id]
                where = f"row {first_row}" if first_path == path else f"{first_path} row {first_row}"
                raise InputError(f"duplicate id {row_id}, also in {where}", file=path, row=number, field="id")
            seen[row_id] = (path, number)
            rows.append((label, features))
    return rows


def parse_row(cells: list[str], path: str, number: int) -> tuple[int, float, list[float]]:
    parse = field_parser(cells, FIELDS, path, number)
    return parse("id", parse_count), parse("diagnosis", encode_diagnosis), [parse(f, parse_feature) for f in FEATURES]


def encode_diagnosis(code: str) -> float:
    if code not in DIAGNOSES:
        raise ValueError(f"unknown diagnosis {code!r} (expected M or B)")
    return DIAGNOSES[code]


def parse_feature(text: str) -> float:
    value = parse_decimal(text)
    if abs(value) > FLOAT32_MAX:
        raise ValueError(f"out of float32 range: {text!r}")
    return value
