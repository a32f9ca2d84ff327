"""Community detection: groups of actors more tied to each other than to the rest."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import networkx as nx

__all__ = ["Communities", "louvain"]


@dataclass(frozen=True)
class Communities:
    """A partition of a graph's nodes.

    Attributes
    ----------
    membership : dict
        Node → community number; 0 is the largest community, ties broken by the smallest node.
    sizes : list of int
        Size of each community, by number.
    modularity : float
        Newman–Girvan modularity of the partition (weighted when the graph was).
    """

    membership: dict[Hashable, int]
    sizes: list[int]
    modularity: float


def louvain(
    G: nx.Graph, *, weight: str | None = "weight", resolution: float = 1.0, seed: int = 0
) -> Communities:
    """Louvain communities (Blondel et al. 2008) of an undirected graph, numbered by size.

    Uses networkx's implementation with the given ``seed``, so the same graph and seed give the
    same partition. Communities are renumbered from the largest (0) down, ties broken by their
    smallest node, so that numbers are stable for colouring.

    Parameters
    ----------
    G : networkx.Graph
        An undirected graph. Isolated nodes form communities of their own.
    weight : str or None
        Edge attribute used as weight; None for an unweighted partition.
    resolution : float
        Resolution parameter; above 1 favours smaller communities.
    seed : int
        Seed of the random node order.

    Returns
    -------
    Communities

    References
    ----------
    Blondel, V. D., Guillaume, J.-L., Lambiotte, R. & Lefebvre, E. (2008). Fast unfolding of
    communities in large networks. Journal of Statistical Mechanics, P10008.

    Examples
    --------
    Two triangles joined by one edge:

    >>> G = nx.Graph([(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)])
    >>> c = louvain(G)
    >>> c.sizes, c.membership[1] == c.membership[2] != c.membership[5]
    ([3, 3], True)
    >>> round(c.modularity, 4)
    0.3571
    """
    if G.number_of_nodes() == 0:
        return Communities({}, [], 0.0)
    parts = nx.community.louvain_communities(G, weight=weight, resolution=resolution, seed=seed)
    ordered = sorted(
        (sorted(p, key=lambda n: (str(type(n)), n)) for p in parts),
        key=lambda p: (-len(p), str(p[0])),
    )
    membership = {node: i for i, part in enumerate(ordered) for node in part}
    modularity = nx.community.modularity(G, ordered, weight=weight, resolution=resolution)
    return Communities(membership, [len(p) for p in ordered], float(modularity))
