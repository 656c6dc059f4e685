"""Preprocessing of the US census county data for the built-in PCA (stage 1 of PCA -> K-Means population segments).

Input: Census_Data_for_SageMaker.csv (the file of the SageMaker population segmentation example), or a folder of
such files (read in name order, each with its header): CSV with a header naming the 37 columns below, in any order,
one row per county (3,220 rows). State and County are text and may be quoted (commas inside), so the file is read
with the csv module. The other 35 columns are numbers, within the float32 range (the output's precision); the counts
of people (COUNTS) must not be negative.

As the example notebook does:
  * rows with any empty cell are dropped (pandas' dropna; only empty cells count as missing here), and counted;
  * each county's id is 'State-County';
  * the 34 numeric columns (all but CensusId, State and County) are min-max scaled to [0, 1] per column over the
    kept rows: (x - min) / (max - min), computed in float64, then float32. A constant column (max == min, where
    scikit-learn's MinMaxScaler divides by 1 instead) becomes all 0, as it does there.

Output, the kept rows in input order:
  train/train.recordio    dense float32 RecordIO-protobuf, no label: the PCA training channel;
  features/features.csv   the same rows as CSV (no header, float32 text): the input of the PCA batch transform;
  ids/ids.csv             one id per line, in the same order (census_components pairs them with the projections).
"""

import argparse
import csv
import io
import os
from collections.abc import Sequence

import numpy as np
from shared.cli import run
from shared.errors import InputError
from shared.inputs import list_input_files, read_text
from shared.numbers import parse_count, parse_float32, parse_non_negative
from shared.outputs import staged_outputs
from shared.tabular import write_csv, write_recordio

FEATURES = (
    "TotalPop", "Men", "Women", "Hispanic", "White", "Black", "Native", "Asian", "Pacific", "Citizen", "Income",
    "IncomeErr", "IncomePerCap", "IncomePerCapErr", "Poverty", "ChildPoverty", "Professional", "Service", "Office",
    "Construction", "Production", "Drive", "Carpool", "Transit", "Walk", "OtherTransp", "WorkAtHome", "MeanCommute",
    "Employed", "PrivateWork", "PublicWork", "SelfEmployed", "FamilyWork", "Unemployment",
)  # fmt: skip
FIELDS = ("CensusId", "State", "County", *FEATURES)
# Counts of people, which cannot be negative (the other columns are percentages, incomes and minutes, all of them
# non-negative in the real data too, but not refused here: a negative one is odd, not impossible to scale).
COUNTS = ("TotalPop", "Men", "Women", "Citizen", "Employed")
OUTPUTS = ("train", "features", "ids")


def main(argv: Sequence[str]) -> int:
    return run(_main, argv)


def _main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    files = list_input_files(args.input)
    ids, features, total = read_counties(files)
    if not ids:
        raise InputError(f"all {total} rows have an empty cell and were dropped; nothing is left", file=args.input)
    scaled = min_max_scale(features).astype(np.float32)
    with staged_outputs({name: os.path.join(args.output_dir, name) for name in OUTPUTS}) as staging:
        write_recordio(os.path.join(staging["train"], "train.recordio"), scaled)
        write_csv(os.path.join(staging["features"], "features.csv"), scaled)
        write_ids(os.path.join(staging["ids"], "ids.csv"), ids)
    print(
        f"census: read {total} rows from {len(files)} file(s); dropped {total - len(ids)} with empty cells; "
        f"wrote {len(ids)} counties x {len(FEATURES)} scaled features (train recordio, features csv, ids)"
    )
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="census", description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="Census_Data_for_SageMaker.csv, or a folder of such files")
    parser.add_argument("--output-dir", required=True, help="gets train/, features/ and ids/ subfolders")
    return parser.parse_args(argv)


def read_counties(files: Sequence[str]) -> tuple[list[str], np.ndarray, int]:
    """(ids, float64 features (kept rows, 34), number of data rows read) of all files; rows with an empty cell are
    dropped. Every non-empty cell is checked, those of dropped rows too, and CensusIds must be unique."""
    ids: list[str] = []
    rows: list[list[float]] = []
    seen: dict[int, tuple[str, int]] = {}  # CensusId -> (file, row) where it first appeared
    total = 0
    for path in files:
        for number, record in read_records(path):
            total += 1
            census_id, county_id, values = parse_record(record, path, number)
            if census_id is not None:
                if census_id in seen:
                    first_path, first_row = seen[census_id]
                    where = f"row {first_row}" if first_path == path else f"{first_path} row {first_row}"
                    message = f"duplicate CensusId {census_id}, also in {where}"
                    raise InputError(message, file=path, row=number, field="CensusId")
                seen[census_id] = (path, number)
            if county_id is not None and values is not None:
                ids.append(county_id)
                rows.append(values)
    return ids, np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURES)), total


def read_records(path: str) -> list[tuple[int, dict[str, str]]]:
    """(row number, {column: stripped cell}) of the data rows, the header checked; row numbers count physical
    lines (the header is row 1), so that they match an editor's even after quoted fields spanning lines."""
    reader = csv.reader(io.StringIO(read_text(path), newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise InputError("empty file (no header)", file=path)
        columns = check_header([cell.strip() for cell in header], path)
        records = []
        start = reader.line_num + 1  # the physical line the next record starts on
        for cells in reader:
            number, start = start, reader.line_num + 1
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue  # a blank line: skipped, like pandas' skip_blank_lines
            if len(cells) != len(columns):
                raise InputError(f"expected {len(columns)} fields, got {len(cells)}", file=path, row=number)
            records.append((number, {column: cell.strip() for column, cell in zip(columns, cells, strict=True)}))
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", file=path, row=reader.line_num) from None
    if not records:
        raise InputError("no data rows after the header", file=path)
    return records


def check_header(columns: list[str], path: str) -> list[str]:
    duplicated = sorted({column for column in columns if columns.count(column) > 1})
    missing = [field for field in FIELDS if field not in columns]
    extra = [column for column in columns if column not in FIELDS]
    problems = []
    if missing:
        problems.append("missing " + ", ".join(missing))
    if extra:
        problems.append("unexpected " + ", ".join(repr(column) for column in extra))
    if duplicated:
        problems.append("repeated " + ", ".join(duplicated))
    if problems:
        raise InputError(f"header: {'; '.join(problems)} (expected the {len(FIELDS)} columns {', '.join(FIELDS)})",
                         file=path, row=1)  # fmt: skip
    return columns


def parse_record(record: dict[str, str], path: str, number: int) -> tuple[int | None, str | None, list[float] | None]:
    """(CensusId, 'State-County' id, 34 values); each is None where it has an empty cell (the row is dropped)."""

    def parse(field: str, parse_fn):
        text = record[field]
        if not text:
            return None
        try:
            return parse_fn(text)
        except ValueError as exc:
            raise InputError(str(exc), file=path, row=number, field=field) from None

    census_id = parse("CensusId", parse_count)
    values = [parse(field, parse_non_negative if field in COUNTS else parse_float32) for field in FEATURES]
    state, county = record["State"], record["County"]
    if "\n" in state + county or "\r" in state + county:
        field = "State" if "\n" in state or "\r" in state else "County"
        raise InputError("line break inside the name (ids are written one per line)", file=path, row=number,
                         field=field)  # fmt: skip
    county_id = f"{state}-{county}" if state and county else None
    complete = census_id is not None and all(value is not None for value in values)
    return census_id, county_id, values if complete else None


def min_max_scale(features: np.ndarray) -> np.ndarray:
    """Each column to [0, 1]: min -> 0, max -> 1 exactly; a constant column -> 0."""
    low, high = features.min(axis=0), features.max(axis=0)
    span = high - low
    constant = span == 0
    scaled = (features - low) / np.where(constant, 1.0, span)
    scaled[:, constant] = 0.0
    return scaled  # rounding is monotonic, so min <= x <= max stays within [0, 1]


def write_ids(path: str, ids: Sequence[str]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as file:
        file.write("".join(f"{county_id}\n" for county_id in ids))
