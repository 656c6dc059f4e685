"""Preprocessing of MovieLens 100K (ml-100k.zip) for the built-in Object2Vec algorithm (user-movie ratings).

Input (--input): ml-100k.zip, or a folder holding it: the `raw` output of the pipeline's Download step, which
fetched https://files.grouplens.org/datasets/movielens/ml-100k.zip and checked its pinned SHA-256 (fetch.py). This
step runs with network isolation on: it reads local files only.

The zip is read in memory, nothing is extracted: ml-100k/ua.base -> train, ml-100k/ua.test -> validation (the
data set's own split: 10 ratings per user held out). Rows: `user_id<TAB>item_id<TAB>rating<TAB>timestamp`, ids
non-negative integers, rating an integer 1..5. Output, each split shuffled (seeded): DIR/train/train.jsonl and
DIR/validation/validation.jsonl, one compact JSON object per line, `{"in0":[user_id],"in1":[item_id],"label":rating}`
(json.dumps with separators (",", ":")), the form Object2Vec reads. The summary line gives the vocabulary sizes
Object2Vec needs: max user id + 1 (enc0_vocab_size) and max item id + 1 (enc1_vocab_size), over both splits.

--baseline validation:mean_squared_error (optional; Object2Vec's regression metric) also writes
DIR/baseline/baseline.json (shared.baselines): the mean squared error on the validation split of always answering
that split's mean rating (its variance), the trivial model the pipeline's quality gate requires Object2Vec to beat.
Without it, no baseline folder.
"""

import argparse
import os
import re
import zipfile
import zlib
from collections.abc import Sequence

import numpy as np
from shared import baselines
from shared.cli import run
from shared.errors import InputError
from shared.inputs import field_parser
from shared.limits import MIB, bounded, limit_argument
from shared.numbers import parse_count
from shared.outputs import staged_outputs

ARCHIVE = "ml-100k.zip"
MEMBERS = {"train": "ml-100k/ua.base", "validation": "ml-100k/ua.test"}
FIELDS = ("user_id", "item_id", "rating", "timestamp")
RATINGS = range(1, 6)
# ua.base and ua.test hold 90,570 and 9,430 ratings, about 2 MB together (GroupLens' ml-100k README); a member is
# read whole, so its decompressed size is capped: a zip bomb's member ends with a clear error, not an exhausted job.
MAX_MEMBER_BYTES = 64 * MIB
MAX_ID = 2**31 - 1  # Object2Vec vocabularies are far smaller; this only keeps absurd ids from overflowing int64
BASELINE_METRICS = ("validation:mean_squared_error",)  # --baseline: Object2Vec's regression metric on validation
# The fast path of a row; a row it refuses goes through field_parser, for a precise error (or a rarer valid form).
_ROW = re.compile(r"([0-9]{1,9})\t([0-9]{1,9})\t([1-5])\t([0-9]{1,18})")


def main(argv: Sequence[str]) -> int:
    return run(_main, argv)


def _main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    path = find_archive(args.input)
    splits = read_archive(path, args.max_bytes)
    rng = np.random.default_rng(args.seed)
    outputs = {split: os.path.join(args.output_dir, split) for split in MEMBERS}
    if args.baseline is not None:
        outputs[baselines.OUTPUT] = os.path.join(args.output_dir, baselines.OUTPUT)
    with staged_outputs(outputs) as staging:
        for split, rows in splits.items():
            write_jsonl(os.path.join(staging[split], f"{split}.jsonl"), rows[rng.permutation(len(rows))])
        if args.baseline is not None:
            baseline = baselines.of_labels(
                args.baseline, splits[baselines.split_of(args.baseline)][:, 2]
            )  # the ratings
            baseline.write(staging[baselines.OUTPUT])
    every = np.concatenate(list(splits.values()))
    users, items = int(every[:, 0].max()) + 1, int(every[:, 1].max()) + 1
    written = ", ".join(f"{split} {len(rows)}" for split, rows in splits.items())
    print(
        f"movielens: read {path}; wrote {written} (jsonl); "
        f"vocabulary sizes: users {users} (max user id + 1), items {items} (max item id + 1)"
    )
    if args.baseline is not None:
        print(baseline.summary("movielens"))
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="movielens", description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help=f"{ARCHIVE}, or a folder holding it")
    parser.add_argument("--output-dir", required=True, help="gets train/ and validation/ subfolders")
    parser.add_argument("--seed", type=int, default=0)
    limit_argument(parser, "--max-bytes", MAX_MEMBER_BYTES, "largest decompressed size of a member, in bytes")
    parser.add_argument(
        "--baseline", metavar="METRIC", help="also write baseline/baseline.json: validation:mean_squared_error"
    )
    args = parser.parse_args(argv)
    if args.seed < 0:
        parser.error("--seed must not be negative")
    baselines.check_metric(parser, args.baseline, BASELINE_METRICS, tuple(MEMBERS))
    return args


def find_archive(path: str) -> str:
    if os.path.isfile(path):
        return path
    if os.path.isdir(path):
        candidate = os.path.join(path, ARCHIVE)
        if os.path.isfile(candidate):
            return candidate
        raise InputError(f"folder has no {ARCHIVE}", file=path)
    raise InputError("no such file or folder", file=path)


def read_archive(path: str, max_bytes: int) -> dict[str, np.ndarray]:
    """Split -> int64 array (rows, 4) of user_id, item_id, rating, timestamp, from the zip's members."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise InputError(f"not a valid zip file: {exc}", file=path) from None
    with archive:
        names = set(archive.namelist())
        return {split: parse_member(read_member(archive, names, path, member, max_bytes), f"{path}:{member}")
                for split, member in MEMBERS.items()}  # fmt: skip


def read_member(archive: zipfile.ZipFile, names: set[str], path: str, member: str, max_bytes: int) -> str:
    if member not in names:
        raise InputError(f"missing member {member!r}", file=path)
    where = f"{path}:{member}"
    try:
        with archive.open(member) as stream:
            data = bounded(stream, max_bytes, file=where).read()
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise InputError(f"corrupt member: {exc}", file=where) from None
    try:
        return data.decode("ascii")
    except UnicodeDecodeError as exc:
        raise InputError(f"not ASCII text (byte {exc.start})", file=where) from None


def parse_member(text: str, where: str) -> np.ndarray:
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise InputError("no data rows", file=where)
    rows = []
    for number, line in enumerate(lines, start=1):
        line = line.removesuffix("\r")
        match = _ROW.fullmatch(line)
        rows.append(match.groups() if match else parse_row(line, where, number))
    return np.array(rows, dtype=np.int64)


def parse_row(line: str, where: str, number: int) -> tuple[int, int, int, int]:
    """The slow path of a row the fast pattern refused: finds the field and says what is wrong with it."""
    parse = field_parser(line.split("\t"), FIELDS, where, number)
    # e.g. '00042' passes here: valid, just not the usual form
    return (parse("user_id", parse_id), parse("item_id", parse_id), parse("rating", parse_rating),
            parse("timestamp", parse_timestamp))  # fmt: skip


def parse_id(text: str) -> int:
    value = parse_count(text)
    if value > MAX_ID:
        raise ValueError(f"id {value} is larger than {MAX_ID}")
    return value


def parse_timestamp(text: str) -> int:
    value = parse_count(text)
    if value >= 2**63:
        raise ValueError(f"timestamp {value} is out of range")
    return value


def parse_rating(text: str) -> int:
    value = parse_count(text)
    if value not in RATINGS:
        raise ValueError(f"rating {value} is outside 1..5")
    return value


def write_jsonl(path: str, rows: np.ndarray) -> None:
    # Exactly json.dumps({"in0": [u], "in1": [i], "label": r}, separators=(",", ":")), written directly: faster.
    with open(path, "w", encoding="ascii", newline="\n") as file:
        file.writelines(f'{{"in0":[{u}],"in1":[{i}],"label":{r}}}\n' for u, i, r, _ in rows.tolist())
