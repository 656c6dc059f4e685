"""What a use case declares: its dataset, defaults and the steps it is made of."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipelines.context import PipelineContext
from pipelines.parameters import ParameterDefaults, StandardParameters


@dataclass(frozen=True)
class PublicDataset:
    """A dataset AWS publishes in S3; `{region}` in the bucket name is the deployment region. The execution role
    may read exactly this key (or key prefix), nothing else of the bucket."""

    bucket: str
    key: str

    def bucket_name(self, region: str) -> str:
        return self.bucket.format(region=region)

    def uri(self, region: str) -> str:
        return f"s3://{self.bucket_name(region)}/{self.key}"

    def s3_object(self, region: str) -> tuple[str, str] | None:
        """(bucket, key) the execution role must read."""
        return self.bucket_name(region), self.key


@dataclass(frozen=True)
class WebDataset:
    """A dataset published on the web, not in S3: a processing step downloads it (so it runs with network
    access) and verifies it: by SHA-256 where one is known, else by size and by what the parsing step checks of the
    layout. The InputDataUri parameter may point to an S3 copy instead."""

    url: str
    sha256: str | None = None
    size: int | None = None

    def uri(self, region: str) -> str:
        return self.url

    def s3_object(self, region: str) -> None:
        return None


@dataclass(frozen=True)
class GeneratedDataset:
    """Data the processing step generates itself: the pipeline has no InputDataUri parameter."""

    def uri(self, region: str) -> None:
        return None

    def s3_object(self, region: str) -> None:
        return None


@dataclass(frozen=True)
class UseCase:
    name: str  # kebab-case; the pipeline and model package group are named <prefix>-<name>
    title: str
    algorithm: str
    dataset_name: str
    dataset: PublicDataset | WebDataset | GeneratedDataset
    metric_threshold: float
    build: Callable[[PipelineContext, StandardParameters], list]
    processing_instance_type: str = "ml.m5.large"
    training_instance_type: str | None = "ml.m5.xlarge"  # None: no training job (e.g. a pretrained model)
    # The algorithm trains on one instance only (developer guide): no TrainingInstanceCount parameter to get wrong.
    single_instance: bool = False
    max_tuning_jobs: int | None = None  # set for pipelines that tune: adds the tuning parameters

    def parameter_defaults(self, region: str) -> ParameterDefaults:
        return ParameterDefaults(
            input_data_uri=self.dataset.uri(region),
            metric_threshold=self.metric_threshold,
            processing_instance_type=self.processing_instance_type,
            training_instance_type=self.training_instance_type,
            training_instance_count=None if self.single_instance or not self.training_instance_type else 1,
            max_tuning_jobs=self.max_tuning_jobs,
        )
