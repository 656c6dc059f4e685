"""The quality gate: register the model only if its metric passes the threshold, otherwise fail the execution
with a message that carries the metric and the threshold."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipelines.sdk import ConditionGreaterThanOrEqualTo, ConditionLessThanOrEqualTo, ConditionStep, FailStep, Join


@dataclass(frozen=True)
class Gate:
    metric_name: str  # as shown in the failure message, e.g. "validation:rmse" or "MSE"
    metric: object  # a pipeline value read at run time (JsonGet, a training metric, a tuning objective)
    threshold: object  # usually the MetricThreshold parameter
    higher_is_better: bool

    def condition(self):
        comparison = ConditionGreaterThanOrEqualTo if self.higher_is_better else ConditionLessThanOrEqualTo
        return comparison(left=self.metric, right=self.threshold)

    def failure_message(self) -> Join:
        relation = "is below the minimum" if self.higher_is_better else "is above the maximum"
        return Join(on=" ", values=[f"Quality gate failed: {self.metric_name}", self.metric, relation, self.threshold])


def fail_step(gate: Gate, name: str = "QualityGateFailed") -> FailStep:
    return FailStep(name, error_message=gate.failure_message())


def gate_step(gate: Gate, on_pass: Sequence[object], name: str = "CheckQuality") -> ConditionStep:
    return ConditionStep(name, conditions=[gate.condition()], if_steps=list(on_pass), else_steps=[fail_step(gate)])
