"""Daily speed-camera violations per address (City of Chicago "Speed Camera Violations") for the built-in DeepAR.

Input: the portal's CSV export, or a folder of such files (read in name order), each with its header row. Columns
are found by header name; only ADDRESS, VIOLATION DATE (MM/DD/YYYY) and VIOLATIONS (a non-negative integer) are
used. Other columns (CAMERA ID, coordinates, the quoted "(lat, lon)" LOCATION...) are read with the csv module
and ignored. Rows of one address and day are summed (an address can have several cameras).

Output: one daily series per address over the global date range (first to last date of all rows), zero for days
without rows, so all series share one start, "YYYY-MM-DD 00:00:00" of the first date. DIR/test/test.json holds the
full series, DIR/train/train.json each series without its last --prediction-length days. Series are sorted by
address (no shuffle: the files are deterministic and diffable, and DeepAR samples its training windows at random
anyway). Targets are integers; JSON formatting: see shared.series.

--baseline test:RMSE (the only metric supported) also writes DIR/baseline/baseline.json (see shared.baselines) for
the pipeline's quality gate: DeepAR's test:RMSE, pooled over the last --prediction-length days of every test
series, of the better of two naive forecasts: the last day before those days ("last value"), and the 7 days before
them repeated ("seasonal naive (season 7)": the weekly cycle; left out when the train series are shorter than a
week). Its "model" names the winner, its "records" counts the forecast points (addresses x --prediction-length).

Row numbers in errors are line numbers of the file: the header is row 1.
"""

import argparse
import csv
import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

import numpy as np
from shared.baselines import check_metric
from shared.cli import run
from shared.errors import InputError
from shared.inputs import list_input_files
from shared.numbers import parse_count
from shared.series import BASELINE_METRIC, SPLITS, naive_baseline, write_train_test

ADDRESS, DATE, VIOLATIONS = "ADDRESS", "VIOLATION DATE", "VIOLATIONS"
COLUMNS = (ADDRESS, DATE, VIOLATIONS)
DATE_PATTERN = re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4})")
SEASON = 7  # days: the seasonal naive forecast of --baseline repeats the last week
# The largest daily count per address: DeepAR reads targets as float32, which holds integers exactly up to 2**24
# (and the int64 series would overflow on much larger ones). Real days count hundreds of violations at most.
MAX_DAILY_VIOLATIONS = 2**24

Counts = dict[str, dict[int, int]]  # address -> day ordinal -> summed violations


def main(argv: Sequence[str]) -> int:
    return run(_main, argv)


def _main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    files = list_input_files(args.input)
    counts: Counts = defaultdict(lambda: defaultdict(int))
    rows = sum(read_file(path, counts) for path in files)
    first, last = date_range(counts)
    days = last - first + 1
    if days <= args.prediction_length:
        raise InputError(
            f"{days} day(s) of data ({date.fromordinal(first)} to {date.fromordinal(last)}); "
            f"--prediction-length {args.prediction_length} needs at least {args.prediction_length + 1}",
            file=args.input,
        )
    addresses = sorted(counts)
    series = [daily_series(counts[address], first, days) for address in addresses]
    start = f"{date.fromordinal(first).isoformat()} 00:00:00"
    baseline = naive_baseline(series, args.prediction_length, SEASON) if args.baseline is not None else None
    write_train_test(args.output_dir, start, series, args.prediction_length, baseline)
    print(
        f"chicago: read {rows} rows from {len(files)} file(s): {len(addresses)} addresses, {days} days "
        f"({date.fromordinal(first)} to {date.fromordinal(last)}); wrote {len(addresses)} series each to "
        f"train ({days - args.prediction_length} days) and test ({days} days)"
    )
    if baseline is not None:
        print(baseline.summary("chicago", "forecast points"))
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="chicago", description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="Speed Camera Violations CSV export, or a folder of them")
    parser.add_argument("--output-dir", required=True, help="gets train/train.json and test/test.json")
    parser.add_argument("--prediction-length", type=int, default=30, help="days held out of train")
    parser.add_argument("--baseline", metavar="METRIC", help="also write baseline/baseline.json; only test:RMSE")
    args = parser.parse_args(argv)
    if args.prediction_length < 1:
        parser.error("--prediction-length must be a positive integer")
    check_metric(parser, args.baseline, (BASELINE_METRIC,), SPLITS)
    return args


def read_file(path: str, counts: Counts) -> int:
    """Adds the file's violations to counts; returns its number of data rows."""
    try:
        # utf-8-sig: tolerate a byte-order mark; newline="": the csv module handles line ends inside quotes.
        with open(path, encoding="utf-8-sig", newline="") as file:
            return read_rows(csv.reader(file), path, counts)
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=path) from None
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", file=path) from None


def read_rows(reader, path: str, counts: Counts) -> int:
    header = next(reader, None)
    if header is None:
        raise InputError("empty file (expected a header row)", file=path)
    header = [name.strip() for name in header]
    positions = {}
    for column in COLUMNS:
        if column not in header:
            raise InputError(f"no column {column!r} in the header row", file=path, row=1, field=column)
        positions[column] = header.index(column)
    address_at, date_at, violations_at = (positions[column] for column in COLUMNS)
    width = len(header)
    days: dict[str, int] = {}  # date text -> day ordinal: a few thousand distinct dates in many rows
    rows, blank = 0, None
    for cells in reader:
        number = reader.line_num  # the last line of the row (a quoted cell may span lines)
        if not cells or cells == [""]:
            blank = blank or number  # trailing blank lines are fine; one between data rows is an error below
            continue
        if blank is not None:
            raise InputError("blank line between data rows", file=path, row=blank)
        if len(cells) != width:
            raise InputError(f"expected {width} fields (as the header), got {len(cells)}", file=path, row=number)
        address = cells[address_at].strip()
        if not address:
            raise InputError("empty address", file=path, row=number, field=ADDRESS)
        text = cells[date_at].strip()
        day = days.get(text)
        if day is None:
            day = days[text] = parse_date(text, path, number)
        try:
            violations = parse_count(cells[violations_at].strip())
        except ValueError as exc:
            raise InputError(str(exc), file=path, row=number, field=VIOLATIONS) from None
        counts[address][day] += violations
        check_daily_total(counts[address][day], f"{address} on {date.fromordinal(day)}", path, number)
        rows += 1
    if rows == 0:
        raise InputError("no data rows", file=path)
    return rows


def check_daily_total(total: int, what: str, path: str, number: int) -> None:
    if total > MAX_DAILY_VIOLATIONS:
        message = (f"the violations of {what} add up to {total:,}, more than {MAX_DAILY_VIOLATIONS:,} (2**24, "
                   "the largest count DeepAR's float32 targets hold exactly)")  # fmt: skip
        raise InputError(message, file=path, row=number, field=VIOLATIONS)


def parse_date(text: str, path: str, number: int) -> int:
    """'MM/DD/YYYY' -> day ordinal (date.toordinal)."""
    match = DATE_PATTERN.fullmatch(text)
    try:
        if not match:
            raise ValueError
        month, day, year = map(int, match.groups())
        return date(year, month, day).toordinal()
    except ValueError:
        raise InputError(f"not a MM/DD/YYYY date: {text!r}", file=path, row=number, field=DATE) from None


def date_range(counts: Counts) -> tuple[int, int]:
    """First and last day ordinal over all addresses."""
    firsts, lasts = zip(*((min(days), max(days)) for days in counts.values()), strict=True)
    return min(firsts), max(lasts)


def daily_series(days: dict[int, int], first: int, length: int) -> np.ndarray:
    """int64 counts for days first .. first + length - 1, zero where there were no rows."""
    series = np.zeros(length, dtype=np.int64)
    if days:
        ordinals = np.fromiter(days.keys(), dtype=np.int64, count=len(days))
        series[ordinals - first] = np.fromiter(days.values(), dtype=np.int64, count=len(days))
    return series
