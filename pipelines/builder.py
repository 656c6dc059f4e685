"""The builder a use case describes its pipeline with: one method per step, each returning a typed handle.

The builder owns what every step needs and no use case should thread through: the pipeline's context (names, the
deployment's references, the recording session) and its standard parameters (instance types and counts, the
threshold, the approval status). Steps are collected in the order they are added; those that a quality gate runs
when it passes move into its branch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pipelines.algorithms import Algorithm
from pipelines.context import PipelineContext
from pipelines.handles import (
    REPORT_FILE,
    REPORT_OUTPUT,
    REPORT_PROPERTY_FILE,
    Evaluation,
    Model,
    Processing,
    StepHandle,
    Training,
    Transform,
    Tuning,
)
from pipelines.parameters import StandardParameters
from pipelines.sdk import Join, ModelMetrics, PropertyFile
from pipelines.steps.gate import Gate, TrivialBaseline, gate_step
from pipelines.steps.model import model_step
from pipelines.steps.processing import OUTPUT_ROOT, input_path, output_path, processing_step, vision_image
from pipelines.steps.register import register_step
from pipelines.steps.training import Channel, JobLimits, training_step
from pipelines.steps.transform import transform_step
from pipelines.steps.tuning import best_model_artifacts, tuning_step
from pipelines.steps.vision import STATS, STATS_FILE, VISION_LIMITS, PreparedImages
from pipelines.usecase import WebDataset


class PipelineBuilder:
    def __init__(self, ctx: PipelineContext, params: StandardParameters) -> None:
        self.ctx = ctx
        self.params = params
        self._steps: list[Any] = []
        self._nested: set[str] = set()  # steps that run in a condition's branch, not at the top level

    @property
    def steps(self) -> list[Any]:
        """The pipeline's top-level steps, in the order they were added."""
        return [step for step in self._steps if step.name not in self._nested]

    def _add(self, step: Any) -> Any:
        self._steps.append(step)
        return step

    # ------------------------------------------------------------ values a use case may read

    @property
    def input_data_uri(self) -> Any:
        """The InputDataUri parameter (the raw dataset); None in a pipeline that generates its data."""
        return self.params.input_data_uri

    @property
    def training_instance_count(self) -> Any:
        return self.params.training_instances

    def parameter(self, parameter: Any, description: str) -> Any:
        """A pipeline parameter of the use case's own, with its description (see PipelineContext.parameter)."""
        return self.ctx.parameter(parameter, description)

    def image(self, framework: str, version: str = "1", **options: Any) -> str:
        return self.ctx.image(framework, version, **options)

    def algorithm_image(self, algorithm: Algorithm) -> str:
        return self.ctx.algorithm_image(algorithm)

    # ------------------------------------------------------------ processing

    def process(
        self,
        name: str,
        script: str,
        *,
        inputs: Mapping[str, object],
        outputs: Sequence[str],
        arguments: Sequence[object] = (),
        image: str | None = None,
        property_files: Sequence[PropertyFile] = (),
        network_isolation: bool = True,
        max_runtime_in_seconds: int = 3600,
        baseline: str | None = None,
    ) -> Processing:
        """One of the project's processing scripts, on the ProcessingInstanceType (see steps.processing)."""
        step = processing_step(
            self.ctx,
            name,
            script,
            instance_type=self.params.processing_instance_type,
            inputs=inputs,
            outputs=outputs,
            arguments=arguments,
            image=image,
            property_files=property_files,
            network_isolation=network_isolation,
            max_runtime_in_seconds=max_runtime_in_seconds,
            baseline=baseline,
        )
        return Processing(self._add(step), files=tuple(step.property_files or ()))

    def preprocess(
        self, script: str, splits: Sequence[str], arguments: Sequence[object] = (), *, baseline: str | None = None
    ) -> Processing:
        """The usual first step: a dataset script reads InputDataUri and writes one output per split (and the
        trivial baseline of the metric `baseline`). A pipeline without InputDataUri generates its data (seeded)."""
        if self.input_data_uri is None:
            return self.process(
                "Generate", script, inputs={}, outputs=splits, arguments=["--output-dir", OUTPUT_ROOT, *arguments],
                baseline=baseline,
            )  # fmt: skip
        return self.process(
            "Preprocess",
            script,
            inputs={"raw": self.input_data_uri},
            outputs=splits,
            arguments=["--input", input_path("raw"), "--output-dir", OUTPUT_ROOT, *arguments],
            baseline=baseline,
        )

    def download(self, dataset: WebDataset, files: Sequence[WebDataset] = ()) -> Processing:
        """Downloads the raw dataset into its `raw` output: InputDataUri itself (by default `dataset`), or `files`,
        each a file under `dataset`'s folder URL (then InputDataUri is a folder URI ending in `/`). Each file is
        checked against its pinned SHA-256 and size, where it has them, before any step reads it; the digest of an
        unpinned one is logged. The only step with network access; the parsing step reads `raw` with network
        isolation on. The files' SHA-256 sums are written beside them (raw/SHA256SUMS)."""
        uri = self.input_data_uri
        sources = [(Join(on="", values=[uri, file_name(dataset, file)]), file) for file in files] or [(uri, dataset)]
        return self.process(
            "Download",
            "fetch",
            inputs={},
            outputs=("raw",),
            arguments=[*(part for source, file in sources for part in fetch_source(source, file)), "--output-dir",
                       OUTPUT_ROOT],
            network_isolation=False,
        )  # fmt: skip

    def evaluate(
        self, script: str, inputs: Mapping[str, object], *, image: str | None = None, name: str = "Evaluate"
    ) -> Evaluation:
        """An evaluation script gets `--<input>-dir` for each input and `--output-dir` for its report,
        evaluation.json; `image` None: the scikit-learn image, as every processing script."""
        report = PropertyFile(name=REPORT_PROPERTY_FILE, output_name=REPORT_OUTPUT, path=REPORT_FILE)
        arguments = [part for input_name in inputs for part in (f"--{input_name}-dir", input_path(input_name))]
        step = self.process(
            name,
            script,
            image=image,
            inputs=inputs,
            outputs=[REPORT_OUTPUT],
            arguments=[*arguments, "--output-dir", output_path(REPORT_OUTPUT)],
            property_files=[report],
        )
        return Evaluation(step.step, files=step.files)

    # ------------------------------------------------------------ training and tuning

    def train(
        self,
        algorithm: Algorithm,
        hyperparameters: Mapping[str, object],
        channels: Sequence[Channel],
        *,
        name: str = "Train",
        limits: JobLimits = JobLimits(),
    ) -> Training:
        """A training job of a built-in algorithm on the TrainingInstanceType and -Count parameters."""
        step = training_step(
            self.ctx,
            name,
            algorithm,
            hyperparameters,
            channels,
            instance_type=self.params.training_instance_type,
            instance_count=self.params.training_instances,
            limits=limits,
        )
        return Training(self._add(step), algorithm=algorithm)

    def tune(
        self,
        algorithm: Algorithm,
        static_hyperparameters: Mapping[str, object],
        ranges: Mapping[str, object],
        channels: Sequence[Channel],
        *,
        objective: str,
        name: str = "Tune",
    ) -> Tuning:
        """A Bayesian tuning job over `ranges` (job counts from the MaxTuningJobs parameters), optimizing
        `objective` in the direction the algorithm's contract gives it."""
        step = tuning_step(
            self.ctx,
            name,
            algorithm,
            static_hyperparameters,
            ranges,
            objective_metric=objective,
            maximize=algorithm.metric(objective).maximize,
            channels=channels,
            instance_type=self.params.training_instance_type,
            instance_count=self.params.training_instances,
            max_jobs=self.params.max_tuning_jobs,
            max_parallel_jobs=self.params.max_parallel_tuning_jobs,
        )
        return Tuning(self._add(step), objective=objective, model_artifacts=best_model_artifacts(self.ctx, step))

    # ------------------------------------------------------------ models and batch transform

    def model(self, name: str, algorithm: Algorithm, model_data: object) -> Model:
        """A CreateModel step, for what needs a model (batch transform) without a registered package."""
        return Model(self._add(model_step(self.ctx, name, algorithm, model_data)))

    def batch_transform(
        self,
        algorithm: Algorithm,
        model_data: object,
        data: object,
        *,
        names: tuple[str, str],
        content_type: str = "text/csv",
        accept: str = "application/jsonlines",
    ) -> Transform:
        """A model from `model_data` (step `names[0]`) and a batch transform of the records under `data` with it
        (step `names[1]`) on the ProcessingInstanceType: CSV rows in, JSON Lines out unless told otherwise."""
        model = self.model(names[0], algorithm, model_data)
        step = transform_step(
            self.ctx, names[1], model.model_name, data, content_type=content_type, accept=accept,
            instance_type=self.params.processing_instance_type,
        )  # fmt: skip
        return Transform(self._add(step), model=model)

    # ------------------------------------------------------------ the quality gate and registration

    def gate(
        self, metric_name: str, metric: object, *, higher_is_better: bool, baseline: TrivialBaseline | None = None
    ) -> Gate:
        """Passes when `metric` is at least (or at most) MetricThreshold and beats `baseline`, if given."""
        return Gate(
            metric_name, metric, self.params.metric_threshold, higher_is_better=higher_is_better, baseline=baseline
        )

    def register_if_passes(
        self,
        gate: Gate,
        algorithm: Algorithm,
        model_data: object,
        *,
        description: str,
        gate_name: str,
        model_metrics: ModelMetrics | None = None,
        then: Sequence[StepHandle] = (),
    ) -> None:
        """The quality gate with its two ends: register the model in the pipeline's group (and then run `then`,
        e.g. a batch transform with the registered model), or fail the execution."""
        register = register_step(
            self.ctx,
            algorithm,
            model_data,
            approval_status=self.params.model_approval_status,
            description=description,
            model_metrics=model_metrics,
        )
        for handle in then:
            handle.step.add_depends_on([register])
            self._nested.add(handle.name)
        self._add(gate_step(gate, on_pass=[register, *(handle.step for handle in then)], name=gate_name))

    def train_and_register(
        self,
        algorithm: Algorithm,
        hyperparameters: Mapping[str, object],
        channels: Sequence[Channel],
        *,
        metric: str,
        description: str,
        gate_name: str,
        baseline: TrivialBaseline | None = None,
        name: str = "Train",
        limits: JobLimits = JobLimits(),
    ) -> Training:
        """Train, then gate on a metric the algorithm itself emits (it must have the channel the metric needs) and,
        where the data has one, on beating its trivial baseline. The metric's direction comes from the contract."""
        train = self.train(algorithm, hyperparameters, channels, name=name, limits=limits)
        higher_is_better = algorithm.metric(metric).maximize
        gate = self.gate(metric, train.metric(metric), higher_is_better=higher_is_better, baseline=baseline)
        self.register_if_passes(gate, algorithm, train.model_artifacts, description=description, gate_name=gate_name)
        return train

    def tune_and_register(
        self,
        algorithm: Algorithm,
        static_hyperparameters: Mapping[str, object],
        ranges: Mapping[str, object],
        channels: Sequence[Channel],
        *,
        objective: str,
        description: str,
        gate_name: str,
        baseline: TrivialBaseline | None = None,
        then: Callable[[object], Sequence[StepHandle]] | None = None,
    ) -> Tuning:
        """Tune, then gate on the best job's objective (and its trivial baseline) and register its model;
        `then(model_data)` adds steps to run with that model once it is registered."""
        tune = self.tune(algorithm, static_hyperparameters, ranges, channels, objective=objective)
        maximize = algorithm.metric(objective).maximize
        gate = self.gate(objective, tune.metric(objective), higher_is_better=maximize, baseline=baseline)
        after = then(tune.model_artifacts) if then else ()
        self.register_if_passes(
            gate, algorithm, tune.model_artifacts, description=description, gate_name=gate_name, then=after
        )
        return tune

    # ------------------------------------------------------------ image datasets

    def prepare_images(
        self,
        script: str,
        channels: Sequence[str],
        arguments: Sequence[object] = (),
        *,
        download: WebDataset | None = None,
        baseline: str | None = None,
    ) -> PreparedImages:
        """Preprocess reads InputDataUri (an S3 object), or with `download` (the web dataset InputDataUri defaults
        to) the file a Download step fetched and checked; it writes the channels, stats/stats.json and the trivial
        baseline of `baseline`."""
        raw = self.download(download).output("raw") if download else self.input_data_uri
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
        self,
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


def file_name(dataset: WebDataset, file: WebDataset) -> str:
    """The name of `file` under `dataset`'s folder URL, which it must be in (a slip in datasets.py fails the synth)."""
    if not dataset.url.endswith("/") or not file.url.startswith(dataset.url) or "/" in file.url[len(dataset.url) :]:
        raise ValueError(f"{file.url} is not a file in the folder {dataset.url}")
    return file.url[len(dataset.url) :]


def fetch_source(source: object, file: WebDataset) -> list[object]:
    """fetch.py's arguments for one source: --source, then the pinned --sha256 and --size that check it."""
    checks = [*(["--sha256", file.sha256] if file.sha256 else []), *(["--size", str(file.size)] if file.size else [])]
    return ["--source", source, *checks]
