"""End to end on a real account (`make e2e`, never part of `make test`): the abalone pipeline, deployed by the make
target under its own prefix, runs with the cheapest settings to a registered model package with its metrics.

Needs AWS credentials of a principal that may deploy the stacks and start executions. Cost of one run: about 20
minutes of ml.m5.large (two processing jobs, one spot training job), well under USD 0.10 at us-east-1 prices, plus
S3 and KMS requests.
"""

import json
import os

import boto3
import pytest

from pipelines.cli import main

PREFIX = os.environ.get("E2E_PREFIX", "sm-e2e")
REGION = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
GROUP = f"{PREFIX}-abalone-xgboost"
CHEAPEST = ["--param", "ProcessingInstanceType=ml.m5.large", "--param", "TrainingInstanceType=ml.m5.large"]


@pytest.fixture(scope="module")
def sagemaker():
    return boto3.client("sagemaker", region_name=REGION)


def package_arns(sagemaker) -> set[str]:
    pages = sagemaker.get_paginator("list_model_packages").paginate(ModelPackageGroupName=GROUP)
    return {package["ModelPackageArn"] for page in pages for package in page["ModelPackageSummaryList"]}


def test_an_execution_registers_a_model_with_its_evaluation(sagemaker):
    before = package_arns(sagemaker)
    argv = ["start", "abalone-xgboost", "--prefix", PREFIX, "--region", REGION, *CHEAPEST, "--wait", "--interval", "30"]
    assert main(argv) == 0, "the execution did not succeed (its failure reason is printed above)"

    (new,) = package_arns(sagemaker) - before
    package = sagemaker.describe_model_package(ModelPackageName=new)
    assert package["ModelApprovalStatus"] == "PendingManualApproval"
    report_uri = package["ModelMetrics"]["ModelQuality"]["Statistics"]["S3Uri"]
    bucket, key = report_uri.removeprefix("s3://").split("/", 1)
    report = json.loads(boto3.client("s3", region_name=REGION).get_object(Bucket=bucket, Key=key)["Body"].read())
    mse = report["regression_metrics"]["mse"]["value"]
    assert 0 < mse <= 6.0  # the gate passed, so the registered model's test MSE is within the default threshold
