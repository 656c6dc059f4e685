"""Random Cut Forest: unsupervised anomaly scores."""

from pipelines.algorithms.contract import (
    FULLY_REPLICATED,
    RECORD_REQUESTS,
    RECORD_RESPONSES,
    RECORDIO_PROTOBUF,
    SHARDED,
    Algorithm,
    ChannelSpec,
    Compute,
    Inference,
    MetricSpec,
    Range,
    dg,
)

_PAGE = dg("randomcutforest")
_TUNING = dg("random-cut-forest-tuning")

RANDOM_CUT_FOREST = Algorithm(
    name="Random Cut Forest",
    framework="randomcutforest",
    compute=Compute(
        cpu=True,
        gpu_families=(),  # "RCF does not take advantage of GPUs" (DG randomcutforest, instances)
        multi_instance=True,
        default_instance="ml.m5.xlarge",
        source=_PAGE,
    ),
    channels=(
        # "train ... supports only ShardedByS3Key", "test ... only FullyReplicated"; CSV says its label columns.
        ChannelSpec(
            "train",
            (RECORDIO_PROTOBUF, "text/csv", "text/csv;label_size=0"),
            _PAGE,
            required=True,
            distributions=(SHARDED,),
            layout="CSV without label (label_size=0), one file per instance at least",
        ),
        ChannelSpec(
            "test",
            (RECORDIO_PROTOBUF, "text/csv;label_size=1"),
            _PAGE,
            distributions=(FULLY_REPLICATED,),
            layout="CSV, first column the label: 1 anomaly, 0 normal",
        ),
    ),
    # A test record is flagged when its score is more than 3 standard deviations from the mean score.
    metrics=(MetricSpec("test:f1", True, "F1 of the anomaly flags on the labelled test records, 0-1", _TUNING),),
    required=("feature_dim",),
    required_source=dg("rcf_hyperparameters"),
    tunable=(
        Range("num_samples_per_tree", "Integer", _TUNING, 1, 2048),
        Range("num_trees", "Integer", _TUNING, 50, 1000),
    ),
    inference=Inference(
        RECORD_REQUESTS,
        RECORD_RESPONSES,
        dg("rcf-in-formats"),
        gpu=False,
    ),
)
