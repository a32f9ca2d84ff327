"""Network methods: social network analysis of criminal networks.

Modules: :mod:`~cybertnoc.network.load` (networks from files and workspaces),
:mod:`~cybertnoc.network.twomode` (projection, layers, time slices),
:mod:`~cybertnoc.network.measures` (every measure, equal to networkx, on igraph and scipy),
:mod:`~cybertnoc.network.communities` (Leiden, Louvain, agreement),
:mod:`~cybertnoc.network.keyplayers` (Borgatti's KPP), :mod:`~cybertnoc.network.brokerage`
(Gould–Fernandez roles), :mod:`~cybertnoc.network.disruption` (resilience curves),
:mod:`~cybertnoc.network.linkprediction` and :mod:`~cybertnoc.network.exports`. Functions take
networkx graphs and return plain Python or DataFrames. See ``docs/network-*.md``.
"""

from cybertnoc.network._graph import graph_from_edges
from cybertnoc.network.brokerage import brokerage, brokerage_table
from cybertnoc.network.centrality import CENTRALITY_COLUMNS, centrality_table, network_summary
from cybertnoc.network.communities import Communities, agreement, leiden, louvain, modularity
from cybertnoc.network.disruption import disrupt
from cybertnoc.network.keyplayers import KeyPlayers, kpp_neg, kpp_pos
from cybertnoc.network.linkprediction import evaluate_link_prediction, suggest_links
from cybertnoc.network.load import network_from_file, workspace_network
from cybertnoc.network.measures import metrics_table, prepare_graph, summary

__all__ = [
    "CENTRALITY_COLUMNS",
    "Communities",
    "KeyPlayers",
    "agreement",
    "brokerage",
    "brokerage_table",
    "centrality_table",
    "disrupt",
    "evaluate_link_prediction",
    "graph_from_edges",
    "kpp_neg",
    "kpp_pos",
    "leiden",
    "louvain",
    "metrics_table",
    "modularity",
    "network_from_file",
    "network_summary",
    "prepare_graph",
    "suggest_links",
    "summary",
    "workspace_network",
]
