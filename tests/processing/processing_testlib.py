"""Helpers for the processing tests: running the scripts as the job does, raw test data, result checks."""

import gzip
import io
import json
import os
import subprocess
import sys
import types
import urllib.error
import urllib.request
import urllib.response
from collections.abc import Callable
from email.message import Message
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
PROCESSING = REPO / "processing"
SEXES = ("M", "F", "I")
# The columns of the Chicago Speed Camera Violations export, in its order (processing/chicago.py's input).
CHICAGO_HEADER = (
    "ADDRESS",
    "CAMERA ID",
    "VIOLATION DATE",
    "VIOLATIONS",
    "X COORDINATE",
    "Y COORDINATE",
    "LATITUDE",
    "LONGITUDE",
    "LOCATION",
)


def run_processing(*args, program: str = "processing") -> subprocess.CompletedProcess:
    """`python3 processing SCRIPT ARGS...` from the repository root, the documented local form of the zipapp."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, program, *map(str, args)]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False)


def abalone_lines(count: int, seed: int = 0) -> list[str]:
    """Rows in the raw UCI format, cycling through the sex codes, with measurements of varied precision."""
    rng = np.random.default_rng(seed)
    lines = []
    for index in range(count):
        measurements = [f"{rng.uniform(0, 3):.{1 + index % 5}f}" for _ in range(7)]
        rings = str(int(rng.integers(1, 30)))
        lines.append(",".join([SEXES[index % 3], *measurements, rings]))
    return lines


def write_abalone(path: Path, count: int, seed: int = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(abalone_lines(count, seed)) + "\n")
    return path


def assert_input_error(result: subprocess.CompletedProcess, *fragments: str) -> str:
    """Exit code 2 and a single `error:` line on stderr containing every fragment; returns that line."""
    assert result.returncode == 2, result.stderr
    return assert_error_line(result.stderr.strip().splitlines(), result.stderr, fragments)


def assert_fails_in_process(code: int, capsys, output: Path, *fragments: str, prefix: str = "error: ") -> str:
    """A script's main(), called in-process, returned 2, printed nothing on stdout and a single line starting with
    prefix on stderr containing every fragment, and left nothing under output; returns that line.

    Stricter than assert_input_error (no stripping of stderr), as the per-script `fails` helpers it replaces were.
    """
    assert code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    line = assert_error_line(captured.err.splitlines(), captured.err, fragments, prefix)
    assert files_under(output) == []
    return line


def assert_error_line(lines: list[str], stderr: str, fragments, prefix: str = "error: ") -> str:
    """The checks of the two helpers above: exactly one line, starting with prefix, holding every fragment."""
    assert len(lines) == 1, stderr
    assert lines[0].startswith(prefix), stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


BOMB_SIZE = 4 << 20  # a "bomb" of the tests: 4 MiB of zeros, a few KB compressed


def gzip_bomb(path: Path, content: bytes = bytes(BOMB_SIZE)) -> Path:
    """A small gzip file that decompresses to content (by default BOMB_SIZE zero bytes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(content, compresslevel=9, mtime=0))
    return path


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if not path.is_dir())


def read_series(path: Path) -> list[dict]:
    """The records of a DeepAR JSON Lines file, which must be ASCII and end with a newline."""
    text = path.read_text(encoding="ascii")
    assert text.endswith("\n")
    return [json.loads(line) for line in text.split("\n")[:-1]]


def read_series_splits(output: Path) -> tuple[list[dict], list[dict]]:
    """(train, test) records of a DeepAR script's output folder, which must hold train/train.json and test/test.json
    and nothing else.
    """
    assert files_under(output) == [output / "test" / "test.json", output / "train" / "train.json"]
    return read_series(output / "train" / "train.json"), read_series(output / "test" / "test.json")


class FakeHTTPS(urllib.request.BaseHandler):
    handler_order = 100  # before urllib's own HTTPSHandler (500): the network is never tried

    def __init__(self, routes: dict[str, bytes | int]):
        self.routes = routes
        self.requested: list[str] = []

    def https_open(self, request):
        url = request.full_url
        self.requested.append(url)
        body = self.routes.get(url, 404)
        if isinstance(body, int):
            raise urllib.error.HTTPError(url, body, "Not Found", Message(), io.BytesIO(b""))
        response = urllib.response.addinfourl(io.BytesIO(body), Message(), url, 200)
        response.msg = "OK"  # what urllib's HTTPErrorProcessor reads of a real response
        return response


def install_fake_https(monkeypatch) -> FakeHTTPS:
    """Serves routes (url -> bytes or an HTTP status) to urllib.request.urlopen; any other https URL gives 404."""
    handler = FakeHTTPS({})
    monkeypatch.setattr(urllib.request, "_opener", urllib.request.build_opener(handler))
    return handler


def install_fake_boto3(monkeypatch, content: Callable = lambda value: value) -> tuple[dict, list]:
    """A boto3 module whose S3 client writes content(objects[bucket, key]); returns (objects, calls)."""
    objects: dict[tuple[str, str], object] = {}
    calls = []

    class Client:
        def download_file(self, bucket, key, filename):
            calls.append((bucket, key))
            if (bucket, key) not in objects:
                raise RuntimeError("An error occurred (404) when calling the HeadObject operation: Not Found")
            Path(filename).write_bytes(content(objects[bucket, key]))

    module = types.ModuleType("boto3")
    module.client = lambda service: Client() if service == "s3" else None
    monkeypatch.setitem(sys.modules, "boto3", module)
    return objects, calls
