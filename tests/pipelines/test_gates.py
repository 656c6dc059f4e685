"""Every default quality gate rejects a model that learned nothing on the pipeline's default data, with a margin.

Each baseline is recomputed here from its outside source: the generators' own output for generated data, published
counts for real data, the definition of the metric where it is a constant. The use cases' BaselineNote (shown on
the docs pages) must agree, and the default MetricThreshold must beat it by a margin in the gate's direction.
"""

import math
import sys

import numpy as np
import pytest

from pipelines.registry import USE_CASES
from tests.conftest import PREFIX, ROOT

PROCESSING = ROOT / "processing"
if str(PROCESSING) not in sys.path:
    sys.path.insert(0, str(PROCESSING))  # the processing scripts are top-level modules, as in their zip

import deepar_synthetic  # noqa: E402
import language_test  # noqa: E402
import nyc_taxi  # noqa: E402
import topic_documents  # noqa: E402
from shared import baselines  # noqa: E402

# A default threshold must beat the baseline by at least this share of the baseline's distance to the metric's
# best value (1 for accuracies and F1, 0 for errors and losses), and by this much at least in absolute terms.
MARGIN_SHARE = 0.05
MARGIN_ABSOLUTE = 0.02
# Where a metric's realistic scores sit far from its best value, the margin in its own units.
MARGIN_OVERRIDES = {
    "wmt-seq2seq": 0.01,  # one BLEU point: NB20's 10,000-pair demo reaches a few points at most
}


def two_p_over_one_plus_p(positives: int, total: int) -> float:
    p = positives / total
    return 2 * p / (1 + p)


def deepar_synthetic_baseline() -> float:
    # The generator's own output with the pipeline's arguments (seed 1, hourly, 48 ahead); the better naive forecast.
    series = deepar_synthetic.generate(seed=1, count=200, length=400, period=24)
    horizon = 48
    return min(baselines.seasonal_naive_rmse(series, horizon, season)[0] for season in (1, 24))


def topic_baseline(target: str) -> float:
    documents, tenths = topic_documents.TARGETS[target][:2]
    counts = topic_documents.generate(0, documents, 5, 150)
    split = documents * tenths // 10
    return topic_documents.unigram_pwll(counts[:split], counts[split:])


def nyc_taxi_baseline() -> float:
    # NAB's nyc_taxi.csv: every half hour from 2014-07-01 00:00 to 2015-01-31 23:30 (10,320 rows); the labels the
    # Preprocess step gives the 48-step shingles.
    grid = np.arange(np.datetime64("2014-07-01T00:00"), np.datetime64("2015-02-01T00:00"), np.timedelta64(30, "m"))
    ends = grid.astype("datetime64[s]")[47:]
    labels = nyc_taxi.anomaly_labels(ends, nyc_taxi.points_as_datetimes(), nyc_taxi.LABEL_HALF_WIDTH)
    return two_p_over_one_plus_p(int(labels.sum()), len(labels))


def language_test_baseline() -> float:
    languages = [language for language, _ in language_test.labelled_sentences()]
    return max(languages.count(language) for language in set(languages)) / len(languages)


# pipeline -> the trivial model's score on the default data, computed from the source the use case cites
EXPECTED = {
    "deepar-synthetic": deepar_synthetic_baseline,
    "chicago-deepar": lambda: None,  # not known offline (see the use case); only the run-time comparison guards it
    "mnist-xgboost": lambda: 1 - 1090 / 10000,  # the validation split's most frequent digit, 7
    "abalone-xgboost": lambda: 3.224**2,  # UCI abalone.names: rings' standard deviation 3.224
    "lda-topics": lambda: topic_baseline("lda"),
    "ntm-topics": lambda: -topic_baseline("ntm"),
    "dbpedia-blazingtext": lambda: 1 / 14,  # 5,000 test abstracts per class
    "lid176-blazingtext": language_test_baseline,
    "text8-word2vec": lambda: 0.0,  # rank correlation of unrelated similarities
    "mnist-factorization-machines": lambda: 9020 / 10000,  # 980 zeros among MNIST's 10,000 test images
    "covtype-knn": lambda: 283301 / 581012,  # UCI covtype.info: lodgepole pine
    "mnist-linear-learner": lambda: two_p_over_one_plus_p(991, 10000),  # always 1; 991 zeros in validation
    "caltech256-image-classification": lambda: (827 - 60) / (30607 - 257 * 60),  # clutter, 60 per class to train
    "cub200-object-detection": lambda: 0.0,  # no detections: mAP 0
    "voc-semantic-segmentation": lambda: 0.70 / 21,  # background's approximate pixel share over the 21 classes
    "mnist-pca": lambda: 50 / 784,  # expected share a random 50-dimensional subspace keeps
    "nyc-taxi-rcf": nyc_taxi_baseline,
    "ipinsights-logins": lambda: 0.5,  # AUC of a constant score
    "census-kmeans": lambda: 0.245,  # the audit's figure on the default data (no published one)
    "movielens-object2vec": lambda: ml_100k_rating_variance(),
    "wmt-seq2seq": lambda: 0.0,  # BLEU without a matching 4-gram
    "breast-cancer-linear-learner": lambda: 357 / 569,  # UCI wdbc.names: 357 benign, 212 malignant
}


def ml_100k_rating_variance() -> float:
    counts = np.array([6110, 11370, 27145, 34174, 21201])  # ml-100k's ratings of 1..5 stars
    stars = np.arange(1, 6)
    mean = (counts * stars).sum() / counts.sum()
    return float((counts * (stars - mean) ** 2).sum() / counts.sum())


def gate_direction(compiled, use_case) -> bool:
    """True when the gate wants the metric high: read from the definition's first gate condition."""
    pipeline = compiled[f"{PREFIX}-{use_case.name}"]
    for step in pipeline.steps():
        if step["Type"] == "Condition":
            return step["Arguments"]["Conditions"][0]["Type"] in ("GreaterThanOrEqualTo", "GreaterThan")
    raise AssertionError(f"{use_case.name} has no gate")


def test_every_pipeline_has_its_baseline_computed_here():
    assert set(EXPECTED) == {use_case.name for use_case in USE_CASES}


@pytest.mark.parametrize("use_case", USE_CASES, ids=lambda use_case: use_case.name)
def test_the_documented_baseline_is_the_one_computed_from_its_source(use_case):
    expected = EXPECTED[use_case.name]()
    if expected is None:
        assert use_case.baseline.value is None and use_case.baseline.at_run_time
        return
    assert use_case.baseline.value == pytest.approx(expected, abs=0.0015, rel=0.01)


@pytest.mark.parametrize("use_case", USE_CASES, ids=lambda use_case: use_case.name)
def test_the_default_threshold_rejects_the_trivial_model_with_a_margin(compiled, use_case):
    baseline = EXPECTED[use_case.name]()
    if baseline is None:
        return  # chicago-deepar: the run-time comparison is the guard (asserted by the compile's gate check)
    threshold = use_case.metric_threshold
    higher_is_better = gate_direction(compiled, use_case)
    best = 1.0 if higher_is_better else 0.0
    margin = max(MARGIN_ABSOLUTE, MARGIN_SHARE * abs(best - baseline))
    if use_case.name in ("lda-topics", "ntm-topics"):  # log-likelihoods: no best value at hand, 5% of the baseline
        margin = max(MARGIN_ABSOLUTE, MARGIN_SHARE * abs(baseline))
    margin = MARGIN_OVERRIDES.get(use_case.name, margin)
    if higher_is_better:
        assert threshold >= baseline + margin, (threshold, baseline)
    else:
        assert threshold <= baseline - margin, (threshold, baseline)


def test_the_deepar_synthetic_threshold_is_above_the_noise_floor():
    # A forecast cannot beat the noise: each series' noise has standard deviation 0.05 x its level, the level
    # uniform on 0..10, so the best possible RMSE is about sqrt(E[(0.05 L)^2]) = 0.5 / sqrt(3) = 0.289.
    from pipelines.registry import get

    floor = 0.5 / math.sqrt(3)
    assert floor < get("deepar-synthetic").metric_threshold < deepar_synthetic_baseline()


@pytest.mark.parametrize("use_case", [u for u in USE_CASES if u.baseline.at_run_time], ids=lambda u: u.name)
def test_gates_with_a_run_time_baseline_compare_with_it(compiled, use_case):
    pipeline = compiled[f"{PREFIX}-{use_case.name}"]
    gate = next(s for s in pipeline.steps() if s["Type"] == "Condition")
    conditions = gate["Arguments"]["Conditions"]
    strict = {"GreaterThan", "LessThan"}
    baseline_conditions = [c for c in conditions if c["Type"] in strict]
    assert len(conditions) == 2 and len(baseline_conditions) == 1
    (condition,) = baseline_conditions
    assert condition["LeftValue"] == next(c for c in conditions if c["Type"] not in strict)["LeftValue"]
    assert condition["RightValue"]["Std:JsonGet"]["Path"] in ("value", "baseline.value")
    failure = next(s for s in gate["Arguments"]["ElseSteps"] if s["Type"] == "Fail")
    message = failure["Arguments"]["ErrorMessage"]["Std:Join"]["Values"]
    assert condition["RightValue"] in message  # the Fail message carries the baseline's value...
    assert any("the trivial baseline" in part for part in message if isinstance(part, str))  # ...and says what it is
