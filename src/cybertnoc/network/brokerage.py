"""Gould–Fernandez brokerage roles: who mediates between whom, within and across groups.

A node B *brokers* an ordered pair (A, C) of other nodes when the network has the two-path
A → B → C but no direct tie A → C (A ≠ C) (Gould & Fernandez 1989, [1]_). Given a partition of
the nodes into groups g(·) (factions, families, cells, trafficker/non-trafficker), each brokered
two-path gives B exactly one of five roles:

================  ====================  ==========================================  ==========
role              groups                B mediates ...                              sna column
================  ====================  ==========================================  ==========
coordinator       g(A) = g(B) = g(C)    inside its own group                        ``w_I``
itinerant         g(A) = g(C) ≠ g(B)    inside another group (*consultant*)         ``w_O``
gatekeeper        g(A) ≠ g(B) = g(C)    an outsider's access to its group           ``b_OI``
representative    g(A) = g(B) ≠ g(C)    its group's contact with an outsider        ``b_IO``
liaison           all three different   between two groups, belonging to neither    ``b_O``
================  ====================  ==========================================  ==========

Counts are of ordered pairs, as in R's ``sna::brokerage`` (Butts, [2]_): an undirected network
is read as a digraph with each edge as two arcs, so an undirected broker between A and C counts
A → B → C and C → B → A (and its gatekeeper and representative counts are equal). Self-loops are
ignored; edge weights and parallel edges are ignored (a tie is there or not).

Expected counts, standard deviations and z-scores use the null model of ``sna::brokerage``: a
Bernoulli random digraph with the observed density d = arcs / (n (n − 1)) and the group sizes
fixed. Each candidate two-path A → B → C is brokered with probability d²(1 − d); variances add
the covariances of candidate two-paths that share an arc. Per node, the moments are sna's
(``exp.nli``, ``sd.nli``, ``z.nli``; they depend only on the broker's group). For the network
(counts summed over all brokers) the expectations are sna's ``exp.gli`` but the variances are
computed exactly: sna's ``sd.gli`` formulas overstate the variance of the coordinator,
gatekeeper, representative and total counts (for 4 nodes in two groups of 2 and d = 0.3, the
total count has variance 2.219616 over all 4,096 digraphs; sna's formula gives 2.410128), while
its itinerant and liaison variances are exact. The tests check every moment against exact
enumeration of all pairs of candidate two-paths.

Other null models (for example shuffling the group labels over the observed network) give
other expectations and are not computed here. An undirected network is treated, as sna does,
as a digraph with independent arcs, so its z-scores are indicative only.

References
----------
.. [1] Gould, R. V. & Fernandez, R. M. (1989). Structures of mediation: a formal approach to
   brokerage in transaction networks. Sociological Methodology 19, 89-126.
.. [2] Butts, C. T. (2008). Social network analysis with sna. Journal of Statistical Software
   24(6); R package ``sna``, function ``brokerage``.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy import sparse

from cybertnoc.errors import InvalidValue

__all__ = ["ROLES", "Brokerage", "brokerage", "brokerage_table"]

logger = logging.getLogger(__name__)

#: The five Gould–Fernandez roles, in the order of the tables.
ROLES = ("coordinator", "itinerant", "gatekeeper", "representative", "liaison")
_COLUMNS = (*ROLES, "total")
#: How many missing nodes an error message names.
_SHOWN = 5


@dataclass(frozen=True)
class Brokerage:
    """Brokerage roles of every node, with their expectations under sna's null model.

    Every per-node mapping is node → {role: value} over :data:`ROLES` plus ``"total"``, in the
    graph's node order; every network-level mapping is role → value.

    Attributes
    ----------
    nodes : tuple
        The nodes, in the graph's order.
    groups : dict
        Node → group.
    counts : dict
        Observed brokerage counts (ints): the number of brokered ordered pairs per role.
    expected : dict
        Expected counts under a Bernoulli digraph of density ``density`` with the group sizes
        fixed (``sna::brokerage``'s ``exp.nli``).
    sd : dict
        Their standard deviations (``sd.nli``).
    z : dict
        (count − expected) / sd (``z.nli``); NaN where sd is 0 (the role is impossible for
        the broker's group, e.g. coordinator in a group of fewer than 3, or d is 0 or 1).
    network_counts, network_expected, network_sd, network_z : dict
        The same for the counts summed over all brokers (sna's ``raw.gli`` and ``exp.gli``; the
        standard deviations are exact, where sna's ``sd.gli`` overstates some, see the module
        documentation).
    density : float
        d = arcs / (n (n − 1)), arcs without self-loops (an undirected edge is two arcs).
    open_two_paths : int
        Number of brokered two-paths A → B → C (A ≠ C, no arc A → C): the total of all counts.
    """

    nodes: tuple[Hashable, ...]
    groups: dict[Hashable, Hashable]
    counts: dict[Hashable, dict[str, int]]
    expected: dict[Hashable, dict[str, float]]
    sd: dict[Hashable, dict[str, float]]
    z: dict[Hashable, dict[str, float]]
    network_counts: dict[str, int]
    network_expected: dict[str, float]
    network_sd: dict[str, float]
    network_z: dict[str, float]
    density: float
    open_two_paths: int


def _missing(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def _groups(G: nx.Graph, attribute: str | Mapping[Hashable, Hashable]) -> dict[Hashable, object]:
    if isinstance(attribute, str):
        groups = {v: G.nodes[v].get(attribute) for v in G}
        where = f"the node attribute {attribute!r}"
        hint = f"Set {attribute!r} on every node, or pass a mapping node -> group."
    elif isinstance(attribute, Mapping):
        groups = {v: attribute.get(v) for v in G}
        where = "the groups mapping"
        hint = "Give every node of the graph a group (nodes not in the graph are ignored)."
    else:
        raise InvalidValue(
            attribute,
            "a node attribute name or a mapping node -> group (attribute)",
            "Pass the name of the attribute holding the groups, or a dict.",
        )
    missing = [v for v, g in groups.items() if _missing(g)]
    if missing:
        have = sorted({k for _, d in G.nodes(data=True) for k in d}, key=str)
        raise InvalidValue(
            missing[:_SHOWN],
            f"nodes with a group in {where} ({len(missing)} of {len(G)} nodes have none)",
            hint + (f" Node attributes present: {', '.join(map(str, have))}." if have else ""),
        )
    for v, g in groups.items():
        try:
            hash(g)
        except TypeError:
            raise InvalidValue(
                g, f"a hashable group (node {v!r})", "Use a string or a number."
            ) from None
    return groups


def _counts(G: nx.Graph, codes: np.ndarray) -> tuple[np.ndarray, int]:
    """Role counts per node (n × 5, in the order of ROLES) and the number of arcs."""
    nodes = list(G)
    n = len(nodes)
    if n == 0:
        return np.zeros((0, len(ROLES)), dtype=np.int64), 0
    # An undirected graph's matrix is symmetric: each edge is two arcs. Loops and weights go.
    A = nx.to_scipy_sparse_array(G, nodelist=nodes, weight=None, format="csr")
    A = (A - sparse.diags_array(A.diagonal(), dtype=A.dtype)) != 0
    A = A.astype(np.int8).tocsr()
    A.eliminate_zeros()
    arcs = int(A.nnz)
    At = A.T.tocsr()  # row b of At: the in-neighbours of b
    out = np.zeros((n, len(ROLES)), dtype=np.int64)
    for b in range(n):
        ins = At.indices[At.indptr[b] : At.indptr[b + 1]]
        outs = A.indices[A.indptr[b] : A.indptr[b + 1]]
        if len(ins) == 0 or len(outs) == 0:
            continue
        closed = A[ins][:, outs].toarray().astype(bool)
        brokered = ~closed & (ins[:, None] != outs[None, :])
        ga, gc, gb = codes[ins][:, None], codes[outs][None, :], codes[b]
        a_b, c_b, a_c = ga == gb, gc == gb, ga == gc
        out[b] = [
            np.count_nonzero(brokered & a_b & c_b),  # coordinator
            np.count_nonzero(brokered & a_c & ~a_b),  # itinerant
            np.count_nonzero(brokered & ~a_b & c_b),  # gatekeeper
            np.count_nonzero(brokered & a_b & ~c_b),  # representative
            np.count_nonzero(brokered & ~a_c & ~a_b & ~c_b),  # liaison
        ]
    return out, arcs


def _node_moments(sizes: np.ndarray, N: float, d: float) -> tuple[np.ndarray, np.ndarray]:
    """sna's exp.grp and variances: per broker group (rows) and role (columns, + total)."""
    p = d * d * (1 - d)
    q = d**3 * (1 - d) ** 3
    n = sizes.astype(float)
    k = len(n)
    exp = np.zeros((k, 6))
    var = np.zeros((k, 6))
    for i in range(k):
        s = n[i]
        o = np.delete(n, i)
        exp[i, 0] = p * (s - 1) * (s - 2)
        var[i, 0] = 2 * (s - 1) * (s - 2) * (s - 3) * q
        exp[i, 1] = p * float((o * (o - 1)).sum())
        var[i, 1] = 2 * float((o * (o - 1) * (o - 2)).sum()) * q
        exp[i, 2] = exp[i, 3] = p * (N - s) * (s - 1)
        var[i, 2] = var[i, 3] = (
            2 * ((s - 1) * math.comb(int(N - s), 2) + (N - s) * math.comb(int(s - 1), 2)) * q
        )
        exp[i, 4] = p * (float(o.sum()) ** 2 - float((o * o).sum()))
        rest = N - o - s
        var[i, 4] = 4 * float((o * rest * (rest - 1) / 2).sum()) * q
        exp[i, 5] = p * (N - 1) * (N - 2)
        var[i, 5] = 2 * (N - 1) * (N - 2) * (N - 3) * q
    var += exp * (1 - p)
    return exp, var


def _set_partitions(items: list[int]) -> list[list[list[int]]]:
    """All set partitions of ``items`` (Bell(len(items)) of them; at most 4 items here)."""
    if not items:
        return [[]]
    first, rest = items[0], items[1:]
    out = []
    for part in _set_partitions(rest):
        out.append([[first], *part])
        for i in range(len(part)):
            out.append([*part[:i], [first, *part[i]], *part[i + 1 :]])
    return out


def _distinct_groups(sizes: np.ndarray, blocks: list[int]) -> float:
    """Ways to put the blocks (of the given sizes) in pairwise different groups, and their
    members on distinct nodes: Σ over distinct groups g_1..g_q of Π_j (n_{g_j})_(b_j) (falling
    factorials), by Möbius inversion over the partitions of the blocks."""
    falling = [np.prod([sizes - i for i in range(b)], axis=0) for b in blocks]
    total = 0.0
    for part in _set_partitions(list(range(len(blocks)))):
        term = 1.0
        for block in part:
            mobius = (-1) ** (len(block) - 1) * math.factorial(len(block) - 1)
            term *= mobius * float(np.prod([falling[j] for j in block], axis=0).sum())
        total += term
    return total


def _role(a: int, b: int, c: int) -> int:
    if a == b == c:
        return 0  # coordinator
    if a == c:
        return 1  # itinerant
    if b == c:
        return 2  # gatekeeper
    if a == b:
        return 3  # representative
    return 4  # liaison


def _network_moments(sizes: np.ndarray, N: float, d: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact mean and variance of the network-level counts (summed over brokers) under a
    Bernoulli(d) digraph with the group sizes fixed.

    Var(T_r) = Σ over pairs of candidate two-paths (t, s) of role r of Cov(I_t, I_s); only pairs
    sharing an arc (present in one and present, or absent, in the other) covary, so only pairs
    sharing at least two nodes count. They are enumerated by overlap pattern (which positions of
    t are which of s) and by the pattern of equal groups among their 3 or 4 distinct nodes, and
    each pattern is counted in closed form from the group sizes.
    """
    n = sizes.astype(float)
    p = d * d * (1 - d)
    exp = np.zeros(6)
    var = np.zeros(6)
    for part in _set_partitions([0, 1, 2]):
        block = {slot: i for i, members in enumerate(part) for slot in members}
        r = _role(block[0], block[1], block[2])
        count = _distinct_groups(n, [len(m) for m in part])
        exp[r] += p * count
        exp[5] += p * count

    def arcs(x: tuple[int, int, int]) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
        return {(x[0], x[1]), (x[1], x[2])}, {(x[0], x[2])}

    t = (0, 1, 2)
    tp, ta = arcs(t)
    for k in (2, 3):
        for tpos in itertools.combinations(range(3), k):
            for spos in itertools.permutations(range(3), k):
                match = dict(zip(spos, tpos, strict=True))  # position in s -> slot of t
                extra = iter(range(3, 6))
                s = tuple(match[j] if j in match else next(extra) for j in range(3))
                sp, sa = arcs(s)  # type: ignore[arg-type]
                if not (tp & sp or tp & sa or ta & sp or ta & sa):
                    continue  # no arc in common: independent
                # 0 when one needs an arc the other forbids
                conflict = bool(tp & sa or ta & sp)
                joint = 0.0 if conflict else d ** len(tp | sp) * (1 - d) ** len(ta | sa)
                cov = joint - p * p
                slots = sorted(set(t) | set(s))
                for part in _set_partitions(slots):
                    block = {slot: i for i, members in enumerate(part) for slot in members}
                    rt = _role(*(block[x] for x in t))
                    rs = _role(*(block[x] for x in s))
                    count = _distinct_groups(n, [len(m) for m in part])
                    if rt == rs:
                        var[rt] += count * cov
                    var[5] += count * cov
    return exp, var


def _z(raw: np.ndarray, exp: np.ndarray, sd: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sd > 0, (raw - exp) / np.where(sd > 0, sd, 1.0), np.nan)


def brokerage(G: nx.Graph, attribute: str | Mapping[Hashable, Hashable]) -> Brokerage:
    """Gould–Fernandez brokerage roles of every node of ``G``, with sna's z-scores.

    For every two-path A → B → C with A ≠ C and no arc A → C, the broker B gets one of the
    roles coordinator, itinerant, gatekeeper, representative or liaison by the groups of A, B
    and C (see the module documentation); ``total`` is their sum, the number of ordered pairs B
    brokers. Expected counts, standard deviations and z-scores are under ``sna::brokerage``'s
    null model: a Bernoulli random digraph of the observed density with the group sizes fixed
    (per node, sna's formulas; for the network, exact variances).

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
        The network. Undirected edges count as two arcs; self-loops, weights and parallel
        edges are ignored.
    attribute : str or mapping
        The node attribute holding each node's group, or a mapping node → group (keys that are
        not nodes of ``G`` are ignored). Groups are compared with ``==``.

    Returns
    -------
    Brokerage
        Counts, expectations, standard deviations and z-scores per node and for the network.

    Raises
    ------
    InvalidValue
        A node has no group (the attribute is absent, None, empty or NaN; or the mapping lacks
        it), a group is unhashable, or ``attribute`` is neither a string nor a mapping.

    References
    ----------
    Gould, R. V. & Fernandez, R. M. (1989). Structures of mediation: a formal approach to
    brokerage in transaction networks. Sociological Methodology 19, 89-126.
    Butts, C. T. (2008). Social network analysis with sna. Journal of Statistical Software 24(6).

    Examples
    --------
    A chain a → b → c → d → e with groups X, X, Y, Z, Y: b passes a's contact out of X
    (representative), c links X and Z (liaison), d mediates inside Y (itinerant).

    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")])
    >>> roles = brokerage(G, {"a": "X", "b": "X", "c": "Y", "d": "Z", "e": "Y"})
    >>> {v: [r for r, k in roles.counts[v].items() if k and r != "total"] for v in "bcd"}
    {'b': ['representative'], 'c': ['liaison'], 'd': ['itinerant']}
    >>> roles.open_two_paths, roles.density
    (3, 0.2)

    A closed triad brokers nothing: with a → c added, b no longer brokers (a, c).

    >>> G.add_edge("a", "c")
    >>> brokerage(G, {"a": "X", "b": "X", "c": "Y", "d": "Z", "e": "Y"}).counts["b"]["total"]
    0
    """
    groups = _groups(G, attribute)
    nodes = tuple(G)
    labels: dict[object, int] = {}
    codes = np.array([labels.setdefault(groups[v], len(labels)) for v in nodes], dtype=np.int64)
    raw, arcs = _counts(G, codes)
    raw = np.column_stack([raw, raw.sum(axis=1)])
    N = len(nodes)
    d = arcs / (N * (N - 1)) if N > 1 else 0.0
    sizes = np.bincount(codes, minlength=len(labels))
    gexp, gvar = _node_moments(sizes, float(N), d)
    exp = gexp[codes]  # the moments depend only on the broker's group
    sd = np.sqrt(np.maximum(gvar[codes], 0.0))
    z = _z(raw.astype(float), exp, sd)
    nexp, nvar = _network_moments(sizes, float(N), d)
    nraw = raw.sum(axis=0)
    nsd = np.sqrt(np.maximum(nvar, 0.0))
    nz = _z(nraw.astype(float), nexp, nsd)

    def rows(values: np.ndarray, cast: type) -> dict[Hashable, dict[str, object]]:
        return {
            v: {c: cast(values[i, j]) for j, c in enumerate(_COLUMNS)} for i, v in enumerate(nodes)
        }

    total = int(nraw[5])
    logger.info("brokerage: %d nodes, %d groups, %d open two-paths", N, len(labels), total)
    return Brokerage(
        nodes=nodes,
        groups=dict(groups),
        counts=rows(raw, int),  # type: ignore[arg-type]
        expected=rows(exp, float),  # type: ignore[arg-type]
        sd=rows(sd, float),  # type: ignore[arg-type]
        z=rows(z, float),  # type: ignore[arg-type]
        network_counts={c: int(nraw[j]) for j, c in enumerate(_COLUMNS)},
        network_expected={c: float(nexp[j]) for j, c in enumerate(_COLUMNS)},
        network_sd={c: float(nsd[j]) for j, c in enumerate(_COLUMNS)},
        network_z={c: float(nz[j]) for j, c in enumerate(_COLUMNS)},
        density=float(d),
        open_two_paths=total,
    )


def brokerage_table(
    G: nx.Graph, attribute: str | Mapping[Hashable, Hashable], *, z: bool = False
) -> list[dict[str, object]]:
    """Brokerage roles as rows: one dict per node, in the graph's order.

    Columns ``node``, ``group``, ``coordinator``, ``itinerant``, ``gatekeeper``,
    ``representative``, ``liaison``, ``total`` (counts, see :func:`brokerage`); with ``z``,
    also ``z_coordinator`` ... ``z_total`` (sna's z-scores, NaN where undefined).

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
        The network.
    attribute : str or mapping
        The node attribute holding the groups, or a mapping node → group.
    z : bool
        Add the z-score columns.

    Returns
    -------
    list of dict

    Raises
    ------
    InvalidValue
        As :func:`brokerage`.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> brokerage_table(G, {"a": 1, "b": 1, "c": 2})[1]
    {'node': 'b', 'group': 1, 'coordinator': 0, 'itinerant': 0, 'gatekeeper': 0, \
'representative': 1, 'liaison': 0, 'total': 1}
    """
    result = brokerage(G, attribute)
    out: list[dict[str, object]] = []
    for v in result.nodes:
        row: dict[str, object] = {"node": v, "group": result.groups[v], **result.counts[v]}
        if z:
            row.update({f"z_{c}": result.z[v][c] for c in _COLUMNS})
        out.append(row)
    return out
