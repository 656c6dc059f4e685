"""Setup of the processing tests.

The scripts run with processing/ as the root (it ships as a zip), so unit tests import them the same way: with
processing/ on sys.path, as top-level `abalone`, `evaluate_regression` and `shared`. The helpers shared by the
test modules live in processing_testlib.py beside this file.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROCESSING = HERE.parents[1] / "processing"

for folder in (PROCESSING, HERE):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

# processing/ is zipped and shipped as is: keep __pycache__ folders out of it.
sys.dont_write_bytecode = True
