"""Use case 3: XGBoost multiclass classification of MNIST digits, with hyperparameter tuning.

Preprocess (mnist.pkl.gz -> libsvm, labels 0-9) -> Tune (Bayesian, objective validation:merror) -> if the best job's
merror <= MetricThreshold: register the best model, else fail.
"""

from pipelines.algorithms import XGBOOST
from pipelines.builder import PipelineBuilder
from pipelines.datasets import MNIST, MNIST_CHECKS
from pipelines.sdk import ContinuousParameter, IntegerParameter
from pipelines.usecase import BaselineNote, UseCase

OBJECTIVE = "validation:merror"
STATIC_HYPERPARAMETERS = {"objective": "multi:softmax", "num_class": 10, "verbosity": 0}
# NB03's ranges, except max_depth from 1: 0 ("no limit") is only valid with the lossguide grow policy.
RANGES = {
    "eta": ContinuousParameter(0.1, 0.5),
    "gamma": ContinuousParameter(0, 5),
    "min_child_weight": ContinuousParameter(0, 120),
    "subsample": ContinuousParameter(0.5, 1),
    "alpha": ContinuousParameter(0, 2),
    "max_depth": IntegerParameter(1, 10),
    "num_round": IntegerParameter(1, 50),
}


def build(p: PipelineBuilder) -> None:
    prepare = p.preprocess(
        "mnist", ("train", "validation"),
        ["--target", "multiclass", "--format", "libsvm", "--splits", "train,validation", *MNIST_CHECKS],
        baseline=OBJECTIVE,
    )  # fmt: skip
    p.tune_and_register(
        XGBOOST,
        STATIC_HYPERPARAMETERS,
        RANGES,
        prepare.channels("text/libsvm", "train", "validation"),
        objective=OBJECTIVE,
        baseline=prepare.baseline,
        description="XGBoost multiclass MNIST classifier, best of a tuning job, gated on validation:merror.",
        gate_name="CheckMError",
    )


USE_CASE = UseCase(
    name="mnist-xgboost",
    title="XGBoost multiclass classification of MNIST digits with hyperparameter tuning",
    algorithms=(XGBOOST,),
    dataset_name="MNIST (mnist.pkl.gz, 50,000/10,000/10,000 images)",
    dataset=MNIST,
    metric_threshold=0.1,
    baseline=BaselineNote(
        value=0.891,
        model="always 7",
        source="mnist.pkl.gz's validation split (images 50,000-59,999 of MNIST's training set): its most frequent "
        "digit, 7, is 1,090 of 10,000; Preprocess computes it",
    ),
    max_tuning_jobs=6,
    build=build,
)
