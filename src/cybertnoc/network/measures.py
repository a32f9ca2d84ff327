"""Network measures with networkx's names and definitions, computed fast where that is possible.

Every function here has the name, the arguments and the definition (normalisation, direction,
treatment of weights, of disconnected graphs and of missing weight attributes) of the networkx
function it stands for, and returns the same values within 1e-9 (tested on the Caviar and
Montagna networks and on seeded random graphs). Where igraph computes the same quantity (it is
written in C), igraph does the work; otherwise the computation is vectorised with numpy/scipy or,
where neither can guarantee networkx's answer, networkx itself runs. The engine used by each
function is stated in its docstring and in ``docs/network-measures.md``.

A networkx graph is converted to arrays (and to an igraph graph) on every call. To convert once
and compute many measures, pass a :class:`PreparedGraph` (``prepare_graph(G)``) instead of the
graph: every function accepts either. :func:`metrics_table` does this for you.

Results are dicts keyed by node, in the graph's node order, like networkx's.

References
----------
.. [1] Freeman, L. C. (1977). A set of measures of centrality based on betweenness. Sociometry
   40(1), 35-41.
.. [2] Brandes, U. (2001). A faster algorithm for betweenness centrality. Journal of Mathematical
   Sociology 25(2), 163-177.
.. [3] Brandes, U. & Pich, C. (2007). Centrality estimation in large networks. International
   Journal of Bifurcation and Chaos 17(7), 2303-2318.
.. [4] Wasserman, S. & Faust, K. (1994). Social Network Analysis: Methods and Applications.
   Cambridge University Press.
.. [5] Marchiori, M. & Latora, V. (2000). Harmony in the small-world. Physica A 285(3-4),
   539-546.
.. [6] Bonacich, P. (1987). Power and centrality: a family of measures. American Journal of
   Sociology 92(5), 1170-1182.
.. [7] Page, L., Brin, S., Motwani, R. & Winograd, T. (1999). The PageRank citation ranking:
   bringing order to the web. Stanford InfoLab.
.. [8] Batagelj, V. & Zaversnik, M. (2003). An O(m) algorithm for cores decomposition of
   networks. arXiv:cs/0310049.
.. [9] Watts, D. J. & Strogatz, S. H. (1998). Collective dynamics of 'small-world' networks.
   Nature 393, 440-442.
.. [10] Onnela, J.-P., Saramäki, J., Kertész, J. & Kaski, K. (2005). Intensity and coherence of
   motifs in weighted complex networks. Physical Review E 71, 065103.
.. [11] Fagiolo, G. (2007). Clustering in complex directed networks. Physical Review E 76,
   026107.
.. [12] Burt, R. S. (1992). Structural Holes: The Social Structure of Competition. Harvard
   University Press.
.. [13] Newman, M. E. J. (2002). Assortative mixing in networks. Physical Review Letters 89(20),
   208701.
.. [14] Barrat, A., Barthélemy, M., Pastor-Satorras, R. & Vespignani, A. (2004). The
   architecture of complex weighted networks. PNAS 101(11), 3747-3752.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from itertools import chain
from typing import Any, Literal, TypeAlias

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sps
from networkx.utils import create_py_random_state
from scipy.sparse.linalg import LinearOperator, bicgstab, eigsh

from cybertnoc.errors import InvalidValue
from cybertnoc.network.centrality import _structural_holes

__all__ = [
    "MEASURES",
    "PreparedGraph",
    "average_clustering",
    "average_shortest_path_length",
    "betweenness_centrality",
    "closeness_centrality",
    "clustering",
    "components",
    "constraint",
    "core_number",
    "degree_assortativity",
    "degree_assortativity_coefficient",
    "degree_centrality",
    "density",
    "diameter",
    "effective_size",
    "eigenvector_centrality",
    "harmonic_centrality",
    "in_degree_centrality",
    "inverse_lengths",
    "largest_component",
    "metrics_table",
    "out_degree_centrality",
    "pagerank",
    "prepare_graph",
    "strength",
    "summary",
    "transitivity",
]

logger = logging.getLogger(__name__)

#: Node measures of :func:`metrics_table`, in column order. ``degree`` gives the raw degree
#: columns (``degree``, and ``in_degree``/``out_degree`` for directed graphs), the other names
#: are the functions of this module (and of networkx) that compute the column.
MEASURES = (
    "degree",
    "degree_centrality",
    "in_degree_centrality",
    "out_degree_centrality",
    "strength",
    "betweenness_centrality",
    "closeness_centrality",
    "harmonic_centrality",
    "eigenvector_centrality",
    "pagerank",
    "core_number",
    "clustering",
    "constraint",
    "effective_size",
)

# igraph compares weighted path lengths with a relative tolerance of 1e-10, networkx exactly.
# With positive integer weights whose total stays below 2**31 every distinct path length differs
# from the others by more than that tolerance, so both find the same shortest paths.
_IGRAPH_EXACT_TOTAL = 2**31


class PreparedGraph:
    """A networkx graph converted once into the arrays the fast engine works on.

    Pass it to any function of this module in place of the graph to avoid converting the graph
    again on every call. It is a snapshot: changes made to the networkx graph afterwards are not
    seen (prepare it again).

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
        A simple graph. Multigraphs are refused (collapse them with
        :func:`cybertnoc.network.graph_from_edges`).

    Attributes
    ----------
    graph : networkx.Graph
        The graph it was made from (used where networkx itself computes a measure).
    nodes : list
        The nodes, in the graph's order; node ``nodes[i]`` is vertex ``i`` of the engine.
    directed : bool
    n, m : int
        Numbers of nodes and edges (self-loops included in ``m``).
    src, dst : numpy.ndarray
        End points of every edge, in ``G.edges()`` order (vertex indices).

    Examples
    --------
    >>> import networkx as nx
    >>> P = prepare_graph(nx.path_graph(["a", "b", "c"]))
    >>> P.nodes, P.n, P.m, P.src.tolist(), P.dst.tolist()
    (['a', 'b', 'c'], 3, 2, [0, 1], [1, 2])
    >>> betweenness_centrality(P)
    {'a': 0.0, 'b': 1.0, 'c': 0.0}
    """

    def __init__(self, G: nx.Graph) -> None:
        if not isinstance(G, nx.Graph):
            raise InvalidValue(
                type(G).__name__,
                "a networkx Graph or DiGraph",
                "Build one with cybertnoc.network.graph_from_edges or network_from_file.",
            )
        if G.is_multigraph():
            raise InvalidValue(
                type(G).__name__,
                "a simple graph (Graph or DiGraph)",
                "Collapse repeated edges with cybertnoc.network.graph_from_edges.",
            )
        self.graph = G
        self.nodes: list[Hashable] = list(G)
        self.n = len(self.nodes)
        self.m = G.number_of_edges()
        self.directed = G.is_directed()
        ends = chain.from_iterable(G.edges())
        identity = all(type(v) is int for v in self.nodes) and self.nodes == list(range(self.n))
        if not identity:
            index = {v: i for i, v in enumerate(self.nodes)}
            ends = map(index.__getitem__, ends)
        pairs = np.fromiter(ends, dtype=np.int64, count=2 * self.m).reshape(-1, 2)
        self.src = pairs[:, 0].copy()
        self.dst = pairs[:, 1].copy()
        self.loop = self.src == self.dst
        self._weights: dict[str, np.ndarray] = {}
        self._igraph: ig.Graph | None = None
        self._adjacency: dict[tuple[str | None, bool], sps.csr_array] = {}

    def __repr__(self) -> str:
        kind = "directed" if self.directed else "undirected"
        return f"PreparedGraph({kind}, {self.n} nodes, {self.m} edges)"

    def weights(self, attribute: str | None) -> np.ndarray:
        """Edge attribute ``attribute`` per edge (``G.edges()`` order); missing values count 1.

        All ones when ``attribute`` is None, as networkx does.
        """
        if attribute is None:
            return np.ones(self.m)
        if attribute not in self._weights:
            values = (w for _, _, w in self.graph.edges(data=attribute, default=1))
            try:
                self._weights[attribute] = np.fromiter(values, dtype=float, count=self.m)
            except (TypeError, ValueError) as exc:
                raise InvalidValue(
                    attribute,
                    "an edge attribute holding numbers",
                    f"Convert the attribute to numbers first ({exc}).",
                ) from None
        return self._weights[attribute]

    @property
    def igraph(self) -> ig.Graph:
        """The igraph graph: same vertices (by index) and edges, self-loops left out."""
        if self._igraph is None:
            keep = ~self.loop
            g = ig.Graph(n=self.n, directed=self.directed)
            g.add_edges(np.column_stack([self.src[keep], self.dst[keep]]))
            self._igraph = g
        return self._igraph

    def adjacency(self, attribute: str | None = "weight") -> sps.csr_array:
        """The weighted adjacency matrix the spectral measures use, built once and kept.

        ``A[u, v]`` is the ``attribute`` weight of the edge u -> v (both ways, a self-loop once,
        when undirected). Eigenvector centrality and PageRank read it; call this beforehand to
        pay its construction as part of the preparation.
        """
        return _adjacency(self, attribute, symmetric=not self.directed)

    def loop_free_weights(self, attribute: str | None) -> np.ndarray:
        """:meth:`weights` of the edges of :attr:`igraph` (self-loops left out)."""
        return self.weights(attribute)[~self.loop]

    def as_dict(self, values: Iterable[Any]) -> dict[Hashable, Any]:
        """Values per vertex index as a dict keyed by node."""
        if isinstance(values, np.ndarray):
            values = values.tolist()
        return dict(zip(self.nodes, values, strict=True))


GraphLike: TypeAlias = nx.Graph | PreparedGraph


def prepare_graph(G: GraphLike) -> PreparedGraph:
    """Convert ``G`` once for many measures (see :class:`PreparedGraph`).

    Examples
    --------
    >>> import networkx as nx
    >>> prepare_graph(nx.karate_club_graph())
    PreparedGraph(undirected, 34 nodes, 78 edges)
    """
    return G if isinstance(G, PreparedGraph) else PreparedGraph(G)


def _require_directed(P: PreparedGraph, what: str) -> None:
    if not P.directed:
        raise InvalidValue(
            "an undirected graph",
            f"a directed graph for {what}",
            "Use degree_centrality on undirected graphs.",
        )


def _distances_ok(w: np.ndarray, attribute: str) -> None:
    if len(w) and (not np.all(np.isfinite(w)) or w.min() < 0):
        raise InvalidValue(
            attribute,
            "an edge attribute of finite, non-negative distances",
            "Shortest paths are undefined with negative lengths; transform the weights first.",
        )


# ---------------------------------------------------------------------------------------------
# Degree
# ---------------------------------------------------------------------------------------------


def _degrees(P: PreparedGraph, direction: str = "all", weight: str | None = None) -> np.ndarray:
    w = P.weights(weight)
    out = np.bincount(P.src, weights=w, minlength=P.n)
    inn = np.bincount(P.dst, weights=w, minlength=P.n)
    if direction == "out":
        return out
    if direction == "in":
        return inn
    return out + inn  # an undirected self-loop counts twice, as in networkx


def _degree_centrality(P: PreparedGraph, direction: str) -> dict[Hashable, float]:
    if P.n <= 1:
        return dict.fromkeys(P.nodes, 1.0) if direction == "all" else dict.fromkeys(P.nodes, 1)
    return P.as_dict(_degrees(P, direction) / (P.n - 1.0))


def degree_centrality(G: GraphLike) -> dict[Hashable, float]:
    """Degree over the largest possible degree: ``deg(v) / (n - 1)`` (networkx's definition).

    For directed graphs the degree is in + out; an undirected self-loop counts twice. A graph of
    one node gives it 1. Engine: numpy.

    Examples
    --------
    >>> import networkx as nx
    >>> degree_centrality(nx.star_graph(3))
    {0: 1.0, 1: 0.3333333333333333, 2: 0.3333333333333333, 3: 0.3333333333333333}
    """
    return _degree_centrality(prepare_graph(G), "all")


def in_degree_centrality(G: GraphLike) -> dict[Hashable, float]:
    """In-degree over ``n - 1`` (directed graphs only; networkx's definition).

    Examples
    --------
    >>> import networkx as nx
    >>> in_degree_centrality(nx.DiGraph([(0, 1), (2, 1)]))
    {0: 0.0, 1: 1.0, 2: 0.0}
    """
    P = prepare_graph(G)
    _require_directed(P, "in_degree_centrality")
    return _degree_centrality(P, "in")


def out_degree_centrality(G: GraphLike) -> dict[Hashable, float]:
    """Out-degree over ``n - 1`` (directed graphs only; networkx's definition).

    Examples
    --------
    >>> import networkx as nx
    >>> out_degree_centrality(nx.DiGraph([(0, 1), (2, 1)]))
    {0: 0.5, 1: 0.0, 2: 0.5}
    """
    P = prepare_graph(G)
    _require_directed(P, "out_degree_centrality")
    return _degree_centrality(P, "out")


def strength(
    G: GraphLike, weight: str | None = "weight", *, direction: Literal["all", "in", "out"] = "all"
) -> dict[Hashable, float]:
    """Weighted degree (Barrat et al. 2004): the sum of ``weight`` over the node's edges.

    Equal to networkx's ``G.degree(weight=weight)`` (``in_degree``/``out_degree`` with
    ``direction``): edges without the attribute count 1, an undirected self-loop counts twice,
    and ``weight=None`` gives the degree. Engine: numpy.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_weighted_edges_from([("a", "b", 3), ("b", "c", 2)])
    >>> strength(G)
    {'a': 3.0, 'b': 5.0, 'c': 2.0}
    """
    P = prepare_graph(G)
    if direction not in ("all", "in", "out"):
        raise InvalidValue(direction, "'all', 'in' or 'out'")
    if direction != "all":
        _require_directed(P, f"direction={direction!r}")
    return P.as_dict(_degrees(P, direction, weight))


# ---------------------------------------------------------------------------------------------
# Paths
# ---------------------------------------------------------------------------------------------


def _igraph_exact_distances(w: np.ndarray) -> bool:
    """Whether igraph's shortest paths are exactly networkx's with these edge lengths."""
    if len(w) == 0:
        return True
    return bool(w.min() > 0 and np.all(w == np.round(w)) and w.sum() < _IGRAPH_EXACT_TOTAL)


def _rescale_betweenness(
    raw: np.ndarray, n: int, *, normalized: bool, directed: bool, sources: Collection[int] | None
) -> np.ndarray:
    """networkx's ``_rescale`` (networkx 3.6, ``endpoints=False``), on an array."""
    N = n - 1
    if N < 2:
        return raw
    k = None if sources is None else len(sources)
    K = N if k is None else k
    correction = 1 if directed else 2
    if k is None:
        scale = 1 / (K * (N - 1)) if normalized else N / (K * correction)
        return raw * scale if scale != 1 else raw
    if normalized:
        scale_source = 1 / ((K - 1) * (N - 1)) if K > 1 else math.nan
        scale_other = 1 / (K * (N - 1))
    else:
        scale_source = N / ((K - 1) * correction) if K > 1 else math.nan
        scale_other = N / (K * correction)
    scale = np.full(n, scale_other)
    scale[list(sources)] = scale_source  # type: ignore[arg-type]
    return raw * scale


def betweenness_centrality(
    G: GraphLike,
    k: int | None = None,
    normalized: bool = True,
    weight: str | None = None,
    seed: Any = None,
) -> dict[Hashable, float]:
    """Freeman's betweenness: the share of shortest paths between other nodes through ``v``.

    ``c_B(v) = sum over s != v != t of sigma(s, t | v) / sigma(s, t)``, computed with Brandes'
    (2001) algorithm, with exactly networkx's ``betweenness_centrality(G, k, normalized,
    weight, endpoints=False, seed)`` semantics:

    - ``weight`` is an edge **length** (distance), as in networkx: a larger value makes the
      path longer. Edges without the attribute have length 1. To use tie strengths (calls,
      meetings) as closeness, store a distance such as ``1 / weight`` first.
    - ``normalized`` divides by ``(n-1)(n-2)`` (directed) or ``(n-1)(n-2)/2`` (undirected) pairs;
      otherwise undirected values count each unordered pair once.
    - ``k`` estimates betweenness from ``k`` source nodes (Brandes & Pich 2007). The sources are
      the ones networkx draws, ``create_py_random_state(seed).sample(list(G), k)`` (an int seed is
      ``random.Random(seed)``), and the estimate is rescaled as networkx 3.6 does (sampled
      sources by ``1/((k-1)(n-2))``, the others by ``1/(k(n-2))`` when normalised), so the same
      ``k`` and ``seed`` give networkx's numbers. ``k = n`` is the exact computation.

    Engine: igraph, unweighted or with positive integer lengths (total below 2**31, where
    igraph's tolerant comparison of path lengths and networkx's exact one agree); networkx for
    other lengths, where near-equal float path lengths could be tied by one and not the other.

    Parameters
    ----------
    G : networkx.Graph, networkx.DiGraph or PreparedGraph
    k : int, optional
        Number of sampled sources, 1 <= k <= n.
    normalized : bool
    weight : str, optional
        Edge attribute used as a length.
    seed : int, random.Random or None
        As networkx's ``seed`` (None: Python's global random state).

    Returns
    -------
    dict

    Raises
    ------
    InvalidValue
        ``k`` out of range, or negative or non-finite lengths.

    Examples
    --------
    >>> import networkx as nx
    >>> betweenness_centrality(nx.path_graph(4))
    {0: 0.0, 1: 0.6666666666666666, 2: 0.6666666666666666, 3: 0.0}
    >>> betweenness_centrality(nx.path_graph(4), normalized=False)
    {0: 0.0, 1: 2.0, 2: 2.0, 3: 0.0}
    """
    P = prepare_graph(G)
    if k is not None and (not isinstance(k, int | np.integer) or not 1 <= k <= P.n):
        raise InvalidValue(k, f"a number of sources between 1 and n = {P.n}")
    if k is not None and k == P.n:
        k = None
    sources_nodes = None if k is None else create_py_random_state(seed).sample(P.nodes, int(k))
    if weight is not None:
        w = P.loop_free_weights(weight)
        _distances_ok(w, weight)
        if not _igraph_exact_distances(w):
            logger.debug("betweenness_centrality: non-integer lengths, networkx engine")
            return nx.betweenness_centrality(
                P.graph, k=k, normalized=normalized, weight=weight, seed=_Replay(sources_nodes)
            )
    else:
        w = None
    if P.n == 0:
        return {}
    index = None if sources_nodes is None else _indices(P, sources_nodes)
    raw = np.asarray(
        P.igraph.betweenness(directed=True, weights=_listed(w), sources=index), dtype=float
    )  # igraph counts each unordered pair once on undirected graphs; networkx both orders
    if not P.directed:
        raw = raw * 2.0
    return P.as_dict(
        _rescale_betweenness(raw, P.n, normalized=normalized, directed=P.directed, sources=index)
    )


class _Replay(random.Random):
    """A ``seed`` for networkx that returns the sources already drawn (so both engines agree)."""

    def __init__(self, drawn: list[Hashable] | None) -> None:
        super().__init__(0)
        self.drawn = drawn

    def sample(self, population: Any, k: int, *, counts: Any = None) -> list[Hashable]:  # type: ignore[override]
        return list(self.drawn or [])


def _indices(P: PreparedGraph, nodes: Iterable[Hashable]) -> list[int]:
    index = {v: i for i, v in enumerate(P.nodes)}
    try:
        return [index[v] for v in nodes]
    except KeyError as exc:
        raise InvalidValue(exc.args[0], "a node of the graph") from None


def _listed(w: np.ndarray | None) -> list[float] | None:
    """Edge values as igraph takes them (a list; igraph reads some arrays as attribute names)."""
    return None if w is None else w.tolist()


def _mode(P: PreparedGraph) -> str:
    return "in" if P.directed else "all"


def closeness_centrality(
    G: GraphLike, u: Hashable | None = None, distance: str | None = None, wf_improved: bool = True
) -> dict[Hashable, float] | float:
    """Closeness: ``(r - 1) / sum of distances`` to the ``r - 1`` nodes that reach ``v``.

    networkx's definition: *incoming* distances for directed graphs (from the other nodes to
    ``v``), only reachable nodes in the sum, and with ``wf_improved`` (Wasserman & Faust 1994)
    the value is scaled by ``(r - 1) / (n - 1)``, so that a node of a small component does not
    look central. A node nobody reaches scores 0. ``distance`` names an edge attribute used as a
    length (missing: 1). Engine: igraph (networkx with zero lengths, where it special-cases a
    zero distance sum).

    Examples
    --------
    >>> import networkx as nx
    >>> closeness_centrality(nx.path_graph(3))
    {0: 0.6666666666666666, 1: 1.0, 2: 0.6666666666666666}
    >>> G = nx.Graph([(0, 1), (2, 3), (3, 4)])
    >>> closeness_centrality(G, 3)  # (2/2) * (2/4)
    0.5
    """
    P = prepare_graph(G)
    w = None
    if distance is not None:
        w = P.loop_free_weights(distance)
        _distances_ok(w, distance)
        if len(w) and w.min() == 0:
            return nx.closeness_centrality(P.graph, u, distance=distance, wf_improved=wf_improved)
    vertices = None if u is None else _indices(P, [u])
    g = P.igraph
    mode = _mode(P)
    with np.errstate(invalid="ignore", divide="ignore"):
        inverse_sum = np.asarray(
            g.closeness(vertices=vertices, mode=mode, weights=_listed(w), normalized=False),
            dtype=float,
        )
        if P.directed:
            scaled = np.asarray(
                g.closeness(vertices=vertices, mode=mode, weights=_listed(w), normalized=True),
                dtype=float,
            )
            reached = np.round(scaled / inverse_sum)  # r - 1
        else:
            found = g.connected_components()
            sizes = np.asarray(found.sizes())
            membership = np.asarray(found.membership)
            reached = (sizes[membership] - 1.0)[vertices if vertices is not None else slice(None)]
        value = reached * inverse_sum
        if wf_improved and P.n > 1:
            value = value * reached / (P.n - 1)
    value = np.where(np.isfinite(value) & (reached > 0), value, 0.0)
    if P.n <= 1:
        value = np.zeros_like(value)
    if u is not None:
        return float(value[0])
    return P.as_dict(value)


def harmonic_centrality(
    G: GraphLike, nbunch: Iterable[Hashable] | None = None, distance: str | None = None
) -> dict[Hashable, float]:
    """Harmonic centrality (Marchiori & Latora 2000): the sum of ``1 / d(u, v)`` over ``u != v``.

    networkx's definition: not normalised, incoming distances for directed graphs, unreachable
    nodes contribute 0; ``distance`` names an edge length attribute (missing: 1). ``nbunch``
    restricts the nodes returned. Engine: igraph (networkx with zero lengths, which networkx
    skips).

    Examples
    --------
    >>> import networkx as nx
    >>> harmonic_centrality(nx.path_graph(3))
    {0: 1.5, 1: 2.0, 2: 1.5}
    """
    P = prepare_graph(G)
    w = None
    if distance is not None:
        w = P.loop_free_weights(distance)
        _distances_ok(w, distance)
        if len(w) and w.min() == 0:
            return nx.harmonic_centrality(P.graph, nbunch=nbunch, distance=distance)
    if nbunch is None:
        vertices = None
        nodes = P.nodes
    else:
        nodes = [v for v in dict.fromkeys(nbunch) if v in P.graph]
        vertices = _indices(P, nodes)
    if P.n == 0:
        return {}
    values = P.igraph.harmonic_centrality(
        vertices=vertices, mode=_mode(P), weights=_listed(w), normalized=False
    )
    return dict(zip(nodes, np.asarray(values, dtype=float).tolist(), strict=True))


# ---------------------------------------------------------------------------------------------
# Spectral
# ---------------------------------------------------------------------------------------------


def _adjacency(P: PreparedGraph, weight: str | None, *, symmetric: bool) -> sps.csr_array:
    """Adjacency matrix A[u, v] = weight of u -> v; both directions (loops once) if symmetric.

    Built once per prepared graph, weight and kind (eigenvector, PageRank and clustering share
    it); callers must not modify it.
    """
    key = (weight, symmetric)
    if key not in P._adjacency:
        w = P.weights(weight)
        if symmetric:
            keep = ~P.loop
            rows = np.concatenate([P.src, P.dst[keep]])
            cols = np.concatenate([P.dst, P.src[keep]])
            vals = np.concatenate([w, w[keep]])
        else:
            rows, cols, vals = P.src, P.dst, w
        P._adjacency[key] = sps.csr_array((vals, (rows, cols)), shape=(P.n, P.n))
    return P._adjacency[key]


def _leading_pair(A: sps.csr_array) -> tuple[float, np.ndarray]:
    """Largest eigenvalue of a connected symmetric non-negative matrix and its positive vector."""
    size = A.shape[0]
    if size == 1:
        return float(A[0, 0]), np.ones(1)
    if size <= 500:
        values, vectors = np.linalg.eigh(A.toarray())
        value, vector = float(values[-1]), vectors[:, -1]
    else:
        values, vectors = eigsh(A, k=1, which="LA", v0=np.ones(size), tol=0)
        value, vector = float(values[0]), vectors[:, 0]
    vector = vector * np.sign(vector.sum())
    return value, vector / np.linalg.norm(vector)


def _eigenvector_undirected(P: PreparedGraph, weight: str | None) -> np.ndarray:
    A = _adjacency(P, weight, symmetric=True)
    membership = np.asarray(P.igraph.connected_components().membership)
    order = np.argsort(membership, kind="stable")
    bounds = np.split(order, np.cumsum(np.bincount(membership))[:-1])
    rowsum = np.asarray(abs(A).sum(axis=1)).ravel()
    # A component's leading eigenvalue is at most its largest row sum: skip those that cannot win.
    candidates = sorted(bounds, key=lambda c: -rowsum[c].max())
    best = -math.inf
    found: list[tuple[float, np.ndarray, np.ndarray]] = []
    for comp in candidates:
        if rowsum[comp].max() < best - 1e-9 * max(1.0, abs(best)):
            break
        value, vector = _leading_pair(A[comp][:, comp])
        found.append((value, comp, vector))
        best = max(best, value)
    x = np.zeros(P.n)
    for value, comp, vector in found:
        if value >= best - 1e-10 * max(1.0, abs(best)):
            # Power iteration from the all-ones vector converges to the projection of the start
            # vector on the leading eigenspace: each tied component weighted by (1 . v_c).
            x[comp] = vector * vector.sum()
    return x / np.linalg.norm(x)


def eigenvector_centrality(
    G: GraphLike, max_iter: int = 1000, tol: float = 1e-12, weight: str | None = None
) -> dict[Hashable, float]:
    """Eigenvector centrality (Bonacich 1987) as networkx's ``eigenvector_centrality``.

    ``x`` is the limit of networkx's power iteration ``x <- (A^T + I) x / ||(A^T + I) x||``
    from the all-ones vector: the left leading eigenvector of the adjacency matrix (in-edges for
    directed graphs), with unit Euclidean norm and positive entries. ``weight`` names an edge
    attribute used as tie strength (missing: 1; None: all 1).

    **Disconnected graphs.** The limit is the projection of the all-ones vector on the leading
    eigenspace: the component with the largest leading eigenvalue gets all the weight and every
    other component scores exactly 0 (unlike ``centrality_table``, which computes eigenvector
    centrality per component). Components whose leading eigenvalues tie (to 1e-10 relative)
    share it, each in proportion to the sum of its own unit eigenvector. networkx's iteration,
    stopped at a tolerance, can leave small non-zero values on components whose eigenvalue is
    close to (but below) the largest; ``eigenvector_centrality_numpy`` refuses disconnected
    graphs.

    Engine: undirected graphs are solved exactly, per connected component (numpy ``eigh`` for
    components of up to 500 nodes, scipy ``eigsh`` above), skipping components whose largest
    row sum (an upper bound of their eigenvalue) cannot reach the leader; ``max_iter`` and
    ``tol`` are not used. Directed graphs run networkx's power iteration itself, vectorised
    with scipy (same start, same normalisation, same stopping rule ``sum |x - x_last| < n tol``),
    so the result is networkx's for the same ``max_iter`` and ``tol``. The defaults are
    stricter than networkx's (100, 1e-6) so that the vector is converged to about 1e-12.

    Raises
    ------
    InvalidValue
        Empty graph, or negative weights.
    networkx.PowerIterationFailedConvergence
        Directed graph whose iteration has not converged in ``max_iter`` steps (as networkx).

    Examples
    --------
    >>> import networkx as nx
    >>> {v: round(x, 6) for v, x in eigenvector_centrality(nx.star_graph(2)).items()}
    {0: 0.707107, 1: 0.5, 2: 0.5}
    >>> G = nx.Graph([(0, 1), (1, 2), (2, 0), (5, 6)])
    >>> {v: round(x, 6) for v, x in eigenvector_centrality(G).items()}
    {0: 0.57735, 1: 0.57735, 2: 0.57735, 5: 0.0, 6: 0.0}
    """
    P = prepare_graph(G)
    if P.n == 0:
        raise InvalidValue(
            "the null graph", "a graph with nodes", "Eigenvector centrality needs one."
        )
    w = P.weights(weight)
    if len(w) and (not np.all(np.isfinite(w)) or w.min() < 0):
        raise InvalidValue(weight, "an edge attribute of finite, non-negative strengths")
    if not P.directed:
        return P.as_dict(_eigenvector_undirected(P, weight))
    AT = _adjacency(P, weight, symmetric=False).T.tocsr()
    x = np.full(P.n, 1.0 / P.n)
    for _ in range(max_iter):
        last = x
        x = last + AT @ last
        norm = float(np.linalg.norm(x)) or 1.0
        x = x / norm
        if np.abs(x - last).sum() < P.n * tol:
            return P.as_dict(x)
    raise nx.PowerIterationFailedConvergence(max_iter)


def pagerank(
    G: GraphLike,
    alpha: float = 0.85,
    personalization: Mapping[Hashable, float] | None = None,
    weight: str | None = "weight",
) -> dict[Hashable, float]:
    """PageRank (Page et al. 1999) as networkx's ``pagerank``, solved exactly.

    The stationary distribution of the random walk that follows an out-edge with probability
    ``alpha`` (chosen in proportion to ``weight``; missing attribute: 1; None: all 1) and
    otherwise jumps to a node drawn from ``personalization`` (uniform if None; missing keys
    0). Dangling nodes (no out-edge, or only zero-weight ones) jump like a restart, as in
    networkx with ``dangling=None``. Undirected edges are walked both ways, a self-loop once.

    Because dangling nodes restart like the teleport, the PageRank vector solves the linear
    system ``(I - alpha T^T) y = p`` up to a scalar (``T`` the transition matrix, ``p`` the
    restart distribution): ``x = y / sum(y)``.

    Engine: scipy's BiCGSTAB on that system, to a relative residual of 1e-13 (about 30
    iterations whatever the size, where a power iteration to the same precision needs about
    170), with igraph's PRPACK solver as the fallback if it does not converge (``alpha``
    close to 1). networkx stops its power iteration at ``tol=1e-6`` (sum of changes below
    ``n * tol``), so its default result differs from the exact one by up to about 1e-6, while
    ``nx.pagerank(G, tol=1e-15)`` and PRPACK agree with this function to 1e-9 or better.

    Raises
    ------
    InvalidValue
        Negative weights, ``alpha`` outside [0, 1], or a personalization that sums to 0.

    Examples
    --------
    >>> import networkx as nx
    >>> {v: round(p, 6) for v, p in pagerank(nx.star_graph(2)).items()}
    {0: 0.486486, 1: 0.256757, 2: 0.256757}
    """
    P = prepare_graph(G)
    if not 0 <= alpha <= 1:
        raise InvalidValue(alpha, "a damping factor alpha between 0 and 1")
    if P.n == 0:
        return {}
    w = P.weights(weight)
    if len(w) and (not np.all(np.isfinite(w)) or w.min() < 0):
        raise InvalidValue(weight, "an edge attribute of finite, non-negative weights")
    if personalization is None:
        restart = np.full(P.n, 1.0 / P.n)
    else:
        restart = np.array([float(personalization.get(v, 0)) for v in P.nodes])
        if restart.sum() == 0 or restart.min() < 0:
            raise InvalidValue(
                "personalization", "non-negative values with a positive sum over the nodes"
            )
        restart = restart / restart.sum()
    # A[u, v] = weight of the arc u -> v (undirected: both ways, a self-loop once). The walk
    # steps from u to v with probability A[u, v] / out[u], so T^T x = A^T (x / out).
    A = _adjacency(P, weight, symmetric=not P.directed)
    AT = A.T if P.directed else A
    out = np.asarray(A.sum(axis=1)).ravel()
    scale = np.divide(alpha, out, out=np.zeros(P.n), where=out > 0)  # dangling: 0

    def matvec(v: np.ndarray) -> np.ndarray:
        v = v.ravel()
        return v - AT @ (scale * v)

    system = LinearOperator((P.n, P.n), matvec=matvec, dtype=float)
    y, info = bicgstab(system, restart, x0=restart, rtol=1e-13, atol=0.0, maxiter=10_000)
    if info == 0 and np.all(np.isfinite(y)) and y.sum() > 0:
        y = np.maximum(y, 0.0)
        return P.as_dict(y / y.sum())
    if P.directed:
        src, dst, ww = P.src, P.dst, w
    else:
        keep = ~P.loop
        src = np.concatenate([P.src, P.dst[keep]])
        dst = np.concatenate([P.dst, P.src[keep]])
        ww = np.concatenate([w, w[keep]])
    positive = ww > 0
    src, dst, ww = src[positive], dst[positive], ww[positive]
    logger.debug("pagerank: no BiCGSTAB solution (info %d), PRPACK engine", info)
    g = ig.Graph(n=P.n, directed=True)
    g.add_edges(np.column_stack([src, dst]))
    values = g.personalized_pagerank(
        directed=True,
        damping=alpha,
        reset=restart.tolist(),
        weights=ww.tolist(),
        implementation="prpack",
    )
    return P.as_dict(values)


# ---------------------------------------------------------------------------------------------
# Cohesion
# ---------------------------------------------------------------------------------------------


def core_number(G: GraphLike) -> dict[Hashable, int]:
    """The k-core number of each node (Batagelj & Zaversnik 2003), as networkx's ``core_number``.

    The largest ``k`` such that the node belongs to a subgraph where every node has degree at
    least ``k``; for directed graphs the degree is in + out (a reciprocated tie counts twice).
    Self-loops are refused, as networkx does. Engine: igraph ``coreness``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.complete_graph(4)
    >>> G.add_edge(3, 4)
    >>> core_number(G)
    {0: 3, 1: 3, 2: 3, 3: 3, 4: 1}
    """
    P = prepare_graph(G)
    if P.loop.any():
        raise InvalidValue(
            f"{int(P.loop.sum())} self-loop(s)",
            "a graph without self-loops",
            "Remove them with G.remove_edges_from(nx.selfloop_edges(G)).",
        )
    if P.n == 0:
        return {}
    return P.as_dict([int(c) for c in P.igraph.coreness(mode="all")])


def _triangle_weights(P: PreparedGraph, weight: str | None) -> tuple[np.ndarray, sps.csr_array]:
    """``diag(S^3)`` with ``S = B + B^T``, ``B[u, v]`` = cbrt(w_uv / max w) per non-loop edge."""
    w = P.weights(weight)
    keep = ~P.loop
    # networkx's maximum weight includes self-loops.
    b = np.ones(int(keep.sum())) if weight is None or P.m == 0 else np.cbrt(w[keep] / w.max())
    B = sps.csr_array((b, (P.src[keep], P.dst[keep])), shape=(P.n, P.n))
    S = (B + B.T).tocsr()
    pattern = sps.csr_array((np.ones(int(keep.sum())), (P.src[keep], P.dst[keep])), (P.n, P.n))
    # Triangles through i: sum over j, k of S_ij S_jk S_ki, computed in row blocks whose
    # products stay small (the cost of row i is the sum of its neighbours' degrees).
    neighbours = np.diff(S.indptr).astype(float)
    cost = sps.csr_array((np.ones(S.nnz), S.indices, S.indptr), shape=S.shape) @ neighbours
    out = np.zeros(P.n)
    start = 0
    budget = 5_000_000.0
    cumulative = np.cumsum(cost)
    while start < P.n:
        base = cumulative[start - 1] if start else 0.0
        stop = int(np.searchsorted(cumulative, base + budget, side="right"))
        stop = min(max(stop, start + 1), P.n)
        R = S[start:stop]
        out[start:stop] = np.asarray((R @ S).multiply(R).sum(axis=1)).ravel()
        start = stop
    return out, pattern


def _undirected_triangles(P: PreparedGraph) -> tuple[np.ndarray, np.ndarray]:
    """Triangles through each node and its degree (self-loops left out), exact integers."""
    g = P.igraph
    degree = np.asarray(g.degree(), dtype=float)
    local = np.asarray(g.transitivity_local_undirected(mode="zero"), dtype=float)
    # igraph's ratio is 2T / (d(d - 1)) to the last bit or so: recover the integer T.
    return np.round(local * degree * (degree - 1.0) / 2.0), degree


def clustering(G: GraphLike, weight: str | None = None) -> dict[Hashable, float]:
    """Local clustering coefficient, as networkx's ``clustering``.

    Undirected: ``c(v) = 2 T(v) / (deg(v) (deg(v) - 1))`` (Watts & Strogatz 1998), ``T`` the
    triangles through ``v``, self-loops ignored. Weighted (``weight`` given; missing attribute:
    1): triangles count the geometric mean of their normalised weights ``w / max w``
    (Onnela et al. 2005). Directed: Fagiolo's (2007) ``c(v) = T(v) / (2 (d(d - 1) - 2 d<->))``
    with ``T(v) = (S^3)_vv``, ``S = A + A^T``, ``d`` the total degree and ``d<->`` the number
    of reciprocated ties (weighted with the cube roots of normalised weights). 0 when there is
    no triangle.

    Engine: igraph (undirected, unweighted); scipy sparse products otherwise.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3)])
    >>> clustering(G)
    {0: 1.0, 1: 1.0, 2: 0.3333333333333333, 3: 0.0}
    """
    P = prepare_graph(G)
    if P.n == 0:
        return {}
    if not P.directed and weight is None:
        t, degree = _undirected_triangles(P)
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.where(t == 0, 0.0, 2.0 * t / (degree * (degree - 1.0)))
        return P.as_dict(values)
    t, pattern = _triangle_weights(P, weight)
    with np.errstate(invalid="ignore", divide="ignore"):
        if P.directed:
            total = np.diff(pattern.indptr) + np.diff(pattern.tocsc().indptr)
            reciprocal = np.asarray(pattern.multiply(pattern.T).sum(axis=1)).ravel()
            denominator = (total * (total - 1.0) - 2.0 * reciprocal) * 2.0
        else:
            degree = np.diff((pattern + pattern.T).tocsr().indptr)
            denominator = degree * (degree - 1.0)
        values = np.where(t == 0, 0.0, t / denominator)
    return P.as_dict(values)


def average_clustering(G: GraphLike, weight: str | None = None, count_zeros: bool = True) -> float:
    """Mean of :func:`clustering` over the nodes (networkx's ``average_clustering``).

    With ``count_zeros=False`` nodes with coefficient 0 are left out. networkx 3.6 refuses
    directed graphs; here they get the mean of Fagiolo's directed coefficients.

    Examples
    --------
    >>> import networkx as nx
    >>> average_clustering(nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3)]))
    0.5833333333333334
    """
    values = [v for v in clustering(G, weight=weight).values() if count_zeros or abs(v) > 0]
    if not values:
        raise InvalidValue("no nodes", "a graph with nodes (with non-zero clustering)")
    return sum(values) / len(values)


def transitivity(G: GraphLike) -> float:
    """Global clustering: 3 x triangles / connected triples (networkx's ``transitivity``).

    Undirected graphs only (networkx's triangle counts are not defined on directed graphs);
    self-loops ignored; 0 when there is no triangle. Engine: igraph.

    Examples
    --------
    >>> import networkx as nx
    >>> transitivity(nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3)]))
    0.6
    """
    P = prepare_graph(G)
    if P.directed:
        raise InvalidValue(
            "a directed graph", "an undirected graph", "Use transitivity(G.to_undirected())."
        )
    if P.n == 0:
        return 0
    t, degree = _undirected_triangles(P)
    triangles, triples = float((2.0 * t).sum()), float((degree * (degree - 1.0)).sum())
    return 0 if triangles == 0 else triangles / triples


def _holes(P: PreparedGraph, which: int, weight: str | None) -> dict[Hashable, float]:
    if weight is None:
        return _structural_holes(P.graph)[which]
    G = P.graph
    function = nx.constraint if which == 0 else nx.effective_size
    ordinary = [v for v in G if len(G[v])]
    result = dict.fromkeys(G, math.nan)
    result.update(function(G, nodes=ordinary, weight=weight))
    if G.is_directed():
        # networkx's node-by-node path gives NaN to nodes without successors. Mutual weights do
        # not change when every arc is reversed, so Burt's value is the reversed graph's.
        sinks = [v for v in G if not len(G[v]) and len(G.pred[v])]  # type: ignore[attr-defined]
        if sinks:
            result.update(function(G.reverse(copy=False), nodes=sinks, weight=weight))
    return result


def constraint(G: GraphLike, weight: str | None = None) -> dict[Hashable, float]:
    """Burt's (1992) constraint: ``c(i) = sum_j (p_ij + sum_q p_iq p_qj)^2`` over contacts ``j``.

    ``p_ij`` is the mutual weight of ``i`` and ``j`` (``w_ij + w_ji``; the number of arcs
    between them when ``weight`` is None) over ``i``'s total, for in- and out-neighbours
    alike (networkx's ``constraint``). Low constraint: the node spans structural holes.

    NaN for isolated nodes. Directed nodes without successors get Burt's value (their in-ties
    count), where networkx's node-by-node path returns NaN; networkx's sparse path (scipy,
    ``nodes=None``) is not used as a reference (see ``tests/test_network_centrality.py``).
    Self-loops are ignored.

    Engine: topological (``weight=None``): the vectorised triangle enumeration of
    :func:`cybertnoc.network.centrality_table`; weighted: networkx's node-by-node path.

    Examples
    --------
    >>> import networkx as nx
    >>> constraint(nx.star_graph(2))
    {0: 0.5, 1: 1.0, 2: 1.0}
    """
    return _holes(prepare_graph(G), 0, weight)


def effective_size(G: GraphLike, weight: str | None = None) -> dict[Hashable, float]:
    """Burt's (1992) effective size: ``sum_j (1 - sum_q p_iq m_jq)`` over contacts ``j``.

    The number of contacts minus their redundancy; ``m_jq`` is ``j``'s mutual weight with ``q``
    over ``j``'s largest mutual weight. Same conventions and engines as :func:`constraint`.

    Examples
    --------
    >>> import networkx as nx
    >>> effective_size(nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3)]))
    {0: 1.0, 1: 1.0, 2: 2.3333333333333335, 3: 1.0}
    """
    return _holes(prepare_graph(G), 1, weight)


# ---------------------------------------------------------------------------------------------
# Whole graph
# ---------------------------------------------------------------------------------------------


def density(G: GraphLike) -> float:
    """Edges over possible edges: ``2m / (n(n-1))`` undirected, ``m / (n(n-1))`` directed.

    networkx's ``density`` (self-loops count in ``m``; 0 for fewer than two nodes).

    Examples
    --------
    >>> import networkx as nx
    >>> density(nx.star_graph(4))
    0.4
    """
    P = prepare_graph(G)
    if P.n <= 1:
        return 0.0
    d = P.m / (P.n * (P.n - 1))
    return d if P.directed else 2 * d


def degree_assortativity_coefficient(
    G: GraphLike,
    x: Literal["in", "out"] = "out",
    y: Literal["in", "out"] = "in",
    weight: str | None = None,
) -> float:
    """Newman's (2002) degree assortativity, as networkx's ``degree_assortativity_coefficient``.

    The Pearson correlation of the degrees at the two ends of every edge: each undirected edge
    counted in both directions (a self-loop once), each arc ``u -> v`` of a directed graph once
    as (``x``-degree of ``u``, ``y``-degree of ``v``), by default out-degree of the source and
    in-degree of the target. ``weight`` uses strengths instead of degrees. NaN when a degree
    sequence has no variance (a regular graph). Negative values (hubs tied to peripheral
    members) are typical of criminal networks. Engine: numpy.

    Examples
    --------
    >>> import networkx as nx
    >>> degree_assortativity_coefficient(nx.star_graph(4))
    -1.0
    """
    P = prepare_graph(G)
    for value in (x, y):
        if value not in ("in", "out"):
            raise InvalidValue(value, "'in' or 'out'")
    if P.directed:
        xdeg = _degrees(P, x, weight)
        ydeg = _degrees(P, y, weight)
        a, b = xdeg[P.src], ydeg[P.dst]
    else:
        deg = _degrees(P, "all", weight)
        keep = ~P.loop
        a = deg[np.concatenate([P.src, P.dst[keep]])]
        b = deg[np.concatenate([P.dst, P.src[keep]])]
    if len(a) == 0:
        return math.nan
    da, db = a - a.mean(), b - b.mean()
    denominator = math.sqrt(float((da * da).sum()) * float((db * db).sum()))
    return float((da * db).sum()) / denominator if denominator > 0 else math.nan


#: Short name of :func:`degree_assortativity_coefficient`.
degree_assortativity = degree_assortativity_coefficient


def _component_indices(P: PreparedGraph, strong: bool) -> list[np.ndarray]:
    if P.n == 0:
        return []
    mode = "strong" if strong and P.directed else "weak"
    membership = np.asarray(P.igraph.connected_components(mode=mode).membership)
    order = np.argsort(membership, kind="stable")
    groups = np.split(order, np.cumsum(np.bincount(membership))[:-1])
    # Largest first; equal sizes: the component whose first node comes first in the graph.
    return sorted(groups, key=lambda c: (-len(c), int(c[0])))


def components(G: GraphLike, *, strong: bool = False) -> list[set[Hashable]]:
    """Connected components (weakly connected for directed graphs; strongly with ``strong``).

    The same sets as networkx's ``connected_components`` / ``weakly_connected_components`` /
    ``strongly_connected_components``, as a list, largest first; components of equal size in
    the order of their first node in the graph. Engine: igraph on a :class:`PreparedGraph`;
    networkx's own traversal on a networkx graph, where converting the graph would cost more
    than the traversal itself.

    Examples
    --------
    >>> import networkx as nx
    >>> components(nx.Graph([(0, 1), (2, 3), (3, 4)]))
    [{2, 3, 4}, {0, 1}]
    >>> components(nx.DiGraph([(0, 1), (1, 0), (1, 2)]), strong=True)
    [{0, 1}, {2}]
    """
    if isinstance(G, PreparedGraph):
        return [{G.nodes[i] for i in comp} for comp in _component_indices(G, strong)]
    if not isinstance(G, nx.Graph) or G.is_multigraph():
        prepare_graph(G)  # raises the usual error
    if not G.is_directed():
        found = nx.connected_components(G)
    elif strong:
        found = nx.strongly_connected_components(G)
    else:
        found = nx.weakly_connected_components(G)
    position = {v: i for i, v in enumerate(G)}
    keyed = [(-len(c), min(position[v] for v in c), c) for c in found]
    return [c for *_, c in sorted(keyed, key=lambda item: item[:2])]


def largest_component(G: GraphLike, *, strong: bool = False) -> set[Hashable]:
    """The first component of :func:`components` (empty set for the null graph).

    Examples
    --------
    >>> import networkx as nx
    >>> sorted(largest_component(nx.Graph([(0, 1), (2, 3), (3, 4)])))
    [2, 3, 4]
    """
    found = components(G, strong=strong)
    return found[0] if found else set()


def _largest_subgraph(P: PreparedGraph, weight: str | None) -> tuple[ig.Graph, np.ndarray | None]:
    """igraph subgraph of the largest (strongly, if directed) component and its edge lengths."""
    comps = _component_indices(P, strong=True)
    if not comps:
        raise InvalidValue("the null graph", "a graph with nodes")
    keep_nodes = np.zeros(P.n, dtype=bool)
    keep_nodes[comps[0]] = True
    new_index = np.cumsum(keep_nodes) - 1
    edge = ~P.loop & keep_nodes[P.src] & keep_nodes[P.dst]
    g = ig.Graph(n=len(comps[0]), directed=P.directed)
    g.add_edges(np.column_stack([new_index[P.src[edge]], new_index[P.dst[edge]]]))
    if weight is None:
        return g, None
    w = P.weights(weight)
    _distances_ok(w, weight)
    return g, w[edge]


def average_shortest_path_length(G: GraphLike, weight: str | None = None) -> float:
    """Mean shortest-path length over ordered pairs of the largest component.

    networkx's ``average_shortest_path_length`` (``sum d(u, v) / (n(n - 1))``) applied to the
    largest connected component (undirected) or the largest **strongly** connected component
    (directed), where every pair is connected; ties in size: the component whose first node
    comes first. ``weight`` names an edge length attribute (missing: 1). 0 for a single node.
    Engine: igraph.

    Examples
    --------
    >>> import networkx as nx
    >>> average_shortest_path_length(nx.Graph([(0, 1), (1, 2), (5, 6)]))
    1.3333333333333333
    """
    P = prepare_graph(G)
    g, w = _largest_subgraph(P, weight)
    if g.vcount() <= 1:
        return 0.0
    return float(g.average_path_length(directed=True, unconn=False, weights=_listed(w)))


def diameter(G: GraphLike, weight: str | None = None) -> float:
    """Longest shortest path of the largest component (strongly connected, if directed).

    networkx's ``diameter`` on the component :func:`average_shortest_path_length` uses;
    ``weight`` names an edge length attribute. Engine: igraph.

    Examples
    --------
    >>> import networkx as nx
    >>> diameter(nx.Graph([(0, 1), (1, 2), (5, 6)]))
    2
    """
    P = prepare_graph(G)
    g, w = _largest_subgraph(P, weight)
    if g.vcount() <= 1:
        return 0
    value = g.diameter(directed=True, unconn=False, weights=_listed(w))
    return int(value) if weight is None else float(value)


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------


def metrics_table(
    G: GraphLike,
    *,
    weighted: bool = False,
    measures: Sequence[str] | None = None,
    seed: int = 0,
    k: int | None = None,
    weight: str = "weight",
    distance: str | None = None,
) -> pd.DataFrame:
    """One row per node, one column per measure, named as the networkx function it equals.

    Columns: ``node`` (the node key: for graphs read with ``network_from_file`` the label as
    written in the file), then, in :data:`MEASURES` order, ``degree`` (and ``in_degree``,
    ``out_degree`` if directed), ``degree_centrality``, ``in_degree_centrality`` and
    ``out_degree_centrality`` (directed), ``strength`` (weighted only),
    ``betweenness_centrality``, ``closeness_centrality``, ``harmonic_centrality``,
    ``eigenvector_centrality``, ``pagerank``, ``core_number``, ``clustering``, ``constraint``,
    ``effective_size``. Each column is the function of this module of that name, which equals
    networkx's.

    With ``weighted=False`` every measure is topological (networkx's defaults, except
    ``pagerank`` with ``weight=None``). With ``weighted=True``:

    - ``betweenness_centrality``, ``closeness_centrality`` and ``harmonic_centrality`` use
      ``distance`` as edge **length** (networkx's convention); by default ``distance`` is
      ``weight`` itself, as Cavallaro et al. (2020) did with meeting counts. When the weight is
      a tie strength (calls), store a length such as ``1 / weight`` and pass its name;
    - ``strength``, ``pagerank``, ``clustering`` and ``eigenvector_centrality`` use ``weight``
      as tie strength;
    - ``core_number``, ``constraint`` and ``effective_size`` stay topological.

    Rows are in the graph's node order. The graph is converted once (:class:`PreparedGraph`).

    Parameters
    ----------
    G : networkx.Graph, networkx.DiGraph or PreparedGraph
    weighted : bool
    measures : sequence of str, optional
        Names from :data:`MEASURES`; default all (the directed-only ones skipped on
        undirected graphs, ``strength`` skipped when not weighted).
    seed : int
        Seed of the betweenness source sample, used with ``k``.
    k : int, optional
        Estimate betweenness from ``k`` sampled sources (networkx's sample for ``seed``).
    weight, distance : str
        Edge attributes (see above).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    InvalidValue
        An unknown measure, or a directed-only measure on an undirected graph.

    Examples
    --------
    >>> import networkx as nx
    >>> table = metrics_table(nx.star_graph(3), measures=["degree", "betweenness_centrality"])
    >>> table.to_dict("list")
    {'node': [0, 1, 2, 3], 'degree': [3, 1, 1, 1], 'betweenness_centrality': [1.0, 0.0, 0.0, 0.0]}
    """
    P = prepare_graph(G)
    directed_only = {"in_degree_centrality", "out_degree_centrality"}
    if measures is None:
        chosen = [
            m
            for m in MEASURES
            if (P.directed or m not in directed_only) and (weighted or m != "strength")
        ]
    else:
        unknown = [m for m in measures if m not in MEASURES]
        if unknown:
            raise InvalidValue(unknown, f"measures among {', '.join(MEASURES)}")
        if not P.directed and directed_only & set(measures):
            raise InvalidValue(
                sorted(directed_only & set(measures)), "measures defined on undirected graphs"
            )
        chosen = [m for m in MEASURES if m in set(measures)]
    w = weight if weighted else None
    d = (distance or weight) if weighted else None
    data: dict[str, Any] = {"node": list(P.nodes)}
    for name in chosen:
        if name == "degree":
            data["degree"] = _degrees(P).astype(int).tolist()
            if P.directed:
                data["in_degree"] = _degrees(P, "in").astype(int).tolist()
                data["out_degree"] = _degrees(P, "out").astype(int).tolist()
            continue
        if name == "strength":
            values: dict[Hashable, Any] = strength(P, weight)
        elif name == "betweenness_centrality":
            values = betweenness_centrality(P, k=k, weight=d, seed=seed)
        elif name == "closeness_centrality":
            values = closeness_centrality(P, distance=d)  # type: ignore[assignment]
        elif name == "harmonic_centrality":
            values = harmonic_centrality(P, distance=d)
        elif name == "eigenvector_centrality":
            try:
                values = eigenvector_centrality(P, weight=w)
            except nx.PowerIterationFailedConvergence:
                logger.warning("metrics_table: eigenvector centrality did not converge (NaN)")
                values = dict.fromkeys(P.nodes, math.nan)
        elif name == "pagerank":
            values = pagerank(P, weight=w)
        elif name == "clustering":
            values = clustering(P, weight=w)
        elif name == "core_number":
            values = core_number(P)
        else:
            values = globals()[name](P)
        data[name] = [values[v] for v in P.nodes]
    return pd.DataFrame(data)


def summary(
    G: GraphLike, *, weight: str | None = "weight", max_path_nodes: int | None = 20_000
) -> dict[str, Any]:
    """Whole-network descriptives, as plain Python values.

    Keys: ``nodes``, ``edges``, ``directed``, ``density``, ``components`` (weakly connected if
    directed), ``largest_component_size``, ``largest_component_share``, ``isolates``,
    ``mean_degree``, ``max_degree``, ``degree_assortativity`` (None when undefined),
    ``transitivity``, ``average_clustering``, ``diameter``, ``average_shortest_path_length``
    and ``total_weight`` (sum of ``weight``; None without ``weight``). Directed graphs add
    ``max_in_degree``, ``max_out_degree``, ``strong_components``,
    ``largest_strong_component_size`` and ``reciprocity`` (share of arcs that are
    reciprocated).

    Conventions: ``transitivity`` and ``average_clustering`` of a directed graph are those of
    its undirected version (``G.to_undirected()``); ``diameter`` and
    ``average_shortest_path_length`` are hop counts on the largest connected component (the
    largest strongly connected component if directed), None when it has more than
    ``max_path_nodes`` nodes (all-pairs shortest paths) or the graph is empty.

    Examples
    --------
    >>> import networkx as nx
    >>> s = summary(nx.star_graph(4))
    >>> s["nodes"], s["edges"], s["density"], s["max_degree"], s["degree_assortativity"]
    (5, 4, 0.4, 4, -1.0)
    >>> s["diameter"], s["average_shortest_path_length"], s["transitivity"]
    (2, 1.6, 0)
    """
    P = prepare_graph(G)
    out: dict[str, Any] = {
        "nodes": P.n,
        "edges": P.m,
        "directed": P.directed,
        "density": density(P),
    }
    comps = _component_indices(P, strong=False)
    degrees = _degrees(P)
    r = degree_assortativity_coefficient(P) if P.m else math.nan
    undirected = prepare_graph(P.graph.to_undirected(as_view=True)) if P.directed else P
    out |= {
        "components": len(comps),
        "largest_component_size": len(comps[0]) if comps else 0,
        "largest_component_share": len(comps[0]) / P.n if comps else None,
        "isolates": int((degrees == 0).sum()),
        "mean_degree": float(degrees.mean()) if P.n else None,
        "max_degree": int(degrees.max()) if P.n else None,
        "degree_assortativity": None if math.isnan(r) else r,
        "transitivity": transitivity(undirected),
        "average_clustering": average_clustering(undirected) if P.n else None,
        "diameter": None,
        "average_shortest_path_length": None,
        "total_weight": float(P.weights(weight).sum()) if weight is not None else None,
    }
    if P.directed:
        strong = _component_indices(P, strong=True)
        arcs = set(zip(P.src[~P.loop].tolist(), P.dst[~P.loop].tolist(), strict=True))
        reciprocated = sum(1 for u, v in arcs if (v, u) in arcs)
        out |= {
            "max_in_degree": int(_degrees(P, "in").max()) if P.n else None,
            "max_out_degree": int(_degrees(P, "out").max()) if P.n else None,
            "strong_components": len(strong),
            "largest_strong_component_size": len(strong[0]) if strong else 0,
            "reciprocity": reciprocated / P.m if P.m else None,
        }
    if P.n:
        size = len(_component_indices(P, strong=True)[0])
        if max_path_nodes is None or size <= max_path_nodes:
            out["diameter"] = diameter(P)
            out["average_shortest_path_length"] = average_shortest_path_length(P)
        else:
            logger.info(
                "summary: largest component has %d nodes > %d, path lengths not computed",
                size,
                max_path_nodes,
            )
    return out


def inverse_lengths(G: nx.Graph, weight: str = "weight", name: str = "length") -> nx.Graph:
    """A copy of ``G`` whose edges carry ``name`` = 1 / ``weight``: strong ties are short.

    Path measures (betweenness, closeness, harmonic) read an edge attribute as a **length**.
    When the weight is a tie strength (calls, meetings, co-offences), the usual length is its
    inverse (Brandes 2008; Opsahl, Agneessens & Skvoretz 2010, with alpha = 1). Anastasiadis &
    Antoniou's Caviar figures use (1 / w) / max(1 / w), which gives the same betweenness (a
    common factor does not change shortest paths).

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
    weight : str
        The tie-strength attribute (1 where missing).
    name : str
        The length attribute written.

    Raises
    ------
    InvalidValue
        A weight that is zero, negative or not a number (it has no inverse length).

    References
    ----------
    Opsahl, T., Agneessens, F. & Skvoretz, J. (2010). Node centrality in weighted networks:
    generalizing degree and shortest paths. Social Networks 32(3), 245-251.

    Examples
    --------
    >>> G = nx.Graph([("a", "b", {"weight": 4}), ("b", "c", {"weight": 1})])
    >>> sorted(inverse_lengths(G).edges(data="length"))
    [('a', 'b', 0.25), ('b', 'c', 1.0)]
    """
    H = G.copy()
    for u, v, data in H.edges(data=True):
        w = data.get(weight, 1)
        if not isinstance(w, int | float) or not w > 0 or w != w:
            raise InvalidValue(
                w, f"a positive tie weight ({u} - {v})", "Drop or fix ties of zero weight"
            )
        data[name] = 1.0 / float(w)
    return H
