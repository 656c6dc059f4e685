"""Use case 4: XGBoost regression of abalone age (rings) on the UCI abalone CSV.

Preprocess (one-hot sex, seeded 70/15/15 split, CSV label first) -> Train (built-in XGBoost) -> Evaluate on the
test split (MSE, RMSE) -> if MSE <= MetricThreshold: register the model with its metrics, else fail.
"""

from pipelines.context import PipelineContext
from pipelines.parameters import StandardParameters
from pipelines.steps.evaluation import evaluation_step
from pipelines.steps.gate import Gate, gate_step
from pipelines.steps.processing import OUTPUT_ROOT, input_path, output_path, output_uri, processing_step
from pipelines.steps.register import InferenceSpec, register_step
from pipelines.steps.training import Channel, model_artifacts, training_step
from pipelines.usecase import PublicDataset, UseCase

XGBOOST_VERSION = "3.2-0"
SPLITS = ("train", "validation", "test")
# NB04's values; `reg:squarederror` replaces its deprecated alias `reg:linear`.
HYPERPARAMETERS = {
    "objective": "reg:squarederror",
    "num_round": 50,
    "max_depth": 5,
    "eta": 0.2,
    "gamma": 4,
    "min_child_weight": 6,
    "subsample": 0.7,
    "eval_metric": "rmse",
}
# DG xgboost: text/csv (no label column) and text/libsvm in; one prediction per line out.
INFERENCE = InferenceSpec(content_types=("text/csv", "text/libsvm"), response_types=("text/csv",))


def build(ctx: PipelineContext, params: StandardParameters) -> list:
    xgboost = ctx.image("xgboost", XGBOOST_VERSION)
    prepare = processing_step(
        ctx,
        "Preprocess",
        script="abalone",
        instance_type=params.processing_instance_type,
        inputs={"raw": params.input_data_uri},
        outputs=SPLITS,
        arguments=["--input", input_path("raw"), "--output-dir", OUTPUT_ROOT, "--seed", "42"],
    )
    train = training_step(
        ctx,
        "Train",
        image=xgboost,
        hyperparameters=HYPERPARAMETERS,
        channels=[Channel(split, output_uri(prepare, split), "text/csv") for split in ("train", "validation")],
        instance_type=params.training_instance_type,
        instance_count=params.training_instance_count,
    )
    evaluation = evaluation_step(
        ctx,
        script="evaluate_regression",
        image=xgboost,
        instance_type=params.processing_instance_type,
        inputs={"model": model_artifacts(train), "test": output_uri(prepare, "test")},
        arguments=[
            "--model-dir",
            input_path("model"),
            "--test-dir",
            input_path("test"),
            "--output-dir",
            output_path("evaluation"),
        ],
    )
    register = register_step(
        ctx,
        image=xgboost,
        model_data=model_artifacts(train),
        inference=INFERENCE,
        approval_status=params.model_approval_status,
        description="XGBoost regression of abalone rings, gated on test-split MSE.",
        model_metrics=evaluation.model_metrics(),
    )
    gate = Gate(
        "MSE", evaluation.metric("regression_metrics.mse.value"), params.metric_threshold, higher_is_better=False
    )
    return [prepare, train, evaluation.step, gate_step(gate, on_pass=[register], name="CheckMSE")]


USE_CASE = UseCase(
    name="abalone-xgboost",
    title="XGBoost regression on UCI abalone",
    algorithm=f"XGBoost {XGBOOST_VERSION}",
    dataset_name="UCI abalone (CSV, 4,177 rows)",
    dataset=PublicDataset(
        bucket="sagemaker-example-files-prod-{region}", key="datasets/tabular/uci_abalone/abalone.csv"
    ),
    metric_threshold=6.0,
    build=build,
)
