"""Preprocessing of the UCI breast cancer Wisconsin (diagnostic) data set for the built-in Linear Learner.

Input: wdbc.data / wdbc.csv, or a folder of such files (read in name order): headerless rows of an id, the diagnosis
(M or B) and 30 features (mean, standard error and worst value of 10 cell-nucleus measurements). Output: train/,
validation/ and test/ (a seeded shuffle; floor(rows * fraction) rows to train and validation, the rest to test), as
RecordIO-protobuf or CSV (no header, label first). Label 1 for malignant (M), 0 for benign (B); the id is dropped.
"""

import argparse
import os
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
from shared.cli import run
from shared.errors import InputError
from shared.inputs import list_input_files, read_csv_rows
from shared.numbers import parse_count, parse_decimal
from shared.outputs import staged_outputs
from shared.tabular import SPLITS, fraction, shuffled_splits, split_sizes, write_split

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
    indices = shuffled_splits(len(rows), sizes, args.seed)
    with staged_outputs({split: os.path.join(args.output_dir, split) for split in SPLITS}) as staging:
        for split in SPLITS:
            write_split(staging[split], split, args.format, features[indices[split]], labels[indices[split]])
    counts = ", ".join(f"{split} {size}" for split, size in sizes.items())
    print(f"wdbc: read {len(rows)} rows from {len(files)} file(s); wrote {counts} ({args.format})")
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="wdbc", description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="wdbc.data or wdbc.csv, or a folder of such files")
    parser.add_argument("--output-dir", required=True, help="gets train/, validation/ and test/ subfolders")
    parser.add_argument("--format", required=True, choices=("recordio", "csv"))
    parser.add_argument("--train-fraction", type=fraction, default=Fraction("0.8"))
    parser.add_argument("--validation-fraction", type=fraction, default=Fraction("0.1"))
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    if args.train_fraction + args.validation_fraction >= 1:
        parser.error("--train-fraction plus --validation-fraction must be below 1, leaving rows for test")
    if args.seed < 0:
        parser.error("--seed must not be negative")  # numpy's generators reject negative seeds
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
    if len(cells) != len(FIELDS):
        raise InputError(f"expected {len(FIELDS)} fields, got {len(cells)}", file=path, row=number)
    values = dict(zip(FIELDS, cells, strict=True))

    def parse(field, parse_fn):
        try:
            return parse_fn(values[field])
        except ValueError as exc:
            raise InputError(str(exc), file=path, row=number, field=field) from None

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
