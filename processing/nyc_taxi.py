"""Preprocessing of the NAB nyc_taxi series for the built-in Random Cut Forest: shingles, and labels for test:f1.

Input: nyc_taxi.csv from the Numenta Anomaly Benchmark (realKnownCause/nyc_taxi.csv), or a folder holding just that
file: a header `timestamp,value`, then one row per 30 minutes, 'YYYY-MM-DD HH:MM:SS' and the passenger count
(10,320 rows, 2014-07-01 00:00:00 to 2015-01-31 23:30:00). Timestamps must be strictly increasing; the step is not
checked, as the shingles do not depend on it. Counts must not be negative, nor beyond the float32 range (the
output's precision).

Output (CSV, no header, values as float32 text, the precision the algorithm reads), with one row per shingle: the
values of `--shingle` consecutive time steps, so N rows give N - shingle + 1 shingles:
  train/train.csv  the shingles alone (the algorithm reads it as text/csv;label_size=0);
  test/test.csv    the same shingles, a label first (text/csv;label_size=1): 1 when the shingle's LAST timestamp
                   is within LABEL_HALF_WIDTH (24 hours, both ends inclusive) of one of NAB's five anomaly points
                   for this series (NYC marathon, Thanksgiving, Christmas, New Year, the January 2015 blizzard),
                   else 0. With the default one-day shingle, these are the shingles that hold the anomalous day as
                   it enters and leaves the 48-step window. On the half-hour grid that is 97 shingle ends per
                   point (its own half-hour and 48 either side) where the series covers them: 485 of the 10,273
                   shingles of the full series.
A series whose shingles get no label 1 is an error: the test:f1 metric of such a test channel means nothing.

Why points and not NAB's anomaly windows: NAB scores a detector by windows (combined_windows.json), each centred on
its point and 10% of the series / 5 anomalies wide, about 4.3 days (207 half-hours). Labelling every shingle whose
end lies in a window labels 1,035 of the 10,273 shingles (p = 0.101), and per-shingle F1 against such labels
favours flagging everything: always 1 scores 2p / (1 + p) = 0.183, more than a detector that flags only records
scored beyond three standard deviations (Random Cut Forest's a few dozen to a few hundred) can reach, so a real
model could never beat the trivial baseline the pipeline's gate requires. Against the 24-hour ranges around the
points, always 1 scores 2p / (1 + p) = 0.090 (p = 485 / 10,273), and the flagged shingles must lie near the
anomalous days themselves.

--shards N (default 1) writes the train shingles as N files instead, train/train-00000.csv .. in order (each file's
rows follow the previous file's; sizes differ by at most one row, the larger first): Random Cut Forest reads its
train channel only ShardedByS3Key, and each of N training instances needs a file. N = 1 writes train/train.csv as
without the option; N greater than the number of shingles is an error. The test channel stays one file.

--baseline test:f1 (the only metric supported) also writes DIR/baseline/baseline.json (see shared.baselines) for
the pipeline's quality gate: the F1 of flagging every test shingle as an anomaly ("always 1"), 2p / (1 + p) for a
share p of shingles labelled 1; its "records" counts the test shingles.
"""

import argparse
import os
import re
from collections.abc import Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from shared.baselines import OUTPUT as BASELINE_OUTPUT
from shared.baselines import Baseline, always_positive_f1, check_metric
from shared.cli import run
from shared.errors import InputError
from shared.inputs import list_input_files, read_csv_rows
from shared.numbers import parse_non_negative
from shared.outputs import staged_outputs
from shared.tabular import write_csv

HEADER = ("timestamp", "value")
DEFAULT_SHINGLE = 48  # one day of 30-minute steps
BASELINE_METRIC = "test:f1"  # the one metric --baseline computes
SPLITS = ("train", "test")
# The official anomaly points of realKnownCause/nyc_taxi.csv, copied from numenta/NAB labels/combined_labels.json.
NAB_ANOMALY_POINTS = (
    "2014-11-01 19:00:00",  # NYC marathon
    "2014-11-27 15:30:00",  # Thanksgiving
    "2014-12-25 15:00:00",  # Christmas
    "2015-01-01 01:00:00",  # New Year
    "2015-01-27 00:00:00",  # the January 2015 blizzard
)
# A shingle is labelled 1 when its last timestamp is at most this far from an anomaly point, before or after.
LABEL_HALF_WIDTH = np.timedelta64(24, "h")
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
    labels = anomaly_labels(timestamps[args.shingle - 1 :], points_as_datetimes(), LABEL_HALF_WIDTH)
    if not labels.any():
        hours = LABEL_HALF_WIDTH // np.timedelta64(1, "h")
        first, last = (str(time).replace("T", " ") for time in (timestamps[0], timestamps[-1]))
        raise InputError(
            f"no shingle ends within {hours} hours of an NAB anomaly point (the series runs from {first} to {last}, "
            f"the points from {NAB_ANOMALY_POINTS[0]} to {NAB_ANOMALY_POINTS[-1]}), so test:f1 would be meaningless",
            file=path,
        )
    if args.shards > len(shingles):
        message = (
            f"--shards {args.shards} is more than the {len(shingles)} train shingles: every shard (one per "
            "training instance) needs at least one"
        )
        raise InputError(message, file=path)
    baseline = None
    if args.baseline is not None:
        baseline = Baseline(args.baseline, *always_positive_f1(labels), "test", len(labels))
    outputs = {split: os.path.join(args.output_dir, split) for split in SPLITS}
    if baseline is not None:
        outputs[BASELINE_OUTPUT] = os.path.join(args.output_dir, BASELINE_OUTPUT)
    with staged_outputs(outputs) as staging:
        for name, rows in train_shards(len(shingles), args.shards):
            write_csv(os.path.join(staging["train"], name), shingles[rows])
        write_csv(os.path.join(staging["test"], "test.csv"), shingles, labels)
        if baseline is not None:
            baseline.write(staging[BASELINE_OUTPUT])
    print(
        f"nyc_taxi: read {len(values)} rows ({str(timestamps[0]).replace('T', ' ')} to "
        f"{str(timestamps[-1]).replace('T', ' ')}); wrote train {len(shingles)}, test {len(shingles)} shingles of "
        f"{args.shingle} values, {int(labels.sum())} labelled anomalous"
        + (f"; train in {args.shards} files" if args.shards > 1 else "")
    )
    if baseline is not None:
        print(baseline.summary("nyc_taxi"))
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="nyc_taxi", description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="nyc_taxi.csv, or a folder holding only that file")
    parser.add_argument("--output-dir", required=True, help="gets train/ and test/ subfolders")
    parser.add_argument(
        "--shingle", type=int, default=DEFAULT_SHINGLE, help="values per row (default: %(default)s, one day)"
    )
    parser.add_argument(
        "--shards", type=int, default=1, help="train files, one per training instance (default: %(default)s)"
    )
    parser.add_argument("--baseline", metavar="METRIC", help="also write baseline/baseline.json; only test:f1")
    args = parser.parse_args(argv)
    if args.shingle < 1:
        parser.error("--shingle must be at least 1")
    if args.shards < 1:
        parser.error("--shards must be at least 1")
    check_metric(parser, args.baseline, (BASELINE_METRIC,), SPLITS)
    return args


def train_shards(count: int, shards: int) -> list[tuple[str, slice]]:
    """(file name, rows) of each train file: train.csv for all rows if shards is 1, else train-00000.csv .. with
    consecutive runs of rows, the first count % shards of them one row longer (numpy.array_split's sizes)."""
    if shards == 1:
        return [("train.csv", slice(0, count))]
    size, longer = divmod(count, shards)
    width = max(5, len(str(shards - 1)))
    files, start = [], 0
    for number in range(shards):
        end = start + size + (number < longer)
        files.append((f"train-{number:0{width}d}.csv", slice(start, end)))
        start = end
    return files


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
            values[index] = parse_non_negative(cells[1])  # a count of passengers, written as float32
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


def points_as_datetimes() -> np.ndarray:
    """NAB_ANOMALY_POINTS as a datetime64[s] array."""
    return np.array(NAB_ANOMALY_POINTS, dtype="datetime64[s]")


def anomaly_labels(last_timestamps: np.ndarray, points: np.ndarray, half_width: np.timedelta64) -> np.ndarray:
    """int64 1 where a timestamp is within half_width of any point (both ends inclusive), else 0."""
    near = np.zeros(len(last_timestamps), bool)
    for point in points:
        near |= (last_timestamps >= point - half_width) & (last_timestamps <= point + half_width)
    return near.astype(np.int64)
