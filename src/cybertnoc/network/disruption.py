"""Disruption curves: how a criminal network falls apart as its actors are removed (arrested).

:func:`disrupt` follows the protocol of Duijn, Kashirin & Sloot (2014) [1]_ and Cavallaro et al.
(2020) [2]_: at each step the centrality is recomputed on the current graph and the top node
(``mode="sequential"``) or the top ``block_size`` nodes at once (``mode="block"``) are removed;
the size of the largest connected component (LCC) relative to its initial size, and the global
efficiency (Latora & Marchiori 2001 [3]_), are recorded after each step. With the defaults and
``weighted`` set as in the paper it reproduces the 16 published betweenness and degree curves of
the Montagna networks exactly (``docs/network-disruption.md``).

Tie rule
--------
Which of several equally central nodes goes first changes the curves. The authors sort the
``(node, score)`` pairs, in the graph's node order, with a stable ascending sort on the score and
take from the end, so among tied nodes the one inserted **last** into the graph goes first:
``ties="last-inserted"`` (the default). ``"first-inserted"`` and ``"label"`` (smallest label
first) are the alternatives. Scores are compared after rounding to 12 significant digits, so
that scores equal in exact arithmetic are tied whatever the summation order of the engine
(networkx or igraph); this changes none of the 16 published curves.

References
----------
.. [1] Duijn, P. A. C., Kashirin, V. & Sloot, P. M. A. (2014). The relative ineffectiveness of
   criminal network disruption. Scientific Reports 4, 4238.
.. [2] Cavallaro, L., Ficara, A., De Meo, P., Fiumara, G., Catanese, S., Bagdasar, O., Song, W.
   & Liotta, A. (2020). Disrupting resilient criminal networks through data analysis: the case
   of Sicilian Mafia. PLOS ONE 15(8), e0236476.
.. [3] Latora, V. & Marchiori, M. (2001). Efficient behavior of small-world networks. Physical
   Review Letters 87(19), 198701.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Hashable, Sequence
from typing import Literal

import networkx as nx
import numpy as np
import pandas as pd
from scipy.sparse import csgraph

from cybertnoc.errors import InvalidValue
from cybertnoc.network.keyplayers import _Objectives, kpp_neg

__all__ = ["MEASURES", "STRATEGIES", "disrupt", "global_efficiency", "removal_order"]

logger = logging.getLogger(__name__)

Strategy = Literal["betweenness", "degree", "strength", "random", "keyplayer"]
Mode = Literal["sequential", "block"]
Ties = Literal["last-inserted", "first-inserted", "label"]
Engine = Literal["networkx", "igraph"]

#: Removal strategies of :func:`disrupt`.
STRATEGIES = ("betweenness", "degree", "strength", "random", "keyplayer")
#: Measures :func:`disrupt` can record after each step.
MEASURES = ("lcc_fraction", "lcc", "efficiency", "efficiency_fraction", "components")
_MODES = ("sequential", "block")
_TIES = ("last-inserted", "first-inserted", "label")
_ENGINES = ("networkx", "igraph")
_DIGITS = 12


def global_efficiency(G: nx.Graph) -> float:
    """Global efficiency (Latora & Marchiori 2001): mean of 1/d_ij over ordered pairs i ≠ j.

    E = Σ_{i≠j} 1/d_ij / (n (n − 1)), d_ij the hop distance (directed for a DiGraph), 1/d = 0
    for unreachable pairs; 0 for fewer than two nodes. Equal to ``networkx.global_efficiency``
    for undirected graphs (computed with scipy's breadth-first search instead).

    Examples
    --------
    >>> G = nx.path_graph(4)
    >>> round(global_efficiency(G), 12) == round(nx.global_efficiency(G), 12)
    True
    """
    n = len(G)
    if n < 2:
        return 0.0
    A = nx.to_scipy_sparse_array(G, weight=None).tocsr()
    dist = csgraph.shortest_path(A, directed=G.is_directed(), unweighted=True)
    finite = np.isfinite(dist) & (dist > 0)
    return float((1.0 / dist[finite]).sum()) / (n * (n - 1))


def _lcc(G: nx.Graph) -> tuple[int, int]:
    comps = nx.weakly_connected_components(G) if G.is_directed() else nx.connected_components(G)
    sizes = [len(c) for c in comps]
    return (max(sizes) if sizes else 0), len(sizes)


def _betweenness(G: nx.Graph, weight: str | None, engine: Engine) -> dict[Hashable, float]:
    """Normalised betweenness as networkx defines it; ``weight`` is an edge distance."""
    if engine == "networkx":
        return nx.betweenness_centrality(G, weight=weight)
    import igraph as ig

    nodes = list(G)
    index = {v: i for i, v in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in G.edges()]
    g = ig.Graph(n=len(nodes), edges=edges, directed=G.is_directed())
    weights = None
    if weight is not None:
        weights = [float(d.get(weight, 1.0)) for _, _, d in G.edges(data=True)]
    raw = g.betweenness(weights=weights, directed=G.is_directed())
    n = len(nodes)
    # networkx: undirected pairs are counted once and scaled by 2/((n-1)(n-2)); directed by
    # 1/((n-1)(n-2)); no scaling below three nodes.
    scale = 1.0
    if n > 2:
        scale = (1.0 if G.is_directed() else 2.0) / ((n - 1) * (n - 2))
    return {v: raw[i] * scale for i, v in enumerate(nodes)}


def _scores(
    G: nx.Graph,
    strategy: Strategy,
    weighted: bool,
    weight: str,
    engine: Engine,
    objective: str,
) -> dict[Hashable, float]:
    if strategy == "betweenness":
        return _betweenness(G, weight if weighted else None, engine)
    if strategy in ("degree", "strength"):
        use = weight if (weighted or strategy == "strength") else None
        if strategy == "strength":
            return {v: float(d) for v, d in G.degree(weight=use)}
        if len(G) <= 1:
            return dict.fromkeys(G, 1.0)
        s = 1.0 / (len(G) - 1.0)  # networkx degree_centrality; strength/(n-1) when weighted
        return {v: d * s for v, d in G.degree(weight=use)}
    # keyplayer, one node: the fragmentation of the graph without it
    obj = _Objectives(G)
    fn = obj.fragmentation if objective == "fragmentation" else obj.distance_weighted
    if obj.n < 3:
        return dict.fromkeys(G, 0.0)
    return {v: fn([i]) for i, v in enumerate(obj.nodes)}


def _label_rank(nodes: Sequence[Hashable]) -> dict[Hashable, int]:
    try:
        ordered = sorted(nodes)  # type: ignore[type-var]
    except TypeError:
        ordered = sorted(nodes, key=lambda n: (type(n).__name__, str(n)))
    return {v: i for i, v in enumerate(ordered)}


def removal_order(scores: dict[Hashable, float], *, ties: Ties = "last-inserted") -> list[Hashable]:
    """Nodes from the most to the least central, ties broken by ``ties``.

    ``scores`` must list the nodes in the graph's insertion order (as networkx's centrality
    functions do). Scores are compared after rounding to 12 significant digits.

    - ``"last-inserted"``: the stable ascending sort on the score read from the end, as Cavallaro
      et al. (2020) do: among tied nodes, the one inserted last goes first.
    - ``"first-inserted"``: among tied nodes, the one inserted first goes first.
    - ``"label"``: among tied nodes, the smallest label goes first.

    Examples
    --------
    >>> removal_order({"a": 1.0, "b": 2.0, "c": 1.0, "d": 2.0})
    ['d', 'b', 'c', 'a']
    >>> removal_order({"a": 1.0, "b": 2.0, "c": 1.0, "d": 2.0}, ties="first-inserted")
    ['b', 'd', 'a', 'c']
    """
    if ties not in _TIES:
        raise InvalidValue(ties, f"one of {', '.join(_TIES)} (ties)")
    nodes = list(scores)
    rounded = {v: float(f"{scores[v]:.{_DIGITS}g}") for v in nodes}
    if ties == "last-inserted":
        return sorted(nodes, key=rounded.__getitem__)[::-1]
    if ties == "first-inserted":
        return sorted(nodes, key=lambda v: -rounded[v])
    rank = _label_rank(nodes)
    return sorted(nodes, key=lambda v: (-rounded[v], rank[v]))


def disrupt(
    G: nx.Graph,
    *,
    strategy: Strategy = "betweenness",
    mode: Mode = "sequential",
    block_size: int = 5,
    weighted: bool = False,
    stop_at: int = 5,
    seed: int = 0,
    ties: Ties = "last-inserted",
    measure: Sequence[str] = ("lcc_fraction", "efficiency"),
    weight: str = "weight",
    objective: Literal["fragmentation", "distance-weighted"] = "fragmentation",
    engine: Engine = "networkx",
) -> pd.DataFrame:
    """The disruption curve of ``G`` under a node-removal strategy.

    Procedure (Duijn et al. 2014; Cavallaro et al. 2020, whose loop this is): while the graph has
    more than ``stop_at`` nodes, record the measures, score the nodes of the *current* graph,
    and remove the top node (``"sequential"``) or the top ``block_size`` nodes at once
    (``"block"``, scores not recomputed inside a block), stopping inside a block as soon as
    ``stop_at`` nodes are left. So the rows are the states with more than ``stop_at`` nodes:
    ``removed`` = 0, 1, 2, ... (or 0, b, 2b, ...). The original graph is not modified.

    Strategies (the score recomputed at each step):

    - ``"betweenness"``: networkx's normalised betweenness; with ``weighted`` the edge attribute
      ``weight`` is a *distance* (as in the paper: a pair meeting 10 times is "farther" than one
      meeting once; pass your own inverse weights for the opposite reading).
    - ``"degree"``: degree/(n − 1); with ``weighted``, strength/(n − 1) (sum of ``weight``).
    - ``"strength"``: the sum of ``weight`` (whatever ``weighted``).
    - ``"random"``: nodes drawn uniformly at random (``seed``).
    - ``"keyplayer"``: KPP-Neg (Borgatti 2006, :func:`~cybertnoc.network.keyplayers.kpp_neg`) by
      ``objective``: sequentially, the node whose removal fragments the current graph most (ties
      by ``ties``); in blocks, the KPP-Neg set of ``block_size`` nodes (greedy + swaps, 10
      starts seeded with ``seed``), removed in the graph's node order.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
        The network. Its node insertion order matters for ties (see ``ties``); load files with
        :func:`cybertnoc.network.load.network_from_file` to keep the file's order.
    strategy : {"betweenness", "degree", "strength", "random", "keyplayer"}
        Which nodes go first.
    mode : {"sequential", "block"}
        One node per step, recomputing; or ``block_size`` nodes per step.
    block_size : int
        Nodes removed per block step.
    weighted : bool
        Weighted betweenness (weight as distance) and degree (strength/(n − 1)).
    stop_at : int
        Stop when at most this many nodes are left (the paper: 5).
    seed : int
        Seed of the random strategy and of the key-player random starts.
    ties : {"last-inserted", "first-inserted", "label"}
        Which of equally scored nodes goes first: the one inserted last into the graph (the
        authors' stable-sort rule, default), first, or the smallest label. See
        :func:`removal_order`.
    measure : sequence of str
        Columns to record, from :data:`MEASURES`: ``lcc_fraction`` (size of the largest
        connected component, weakly connected if directed, over its initial size), ``lcc`` (that
        size), ``efficiency`` (the **absolute** global efficiency of the current graph,
        :func:`global_efficiency`, normalised by its current n(n − 1) and computed on hops),
        ``efficiency_fraction`` (efficiency over the initial efficiency), ``components``.
    weight : str
        Edge attribute holding the weight (missing = 1).
    objective : {"fragmentation", "distance-weighted"}
        Key-player objective.
    engine : {"networkx", "igraph"}
        Who computes betweenness: networkx (the reference) or igraph (faster on large graphs;
        the same values within floating-point rounding, hence the same curves).

    Returns
    -------
    pandas.DataFrame
        Columns ``removed``, ``node`` (sequential: the node whose removal led to this row; None
        in row 0) or ``nodes`` (block: a tuple, empty in row 0), then the ``measure`` columns.
        ``attrs`` hold the settings and the initial LCC size and efficiency.

    Raises
    ------
    InvalidValue
        An unknown strategy, mode, tie rule, measure or engine; ``block_size`` below 1 or
        ``stop_at`` below 0.

    References
    ----------
    Duijn, P. A. C., Kashirin, V. & Sloot, P. M. A. (2014). Scientific Reports 4, 4238.
    Cavallaro, L. et al. (2020). PLOS ONE 15(8), e0236476.
    Latora, V. & Marchiori, M. (2001). Physical Review Letters 87(19), 198701.

    Examples
    --------
    Two triangles joined through node 3: removing 3 first leaves two triangles; then every node
    has betweenness 0 and the one inserted last (6) goes next.

    >>> G = nx.Graph([(0, 1), (1, 2), (0, 2), (2, 3), (3, 4), (4, 5), (5, 6), (4, 6)])
    >>> curve = disrupt(G, stop_at=3, measure=("lcc", "lcc_fraction"))
    >>> list(curve[["removed", "node", "lcc"]].itertuples(index=False, name=None))
    [(0, None, 7), (1, 3, 3), (2, 6, 3), (3, 5, 3)]
    >>> curve["lcc_fraction"].round(4).tolist()
    [1.0, 0.4286, 0.4286, 0.4286]
    >>> blocks = disrupt(G, mode="block", block_size=2, stop_at=2, measure=("lcc",))
    >>> list(blocks.itertuples(index=False, name=None))
    [(0, (), 7), (2, (3, 4), 3), (4, (6, 5), 3)]
    """
    if strategy not in STRATEGIES:
        raise InvalidValue(strategy, f"one of {', '.join(STRATEGIES)} (strategy)")
    if mode not in _MODES:
        raise InvalidValue(mode, f"one of {', '.join(_MODES)} (mode)")
    if ties not in _TIES:
        raise InvalidValue(ties, f"one of {', '.join(_TIES)} (ties)")
    if engine not in _ENGINES:
        raise InvalidValue(engine, f"one of {', '.join(_ENGINES)} (engine)")
    if objective not in ("fragmentation", "distance-weighted"):
        raise InvalidValue(objective, "'fragmentation' or 'distance-weighted' (objective)")
    if not isinstance(block_size, int) or isinstance(block_size, bool) or block_size < 1:
        raise InvalidValue(block_size, "a whole number of at least 1 (block_size)")
    if not isinstance(stop_at, int) or isinstance(stop_at, bool) or stop_at < 0:
        raise InvalidValue(stop_at, "a whole number of at least 0 (stop_at)")
    measures = [measure] if isinstance(measure, str) else list(measure)
    unknown = [m for m in measures if m not in MEASURES]
    if unknown:
        raise InvalidValue(unknown, f"measures among {', '.join(MEASURES)} (measure)")

    H = G.copy()
    rng = random.Random(seed)
    lcc0, _ = _lcc(H)
    eff0 = global_efficiency(H) if {"efficiency", "efficiency_fraction"} & set(measures) else 0.0
    per_step = 1 if mode == "sequential" else block_size
    rows: list[dict[str, object]] = []
    removed: list[Hashable] = []
    last: list[Hashable] = []
    while H.number_of_nodes() > stop_at:
        row: dict[str, object] = {"removed": len(removed)}
        if mode == "sequential":
            row["node"] = last[0] if last else None
        else:
            row["nodes"] = tuple(last)
        lcc, ncomp = _lcc(H)
        eff = global_efficiency(H) if eff0 or "efficiency" in measures else 0.0
        values = {
            "lcc_fraction": lcc / lcc0 if lcc0 else float("nan"),
            "lcc": lcc,
            "efficiency": eff,
            "efficiency_fraction": eff / eff0 if eff0 else float("nan"),
            "components": ncomp,
        }
        row.update({m: values[m] for m in measures})
        rows.append(row)

        take = min(per_step, H.number_of_nodes() - stop_at)
        if strategy == "random":
            chosen = rng.sample(list(H), take)
        elif strategy == "keyplayer" and per_step > 1 and H.number_of_nodes() - per_step >= 2:
            chosen = list(kpp_neg(H, per_step, objective=objective, seed=seed).nodes)[:take]
        else:
            scores = _scores(H, strategy, weighted, weight, engine, objective)
            chosen = removal_order(scores, ties=ties)[:take]
        H.remove_nodes_from(chosen)
        removed.extend(chosen)
        last = chosen
        logger.debug("disrupt: removed %s, %d nodes left", chosen, H.number_of_nodes())

    curve = pd.DataFrame(rows)
    key = "node" if mode == "sequential" else "nodes"
    if len(curve):
        curve[key] = pd.Series([r[key] for r in rows], dtype=object)
    curve.attrs.update(
        strategy=strategy,
        mode=mode,
        block_size=block_size,
        weighted=weighted,
        ties=ties,
        stop_at=stop_at,
        initial_lcc=lcc0,
        initial_efficiency=eff0,
        removal_order=removed,
    )
    logger.info(
        "disrupt: %s %s removal of %d nodes, %d rows", mode, strategy, len(removed), len(curve)
    )
    return curve
