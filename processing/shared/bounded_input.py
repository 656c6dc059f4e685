"""Reading input files within shared.limits' limits: a file (gunzipped or not) through a byte limit, and text lines
checked against a line length without reading more of a long line than the limit."""

import contextlib
import gzip
import itertools
from collections.abc import Iterator
from typing import IO, BinaryIO, cast

from shared.errors import InputError
from shared.limits import bounded, check_line_length

GZIP_MAGIC = b"\x1f\x8b"


@contextlib.contextmanager
def open_bounded(path: str, limit: int, *, gunzip: bool | None = None) -> Iterator[IO[bytes]]:
    """The file's bytes, gunzipped if gunzip (None: if the file starts with gzip's magic number), read through
    shared.limits.bounded: reading past `limit` bytes (after decompression) is an InputError naming path."""
    with open(path, "rb") as raw:
        if gunzip is None:
            gunzip = raw.read(2) == GZIP_MAGIC
            raw.seek(0)
        source = cast(BinaryIO, gzip.GzipFile(fileobj=raw, mode="rb") if gunzip else raw)
        yield bounded(source, limit, file=path)


def checked_lines(text: IO[str], limit: int, *, file: str) -> Iterator[str]:
    """The lines of text with their line ends, as readline gives them. A line longer than limit characters (line end
    not counted) is an InputError naming file and the 1-based row, found after reading at most limit + 2 of them."""
    for number in itertools.count(1):
        # limit + 2: room for the line's own end ("\r\n"), so that a line of exactly limit characters passes whole
        line = text.readline(limit + 2)
        if not line:
            return
        check_line_length(line.rstrip("\r\n"), limit, file=file, row=number)
        yield line


def check_archive_total(total: int, limit: int, *, file: str, member: str) -> None:
    """For a tar archive read as a stream: total is the size of its members so far, member's included, taken from
    their headers before their data is read, so that the limit holds however well the data compress."""
    if total > limit:
        message = f"decompressed data exceeds {limit:,} bytes with member {member!r} (raise the limit with --max-bytes)"
        raise InputError(message, file=file)
