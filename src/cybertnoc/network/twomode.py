"""Two-mode data, multiplex layers and time slices: the networks a criminologist builds first.

- :func:`project_two_mode` turns a two-mode (affiliation) graph of people × events (meetings,
  summits, co-arrests) into a one-mode network of people weighted by co-occurrence, with the
  weightings of networkx's bipartite projections (same graphs, same weights), computed as a
  sparse matrix product.
- :func:`workspace_two_mode` and :func:`workspace_projection` read the workspace's person → event
  ties (``UnknownLink`` with role ``attended``, made by the ``two-mode-matrix`` format).
- :func:`layer_graphs`, :func:`merge_layers` and :func:`layer_overlap` keep the layers of a
  multiplex network (meetings, phone calls) apart or merge them into one graph with per-layer
  weights.
- :func:`time_slices` gives one graph per period (the phases of an investigation).

See ``docs/network-communities-links.md``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any, Literal

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from cybertnoc.errors import InvalidValue
from cybertnoc.model import get_model
from cybertnoc.network.load import TIE_SCHEMATA, workspace_network
from cybertnoc.store.workspace import Workspace

__all__ = [
    "PROJECTION_WEIGHTS",
    "layer_graphs",
    "layer_overlap",
    "merge_layers",
    "project_two_mode",
    "time_slices",
    "two_mode_graph",
    "workspace_projection",
    "workspace_two_mode",
]

log = logging.getLogger(__name__)

#: Edge weightings of :func:`project_two_mode` (None: an unweighted projection).
PROJECTION_WEIGHTS = ("count", "ratio", "newman", "jaccard", "overlap")

ProjectionWeight = Literal["count", "ratio", "newman", "jaccard", "overlap"]

#: Actor properties copied onto the nodes of a workspace two-mode graph.
_NODE_PROPS = ("group", "role", "age", "rank", "arrests", "convictions", "prison", "residence")


def _parties() -> list[str]:
    return sorted(s.name for s in get_model().schemata.values() if s.is_a("LegalEntity"))


def project_two_mode(
    B: nx.Graph, nodes: Iterable[Hashable], *, weight: ProjectionWeight | None = "count"
) -> nx.Graph:
    """One-mode projection of a two-mode graph onto ``nodes``, weighted by co-occurrence.

    Two nodes of ``nodes`` (people) are tied when they share at least one neighbour in ``B`` (an
    event: a meeting, a summit). With :math:`N(u)` the events of :math:`u`, :math:`d_k` the
    number of people at event :math:`k` and :math:`n_{top}` the number of events, the edge
    weight is

    - ``"count"``: :math:`|N(u) \\cap N(v)|`, the number of shared events (Borgatti & Halgin
      2011); networkx ``bipartite.weighted_projected_graph``;
    - ``"ratio"``: :math:`|N(u) \\cap N(v)| / n_{top}`; ``weighted_projected_graph(ratio=True)``;
    - ``"newman"``: :math:`\\sum_k \\delta_u^k \\delta_v^k / (d_k - 1)` over shared events with
      :math:`d_k > 1`, so that a large summit weighs less than a private meeting (Newman 2001);
      ``collaboration_weighted_projected_graph``;
    - ``"jaccard"``: :math:`|N(u) \\cap N(v)| / |N(u) \\cup N(v)|`;
      ``overlap_weighted_projected_graph``;
    - ``"overlap"``: :math:`|N(u) \\cap N(v)| / \\min(|N(u)|, |N(v)|)`;
      ``overlap_weighted_projected_graph(jaccard=False)``;
    - None: no weight (``bipartite.projected_graph``).

    The result equals networkx's graph (nodes in the order of ``nodes`` with their attributes,
    the graph attributes of ``B``, the same edges and weights: integers for ``"count"``), but is
    computed as one sparse product :math:`M D M^\\top` of the person × event incidence matrix.
    Edges are inserted in the order of ``nodes``.

    Parameters
    ----------
    B : networkx.Graph
        An undirected two-mode graph: every edge joins a node of ``nodes`` to a node outside it.
    nodes : iterable
        The nodes to project onto (the people), each once.
    weight : {"count", "ratio", "newman", "jaccard", "overlap"} or None
        The edge weighting (attribute ``weight``).

    Returns
    -------
    networkx.Graph

    Raises
    ------
    InvalidValue
        ``B`` is directed or a multigraph, ``nodes`` has a repeated node or one missing from
        ``B``, an edge of ``B`` has both ends on one side, or ``weight`` is unknown.

    References
    ----------
    Borgatti, S. P. & Halgin, D. S. (2011). Analyzing affiliation networks. In Scott, J. &
    Carrington, P. J. (eds), The SAGE Handbook of Social Network Analysis, 417-433.
    Newman, M. E. J. (2001). Scientific collaboration networks. II. Shortest paths, weighted
    networks, and centrality. Physical Review E 64, 016132.

    Examples
    --------
    Ann and Bob met twice (meetings m1, m2), Bob and Cy once, at a meeting of three:

    >>> B = nx.Graph([("Ann", "m1"), ("Bob", "m1"), ("Ann", "m2"), ("Bob", "m2"),
    ...               ("Cy", "m2")])
    >>> G = project_two_mode(B, ["Ann", "Bob", "Cy"])
    >>> sorted(G.edges(data="weight"))
    [('Ann', 'Bob', 2), ('Ann', 'Cy', 1), ('Bob', 'Cy', 1)]
    >>> sorted(project_two_mode(B, ["Ann", "Bob", "Cy"], weight="newman").edges(data="weight"))
    [('Ann', 'Bob', 1.5), ('Ann', 'Cy', 0.5), ('Bob', 'Cy', 0.5)]
    """
    if weight is not None and weight not in PROJECTION_WEIGHTS:
        raise InvalidValue(
            weight, f"one of {', '.join(PROJECTION_WEIGHTS)} or None", "Choose a weighting."
        )
    if B.is_directed() or B.is_multigraph():
        raise InvalidValue(
            type(B).__name__,
            "an undirected simple graph (networkx.Graph)",
            "Pass nx.Graph(B) (a directed two-mode graph has no direction to keep).",
        )
    people = list(nodes)
    index = {n: i for i, n in enumerate(people)}
    if len(index) != len(people):
        raise InvalidValue(people, "distinct nodes", "Pass each node to project onto once.")
    missing = [n for n in people if n not in B]
    if missing:
        raise InvalidValue(missing[:5], "nodes of B", "Project onto nodes of the two-mode graph.")
    events = [n for n in B if n not in index]
    if not events:
        raise InvalidValue(
            len(people),
            f"fewer nodes than B has ({len(B)})",
            "Pass one side of the two-mode graph only.",
        )
    event_index = {n: i for i, n in enumerate(events)}
    rows: list[int] = []
    cols: list[int] = []
    for u, v in B.edges():
        if (u in index) == (v in index):
            raise InvalidValue(
                (u, v),
                "an edge between a node of `nodes` and a node outside it",
                "B must be two-mode (bipartite) with `nodes` as one side.",
            )
        person, event = (u, v) if u in index else (v, u)
        rows.append(index[person])
        cols.append(event_index[event])
    M = sp.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(people), len(events)), dtype=np.float64
    )
    coo = sp.triu(M @ M.T, k=1).tocoo()
    order = np.lexsort((coo.col, coo.row))
    i_idx, j_idx, shared = coo.row[order], coo.col[order], coo.data[order]
    degree = np.asarray(M.sum(axis=1)).ravel()
    if weight == "newman":
        sizes = np.asarray(M.sum(axis=0)).ravel()
        scale = np.divide(1.0, sizes - 1.0, out=np.zeros_like(sizes), where=sizes > 1)
        values = np.asarray((M @ sp.diags(scale) @ M.T).tocsr()[i_idx, j_idx]).ravel()
    elif weight == "ratio":
        values = shared / len(events)
    elif weight == "jaccard":
        values = shared / (degree[i_idx] + degree[j_idx] - shared)
    elif weight == "overlap":
        values = shared / np.minimum(degree[i_idx], degree[j_idx])
    else:
        values = shared
    G = nx.Graph()
    G.graph.update(B.graph)
    G.add_nodes_from((n, B.nodes[n]) for n in people)
    if weight is None:
        G.add_edges_from((people[i], people[j]) for i, j in zip(i_idx, j_idx, strict=True))
    elif weight == "count":
        G.add_edges_from(
            (people[i], people[j], {"weight": round(float(w))})
            for i, j, w in zip(i_idx, j_idx, values, strict=True)
        )
    else:
        G.add_edges_from(
            (people[i], people[j], {"weight": float(w)})
            for i, j, w in zip(i_idx, j_idx, values, strict=True)
        )
    log.debug(
        "project_two_mode: %d people x %d events -> %d edges",
        len(people),
        len(events),
        len(G.edges),
    )
    return G


def two_mode_graph(ties: pd.DataFrame, *, actor: str = "actor", event: str = "event") -> nx.Graph:
    """A two-mode graph from a table of (actor, event) rows, one row per attendance.

    Nodes carry ``bipartite`` = 0 (actors) or 1 (events), networkx's convention, and are
    inserted in the order of the rows; repeated rows are one edge. Rows with a missing actor or
    event are skipped. An actor and an event with the same name are an error.

    Examples
    --------
    >>> ties = pd.DataFrame({"actor": ["Ann", "Bob", "Bob"], "event": ["m1", "m1", "m2"]})
    >>> B = two_mode_graph(ties)
    >>> sorted(B.nodes(data="bipartite"))
    [('Ann', 0), ('Bob', 0), ('m1', 1), ('m2', 1)]
    """
    for column in (actor, event):
        if column not in ties.columns:
            raise InvalidValue(
                column,
                f"a column of the table (found: {', '.join(map(str, ties.columns))})",
                "Name the actor and event columns.",
            )
    frame = ties[[actor, event]].dropna()
    actors = pd.unique(frame[actor])
    events = pd.unique(frame[event])
    clash = set(actors) & set(events)
    if clash:
        raise InvalidValue(
            sorted(map(str, clash))[:5],
            "names used for actors or for events, not both",
            "Prefix the event names (event:...).",
        )
    B = nx.Graph()
    B.add_nodes_from(actors, bipartite=0)
    B.add_nodes_from(events, bipartite=1)
    B.add_edges_from(frame.itertuples(index=False, name=None))
    return B


def workspace_two_mode(
    ws: Workspace,
    *,
    schemata: Sequence[str] = ("UnknownLink",),
    event_schemata: Sequence[str] = ("Event",),
    roles: Sequence[str] | None = None,
    datasets: Sequence[str] | None = None,
    sources: Sequence[int] | None = None,
    nodes: Literal["label", "id"] = "label",
    isolates: bool = True,
) -> nx.Graph:
    """The two-mode graph of the workspace's actor → event ties.

    A tie is a relationship of one of ``schemata`` between a party (a person, an organisation,
    an Actor) and an entity of one of ``event_schemata``; the ``two-mode-matrix`` format makes
    one ``UnknownLink`` with role ``attended`` per non-zero cell of a persons × events matrix.

    Parameters
    ----------
    ws : Workspace
        The workspace.
    schemata : sequence of str
        Relationship schemata of the ties.
    event_schemata : sequence of str
        Schemata of the event side (``Event``; ``Organization`` for memberships, say).
    roles : sequence of str, optional
        Keep only ties whose ``role`` is one of these (``attended``).
    datasets, sources : sequence, optional
        Keep only ties of these datasets or source ids.
    nodes : {"label", "id"}
        Key nodes by their label (the name as written in the source, pseudonymised when it was
        personal; the entity id where two nodes share a label) or by entity id.
    isolates : bool
        Also keep the actors of the same datasets that have no tie (a person of the matrix who
        attended no recorded event), as isolated nodes.

    Returns
    -------
    networkx.Graph
        Nodes carry ``bipartite`` (0 actors, 1 events), ``label``, ``schema``, ``entity_id`` and
        the actors' ``group``, ``role``... properties; actors and events are inserted in the
        order their ties appear in the sources, isolated actors last. Edges carry ``count``
        (the number of ties between the two, normally 1).
    """
    if nodes not in ("label", "id"):
        raise InvalidValue(nodes, "'id' or 'label'", "Key nodes by label or by entity id.")
    parties = _parties()
    params: list[Any] = [*schemata, *parties, *event_schemata, *event_schemata, *parties]
    where = [
        f"r.schema IN ({', '.join('?' * len(schemata))})",
        f"((a.schema IN ({', '.join('?' * len(parties))}) AND "
        f"b.schema IN ({', '.join('?' * len(event_schemata))})) OR "
        f"(a.schema IN ({', '.join('?' * len(event_schemata))}) AND "
        f"b.schema IN ({', '.join('?' * len(parties))})))",
    ]
    for column, values in (("source_id", sources), ("dataset", datasets)):
        if values:
            where.append(f"r.{column} IN ({', '.join('?' * len(values))})")
            params += list(values)
    rows = ws.con.execute(
        f"""
        SELECT r.source, r.target, a.schema, b.schema, a.caption, b.caption, r.dataset,
               (SELECT min(s.value) FROM statements s WHERE s.entity_id = r.id
                AND s.prop = 'role') AS role
        FROM relationships r
        JOIN entities a ON a.id = r.source
        JOIN entities b ON b.id = r.target
        WHERE {" AND ".join(where)}
        ORDER BY r.source_id, r.row_number, r.id
        """,
        params,
    ).fetchall()
    if roles:
        rows = [r for r in rows if r[7] in set(roles)]
    party_set = set(parties)
    actors: dict[str, tuple[str, str | None]] = {}
    events: dict[str, tuple[str, str | None]] = {}
    ties: list[tuple[str, str]] = []
    used_datasets: list[str] = []
    for src, tgt, sschema, tschema, slabel, tlabel, dataset, _ in rows:
        if sschema in party_set:
            actor, event = (src, sschema, slabel), (tgt, tschema, tlabel)
        else:
            actor, event = (tgt, tschema, tlabel), (src, sschema, slabel)
        actors.setdefault(actor[0], (actor[1], actor[2]))
        events.setdefault(event[0], (event[1], event[2]))
        ties.append((actor[0], event[0]))
        if dataset not in used_datasets:
            used_datasets.append(dataset)
    if isolates and (datasets or used_datasets):
        scope = list(datasets or used_datasets)
        for entity, schema, caption in ws.con.execute(
            f"""SELECT id, schema, caption FROM entities
                WHERE schema IN ({", ".join("?" * len(parties))})
                AND dataset IN ({", ".join("?" * len(scope))}) ORDER BY source_id, id""",
            [*parties, *scope],
        ).fetchall():
            actors.setdefault(entity, (schema, caption))
    labels = {e: (c or e) for e, (_, c) in {**actors, **events}.items()}
    key = {e: e for e in labels}
    if nodes == "label":
        seen: dict[str, int] = {}
        for label in labels.values():
            seen[label] = seen.get(label, 0) + 1
        key = {e: (lab if seen[lab] == 1 else e) for e, lab in labels.items()}
    B = nx.Graph()
    for side, group in ((0, actors), (1, events)):
        for entity, (schema, _) in group.items():
            B.add_node(
                key[entity], bipartite=side, label=labels[entity], schema=schema, entity_id=entity
            )
    for actor_id, event_id in ties:
        u, v = key[actor_id], key[event_id]
        if B.has_edge(u, v):
            B[u][v]["count"] += 1
        else:
            B.add_edge(u, v, count=1)
    if actors:
        ids = list(actors)
        for entity, prop, value in ws.con.execute(
            f"""SELECT entity_id, prop, min(value) FROM statements
                WHERE entity_id IN ({", ".join("?" * len(ids))})
                AND prop IN ({", ".join("?" * len(_NODE_PROPS))})
                GROUP BY entity_id, prop ORDER BY entity_id, prop""",
            [*ids, *_NODE_PROPS],
        ).fetchall():
            B.nodes[key[entity]][prop] = value
    log.debug(
        "workspace_two_mode: %d actors, %d events, %d ties", len(actors), len(events), len(ties)
    )
    return B


def workspace_projection(
    ws: Workspace, *, weight: ProjectionWeight | None = "count", **kwargs: Any
) -> nx.Graph:
    """The one-mode network of the workspace's actors, tied by the events they share.

    :func:`workspace_two_mode` (``kwargs`` are its parameters) projected onto its actors with
    :func:`project_two_mode`; nodes keep their ``label``, ``group``, ``role``... attributes.
    """
    B = workspace_two_mode(ws, **kwargs)
    actors = [n for n, side in B.nodes(data="bipartite") if side == 0]
    if not actors:
        return nx.Graph()
    if len(actors) == len(B):  # no event: every actor is isolated
        G = nx.Graph()
        G.add_nodes_from(B.nodes(data=True))
        return G
    return project_two_mode(B, actors, weight=weight)


def _natural(value: str) -> list[Any]:
    """Sort key putting phase2 before phase10 (numbers compared as numbers)."""
    return [(0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", value) if t]


def _values(
    ws: Workspace,
    prop: str,
    schemata: Sequence[str],
    datasets: Sequence[str] | None,
    sources: Sequence[int] | None,
) -> list[str]:
    """Distinct values of ``prop`` on the ties, in the order they first appear."""
    params: list[Any] = [prop, *schemata]
    where = [f"r.schema IN ({', '.join('?' * len(schemata))})"]
    for column, values in (("source_id", sources), ("dataset", datasets)):
        if values:
            where.append(f"r.{column} IN ({', '.join('?' * len(values))})")
            params += list(values)
    rows = ws.con.execute(
        f"""
        SELECT s.value, min(r.source_id) AS src, min(r.row_number) AS rn
        FROM relationships r JOIN statements s ON s.entity_id = r.id AND s.prop = ?
        WHERE {" AND ".join(where)}
        GROUP BY s.value ORDER BY src, rn, s.value
        """,
        params,
    ).fetchall()
    return [r[0] for r in rows]


def layer_graphs(
    ws: Workspace,
    layers: Sequence[str] | None = None,
    *,
    schemata: Sequence[str] = TIE_SCHEMATA,
    datasets: Sequence[str] | None = None,
    sources: Sequence[int] | None = None,
    nodes: Literal["label", "id"] = "label",
    **kwargs: Any,
) -> dict[str, nx.Graph]:
    """The layers of a multiplex network kept apart: layer name → graph.

    A layer is the ``layer`` property of the ties (``meetings``, ``phone calls``: the
    ``montagna-edgelist`` format sets it from the file name). Each graph is
    :func:`cybertnoc.network.load.workspace_network` restricted to one layer (``kwargs`` are
    passed on: ``directed``, ``weight``, ``periods``...). Nodes keyed by label are the same
    people across layers when the files were imported under one dataset.

    Parameters
    ----------
    ws : Workspace
        The workspace.
    layers : sequence of str, optional
        The layers, in this order; by default every layer of the selected ties, in the order
        they first appear in the sources.
    schemata, datasets, sources, nodes
        As in :func:`~cybertnoc.network.load.workspace_network`.

    Returns
    -------
    dict of str to networkx.Graph
    """
    names = (
        list(layers) if layers is not None else _values(ws, "layer", schemata, datasets, sources)
    )
    return {
        name: workspace_network(
            ws,
            schemata=schemata,
            layers=[name],
            datasets=datasets,
            sources=sources,
            nodes=nodes,
            **kwargs,
        )
        for name in names
    }


def merge_layers(graphs: Mapping[str, nx.Graph], *, weight: str = "weight") -> nx.Graph:
    """One graph of several layers, each tie with its weight in every layer.

    Nodes are the union of the layers' nodes (first layer first, then the new nodes of each
    next layer, with the attributes first seen). An edge exists where the tie exists in at
    least one layer; it carries ``weight:<layer>`` for every layer (the layer's ``weight``
    attribute, 1 when the edge has none, 0.0 where the tie is absent), ``weight`` (the sum over
    layers) and ``layers`` (the number of layers that have the tie: the multiplexity of the
    tie, Ficara et al. 2021).

    Parameters
    ----------
    graphs : mapping of str to networkx.Graph
        Layer name → graph, all directed or all undirected.
    weight : str
        The edge attribute to read from each layer.

    Returns
    -------
    networkx.Graph or networkx.DiGraph

    References
    ----------
    Ficara, A., Fiumara, G., De Meo, P. & Catanese, S. (2021). Multilayer network analysis: the
    identification of key actors in a Sicilian Mafia operation. FABULOUS 2021
    (arXiv:2105.09397).

    Examples
    --------
    >>> meetings = nx.Graph([(1, 2, {"weight": 3}), (2, 3, {"weight": 1})])
    >>> calls = nx.Graph([(1, 2, {"weight": 5}), (3, 4, {"weight": 2})])
    >>> G = merge_layers({"meetings": meetings, "calls": calls})
    >>> G[1][2]
    {'weight:meetings': 3.0, 'weight:calls': 5.0, 'weight': 8.0, 'layers': 2}
    >>> G[3][4]["weight:meetings"], G[3][4]["layers"], list(G)
    (0.0, 1, [1, 2, 3, 4])
    """
    if not graphs:
        return nx.Graph()
    kinds = {g.is_directed() for g in graphs.values()}
    if len(kinds) > 1:
        raise InvalidValue(
            "mixed", "layers all directed or all undirected", "Convert them with to_undirected()."
        )
    G: nx.Graph = nx.DiGraph() if kinds.pop() else nx.Graph()
    names = list(graphs)
    zero = {f"weight:{name}": 0.0 for name in names}
    for name, layer in graphs.items():
        for n, data in layer.nodes(data=True):
            if n not in G:
                G.add_node(n, **data)
        for u, v, w in layer.edges(data=weight, default=1):
            if not G.has_edge(u, v):
                G.add_edge(u, v, **zero, weight=0.0, layers=0)
            edge = G[u][v]
            edge[f"weight:{name}"] += float(w)
            edge["weight"] += float(w)
            edge["layers"] += 1
    return G


def layer_overlap(graphs: Mapping[str, nx.Graph]) -> pd.DataFrame:
    """How much each pair of layers overlaps, in actors and in ties.

    Columns: ``layer_a``, ``layer_b``, ``nodes_a``, ``nodes_b``, ``shared_nodes``, ``edges_a``,
    ``edges_b``, ``shared_edges`` and ``edge_jaccard`` (shared edges over the edges in either
    layer). Directed layers compare arcs.

    Examples
    --------
    >>> row = layer_overlap({"m": nx.Graph([(1, 2), (2, 3)]), "c": nx.Graph([(2, 1), (3, 4)])})
    >>> row[["shared_nodes", "shared_edges", "edge_jaccard"]].round(4).to_dict("records")
    [{'shared_nodes': 3, 'shared_edges': 1, 'edge_jaccard': 0.3333}]
    """
    names = list(graphs)
    rows = []

    def edge_set(g: nx.Graph) -> set[Any]:
        if g.is_directed():
            return set(g.edges())
        return {frozenset(e) for e in g.edges()}

    for a_pos, a in enumerate(names):
        for b in names[a_pos + 1 :]:
            ga, gb = graphs[a], graphs[b]
            ea, eb = edge_set(ga), edge_set(gb)
            union = len(ea | eb)
            rows.append(
                {
                    "layer_a": a,
                    "layer_b": b,
                    "nodes_a": ga.number_of_nodes(),
                    "nodes_b": gb.number_of_nodes(),
                    "shared_nodes": len(set(ga) & set(gb)),
                    "edges_a": len(ea),
                    "edges_b": len(eb),
                    "shared_edges": len(ea & eb),
                    "edge_jaccard": len(ea & eb) / union if union else float("nan"),
                }
            )
    columns = ["layer_a", "layer_b", "nodes_a", "nodes_b", "shared_nodes", "edges_a", "edges_b"]
    return pd.DataFrame(rows, columns=[*columns, "shared_edges", "edge_jaccard"])


def time_slices(
    ws: Workspace,
    periods: Sequence[str] | None = None,
    *,
    schemata: Sequence[str] = TIE_SCHEMATA,
    datasets: Sequence[str] | None = None,
    sources: Sequence[int] | None = None,
    nodes: Literal["label", "id"] = "label",
    cumulative: bool = False,
    all_nodes: bool = False,
    **kwargs: Any,
) -> dict[str, nx.Graph]:
    """One network per period (an investigation's phases, years): period → graph.

    A period is the ``period`` property of the ties (``ucinet-matrix`` on a directory of phase
    matrices sets it from the file name: ``phase1`` ... ``phase11``). Each graph is
    :func:`cybertnoc.network.load.workspace_network` restricted to that period (``kwargs`` are
    passed on: ``directed``, ``weight``, ``layers``...).

    Parameters
    ----------
    ws : Workspace
        The workspace.
    periods : sequence of str, optional
        The periods, in this order; by default every period of the selected ties in natural
        order (``phase2`` before ``phase10``; ISO dates in date order).
    schemata, datasets, sources, nodes
        As in :func:`~cybertnoc.network.load.workspace_network`.
    cumulative : bool
        Each slice holds the ties of its period and of every earlier one (weights summed), the
        network as known to investigators at the end of the period.
    all_nodes : bool
        Every slice holds every actor seen in any of the periods (isolated where absent), so
        that measures are comparable across slices.

    Returns
    -------
    dict of str to networkx.Graph
    """
    names = (
        list(periods)
        if periods is not None
        else sorted(_values(ws, "period", schemata, datasets, sources), key=_natural)
    )
    slices = {
        name: workspace_network(
            ws,
            schemata=schemata,
            periods=names[: i + 1] if cumulative else [name],
            datasets=datasets,
            sources=sources,
            nodes=nodes,
            **kwargs,
        )
        for i, name in enumerate(names)
    }
    if all_nodes and slices:
        union: dict[Hashable, dict[str, Any]] = {}
        for g in slices.values():
            for n, data in g.nodes(data=True):
                union.setdefault(n, data)
        for g in slices.values():
            g.add_nodes_from((n, dict(d)) for n, d in union.items() if n not in g)
    return slices
