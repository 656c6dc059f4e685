"""Writing time series in the JSON Lines format of the built-in DeepAR algorithm.

One series per line: {"start":"YYYY-MM-DD HH:MM:SS","target":[...]}, no time zone, keys in that order, no spaces
(json.dumps with separators=(",", ":")). Integer targets (e.g. counts) are written as integers; float targets as
Python's repr() of the float64 value (what json.dumps writes): the shortest text that reads back to the same
float, so output is exact and byte-for-byte deterministic. NaN and infinity are refused (allow_nan=False): JSON has
no literal for them.

DeepAR reads the train channel for training and, when given, the test channel for its accuracy metrics: each test
series is the full series, each train series the same series without its last prediction_length points, both with
the same start (DG "Input/Output Interface for the DeepAR Algorithm").

DeepAR's test:RMSE compares its forecast of the last prediction_length points of each test series with the actual
values, pooled over all series. naive_baseline gives the same RMSE for the better of two naive forecasts that need
no training (the trivial model the pipelines' quality gate must beat, see shared.baselines): the last value, and
the last season repeated.
"""

import json
import os
from collections.abc import Iterable, Sequence
from datetime import datetime

import numpy as np

from shared.baselines import OUTPUT as BASELINE_OUTPUT
from shared.baselines import Baseline, seasonal_naive_rmse
from shared.outputs import staged_outputs

START_FORMAT = "%Y-%m-%d %H:%M:%S"
SPLITS = ("train", "test")  # DIR/train/train.json and DIR/test/test.json
BASELINE_METRIC = "test:RMSE"  # the one DeepAR metric naive_baseline computes


def parse_start(text: str) -> datetime:
    """'2016-01-01 00:00:00' -> datetime; ValueError if the text is not of that form."""
    return datetime.strptime(text, START_FORMAT)


def format_start(moment: datetime) -> str:
    return moment.strftime(START_FORMAT)


def series_line(start: str, target: Sequence | np.ndarray) -> str:
    """One JSON Lines record (without the newline)."""
    values = target.tolist() if isinstance(target, np.ndarray) else list(target)
    return json.dumps({"start": start, "target": values}, separators=(",", ":"), allow_nan=False)


def write_series_file(path: str, start: str, series: Iterable[Sequence | np.ndarray]) -> int:
    """Writes one line per series, all with the same start; returns the number of series."""
    count = 0
    with open(path, "w", encoding="ascii", newline="\n") as file:
        for target in series:
            file.write(series_line(start, target) + "\n")
            count += 1
    return count


def write_train_test(
    output_dir: str,
    start: str,
    series: Sequence[np.ndarray],
    prediction_length: int,
    baseline: Baseline | None = None,
) -> None:
    """DIR/train/train.json (each series minus its last prediction_length points) and DIR/test/test.json (the full
    series), in the order given, and DIR/baseline/baseline.json if a baseline is given, all or nothing
    (shared.outputs.staged_outputs)."""
    if any(len(target) <= prediction_length for target in series):
        raise ValueError("every series needs more than prediction_length points")  # the scripts check this first
    outputs = {split: os.path.join(output_dir, split) for split in SPLITS}
    if baseline is not None:
        outputs[BASELINE_OUTPUT] = os.path.join(output_dir, BASELINE_OUTPUT)
    with staged_outputs(outputs) as staging:
        write_series_file(os.path.join(staging["train"], "train.json"), start, (t[:-prediction_length] for t in series))
        write_series_file(os.path.join(staging["test"], "test.json"), start, series)
        if baseline is not None:
            baseline.write(staging[BASELINE_OUTPUT])


def naive_baseline(series: Sequence[np.ndarray], prediction_length: int, season: int) -> Baseline:
    """DeepAR's test:RMSE of the better (lower RMSE; on a tie, the last value) of two naive forecasts of the last
    prediction_length points of each full (test) series: the last value before them, and the `season` values
    before them repeated. The seasonal forecast is left out when season is 1 (it is the last value) or when a
    series has fewer than `season` points before its forecast period. records: the forecast points the RMSE pools
    (series x prediction_length, less missing values)."""
    seasons = [1] + ([season] if season > 1 and all(len(t) - prediction_length >= season for t in series) else [])
    scores = [seasonal_naive_rmse(series, horizon=prediction_length, season=length) for length in seasons]
    value, model = min(scores, key=lambda score: score[0])  # min keeps the first of equal scores: the last value
    points = sum(int(np.count_nonzero(~np.isnan(np.asarray(t[-prediction_length:], np.float64)))) for t in series)
    return Baseline(BASELINE_METRIC, value, model, "test", points)
