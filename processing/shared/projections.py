"""Reading the output of a built-in PCA batch transform: the projections of its input rows.

Two scripts read this output, evaluate_pca (the held-out evaluation) and census_components (the step between PCA
and K-Means); this module is their one parser, so that both accept the same layouts and report a bad line the same
way.

The files are JSON Lines as the developer guide's "PCA Response Formats" page documents them: Accept
application/jsonlines gives one `{"projection": [f1, ..., fk]}` object per line; a line in the application/json
layout, `{"projections": [{"projection": [...]}, ...]}`, is flattened into its rows. Blank lines are skipped: a
multi-record transform may leave some between assembled batches, and a row that is really missing fails the
caller's row-count check. Every projection must be a non-empty list of finite numbers, as long as the first one.
"""

import json
import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from shared.errors import InputError
from shared.inputs import non_blank_lines, parse_json

FLOAT32_MAX = float(np.finfo(np.float32).max)


class Projections(NamedTuple):
    values: np.ndarray  # float64 (rows, components), all files in order
    counts: list[tuple[str, int]]  # (file, rows) of each file
    first: tuple[str, int]  # (file, line) of the first projection


def read_projections(files: Sequence[str], *, float32: bool = False) -> Projections:
    """The projections of all files; each file must hold at least one. float32: values beyond the float32 range are
    refused too (for output written as float32).
    """
    rows: list[list[float]] = []
    counts = []
    first = None  # (file, line) of the first projection
    width = 0  # its length
    for path in files:
        start = len(rows)
        for number, line in non_blank_lines(path):
            for field, values in projections_of(line, path, number, float32=float32):
                if first is None:
                    first, width = (path, number), len(values)
                if len(values) != width:
                    message = f"expected {width} values (as in the first projection, in {first[0]}), got {len(values)}"
                    raise InputError(message, file=path, row=number, field=field)
                rows.append(values)
        if len(rows) == start:
            raise InputError("no projection rows", file=path)
        counts.append((path, len(rows) - start))
    if first is None:  # only without files: a file without projections fails above
        raise InputError("no projection files")
    return Projections(np.array(rows, dtype=np.float64), counts, first)


def projections_of(line: str, path: str, number: int, *, float32: bool = False) -> list[tuple[str, list[float]]]:
    """(field name for messages, values) of each projection on one line, in either response layout."""
    record = parse_json(line, path, number)
    if isinstance(record, dict) and "projection" in record:
        return [("projection", projection_values(record["projection"], "projection", path, number, float32=float32))]
    if isinstance(record, dict) and "projections" in record:
        items = record["projections"]
        if not isinstance(items, list):
            raise InputError(f"expected a list, got {json_type(items)}", file=path, row=number, field="projections")
        found = []
        for index, item in enumerate(items):
            field = f"projections[{index}].projection"
            if not isinstance(item, dict) or "projection" not in item:
                message = f"expected an object with 'projection', got {json_type(item)}"
                raise InputError(message, file=path, row=number, field=f"projections[{index}]")
            found.append((field, projection_values(item["projection"], field, path, number, float32=float32)))
        return found
    message = f"expected an object with 'projection' (or 'projections'), got {json_type(record)}"
    if isinstance(record, dict):
        message += " (missing 'projection' and 'projections')"
    raise InputError(message, file=path, row=number)


def projection_values(values: object, field: str, path: str, number: int, *, float32: bool = False) -> list[float]:
    if not isinstance(values, list):
        raise InputError(f"expected a list of numbers, got {json_type(values)}", file=path, row=number, field=field)
    if not values:
        raise InputError("empty projection", file=path, row=number, field=field)
    result = []
    for position, value in enumerate(values, start=1):
        # bool is an int subclass: true/false are not numbers here.
        if isinstance(value, bool) or not isinstance(value, int | float):
            message = f"value {position} is not a number: {json.dumps(value)[:40]}"
            raise InputError(message, file=path, row=number, field=field)
        try:
            number_value = float(value)  # OverflowError for integers beyond the float range
        except OverflowError:
            number_value = math.inf
        # json.loads accepts NaN, Infinity and 1e999
        if not math.isfinite(number_value) or (float32 and abs(number_value) > FLOAT32_MAX):
            kind = "a finite float32" if float32 else "finite"
            raise InputError(f"value {position} is not {kind}: {value}", file=path, row=number, field=field)
        result.append(number_value)
    return result


def json_type(value: object) -> str:
    """How a JSON value is named in messages: its type, and an object's first keys."""
    if isinstance(value, dict):
        return "an object" + (f" with keys {sorted(value)[:5]}" if value else "")
    names = {list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
