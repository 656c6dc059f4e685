"""The foundation stack: key, buckets, execution role (least privilege), outputs, and data kept on destroy."""

import json
import re

import pytest
from aws_cdk.assertions import Match, Template

from pipelines.registry import USE_CASES
from tests.conftest import REGION, pipeline_names


def resources(template, kind):
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def only(template, kind):
    found = list(resources(template, kind).values())
    assert len(found) == 1, kind
    return found[0]


def test_resource_counts(foundation_template):
    template = Template.from_json(foundation_template)
    template.resource_count_is("AWS::KMS::Key", 1)
    template.resource_count_is("AWS::S3::Bucket", 2)
    template.resource_count_is("AWS::IAM::Role", 1)
    template.resource_count_is("AWS::IAM::ManagedPolicy", 3)
    template.resource_count_is("AWS::IAM::Policy", 0)


def test_key_rotates_and_is_retained(foundation_template):
    key = only(foundation_template, "AWS::KMS::Key")
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == "Retain" and key["UpdateReplacePolicy"] == "Retain"


def data_bucket(template):
    return next(b for b in resources(template, "AWS::S3::Bucket").values() if "LoggingConfiguration" in b["Properties"])


def test_data_bucket_is_kms_encrypted_versioned_private_logged_and_retained(foundation_template):
    template = Template.from_json(foundation_template)
    template.has_resource(
        "AWS::S3::Bucket",
        {
            "DeletionPolicy": "Retain",
            "Properties": Match.object_like(
                {
                    "BucketEncryption": {
                        "ServerSideEncryptionConfiguration": [
                            {
                                "BucketKeyEnabled": True,
                                "ServerSideEncryptionByDefault": {
                                    "SSEAlgorithm": "aws:kms",
                                    "KMSMasterKeyID": Match.any_value(),
                                },
                            }
                        ]
                    },
                    "VersioningConfiguration": {"Status": "Enabled"},
                    "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": True,
                        "BlockPublicPolicy": True,
                        "IgnorePublicAcls": True,
                        "RestrictPublicBuckets": True,
                    },
                    "LoggingConfiguration": {
                        "DestinationBucketName": Match.any_value(),
                        "LogFilePrefix": "data-bucket/",
                    },
                }
            ),
        },
    )
    rules = data_bucket(foundation_template)["Properties"]["LifecycleConfiguration"]["Rules"]
    assert rules[0]["NoncurrentVersionExpiration"] == {"NoncurrentDays": 90}


def test_every_bucket_is_retained_and_denies_plain_http(foundation_template):
    for bucket in resources(foundation_template, "AWS::S3::Bucket").values():
        assert bucket["DeletionPolicy"] == "Retain"
    policies = resources(foundation_template, "AWS::S3::BucketPolicy").values()
    ssl_denials = [
        s
        for p in policies
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    ]
    assert len(ssl_denials) == 2


def test_role_is_assumed_only_by_sagemaker_of_this_account_and_region(foundation_template):
    # https://docs.aws.amazon.com/sagemaker/latest/dg/security-confused-deputy-prevention.html: SageMaker sends
    # aws:SourceArn for Pipelines, processing, training, transform and inference; the inference form is
    # arn:<partition>:sagemaker:<region>:<account>:*
    role = only(foundation_template, "AWS::IAM::Role")["Properties"]
    (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "sagemaker.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole" and statement["Effect"] == "Allow"
    assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    source_arn = json.dumps(statement["Condition"]["ArnLike"]["aws:SourceArn"])
    assert source_arn.endswith('":sagemaker:", {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"}, ":*"]]}')
    assert "ManagedPolicyArns" not in role  # no AWS-managed (FullAccess) policies


@pytest.fixture(scope="module")
def statements(foundation_template):
    return {
        statement["Sid"]: statement
        for policy in resources(foundation_template, "AWS::IAM::ManagedPolicy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    }


def as_list(value):
    return value if isinstance(value, list) else [value]


PIPELINES = pipeline_names()
# The S3 objects the registered use cases read by default; generated data and the web downloads (MovieLens,
# lid.176, WMT17, CUB, VOC) need no S3 read.
DATASETS = sorted({found for case in USE_CASES if (found := case.dataset.s3_object(REGION)) is not None})
_IMAGE = re.compile(r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/([^:@]+)")


def test_endpoint_updates_may_read_exactly_their_rollback_alarms(statements):
    """DG deployment-guardrails-configuration: the execution role needs cloudwatch:DescribeAlarms on the
    auto-rollback alarms; an endpoint is named after its pipeline and has two (infra/endpoint_guardrails.py)."""
    read = statements["ReadEndpointRollbackAlarms"]
    assert read["Action"] == "cloudwatch:DescribeAlarms"
    names = sorted(
        "".join(p for p in r["Fn::Join"][1] if isinstance(p, str)).split(":alarm:")[1] for r in read["Resource"]
    )
    assert names == sorted(f"{p}-{alarm}" for p in PIPELINES for alarm in ("invocation-5xx-errors", "model-latency"))


def test_role_statements_are_exactly_what_the_registered_pipelines_need(statements):
    datasets = [f"{verb}PublicDataset{index}" for verb in ("List", "Read") for index in range(len(DATASETS))]
    assert sorted(statements) == sorted(
        [
            "ListDataBucket",
            "ReadWriteData",
            "UseDataKey",
            "GrantDataKeyToVolumes",
            "ListProcessingCode",
            "ReadProcessingCode",
            *datasets,
            "DeleteCheckpoints",
            "RunProcessingSteps",
            "RunTrainingSteps",
            "RunTuningSteps",
            "RunModelSteps",
            "RunTransformSteps",
            "CreateProcessingJobs",
            "CreateTrainingJobs",
            "CreateTrainingJobsOnLocalStorage",  # the GPU object detection, segmentation and seq2seq training
            "CreateTuningJobs",
            "CreateModels",
            "CreateTransformJobs",
            "RegisterModels",
            "ReadEndpointRollbackAlarms",
            "PassOwnRoleToSageMaker",
            "PassDownloadRolesToSageMaker",
            "WriteJobLogs",
            "PublishJobMetrics",
            "EcrLogin",
            "PullAlgorithmImages",
        ]
    )


def test_no_wildcard_actions(statements):
    for sid, statement in statements.items():
        assert statement["Effect"] == "Allow"
        for action in as_list(statement["Action"]):
            assert "*" not in action, (sid, action)
            assert action not in ("sagemaker:*", "s3:*", "kms:*", "iam:*")


def test_only_unscopable_actions_have_resource_star(statements):
    star = {sid for sid, s in statements.items() if "*" in as_list(s["Resource"])}
    assert star == {"EcrLogin", "PublishJobMetrics"}
    assert statements["PublishJobMetrics"]["Condition"] == {"StringLike": {"cloudwatch:namespace": "/aws/sagemaker/*"}}


def test_sagemaker_jobs_scoped_to_pipeline_job_names(statements):
    assert json.dumps(statements["RunProcessingSteps"]["Resource"]).endswith(':processing-job/pipelines-*"]]}')
    assert statements["CreateProcessingJobs"]["Action"] == "sagemaker:CreateProcessingJob"
    assert statements["CreateProcessingJobs"]["Resource"] == statements["RunProcessingSteps"]["Resource"]
    assert json.dumps(statements["RunTrainingSteps"]["Resource"]).endswith(':training-job/pipelines-*"]]}')
    assert json.dumps(statements["RunTransformSteps"]["Resource"]).endswith(':transform-job/pipelines-*"]]}')
    assert statements["CreateTuningJobs"]["Action"] == "sagemaker:CreateHyperParameterTuningJob"
    resources = [json.dumps(r) for r in statements["RegisterModels"]["Resource"]]
    assert len(resources) == 2 * len(PIPELINES)  # each group, and the packages in it
    for pipeline in PIPELINES:
        assert any(r.endswith(f':model-package-group/{pipeline}"]]}}') for r in resources)
        assert any(r.endswith(f':model-package/{pipeline}/*"]]}}') for r in resources)


def test_pass_role_only_to_sagemaker(statements):
    statement = statements["PassOwnRoleToSageMaker"]
    assert statement["Action"] == "iam:PassRole"
    assert statement["Condition"] == {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}
    role_id, attribute = statement["Resource"]["Fn::GetAtt"]
    assert role_id.startswith("ExecutionRole") and attribute == "Arn"


def test_public_dataset_reads_are_exactly_the_default_inputs(statements):
    reads = []
    for index in range(len(DATASETS)):
        read = statements[f"ReadPublicDataset{index}"]
        assert read["Action"] == "s3:GetObject"
        resource = "".join(part for part in read["Resource"]["Fn::Join"][1] if isinstance(part, str))
        bucket, key = resource.split(":s3:::", 1)[1].split("/", 1)
        listing = statements[f"ListPublicDataset{index}"]["Condition"]["StringLike"]["s3:prefix"]
        assert listing == [key, f"{key}/*"]
        reads.append((bucket, key))
    assert sorted(reads) == DATASETS


def test_processing_code_read_is_exactly_the_asset(statements):
    read = json.dumps(statements["ReadProcessingCode"]["Resource"])
    assert "cdk-hnb659fds-assets-" in read and '.zip"' in read


def test_image_pull_is_scoped_to_the_algorithm_repositories(statements, compiled):
    """Exactly the repositories of the images the definitions run (read from the definitions, not the role code)."""
    images = {image for pipeline in compiled.values() for image in pipeline.images()}
    expected = sorted({"{1}:{0}:repository/{2}".format(*_IMAGE.match(image).groups()) for image in images})
    assert len(expected) == 19  # the 17 algorithms (XGBoost's image also evaluates), scikit-learn and PyTorch
    repositories = sorted(json.dumps(r).split(":ecr:")[1][:-4] for r in statements["PullAlgorithmImages"]["Resource"])
    assert repositories == expected


def test_logs_scoped_to_the_sagemaker_job_log_groups(statements):
    text = json.dumps(statements["WriteJobLogs"]["Resource"])
    for group in ("ProcessingJobs", "TrainingJobs", "TransformJobs"):
        assert f"log-group:/aws/sagemaker/{group}" in text
    # the opt-in endpoints are named after their pipelines: exactly those log groups, and their streams
    endpoint_groups = sorted(set(re.findall(r"log-group:/aws/sagemaker/Endpoints/([a-z0-9-]+)", text)))
    assert endpoint_groups == sorted(PIPELINES)


def test_outputs_for_studio_users(foundation_template):
    outputs = foundation_template["Outputs"]
    for name in ("DataBucketName", "ExecutionRoleArn", "DataKeyArn", "PipelineNames"):
        assert name in outputs
    assert outputs["PipelineNames"]["Value"].split(",") == PIPELINES


def test_bucket_policies_are_retained_with_their_buckets(foundation_template):
    # a destroy keeps the buckets: it must not silently drop TLS-only and the log delivery grant
    policies = resources(foundation_template, "AWS::S3::BucketPolicy").values()
    assert len(policies) == 2
    for policy in policies:
        assert policy["DeletionPolicy"] == "Retain" and policy["UpdateReplacePolicy"] == "Retain"


KEY_HEADER = "s3:x-amz-server-side-encryption-aws-kms-key-id"


def denies_put(statement, key_id) -> bool:
    """The DenyOtherKmsKeys statement, evaluated for a PutObject that names `key_id` (None: no header)."""
    condition = statement["Condition"]
    present = key_id is not None
    null_holds = present == (condition["Null"][KEY_HEADER] == "false")
    return null_holds and present and key_id != condition["StringNotEquals"][KEY_HEADER]


def test_data_bucket_refuses_writes_with_another_kms_key(foundation_template):
    (policy,) = [
        p
        for p in resources(foundation_template, "AWS::S3::BucketPolicy").values()
        if any(s.get("Sid") == "DenyOtherKmsKeys" for s in p["Properties"]["PolicyDocument"]["Statement"])
    ]
    (statement,) = [
        s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s.get("Sid") == "DenyOtherKmsKeys"
    ]
    key_id = next(iter(resources(foundation_template, "AWS::KMS::Key")))
    project_key = {"Fn::GetAtt": [key_id, "Arn"]}
    assert statement["Effect"] == "Deny" and statement["Principal"] == {"AWS": "*"}
    assert statement["Action"] == "s3:PutObject"
    assert statement["Condition"]["StringNotEquals"][KEY_HEADER] == project_key
    assert not denies_put(statement, project_key)  # SageMaker's writes name the key (KmsKeyId ${KmsKeyArn})
    assert not denies_put(statement, None)  # default encryption: the bucket's key
    assert denies_put(statement, "arn:aws:kms:us-east-1:111122223333:key/other")


def test_key_policy_names_its_administrators_and_users(foundation_template):
    (key,) = resources(foundation_template, "AWS::KMS::Key").values()
    statements = {s["Sid"]: s for s in key["Properties"]["KeyPolicy"]["Statement"]}
    assert sorted(statements) == [
        "KeyAdministration",
        "KeyGrantsForVolumes",
        "KeyUse",
        "SageMakerResourcesOfDeployments",
    ]
    root = {"AWS": {"Fn::Join": ["", ["arn:aws:iam::", {"Ref": "AWS::AccountId"}, ":root"]]}}
    admin = statements["KeyAdministration"]
    assert admin["Principal"] == root and "Condition" not in admin
    # the root administers (the key is never orphaned) but does not use it: no kms:*, no Decrypt for everyone
    assert "kms:*" not in admin["Action"] and not {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"} & set(
        admin["Action"]
    )
    assert {"kms:Put*", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"} <= set(admin["Action"])
    use = statements["KeyUse"]
    assert sorted(use["Action"]) == ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]
    users = [json.dumps(u) for u in use["Condition"]["ArnEquals"]["aws:PrincipalArn"]]
    role_id = next(iter(resources(foundation_template, "AWS::IAM::Role")))
    assert users[0] == json.dumps({"Fn::GetAtt": [role_id, "Arn"]})  # the execution role (endpoints use it too)
    downloads = [u for u in users[1:] if u.endswith('-download"]]}')]
    assert len(downloads) == len(users) - 1 == 5
    grants = statements["KeyGrantsForVolumes"]
    assert grants["Action"] == "kms:CreateGrant"
    assert grants["Condition"]["Bool"] == {"kms:GrantIsForAWSResource": "true"}
    assert grants["Condition"]["ArnEquals"] == use["Condition"]["ArnEquals"]
    deployments = statements["SageMakerResourcesOfDeployments"]
    assert deployments["Condition"]["Bool"] == {"kms:GrantIsForAWSResource": "true"}
    assert "kms:ViaService" in deployments["Condition"]["StringEquals"]


def test_endpoint_data_capture_expires(foundation_template):
    rules = {r["Id"]: r for r in data_bucket(foundation_template)["Properties"]["LifecycleConfiguration"]["Rules"]}
    capture = {i: r for i, r in rules.items() if i.startswith("ExpireDataCapture-")}
    registering = [p for p in PIPELINES if f"ExpireDataCapture-{p}" in capture]
    assert registering and len(capture) == len(registering)
    for name in registering:
        rule = capture[f"ExpireDataCapture-{name}"]
        assert rule["Prefix"] == f"{name}/data-capture/" and rule["ExpirationInDays"] == 30


def test_delete_only_where_training_checkpoints_are_synced(statements, compiled):
    # Jobs upload outputs and never delete them; SageMaker deletes a checkpoint in S3 when the algorithm deletes
    # it locally (https://docs.aws.amazon.com/sagemaker/latest/dg/model-checkpoints.html).
    deleting = {sid for sid, s in statements.items() if "s3:DeleteObject" in as_list(s["Action"])}
    assert deleting == {"DeleteCheckpoints"}
    assert "s3:DeleteObject" not in statements["ReadWriteData"]["Action"]
    resources = [json.dumps(r) for r in statements["DeleteCheckpoints"]["Resource"]]
    checkpointed = sorted(name for name, p in compiled.items() if "CheckpointConfig" in p.definition)
    assert len(checkpointed) == len(resources) == 4
    for name in checkpointed:
        assert any(r.endswith(f'"/{name}/*/Train/checkpoints/*"]]}}') for r in resources), name
