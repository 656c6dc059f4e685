"""DBpedia ontology classification (dbpedia_csv.tar.gz) for the built-in BlazingText, supervised mode.

Input: the archive dbpedia_csv.tar.gz, or a folder holding exactly one *.tar.gz. It is read as a gzip stream, member
by member, in whatever order they come; nothing is extracted to disk. Members used:
  dbpedia_csv/classes.txt  one class name per line; the class index of line N is N (1-based). Blank lines at the
                           end are ignored; names must be non-empty, without whitespace, and distinct.
  dbpedia_csv/train.csv    CSV without header, 3 fields: class index (1..number of classes), title, abstract;
  dbpedia_csv/test.csv     fields quoted as needed (commas inside, quotes doubled), UTF-8.
(readme.txt and other members are ignored.)

Output: one line per document, `__label__<ClassName> <tokens>`, the tokens those of the lower-cased title and
abstract (shared.tokenize: NLTK-like rules, no downloads), joined by single spaces:
  DIR/train/train.txt                 a seeded random --train-fraction of train.csv (rounded to whole rows), shuffled
  DIR/validation/validation.txt       all of test.csv, shuffled (seeded)
Tokenized lines are spooled to unnamed temporary files beside the outputs, so memory stays small (a few bytes of
index per row) whatever the fraction.

--baseline validation:accuracy (optional; BlazingText's supervised metric) also writes DIR/baseline/baseline.json
(shared.baselines): the accuracy on validation.txt of always answering its most frequent label (the
`__label__<class>` of most of its lines; ties: the class listed first in classes.txt), the trivial model the
pipeline's quality gate requires the classifier to beat (DBpedia's test.csv is balanced: 1/14). Without it, no
baseline folder.

Row numbers in errors are the file line on which the CSV record starts (1-based; there is no header); for a line
too long or holding a NUL character (which Python's csv module lets through), the line itself.

--max-bytes (default 2 GiB) bounds the archive's decompressed data (every member's, read or skipped), checked
against each member's size before it is read; --max-line-length (default 1,000,000 characters) bounds a CSV line.
Beyond either, the job fails naming the archive (and member and row), instead of exhausting the memory.
"""

import argparse
import array
import contextlib
import csv
import gzip
import io
import mmap
import os
import tarfile
import tempfile
import zlib
from collections.abc import Iterator, Sequence
from typing import IO, NamedTuple

import numpy as np
from shared import baselines
from shared.archives import member_file
from shared.bounded_input import check_archive_total, checked_lines
from shared.cli import run
from shared.errors import InputError
from shared.inputs import list_input_files
from shared.limits import GIB, limit_argument
from shared.numbers import parse_count
from shared.outputs import staged_outputs
from shared.tokenize import tokenize

FOLDER = "dbpedia_csv"
CLASSES = f"{FOLDER}/classes.txt"
CSV_MEMBERS = {"train": f"{FOLDER}/train.csv", "validation": f"{FOLDER}/test.csv"}
FIELDS = ("class", "title", "abstract")
ARCHIVE_ERRORS = (tarfile.TarError, gzip.BadGzipFile, EOFError, zlib.error)
WRITE_BATCH = 10_000  # output lines joined per write
READ_CHUNK = 1 << 20
BASELINE_METRICS = ("validation:accuracy",)  # --baseline: what BlazingText (supervised) reports on validation
# The real archive holds about 200 MB (Zhang et al.'s dbpedia_csv, as in the examples bucket's dbpedia.tar.gz of about
# 68 MB: train.csv 560,000 and test.csv 70,000 rows of a title and an abstract of a few hundred characters).
DEFAULT_MAX_BYTES = 2 * GIB
# Real lines hold a few hundred characters; csv refuses a field longer than 131,072 (its field_size_limit), so a
# valid line is at most 3 such fields. Longer lines are refused before they are read whole.
DEFAULT_MAX_LINE_LENGTH = 1_000_000


class Spool(NamedTuple):
    """The tokenized documents of one CSV member, in file order, in a temporary file."""

    where: str  # "archive:member", for messages
    file: IO[bytes]  # the documents' token lines, UTF-8, each ending with "\n"
    offsets: array.array  # start of each line in file, plus the end of the last one
    classes: array.array  # class index of each document
    rows: array.array  # line number on which each document's record starts


def main(argv: Sequence[str]) -> int:
    return run(_main, argv)


def _main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    path = find_archive(args.input)
    outputs = {split: os.path.join(args.output_dir, split) for split in CSV_MEMBERS}
    if args.baseline is not None:
        outputs[baselines.OUTPUT] = os.path.join(args.output_dir, baselines.OUTPUT)
    with staged_outputs(outputs) as staging, contextlib.ExitStack() as files:
        names, spools = read_archive(path, staging, files, args)
        for spool in spools.values():
            check_classes(spool, len(names))
        rng = np.random.default_rng(args.seed)
        train = spools["train"]
        keep = round(len(train.classes) * args.train_fraction)
        if keep == 0:
            message = f"--train-fraction {args.train_fraction} of {len(train.classes)} rows keeps none"
            raise InputError(message, file=train.where)
        orders = {"train": rng.permutation(len(train.classes))[:keep]}
        orders["validation"] = rng.permutation(len(spools["validation"].classes))
        labels = [f"__label__{name} ".encode() for name in names]
        for split, spool in spools.items():
            write_lines(os.path.join(staging[split], f"{split}.txt"), spool, orders[split], labels)
        if args.baseline is not None:
            baseline = majority_baseline(args.baseline, spools["validation"].classes, names)
            baseline.write(staging[baselines.OUTPUT])
    counts = {split: len(spool.classes) for split, spool in spools.items()}
    print(
        f"dbpedia: read {path}: {len(names)} classes, train.csv {counts['train']} rows, test.csv "
        f"{counts['validation']} rows; wrote train {len(orders['train'])} (fraction {args.train_fraction}, "
        f"seed {args.seed}), validation {len(orders['validation'])}"
    )
    if args.baseline is not None:
        print(baseline.summary("dbpedia"))
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="dbpedia", description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="dbpedia_csv.tar.gz, or a folder holding one *.tar.gz")
    parser.add_argument("--output-dir", required=True, help="gets train/ and validation/ subfolders")
    parser.add_argument("--train-fraction", type=float, default=0.2, help="share of train.csv kept (0 < f <= 1)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--baseline", metavar="METRIC", help="also write baseline/baseline.json: validation:accuracy")
    limit_argument(parser, "--max-bytes", DEFAULT_MAX_BYTES, "decompressed bytes of the archive's members")
    limit_argument(parser, "--max-line-length", DEFAULT_MAX_LINE_LENGTH, "characters per CSV line")
    args = parser.parse_args(argv)
    baselines.check_metric(parser, args.baseline, BASELINE_METRICS, tuple(CSV_MEMBERS))
    if not 0 < args.train_fraction <= 1:
        parser.error("--train-fraction must be in (0, 1]")
    if args.seed < 0:
        parser.error("--seed must not be negative")
    return args


def find_archive(path: str) -> str:
    if os.path.isfile(path):
        return path
    archives = [file for file in list_input_files(path) if file.endswith(".tar.gz")]
    if len(archives) != 1:
        raise InputError(f"expected one *.tar.gz in the folder, found {len(archives)}", file=path)
    return archives[0]


def read_archive(
    path: str, staging: dict[str, str], files: contextlib.ExitStack, limits: argparse.Namespace
) -> tuple[list[str], dict[str, Spool]]:
    """(class names, split -> Spool), reading the archive once as a stream; spool files are closed by files.
    limits: max_bytes and max_line_length, as parsed."""
    names: list[str] | None = None
    spools: dict[str, Spool] = {}
    splits = {member: split for split, member in CSV_MEMBERS.items()}
    total = 0  # decompressed bytes of the members so far
    try:
        with tarfile.open(path, "r|gz") as archive:
            for member in archive:
                total += member.size  # a stream-mode archive reads even the skipped members through
                check_archive_total(total, limits.max_bytes, file=path, member=member.name)
                if not member.isfile() or member.name not in (CLASSES, *splits):
                    continue
                stream = member_file(archive, member)
                where = f"{path}:{member.name}"
                if member.name == CLASSES:
                    names = parse_classes(stream.read(), where)
                    continue
                split = splits[member.name]
                spool_file = files.enter_context(tempfile.TemporaryFile(dir=staging[split]))  # noqa: SIM115
                spools[split] = Spool(where, spool_file, array.array("q", [0]), array.array("q"), array.array("q"))
                read_csv(stream, spools[split], names, limits.max_line_length)
    except ARCHIVE_ERRORS as exc:
        raise InputError(f"not a valid tar.gz archive (or truncated): {exc}", file=path) from None
    if names is None:
        raise InputError(f"missing member {CLASSES!r}", file=path)
    for name, split in splits.items():
        if split not in spools:
            raise InputError(f"missing member {name!r}", file=path)
    return names, spools


def parse_classes(data: bytes, where: str) -> list[str]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=where) from None
    lines = [line.strip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    if not lines:
        raise InputError("no class names", file=where)
    for number, name in enumerate(lines, start=1):
        if not name or any(character.isspace() for character in name):
            raise InputError(f"class name must be non-empty, without spaces: {name!r}", file=where, row=number)
        if name in lines[: number - 1]:
            raise InputError(f"duplicate class name {name!r}", file=where, row=number)
    return lines


def read_csv(stream: IO[bytes], spool: Spool, names: list[str] | None, max_line_length: int) -> None:
    """Tokenizes every record of a CSV member into spool. Class indexes above the number of classes are checked
    here if classes.txt came first in the archive, else later by check_classes.
    """
    text = io.TextIOWrapper(io.BufferedReader(_Unseekable(stream), READ_CHUNK), encoding="utf-8", newline="")
    reader = csv.reader(text_lines(text, max_line_length, spool.where), strict=True)
    limit = len(names) if names is not None else None
    position, start, buffer = 0, 1, []
    try:
        for cells in reader:
            row, start = start, reader.line_num + 1
            if len(cells) != len(FIELDS):
                raise InputError(f"expected {len(FIELDS)} fields, got {len(cells)}", file=spool.where, row=row)
            index = parse_class(cells[0], spool.where, row, limit)
            tokens = tokenize(f"{cells[1]} {cells[2]}".lower())
            if not tokens:
                message = "empty document: title and abstract have no text"
                raise InputError(message, file=spool.where, row=row, field="abstract")
            line = (" ".join(tokens) + "\n").encode()
            buffer.append(line)
            position += len(line)
            spool.offsets.append(position)
            spool.classes.append(index)
            spool.rows.append(row)
            if len(buffer) >= WRITE_BATCH:
                spool.file.write(b"".join(buffer))
                buffer.clear()
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", file=spool.where, row=start) from None
    except csv.Error as exc:
        raise InputError(f"bad CSV: {exc}", file=spool.where, row=start) from None
    spool.file.write(b"".join(buffer))
    spool.file.flush()
    if not spool.classes:
        raise InputError("no data rows", file=spool.where)


def text_lines(text: IO[str], max_line_length: int, where: str) -> Iterator[str]:
    """The lines of text, each checked for its length and for NUL characters: Python's csv module (since 3.11) passes
    them through into the tokens, and no DBpedia title or abstract holds one."""
    for number, line in enumerate(checked_lines(text, max_line_length, file=where), start=1):
        if "\0" in line:
            raise InputError("NUL character (byte 0) in the text", file=where, row=number)
        yield line


class _Unseekable(io.RawIOBase):
    """A tar member of a stream-mode archive as a raw stream: Python 3.11's member objects fail on seekable()."""

    def __init__(self, stream: IO[bytes]):
        super().__init__()
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def parse_class(text: str, where: str, row: int, limit: int | None) -> int:
    try:
        index = parse_count(text.strip())
    except ValueError as exc:
        raise InputError(f"class index {exc}", file=where, row=row, field="class") from None
    if index < 1 or limit is not None and index > limit:
        bound = limit if limit is not None else "the number of classes"
        raise InputError(f"class index {index} is outside 1..{bound}", file=where, row=row, field="class")
    return index


def check_classes(spool: Spool, count: int) -> None:
    indexes = np.frombuffer(spool.classes, dtype=np.int64)
    bad = np.flatnonzero(indexes > count)
    if len(bad):
        message = f"class index {indexes[bad[0]]} is outside 1..{count}"
        raise InputError(message, file=spool.where, row=spool.rows[bad[0]], field="class")


def majority_baseline(metric: str, classes: array.array, names: list[str]) -> baselines.Baseline:
    """Accuracy of always answering the most frequent class of a split (ties: the lowest class index), the model
    named by the label BlazingText would answer.
    """
    indexes = np.frombuffer(classes, dtype=np.int64)
    value, _ = baselines.majority_accuracy(indexes)
    majority = int(np.argmax(np.bincount(indexes)))  # argmax: the first, lowest index of a tie, as majority_accuracy
    model = f"always __label__{names[majority - 1]}"
    return baselines.Baseline(metric, value, model, baselines.split_of(metric), len(indexes))


def write_lines(path: str, spool: Spool, order: np.ndarray, labels: list[bytes]) -> None:
    """The spooled documents in the given order, each prefixed by its label."""
    offsets, classes = spool.offsets, spool.classes
    with mmap.mmap(spool.file.fileno(), 0, access=mmap.ACCESS_READ) as data, open(path, "wb") as file:
        for start in range(0, len(order), WRITE_BATCH):
            file.write(b"".join(
                labels[classes[i] - 1] + data[offsets[i] : offsets[i + 1]]
                for i in order[start : start + WRITE_BATCH].tolist()
            ))  # fmt: skip
