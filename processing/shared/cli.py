"""Entry-point wrapper: bad input ends in one readable stderr line and exit code 2, not a traceback."""

import sys
from collections.abc import Callable, Sequence

from shared.errors import InputError

# OS errors that mean "the path you gave is wrong", not a bug. Anything else keeps its traceback (exit code 1).
PATH_ERRORS = (FileNotFoundError, FileExistsError, IsADirectoryError, NotADirectoryError, PermissionError)

INPUT_ERROR_EXIT_CODE = 2


def run(main_fn: Callable[[Sequence[str]], int], argv: Sequence[str]) -> int:
    """Calls main_fn(argv) and returns its exit code, or 2 after reporting bad input on stderr."""
    try:
        return main_fn(argv)
    except InputError as exc:
        report(str(exc))
    except PATH_ERRORS as exc:
        report(f"{exc.filename}: {exc.strerror}" if exc.filename else str(exc))
    return INPUT_ERROR_EXIT_CODE


def report(message: str) -> None:
    # One line, so that it stands out in the job's CloudWatch log.
    print("error: " + " ".join(message.splitlines()), file=sys.stderr)
