"""Evaluation: a processing step that scores the model on held-out data and writes evaluation.json.

The report is exposed twice: as a PropertyFile, so a condition can read a metric with JsonGet, and as an S3 URI,
so the model registry can attach it to the model package as model metrics.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pipelines.context import PipelineContext
from pipelines.sdk import Join, JsonGet, MetricsSource, ModelMetrics, ProcessingStep, PropertyFile
from pipelines.steps.gate import TrivialBaseline
from pipelines.steps.processing import input_path, output_path, output_uri, processing_step

REPORT_FILE = "evaluation.json"
REPORT_OUTPUT = "evaluation"


@dataclass(frozen=True)
class Evaluation:
    step: ProcessingStep
    report: PropertyFile

    def metric(self, json_path: str) -> JsonGet:
        """A value of evaluation.json, read when the condition runs (e.g. `regression_metrics.mse.value`)."""
        return JsonGet(step_name=self.step.name, property_file=self.report, json_path=json_path)

    def baseline(self) -> TrivialBaseline:
        """The trivial baseline the evaluation script wrote beside its metrics (evaluation.json's "baseline")."""
        return TrivialBaseline(self.step.name, self.report, prefix="baseline.")

    @property
    def report_uri(self) -> Join:
        return Join(on="/", values=[output_uri(self.step, REPORT_OUTPUT), REPORT_FILE])

    def model_metrics(self) -> ModelMetrics:
        """The report as model-quality statistics of the registered model package."""
        return ModelMetrics(model_statistics=MetricsSource(s3_uri=self.report_uri, content_type="application/json"))


def evaluation_step(
    ctx: PipelineContext,
    script: str,
    image: str | None,
    instance_type,
    inputs: Mapping[str, object],
    name: str = "Evaluate",
) -> Evaluation:
    """An evaluation script gets `--<input>-dir` for each input and `--output-dir` for its report; `image` None: the
    scikit-learn image, as every processing script."""
    report = PropertyFile(name="EvaluationReport", output_name=REPORT_OUTPUT, path=REPORT_FILE)
    arguments = [part for input_name in inputs for part in (f"--{input_name}-dir", input_path(input_name))]
    step = processing_step(
        ctx,
        name,
        script=script,
        image=image,
        instance_type=instance_type,
        inputs=inputs,
        outputs=[REPORT_OUTPUT],
        arguments=[*arguments, "--output-dir", output_path(REPORT_OUTPUT)],
        property_files=[report],
    )
    return Evaluation(step=step, report=report)
