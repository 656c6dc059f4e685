"""Use case 1: DeepAR forecasting of synthetic hourly series (generated inside the pipeline, as NB01 does).

Generate (200 noisy daily-seasonal series x 400 hours; train = all but the last 48 points, test = full series) ->
Train (a test channel, so that test:RMSE exists) -> if test:RMSE <= MetricThreshold: register, else fail.
"""

from pipelines.algorithms import DEEPAR
from pipelines.context import PipelineContext
from pipelines.parameters import StandardParameters
from pipelines.recipes import train_and_register
from pipelines.steps.processing import preprocess_step
from pipelines.steps.register import DEEPAR_INFERENCE
from pipelines.steps.training import channels_of
from pipelines.usecase import GeneratedDataset, UseCase

PREDICTION_LENGTH = 48
# NB01's values.
HYPERPARAMETERS = {
    "time_freq": "H",
    "context_length": 72,
    "prediction_length": PREDICTION_LENGTH,
    "num_cells": 40,
    "num_layers": 3,
    "likelihood": "gaussian",
    "epochs": 20,
    "mini_batch_size": 32,
    "learning_rate": 0.001,
    "dropout_rate": 0.05,
    "early_stopping_patience": 10,
}


def build(ctx: PipelineContext, params: StandardParameters) -> list:
    generate = preprocess_step(
        ctx, params, "deepar_synthetic", ("train", "test"),
        ["--seed", "1", "--freq", "H", "--prediction-length", str(PREDICTION_LENGTH)],
    )  # fmt: skip
    return [
        generate,
        *train_and_register(
            ctx,
            params,
            DEEPAR,
            HYPERPARAMETERS,
            channels_of(generate, "application/jsonlines", "train", "test"),
            metric="test:RMSE",
            higher_is_better=False,
            inference=DEEPAR_INFERENCE,
            description="DeepAR forecaster of synthetic hourly series (48 hours ahead), gated on test:RMSE.",
            gate_name="CheckRMSE",
        ),
    ]


USE_CASE = UseCase(
    name="deepar-synthetic",
    title="DeepAR forecasting of synthetic hourly time series",
    algorithm=DEEPAR.label,
    dataset_name="generated: 200 series x 400 hourly points",
    dataset=GeneratedDataset(),
    metric_threshold=2.0,
    training_instance_type="ml.c5.2xlarge",
    build=build,
)
