"""PCA: principal components of the training data. It emits no metric (no tuning page in the developer guide)."""

from pipelines.algorithms.contract import (
    GPU_FAMILIES,
    RECORD_REQUESTS,
    RECORD_RESPONSES,
    RECORDIO_PROTOBUF,
    UNLABELLED_RECORDS,
    Algorithm,
    ChannelSpec,
    Compute,
    Inference,
    dg,
)

_PAGE = dg("pca")
_FORMATS = (RECORDIO_PROTOBUF, "text/csv")

PCA = Algorithm(
    name="PCA",
    framework="pca",
    compute=Compute(
        cpu=True,
        gpu_families=GPU_FAMILIES,
        multi_instance=True,
        default_instance="ml.m5.xlarge",
        source=_PAGE,
    ),
    channels=(
        ChannelSpec("train", _FORMATS, _PAGE, required=True, layout=UNLABELLED_RECORDS),
        ChannelSpec("test", _FORMATS, _PAGE, layout=UNLABELLED_RECORDS),
    ),
    metrics=(),
    required=("feature_dim", "mini_batch_size", "num_components"),
    required_source=dg("PCA-reference"),
    spellings={"algorithm_mode": ("regular", "randomized"), "subtract_mean": ("true", "false")},
    spellings_source=dg("PCA-reference"),
    inference=Inference(
        RECORD_REQUESTS,
        RECORD_RESPONSES,
        dg("PCA-in-formats"),
    ),
)
