"""K-Means: web-scale k-means clustering."""

from pipelines.algorithms.contract import (
    RECORD_REQUESTS,
    RECORD_RESPONSES,
    RECORDIO_PROTOBUF,
    UNLABELLED_RECORDS,
    Algorithm,
    ChannelSpec,
    Compute,
    Inference,
    MetricSpec,
    Range,
    dg,
)

_PAGE = dg("k-means")
_TUNING = dg("k-means-tuning")
_FORMATS = (RECORDIO_PROTOBUF, "text/csv", "text/csv;label_size=0")

KMEANS = Algorithm(
    name="K-Means",
    framework="kmeans",
    compute=Compute(
        cpu=True,
        # GPUs only with one GPU device per instance; CPU is recommended, so the choices offer CPU types only.
        gpu_families=(),
        multi_instance=True,
        default_instance="ml.m5.xlarge",
        source=_PAGE,
    ),
    channels=(
        # ShardedByS3Key is recommended for train and FullyReplicated for test; both are accepted.
        ChannelSpec("train", _FORMATS, _PAGE, required=True, layout=UNLABELLED_RECORDS),
        ChannelSpec("test", _FORMATS, _PAGE, layout=UNLABELLED_RECORDS),
    ),
    metrics=(
        MetricSpec("test:msd", False, "mean squared distance of a test record to its closest center", _TUNING),
        MetricSpec("test:ssd", False, "sum of squared distances of the test records to their centers", _TUNING),
    ),
    required=("feature_dim", "k"),
    required_source=dg("k-means-api-config"),
    spellings={"eval_metrics": ('["msd"]', '["ssd"]', '["msd","ssd"]'), "init_method": ("random", "kmeans++")},
    spellings_source=dg("k-means-api-config"),
    tunable=(
        Range("epochs", "Integer", _TUNING, 1, 10),
        Range("extra_center_factor", "Integer", _TUNING, 4, 10),
        Range("init_method", "Categorical", _TUNING, values=("kmeans++", "random")),
        Range("mini_batch_size", "Integer", _TUNING, 3000, 15000),
    ),
    inference=Inference(
        RECORD_REQUESTS,
        (*RECORD_RESPONSES, "text/csv"),
        dg("km-in-formats"),
    ),
)
