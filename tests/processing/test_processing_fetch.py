"""processing/fetch.py: raw files from https:// and s3:// into raw/, verified, with their SHA256SUMS.

https is served by a fake urllib handler added to the download opener and s3 by a fake boto3 module; the redirect
tests run a plain-HTTP server on 127.0.0.1: no internet.
"""

import hashlib
import http.server
import tempfile
import threading
import urllib.request

import fetch
import pytest
from processing_testlib import (
    assert_fails_in_process,
    files_under,
    install_fake_boto3,
    install_fake_https,
    run_processing,
)
from shared import download
from shared.errors import InputError

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
    # the download opener, with the fake server in it (download builds its own opener, for its redirect handler)
    monkeypatch.setattr(
        download, "https_opener", lambda: urllib.request.build_opener(download.HttpsOnlyRedirects, https)
    )
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
    # an unpinned source is logged with the digest it had, for someone to check and pin
    assert f"fetch: dev.tgz: 5 bytes, sha256 {sha256(DEV_BYTES)} (not pinned)" in capsys.readouterr().out


def test_matching_size_and_checksum_pass(output, sources, capsys):
    pinned = ["--source", CORPUS, "--sha256", sha256(CORPUS_BYTES).upper(), "--size", "13"]
    assert run_fetch(output, *pinned, "--source", DEV, "--size", "5") == 0
    assert (output / "raw" / "corpus.tc.en.gz").read_bytes() == CORPUS_BYTES
    assert f"corpus.tc.en.gz: 13 bytes, sha256 {sha256(CORPUS_BYTES)} (pinned, matches)" in capsys.readouterr().out


def test_each_check_applies_to_the_source_before_it(output, sources, capsys):
    # DEV's digest given after CORPUS would be a mismatch: it must not be applied to CORPUS
    code = run_fetch(output, "--source", CORPUS, "--source", DEV, "--sha256", sha256(CORPUS_BYTES))
    assert_fails_in_process(code, capsys, output, f"{DEV}: checksum mismatch")


@pytest.mark.parametrize(
    ("check", "message"),
    [
        (
            ["--source", CORPUS, "--source", DEV, "--sha256", "0" * 64],
            f"error: {DEV}: checksum mismatch: expected sha256 {'0' * 64}, got {sha256(DEV_BYTES)}",
        ),
        (["--source", CORPUS, "--size", "99", "--source", DEV], f"{CORPUS}: size mismatch: expected 99 bytes, got 13"),
    ],
)
def test_a_failed_check_writes_nothing(output, sources, capsys, check, message):
    assert_fails_in_process(run_fetch(output, *check), capsys, output, message)


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
        (["--sha256", "0" * 64, "--source", CORPUS], "--sha256 must follow the --source it checks"),
        (["--source", CORPUS, "--sha256", "0" * 64, "--sha256", "0" * 64], f"--sha256 given twice for {CORPUS}"),
        (["--source", CORPUS, "--sha256", "xyz"], "not a SHA-256"),
        (["--source", CORPUS, "--size", "0"], "must be a positive integer"),
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


class RedirectingServer(http.server.BaseHTTPRequestHandler):
    """Answers every GET with a redirect to an http:// URL, as a misconfigured or hostile mirror could."""

    def do_GET(self):
        self.send_response(302)
        self.send_header("Location", f"http://127.0.0.1:{self.server.server_port}/plain/data.gz")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def redirecting_server():
    server = http.server.HTTPServer(("127.0.0.1", 0), RedirectingServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/start/data.gz"
    server.shutdown()
    server.server_close()


def test_a_redirect_to_http_is_refused(redirecting_server, tmp_path):
    # the real opener against a local server: its redirect handler refuses before any request to the http URL
    with pytest.raises(InputError) as refused:
        download.download_https(redirecting_server, str(tmp_path / "data.gz"))
    assert str(refused.value) == (
        f"{redirecting_server}: refused a redirect to {redirecting_server.replace('/start/', '/plain/')}: not https"
    )
    assert not (tmp_path / "data.gz").exists()


def redirect(newurl: str) -> urllib.request.Request | None:
    request = urllib.request.Request("https://data.example.org/a.gz")
    closed = []

    class Body:
        def close(self):
            closed.append(True)

    try:
        return download.HttpsOnlyRedirects().redirect_request(request, Body(), 302, "Found", {}, newurl)
    finally:
        assert closed == ([] if newurl.startswith("https://") else [True])


@pytest.mark.parametrize("newurl", ["http://data.example.org/a.gz", "HTTP://mirror.example.org/a.gz", "ftp://x/a"])
def test_the_redirect_handler_refuses_any_non_https_url(newurl):
    with pytest.raises(InputError) as refused:
        redirect(newurl)
    assert str(refused.value) == f"https://data.example.org/a.gz: refused a redirect to {newurl}: not https"


def test_the_redirect_handler_follows_https():
    assert redirect("https://mirror.example.org/a.gz").full_url == "https://mirror.example.org/a.gz"


def test_the_download_opener_uses_the_https_only_handler():
    handlers = download.https_opener().handlers
    assert [type(h) for h in handlers if isinstance(h, urllib.request.HTTPRedirectHandler)] == [
        download.HttpsOnlyRedirects
    ]
