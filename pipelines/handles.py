"""What adding a step to a pipeline gives back: a small frozen handle, and on it the one way to read each result of
the step at run time (an output's S3 URI, the model artifacts, a metric, a value of a JSON report)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pipelines.algorithms import Algorithm
from pipelines.sdk import Join, JsonGet, MetricsSource, ModelMetrics, PropertyFile
from pipelines.steps.gate import BASELINE_PROPERTY_FILE, TrivialBaseline
from pipelines.steps.training import Channel

_PATH_PART = re.compile(r"(\w+)|\['([^']+)'\]")
REPORT_FILE = "evaluation.json"
REPORT_OUTPUT = "evaluation"
REPORT_PROPERTY_FILE = "EvaluationReport"


@dataclass(frozen=True)
class StepHandle:
    step: Any  # the SDK step, for the pipeline's step list and for DependsOn

    @property
    def name(self) -> str:
        return self.step.name

    def property(self, path: str) -> Any:
        """A property of the running step by its path in the job's Describe response, for what no accessor
        names: e.g. `ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri`."""
        value = self.step.properties
        parts = _PATH_PART.findall(path)
        if ".".join(f"{a}" if a else f"['{k}']" for a, k in parts).replace(".[", "[") != path:
            raise ValueError(f"step {self.name}: not a property path: {path!r}")
        for attribute, key in parts:
            value = getattr(value, attribute) if attribute else value[key]
        return value


@dataclass(frozen=True)
class Processing(StepHandle):
    files: tuple[PropertyFile, ...] = ()  # the JSON reports a condition may read (see `json`)

    def output(self, name: str, file: str | None = None) -> Any:
        """The S3 URI the step uploaded its output `name` to, or of one `file` in it."""
        uri = self.property(f"ProcessingOutputConfig.Outputs['{name}'].S3Output.S3Uri")
        return Join(on="/", values=[uri, file]) if file else uri

    def channels(self, content_type: str | None, *names: str, sharded: Sequence[str] = ()) -> list[Channel]:
        """Training channels named after, and fed by, outputs of this step."""
        return [Channel(name, self.output(name), content_type, sharded=name in sharded) for name in names]

    def json(self, file_name: str, path: str) -> JsonGet:
        """A value of one of the step's JSON reports, read when a later step or condition runs."""
        for report in self.files:
            if report.name == file_name:
                return JsonGet(step_name=self.name, property_file=report, json_path=path)
        raise ValueError(f"step {self.name} writes no property file {file_name}")

    @property
    def baseline(self) -> TrivialBaseline:
        """The trivial baseline the step wrote (it was added with `baseline=`)."""
        for report in self.files:
            if report.name == BASELINE_PROPERTY_FILE:
                return TrivialBaseline(self.name, report)
        raise ValueError(f"step {self.name} writes no baseline")


@dataclass(frozen=True)
class Evaluation(Processing):
    """An evaluation step: its report evaluation.json is read by the gate (JsonGet) and attached to the registered
    model package as model metrics (its S3 URI)."""

    def metric(self, json_path: str) -> JsonGet:
        """A value of evaluation.json (e.g. `regression_metrics.mse.value`)."""
        return self.json(REPORT_PROPERTY_FILE, json_path)

    @property
    def baseline(self) -> TrivialBaseline:
        """The trivial baseline the evaluation script wrote beside its metrics (evaluation.json's "baseline")."""
        return TrivialBaseline(self.name, self.files[0], prefix="baseline.")

    def model_metrics(self) -> ModelMetrics:
        """The report as model-quality statistics of the registered model package."""
        report = MetricsSource(s3_uri=self.output(REPORT_OUTPUT, REPORT_FILE), content_type="application/json")
        return ModelMetrics(model_statistics=report)


@dataclass(frozen=True)
class Training(StepHandle):
    algorithm: Algorithm | None = None

    @property
    def model_artifacts(self) -> Any:
        """The S3 URI of the model.tar.gz the job wrote."""
        return self.property("ModelArtifacts.S3ModelArtifacts")

    def metric(self, name: str) -> Any:
        """The final value of a metric the algorithm emitted, e.g. `validation:binary_f_beta`."""
        return self.property(f"FinalMetricDataList['{name}'].Value")


@dataclass(frozen=True)
class Tuning(StepHandle):
    objective: str = ""
    model_artifacts: Any = None  # the best training job's model.tar.gz

    def metric(self, name: str) -> Any:
        """The best training job's value of the objective metric (the only metric a tuning job reports)."""
        if name != self.objective:
            raise ValueError(f"step {self.name}: tunes {self.objective}, has no best value of {name}")
        return self.property("BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value")


@dataclass(frozen=True)
class Model(StepHandle):
    @property
    def model_name(self) -> Any:
        return self.property("ModelName")


@dataclass(frozen=True)
class Transform(StepHandle):
    model: Model | None = None  # the model step it scores with, when the builder created both

    def output(self) -> Any:
        """The S3 prefix the batch transform wrote its answers to."""
        return self.property("TransformOutput.S3OutputPath")
