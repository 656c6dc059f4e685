"""processing/fetch.py: raw files from https:// and s3:// into raw/, verified, with their SHA256SUMS.

https is served by a urllib opener installed for the test and s3 by a fake boto3 module: no network.
"""

import hashlib
import tempfile

import fetch
import pytest
from processing_testlib import (
    assert_fails_in_process,
    files_under,
    install_fake_boto3,
    install_fake_https,
    run_processing,
)

CORPUS = "https://data.example.org/wmt17/corpus.tc.en.gz"
DEV = "s3://copies/wmt17/dev.tgz"
CORPUS_BYTES = b"corpus bytes\n"
DEV_BYTES = b"\x1f\x8bdev"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def sources(monkeypatch, tmp_path):
    """One https and one s3 source; downloads go to a temporary folder that must be empty afterwards."""
    https = install_fake_https(monkeypatch)
    https.routes[CORPUS] = CORPUS_BYTES
    objects, _ = install_fake_boto3(monkeypatch)
    objects["copies", "wmt17/dev.tgz"] = DEV_BYTES
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield https
    assert list(folder.iterdir()) == []


@pytest.fixture
def output_splits():
    return ("raw",)


def run_fetch(output, *args) -> int:
    return fetch.main(["--output-dir", str(output), *map(str, args)])


def test_downloads_each_source_under_its_name_with_checksums(output, sources, capsys):
    assert run_fetch(output, "--source", CORPUS, "--source", DEV) == 0
    raw = output / "raw"
    assert files_under(output) == [raw / "SHA256SUMS", raw / "corpus.tc.en.gz", raw / "dev.tgz"]
    assert (raw / "corpus.tc.en.gz").read_bytes() == CORPUS_BYTES
    assert (raw / "dev.tgz").read_bytes() == DEV_BYTES
    assert (raw / "SHA256SUMS").read_text() == (
        f"{sha256(CORPUS_BYTES)}  corpus.tc.en.gz\n{sha256(DEV_BYTES)}  dev.tgz\n"
    )
    assert f"fetch: dev.tgz: 5 bytes, sha256 {sha256(DEV_BYTES)}" in capsys.readouterr().out


def test_matching_size_and_checksum_pass(output, sources):
    checks = ["--sha256", f"corpus.tc.en.gz={sha256(CORPUS_BYTES).upper()}", "--size", "dev.tgz=5"]
    assert run_fetch(output, "--source", CORPUS, "--source", DEV, *checks) == 0


@pytest.mark.parametrize(
    ("check", "message"),
    [
        (["--sha256", "dev.tgz=" + "0" * 64], f"{DEV}: checksum mismatch: expected sha256 {'0' * 64}, got"),
        (["--size", "corpus.tc.en.gz=99"], f"{CORPUS}: size mismatch: expected 99 bytes, got 13"),
    ],
)
def test_a_failed_check_writes_nothing(output, sources, capsys, check, message):
    code = run_fetch(output, "--source", CORPUS, "--source", DEV, *check)
    assert_fails_in_process(code, capsys, output, message)


def test_a_failed_download_writes_nothing(output, sources, capsys):
    missing = "https://data.example.org/wmt17/missing.gz"
    code = run_fetch(output, "--source", CORPUS, "--source", missing)
    assert_fails_in_process(code, capsys, output, f"error: {missing}: download failed: HTTP 404")
    code = run_fetch(output, "--source", "s3://copies/absent.tgz")
    assert_fails_in_process(code, capsys, output, "error: s3://copies/absent.tgz: download failed")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--source", "http://data.example.org/a.gz"], "must be an https:// or s3:// URI"),
        (["--source", "/local/a.gz"], "must be an https:// or s3:// URI"),
        (["--source", "https://data.example.org/dir/"], "must end in a file name"),
        (["--source", CORPUS, "--source", "s3://b/corpus.tc.en.gz"], "same file name: corpus.tc.en.gz"),
        (["--source", CORPUS, "--sha256", "dev.tgz=" + "0" * 64], "NAME one of corpus.tc.en.gz"),
        (["--source", CORPUS, "--sha256", "corpus.tc.en.gz=xyz"], "not a SHA-256"),
        (["--source", CORPUS, "--size", "corpus.tc.en.gz=0"], "must be a positive integer"),
        (["--source", CORPUS, "--size", "13"], "expects NAME=VALUE"),
    ],
)
def test_bad_arguments_are_usage_errors(output, capsys, args, message):
    with pytest.raises(SystemExit) as exit_info:
        run_fetch(output, *args)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
    assert files_under(output) == []


def test_runs_through_the_dispatcher(tmp_path):
    result = run_processing("fetch", "--source", "ftp://x/y", "--output-dir", tmp_path / "out")
    assert result.returncode == 2
    assert "must be an https:// or s3:// URI" in result.stderr
