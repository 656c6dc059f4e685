"""Image datasets: a script in the PyTorch image (it ships Pillow) writes the algorithm's channels and stats.json,
whose counts (training samples, classes) become the training job's required hyperparameters at run time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipelines.algorithms import Algorithm
from pipelines.handles import Processing, Training
from pipelines.sdk import Join, PropertyFile
from pipelines.steps.gate import TrivialBaseline
from pipelines.steps.processing import OUTPUT_ROOT, input_path, vision_image
from pipelines.steps.training import Channel, JobLimits

if TYPE_CHECKING:
    from pipelines.builder import PipelineBuilder

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


class ImageSteps:
    """The PipelineBuilder's steps for image datasets."""

    def prepare_images(
        self: PipelineBuilder,
        script: str,
        channels: Sequence[str],
        arguments: Sequence[object] = (),
        *,
        download: bool = False,
        baseline: str | None = None,
    ) -> PreparedImages:
        """Preprocess reads InputDataUri (an S3 object), or with download=True the file a Download step fetched
        from it (the web); it writes the channels, stats/stats.json and the trivial baseline of `baseline`."""
        raw = self.download().output("raw") if download else self.input_data_uri
        preprocess = self.process(
            "Preprocess",
            script,
            image=vision_image(self.ctx),
            inputs={"raw": raw},
            outputs=(*channels, STATS),
            arguments=["--input", input_path("raw"), "--output-dir", OUTPUT_ROOT, *arguments],
            property_files=[PropertyFile(name=STATS_FILE, output_name=STATS, path="stats.json")],
            max_runtime_in_seconds=4 * 3600,
            baseline=baseline,
        )
        return PreparedImages(preprocess, preprocess.baseline if baseline else None)

    def train_on_images(
        self: PipelineBuilder,
        images: PreparedImages,
        algorithm: Algorithm,
        hyperparameters: Mapping[str, object],
        channels: Sequence[Channel],
        *,
        metric: str,
        description: str,
        gate_name: str,
    ) -> Training:
        """Training with the counts from stats.json, gated (on beating the trivial baseline the preparation
        computed, too) and registered."""
        return self.train_and_register(
            algorithm,
            images.with_counts(hyperparameters),
            channels,
            metric=metric,
            description=description,
            gate_name=gate_name,
            baseline=images.baseline,
            limits=VISION_LIMITS,
        )
