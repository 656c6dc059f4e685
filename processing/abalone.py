"""Preprocessing of the UCI abalone data set for the built-in XGBoost algorithm (regression on rings).

Input rows: sex (M, F or I), 7 measurements, rings; no header. Output: train/validation/test CSV files without
header, label first (the layout built-in XGBoost expects), then sex one-hot in the order F, I, M, then the
measurements as read. A seeded shuffle makes the same input and seed give byte-identical files.
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
from shared.tabular import SPLITS, fraction, split_sizes

SEX_CODES = ("F", "I", "M")  # one-hot column order
MEASUREMENTS = ("length", "diameter", "height", "whole_weight", "shucked_weight", "viscera_weight", "shell_weight")
FIELDS = ("sex", *MEASUREMENTS, "rings")


def main(argv: Sequence[str]) -> int:
    return run(_main, argv)


def _main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    files = list_input_files(args.input)
    rows = [row for path in files for row in read_abalone_file(path)]
    sizes = split_sizes(len(rows), args.train_fraction, args.validation_fraction, source=args.input)
    order = np.random.default_rng(args.seed).permutation(len(rows)).tolist()
    with staged_outputs({split: os.path.join(args.output_dir, split) for split in SPLITS}) as staging:
        start = 0
        for split, size in zip(SPLITS, sizes, strict=True):
            lines = [format_row(rows[index]) for index in order[start : start + size]]
            write_lines(os.path.join(staging[split], f"{split}.csv"), lines)
            start += size
    counts = ", ".join(f"{split} {size}" for split, size in zip(SPLITS, sizes, strict=True))
    print(f"abalone: read {len(rows)} rows from {len(files)} file(s); wrote {counts}")
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="abalone", description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="raw abalone CSV file, or a folder of them")
    parser.add_argument("--output-dir", required=True, help="gets train/, validation/ and test/ subfolders")
    parser.add_argument("--train-fraction", type=fraction, default=Fraction("0.7"))
    parser.add_argument("--validation-fraction", type=fraction, default=Fraction("0.15"))
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    if args.train_fraction + args.validation_fraction >= 1:
        parser.error("--train-fraction plus --validation-fraction must be below 1, leaving rows for test")
    if args.seed < 0:
        parser.error("--seed must not be negative")  # numpy's generators reject negative seeds
    return args


def read_abalone_file(path: str) -> list[list[int | float]]:
    return [parse_row(cells, path, number) for number, cells in read_csv_rows(path)]


def parse_row(cells: list[str], path: str, number: int) -> list[int | float]:
    """One raw row -> output values: rings, one-hot F/I/M, measurements."""
    if len(cells) != len(FIELDS):
        raise InputError(f"expected {len(FIELDS)} fields, got {len(cells)}", file=path, row=number)
    values = dict(zip(FIELDS, cells, strict=True))

    def parse(field, parse_fn):
        try:
            return parse_fn(values[field])
        except ValueError as exc:
            raise InputError(str(exc), file=path, row=number, field=field) from None

    one_hot = parse("sex", encode_sex)
    measurements = [parse(field, parse_measurement) for field in MEASUREMENTS]
    return [parse("rings", parse_count), *one_hot, *measurements]


def encode_sex(code: str) -> list[int]:
    if code not in SEX_CODES:
        raise ValueError(f"unknown code {code!r} (expected M, F or I)")
    return [int(code == known) for known in SEX_CODES]


def parse_measurement(text: str) -> float:
    value = parse_decimal(text)
    if value < 0:
        raise ValueError(f"negative value {text!r}")
    return value


def format_row(values: list[int | float]) -> str:
    # repr() of a Python float is the shortest text that reads back to the same float: exact and deterministic.
    return ",".join(str(value) if isinstance(value, int) else repr(value) for value in values)


def write_lines(path: str, lines: list[str]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as file:
        file.writelines(line + "\n" for line in lines)
