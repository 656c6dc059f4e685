"""Packaging of the pretrained fastText language-id model (lid.176.bin) for BlazingText hosting (no training).

Input (--input): lid.176.bin, or a folder holding it: the `raw` output of the pipeline's Download step, which
fetched https://dl.fbaipublicfiles.com/fasttext/supervised-models/lid.176.bin (131,266,198 bytes) and checked its
pinned SHA-256 and size (fetch.py). This step runs with network isolation on: it reads local files only.

Checks, in this order, each failing the job (exit 2, one `error:` line, nothing written): the size in bytes
(--size), the SHA-256 (--sha256; the message names expected and actual value), and that the file
looks like a fastText model: a fastText .bin starts with the magic number 793712314 (0x2F4F16BA) as a
little-endian int32, followed by the format version as a little-endian int32 (12 for lid.176.bin); the version is
only reported, not checked. At least one of --size and --sha256 is required: the Download step checked both
already, and this step checks again what it packages (the file could come from elsewhere).

Output:
  DIR/model/model.tar.gz                  gzip tar with exactly one member, `model.bin` at the archive root (the
                                          layout BlazingText hosting loads), written deterministically: gzip mtime 0
                                          and no file name in the gzip header, ustar member with mtime 0, uid/gid 0,
                                          no user/group names, mode 0644, no directory entries.
  DIR/verification/verification.json      {"verification": {"sha256": {"value": HEX}, "bytes": {"value": N},
                                          "passed": {"value": 1}}}: a record of what was checked. Any failed check
                                          fails this script instead, so a written file always says passed 1.
  DIR/language_test/sentences.jsonl       a fixed test set, 60 sentences in 20 languages (language_test.py), one
                                          {"source": "<sentence>"} per line: the BlazingText batch-transform request
                                          format (application/jsonlines; developer guide,
                                          https://docs.aws.amazon.com/sagemaker/latest/dg/blazingtext.html)
  DIR/language_test/languages.txt         the expected ISO 639-1 code of each sentence, in the same order
All three are written together or not at all (staged_outputs). The pipeline gates on real predictions: a batch
transform of the packaged model answers sentences.jsonl, and evaluate_language_id.py scores those answers against
languages.txt (accuracy, and the majority-language baseline).
"""

import argparse
import gzip
import os
import struct
import tarfile
from collections.abc import Sequence

from language_test import SENTENCES, write_language_test
from shared.arguments import sha256_hex
from shared.cli import run
from shared.download import size_and_sha256
from shared.errors import InputError
from shared.outputs import staged_outputs, write_json

MAGIC = 793712314  # 0x2F4F16BA, fastText's FASTTEXT_FILEFORMAT_MAGIC_INT32
HEADER = struct.Struct("<ii")  # magic, version
MODEL_FILE = "lid.176.bin"  # in a folder given as --input
MEMBER = "model.bin"
ARCHIVE = "model.tar.gz"
VERIFICATION = "verification.json"
OUTPUTS = ("model", "verification", "language_test")
COMPRESS_LEVEL = 6  # the model's floats hardly compress; level 9 costs time for nothing


def main(argv: Sequence[str]) -> int:
    return run(_main, argv)


def _main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    path = find_model(args.input)
    size, digest = size_and_sha256(path)
    if args.size is not None and size != args.size:
        raise InputError(f"size mismatch: expected {args.size} bytes, got {size}", file=path)
    if args.sha256 is not None and digest != args.sha256:
        raise InputError(f"checksum mismatch: expected sha256 {args.sha256}, got {digest}", file=path)
    version = check_header(path)
    outputs = {name: os.path.join(args.output_dir, name) for name in OUTPUTS}
    with staged_outputs(outputs) as staging:
        write_archive(path, os.path.join(staging["model"], ARCHIVE))
        write_verification(os.path.join(staging["verification"], VERIFICATION), digest, size)
        sentences = write_language_test(staging["language_test"])
    print(
        f"lid176: read {path} ({size} bytes, sha256 {digest}, fastText format version {version}); "
        f"wrote model/{ARCHIVE} (member {MEMBER}), verification/{VERIFICATION} (passed 1) and language_test/ "
        f"({sentences} sentences in {len(SENTENCES)} languages)"
    )
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="lid176", description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help=f"{MODEL_FILE}, or a folder holding it")
    parser.add_argument("--output-dir", required=True, help="gets model/, verification/ and language_test/ subfolders")
    parser.add_argument("--sha256", type=sha256_hex, help="expected SHA-256 of the model file")
    parser.add_argument("--size", type=size_bytes, help="expected size of the model file in bytes")
    args = parser.parse_args(argv)
    if args.sha256 is None and args.size is None:
        parser.error("give --size, --sha256 or both: the model must be verified")
    return args


def size_bytes(text: str) -> int:
    if not text.isascii() or not text.isdigit() or int(text) == 0:
        raise argparse.ArgumentTypeError(f"not a positive number of bytes: {text!r}")
    return int(text)


def find_model(path: str) -> str:
    if os.path.isfile(path):
        return path
    if os.path.isdir(path):
        candidate = os.path.join(path, MODEL_FILE)
        if os.path.isfile(candidate):
            return candidate
        raise InputError(f"folder has no {MODEL_FILE}", file=path)
    raise InputError("no such file or folder", file=path)


def check_header(path: str) -> int:
    """The fastText format version; InputError unless the file starts with the fastText magic number."""
    with open(path, "rb") as file:
        head = file.read(HEADER.size)
    if len(head) < HEADER.size:
        raise InputError(f"not a fastText model: only {len(head)} bytes", file=path)
    magic, version = HEADER.unpack(head)
    if magic != MAGIC:
        message = f"not a fastText model: starts with int32 {magic} (0x{magic & 0xFFFFFFFF:08X}), expected {MAGIC}"
        raise InputError(message + " (0x2F4F16BA)", file=path)
    return version


def write_archive(model: str, path: str) -> None:
    info = tarfile.TarInfo(MEMBER)
    info.size = os.path.getsize(model)
    info.mtime = 0
    info.mode = 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.type = tarfile.REGTYPE
    with (
        open(path, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=COMPRESS_LEVEL) as compressed,
        tarfile.open(fileobj=compressed, mode="w", format=tarfile.USTAR_FORMAT) as archive,
        open(model, "rb") as file,
    ):
        archive.addfile(info, file)


def write_verification(path: str, digest: str, size: int) -> None:
    write_json(path, {"verification": {"sha256": {"value": digest}, "bytes": {"value": size}, "passed": {"value": 1}}})
