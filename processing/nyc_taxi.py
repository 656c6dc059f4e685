"""Preprocessing of the NAB nyc_taxi series for the built-in Random Cut Forest: shingles, and labels for test:f1.

Input: nyc_taxi.csv from the Numenta Anomaly Benchmark (realKnownCause/nyc_taxi.csv), or a folder holding just that
file: a header `timestamp,value`, then one row per 30 minutes, 'YYYY-MM-DD HH:MM:SS' and the passenger count
(10,320 rows, 2014-07-01 00:00:00 to 2015-01-31 23:30:00). Timestamps must be strictly increasing; the step is not
checked, as the shingles do not depend on it.

Output (CSV, no header, values as float32 text, the precision the algorithm reads), with one row per shingle: the
values of `--shingle` consecutive time steps, so N rows give N - shingle + 1 shingles:
  train/train.csv  the shingles alone (the algorithm reads it as text/csv;label_size=0);
  test/test.csv    the same shingles, a label first (text/csv;label_size=1): 1 when the shingle's LAST timestamp
                   lies inside one of NAB's anomaly windows for this series (bounds inclusive), else 0.
A series whose shingles get no label 1 is an error: the test:f1 metric of such a test channel means nothing.
"""

import argparse
import os
import re
from collections.abc import Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from shared.cli import run
from shared.errors import InputError
from shared.inputs import list_input_files, read_csv_rows
from shared.numbers import parse_decimal
from shared.outputs import staged_outputs
from shared.tabular import write_csv

HEADER = ("timestamp", "value")
DEFAULT_SHINGLE = 48  # one day of 30-minute steps
# The official anomaly windows of realKnownCause/nyc_taxi.csv, copied from numenta/NAB labels/combined_windows.json
# (NYC marathon, Thanksgiving, Christmas, New Year, the January 2015 blizzard). Both bounds are inclusive.
NAB_ANOMALY_WINDOWS = (
    ("2014-10-30 15:30:00", "2014-11-03 22:30:00"),
    ("2014-11-25 12:00:00", "2014-11-29 19:00:00"),
    ("2014-12-23 11:30:00", "2014-12-27 18:30:00"),
    ("2014-12-29 21:30:00", "2015-01-03 04:30:00"),
    ("2015-01-24 20:30:00", "2015-01-29 03:30:00"),
)
TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")
FIRST_DATA_ROW = 2  # row 1 is the header


def main(argv: Sequence[str]) -> int:
    return run(_main, argv)


def _main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    path = single_input_file(args.input)
    timestamps, values = read_series(path)
    if len(values) < args.shingle:
        raise InputError(f"{len(values)} data rows are fewer than the shingle size {args.shingle}", file=path)
    shingles = sliding_window_view(values, args.shingle)  # a view: row i is values[i : i + shingle]
    labels = anomaly_labels(timestamps[args.shingle - 1 :], windows_as_datetimes())
    if not labels.any():
        raise InputError(
            f"no shingle ends inside an NAB anomaly window (the series runs from {timestamps[0]} to "
            f"{timestamps[-1]}, the windows from {NAB_ANOMALY_WINDOWS[0][0]} to {NAB_ANOMALY_WINDOWS[-1][1]}), "
            "so test:f1 would be meaningless",
            file=path,
        )
    with staged_outputs({split: os.path.join(args.output_dir, split) for split in ("train", "test")}) as staging:
        write_csv(os.path.join(staging["train"], "train.csv"), shingles)
        write_csv(os.path.join(staging["test"], "test.csv"), shingles, labels)
    print(
        f"nyc_taxi: read {len(values)} rows ({str(timestamps[0]).replace('T', ' ')} to "
        f"{str(timestamps[-1]).replace('T', ' ')}); wrote train {len(shingles)}, test {len(shingles)} shingles of "
        f"{args.shingle} values, {int(labels.sum())} labelled anomalous"
    )
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="nyc_taxi", description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="nyc_taxi.csv, or a folder holding only that file")
    parser.add_argument("--output-dir", required=True, help="gets train/ and test/ subfolders")
    parser.add_argument(
        "--shingle", type=int, default=DEFAULT_SHINGLE, help="values per row (default: %(default)s, one day)"
    )
    args = parser.parse_args(argv)
    if args.shingle < 1:
        parser.error("--shingle must be at least 1")
    return args


def single_input_file(path: str) -> str:
    files = list_input_files(path)
    if len(files) != 1:
        names = ", ".join(os.path.basename(name) for name in files)
        raise InputError(f"expected one series file, found {len(files)}: {names}", file=path)
    return files[0]


def read_series(path: str) -> tuple[np.ndarray, np.ndarray]:
    """(timestamps as datetime64[s], values as float64) of the data rows, timestamps checked strictly increasing."""
    rows = read_csv_rows(path)
    number, header = rows[0]
    if tuple(header) != HEADER:
        raise InputError(f"expected the header {','.join(HEADER)!r}, got {','.join(header)!r}", file=path, row=number)
    if len(rows) < 2:
        raise InputError("no data rows after the header", file=path)
    texts, values = [], np.empty(len(rows) - 1, np.float64)
    for index, (number, cells) in enumerate(rows[1:]):
        if len(cells) != len(HEADER):
            raise InputError(f"expected {len(HEADER)} fields, got {len(cells)}", file=path, row=number)
        if not TIMESTAMP.fullmatch(cells[0]):
            message = f"not a timestamp 'YYYY-MM-DD HH:MM:SS': {cells[0]!r}"
            raise InputError(message, file=path, row=number, field="timestamp")
        texts.append(cells[0])
        try:
            values[index] = parse_decimal(cells[1])
        except ValueError as exc:
            raise InputError(str(exc), file=path, row=number, field="value") from None
    timestamps = parse_timestamps(texts, path)
    steps = np.diff(timestamps)
    if (steps <= np.timedelta64(0, "s")).any():
        at = int(np.argmax(steps <= np.timedelta64(0, "s"))) + 1  # index of the offending data row
        message = f"timestamps must be strictly increasing: {texts[at]!r} after {texts[at - 1]!r}"
        raise InputError(message, file=path, row=rows[at + 1][0], field="timestamp")
    return timestamps, values


def parse_timestamps(texts: list[str], path: str) -> np.ndarray:
    """All timestamps at once; if numpy rejects one (e.g. month 13), the row-by-row pass names it."""
    try:
        return np.array(texts, dtype="datetime64[s]")
    except ValueError:
        pass
    for index, text in enumerate(texts):
        try:
            np.datetime64(text, "s")
        except ValueError as exc:
            message = f"not a valid timestamp: {text!r} ({exc})"
            raise InputError(message, file=path, row=index + FIRST_DATA_ROW, field="timestamp") from None
    raise AssertionError("numpy rejected the timestamps as a whole but accepted each")  # pragma: no cover


def windows_as_datetimes() -> np.ndarray:
    """NAB_ANOMALY_WINDOWS as a (windows, 2) datetime64[s] array of inclusive [start, end] bounds."""
    return np.array(NAB_ANOMALY_WINDOWS, dtype="datetime64[s]")


def anomaly_labels(last_timestamps: np.ndarray, windows: np.ndarray) -> np.ndarray:
    """int64 1 where a timestamp lies inside any window (inclusive bounds), else 0."""
    inside = np.zeros(len(last_timestamps), bool)
    for start, end in windows:
        inside |= (last_timestamps >= start) & (last_timestamps <= end)
    return inside.astype(np.int64)
