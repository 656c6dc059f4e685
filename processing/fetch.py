"""Download of raw dataset files (https:// or s3://) into a processing output, checked against their pinned SHA-256.

The one step of a pipeline that needs network access: it only downloads and verifies, and the step that parses
the data reads the files from its output with network isolation on.

Arguments:
  --source URI      repeatable; https://host/path/NAME or s3://bucket/key/NAME. The file keeps NAME (the last
                    path segment), which must be unique among the sources.
  --sha256 HEX      optional, after a --source: the expected SHA-256 of that source's file. Computed while the
                    bytes arrive; a mismatch fails the job, naming the URI, the expected and the actual digest.
  --size BYTES      optional, after a --source: the expected size of that source's file in bytes.
  e.g. --source https://host/a.gz --sha256 HEX --size 1234 --source s3://bucket/b.tgz
A source without --sha256 is only logged as "not pinned", with the digest it had: pin that value once checked.
An https download follows redirects only to https:// URLs (shared.download).
Output:
  DIR/raw/NAME         each downloaded file
  DIR/raw/SHA256SUMS   `HEX  NAME` lines (sha256sum's format), sorted by name
Any failed download or check fails the job (exit 2, one `error:` line) and writes nothing.
"""

import argparse
import os
from collections.abc import Sequence
from dataclasses import dataclass

from shared.arguments import positive, sha256_hex
from shared.cli import run
from shared.download import Download, download_s3_file, downloaded, source_scheme
from shared.errors import InputError
from shared.outputs import staged_outputs

CHECKSUMS = "SHA256SUMS"


@dataclass
class Source:
    uri: str
    sha256: str | None = None
    size: int | None = None

    @property
    def name(self) -> str:
        return self.uri.rsplit("/", 1)[-1]


def main(argv: Sequence[str]) -> int:
    return run(_main, argv)


def _main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    work_dir = os.path.dirname(os.path.abspath(args.output_dir))  # the job's storage volume, not the container disk
    fetched: dict[str, tuple[Source, Download]] = {}
    with staged_outputs({"raw": os.path.join(args.output_dir, "raw")}) as staging:
        for source in args.sources:
            with downloaded(source.uri, source.name, "fetch-", download_s3_file, work_dir) as download:
                verify(source, download)
                os.replace(download.path, os.path.join(staging["raw"], source.name))
                fetched[source.name] = source, download
        write_checksums(os.path.join(staging["raw"], CHECKSUMS), {name: d.sha256 for name, (_, d) in fetched.items()})
    for name, (source, download) in sorted(fetched.items()):
        pinned = "pinned, matches" if source.sha256 else "not pinned"
        print(f"fetch: {name}: {download.size} bytes, sha256 {download.sha256} ({pinned})")
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="fetch", description=__doc__.splitlines()[0])
    parser.set_defaults(sources=[])
    parser.add_argument("--source", action=AddSource, required=True, help="https:// or s3:// URI (repeatable)")
    parser.add_argument("--sha256", action=CheckLastSource, type=sha256_hex, help="expected SHA-256 of the source")
    parser.add_argument("--size", action=CheckLastSource, type=positive, help="expected size of the source, bytes")
    parser.add_argument("--output-dir", required=True, help="gets the raw/ subfolder")
    args = parser.parse_args(argv)
    for source in args.sources:
        check_source(parser, source.uri)
    names = [source.name for source in args.sources]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        parser.error(f"two sources give the same file name: {', '.join(duplicates)}")
    return args


class AddSource(argparse.Action):
    """--source starts a new source, which the --sha256 and --size after it describe."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        namespace.sources = [*namespace.sources, Source(str(values))]


class CheckLastSource(argparse.Action):
    """--sha256 / --size: an expectation of the file of the --source given just before."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        if not namespace.sources:
            parser.error(f"{option_string} must follow the --source it checks")
        source = namespace.sources[-1]
        if getattr(source, self.dest) is not None:
            parser.error(f"{option_string} given twice for {source.uri}")
        setattr(source, self.dest, values)


def check_source(parser: argparse.ArgumentParser, uri: str) -> None:
    if source_scheme(uri) not in ("https", "s3"):
        parser.error(f"--source must be an https:// or s3:// URI: {uri!r}")
    name = uri.rsplit("/", 1)[-1]
    if not name or name in (".", "..", CHECKSUMS):
        parser.error(f"--source must end in a file name: {uri!r}")


def verify(source: Source, download: Download) -> None:
    if source.size is not None and download.size != source.size:
        raise InputError(f"size mismatch: expected {source.size} bytes, got {download.size}", file=source.uri)
    if source.sha256 is not None and download.sha256 != source.sha256:
        raise InputError(f"checksum mismatch: expected sha256 {source.sha256}, got {download.sha256}", file=source.uri)


def write_checksums(path: str, digests: dict[str, str]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as file:
        file.writelines(f"{digest}  {name}\n" for name, digest in sorted(digests.items()))
