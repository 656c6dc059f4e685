"""Secure and cheap defaults on every job of every registered pipeline: KMS, isolation, caching, retries, spot."""

import pytest

from pipelines import instances
from tests.conftest import pipeline_names

NAMES = pipeline_names()
KMS = "${KmsKeyArn}"
ROLE = "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${ExecutionRoleName}"
DOWNLOAD_ROLE = "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${DownloadRoleName}"
JOB_TYPES = {"Processing", "Training", "Tuning", "Transform"}
# Only the Download steps (fetch.py) reach the internet; every other job, the parsing steps included, is isolated.
NETWORKED_SCRIPTS = {"fetch"}
# The algorithms that resume from /opt/ml/checkpoints after a spot interruption (developer guide).
RESUMING = ("sagemaker-xgboost", "image-classification", "object-detection", "semantic-segmentation")


def steps_of(compiled, name, *types):
    return [step for step in compiled[name].steps() if step["Type"] in types]


def parameter_default(pipeline, value) -> str:
    """An instance type as a run with default parameters uses it: the literal, or the parameter's default."""
    if isinstance(value, str):
        return value
    name = value["Get"].removeprefix("Parameters.")
    return next(p["DefaultValue"] for p in pipeline.document["Parameters"] if p["Name"] == name)


@pytest.mark.parametrize("name", NAMES)
def test_every_job_step_is_cached_and_retried(compiled, name):
    jobs = steps_of(compiled, name, *JOB_TYPES)
    assert jobs
    for step in jobs:
        assert step["CacheConfig"] == {"Enabled": True, "ExpireAfter": "P30D"}, step["Name"]
        exception_types = {t for policy in step["RetryPolicies"] for t in policy["ExceptionType"]}
        assert {"Step.THROTTLING", "SageMaker.CAPACITY_ERROR"} <= exception_types, step["Name"]


@pytest.mark.parametrize("name", NAMES)
def test_processing_jobs_are_encrypted_and_isolated(compiled, name):
    for step in steps_of(compiled, name, "Processing"):
        args = step["Arguments"]
        networked = args["AppSpecification"]["ContainerArguments"][0] in NETWORKED_SCRIPTS
        # a networked step runs with the pipeline's download role, every other with the execution role
        assert args["RoleArn"] == (DOWNLOAD_ROLE if networked else ROLE), step["Name"]
        assert args["ProcessingResources"]["ClusterConfig"]["VolumeKmsKeyId"] == KMS
        assert args["ProcessingOutputConfig"]["KmsKeyId"] == KMS
        assert args["NetworkConfig"]["EnableInterContainerTrafficEncryption"] is True
        assert args["NetworkConfig"]["EnableNetworkIsolation"] is not networked, step["Name"]


def _training_settings(step):
    """Training job arguments, for a training step or inside a tuning step's training job definition."""
    args = step["Arguments"]
    return args["TrainingJobDefinition"] if step["Type"] == "Tuning" else args


@pytest.mark.parametrize("name", NAMES)
def test_training_jobs_are_encrypted_isolated_and_on_spot(compiled, name):
    for step in steps_of(compiled, name, "Training", "Tuning"):
        args = _training_settings(step)
        assert args["RoleArn"] == ROLE
        # The project key on EBS volumes; none on local-NVMe types (g4dn), which SageMaker refuses it for.
        default = parameter_default(compiled[name], args["ResourceConfig"]["InstanceType"])
        expected = None if instances.has_local_storage(default) else KMS
        assert args["ResourceConfig"].get("VolumeKmsKeyId") == expected, step["Name"]
        assert args["OutputDataConfig"]["KmsKeyId"] == KMS
        assert args["EnableNetworkIsolation"] is True, step["Name"]
        assert args["EnableInterContainerTrafficEncryption"] is True, step["Name"]
        stopping = args["StoppingCondition"]
        if stopping["MaxRuntimeInSeconds"] > 3600 and not args.get("CheckpointConfig"):
            # a built-in algorithm on spot without checkpoints may take an hour at most, waiting included
            assert args["EnableManagedSpotTraining"] is False and "MaxWaitTimeInSeconds" not in stopping
            continue
        assert args["EnableManagedSpotTraining"] is True
        assert stopping["MaxWaitTimeInSeconds"] >= stopping["MaxRuntimeInSeconds"]
        if "CheckpointConfig" not in args:
            assert stopping["MaxWaitTimeInSeconds"] <= 3600, step["Name"]  # DG, Managed Spot Training
        # checkpoints where the algorithm resumes from them (XGBoost and the vision algorithms), and never in a
        # tuning job, whose training jobs would share one checkpoint location
        resumes = any(f"/{repository}:" in args["AlgorithmSpecification"]["TrainingImage"] for repository in RESUMING)
        if step["Type"] == "Training" and resumes:
            assert args["CheckpointConfig"]["S3Uri"]["Std:Join"]["Values"][1] == "${DataBucket}"
        else:
            assert "CheckpointConfig" not in args, step["Name"]


@pytest.mark.parametrize("name", NAMES)
def test_models_are_registered_for_approval(compiled, name):
    for step in steps_of(compiled, name, "RegisterModel"):
        args = step["Arguments"]
        assert args["ModelPackageGroupName"] == name
        assert args["ModelApprovalStatus"] == {"Get": "Parameters.ModelApprovalStatus"}
        assert args["InferenceSpecification"]["SupportedContentTypes"]
        assert args["InferenceSpecification"]["SupportedResponseMIMETypes"]


@pytest.mark.parametrize("name", NAMES)
def test_images_are_pinned_versions_in_the_region(compiled, name):
    for image in compiled[name].images():
        assert ".dkr.ecr.us-east-1.amazonaws.com/" in image
        assert not image.endswith(":latest")


@pytest.mark.parametrize("name", NAMES)
def test_only_known_placeholders(compiled, name):
    assert compiled[name].placeholders() <= {
        "DataBucket",
        "KmsKeyArn",
        "ExecutionRoleName",
        "DownloadRoleName",  # the role of the Download steps, the only ones with network access
        "ProcessingCodeBucket",
        "ProcessingCodeKey",
    }


SINGLE_INSTANCE = {"lda", "blazingtext", "object2vec", "seq2seq", "semantic-segmentation"}  # developer guide


@pytest.mark.parametrize("name", NAMES)
def test_single_instance_algorithms_have_no_instance_count_to_get_wrong(compiled, name):
    parameters = {p["Name"] for p in compiled[name].document["Parameters"]}
    for step in steps_of(compiled, name, "Training", "Tuning"):
        args = _training_settings(step)
        repository = args["AlgorithmSpecification"]["TrainingImage"].split("/")[-1].split(":")[0]
        count = args["ResourceConfig"]["InstanceCount"]
        if repository in SINGLE_INSTANCE:
            assert count == 1 and "TrainingInstanceCount" not in parameters, step["Name"]
        else:
            assert count == {"Get": "Parameters.TrainingInstanceCount"}, step["Name"]
    if not steps_of(compiled, name, "Training", "Tuning"):
        assert not parameters & {"TrainingInstanceType", "TrainingInstanceCount"}  # nothing trained, no knobs
