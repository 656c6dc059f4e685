"""Sources given as https:// URL or s3://bucket/key: download into a temporary folder, with size and SHA-256.

Standard library only; boto3 is imported only when an s3:// source is downloaded (the tests and local runs do without).
An https download follows redirects only to other https:// URLs.
"""

import contextlib
import hashlib
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import BinaryIO, NamedTuple

from shared.errors import InputError

DOWNLOAD_TIMEOUT = 60  # seconds without data before a download fails
CHUNK = 1 << 20


def source_scheme(source: str) -> str | None:
    """The lower-case URI scheme of source, or None for a local path."""
    return source.split("://", 1)[0].lower() if "://" in source else None


class Download(NamedTuple):
    path: str
    size: int  # bytes
    sha256: str  # hex


@contextlib.contextmanager
def downloaded(
    source: str, name: str, prefix: str, download_s3: Callable[[str, str], None], work_dir: str | None = None
) -> Iterator[Download]:
    """The https:// or s3:// source downloaded to FOLDER/name, in a temporary folder deleted on exit."""
    scheme = source_scheme(source)
    if scheme not in ("https", "s3"):
        raise InputError(f"unsupported URI scheme {scheme!r} (expected https:// or s3://)", file=source)
    folder = tempfile.mkdtemp(prefix=prefix, dir=work_dir)
    try:
        path = os.path.join(folder, name)
        if scheme == "https":
            size, digest = download_https(source, path)
        else:
            download_s3(source, path)
            size, digest = size_and_sha256(path)
        yield Download(path, size, digest)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class HttpsOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to another https:// URL. urllib's own handler follows one to http:// silently: the
    file would then come over a connection nobody authenticated, and any request headers with it."""

    def redirect_request(self, req, *response):  # response: urllib's (fp, code, msg, headers, newurl)
        fp, newurl = response[0], response[-1]  # newurl is absolute: urllib joined it to req's URL
        if source_scheme(newurl) != "https":
            fp.close()
            raise InputError(f"refused a redirect to {newurl}: not https", file=req.full_url)
        return super().redirect_request(req, *response)


def https_opener() -> urllib.request.OpenerDirector:
    """urllib's opener with HttpsOnlyRedirects in place of its redirect handler (the tests add a fake server)."""
    return urllib.request.build_opener(HttpsOnlyRedirects)


def download_https(url: str, path: str) -> tuple[int, str]:
    """url to path; (size, SHA-256) computed while the bytes arrive, so that the file is not read twice."""
    try:
        with https_opener().open(url, timeout=DOWNLOAD_TIMEOUT) as response, open(path, "wb") as file:
            return copy_hashing(response, file)
    except urllib.error.HTTPError as exc:
        raise InputError(f"download failed: HTTP {exc.code} {exc.reason}", file=url) from None
    except urllib.error.URLError as exc:
        raise InputError(f"download failed: {exc.reason}", file=url) from None
    except (TimeoutError, ConnectionError) as exc:
        raise InputError(f"download failed: {type(exc).__name__}: {exc}", file=url) from None


def split_s3(uri: str) -> tuple[str, str]:
    """(bucket, key) of an s3://bucket/key URI; either may be empty."""
    bucket, _, key = uri[len("s3://") :].partition("/")
    return bucket, key


def download_s3_object(uri: str, bucket: str, key: str, path: str, failed: str = "download failed") -> None:
    """s3://bucket/key to path with boto3; InputError (naming uri, message starting with `failed`) on any failure."""
    try:
        import boto3  # only S3 sources need it; the tests and local runs do without
    except ImportError:
        raise InputError("s3:// sources need boto3, which is not installed", file=uri) from None
    try:
        boto3.client("s3").download_file(bucket, key, path)
    except Exception as exc:  # botocore's ClientError, NoCredentialsError, ...: all mean the download failed
        raise InputError(f"{failed}: {type(exc).__name__}: {exc}", file=uri) from None


def download_s3_file(uri: str, path: str) -> None:
    """The object s3://bucket/key (a file, not a prefix) to path; InputError naming uri otherwise."""
    bucket, key = split_s3(uri)
    if not bucket or not key or key.endswith("/"):
        raise InputError("expected s3://bucket/key of a file", file=uri)
    download_s3_object(uri, bucket, key, path)


def copy_hashing(source: BinaryIO, target: BinaryIO) -> tuple[int, str]:
    """Copies source to target in chunks; (bytes copied, their hex SHA-256)."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        target.write(chunk)
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def size_and_sha256(path: str) -> tuple[int, str]:
    """The size in bytes and the hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()
