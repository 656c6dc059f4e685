"""The text8 corpus (first 10^8 bytes of cleaned English Wikipedia) for the built-in BlazingText, word2vec mode.

Input: text8.gz (gzip), text8.zip (a zip with member `text8`), or the plain text8 file; or a folder holding exactly
one of them. The kind is found from the first bytes (gzip or zip magic), not the file name. The text is one line of
lowercase words: only the bytes a-z and space, at least one word, and no newline except one optional final one.

Output: DIR/train/text8, the decompressed bytes unchanged (BlazingText reads a single training file). The input is
streamed in 1 MiB chunks and checked as it is copied, so memory stays bounded; a bad byte is reported with its
0-based byte offset in the decompressed text. The summary line gives the word and byte counts.
"""

import argparse
import contextlib
import gzip
import io
import os
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from typing import IO

import numpy as np
from shared.cli import run
from shared.errors import InputError
from shared.inputs import list_input_files
from shared.outputs import staged_outputs

MEMBER = "text8"
CHUNK = 1 << 20
ALLOWED = b"abcdefghijklmnopqrstuvwxyz "
SPACE = ord(" ")
GZIP_MAGIC, ZIP_MAGIC = b"\x1f\x8b", b"PK\x03\x04"
STREAM_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error, zipfile.BadZipFile)
# What open_text8 yields: a file or zip member (typed IO[bytes]) or a GzipFile (typed apart, as a BufferedIOBase).
BinaryStream = IO[bytes] | io.BufferedIOBase


def main(argv: Sequence[str]) -> int:
    return run(_main, argv)


def _main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    path = find_input(args.input)
    with (
        staged_outputs({"train": os.path.join(args.output_dir, "train")}) as staging,
        open_text8(path) as (stream, where),
        open(os.path.join(staging["train"], MEMBER), "wb") as output,
    ):
        words, size = copy_checked(stream, output, where)
    print(f"text8: read {path}; wrote {words} words, {size} bytes to train/{MEMBER}")
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="text8", description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="text8.gz, text8.zip or text8, or a folder holding one")
    parser.add_argument("--output-dir", required=True, help="gets a train/ subfolder")
    return parser.parse_args(argv)


def find_input(path: str) -> str:
    files = list_input_files(path)
    if len(files) != 1:
        raise InputError(f"expected one input file in the folder, found {len(files)}", file=path)
    return files[0]


@contextlib.contextmanager
def open_text8(path: str) -> Iterator[tuple[BinaryStream, str]]:
    """(binary stream of the decompressed text, name for messages)."""
    with open(path, "rb") as file:
        magic = file.read(4)
        file.seek(0)
        if magic.startswith(GZIP_MAGIC):
            with gzip.GzipFile(fileobj=file, mode="rb") as stream:
                yield stream, path
        elif magic == ZIP_MAGIC:
            try:
                archive = zipfile.ZipFile(file)
                names = archive.namelist()
            except (zipfile.BadZipFile, EOFError) as exc:
                raise InputError(f"not a valid zip file: {exc}", file=path) from None
            with archive:
                if MEMBER not in names:
                    raise InputError(f"missing member {MEMBER!r} (found {names[:5]})", file=path)
                try:
                    member = archive.open(MEMBER)
                except (zipfile.BadZipFile, NotImplementedError) as exc:
                    raise InputError(f"corrupt member: {exc}", file=f"{path}:{MEMBER}") from None
                with member:
                    yield member, f"{path}:{MEMBER}"
        else:
            yield file, path


def copy_checked(stream: BinaryStream, output: IO[bytes], where: str) -> tuple[int, int]:
    """Copies stream to output, checking every byte; returns (words, bytes).

    The last byte read is held back until the next chunk (or the end) shows whether it is the final one, the only
    place a newline may be.
    """
    size = words = 0
    previous_space = True  # a word starts at a non-space byte after a space or at the start
    held = b""
    try:
        while chunk := stream.read(CHUNK):
            data, held = held + chunk[:-1], chunk[-1:]
            check(data, where, size)
            words += count_words(data, previous_space=previous_space)
            if data:
                previous_space = data[-1] == SPACE
            output.write(data)
            size += len(data)
    except STREAM_ERRORS as exc:
        raise InputError(f"corrupt or truncated input at decompressed byte {size}: {exc}", file=where) from None
    if held and held != b"\n":
        check(held, where, size)
        words += count_words(held, previous_space=previous_space)
    output.write(held)
    size += len(held)
    if words == 0:
        raise InputError("no words (empty input)" if size <= 1 else "no words (only spaces)", file=where)
    return words, size


def check(data: bytes, where: str, offset: int) -> None:
    """Raises an InputError at the first byte of data that is not a-z or space (offset: data's position)."""
    if data.translate(None, ALLOWED):
        values = np.frombuffer(data, dtype=np.uint8)
        bad = int(np.flatnonzero(((values < ord("a")) | (values > ord("z"))) & (values != SPACE))[0])
        value = data[bad]
        what = repr(chr(value)) if value < 128 else f"byte 0x{value:02x}"
        if value == ord("\n"):
            what = "newline (only one final newline is allowed)"
        raise InputError(f"byte offset {offset + bad}: {what}; only a-z and space are allowed", file=where)


def count_words(data: bytes, *, previous_space: bool) -> int:
    if not data:
        return 0
    letters = np.frombuffer(data, dtype=np.uint8) != SPACE
    return int(letters[0] and previous_space) + int(np.count_nonzero(letters[1:] & ~letters[:-1]))
