"""Networks out to the tools analysts already use, and a self-contained interactive view.

A networkx graph, with node attributes (label, group or community, role, measures from
:func:`~cybertnoc.network.centrality_table`) and edge attributes (weight, layer, period), is
written as:

- **GEXF** (Gephi) and **GraphML** (yEd, igraph, Cytoscape) with networkx's writers, one declared
  type per attribute (:func:`write_gexf`, :func:`write_graphml`);
- **Neo4j**: a Cypher script (:func:`write_cypher`) and the bulk CSV layout of
  ``neo4j-admin database import`` (:func:`write_neo4j_csv`);
- **FollowTheMoney** JSON lines, ``Actor``/``Tie`` entities of the cybertnoc model or plain FtM
  ``Person``/``UnknownLink`` (:func:`write_ftm`), for Aleph and ``cybertnoc import --ftm``;
- an entities CSV and a links CSV for **i2 Analyst's Notebook** and **Maltego**
  (:func:`write_analyst_csv`);
- one **HTML page** that draws the network, with pan and zoom, tooltips and a legend, coloured by
  community or any attribute and sized by a measure, that makes no network request
  (:func:`network_html`).

Every writer keeps the graph's node and edge order, so the same graph gives the same bytes.
:func:`annotate` puts a centrality table and a partition on the nodes first. See
``docs/network-exports.md``.
"""

from __future__ import annotations

import base64
import csv
import datetime as _dt
import hashlib
import html
import json
import logging
import math
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import networkx as nx
import numpy as np
import pandas as pd

from cybertnoc.errors import InvalidValue
from cybertnoc.network.communities import Communities, louvain

__all__ = [
    "ANALYST_ENTITY_COLUMNS",
    "ANALYST_LINK_COLUMNS",
    "PALETTE",
    "annotate",
    "cypher_literal",
    "cypher_name",
    "network_html",
    "render_network_html",
    "write_analyst_csv",
    "write_cypher",
    "write_ftm",
    "write_gexf",
    "write_graphml",
    "write_neo4j_csv",
]

logger = logging.getLogger(__name__)

#: The fixed first columns of the entities CSV of :func:`write_analyst_csv`; node attributes
#: follow, one column each.
ANALYST_ENTITY_COLUMNS = ("Entity ID", "Entity Type", "Label")
#: The fixed first columns of the links CSV of :func:`write_analyst_csv`; edge attributes follow.
ANALYST_LINK_COLUMNS = (
    "Link ID",
    "From ID",
    "From Label",
    "To ID",
    "To Label",
    "Link Type",
    "Direction",
)

_Kind = Literal["boolean", "long", "double", "string"]
_INT64 = 2**63

# ----------------------------------------------------------------------------- typed attributes


def _scalar(value: Any) -> bool | int | float | str | None:
    """A plain Python value for an attribute, or None when the value is missing.

    numpy scalars become Python ones; NaN, None and pandas' missing markers are missing;
    dates are written in ISO 8601; lists, sets and mappings become JSON text.
    """
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, _dt.date | _dt.datetime | _dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return json.dumps(
            {str(k): _jsonable(v) for k, v in value.items()}, ensure_ascii=False, sort_keys=True
        )
    if isinstance(value, list | tuple | set | frozenset):
        items = [_jsonable(v) for v in value]
        if isinstance(value, set | frozenset):
            items = sorted(items, key=str)
        return json.dumps(items, ensure_ascii=False)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _jsonable(value: Any) -> Any:
    value = _scalar(value) if not isinstance(value, list | tuple | Mapping) else value
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def _kind(values: Iterable[bool | int | float | str]) -> _Kind:
    """One type for all the values of an attribute: the narrowest that holds them all."""
    seen = {type(v) for v in values}
    if not seen or str in seen:
        return "string"
    if seen == {bool}:
        return "boolean"
    if bool in seen:
        return "string"
    if seen == {int}:
        return "long"
    return "double"


def _text(value: bool | int | float | str) -> str:
    """A value as text: ``true``/``false``, integers, the shortest exact float, strings as is.

    >>> _text(True), _text(3), _text(0.1), _text(81.0), _text("x")
    ('true', '3', '0.1', '81.0', 'x')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _cast(value: bool | int | float | str, kind: _Kind) -> bool | int | float | str:
    if kind == "string":
        return value if isinstance(value, str) else _text(value)
    if kind == "double":
        return float(value)
    return value


@dataclass
class _Table:
    """A graph as rows: node ids as text, attributes with one type each, in graph order."""

    directed: bool
    multigraph: bool
    nodes: list[tuple[Hashable, str, dict[str, Any]]] = field(default_factory=list)
    node_kinds: dict[str, _Kind] = field(default_factory=dict)
    edges: list[tuple[str, str, str, dict[str, Any]]] = field(default_factory=list)
    edge_kinds: dict[str, _Kind] = field(default_factory=dict)
    graph: dict[str, Any] = field(default_factory=dict)


def _typed(rows: list[dict[str, Any]], what: str) -> tuple[list[dict[str, Any]], dict[str, _Kind]]:
    names: dict[str, list[Any]] = {}
    for row in rows:
        for name, value in row.items():
            names.setdefault(name, []).append(value)
    kinds: dict[str, _Kind] = {}
    for name, values in names.items():
        kind = _kind(values)
        if kind == "long" and any(not -_INT64 <= v < _INT64 for v in values):
            kind = "string"  # beyond a 64-bit integer: no tool reads it as a number
        if kind == "string" and {type(v) for v in values} != {str}:
            logger.info("%s attribute %r mixes text and other values: written as text", what, name)
        kinds[name] = kind
    return [{k: _cast(v, kinds[k]) for k, v in row.items()} for row in rows], kinds


def _attributes(data: Mapping[Any, Any], what: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in data.items():
        value = _scalar(value)
        if value is None:
            continue
        name = str(name)
        if name == "id":
            logger.info("%s attribute 'id' is written as 'id_' (the id is the node key)", what)
            name = "id_"
        out[name] = value
    return out


def _node_ids(G: nx.Graph) -> dict[Hashable, str]:
    """Node key → id as text; refuses two keys with the same text (``1`` and ``"1"``)."""
    ids = {node: str(node) for node in G}
    if len(set(ids.values())) < len(ids):
        twice = sorted(i for i, n in Counter(ids.values()).items() if n > 1)
        raise InvalidValue(
            twice[0],
            "a node key whose text differs from every other node's",
            f"Nodes {twice[:5]} have keys that read the same as text; relabel them first "
            "(networkx.relabel_nodes)",
        )
    return ids


def _edges(G: nx.Graph) -> Iterator[tuple[Hashable, Hashable, Any, Mapping[str, Any]]]:
    if G.is_multigraph():
        yield from G.edges(keys=True, data=True)
    else:
        for u, v, data in G.edges(data=True):
            yield u, v, None, data


def _table(G: nx.Graph, *, skip: Sequence[str] = ()) -> _Table:
    if not isinstance(G, nx.Graph):
        raise InvalidValue(type(G).__name__, "a networkx graph", "Build one with graph_from_edges")
    ids = _node_ids(G)
    table = _Table(directed=G.is_directed(), multigraph=G.is_multigraph())
    node_rows = [
        {k: v for k, v in _attributes(data, "node").items() if k not in skip}
        for _, data in G.nodes(data=True)
    ]
    node_rows, table.node_kinds = _typed(node_rows, "node")
    table.nodes = [(n, ids[n], row) for n, row in zip(G, node_rows, strict=True)]
    edge_rows = []
    keys = []
    for u, v, key, data in _edges(G):
        edge_rows.append(_attributes(data, "edge"))
        keys.append((ids[u], ids[v], "" if key is None else str(key)))
    edge_rows, table.edge_kinds = _typed(edge_rows, "edge")
    table.edges = [(u, v, k, row) for (u, v, k), row in zip(keys, edge_rows, strict=True)]
    graph_rows, _ = _typed([_attributes(G.graph, "graph")], "graph")
    table.graph = graph_rows[0]
    return table


def annotate(
    G: nx.Graph,
    *,
    measures: pd.DataFrame | None = None,
    communities: Communities | Mapping[Hashable, Any] | None = None,
    name: str = "community",
) -> nx.Graph:
    """A copy of ``G`` with measures and a partition as node attributes, ready to export.

    Parameters
    ----------
    G : networkx.Graph
        The network.
    measures : pandas.DataFrame, optional
        One row per node, such as :func:`~cybertnoc.network.centrality_table`'s: the node in a
        ``node`` column (or the index); every other column becomes a node attribute. Missing
        values (NaN) are not set.
    communities : Communities or mapping, optional
        A partition (:func:`~cybertnoc.network.louvain`) or any mapping node → value, set as
        attribute ``name``.
    name : str
        Attribute name for ``communities``.

    Returns
    -------
    networkx.Graph
        A copy of ``G`` (same class, node and edge order) with the attributes added.

    Raises
    ------
    InvalidValue
        ``measures`` or ``communities`` names a node that is not in ``G``.

    Examples
    --------
    >>> from cybertnoc.network import centrality_table, louvain
    >>> G = nx.Graph([("a", "b"), ("b", "c")])
    >>> H = annotate(G, measures=centrality_table(G), communities={"a": 0, "b": 0, "c": 1})
    >>> H.nodes["b"]["betweenness"], H.nodes["c"]["community"]
    (1.0, 1)
    """
    H = G.copy()
    if measures is not None:
        frame = measures.set_index("node") if "node" in measures.columns else measures
        missing = [n for n in frame.index if n not in H]
        if missing:
            raise InvalidValue(
                missing[0], "a node of the graph", "The measures table is for another graph"
            )
        for column in frame.columns:
            for node, value in frame[column].items():
                value = _scalar(value)
                if value is not None:
                    H.nodes[node][str(column)] = value
    if communities is not None:
        membership = communities.membership if isinstance(communities, Communities) else communities
        for node, value in membership.items():
            if node not in H:
                raise InvalidValue(
                    node, "a node of the graph", "The partition is for another graph"
                )
            H.nodes[node][name] = value
    return H


# ----------------------------------------------------------------------------- GEXF and GraphML

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_text(value: Any) -> Any:
    """Strings without the characters XML 1.0 cannot hold (replaced by U+FFFD)."""
    return _XML_ILLEGAL.sub("\ufffd", value) if isinstance(value, str) else value


def _xml_graph(table: _Table, G: nx.Graph) -> nx.Graph:
    H = G.__class__()
    H.graph.update({k: _xml_text(v) for k, v in table.graph.items()})
    ids: dict[str, str] = {}
    for _, node_id, data in table.nodes:
        clean = _xml_text(node_id)
        if clean in ids.values():
            raise InvalidValue(node_id, "a node key XML can hold", "Relabel the node")
        ids[node_id] = clean
        H.add_node(clean, **{k: _xml_text(v) for k, v in data.items()})
    for u, v, key, data in table.edges:
        attrs = {k: _xml_text(v) for k, v in data.items()}
        if table.multigraph:
            H.add_edge(ids[u], ids[v], key=_xml_text(key), **attrs)
        else:
            H.add_edge(ids[u], ids[v], **attrs)
    return H


def write_gexf(
    G: nx.Graph,
    path: str | Path,
    *,
    viz: bool = False,
    color_by: str | None = "community",
    size_by: str | None = "degree",
    seed: int = 0,
    positions: Mapping[Hashable, Sequence[float]] | None = None,
    version: str = "1.2draft",
) -> Path:
    """Write ``G`` as a GEXF file for Gephi, with typed node and edge attributes.

    Written with :func:`networkx.write_gexf`. Each attribute gets one GEXF type for all nodes
    (or edges): ``boolean``, ``long`` (integers), ``double`` (numbers; never 32-bit ``float``)
    or ``string`` (when values mix text and numbers, or are lists, written as JSON). Missing
    values (None, NaN) are left out. Node ``label`` and edge ``weight`` go to GEXF's own
    ``label`` and ``weight``. Characters that XML cannot hold are replaced by U+FFFD.

    Parameters
    ----------
    G : networkx.Graph
        Graph, DiGraph or a multigraph.
    path : str or Path
        The ``.gexf`` file to write.
    viz : bool
        Also write Gephi's ``viz`` colour, size and position of each node, the same as
        :func:`network_html` draws (so the file opens laid out and coloured).
    color_by, size_by, seed, positions
        As in :func:`network_html`; used with ``viz`` only.
    version : str
        GEXF version, ``"1.2draft"`` or ``"1.1draft"``.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> G = nx.Graph([("a", "b", {"weight": 2.0})])
    >>> G.nodes["a"]["betweenness"] = 0.5
    >>> f = write_gexf(G, pathlib.Path(tempfile.mkdtemp()) / "net.gexf")
    >>> H = nx.read_gexf(f)
    >>> H.nodes["a"]["betweenness"], H.edges["a", "b"]["weight"]
    (0.5, 2.0)
    """
    path = Path(path)
    table = _table(G, skip=("viz",))
    H = _xml_graph(table, G)
    if viz:
        view = _view(G, color_by=color_by, size_by=size_by, seed=seed, positions=positions)
        for (_, node_id, _), point in zip(table.nodes, view.points, strict=True):
            r, g, b = (int(point.color[i : i + 2], 16) for i in (1, 3, 5))
            H.nodes[_xml_text(node_id)]["viz"] = {
                "color": {"r": r, "g": g, "b": b, "a": 1.0},
                "size": point.radius,
                "position": {"x": point.x, "y": -point.y, "z": 0.0},
            }
    text = "\n".join(nx.generate_gexf(H, version=version)) + "\n"
    # networkx stamps today's date; without it the same graph gives the same file.
    text = re.sub(r'<meta lastmodifieddate="[^"]*"', "<meta", text, count=1)
    path.write_text("<?xml version='1.0' encoding='utf-8'?>\n" + text, encoding="utf-8")
    logger.info("wrote GEXF %s: %d nodes, %d edges", path, len(table.nodes), len(table.edges))
    return path


def write_graphml(G: nx.Graph, path: str | Path) -> Path:
    """Write ``G`` as GraphML (yEd, igraph, Cytoscape, Gephi), with typed attributes.

    Written with :func:`networkx.write_graphml`; each attribute gets one GraphML type
    (``boolean``, ``long``, ``double`` or ``string``) as in :func:`write_gexf`. Missing values
    are left out.

    Parameters
    ----------
    G : networkx.Graph
        Graph, DiGraph or a multigraph.
    path : str or Path
        The ``.graphml`` file to write.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> G = nx.DiGraph([("a", "b", {"weight": 3, "layer": "calls"})])
    >>> H = nx.read_graphml(write_graphml(G, pathlib.Path(tempfile.mkdtemp()) / "net.graphml"))
    >>> H.is_directed(), H.edges["a", "b"]
    (True, {'weight': 3, 'layer': 'calls'})
    """
    path = Path(path)
    table = _table(G)
    nx.write_graphml(_xml_graph(table, G), path)
    logger.info("wrote GraphML %s: %d nodes, %d edges", path, len(table.nodes), len(table.edges))
    return path


# ----------------------------------------------------------------------------- Neo4j

_CYPHER_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_CYPHER_SPECIAL = re.compile("[\\\\'\x00-\x1f\x7f\u2028\u2029]")


def cypher_literal(value: Any) -> str | None:
    """A value as a Cypher literal, or None when Cypher has no literal for it.

    Strings are single-quoted with ``\\``, ``'`` and every control character escaped (``\\n``,
    ``\\uXXXX``), so no value can end the string or the statement; integers, finite floats,
    booleans and lists of them are written as such. NaN, infinities and integers beyond 64
    bits have no Cypher literal (None).

    Examples
    --------
    >>> print(cypher_literal("O'Brien, \\"Big\\" Jim\\n\\\\ London"))
    'O\\'Brien, "Big" Jim\\n\\\\ London'
    >>> [cypher_literal(v) for v in (1e-20, True, [1, 2], math.inf)]
    ['1e-20', 'true', '[1, 2]', None]
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if -_INT64 <= value < _INT64 else None
    if isinstance(value, float):
        return repr(value).replace("e+", "e") if math.isfinite(value) else None
    if isinstance(value, list | tuple):
        items = [cypher_literal(v) for v in value]
        return None if None in items else "[" + ", ".join(str(i) for i in items) + "]"
    if isinstance(value, str):
        return "'" + _CYPHER_SPECIAL.sub(_cypher_escape, value) + "'"
    return None


def _cypher_escape(match: re.Match[str]) -> str:
    char = match.group(0)
    return _CYPHER_ESCAPES.get(char) or f"\\u{ord(char):04x}"


def cypher_name(name: str) -> str:
    """A label, relationship type or property key as a backtick-quoted Cypher name.

    Backticks are doubled. Empty names and names with control characters are refused.

    Examples
    --------
    >>> cypher_name("Actor"), cypher_name("co-offends with"), cypher_name("a`b")
    ('`Actor`', '`co-offends with`', '`a``b`')
    """
    if not name or re.search("[\x00-\x1f\x7f]", name):
        raise InvalidValue(name, "a Neo4j name", "Use a non-empty name without control characters")
    return "`" + name.replace("`", "``") + "`"


def _relationship_types(table: _Table, rel_type: str, type_by: str | None) -> list[str]:
    if type_by is None:
        return [rel_type] * len(table.edges)
    types = []
    for *_, data in table.edges:
        value = data.get(type_by)
        types.append(_text(value) if value is not None and _text(value) else rel_type)
    return types


def _properties(data: Mapping[str, Any], what: str) -> list[tuple[str, str]]:
    out = []
    for key, value in data.items():
        literal = cypher_literal(value)
        if literal is None:
            logger.info("%s property %r = %r has no Cypher literal: left out", what, key, value)
            continue
        out.append((cypher_name(key), literal))
    return out


def write_cypher(
    G: nx.Graph,
    path: str | Path,
    *,
    label: str = "Actor",
    rel_type: str = "TIE",
    type_by: str | None = None,
    merge: bool = True,
) -> Path:
    """Write ``G`` as a Cypher script that loads it into Neo4j (``cypher-shell -f``).

    The script creates a uniqueness constraint on ``label``'s ``id``, one node per graph node
    (property ``id`` = the node key as text, then the node's attributes) and one relationship
    per edge. With ``merge`` it uses ``MERGE`` so running it twice changes nothing; otherwise
    ``CREATE``. An undirected edge is stored once, from its first to its second end as the graph
    lists them: match it without an arrow, ``(a)-[:TIE]-(b)``. Values are Cypher literals
    (:func:`cypher_literal`): names are backtick-quoted and strings escaped, so a label holding
    quotes, backslashes or newlines stays one value. Values without a literal (NaN) are left out.

    Parameters
    ----------
    G : networkx.Graph
        Graph, DiGraph or a multigraph (multigraph edges get their key as property ``key``).
    path : str or Path
        The ``.cypher`` file to write (UTF-8).
    label : str
        Node label.
    rel_type : str
        Relationship type.
    type_by : str, optional
        Edge attribute whose value is the relationship type (``"layer"``: ``meetings``,
        ``calls``); edges without it get ``rel_type``.
    merge : bool
        ``MERGE`` (idempotent) or ``CREATE``.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> G = nx.Graph([("O'Neil", "b", {"weight": 2.0})])
    >>> f = write_cypher(G, pathlib.Path(tempfile.mkdtemp()) / "x.cypher", label="A", merge=False)
    >>> print(f.read_text(encoding="utf-8").split("\\n", 2)[2], end="")
    CREATE CONSTRAINT `A_id` IF NOT EXISTS FOR (n:`A`) REQUIRE n.`id` IS UNIQUE;
    CREATE (:`A` {`id`: 'O\\'Neil'});
    CREATE (:`A` {`id`: 'b'});
    MATCH (a:`A` {`id`: 'O\\'Neil'}), (b:`A` {`id`: 'b'}) CREATE (a)-[:`TIE` {`weight`: 2.0}]->(b);
    """
    path = Path(path)
    table = _table(G)
    node_label = cypher_name(label)
    cypher_name(rel_type)
    types = [cypher_name(t) for t in _relationship_types(table, rel_type, type_by)]
    kind = "directed" if table.directed else "undirected: match ties without an arrow"
    lines = [
        f"// cybertnoc network export: {len(table.nodes)} nodes, {len(table.edges)} "
        f"relationships ({kind})",
        "// Run with: cypher-shell -f this-file.cypher",
        f"CREATE CONSTRAINT {cypher_name(label + '_id')} IF NOT EXISTS "
        f"FOR (n:{node_label}) REQUIRE n.`id` IS UNIQUE;",
    ]
    for _, node_id, data in table.nodes:
        key = cypher_literal(node_id)
        props = _properties(data, "node")
        if merge:
            sets = ", ".join(f"n.{k} = {v}" for k, v in props)
            lines.append(
                f"MERGE (n:{node_label} {{`id`: {key}}})" + (f" SET {sets};" if sets else ";")
            )
        else:
            body = ", ".join([f"`id`: {key}", *(f"{k}: {v}" for k, v in props)])
            lines.append(f"CREATE (:{node_label} {{{body}}});")
    for (u, v, edge_key, data), rel in zip(table.edges, types, strict=True):
        ends = (
            f"MATCH (a:{node_label} {{`id`: {cypher_literal(u)}}}), "
            f"(b:{node_label} {{`id`: {cypher_literal(v)}}})"
        )
        props = _properties(data, "edge")
        if merge:
            ident = f" {{`key`: {cypher_literal(edge_key)}}}" if table.multigraph else ""
            sets = ", ".join(f"r.{k} = {val}" for k, val in props)
            lines.append(
                f"{ends} MERGE (a)-[r:{rel}{ident}]->(b)" + (f" SET {sets};" if sets else ";")
            )
        else:
            items = ([("`key`", cypher_literal(edge_key))] if table.multigraph else []) + props
            body = " {" + ", ".join(f"{k}: {val}" for k, val in items) + "}" if items else ""
            lines.append(f"{ends} CREATE (a)-[:{rel}{body}]->(b);")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    logger.info("wrote Cypher %s: %d nodes, %d edges", path, len(table.nodes), len(table.edges))
    return path


_NEO4J_TYPES: dict[_Kind, str] = {
    "boolean": ":boolean",
    "long": ":long",
    "double": ":double",
    "string": "",
}


def _neo4j_header(kinds: Mapping[str, _Kind], reserved: Sequence[str]) -> list[str]:
    header = []
    for name, kind in kinds.items():
        if ":" in name or name in reserved:
            raise InvalidValue(
                name,
                "a property name without ':' for neo4j-admin import",
                "Rename the attribute (neo4j-admin reads 'name:type' in headers)",
            )
        header.append(name + _NEO4J_TYPES[kind])
    return header


def _neo4j_value(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return _text(value)


def write_neo4j_csv(
    G: nx.Graph,
    directory: str | Path,
    *,
    label: str = "Actor",
    rel_type: str = "TIE",
    type_by: str | None = None,
) -> tuple[Path, Path]:
    """Write ``G`` as ``nodes.csv`` and ``relationships.csv`` for ``neo4j-admin`` bulk import.

    ``nodes.csv`` has the columns ``id:ID`` (the node key as text), ``:LABEL`` and one column
    per node attribute; ``relationships.csv`` has ``:START_ID``, ``:END_ID``, ``:TYPE`` and one
    column per edge attribute. Typed columns say their type in the header the way
    ``neo4j-admin`` reads it: ``weight:double``, ``count:long``, ``flag:boolean``; text columns
    have no suffix. Numbers are ``double`` (64-bit), not ``float`` (32-bit), so values read back
    exactly. Fields are quoted the CSV way (RFC 4180: a field with a comma, quote or newline is
    double-quoted, quotes doubled), which is ``neo4j-admin``'s default; labels with newlines
    need ``--multiline-fields=true``. An empty field is no property. Load with::

        neo4j-admin database import full --nodes=nodes.csv \\
            --relationships=relationships.csv --multiline-fields=true neo4j

    Parameters
    ----------
    G : networkx.Graph
        Graph, DiGraph or a multigraph.
    directory : str or Path
        Folder to write the two files in (created if needed).
    label : str
        Node label (``:LABEL``); no ``;``, which separates labels.
    rel_type : str
        Relationship type.
    type_by : str, optional
        Edge attribute whose value is the type, as in :func:`write_cypher`.

    Returns
    -------
    tuple of Path
        ``nodes.csv`` and ``relationships.csv``.

    Raises
    ------
    InvalidValue
        ``label`` holds ``;`` or an attribute name holds ``:``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> G = nx.Graph([("a", "b", {"weight": 2.0, "layer": "calls"})])
    >>> G.nodes["a"]["label"] = 'Jim "Big", Sr.'
    >>> nodes, ties = write_neo4j_csv(G, tempfile.mkdtemp())
    >>> print(nodes.read_text(encoding="utf-8"), end="")
    id:ID,:LABEL,label
    a,Actor,"Jim ""Big"", Sr."
    b,Actor,
    >>> print(ties.read_text(encoding="utf-8"), end="")
    :START_ID,:END_ID,:TYPE,weight:double,layer
    a,b,TIE,2.0,calls
    """
    if not label or ";" in label:
        raise InvalidValue(label, "a Neo4j label without ';'", "neo4j-admin splits labels at ';'")
    cypher_name(label)
    cypher_name(rel_type)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    table = _table(G)
    types = _relationship_types(table, rel_type, type_by)
    nodes_path = directory / "nodes.csv"
    with nodes_path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        names = list(table.node_kinds)
        writer.writerow(["id:ID", ":LABEL", *_neo4j_header(table.node_kinds, ())])
        for _, node_id, data in table.nodes:
            writer.writerow([node_id, label, *(_neo4j_value(data.get(n)) for n in names)])
    edge_kinds = dict(table.edge_kinds)
    if table.multigraph:
        edge_kinds = {"key": "string", **{k: v for k, v in edge_kinds.items() if k != "key"}}
    ties_path = directory / "relationships.csv"
    with ties_path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        names = list(edge_kinds)
        writer.writerow([":START_ID", ":END_ID", ":TYPE", *_neo4j_header(edge_kinds, ())])
        for (u, v, key, data), rel in zip(table.edges, types, strict=True):
            values = {**data, "key": key} if table.multigraph else data
            writer.writerow([u, v, rel, *(_neo4j_value(values.get(n)) for n in names)])
    logger.info(
        "wrote neo4j-admin CSV in %s: %d nodes, %d edges",
        directory,
        len(table.nodes),
        len(table.edges),
    )
    return nodes_path, ties_path


# ----------------------------------------------------------------------------- FollowTheMoney

#: Node attributes written to the FtM property of the same meaning (the others go to
#: ``attribute`` or ``notes`` as ``name=value``).
_FTM_NODE_PROPERTIES = {
    "group": "group",
    "role": "role",
    "age": "age",
    "rank": "rank",
    "arrests": "arrests",
    "convictions": "convictions",
    "prison": "prison",
    "residence": "residence",
}
_FTM_EDGE_PROPERTIES = {
    "weight": "weight",
    "layer": "layer",
    "period": "period",
    "role": "role",
    "date": "date",
    "start": "startDate",
    "end": "endDate",
}


def write_ftm(
    G: nx.Graph,
    path: str | Path,
    *,
    node_schema: str = "Actor",
    edge_schema: str | None = None,
    model: Any = None,
) -> Path:
    """Write ``G`` as FollowTheMoney entities, one JSON object a line.

    Each node becomes a ``node_schema`` entity (``Actor``, the cybertnoc extension of FtM's
    ``Person``, by default): ``name`` is the node's ``label`` (or its key); ``group``, ``role``,
    ``age``, ``rank``, ``arrests``, ``convictions``, ``prison`` and ``residence`` go to the
    properties of that name where the schema has them; every other attribute (community,
    measures) becomes a ``name=value`` value of ``attribute`` (Actor) or ``notes`` (plain FtM
    schemata). The entity id is the node's ``entity_id`` attribute (as
    :func:`~cybertnoc.network.load.network_from_file` and ``workspace_network`` set it, so the
    entity keeps its workspace identity) or a hash of the node key. Each edge becomes an
    ``edge_schema`` entity, ``Tie`` (``DirectedTie`` for a directed graph) by default, with
    ``subject`` and ``object``, ``weight``, ``layer`` and ``period``; other edge attributes are
    ``name=value`` values of ``description``. Values are cleaned by FtM's property types.

    For FtM's own model, as Aleph reads it, pass ``node_schema="Person"``,
    ``edge_schema="UnknownLink"`` and ``model=followthemoney.model``.

    Parameters
    ----------
    G : networkx.Graph
        Graph, DiGraph or a multigraph.
    path : str or Path
        The ``.ftm.json`` file to write (UTF-8, one entity per line, nodes first).
    node_schema : str
        A schema of the model that is a ``LegalEntity`` (Actor, Person, Organization).
    edge_schema : str, optional
        A schema with ``subject`` and ``object`` (Tie, DirectedTie, UnknownLink, Associate).
    model : followthemoney.model.Model, optional
        The model; by default the cybertnoc model (:func:`cybertnoc.model.get_model`).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    InvalidValue
        The schema is not in the model or cannot hold nodes (edges).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> G = nx.Graph([("a", "b", {"weight": 2.0})])
    >>> G.nodes["a"]["group"] = "locale 1"
    >>> f = write_ftm(G, pathlib.Path(tempfile.mkdtemp()) / "net.ftm.json")
    >>> lines = [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines()]
    >>> [(e["schema"], e["properties"]) for e in lines][::2]
    [('Actor', {'name': ['a'], 'group': ['locale 1']}), ('Tie', {'subject': [...], ...})]
    """
    from followthemoney.util import make_entity_id

    from cybertnoc.model import get_model

    model = model if model is not None else get_model()
    path = Path(path)
    table = _table(G)
    edge_schema = edge_schema or ("DirectedTie" if table.directed else "Tie")
    node_s = model.get(node_schema)
    edge_s = model.get(edge_schema)
    if node_s is None or not node_s.is_a("LegalEntity"):
        raise InvalidValue(
            node_schema, "a LegalEntity schema of the model", "Use Actor, Person or Organization"
        )
    if edge_s is None or not {"subject", "object"} <= set(edge_s.properties):
        raise InvalidValue(
            edge_schema,
            "a schema with subject and object",
            "Use Tie, DirectedTie, UnknownLink or Associate",
        )
    node_extra = next((p for p in ("attribute", "notes") if p in node_s.properties), None)
    edge_extra = next((p for p in ("description", "summary") if p in edge_s.properties), None)
    entity_ids: dict[str, str] = {}
    used: set[str] = set()
    lines = []
    for node, node_id, data in table.nodes:
        given = G.nodes[node].get("entity_id")
        entity_id = str(given) if given and str(given) not in used else None
        entity_id = entity_id or make_entity_id("cybertnoc-network-node", node_id)
        used.add(entity_id)
        entity_ids[node_id] = entity_id
        proxy = model.make_entity(node_s.name)
        proxy.id = entity_id
        proxy.add("name", _text(data.get("label", node_id)))
        for key, value in data.items():
            if key in ("label", "entity_id", "schema"):
                continue
            prop = _FTM_NODE_PROPERTIES.get(key)
            if prop in node_s.properties:
                proxy.add(prop, _text(value))
            elif node_extra:
                proxy.add(node_extra, f"{key}={_text(value)}")
        lines.append(proxy.to_dict())
    for n, (u, v, key, data) in enumerate(table.edges):
        proxy = model.make_entity(edge_s.name)
        proxy.id = make_entity_id(
            "cybertnoc-network-edge", entity_ids[u], entity_ids[v], key, str(n)
        )
        proxy.add("subject", entity_ids[u])
        proxy.add("object", entity_ids[v])
        for name, value in data.items():
            prop = _FTM_EDGE_PROPERTIES.get(name)
            if prop in edge_s.properties:
                proxy.add(prop, _text(value))
            elif edge_extra:
                proxy.add(edge_extra, f"{name}={_text(value)}")
        lines.append(proxy.to_dict())
    with path.open("w", encoding="utf-8") as f:
        for entity in lines:
            f.write(json.dumps(entity, ensure_ascii=False, sort_keys=False) + "\n")
    logger.info(
        "wrote FtM %s: %d %s, %d %s",
        path,
        len(table.nodes),
        node_s.name,
        len(table.edges),
        edge_s.name,
    )
    return path


# ----------------------------------------------------------------------------- i2 / Maltego CSV

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _guard(value: str, guard: bool) -> str:
    """Text that a spreadsheet would run as a formula gets a leading ``'`` (OWASP)."""
    if guard and value.startswith(_FORMULA_START):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def write_analyst_csv(
    G: nx.Graph,
    directory: str | Path,
    *,
    entity_type: str = "Person",
    link_type: str = "Tie",
    type_by: str | None = None,
    formula_guard: bool = True,
) -> tuple[Path, Path]:
    """Write ``entities.csv`` and ``links.csv`` for i2 Analyst's Notebook and Maltego.

    ``entities.csv``: ``Entity ID`` (the node key), ``Entity Type``, ``Label`` (the node's
    ``label`` or its key), then one column per node attribute. ``links.csv``: ``Link ID``,
    ``From ID``, ``From Label``, ``To ID``, ``To Label``, ``Link Type`` (``link_type`` or the
    ``type_by`` attribute), ``Direction`` (``directed`` or ``undirected``), then one column per
    edge attribute (``weight``, ``layer``, ``period``...). Each link row names both ends with id
    and label, the row layout of i2's link import and of Maltego's *Import Graph from Table*.
    Files are UTF-8 with a byte-order mark (so Excel and i2 read accents), comma-separated,
    quoted the CSV way. With ``formula_guard``, text starting with ``=``, ``+``, ``-`` or ``@``
    (not a number) gets a leading ``'`` so a spreadsheet does not run it as a formula.

    Parameters
    ----------
    G : networkx.Graph
        Graph, DiGraph or a multigraph.
    directory : str or Path
        Folder to write the two files in (created if needed).
    entity_type : str
        Value of ``Entity Type`` (an i2 entity type or a Maltego entity such as
        ``maltego.Person``).
    link_type : str
        Value of ``Link Type``.
    type_by : str, optional
        Edge attribute whose value is the link type (``"layer"``).
    formula_guard : bool
        Defuse spreadsheet formulas (see above).

    Returns
    -------
    tuple of Path
        ``entities.csv`` and ``links.csv``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> G = nx.Graph([("a", "b", {"weight": 2.0})])
    >>> G.nodes["a"]["label"] = "=HYPERLINK()"
    >>> entities, links = write_analyst_csv(G, tempfile.mkdtemp())
    >>> print(entities.read_text(encoding="utf-8-sig"), end="")
    Entity ID,Entity Type,Label
    a,Person,'=HYPERLINK()
    b,Person,b
    >>> print(links.read_text(encoding="utf-8-sig"), end="")
    Link ID,From ID,From Label,To ID,To Label,Link Type,Direction,weight
    1,a,'=HYPERLINK(),b,b,Tie,undirected,2.0
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    table = _table(G)
    labels = {node_id: _text(data.get("label", node_id)) for _, node_id, data in table.nodes}
    types = _relationship_types(table, link_type, type_by)
    direction = "directed" if table.directed else "undirected"

    def cell(value: Any) -> str:
        return "" if value is None else _guard(_text(value), formula_guard)

    entities_path = directory / "entities.csv"
    with entities_path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        names = [n for n in table.node_kinds if n != "label"]
        writer.writerow([*ANALYST_ENTITY_COLUMNS, *names])
        for _, node_id, data in table.nodes:
            writer.writerow(
                [cell(node_id), cell(entity_type), cell(labels[node_id])]
                + [cell(data.get(n)) for n in names]
            )
    links_path = directory / "links.csv"
    with links_path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        names = list(table.edge_kinds)
        writer.writerow([*ANALYST_LINK_COLUMNS, *names])
        for n, ((u, v, _, data), kind) in enumerate(zip(table.edges, types, strict=True), 1):
            writer.writerow(
                [str(n), cell(u), cell(labels[u]), cell(v), cell(labels[v]), cell(kind), direction]
                + [cell(data.get(name)) for name in names]
            )
    logger.info(
        "wrote analyst CSV in %s: %d entities, %d links",
        directory,
        len(table.nodes),
        len(table.edges),
    )
    return entities_path, links_path


# ----------------------------------------------------------------------------- interactive view

#: Categorical colours (Tableau 10 without its grey, and three of Tableau 20), then grey for
#: "other" and light grey for a missing value.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#86bcb6",
    "#d37295",
    "#8cd17d",
)
_OTHER = "#a0a0a0"
_MISSING = "#dddddd"
_PLAIN = "#4e79a7"
#: Viridis at 0, 0.25, 0.5, 0.75 and 1, for numeric colours.
_RAMP = ((68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37))
_BOX = 1000.0
_MARGIN = 40.0
_R_MIN, _R_MAX, _R_PLAIN = 4.0, 18.0, 6.0
#: Measures :func:`network_html` can compute when the nodes do not carry them.
_MEASURES = (
    "degree",
    "strength",
    "degree_centrality",
    "betweenness",
    "closeness",
    "eigenvector",
    "constraint",
    "effective_size",
    "clustering",
)


@dataclass(frozen=True)
class _Point:
    x: float
    y: float
    radius: float
    color: str
    group: int


@dataclass
class _View:
    points: list[_Point]
    legend: list[tuple[str, str, int]]  # colour, text, count
    color_title: str
    size_title: str
    values: dict[str, dict[Hashable, Any]]  # computed colour/size values shown in tooltips


def _positions(
    G: nx.Graph, seed: int, positions: Mapping[Hashable, Sequence[float]] | None
) -> dict[Hashable, tuple[float, float]]:
    if positions is None:
        raw = nx.spring_layout(G, seed=seed, weight=None) if len(G) else {}
    else:
        missing = [n for n in G if n not in positions]
        if missing:
            raise InvalidValue(missing[0], "a node with a position", "Give every node (x, y)")
        raw = positions
    if not raw:
        return {}
    xs = [float(raw[n][0]) for n in G]
    ys = [float(raw[n][1]) for n in G]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    scale = (_BOX - 2 * _MARGIN) / span
    ox = (_BOX - (max(xs) - min(xs)) * scale) / 2
    oy = (_BOX - (max(ys) - min(ys)) * scale) / 2
    # y grows downwards on screen: flip so the picture matches the layout's axes.
    return {
        n: (round(ox + (x - min(xs)) * scale, 1), round(_BOX - oy - (y - min(ys)) * scale, 1))
        for n, x, y in zip(G, xs, ys, strict=True)
    }


def _measure(G: nx.Graph, name: str, seed: int) -> dict[Hashable, Any]:
    present = {n: _scalar(d.get(name)) for n, d in G.nodes(data=True)}
    if any(v is not None for v in present.values()):
        return present
    if name == "degree":
        return dict(G.degree())
    if name == "strength":
        return dict(G.degree(weight="weight"))
    if name in _MEASURES:
        from cybertnoc.network.centrality import centrality_table

        table = centrality_table(G, seed=seed).set_index("node")[name]
        return {n: _scalar(table.get(n)) for n in G}
    have = sorted({k for _, d in G.nodes(data=True) for k in d})
    raise InvalidValue(
        name,
        "a node attribute or a measure (" + ", ".join(_MEASURES) + ")",
        f"The nodes carry {have}" if have else "The nodes carry no attributes",
    )


def _sort_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, bool):
        return (1, str(value))
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value))


def _ramp(t: float) -> str:
    t = min(max(t, 0.0), 1.0) * (len(_RAMP) - 1)
    i = min(int(t), len(_RAMP) - 2)
    f = t - i
    rgb = (round(a + (b - a) * f) for a, b in zip(_RAMP[i], _RAMP[i + 1], strict=True))
    return "#" + "".join(f"{c:02x}" for c in rgb)


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int) or (value.is_integer() and abs(value) < 1e15):
        return str(int(value))
    return format(value, ".4g")


def _colors(
    G: nx.Graph, color_by: str | None, seed: int
) -> tuple[list[str], list[int], list[tuple[str, str, int]], str, dict[Hashable, Any] | None]:
    n = len(G)
    if color_by is None:
        return [_PLAIN] * n, [0] * n, [], "", None
    title = color_by
    values = {node: _scalar(d.get(color_by)) for node, d in G.nodes(data=True)}
    computed = None
    if color_by == "community" and all(v is None for v in values.values()):
        undirected = G.to_undirected() if G.is_directed() else G
        if undirected.is_multigraph():
            undirected = nx.Graph(undirected)
        values = dict(louvain(undirected, seed=seed).membership)
        computed = values
        title = f"community (Louvain, seed {seed})"
    present = [v for v in values.values() if v is not None]
    numeric = bool(present) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in present
    )
    distinct = set(present)
    if numeric and len(distinct) > len(PALETTE):
        lo, hi = min(present), max(present)
        span = (hi - lo) or 1.0
        colors = [_MISSING if values[v] is None else _ramp((values[v] - lo) / span) for v in G]
        legend = [(_ramp(i / 4), _number(lo + span * i / 4), 0) for i in range(5)]
        missing = sum(v is None for v in values.values())
        if missing:
            legend.append((_MISSING, "(none)", missing))
        return colors, [-1] * n, legend, title, computed
    counts = Counter(present)
    order = sorted(counts, key=lambda v: (-counts[v], _sort_key(v)))
    shown = order[: len(PALETTE)] if len(order) <= len(PALETTE) else order[: len(PALETTE) - 1]
    index = {v: i for i, v in enumerate(shown)}
    rest = sum(counts[v] for v in order[len(shown) :])
    colors, groups = [], []
    for node in G:  # group numbers are the legend entries: shown values, other, missing
        v = values[node]
        if v is None:
            colors.append(_MISSING)
            groups.append(len(shown) + (1 if rest else 0))
        elif v in index:
            colors.append(PALETTE[index[v]])
            groups.append(index[v])
        else:
            colors.append(_OTHER)
            groups.append(len(shown))
    legend = [(PALETTE[i], _number(v), counts[v]) for i, v in enumerate(shown)]
    if rest:
        legend.append((_OTHER, f"other ({len(order) - len(shown)} values)", rest))
    missing = sum(v is None for v in values.values())
    if missing:
        legend.append((_MISSING, "(none)", missing))
    return colors, groups, legend, title, computed


def _view(
    G: nx.Graph,
    *,
    color_by: str | None,
    size_by: str | None,
    seed: int,
    positions: Mapping[Hashable, Sequence[float]] | None,
) -> _View:
    where = _positions(G, seed, positions)
    colors, groups, legend, color_title, computed = _colors(G, color_by, seed)
    values: dict[str, dict[Hashable, Any]] = {}
    if computed is not None and color_by:
        values[color_by] = computed
    radii = [_R_PLAIN] * len(G)
    size_title = ""
    if size_by is not None:
        sizes = _measure(G, size_by, seed)
        if any(G.nodes[n].get(size_by) is None for n in G):
            values[size_by] = sizes
        numbers = [
            v
            for v in sizes.values()
            if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
        ]
        if not numbers and any(v is not None for v in sizes.values()):
            raise InvalidValue(size_by, "a numeric node measure", "Size by a number")
        lo, hi = (min(numbers), max(numbers)) if numbers else (0.0, 0.0)
        span = hi - lo
        radii = []
        for node in G:
            v = sizes.get(node)
            if not isinstance(v, int | float) or not math.isfinite(v):
                radii.append(_R_MIN)
            else:
                t = (v - lo) / span if span else 0.5
                radii.append(round(_R_MIN + (_R_MAX - _R_MIN) * math.sqrt(t), 2))
        size_title = f"{size_by}, {_number(lo)} to {_number(hi)}"
    points = [
        _Point(where[n][0], where[n][1], r, c, g)
        for n, r, c, g in zip(G, radii, colors, groups, strict=True)
    ]
    return _View(points, legend, color_title, size_title, values)


def _asset(name: str) -> str:
    return resources.files("cybertnoc.network").joinpath("templates", name).read_text("utf-8")


def _script_json(data: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _csp(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )


_DEFAULT_HIDDEN = ("viz", "entity_id", "schema", "label")


def render_network_html(
    G: nx.Graph,
    *,
    color_by: str | None = "community",
    size_by: str | None = "degree",
    title: str = "Network",
    seed: int = 0,
    positions: Mapping[Hashable, Sequence[float]] | None = None,
    tooltip: Sequence[str] | None = None,
    description: str = "",
) -> str:
    """The interactive view of :func:`network_html`, as a string (see there).

    Examples
    --------
    >>> page = render_network_html(nx.path_graph(3), title="Three in a row")
    >>> "<title>Three in a row</title>" in page, "https://" in page
    (True, False)
    """
    view = _view(G, color_by=color_by, size_by=size_by, seed=seed, positions=positions)
    ids = _node_ids(G)
    degree = dict(G.degree())
    nodes = []
    for node, point in zip(G, view.points, strict=True):
        data = G.nodes[node]
        names = (
            list(tooltip) if tooltip is not None else [k for k in data if k not in _DEFAULT_HIDDEN]
        )
        tip: list[list[str]] = [["degree", str(degree[node])]]
        for key, values in view.values.items():
            if key not in names and values.get(node) is not None:
                tip.append([key, _number(values[node])])
        for key in names:
            value = _scalar(data.get(key))
            if value is not None and key != "degree":
                tip.append([str(key), _number(value)])
        label = _scalar(data.get("label"))
        nodes.append(
            {
                "id": ids[node],
                "label": ids[node] if label is None else _text(label),
                "x": point.x,
                "y": point.y,
                "r": point.radius,
                "c": point.color,
                "g": point.group,
                "tip": tip,
            }
        )
    index = {node: i for i, node in enumerate(G)}
    weights = []
    for _, _, _, data in _edges(G):
        w = _scalar(data.get("weight"))
        weights.append(float(w) if isinstance(w, int | float) and w > 0 else 1.0)
    top = max(weights, default=1.0)
    edges = [
        [index[u], index[v], round(0.6 + 2.4 * math.sqrt(w / top), 2)]
        for (u, v, _, _), w in zip(_edges(G), weights, strict=True)
    ]
    data = {"directed": G.is_directed(), "nodes": nodes, "edges": edges}
    script = _asset("network_view.js")
    if "</script" in script.lower():
        raise InvalidValue("network_view.js", "a script without '</script'")
    esc = html.escape
    kind = "directed" if G.is_directed() else "undirected"
    meta = f"{G.number_of_nodes()} nodes, {G.number_of_edges()} {kind} ties"
    if view.color_title:
        meta += f"; colour: {view.color_title}"
    if view.size_title:
        meta += f"; size: {view.size_title}"
    legend_items = "".join(
        f'<li><button type="button" class="key" data-group="{i if g >= 0 else -1}">'
        f'<span class="swatch" style="background:{color}"></span>{esc(text)}'
        + (f' <span class="count">({count})</span>' if count else "")
        + "</button></li>"
        for i, ((color, text, count), g) in enumerate(
            zip(view.legend, _legend_groups(view), strict=True)
        )
    )
    legend = (
        f'<h2>Colour: {esc(view.color_title)}</h2><ul class="keys">{legend_items}</ul>'
        if view.legend
        else ""
    )
    if view.size_title:
        legend += f"<h2>Size</h2><p>{esc(view.size_title)}</p>"
    legend += (
        "<h2>Ties</h2><p>Line width: "
        + ("tie weight" if any(w != 1.0 for w in weights) else "all ties alike")
        + "</p>"
    )
    intro = f"<p>{esc(description)}</p>" if description else ""
    return _PAGE.format(
        csp=esc(_csp(script)),
        title=esc(title),
        css=_asset("network_view.css"),
        meta=esc(meta),
        intro=intro,
        n_nodes=G.number_of_nodes(),
        n_edges=G.number_of_edges(),
        label=esc(f"{title}: {meta}"),
        legend=legend,
        data=_script_json(data),
        script=script,
        relax_disabled=" disabled" if len(G) > 1500 else "",
    )


def _legend_groups(view: _View) -> list[int]:
    """The group number each legend entry highlights (-1: a numeric ramp, no groups)."""
    if any(p.group == -1 for p in view.points):
        return [-1] * len(view.legend)
    return list(range(len(view.legend)))


_PAGE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="cybertnoc network_html">
<title>{title}</title>
<style>
{css}</style>
</head>
<body>
<header>
<h1>{title}</h1>
<p class="meta">{meta}</p>
{intro}</header>
<main>
<figure id="view" data-nodes="{n_nodes}" data-edges="{n_edges}" data-drawn="0">
<div class="controls">
<button type="button" id="zoom-in" title="Zoom in">+</button>
<button type="button" id="zoom-out" title="Zoom out">&minus;</button>
<button type="button" id="reset" title="Back to the first view">Reset</button>
<button type="button" id="relax" title="Let the layout settle with a force simulation"\
{relax_disabled}>Relax layout</button>
<label>Find <input type="search" id="find" placeholder="label" autocomplete="off"></label>
<span id="found" aria-live="polite"></span>
</div>
<svg id="net" viewBox="0 0 1000 1000" preserveAspectRatio="xMidYMid meet" role="img" \
aria-label="{label}">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" \
markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#777">\
</path></marker></defs>
<g id="scene"><g id="edges"></g><g id="nodes"></g><g id="labels"></g></g>
</svg>
<div id="tip" role="tooltip" hidden></div>
<figcaption>Drag to pan, scroll to zoom, drag a node to move it; hover or focus a node for \
its measures; click a legend entry to pick out its nodes. Link to a node with \
<code>#node=ID</code>.</figcaption>
</figure>
<aside id="legend">
{legend}</aside>
</main>
<noscript><p>This view draws the network with JavaScript, which is off.</p></noscript>
<script type="application/json" id="network-data">{data}</script>
<script>{script}</script>
</body>
</html>
"""


def network_html(
    G: nx.Graph,
    path: str | Path,
    *,
    color_by: str | None = "community",
    size_by: str | None = "degree",
    title: str = "Network",
    seed: int = 0,
    positions: Mapping[Hashable, Sequence[float]] | None = None,
    tooltip: Sequence[str] | None = None,
    description: str = "",
) -> Path:
    """Write a self-contained, interactive HTML view of ``G``.

    One file that opens in any browser and makes no network request: the data, the styles and
    a small script written for it are inline, there is no CDN and no font to fetch, every link
    is an in-page ``#fragment``, and a Content-Security-Policy ``<meta>`` (``default-src
    'none'``, the script allowed by its SHA-256 hash) makes the browser refuse any request.
    The script draws the network in SVG: nodes coloured by ``color_by`` and sized by
    ``size_by``, ties as lines as wide as their weight (arrows when directed); drag pans,
    the wheel zooms, nodes can be dragged; hovering or focusing a node shows its label and
    measures and picks out its neighbours; clicking a legend entry picks out its nodes; a search
    box finds nodes by label; *Relax layout* runs a force simulation from the current
    positions; ``page.html#node=ID`` opens with that node picked out. Labels are shown as text,
    never as markup.

    Positions come from networkx's spring layout (Fruchterman & Reingold 1991) with ``seed``,
    computed here, so the same graph and seed give the same page, byte for byte.

    Parameters
    ----------
    G : networkx.Graph
        Graph, DiGraph or a multigraph. Node ``label`` is shown (else the key).
    path : str or Path
        The ``.html`` file to write.
    color_by : str or None
        Node attribute to colour by: categories get distinct colours (the 12 most frequent, then
        "other"), numbers with more than 12 values a viridis ramp. ``"community"`` without such
        an attribute colours by :func:`~cybertnoc.network.louvain` communities with ``seed``.
        None: one colour.
    size_by : str or None
        Node attribute or measure (``degree``, ``strength``, ``betweenness``, ``closeness``,
        ``eigenvector``, ``constraint``, ``effective_size``, ``clustering``, computed with
        :func:`~cybertnoc.network.centrality_table` when the nodes do not carry it); the area
        of a node grows with it. None: all alike.
    title : str
        Page title and heading.
    seed : int
        Seed of the spring layout and of the Louvain communities.
    positions : mapping, optional
        Node → (x, y) to draw instead of the spring layout (scaled to fit).
    tooltip : sequence of str, optional
        Node attributes shown on hover, in order (default: all but ``label``, ``entity_id``,
        ``schema``); degree and the colour and size values are always shown.
    description : str
        A paragraph under the title (where the data come from).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    InvalidValue
        ``size_by`` is neither a node attribute nor a known measure, or is not numeric.

    References
    ----------
    Fruchterman, T. M. J. & Reingold, E. M. (1991). Graph drawing by force-directed placement.
    Software: Practice and Experience 21(11), 1129-1164.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> G = nx.karate_club_graph()
    >>> f = network_html(G, pathlib.Path(tempfile.mkdtemp()) / "club.html", color_by="club",
    ...                  size_by="betweenness", title="Zachary's karate club")
    >>> from cybertnoc.report import self_containment_problems
    >>> self_containment_problems(f.read_text(encoding="utf-8"))
    []
    """
    path = Path(path)
    page = render_network_html(
        G,
        color_by=color_by,
        size_by=size_by,
        title=title,
        seed=seed,
        positions=positions,
        tooltip=tooltip,
        description=description,
    )
    path.write_text(page, encoding="utf-8")
    logger.info("wrote network view %s: %d nodes, %d edges", path, len(G), G.number_of_edges())
    return path
