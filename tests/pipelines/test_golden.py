"""Each pipeline's definition against a reviewed copy in tests/golden/, so every definition change shows in review.

Refresh after an intended change with `make golden` (UPDATE_GOLDEN=1) and review the diff.
"""

import json
import os

import pytest

from tests.conftest import ROOT, pipeline_names

GOLDEN = ROOT / "tests" / "golden"
NAMES = pipeline_names()


def normalized(definition: str) -> str:
    return json.dumps(json.loads(definition), indent=1, sort_keys=True) + "\n"


@pytest.mark.parametrize("name", NAMES)
def test_definition_matches_golden_file(compiled, name):
    path = GOLDEN / f"{name}.json"
    actual = normalized(compiled[name].definition)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(actual)
    assert path.exists(), f"no golden file {path}: run `make golden`"
    assert actual == path.read_text(), f"{name} definition changed: review it, then run `make golden`"


def test_no_stale_golden_files():
    assert sorted(p.stem for p in GOLDEN.glob("*.json")) == sorted(NAMES)
