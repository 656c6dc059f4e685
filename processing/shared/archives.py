"""Datasets that arrive as a tar archive (.tar, .tgz, .tar.gz) or as its extracted folder.

`dataset_root` gives the folder that holds a dataset's layout either way: an archive is extracted (only the
members a script asks for) into a temporary folder that is deleted on exit. Extraction uses tarfile's "data"
filter: no absolute paths, no `..`, no links out of the folder, no device files.
"""

import contextlib
import gzip
import os
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from typing import IO

from shared.bounded_input import check_archive_total
from shared.errors import InputError

ARCHIVE_SUFFIXES = (".tar", ".tgz", ".tar.gz")
ARCHIVE_ERRORS = (tarfile.TarError, gzip.BadGzipFile, EOFError, zlib.error, OSError)
CHUNK = 1 << 20
SEARCH_DEPTH = 3  # how deep below the input a dataset's root folder may lie (e.g. pascal-voc/VOC2012)
_EXTRACTED: dict[str, str] = {}  # extraction folder -> its archive, while a dataset_root context is open


def display_name(path: str) -> str:
    """How messages name a file: ARCHIVE:MEMBER for a file extracted by dataset_root (the copy is deleted when the
    job ends, the archive is what the user knows), otherwise its path."""
    for folder, archive in _EXTRACTED.items():
        if path.startswith(folder + os.sep):
            return f"{archive}:{os.path.relpath(path, folder).replace(os.sep, '/')}"
    return path


def is_archive(path: str) -> bool:
    return os.path.isfile(path) and path.lower().endswith(ARCHIVE_SUFFIXES)


@contextlib.contextmanager
def dataset_root(
    path: str,
    is_root: Callable[[str], bool],
    wanted: Callable[[str], bool] = lambda name: True,
    work_dir: str | None = None,
    *,
    max_bytes: int | None = None,
) -> Iterator[str]:
    """The folder for which is_root(folder) holds: path itself, a folder below it, or one inside the archive that
    path is (or that a folder holding exactly one archive holds). wanted(member name) picks the archive members
    to extract into a temporary folder in work_dir: give a folder on the job's storage volume (the container's own
    disk is small), e.g. the parent of the output folder. InputError (naming path) when no such folder exists or
    the archive is corrupt. max_bytes: see extract."""
    if os.path.isdir(path):
        found = find_root(path, is_root)
        if found is not None:
            yield found
            return
        archives = sorted(name for name in os.listdir(path) if is_archive(os.path.join(path, name)))
        if len(archives) != 1:
            listed = ", ".join(archives) or "none"
            raise InputError(f"no dataset folder found, and not exactly one archive to extract ({listed})", file=path)
        path = os.path.join(path, archives[0])
    if not is_archive(path):
        raise InputError(f"expected a folder or a {'/'.join(ARCHIVE_SUFFIXES)} archive", file=path)
    folder = tempfile.mkdtemp(prefix=".dataset-", dir=existing_folder(work_dir))
    _EXTRACTED[folder] = path
    try:
        extract(path, folder, wanted, max_bytes=max_bytes)
        found = find_root(folder, is_root)
        if found is None:
            raise InputError("the archive does not hold the expected dataset layout", file=path)
        try:
            yield found
        except InputError as error:  # a bad file found while the caller reads the dataset: name it in the archive
            error.file = display_name(error.file) if error.file else error.file
            raise
    finally:
        del _EXTRACTED[folder]
        shutil.rmtree(folder, ignore_errors=True)


def existing_folder(path: str | None) -> str | None:
    """path, or its nearest existing parent: extracting there creates no folder a failed job would leave behind."""
    while path is not None and not os.path.isdir(path):
        parent = os.path.dirname(os.path.abspath(path))
        path = None if parent == path else parent
    return path


def extract(archive: str, folder: str, wanted: Callable[[str], bool], *, max_bytes: int | None = None) -> None:
    """The wanted regular files and folders of archive into folder, in one streaming pass. max_bytes bounds the
    members' decompressed size, all of them (a stream is read through the skipped ones too): InputError beyond it."""
    total = 0
    try:
        with open(archive, "rb") as raw:
            gzipped = raw.read(2) == b"\x1f\x8b"
            raw.seek(0)
            stream = gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else raw
            with tarfile.open(fileobj=stream, mode="r|") as tar:
                for member in tar:
                    total += member.size
                    if max_bytes is not None:
                        check_archive_total(total, max_bytes, file=archive, member=member.name)
                    if (member.isfile() or member.isdir()) and wanted(member.name):
                        tar.extract(member, folder, filter="data")
            # tarfile stops at the end-of-archive marker; reading on to the gzip trailer makes GzipFile check the
            # CRC-32 and length of everything, so a corrupted byte fails here instead of extracting silently
            while gzipped and stream.read(CHUNK):
                pass
    except tarfile.FilterError as exc:
        raise InputError(f"unsafe archive member: {exc}", file=archive) from None
    except ARCHIVE_ERRORS as exc:
        raise InputError(f"corrupt or unreadable archive: {type(exc).__name__}: {exc}", file=archive) from None


def member_file(tar: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    """The contents of a regular file member (callers pick those: tarfile gives None for any other kind)."""
    stream = tar.extractfile(member)
    if stream is None:
        raise InputError(f"archive member {member.name!r} is not a regular file")
    return stream


def find_root(path: str, is_root: Callable[[str], bool], depth: int = SEARCH_DEPTH) -> str | None:
    """The first folder (breadth first, by name) at most depth levels below path for which is_root holds."""
    level = [path]
    for _ in range(depth + 1):
        for folder in level:
            if is_root(folder):
                return folder
        level = [
            os.path.join(folder, name)
            for folder in level
            for name in sorted(os.listdir(folder))
            if os.path.isdir(os.path.join(folder, name)) and not name.startswith(".")
        ]
    return None
