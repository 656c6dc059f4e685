"""Use case 11: k-NN classification of forest cover types (UCI covertype, 7 classes).

Preprocess (covtype.data.gz -> RecordIO-protobuf, classes 0-6, seeded 90/10 train/test) -> Train (a test channel,
so that test:accuracy exists) -> if it is >= MetricThreshold: register, else fail.
"""

from pipelines.algorithms import KNN
from pipelines.builder import PipelineBuilder
from pipelines.datasets import COVTYPE
from pipelines.steps.training import RECORDIO
from pipelines.usecase import BaselineNote, UseCase

METRIC = "test:accuracy"
HYPERPARAMETERS = {"feature_dim": 54, "k": 10, "sample_size": 200000, "predictor_type": "classifier"}


def build(p: PipelineBuilder) -> None:
    prepare = p.preprocess("covtype", ("train", "test"), ["--format", "recordio", "--seed", "0"], baseline=METRIC)
    p.train_and_register(
        KNN,
        HYPERPARAMETERS,
        prepare.channels(RECORDIO, "train", "test"),
        metric=METRIC,
        baseline=prepare.baseline,
        description="k-NN (k=10) forest cover type classifier, gated on test accuracy.",
        gate_name="CheckAccuracy",
    )


USE_CASE = UseCase(
    name="covtype-knn",
    title="k-NN classification of forest cover types (UCI covertype)",
    algorithms=(KNN,),
    dataset_name="UCI covertype (covtype.data.gz, 581,012 rows, 54 features)",
    dataset=COVTYPE,
    metric_threshold=0.85,
    baseline=BaselineNote(
        value=0.488,
        model="always lodgepole pine",
        source="UCI covtype.info: 283,301 of the 581,012 rows are lodgepole pine (class 2); the test split is a "
        "seeded 10% sample, where Preprocess computes the exact share",
    ),
    build=build,
)
