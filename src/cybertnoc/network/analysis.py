"""The co-offending network of a workspace, measured: summary, centralities and communities."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from cybertnoc.network.centrality import centrality_table, network_summary
from cybertnoc.network.communities import louvain
from cybertnoc.network.projection import SOCIAL_EDGE_SCHEMATA, social_graph
from cybertnoc.store.workspace import Workspace

__all__ = ["NetworkFindings", "analyse", "short_label"]


_PSEUDONYM = re.compile(r"p:[0-9a-f]{8}")


def short_label(caption: str) -> str:
    """A short display name: the first pseudonym in the caption (8 hex digits), else its start.

    Examples
    --------
    >>> short_label("Subscriber of p:ac4313ce22133676112bfe7a39fb1197")
    'p:ac4313ce'
    >>> short_label("Velvet Road market administrators")
    'Velvet Road mark…'
    """
    found = _PSEUDONYM.search(caption)
    if found:
        return found.group(0)
    return caption if len(caption) <= 16 else caption[:16] + "…"


@dataclass(frozen=True)
class NetworkFindings:
    """Network measures of the people in a workspace.

    Attributes
    ----------
    summary : dict
        :func:`~cybertnoc.network.network_summary` of the graph.
    table : pandas.DataFrame
        :func:`~cybertnoc.network.centrality_table` of the graph, sorted by betweenness.
    edges : list of (node, node)
        The ties, sorted.
    communities : dict
        Node → Louvain community number (0 the largest).
    modularity : float
        Modularity of the communities.
    labels : dict
        Node → display name (:func:`short_label` of the entity caption: the pseudonym where
        names or phone numbers are personal).
    """

    summary: dict[str, Any]
    table: pd.DataFrame
    edges: list[tuple[Any, Any]]
    communities: dict[Any, int]
    modularity: float
    labels: dict[Any, str]


def analyse(
    ws: Workspace, *, schemata: tuple[str, ...] = SOCIAL_EDGE_SCHEMATA, seed: int = 0
) -> NetworkFindings:
    """Measure the network of ties between people (calls, associations, family ties...).

    Parameters
    ----------
    ws : Workspace
        The workspace to read.
    schemata : tuple of str
        Relationship schemata that make ties (see :data:`SOCIAL_EDGE_SCHEMATA`).
    seed : int
        Seed of the community detection (and of betweenness sampling on large graphs).
    """
    G = social_graph(ws, schemata)
    summary = network_summary(G)
    table = centrality_table(G, seed=seed) if G.number_of_nodes() else pd.DataFrame()
    parts = louvain(G, seed=seed)
    captions: dict[Any, str] = {}
    if G.number_of_nodes():
        ids = sorted(G.nodes)
        marks = ", ".join("?" * len(ids))
        captions = {
            i: short_label(c or i)
            for i, c in ws.con.execute(
                f"SELECT id, caption FROM entities WHERE id IN ({marks})", ids
            ).fetchall()
        }
    edges = sorted((min(u, v), max(u, v)) for u, v in G.edges)
    return NetworkFindings(summary, table, edges, parts.membership, parts.modularity, captions)
