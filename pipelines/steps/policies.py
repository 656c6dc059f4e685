"""Caching and retry settings shared by every job step."""

from pipelines.sdk import (
    CacheConfig,
    SageMakerJobExceptionTypeEnum,
    SageMakerJobStepRetryPolicy,
    StepExceptionTypeEnum,
    StepRetryPolicy,
)

# A re-run with the same arguments reuses the earlier job's outputs for 30 days instead of paying for it again.
CACHE = CacheConfig(enable_caching=True, expire_after="P30D")


def job_retry_policies() -> list:
    """Retry what goes away by itself: API throttling, and no capacity (spot or on-demand) or a full quota."""
    return [
        StepRetryPolicy(
            exception_types=[StepExceptionTypeEnum.THROTTLING, StepExceptionTypeEnum.SERVICE_FAULT],
            interval_seconds=10,
            backoff_rate=2.0,
            max_attempts=5,
        ),
        SageMakerJobStepRetryPolicy(
            exception_types=[
                SageMakerJobExceptionTypeEnum.CAPACITY_ERROR,
                SageMakerJobExceptionTypeEnum.RESOURCE_LIMIT,
            ],
            interval_seconds=60,
            backoff_rate=2.0,
            max_attempts=5,
        ),
    ]
