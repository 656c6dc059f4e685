"""SageMaker on-demand prices in us-east-1, per instance-hour, for the instance types the pipelines use by default.

The cost estimates in docs/pipelines/ multiply these by the jobs' instance-hours (pipelines/cost.py). A pipeline
that uses an instance type missing here stops the doc generation (MissingPriceError): add the price with its source.

Where the figures come from, read on READ_ON through the project's search tools (stored copies of public pages and
repositories, no live web): the official page, https://aws.amazon.com/sagemaker/ai/pricing/, fills its price tables
by script, so its stored copy holds no figures. Every figure below is therefore a secondary source quoting that
page; source A names us-east-1 and lists all seven types. The sources give one price per instance type,
not one per job kind; the same figure is applied to training, processing and batch transform jobs.
Verify against the official page before relying on a figure; a figure not found is recorded as None, not guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

REGION = "us-east-1"
READ_ON = "2026-11-25"
OFFICIAL_PAGE = "https://aws.amazon.com/sagemaker/ai/pricing/"

# Where each figure was read, by the key the price entries cite: what a reader can open (repository, path and commit),
# else a description of the source.
SOURCES: dict[str, str] = {
    # Names us-east-1 and all seven types; read as a stored copy that did not name its repository.
    "A": "a public Python cost estimator for SageMaker jobs (its repository could not be identified) whose price "
    "table is headed 'SageMaker instance pricing (US East 1, as of 2024)' and cites "
    "https://aws.amazon.com/sagemaker/pricing/",
    # Agrees on all seven figures, but labels its table ap-northeast-2 (2025): corroboration only.
    "B": "https://github.com/expeor/aws-automation/blob/54e7d2d3d371b1e1fd4cbe43134a4187bd17783b/"
    "core/shared/aws/pricing/constants.py (the same figures, labelled ap-northeast-2 there)",
    "C": "https://github.com/goerlitz/nlp-classification/blob/4d3c0ab0de2fa0f63af4392f63f97092eb3a929e/"
    "notebooks/10kGNAD/sagemaker/README.md: $0.7364 for ml.g4dn.xlarge, citing "
    "https://aws.amazon.com/sagemaker/pricing/ (region not named)",
}


@dataclass(frozen=True)
class Price:
    usd_per_hour: float | None  # None: no figure found; the docs say so instead of estimating
    sources: tuple[str, ...]  # keys of SOURCES


ON_DEMAND: dict[str, Price] = {
    "ml.m5.large": Price(0.115, ("A", "B")),
    "ml.m5.xlarge": Price(0.23, ("A", "B")),
    "ml.m5.2xlarge": Price(0.461, ("A", "B")),
    "ml.c5.xlarge": Price(0.204, ("A", "B")),
    "ml.c5.2xlarge": Price(0.408, ("A", "B")),
    "ml.c5.4xlarge": Price(0.816, ("A", "B")),
    "ml.g4dn.xlarge": Price(0.736, ("A", "B", "C")),
}

# Managed spot training bills the spot rate, which SageMaker does not publish; AWS states savings "up to 90% over
# on-demand instances" (https://docs.aws.amazon.com/sagemaker/latest/dg/model-managed-spot-training.html) and
# reports each job's saving as 1 - BillableTimeInSeconds / TrainingTimeInSeconds. 70% is an assumption: the saving
# in published example runs (Hugging Face's SageMaker training docs: 874 s trained, 262 s billed, "70.0%"; an EC2 Spot
# workshop page: "68.8%") and the "70% discount is typical" of Julien Simon's notebook
# (https://huggingface.co/juliensimon/reviews-sentiment-analysis, commit 7086631).
SPOT_SAVING = 0.70
SPOT_SAVING_SOURCE = (
    "assumption: AWS documents savings of up to 90% "
    "(https://docs.aws.amazon.com/sagemaker/latest/dg/model-managed-spot-training.html); published example runs "
    "saved 68.8-70% (Hugging Face's SageMaker docs, an EC2 Spot workshop page); read on " + READ_ON
)


class MissingPriceError(LookupError):
    """An instance type the pipelines use has no entry in ON_DEMAND."""


def on_demand(instance_type: str) -> Price:
    try:
        return ON_DEMAND[instance_type]
    except KeyError:
        raise MissingPriceError(
            f"no on-demand price for {instance_type} in pipelines/prices.py; add it to ON_DEMAND with its source "
            f"(SageMaker, {REGION}; {OFFICIAL_PAGE}), or None if no figure can be found"
        ) from None
