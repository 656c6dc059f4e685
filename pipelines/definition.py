"""Reading a parsed pipeline definition (the JSON SageMaker runs, as a dict): its steps, those nested in a condition's
branches included; the dependencies between them; its parameters' defaults; the training definitions and channels of
its jobs.

The compiler, the contract check, the synth report and the docs all read definitions through this module, so that they
agree on what a step is and on why one step waits for another.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

Document = Mapping[str, Any]  # a parsed pipeline definition
Step = dict[str, Any]  # one entry of its Steps, or of a condition's branches

# A condition step's branches, by the name a reader gives them.
BRANCHES = (("IfSteps", "pass"), ("ElseSteps", "fail"))
_STEP_PROPERTY = re.compile(r"^Steps\.([^.\[]+)")


class NoDefaultError(ValueError):
    """A value the definition leaves to a parameter that has no default (or to an expression): no literal to use."""


# ---------------------------------------------------------------- steps


def walk_steps(document: Document) -> Iterator[Step]:
    """Every step, those inside condition branches included, in definition order."""
    pending = list(document["Steps"])
    while pending:
        step = pending.pop(0)
        yield step
        pending.extend(branch_steps(step))


def branch_steps(step: Step) -> list[Step]:
    """The steps a condition runs when it passes, then those it runs when it fails; none for any other step."""
    if step["Type"] != "Condition":
        return []
    return [nested for key, _ in BRANCHES for nested in step["Arguments"].get(key, [])]


def count_steps(document: Document) -> int:
    return sum(1 for _ in walk_steps(document))


# ---------------------------------------------------------------- values


def parameter_defaults(document: Document) -> dict[str, Any]:
    """{parameter name: its DefaultValue, None when it has none}."""
    return {parameter["Name"]: parameter.get("DefaultValue") for parameter in document.get("Parameters", [])}


def parameter_of(value: Any) -> str | None:
    """The name of the parameter a value reads ({"Get": "Parameters.NAME"}), else None."""
    if isinstance(value, dict) and str(value.get("Get", "")).startswith("Parameters."):
        return str(value["Get"]).removeprefix("Parameters.")
    return None


def resolve(value: Any, parameters: Mapping[str, Any], where: str) -> Any:
    """A literal, or the value of the parameter it reads (`parameters`: e.g. the defaults, for a run with default
    parameters); raises NoDefaultError naming `where` when there is none."""
    name = parameter_of(value)
    if name is not None and parameters.get(name) is not None:
        return parameters[name]
    if isinstance(value, dict | list):
        raise NoDefaultError(f"{where}: {json.dumps(value)} has no default value to document")
    return value


def property_paths(value: Any) -> Iterator[str]:
    """The path of every {"Get": path} inside a JSON value, in document order: parameters, execution variables and
    step properties, including the property file of a Std:JsonGet and the parts of a Std:Join."""
    if isinstance(value, dict):
        if isinstance(value.get("Get"), str):
            yield value["Get"]
        for item in value.values():
            yield from property_paths(item)
    elif isinstance(value, list):
        for item in value:
            yield from property_paths(item)


def step_of(path: str) -> str | None:
    """The step a property path reads ("Steps.Train.ModelArtifacts.S3ModelArtifacts": "Train"), else None."""
    match = _STEP_PROPERTY.match(path)
    return match.group(1) if match else None


def referenced_steps(step: Step) -> list[str]:
    """Steps whose properties this step reads (outputs, metrics, property files, model names), once each, in order.
    A condition's branches are left out: their steps read on their own behalf."""
    branches = {key for key, _ in BRANCHES}
    own = {key: value for key, value in step.get("Arguments", {}).items() if key not in branches}
    names = (step_of(path) for path in property_paths(own))
    return list(dict.fromkeys(name for name in names if name))


# ---------------------------------------------------------------- dependencies


class Dependency(Enum):
    """Why a step waits for another, weakest first: one pair of steps is drawn once, for its strongest reason."""

    DATA = "data"  # reads a property of the other step (an output, a metric, a property file) without a DependsOn
    ORDER = "order"  # an explicit DependsOn
    PASS = "pass"  # in the IfSteps of the other step, a condition
    FAIL = "fail"  # in its ElseSteps

    @property
    def strength(self) -> int:
        return list(Dependency).index(self)

    @property
    def is_branch(self) -> bool:
        return self in (Dependency.PASS, Dependency.FAIL)


@dataclass(frozen=True)
class Edge:
    source: str
    target: str  # waits for source
    kind: Dependency

    @property
    def label(self) -> str:
        """ "pass" or "fail" for a condition's branches, else empty."""
        return self.kind.value if self.kind.is_branch else ""


def _candidate_edges(step: Step) -> Iterator[Edge]:
    for name in referenced_steps(step):
        yield Edge(name, step["Name"], Dependency.DATA)
    for name in step.get("DependsOn", []):
        yield Edge(name, step["Name"], Dependency.ORDER)
    if step["Type"] == "Condition":
        for key, label in BRANCHES:
            for nested in step["Arguments"].get(key, []):
                yield Edge(step["Name"], nested["Name"], Dependency(label))


def dependencies(document: Document) -> list[Edge]:
    """One edge per pair of steps, for its strongest reason (a branch over a DependsOn over a data reference), sorted
    by the definition order of source, then target; references to steps outside the definition are left out."""
    order = {step["Name"]: index for index, step in enumerate(walk_steps(document))}
    edges: dict[tuple[str, str], Edge] = {}
    for edge in (edge for step in walk_steps(document) for edge in _candidate_edges(step)):
        pair = (edge.source, edge.target)
        if edge.source not in order or edge.source == edge.target:
            continue
        if pair not in edges or edge.kind.strength > edges[pair].kind.strength:
            edges[pair] = edge
    return sorted(edges.values(), key=lambda edge: (order[edge.source], order[edge.target]))


# ---------------------------------------------------------------- jobs


def training_definitions(arguments: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A tuning step's training job definitions: the single one, or each of several."""
    single = arguments.get("TrainingJobDefinition")
    return [single] if single else list(arguments.get("TrainingJobDefinitions", []))


def channels(step: Step) -> list[dict[str, Any]]:
    """The input channels of a training step, or of every training definition of a tuning step; none otherwise."""
    if step["Type"] == "Training":
        return list(step["Arguments"].get("InputDataConfig", []))
    if step["Type"] == "Tuning":
        definitions = training_definitions(step["Arguments"])
        return [channel for definition in definitions for channel in definition.get("InputDataConfig", [])]
    return []
