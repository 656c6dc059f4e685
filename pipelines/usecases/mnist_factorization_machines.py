"""Use case 10: Factorization Machines binary classifier on MNIST, "is the digit a 0".

Preprocess (mnist.pkl.gz -> float32 RecordIO-protobuf, label 1 for a 0; train and test splits) -> Train (a test
channel, so that test:binary_classification_accuracy exists) -> if it is >= MetricThreshold: register, else fail.
"""

from pipelines.algorithms import FACTORIZATION_MACHINES
from pipelines.builder import PipelineBuilder
from pipelines.datasets import MNIST, MNIST_CHECKS
from pipelines.steps.training import RECORDIO
from pipelines.usecase import BaselineNote, UseCase

METRIC = "test:binary_classification_accuracy"
HYPERPARAMETERS = {
    "feature_dim": 784,
    "num_factors": 10,
    "predictor_type": "binary_classifier",
    "mini_batch_size": 200,
}


def build(p: PipelineBuilder) -> None:
    prepare = p.preprocess(
        "mnist", ("train", "test"),
        ["--target", "binary", "--digit", "0", "--format", "recordio", "--splits", "train,test", *MNIST_CHECKS],
        baseline=METRIC,
    )  # fmt: skip
    p.train_and_register(
        FACTORIZATION_MACHINES,
        HYPERPARAMETERS,
        prepare.channels(RECORDIO, "train", "test"),
        metric=METRIC,
        baseline=prepare.baseline,
        description="Factorization Machines: is this MNIST digit a 0? Gated on test accuracy.",
        gate_name="CheckAccuracy",
    )


USE_CASE = UseCase(
    name="mnist-factorization-machines",
    title='Factorization Machines binary classification on MNIST: "is it a 0"',
    algorithms=(FACTORIZATION_MACHINES,),
    dataset_name="MNIST (mnist.pkl.gz, 50,000/10,000/10,000 images)",
    dataset=MNIST,
    metric_threshold=0.95,  # NB10's model: 9,806 of 10,000 test images right (951 TP, 165 FP, 29 FN)
    baseline=BaselineNote(
        value=0.902,
        model='always "not a 0"',
        source="MNIST's 10,000 test images hold 980 zeros (http://yann.lecun.com/exdb/mnist/): 9,020 / 10,000; "
        "Preprocess computes it on the test split",
    ),
    build=build,
)
