"""Every use case the app deploys. Adding a pipeline: write pipelines/usecases/<name>.py and list it here."""

from pipelines.usecase import UseCase
from pipelines.usecases import (
    abalone_xgboost,
    breast_cancer_linear_learner,
    census_kmeans,
    chicago_deepar,
    covtype_knn,
    deepar_synthetic,
    ipinsights_logins,
    mnist_factorization_machines,
    mnist_linear_learner,
    mnist_pca,
    mnist_xgboost,
    movielens_object2vec,
    nyc_taxi_rcf,
)

# In the order of the spec's use-case numbers.
USE_CASES: tuple[UseCase, ...] = (
    deepar_synthetic.USE_CASE,
    chicago_deepar.USE_CASE,
    mnist_xgboost.USE_CASE,
    abalone_xgboost.USE_CASE,
    mnist_factorization_machines.USE_CASE,
    covtype_knn.USE_CASE,
    mnist_linear_learner.USE_CASE,
    mnist_pca.USE_CASE,
    nyc_taxi_rcf.USE_CASE,
    ipinsights_logins.USE_CASE,
    census_kmeans.USE_CASE,
    movielens_object2vec.USE_CASE,
    breast_cancer_linear_learner.USE_CASE,
)


def get(name: str) -> UseCase:
    for use_case in USE_CASES:
        if use_case.name == name:
            return use_case
    known = ", ".join(use_case.name for use_case in USE_CASES)
    raise KeyError(f"unknown pipeline {name!r}; known: {known}")
