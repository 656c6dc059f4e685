"""Preprocessing of the WMT17 English-German corpus (preprocessed, tokenized) for the built-in Seq2Seq algorithm.

Input (--input, repeatable): folders holding the files below, or the files themselves; each file is found by its
exact name, and every name may also come gzip-compressed with `.gz` appended (a `.gz` file is always read as gzip,
any other as plain text; both forms of one name is an error):
  corpus.tc.en, corpus.tc.de              training pairs (the WMT17 release ships them as corpus.tc.*.gz)
  newstest2014.tc.en, newstest2014.tc.de  the dev set, the validation pairs
The dev set may also come inside a .tgz/.tar.gz/.tar archive, given directly or in an input folder (the WMT17
release ships it as dev.tgz): only its newstest2014 files are extracted, into a temporary folder beside the output.
Both files of a pair are UTF-8, one tokenized sentence per line, aligned line by line. Tokens are separated by
spaces (U+0020 only; runs of spaces and a trailing \\r are ignored). --max-pairs N reads only the first N training
lines of each language (0 = all); the dev set is always read whole. A line count mismatch between the two languages
is found when one file ends before the other within what is read (so not beyond --max-pairs). A byte-order mark at
the start of a file is dropped. --max-bytes (default 16 GiB per file, after decompression; for a dev archive, its
members' total) and --max-line-length (default 100,000 characters) bound what is read: beyond them the job fails
naming the file (and the row).

Which pairs are written (each count is in the summary line):
  training    a pair is left out when either side has no tokens or more than --max-length tokens: long pairs are
              not trained on (nor counted in the vocabularies).
  validation  every pair is written except those with an empty side, the only pairs the example's preprocessing
              drops (create_vocab_proto.py, below): the validation set is newstest2014 whole, so that a BLEU on it is
              the newstest2014 BLEU and not that of a filtered subset. Pairs longer than --max-length are kept, and
              counted in the summary.

Vocabularies, one per language, from the kept training pairs: `<pad>` 0, `<unk>` 1, `<s>` 2, `</s>` 3, then the most
frequent tokens, ties broken by token (code point order), up to --vocab-size entries in all. Literal `<pad>`, `<unk>`,
`<s>` and `</s>` in the text are not counted again: they map to the special ids.

Output:
  DIR/vocab/vocab.src.json, DIR/vocab/vocab.trg.json   token -> id JSON objects (UTF-8), as Seq2Seq reads them
  DIR/train/train.rec, DIR/validation/val.rec          RecordIO-protobuf, one record per written pair
Each record is what the SageMaker Seq2Seq example's preprocessing writes (aws/amazon-sagemaker-examples,
introduction_to_amazon_algorithms/seq2seq_translation_en-de/create_vocab_proto.py, list_to_record_bytes and
write_recordio): a Record whose features map holds "source", an Int32Tensor of the source token ids, and "target",
an Int32Tensor of the target token ids (values only; no label), framed as a whole RecordIO record
(shared.recordio.write_int32_sequences). Unknown tokens map to `<unk>` (1); no `<s>`/`</s>` are added: Seq2Seq adds
them itself.
"""

import argparse
import contextlib
import gzip
import io
import json
import os
import shutil
import tempfile
import zlib
from collections import Counter
from collections.abc import Generator, Iterator, Sequence
from itertools import zip_longest
from typing import NamedTuple

from shared.archives import existing_folder, extract, is_archive
from shared.bounded_input import checked_lines, open_bounded
from shared.cli import run
from shared.errors import InputError
from shared.limits import GIB, limit_argument
from shared.outputs import staged_outputs
from shared.recordio import write_int32_sequences

TRAIN = ("corpus.tc.en", "corpus.tc.de")
DEV = ("newstest2014.tc.en", "newstest2014.tc.de")
SPECIALS = ("<pad>", "<unk>", "<s>", "</s>")
UNK = 1
BATCH = 50_000  # pairs per write_int32_sequences call
# The real training files hold about 5.9 million lines each (WMT17's preprocessed de-en corpus.tc.*.gz, statmt.org,
# pipelines/datasets.py), about 1 GB per language uncompressed; the dev set (newstest2014) 3,003 lines. Files are
# read line by line, so the byte limit bounds the time a gzip bomb takes, not the memory (the line length does
# that): 16 GiB per file, after decompression.
DEFAULT_MAX_BYTES = 16 * GIB
# Real lines are sentences of a few hundred characters; Seq2Seq drops pairs longer than --max-length tokens anyway.
DEFAULT_MAX_LINE_LENGTH = 100_000


class Limits(NamedTuple):
    """What a file may hold (--max-bytes, --max-line-length)."""

    max_bytes: int
    max_line_length: int


def main(argv: Sequence[str]) -> int:
    return run(_main, argv)


def _main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    work_dir = os.path.dirname(os.path.abspath(args.output_dir))
    with dev_archives_extracted(args.input, work_dir, args.max_bytes) as inputs:
        train = [find_file(inputs, name) for name in TRAIN]
        dev = [find_file(inputs, name) for name in DEV]
        return write_outputs(args, train, dev)


def write_outputs(args: argparse.Namespace, train: list[str], dev: list[str]) -> int:

    # Pass 1: token counts of the kept training pairs. Pass 2 reads the files again: the full corpus (~5.9M pairs)
    # would not fit in memory as token lists.
    counts: tuple[Counter[str], Counter[str]] = (Counter(), Counter())
    train_stats = Stats()
    limits = Limits(args.max_bytes, args.max_line_length)
    for source, target in usable_pairs(train, args, limits, train_stats):
        counts[0].update(source)
        counts[1].update(target)
    if not train_stats.kept:
        raise InputError(f"no usable pairs ({train_stats.describe()})", file=train[0])
    vocabs = [build_vocab(count, args.vocab_size) for count in counts]

    outputs = {name: os.path.join(args.output_dir, name) for name in ("train", "validation", "vocab")}
    with staged_outputs(outputs) as staging:
        for vocab, name in zip(vocabs, ("vocab.src.json", "vocab.trg.json"), strict=True):
            write_vocab(os.path.join(staging["vocab"], name), vocab)
        train_path = os.path.join(staging["train"], "train.rec")
        write_records(train_path, usable_pairs(train, args, limits, Stats()), vocabs)
        dev_stats = Stats(keep_long=True)
        validation_path = os.path.join(staging["validation"], "val.rec")
        write_records(validation_path, validation_pairs(dev, args.max_length, limits, dev_stats), vocabs)
        if not dev_stats.kept:
            raise InputError(f"no usable pairs ({dev_stats.describe()})", file=dev[0])
    print(
        f"wmt: train {train_stats.describe()}; validation {dev_stats.describe()}; "
        f"vocabulary sizes: source {len(vocabs[0])}, target {len(vocabs[1])} (max length {args.max_length})"
    )
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="wmt", description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, action="append", help="folder or file (repeatable)")
    parser.add_argument("--output-dir", required=True, help="gets train/, validation/ and vocab/ subfolders")
    parser.add_argument("--max-pairs", type=int, default=0, help="training lines read per language (0 = all)")
    parser.add_argument("--vocab-size", type=int, default=30000, help="entries per vocabulary, special tokens included")
    parser.add_argument("--max-length", type=int, default=100, help="longest sentence kept, in tokens")
    limit_argument(parser, "--max-bytes", DEFAULT_MAX_BYTES, "bytes read per file (or dev archive), decompressed")
    limit_argument(parser, "--max-line-length", DEFAULT_MAX_LINE_LENGTH, "characters per line")
    args = parser.parse_args(argv)
    if args.max_pairs < 0:
        parser.error("--max-pairs must not be negative")
    if args.vocab_size <= len(SPECIALS):
        parser.error(f"--vocab-size must be more than {len(SPECIALS)} (the special tokens)")
    if args.max_length < 1:
        parser.error("--max-length must be at least 1")
    return args


@contextlib.contextmanager
def dev_archives_extracted(inputs: Sequence[str], work_dir: str, max_bytes: int) -> Iterator[list[str]]:
    """The inputs, plus a temporary folder holding the dev files of every archive among them or in their folders."""
    archives = [path for path in inputs if is_archive(path)]
    for folder in filter(os.path.isdir, inputs):
        archives += [os.path.join(folder, name) for name in sorted(os.listdir(folder))]
    archives = [path for path in archives if is_archive(path)]
    if not archives:
        yield list(inputs)
        return
    extracted = tempfile.mkdtemp(prefix=".wmt-dev-", dir=existing_folder(work_dir))
    try:
        for archive in archives:
            extract(archive, extracted, is_dev_member, max_bytes=max_bytes)
        yield [path for path in inputs if not is_archive(path)] + found_folders(extracted)
    finally:
        shutil.rmtree(extracted, ignore_errors=True)


def is_dev_member(name: str) -> bool:
    return os.path.basename(name).removesuffix(".gz") in DEV


def found_folders(root: str) -> list[str]:
    """root and every folder below it (an archive may keep the dev files in a subfolder)."""
    return [folder for folder, _, _ in os.walk(root)]


def find_file(inputs: Sequence[str], name: str) -> str:
    """The one input file named NAME or NAME.gz, given directly or inside a given folder."""
    found = []
    for path in inputs:
        if os.path.isdir(path):
            found += [os.path.join(path, n) for n in (name, name + ".gz") if os.path.isfile(os.path.join(path, n))]
        elif os.path.isfile(path):
            if os.path.basename(path) in (name, name + ".gz"):
                found.append(path)
        else:
            raise InputError("no such file or folder", file=path)
    if not found:
        raise InputError(f"no {name} or {name}.gz in the input", file=", ".join(inputs))
    if len(found) > 1:
        raise InputError(f"more than one {name}[.gz] in the input: {', '.join(found)}", file=", ".join(inputs))
    return found[0]


class Stats:
    """Pair counts. too_long: pairs with a side longer than --max-length, skipped in training; in validation
    (keep_long) they are kept and counted as long_kept instead."""

    def __init__(self, *, keep_long: bool = False) -> None:
        self.keep_long = keep_long
        self.read = self.kept = self.empty = self.too_long = self.long_kept = 0

    def describe(self) -> str:
        if self.keep_long:
            return (
                f"read {self.read} pairs, kept {self.kept} ({self.long_kept} longer than the max length), "
                f"skipped {self.empty} empty"
            )
        return f"read {self.read} pairs, kept {self.kept}, skipped {self.empty} empty and {self.too_long} too long"


def read_lines(path: str, limits: Limits) -> Generator[str, None, None]:
    """The file's lines without line ends, a leading byte-order mark dropped (a token otherwise); a file that is not
    (gzip of) UTF-8 text, or is beyond the limits, is an InputError."""
    try:
        with open_bounded(path, limits.max_bytes, gunzip=path.endswith(".gz")) as stream:
            text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="\n")
            for line in checked_lines(text, limits.max_line_length, file=path):
                yield line.rstrip("\r\n")
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise InputError(f"corrupt gzip file: {exc}", file=path) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text: {exc.reason}", file=path) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", file=path) from None


def read_pairs(paths: Sequence[str], limit: int, limits: Limits) -> Iterator[tuple[str, str]]:
    """Aligned (source line, target line) pairs, at most `limit` of them (0 = all)."""
    source_path, target_path = paths
    sources, targets = read_lines(source_path, limits), read_lines(target_path, limits)
    count = 0
    try:
        for source, target in zip_longest(sources, targets):
            if source is None or target is None:
                rest = 1 + sum(1 for _ in (targets if source is None else sources))
                counts = (count, count + rest) if source is None else (count + rest, count)
                message = f"line count mismatch: {source_path} has {counts[0]} lines, {target_path} has {counts[1]}"
                raise InputError(message)
            count += 1
            yield source, target
            if count == limit:
                return
    finally:
        sources.close()
        targets.close()


def tokens(line: str) -> list[str]:
    return [token for token in line.split(" ") if token]


def usable_pairs(
    paths: Sequence[str], args: argparse.Namespace, limits: Limits, stats: Stats
) -> Iterator[tuple[list, list]]:
    """The training pairs kept: both sides non-empty and at most --max-length tokens (of the first --max-pairs)."""
    max_length = args.max_length
    for source_line, target_line in read_pairs(paths, args.max_pairs, limits):
        stats.read += 1
        source, target = tokens(source_line), tokens(target_line)
        if not source or not target:
            stats.empty += 1
        elif len(source) > max_length or len(target) > max_length:
            stats.too_long += 1
        else:
            stats.kept += 1
            yield source, target


def validation_pairs(
    paths: Sequence[str], max_length: int, limits: Limits, stats: Stats
) -> Iterator[tuple[list, list]]:
    """Every validation pair with both sides non-empty, the long ones too (counted in stats.long_kept)."""
    for source_line, target_line in read_pairs(paths, 0, limits):
        stats.read += 1
        source, target = tokens(source_line), tokens(target_line)
        if not source or not target:
            stats.empty += 1
            continue
        stats.long_kept += len(source) > max_length or len(target) > max_length
        stats.kept += 1
        yield source, target


def build_vocab(counts: Counter, size: int) -> dict[str, int]:
    vocab = {token: index for index, token in enumerate(SPECIALS)}
    ranked = sorted((item for item in counts.items() if item[0] not in vocab), key=lambda item: (-item[1], item[0]))
    for token, _ in ranked[: size - len(SPECIALS)]:
        vocab[token] = len(vocab)
    return vocab


def write_vocab(path: str, vocab: dict[str, int]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as file:
        json.dump(vocab, file, ensure_ascii=False, indent=2)
        file.write("\n")


def write_records(path: str, pairs: Iterator[tuple[list, list]], vocabs) -> None:
    """The token pairs as Seq2Seq records, token ids from the vocabularies (unknown tokens: <unk>)."""
    source_vocab, target_vocab = vocabs
    with open(path, "wb") as stream:
        sources: list[list[int]] = []
        targets: list[list[int]] = []
        for source, target in pairs:
            sources.append([source_vocab.get(token, UNK) for token in source])
            targets.append([target_vocab.get(token, UNK) for token in target])
            if len(sources) == BATCH:
                write_int32_sequences(stream, sources, targets)
                sources, targets = [], []
        if sources:
            write_int32_sequences(stream, sources, targets)
