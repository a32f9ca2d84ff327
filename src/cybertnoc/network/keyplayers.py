"""Key players (Borgatti 2006): the set of k actors whose removal, or whose reach, matters most.

Two questions about a criminal network have different answers (Borgatti 2006, [1]_):

- **KPP-Neg** (disruption): which k actors, if removed (arrested), leave the network most
  fragmented? Objectives :func:`fragmentation` and :func:`distance_weighted_fragmentation`.
- **KPP-Pos** (diffusion, surveillance): which k actors together reach the most others, most
  closely? Objective :func:`reach`.

Centrality rankings answer neither: the top-k nodes by betweenness are often redundant (they
cut the same part off). :func:`kpp_neg` and :func:`kpp_pos` optimise the set itself with
Borgatti's heuristic: a greedy start (add the node that improves the objective most, k times),
then steepest-ascent swaps of a member for a non-member while the objective improves; extra
random starts (``starts``, seeded) guard against local optima.

All distances are hop counts (edge weights are ignored: they are tie strengths, not lengths);
directed graphs use directed paths. Objectives are computed with ``scipy.sparse.csgraph`` (C
breadth-first searches), and equal networkx's definitions (tests compare with
``networkx.global_efficiency`` and connected components).

References
----------
.. [1] Borgatti, S. P. (2006). Identifying sets of key players in a social network.
   Computational and Mathematical Organization Theory 12(1), 21-34.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Literal

import networkx as nx
import numpy as np
from scipy.sparse import csgraph

from cybertnoc.errors import InvalidValue

__all__ = [
    "KeyPlayers",
    "distance_weighted_fragmentation",
    "fragmentation",
    "kpp_neg",
    "kpp_pos",
    "reach",
]

logger = logging.getLogger(__name__)

NegObjective = Literal["fragmentation", "distance-weighted"]
PosObjective = Literal["distance-weighted", "m-reach"]
_NEG = ("fragmentation", "distance-weighted")
_POS = ("distance-weighted", "m-reach")
#: Improvements at most this large do not count (floating-point noise in sums of 1/d).
_TOLERANCE = 1e-12


@dataclass(frozen=True)
class KeyPlayers:
    """A key-player set found by :func:`kpp_neg` or :func:`kpp_pos`.

    Attributes
    ----------
    nodes : tuple
        The k members, in the graph's node order.
    score : float
        The objective of the set (fragmentation after removing it, or its reach).
    objective : str
        Which objective: ``"fragmentation"``, ``"distance-weighted"`` (KPP-Neg or KPP-Pos) or
        ``"m-reach"``.
    swaps : int
        Swaps made from the start that gave the best set.
    converged : bool
        False when a start stopped at ``max_iter`` swaps while a swap would still improve.
    """

    nodes: tuple[Hashable, ...]
    score: float
    objective: str
    swaps: int
    converged: bool


class _Objectives:
    """A graph as a sparse adjacency matrix, with fast objectives on node index sets."""

    def __init__(self, G: nx.Graph) -> None:
        self.nodes = list(G)
        self.index = {v: i for i, v in enumerate(self.nodes)}
        self.n = len(self.nodes)
        self.directed = G.is_directed()
        self.adjacency = nx.to_scipy_sparse_array(G, nodelist=self.nodes, weight=None).tocsr()
        self._distances: np.ndarray | None = None

    def indices(self, nodes: Iterable[Hashable], what: str) -> list[int]:
        nodes = list(nodes)
        missing = [v for v in nodes if v not in self.index]
        if missing:
            raise InvalidValue(missing, f"nodes of the graph ({what})", "Check the node keys.")
        out = sorted({self.index[v] for v in nodes})
        if len(out) != len(nodes):
            raise InvalidValue(nodes, f"distinct nodes ({what})", "Remove the repeated nodes.")
        return out

    def _kept(self, removed: Iterable[int]):
        keep = np.ones(self.n, dtype=bool)
        keep[list(removed)] = False
        m = int(keep.sum())
        if m < 2:
            raise InvalidValue(
                m,
                "at least 2 nodes left after the removal",
                "Fragmentation is defined over pairs of remaining nodes; remove fewer nodes.",
            )
        return self.adjacency[keep][:, keep], m

    def fragmentation(self, removed: Iterable[int]) -> float:
        sub, m = self._kept(removed)
        if self.directed:
            dist = csgraph.shortest_path(sub, directed=True, unweighted=True)
            reachable = float(np.isfinite(dist).sum() - m)
        else:
            _, labels = csgraph.connected_components(sub, directed=False)
            sizes = np.bincount(labels).astype(float)
            reachable = float((sizes * (sizes - 1)).sum())
        return 1.0 - reachable / (m * (m - 1))

    def distance_weighted(self, removed: Iterable[int]) -> float:
        sub, m = self._kept(removed)
        dist = csgraph.shortest_path(sub, directed=self.directed, unweighted=True)
        finite = np.isfinite(dist) & (dist > 0)
        return 1.0 - float((1.0 / dist[finite]).sum()) / (m * (m - 1))

    @property
    def distances(self) -> np.ndarray:
        if self._distances is None:
            self._distances = csgraph.shortest_path(
                self.adjacency, directed=self.directed, unweighted=True
            )
        return self._distances

    def reach(self, members: list[int], m: int | None) -> float:
        if not members:
            return 0.0
        nearest = self.distances[members].min(axis=0)  # d(S, j); 0 for members
        if m is not None:
            return float((nearest <= m).sum()) / self.n
        with np.errstate(divide="ignore"):
            inverse = np.where(nearest == 0, 1.0, 1.0 / nearest)  # inf -> 0
        return float(inverse.sum()) / self.n


def fragmentation(G: nx.Graph, removed: Iterable[Hashable] = ()) -> float:
    """Borgatti's fragmentation F of ``G`` after removing the nodes ``removed``.

    F = 1 − Σ_k s_k (s_k − 1) / (n (n − 1)), where the s_k are the sizes of the connected
    components of the remaining graph and n its number of nodes (after the removal): the share
    of ordered pairs of remaining nodes that can no longer reach each other. 0 for a connected
    graph, 1 when no ties are left. Directed graphs: 1 − (ordered pairs (i, j) with a directed
    path i → j) / (n (n − 1)).

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
        The network. Edge weights are ignored.
    removed : iterable of nodes
        The nodes taken out (a key-player set); at least two nodes must remain.

    Returns
    -------
    float

    Raises
    ------
    InvalidValue
        A node is not in ``G``, is listed twice, or fewer than two nodes would remain.

    References
    ----------
    Borgatti, S. P. (2006). Identifying sets of key players in a social network. Computational
    and Mathematical Organization Theory 12(1), 21-34 (equation 3).

    Examples
    --------
    A path a-b-c-d-e cut in the middle leaves two pairs {a, b} and {d, e}: 4 of 12 ordered pairs
    are still connected.

    >>> G = nx.path_graph("abcde")
    >>> fragmentation(G), fragmentation(G, ["c"])
    (0.0, 0.6666666666666667)
    """
    obj = _Objectives(G)
    return obj.fragmentation(obj.indices(removed, "removed"))


def distance_weighted_fragmentation(G: nx.Graph, removed: Iterable[Hashable] = ()) -> float:
    """Borgatti's distance-weighted fragmentation D of ``G`` after removing ``removed``.

    D = 1 − Σ_i Σ_{j≠i} (1/d_ij) / (n (n − 1)) over the n remaining nodes, with d_ij the
    shortest-path length (hops) in the remaining graph and 1/d_ij = 0 for unreachable pairs.
    It is 1 minus the global efficiency of the remaining graph (Latora & Marchiori 2001), so it
    also grows when the network stays connected but paths get longer.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
        The network (directed distances for a DiGraph). Edge weights are ignored.
    removed : iterable of nodes
        The nodes taken out; at least two nodes must remain.

    Returns
    -------
    float

    Raises
    ------
    InvalidValue
        A node is not in ``G``, is listed twice, or fewer than two nodes would remain.

    References
    ----------
    Borgatti, S. P. (2006), Computational and Mathematical Organization Theory 12(1), 21-34
    (equation 4).

    Examples
    --------
    >>> G = nx.path_graph("abcd")
    >>> round(distance_weighted_fragmentation(G), 4)  # 1 - (6*1 + 4/2 + 2/3) / 12
    0.2778
    >>> round(1 - nx.global_efficiency(G), 4)
    0.2778
    """
    obj = _Objectives(G)
    return obj.distance_weighted(obj.indices(removed, "removed"))


def reach(G: nx.Graph, S: Iterable[Hashable], *, m: int | None = None) -> float:
    """Borgatti's distance-weighted reach of the set ``S`` (KPP-Pos), or its m-reach.

    Distance-weighted reach: R = (1/n) Σ_j 1/d(S, j) over all n nodes of ``G``, where d(S, j)
    is the hop distance from the nearest member of S to j; members count 1 (as if at distance
    1) and unreachable nodes 0. 1 when every non-member is adjacent to the set.
    With ``m``: the m-reach, the share of the n nodes within m hops of the set, members
    included.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
        The network (directed: paths from the set outwards). Edge weights are ignored.
    S : iterable of nodes
        The set.
    m : int, optional
        Count the nodes within ``m`` hops instead of weighting by 1/distance.

    Returns
    -------
    float

    Raises
    ------
    InvalidValue
        A node is not in ``G`` or is listed twice; ``m`` below 1.

    References
    ----------
    Borgatti, S. P. (2006), Computational and Mathematical Organization Theory 12(1), 21-34
    (equations 5 and 6).

    Examples
    --------
    The centre of a star of 4 leaves reaches everyone in one step; a leaf reaches the centre in
    one and the other leaves in two.

    >>> G = nx.star_graph(4)
    >>> reach(G, [0]), reach(G, [1]), reach(G, [1], m=1)
    (1.0, 0.7, 0.4)
    """
    if m is not None and (not isinstance(m, int) or m < 1):
        raise InvalidValue(m, "a whole number of hops of at least 1 (m)")
    obj = _Objectives(G)
    return obj.reach(obj.indices(S, "S"), m)


def _check_k(k: object, low: int, high: int, what: str) -> int:
    if not isinstance(k, int) or isinstance(k, bool) or not low <= k <= high:
        raise InvalidValue(
            k,
            f"a whole number between {low} and {high} (k, the size of the {what})",
            "A graph of n nodes has key-player sets of at most n - 2 nodes to remove "
            "(fragmentation needs two nodes left) and n nodes to reach from.",
        )
    return k


class _Scores:
    """Objective values of index sets, memoised; the second (tie-breaking) one only on demand."""

    def __init__(
        self,
        primary: Callable[[list[int]], float],
        secondary: Callable[[list[int]], float] | None = None,
    ) -> None:
        self.primary = primary
        self.secondary = secondary
        self._first: dict[tuple[int, ...], float] = {}
        self._second: dict[tuple[int, ...], float] = {}

    def first(self, members: tuple[int, ...]) -> float:
        if members not in self._first:
            self._first[members] = self.primary(list(members))
        return self._first[members]

    def second(self, members: tuple[int, ...]) -> float:
        assert self.secondary is not None
        if members not in self._second:
            self._second[members] = self.secondary(list(members))
        return self._second[members]

    def better(self, a: tuple[int, ...], b: tuple[int, ...] | None) -> bool:
        """Set ``a`` beats ``b``: a higher objective, or an equal one (within 1e-12) and a
        higher tie-breaking objective."""
        if b is None:
            return True
        fa, fb = self.first(a), self.first(b)
        if fa > fb + _TOLERANCE:
            return True
        if fa < fb - _TOLERANCE or self.secondary is None:
            return False
        return self.second(a) > self.second(b) + _TOLERANCE


def _optimise(
    n: int,
    k: int,
    scores: _Scores,
    *,
    seed: int,
    starts: int,
    max_iter: int,
) -> tuple[tuple[int, ...], int, bool]:
    """Greedy start, then steepest-ascent swaps; extra random starts; the best set wins."""
    if not isinstance(starts, int) or isinstance(starts, bool) or starts < 1:
        raise InvalidValue(starts, "a whole number of starts of at least 1")
    if not isinstance(max_iter, int) or isinstance(max_iter, bool) or max_iter < 0:
        raise InvalidValue(max_iter, "a whole number of swaps of at least 0 (max_iter)")
    rng = random.Random(seed)

    def greedy() -> tuple[int, ...]:
        members: list[int] = []
        for _ in range(k):
            best: tuple[int, ...] | None = None
            for v in range(n):
                if v in members:
                    continue
                trial = tuple(sorted([*members, v]))
                if scores.better(trial, best):  # ties: the first in node order
                    best, pick = trial, v
            members.append(pick)
        return tuple(sorted(members))

    def swap(members: tuple[int, ...]) -> tuple[tuple[int, ...], int, bool]:
        for done in range(max_iter + 1):
            best = members
            inside = set(members)
            for i in range(k):
                for v in range(n):
                    if v not in inside:
                        trial = tuple(sorted((*members[:i], v, *members[i + 1 :])))
                        if scores.better(trial, best):
                            best = trial
            if best == members:
                return members, done, True
            if done == max_iter:
                return members, done, False
            members = best
        raise AssertionError("unreachable")  # pragma: no cover

    result: tuple[tuple[int, ...], int, bool] | None = None
    for start in range(starts):
        initial = greedy() if start == 0 else tuple(sorted(rng.sample(range(n), k)))
        found = swap(initial)
        logger.debug("key players: start %d -> %s (%.6g)", start, found[0], scores.first(found[0]))
        if result is None or scores.better(found[0], result[0]):
            result = found
    assert result is not None
    return result


def kpp_neg(
    G: nx.Graph,
    k: int,
    *,
    objective: NegObjective = "fragmentation",
    seed: int = 0,
    starts: int = 10,
    max_iter: int = 1000,
) -> KeyPlayers:
    """KPP-Neg (Borgatti 2006): the k nodes whose removal fragments the network most.

    Maximises :func:`fragmentation` (``objective="fragmentation"``) or
    :func:`distance_weighted_fragmentation` (``"distance-weighted"``) of the graph without the
    set, by Borgatti's heuristic: a greedy start (k times, add the node whose removal together
    with those chosen so far scores best), then, repeatedly, the swap of a member for a
    non-member that improves the objective most, until no swap improves it by more than 1e-12;
    then ``starts - 1`` more runs from random sets drawn with ``seed``. The best set over all
    starts is returned (ties: the earliest start; within a step, the first node in the graph's
    order). The heuristic finds a local optimum; on small graphs it can be checked against all
    k-subsets (the tests do so).

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
        The network. Edge weights are ignored (hop distances).
    k : int
        Size of the set, from 1 to n - 2.
    objective : {"fragmentation", "distance-weighted"}
        What "fragmented" means: pairs that cannot reach each other, or also pairs that are
        farther apart.
    seed : int
        Seed of the random starts.
    starts : int
        Number of starts: the greedy one plus ``starts - 1`` random ones.
    max_iter : int
        Maximum number of swaps per start.

    Returns
    -------
    KeyPlayers
        ``score`` is the objective of the graph without the set.

    Raises
    ------
    InvalidValue
        ``k`` outside 1..n-2, an unknown objective, or bad ``starts``/``max_iter``.

    References
    ----------
    Borgatti, S. P. (2006). Identifying sets of key players in a social network. Computational
    and Mathematical Organization Theory 12(1), 21-34.

    Examples
    --------
    Two triangles joined through a bridge 2-3-4: removing the bridge's middle node cuts the
    network in two; removing two of the bridge nodes cuts off more.

    >>> G = nx.Graph([(0, 1), (1, 2), (0, 2), (2, 3), (3, 4), (4, 5), (5, 6), (4, 6)])
    >>> kpp_neg(G, 1).nodes
    (3,)
    >>> best = kpp_neg(G, 2)
    >>> best.nodes, round(best.score, 4)
    ((2, 4), 0.8)
    """
    if objective not in _NEG:
        raise InvalidValue(objective, f"one of {', '.join(_NEG)} (objective)")
    obj = _Objectives(G)
    _check_k(k, 1, obj.n - 2, "set to remove")
    if objective == "fragmentation":  # plateaus of F are ordered by distance
        scores = _Scores(obj.fragmentation, obj.distance_weighted)
    else:
        scores = _Scores(obj.distance_weighted)
    members, swaps, converged = _optimise(
        obj.n, k, scores, seed=seed, starts=starts, max_iter=max_iter
    )
    if not converged:
        logger.warning("kpp_neg stopped after max_iter=%d swaps", max_iter)
    return KeyPlayers(
        tuple(obj.nodes[i] for i in members),
        float(scores.first(members)),
        objective,
        swaps,
        converged,
    )


def kpp_pos(
    G: nx.Graph,
    k: int,
    *,
    objective: PosObjective = "distance-weighted",
    m: int = 1,
    seed: int = 0,
    starts: int = 10,
    max_iter: int = 1000,
) -> KeyPlayers:
    """KPP-Pos (Borgatti 2006): the k nodes that together reach the rest most closely.

    Maximises the distance-weighted :func:`reach` of the set (``objective="distance-weighted"``)
    or its m-reach (``"m-reach"``, the share of nodes within ``m`` hops), with the same
    greedy-plus-swap heuristic as :func:`kpp_neg`.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
        The network. Edge weights are ignored (hop distances).
    k : int
        Size of the set, from 1 to n.
    objective : {"distance-weighted", "m-reach"}
        The reach measure.
    m : int
        Hops for the m-reach.
    seed, starts, max_iter
        As in :func:`kpp_neg`.

    Returns
    -------
    KeyPlayers
        ``score`` is the reach of the set.

    Raises
    ------
    InvalidValue
        ``k`` outside 1..n, an unknown objective, ``m`` below 1, or bad ``starts``/``max_iter``.

    References
    ----------
    Borgatti, S. P. (2006), Computational and Mathematical Organization Theory 12(1), 21-34.

    Examples
    --------
    Two stars whose centres 0 and 10 are tied through 5: together the two centres are next to
    everyone.

    >>> G = nx.Graph([(0, i) for i in range(1, 5)] + [(10, i) for i in range(11, 15)])
    >>> G.add_edges_from([(0, 5), (5, 10)])
    >>> kpp_pos(G, 2).nodes
    (0, 10)
    >>> kpp_pos(G, 1, objective="m-reach", m=2).nodes  # the go-between reaches all in 2
    (5,)
    """
    if objective not in _POS:
        raise InvalidValue(objective, f"one of {', '.join(_POS)} (objective)")
    if not isinstance(m, int) or m < 1:
        raise InvalidValue(m, "a whole number of hops of at least 1 (m)")
    obj = _Objectives(G)
    _check_k(k, 1, obj.n, "set to reach from")
    hops = m if objective == "m-reach" else None
    if hops is None:
        scores = _Scores(lambda s: obj.reach(s, None))
    else:  # plateaus of the m-reach are ordered by distance
        scores = _Scores(lambda s: obj.reach(s, hops), lambda s: obj.reach(s, None))
    members, swaps, converged = _optimise(
        obj.n, k, scores, seed=seed, starts=starts, max_iter=max_iter
    )
    if not converged:
        logger.warning("kpp_pos stopped after max_iter=%d swaps", max_iter)
    return KeyPlayers(
        tuple(obj.nodes[i] for i in members),
        float(scores.first(members)),
        objective,
        swaps,
        converged,
    )
