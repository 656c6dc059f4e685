import subprocess
import sys

from tests.conftest import ROOT


def test_list_prints_every_registered_pipeline():
    result = subprocess.run([sys.executable, "-m", "pipelines", "list"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.split()[:4] == ["name", "algorithm", "dataset", "steps"]
    abalone = next(row for row in rows if row.startswith("abalone-xgboost"))
    assert "XGBoost 3.2-0" in abalone and "UCI abalone" in abalone
    assert "Preprocess > Train > Evaluate > CheckMSE > RegisterModel > QualityGateFailed" in abalone


def test_usage_error_exits_non_zero():
    result = subprocess.run([sys.executable, "-m", "pipelines"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert "list" in result.stderr


def test_registry_lookup_names_the_known_pipelines():
    import pytest

    from pipelines.registry import get

    assert get("abalone-xgboost").algorithm.startswith("XGBoost")
    with pytest.raises(KeyError, match="abalone-xgboost"):
        get("no-such-pipeline")
