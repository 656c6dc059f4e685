"""Finding a job's input files and reading their comma-separated rows."""

import os

from shared.errors import InputError


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
    try:
        # utf-8-sig: tolerate a byte-order mark from spreadsheet exports.
        with open(path, encoding="utf-8-sig") as file:
            text = file.read()
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=path) from exc
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", file=path) from exc
    lines = text.split("\n")  # not splitlines(): it also splits on form feeds etc., shifting row numbers
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise InputError("no data rows", file=path)
    return [(number, [cell.strip() for cell in line.split(",")]) for number, line in enumerate(lines, start=1)]
