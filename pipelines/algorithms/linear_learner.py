"""Linear Learner: linear models for binary, multiclass classification and regression."""

from pipelines.algorithms.contract import (
    FULLY_REPLICATED,
    GPU_FAMILIES,
    RECORD_REQUESTS,
    RECORD_RESPONSES,
    RECORDIO_PROTOBUF,
    Algorithm,
    ChannelSpec,
    Compute,
    Inference,
    MetricSpec,
    Range,
    dg,
)

_PAGE = dg("linear-learner")
_TUNING = dg("linear-learner-tuning")
_FORMATS = (RECORDIO_PROTOBUF, "text/csv")
_LAYOUT = 'RecordIO-protobuf: features["values"] float32 tensor, label["values"] float32; CSV: label first'
_BINARY = {"predictor_type": ("binary_classifier",)}
_REGRESSOR = {"predictor_type": ("regressor",)}


def _metrics(channel: str) -> tuple[MetricSpec, ...]:
    binary = (
        ("binary_classification_accuracy", True, "fraction correct, 0-1"),
        ("binary_f_beta", True, "F-beta (beta 1 by default), 0-1"),
        ("precision", True, "0-1"),
        ("recall", True, "0-1"),
        ("roc_auc_score", True, "area under the ROC curve, 0-1"),
    )
    regression = (
        ("absolute_loss", False, "mean absolute error, label units"),
        ("mse", False, "mean squared error, label units squared"),
        ("rmse", False, "root mean squared error, label units"),
    )
    return (
        *(MetricSpec(f"{channel}:{name}", up, scale, _TUNING, when=_BINARY) for name, up, scale in binary),
        *(MetricSpec(f"{channel}:{name}", up, scale, _TUNING, when=_REGRESSOR) for name, up, scale in regression),
        MetricSpec(f"{channel}:objective_loss", False, "the training loss on this channel, >= 0", _TUNING),
    )


LINEAR_LEARNER = Algorithm(
    name="Linear Learner",
    framework="linear-learner",
    compute=Compute(
        cpu=True,
        gpu_families=GPU_FAMILIES,
        multi_instance=True,
        default_instance="ml.m5.xlarge",
        source=_PAGE,
    ),
    channels=(
        ChannelSpec("train", _FORMATS, _PAGE, required=True, layout=_LAYOUT),
        # "the validation ... data must use FullyReplicated" (DG linear-learner, input/output interface)
        ChannelSpec("validation", _FORMATS, _PAGE, distributions=(FULLY_REPLICATED,), layout=_LAYOUT),
        ChannelSpec("test", _FORMATS, _PAGE, distributions=(FULLY_REPLICATED,), layout=_LAYOUT),
    ),
    metrics=(*_metrics("validation"), *_metrics("test")),
    required=("predictor_type",),  # and num_classes for multiclass_classifier
    required_source=dg("ll_hyperparameters"),
    spellings={"predictor_type": ("binary_classifier", "multiclass_classifier", "regressor")},
    spellings_source=dg("ll_hyperparameters"),
    tunable=(
        Range("wd", "Continuous", _TUNING, 1e-7, 1),
        Range("l1", "Continuous", _TUNING, 1e-7, 1),
        Range("learning_rate", "Continuous", _TUNING, 1e-5, 1),
        Range("mini_batch_size", "Integer", _TUNING, 100, 5000),
        Range("use_bias", "Categorical", _TUNING, values=("True", "False")),
        Range("positive_example_weight_mult", "Continuous", _TUNING, 1e-5, 1e5),
    ),
    inference=Inference(
        RECORD_REQUESTS,
        RECORD_RESPONSES,
        dg("LL-in-formats"),
    ),
)
