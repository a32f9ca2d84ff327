"""Community detection: groups of actors more tied to each other than to the rest."""

from __future__ import annotations

import logging
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx
import numpy as np
import pandas as pd

from cybertnoc.errors import InvalidValue

__all__ = ["Communities", "agreement", "leiden", "louvain", "modularity"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Communities:
    """A partition of a graph's nodes.

    Attributes
    ----------
    membership : dict
        Node → community number; 0 is the largest community, ties broken by the smallest node.
    sizes : list of int
        Size of each community, by number.
    modularity : float
        Newman–Girvan modularity of the partition (weighted when the graph was).
    """

    membership: dict[Hashable, int]
    sizes: list[int]
    modularity: float


def louvain(
    G: nx.Graph, *, weight: str | None = "weight", resolution: float = 1.0, seed: int = 0
) -> Communities:
    """Louvain communities (Blondel et al. 2008) of an undirected graph, numbered by size.

    Uses networkx's implementation with the given ``seed``, so the same graph and seed give the
    same partition. Communities are renumbered from the largest (0) down, ties broken by their
    smallest node, so that numbers are stable for colouring.

    Parameters
    ----------
    G : networkx.Graph
        An undirected graph. Isolated nodes form communities of their own.
    weight : str or None
        Edge attribute used as weight; None for an unweighted partition.
    resolution : float
        Resolution parameter; above 1 favours smaller communities.
    seed : int
        Seed of the random node order.

    Returns
    -------
    Communities

    References
    ----------
    Blondel, V. D., Guillaume, J.-L., Lambiotte, R. & Lefebvre, E. (2008). Fast unfolding of
    communities in large networks. Journal of Statistical Mechanics, P10008.

    Examples
    --------
    Two triangles joined by one edge:

    >>> G = nx.Graph([(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)])
    >>> c = louvain(G)
    >>> c.sizes, c.membership[1] == c.membership[2] != c.membership[5]
    ([3, 3], True)
    >>> round(c.modularity, 4)
    0.3571
    """
    if G.number_of_nodes() == 0:
        return Communities({}, [], 0.0)
    parts = nx.community.louvain_communities(G, weight=weight, resolution=resolution, seed=seed)
    ordered = sorted(
        (sorted(p, key=lambda n: (str(type(n)), n)) for p in parts),
        key=lambda p: (-len(p), str(p[0])),
    )
    membership = {node: i for i, part in enumerate(ordered) for node in part}
    modularity = nx.community.modularity(G, ordered, weight=weight, resolution=resolution)
    return Communities(membership, [len(p) for p in ordered], float(modularity))


# -- Leiden, modularity and agreement with known groups ---------------------------------------

Partition = Communities | Mapping[Hashable, Hashable] | Iterable[Iterable[Hashable]]


def _membership(G: nx.Graph, partition: Partition) -> np.ndarray:
    """Community index of every node of ``G`` (in G's order); each node in exactly one."""
    if isinstance(partition, Communities):
        mapping: Mapping[Hashable, Hashable] = partition.membership
    elif isinstance(partition, Mapping):
        mapping = partition
    else:
        mapping = {}
        for number, block in enumerate(partition):
            for node in block:
                if node in mapping:
                    raise InvalidValue(
                        node, "a node in one community only", "Pass a partition of the nodes."
                    )
                mapping[node] = number  # type: ignore[index]
    missing = [n for n in G if n not in mapping]
    extra = [n for n in mapping if n not in G]
    if missing or extra:
        raise InvalidValue(
            (missing or extra)[:5],
            "a partition of exactly the graph's nodes",
            f"{len(missing)} node(s) of the graph have no community, "
            f"{len(extra)} community member(s) are not in the graph.",
        )
    codes, _ = pd.factorize(pd.Series([mapping[n] for n in G], dtype=object))
    return codes


def modularity(
    G: nx.Graph, partition: Partition, *, weight: str | None = "weight", resolution: float = 1.0
) -> float:
    """Newman–Girvan modularity of a partition of ``G``, equal to networkx's.

    For an undirected graph with total edge weight :math:`m`, community :math:`c` with internal
    weight :math:`L_c` and total strength :math:`d_c`,

    .. math:: Q = \\sum_c \\left[ \\frac{L_c}{m} - \\gamma \\left(\\frac{d_c}{2m}\\right)^2 \\right]

    and for a directed graph :math:`Q = \\sum_c [L_c/m - \\gamma\\, d^{out}_c d^{in}_c / m^2]`
    (Leicht & Newman 2008); :math:`\\gamma` is the resolution (Reichardt & Bornholdt 2006). A
    self-loop counts once in :math:`L_c` and twice in the strength, as in networkx
    ``community.modularity``; an edge without the ``weight`` attribute weighs 1.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
    partition : Communities, mapping node -> community, or iterable of node sets
        Every node of ``G`` in exactly one community.
    weight : str or None
        Edge attribute used as weight; None counts edges.
    resolution : float
        :math:`\\gamma`.

    Returns
    -------
    float
        NaN when the graph has no edge weight.

    References
    ----------
    Newman, M. E. J. & Girvan, M. (2004). Finding and evaluating community structure in
    networks. Physical Review E 69, 026113.

    Examples
    --------
    >>> G = nx.Graph([(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)])
    >>> round(modularity(G, [{1, 2, 3}, {4, 5, 6}]), 4)
    0.3571
    """
    codes = _membership(G, partition)
    index = {n: i for i, n in enumerate(G)}
    edges = list(G.edges(data=weight, default=1)) if weight else list(G.edges(data=True))
    u = np.fromiter((index[e[0]] for e in edges), dtype=np.int64, count=len(edges))
    v = np.fromiter((index[e[1]] for e in edges), dtype=np.int64, count=len(edges))
    w = np.fromiter(
        ((float(e[2]) if weight else 1.0) for e in edges), dtype=np.float64, count=len(edges)
    )
    m = float(w.sum())
    if m == 0:
        return float("nan")
    k = int(codes.max()) + 1 if len(codes) else 0
    inside = codes[u] == codes[v]
    internal = np.bincount(codes[u][inside], weights=w[inside], minlength=k)
    out_c = np.bincount(codes[u], weights=w, minlength=k)
    in_c = np.bincount(codes[v], weights=w, minlength=k)
    if G.is_directed():
        expected = out_c * in_c / m**2
    else:
        strength = out_c + in_c
        expected = (strength / (2 * m)) ** 2
    return float(np.sum(internal / m - resolution * expected))


def _numbered(
    G: nx.Graph, parts: Iterable[Iterable[Hashable]], weight: str | None, resolution: float
) -> Communities:
    """Communities numbered from the largest down (ties by smallest node), as :func:`louvain`."""
    ordered = sorted(
        (sorted(p, key=lambda n: (str(type(n)), n)) for p in parts),
        key=lambda p: (-len(p), str(p[0])),
    )
    membership = {node: i for i, part in enumerate(ordered) for node in part}
    q = modularity(G, ordered, weight=weight, resolution=resolution) if len(G) else 0.0
    return Communities(membership, [len(p) for p in ordered], q)


def leiden(
    G: nx.Graph,
    *,
    weight: str | None = "weight",
    resolution: float = 1.0,
    seed: int = 0,
    objective: Literal["modularity", "cpm"] = "modularity",
    n_iterations: int = -1,
) -> Communities:
    """Leiden communities (Traag, Waltman & van Eck 2019), numbered by size.

    The Leiden algorithm refines Louvain so that every community is connected (Louvain can
    return badly connected or even disconnected communities). Runs ``leidenalg`` on an igraph
    copy of ``G`` (nodes in G's order), with the given ``seed``: the same graph and seed give the
    same partition. Communities are numbered as in :func:`louvain`.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
        Isolated nodes form communities of their own.
    weight : str or None
        Edge attribute used as weight (1 where missing); None for an unweighted partition.
    resolution : float
        Resolution :math:`\\gamma`: of modularity (``RBConfigurationVertexPartition``; 1 is
        Newman–Girvan modularity) or of the constant Potts model (``CPMVertexPartition``: a
        community's internal density must exceed :math:`\\gamma`).
    seed : int
        Seed of leidenalg's random number generator.
    objective : {"modularity", "cpm"}
        The quality function optimised.
    n_iterations : int
        Iterations of the algorithm; negative: until the partition no longer improves.

    Returns
    -------
    Communities
        ``modularity`` is the Newman–Girvan modularity of the partition (at ``resolution`` for
        the modularity objective, at 1 for CPM), computed by :func:`modularity`.

    References
    ----------
    Traag, V. A., Waltman, L. & van Eck, N. J. (2019). From Louvain to Leiden: guaranteeing
    well-connected communities. Scientific Reports 9, 5233.

    Examples
    --------
    Zachary's karate club: Leiden finds the partition of maximum modularity, 0.4198 (four
    communities; Brandes et al. 2008 proved it optimal):

    >>> c = leiden(nx.karate_club_graph(), weight=None)
    >>> round(c.modularity, 4), c.sizes
    (0.4198, [12, 11, 6, 5])
    """
    import igraph as ig
    import leidenalg

    if objective not in ("modularity", "cpm"):
        raise InvalidValue(objective, "'modularity' or 'cpm'", "Choose the quality function.")
    if G.is_multigraph():
        raise InvalidValue(
            type(G).__name__, "a simple graph", "Collapse parallel edges first (graph_from_edges)."
        )
    if G.number_of_nodes() == 0:
        return Communities({}, [], 0.0)
    nodes = list(G)
    index = {n: i for i, n in enumerate(nodes)}
    edges = list(G.edges(data=weight, default=1)) if weight else list(G.edges())
    g = ig.Graph(
        n=len(nodes),
        edges=[(index[e[0]], index[e[1]]) for e in edges],
        directed=G.is_directed(),
    )
    weights = [float(e[2]) for e in edges] if weight else None
    if objective == "modularity":
        kind: Any = leidenalg.RBConfigurationVertexPartition
    else:
        kind = leidenalg.CPMVertexPartition
    found = leidenalg.find_partition(
        g,
        kind,
        weights=weights,
        resolution_parameter=resolution,
        seed=seed,
        n_iterations=n_iterations,
    )
    parts = [[nodes[i] for i in block] for block in found]
    log.debug("leiden: %d nodes -> %d communities", len(nodes), len(parts))
    return _numbered(G, parts, weight, resolution if objective == "modularity" else 1.0)


def _labels(values: Sequence[Hashable]) -> np.ndarray:
    codes, _ = pd.factorize(pd.Series(list(values), dtype=object))
    return codes


def _as_mapping(x: Any) -> Mapping[Hashable, Hashable] | None:
    if isinstance(x, Communities):
        return x.membership
    if isinstance(x, Mapping):
        return x
    if isinstance(x, pd.Series):
        return x.to_dict()
    return None


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def agreement(partition: Any, labels: Any) -> dict[str, float]:
    """Agreement of a partition with known groups: NMI and adjusted Rand index.

    With the contingency table :math:`n_{ij}` (nodes in community :math:`i` with label
    :math:`j`), row sums :math:`a_i`, column sums :math:`b_j` and :math:`n` nodes:

    - ``nmi``: normalised mutual information :math:`I(U;V) / \\tfrac12 [H(U) + H(V)]`
      (arithmetic normalisation, Danon et al. 2005; scikit-learn's default), natural logs;
      1 when both partitions have one group, 0 when the mutual information is 0;
    - ``ari``: adjusted Rand index (Hubert & Arabie 1985),

      .. math:: \\frac{\\sum_{ij}\\binom{n_{ij}}{2} - E}
                {\\tfrac12[\\sum_i\\binom{a_i}{2} + \\sum_j\\binom{b_j}{2}] - E},\\quad
                E = \\sum_i\\binom{a_i}{2}\\sum_j\\binom{b_j}{2} \\Big/ \\binom{n}{2},

      computed from the pair-confusion counts as scikit-learn does (1 when no pair of nodes
      is split differently);
    - ``n``: the number of nodes compared.

    Parameters
    ----------
    partition : Communities, mapping node -> community, pandas Series or sequence
    labels : mapping node -> label, pandas Series or sequence
        The known groups (the *locali* of Operazione Infinito, gang membership). When both
        are mappings, the nodes present in both with a label that is not None/NaN are compared;
        two sequences are compared position by position.

    Returns
    -------
    dict
        ``{"nmi": float, "ari": float, "n": int}``.

    References
    ----------
    Hubert, L. & Arabie, P. (1985). Comparing partitions. Journal of Classification 2, 193-218.
    Danon, L., Díaz-Guilera, A., Duch, J. & Arenas, A. (2005). Comparing community structure
    identification. Journal of Statistical Mechanics, P09008.

    Examples
    --------
    Splitting one of two groups in two:

    >>> a = agreement([0, 0, 1, 1], [0, 0, 1, 2])
    >>> round(a["nmi"], 4), round(a["ari"], 4), a["n"]
    (0.8, 0.5714, 4)
    """
    pm, lm = _as_mapping(partition), _as_mapping(labels)
    if (pm is None) != (lm is None):
        raise InvalidValue(
            type(labels if pm is not None else partition).__name__,
            "the same kind as the other argument (both mappings by node, or both sequences)",
            "Pass the labels as a dict node -> label.",
        )
    if pm is not None and lm is not None:
        nodes = [n for n in pm if n in lm and not _missing(lm[n])]
        u_values, v_values = [pm[n] for n in nodes], [lm[n] for n in nodes]
    else:
        u_values, v_values = list(partition), list(labels)
        if len(u_values) != len(v_values):
            raise InvalidValue(
                (len(u_values), len(v_values)), "two sequences of the same length", ""
            )
    n = len(u_values)
    if n == 0:
        raise InvalidValue(0, "at least one node with both a community and a label", "")
    u, v = _labels(u_values), _labels(v_values)
    ku, kv = int(u.max()) + 1, int(v.max()) + 1
    table = np.bincount(u * kv + v, minlength=ku * kv).reshape(ku, kv).astype(np.int64)
    a, b = table.sum(axis=1), table.sum(axis=0)
    # NMI, arithmetic normalisation.
    if ku == kv == 1:
        nmi = 1.0
    else:
        nz = table > 0
        nij = table[nz].astype(np.float64)
        outer = np.outer(a, b).astype(np.float64)[nz]
        mi = max(float(np.sum(nij / n * (np.log(nij) + math.log(n) - np.log(outer)))), 0.0)
        if mi == 0:
            nmi = 0.0
        else:
            pa, pb = a / n, b / n
            h_u = -float(np.sum(pa * np.log(pa)))
            h_v = -float(np.sum(pb * np.log(pb)))
            nmi = mi / max((h_u + h_v) / 2, float(np.finfo(np.float64).eps))
    # ARI from the pair-confusion matrix (counts of ordered pairs), in exact integers.
    sum_squares = int(np.sum(table.astype(object) ** 2))
    tp = sum_squares - n
    fp = int(np.sum(table.astype(object) @ b.astype(object))) - sum_squares
    fn = int(np.sum(table.T.astype(object) @ a.astype(object))) - sum_squares
    tn = n * n - fp - fn - sum_squares
    if fn == 0 and fp == 0:
        ari = 1.0
    else:
        ari = 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))
    return {"nmi": float(nmi), "ari": float(ari), "n": n}
