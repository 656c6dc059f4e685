"""Trivial baselines, computed on the prepared data at run time, for the pipelines' quality gates.

A fixed threshold means nothing on a user's own data (InputDataUri), so a preprocessing step computes what a model
that learned nothing scores on the split the algorithm reports its metric for, with the same definition of the
metric, and writes it to baseline/baseline.json. The gate then requires the trained model to beat it as well as
the threshold. Each baseline is the best constant model of its kind on that very split (the split's own majority
class, mean or centroid), so it is never weaker than a constant fitted on the training data.

baseline.json: {"metric": "test:binary_classification_accuracy", "value": 0.902, "model": "always 0",
                "split": "test", "records": 10000}; the gate reads "value".
"""

import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from shared.outputs import write_json

OUTPUT = "baseline"  # the output folder's name
FILE = "baseline.json"


@dataclass(frozen=True)
class Baseline:
    metric: str  # the algorithm's metric name, e.g. "validation:binary_f_beta"
    value: float
    model: str  # the trivial model in words, e.g. "always 1"
    split: str
    records: int

    def write(self, folder: str) -> None:
        document = asdict(self)
        document["value"] = float(self.value)
        write_json(os.path.join(folder, FILE), document)

    def summary(self, script: str, unit: str = "rows") -> str:
        """The job log line of a written baseline, e.g. 'wdbc: baseline validation:binary_classification_accuracy
        0.625 (always 0 on validation, 56 rows)'; `unit` names what records counts."""
        where = f"on {self.split}, {self.records} {unit}"
        return f"{script}: baseline {self.metric} {self.value:.6g} ({self.model} {where})"


def check_metric(parser, metric: str | None, supported: Sequence[str], splits: Sequence[str], where: str = ""):
    """Exits through parser.error (usage, `PROG: error: ...`, exit code 2) unless metric, a script's --baseline
    argument, is None or one of supported. The message names the metric, why it is refused, and the supported ones.
    splits: those the script writes (a metric of another split is refused for that reason); where: what the
    supported ones depend on, e.g. ' with --target binary'.
    """
    if metric is None or metric in supported:
        return
    split, _, name = metric.partition(":")
    if not split or not name:
        reason = "not of the form CHANNEL:NAME"
    elif split not in splits:
        reason = f"the {split} split is not written (written: {', '.join(splits)})"
    else:
        reason = f"no baseline for this metric{where}"
    parser.error(f"--baseline {metric}: {reason}; supported{where}: {', '.join(supported) or 'none'}")


def split_of(metric: str) -> str:
    """The channel a metric is measured on: 'test:msd' -> 'test'."""
    split, separator, name = metric.partition(":")
    if not separator or not split or not name:
        raise ValueError(f"metric {metric!r} is not of the form CHANNEL:NAME")
    return split


def majority_accuracy(labels) -> tuple[float, str]:
    """Accuracy of always answering the split's most frequent label (ties: the smallest label)."""
    values, counts = _label_counts(labels)
    best = int(np.argmax(counts))
    return float(counts[best] / counts.sum()), f"always {_label_text(values[best])}"


def majority_error(labels) -> tuple[float, str]:
    """Error rate (1 - accuracy) of always answering the most frequent label: XGBoost's merror and error."""
    accuracy, model = majority_accuracy(labels)
    return 1.0 - accuracy, model


def always_positive_f1(labels) -> tuple[float, str]:
    """F1 of always answering 1, the best constant for F1 (always 0 scores 0): 2p / (1 + p), p = share of 1s."""
    values = np.asarray(labels, dtype=np.float64).ravel()
    if values.size == 0:
        raise ValueError("no labels")
    if not np.isin(values, (0.0, 1.0)).all():
        raise ValueError("F1 needs 0/1 labels")
    share = float(values.mean())
    return 2 * share / (1 + share), "always 1"


def mean_squared_error(targets) -> tuple[float, str]:
    """MSE of always answering the split's mean: the split's (population) variance."""
    values = np.asarray(targets, dtype=np.float64).ravel()
    if values.size == 0:
        raise ValueError("no targets")
    mean = float(values.mean())
    return float(np.mean((values - mean) ** 2)), f"always the mean, {mean:.4g}"


def one_cluster_msd(points) -> tuple[float, str]:
    """K-Means' msd with a single center at the points' mean: mean squared distance of each point to it."""
    matrix = np.asarray(points, dtype=np.float64)
    if matrix.ndim != 2 or not len(matrix):
        raise ValueError("points must be a non-empty 2-D array")
    distances = ((matrix - matrix.mean(axis=0)) ** 2).sum(axis=1)
    return float(distances.mean()), "one cluster at the mean"


def seasonal_naive_rmse(series: Sequence, horizon: int, season: int) -> tuple[float, str]:
    """RMSE, pooled over every series, of forecasting the last `horizon` points of each series by repeating the
    `season` points before them (season 1: the last observed value). Missing values (NaN) in the forecast period
    are left out, as DeepAR leaves them out of its accuracy metrics."""
    if horizon < 1 or season < 1:
        raise ValueError("horizon and season must be at least 1")
    squared, count = 0.0, 0
    for number, values in enumerate(series):
        values = np.asarray(values, dtype=np.float64)
        if len(values) < horizon + season:
            raise ValueError(f"series {number} has {len(values)} points; needs {horizon + season}")
        history, actual = values[:-horizon], values[-horizon:]
        last_season = history[-season:]
        forecast = np.resize(last_season, horizon)
        known = ~np.isnan(actual)
        squared += float(np.sum((actual[known] - forecast[known]) ** 2))
        count += int(known.sum())
    if not count:
        raise ValueError("no observed points to forecast")
    name = "last value" if season == 1 else f"seasonal naive (season {season})"
    return float(np.sqrt(squared / count)), name


def _label_counts(labels) -> tuple[np.ndarray, np.ndarray]:
    values = np.asarray(labels).ravel()
    if values.size == 0:
        raise ValueError("no labels")
    return np.unique(values, return_counts=True)


def _label_text(value) -> str:
    if isinstance(value, str | np.str_):
        return str(value)
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"


# The trivial model of each metric (by its name after the channel) that the built-in algorithms report on labels:
# the best constant answer on the split, under the same definition of the metric.
LABEL_METRICS = {
    "accuracy": majority_accuracy,  # k-NN, BlazingText, Image Classification
    "binary_classification_accuracy": majority_accuracy,  # Linear Learner, Factorization Machines
    "binary_f_beta": always_positive_f1,  # Linear Learner (beta 1), positive = label 1
    "merror": majority_error,  # XGBoost multiclass error rate
    "mean_squared_error": mean_squared_error,  # Object2Vec
    "mse": mean_squared_error,  # k-NN regressor, evaluate_regression's report
}


def of_labels(metric: str, labels) -> Baseline:
    """The Baseline of metric (CHANNEL:NAME, NAME a key of LABEL_METRICS) on the labels of its split."""
    value, model = LABEL_METRICS[metric.partition(":")[2]](labels)
    return Baseline(metric, value, model, split_of(metric), len(labels))
