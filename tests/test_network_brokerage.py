"""Gould–Fernandez brokerage roles: hand-worked counts, brute force, exact null moments, Caviar."""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction

import networkx as nx
import numpy as np
import pytest

from conftest import shared_data
from cybertnoc.errors import InvalidValue
from cybertnoc.network.brokerage import (
    ROLES,
    _network_moments,
    brokerage,
    brokerage_table,
)
from cybertnoc.network.load import network_from_file

COLUMNS = (*ROLES, "total")


def _role(ga, gb, gc) -> str:
    """The role of the broker B of A -> B -> C, straight from the definitions."""
    if ga == gb == gc:
        return "coordinator"
    if ga == gc != gb:
        return "itinerant"
    if ga != gb == gc:
        return "gatekeeper"
    if ga == gb != gc:
        return "representative"
    assert len({ga, gb, gc}) == 3
    return "liaison"


def _brute(G, groups) -> dict:
    """Role counts over all ordered triples of distinct nodes."""
    counts = {v: dict.fromkeys(COLUMNS, 0) for v in G}
    for a, b, c in itertools.permutations(G, 3):
        if G.has_edge(a, b) and G.has_edge(b, c) and not G.has_edge(a, c):
            counts[b][_role(groups[a], groups[b], groups[c])] += 1
            counts[b]["total"] += 1
    return counts


def _open_two_paths(G) -> int:
    """Two-paths A -> B -> C (A != C) minus the closed ones, by matrix algebra."""
    A = nx.to_numpy_array(G, weight=None)
    np.fill_diagonal(A, 0)
    A = (A != 0).astype(np.int64)
    A2 = A @ A
    return int(A2.sum() - np.trace(A2) - (A2 * A).sum())


# The hand-worked example. Groups: X = {a, b, c}, Y = {d, e}, Z = {f}.
# Arcs: d->a, a->b, b->c, c->d, d->e, e->f, f->b.
#
#        d ────> a ────> b ────> c
#        ^ \             ^       │
#        │  v            │       │
#        │  e ──> f ─────┘       │
#        └───────────────────────┘   (c -> d)
#
# Broker by broker (in-neighbours x out-neighbours, no arc A -> C anywhere):
#   a: d->a->b          Y X X  gatekeeper                       -> gatekeeper 1
#   b: a->b->c          X X X  coordinator
#      f->b->c          Z X X  gatekeeper                       -> coordinator 1, gatekeeper 1
#   c: b->c->d          X X Y  representative                   -> representative 1
#   d: c->d->a          X Y X  itinerant
#      c->d->e          X Y Y  gatekeeper                       -> itinerant 1, gatekeeper 1
#   e: d->e->f          Y Y Z  representative                   -> representative 1
#   f: e->f->b          Y Z X  liaison                          -> liaison 1
# 8 open two-paths in all; 7 arcs of 30 possible: density 7/30.
HAND_ARCS = [("a", "b"), ("b", "c"), ("c", "d"), ("d", "a"), ("d", "e"), ("e", "f"), ("f", "b")]
HAND_GROUPS = {"a": "X", "b": "X", "c": "X", "d": "Y", "e": "Y", "f": "Z"}
HAND_COUNTS = {
    "a": {"gatekeeper": 1},
    "b": {"coordinator": 1, "gatekeeper": 1},
    "c": {"representative": 1},
    "d": {"itinerant": 1, "gatekeeper": 1},
    "e": {"representative": 1},
    "f": {"liaison": 1},
}


def _full(partial: dict) -> dict:
    row = dict.fromkeys(COLUMNS, 0)
    row.update(partial)
    row["total"] = sum(partial.values())
    return row


def test_hand_worked_directed_example():
    G = nx.DiGraph(HAND_ARCS)
    result = brokerage(G, HAND_GROUPS)
    assert result.counts == {v: _full(HAND_COUNTS[v]) for v in G}
    assert result.open_two_paths == 8 == _open_two_paths(G)
    assert result.network_counts == {
        "coordinator": 1,
        "itinerant": 1,
        "gatekeeper": 3,
        "representative": 2,
        "liaison": 1,
        "total": 8,
    }
    assert result.density == pytest.approx(7 / 30)
    assert result.nodes == tuple(G) and result.groups == HAND_GROUPS
    # The same through a node attribute and as table rows.
    nx.set_node_attributes(G, HAND_GROUPS, "faction")
    rows = brokerage_table(G, "faction")
    assert [r["node"] for r in rows] == list(G)
    assert rows[1] == {"node": "b", "group": "X", **_full(HAND_COUNTS["b"])}
    assert list(rows[0]) == ["node", "group", *COLUMNS]
    zrows = brokerage_table(G, "faction", z=True)
    assert list(zrows[0])[8:] == [f"z_{c}" for c in COLUMNS]
    assert zrows[0]["z_gatekeeper"] == pytest.approx(brokerage(G, "faction").z["a"]["gatekeeper"])


def test_closed_triads_and_reciprocal_arcs_broker_nothing():
    G = nx.DiGraph(HAND_ARCS)
    G.add_edge("a", "c")  # closes a -> b -> c; opens d -> a -> c and a -> c -> d
    result = brokerage(G, HAND_GROUPS)
    assert result.counts["b"]["coordinator"] == 0
    assert result.counts["a"]["gatekeeper"] == 2  # d->a->b and d->a->c (Y X X)
    assert result.counts["c"]["representative"] == 2  # b->c->d and a->c->d (X X Y)
    assert result.open_two_paths == 9 == _open_two_paths(G)
    # A triangle with every arc both ways has no open two-path at all.
    K = nx.complete_graph(3, create_using=nx.DiGraph)
    assert brokerage(K, dict.fromkeys(K, 1)).open_two_paths == 0
    # a <-> b: a -> b -> a is not a two-path between two distinct nodes.
    R = nx.DiGraph([("a", "b"), ("b", "a")])
    assert brokerage(R, {"a": 1, "b": 2}).open_two_paths == 0


def test_undirected_edges_count_as_two_arcs():
    # u - v - w with groups X X Y: v brokers u -> v -> w (representative) and w -> v -> u
    # (gatekeeper).
    P = nx.Graph([("u", "v"), ("v", "w")])
    result = brokerage(P, {"u": "X", "v": "X", "w": "Y"})
    assert result.counts["v"] == _full({"representative": 1, "gatekeeper": 1})
    assert result.density == pytest.approx(4 / 6)
    rng = random.Random(4)
    for seed in range(5):
        G = nx.gnp_random_graph(25, 0.15, seed=seed)
        groups = {v: rng.choice("ABC") for v in G}
        und, dig = brokerage(G, groups), brokerage(G.to_directed(), groups)
        assert und.counts == dig.counts and und.density == dig.density
        assert und.expected == dig.expected and und.network_sd == dig.network_sd
        for v in G:  # undirected: every broker is as much gatekeeper as representative
            assert und.counts[v]["gatekeeper"] == und.counts[v]["representative"]
        # Open two-paths of an undirected graph: sum over B of k(k - 1) - 2 triangles(B).
        triangles = nx.triangles(G)
        expected = sum(k * (k - 1) - 2 * triangles[v] for v, k in G.degree())
        assert und.open_two_paths == expected


@pytest.mark.parametrize("seed", range(8))
def test_counts_equal_brute_force_over_all_triples(seed):
    rng = random.Random(seed)
    n = rng.randint(6, 18)
    directed = seed % 2 == 0
    G = nx.gnp_random_graph(n, rng.uniform(0.1, 0.5), seed=seed, directed=directed)
    for v in rng.sample(list(G), 3):
        G.add_edge(v, v)  # self-loops are ignored
    groups = {v: rng.randrange(rng.randint(1, 4)) for v in G}
    result = brokerage(G, groups)
    H = G.copy()
    H.remove_edges_from(nx.selfloop_edges(G))
    assert result.counts == _brute(H, groups)
    assert result.open_two_paths == _open_two_paths(G)
    assert sum(result.network_counts[r] for r in ROLES) == result.network_counts["total"]
    arcs = H.number_of_edges() * (1 if directed else 2)
    assert result.density == pytest.approx(arcs / (n * (n - 1)))


def _exact_moments(groups: list, d: Fraction) -> tuple[dict, dict]:
    """Exact means and variances under a Bernoulli(d) digraph, by enumerating every pair of
    candidate two-paths: E[I_t I_s] = d^|arcs present| (1-d)^|arcs absent|, 0 on a conflict."""
    n = len(groups)
    p = d * d * (1 - d)
    paths = []
    for a, b, c in itertools.permutations(range(n), 3):
        paths.append(({(a, b), (b, c)}, {(a, c)}, b, _role(groups[a], groups[b], groups[c])))
    first = {}
    second = {}
    for key in [*itertools.product(range(n), COLUMNS), *COLUMNS]:
        first[key] = Fraction(0)
        second[key] = Fraction(0)

    def keys(path):
        broker, role = path[2], path[3]
        return [(broker, role), (broker, "total"), role, "total"]

    for t in paths:
        for key in keys(t):
            first[key] += p
    for t in paths:
        kt = keys(t)
        for s in paths:
            present, absent = t[0] | s[0], t[1] | s[1]
            joint = 0 if present & absent else d ** len(present) * (1 - d) ** len(absent)
            if not joint:
                continue
            for key in set(kt) & set(keys(s)):
                second[key] += joint
    variance = {key: second[key] - first[key] ** 2 for key in first}
    return first, variance


@pytest.mark.parametrize(
    ("groups", "arcs"),
    [("XXXYYZ", 9), ("XXXYYY", 12), ("XYZWXY", 7), ("XXXXXX", 10), ("XXYYZ", 6)],
)
def test_expected_counts_and_sd_are_exact_under_the_bernoulli_null(groups, arcs):
    n = len(groups)
    rng = random.Random(arcs)
    pairs = [(i, j) for i in range(n) for j in range(n) if i != j]
    G = nx.DiGraph(rng.sample(pairs, arcs))
    G.add_nodes_from(range(n))
    result = brokerage(G, dict(enumerate(groups)))
    d = Fraction(arcs, n * (n - 1))
    assert result.density == pytest.approx(float(d))
    mean, var = _exact_moments(list(groups), d)
    for v in range(n):
        for c in COLUMNS:
            assert result.expected[v][c] == pytest.approx(float(mean[(v, c)]), abs=1e-12)
            assert result.sd[v][c] ** 2 == pytest.approx(float(var[(v, c)]), abs=1e-12)
            sd = math.sqrt(float(var[(v, c)]))
            z = result.z[v][c]
            if sd == 0:
                assert math.isnan(z)
            else:
                assert z == pytest.approx((result.counts[v][c] - float(mean[(v, c)])) / sd)
    for c in COLUMNS:
        assert result.network_expected[c] == pytest.approx(float(mean[c]), abs=1e-12)
        assert result.network_sd[c] ** 2 == pytest.approx(float(var[c]), rel=1e-12, abs=1e-12)


def test_network_variance_against_all_4096_digraphs_and_sna_formula():
    # 4 nodes in groups {0, 1} and {2, 3}, d = 0.3: the variance of the total count over all
    # 2^12 digraphs, weighted by their probability, against ours and sna's (which overstates it).
    n, d = 4, 0.3
    pairs = [(i, j) for i in range(n) for j in range(n) if i != j]
    bits = (np.arange(2 ** len(pairs))[:, None] >> np.arange(len(pairs))) & 1
    A = np.zeros((len(bits), n, n))
    for k, (i, j) in enumerate(pairs):
        A[:, i, j] = bits[:, k]
    A2 = A @ A
    total = (A2 * (1 - A)).sum(axis=(1, 2)) - np.trace(A2, axis1=1, axis2=2)
    weight = d ** bits.sum(axis=1) * (1 - d) ** (len(pairs) - bits.sum(axis=1))
    mean = (weight * total).sum()
    variance = (weight * total**2).sum() - mean**2
    exp, var = _network_moments(np.array([2, 2]), 4.0, d)
    assert mean == pytest.approx(1.512) and exp[5] == pytest.approx(mean)
    assert variance == pytest.approx(2.219616) and var[5] == pytest.approx(variance)
    p = d * d * (1 - d)
    a, b, c = d**3 * (1 - d) ** 3, d**4 * (1 - d) ** 2, d**5 * (1 - d)
    sna = mean * (1 - p) + n * (n - 1) * (n - 2) * (
        (4 * n - 10) * a - 4 * (n - 3) * b + (n - 3) * c
    )
    assert sna == pytest.approx(2.410128)  # sna::brokerage's sd.gli["t"] squared


def _sna_network_moments(n: np.ndarray, d: float) -> tuple[dict, dict]:
    """The network-level expectations and variances of R's sna::brokerage (egbr, vgbr),
    transcribed from its R code."""
    N = float(n.sum())
    p = d * d * (1 - d)
    a, b, c = d**3 * (1 - d) ** 3, d**4 * (1 - d) ** 2, d**5 * (1 - d)
    x, y = n[:, None], n[None, :]
    e = {
        "coordinator": p * (n * (n - 1) * (n - 2)).sum(),
        "itinerant": p * (n * (N - n) * (n - 1)).sum(),
        "liaison": p * ((x * y * (N - x - y)).sum() - (n * n * (N - 2 * n)).sum()),
        "total": p * N * (N - 1) * (N - 2),
    }
    e["gatekeeper"] = e["representative"] = e["itinerant"]
    v = {
        "coordinator": (
            n * (n - 1) * (n - 2) * ((4 * n - 10) * a - 4 * (n - 3) * b + (n - 3) * c)
        ).sum(),
        "itinerant": (x * y * (x - 1) * ((2 * x + 2 * y - 6) * a + (N - x - 1) * c)).sum()
        - (n * n * (n - 1) * ((4 * n - 6) * a + (N - n - 1) * c)).sum(),
        "representative": (n * (N - n) * (n - 1) * ((N - 3) * a + (n - 2) * c)).sum(),
        "liaison": 0.0,
        "total": N * (N - 1) * (N - 2) * ((4 * N - 10) * a - 4 * (N - 3) * b + (N - 3) * c),
    }
    for i, j, k in itertools.permutations(range(len(n)), 3):
        v["liaison"] += (
            n[i]
            * n[j]
            * n[k]
            * (
                (4 * (N - n[j]) - 2 * (n[i] + n[k] + 1)) * a
                - (4 * (N - n[k]) - 2 * (n[i] + n[j] + 1)) * b
                + (N - (n[i] + n[k] + 1)) * c
            )
        )
    v["gatekeeper"] = v["representative"]
    return {r: float(e[r]) for r in COLUMNS}, {r: float(e[r] * (1 - p) + v[r]) for r in COLUMNS}


@pytest.mark.parametrize("groups", ["XXXYYZ", "XXXYYY", "XYZWXY", "XXYYZ", "XXXXYZ"])
def test_sna_network_variances_are_exact_for_itinerant_and_liaison_only(groups):
    # Documented in the module: sna's sd.gli is exact for itinerant and liaison brokerage and
    # too large for coordinator, gatekeeper, representative and total; ours is exact for all.
    d = Fraction(1, 4)
    _, var = _exact_moments(list(groups), d)
    sizes = np.array([groups.count(g) for g in dict.fromkeys(groups)], dtype=float)
    sna_mean, sna = _sna_network_moments(sizes, float(d))
    exp, ours = _network_moments(sizes, float(len(groups)), float(d))
    for j, role in enumerate(COLUMNS):
        assert exp[j] == pytest.approx(sna_mean[role], abs=1e-12)
        assert ours[j] == pytest.approx(float(var[role]), rel=1e-12, abs=1e-12)
        if role in ("itinerant", "liaison"):
            assert sna[role] == pytest.approx(float(var[role]), rel=1e-12, abs=1e-12)
        elif var[role] > 0:
            assert sna[role] > float(var[role]) * (1 + 1e-6)


def test_missing_groups_are_an_error():
    G = nx.DiGraph(HAND_ARCS)
    nx.set_node_attributes(G, {"a": "X", "b": "X", "c": None, "d": ""}, "faction")
    with pytest.raises(InvalidValue, match=r"4 of 6 nodes have none") as info:
        brokerage(G, "faction")
    assert info.value.value == ["c", "d", "e", "f"]
    assert "faction" in str(info.value)
    with pytest.raises(InvalidValue, match="1 of 6 nodes"):
        brokerage(G, {**HAND_GROUPS, "f": float("nan")})
    with pytest.raises(InvalidValue, match="1 of 6 nodes"):
        brokerage_table(G, {k: v for k, v in HAND_GROUPS.items() if k != "e"})
    with pytest.raises(InvalidValue):
        brokerage(G, ["X"] * 6)  # type: ignore[arg-type]
    with pytest.raises(InvalidValue, match="hashable"):
        brokerage(G, {v: ["X"] for v in G})
    # Extra keys are ignored.
    assert brokerage(G, {**HAND_GROUPS, "zz": "Q"}).counts == brokerage(G, HAND_GROUPS).counts


def test_small_and_empty_graphs():
    assert brokerage(nx.DiGraph(), {}).open_two_paths == 0
    one = brokerage(nx.path_graph(1), {0: "X"})
    assert one.counts == {0: dict.fromkeys(COLUMNS, 0)} and one.density == 0.0
    assert math.isnan(one.z[0]["total"])


def test_caviar_traffickers_and_non_traffickers():
    # Morselli's Caviar network (directed calls, 110 nodes, 295 arcs); N1-N82 are traffickers,
    # N83-N110 the 28 non-traffickers (SOURCE.md; Morselli & Giguere 2006).
    G = network_from_file(shared_data("networks/caviar/morselli_caviar.csv"), "ucinet-matrix")
    assert (len(G), G.number_of_edges()) == (110, 295)
    groups = {v: "trafficker" if int(v) <= 82 else "non-trafficker" for v in G}
    result = brokerage(G, groups)
    assert result.open_two_paths == _open_two_paths(G) == 3077
    assert result.network_counts == {
        "coordinator": 1596,
        "itinerant": 328,
        "gatekeeper": 635,
        "representative": 518,
        "liaison": 0,  # two groups: no liaison is possible
        "total": 3077,
    }
    # Brute force over the two-paths of the real network.
    brute = {v: dict.fromkeys(COLUMNS, 0) for v in G}
    for b in G:
        for a in G.predecessors(b):
            for c in G.successors(b):
                if a != c and not G.has_edge(a, c):
                    brute[b][_role(groups[a], groups[b], groups[c])] += 1
                    brute[b]["total"] += 1
    assert result.counts == brute
    # N1, the network's initiator, brokers most in every role; N87, a non-trafficker, is the
    # second itinerant (mediating between traffickers).
    for role in ("coordinator", "itinerant", "gatekeeper", "representative"):
        assert max(G, key=lambda v: result.counts[v][role]) == "1"
    assert result.counts["1"]["total"] == 1875
    assert result.counts["87"] == _full({"itinerant": 72, "gatekeeper": 12})
    assert result.density == pytest.approx(295 / (110 * 109))
    assert result.z["1"]["total"] > 100 and math.isnan(result.network_z["liaison"])
    # Undirected reading: each call tie counts both ways.
    U = network_from_file(
        shared_data("networks/caviar/morselli_caviar.csv"), "ucinet-matrix", directed=False
    )
    und = brokerage(U, groups)
    triangles = nx.triangles(U)
    assert und.open_two_paths == sum(k * (k - 1) - 2 * triangles[v] for v, k in U.degree())
