"""Use case 12: Linear Learner binary classifier on MNIST, "is the digit a 0".

Preprocess (mnist.pkl.gz -> RecordIO-protobuf, label 1 for a 0) -> Train (validation channel, so that
validation:binary_f_beta exists) -> if it is >= MetricThreshold: register, else fail.
"""

from pipelines.algorithms import LINEAR_LEARNER
from pipelines.context import PipelineContext
from pipelines.datasets import MNIST
from pipelines.parameters import StandardParameters
from pipelines.recipes import train_and_register
from pipelines.steps.processing import preprocess_step
from pipelines.steps.register import LINEAR_MODEL_INFERENCE
from pipelines.steps.training import RECORDIO, channels_of
from pipelines.usecase import UseCase

HYPERPARAMETERS = {"predictor_type": "binary_classifier", "feature_dim": 784, "mini_batch_size": 200}


def build(ctx: PipelineContext, params: StandardParameters) -> list:
    prepare = preprocess_step(
        ctx, params, "mnist", ("train", "validation"),
        ["--target", "binary", "--digit", "0", "--format", "recordio", "--splits", "train,validation"],
    )  # fmt: skip
    return [
        prepare,
        *train_and_register(
            ctx,
            params,
            LINEAR_LEARNER,
            HYPERPARAMETERS,
            channels_of(prepare, RECORDIO, "train", "validation"),
            metric="validation:binary_f_beta",
            higher_is_better=True,
            inference=LINEAR_MODEL_INFERENCE,
            description="Linear Learner: is this MNIST digit a 0? Gated on validation:binary_f_beta.",
            gate_name="CheckFBeta",
        ),
    ]


USE_CASE = UseCase(
    name="mnist-linear-learner",
    title='Linear Learner binary classification on MNIST: "is it a 0"',
    algorithm=LINEAR_LEARNER.label,
    dataset_name="MNIST (mnist.pkl.gz, 50,000/10,000/10,000 images)",
    dataset=MNIST,
    metric_threshold=0.9,
    build=build,
)
