"""Every use case the app deploys. Adding a pipeline: write pipelines/usecases/<name>.py and list it here."""

from pipelines.usecase import UseCase
from pipelines.usecases import (
    abalone_xgboost,
    breast_cancer_linear_learner,
    covtype_knn,
    mnist_factorization_machines,
    mnist_linear_learner,
    mnist_pca,
    mnist_xgboost,
)

USE_CASES: tuple[UseCase, ...] = (
    mnist_xgboost.USE_CASE,
    abalone_xgboost.USE_CASE,
    mnist_factorization_machines.USE_CASE,
    covtype_knn.USE_CASE,
    mnist_linear_learner.USE_CASE,
    mnist_pca.USE_CASE,
    breast_cancer_linear_learner.USE_CASE,
)


def get(name: str) -> UseCase:
    for use_case in USE_CASES:
        if use_case.name == name:
            return use_case
    known = ", ".join(use_case.name for use_case in USE_CASES)
    raise KeyError(f"unknown pipeline {name!r}; known: {known}")
