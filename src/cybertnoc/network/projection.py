"""Graph projections of a workspace: which entities are nodes, which relationships are edges.

The edges come from the model: every FollowTheMoney schema with an ``edge`` (Call, Associate,
Membership, Payment, ...) was turned into rows of the workspace's ``relationships`` table at
import. A projection selects some of them and hands them to
:func:`cybertnoc.network.graph_from_edges`.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from cybertnoc.model import get_model
from cybertnoc.network._graph import graph_from_edges
from cybertnoc.store.workspace import Workspace

__all__ = ["SOCIAL_EDGE_SCHEMATA", "social_edges", "social_graph"]

#: Relationship schemata that tie people (or organisations) to each other.
SOCIAL_EDGE_SCHEMATA = (
    "Call",
    "Associate",
    "Family",
    "UnknownLink",
    "Message",
    "Succession",
    "Tie",
    "DirectedTie",
)

#: Schemata of parties: LegalEntity and every schema that extends it (Person, Actor, Company...).
_PARTIES = tuple(sorted(s.name for s in get_model().schemata.values() if s.is_a("LegalEntity")))


def social_edges(ws: Workspace, schemata: tuple[str, ...] = SOCIAL_EDGE_SCHEMATA) -> pd.DataFrame:
    """Edges between parties (people, organisations): ``source, target, schema, count``.

    Only relationships whose both ends are parties are kept, so a Call between two phone
    numbers that were not mapped to people is left out.
    """
    marks = ", ".join("?" * len(schemata))
    parties = ", ".join("?" * len(_PARTIES))
    return ws.con.execute(
        f"""
        SELECT r.source, r.target, r.schema, count(*) AS count
        FROM relationships r
        JOIN entities a ON a.id = r.source AND a.schema IN ({parties})
        JOIN entities b ON b.id = r.target AND b.schema IN ({parties})
        WHERE r.schema IN ({marks})
        GROUP BY r.source, r.target, r.schema
        ORDER BY r.source, r.target, r.schema
        """,
        [*_PARTIES, *_PARTIES, *schemata],
    ).df()


def social_graph(ws: Workspace, schemata: tuple[str, ...] = SOCIAL_EDGE_SCHEMATA) -> nx.Graph:
    """The undirected, weighted (number of ties) co-offending / communication network."""
    edges = social_edges(ws, schemata)
    if edges.empty:
        return nx.Graph()
    return graph_from_edges(edges, weight="count", directed=False)
