"""Synthetic seasonal time series for the built-in DeepAR algorithm, generated inside the processing step (no input).

Each series i: level = 10 * U(0, 1), amplitude = (0.1 + 0.3 * U(0, 1)) * level, sigma = 0.05 * level and
value_t = level + amplitude * sin(2 pi t / period) + sigma * N(0, 1) for t = 0 .. length - 1, drawn from
np.random.default_rng(seed) (the example notebook's np.random.seed calls do not give the same numbers on new numpy;
here the same seed gives byte-identical files). The series are written in a seeded shuffled order (DeepAR's
documentation recommends shuffling), the same order in both files: DIR/test/test.json holds the full series,
DIR/train/train.json each series without its last --prediction-length points; all start at --start. JSON
formatting: see shared.series (floats as their shortest exact repr()).

--freq is not stored in the files (DeepAR takes it as its time_freq hyperparameter); it is checked here so that the
pipeline fails early on a value DeepAR would reject.

--baseline test:RMSE (the only metric supported) also writes DIR/baseline/baseline.json (see shared.baselines) for
the pipeline's quality gate: DeepAR's test:RMSE, pooled over the last --prediction-length points of every test
series, of the better of two naive forecasts: the last value before those points ("last value"), and the --period
values before them repeated ("seasonal naive (season 24)" by default: one day of the hourly series; left out when
the train series are shorter than a period). Its "model" names the winner, its "records" counts the forecast points
(series x --prediction-length).
"""

import argparse
import re
from collections.abc import Sequence

import numpy as np
from shared.arguments import non_negative, positive
from shared.baselines import check_metric
from shared.cli import run
from shared.series import (
    BASELINE_METRIC,
    SPLITS,
    format_start,
    naive_baseline,
    parse_start,
    write_train_test,
)

# DeepAR's time_freq: an optional positive multiple, then M (month), W, D, H or min, e.g. "H", "5min", "2D".
FREQ = re.compile(r"(?:[1-9][0-9]*)?(?:M|W|D|H|min)")
# At most this many points (--num-series x --length): 125 times the pipeline's 200 x 400, and a few float64 arrays
# of that size plus the JSON text (about 20 bytes a point) fit a processing instance's memory with room to spare.
MAX_POINTS = 10_000_000


def main(argv: Sequence[str]) -> int:
    return run(_main, argv)


def _main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    series = list(generate(args.seed, args.num_series, args.length, args.period))
    baseline = naive_baseline(series, args.prediction_length, args.period) if args.baseline is not None else None
    write_train_test(args.output_dir, args.start, series, args.prediction_length, baseline)
    print(
        f"deepar_synthetic: wrote {args.num_series} series (seed {args.seed}, freq {args.freq}, start {args.start}): "
        f"train {args.length - args.prediction_length} points each, test {args.length} points each"
    )
    if baseline is not None:
        print(baseline.summary("deepar_synthetic", "forecast points"))
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="deepar_synthetic", description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", required=True, help="gets train/train.json and test/test.json")
    parser.add_argument("--seed", type=non_negative, default=1)
    parser.add_argument("--num-series", type=positive, default=200)
    parser.add_argument("--length", type=positive, default=400, help="points of each full (test) series")
    parser.add_argument("--freq", type=freq, default="H", help="DeepAR time_freq: M, W, D, H or min, e.g. 5min")
    parser.add_argument("--period", type=positive, default=24, help="seasonal period, in points")
    parser.add_argument("--prediction-length", type=positive, default=48, help="points held out of train")
    # argparse passes string defaults through `type` too, so the default is checked and normalized as well.
    parser.add_argument("--start", type=start, default="2016-01-01 00:00:00", help='e.g. "2016-01-01 00:00:00"')
    parser.add_argument("--baseline", metavar="METRIC", help="also write baseline/baseline.json; only test:RMSE")
    args = parser.parse_args(argv)
    if args.length <= args.prediction_length:
        parser.error("--length must be greater than --prediction-length, leaving points to train on")
    if args.num_series * args.length > MAX_POINTS:
        points = args.num_series * args.length
        parser.error(f"--num-series x --length must be at most {MAX_POINTS:,} points, got {points:,}")
    check_metric(parser, args.baseline, (BASELINE_METRIC,), SPLITS)
    return args


def freq(text: str) -> str:
    if not FREQ.fullmatch(text):
        raise argparse.ArgumentTypeError(f"not a DeepAR time_freq: {text!r} (expected M, W, D, H or min, e.g. 5min)")
    return text


def start(text: str) -> str:
    """The start timestamp, normalized to 'YYYY-MM-DD HH:MM:SS' (strptime also accepts e.g. '2016-1-1 0:00:00')."""
    try:
        return format_start(parse_start(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f'not a "YYYY-MM-DD HH:MM:SS" timestamp: {text!r}') from None


def generate(seed: int, count: int, length: int, period: int) -> np.ndarray:
    """(count, length) float64 series, rows already in their shuffled output order."""
    rng = np.random.default_rng(seed)
    level = 10 * rng.random(count)
    amplitude = (0.1 + 0.3 * rng.random(count)) * level
    sigma = 0.05 * level
    noise = rng.standard_normal((count, length))
    season = np.sin(2 * np.pi * np.arange(length) / period)
    values = level[:, None] + amplitude[:, None] * season + sigma[:, None] * noise
    return values[rng.permutation(count)]
