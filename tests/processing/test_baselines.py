"""The trivial baselines of shared/baselines.py, against values worked out by hand or from published counts."""

import json
import math

import numpy as np
import pytest
from shared import baselines


def test_majority_accuracy_of_mnist_is_it_a_zero_on_its_published_test_counts():
    # MNIST's 10,000 test images hold 980 zeros (LeCun et al., http://yann.lecun.com/exdb/mnist/): always "not 0"
    labels = np.array([1] * 980 + [0] * 9020)
    assert baselines.majority_accuracy(labels) == (pytest.approx(0.902), "always 0")


def test_majority_accuracy_breaks_ties_towards_the_smallest_label():
    assert baselines.majority_accuracy([2, 1, 2, 1]) == (0.5, "always 1")
    assert baselines.majority_accuracy([3.0, 3.0, 1.0]) == (pytest.approx(2 / 3), "always 3")


def test_majority_error_is_one_minus_the_majority_accuracy():
    value, model = baselines.majority_error([0, 1, 1, 1, 2])
    assert value == pytest.approx(0.4)
    assert model == "always 1"


def test_always_positive_f1_is_2p_over_1_plus_p():
    # 1 positive in 4: precision 1/4, recall 1, F1 = 2 * 0.25 / 1.25 = 0.4
    assert baselines.always_positive_f1([0, 0, 1, 0]) == (pytest.approx(0.4), "always 1")
    assert baselines.always_positive_f1([1, 1]) == (pytest.approx(1.0), "always 1")


def test_always_positive_f1_refuses_labels_that_are_not_binary():
    with pytest.raises(ValueError, match="0/1"):
        baselines.always_positive_f1([0, 2])


def test_mean_squared_error_is_the_population_variance():
    value, model = baselines.mean_squared_error([1.0, 2.0, 3.0, 6.0])  # mean 3: (4 + 1 + 0 + 9) / 4
    assert value == pytest.approx(3.5)
    assert model == "always the mean, 3"


def test_one_cluster_msd_sums_squared_distances_over_the_coordinates():
    points = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])  # mean (1, 1): each point at distance^2 2
    assert baselines.one_cluster_msd(points) == (pytest.approx(2.0), "one cluster at the mean")


def test_seasonal_naive_repeats_the_last_season_before_the_horizon():
    series = [np.array([1.0, 2.0, 3.0, 1.0, 2.0, 3.0, 1.5, 2.0, 3.0, 1.0])]
    # horizon 4, season 3: the history is 1, 2, 3, 1, 2, 3; its last season 1, 2, 3 repeated gives the forecast
    # 1, 2, 3, 1 for the actual 1.5, 2, 3, 1: squared errors 0.25, 0, 0, 0
    value, model = baselines.seasonal_naive_rmse(series, horizon=4, season=3)
    assert value == pytest.approx(math.sqrt(0.25 / 4))
    assert model == "seasonal naive (season 3)"


def test_seasonal_naive_pools_all_series_and_skips_missing_points():
    series = [np.array([1.0, 1.0, 3.0]), np.array([0.0, 2.0, np.nan])]
    # season 1, horizon 1: forecasts 1 for 3 (error 2) and 2 for NaN (left out): RMSE 2
    assert baselines.seasonal_naive_rmse(series, horizon=1, season=1) == (pytest.approx(2.0), "last value")


def test_seasonal_naive_needs_a_full_season_of_history():
    with pytest.raises(ValueError, match="series 0 has 4 points; needs 5"):
        baselines.seasonal_naive_rmse([np.arange(4.0)], horizon=2, season=3)


def test_split_of_a_metric_is_its_channel():
    assert baselines.split_of("test:msd") == "test"
    assert baselines.split_of("validation:binary_f_beta") == "validation"
    with pytest.raises(ValueError):
        baselines.split_of("msd")


def test_write_gives_the_document_the_gate_reads(tmp_path):
    baselines.Baseline("test:msd", np.float32(0.25), "one cluster at the mean", "test", 322).write(str(tmp_path))
    document = json.loads((tmp_path / "baseline.json").read_text())
    assert document == {
        "metric": "test:msd",
        "value": 0.25,
        "model": "one cluster at the mean",
        "split": "test",
        "records": 322,
    }


def test_majority_accuracy_names_a_text_label_as_it_is():
    assert baselines.majority_accuracy(["de", "en", "de"]) == (pytest.approx(2 / 3), "always de")
