"""The contract of a built-in algorithm: what the project relies on about it, each fact with its source.

One `Algorithm` per built-in algorithm (the modules beside this one) holds its image, the instances it trains on,
whether it resumes from checkpoints, its channels (content types, record layouts, distribution), the metrics it
emits (direction and scale), its required and enumerated hyperparameters, its tunable ranges and its inference
formats. The step builders read these facts (images, inference formats, single-instance and GPU defaults), and
`pipelines.contract_check` checks every step of every compiled pipeline against them at synth: a violation stops
the synth with one line naming the pipeline, the step, the fact and its source.

Sources are developer-guide pages (`dg("page")` -> https://docs.aws.amazon.com/sagemaker/latest/dg/page.html), the
API reference, or an example notebook's own code in aws/amazon-sagemaker-examples (`example("path")`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

FULLY_REPLICATED = "FullyReplicated"
SHARDED = "ShardedByS3Key"
RECORDIO_PROTOBUF = "application/x-recordio-protobuf"
# The GPU families the developer guide names for the built-in algorithms that train on GPUs ("P2, P3, G4dn and G5").
GPU_FAMILIES = ("p2", "p3", "g4dn", "g5")
# The request and response formats the record-based algorithms' models share (Linear Learner, k-NN, PCA, RCF, ...:
# their *-in-formats pages): CSV, JSON or RecordIO-protobuf in; JSON, JSON Lines or RecordIO-protobuf out.
RECORD_REQUESTS = ("text/csv", "application/json", RECORDIO_PROTOBUF)
RECORD_RESPONSES = ("application/json", "application/jsonlines", RECORDIO_PROTOBUF)
# The record layouts of RecordIO-protobuf training data (DG cdf-training; the SDK v2 writer the notebooks use).
LABELLED_RECORDS = 'RecordIO-protobuf: features["values"] float32 tensor, label["values"] float32'
UNLABELLED_RECORDS = 'RecordIO-protobuf: features["values"] float32 tensor, no label'
CHECKPOINTS_SOURCE = "https://docs.aws.amazon.com/sagemaker/latest/dg/model-managed-spot-training.html"
# Built-in algorithms on spot without checkpoints may take at most this long in all, capacity wait plus run time
# (CHECKPOINTS_SOURCE: MaxWaitTimeInSeconds is limited to 3600 seconds for them).
SPOT_WAIT_WITHOUT_CHECKPOINTS = 3600

# hyperparameter -> the values it must have for a fact to apply (e.g. a metric BlazingText emits in one mode only);
# None among the values: the hyperparameter may also be left out (its default applies).
Condition = Mapping[str, tuple[str | None, ...]]


def dg(page: str) -> str:
    return f"https://docs.aws.amazon.com/sagemaker/latest/dg/{page}.html"


def example(path: str) -> str:
    return f"aws/amazon-sagemaker-examples:{path}"


@dataclass(frozen=True)
class ChannelSpec:
    """A training channel the algorithm reads."""

    name: str
    content_types: tuple[str | None, ...]  # accepted ContentType values; None: it may be left out
    source: str
    required: bool = False
    distributions: tuple[str, ...] = (FULLY_REPLICATED, SHARDED)
    layout: str = ""  # the record layout, in words (the processing tests check the bytes)
    when: Condition = field(default_factory=dict)  # the channel is read only in these modes


@dataclass(frozen=True)
class MetricSpec:
    """A metric the algorithm emits, as it names it in FinalMetricDataList and as a tuning objective (the
    developer guide's tuning pages list exactly the metrics that may be objectives; only those are recorded)."""

    name: str  # e.g. "test:msd"
    maximize: bool
    scale: str  # its unit and range, in words
    source: str
    when: Condition = field(default_factory=dict)  # emitted only with these hyperparameter values

    @property
    def channel(self) -> str:
        return self.name.split(":", 1)[0]


@dataclass(frozen=True)
class Range:
    """A tunable hyperparameter and the range the developer guide gives for it."""

    name: str
    kind: str  # "Integer", "Continuous" or "Categorical"
    source: str
    low: float | None = None
    high: float | None = None
    values: tuple[str, ...] = ()

    def bounds(self) -> tuple[float, float]:
        """(low, high) of an Integer or Continuous range; a Categorical one has values instead."""
        if self.low is None or self.high is None:
            raise ValueError(f"{self.name}: a {self.kind} range needs low and high")
        return self.low, self.high


@dataclass(frozen=True)
class Compute:
    """Where the algorithm trains."""

    cpu: bool
    gpu_families: tuple[str, ...]  # the GPU families the developer guide names, e.g. ("p2", "p3", "g4dn", "g5")
    multi_instance: bool | Condition  # a Condition: only in these modes (BlazingText batch_skipgram)
    default_instance: str  # the project's default training type: supported, and the cheapest that fits
    source: str


@dataclass(frozen=True)
class Inference:
    """How a model of the algorithm is called (real time and batch transform)."""

    content_types: tuple[str, ...]
    response_types: tuple[str, ...]
    source: str
    cpu: bool = True
    gpu: bool = True


@dataclass(frozen=True)
class Algorithm:
    name: str
    framework: str  # the SDK's image_uris key
    compute: Compute
    channels: tuple[ChannelSpec, ...]
    metrics: tuple[MetricSpec, ...]
    inference: Inference
    version: str = "1"  # every built-in algorithm but XGBoost publishes only version 1
    # Resumes from /opt/ml/checkpoints after a spot interruption (the developer guide's managed spot page lists
    # XGBoost and the vision algorithms); the others restart, so they get spot without a checkpoint location.
    checkpoints: bool = False
    required: tuple[str, ...] = ()  # hyperparameters without a default
    required_source: str = ""
    # hyperparameter -> its valid values, spelled as the algorithm parses them (e.g. booleans: "True" or "true")
    spellings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    spellings_source: str = ""
    tunable: tuple[Range, ...] = ()

    @property
    def image_source(self) -> str:
        """Where the SDK's image_uris finds the algorithm's image URIs per region and version."""
        return f"aws/sagemaker-python-sdk:src/sagemaker/image_uri_config/{self.framework}.json"

    @property
    def label(self) -> str:
        return self.name if self.version == "1" else f"{self.name} {self.version}"

    def channel(self, name: str) -> ChannelSpec | None:
        return next((spec for spec in self.channels if spec.name == name), None)

    def metric(self, name: str) -> MetricSpec:
        for spec in self.metrics:
            if spec.name == name:
                return spec
        raise KeyError(f"{self.name} emits no metric {name!r}; it emits {', '.join(m.name for m in self.metrics)}")

    def range(self, name: str) -> Range | None:
        return next((spec for spec in self.tunable if spec.name == name), None)

    def instance_families(self) -> tuple[str, ...]:
        from pipelines.instances import CPU_FAMILIES

        return (*self.compute.gpu_families, *(CPU_FAMILIES if self.compute.cpu else ()))


def holds(condition: Condition, hyperparameters: Mapping[str, object]) -> bool:
    """Whether literal hyperparameters meet a condition (a value that is a pipeline expression never does)."""
    return all(hyperparameters.get(name) in values for name, values in condition.items())
