"""Use case 2: DeepAR forecasting of daily speed-camera violations per Chicago camera address, with tuning.

Preprocess (sum duplicate address/day rows, one zero-filled daily series per address over the full date range;
train = all but the last 30 days, test = full series) -> Tune (NB02's ranges, objective test:RMSE, managed spot) ->
if the best job's test:RMSE <= MetricThreshold: register the best model, else fail.
"""

from pipelines.algorithms import DEEPAR
from pipelines.context import PipelineContext
from pipelines.datasets import CHICAGO_SPEED_CAMERAS
from pipelines.parameters import StandardParameters
from pipelines.recipes import tune_and_register
from pipelines.sdk import CategoricalParameter, ContinuousParameter, IntegerParameter
from pipelines.steps.processing import preprocess_step
from pipelines.steps.register import DEEPAR_INFERENCE
from pipelines.steps.training import channels_of
from pipelines.usecase import UseCase

OBJECTIVE = "test:RMSE"
PREDICTION_LENGTH = 30
STATIC_HYPERPARAMETERS = {"time_freq": "D", "context_length": 30, "prediction_length": PREDICTION_LENGTH}
RANGES = {
    "mini_batch_size": IntegerParameter(100, 400),
    "epochs": IntegerParameter(200, 400),
    "num_cells": IntegerParameter(30, 100),
    "likelihood": CategoricalParameter(["negative-binomial", "student-T"]),
    "learning_rate": ContinuousParameter(0.0001, 0.1),
}


def build(ctx: PipelineContext, params: StandardParameters) -> list:
    prepare = preprocess_step(
        ctx, params, "chicago", ("train", "test"), ["--prediction-length", str(PREDICTION_LENGTH)]
    )
    return [
        prepare,
        *tune_and_register(
            ctx,
            params,
            DEEPAR,
            STATIC_HYPERPARAMETERS,
            RANGES,
            objective=OBJECTIVE,
            maximize=False,
            channels=channels_of(prepare, "application/jsonlines", "train", "test"),
            inference=DEEPAR_INFERENCE,
            description="DeepAR 30-day forecaster of Chicago speed-camera violations, best of a tuning job.",
            gate_name="CheckRMSE",
        ),
    ]


USE_CASE = UseCase(
    name="chicago-deepar",
    title="DeepAR forecasting of Chicago speed-camera violations with hyperparameter tuning",
    algorithm=DEEPAR.label,
    dataset_name="City of Chicago speed camera violations (CSV, one row per camera and day)",
    dataset=CHICAGO_SPEED_CAMERAS,
    metric_threshold=50.0,
    max_tuning_jobs=10,
    build=build,
)
