"""k-NN: k-nearest-neighbours classification or regression over an index of sampled training points."""

from pipelines.algorithms.contract import (
    GPU_FAMILIES,
    LABELLED_RECORDS,
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

_PAGE = dg("k-nearest-neighbors")
_TUNING = dg("kNN-tuning")
# CSV: the first label_size columns are the label (text/csv;label_size=1); RecordIO-protobuf: float32 features
# and label (DG k-nearest-neighbors, input/output interface).
_FORMATS = (RECORDIO_PROTOBUF, "text/csv", "text/csv;label_size=1")

KNN = Algorithm(
    name="k-NN",
    framework="knn",
    compute=Compute(
        cpu=True,
        gpu_families=GPU_FAMILIES,
        multi_instance=True,
        default_instance="ml.m5.2xlarge",
        source=_PAGE,
    ),
    channels=(
        ChannelSpec("train", _FORMATS, _PAGE, required=True, layout=LABELLED_RECORDS),
        ChannelSpec("test", _FORMATS, _PAGE, layout=LABELLED_RECORDS),
    ),
    metrics=(
        MetricSpec("test:accuracy", True, "fraction correct, 0-1", _TUNING, when={"predictor_type": ("classifier",)}),
        MetricSpec("test:mse", False, "label units squared", _TUNING, when={"predictor_type": ("regressor",)}),
    ),
    required=("feature_dim", "k", "predictor_type", "sample_size"),
    required_source=dg("kNN_hyperparameters"),
    spellings={"predictor_type": ("classifier", "regressor")},
    spellings_source=dg("kNN_hyperparameters"),
    tunable=(
        Range("k", "Integer", _TUNING, 1, 1024),
        Range("sample_size", "Integer", _TUNING, 256, 20000000),
    ),
    inference=Inference(
        RECORD_REQUESTS,
        RECORD_RESPONSES,
        dg("kNN-inference-formats"),
    ),
)
