"""Use case 12: Linear Learner binary classifier on MNIST, "is the digit a 0".

Preprocess (mnist.pkl.gz -> RecordIO-protobuf, label 1 for a 0) -> Train (validation channel, so that
validation:binary_f_beta exists) -> if it is >= MetricThreshold: register, else fail.
"""

from pipelines.algorithms import LINEAR_LEARNER
from pipelines.context import PipelineContext
from pipelines.datasets import MNIST
from pipelines.parameters import StandardParameters
from pipelines.steps.gate import Gate, gate_step
from pipelines.steps.processing import preprocess_step
from pipelines.steps.register import LINEAR_MODEL_INFERENCE, register_step
from pipelines.steps.training import RECORDIO, channels_of, final_metric, model_artifacts, training_step
from pipelines.usecase import UseCase

METRIC = "validation:binary_f_beta"
HYPERPARAMETERS = {"predictor_type": "binary_classifier", "feature_dim": 784, "mini_batch_size": 200}


def build(ctx: PipelineContext, params: StandardParameters) -> list:
    prepare = preprocess_step(
        ctx, params, "mnist", ("train", "validation"),
        ["--target", "binary", "--digit", "0", "--format", "recordio", "--splits", "train,validation"],
    )  # fmt: skip
    train = training_step(
        ctx,
        "Train",
        LINEAR_LEARNER,
        HYPERPARAMETERS,
        channels_of(prepare, RECORDIO, "train", "validation"),
        params.training_instance_type,
        params.training_instance_count,
    )
    register = register_step(
        ctx,
        image=ctx.algorithm_image(LINEAR_LEARNER),
        model_data=model_artifacts(train),
        inference=LINEAR_MODEL_INFERENCE,
        approval_status=params.model_approval_status,
        description="Linear Learner: is this MNIST digit a 0? Gated on validation:binary_f_beta.",
    )
    gate = Gate(METRIC, final_metric(train, METRIC), params.metric_threshold, higher_is_better=True)
    return [prepare, train, gate_step(gate, on_pass=[register], name="CheckFBeta")]


USE_CASE = UseCase(
    name="mnist-linear-learner",
    title='Linear Learner binary classification on MNIST: "is it a 0"',
    algorithm=LINEAR_LEARNER.label,
    dataset_name="MNIST (mnist.pkl.gz, 50,000/10,000/10,000 images)",
    dataset=MNIST,
    metric_threshold=0.9,
    build=build,
)
