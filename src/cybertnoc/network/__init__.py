"""Network methods: graph projection, centrality and whole-network descriptives.

Functions take pandas DataFrames and networkx graphs and return DataFrames or plain Python, so
they can be used on their own or behind the workspace. See ``docs/methods.md``.
"""

from cybertnoc.network._graph import graph_from_edges
from cybertnoc.network.centrality import CENTRALITY_COLUMNS, centrality_table, network_summary
from cybertnoc.network.communities import Communities, louvain

__all__ = [
    "CENTRALITY_COLUMNS",
    "Communities",
    "centrality_table",
    "graph_from_edges",
    "louvain",
    "network_summary",
]
