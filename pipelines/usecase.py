"""What a use case declares: its dataset, defaults and the steps it is made of."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from typing import TYPE_CHECKING

from pipelines.algorithms import Algorithm

if TYPE_CHECKING:
    from pipelines.builder import PipelineBuilder


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
class BaselineNote:
    """What a model that learned nothing scores on the pipeline's default data, for the docs and the tests that
    hold the default threshold to it. `at_run_time`: the gate also requires beating the baseline as computed from
    the data of each run (otherwise the trivial score is a constant of the metric, such as AUC 0.5)."""

    value: float | None  # None: not known offline (real data that is not published with counts)
    model: str  # the trivial model, e.g. 'always "not 0"'
    source: str  # how the value was computed (published counts, the generator's output, the metric's definition)
    _: KW_ONLY
    at_run_time: bool = True


@dataclass(frozen=True, kw_only=True)
class UseCase:
    name: str  # kebab-case; the pipeline and model package group are named <prefix>-<name>
    title: str
    algorithms: tuple[Algorithm, ...]  # what it trains or hosts; the first is the registered model's
    dataset_name: str
    dataset: PublicDataset | WebDataset | GeneratedDataset
    metric_threshold: float
    baseline: BaselineNote
    build: Callable[[PipelineBuilder], None]  # adds the pipeline's steps to the builder
    processing_instance_type: str = "ml.m5.large"  # the default of the ProcessingInstanceType parameter
    training_instance_type: str | None = None  # None: the first algorithm's default (its contract)
    trains: bool = True  # False: no training job (e.g. a pretrained model), so no training parameters
    max_tuning_jobs: int | None = None  # set for pipelines that tune: adds the tuning parameters

    @property
    def algorithm(self) -> str:
        return " + ".join(algorithm.label for algorithm in self.algorithms)

    @property
    def single_instance(self) -> bool:
        """Whether one of its algorithms trains on a single instance only (developer guide): then there is no
        TrainingInstanceCount parameter to get wrong. BlazingText trains on several only in batch_skipgram mode,
        which no pipeline uses."""
        return any(algorithm.compute.multi_instance is not True for algorithm in self.algorithms)

    def default_training_instance_type(self) -> str | None:
        if not self.trains:
            return None
        return self.training_instance_type or self.algorithms[0].compute.default_instance
