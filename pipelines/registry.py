"""Every use case the app deploys. Adding a pipeline: write pipelines/usecases/<name>.py and list it here."""

from pipelines.usecase import UseCase
from pipelines.usecases import abalone_xgboost

USE_CASES: tuple[UseCase, ...] = (abalone_xgboost.USE_CASE,)


def get(name: str) -> UseCase:
    for use_case in USE_CASES:
        if use_case.name == name:
            return use_case
    known = ", ".join(use_case.name for use_case in USE_CASES)
    raise KeyError(f"unknown pipeline {name!r}; known: {known}")
