"""The one door to the SageMaker Python SDK v3: it makes building a pipeline definition an offline, local act.

Import SDK names from here, never from `sagemaker` directly, so these settings always come first (each with the
behaviour of SDK 3.27.0 it prevents; tests/test_offline_synth.py checks that a synth makes no network call):
- a region in the environment at import time: `sagemaker.ai_registry` builds a boto3 client in a class body and
  raises NoRegionError without one; the real deployment region is passed to every session explicitly;
- no EC2 instance-metadata lookups (botocore's credential chain would try 169.254.169.254);
- no IAM role validation (ModelTrainer would call iam:SimulatePrincipalPolicy);
- no user SDK config from S3 (an S3 override would be fetched);
- telemetry off (every ScriptProcessor.run / ModelTrainer.train / ModelBuilder.register sends a GET otherwise).
Nothing here needs credentials: every S3 path and the processing code are given explicitly.
"""

import os

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ["SAGEMAKER_VALIDATE_ROLE"] = "false"
for _override in ("SAGEMAKER_ADMIN_CONFIG_OVERRIDE", "SAGEMAKER_USER_CONFIG_OVERRIDE"):
    os.environ.pop(_override, None)

import logging  # noqa: E402
import warnings  # noqa: E402
from contextlib import contextmanager  # noqa: E402

import boto3  # noqa: E402
import sagemaker.core.telemetry.telemetry_logging as _telemetry  # noqa: E402

_telemetry._send_telemetry_request = lambda *args, **kwargs: None

from sagemaker.core import image_uris  # noqa: E402
from sagemaker.core.helper.pipeline_variable import PipelineVariable  # noqa: E402
from sagemaker.core.model_metrics import MetricsSource, ModelMetrics  # noqa: E402
from sagemaker.core.network import NetworkConfig  # noqa: E402
from sagemaker.core.parameter import CategoricalParameter, ContinuousParameter, IntegerParameter  # noqa: E402
from sagemaker.core.processing import ScriptProcessor  # noqa: E402
from sagemaker.core.shapes import (  # noqa: E402
    Channel,
    DataSource,
    ProcessingInput,
    ProcessingOutput,
    ProcessingS3Input,
    ProcessingS3Output,
    ResourceLimits,
    S3DataSource,
    VpcConfig,
)
from sagemaker.core.training.configs import (  # noqa: E402
    CheckpointConfig,
    Compute,
    InputData,
    Networking,
    OutputDataConfig,
    StoppingCondition,
)
from sagemaker.core.transformer import Transformer  # noqa: E402
from sagemaker.core.workflow.conditions import (  # noqa: E402
    ConditionGreaterThan,
    ConditionGreaterThanOrEqualTo,
    ConditionLessThan,
    ConditionLessThanOrEqualTo,
)
from sagemaker.core.workflow.execution_variables import ExecutionVariables  # noqa: E402
from sagemaker.core.workflow.functions import Join, JsonGet  # noqa: E402
from sagemaker.core.workflow.parameters import ParameterFloat, ParameterInteger, ParameterString  # noqa: E402
from sagemaker.core.workflow.pipeline_context import PipelineSession  # noqa: E402
from sagemaker.core.workflow.properties import PropertyFile  # noqa: E402
from sagemaker.mlops.workflow import (  # noqa: E402
    CacheConfig,
    ConditionStep,
    FailStep,
    ModelStep,
    Pipeline,
    ProcessingStep,
    SageMakerJobExceptionTypeEnum,
    SageMakerJobStepRetryPolicy,
    StepExceptionTypeEnum,
    StepRetryPolicy,
    TrainingStep,
    TransformStep,
    TuningStep,
)
from sagemaker.serve.model_builder import ModelBuilder  # noqa: E402
from sagemaker.train.model_trainer import ModelTrainer  # noqa: E402
from sagemaker.train.tuner import HyperparameterTuner  # noqa: E402

warnings.filterwarnings("ignore", message="Running within a PipelineSession")


@contextmanager
def quiet():
    """While building definitions, the SDK logs every field it drops for Pipelines to fill in (job names...) and
    configures the root logger itself; at synth that is noise that hides real warnings."""
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def pipeline_session(region: str) -> PipelineSession:
    """A session that records job requests instead of sending them, pinned to the deployment region."""
    return PipelineSession(boto_session=boto3.Session(region_name=region))


__all__ = [
    "CacheConfig",
    "CategoricalParameter",
    "Channel",
    "DataSource",
    "CheckpointConfig",
    "Compute",
    "ConditionGreaterThan",
    "ConditionGreaterThanOrEqualTo",
    "ConditionLessThan",
    "ConditionLessThanOrEqualTo",
    "ConditionStep",
    "ContinuousParameter",
    "ExecutionVariables",
    "FailStep",
    "HyperparameterTuner",
    "InputData",
    "IntegerParameter",
    "Join",
    "JsonGet",
    "MetricsSource",
    "ModelBuilder",
    "ModelMetrics",
    "ModelStep",
    "ModelTrainer",
    "NetworkConfig",
    "Networking",
    "OutputDataConfig",
    "ParameterFloat",
    "ParameterInteger",
    "ParameterString",
    "Pipeline",
    "PipelineSession",
    "PipelineVariable",
    "ProcessingInput",
    "ProcessingOutput",
    "ProcessingS3Input",
    "ProcessingS3Output",
    "ProcessingStep",
    "PropertyFile",
    "ResourceLimits",
    "S3DataSource",
    "VpcConfig",
    "SageMakerJobExceptionTypeEnum",
    "SageMakerJobStepRetryPolicy",
    "ScriptProcessor",
    "StepExceptionTypeEnum",
    "StepRetryPolicy",
    "StoppingCondition",
    "TrainingStep",
    "TransformStep",
    "Transformer",
    "TuningStep",
    "image_uris",
    "pipeline_session",
    "quiet",
]
