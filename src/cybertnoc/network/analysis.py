"""The co-offending network of a workspace, measured.

Summary, node measures (:func:`~cybertnoc.network.measures.metrics_table`), Leiden communities,
key players (KPP-Neg), disruption curves and suggested missing ties: what the brief's network
section shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cybertnoc.network.centrality import network_summary
from cybertnoc.network.communities import leiden
from cybertnoc.network.disruption import disrupt
from cybertnoc.network.keyplayers import KeyPlayers, fragmentation, kpp_neg
from cybertnoc.network.linkprediction import evaluate_link_prediction, suggest_links
from cybertnoc.network.measures import metrics_table
from cybertnoc.network.projection import SOCIAL_EDGE_SCHEMATA, social_graph
from cybertnoc.store.workspace import Workspace

__all__ = ["DISRUPTION_STRATEGIES", "NetworkFindings", "analyse", "short_label"]


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


#: Disruption strategies compared in the brief, in legend order.
DISRUPTION_STRATEGIES = ("betweenness", "degree", "random")


@dataclass(frozen=True)
class NetworkFindings:
    """Network measures of the people in a workspace.

    Attributes
    ----------
    summary : dict
        :func:`~cybertnoc.network.network_summary` of the graph.
    table : pandas.DataFrame
        :func:`~cybertnoc.network.measures.metrics_table` of the graph (columns named as the
        networkx functions), sorted by ``betweenness_centrality``.
    edges : list of (node, node)
        The ties, sorted.
    communities : dict
        Node → Leiden community number (0 the largest).
    modularity : float
        Modularity of the communities.
    labels : dict
        Node → display name (:func:`short_label` of the entity caption: the pseudonym where
        names or phone numbers are personal).
    key_players : KeyPlayers or None
        The KPP-Neg set (fragmentation objective) of ``k`` actors; None on graphs too small.
    fragmentation : dict
        ``before`` (the network as it is), ``key_players`` (without the key players) and
        ``top_betweenness`` (without the ``k`` actors of highest betweenness).
    disruption : dict of str to pandas.DataFrame
        Strategy → its sequential disruption curve (``removed``, ``lcc_fraction``,
        ``efficiency``) over the first fifth of the actors.
    link_evaluation : pandas.DataFrame
        :func:`~cybertnoc.network.linkprediction.evaluate_link_prediction` with 10% of the ties
        hidden (``seed``).
    suggested_links : pandas.DataFrame
        The five most likely missing ties by resource allocation.
    """

    summary: dict[str, Any]
    table: pd.DataFrame
    edges: list[tuple[Any, Any]]
    communities: dict[Any, int]
    modularity: float
    labels: dict[Any, str]
    key_players: KeyPlayers | None = None
    fragmentation: dict[str, float] = field(default_factory=dict)
    disruption: dict[str, pd.DataFrame] = field(default_factory=dict)
    link_evaluation: pd.DataFrame = field(default_factory=pd.DataFrame)
    suggested_links: pd.DataFrame = field(default_factory=pd.DataFrame)


def analyse(
    ws: Workspace,
    *,
    schemata: tuple[str, ...] = SOCIAL_EDGE_SCHEMATA,
    seed: int = 0,
    k: int = 3,
) -> NetworkFindings:
    """Measure the network of ties between people (calls, associations, family ties...).

    Parameters
    ----------
    ws : Workspace
        The workspace to read.
    schemata : tuple of str
        Relationship schemata that make ties (see :data:`SOCIAL_EDGE_SCHEMATA`).
    seed : int
        Seed of the communities, the key-player starts, the random removals and the hidden
        ties.
    k : int
        Size of the key-player set.
    """
    G = social_graph(ws, schemata)
    summary = network_summary(G)
    if not G.number_of_nodes():
        return NetworkFindings(summary, pd.DataFrame(), [], {}, float("nan"), {})
    table = metrics_table(G, seed=seed).sort_values(
        "betweenness_centrality", ascending=False, kind="stable"
    )
    parts = leiden(G, seed=seed)
    ids = sorted(G.nodes)
    marks = ", ".join("?" * len(ids))
    captions = {
        i: short_label(c or i)
        for i, c in ws.con.execute(
            f"SELECT id, caption FROM entities WHERE id IN ({marks})", ids
        ).fetchall()
    }
    edges = sorted((min(u, v), max(u, v)) for u, v in G.edges)
    n = G.number_of_nodes()
    players = None
    frag: dict[str, float] = {}
    if n >= k + 2 and G.number_of_edges():
        players = kpp_neg(G, k, seed=seed, starts=3)
        top = table["node"].head(k).tolist()
        frag = {
            "before": fragmentation(G),
            "key_players": players.score,
            "top_betweenness": fragmentation(G, top),
        }
    curves: dict[str, pd.DataFrame] = {}
    stop = max(5, n - max(1, n // 5))
    if n > 5 and G.number_of_edges():
        for strategy in DISRUPTION_STRATEGIES:
            curves[strategy] = disrupt(G, strategy=strategy, stop_at=stop, seed=seed)
    evaluation = pd.DataFrame()
    suggested = pd.DataFrame()
    if G.number_of_edges() >= 20:
        evaluation = evaluate_link_prediction(G, hidden=0.1, seed=seed)
        suggested = suggest_links(G, 5, seed=seed)
    return NetworkFindings(
        summary,
        table.reset_index(drop=True),
        edges,
        parts.membership,
        parts.modularity,
        captions,
        players,
        frag,
        curves,
        evaluation,
        suggested,
    )
