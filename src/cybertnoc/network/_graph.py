"""Graph projection: an edge table (calls, payments, meetings) becomes a networkx graph.

Many rows between the same pair of nodes (one row per phone call, say) collapse into one edge that
carries the number of rows (``count``) and an aggregate of their weights (``weight``). Self-loops
(a node calling itself, an account paying itself) carry no information about ties between actors
and are dropped; how many were dropped is logged and kept in ``G.graph["self_loops_dropped"]``.
"""

from __future__ import annotations

import logging
from typing import Literal

import networkx as nx
import pandas as pd

from cybertnoc.errors import InvalidValue

__all__ = ["graph_from_edges"]

logger = logging.getLogger(__name__)

Aggregate = Literal["sum", "mean", "max", "min"]
_AGGREGATES = ("sum", "mean", "max", "min")


def _require_columns(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidValue(
            missing,
            f"present in the {what} (columns found: {', '.join(map(str, frame.columns))})",
            "Pass the right column names as keyword arguments, or rename the columns.",
        )


def graph_from_edges(
    edges: pd.DataFrame,
    *,
    source: str = "source",
    target: str = "target",
    weight: str | None = None,
    directed: bool = False,
    aggregate: Aggregate = "sum",
) -> nx.Graph | nx.DiGraph:
    """Project an edge table onto a simple graph, collapsing repeated edges.

    Every row is one tie between ``source`` and ``target`` (a call, a payment, a co-arrest). All
    rows between the same pair (the same ordered pair when ``directed``) become one edge with

    - ``count``: the number of rows, and
    - ``weight``: the ``aggregate`` (sum by default) of the ``weight`` column over those rows, or
      the number of rows when ``weight`` is None.

    Rows whose source or target is missing are skipped; self-loops (source equal to target) are
    dropped, because they say nothing about ties between two actors. Both are logged, and the
    number of dropped self-loops is stored in ``G.graph["self_loops_dropped"]``. Missing weights
    are skipped by the aggregate (an edge whose weights are all missing gets weight 0 with
    ``sum``). Only nodes that appear in a kept edge are in the graph.

    Parameters
    ----------
    edges : pandas.DataFrame
        One row per tie.
    source, target : str
        Columns holding the two ends. For undirected graphs their order does not matter.
    weight : str, optional
        Column with a numeric weight per row (an amount, a duration). None counts rows.
    directed : bool
        Build a :class:`networkx.DiGraph` (payments, calls from caller to receiver) instead of a
        :class:`networkx.Graph`.
    aggregate : {"sum", "mean", "max", "min"}
        How the weights of repeated rows combine.

    Returns
    -------
    networkx.Graph or networkx.DiGraph
        Edge attributes ``weight`` (float) and ``count`` (int).

    Raises
    ------
    InvalidValue
        A named column is missing, ``aggregate`` is unknown, or the weight column is not numeric.

    Examples
    --------
    >>> import pandas as pd
    >>> calls = pd.DataFrame({"source": ["a", "b", "a", "c", "c"],
    ...                       "target": ["b", "a", "c", "c", "b"],
    ...                       "minutes": [2.0, 3.0, 1.0, 9.0, 4.0]})
    >>> G = graph_from_edges(calls, weight="minutes")
    >>> G["a"]["b"]
    {'weight': 5.0, 'count': 2}
    >>> G.graph["self_loops_dropped"]
    1
    >>> D = graph_from_edges(calls, directed=True)
    >>> D["a"]["b"], D.has_edge("c", "c")
    ({'weight': 1.0, 'count': 1}, False)
    """
    if aggregate not in _AGGREGATES:
        raise InvalidValue(aggregate, f"one of {', '.join(_AGGREGATES)}", "Choose an aggregate.")
    columns = [source, target] + ([weight] if weight is not None else [])
    _require_columns(edges, columns, "edge table")
    frame = edges[columns].copy()
    frame.columns = ["u", "v", *(["w"] if weight is not None else [])]
    if weight is None:
        frame["w"] = 1.0
    elif not pd.api.types.is_numeric_dtype(frame["w"]):
        raise InvalidValue(
            str(frame["w"].dtype),
            f"a numeric dtype for the weight column {weight!r}",
            "Convert it with pandas.to_numeric first.",
        )

    missing = frame["u"].isna() | frame["v"].isna()
    if missing.any():
        logger.info("graph_from_edges: skipped %d row(s) with a missing end", int(missing.sum()))
        frame = frame[~missing]
    loops = frame["u"] == frame["v"]
    n_loops = int(loops.sum())
    if n_loops:
        logger.info("graph_from_edges: dropped %d self-loop(s)", n_loops)
        frame = frame[~loops]

    if not directed and len(frame):
        # One orientation per unordered pair, decided on the string form so mixed id types work.
        swap = frame["u"].astype(str) > frame["v"].astype(str)
        u = frame["u"].where(~swap, frame["v"])
        v = frame["v"].where(~swap, frame["u"])
        frame = frame.assign(u=u, v=v)

    grouped = frame.groupby(["u", "v"], sort=False, dropna=False)["w"]
    table = grouped.agg(["size", aggregate]).reset_index()
    table.columns = ["u", "v", "count", "weight"]
    table["weight"] = table["weight"].fillna(0.0).astype(float)
    if weight is None:  # no weight column: the weight is the number of rows, whatever aggregate
        table["weight"] = table["count"].astype(float)

    G: nx.Graph | nx.DiGraph = nx.DiGraph() if directed else nx.Graph()
    G.add_edges_from(
        (u, v, {"weight": float(w), "count": int(c)})
        for u, v, c, w in table.itertuples(index=False, name=None)
    )
    G.graph["self_loops_dropped"] = n_loops
    logger.debug(
        "graph_from_edges: %d rows -> %d nodes, %d edges", len(edges), len(G), G.number_of_edges()
    )
    return G
