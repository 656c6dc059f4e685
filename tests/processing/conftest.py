"""Setup of the processing tests.

The scripts run with processing/ as the root (it ships as a zip), so unit tests import them the same way: with
processing/ on sys.path, as top-level `abalone`, `evaluate_regression` and `shared`. The helpers shared by the
test modules live in processing_testlib.py beside this file; the fixtures they share live here.
"""

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
PROCESSING = HERE.parents[1] / "processing"

for folder in (PROCESSING, HERE):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

# processing/ is zipped and shipped as is: keep __pycache__ folders out of it.
sys.dont_write_bytecode = True


@pytest.fixture
def output_splits() -> tuple[str, ...]:
    """The split folders `output` creates; a test module whose script writes other splits overrides this."""
    return ("train", "validation", "test")


@pytest.fixture
def output(tmp_path, output_splits) -> Path:
    """tmp_path/output holding an empty folder per split: SageMaker creates the output folders before the job starts."""
    folder = tmp_path / "output"
    for split in output_splits:
        (folder / split).mkdir(parents=True)
    return folder
