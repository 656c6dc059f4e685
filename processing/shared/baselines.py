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
