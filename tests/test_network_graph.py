"""Graph projection: repeated edges collapse with summed weight and a count; self-loops go."""

from __future__ import annotations

import doctest

import networkx as nx
import pandas as pd
import pytest

import cybertnoc.network._graph as graph_module
from cybertnoc.errors import InvalidValue
from cybertnoc.network import graph_from_edges


@pytest.fixture
def calls() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "caller": ["a", "a", "b", "a", "c", "d", None],
            "receiver": ["b", "b", "a", "c", "c", "a", "a"],
            "seconds": [10.0, 20.0, 5.0, 7.0, 99.0, 1.0, 3.0],
        }
    )


def test_undirected_collapses_both_directions_and_counts(calls):
    G = graph_from_edges(calls, source="caller", target="receiver", weight="seconds")
    assert isinstance(G, nx.Graph) and not G.is_directed()
    assert G["a"]["b"] == {"weight": 35.0, "count": 3}
    assert G["b"]["a"] == G["a"]["b"]
    assert G["a"]["c"] == {"weight": 7.0, "count": 1}
    assert not G.has_edge("c", "c")
    assert G.graph["self_loops_dropped"] == 1
    assert sorted(G.nodes) == ["a", "b", "c", "d"]
    assert G.number_of_edges() == 3


def test_directed_keeps_orientation(calls):
    D = graph_from_edges(calls, source="caller", target="receiver", directed=True)
    assert D.is_directed()
    assert D["a"]["b"] == {"weight": 2.0, "count": 2}
    assert D["b"]["a"] == {"weight": 1.0, "count": 1}
    assert D.has_edge("d", "a") and not D.has_edge("a", "d")


@pytest.mark.parametrize(("aggregate", "expected"), [("mean", 35 / 3), ("max", 20.0), ("min", 5.0)])
def test_aggregates(calls, aggregate, expected):
    G = graph_from_edges(
        calls, source="caller", target="receiver", weight="seconds", aggregate=aggregate
    )
    assert G["a"]["b"]["weight"] == pytest.approx(expected)
    assert G["a"]["b"]["count"] == 3


def test_without_weight_column_the_weight_is_the_row_count(calls):
    G = graph_from_edges(calls, source="caller", target="receiver", aggregate="max")
    assert G["a"]["b"] == {"weight": 3.0, "count": 3}


def test_missing_column_is_named(calls):
    with pytest.raises(InvalidValue, match="caller_id"):
        graph_from_edges(calls, source="caller_id", target="receiver")


def test_bad_aggregate_and_non_numeric_weight(calls):
    with pytest.raises(InvalidValue, match="sum, mean, max, min"):
        graph_from_edges(calls, source="caller", target="receiver", aggregate="median")
    with pytest.raises(InvalidValue, match="numeric"):
        graph_from_edges(calls, source="caller", target="receiver", weight="receiver")


def test_integer_and_mixed_ids():
    edges = pd.DataFrame({"source": [1, 2, 2, "x"], "target": [2, 1, 3, 1]})
    G = graph_from_edges(edges)
    assert G[1][2]["count"] == 2
    assert G["x"][1]["count"] == 1


def test_empty_table():
    G = graph_from_edges(pd.DataFrame({"source": [], "target": []}))
    assert G.number_of_nodes() == 0 and G.graph["self_loops_dropped"] == 0


def test_doctests():
    result = doctest.testmod(graph_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
