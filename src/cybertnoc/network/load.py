"""Networks to analyse: from a workspace, or straight from a file in a built-in format.

:func:`workspace_network` projects the workspace's relationships onto a networkx graph, selected
by relationship schema, layer, period, source, dataset and time window. :func:`network_from_file`
reads a file through a built-in format (``edgelist``, ``ucinet-matrix``, ``montagna-edgelist``,
``graphml``...) into a throw-away workspace, with the same parser, cleaning and duplicate rule as
``cybertnoc import``, and projects it the same way.

Both keep the order in which ties appear in the sources (node insertion order follows it), which
some published procedures depend on for tie-breaking (Cavallaro et al. 2020, see
``docs/network.md``), and both label nodes with their name as written in the file (``label``
attribute; with ``nodes="label"`` the labels are the node keys).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import networkx as nx

from cybertnoc.errors import InvalidValue
from cybertnoc.model import get_model
from cybertnoc.store._duck import first_row
from cybertnoc.store.workspace import Workspace

__all__ = ["TIE_SCHEMATA", "network_from_file", "workspace_network"]

log = logging.getLogger(__name__)

#: Relationship schemata that are ties between actors (people, organisations, phone lines).
TIE_SCHEMATA = (
    "Tie",
    "DirectedTie",
    "Call",
    "Associate",
    "Family",
    "UnknownLink",
    "Message",
    "Succession",
)

_Nodes = Literal["label", "id"]


def _parties() -> list[str]:
    return sorted(s.name for s in get_model().schemata.values() if s.is_a("LegalEntity"))


def workspace_network(
    ws: Workspace,
    *,
    schemata: Sequence[str] = TIE_SCHEMATA,
    layers: Sequence[str] | None = None,
    periods: Sequence[str] | None = None,
    sources: Sequence[int] | None = None,
    datasets: Sequence[str] | None = None,
    directed: bool | None = None,
    weight: Literal["weight", "count"] = "weight",
    nodes: _Nodes = "id",
    parties_only: bool = True,
) -> nx.Graph:
    """The network of ties in ``ws``.

    Parameters
    ----------
    ws : Workspace
        The workspace.
    schemata : sequence of str
        Relationship schemata to use (see :data:`TIE_SCHEMATA`).
    layers, periods : sequence of str, optional
        Keep only ties whose ``layer`` (calls, meetings...) or ``period`` (a phase) is one of
        these; ties without the property are dropped when a filter is given.
    sources, datasets : sequence, optional
        Keep only ties from these source ids or datasets.
    directed : bool, optional
        A DiGraph or a Graph. By default directed when every selected tie is directed.
    weight : {"weight", "count"}
        Edge weight: the sum of the ties' ``weight`` property (ties without one count 1), or
        the number of ties.
    nodes : {"id", "label"}
        Key nodes by entity id, or by their label (the ``name`` of the entity as written in the
        source; ids are used where two entities share a label).
    parties_only : bool
        Keep only ties whose both ends are parties (people, organisations, phone lines), which
        leaves out, for instance, a host reporting to a C2 server.

    Returns
    -------
    networkx.Graph or networkx.DiGraph
        Edges carry ``weight`` and ``count`` (ties merged into the edge); nodes carry ``label``
        and ``schema``. Nodes and edges are inserted in the order the ties appear in the sources.
        Self-loops are dropped (``G.graph["self_loops_dropped"]``).
    """
    params: list[Any] = list(schemata)
    where = [f"r.schema IN ({', '.join('?' * len(schemata))})"]
    if parties_only:
        parties = _parties()
        where.append(
            f"a.schema IN ({', '.join('?' * len(parties))}) AND "
            f"b.schema IN ({', '.join('?' * len(parties))})"
        )
        params += parties + parties
    for column, values in (("source_id", sources), ("dataset", datasets)):
        if values:
            where.append(f"r.{column} IN ({', '.join('?' * len(values))})")
            params += list(values)
    props = """
        (SELECT max(TRY_CAST(s.value AS DOUBLE)) FROM statements s
         WHERE s.entity_id = r.id AND s.prop = 'weight') AS weight,
        (SELECT min(s.value) FROM statements s WHERE s.entity_id = r.id AND s.prop = 'layer')
            AS layer,
        (SELECT min(s.value) FROM statements s WHERE s.entity_id = r.id AND s.prop = 'period')
            AS period
    """
    rows = ws.con.execute(
        f"""
        SELECT r.source, r.target, r.directed, {props},
               a.caption AS source_label, b.caption AS target_label, a.schema, b.schema
        FROM relationships r
        JOIN entities a ON a.id = r.source
        JOIN entities b ON b.id = r.target
        WHERE {" AND ".join(where)}
        ORDER BY r.source_id, r.row_number, r.id
        """,
        params,
    ).fetchall()
    if layers:
        rows = [r for r in rows if r[4] in set(layers)]
    if periods:
        rows = [r for r in rows if r[5] in set(periods)]
    if directed is None:
        directed = bool(rows) and all(r[2] for r in rows)
    G: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    labels: dict[str, str] = {}
    schemas: dict[str, str] = {}
    for src, tgt, _, _, _, _, slabel, tlabel, sschema, tschema in rows:
        labels.setdefault(src, slabel or src)
        labels.setdefault(tgt, tlabel or tgt)
        schemas.setdefault(src, sschema)
        schemas.setdefault(tgt, tschema)
    key = {i: i for i in labels}
    if nodes == "label":
        seen: dict[str, int] = {}
        for label in labels.values():
            seen[label] = seen.get(label, 0) + 1
        key = {i: (lab if seen[lab] == 1 else i) for i, lab in labels.items()}
    elif nodes != "id":
        raise InvalidValue(nodes, "'id' or 'label'")
    loops = 0
    for src, tgt, _, w, _, _, _, _, _, _ in rows:
        u, v = key[src], key[tgt]
        for n, entity in ((u, src), (v, tgt)):
            if n not in G:
                G.add_node(n, label=labels[entity], schema=schemas[entity], entity_id=entity)
        if u == v:
            loops += 1
            continue
        add = 1.0 if weight == "count" or w is None else float(w)
        if G.has_edge(u, v):
            G[u][v]["weight"] += add
            G[u][v]["count"] += 1
        else:
            G.add_edge(u, v, weight=add, count=1)
    G.graph["self_loops_dropped"] = loops
    if loops:
        log.info("dropped %d self-loop(s)", loops)
    return G


def _has_events(ws: Workspace) -> bool:
    """Whether the workspace holds events (the second mode of a two-mode network)."""
    row = first_row(ws.con.execute("SELECT count(*) FROM entities WHERE schema = 'Event'"))
    return bool(row and row[0])


def network_from_file(
    path: str | Path,
    format: str = "edgelist",
    *,
    options: dict[str, str] | None = None,
    directed: bool | None = None,
    weight: Literal["weight", "count"] = "weight",
) -> nx.Graph:
    """A network read from ``path`` through a built-in format, nodes keyed by their label.

    The file is imported into a temporary workspace with the format's own parser (so dirty lines
    are flagged, not fatal, and duplicates follow the format's ``duplicates`` rule) and
    projected with :func:`workspace_network`. Node attributes the format imports (``group``,
    ``role``...) are set on the nodes. A two-mode file (``two-mode-matrix``: persons x events)
    gives the one-mode network of its persons, tied by the events they share
    (:func:`~cybertnoc.network.twomode.workspace_projection`, weight the number shared).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "ties.csv"
    >>> _ = f.write_text("source,target,weight\\na,b,2\\nb,c,1\\n")
    >>> G = network_from_file(f, "edgelist")
    >>> sorted(G.edges(data="weight"))
    [('a', 'b', 2.0), ('b', 'c', 1.0)]
    """
    from cybertnoc.ethics import Pseudonymiser, load_key
    from cybertnoc.ingest.formats import import_format

    with (
        tempfile.TemporaryDirectory(prefix="cybertnoc-net-") as tmp,
        Workspace.create(Path(tmp) / "ws") as ws,
    ):
        key = load_key()
        import_format(
            ws,
            path,
            format,
            options=options,
            pseudonymiser=Pseudonymiser(key) if key else Pseudonymiser(b"throwaway-" + b"0" * 22),
        )
        G = workspace_network(ws, directed=directed, weight=weight, nodes="label")
        if G.number_of_edges() == 0 and _has_events(ws):
            # A two-mode file (persons x meetings): the one-mode network of shared events.
            from cybertnoc.network.twomode import workspace_projection

            return workspace_projection(ws)
        # Nodes without ties (an actor of a matrix row and column of zeros) are kept.
        for entity, name in ws.con.execute(
            "SELECT id, caption FROM entities WHERE schema = 'Actor' ORDER BY source_id, id"
        ).fetchall():
            label = name or entity
            if label not in G and not any(
                d.get("entity_id") == entity for _, d in G.nodes(data=True)
            ):
                G.add_node(label, label=label, schema="Actor", entity_id=entity)
        attrs = ws.con.execute(
            """
            SELECT entity_id, prop, min(value) FROM statements
            WHERE schema = 'Actor' AND prop IN ('group', 'role', 'age', 'rank', 'arrests',
                                                'convictions', 'prison', 'residence')
            GROUP BY entity_id, prop
            """
        ).fetchall()
    by_entity: dict[str, dict[str, str]] = {}
    for entity, prop, value in attrs:
        by_entity.setdefault(entity, {})[prop] = value
    for _, data in G.nodes(data=True):
        data.update(by_entity.get(data.get("entity_id"), {}))
    return G
