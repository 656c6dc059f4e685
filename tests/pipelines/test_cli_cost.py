"""`python -m pipelines cost EXECUTION_ARN`: Stubber plays SageMaker (moto has no ListPipelineExecutionSteps), moto
where it answers the same (an execution that does not exist). Expected figures are worked out by hand from the
stubbed describe responses and pipelines/prices.py: ml.m5.xlarge $0.23, ml.m5.large $0.115 per instance-hour."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pipelines.cli import main
from pipelines.cost import BilledJob, job_costs
from pipelines.prices import MissingPriceError
from tests.pipelines import test_cli as cli
from tests.pipelines.test_cli import (
    ACCOUNT,
    EXECUTION_ARN,
    NOW,
    PACKAGE_ARN,
    run_cli,
    runtime_for,
    single_error_line,
)

# The CLI tests' fixtures, registered here under their own names: credentials and region of nobody's machine, the
# Stubber-backed client and the moto-backed one.
no_aws_config = cli.no_aws_config
fake_credentials = cli.fake_credentials
stubbed = cli.stubbed
moto_client = cli.moto_client

JOB_ARN = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}"


def step(name: str, **extra) -> dict:
    return {"StepName": name, "StepStatus": "Succeeded", "StartTime": NOW, **extra}


def job_step(name: str, kind: str, job: str, **extra) -> dict:
    resource = {
        "ProcessingJob": "processing-job",
        "TrainingJob": "training-job",
        "TuningJob": "hyper-parameter-tuning-job",
        "TransformJob": "transform-job",
    }
    return step(name, Metadata={kind: {"Arn": f"{JOB_ARN}:{resource[kind]}/{job}"}}, **extra)


def stub_execution(stubber, status: str, pages: list[list[dict]], arn: str = EXECUTION_ARN) -> None:
    described = {"PipelineExecutionArn": arn, "PipelineExecutionStatus": status}
    stubber.add_response("describe_pipeline_execution", described, {"PipelineExecutionArn": arn})
    cli.stub_step_pages(stubber, pages, arn)


def stub_processing(stubber, name: str, seconds: float, instance_type: str = "ml.m5.large", count: int = 1) -> None:
    response = {
        "ProcessingJobName": name,
        "ProcessingJobArn": f"{JOB_ARN}:processing-job/{name}",
        "ProcessingJobStatus": "Completed",
        "CreationTime": NOW,
        "AppSpecification": {"ImageUri": "image"},
        "ProcessingResources": {
            "ClusterConfig": {"InstanceType": instance_type, "InstanceCount": count, "VolumeSizeInGB": 30}
        },
        "ProcessingStartTime": NOW,
        "ProcessingEndTime": NOW + timedelta(seconds=seconds),
    }
    stubber.add_response("describe_processing_job", response, {"ProcessingJobName": name})


def training_response(name: str, billable: int, trained: int | None = None, **resources) -> dict:
    response = {
        "TrainingJobName": name,
        "TrainingJobArn": f"{JOB_ARN}:training-job/{name}",
        "TrainingJobStatus": "Completed",
        "SecondaryStatus": "Completed",
        "ModelArtifacts": {"S3ModelArtifacts": "s3://bucket/model.tar.gz"},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "CreationTime": NOW,
        "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30, **resources},
        "EnableManagedSpotTraining": trained is not None,
        "TrainingTimeInSeconds": trained if trained is not None else billable,
        "BillableTimeInSeconds": billable,
    }
    return response


def stub_training(stubber, name: str, billable: int, trained: int | None = None, **resources) -> None:
    response = training_response(name, billable, trained, **resources)
    stubber.add_response("describe_training_job", response, {"TrainingJobName": name})


def table_rows(out: str) -> list[list[str]]:
    """The job table's rows, split on the two-space column gaps."""
    lines = out.split("\n\n")[1].splitlines()
    return [[cell.strip() for cell in line.split("  ") if cell.strip()] for line in lines]


# ---------------------------------------------------------------------------------------------------------------------
# What a run cost


def test_cost_lists_each_job_its_total_and_the_docs_upper_bound(capsys, stubbed):
    client, stubber = stubbed
    steps = [
        job_step("Preprocess", "ProcessingJob", "pre-1"),
        job_step("Train", "TrainingJob", "train-1"),
        job_step("Evaluate", "ProcessingJob", "eval-1"),
        step("CheckMSE", Metadata={"Condition": {"Outcome": "True"}}),
        step("RegisterModel", Metadata={"RegisterModel": {"Arn": PACKAGE_ARN}}),
    ]
    stub_execution(stubber, "Succeeded", [steps[:2], steps[2:]])  # two pages
    stub_processing(stubber, "pre-1", 200)
    stub_training(stubber, "train-1", billable=262, trained=874)  # managed spot
    stub_processing(stubber, "eval-1", 60, count=2)
    code, out, err = run_cli(capsys, ["cost", EXECUTION_ARN], runtime_for(client))
    assert code == 0, err
    assert out.splitlines()[:2] == [
        f"execution  {EXECUTION_ARN} (Succeeded)",
        "prices     SageMaker on demand, us-east-1, read 2026-11-25 (pipelines/prices.py)",
    ]
    assert table_rows(out) == [
        ["step", "job", "instances", "billable", "per hour", "cost", "spot", "job name"],
        # 200 s x 1 x $0.115 / 3600
        ["Preprocess", "Processing", "1 x ml.m5.large", "200 s", "$0.115", "$0.0064", "-", "pre-1"],
        # 262 s x 1 x $0.23 / 3600; saving 1 - 262/874
        [
            "Train",
            "Training",
            "1 x ml.m5.xlarge",
            "262 s",
            "$0.23",
            "$0.0167",
            "262 s billed of 874 s trained, saved 70.0%",
            "train-1",
        ],
        # 60 s x 2 x $0.115 / 3600
        ["Evaluate", "Processing", "2 x ml.m5.large", "60 s", "$0.115", "$0.0038", "-", "eval-1"],
    ]
    # The docs' bound of abalone-xgboost (docs/pipelines/abalone-xgboost.md): $0.46 on demand, $0.30 with spot.
    assert out.splitlines()[-1] == (
        "total $0.03 (upper bound of a run at default parameters: $0.46 on demand, $0.30 with spot)"
    )


def test_tuning_jobs_transform_jobs_and_cached_steps(capsys, stubbed):
    client, stubber = stubbed
    arn = EXECUTION_ARN.replace("sm-algo-abalone-xgboost", "sm-algo-not-in-this-checkout")
    steps = [
        job_step("Preprocess", "ProcessingJob", "old-pre", CacheHitResult={"SourcePipelineExecutionArn": "earlier"}),
        job_step("Tune", "TuningJob", "tune-1"),
        job_step("Score", "TransformJob", "score-1"),
    ]
    stub_execution(stubber, "Succeeded", [steps], arn)
    summaries = [
        {
            "TrainingJobName": name,
            "TrainingJobArn": f"{JOB_ARN}:training-job/{name}",
            "CreationTime": NOW,
            "TrainingJobStatus": "Completed",
            "TunedHyperParameters": {"eta": "0.1"},
        }
        for name in ("tune-1-001", "tune-1-002")
    ]
    request = {"HyperParameterTuningJobName": "tune-1"}
    stubber.add_response(
        "list_training_jobs_for_hyper_parameter_tuning_job",
        {"TrainingJobSummaries": summaries[:1], "NextToken": "more"},
        request,
    )
    stubber.add_response(
        "list_training_jobs_for_hyper_parameter_tuning_job",
        {"TrainingJobSummaries": summaries[1:]},
        {**request, "NextToken": "more"},
    )
    stub_training(stubber, "tune-1-001", billable=900)  # on demand
    stub_training(stubber, "tune-1-002", billable=300, trained=600, InstanceCount=2)  # spot, 2 instances
    transform = {
        "TransformJobName": "score-1",
        "TransformJobArn": f"{JOB_ARN}:transform-job/score-1",
        "TransformJobStatus": "Completed",
        "ModelName": "model",
        "TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://bucket/in"}}},
        "TransformResources": {"InstanceType": "ml.m5.large", "InstanceCount": 3},
        "CreationTime": NOW,
        "TransformStartTime": NOW,
        "TransformEndTime": NOW + timedelta(minutes=10),
    }
    stubber.add_response("describe_transform_job", transform, {"TransformJobName": "score-1"})
    code, out, err = run_cli(capsys, ["cost", arn], runtime_for(client))
    assert code == 0, err
    rows = table_rows(out)
    assert rows[1:] == [
        # 900 s x $0.23 / 3600
        ["Tune", "Tuning", "1 x ml.m5.xlarge", "900 s", "$0.23", "$0.0575", "-", "tune-1-001"],
        # 300 s x 2 x $0.23 / 3600
        [
            "Tune",
            "Tuning",
            "2 x ml.m5.xlarge",
            "300 s",
            "$0.23",
            "$0.0383",
            "300 s billed of 600 s trained, saved 50.0%",
            "tune-1-002",
        ],
        # 600 s x 3 x $0.115 / 3600
        ["Score", "Transform", "3 x ml.m5.large", "600 s", "$0.115", "$0.0575", "-", "score-1"],
    ]
    assert "cached (billed to the execution that ran them): Preprocess" in out.splitlines()
    assert out.splitlines()[-1] == (
        "total $0.15 (upper bound unknown: sm-algo-not-in-this-checkout is not a pipeline of this checkout with "
        "prefix sm-algo)"
    )


def test_an_execution_that_started_no_job_costs_nothing(capsys, stubbed):
    client, stubber = stubbed
    stub_execution(stubber, "Failed", [[step("CheckMSE", StepStatus="Failed")]])
    code, out, err = run_cli(capsys, ["cost", EXECUTION_ARN, "--prefix", "other"], runtime_for(client))
    assert code == 0, err
    assert "no job of this execution started instances" in out
    assert out.splitlines()[-1].startswith("total $0.00 (upper bound unknown: sm-algo-abalone-xgboost is not")


def test_a_job_with_instance_preferences_is_priced_as_the_instances_sagemaker_selected(capsys, stubbed):
    client, stubber = stubbed
    stub_execution(stubber, "Succeeded", [[job_step("Train", "TrainingJob", "train-1")]])
    response = training_response("train-1", billable=3600)
    # SageMaker bills the Selected* instances it launched, not the first of the preferences.
    response["ResourceConfig"] = {
        "VolumeSizeInGB": 30,
        "InstancePreferences": [{"InstanceType": "ml.m5.xlarge"}, {"InstanceType": "ml.c5.xlarge"}],
        "SelectedInstanceType": "ml.c5.xlarge",
        "SelectedInstanceCount": 2,
    }
    stubber.add_response("describe_training_job", response, {"TrainingJobName": "train-1"})
    code, out, err = run_cli(capsys, ["cost", EXECUTION_ARN], runtime_for(client))
    assert code == 0, err
    # 3600 s x 2 x $0.204 / 3600
    assert table_rows(out)[1] == [
        "Train",
        "Training",
        "2 x ml.c5.xlarge",
        "3600 s",
        "$0.204",
        "$0.4080",
        "-",
        "train-1",
    ]


def test_a_job_without_an_instance_type_is_not_priced(capsys, stubbed):
    client, stubber = stubbed
    stub_execution(stubber, "Succeeded", [[job_step("Train", "TrainingJob", "train-1")]])
    response = training_response("train-1", billable=60)
    response["ResourceConfig"] = {"VolumeSizeInGB": 30, "InstanceGroups": []}
    stubber.add_response("describe_training_job", response, {"TrainingJobName": "train-1"})
    code, _, err = run_cli(capsys, ["cost", EXECUTION_ARN], runtime_for(client))
    assert code == 1
    assert single_error_line(err).startswith(
        "error: step Train: job train-1 reports no instance type it was billed for"
    )


def test_job_costs_multiply_billable_seconds_instances_and_price():
    [spot] = job_costs([BilledJob("Train", "Training", "t", "ml.m5.xlarge", 4, 100, trained_seconds=500)])
    assert spot.usd == pytest.approx(100 * 4 * 0.23 / 3600)
    assert spot.job.spot_saving == pytest.approx(0.8)  # the DG's example: 100 billed of 500 trained
    with pytest.raises(MissingPriceError, match=r"step Train \(job t\): no on-demand price for ml\.p9\.huge"):
        job_costs([BilledJob("Train", "Training", "t", "ml.p9.huge", 1, 1)])


# ---------------------------------------------------------------------------------------------------------------------
# Errors: one line each


@pytest.mark.parametrize("status", ["Executing", "Stopping"])
def test_a_running_execution_has_no_cost_yet(capsys, stubbed, status):
    client, stubber = stubbed
    described = {"PipelineExecutionArn": EXECUTION_ARN, "PipelineExecutionStatus": status}
    stubber.add_response("describe_pipeline_execution", described, {"PipelineExecutionArn": EXECUTION_ARN})
    code, _, err = run_cli(capsys, ["cost", EXECUTION_ARN], runtime_for(client))
    assert (code, single_error_line(err)) == (
        1,
        f"error: execution {EXECUTION_ARN} is still running ({status}); cost is known when it ends",
    )


def test_an_instance_type_without_a_price_names_it_and_the_price_table(capsys, stubbed):
    client, stubber = stubbed
    stub_execution(stubber, "Succeeded", [[job_step("Preprocess", "ProcessingJob", "pre-1")]])
    stub_processing(stubber, "pre-1", 60, instance_type="ml.p9.huge")
    code, out, err = run_cli(capsys, ["cost", EXECUTION_ARN], runtime_for(client))
    assert (code, out) == (1, "")
    assert single_error_line(err).startswith(
        "error: step Preprocess (job pre-1): no on-demand price for ml.p9.huge in pipelines/prices.py; add it"
    )


def test_access_denied_names_the_api_call(capsys, stubbed):
    client, stubber = stubbed
    stub_execution(stubber, "Succeeded", [[job_step("Train", "TrainingJob", "train-1")]])
    stubber.add_client_error("describe_training_job", "AccessDeniedException", "not authorized", 400)
    code, _, err = run_cli(capsys, ["cost", EXECUTION_ARN], runtime_for(client))
    assert (code, single_error_line(err)) == (
        1,
        "error: access denied: your AWS identity may not call sagemaker:DescribeTrainingJob (not authorized)",
    )


def test_an_execution_that_does_not_exist(capsys, moto_client):
    code, _, err = run_cli(capsys, ["cost", EXECUTION_ARN], runtime_for(moto_client))
    assert code == 1
    assert single_error_line(err).startswith(f"error: no pipeline execution {EXECUTION_ARN} in us-east-1 (AWS: ")


def test_a_job_that_has_not_ended(capsys, stubbed):
    client, stubber = stubbed
    stub_execution(stubber, "Stopped", [[job_step("Score", "TransformJob", "score-1")]])
    transform = {
        "TransformJobName": "score-1",
        "TransformJobArn": f"{JOB_ARN}:transform-job/score-1",
        "TransformJobStatus": "Stopping",
        "ModelName": "model",
        "TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://bucket/in"}}},
        "TransformResources": {"InstanceType": "ml.m5.large", "InstanceCount": 1},
        "CreationTime": NOW,
        "TransformStartTime": NOW,
    }
    stubber.add_response("describe_transform_job", transform, {"TransformJobName": "score-1"})
    code, _, err = run_cli(capsys, ["cost", EXECUTION_ARN], runtime_for(client))
    assert (code, single_error_line(err)) == (
        1,
        "error: step Score: job score-1 has not ended; its cost is known when it ends",
    )


def test_what_is_not_an_execution_arn_is_a_usage_error(capsys):
    code, _, err = run_cli(capsys, ["cost", PACKAGE_ARN])  # runtime_for() without a client: no AWS call
    assert code == 2
    assert single_error_line(err).startswith(f"error: '{PACKAGE_ARN}' is not a pipeline execution ARN")


def test_help_names_the_argument(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["cost", "--help"])
    assert exited.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    for mention in ["EXECUTION_ARN", "--region", "--prefix", "--debug", "pipelines/prices.py"]:
        assert mention in out
