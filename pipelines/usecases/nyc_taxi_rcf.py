"""Use case 16: Random Cut Forest anomaly detection on NYC taxi ridership (NAB nyc_taxi, 30-minute counts).

Preprocess (48-step shingles; an unlabelled train set, and a test set labelled from the official NAB anomaly
windows, so that test:f1 exists) -> Train -> if test:f1 >= MetricThreshold: register, else fail.
"""

from pipelines.algorithms import RANDOM_CUT_FOREST
from pipelines.context import PipelineContext
from pipelines.datasets import NYC_TAXI
from pipelines.parameters import StandardParameters
from pipelines.recipes import train_and_register
from pipelines.steps.processing import output_uri, preprocess_step
from pipelines.steps.register import LINEAR_MODEL_INFERENCE
from pipelines.steps.training import Channel
from pipelines.usecase import UseCase

SHINGLE = 48  # one day of 30-minute buckets
HYPERPARAMETERS = {"feature_dim": SHINGLE, "num_samples_per_tree": 512, "num_trees": 50}


def build(ctx: PipelineContext, params: StandardParameters) -> list:
    prepare = preprocess_step(ctx, params, "nyc_taxi", ("train", "test"), ["--shingle", str(SHINGLE)])
    # DG randomcutforest: train only ShardedByS3Key, test only FullyReplicated; CSV label_size says which column
    # (if any) is the label.
    channels = [
        Channel("train", output_uri(prepare, "train"), "text/csv;label_size=0", sharded=True),
        Channel("test", output_uri(prepare, "test"), "text/csv;label_size=1"),
    ]
    return [
        prepare,
        *train_and_register(
            ctx,
            params,
            RANDOM_CUT_FOREST,
            HYPERPARAMETERS,
            channels,
            metric="test:f1",
            higher_is_better=True,
            inference=LINEAR_MODEL_INFERENCE,
            description="Random Cut Forest on 48-step shingles of NYC taxi ridership, gated on NAB-window test:f1.",
            gate_name="CheckF1",
        ),
    ]


USE_CASE = UseCase(
    name="nyc-taxi-rcf",
    title="Random Cut Forest anomaly detection on NYC taxi ridership (NAB)",
    algorithm=RANDOM_CUT_FOREST.label,
    dataset_name="NAB nyc_taxi (CSV timestamp,value, 10,320 half-hours)",
    dataset=NYC_TAXI,
    metric_threshold=0.1,
    build=build,
)
