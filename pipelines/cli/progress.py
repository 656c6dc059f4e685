"""How `watch` shows an execution: a redrawn table on a terminal, one line per step status change in a log."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pipelines.cli import text

FINISHED_STEP_STATUSES = frozenset({"Succeeded", "Failed", "Stopped"})
# ANSI: move the cursor to the start of the line n lines up, then erase to the end of the screen.
_REDRAW = "\x1b[{lines}F\x1b[J"


@dataclass(frozen=True)
class Snapshot:
    """One poll: the execution's status, its steps so far (in start order) and how many steps it will run."""

    status: str
    steps: Sequence[dict[str, Any]]
    planned_steps: int
    started: datetime | None
    now: datetime

    @property
    def finished_steps(self) -> int:
        return sum(step.get("StepStatus") in FINISHED_STEP_STATUSES for step in self.steps)

    def progress_line(self) -> str:
        elapsed = f", {text.duration(self.now - self.started)} elapsed" if self.started else ""
        return f"{self.status}: {self.finished_steps}/{self.planned_steps} steps finished{elapsed}"


def planned_step_count(steps: Sequence[dict[str, Any]], outcomes: dict[str, str]) -> int:
    """Steps the execution will run: a condition runs one branch, the taken one once its outcome is known, else
    (for the estimate) the longer one."""
    total = 0
    for step in steps:
        total += 1
        if step.get("Type") != "Condition":
            continue
        arguments = step.get("Arguments", {})
        branches = {"True": arguments.get("IfSteps", []), "False": arguments.get("ElseSteps", [])}
        outcome = outcomes.get(step["Name"])
        if outcome in branches:
            total += planned_step_count(branches[outcome], outcomes)
        else:
            total += max(planned_step_count(branch, outcomes) for branch in branches.values())
    return total


def condition_outcomes(steps: Sequence[dict[str, Any]]) -> dict[str, str]:
    return {
        step["StepName"]: str(step["Metadata"]["Condition"].get("Outcome"))
        for step in steps
        if "Condition" in step.get("Metadata", {})
    }


def step_duration(step: dict[str, Any], now: datetime) -> str:
    start = step.get("StartTime")
    if start is None:
        return ""
    return text.duration((step.get("EndTime") or now) - start)


class TableDisplay:
    """Redraws the whole table in place on each poll (a terminal)."""

    def __init__(self) -> None:
        self._lines_drawn = 0

    def update(self, snapshot: Snapshot) -> None:
        rows = [("step", "status", "duration")]
        rows += [
            (step["StepName"], step.get("StepStatus", ""), step_duration(step, snapshot.now)) for step in snapshot.steps
        ]
        lines = [*text.table(rows), "", snapshot.progress_line()]
        if self._lines_drawn:
            sys.stdout.write(_REDRAW.format(lines=self._lines_drawn))
        print("\n".join(lines), flush=True)
        self._lines_drawn = len(lines)


class ChangeLog:
    """Prints a line only when a step's status changes (a pipe or CI log, where redrawing makes no sense)."""

    def __init__(self) -> None:
        self._last_status: dict[str, str] = {}

    def update(self, snapshot: Snapshot) -> None:
        for step in snapshot.steps:
            name, status = step["StepName"], step.get("StepStatus", "")
            if self._last_status.get(name) == status:
                continue
            self._last_status[name] = status
            took = f" ({step_duration(step, snapshot.now)})" if status in FINISHED_STEP_STATUSES else ""
            print(f"{name}: {status}{took} [{snapshot.finished_steps}/{snapshot.planned_steps}]", flush=True)


def outcome_lines(steps: Sequence[dict[str, Any]]) -> list[str]:
    """What the gate decided and what it produced: condition outcomes (with a metric value where the metadata has
    one), the Fail step's message (it carries the metric and the threshold), the registered model package."""
    lines = []
    for step in steps:
        name, metadata = step["StepName"], step.get("Metadata", {})
        if "Condition" in metadata:
            lines.append(f"{name}: condition {_condition_text(metadata['Condition'])}")
        if metadata.get("Fail", {}).get("ErrorMessage"):
            lines.append(f"{name}: {metadata['Fail']['ErrorMessage']}")
        if metadata.get("RegisterModel", {}).get("Arn"):
            lines.append(f"{name}: model package {metadata['RegisterModel']['Arn']}")
    return lines


def _condition_text(condition: dict[str, Any]) -> str:
    # Today SageMaker reports only the Outcome; anything else it reports (such as the value compared) is shown too.
    extra = ", ".join(f"{key} {value}" for key, value in condition.items() if key != "Outcome")
    return f"{condition.get('Outcome', 'unknown')}" + (f" ({extra})" if extra else "")


def failure_text(execution: dict[str, Any], steps: Sequence[dict[str, Any]]) -> str:
    """One line: the execution's status and reason, then each failed step's reason."""
    parts = [f"execution {execution['PipelineExecutionStatus']}"]
    if execution.get("FailureReason"):
        parts[0] += f": {_one_line(execution['FailureReason'])}"
    for step in steps:
        if step.get("StepStatus") == "Failed":
            parts.append(f"step {step['StepName']} failed: {_one_line(step.get('FailureReason') or 'no reason given')}")
    return "; ".join(parts)


def _one_line(reason: str) -> str:
    return " ".join(str(reason).split())
