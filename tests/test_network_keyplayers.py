"""Key players (Borgatti 2006): objectives equal networkx-based definitions, and the heuristic
finds the best set that brute force over all k-subsets finds."""

from __future__ import annotations

import doctest
import itertools
import random
import re
from pathlib import Path

import networkx as nx
import pytest

from conftest import shared_data
from cybertnoc.errors import InvalidValue
from cybertnoc.network.disruption import disrupt
from cybertnoc.network.keyplayers import (
    KeyPlayers,
    distance_weighted_fragmentation,
    fragmentation,
    kpp_neg,
    kpp_pos,
    reach,
)
from cybertnoc.network.load import network_from_file

DOC = Path(__file__).resolve().parents[1] / "docs" / "network-disruption.md"

TOL = 1e-12


# Reference definitions, written with networkx only.
def ref_fragmentation(G, removed=()):
    H = G.copy()
    H.remove_nodes_from(removed)
    m = len(H)
    if H.is_directed():
        connected = sum(len(nx.descendants(H, v)) for v in H)
    else:
        connected = sum(len(c) * (len(c) - 1) for c in nx.connected_components(H))
    return 1 - connected / (m * (m - 1))


def ref_distance_weighted(G, removed=()):
    H = G.copy()
    H.remove_nodes_from(removed)
    m = len(H)
    total = sum(
        1 / d for s, row in nx.all_pairs_shortest_path_length(H) for t, d in row.items() if t != s
    )
    return 1 - total / (m * (m - 1))


def _nearest(G, S):
    nearest = {}
    for s in S:
        for t, d in nx.single_source_shortest_path_length(G, s).items():
            nearest[t] = min(d, nearest.get(t, d))
    return nearest


def ref_reach(G, S):
    nearest = _nearest(G, S)
    return sum(1 if d == 0 else 1 / d for d in nearest.values()) / len(G)


def ref_m_reach(G, S, m):
    return sum(1 for d in _nearest(G, S).values() if d <= m) / len(G)


def _graph(seed: int, directed: bool = False) -> nx.Graph:
    rng = random.Random(seed)
    n = rng.randint(12, 16)
    if directed:
        return nx.gnp_random_graph(n, rng.uniform(0.12, 0.25), seed=seed, directed=True)
    kind = seed % 3
    if kind == 0:  # sparse, often disconnected
        return nx.gnp_random_graph(n, rng.uniform(0.12, 0.2), seed=seed)
    if kind == 1:  # a few communities joined by bridges
        return nx.connected_caveman_graph(3, n // 3)
    G = nx.barabasi_albert_graph(n, 1, seed=seed)  # a tree with hubs
    return nx.relabel_nodes(G, {v: f"n{v:02d}" for v in G})  # string labels


def _best(G, k, score):
    return max(score(S) for S in itertools.combinations(G, k))


GRAPHS = [0, 1, 2, 3, 4, 5]


@pytest.mark.parametrize("seed", GRAPHS)
@pytest.mark.parametrize("objective", ["fragmentation", "distance-weighted"])
def test_kpp_neg_finds_the_brute_force_best(seed, objective):
    G = _graph(seed)
    ref = ref_fragmentation if objective == "fragmentation" else ref_distance_weighted
    for k in (1, 2, 3):
        found = kpp_neg(G, k, objective=objective, seed=seed)
        assert isinstance(found, KeyPlayers) and found.objective == objective
        assert len(found.nodes) == k and found.converged
        assert found.score == pytest.approx(ref(G, found.nodes), abs=TOL)
        assert found.score == pytest.approx(_best(G, k, lambda S: ref(G, S)), abs=TOL)
        assert list(found.nodes) == [v for v in G if v in found.nodes]  # graph order


@pytest.mark.parametrize("seed", GRAPHS)
@pytest.mark.parametrize("objective", ["distance-weighted", "m-reach"])
def test_kpp_pos_finds_the_brute_force_best(seed, objective):
    G = _graph(seed)
    for k in (1, 2, 3):
        for m in (1, 2) if objective == "m-reach" else (1,):
            if objective == "m-reach":

                def ref(S, m=m):
                    return ref_m_reach(G, S, m)
            else:

                def ref(S):
                    return ref_reach(G, S)

            found = kpp_pos(G, k, objective=objective, m=m, seed=seed)
            assert found.objective == objective and len(found.nodes) == k
            assert found.score == pytest.approx(ref(found.nodes), abs=TOL)
            assert found.score == pytest.approx(_best(G, k, ref), abs=TOL)


@pytest.mark.parametrize("seed", [10, 11, 12])
def test_directed_graphs_against_brute_force(seed):
    D = _graph(seed, directed=True)
    for k in (1, 2):
        neg = kpp_neg(D, k, seed=seed)
        assert neg.score == pytest.approx(_best(D, k, lambda S: ref_fragmentation(D, S)), abs=TOL)
        dw = kpp_neg(D, k, objective="distance-weighted", seed=seed)
        best = _best(D, k, lambda S: ref_distance_weighted(D, S))
        assert dw.score == pytest.approx(best, abs=TOL)
        pos = kpp_pos(D, k, seed=seed)
        assert pos.score == pytest.approx(_best(D, k, lambda S: ref_reach(D, S)), abs=TOL)


@pytest.mark.parametrize("seed", range(6))
def test_objectives_equal_networkx_definitions(seed):
    rng = random.Random(seed)
    for directed in (False, True):
        G = _graph(seed, directed=directed)
        nodes = list(G)
        for k in (0, 1, 2, 4):
            S = rng.sample(nodes, k)
            assert fragmentation(G, S) == pytest.approx(ref_fragmentation(G, S), abs=TOL)
            dwf = distance_weighted_fragmentation(G, S)
            assert dwf == pytest.approx(ref_distance_weighted(G, S), abs=TOL)
            if not directed:
                H = G.copy()
                H.remove_nodes_from(S)
                assert dwf == pytest.approx(1 - nx.global_efficiency(H), abs=TOL)
            if k:
                assert reach(G, S) == pytest.approx(ref_reach(G, S), abs=TOL)
                for m in (1, 2, 3):
                    assert reach(G, S, m=m) == pytest.approx(ref_m_reach(G, S, m), abs=TOL)


def test_hand_worked_values():
    # Star of 4 leaves: removing the centre isolates everyone (F = 1, D = 1); a leaf reaches the
    # centre at 1 and three leaves at 2: (1 + 1 + 3/2) / 5 = 0.7.
    star = nx.star_graph(4)
    assert fragmentation(star, [0]) == 1.0 and distance_weighted_fragmentation(star, [0]) == 1.0
    assert reach(star, [1]) == pytest.approx(0.7) and reach(star, [1], m=2) == 1.0
    # Two disjoint edges: 4 of 12 ordered pairs connected.
    G = nx.Graph([(0, 1), (2, 3)])
    assert fragmentation(G) == pytest.approx(1 - 4 / 12)
    assert reach(G, []) == 0.0


def test_deterministic_with_a_seed():
    G = nx.gnp_random_graph(40, 0.08, seed=7)
    a = kpp_neg(G, 3, seed=5, starts=6)
    b = kpp_neg(G, 3, seed=5, starts=6)
    assert a == b
    assert kpp_pos(G, 3, seed=2) == kpp_pos(G, 3, seed=2)
    # One start is the greedy start alone: no randomness, the seed does not matter.
    assert kpp_neg(G, 3, seed=1, starts=1) == kpp_neg(G, 3, seed=99, starts=1)
    # Whatever the seed, the best score of 40 starts is the same on this small graph.
    scores = {round(kpp_neg(G, 2, seed=s, starts=10).score, 12) for s in range(4)}
    assert len(scores) == 1


def test_swaps_improve_on_the_greedy_start(caplog):
    # Path 0-1-...-8. Greedy: the middle 4 first, then 1 (ties with 2, 6, 7 on F; 1 is closest
    # on distance): segments 1, 2, 4 nodes, F = 1 - 14/42. Swaps reach segments of 2, 2, 3
    # (e.g. removing 2 and 5): F = 1 - 10/42, the best over all 36 pairs.
    G = nx.path_graph(9)
    greedy = kpp_neg(G, 2, starts=1, max_iter=0)
    assert greedy == KeyPlayers((1, 4), 1 - 14 / 42, "fragmentation", 0, False)
    assert "stopped after max_iter=0" in caplog.text
    swapped = kpp_neg(G, 2, starts=1)
    assert swapped == KeyPlayers((2, 5), 1 - 10 / 42, "fragmentation", 2, True)
    assert swapped.score == pytest.approx(_best(G, 2, lambda S: ref_fragmentation(G, S)))


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda G: kpp_neg(G, 0), "between 1 and 8"),
        (lambda G: kpp_neg(G, 9), "between 1 and 8"),  # n - 2 = 8 at most
        (lambda G: kpp_neg(G, True), "between 1 and 8"),
        (lambda G: kpp_neg(G, 1.5), "between 1 and 8"),
        (lambda G: kpp_pos(G, 11), "between 1 and 10"),
        (lambda G: kpp_pos(G, 0), "between 1 and 10"),
        (lambda G: kpp_neg(G, 2, objective="m-reach"), "objective"),
        (lambda G: kpp_neg(G, 2, objective="reach"), "objective"),
        (lambda G: kpp_pos(G, 2, objective="fragmentation"), "objective"),
        (lambda G: kpp_pos(G, 2, objective="m-reach", m=0), "hops"),
        (lambda G: kpp_neg(G, 2, starts=0), "starts"),
        (lambda G: kpp_neg(G, 2, max_iter=-1), "max_iter"),
        (lambda G: fragmentation(G, ["zz"]), "nodes of the graph"),
        (lambda G: fragmentation(G, [1, 1]), "distinct"),
        (lambda G: fragmentation(G, range(9)), "at least 2 nodes"),
        (lambda G: distance_weighted_fragmentation(G, range(9)), "at least 2 nodes"),
        (lambda G: reach(G, [0], m=0), "hops"),
    ],
)
def test_bad_arguments(call, match):
    with pytest.raises(InvalidValue, match=match):
        call(nx.path_graph(10))


@pytest.mark.slow
def test_montagna_key_players_of_the_docs():
    # docs/network-disruption.md: KPP-Neg, k = 5, seed 0, against sequential betweenness.
    expected = {
        "meetings": (0.1699, ("18", "22", "25", "29", "68"), 0.7842, 39, 0.7842),
        "phonecalls": (0.2063, ("18", "61", "27", "47", "68"), 0.9324, 24, 0.9303),
    }
    for name, (before, nodes, after, lcc, betweenness) in expected.items():
        path = shared_data(f"networks/montagna/Montagna_{name}_edgelist.csv")
        G = network_from_file(path, "montagna-edgelist")
        assert round(fragmentation(G), 4) == before
        best = kpp_neg(G, 5, seed=0)
        assert (best.nodes, round(best.score, 4), best.converged) == (nodes, after, True)
        assert best.score == pytest.approx(ref_fragmentation(G, best.nodes), abs=TOL)
        H = G.copy()
        H.remove_nodes_from(best.nodes)
        assert max(len(c) for c in nx.connected_components(H)) == lcc
        top5 = disrupt(G, measure=("lcc",))["node"].iloc[1:6].tolist()
        assert round(fragmentation(G, top5), 4) == betweenness
        if name == "meetings":
            assert set(top5) == set(nodes)  # the same five actors


def test_the_python_examples_of_the_disruption_docs_run(monkeypatch):
    # Every ```python block of docs/network-disruption.md, in order, as one doctest, run from
    # ../shared/data/networks (the paths in the examples are relative to it).
    monkeypatch.chdir(shared_data("networks"))
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) >= 5
    test = doctest.DocTestParser().get_doctest("\n".join(blocks), {}, DOC.name, str(DOC), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)
    assert runner.tries >= 20
