"""Use case 12: Linear Learner binary classifier on MNIST, "is the digit a 0".

Preprocess (mnist.pkl.gz -> RecordIO-protobuf, label 1 for a 0) -> Train (validation channel, so that
validation:binary_f_beta exists) -> if it is >= MetricThreshold: register, else fail.
"""

from pipelines.algorithms import LINEAR_LEARNER
from pipelines.builder import PipelineBuilder
from pipelines.datasets import MNIST, MNIST_CHECKS
from pipelines.steps.training import RECORDIO
from pipelines.usecase import BaselineNote, UseCase

METRIC = "validation:binary_f_beta"
HYPERPARAMETERS = {"predictor_type": "binary_classifier", "feature_dim": 784, "mini_batch_size": 200}


def build(p: PipelineBuilder) -> None:
    prepare = p.preprocess(
        "mnist", ("train", "validation"),
        ["--target", "binary", "--digit", "0", "--format", "recordio", "--splits", "train,validation", *MNIST_CHECKS],
        baseline=METRIC,
    )  # fmt: skip
    p.train_and_register(
        LINEAR_LEARNER,
        HYPERPARAMETERS,
        prepare.channels(RECORDIO, "train", "validation"),
        metric=METRIC,
        baseline=prepare.baseline,
        description="Linear Learner: is this MNIST digit a 0? Gated on validation:binary_f_beta.",
        gate_name="CheckFBeta",
    )


USE_CASE = UseCase(
    name="mnist-linear-learner",
    title='Linear Learner binary classification on MNIST: "is it a 0"',
    algorithms=(LINEAR_LEARNER,),
    dataset_name="MNIST (mnist.pkl.gz, 50,000/10,000/10,000 images)",
    dataset=MNIST,
    metric_threshold=0.9,
    baseline=BaselineNote(
        value=0.180,
        model="always 1 (a 0)",
        source="mnist.pkl.gz's validation split (images 50,000-59,999 of MNIST's training set) holds 991 zeros: "
        "F1 of always answering 1 = 2p / (1 + p) with p = 0.0991 (always 0 scores F1 0); Preprocess computes it",
    ),
    build=build,
)
