"""Node centrality and whole-network descriptives, as tables an analyst can sort and read.

Which actors sit on the paths between others (betweenness), who reaches everyone quickly
(closeness), who is tied to the well-tied (eigenvector), and who spans structural holes between
otherwise unconnected contacts (Burt's constraint and effective size) are the standard first
questions about a criminal network (Morselli 2009, *Inside Criminal Networks*). The measures come
from networkx; this module fixes the choices that make them comparable and reproducible:
disconnected graphs, sampling for large graphs, weights, and deterministic ordering.

References
----------
.. [1] Freeman, L. C. (1977). A set of measures of centrality based on betweenness. Sociometry
   40(1), 35-41.
.. [2] Brandes, U. (2001). A faster algorithm for betweenness centrality. Journal of Mathematical
   Sociology 25(2), 163-177.
.. [3] Brandes, U. & Pich, C. (2007). Centrality estimation in large networks. International
   Journal of Bifurcation and Chaos 17(7), 2303-2318.
.. [4] Bonacich, P. (1987). Power and centrality: a family of measures. American Journal of
   Sociology 92(5), 1170-1182.
.. [5] Burt, R. S. (1992). Structural Holes: The Social Structure of Competition. Harvard
   University Press.
.. [6] Wasserman, S. & Faust, K. (1994). Social Network Analysis: Methods and Applications.
   Cambridge University Press.
.. [7] Watts, D. J. & Strogatz, S. H. (1998). Collective dynamics of 'small-world' networks.
   Nature 393, 440-442.
.. [8] Newman, M. E. J. (2002). Assortative mixing in networks. Physical Review Letters 89(20),
   208701.
.. [9] Barrat, A., Barthélemy, M., Pastor-Satorras, R. & Vespignani, A. (2004). The architecture
   of complex weighted networks. PNAS 101(11), 3747-3752.
.. [10] Latapy, M. (2008). Main-memory triangle computations for very large (sparse
   (power-law)) graphs. Theoretical Computer Science 407(1-3), 458-473.
"""

from __future__ import annotations

import logging
import math
import statistics
import warnings
from collections.abc import Hashable, Iterable
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from cybertnoc.errors import InvalidValue

__all__ = ["CENTRALITY_COLUMNS", "centrality_table", "network_summary"]

logger = logging.getLogger(__name__)

#: Columns of :func:`centrality_table`, in order (directed graphs add ``in_degree`` and
#: ``out_degree`` after ``degree``).
CENTRALITY_COLUMNS = (
    "node",
    "component",
    "degree",
    "strength",
    "degree_centrality",
    "betweenness",
    "closeness",
    "eigenvector",
    "constraint",
    "effective_size",
    "clustering",
)


def _sorted_nodes(nodes: Iterable[Hashable]) -> list[Hashable]:
    """Nodes in a deterministic order: natural order when comparable, else by string form."""
    nodes = list(nodes)
    try:
        return sorted(nodes)  # type: ignore[type-var]
    except TypeError:
        return sorted(nodes, key=lambda n: (type(n).__name__, str(n)))


def _components(G: nx.Graph) -> list[list[Hashable]]:
    """Connected (weakly, if directed) components, largest first, ties by smallest node."""
    comps = nx.weakly_connected_components(G) if G.is_directed() else nx.connected_components(G)
    ordered = [_sorted_nodes(c) for c in comps]
    rank = {head: i for i, head in enumerate(_sorted_nodes(c[0] for c in ordered))}
    return sorted(ordered, key=lambda c: (-len(c), rank[c[0]]))


def _eigenvector_by_component(
    G: nx.Graph, components: list[list[Hashable]]
) -> dict[Hashable, float]:
    """Eigenvector centrality computed inside each component of the undirected graph."""
    U = G.to_undirected(as_view=True) if G.is_directed() else G
    result: dict[Hashable, float] = {}
    for comp in components:
        if len(comp) == 1:
            result[comp[0]] = 0.0
            continue
        sub = U.subgraph(comp)
        try:
            result.update(nx.eigenvector_centrality(sub, max_iter=10_000, tol=1e-10))
        except nx.PowerIterationFailedConvergence:  # pragma: no cover - (A+I) iteration converges
            logger.warning(
                "eigenvector centrality did not converge on a component of %d nodes", len(comp)
            )
            result.update(dict.fromkeys(comp, math.nan))
    return result


def _structural_holes(G: nx.Graph) -> tuple[dict[Hashable, float], dict[Hashable, float]]:
    """Burt's constraint and effective size of every node, vectorised over triangles.

    Same definitions as networkx ``constraint`` and ``effective_size`` with ``weight=None``
    (mutual weight of u and v = number of arcs between them; p = mutual weight over the node's
    total; m = mutual weight over the contact's largest), computed in O(m^1.5) with pandas
    instead of networkx's pure-Python loops, which take minutes on a few thousand nodes when scipy
    is absent. Only triangles contribute indirect ties, so triangles are enumerated once with the
    degree-ordered "forward" algorithm (Latapy 2008) and expanded into ordered triples.
    """
    nodes = list(G)
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    arcs = np.array([(index[u], index[v]) for u, v in G.edges() if u != v], dtype=np.int64)
    nan = dict.fromkeys(nodes, math.nan)
    if len(arcs) == 0:
        return nan, dict(nan)
    # Mutual weight: each arc counts for both ordered pairs (an undirected edge is one arc).
    arcs = np.vstack([arcs, arcs[:, ::-1]])
    pairs = pd.DataFrame({"i": arcs[:, 0], "j": arcs[:, 1]})
    pairs = pairs.groupby(["i", "j"], sort=True).size().rename("mw").reset_index()
    i = pairs["i"].to_numpy()
    j = pairs["j"].to_numpy()
    mw = pairs["mw"].to_numpy(dtype=float)
    total = np.bincount(i, weights=mw, minlength=n)
    largest = pd.Series(mw).groupby(i).max().reindex(range(n), fill_value=0.0).to_numpy()
    p = mw / total[i]
    m_norm = mw / largest[i]
    key = i * n + j  # sorted, since pairs are sorted by (i, j)
    degree = np.bincount(i, minlength=n)

    # Triangles: orient each undirected pair from lower to higher (degree, index) rank.
    rank = np.lexsort((np.arange(n), degree)).argsort()
    lo = i < j
    a, b = i[lo], j[lo]
    swap = rank[a] > rank[b]
    a, b = np.where(swap, b, a), np.where(swap, a, b)
    fwd = pd.DataFrame({"a": a, "b": b})
    two = fwd.merge(fwd.rename(columns={"b": "c"}), on="a")
    two = two[two["b"] != two["c"]]
    closing = np.isin(two["b"].to_numpy() * n + two["c"].to_numpy(), key)
    tri = two[closing][["a", "b", "c"]].to_numpy()
    # Each triangle {a,b,c} appears twice (b,c and c,b); keep one, then all 6 (ego, contact, via).
    tri = tri[rank[tri[:, 1]] < rank[tri[:, 2]]]
    x, y, z = tri[:, 0], tri[:, 1], tri[:, 2]
    ego = np.concatenate([x, x, y, y, z, z])
    contact = np.concatenate([y, z, x, z, x, y])
    via = np.concatenate([z, y, z, x, y, x])

    def lookup(values: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return values[np.searchsorted(key, u * n + v)]

    indirect_parts = lookup(p, ego, via) * lookup(p, via, contact)
    redundancy_parts = lookup(p, ego, via) * lookup(m_norm, contact, via)
    pair_of = np.searchsorted(key, ego * n + contact)
    indirect = np.bincount(pair_of, weights=indirect_parts, minlength=len(key))
    redundancy = np.bincount(pair_of, weights=redundancy_parts, minlength=len(key))

    constraint = np.bincount(i, weights=(p + indirect) ** 2, minlength=n)
    effective = degree - np.bincount(i, weights=redundancy, minlength=n)
    isolated = degree == 0
    constraint[isolated] = np.nan
    effective[isolated] = np.nan
    return dict(zip(nodes, constraint.tolist(), strict=True)), dict(
        zip(nodes, effective.astype(float).tolist(), strict=True)
    )


def centrality_table(
    G: nx.Graph,
    *,
    normalized: bool = True,
    seed: int = 0,
    weight: str | None = "weight",
    exact_max_nodes: int = 5000,
    sample_k: int = 1000,
) -> pd.DataFrame:
    """One row per node with the standard centralities of social network analysis.

    Columns (in order):

    ``node``
        The node id.
    ``component``
        Index of the node's connected component (weakly connected for directed graphs), 0 for
        the largest; ties in size are broken by the smallest node id.
    ``degree``
        Number of distinct neighbours (in + out for directed graphs, which also get
        ``in_degree`` and ``out_degree``).
    ``strength``
        Weighted degree: the sum of the ``weight`` attribute over the node's edges (Barrat et
        al. 2004). Edges without the attribute count 1; equal to ``degree`` when ``weight`` is
        None.
    ``degree_centrality``
        ``degree / (n - 1)``.
    ``betweenness``
        Freeman's (1977) betweenness, computed with Brandes' (2001) algorithm on hop distances
        (edge weights are tie *strengths*, not lengths, so they are not used as distances).
        With ``normalized`` it is divided by ``(n-1)(n-2)/2`` pairs (``(n-1)(n-2)`` if
        directed), so the centre of a star scores 1. Exact when ``n <= exact_max_nodes``;
        above that it is estimated from ``sample_k`` source nodes drawn with ``seed`` (Brandes &
        Pich 2007), and a message is logged.
    ``closeness``
        ``(n_r - 1) / sum of distances`` to the ``n_r - 1`` nodes it reaches, scaled by
        ``(n_r - 1)/(n - 1)`` so that disconnected graphs compare fairly (Wasserman & Faust
        1994; networkx ``wf_improved``). Incoming distances for directed graphs. Not computed
        (NaN) when ``n > exact_max_nodes``, where it would take all-pairs shortest paths.
    ``eigenvector``
        Eigenvector centrality (Bonacich 1987) of the undirected graph, **computed inside each
        connected component separately** and scaled to unit Euclidean norm within it. On a
        disconnected graph a single eigenvector would put all weight on the component with the
        largest eigenvalue and zero elsewhere; per component, values rank actors *within* their
        component and should not be compared across components. Isolated nodes get 0.
    ``constraint``, ``effective_size``
        Burt's (1992) constraint (low: the node spans structural holes) and effective size
        (non-redundant contacts), topological (``weight=None``), with networkx's definitions
        (mutual ties over in- and out-neighbours for directed graphs) but a vectorised
        implementation, tested against networkx. NaN for isolated nodes only (networkx's
        pure-Python path also gives NaN to directed nodes without successors).
    ``clustering``
        Local clustering coefficient (Watts & Strogatz 1998; Fagiolo's directed version for
        directed graphs).

    Rows are sorted by betweenness (descending), ties broken by node id (ascending), so the
    table is the same on every run.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
        A simple graph (see :func:`graph_from_edges`). Multigraphs are refused.
    normalized : bool
        Normalise betweenness (see above).
    seed : int
        Seed for the source sample of estimated betweenness on large graphs.
    weight : str or None
        Edge attribute summed into ``strength``. The other measures are topological.
    exact_max_nodes : int
        Largest graph on which betweenness is exact and closeness is computed.
    sample_k : int
        Number of sampled sources for estimated betweenness.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    InvalidValue
        ``G`` is a multigraph.

    Examples
    --------
    >>> import networkx as nx
    >>> table = centrality_table(nx.star_graph(4))
    >>> table[["node", "degree", "betweenness", "constraint"]].head(1).to_dict("records")
    [{'node': 0, 'degree': 4, 'betweenness': 1.0, 'constraint': 0.25}]
    >>> table["betweenness"].tolist()
    [1.0, 0.0, 0.0, 0.0, 0.0]
    """
    if G.is_multigraph():
        raise InvalidValue(
            type(G).__name__,
            "a simple graph (Graph or DiGraph)",
            "Collapse repeated edges with cybertnoc.network.graph_from_edges.",
        )
    directed = G.is_directed()
    columns = list(CENTRALITY_COLUMNS)
    if directed:
        columns[3:3] = ["in_degree", "out_degree"]
    n = G.number_of_nodes()
    if n == 0:
        return pd.DataFrame({c: pd.Series(dtype=object if c == "node" else float) for c in columns})

    nodes = _sorted_nodes(G.nodes)
    components = _components(G)
    component = {node: i for i, comp in enumerate(components) for node in comp}

    if n <= exact_max_nodes:
        betweenness = nx.betweenness_centrality(G, normalized=normalized)
        closeness = nx.closeness_centrality(G)
    else:
        logger.info(
            "centrality_table: %d nodes > %d, betweenness estimated from %d sampled sources "
            "(seed %d); closeness not computed",
            n,
            exact_max_nodes,
            min(sample_k, n),
            seed,
        )
        betweenness = nx.betweenness_centrality(
            G, k=min(sample_k, n), normalized=normalized, seed=seed
        )
        closeness = dict.fromkeys(G, math.nan)

    eigenvector = _eigenvector_by_component(G, components)
    constraint, effective = _structural_holes(G)
    clustering = nx.clustering(G)
    strength = dict(G.degree(weight=weight)) if weight is not None else dict(G.degree)

    data: dict[str, Any] = {
        "node": nodes,
        "component": [component[v] for v in nodes],
        "degree": [G.degree(v) for v in nodes],
    }
    if directed:
        data["in_degree"] = [G.in_degree(v) for v in nodes]  # type: ignore[union-attr]
        data["out_degree"] = [G.out_degree(v) for v in nodes]  # type: ignore[union-attr]
    denominator = n - 1 if n > 1 else 1
    data |= {
        "strength": [float(strength[v]) for v in nodes],
        "degree_centrality": [G.degree(v) / denominator for v in nodes],
        "betweenness": [float(betweenness[v]) for v in nodes],
        "closeness": [float(closeness[v]) for v in nodes],
        "eigenvector": [float(eigenvector[v]) for v in nodes],
        "constraint": [float(constraint[v]) for v in nodes],
        "effective_size": [float(effective[v]) for v in nodes],
        "clustering": [float(clustering[v]) for v in nodes],
    }
    table = pd.DataFrame(data, columns=columns)
    # Nodes are already in id order, so a stable sort on betweenness breaks ties by node id.
    order = np.argsort(-table["betweenness"].to_numpy(), kind="stable")
    return table.iloc[order].reset_index(drop=True)


def network_summary(G: nx.Graph) -> dict[str, Any]:
    """Whole-network descriptives for a brief: size, cohesion, mixing and degree inequality.

    Returns a dict of plain Python values (None where a value is undefined, for example the
    assortativity of a regular graph):

    - ``nodes``, ``edges``, ``directed``;
    - ``density``: edges over possible edges (networkx :func:`~networkx.density`);
    - ``components``: number of connected components (weakly connected if directed);
    - ``largest_component_share``: nodes in the largest component over all nodes;
    - ``average_clustering``: mean local clustering over all nodes (Watts & Strogatz 1998);
    - ``degree_assortativity``: Newman's (2002) degree assortativity, the Pearson correlation of
      the degrees at either end of an edge (out-degree of the source with in-degree of the target
      for directed graphs). Criminal networks are often disassortative (hubs tied to peripheral
      members);
    - ``mean_degree``, ``median_degree``, ``max_degree``;
    - ``heavy_tail_ratio``: max degree over median degree, a crude indicator of a heavy-tailed
      degree distribution (a few hubs). It is not a power-law test; None when the median is 0.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph

    Returns
    -------
    dict

    Examples
    --------
    >>> import networkx as nx
    >>> s = network_summary(nx.star_graph(4))
    >>> s["nodes"], s["edges"], s["density"], s["components"]
    (5, 4, 0.4, 1)
    >>> s["degree_assortativity"], s["max_degree"], s["median_degree"], s["heavy_tail_ratio"]
    (-1.0, 4, 1.0, 4.0)
    """
    n = G.number_of_nodes()
    directed = G.is_directed()
    summary: dict[str, Any] = {
        "nodes": n,
        "edges": G.number_of_edges(),
        "directed": directed,
        "density": None,
        "components": 0,
        "largest_component_share": None,
        "average_clustering": None,
        "degree_assortativity": None,
        "mean_degree": None,
        "median_degree": None,
        "max_degree": None,
        "heavy_tail_ratio": None,
    }
    if n == 0:
        return summary
    comps = list(nx.weakly_connected_components(G) if directed else nx.connected_components(G))
    degrees = [d for _, d in G.degree()]
    median = float(statistics.median(degrees))
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            r = float(nx.degree_assortativity_coefficient(G)) if G.number_of_edges() else math.nan
        except (ValueError, ZeroDivisionError, IndexError):
            r = math.nan
    summary |= {
        "density": float(nx.density(G)),
        "components": len(comps),
        "largest_component_share": max(len(c) for c in comps) / n,
        "average_clustering": float(nx.average_clustering(G)),
        "degree_assortativity": None if math.isnan(r) else round(r, 12),
        "mean_degree": float(np.mean(degrees)),
        "median_degree": median,
        "max_degree": int(max(degrees)),
        "heavy_tail_ratio": max(degrees) / median if median > 0 else None,
    }
    return summary
