"""Every use case the app deploys. Adding a pipeline: write pipelines/usecases/<name>.py and list it here."""

from pipelines.usecase import UseCase
from pipelines.usecases import (
    abalone_xgboost,
    breast_cancer_linear_learner,
    caltech256_image_classification,
    census_kmeans,
    chicago_deepar,
    covtype_knn,
    cub200_object_detection,
    dbpedia_blazingtext,
    deepar_synthetic,
    ipinsights_logins,
    lda_topics,
    lid176_blazingtext,
    mnist_factorization_machines,
    mnist_linear_learner,
    mnist_pca,
    mnist_xgboost,
    movielens_object2vec,
    ntm_topics,
    nyc_taxi_rcf,
    text8_word2vec,
    voc_semantic_segmentation,
    wmt_seq2seq,
)

# In the order of the spec's use-case numbers.
USE_CASES: tuple[UseCase, ...] = (
    deepar_synthetic.USE_CASE,
    chicago_deepar.USE_CASE,
    mnist_xgboost.USE_CASE,
    abalone_xgboost.USE_CASE,
    lda_topics.USE_CASE,
    ntm_topics.USE_CASE,
    dbpedia_blazingtext.USE_CASE,
    lid176_blazingtext.USE_CASE,
    text8_word2vec.USE_CASE,
    mnist_factorization_machines.USE_CASE,
    covtype_knn.USE_CASE,
    mnist_linear_learner.USE_CASE,
    caltech256_image_classification.USE_CASE,
    cub200_object_detection.USE_CASE,
    voc_semantic_segmentation.USE_CASE,
    mnist_pca.USE_CASE,
    nyc_taxi_rcf.USE_CASE,
    ipinsights_logins.USE_CASE,
    census_kmeans.USE_CASE,
    movielens_object2vec.USE_CASE,
    wmt_seq2seq.USE_CASE,
    breast_cancer_linear_learner.USE_CASE,
)


def get(name: str) -> UseCase:
    for use_case in USE_CASES:
        if use_case.name == name:
            return use_case
    known = ", ".join(use_case.name for use_case in USE_CASES)
    raise KeyError(f"unknown pipeline {name!r}; known: {known}")
