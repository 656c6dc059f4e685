"""Limits on what a script reads, so that a hostile or broken input (a gzip bomb, a file without line breaks) ends
with a clear error naming the file instead of exhausting the instance's memory.

Each script derives its defaults from the real dataset's size (with room to spare) and lets an argument raise them.
"""

from __future__ import annotations

import argparse
import io
from typing import IO

from shared.errors import InputError

MIB = 1 << 20
GIB = 1 << 30


class BoundedReader(io.RawIOBase):
    """A binary stream that raises InputError once more than `limit` bytes have been read from `stream`: wrap a
    decompressing stream (gzip.open, a tar member) in it, and the limit holds however far the data expands."""

    def __init__(self, stream: IO[bytes], limit: int, *, file: str, what: str = "decompressed data") -> None:
        super().__init__()
        self._stream = stream
        self._limit = limit
        self._file = file
        self._what = what
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # any writable buffer, as io's own
        data = self._stream.read(min(len(buffer), self._limit + 1 - self.consumed) or 1)
        self.consumed += len(data)
        if self.consumed > self._limit:
            raise InputError(
                f"{self._what} exceeds {self._limit:,} bytes (raise the limit with its argument)", file=self._file
            )
        buffer[: len(data)] = data
        return len(data)


def bounded(stream: IO[bytes], limit: int, *, file: str, what: str = "decompressed data") -> io.BufferedReader:
    """`stream` read through a BoundedReader, buffered (readline, iteration and read all work)."""
    return io.BufferedReader(BoundedReader(stream, limit, file=file, what=what), buffer_size=MIB)


def check_line_length(line: bytes | str, limit: int, *, file: str, row: int) -> None:
    if len(line) > limit:
        raise InputError(f"line longer than {limit:,} characters", file=file, row=row)


def limit_argument(parser: argparse.ArgumentParser, flag: str, default: int, what: str) -> None:
    """An option such as --max-bytes that overrides a limit (a positive number of bytes or characters)."""

    def positive(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"must be positive, got {text!r}")
        return value

    parser.add_argument(flag, type=positive, default=default, help=f"{what} (default {default:,})")
