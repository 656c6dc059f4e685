"""Splitting a data set and writing its splits as CSV, libsvm or RecordIO-protobuf files.

The scripts that shuffle rows into splits (abalone, wdbc, covtype) share their split arguments and the
shuffle-and-write step from here, so that the same fraction and seed mean the same rows in every one of them.

Number formatting (CSV and libsvm) is deterministic and exact: integer arrays are written as integers, every other
array as float32 (the precision the built-in algorithms read), each value as the shortest text that reads back to
the same float32 ('0.5', '17.99', '1e-05'); integral values without a decimal point ('0', '1'), so that labels
read '3', not '3.0'. Formatting is vectorized: each distinct value of a chunk of rows is formatted once.

Baselines: given a `baseline` callback, write_shuffled_splits and write_shuffled_arrays also write
OUTPUT_DIR/baseline/baseline.json (shared.baselines), with the splits, all or nothing; split_label_baseline gives
the callback for a label metric.
"""

import argparse
import math
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from fractions import Fraction

import numpy as np

from shared import baselines
from shared.baselines import Baseline
from shared.errors import InputError
from shared.outputs import staged_outputs

SPLITS = ("train", "validation", "test")
FORMATS = ("csv", "libsvm", "recordio")  # also the file extension
CHUNK_ROWS = 2048  # rows formatted at once: bounds the memory of the text of MNIST-sized data
SplitBaseline = Callable[[Mapping[str, np.ndarray]], Baseline]


def fraction(text: str) -> Fraction:
    """An exact fraction in (0, 1), an argparse type: floats would make e.g. floor(100 * 0.29) 28 instead of 29."""
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (exclusive), got {text!r}")
    return value


def parse_split_args(
    parser: argparse.ArgumentParser, argv: Sequence[str], *, train: Fraction, validation: Fraction, seed: int
) -> argparse.Namespace:
    """Adds --train-fraction, --validation-fraction (test gets the rest) and --seed with the script's defaults to
    the script's parser, parses argv and checks what argparse cannot: that the two fractions leave rows for test.

    Give the fraction defaults as fraction("0.7"), not Fraction("0.7"): argparse does not check defaults, so they
    get the same check as the arguments. A failed check exits through parser.error, like argparse's own: usage,
    `PROG: error: ...` and exit code 2.
    """
    parser.add_argument("--train-fraction", type=fraction, default=train)
    parser.add_argument("--validation-fraction", type=fraction, default=validation)
    parser.add_argument("--seed", type=int, default=seed)
    args = parser.parse_args(argv)
    if args.train_fraction + args.validation_fraction >= 1:
        parser.error("--train-fraction plus --validation-fraction must be below 1, leaving rows for test")
    return _check_seed(parser, args)


def parse_train_test_args(
    parser: argparse.ArgumentParser, argv: Sequence[str], *, test: Fraction, seed: int
) -> argparse.Namespace:
    """As parse_split_args, for a script without a validation split: --test-fraction (train gets the rest), --seed."""
    parser.add_argument("--test-fraction", type=fraction, default=test)
    parser.add_argument("--seed", type=int, default=seed)
    return _check_seed(parser, parser.parse_args(argv))


def _check_seed(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.Namespace:
    if args.seed < 0:
        parser.error("--seed must not be negative")  # numpy's generators reject negative seeds
    return args


def split_sizes(total: int, train: Fraction, validation: Fraction, source: str) -> tuple[int, int, int]:
    """Row counts of train, validation and test: floor for the first two, test gets the rest."""
    train_rows = math.floor(total * train)
    validation_rows = math.floor(total * validation)
    sizes = {"train": train_rows, "validation": validation_rows, "test": total - train_rows - validation_rows}
    check_sizes(total, sizes, source)
    return sizes["train"], sizes["validation"], sizes["test"]


def train_test_sizes(total: int, test: Fraction, source: str) -> tuple[int, int]:
    """Row counts of train and test: floor for test, train gets the rest."""
    test_rows = math.floor(total * test)
    sizes = {"train": total - test_rows, "test": test_rows}
    check_sizes(total, sizes, source)
    return sizes["train"], sizes["test"]


def check_sizes(total: int, sizes: Mapping[str, int], source: str) -> None:
    if min(sizes.values()) < 1:
        raise InputError(
            f"input too small: {total} rows give {split_counts(sizes)}; every split needs at least one row", file=source
        )


def split_counts(sizes: Mapping[str, int]) -> str:
    """'train 14, validation 3, test 3': the row counts as the messages show them."""
    return ", ".join(f"{split} {size}" for split, size in sizes.items())


def split_summary(script: str, rows: int, files: int, sizes: Mapping[str, int], fmt: str | None = None) -> str:
    """The line a splitting script ends its job log with, e.g. 'wdbc: read 40 rows from 1 file(s); wrote train 32,
    validation 4, test 4 (csv)'; fmt None (one fixed format, as abalone's CSV) leaves out the '(FORMAT)'.
    """
    written = split_counts(sizes) if fmt is None else f"{split_counts(sizes)} ({fmt})"
    return f"{script}: read {rows} rows from {files} file(s); wrote {written}"


def shuffled_splits(total: int, sizes: Mapping[str, int], seed: int) -> dict[str, np.ndarray]:
    """Row indices of each split: a seeded permutation of all rows, cut in the order of `sizes`."""
    assert sum(sizes.values()) == total, (sizes, total)
    order = np.random.default_rng(seed).permutation(total)
    splits, start = {}, 0
    for split, size in sizes.items():
        splits[split] = order[start : start + size]
        start += size
    return splits


def write_shuffled_splits(
    output_dir: str,
    sizes: Mapping[str, int],
    seed: int,
    write: Callable[[str, str, np.ndarray], object],
    baseline: SplitBaseline | None = None,
) -> Baseline | None:
    """Cuts a seeded shuffle of sum(sizes) rows into the splits (see shuffled_splits) and writes them all or nothing.

    Calls write(folder, split, row_indices) for each split, folder being the split's staging folder: the files
    reach OUTPUT_DIR/<split> only once every split is written (see shared.outputs.staged_outputs). baseline, if
    given, is called with the row indices of every split (split -> indices) and its Baseline is written to
    OUTPUT_DIR/baseline/baseline.json in the same all-or-nothing step, and returned; without it, no baseline folder
    is made.
    """
    indices = shuffled_splits(sum(sizes.values()), sizes, seed)
    outputs = {split: os.path.join(output_dir, split) for split in sizes}
    if baseline is not None:
        outputs[baselines.OUTPUT] = os.path.join(output_dir, baselines.OUTPUT)
    with staged_outputs(outputs) as staging:
        for split, rows in indices.items():
            write(staging[split], split, rows)
        written = None
        if baseline is not None:
            written = baseline(indices)
            written.write(staging[baselines.OUTPUT])
    return written


def write_shuffled_arrays(
    output_dir: str,
    sizes: Mapping[str, int],
    features: np.ndarray,
    labels: np.ndarray,
    *,
    seed: int,
    fmt: str,
    baseline: SplitBaseline | None = None,
) -> Baseline | None:
    """write_shuffled_splits of one row of features and labels per row index, each split as <split>.<fmt>;
    baseline as there (it gets row indices: see split_label_baseline).
    """

    def write(folder: str, split: str, rows: np.ndarray) -> None:
        write_split(folder, split, fmt, features[rows], labels[rows])

    return write_shuffled_splits(output_dir, sizes, seed, write, baseline)


def split_label_baseline(metric: str | None, labels: np.ndarray) -> SplitBaseline | None:
    """The baseline callback of write_shuffled_*: shared.baselines.of_labels of metric on the labels of the rows of
    its split, labels holding one label per row before the shuffle. metric None gives None: no baseline.
    """
    if metric is None:
        return None
    split = baselines.split_of(metric)
    return lambda indices: baselines.of_labels(metric, labels[indices[split]])


def write_split(folder: str, split: str, fmt: str, features: np.ndarray, labels: np.ndarray | None) -> str:
    """Writes folder/<split>.<fmt> and returns its path. labels None: features only (no label column)."""
    path = f"{folder}/{split}.{fmt}"
    if fmt == "csv":
        write_csv(path, features, labels)
    elif fmt == "libsvm":
        if labels is None:
            raise ValueError("libsvm needs labels")  # the scripts' argument checks prevent this
        write_libsvm(path, features, labels)
    elif fmt == "recordio":
        write_recordio(path, features, labels)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return path


def write_csv(path: str, features: np.ndarray, labels: np.ndarray | None = None) -> None:
    """No header; the label, if any, is the first column (the layout of the built-in algorithms' CSV input)."""
    _write_lines(path, _csv_lines(features, labels))


def write_libsvm(path: str, features: np.ndarray, labels: np.ndarray) -> None:
    """`label 0:v0 1:v1 ...`: zero-based indices, and every feature, zeros included.

    An omitted libsvm feature means "missing" to XGBoost, not 0: writing all of them makes a model trained on libsvm
    see the same values as one given the CSV of the same rows.
    """
    _write_lines(path, _libsvm_lines(features, labels))


def write_recordio(path: str, features: np.ndarray, labels: np.ndarray | None = None) -> None:
    """Dense float32 RecordIO-protobuf records, labels as float32 (or none)."""
    from shared.recordio import write_dense  # imported here, so that CSV and libsvm never depend on it

    with open(path, "wb") as stream:
        write_dense(stream, features, labels)  # converts to float32 itself


def format_values(values: np.ndarray) -> np.ndarray:
    """An object array of the same shape holding each value's text (see the module docstring)."""
    values = np.asarray(values)
    if values.dtype.kind in "iub":
        formatter = _format_integer
    else:
        values = values.astype(np.float32) + np.float32(0)  # -0.0 + 0.0 is 0.0: one zero, written "0"
        formatter = format_float32
    unique = np.unique(values)  # np.unique(return_inverse=True) argsorts: several times slower than this
    texts = np.array([formatter(value) for value in unique], dtype=object)
    return texts[np.searchsorted(unique, values)]


def format_float32(value) -> str:
    """The shortest text that reads back to the same float32; integral values without '.0'."""
    value = np.float32(value)
    if value == 0 or 1e-4 <= abs(value) < 1e16:
        return np.format_float_positional(value, unique=True, trim="-")
    return np.format_float_scientific(value, unique=True, trim="-")


def _format_integer(value) -> str:
    return str(int(value))


def _chunks(count: int) -> Iterator[slice]:
    for start in range(0, count, CHUNK_ROWS):
        yield slice(start, min(start + CHUNK_ROWS, count))


def _csv_lines(features: np.ndarray, labels: np.ndarray | None) -> Iterator[list[str]]:
    for rows in _chunks(len(features)):
        cells = format_values(features[rows])
        if labels is not None:
            cells = np.concatenate([format_values(labels[rows])[:, np.newaxis], cells], axis=1)
        yield [",".join(row) for row in cells.tolist()]


def _libsvm_lines(features: np.ndarray, labels: np.ndarray) -> Iterator[list[str]]:
    template = " ".join(f"{index}:%s" for index in range(features.shape[1]))  # faster than joining "i:" + value
    for rows in _chunks(len(features)):
        label_texts = format_values(labels[rows]).tolist()
        yield [
            f"{label} {template % tuple(row)}"
            for label, row in zip(label_texts, format_values(features[rows]).tolist(), strict=True)
        ]


def _write_lines(path: str, chunks: Iterator[list[str]]) -> None:
    with open(path, "w", encoding="ascii", newline="\n") as file:
        for lines in chunks:
            if lines:
                file.write("\n".join(lines) + "\n")
