"""Preprocessing of the UCI abalone data set for the built-in XGBoost algorithm (regression on rings).

Input rows: sex (M, F or I), 7 measurements, rings; no header. Output: train/validation/test CSV files without
header, label first (the layout built-in XGBoost expects), then sex one-hot in the order F, I, M, then the
measurements as read. A seeded shuffle makes the same input and seed give byte-identical files.
"""

import argparse
import os
from collections.abc import Sequence

from shared.cli import run
from shared.inputs import field_parser, list_input_files, read_csv_rows
from shared.numbers import check_float32, parse_count, parse_float32
from shared.tabular import SPLITS, fraction, parse_split_args, split_sizes, split_summary, write_shuffled_splits

SEX_CODES = ("F", "I", "M")  # one-hot column order
MEASUREMENTS = ("length", "diameter", "height", "whole_weight", "shucked_weight", "viscera_weight", "shell_weight")
FIELDS = ("sex", *MEASUREMENTS, "rings")


def main(argv: Sequence[str]) -> int:
    return run(_main, argv)


def _main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    files = list_input_files(args.input)
    rows = [row for path in files for row in read_abalone_file(path)]
    counts = split_sizes(len(rows), args.train_fraction, args.validation_fraction, source=args.input)
    sizes = dict(zip(SPLITS, counts, strict=True))

    def write(folder: str, split: str, indices) -> None:
        # Not write_split: these rows are Python floats, written exactly as read (see format_row), not as float32.
        write_lines(os.path.join(folder, f"{split}.csv"), [format_row(rows[index]) for index in indices.tolist()])

    write_shuffled_splits(args.output_dir, sizes, args.seed, write)
    print(split_summary("abalone", len(rows), len(files), sizes))
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="abalone", description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="raw abalone CSV file, or a folder of them")
    parser.add_argument("--output-dir", required=True, help="gets train/, validation/ and test/ subfolders")
    return parse_split_args(parser, argv, train=fraction("0.7"), validation=fraction("0.15"), seed=42)


def read_abalone_file(path: str) -> list[list[int | float]]:
    return [parse_row(cells, path, number) for number, cells in read_csv_rows(path)]


def parse_row(cells: list[str], path: str, number: int) -> list[int | float]:
    """One raw row -> output values: rings, one-hot F/I/M, measurements."""
    parse = field_parser(cells, FIELDS, path, number)
    one_hot = parse("sex", encode_sex)
    measurements = [parse(field, parse_measurement) for field in MEASUREMENTS]
    return [parse("rings", parse_rings), *one_hot, *measurements]


def encode_sex(code: str) -> list[int]:
    if code not in SEX_CODES:
        raise ValueError(f"unknown code {code!r} (expected M, F or I)")
    return [int(code == known) for known in SEX_CODES]


def parse_rings(text: str) -> int:
    return check_float32(parse_count(text), text)  # XGBoost reads the label as float32 too


def parse_measurement(text: str) -> float:
    value = parse_float32(text)  # XGBoost reads its CSV input as float32
    if value < 0:
        raise ValueError(f"negative value {text!r}")
    return value


def format_row(values: list[int | float]) -> str:
    # repr() of a Python float is the shortest text that reads back to the same float: exact and deterministic.
    return ",".join(str(value) if isinstance(value, int) else repr(value) for value in values)


def write_lines(path: str, lines: list[str]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as file:
        file.writelines(line + "\n" for line in lines)
