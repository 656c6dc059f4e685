"""The step graph as a reader needs it: an arrow only where no longer path already connects the two steps.

A pipeline's steps form a directed acyclic graph (SageMaker refuses a cycle). Its transitive reduction, the fewest
edges with the same reachability, is unique for such a graph: an edge u -> v is dropped when v can be reached from
another successor of u. A condition's pass and fail branches count as paths like any other edge.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from pipelines.definition import Edge


def successors(edges: Iterable[Edge]) -> dict[str, list[str]]:
    """{step: the steps that wait for it directly}."""
    graph: dict[str, list[str]] = {}
    for edge in edges:
        graph.setdefault(edge.source, []).append(edge.target)
    return graph


def reachable(graph: Mapping[str, Sequence[str]], start: str) -> set[str]:
    """Every step a path from `start` leads to (`start` itself only through a cycle)."""
    found: set[str] = set()
    pending = list(graph.get(start, ()))
    while pending:
        step = pending.pop()
        if step not in found:
            found.add(step)
            pending.extend(graph.get(step, ()))
    return found


def _repeats_a_path(edge: Edge, graph: Mapping[str, Sequence[str]]) -> bool:
    others = (successor for successor in graph[edge.source] if successor != edge.target)
    return any(edge.target in reachable(graph, successor) for successor in others)


def without_shortcuts(edges: Sequence[Edge]) -> list[Edge]:
    """The edges no longer path repeats (the transitive reduction), in their given order."""
    graph = successors(edges)
    return [edge for edge in edges if not _repeats_a_path(edge, graph)]
