"""Talking to AWS: the SageMaker client, the default region, ARNs, console links, and AWS errors as one clear line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
)

from pipelines import naming
from pipelines.cli.errors import CliError, Failure, UsageError

FALLBACK_REGION = naming.DEFAULT_REGION
DEFAULT_PREFIX = naming.DEFAULT_PREFIX
MAX_RETRIES = 10  # botocore: retries after the first attempt (total_max_attempts 11)
# Adaptive mode also rate-limits the client side once AWS starts throttling, so `watch` polling many steps or
# `models` describing many packages slows down instead of failing.
RETRY_CONFIG = Config(retries={"mode": "adaptive", "max_attempts": MAX_RETRIES})

THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "SlowDown",
    }
)
ACCESS_DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException"})
NOT_FOUND_CODES = frozenset({"ResourceNotFound", "ResourceNotFoundException"})
# SageMaker reports some missing resources as a ValidationException; only its message says "not found".
_NOT_FOUND_TEXT = re.compile(r"not found|does not exist|could not find|cannot find", re.IGNORECASE)


def sagemaker_client(region: str) -> Any:
    return boto3.session.Session(region_name=region).client("sagemaker", config=RETRY_CONFIG)


def default_region() -> str:
    """The region of the AWS config or environment (AWS_DEFAULT_REGION, the profile's region), else us-east-1."""
    return boto3.session.Session().region_name or FALLBACK_REGION


pipeline_name = naming.pipeline_name


# arn:<partition>:sagemaker:<region>:<account>:<resource>
_SAGEMAKER_ARN = re.compile(r"^arn:aws[a-z-]*:sagemaker:(?P<region>[a-z0-9-]+):\d{12}:(?P<resource>.+)$")
_EXECUTION = re.compile(r"^pipeline/(?P<pipeline>[^/]+)/execution/(?P<execution_id>[^/]+)$")
_MODEL_PACKAGE = re.compile(r"^model-package/[^/]+(/\d+)?$")


@dataclass(frozen=True)
class ExecutionArn:
    arn: str
    region: str
    pipeline: str
    execution_id: str

    @classmethod
    def parse(cls, arn: str) -> ExecutionArn:
        match = _SAGEMAKER_ARN.match(arn)
        resource = _EXECUTION.match(match["resource"]) if match else None
        if not match or not resource:
            raise UsageError(
                f"{arn!r} is not a pipeline execution ARN "
                "(arn:aws:sagemaker:<region>:<account>:pipeline/<pipeline>/execution/<id>)"
            )
        return cls(arn, match["region"], resource["pipeline"], resource["execution_id"])


def model_package_region(arn: str) -> str:
    match = _SAGEMAKER_ARN.match(arn)
    if not match or not _MODEL_PACKAGE.match(match["resource"]):
        raise UsageError(
            f"{arn!r} is not a model package ARN (arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>)"
        )
    return match["region"]


def execution_console_url(region: str, pipeline: str, execution_id: str) -> str:
    # The SageMaker console's page of the execution. Studio's own URL would need the Studio domain id, which the CLI
    # does not know; the console link works for anyone who can sign in to the account.
    return (
        f"https://{region}.console.aws.amazon.com/sagemaker/home?region={region}"
        f"#/pipelines/{pipeline}/executions/{execution_id}"
    )


def is_not_found(error: ClientError) -> bool:
    code, message = _code_and_message(error)
    return code in NOT_FOUND_CODES or (code == "ValidationException" and bool(_NOT_FOUND_TEXT.search(message)))


@contextmanager
def missing_resource_means(explanation: str) -> Iterator[None]:
    """Says what AWS's "not found" means in the user's terms (e.g. "the pipeline is not deployed: cdk deploy ...")."""
    try:
        yield
    except ClientError as error:
        if is_not_found(error):
            raise Failure(f"{explanation} (AWS: {_code_and_message(error)[1]})") from error
        raise


def explain(error: Exception) -> CliError | None:
    """The one-line message for an AWS failure, or None if the error is not one."""
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return Failure(
            "no AWS credentials found: configure them (aws configure, AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY) and try again"
        )
    if isinstance(error, NoRegionError):
        return Failure("no AWS region: pass --region or set AWS_DEFAULT_REGION")
    if isinstance(error, ClientError):
        return _explain_client_error(error)
    if isinstance(error, BotoCoreError):
        return Failure(f"AWS request failed: {error}")
    return None


def _explain_client_error(error: ClientError) -> CliError:
    code, message = _code_and_message(error)
    call = f"sagemaker:{error.operation_name}"
    if code in THROTTLING_CODES:
        return Failure(
            f"AWS is throttling {call}, still after {MAX_RETRIES} adaptive retries: "
            "wait a minute and run the command again"
        )
    if code in ACCESS_DENIED_CODES:
        return Failure(f"access denied: your AWS identity may not call {call} ({message})")
    if is_not_found(error):
        return Failure(f"{call}: not found: {message}")
    if code == "ValidationException":
        return Failure(f"AWS rejected {call}: {message}")
    return Failure(f"{call} failed: {code}: {message}")


def _code_and_message(error: ClientError) -> tuple[str, str]:
    details = error.response.get("Error", {})
    return str(details.get("Code", "")), str(details.get("Message", ""))
