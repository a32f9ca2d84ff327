"""Disruption curves: the 16 published Montagna curves of Cavallaro et al. (2020), exactly.

The reference CSVs (``networks/montagna/reference_cavallaro2020/``) are the authors' own output:
columns ``No`` (nodes removed so far) and, per strategy, the LCC size after the removals over the
initial LCC size (92 nodes for meetings, 89 for phone calls), written by their code as
``1 - abs((lcc - lcc0) / lcc0)``. We compare the integer LCC sizes (identical) and the fractions
(identical up to that formula's last bit, and bit-identical when written the authors' way).
"""

from __future__ import annotations

import itertools
import random

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from conftest import shared_data
from cybertnoc.errors import InvalidValue
from cybertnoc.network.disruption import disrupt, global_efficiency, removal_order
from cybertnoc.network.keyplayers import fragmentation
from cybertnoc.network.load import network_from_file

NETWORKS = {
    "meeting": "Montagna_meetings_edgelist.csv",
    "phone_calls": "Montagna_phonecalls_edgelist.csv",
}
INITIAL_LCC = {"meeting": 92, "phone_calls": 89}
CASES = list(
    itertools.product(
        ["meeting", "phone_calls"],
        ["sequential", "block"],
        ["Unweighted", "Weighted"],
        [("Betweenness", "betweenness"), ("Degree", "degree")],
    )
)


@pytest.fixture(scope="module")
def montagna():
    return {
        name: network_from_file(shared_data(f"networks/montagna/{file}"), "montagna-edgelist")
        for name, file in NETWORKS.items()
    }


def _reference(network: str, mode: str, weighting: str) -> pd.DataFrame:
    path = f"networks/montagna/reference_cavallaro2020/{mode}_{network}_{weighting}_5nrem.csv"
    return pd.read_csv(shared_data(path), index_col=0)


def test_loader_matches_the_authors_networkx_loading(montagna):
    # The authors: G.add_edge(n1, n2, weight=w) row by row (the last listed weight wins).
    for name, file in NETWORKS.items():
        H = nx.Graph()
        for line in shared_data(f"networks/montagna/{file}").read_text().splitlines():
            a, b, w = line.split()
            H.add_edge(a, b, weight=int(w))
        G = montagna[name]
        assert list(G) == list(H)  # node insertion order: the tie rule depends on it
        assert all(list(G[v]) == list(H[v]) for v in H)
        assert {frozenset(e): w for *e, w in G.edges(data="weight")} == {
            frozenset(e): w for *e, w in H.edges(data="weight")
        }
    assert (len(montagna["meeting"]), montagna["meeting"].number_of_edges()) == (101, 256)
    assert (len(montagna["phone_calls"]), montagna["phone_calls"].number_of_edges()) == (100, 124)


@pytest.mark.parametrize(("network", "mode", "weighting", "column"), CASES, ids=str)
def test_published_montagna_curve_is_reproduced_exactly(montagna, network, mode, weighting, column):
    label, strategy = column
    reference = _reference(network, mode, weighting)
    curve = disrupt(
        montagna[network],
        strategy=strategy,
        mode=mode,
        weighted=weighting == "Weighted",
        measure=("lcc", "lcc_fraction"),
    )
    assert curve["removed"].tolist() == reference["No"].tolist()
    lcc0 = INITIAL_LCC[network]
    assert curve.attrs["initial_lcc"] == lcc0
    expected_lcc = (reference[label] * lcc0).round().astype(int)
    assert curve["lcc"].tolist() == expected_lcc.tolist()
    assert np.max(np.abs(curve["lcc_fraction"].to_numpy() - reference[label].to_numpy())) <= 1e-15
    authors = 1 - np.abs((curve["lcc"].to_numpy() - lcc0) / lcc0)
    assert np.max(np.abs(authors - reference[label].to_numpy())) == 0.0


def test_source_md_first_removals_and_5_percent_figures(montagna):
    # SOURCE.md: sequential unweighted betweenness removes [18, 25, 29, 22, 68] from meetings
    # (LCC 39/92) and [18, 61, 47, 29, 77] from phone calls (22/89, the "up to 70%" reduction).
    meet = disrupt(montagna["meeting"], measure=("lcc",))
    assert meet["node"].iloc[1:6].tolist() == ["18", "25", "29", "22", "68"]
    assert meet["lcc"].iloc[5] == 39
    calls = disrupt(montagna["phone_calls"], measure=("lcc",))
    assert calls["node"].iloc[1:6].tolist() == ["18", "61", "47", "29", "77"]
    assert calls["lcc"].iloc[5] == 22
    block = disrupt(montagna["phone_calls"], mode="block", measure=("lcc",))
    assert block["nodes"].iloc[1] == ("18", "61", "47", "29", "75")
    assert block["lcc"].iloc[1] == 29


def test_tie_rule_matters_and_igraph_gives_the_same_curves(montagna):
    reference = _reference("meeting", "sequential", "Unweighted")["Betweenness"].to_numpy()
    first = disrupt(montagna["meeting"], ties="first-inserted", measure=("lcc_fraction",))
    assert np.max(np.abs(first["lcc_fraction"].to_numpy() - reference)) > 0.01
    for mode, weighted in [("sequential", False), ("block", True)]:
        nxc = disrupt(montagna["phone_calls"], mode=mode, weighted=weighted)
        igc = disrupt(montagna["phone_calls"], mode=mode, weighted=weighted, engine="igraph")
        key = "node" if mode == "sequential" else "nodes"
        assert igc[key].tolist() == nxc[key].tolist()
        assert np.max(np.abs(igc["efficiency"] - nxc["efficiency"])) <= 1e-12


def test_efficiency_is_networkx_global_efficiency(montagna):
    G = montagna["phone_calls"]
    curve = disrupt(G, mode="block", measure=("efficiency", "efficiency_fraction"))
    H = G.copy()
    for nodes, eff in zip(curve["nodes"], curve["efficiency"], strict=True):
        H.remove_nodes_from(nodes)
        assert eff == pytest.approx(nx.global_efficiency(H), abs=1e-12)
    assert curve["efficiency_fraction"].iloc[0] == 1.0
    D = nx.gnp_random_graph(30, 0.1, seed=3, directed=True)
    brute = sum(1 / d for s, t in nx.shortest_path_length(D) for u, d in t.items() if u != s) / (
        30 * 29
    )
    assert global_efficiency(D) == pytest.approx(brute, abs=1e-12)


def test_removal_order_rules():
    scores = {"b": 1.0, "a": 3.0, "d": 1.0, "c": 3.0}
    assert removal_order(scores) == ["c", "a", "d", "b"]
    assert removal_order(scores, ties="first-inserted") == ["a", "c", "b", "d"]
    assert removal_order(scores, ties="label") == ["a", "c", "b", "d"]
    # Equal in exact arithmetic, different in the last bits: still a tie.
    assert removal_order({"x": 0.1 + 0.2, "y": 0.3}) == ["y", "x"]
    with pytest.raises(InvalidValue):
        removal_order(scores, ties="random")


def test_hand_worked_star_and_path():
    # Star: the centre goes first and the graph falls into isolates.
    star = disrupt(nx.star_graph(6), stop_at=4, measure=("lcc", "components"))
    assert star["node"].tolist() == [None, 0, 6]
    assert star["lcc"].tolist() == [7, 1, 1] and star["components"].tolist() == [1, 6, 5]
    # Path 0-1-2-3-4-5-6: the middle node 3 goes first; then the middles 1 and 5 of the two
    # halves tie (betweenness 1/10 each) and 5, inserted after 1, goes first.
    path = disrupt(nx.path_graph(7), stop_at=4, measure=("lcc", "lcc_fraction"))
    assert path["node"].tolist() == [None, 3, 5]
    assert path["lcc"].tolist() == [7, 3, 3]
    assert path["lcc_fraction"].tolist() == [1.0, 3 / 7, 3 / 7]
    label = disrupt(nx.path_graph(7), stop_at=4, ties="label")
    assert label["node"].tolist() == [None, 3, 1]


def test_degree_weighted_is_strength_over_n_minus_one():
    G = nx.Graph()
    G.add_edge("a", "b", weight=10)
    G.add_edge("c", "d", weight=1)
    G.add_edge("c", "e", weight=1)
    G.add_edge("c", "f", weight=1)
    # Unweighted degree picks the hub c; weighted degree picks a (or b, inserted later: b).
    assert disrupt(G, strategy="degree", stop_at=4)["node"].tolist() == [None, "c"]
    assert disrupt(G, strategy="degree", weighted=True, stop_at=4)["node"].tolist() == [None, "b"]
    assert disrupt(G, strategy="strength", stop_at=4)["node"].tolist() == [None, "b"]


def test_weighted_betweenness_uses_weight_as_distance():
    # x-y meet 10 times, x-z and z-y once; leaves x1 (on x) and y1 (on y). With the count as a
    # distance, x and y are "closer" through z, which then brokers all 4 x-side/y-side pairs
    # (x and y broker 3 each); unweighted, z brokers nothing.
    G = nx.Graph()
    G.add_edge("x", "y", weight=10)
    G.add_edge("x", "z", weight=1)
    G.add_edge("z", "y", weight=1)
    G.add_edge("x", "x1", weight=1)
    G.add_edge("y", "y1", weight=1)
    raw = nx.betweenness_centrality(G, weight="weight", normalized=False)
    assert raw == {"x": 3.0, "y": 3.0, "z": 4.0, "x1": 0.0, "y1": 0.0}
    assert disrupt(G, weighted=True, stop_at=3)["node"].iloc[1] == "z"
    assert disrupt(G, stop_at=3)["node"].iloc[1] == "y"  # x, y tie at 4; y inserted last


def test_random_strategy_is_seeded_and_uniform():
    G = nx.path_graph(20)
    a = disrupt(G, strategy="random", seed=7, measure=("lcc",))
    b = disrupt(G, strategy="random", seed=7, measure=("lcc",))
    c = disrupt(G, strategy="random", seed=8, measure=("lcc",))
    assert a.equals(b) and not a.equals(c)
    rng, left, expected = random.Random(7), list(G), []
    while len(left) > 5:
        (pick,) = rng.sample(left, 1)
        left.remove(pick)
        expected.append(pick)
    assert a.attrs["removal_order"] == expected


def test_keyplayer_strategy_removes_the_kpp_neg_set():
    # Two 5-cliques joined through node 5 (barbell): the bridge ends 4 and 6 are the best pair.
    G = nx.barbell_graph(5, 1)
    block = disrupt(G, strategy="keyplayer", mode="block", block_size=2, stop_at=6)
    assert block["nodes"].iloc[1] == (4, 6)
    seq = disrupt(G, strategy="keyplayer", stop_at=9, measure=("lcc",))
    # The single node whose removal fragments most is the bridge (5).
    assert seq["node"].iloc[1] == 5
    best = max(G, key=lambda v: fragmentation(G, [v]))
    assert best == 5


def test_stop_rule_and_block_rows():
    G = nx.path_graph(12)
    seq = disrupt(G, measure=("lcc",))
    assert seq["removed"].tolist() == list(range(7))  # states with 12..6 nodes (> 5)
    block = disrupt(G, mode="block", block_size=5, measure=("lcc",))
    assert block["removed"].tolist() == [0, 5]  # 12, 7 nodes; then 2 removed to reach 5
    assert len(block.attrs["removal_order"]) == 7
    assert len(G) == 12  # the input is not modified


def test_directed_graph_uses_weak_components():
    D = nx.DiGraph([(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6)])
    curve = disrupt(D, stop_at=5, measure=("lcc",))
    assert curve["node"].iloc[1] == 3  # 9 ordered pairs pass through 3
    assert curve["lcc"].tolist() == [7, 3]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"strategy": "closeness"},
        {"mode": "cascade"},
        {"ties": "random"},
        {"block_size": 0},
        {"stop_at": -1},
        {"measure": ("lcc", "diameter")},
        {"engine": "graph-tool"},
        {"objective": "reach"},
    ],
)
def test_bad_arguments(kwargs):
    with pytest.raises(InvalidValue):
        disrupt(nx.path_graph(8), **kwargs)
