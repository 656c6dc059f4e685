"""The step graph the docs draw: no arrow repeats a path, data-only dependencies dotted, execution order solid, the
gate's pass and fail branches apart."""

from __future__ import annotations

import pytest

from pipelines import dag, definition, mermaid
from pipelines.definition import Dependency, Edge
from tests.conftest import PREFIX

DATA, ORDER, PASS, FAIL = Dependency.DATA, Dependency.ORDER, Dependency.PASS, Dependency.FAIL


def _drawn(pipeline) -> list[Edge]:
    return dag.without_shortcuts(definition.dependencies(pipeline.document))


def _links(pipeline) -> list[str]:
    return [mermaid.link(edge) for edge in _drawn(pipeline)]


# ---------------------------------------------------------------- the reduction


def test_no_drawn_edge_repeats_a_path_and_every_dependency_is_still_drawn_as_one(compiled):
    for pipeline in compiled.values():
        every = definition.dependencies(pipeline.document)
        drawn = _drawn(pipeline)
        graph = dag.successors(drawn)
        for edge in drawn:
            others = dag.successors(other for other in drawn if other != edge)
            assert edge.target not in dag.reachable(others, edge.source), (pipeline.name, edge)
        for edge in every:
            assert edge.target in dag.reachable(graph, edge.source), (pipeline.name, edge)


def test_ipinsights_logins_keeps_six_of_its_thirteen_arrows(compiled):
    pipeline = compiled[f"{PREFIX}-ipinsights-logins"]
    assert len(definition.dependencies(pipeline.document)) == 13
    assert _drawn(pipeline) == [
        Edge("Generate", "Tune", DATA),
        Edge("Tune", "CheckAUC", DATA),
        Edge("CheckAUC", "RegisterModel", PASS),
        Edge("CheckAUC", "QualityGateFailed", FAIL),
        Edge("RegisterModel", "CreateModel", ORDER),
        Edge("CreateModel", "ScoreTestLogins", DATA),
    ]


def test_a_branch_counts_as_a_path_and_a_diamond_keeps_both_sides():
    edges = [
        Edge("Gate", "Register", PASS),
        Edge("Gate", "Score", PASS),  # also reached through Register: dropped
        Edge("Register", "Score", ORDER),
        Edge("Score", "Left", DATA),
        Edge("Score", "Right", DATA),
        Edge("Left", "Join", DATA),
        Edge("Right", "Join", DATA),  # two paths of the same length: neither repeats the other
    ]
    assert dag.without_shortcuts(edges) == [edges[0], *edges[2:]]


# ---------------------------------------------------------------- drawing


def test_census_kmeans_draws_data_dotted_and_the_gate_solid(compiled):
    assert _links(compiled[f"{PREFIX}-census-kmeans"]) == [
        "Preprocess -.-> TrainPCA",
        "TrainPCA -.-> CreatePCAModel",
        "CreatePCAModel -.-> ProjectCounties",
        "ProjectCounties -.-> SelectComponents",
        "SelectComponents -.-> TrainKMeans",
        "TrainKMeans -.-> CheckMSD",
        "CheckMSD == pass ==> RegisterModel",
        "CheckMSD -->|fail| QualityGateFailed",
    ]


def test_an_explicit_depends_on_is_a_solid_arrow(compiled):
    assert "RegisterModel --> CreateModel" in _links(compiled[f"{PREFIX}-ipinsights-logins"])


def test_pass_is_thick_and_labelled_and_every_fail_link_is_red_by_its_number():
    steps = [{"Name": name, "Type": "Condition" if name.startswith("Gate") else "Processing"} for name in "ABC"]
    edges = [
        Edge("A", "GateOne", DATA),
        Edge("GateOne", "B", PASS),
        Edge("GateOne", "C", FAIL),
        Edge("B", "GateTwo", ORDER),
        Edge("GateTwo", "D", FAIL),
    ]
    lines = mermaid.flowchart(steps, edges)
    assert lines[0] == "```mermaid" and lines[1] == "flowchart TD" and lines[-1] == "```"
    assert lines[-7:-1] == [
        "  A -.-> GateOne",
        "  GateOne == pass ==> B",
        "  GateOne -->|fail| C",
        "  B --> GateTwo",
        "  GateTwo -->|fail| D",
        f"  linkStyle 2,4 stroke:{mermaid.FAIL_COLOUR},color:{mermaid.FAIL_COLOUR}",
    ]


def test_a_graph_without_a_fail_branch_has_no_link_style():
    lines = mermaid.flowchart([{"Name": "A", "Type": "Processing"}], [Edge("A", "B", ORDER)])
    assert not any("linkStyle" in line for line in lines)


@pytest.mark.parametrize(
    ("step", "line"),
    [
        ({"Name": "Gate", "Type": "Condition"}, 'Gate{"Gate (Condition)"}'),
        ({"Name": "end", "Type": "Fail"}, 'end_["end (Fail)"]'),  # "end" would close a subgraph
        ({"Name": 'Say "hi"-now', "Type": "Lambda"}, 'Say__hi__now["Say #quot;hi#quot;-now (Lambda)"]'),
    ],
)
def test_nodes_are_valid_mermaid_whatever_the_step_name(step, line):
    assert mermaid.node(step) == line
