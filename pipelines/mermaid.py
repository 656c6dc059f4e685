"""The step graph as a Mermaid flowchart, which GitHub draws in place of the code block.

Only basic flowchart syntax, as Mermaid's own docs give it (github.com/mermaid-js/mermaid, docs/syntax/flowchart.md):
nodes with quoted labels, a rhombus for a condition; `-->` for execution order, `-.->` for a data-only dependency, a
thick `== pass ==>` for the branch that leads on, and a `-->|fail|` that `linkStyle` colours red (links are numbered
in the order they are written, from 0).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipelines.definition import Dependency, Edge, Step

FAIL_COLOUR = "#d62728"
# `{0}` is the source node, `{1}` the target.
_ARROWS = {
    Dependency.DATA: "{0} -.-> {1}",
    Dependency.ORDER: "{0} --> {1}",
    Dependency.PASS: "{0} == pass ==> {1}",
    Dependency.FAIL: "{0} -->|fail| {1}",
}


def node_id(name: str) -> str:
    node = re.sub(r"\W", "_", name)
    return f"{node}_" if node.lower() == "end" else node  # "end" closes a Mermaid subgraph


def node(step: Step) -> str:
    label = f"{step['Name']} ({step['Type']})".replace('"', "#quot;")
    shape = '{{"{}"}}' if step["Type"] == "Condition" else '["{}"]'
    return node_id(step["Name"]) + shape.format(label)


def link(edge: Edge) -> str:
    return _ARROWS[edge.kind].format(node_id(edge.source), node_id(edge.target))


def _fail_style(edges: Sequence[Edge]) -> list[str]:
    numbers = [str(number) for number, edge in enumerate(edges) if edge.kind is Dependency.FAIL]
    return [f"linkStyle {','.join(numbers)} stroke:{FAIL_COLOUR},color:{FAIL_COLOUR}"] if numbers else []


def flowchart(steps: Sequence[Step], edges: Sequence[Edge]) -> list[str]:
    """The lines of a fenced ```mermaid block: top to bottom, every step, then every edge in the given order."""
    body = [node(step) for step in steps] + [link(edge) for edge in edges] + _fail_style(edges)
    return ["```mermaid", "flowchart TD", *(f"  {line}" for line in body), "```"]
