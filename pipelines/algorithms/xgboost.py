"""XGBoost (version 3.2-0), the open-source algorithm as a built-in container."""

from pipelines.algorithms.contract import (
    GPU_FAMILIES,
    Algorithm,
    ChannelSpec,
    Compute,
    Inference,
    MetricSpec,
    Range,
    dg,
)

_TUNING = dg("xgboost-tuning")
_FORMATS = ("text/libsvm", "text/csv", "application/x-parquet")


def _metric(name: str, scale: str, *, maximize: bool) -> MetricSpec:
    return MetricSpec(f"validation:{name}", maximize, scale, _TUNING)


XGBOOST = Algorithm(
    name="XGBoost",
    framework="xgboost",
    version="3.2-0",
    compute=Compute(
        cpu=True,
        # 1.2-1 and later train on one GPU instance (P2, P3, G4dn, G5); CPU training is distributed.
        gpu_families=GPU_FAMILIES,
        multi_instance=True,
        default_instance="ml.m5.xlarge",  # memory-bound: M5 rather than C5 (DG xgboost, EC2 recommendation)
        source=dg("xgboost"),
    ),
    checkpoints=True,
    channels=(
        # libsvm: label first, zero-based index:value pairs; CSV: label first, no header (DG xgboost, I/O interface).
        ChannelSpec("train", _FORMATS, dg("xgboost"), required=True, layout="label first; libsvm 0-based or CSV"),
        ChannelSpec("validation", _FORMATS, dg("xgboost"), layout="as train"),
    ),
    metrics=(
        _metric("accuracy", "fraction correct, 0-1", maximize=True),
        _metric("auc", "area under the ROC curve, 0-1", maximize=True),
        _metric("error", "binary error rate, 0-1", maximize=False),
        _metric("f1", "F1 score, 0-1", maximize=True),
        _metric("logloss", "negative log-likelihood, >= 0", maximize=False),
        _metric("mae", "mean absolute error, target units", maximize=False),
        _metric("map", "mean average precision, 0-1", maximize=True),
        _metric("merror", "multiclass error rate, 0-1", maximize=False),
        _metric("mlogloss", "multiclass negative log-likelihood, >= 0", maximize=False),
        _metric("mse", "mean squared error, target units squared", maximize=False),
        _metric("ndcg", "normalized discounted cumulative gain, 0-1", maximize=True),
        _metric("rmse", "root mean squared error, target units", maximize=False),
    ),
    required=("num_round",),  # and num_class for multi:softmax / multi:softprob
    required_source=dg("xgboost_hyperparameters"),
    tunable=(
        Range("alpha", "Continuous", _TUNING, 0, 1000),
        Range("colsample_bylevel", "Continuous", _TUNING, 0.1, 1),
        Range("colsample_bynode", "Continuous", _TUNING, 0.1, 1),
        Range("colsample_bytree", "Continuous", _TUNING, 0.5, 1),
        Range("eta", "Continuous", _TUNING, 0.1, 0.5),
        Range("gamma", "Continuous", _TUNING, 0, 5),
        Range("lambda", "Continuous", _TUNING, 0, 1000),
        Range("max_delta_step", "Integer", _TUNING, 0, 10),
        Range("max_depth", "Integer", _TUNING, 0, 10),
        Range("min_child_weight", "Continuous", _TUNING, 0, 120),
        Range("num_round", "Integer", _TUNING, 1, 4000),
        Range("subsample", "Continuous", _TUNING, 0.5, 1),
    ),
    # CSV without the label column, or libsvm; one prediction per line.
    inference=Inference(("text/csv", "text/libsvm"), ("text/csv",), dg("xgboost")),
)
