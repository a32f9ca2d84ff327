"""Built-in formats: criminal networks (edge lists, adjacency matrices, two-mode data).

Nodes become ``Actor`` entities (a cybertnoc extension of FtM's Person) named by their label in
the file; ties become ``Tie`` (undirected) or ``DirectedTie`` entities with ``weight``, ``layer``
and ``period``, which the importer projects into the relationships table. See
``docs/formats.md#networks``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cybertnoc.errors import InvalidValue
from cybertnoc.ingest.formats._base import Format, Part, register, rejected
from cybertnoc.ingest.formats._text import csv_lines, decode, sniff_delimiter
from cybertnoc.ingest.readers import Record, RecordReader

__all__ = ["DUPLICATE_RULES", "NETWORK_COLUMNS", "Edge", "emit_ties"]

#: Columns of the records every network format yields (the mappings ``formats/network`` and
#: ``formats/network_directed`` read them).
NETWORK_COLUMNS = [
    "node",
    "group",
    "role",
    "attributes",
    "source",
    "target",
    "tie",
    "weight",
    "layer",
    "period",
]

#: How ties seen more than once are combined (option ``duplicates``).
DUPLICATE_RULES = ("sum", "first", "last", "max")

_SOURCE_NAMES = ("source", "from", "src", "sender", "caller", "i", "node1", "ego")
_TARGET_NAMES = ("target", "to", "dst", "receiver", "callee", "j", "node2", "alter")
_WEIGHT_NAMES = ("weight", "value", "w", "count", "strength")
_TIME_NAMES = ("time", "period", "phase", "date", "year", "timestamp")


def _truthy(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "y", "directed")


def _number(text: str | None) -> float | None:
    if text is None or not text.strip():
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@dataclass
class Edge:
    """A tie as a parser read it, before duplicates are combined."""

    line: int | None
    source: str
    target: str
    weight: str | None = None
    period: str | None = None
    layer: str | None = None


def emit_ties(
    edges: list[Edge],
    *,
    directed: bool,
    duplicates: str = "sum",
    nodes: list[tuple[int | None, dict[str, str | None]]] | None = None,
) -> Iterator[Record]:
    """Records for the network mappings: nodes first, then one record per edge line.

    Every line stays a record (with its provenance). Ties that appear more than once (the same
    pair, period and layer; either order when undirected) are combined by ``duplicates``:
    ``sum`` adds the weights (a tie without weight counts 1), ``max`` keeps the largest, ``first``
    and ``last`` keep the weight of the first or last line ("last row wins"). The combined
    weight goes on the winning line (the first, for ``sum`` and ``max``); the other lines are
    kept without a weight and flagged, naming the line they were combined into.

    Parameters
    ----------
    edges : list of Edge
        In file order.
    directed : bool
        Whether (a, b) and (b, a) are different ties.
    duplicates : {"sum", "first", "last", "max"}
    nodes : list of (line, values), optional
        Node records (``node`` and optionally ``group``, ``role``, ``attributes``) to emit first,
        so that isolated nodes are kept.
    """
    if duplicates not in DUPLICATE_RULES:
        raise ValueError(duplicates)
    for line, values in nodes or []:
        yield line, {"node": values.get("node"), **{k: v for k, v in values.items() if k != "node"}}
    groups: dict[tuple[str, str, str, str], list[int]] = {}
    for i, e in enumerate(edges):
        a, b = (e.source, e.target) if directed else tuple(sorted((e.source, e.target)))
        groups.setdefault((a, b, e.period or "", e.layer or ""), []).append(i)
    winner: dict[int, str | None] = {}
    into: dict[int, int] = {}
    for members in groups.values():
        if len(members) == 1:
            winner[members[0]] = edges[members[0]].weight
            continue
        weights = [_number(edges[i].weight) for i in members]
        if duplicates == "last":
            win = members[-1]
            combined = edges[win].weight
        elif duplicates == "first":
            win = members[0]
            combined = edges[win].weight
        elif duplicates == "max":
            win = members[0]
            known = [w for w in weights if w is not None]
            combined = _fmt(max(known)) if known else None
        else:
            win = members[0]
            combined = _fmt(sum(1.0 if w is None else w for w in weights))
        winner[win] = combined
        for i in members:
            if i != win:
                into[i] = win
    for i, e in enumerate(edges):
        a, b = (e.source, e.target) if directed else tuple(sorted((e.source, e.target)))
        key = "|".join((a, b, e.period or "", e.layer or ""))
        # Every line of one tie names its ends as the winning line does, so that an undirected
        # tie listed as (a, b) and (b, a) is one relationship.
        lead = edges[into.get(i, i)]
        values = {
            "source": lead.source,
            "target": lead.target,
            "tie": key,
            "weight": winner.get(i),
            "period": e.period,
            "layer": e.layer,
        }
        if i in into:
            first = edges[into[i]].line
            yield (
                e.line,
                values,
                (
                    (
                        "weight",
                        e.weight,
                        f"one line per tie (this tie is also on line {first})",
                        f"Kept; its weight is combined into line {first} (duplicates={duplicates})",
                    ),
                ),
            )
        else:
            yield e.line, values


def _edgelist_parse(path: Path, options: dict[str, str]):
    directed = _truthy(options.get("directed", "false"))
    layer = options.get("layer") or None
    duplicates = options.get("duplicates", "sum")

    def parse(reader: RecordReader) -> Iterator[Record]:
        text = decode(reader, path, ("utf-8-sig", "cp1252"))
        if not text:
            return
        delimiter = options.get("delimiter") or sniff_delimiter(text)
        lines = csv_lines(text, delimiter)
        first = next(lines, None)
        if first is None:
            reader.fail(None, "an edge list with at least one tie", "The file is empty")
            return
        header = [h.strip().lower() for h in first[1]]
        has_header = options.get("header", "auto")
        if has_header == "auto":
            has_header = "true" if any(h in _SOURCE_NAMES for h in header) else "false"
        if has_header == "true":

            def find(names: tuple[str, ...], default: int | None) -> int | None:
                return next((header.index(n) for n in names if n in header), default)

            si, ti = find(_SOURCE_NAMES, 0), find(_TARGET_NAMES, 1)
            wi, pi = find(_WEIGHT_NAMES, None), find(_TIME_NAMES, None)
            body = lines
        else:
            si, ti = 0, 1
            wi = 2 if len(first[1]) > 2 else None
            pi = 3 if len(first[1]) > 3 else None
            body = iter([first, *lines])
        assert si is not None and ti is not None
        edges: list[Edge] = []
        short: list[Record] = []
        for line, fields in body:
            source = fields[si].strip() if si < len(fields) else ""
            target = fields[ti].strip() if ti < len(fields) else ""
            if not source or not target:
                short.append(
                    (
                        line,
                        {},
                        (
                            (
                                None,
                                delimiter.join(fields),
                                "a source and a target on every line",
                                "The line is kept without a tie; fill in both ends",
                            ),
                        ),
                    )
                )
                continue
            edges.append(
                Edge(
                    line,
                    source,
                    target,
                    fields[wi].strip() if wi is not None and wi < len(fields) else None,
                    fields[pi].strip() if pi is not None and pi < len(fields) else None,
                    layer,
                )
            )
        records = list(emit_ties(edges, directed=directed, duplicates=duplicates)) + short
        yield from sorted(records, key=lambda r: r[0] or 0)

    return parse


def _edgelist_parts(path: Path, options: dict[str, str]) -> list[Part]:
    if path.is_dir():
        raise rejected(
            path,
            "an edge-list file",
            "Give the file itself (one tie per line: source, target[, weight][, time])",
        )
    directed = _truthy(options.get("directed", "false"))
    if options.get("duplicates", "sum") not in DUPLICATE_RULES:
        raise InvalidValue(
            options["duplicates"], "a duplicates rule", f"Use one of {', '.join(DUPLICATE_RULES)}"
        )
    mapping = "formats/network_directed" if directed else "formats/network"
    return [
        Part(
            path,
            mapping,
            lambda: RecordReader(
                path, NETWORK_COLUMNS, _edgelist_parse(path, options), format="edgelist"
            ),
            "ties",
        )
    ]


register(
    Format(
        name="edgelist",
        description="Generic edge list: source, target[, weight][, time], any delimiter, "
        "header optional",
        crime_area="networks",
        kind="offline",
        parts=_edgelist_parts,
        options={
            "directed": "true if ties go from source to target (default false)",
            "delimiter": "the field separator (default: sniffed from the file)",
            "header": "true, false or auto (default: a first line naming source/target)",
            "layer": "the layer every tie belongs to (calls, meetings, co-offending)",
            "duplicates": "how a tie listed twice is combined: sum (default), first, last, max",
        },
        examples=("networks/caviar/caviar_full_edgelist_derived.csv",),
    )
)
