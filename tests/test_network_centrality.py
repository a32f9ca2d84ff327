"""Centrality table and network summary: known answers on small graphs and Zachary's club."""

from __future__ import annotations

import doctest

import networkx as nx
import pytest

import cybertnoc.network.centrality as centrality_module
from cybertnoc.errors import InvalidValue
from cybertnoc.network import CENTRALITY_COLUMNS, centrality_table, network_summary


def test_star_centre_has_normalised_betweenness_one():
    table = centrality_table(nx.star_graph(6))
    assert list(table.columns) == list(CENTRALITY_COLUMNS)
    centre = table.iloc[0]
    assert centre["node"] == 0
    assert centre["betweenness"] == pytest.approx(1.0)
    assert centre["degree"] == 6 and centre["degree_centrality"] == pytest.approx(1.0)
    assert centre["closeness"] == pytest.approx(1.0)
    assert centre["constraint"] == pytest.approx(6 * (1 / 6) ** 2)
    assert centre["effective_size"] == pytest.approx(6.0)
    leaves = table.iloc[1:]
    assert (leaves["betweenness"] == 0).all()
    assert leaves["node"].tolist() == [1, 2, 3, 4, 5, 6]  # ties broken by node id


def test_path_of_five_exact_betweenness():
    raw = centrality_table(nx.path_graph(5), normalized=False).set_index("node")
    # Pairs whose shortest path crosses each node: 1 -> (0,2),(0,3),(0,4); 2 -> 4 pairs.
    assert raw["betweenness"].to_dict() == {0: 0.0, 1: 3.0, 2: 4.0, 3: 3.0, 4: 0.0}
    norm = centrality_table(nx.path_graph(5)).set_index("node")
    assert norm["betweenness"].to_dict() == pytest.approx(
        {0: 0.0, 1: 0.5, 2: 2 / 3, 3: 0.5, 4: 0.0}
    )
    assert norm.loc[2, "closeness"] == pytest.approx(4 / 6)
    assert centrality_table(nx.path_graph(5))["node"].tolist() == [2, 1, 3, 0, 4]


def test_bridge_between_two_triangles():
    # Triangles {0,1,2} and {4,5,6}; node 3 is tied to 2 and 4 only.
    G = nx.Graph([(0, 1), (1, 2), (0, 2), (2, 3), (3, 4), (4, 5), (5, 6), (4, 6)])
    table = centrality_table(G, normalized=False).set_index("node")
    assert table["betweenness"].idxmax() == 3
    assert table.loc[3, "betweenness"] == 9.0  # all 3 x 3 cross pairs
    assert table.loc[2, "betweenness"] == 8.0  # {0,1} x {3,4,5,6}
    assert table["constraint"].idxmin() == 3
    assert table.loc[3, "constraint"] == pytest.approx(0.5)  # two unconnected contacts
    assert table.loc[2, "constraint"] == pytest.approx(0.25 + 0.25 + 1 / 9)
    assert table.loc[3, "clustering"] == 0.0 and table.loc[0, "clustering"] == 1.0


def test_karate_club_published_betweenness():
    table = centrality_table(nx.karate_club_graph())
    top = table.head(2)
    assert top["node"].tolist() == [0, 33]
    # Published normalised betweenness of the instructor (0) and the administrator (33).
    assert top["betweenness"].round(4).tolist() == [0.4376, 0.3041]
    # Strength uses the interaction weights that networkx ships with the graph.
    assert table.set_index("node").loc[0, "strength"] == 42.0
    assert centrality_table(nx.karate_club_graph(), weight=None).set_index("node").loc[
        0, "strength"
    ] == pytest.approx(16.0)


def test_disconnected_eigenvector_is_per_component():
    G = nx.Graph([(0, 1), (1, 2), (2, 0), (10, 11)])
    G.add_node(99)
    table = centrality_table(G).set_index("node")
    assert table.loc[[0, 1, 2], "eigenvector"].tolist() == pytest.approx([3**-0.5] * 3)
    assert table.loc[[10, 11], "eigenvector"].tolist() == pytest.approx([2**-0.5] * 2)
    assert table.loc[99, "eigenvector"] == 0.0
    assert table.loc[[0, 10, 99], "component"].tolist() == [0, 1, 2]
    assert table.loc[99, ["constraint", "effective_size"]].isna().all()


def test_directed_graph_has_in_and_out_degree():
    D = nx.DiGraph([("a", "b"), ("b", "c"), ("a", "c")])
    table = centrality_table(D).set_index("node")
    assert table.loc["a", ["in_degree", "out_degree", "degree"]].tolist() == [0, 2, 2]
    assert table.loc["b", "betweenness"] == 0.0  # a reaches c directly


def test_large_graph_samples_betweenness_deterministically():
    G = nx.barabasi_albert_graph(300, 2, seed=1)
    exact = centrality_table(G).set_index("node")["betweenness"]
    one = centrality_table(G, exact_max_nodes=100, sample_k=150, seed=3)
    two = centrality_table(G, exact_max_nodes=100, sample_k=150, seed=3)
    assert one.equals(two)
    assert one["closeness"].isna().all()
    sampled = one.set_index("node")["betweenness"]
    assert sampled.idxmax() == exact.idxmax()
    assert sampled.corr(exact) > 0.9


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_structural_holes_match_networkx(seed):
    G = nx.gnp_random_graph(50, 0.12, seed=seed)
    G.add_node("isolate")
    D = nx.gnp_random_graph(40, 0.12, seed=seed, directed=True)
    for graph in (G, D):
        table = centrality_table(graph).set_index("node")
        # networkx's node-by-node path implements Burt's definition. Its sparse path (taken
        # when scipy is installed and nodes=None) gives other effective sizes on directed graphs
        # with reciprocal ties (networkx 3.6: 7.05 where Burt's formula by hand gives 7.0, see
        # test_effective_size_by_hand_on_reciprocal_ties), so it is not the reference.
        nodes = list(graph)
        reference = {
            "constraint": nx.constraint(graph, nodes=nodes),
            "effective_size": nx.effective_size(graph, nodes=nodes),
        }
        for column, values in reference.items():
            for node, expected in values.items():
                if graph.is_directed() and graph.out_degree(node) == 0:
                    continue  # networkx's pure-Python path gives NaN to sinks; we do not
                assert table.loc[node, column] == pytest.approx(expected, nan_ok=True)


def test_effective_size_by_hand_on_reciprocal_ties():
    # a <-> b, a -> c, c -> b, a -> d. Mutual weights of a: b 2, c 1, d 1 (p = 1/2, 1/4, 1/4).
    # Burt: ES(a) = sum over j of 1 - sum over q != a, j of p_aq m_jq, m_jq = w_jq / max_k w_jk.
    # j = b: q = c gives p_ac m_bc = 1/4 * 1/2 (b's strongest tie is a, 2): 1 - 1/8.
    # j = c: q = b gives p_ab m_cb = 1/2 * 1 (c ties a and b once each): 1 - 1/2.
    # j = d: no shared contact: 1. ES(a) = 7/8 + 1/2 + 1 = 2.375.
    D = nx.DiGraph([("a", "b"), ("b", "a"), ("a", "c"), ("c", "b"), ("a", "d")])
    table = centrality_table(D, weight=None).set_index("node")
    assert table.loc["a", "effective_size"] == pytest.approx(2.375)
    assert nx.effective_size(D, nodes=["a"])["a"] == pytest.approx(2.375)


def test_empty_graph_and_multigraph():
    assert centrality_table(nx.Graph()).empty
    with pytest.raises(InvalidValue, match="simple graph"):
        centrality_table(nx.MultiGraph([(0, 1), (0, 1)]))


def test_summary_star_and_karate():
    star = network_summary(nx.star_graph(4))
    assert star == {
        "nodes": 5,
        "edges": 4,
        "directed": False,
        "density": 0.4,
        "components": 1,
        "largest_component_share": 1.0,
        "average_clustering": 0.0,
        "degree_assortativity": -1.0,
        "mean_degree": 1.6,
        "median_degree": 1.0,
        "max_degree": 4,
        "heavy_tail_ratio": 4.0,
    }
    karate = network_summary(nx.karate_club_graph())
    assert (karate["nodes"], karate["edges"]) == (34, 78)
    assert karate["degree_assortativity"] == pytest.approx(-0.4756, abs=1e-4)
    assert karate["average_clustering"] == pytest.approx(0.5706, abs=1e-4)
    assert karate["heavy_tail_ratio"] == pytest.approx(17 / 3)


def test_summary_undefined_values_are_none():
    ring = network_summary(nx.cycle_graph(5))
    assert ring["degree_assortativity"] is None  # all degrees equal
    split = nx.Graph([(0, 1), (2, 3), (3, 4)])
    split.add_node(5)
    s = network_summary(split)
    assert s["components"] == 3 and s["largest_component_share"] == pytest.approx(0.5)
    empty = network_summary(nx.Graph())
    assert empty["nodes"] == 0 and empty["density"] is None


def test_doctests():
    result = doctest.testmod(centrality_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
