"""Helpers for the processing tests: running the scripts as the job does, raw test data, result checks."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
PROCESSING = REPO / "processing"
SEXES = ("M", "F", "I")


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
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if not path.is_dir())
