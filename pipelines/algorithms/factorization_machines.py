"""Factorization Machines: binary classification or regression on sparse, high-dimensional data."""

from pipelines.algorithms.contract import (
    GPU_FAMILIES,
    LABELLED_RECORDS,
    RECORDIO_PROTOBUF,
    Algorithm,
    ChannelSpec,
    Compute,
    Inference,
    MetricSpec,
    Range,
    dg,
)

_PAGE = dg("fact-machines")
_TUNING = dg("fm-tuning")
# Training reads RecordIO-protobuf with Float32 tensors only, no CSV (DG fact-machines, input/output interface).
_BINARY = {"predictor_type": ("binary_classifier",)}

FACTORIZATION_MACHINES = Algorithm(
    name="Factorization Machines",
    framework="factorization-machines",
    compute=Compute(
        cpu=True,
        gpu_families=GPU_FAMILIES,  # GPU for dense data only; CPU recommended
        multi_instance=True,
        default_instance="ml.c5.xlarge",
        source=_PAGE,
    ),
    channels=(
        ChannelSpec("train", (RECORDIO_PROTOBUF,), _PAGE, required=True, layout=LABELLED_RECORDS),
        ChannelSpec("test", (RECORDIO_PROTOBUF,), _PAGE, layout=LABELLED_RECORDS),
    ),
    metrics=(
        # Binary: accuracy and F1 with the score thresholded at 0.5 (DG fact-machines, "test" channel).
        MetricSpec("test:binary_classification_accuracy", True, "fraction correct, 0-1", _TUNING, when=_BINARY),
        MetricSpec("test:binary_classification_cross_entropy", False, "log loss, >= 0", _TUNING, when=_BINARY),
        MetricSpec("test:binary_f_beta", True, "F1 at threshold 0.5, 0-1", _TUNING, when=_BINARY),
        MetricSpec("test:rmse", False, "label units", _TUNING, when={"predictor_type": ("regressor",)}),
    ),
    required=("feature_dim", "num_factors", "predictor_type"),
    required_source=dg("fact-machines-hyperparameters"),
    spellings={"predictor_type": ("binary_classifier", "regressor")},
    spellings_source=dg("fact-machines-hyperparameters"),
    tunable=(
        Range("epochs", "Integer", _TUNING, 1, 1000),
        Range("mini_batch_size", "Integer", _TUNING, 100, 10000),
    ),
    inference=Inference(
        ("application/json", RECORDIO_PROTOBUF),  # no CSV
        ("application/json", "application/jsonlines", RECORDIO_PROTOBUF),
        dg("fm-in-formats"),
    ),
)
