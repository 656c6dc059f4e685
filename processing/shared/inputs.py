"""Finding a job's input files and reading their text and comma-separated rows."""

import json
import os
from collections.abc import Callable, Sequence
from typing import TypeVar

from shared.errors import InputError

T = TypeVar("T")


def list_input_files(path: str) -> list[str]:
    """A file as is; a folder gives its regular, non-hidden files in name order (how a channel is laid out)."""
    if os.path.isfile(path):
        return [path]
    if not os.path.isdir(path):
        raise InputError("no such file or folder", file=path)
    try:
        entries = [entry for entry in os.scandir(path) if entry.is_file() and not entry.name.startswith(".")]
    except OSError as exc:
        raise InputError(f"cannot list folder: {exc.strerror}", file=path) from exc
    if not entries:
        raise InputError("folder has no input files", file=path)
    return [entry.path for entry in sorted(entries, key=lambda entry: entry.name)]


def read_csv_rows(path: str) -> list[tuple[int, list[str]]]:
    """(1-based line number, stripped cells) for each line; a file without data rows is an InputError.

    Trailing blank lines are dropped (many tools end files with extra newlines); a blank line between data
    rows is kept, so it fails the caller's field-count check instead of silently vanishing. No quoting: neither
    the raw data nor the XGBoost CSV format uses it.
    """
    lines = read_text(path).split("\n")  # not splitlines(): it also splits on form feeds etc., shifting row numbers
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise InputError("no data rows", file=path)
    return [(number, [cell.strip() for cell in line.split(",")]) for number, line in enumerate(lines, start=1)]


def read_text(path: str) -> str:
    """The whole file as text; a file that cannot be read or is not UTF-8 is an InputError."""
    try:
        # utf-8-sig: tolerate a byte-order mark from spreadsheet exports.
        with open(path, encoding="utf-8-sig") as file:
            return file.read()
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=path) from exc
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", file=path) from exc


def non_blank_lines(path: str) -> list[tuple[int, str]]:
    """(1-based line number, line) of every non-blank line of a text file: JSON Lines output of a batch transform
    may leave blank lines between assembled batches."""
    # not splitlines(): it also splits on form feeds and other separators, shifting the line numbers
    return [(number, line) for number, line in enumerate(read_text(path).split("\n"), start=1) if line.strip()]


def parse_json(line: str, path: str, number: int) -> object:
    """One JSON value, or an InputError naming the file and line."""
    try:
        return json.loads(line)
    except ValueError as exc:  # json.JSONDecodeError
        raise InputError(f"not JSON ({exc})", file=path, row=number) from None
    except RecursionError:
        raise InputError("not JSON (nested too deeply)", file=path, row=number) from None


def field_parser(
    cells: list[str], fields: Sequence[str], path: str, number: int
) -> Callable[[str, Callable[[str], T]], T]:
    """Checks a row's field count and returns parse(field, parse_fn) -> parse_fn(cell of that field).

    A ValueError of parse_fn becomes an InputError naming the file, row and field, so that the parse functions
    themselves need only say what is wrong with the text.
    """
    if len(cells) != len(fields):
        raise InputError(f"expected {len(fields)} fields, got {len(cells)}", file=path, row=number)
    values = dict(zip(fields, cells, strict=True))

    def parse(field: str, parse_fn: Callable[[str], T]) -> T:
        try:
            return parse_fn(values[field])
        except ValueError as exc:
            raise InputError(str(exc), file=path, row=number, field=field) from None

    return parse
