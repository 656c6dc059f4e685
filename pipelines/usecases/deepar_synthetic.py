"""Use case 1: DeepAR forecasting of synthetic hourly series (generated inside the pipeline, as NB01 does).

Generate (200 noisy daily-seasonal series x 400 hours; train = all but the last 48 points, test = full series) ->
Train (a test channel, so that test:RMSE exists) -> if test:RMSE <= MetricThreshold: register, else fail.
"""

from pipelines.algorithms import DEEPAR
from pipelines.builder import PipelineBuilder
from pipelines.usecase import BaselineNote, GeneratedDataset, UseCase

METRIC = "test:RMSE"
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


def build(p: PipelineBuilder) -> None:
    generate = p.preprocess(
        "deepar_synthetic", ("train", "test"),
        ["--seed", "1", "--freq", "H", "--prediction-length", str(PREDICTION_LENGTH)],
        baseline=METRIC,
    )  # fmt: skip
    p.train_and_register(
        DEEPAR,
        HYPERPARAMETERS,
        generate.channels("json", "train", "test"),  # JSON Lines, named as the Chicago example does
        metric=METRIC,
        baseline=generate.baseline,
        description="DeepAR forecaster of synthetic hourly series (48 hours ahead), gated on test:RMSE.",
        gate_name="CheckRMSE",
    )


USE_CASE = UseCase(
    name="deepar-synthetic",
    title="DeepAR forecasting of synthetic hourly time series",
    algorithms=(DEEPAR,),
    dataset_name="generated: 200 series x 400 hourly points",
    dataset=GeneratedDataset(),
    # Between the noise floor (about 0.29: the noise's root mean square, 0.05 x a level uniform in 0..10) and the
    # seasonal naive forecast (0.407).
    metric_threshold=0.37,
    baseline=BaselineNote(
        value=0.407,
        model="seasonal naive (repeat the last 24 hours)",
        source="the generator's own output (seed 1): the better of the last-value and the seasonal naive forecast "
        "of each series' last 48 hours, pooled RMSE as DeepAR computes test:RMSE (each series' flat mean scores "
        "about 1.07); the Generate step computes it",
    ),
    build=build,
)
