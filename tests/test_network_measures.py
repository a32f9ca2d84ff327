"""Network measures: equal to networkx (1e-9) and reproducing the published Caviar/Montagna figures.

networkx is the reference: every measure of ``cybertnoc.network.measures`` is compared with the
networkx function of the same name on the Caviar network (directed and undirected), the Montagna
meetings and phone-call networks and seeded random graphs (G(n, p), Barabási–Albert, directed
G(n, p)), unweighted, with integer weights and with float lengths. The figures of the datasets'
SOURCE.md files (Anastasiadis & Antoniou 2024 for Caviar; Cavallaro et al. 2020 for Montagna,
including their 16 disruption curves) are reproduced on top.
"""

from __future__ import annotations

import math
import random

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from conftest import shared_data
from cybertnoc.errors import InvalidValue
from cybertnoc.network import measures as M
from cybertnoc.network.centrality import _structural_holes
from cybertnoc.network.load import network_from_file

TOL = 1e-9


def assert_same(ours: dict, theirs: dict, tol: float = TOL, *, ordered: bool = True) -> None:
    """Same nodes in the same order, values within ``tol`` (NaN only where both are NaN)."""
    assert (
        list(ours) == list(theirs)
        if ordered
        else sorted(map(str, ours)) == sorted(map(str, theirs))
    )
    for node, expected in theirs.items():
        got = ours[node]
        if isinstance(expected, float) and math.isnan(expected):
            assert math.isnan(got), (node, got, expected)
        else:
            assert got == pytest.approx(expected, abs=tol, rel=0), (node, got, expected)


# --------------------------------------------------------------------------------------------
# Graphs
# --------------------------------------------------------------------------------------------


def _with_random_weights(G: nx.Graph, seed: int) -> nx.Graph:
    rng = random.Random(seed)
    for _, _, data in G.edges(data=True):
        data["weight"] = rng.randint(1, 9)  # integer tie strength / length
        data["dist"] = rng.uniform(0.1, 2.0)  # float length
    return G


def _with_inverse_lengths(G: nx.Graph) -> nx.Graph:
    for _, _, data in G.edges(data=True):
        data["dist"] = 1.0 / data["weight"]
    return G


@pytest.fixture(scope="module")
def caviar_directed() -> nx.DiGraph:
    path = shared_data("networks/caviar/morselli_caviar.csv")
    return _with_inverse_lengths(network_from_file(path, "ucinet-matrix"))


@pytest.fixture(scope="module")
def caviar() -> nx.Graph:
    path = shared_data("networks/caviar/morselli_caviar.csv")
    G = network_from_file(path, "ucinet-matrix", options={"directed": "false"})
    return _with_inverse_lengths(G)


@pytest.fixture(scope="module")
def meetings() -> nx.Graph:
    path = shared_data("networks/montagna/Montagna_meetings_edgelist.csv")
    return _with_inverse_lengths(network_from_file(path, "montagna-edgelist"))


@pytest.fixture(scope="module")
def phone_calls() -> nx.Graph:
    path = shared_data("networks/montagna/Montagna_phonecalls_edgelist.csv")
    return _with_inverse_lengths(network_from_file(path, "montagna-edgelist"))


RANDOM_GRAPHS = {
    "gnp": lambda: nx.gnp_random_graph(120, 0.05, seed=1),
    "barabasi_albert": lambda: nx.barabasi_albert_graph(150, 3, seed=2),
    "directed_gnp": lambda: nx.gnp_random_graph(100, 0.04, seed=3, directed=True),
    "gnp_disconnected": lambda: nx.gnp_random_graph(90, 0.025, seed=4),
}
REAL_GRAPHS = ("caviar_directed", "caviar", "meetings", "phone_calls")
ALL_GRAPHS = (*REAL_GRAPHS, *RANDOM_GRAPHS)


@pytest.fixture(params=ALL_GRAPHS)
def graph(request) -> nx.Graph:
    if request.param in RANDOM_GRAPHS:
        return _with_random_weights(RANDOM_GRAPHS[request.param](), seed=7)
    return request.getfixturevalue(request.param)


# --------------------------------------------------------------------------------------------
# Node measures equal networkx's
# --------------------------------------------------------------------------------------------


def test_degree_and_strength_equal_networkx(graph):
    P = M.prepare_graph(graph)
    assert_same(M.degree_centrality(P), nx.degree_centrality(graph))
    assert_same(M.strength(P), {v: float(d) for v, d in graph.degree(weight="weight")})
    assert_same(M.strength(P, None), {v: float(d) for v, d in graph.degree()})
    if graph.is_directed():
        assert_same(M.in_degree_centrality(P), nx.in_degree_centrality(graph))
        assert_same(M.out_degree_centrality(P), nx.out_degree_centrality(graph))
        assert_same(
            M.strength(P, direction="in"),
            {v: float(d) for v, d in graph.in_degree(weight="weight")},
        )
    else:
        with pytest.raises(InvalidValue, match="directed graph"):
            M.in_degree_centrality(P)


@pytest.mark.parametrize("weight", [None, "weight", "dist"])
def test_path_measures_equal_networkx(graph, weight):
    P = M.prepare_graph(graph)
    for normalized in (True, False):
        assert_same(
            M.betweenness_centrality(P, normalized=normalized, weight=weight),
            nx.betweenness_centrality(graph, normalized=normalized, weight=weight),
        )
    assert_same(
        M.closeness_centrality(P, distance=weight), nx.closeness_centrality(graph, distance=weight)
    )
    assert_same(
        M.closeness_centrality(P, distance=weight, wf_improved=False),
        nx.closeness_centrality(graph, distance=weight, wf_improved=False),
    )
    # networkx returns harmonic centrality in set order; ours is in node order.
    harmonic = M.harmonic_centrality(P, distance=weight)
    assert list(harmonic) == list(graph)
    assert_same(harmonic, nx.harmonic_centrality(graph, distance=weight), ordered=False)


@pytest.mark.parametrize("weight", [None, "weight", "dist"])
@pytest.mark.parametrize("k", [1, 2, 17])
def test_sampled_betweenness_draws_networkx_sources(graph, weight, k):
    P = M.prepare_graph(graph)
    for normalized in (True, False):
        assert_same(
            M.betweenness_centrality(P, k=k, normalized=normalized, weight=weight, seed=11),
            nx.betweenness_centrality(graph, k=k, normalized=normalized, weight=weight, seed=11),
        )


def test_sampled_betweenness_seed_forms_and_k_n():
    G = nx.barabasi_albert_graph(80, 2, seed=5)
    ours = M.betweenness_centrality(G, k=10, seed=random.Random(3))
    assert_same(ours, nx.betweenness_centrality(G, k=10, seed=random.Random(3)))
    random.seed(42)
    ours = M.betweenness_centrality(G, k=10)  # seed=None: Python's global random state
    random.seed(42)
    assert_same(ours, nx.betweenness_centrality(G, k=10))
    assert_same(M.betweenness_centrality(G, k=80, seed=1), nx.betweenness_centrality(G))
    for bad in (0, 81, 2.5):
        with pytest.raises(InvalidValue, match="number of sources"):
            M.betweenness_centrality(G, k=bad)


def test_float_lengths_use_networkx_where_igraph_ties_differ():
    # igraph compares path lengths with a relative tolerance, networkx exactly. With lengths
    # 1/w the sums of different paths are often equal up to rounding: tied by igraph, not by
    # networkx. Raw igraph differs from networkx here; the function (networkx engine) does not.
    G = nx.gnp_random_graph(200, 0.05, seed=1)
    rng = random.Random(1)
    for _, _, data in G.edges(data=True):
        data["dist"] = 1 / rng.randint(1, 6)
    P = M.prepare_graph(G)
    expected = nx.betweenness_centrality(G, weight="dist")
    raw = np.asarray(P.igraph.betweenness(weights=P.loop_free_weights("dist").tolist())) * 2
    igraph_only = raw / ((P.n - 1) * (P.n - 2))
    assert np.abs(igraph_only - np.array(list(expected.values()))).max() > 1e-6
    assert_same(M.betweenness_centrality(P, weight="dist"), expected)


@pytest.mark.parametrize("weight", [None, "weight"])
def test_spectral_measures_equal_networkx(graph, weight):
    P = M.prepare_graph(graph)
    assert_same(
        M.pagerank(P, weight=weight),
        nx.pagerank(graph, weight=weight, tol=1e-15, max_iter=100_000),
    )
    assert_same(
        M.pagerank(P, alpha=0.6, weight=weight),
        nx.pagerank(graph, alpha=0.6, weight=weight, tol=1e-15, max_iter=100_000),
    )
    assert_same(
        M.eigenvector_centrality(P, weight=weight),
        nx.eigenvector_centrality(graph, weight=weight, tol=1e-14, max_iter=1_000_000),
    )
    connected = nx.is_strongly_connected(graph) if graph.is_directed() else nx.is_connected(graph)
    if connected:
        assert_same(
            M.eigenvector_centrality(P, weight=weight),
            nx.eigenvector_centrality_numpy(graph, weight=weight),
        )


def test_pagerank_personalization_and_dangling_nodes(caviar_directed):
    sinks = [v for v in caviar_directed if caviar_directed.out_degree(v) == 0]
    assert sinks  # Caviar has dangling nodes: they restart like networkx's dangling=None
    restart = {v: 1.0 + (i % 3) for i, v in enumerate(caviar_directed) if i % 4}
    assert_same(
        M.pagerank(caviar_directed, personalization=restart),
        nx.pagerank(caviar_directed, personalization=restart, tol=1e-15, max_iter=100_000),
    )
    with pytest.raises(InvalidValue, match="positive sum"):
        M.pagerank(caviar_directed, personalization={"1": 0})


@pytest.mark.filterwarnings("ignore:Damping factor is 1:RuntimeWarning")
@pytest.mark.parametrize("alpha", [0.5, 0.85, 0.99, 1.0])
def test_pagerank_agrees_with_prpack_and_networkx(caviar_directed, alpha):
    # alpha = 1 makes the linear system singular: the PRPACK fallback answers.
    P = M.prepare_graph(caviar_directed)
    ours = M.pagerank(P, alpha=alpha)
    prpack = P.igraph.pagerank(
        damping=alpha, weights=P.loop_free_weights("weight").tolist(), implementation="prpack"
    )
    assert_same(ours, dict(zip(P.nodes, prpack, strict=True)))
    G = nx.barabasi_albert_graph(60, 2, seed=1)
    assert_same(M.pagerank(G, alpha=alpha), nx.pagerank(G, alpha=alpha, tol=1e-15, max_iter=10**6))


def test_directed_eigenvector_follows_networkx_iteration(caviar_directed):
    # Same iteration, same stopping rule: networkx's own defaults give networkx's numbers.
    assert_same(
        M.eigenvector_centrality(caviar_directed, max_iter=100, tol=1e-6),
        nx.eigenvector_centrality(caviar_directed),
    )
    with pytest.raises(nx.PowerIterationFailedConvergence):
        M.eigenvector_centrality(nx.DiGraph([(0, 1), (1, 2)]), max_iter=50)


def test_eigenvector_on_disconnected_graphs():
    # Two equal triangles: the leading eigenvalue (2) is shared, so each gets 1/sqrt(6), like
    # the limit of networkx's power iteration; the edge (eigenvalue 1) and the isolate get 0.
    G = nx.Graph([(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3), (7, 8)])
    G.add_node(9)
    ours = M.eigenvector_centrality(G)
    assert_same(ours, {**dict.fromkeys(range(6), 6**-0.5), 7: 0.0, 8: 0.0, 9: 0.0})
    assert_same(ours, nx.eigenvector_centrality(G, tol=1e-14, max_iter=100_000))
    empty = nx.empty_graph(3)
    assert_same(M.eigenvector_centrality(empty), nx.eigenvector_centrality(empty))
    with pytest.raises(InvalidValue, match="null graph"):
        M.eigenvector_centrality(nx.Graph())


@pytest.mark.parametrize("weight", [None, "weight"])
def test_cohesion_measures_equal_networkx(graph, weight):
    P = M.prepare_graph(graph)
    assert_same(M.core_number(P), nx.core_number(graph))
    assert_same(M.clustering(P, weight=weight), nx.clustering(graph, weight=weight))
    if not graph.is_directed():
        assert M.average_clustering(P, weight=weight) == pytest.approx(
            nx.average_clustering(graph, weight=weight), abs=TOL
        )
        if nx.transitivity(graph):
            assert M.average_clustering(P, count_zeros=False) == pytest.approx(
                nx.average_clustering(graph, count_zeros=False), abs=TOL
            )
        else:  # networkx divides by zero
            with pytest.raises(InvalidValue, match="non-zero clustering"):
                M.average_clustering(P, count_zeros=False)
        assert M.transitivity(P) == nx.transitivity(graph)


@pytest.mark.parametrize("weight", [None, "weight"])
def test_structural_holes_equal_networkx_node_path(graph, weight):
    P = M.prepare_graph(graph)
    nodes = list(graph)
    for ours, reference in (
        (M.constraint(P, weight=weight), nx.constraint),
        (M.effective_size(P, weight=weight), nx.effective_size),
    ):
        expected = reference(graph, nodes=nodes, weight=weight)
        if graph.is_directed():
            # networkx's node-by-node path gives NaN to nodes without successors. Reversing
            # every arc leaves all mutual weights unchanged and gives those nodes successors,
            # so networkx on the reversed graph is the reference for them.
            sinks = [v for v in graph if graph.out_degree(v) == 0 and graph.in_degree(v)]
            assert sinks
            expected |= reference(graph.reverse(), nodes=sinks, weight=weight)
        assert_same(ours, expected)
    if weight is None:  # the vectorised implementation of centrality.py is the engine
        holes = _structural_holes(graph)
        assert_same(M.constraint(P), holes[0], tol=0)
        assert_same(M.effective_size(P), holes[1], tol=0)


def test_self_loops_and_multigraphs():
    G = nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3), (3, 3)])
    for name in ("degree_centrality", "betweenness_centrality", "closeness_centrality"):
        assert_same(getattr(M, name)(G), getattr(nx, name)(G))
    assert_same(M.pagerank(G), nx.pagerank(G, tol=1e-15, max_iter=10_000))
    assert_same(M.clustering(G), nx.clustering(G))
    assert M.density(G) == nx.density(G)
    assert M.degree_assortativity(G) == pytest.approx(nx.degree_assortativity_coefficient(G))
    with pytest.raises(InvalidValue, match="self-loop"):
        M.core_number(G)
    with pytest.raises(InvalidValue, match="simple graph"):
        M.betweenness_centrality(nx.MultiGraph([(0, 1), (0, 1)]))
    with pytest.raises(InvalidValue, match="networkx Graph"):
        M.prepare_graph([(0, 1)])  # type: ignore[arg-type]


def test_negative_lengths_are_refused():
    G = nx.Graph()
    G.add_edge("a", "b", weight=-1.0)
    for call in (
        lambda: M.betweenness_centrality(G, weight="weight"),
        lambda: M.closeness_centrality(G, distance="weight"),
        lambda: M.pagerank(G),
        lambda: M.diameter(G, weight="weight"),
    ):
        with pytest.raises(InvalidValue, match="non-negative"):
            call()


def test_prepared_graph_is_reused_and_independent_of_node_types():
    G = nx.relabel_nodes(nx.karate_club_graph(), {i: f"n{i:02d}" for i in range(34)})
    P = M.prepare_graph(G)
    assert M.prepare_graph(P) is P
    assert repr(P) == "PreparedGraph(undirected, 34 nodes, 78 edges)"
    assert_same(M.betweenness_centrality(P), nx.betweenness_centrality(G))
    assert_same(M.closeness_centrality(G), nx.closeness_centrality(G))
    assert M.closeness_centrality(P, "n00") == pytest.approx(nx.closeness_centrality(G, "n00"))
    assert_same(
        M.harmonic_centrality(P, nbunch=["n05", "n01"]),
        nx.harmonic_centrality(G, nbunch=["n05", "n01"]),
        ordered=False,
    )


# --------------------------------------------------------------------------------------------
# Graph-level measures equal networkx's
# --------------------------------------------------------------------------------------------


def test_graph_measures_equal_networkx(graph):
    P = M.prepare_graph(graph)
    assert M.density(P) == pytest.approx(nx.density(graph), abs=1e-15)
    assert M.degree_assortativity(P) == pytest.approx(
        nx.degree_assortativity_coefficient(graph), abs=TOL
    )
    if graph.is_directed():
        for x, y in (("in", "in"), ("out", "out"), ("in", "out")):
            assert M.degree_assortativity(P, x=x, y=y) == pytest.approx(
                nx.degree_assortativity_coefficient(graph, x=x, y=y), abs=TOL
            )
        weak = {frozenset(c) for c in nx.weakly_connected_components(graph)}
        strong_sets = list(nx.strongly_connected_components(graph))
        assert {frozenset(c) for c in M.components(P, strong=True)} == {
            frozenset(c) for c in strong_sets
        }
        largest = M.largest_component(P, strong=True)
    else:
        weak = {frozenset(c) for c in nx.connected_components(graph)}
        largest = M.largest_component(P)
    found = M.components(P)
    assert found == M.components(graph)  # igraph and networkx engines, same order
    if graph.is_directed():
        assert M.components(P, strong=True) == M.components(graph, strong=True)
    assert {frozenset(c) for c in found} == weak
    assert [len(c) for c in found] == sorted((len(c) for c in found), reverse=True)
    H = graph.subgraph(largest)
    for weight in (None, "dist"):
        assert M.average_shortest_path_length(P, weight=weight) == pytest.approx(
            nx.average_shortest_path_length(H, weight=weight), abs=TOL
        )
        assert M.diameter(P, weight=weight) == pytest.approx(nx.diameter(H, weight=weight), abs=TOL)


def test_regular_graph_has_undefined_assortativity_and_summary_says_none():
    G = nx.cycle_graph(6)
    assert math.isnan(M.degree_assortativity(G))
    s = M.summary(G)
    assert s["degree_assortativity"] is None
    assert (s["diameter"], s["average_shortest_path_length"]) == (3, 1.8)
    with pytest.raises(InvalidValue, match="undirected graph"):
        M.transitivity(nx.DiGraph([(0, 1)]))


# --------------------------------------------------------------------------------------------
# Published figures: Caviar (Anastasiadis & Antoniou 2024; SOURCE.md)
# --------------------------------------------------------------------------------------------


def test_caviar_undirected_figures(caviar):
    s = M.summary(caviar)
    assert (s["nodes"], s["edges"], s["components"], s["max_degree"]) == (110, 205, 1, 60)
    assert round(s["density"], 6) == 0.034195
    assert round(s["degree_assortativity"], 6) == -0.361571
    assert round(s["mean_degree"], 4) == 3.7273
    assert s["total_weight"] == 3546.0
    assert (round(s["transitivity"], 4), round(s["average_clustering"], 4)) == (0.1229, 0.3354)
    assert (s["diameter"], round(s["average_shortest_path_length"], 4)) == (5, 2.6552)


def test_caviar_directed_figures(caviar_directed):
    s = M.summary(caviar_directed)
    assert (s["nodes"], s["edges"], s["components"], s["largest_component_size"]) == (
        110,
        295,
        1,
        110,
    )
    assert round(s["density"], 6) == 0.024604
    assert s["largest_strong_component_size"] == 66
    assert (s["max_in_degree"], s["max_out_degree"]) == (37, 54)
    assert round(s["reciprocity"], 4) == 0.6102 == round(nx.reciprocity(caviar_directed), 4)
    top = M.metrics_table(caviar_directed, measures=["betweenness_centrality"]).nlargest(
        3, "betweenness_centrality"
    )
    assert top["node"].tolist() == ["1", "12", "3"]
    assert top["betweenness_centrality"].round(4).tolist() == [0.3961, 0.2152, 0.0793]


def test_caviar_weighted_betweenness_of_anastasiadis_antoniou(caviar):
    # Their construction (SOURCE.md): undirected weight a_ij + a_ji (what the loader gives),
    # distance = (1 / weight) / max(1 / weight), networkx-normalised betweenness.
    G = caviar.copy()
    largest = max(1.0 / w for _, _, w in G.edges(data="weight"))
    for _, _, data in G.edges(data=True):
        data["length"] = (1.0 / data["weight"]) / largest
    b = M.betweenness_centrality(G, weight="length")
    published = {"1": 0.895005, "3": 0.364254, "12": 0.347944, "83": 0.054366, "82": 0.054536}
    assert {v: round(b[v], 6) for v in published} == published


def test_caviar_centrality_rankings(caviar):
    table = M.metrics_table(caviar).set_index("node")
    assert table["degree"].nlargest(3).to_dict() == {"1": 60, "12": 28, "3": 27}
    assert table["degree_centrality"].round(4).nlargest(3).tolist() == [0.5505, 0.2569, 0.2477]
    between = table["betweenness_centrality"].nlargest(5).round(4)
    assert between.to_dict() == {"1": 0.6375, "12": 0.2921, "87": 0.1193, "76": 0.1152,
                                 "3": 0.1052}  # fmt: skip
    eigen = table["eigenvector_centrality"].nlargest(3).round(4)
    assert eigen.to_dict() == {"1": 0.5295, "3": 0.3510, "12": 0.2328}
    weighted = M.metrics_table(caviar, weighted=True, measures=["strength"]).set_index("node")
    assert weighted["strength"].nlargest(3).to_dict() == {"1": 2047.0, "3": 754.0, "12": 534.0}


# --------------------------------------------------------------------------------------------
# Published figures: Montagna (Cavallaro et al. 2020; SOURCE.md)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        (
            "meetings",
            dict(nodes=101, edges=256, components=5, largest_component_size=92, diameter=7,
                 density=0.0507, transitivity=0.4176, average_clustering=0.6565,
                 degree_assortativity=-0.0393, average_shortest_path_length=3.3089,
                 total_weight=369.0),
        ),
        (
            "phone_calls",
            dict(nodes=100, edges=124, components=5, largest_component_size=89, diameter=7,
                 density=0.0251, transitivity=0.0727, average_clustering=0.1046,
                 degree_assortativity=-0.4588, average_shortest_path_length=3.3782,
                 total_weight=210.0),
        ),
    ],
)  # fmt: skip
def test_montagna_figures(request, fixture, expected):
    s = M.summary(request.getfixturevalue(fixture))
    got = {k: round(s[k], 4) if isinstance(s[k], float) else s[k] for k in expected}
    assert got == expected


def test_montagna_rankings(meetings, phone_calls):
    m = M.metrics_table(meetings, weighted=True).set_index("node")
    assert m["degree"].nlargest(2).to_dict() == {"18": 24, "47": 19}
    assert m["strength"].nlargest(3).to_dict() == {"47": 54.0, "89": 34.0, "18": 30.0}
    plain = M.metrics_table(meetings).set_index("node")
    assert plain["betweenness_centrality"].nlargest(3).round(4).to_dict() == {
        "18": 0.3732,
        "47": 0.2198,
        "27": 0.1585,
    }
    # SOURCE.md computed these on the largest component; the whole-graph eigenvector is the
    # same because that component has the largest leading eigenvalue (the others score 0).
    assert plain["eigenvector_centrality"].nlargest(3).round(4).to_dict() == {
        "47": 0.3479,
        "27": 0.2983,
        "18": 0.2712,
    }
    p = M.metrics_table(phone_calls).set_index("node")
    assert p["betweenness_centrality"].nlargest(2).round(4).to_dict() == {
        "18": 0.4182,
        "61": 0.2817,
    }
    assert p["eigenvector_centrality"].nlargest(1).round(4).to_dict() == {"47": 0.5143}


def _disruption_curve(G: nx.Graph, measure: str, weighted: bool, block: bool, rows: int):
    """Cavallaro et al. (2020): recompute, remove the top node(s), record the LCC share."""
    G = G.copy()
    initial = len(M.largest_component(G))
    curve = [1.0]
    for _ in range(rows - 1):
        if measure == "Betweenness":  # "Weighted": the count used as distance
            score = M.betweenness_centrality(G, weight="weight" if weighted else None)
        elif weighted:  # "Weighted" degree: strength / (n - 1)
            score = {v: s / (len(G) - 1) for v, s in M.strength(G).items()}
        else:
            score = M.degree_centrality(G)
        nodes = list(G)
        # Stable ascending sort, taken from the end: among ties the node inserted last goes
        # first. Scores are rounded so float noise below 1e-9 cannot split a tie.
        order = sorted(range(len(nodes)), key=lambda i: round(score[nodes[i]], 9))
        G.remove_nodes_from(nodes[i] for i in order[-(5 if block else 1) :])
        curve.append(len(M.largest_component(G)) / initial if len(G) else 0.0)
    return np.array(curve)


@pytest.mark.parametrize("kind", ["sequential", "block"])
@pytest.mark.parametrize("weighting", ["Unweighted", "Weighted"])
@pytest.mark.parametrize(
    ("fixture", "name"), [("meetings", "meeting"), ("phone_calls", "phone_calls")]
)
def test_montagna_disruption_curves_of_cavallaro_2020(request, kind, weighting, fixture, name):
    path = shared_data(
        f"networks/montagna/reference_cavallaro2020/{kind}_{name}_{weighting}_5nrem.csv"
    )
    reference = pd.read_csv(path)
    G = request.getfixturevalue(fixture)
    for measure in ("Betweenness", "Degree"):
        curve = _disruption_curve(
            G, measure, weighting == "Weighted", kind == "block", len(reference)
        )
        assert np.abs(curve - reference[measure].to_numpy()).max() < 1e-12


# --------------------------------------------------------------------------------------------
# metrics_table and summary
# --------------------------------------------------------------------------------------------


def test_metrics_table_columns_are_the_networkx_functions(caviar_directed, meetings):
    table = M.metrics_table(meetings)
    assert list(table.columns) == [
        "node", "degree", "degree_centrality", "betweenness_centrality", "closeness_centrality",
        "harmonic_centrality", "eigenvector_centrality", "pagerank", "core_number", "clustering",
        "constraint", "effective_size",
    ]  # fmt: skip
    assert table["node"].tolist() == list(meetings)  # the labels of the file, in file order
    for column in table.columns[2:]:
        reference = getattr(nx, column)
        kwargs = {"tol": 1e-15, "max_iter": 10_000, "weight": None} if column == "pagerank" else {}
        if column == "eigenvector_centrality":
            kwargs = {"tol": 1e-14, "max_iter": 1_000_000}
        if column in ("constraint", "effective_size"):
            kwargs = {"nodes": list(meetings)}
        assert_same(
            dict(zip(table["node"], table[column], strict=True)),
            reference(meetings, **kwargs),
            ordered=column != "harmonic_centrality",  # networkx's is in set order
        )

    directed = M.metrics_table(caviar_directed, weighted=True)
    assert list(directed.columns[:8]) == [
        "node", "degree", "in_degree", "out_degree", "degree_centrality",
        "in_degree_centrality", "out_degree_centrality", "strength",
    ]  # fmt: skip
    by_node = directed.set_index("node")
    assert_same(
        by_node["betweenness_centrality"].to_dict(),
        nx.betweenness_centrality(caviar_directed, weight="weight"),
    )
    assert_same(
        by_node["closeness_centrality"].to_dict(),
        nx.closeness_centrality(caviar_directed, distance="weight"),
    )
    assert_same(
        by_node["pagerank"].to_dict(),
        nx.pagerank(caviar_directed, weight="weight", tol=1e-15, max_iter=10_000),
    )
    assert_same(by_node["clustering"].to_dict(), nx.clustering(caviar_directed, weight="weight"))
    lengths = M.metrics_table(
        caviar_directed, weighted=True, distance="dist", measures=["betweenness_centrality"]
    )
    assert_same(
        dict(zip(lengths["node"], lengths["betweenness_centrality"], strict=True)),
        nx.betweenness_centrality(caviar_directed, weight="dist"),
    )


def test_metrics_table_sampling_and_errors(meetings):
    sampled = M.metrics_table(meetings, measures=["betweenness_centrality"], k=20, seed=3)
    assert_same(
        dict(zip(sampled["node"], sampled["betweenness_centrality"], strict=True)),
        nx.betweenness_centrality(meetings, k=20, seed=3),
    )
    with pytest.raises(InvalidValue, match="measures among"):
        M.metrics_table(meetings, measures=["betweenness"])
    with pytest.raises(InvalidValue, match="undirected"):
        M.metrics_table(meetings, measures=["in_degree_centrality"])
    empty = M.metrics_table(nx.Graph(), measures=["degree", "pagerank"])
    assert empty.empty and list(empty.columns) == ["node", "degree", "pagerank"]


def test_summary_of_a_large_component_skips_paths():
    G = nx.path_graph(30)
    s = M.summary(G, max_path_nodes=10)
    assert s["diameter"] is None and s["average_shortest_path_length"] is None
    assert M.summary(G)["diameter"] == 29
