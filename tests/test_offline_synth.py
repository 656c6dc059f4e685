"""`cdk synth` needs no network and no AWS credentials, and is reproducible to the byte.

The app runs as CDK runs it (`python app.py` with the cdk.json context), with every AWS variable and credential
file removed, sockets refused in Python by a guard that counts attempts, and, where the machine allows, in a network
namespace with no interface at all. Its output is then compared, byte for byte, with the session's own synth of the
same app in this process (tests/conftest.py): two independent runs, in two processes, give the same cloud assembly.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, cdk_context

GUARD = Path(__file__).resolve().parent / "offline"


def _no_network_prefix() -> list[str]:
    if shutil.which("unshare") and subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0:
        return ["unshare", "-rn"]
    return []


def start_synth(outdir: Path, report: Path) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(
        AWS_CONFIG_FILE=str(outdir / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(outdir / "no-aws-credentials"),
        CDK_OUTDIR=str(outdir),
        CDK_CONTEXT_JSON=json.dumps(cdk_context()),
        PYTHONPATH=f"{GUARD}{os.pathsep}{ROOT}",
        NETWORK_GUARD_REPORT=str(report),
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
    )
    command = [*_no_network_prefix(), sys.executable, str(ROOT / "app.py")]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


class BackgroundSynth:
    """The synth runs for half a minute in its own process: tests/conftest.py starts it as soon as the session
    knows this module will run, so that it runs beside the other tests rather than after them."""

    def __init__(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="offline-synth-"))
        self.process = start_synth(self.base / "cdk.out", self.base / "network.txt")

    def result(self) -> tuple[Path, str]:
        _, stderr = self.process.communicate(timeout=600)
        assert self.process.returncode == 0, stderr[-3000:]
        return self.base / "cdk.out", (self.base / "network.txt").read_text()


_background: list[BackgroundSynth] = []


def start_in_background() -> None:
    if not _background:
        _background.append(BackgroundSynth())


@pytest.fixture(scope="module")
def offline_synth():
    start_in_background()  # if the session did not start it already
    yield _background[0].result()
    shutil.rmtree(_background[0].base, ignore_errors=True)


def test_synth_makes_no_network_attempt(offline_synth):
    _, attempts = offline_synth
    assert attempts == ""


def test_two_synths_are_byte_identical(offline_synth, assembly):
    first, _ = offline_synth
    second = Path(assembly.directory)
    names = sorted(p.name for p in first.glob("*.json"))
    assert any(name.endswith(".template.json") for name in names)
    assert names == sorted(p.name for p in second.glob("*.json"))
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assets = sorted(p.name for p in first.glob("asset.*"))
    assert assets and assets == sorted(p.name for p in second.glob("asset.*"))


def test_the_guard_catches_a_network_call(tmp_path):
    """The proof above can fail: a process that opens a connection is reported."""
    env = {**os.environ, "PYTHONPATH": str(GUARD), "NETWORK_GUARD_REPORT": str(tmp_path / "report.txt")}
    code = "import socket\ntry:\n    socket.create_connection(('example.com', 443))\nexcept OSError:\n    pass\n"
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    assert "example.com" in (tmp_path / "report.txt").read_text()
