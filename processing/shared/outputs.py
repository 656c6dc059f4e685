"""All-or-nothing outputs: a failed job must leave its output folders empty, never a partial data set."""

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping


@contextlib.contextmanager
def staged_outputs(outputs: Mapping[str, str]) -> Iterator[dict[str, str]]:
    """Maps each output name to a fresh staging folder; on success, moves their files into the output folders.

    Staging folders are hidden siblings of the output folders, so the final move is a same-file-system rename
    and a killed job leaves nothing inside the folders SageMaker uploads. On any exception, everything staged is
    deleted, output folders that did not exist are not created, and existing ones are left untouched.
    """
    created: list[str] = []  # parent folders made here, removed again on failure
    staging: dict[str, str] = {}
    succeeded = False
    try:
        for name, output in outputs.items():
            parent = os.path.dirname(os.path.abspath(output))
            created += _make_dirs(parent)
            prefix = f".{os.path.basename(os.path.abspath(output))}.staging-"
            staging[name] = tempfile.mkdtemp(prefix=prefix, dir=parent)
        yield dict(staging)
        for name, output in outputs.items():
            _move_contents(staging[name], output)
        succeeded = True
    finally:
        for folder in staging.values():
            shutil.rmtree(folder, ignore_errors=True)
        if not succeeded:
            _remove_empty_dirs(reversed(created))


def _make_dirs(path: str) -> list[str]:
    """Like os.makedirs, but returns the folders it created, outermost first."""
    missing = []
    while not os.path.isdir(path):
        missing.append(path)
        path = os.path.dirname(path)
    missing.reverse()
    for folder in missing:
        os.mkdir(folder)
    return missing


def _move_contents(source: str, target: str) -> None:
    os.makedirs(target, exist_ok=True)
    for name in sorted(os.listdir(source)):
        os.replace(os.path.join(source, name), os.path.join(target, name))


def _remove_empty_dirs(folders) -> None:
    for folder in folders:
        with contextlib.suppress(OSError):  # not empty (someone else wrote there) or already gone
            os.rmdir(folder)


def write_json(path: str, document: dict, indent: int | None = 2) -> None:
    """document as JSON text ending in a newline; NaN or infinity is an error (they are not JSON)."""
    with open(path, "w", encoding="ascii", newline="\n") as file:
        json.dump(document, file, indent=indent, allow_nan=False)
        file.write("\n")
