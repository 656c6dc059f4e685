"""How a definition value reads in the docs: a parameter, a step's output, metric or property file, or the literal."""

from __future__ import annotations

import json
import re
from typing import Any

# A condition's comparison, as the gate table writes it.
OPERATORS = {
    "LessThanOrEqualTo": "<=",
    "LessThan": "<",
    "GreaterThanOrEqualTo": ">=",
    "GreaterThan": ">",
    "Equals": "==",
}
# How a property reference reads; the first pattern that matches wins.
_GET_PHRASES = (
    (re.compile(r"^Parameters\.(.+)$"), "parameter `{0}`"),
    (
        re.compile(r"^Steps\.([^.]+)\.ProcessingOutputConfig\.Outputs\['([^']+)'\]\.S3Output\.S3Uri$"),
        "{0} output `{1}`",
    ),
    (re.compile(r"^Steps\.([^.]+)\.FinalMetricDataList\['([^']+)'\]\.Value$"), "{0} metric {1}"),
    (
        re.compile(r"^Steps\.([^.]+)\.BestTrainingJob\.FinalHyperParameterTuningJobObjectiveMetric\.Value$"),
        "{0} best objective",
    ),
    (re.compile(r"^Steps\.([^.]+)\.ModelArtifacts\.S3ModelArtifacts$"), "{0} model artifacts"),
    (re.compile(r"^Steps\.([^.]+)\.PropertyFiles\.(.+)$"), "{0} {1}"),
    (re.compile(r"^Steps\.([^.]+)\.(.+)$"), "{0} {1}"),
)


def _describe_get(path: str) -> str:
    for pattern, phrase in _GET_PHRASES:
        match = pattern.match(path)
        if match:
            return phrase.format(*match.groups())
    return f"`{path}`"


def describe(value: Any) -> str:
    """A definition value as a reader would name it: a parameter, a step's output or metric, or the literal."""
    if isinstance(value, dict) and "Get" in value:
        return _describe_get(value["Get"])
    if isinstance(value, dict) and "Std:JsonGet" in value:
        json_get = value["Std:JsonGet"]
        return f"{describe(json_get['PropertyFile'])} {json_get['Path']}"
    if isinstance(value, dict) and "Std:Join" in value:
        parts = [describe(part) for part in value["Std:Join"]["Values"] if isinstance(part, dict)]
        return " + ".join(parts) if parts else f"`{value['Std:Join']['On'].join(value['Std:Join']['Values'])}`"
    if isinstance(value, dict | list):
        return f"`{json.dumps(value, sort_keys=True)}`"
    return f"`{value}`"
