"""Download of raw dataset files (https:// or s3://) into a processing output, with their size and SHA-256.

The one step of a pipeline that needs network access: it only downloads and verifies, and the step that parses
the data reads the files from its output with network isolation on.

Arguments:
  --source URI         repeatable; https://host/path/NAME or s3://bucket/key/NAME. The file keeps NAME (the last
                       path segment), which must be unique among the sources.
  --sha256 NAME=HEX    optional, repeatable: the expected SHA-256 of NAME; a mismatch fails the job.
  --size NAME=BYTES    optional, repeatable: the expected size of NAME in bytes.
Output:
  DIR/raw/NAME         each downloaded file
  DIR/raw/SHA256SUMS   `HEX  NAME` lines (sha256sum's format), sorted by name: pin them with --sha256
Any failed download or check fails the job (exit 2, one `error:` line) and writes nothing.
"""

import argparse
import os
from collections.abc import Sequence

from shared.arguments import positive, sha256_hex
from shared.cli import run
from shared.download import download_s3_file, downloaded, size_and_sha256, source_scheme
from shared.errors import InputError
from shared.outputs import staged_outputs

CHECKSUMS = "SHA256SUMS"


def main(argv: Sequence[str]) -> int:
    return run(_main, argv)


def _main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    work_dir = os.path.dirname(os.path.abspath(args.output_dir))  # the job's storage volume, not the container disk
    digests = {}
    with staged_outputs({"raw": os.path.join(args.output_dir, "raw")}) as staging:
        for source, name in args.named_sources:
            with downloaded(source, name, "fetch-", download_s3_file, work_dir) as path:
                digests[name] = verify(path, source, name, args)
                os.replace(path, os.path.join(staging["raw"], name))
        write_checksums(os.path.join(staging["raw"], CHECKSUMS), digests)
    for name, (size, digest) in sorted(digests.items()):
        print(f"fetch: {name}: {size} bytes, sha256 {digest}")
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="fetch", description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True, action="append", help="https:// or s3:// URI (repeatable)")
    parser.add_argument("--output-dir", required=True, help="gets the raw/ subfolder")
    parser.add_argument("--sha256", action="append", default=[], help="NAME=HEX (repeatable)")
    parser.add_argument("--size", action="append", default=[], help="NAME=BYTES (repeatable)")
    args = parser.parse_args(argv)
    args.named_sources = [(source, source_name(parser, source)) for source in args.source]
    names = [name for _, name in args.named_sources]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        parser.error(f"two sources give the same file name: {', '.join(duplicates)}")
    args.sha256 = expectations(parser, "--sha256", args.sha256, sha256_hex, names)
    args.size = expectations(parser, "--size", args.size, positive, names)
    return args


def source_name(parser: argparse.ArgumentParser, source: str) -> str:
    if source_scheme(source) not in ("https", "s3"):
        parser.error(f"--source must be an https:// or s3:// URI: {source!r}")
    name = source.rsplit("/", 1)[-1]
    if not name or name in (".", "..", CHECKSUMS):
        parser.error(f"--source must end in a file name: {source!r}")
    return name


def expectations(parser, option: str, values: list[str], parse, names: list[str]) -> dict:
    """NAME=VALUE options as {NAME: parsed VALUE}; every NAME must be one of the sources' names."""
    parsed = {}
    for text in values:
        name, sep, value = text.partition("=")
        if not sep or name not in names:
            parser.error(f"{option} expects NAME=VALUE with NAME one of {', '.join(names)}: {text!r}")
        try:
            parsed[name] = parse(value)
        except argparse.ArgumentTypeError as exc:
            parser.error(f"{option} {name}: {exc}")
    return parsed


def verify(path: str, source: str, name: str, args: argparse.Namespace) -> tuple[int, str]:
    size, digest = size_and_sha256(path)
    if name in args.size and size != args.size[name]:
        raise InputError(f"size mismatch: expected {args.size[name]} bytes, got {size}", file=source)
    if name in args.sha256 and digest != args.sha256[name]:
        raise InputError(f"checksum mismatch: expected sha256 {args.sha256[name]}, got {digest}", file=source)
    return size, digest


def write_checksums(path: str, digests: dict[str, tuple[int, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as file:
        file.writelines(f"{digest}  {name}\n" for name, (_, digest) in sorted(digests.items()))
