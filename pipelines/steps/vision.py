"""Image datasets: a script in the PyTorch image (it ships Pillow) writes the algorithm's channels and stats.json,
whose counts (training samples, classes) become the training job's required hyperparameters at run time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pipelines.algorithms import Algorithm
from pipelines.context import PipelineContext
from pipelines.recipes import train_and_register
from pipelines.sdk import Join, JsonGet, ProcessingStep, PropertyFile
from pipelines.steps.gate import TrivialBaseline
from pipelines.steps.processing import (
    OUTPUT_ROOT,
    baseline_of,
    fetch_step,
    input_path,
    output_uri,
    processing_step,
    vision_image,
)
from pipelines.steps.training import Channel, JobLimits

STATS = "stats"
COUNTS = ("num_classes", "num_training_samples")  # required by all three vision algorithms
# GPU training on images: longer runs, and room for the dataset and checkpoints on the volume.
VISION_LIMITS = JobLimits(max_runtime_in_seconds=4 * 3600, volume_size_in_gb=50)


@dataclass(frozen=True)
class PreparedImages:
    steps: list  # the Download step (for datasets on the web) and the Preprocess step
    preprocess: ProcessingStep
    stats: PropertyFile
    baseline: TrivialBaseline | None

    def count(self, key: str) -> Join:
        """A number of stats.json (e.g. num_training_samples) as the string a hyperparameter must be."""
        return Join(on="", values=[JsonGet(step_name=self.preprocess.name, property_file=self.stats, json_path=key)])

    def channels(self, content_type: str | None, *names: str) -> list[Channel]:
        return [Channel(name, output_uri(self.preprocess, name), content_type) for name in names]

    def with_counts(self, hyperparameters: Mapping[str, object]) -> dict:
        """The hyperparameters plus the counts the algorithm requires, read from stats.json at run time."""
        return {**hyperparameters, **{key: self.count(key) for key in COUNTS}}


def train_on_images(
    ctx: PipelineContext,
    params,
    images: PreparedImages,
    algorithm: Algorithm,
    hyperparameters: Mapping[str, object],
    channels: Sequence[Channel],
    **gate,
) -> list:
    """The preparation steps, then training with the counts from stats.json, gated (on beating the trivial
    baseline the preparation computed, too) and registered (`gate`: train_and_register's metric, description and
    gate_name)."""
    training = train_and_register(
        ctx,
        params,
        algorithm,
        images.with_counts(hyperparameters),
        channels,
        baseline=images.baseline,
        limits=VISION_LIMITS,
        **gate,
    )
    return [*images.steps, *training]


def prepare_images(
    ctx: PipelineContext,
    params,
    script: str,
    channels: Sequence[str],
    arguments: Sequence[object] = (),
    download: bool = False,
    baseline: str | None = None,
) -> PreparedImages:
    """Preprocess reads InputDataUri (an S3 object), or with download=True the file a Download step fetched from it
    (the web); it writes the channels, stats/stats.json and the trivial baseline of the metric `baseline`."""
    fetch = fetch_step(ctx, params) if download else None
    stats = PropertyFile(name="DatasetStats", output_name=STATS, path="stats.json")
    preprocess = processing_step(
        ctx,
        "Preprocess",
        script=script,
        image=vision_image(ctx),
        instance_type=params.processing_instance_type,
        inputs={"raw": output_uri(fetch, "raw") if fetch else params.input_data_uri},
        outputs=(*channels, STATS),
        arguments=["--input", input_path("raw"), "--output-dir", OUTPUT_ROOT, *arguments],
        property_files=[stats],
        max_runtime_in_seconds=4 * 3600,
        baseline=baseline,
    )
    return PreparedImages(
        steps=[step for step in (fetch, preprocess) if step],
        preprocess=preprocess,
        stats=stats,
        baseline=baseline_of(preprocess) if baseline else None,
    )
