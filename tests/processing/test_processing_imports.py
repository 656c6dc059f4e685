"""The scripts run in AWS images without installs: only the standard library, numpy, `shared`, and what the one
image a script runs in ships besides (xgboost in the XGBoost image, Pillow in the PyTorch image)."""

import ast
import sys

import pytest
from processing_testlib import PROCESSING

ALLOWED = {"numpy", "shared"}
# only the evaluation runs in the xgboost image; S3 sources are read with the boto3 both images ship; the vision
# scripts run in the PyTorch image, whose Pillow they use (pipelines/steps/processing.py: VISION_IMAGE)
VISION = {"PIL"}
EXTRA = {
    "evaluate_regression.py": {"xgboost"},
    "shared/download.py": {"boto3"},
    "shared/images.py": VISION,
    "caltech256.py": VISION,
    "cub200.py": VISION,
    "voc_segmentation.py": VISION,
    "lid176.py": {"language_test"},  # the fixed language test set it writes beside the model
}
MODULES = sorted(path for path in PROCESSING.rglob("*.py") if "__pycache__" not in path.parts)


def imported_roots(tree: ast.AST) -> list[tuple[str, int]]:
    """Top-level package of every import, and the import level (0 = absolute)."""
    roots = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots += [(alias.name.split(".")[0], 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            roots.append(((node.module or "").split(".")[0], node.level))
    return roots


def test_there_are_modules_to_check():
    names = {path.relative_to(PROCESSING).as_posix() for path in MODULES}
    assert {"__main__.py", "abalone.py", "evaluate_regression.py", "shared/errors.py"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.relative_to(PROCESSING).as_posix())
def test_imports_only_stdlib_numpy_shared_and_the_image_packages(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    allowed = ALLOWED | EXTRA.get(path.relative_to(PROCESSING).as_posix(), set())
    for root, level in imported_roots(tree):
        assert level == 0, f"{path}: relative import; use `from shared... import ...`"
        assert root in sys.stdlib_module_names or root in allowed, f"{path}: imports {root!r}"
