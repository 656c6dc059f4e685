"""Image datasets: a script in the PyTorch image (it ships Pillow) writes the algorithm's channels and stats.json,
whose counts (training samples, classes) become the training job's required hyperparameters at run time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pipelines.handles import Processing
from pipelines.sdk import Join
from pipelines.steps.gate import TrivialBaseline
from pipelines.steps.training import Channel, JobLimits

STATS = "stats"
STATS_FILE = "DatasetStats"
COUNTS = ("num_classes", "num_training_samples")  # required by all three vision algorithms
# GPU training on images: longer runs, and room for the dataset and checkpoints on the volume.
VISION_LIMITS = JobLimits(max_runtime_in_seconds=4 * 3600, volume_size_in_gb=50)


@dataclass(frozen=True)
class PreparedImages:
    preprocess: Processing
    baseline: TrivialBaseline | None

    def count(self, key: str) -> Join:
        """A number of stats.json (e.g. num_training_samples) as the string a hyperparameter must be."""
        return Join(on="", values=[self.preprocess.json(STATS_FILE, key)])

    def channels(self, content_type: str | None, *names: str) -> list[Channel]:
        return self.preprocess.channels(content_type, *names)

    def with_counts(self, hyperparameters: Mapping[str, object]) -> dict:
        """The hyperparameters plus the counts the algorithm requires, read from stats.json at run time."""
        return {**hyperparameters, **{key: self.count(key) for key in COUNTS}}
