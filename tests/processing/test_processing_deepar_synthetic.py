"""processing/deepar_synthetic.py: seeded seasonal series -> DeepAR JSON Lines train/test (no input)."""

import json
import math
from pathlib import Path

import deepar_synthetic
import numpy as np
import pytest
from processing_testlib import files_under, read_series, read_series_splits, run_processing
from shared.series import naive_baseline, series_line

SPLITS = ("train", "test")


@pytest.fixture
def output_splits() -> tuple[str, ...]:
    return SPLITS


def run_synthetic(output: Path, *extra) -> int:
    return deepar_synthetic.main(["--output-dir", str(output), *map(str, extra)])


def unshuffled(seed: int, count: int, length: int, period: int = 24) -> np.ndarray:
    """The series in generation order: the documented model, drawn as deepar_synthetic draws it."""
    rng = np.random.default_rng(seed)
    level = 10 * rng.random(count)
    amplitude = (0.1 + 0.3 * rng.random(count)) * level
    noise = rng.standard_normal((count, length))
    season = np.sin(2 * np.pi * np.arange(length) / period)
    return level[:, None] + amplitude[:, None] * season + 0.05 * level[:, None] * noise


def test_defaults_write_200_series_of_400_points_and_train_without_the_last_48(output, capsys):
    assert run_synthetic(output) == 0

    train, test = read_series_splits(output)
    assert len(train) == len(test) == 200
    for train_record, test_record in zip(train, test, strict=True):
        assert list(train_record) == list(test_record) == ["start", "target"]
        assert train_record["start"] == test_record["start"] == "2016-01-01 00:00:00"
        assert len(test_record["target"]) == 400
        assert train_record["target"] == test_record["target"][:352]
        assert all(isinstance(value, float) for value in test_record["target"])
    assert "wrote 200 series" in capsys.readouterr().out


def test_lines_are_compact_json_with_floats_as_their_repr(output):
    assert run_synthetic(output, "--num-series", 3, "--length", 10, "--prediction-length", 2) == 0

    line = (output / "test" / "test.json").read_text().split("\n")[0]
    record = json.loads(line)
    assert line.startswith('{"start":"2016-01-01 00:00:00","target":[')
    assert " " not in line.replace("2016-01-01 00:00:00", "")
    assert line == '{"start":"2016-01-01 00:00:00","target":[' + ",".join(map(repr, record["target"])) + "]}"
    assert series_line("2016-01-01 00:00:00", np.array([1, 2])) == '{"start":"2016-01-01 00:00:00","target":[1,2]}'


def test_values_follow_the_documented_model_in_shuffled_order(output):
    seed, count, length = 7, 30, 96
    assert (
        run_synthetic(output, "--seed", seed, "--num-series", count, "--length", length, "--prediction-length", 24) == 0
    )

    _, test = read_series_splits(output)
    written = np.array([record["target"] for record in test])
    order = np.random.default_rng(seed)
    order.random(2 * count)  # level and amplitude draws
    order.standard_normal((count, length))
    np.testing.assert_array_equal(written, unshuffled(seed, count, length)[order.permutation(count)])  # exact


def test_statistics_show_the_level_noise_and_seasonal_period(output):
    assert run_synthetic(output, "--num-series", 50, "--length", 480, "--period", 24, "--prediction-length", 48) == 0

    _, test = read_series_splits(output)
    values = np.array([record["target"] for record in test])
    means = values.mean(axis=1)
    assert means.min() > 0 and means.max() < 10  # level ~ U(0, 10): the seasonal term averages out
    assert means.std() > 1  # levels differ between series
    # Autocorrelation of each centered series peaks at lag 24 (one period), is negative at 12 (half a period).
    centered = values - means[:, None]
    autocorrelation = {
        lag: np.mean(np.sum(centered[:, lag:] * centered[:, :-lag], axis=1) / np.sum(centered**2, axis=1))
        for lag in (6, 12, 24)
    }
    assert autocorrelation[24] > 0.5
    assert autocorrelation[12] < -0.5
    assert abs(autocorrelation[6]) < 0.3  # sin and its quarter-period shift are uncorrelated
    # Least squares on [1, sin, cos] of the period: the residual is the noise, sigma = 0.05 * level.
    t = np.arange(values.shape[1])
    design = np.column_stack([np.ones_like(t), np.sin(2 * np.pi * t / 24), np.cos(2 * np.pi * t / 24)])
    coefficients, *_ = np.linalg.lstsq(design, values.T, rcond=None)
    residual = values.T - design @ coefficients
    ratio = residual.std(axis=0) / coefficients[0]
    assert 0.045 < np.median(ratio) < 0.055
    relative_amplitude = np.hypot(coefficients[1], coefficients[2]) / coefficients[0]
    assert relative_amplitude.min() > 0.09 and relative_amplitude.max() < 0.41  # (0.1 + 0.3 U) * level


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path):
    outputs = {name: tmp_path / name for name in ("a", "b", "c")}
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        assert run_synthetic(outputs[name], "--seed", seed, "--num-series", 20, "--length", 60) == 0

    for split in SPLITS:
        first, again, other = (outputs[name] / split / f"{split}.json" for name in ("a", "b", "c"))
        assert first.read_bytes() == again.read_bytes()
        assert first.read_bytes() != other.read_bytes()


def test_series_are_written_in_a_seeded_shuffled_order(tmp_path):
    """Every generated series appears once, not in generation order; another seed gives another order."""
    orders = {}
    for seed in (5, 6):
        out = tmp_path / str(seed)
        assert run_synthetic(out, "--seed", seed, "--num-series", 40, "--length", 30, "--prediction-length", 5) == 0
        written = [tuple(record["target"]) for record in read_series_splits(out)[1]]
        generated = [tuple(row) for row in unshuffled(seed, 40, 30).tolist()]
        orders[seed] = [generated.index(series) for series in written]
        assert sorted(orders[seed]) == list(range(40))  # a permutation: every series exactly once
        assert orders[seed] != list(range(40))
    assert orders[5] != orders[6]


def test_options_set_start_sizes_and_accept_deepar_frequencies(output, capsys):
    code = run_synthetic(
        output, "--num-series", 4, "--length", 10, "--prediction-length", 3, "--start", "2020-2-3 4:05:06",
        "--freq", "15min", "--period", 5,
    )  # fmt: skip

    assert code == 0
    train, test = read_series_splits(output)
    assert {record["start"] for record in train + test} == {"2020-02-03 04:05:06"}  # normalized
    assert [len(record["target"]) for record in train] == [7] * 4
    assert [len(record["target"]) for record in test] == [10] * 4
    assert "freq 15min" in capsys.readouterr().out


@pytest.mark.parametrize("freq", ["H", "D", "W", "M", "min", "5min", "2H", "12D"])
def test_deepar_time_freq_values_are_accepted(freq):
    assert deepar_synthetic.freq(freq) == freq


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--length", 48), "--length must be greater than --prediction-length"),
        (("--length", 10, "--prediction-length", 20), "--length must be greater"),
        (("--num-series", 0), "argument --num-series: must be a positive integer"),
        (("--num-series", "x"), "argument --num-series: not an integer"),
        # a MemoryError traceback before: the size is bounded instead
        (("--num-series", 10**9, "--length", 10**9), "--num-series x --length must be at most 10,000,000 points"),
        (("--num-series", 10**12), "at most 10,000,000 points, got 400,000,000,000,000"),
        (("--num-series", 25_001), "--num-series x --length must be at most 10,000,000 points, got 10,000,400"),
        (("--length", -1), "argument --length"),
        (("--prediction-length", 0), "argument --prediction-length"),
        (("--period", 0), "argument --period"),
        (("--seed", -1), "argument --seed: must not be negative"),
        (("--freq", "h"), "argument --freq: not a DeepAR time_freq"),
        (("--freq", "0min"), "argument --freq"),
        (("--freq", "5s"), "argument --freq"),
        (("--freq", "1.5H"), "argument --freq"),
        (("--start", "2016-01-01"), "argument --start"),
        (("--start", "2016-01-01T00:00:00"), "argument --start"),
        (("--start", "2016-02-30 00:00:00"), "argument --start"),
        (("--start", "2016-01-01 00:00:00+01:00"), "argument --start"),
        (("--bogus",), "unrecognized arguments"),
    ],
)
def test_bad_arguments_exit_2_without_output(output, capsys, arguments, message):
    with pytest.raises(SystemExit) as exit_info:
        run_synthetic(output, *arguments)

    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "deepar_synthetic: error:" in err
    assert message in err
    assert files_under(output) == []


def test_output_dir_is_required(capsys):
    with pytest.raises(SystemExit) as exit_info:
        deepar_synthetic.main([])
    assert exit_info.value.code == 2
    assert "--output-dir" in capsys.readouterr().err


def test_an_unwritable_output_exits_2_and_leaves_nothing(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")

    assert run_synthetic(blocker / "output", "--num-series", 2, "--length", 5, "--prediction-length", 1) == 2
    assert capsys.readouterr().err.startswith("error: ")
    assert blocker.read_text() == "not a folder"


def test_runs_through_the_dispatcher(tmp_path):
    result = run_processing("deepar_synthetic", "--output-dir", tmp_path / "out", "--num-series", 3, "--length", 9,
                            "--prediction-length", 2)  # fmt: skip
    assert result.returncode == 0, result.stderr
    train, test = read_series_splits(tmp_path / "out")
    assert [len(record["target"]) for record in train] == [7] * 3
    assert [len(record["target"]) for record in test] == [9] * 3


# --- --baseline test:RMSE ---------------------------------------------------------------------------------------


def naive_rmse(targets: list[list[float]], horizon: int, season: int) -> float:
    """RMSE, pooled over the series, of repeating the `season` values before the last `horizon` ones, by hand."""
    squared = []
    for target in targets:
        history = target[:-horizon]
        for step, actual in enumerate(target[-horizon:]):
            squared.append((actual - history[len(history) - season + step % season]) ** 2)
    return math.sqrt(sum(squared) / len(squared))


@pytest.mark.parametrize(
    ("length", "prediction", "period", "candidates"),
    [
        (72, 6, 12, (1, 12)),  # 66 train points: a full period, the seasonal forecast is a candidate
        (30, 10, 24, (1,)),  # 20 train points, less than one period: the last value only
        (20, 4, 1, (1,)),  # a period of 1 is the last value
    ],
)
def test_baseline_is_the_better_naive_forecast_of_the_test_series(output, length, prediction, period, candidates):
    arguments = ["--num-series", 5, "--length", length, "--prediction-length", prediction, "--period", period]
    assert run_synthetic(output, *arguments, "--baseline", "test:RMSE") == 0

    assert files_under(output) == [
        output / "baseline" / "baseline.json",
        output / "test" / "test.json",
        output / "train" / "train.json",
    ]
    targets = [record["target"] for record in read_series(output / "test" / "test.json")]
    scores = {season: naive_rmse(targets, prediction, season) for season in candidates}
    best = min(scores, key=scores.get)
    document = json.loads((output / "baseline" / "baseline.json").read_text())
    assert document == {
        "metric": "test:RMSE",
        "value": pytest.approx(scores[best], rel=1e-12),
        "model": "last value" if best == 1 else f"seasonal naive (season {best})",
        "split": "test",
        "records": 5 * prediction,  # forecast points
    }


def test_baseline_of_the_default_hourly_series_is_the_daily_seasonal_forecast(output, capsys):
    assert run_synthetic(output, "--num-series", 20, "--baseline", "test:RMSE") == 0

    targets = [record["target"] for record in read_series(output / "test" / "test.json")]
    document = json.loads((output / "baseline" / "baseline.json").read_text())
    assert document["model"] == "seasonal naive (season 24)"
    assert document["value"] == pytest.approx(naive_rmse(targets, 48, 24), rel=1e-12)
    assert document["value"] < naive_rmse(targets, 48, 1)
    assert document["records"] == 20 * 48
    assert capsys.readouterr().out.endswith(
        f"deepar_synthetic: baseline test:RMSE {document['value']:.6g} (seasonal naive (season 24) on test, "
        "960 forecast points)\n"
    )


def test_without_baseline_the_outputs_are_the_same_and_no_baseline_folder_appears(tmp_path):
    arguments = ("--num-series", 4, "--length", 50, "--prediction-length", 5)
    assert run_synthetic(tmp_path / "plain", *arguments) == 0
    assert run_synthetic(tmp_path / "with", *arguments, "--baseline", "test:RMSE") == 0

    assert not (tmp_path / "plain" / "baseline").exists()
    for split in SPLITS:
        path = f"{split}/{split}.json"
        assert (tmp_path / "plain" / path).read_bytes() == (tmp_path / "with" / path).read_bytes()


@pytest.mark.parametrize(
    ("metric", "reason"),
    [
        ("test:mean_wQuantileLoss", "no baseline for this metric"),
        ("test:rmse", "no baseline for this metric"),
        ("validation:RMSE", "the validation split is not written (written: train, test)"),
        ("RMSE", "not of the form CHANNEL:NAME"),
    ],
)
def test_an_unsupported_baseline_metric_exits_2_without_output(output, capsys, metric, reason):
    with pytest.raises(SystemExit) as exit_info:
        run_synthetic(output, "--num-series", 2, "--length", 30, "--prediction-length", 5, "--baseline", metric)

    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert f"deepar_synthetic: error: --baseline {metric}: {reason}; supported: test:RMSE\n" in err
    assert files_under(output) == []


def test_naive_baseline_counts_only_observed_forecast_points():
    series = [np.array([1.0, 2.0, 3.0, np.nan]), np.array([5.0, 4.0, 4.0, 1.0])]
    # horizon 2, last value: 2 for 3 (error 1) and for NaN (left out); 4 for 4 and 1 (errors 0 and 3): 3 points.
    # Season 2 repeats 1, 2 (error 2 on the 3) and 5, 4 (errors 1 and 3): worse.
    baseline = naive_baseline(series, prediction_length=2, season=2)
    assert (baseline.value, baseline.model, baseline.records) == (pytest.approx(math.sqrt(10 / 3)), "last value", 3)
    assert (baseline.metric, baseline.split) == ("test:RMSE", "test")
