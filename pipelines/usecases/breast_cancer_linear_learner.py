"""Use case 22: Linear Learner on UCI breast cancer (WDBC): malignant or benign from 30 cell-nucleus features.

The notebook fits a regressor to the 0/1 label and thresholds it; a binary classifier is the right model for a
diagnosis and gives classification metrics. Preprocess (wdbc -> RecordIO-protobuf, 1 = malignant, seeded 80/10/10)
-> Train -> if validation:binary_classification_accuracy >= MetricThreshold: register, else fail.
"""

from pipelines.algorithms import LINEAR_LEARNER
from pipelines.builder import PipelineBuilder
from pipelines.datasets import BREAST_CANCER
from pipelines.steps.training import RECORDIO
from pipelines.usecase import BaselineNote, UseCase

METRIC = "validation:binary_classification_accuracy"
HYPERPARAMETERS = {
    "predictor_type": "binary_classifier",
    "feature_dim": 30,
    "mini_batch_size": 100,
    "epochs": 10,
    "num_models": 32,
}


def build(p: PipelineBuilder) -> None:
    prepare = p.preprocess(
        "wdbc", ("train", "validation", "test"), ["--format", "recordio", "--seed", "42"], baseline=METRIC
    )
    p.train_and_register(
        LINEAR_LEARNER,
        HYPERPARAMETERS,
        # NB22 shards train by S3 key, but wdbc writes one file: every instance reads all of it instead of some
        # instances none. Validation must be fully replicated (DG linear-learner).
        prepare.channels(RECORDIO, "train", "validation"),
        metric=METRIC,
        baseline=prepare.baseline,
        description="Linear Learner breast cancer diagnosis (1 = malignant), gated on validation accuracy.",
        gate_name="CheckAccuracy",
    )


USE_CASE = UseCase(
    name="breast-cancer-linear-learner",
    title="Linear Learner breast cancer diagnosis (UCI WDBC)",
    algorithms=(LINEAR_LEARNER,),
    dataset_name="UCI breast cancer Wisconsin diagnostic (wdbc, 569 rows, 30 features)",
    dataset=BREAST_CANCER,
    metric_threshold=0.9,
    baseline=BaselineNote(
        value=0.627,
        model="always benign",
        source="UCI wdbc.names: 357 benign and 212 malignant of 569 diagnoses (357 / 569); Preprocess computes it "
        "on the validation split",
    ),
    build=build,
)
