"""Leiden, modularity and agreement (NMI, ARI): networkx equality, hand-worked examples, Infinito.

Oracles: networkx ``community.modularity`` (equal within 1e-12), leidenalg's own quality (igraph
side), the proven maximum modularity of Zachary's karate club (0.4198, Brandes et al. 2008),
contingency tables worked by hand and brute-force pair counting for NMI/ARI, and the locali of
Operazione Infinito (Legramanti et al. 2022 coding) against communities of the summit projection.
"""

from __future__ import annotations

import math
import random
from itertools import combinations

import networkx as nx
import pytest

from conftest import TEST_KEY, shared_data
from cybertnoc.errors import InvalidValue
from cybertnoc.ethics import Pseudonymiser
from cybertnoc.ingest.formats import import_format
from cybertnoc.network.communities import Communities, agreement, leiden, louvain, modularity
from cybertnoc.network.twomode import workspace_projection
from cybertnoc.store import Workspace


def _blocks(c: Communities) -> list[set]:
    parts: dict[int, set] = {}
    for node, k in c.membership.items():
        parts.setdefault(k, set()).add(node)
    return list(parts.values())


# -- modularity ------------------------------------------------------------------------------


@pytest.mark.parametrize("weight", [None, "weight"])
@pytest.mark.parametrize("resolution", [0.5, 1.0, 2.0])
def test_modularity_equals_networkx_on_karate(weight, resolution):
    G = nx.karate_club_graph()
    for seed in range(3):
        parts = _blocks(louvain(G, weight=weight, seed=seed))
        ours = modularity(G, parts, weight=weight, resolution=resolution)
        ref = nx.community.modularity(G, parts, weight=weight, resolution=resolution)
        assert ours == pytest.approx(ref, abs=1e-12)


@pytest.mark.parametrize("directed", [False, True])
def test_modularity_equals_networkx_with_self_loops_and_missing_weights(directed):
    rng = random.Random(7)
    G = nx.gnp_random_graph(40, 0.12, seed=3, directed=directed)
    for u, v in G.edges():
        if rng.random() < 0.8:
            G[u][v]["weight"] = rng.uniform(0.1, 5)
    G.add_edge(3, 3, weight=2.5)
    G.add_edge(8, 8)
    parts = [set(range(0, 13)), set(range(13, 31)), set(range(31, 40))]
    for w in (None, "weight"):
        assert modularity(G, parts, weight=w) == pytest.approx(
            nx.community.modularity(G, parts, weight=w), abs=1e-12
        )


def test_modularity_accepts_partitions_in_any_form_and_checks_them():
    G = nx.Graph([(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)])
    # Two triangles joined by an edge: L_c = 3 each, d_c = 7 each, m = 7.
    expected = 2 * (3 / 7 - (7 / 14) ** 2)
    assert modularity(G, [{1, 2, 3}, {4, 5, 6}]) == pytest.approx(expected)
    assert modularity(G, {1: "a", 2: "a", 3: "a", 4: "b", 5: "b", 6: "b"}) == pytest.approx(
        expected
    )
    assert modularity(G, louvain(G)) == pytest.approx(expected)
    with pytest.raises(InvalidValue, match="partition"):
        modularity(G, [{1, 2, 3}, {4, 5}])
    with pytest.raises(InvalidValue, match="one community"):
        modularity(G, [{1, 2, 3}, {3, 4, 5, 6}])
    edgeless = nx.empty_graph(3)
    assert math.isnan(modularity(edgeless, [{0, 1, 2}]))


# -- Leiden ----------------------------------------------------------------------------------


def test_leiden_finds_the_proven_optimum_of_the_karate_club():
    # Brandes et al. (2008): maximum modularity of Zachary's club is 0.4198, four communities.
    G = nx.karate_club_graph()
    for seed in range(5):
        c = leiden(G, weight=None, seed=seed)
        assert round(c.modularity, 4) == 0.4198
        assert sorted(c.sizes, reverse=True) == [12, 11, 6, 5]
    # The instructor (0) and the administrator (33) end up apart.
    assert c.membership[0] != c.membership[33]


def test_leiden_is_deterministic_and_agrees_with_leidenalg_quality():
    import igraph as ig
    import leidenalg

    G = nx.karate_club_graph()  # weighted: interaction counts
    a, b = leiden(G, seed=11), leiden(G, seed=11)
    assert a == b
    assert a.modularity == pytest.approx(
        nx.community.modularity(G, _blocks(a), weight="weight"), abs=1e-12
    )
    g = ig.Graph(n=34, edges=list(G.edges()))
    weights = [G[u][v]["weight"] for u, v in G.edges()]
    ours = leidenalg.ModularityVertexPartition(
        g, weights=weights, initial_membership=[a.membership[n] for n in G]
    )
    assert a.modularity == pytest.approx(ours.quality(), abs=1e-12)  # igraph's own value
    found = leidenalg.find_partition(
        g, leidenalg.ModularityVertexPartition, weights=weights, seed=11, n_iterations=-1
    )
    assert a.modularity == pytest.approx(found.quality(), abs=1e-9)  # same optimum
    for resolution in (0.5, 2.0):
        c = leiden(G, resolution=resolution, seed=1)
        assert c.modularity == pytest.approx(
            nx.community.modularity(G, _blocks(c), resolution=resolution), abs=1e-12
        )
    assert len(leiden(G, resolution=2.0).sizes) > len(leiden(G, resolution=0.5).sizes)


def test_leiden_cpm_and_edge_cases():
    # CPM (Traag et al. 2011): Q = sum_c [e_c - gamma C(n_c, 2)]. At gamma = 0.5 a triangle
    # scores 3 - 1.5 = 1.5, both triangles together 7 - 7.5 < 0: the two triangles.
    G = nx.Graph([(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)])
    c = leiden(G, objective="cpm", resolution=0.5, weight=None)
    assert sorted(map(sorted, _blocks(c))) == [[1, 2, 3], [4, 5, 6]]
    G.add_node(99)
    c = leiden(G, weight=None)
    assert c.sizes == [3, 3, 1] and c.membership[99] == 2
    assert leiden(nx.Graph()) == Communities({}, [], 0.0)
    D = nx.DiGraph([(1, 2), (2, 3), (3, 1), (4, 5), (5, 6), (6, 4), (3, 4)])
    d = leiden(D, weight=None)
    assert d.modularity == pytest.approx(nx.community.modularity(D, _blocks(d)), abs=1e-12)
    with pytest.raises(InvalidValue, match="quality"):
        leiden(G, objective="infomap")  # type: ignore[arg-type]


# -- agreement: NMI and ARI ------------------------------------------------------------------


def test_agreement_hand_worked_examples():
    # [0,0,1,1] vs [0,0,1,2]: H(U) = ln 2, H(V) = 1.5 ln 2, I = ln 2 -> NMI = 1/1.25 = 0.8.
    # Pairs: sum C(n_ij,2) = 1, sum C(a_i,2) = 2, sum C(b_j,2) = 1, E = 2/6 -> ARI = 4/7.
    a = agreement([0, 0, 1, 1], [0, 0, 1, 2])
    assert a["nmi"] == pytest.approx(0.8, abs=1e-12)
    assert a["ari"] == pytest.approx(4 / 7, abs=1e-12)
    assert a["n"] == 4
    assert agreement([0, 0, 1, 2], [0, 0, 1, 1])["ari"] == pytest.approx(4 / 7)  # symmetric
    # The same partition under other names.
    assert agreement(["x", "x", "y"], [5, 5, 7]) == pytest.approx({"nmi": 1.0, "ari": 1.0, "n": 3})
    # Crossed halves: no information, and worse than chance for ARI (-0.5 by hand).
    crossed = agreement([0, 0, 1, 1], [0, 1, 0, 1])
    assert crossed["nmi"] == 0.0 and crossed["ari"] == pytest.approx(-0.5)
    # One group against singletons.
    split = agreement([0, 0, 0, 0], [0, 1, 2, 3])
    assert split["nmi"] == 0.0 and split["ari"] == 0.0
    # Both trivial: a perfect match (scikit-learn's convention).
    assert agreement([1, 1, 1], ["a", "a", "a"])["nmi"] == 1.0


def _nmi_ari_brute_force(u, v):
    n = len(u)
    cu, cv = set(u), set(v)

    def h(x):
        return -sum((x.count(k) / n) * math.log(x.count(k) / n) for k in set(x))

    mi = 0.0
    for a in cu:
        for b in cv:
            nij = sum(1 for x, y in zip(u, v, strict=True) if x == a and y == b)
            if nij:
                mi += nij / n * math.log(n * nij / (u.count(a) * v.count(b)))
    nmi = mi / ((h(u) + h(v)) / 2)
    same_u = [u[i] == u[j] for i, j in combinations(range(n), 2)]
    same_v = [v[i] == v[j] for i, j in combinations(range(n), 2)]
    index = sum(a and b for a, b in zip(same_u, same_v, strict=True))
    su, sv, pairs = sum(same_u), sum(same_v), n * (n - 1) / 2
    expected = su * sv / pairs
    ari = (index - expected) / ((su + sv) / 2 - expected)
    return nmi, ari


@pytest.mark.parametrize("seed", range(6))
def test_agreement_equals_brute_force_pair_counting(seed):
    rng = random.Random(seed)
    n = rng.randint(8, 40)
    u = [rng.randint(0, 4) for _ in range(n)]
    v = [rng.choice("abcdef") for _ in range(n)]
    nmi, ari = _nmi_ari_brute_force(u, v)
    got = agreement(u, v)
    assert got["nmi"] == pytest.approx(nmi, abs=1e-12)
    assert got["ari"] == pytest.approx(ari, abs=1e-12)


def test_agreement_by_node_uses_the_labelled_nodes_only():
    partition = {"a": 0, "b": 0, "c": 1, "d": 1, "e": 1}
    labels = {"a": "X", "b": "X", "c": "Y", "d": "Y", "e": None, "zz": "Y"}
    assert agreement(partition, labels) == pytest.approx({"nmi": 1.0, "ari": 1.0, "n": 4})
    with pytest.raises(InvalidValue, match="same kind"):
        agreement(partition, ["X", "X"])
    with pytest.raises(InvalidValue, match="same length"):
        agreement([0, 1], [0])


# -- Operazione Infinito: communities against the locali --------------------------------------


@pytest.fixture(scope="module")
def infinito(tmp_path_factory):
    folder = shared_data("networks/ndrangheta_infinito")
    ws = Workspace.create(tmp_path_factory.mktemp("infinito") / "ws")
    import_format(ws, folder, "two-mode-matrix", pseudonymiser=Pseudonymiser(TEST_KEY))
    G = workspace_projection(ws)
    ws.close()
    return G


def test_infinito_communities_recover_the_locali(infinito):
    """Leiden (seed 0) on the co-attendance projection weighted by shared summits.

    Figures recorded in docs/network-communities-links.md. Compared on the 146 coded persons
    (locali A-Q plus OUT and MISS as groups), on the 118 members of a locale, and on the 84
    members of the five largest locali A-E (Legramanti et al.'s V = 84).
    """
    G = infinito
    groups = {n: d.get("group") for n, d in G.nodes(data=True)}
    coded = {n: g for n, g in groups.items() if g}
    members = {n: g for n, g in coded.items() if g not in ("OUT", "MISS")}
    largest = {n: g for n, g in coded.items() if g in ("A", "B", "C", "D", "E")}
    assert (len(coded), len(members), len(largest)) == (146, 118, 84)
    c = leiden(G, seed=0)
    assert c.sizes == [50, 38, 19, 17, 12, 11, 4, 1, 1, 1, 1, 1]  # 5 isolates are singletons
    assert round(c.modularity, 4) == 0.4786
    figures = {
        name: {k: round(v, 4) for k, v in agreement(c, labels).items() if k != "n"}
        for name, labels in (("coded", coded), ("members", members), ("largest", largest))
    }
    assert figures == {
        "coded": {"nmi": 0.5063, "ari": 0.2865},
        "members": {"nmi": 0.6206, "ari": 0.4055},
        "largest": {"nmi": 0.7322, "ari": 0.6755},
    }
    # Louvain (seed 0) on the same graph: a little lower modularity and agreement.
    lv = louvain(G, seed=0)
    assert round(lv.modularity, 4) == 0.4715
    assert round(agreement(lv, largest)["nmi"], 4) == 0.727
    # The structure is far from random: shuffled locali agree with nothing.
    rng = random.Random(0)
    shuffled = dict(zip(largest, rng.sample(list(largest.values()), len(largest)), strict=True))
    assert agreement(c, shuffled)["ari"] < 0.05
