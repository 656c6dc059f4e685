"""The quality gate: register the model only if its metric passes the threshold and beats the trivial baseline of
the same data, otherwise fail the execution with a message that carries the metric, the threshold and the baseline.

A fixed threshold means nothing on a user's own data (InputDataUri), so wherever the prepared data has a trivial
baseline (majority class, mean, naive forecast, one cluster), the step that prepares or scores the data computes
it at run time (processing/shared/baselines.py) and the gate's second condition requires the model to beat it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass

from pipelines.sdk import (
    ConditionGreaterThan,
    ConditionGreaterThanOrEqualTo,
    ConditionLessThan,
    ConditionLessThanOrEqualTo,
    ConditionStep,
    FailStep,
    Join,
    JsonGet,
    PropertyFile,
)

BASELINE_OUTPUT = "baseline"  # the output folder of a step that writes baseline.json
BASELINE_FILE = "baseline.json"
BASELINE_PROPERTY_FILE = "Baseline"


def baseline_file() -> PropertyFile:
    """The property file of baseline/baseline.json ({"metric", "value", "model", "split", "records"})."""
    return PropertyFile(name=BASELINE_PROPERTY_FILE, output_name=BASELINE_OUTPUT, path=BASELINE_FILE)


@dataclass(frozen=True)
class TrivialBaseline:
    """The score of a model that learned nothing, as a step of the running pipeline wrote it."""

    step_name: str
    report: PropertyFile
    prefix: str = ""  # where the fields sit in the JSON: "" in baseline.json, "baseline." in an evaluation report

    def value(self) -> JsonGet:
        return JsonGet(step_name=self.step_name, property_file=self.report, json_path=f"{self.prefix}value")

    def model(self) -> JsonGet:
        """The trivial model in words, e.g. "always 0"."""
        return JsonGet(step_name=self.step_name, property_file=self.report, json_path=f"{self.prefix}model")


@dataclass(frozen=True)
class Gate:
    metric_name: str  # as shown in the failure message, e.g. "validation:rmse" or "MSE"
    metric: object  # a pipeline value read at run time (JsonGet, a training metric, a tuning objective)
    threshold: object  # usually the MetricThreshold parameter
    _: KW_ONLY
    higher_is_better: bool
    baseline: TrivialBaseline | None = None  # None: the metric's trivial score is a constant (e.g. AUC 0.5)

    def conditions(self) -> list:
        at_least = ConditionGreaterThanOrEqualTo if self.higher_is_better else ConditionLessThanOrEqualTo
        conditions = [at_least(left=self.metric, right=self.threshold)]
        if self.baseline is not None:
            beats = ConditionGreaterThan if self.higher_is_better else ConditionLessThan
            conditions.append(beats(left=self.metric, right=self.baseline.value()))
        return conditions

    def failure_message(self) -> Join:
        bound, side = ("at least", "above") if self.higher_is_better else ("at most", "below")
        values = [f"Quality gate failed: {self.metric_name}", self.metric, f"must be {bound}", self.threshold]
        if self.baseline is not None:
            values += [
                f"(MetricThreshold) and {side} the trivial baseline",
                self.baseline.value(),
                "of",
                self.baseline.model(),
                "on the same data",
            ]
        return Join(on=" ", values=values)


def fail_step(gate: Gate, name: str = "QualityGateFailed") -> FailStep:
    return FailStep(name, error_message=gate.failure_message())


def gate_step(gate: Gate, on_pass: Sequence[object], *, name: str = "CheckQuality") -> ConditionStep:
    return ConditionStep(name, conditions=gate.conditions(), if_steps=list(on_pass), else_steps=[fail_step(gate)])
