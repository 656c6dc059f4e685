"""`start --param KEY=VALUE`: checked against the pipeline's own parameters before anything is sent to AWS, so a typo
fails in a second with the list of valid names instead of as a failed (and billed) execution."""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

from pipelines.cli.errors import UsageError

# The formats SageMaker parses (no Python-only forms such as "1_000").
_INTEGER = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_BOOLEAN = ("true", "false")


def assignment(text: str) -> tuple[str, str]:
    """argparse type of --param: 'KEY=VALUE' -> (KEY, VALUE); the value may itself contain '='."""
    key, separator, value = text.partition("=")
    if not separator or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key.strip(), value


def pipeline_parameters(
    assignments: Iterable[tuple[str, str]], declared: Sequence[dict[str, Any]], pipeline: str
) -> list[dict[str, str]]:
    """The PipelineParameters of StartPipelineExecution, each checked against the definition's Parameters."""
    by_name = {parameter["Name"]: parameter for parameter in declared}
    chosen: dict[str, str] = {}
    for key, value in assignments:
        if key not in by_name:
            raise UsageError(f"unknown parameter {key!r} for {pipeline}; known: {', '.join(by_name)}")
        if key in chosen:
            raise UsageError(f"parameter {key} given twice")
        chosen[key] = check_value(by_name[key], value)
    return [{"Name": name, "Value": value} for name, value in chosen.items()]


def check_value(parameter: dict[str, Any], value: str) -> str:
    name, kind = parameter["Name"], parameter["Type"]
    if kind == "Integer" and not _INTEGER.match(value.strip()):
        raise UsageError(f"parameter {name} is an Integer; {value!r} is not a whole number")
    if kind == "Float" and not (_FLOAT.match(value.strip()) and math.isfinite(float(value))):
        raise UsageError(f"parameter {name} is a Float; {value!r} is not a number")
    if kind == "Boolean" and value.strip().lower() not in _BOOLEAN:
        raise UsageError(f"parameter {name} is a Boolean; {value!r} is neither true nor false")
    allowed = [str(option) for option in parameter.get("EnumValues") or []]
    if allowed and value not in allowed:
        raise UsageError(f"parameter {name} must be one of {', '.join(allowed)}; got {value!r}")
    return value
