"""Built-in formats: criminal networks (edge lists, adjacency matrices, two-mode data).

Nodes become ``Actor`` entities (a cybertnoc extension of FtM's Person) named by their label in
the file; ties become ``Tie`` (undirected) or ``DirectedTie`` entities with ``weight``, ``layer``
and ``period``, which the importer projects into the relationships table. Formats: ``edgelist``,
``ucinet-matrix``, ``montagna-edgelist``, ``two-mode-matrix``, ``graphml`` and ``gexf``. See
``docs/formats/networks.md``.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from xml.parsers import expat

from cybertnoc.errors import InvalidValue
from cybertnoc.ingest.formats._base import Format, Part, register, rejected
from cybertnoc.ingest.formats._text import csv_lines, decode, sniff_delimiter
from cybertnoc.ingest.mapping import Mapping, load_mapping
from cybertnoc.ingest.readers import Record, RecordReader

__all__ = [
    "ATTRIBUTED_COLUMNS",
    "DUPLICATE_RULES",
    "NETWORK_COLUMNS",
    "NODE_PROPERTIES",
    "TWO_MODE_COLUMNS",
    "Edge",
    "emit_ties",
    "node_values",
]

log = logging.getLogger(__name__)

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
    first_line: dict[int, int] = {}
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
            first_line[i] = members[0]
            if i != win:
                into[i] = win
    for i, e in enumerate(edges):
        a, b = (e.source, e.target) if directed else tuple(sorted((e.source, e.target)))
        key = "|".join((a, b, e.period or "", e.layer or ""))
        # Every line of one tie names its ends as its first line does, so that an undirected
        # tie listed as (a, b) and (b, a) is one relationship, oriented (and its nodes met) in
        # file order, as a loader adding edges line by line meets them.
        lead = edges[first_line.get(i, i)]
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


# ----------------------------------------------------------------------------------------------
# Attributed networks: ucinet-matrix, montagna-edgelist, two-mode-matrix, graphml, gexf.

#: Columns of the records of ``ucinet-matrix``, ``montagna-edgelist``, ``graphml`` and ``gexf``
#: (the mappings ``formats/ucinet-matrix*``, ``formats/montagna-edgelist``, ``formats/graphml``
#: and ``formats/gexf`` read them). A tie record fills ``tie`` (undirected: a Tie) or ``arc``
#: (directed: a DirectedTie).
ATTRIBUTED_COLUMNS = [
    *("node", "name", "group", "role", "age", "rank", "arrests", "convictions", "prison"),
    *("residence", "attributes", "source", "source_name", "target", "target_name", "tie"),
    *("arc", "tie_id", "weight", "layer", "period", "tie_attributes"),
]

#: Columns of the records of ``two-mode-matrix`` (mappings ``formats/two-mode-matrix*``).
TWO_MODE_COLUMNS = [
    *("node", "name", "group", "role", "age", "rank", "arrests", "convictions", "prison"),
    *("residence", "attributes", "event", "event_id", "event_date", "link_role", "link_value"),
]

#: Node attribute names (lower case) read into ``Actor`` properties; any other attribute becomes
#: an ``attribute`` value ``name=value``.
NODE_PROPERTIES = {
    **dict.fromkeys(("group", "locale", "community", "cell", "faction", "gang", "clan"), "group"),
    **{p: p for p in ("role", "age", "rank", "arrests", "convictions", "prison", "residence")},
    "ranking": "rank",
}

_ENCODINGS = ("utf-8-sig", "cp1252")
_DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".tab", ".dat")
#: Columns that carry node labels: pseudonymised together when labels are personal.
_LABEL_COLUMNS = frozenset(
    {"node", "name", "source", "target", "source_name", "target_name", "tie", "arc"}
)
_LABEL_NAMES = ("label", "name")
_LAYER_NAMES = ("layer", "kind", "relation", "type")
_PERIOD_NAMES = ("period", "time", "phase", "year", "date", "timestamp")
_DATE_RE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\b|\b\d{4}-\d{2}-\d{2}\b")

#: Files of ../shared/data/networks (by name) and the mappings that describe their source.
_KNOWN_FILES = {
    "morselli_caviar.csv": "formats/ucinet-matrix_caviar",
    "morselli_cielnet.csv": "formats/ucinet-matrix_cielnet",
    "natajaran_cocaine.csv": "formats/ucinet-matrix_natarajan_cocaine",
    "natajaran_heroin.csv": "formats/ucinet-matrix_natarajan_heroin",
    "london_gang.csv": "formats/ucinet-matrix_london_gang",
    "london_gang_attr_derived.csv": "formats/ucinet-matrix_london_gang_attributes",
    "macdonald_tfc.csv": "formats/ucinet-matrix_french_connection",
    "ndranghetamafia_2m.csv": "formats/two-mode-matrix_infinito",
    "infinito146_nodes_derived.csv": "formats/two-mode-matrix_infinito_nodes",
}
_CAVIAR_PHASES = "formats/ucinet-matrix_caviar_phases"

Problems = tuple[tuple[str | None, str | None, str, str], ...]


def _one(column: str | None, value: str | None, expected: str, hint: str) -> Problems:
    """One recoverable problem: ``(column, value, expected, hint)``."""
    return ((column, value, expected, hint),)


def _kept(
    line: int | None, column: str | None, value: str | None, expected: str, hint: str
) -> Record:
    """A record that makes nothing, kept for its problem (a line that is not a node or a tie)."""
    return line, {}, _one(column, value, expected, hint)


def node_values(
    node: str, name: str | None, attributes: Iterable[tuple[str, str | None]] = ()
) -> dict[str, str | None]:
    """The record values of a node: its attributes as Actor properties or ``name=value``.

    The first attribute of a property (see :data:`NODE_PROPERTIES`) fills it; the others, and
    every attribute without a property, go to ``attributes`` (``|``-separated ``name=value``).

    Examples
    --------
    >>> node_values("7", None, [("Age", "20"), ("Music", "1"), ("locale", "A"), ("x", "")])
    {'node': '7', 'name': '7', 'age': '20', 'group': 'A', 'attributes': 'Music=1'}
    """
    values: dict[str, str | None] = {"node": node, "name": name or node}
    extra: list[str] = []
    for key, raw in attributes:
        value = " ".join(str(raw or "").split())
        if not value:
            continue
        prop = NODE_PROPERTIES.get(key.strip().lower())
        if prop and prop not in values:
            values[prop] = value
        else:
            extra.append(f"{key.strip()}={value.replace('|', '/')}")
    if extra:
        values["attributes"] = "|".join(extra)
    return values


def _flag(options: dict[str, str], name: str, default: bool | None) -> bool | None:
    """A true/false/auto option (``auto`` or unset gives ``default``)."""
    raw = options.get(name)
    value = (raw or "").strip().lower()
    if value in ("", "auto"):
        return default
    if value in ("1", "true", "yes", "y", "directed"):
        return True
    if value in ("0", "false", "no", "n", "undirected"):
        return False
    raise InvalidValue(raw, f"true, false or auto (option {name})", f"Use --option {name}=true")


def _duplicates(options: dict[str, str], default: str) -> str:
    rule = options.get("duplicates", default)
    if rule not in DUPLICATE_RULES:
        raise InvalidValue(rule, "a duplicates rule", f"Use one of {', '.join(DUPLICATE_RULES)}")
    return rule


def _natural(path: Path) -> list[Any]:
    """Sort key putting phase2 before phase10."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path.name.lower())]


def _data_files(directory: Path) -> list[Path]:
    files = (p for p in directory.iterdir() if p.suffix.lower() in _DATA_SUFFIXES and p.is_file())
    return sorted(files, key=_natural)


def _is_attribute_file(path: Path) -> bool:
    return "attr" in path.stem.lower() or "node" in path.stem.lower()


def _read_text(path: Path) -> str:
    """The text of ``path`` in the first encoding that decodes it, or ``""`` (not reported)."""
    data = path.read_bytes()
    for encoding in _ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return ""


def _known(path: Path, default: str) -> str:
    """The mapping of a known file (by name), else ``default``.

    Caviar's phase files are ``phaseN.csv`` with the corner label ``players``.
    """
    name = path.name.lower()
    family = default.split("_")[0]  # formats/ucinet-matrix: only mappings of the same format
    if _KNOWN_FILES.get(name, "").split("_")[0] == family:
        return _KNOWN_FILES[name]
    if family == "formats/ucinet-matrix" and re.fullmatch(r"phase\d+\.csv", name):
        with open(path, "rb") as fh:
            head = fh.readline(4096).decode("utf-8-sig", errors="replace")
        if next(csv.reader(io.StringIO(head)), [""])[0].strip().lower() == "players":
            return _CAVIAR_PHASES
    return default


def _shaped(name: str, options: dict[str, str]) -> Mapping:
    """A built-in mapping with option ``personal`` applied to its node-label columns."""
    mapping = load_mapping(name)
    personal = _flag(options, "personal", None)
    if personal is True:
        mapping = replace(mapping, personal=mapping.personal | (_LABEL_COLUMNS & mapping.columns))
    elif personal is False:
        mapping = replace(mapping, personal=frozenset())
    return mapping


def _follow(name: str, lead: Mapping) -> Mapping:
    """The mapping of an attribute file, pseudonymising node labels exactly when ``lead`` does.

    Actor ids are made from the (pseudonymised) labels: both files must treat them alike.
    """
    mapping = load_mapping(name)
    personal = set(mapping.personal - {"node", "name"})
    if "node" in lead.personal:
        personal |= {"node", "name"}
    return replace(mapping, personal=frozenset(personal))


def _number_of(text: str) -> float | None:
    """The number a matrix cell holds (an empty cell is 0), or None.

    Examples
    --------
    >>> _number_of("3"), _number_of(""), _number_of("1,5"), _number_of("x"), _number_of("nan")
    (3.0, 0.0, 1.5, None, None)
    """
    if not text.strip():
        return 0.0
    number = _number(text)
    if number is None or number != number or abs(number) == float("inf"):
        return None
    return number


def _tie_records(
    edges: list[Edge],
    *,
    directed: bool,
    duplicates: str,
    names: dict[str, str] | None = None,
    extras: list[dict[str, str | None]] | None = None,
    problems: list[Problems] | None = None,
) -> Iterator[Record]:
    """:func:`emit_ties` records for the attributed mappings.

    A directed tie's key goes to ``arc`` (a DirectedTie), an undirected one's to ``tie``; the
    ends get their labels (``source_name``, ``target_name``: ``names`` or the id); ``extras[i]``
    adds values and ``problems[i]`` recoverable problems to the record of ``edges[i]``.
    """
    names = names or {}
    for i, record in enumerate(emit_ties(edges, directed=directed, duplicates=duplicates)):
        values = dict(record[1])
        found: Problems = tuple(record[2]) if len(record) > 2 else ()  # type: ignore[misc]
        if directed:
            values["arc"] = values.pop("tie")
        for end in ("source", "target"):
            label = str(values[end])
            values[f"{end}_name"] = names.get(label) or label
        if extras:
            values.update(extras[i])
        if problems:
            found += problems[i]
        yield (record[0], values, found) if found else (record[0], values)


def _by_line(records: list[Record]) -> list[Record]:
    return sorted(records, key=lambda r: r[0] or 0)


# -- matrices -----------------------------------------------------------------------------------


@dataclass
class _Matrix:
    """A labelled matrix as read: column labels and rows of (line, label, cells)."""

    columns: list[str]
    header_line: int
    rows: list[tuple[int, str, list[str]]]


def _read_matrix(
    reader: RecordReader, path: Path, delimiter: str | None, what: str
) -> _Matrix | None:
    """The labelled matrix of ``path``; a file that cannot be one is a fatal problem.

    The first row holds the column labels (after a corner cell, often empty or ``players``), the
    first field of every other row the row's label. A square matrix of numbers without labels
    gets the labels 1..n.
    """
    text = decode(reader, path, _ENCODINGS)
    if reader.problems:
        return None
    if not text.strip():
        reader.fail(None, what, "The file is empty")
        return None
    sep = delimiter or sniff_delimiter(text)
    lines = list(csv_lines(text, sep))
    if not lines:
        reader.fail(None, what, "The file holds no values, only delimiters")
        return None
    first_line, header = lines[0]
    cells = [h.strip() for h in header]
    if len(cells) == len(lines) and all(_number(c) is not None for c in cells):
        labels = [str(i) for i in range(1, len(cells) + 1)]
        rows = [(line, labels[i], [c.strip() for c in f]) for i, (line, f) in enumerate(lines)]
        return _Matrix(labels, first_line, rows)
    columns = cells[1:]
    if not columns or len(lines) < 2:
        hint = f"The file has {len(lines)} line(s), the first of {len(cells)} field(s) split on "
        reader.fail(first_line, what, hint + f"{sep!r}; set --option delimiter=... if needed")
        return None
    empty = [i for i, c in enumerate(columns, start=2) if not c]
    if empty:
        hint = f"Field {empty[0]} of the first row is empty: label the column or delete it"
        reader.fail(first_line, "a label in every field of the first row but the first", hint)
        return None
    seen: dict[str, int] = {}
    for i, label in enumerate(columns, start=2):
        if label in seen:
            hint = f"Fields {seen[label]} and {i} of the first row have the same label; rename one"
            reader.fail(first_line, "unique column labels", hint)
            return None
        seen[label] = i
    rows = [(line, f[0].strip(), [c.strip() for c in f[1:]]) for line, f in lines[1:]]
    return _Matrix(columns, first_line, rows)


def _row_problems(label: str, line: int, seen: dict[str, int], cells: int, width: int) -> Problems:
    """Problems of one matrix row: a label seen before, too few or too many cells."""
    found: Problems = ()
    if label in seen:
        found += _one(
            "node",
            label,
            f"one row per label (this label is also on line {seen[label]})",
            "Kept; its cells are combined with the other row's (option duplicates)",
        )
    seen.setdefault(label, line)
    if cells < width:
        found += _one(
            None, f"{cells} cells", f"{width} cells, one per column", "Missing cells are read as 0"
        )
    elif cells > width:
        hint = f"The {cells - width} cell(s) after the last column are ignored"
        found += _one(None, f"{cells} cells", f"{width} cells, one per column", hint)
    return found


def _bad_cell(line: int, position: int, text: str, what: str) -> Record:
    return _kept(
        line,
        "weight",
        text,
        "a number: the value of the cell (0 or empty = none)",
        f"Field {position} of line {line} is kept as a record without {what}; correct it",
    )


def _no_label(line: int, what: str) -> Record:
    hint = f"The row is kept without {what}; label it"
    return _kept(line, "node", None, "a label in the first field of the row", hint)


def _ucinet_parse(
    path: Path, options: dict[str, str], period: str | None, layer: str | None
) -> Callable[[RecordReader], Iterator[Record]]:
    directed_option = _flag(options, "directed", None)
    duplicates = _duplicates(options, "sum")
    what = (
        "a square adjacency matrix: a first row of node labels, then one row per node starting "
        "with its label"
    )

    def parse(reader: RecordReader) -> Iterator[Record]:
        """Records of a UCINET-style one-mode adjacency matrix (Morselli 2009; Natarajan 2000,
        2006; Grund & Densley 2012): one per node, then one per non-zero cell (one per tie of a
        symmetric matrix read as undirected)."""
        matrix = _read_matrix(reader, path, options.get("delimiter"), what)
        if matrix is None:
            return
        width = len(matrix.columns)
        if len(matrix.rows) != width:
            hint = f"The file has {len(matrix.rows)} rows under {width} column labels. " + (
                "It looks like an edge list: use --format edgelist"
                if width <= 3
                else "For a matrix of persons x events use --format two-mode-matrix"
            )
            reader.fail(matrix.header_line, f"a square matrix: one row per column ({width})", hint)
            return
        order = {label: i for i, label in enumerate(matrix.columns)}
        records: list[Record] = []
        seen: dict[str, int] = {}
        cells: list[tuple[int, str, str, str, int]] = []
        for line, label, row in matrix.rows:
            if not label:
                records.append(_no_label(line, "a node or ties"))
                continue
            found = _row_problems(label, line, seen, len(row), width)
            if label not in order:
                hint = "Kept as an actor with the ties of its row; check the labels"
                found += _one("node", label, "a row label that is also a column label", hint)
                order[label] = len(order)
            records.append((line, node_values(label, label), found))
            cells.extend(
                (line, label, matrix.columns[j], text, j + 2) for j, text in enumerate(row[:width])
            )
        records.extend(
            (matrix.header_line, node_values(c, c)) for c in matrix.columns if c not in seen
        )
        values: dict[tuple[str, str], float] = {}
        arcs: list[tuple[int, str, str, str, int]] = []
        for line, source, target, text, position in cells:
            number = _number_of(text)
            if number is None:
                records.append(_bad_cell(line, position, text, "a tie"))
            elif number != 0:
                values[(source, target)] = number
                arcs.append((line, source, target, text, position))
        symmetric = all(values.get((t, s)) == w for (s, t), w in values.items())
        directed = (not symmetric) if directed_option is None else directed_option
        log.info(
            "%s: %s %d x %d matrix read as %s",
            path.name,
            "symmetric" if symmetric else "asymmetric",
            width,
            width,
            "directed" if directed else "undirected",
        )
        edges: list[Edge] = []
        problems: list[Problems] = []
        for line, source, target, text, position in arcs:
            if not directed and symmetric and order[target] < order[source]:
                continue  # the mirror of a cell above the diagonal: the same tie
            edges.append(Edge(line, source, target, text, period, layer))
            hint = f"Field {position} of line {line} is kept as a tie of the actor with itself"
            expected = "a zero diagonal (ties between two different actors)"
            problems.append(_one("target", target, expected, hint) if source == target else ())
        records.extend(
            _tie_records(edges, directed=directed, duplicates=duplicates, problems=problems)
        )
        yield from _by_line(records)

    return parse


def _matrix_labels(paths: list[Path], *, rows: bool = True, columns: bool = True) -> set[str]:
    """The row and/or column labels of matrices (to find an attribute file's key column)."""
    labels: set[str] = set()
    for path in paths:
        text = _read_text(path)
        if not text.strip():
            continue
        lines = list(csv_lines(text, sniff_delimiter(text)))
        if columns and lines:
            labels.update(c.strip() for c in lines[0][1][1:])
        if rows:
            labels.update(f[0].strip() for _, f in lines[1:])
    labels.discard("")
    return labels


def _attributes_parse(
    path: Path, labels: Callable[[], set[str]], what: str
) -> Callable[[RecordReader], Iterator[Record]]:
    def parse(reader: RecordReader) -> Iterator[Record]:
        """Records of a node attribute file (e.g. Grund & Densley's London gang attributes,
        Legramanti et al.'s Infinito locali and roles): one node per row, keyed by the column
        that holds the network's labels."""
        text = decode(reader, path, _ENCODINGS)
        if reader.problems:
            return
        expected = (
            f"a node attribute file: a header row, then one row per {what} with a column holding "
            "its label"
        )
        lines = list(csv_lines(text, sniff_delimiter(text)))
        if len(lines) < 2 or len(lines[0][1]) < 2:
            reader.fail(lines[0][0] if lines else None, expected, "The file has no such rows")
            return
        header = [h.strip() for h in lines[0][1]]
        rows = lines[1:]
        known = labels()

        def score(i: int) -> int:
            return sum(1 for _, f in rows if i < len(f) and f[i].strip() in known)

        key = max(range(len(header)), key=lambda i: (score(i), -i))
        if known and score(key) == 0:
            hint = f"No column of {path.name} holds the labels of the network's {what}s"
            reader.fail(lines[0][0], expected, hint + "; check that the file belongs to it")
            return
        log.info("%s: node labels in column %r", path.name, header[key])
        seen: dict[str, int] = {}
        for line, fields in rows:
            node = fields[key].strip() if key < len(fields) else ""
            if not node:
                expected = f"a label in column {header[key]!r}"
                yield _kept(line, "node", None, expected, "The row is kept without a node")
                continue
            found: Problems = ()
            if known and node not in known:
                hint = "Kept as an actor without ties; check the label"
                found += _one("node", node, f"a {what} of the network", hint)
            if node in seen:
                expected = f"one row per {what} (also on line {seen[node]})"
                found += _one("node", node, expected, "Kept; the actor gets both rows' attributes")
            seen.setdefault(node, line)
            if len(fields) != len(header):
                found += _one(
                    None,
                    f"{len(fields)} fields",
                    f"{len(header)} fields, one per column of the header",
                    "Missing fields are left empty; extra fields are ignored",
                )
            pairs = [(h, fields[i]) for i, h in enumerate(header) if i != key and i < len(fields)]
            yield line, node_values(node, node, pairs), found

    return parse


def _attribute_files(value: str, near: Path) -> list[Path]:
    """The files an option names (comma-separated, relative to ``near`` if not found), or none."""
    if value.strip().lower() in ("", "none"):
        return []
    out = []
    for item in value.split(","):
        path = Path(item.strip())
        if not path.is_absolute() and not path.exists():
            path = near / item.strip()
        if not path.is_file():
            raise rejected(path, "a node attribute file", "Check the path given to the option")
        out.append(path)
    return out


def _ucinet_parts(path: Path, options: dict[str, str]) -> list[Part]:
    """One part per matrix (a file, or each matrix of a directory), then one per attribute file.

    The matrices of the UCINET covert-networks collection (Morselli 2009; Natarajan 2000, 2006;
    Grund & Densley 2012) and the Caviar phase files get their source's mapping.
    """
    _flag(options, "directed", None)
    _duplicates(options, "sum")
    slices = options.get("directory", "period")
    if slices not in ("period", "layer"):
        raise InvalidValue(slices, "period or layer (option directory)", "Use period or layer")
    if path.is_dir():
        files = _data_files(path)
        attributes = [p for p in files if _is_attribute_file(p)]
        matrices = [p for p in files if p not in attributes]
        if not matrices:
            raise rejected(
                path,
                "a directory holding adjacency matrices (CSV files: first row and first column "
                "= node labels), and optionally node attribute files (*attr*.csv, *nodes*.csv)",
                "No matrix file found; give the matrix file itself",
            )
    else:
        matrices = [path]
        stem = path.stem.lower()
        attributes = [
            p
            for p in _data_files(path.parent)
            if p != path and p.name.lower().startswith(stem) and "attr" in p.name.lower()
        ]
    if "attributes" in options:
        attributes = _attribute_files(options["attributes"], path if path.is_dir() else path.parent)
    several = len(matrices) > 1
    if several and options.get(slices):
        raise InvalidValue(
            options[slices],
            f"no option {slices} with a directory of several matrices",
            f"Each file of the directory is its own {slices} (its name); give one file to set it",
        )
    parts: list[Part] = []
    for matrix in matrices:
        period = matrix.stem if several and slices == "period" else options.get("period")
        layer = matrix.stem if several and slices == "layer" else options.get("layer")
        parts.append(
            Part(
                matrix,
                _shaped(_known(matrix, "formats/ucinet-matrix"), options),
                lambda m=matrix, p=period, la=layer: RecordReader(
                    m, ATTRIBUTED_COLUMNS, _ucinet_parse(m, options, p, la), format="ucinet-matrix"
                ),
                matrix.stem,
            )
        )
    lead = parts[0].mapping
    assert isinstance(lead, Mapping)
    for attr in attributes:
        parse = _attributes_parse(attr, lambda: _matrix_labels(matrices), "node")
        parts.append(
            Part(
                attr,
                _follow(_known(attr, "formats/ucinet-matrix_attributes"), lead),
                lambda a=attr, p=parse: RecordReader(
                    a, ATTRIBUTED_COLUMNS, p, format="node-attributes"
                ),
                "attributes",
            )
        )
    return parts


register(
    Format(
        name="ucinet-matrix",
        description="UCINET-style labelled adjacency matrix (CSV), or a directory of them (one "
        "period per file), with an optional node attribute file",
        crime_area="networks",
        kind="offline",
        parts=_ucinet_parts,
        options={
            "directed": "true, false or auto (default: directed when the matrix is asymmetric)",
            "duplicates": "how the two cells of an undirected tie of an asymmetric matrix, or a "
            "repeated row, are combined: sum (default, a_ij + a_ji), first, last, max",
            "attributes": "node attribute file(s), comma-separated, or none (default: a file "
            "beside the matrix named like it with 'attr', e.g. LONDON_GANG_ATTR.csv; in a "
            "directory every *attr*/*nodes* file)",
            "period": "the period of every tie of one file (e.g. phase1)",
            "layer": "the layer of every tie of one file (calls, co-offending)",
            "directory": "what each matrix of a directory is: period (default; its file name) or "
            "layer",
            "personal": "true to pseudonymise node labels (real names), false to keep them "
            "(default: as the known data set's mapping says, else false)",
            "delimiter": "the field separator (default: sniffed from the file)",
        },
        examples=(
            "networks/caviar/morselli_caviar.csv",
            "networks/caviar/phases",
            "networks/london_gang",
            "networks/natarajan_cocaine/natajaran_cocaine.csv",
            "networks/natarajan_heroin/natajaran_heroin.csv",
            "networks/ucinet_more/morselli_cielnet.csv",
            "networks/ucinet_more/macdonald_tfc.csv",
        ),
    )
)


# -- Montagna -----------------------------------------------------------------------------------


def _layer_from_name(path: Path) -> str:
    """The layer a Montagna file holds, from its name.

    Examples
    --------
    >>> _layer_from_name(Path("Montagna_phonecalls_edgelist.csv"))
    'phone calls'
    >>> _layer_from_name(Path("Montagna_meetings_edgelist.csv"))
    'meetings'
    """
    stem = path.stem.lower()
    if "meeting" in stem:
        return "meetings"
    if "phone" in stem or "call" in stem:
        return "phone calls"
    words = [w for w in re.split(r"[^a-z0-9]+", stem) if w not in ("", "montagna", "edgelist")]
    return " ".join(words) or stem


def _montagna_parse(
    path: Path, options: dict[str, str], layer: str
) -> Callable[[RecordReader], Iterator[Record]]:
    duplicates = _duplicates(options, "last")
    directed = bool(_flag(options, "directed", False))
    expected = "tab-separated lines node_i<TAB>node_j<TAB>weight (integers), no header"

    def parse(reader: RecordReader) -> Iterator[Record]:
        """Records of a Montagna edge list (Cavallaro et al. 2020, PLOS ONE 15(8): e0236476):
        one tie per line; a pair listed twice keeps the last weight by default, as the authors'
        networkx loader does."""
        text = decode(reader, path, _ENCODINGS)
        if reader.problems:
            return
        if "\t" not in text:
            hint = "No line has a tab" if text.strip() else "The file is empty"
            hint += ". For edge lists with other delimiters or a header use --format edgelist"
            reader.fail(1, expected, hint)
            return
        edges: list[Edge] = []
        problems: list[Problems] = []
        records: list[Record] = []
        for line, raw in csv_lines(text, "\t"):
            fields = [f.strip() for f in raw]
            joined = "\t".join(fields)
            weight = fields[2] if len(fields) > 2 and fields[2] else None
            if len(fields) < 2 or not fields[0] or not fields[1]:
                hint = "The line is kept without a tie; fill in both nodes"
                records.append(_kept(line, None, joined, expected, hint))
                continue
            if line == 1 and not any(f.isdigit() for f in fields[:2]) and not _number(weight):
                hint = "The header is kept as a record without a tie"
                records.append(_kept(line, None, joined, "no header line", hint))
                continue
            found: Problems = ()
            for column, value in (("source", fields[0]), ("target", fields[1])):
                if not value.isdigit():
                    expected_id = "an integer node id (Montagna ids are anonymised integers)"
                    found += _one(column, value, expected_id, "Kept as a node with this label")
            if weight is None:
                hint = "Kept as a tie without weight (it counts 1 if duplicates=sum)"
                found += _one("weight", None, "a weight in the third field", hint)
            if len(fields) > 3:
                hint = "The fields after the third are ignored"
                found += _one(None, "\t".join(fields[3:]), "three fields", hint)
            if fields[0] == fields[1]:
                expected_pair = "a tie between two different nodes"
                found += _one("target", fields[1], expected_pair, "Kept as a self-tie")
            edges.append(Edge(line, fields[0], fields[1], weight, None, layer))
            problems.append(found)
        records.extend(
            _tie_records(edges, directed=directed, duplicates=duplicates, problems=problems)
        )
        yield from _by_line(records)

    return parse


def _montagna_parts(path: Path, options: dict[str, str]) -> list[Part]:
    """One part per Montagna edge list (Cavallaro et al. 2020), a file or a directory's files."""
    _duplicates(options, "last")
    _flag(options, "directed", False)
    files = [path]
    if path.is_dir():
        files = _data_files(path)
        if options.get("layer"):
            raise InvalidValue(
                options["layer"],
                "no option layer with a directory",
                "Each file's layer comes from its name (meetings, phone calls); give one file to "
                "set it",
            )
        if not files:
            raise rejected(
                path,
                "a directory holding Montagna edge lists (Montagna_meetings_edgelist.csv, "
                "Montagna_phonecalls_edgelist.csv)",
                "No .csv/.tsv/.txt file found; give the edge-list file itself",
            )
    mapping = _shaped("formats/montagna-edgelist", options)
    parts = []
    for f in files:
        layer = options.get("layer") or _layer_from_name(f)
        parse = _montagna_parse(f, options, layer)
        reader = lambda f=f, p=parse: RecordReader(  # noqa: E731
            f, ATTRIBUTED_COLUMNS, p, format="montagna-edgelist"
        )
        parts.append(Part(f, mapping, reader, layer))
    return parts


register(
    Format(
        name="montagna-edgelist",
        description="Montagna Sicilian Mafia edge lists (meetings, phone calls): tab-separated, "
        "no header, last listed weight wins",
        crime_area="networks",
        kind="offline",
        parts=_montagna_parts,
        options={
            "duplicates": "how a pair listed twice is combined: last (default, the authors' "
            "convention), first, sum, max",
            "directed": "true to read node_i -> node_j as directed (default false)",
            "layer": "the layer of one file (default: from its name: meetings, phone calls)",
        },
        examples=("networks/montagna", "networks/montagna/Montagna_meetings_edgelist.csv"),
    )
)


# -- two-mode -----------------------------------------------------------------------------------


def _clean_event(label: str) -> tuple[str, Problems]:
    """An event label without a spreadsheet's leading apostrophe (flagged).

    Examples
    --------
    >>> _clean_event("'26/02/2008 dinner")[0], _clean_event("27/02/2008")
    ('26/02/2008 dinner', ('27/02/2008', ()))
    """
    if label.startswith("'") and label[1:].strip():
        hint = "The apostrophe (a spreadsheet's text marker) was removed"
        return label[1:].strip(), _one("event", label, "a label without a leading '", hint)
    return label, ()


def _two_mode_parse(
    path: Path, options: dict[str, str]
) -> Callable[[RecordReader], Iterator[Record]]:
    transpose = bool(_flag(options, "transpose", False))
    role = options.get("role") or "attended"
    what = (
        "a two-mode matrix: a first row of event labels, then one row per person starting with "
        "the person's label (--option transpose=true when events are the rows)"
    )

    def parse(reader: RecordReader) -> Iterator[Record]:
        """Records of a two-mode person x event matrix (e.g. the Operazione Infinito summit
        attendance, Calderoni et al. 2017; Legramanti et al. 2022): one per event, one per
        person, then one per non-zero cell (a person attended an event)."""
        matrix = _read_matrix(reader, path, options.get("delimiter"), what)
        if matrix is None:
            return
        width = len(matrix.columns)
        records: list[Record] = []
        seen: dict[str, int] = {}
        # The rows are persons (or events, transposed), the columns events (or persons).
        row_found: dict[int, Problems] = {}
        for line, label, row in matrix.rows:
            if label:
                row_found[line] = _row_problems(label, line, seen, len(row), width)
            else:
                records.append(_no_label(line, "a node or links"))
        header = [(matrix.header_line, c, i, ()) for i, c in enumerate(matrix.columns, start=1)]
        body = [(li, la, i, row_found[li]) for i, (li, la, _) in enumerate(matrix.rows, 1) if la]
        people, events = (header, body) if transpose else (body, header)
        event_of: dict[str, str] = {}
        for line, label, position, found in events:
            clean, problem = _clean_event(label)
            if clean in event_of.values():  # would merge two events: keep the label as it is
                clean, problem = label, ()
            event_of[label] = clean
            date = _DATE_RE.search(clean)
            values: dict[str, Any] = {"event": clean, "event_id": str(position)}
            values["event_date"] = date.group(0) if date else None
            records.append((line, values, found + problem))
        records.extend((line, node_values(label, label), found) for line, label, _, found in people)
        for line, label, row in matrix.rows:
            if not label:
                continue
            for j, text in enumerate(row[:width]):
                person, event = (
                    (matrix.columns[j], label) if transpose else (label, matrix.columns[j])
                )
                number = _number_of(text)
                if number is None:
                    records.append(_bad_cell(line, j + 2, text, "a link"))
                elif number != 0:
                    value = None if number == 1 else f"value={text}"
                    link = {"node": person, "name": person, "event": event_of[event]}
                    records.append((line, {**link, "link_role": role, "link_value": value}))
        yield from _by_line(records)

    return parse


def _two_mode_parts(path: Path, options: dict[str, str]) -> list[Part]:
    """The matrix, then its node attribute file (e.g. Infinito: Calderoni et al. 2017 and the
    locale/role coding of Legramanti et al. 2022)."""
    transpose = bool(_flag(options, "transpose", False))
    nodes: list[Path] = []
    matrix = path
    if path.is_dir():
        files = _data_files(path)
        nodes = [p for p in files if _is_attribute_file(p)]
        skipped = [p for p in files if p not in nodes and "edge" in p.stem.lower()]
        for p in skipped:
            log.info("%s: an edge list, not read by format two-mode-matrix", p.name)
        matrices = [p for p in files if p not in nodes and p not in skipped]
        if len(matrices) != 1:
            raise rejected(
                path,
                "a directory holding one two-mode matrix (first row = events, first column = "
                "persons) and optionally a node attribute file (*nodes*.csv or *attr*.csv)",
                f"Candidate matrices: {', '.join(p.name for p in matrices) or 'none'}. Give the "
                "matrix file itself, with --option nodes=FILE for its attribute file",
            )
        matrix = matrices[0]
    if "nodes" in options:
        nodes = _attribute_files(options["nodes"], matrix.parent)
    mapping = _shaped(_known(matrix, "formats/two-mode-matrix"), options)
    parse = _two_mode_parse(matrix, options)
    parts = [
        Part(
            matrix,
            mapping,
            lambda: RecordReader(matrix, TWO_MODE_COLUMNS, parse, format="two-mode-matrix"),
            matrix.stem,
        )
    ]
    for node_file in nodes:
        parse_nodes = _attributes_parse(
            node_file,
            lambda: _matrix_labels([matrix], rows=not transpose, columns=transpose),
            "person",
        )
        parts.append(
            Part(
                node_file,
                _follow(_known(node_file, "formats/two-mode-matrix_attributes"), mapping),
                lambda n=node_file, p=parse_nodes: RecordReader(
                    n, TWO_MODE_COLUMNS, p, format="node-attributes"
                ),
                "nodes",
            )
        )
    return parts


register(
    Format(
        name="two-mode-matrix",
        description="Two-mode person x event matrix (e.g. summit attendance): Actors, Events and "
        "attended links, with an optional node attribute file",
        crime_area="networks",
        kind="offline",
        parts=_two_mode_parts,
        options={
            "transpose": "true when events are the rows and persons the columns (default false)",
            "nodes": "node attribute file of the persons, or none (default: in a directory, its "
            "*nodes*/*attr* file)",
            "role": "the role of the person -> event links (default attended)",
            "personal": "false to keep person labels readable (default: pseudonymised, as they "
            "name people)",
            "delimiter": "the field separator (default: sniffed from the file)",
        },
        examples=(
            "networks/ndrangheta_infinito",
            "networks/ndrangheta_infinito/NDRANGHETAMAFIA_2M.csv",
        ),
    )
)


# -- XML: GraphML and GEXF ----------------------------------------------------------------------


@dataclass
class _El:
    """An XML element: local name, attributes (local names), line, children, text."""

    tag: str
    attrs: dict[str, str]
    line: int
    children: list[_El] = field(default_factory=list)
    text: str = ""

    def find(self, *path: str) -> list[_El]:
        """The descendants along ``path`` of child tags (``find("edges", "edge")``)."""
        found = [self]
        for tag in path:
            found = [c for el in found for c in el.children if c.tag == tag]
        return found

    def get(self, name: str) -> str:
        return self.attrs.get(name, "").strip()


class _EntityDeclared(Exception):
    """An XML file declares entities (refused: entity expansion attacks)."""


def _xml_tree(reader: RecordReader, path: Path, what: str) -> _El | None:
    """The element tree of ``path`` with line numbers; malformed XML is a fatal problem.

    Entity declarations (the "billion laughs" attack) are refused.
    """
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    roots: list[_El] = []
    stack: list[_El] = []

    def local(name: str) -> str:
        return name.rsplit("}", 1)[-1]

    def start(name: str, attrs: dict[str, str]) -> None:
        el = _El(local(name), {local(k): v for k, v in attrs.items()}, parser.CurrentLineNumber)
        (stack[-1].children if stack else roots).append(el)
        stack.append(el)

    def end(name: str) -> None:
        stack.pop()

    def chars(text: str) -> None:
        if stack and stack[-1].tag in ("data", "default"):
            stack[-1].text += text

    def entity(*args: object) -> None:
        raise _EntityDeclared

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.EntityDeclHandler = entity
    try:
        with open(path, "rb") as fh:
            parser.ParseFile(fh)
    except expat.ExpatError as exc:
        reader.fail(exc.lineno, f"well-formed XML ({what})", f"{exc}; correct the file")
        return None
    except (LookupError, UnicodeError) as exc:
        hint = (
            f'{exc}; save the file as UTF-8 and declare it: <?xml version="1.0" encoding="UTF-8"?>'
        )
        reader.fail(1, f"{what} in a known text encoding", hint)
        return None
    except _EntityDeclared:
        reader.fail(None, f"{what} without entity declarations", "Remove the <!ENTITY> lines")
        return None
    return roots[0] if roots else None


def _xml_root(reader: RecordReader, path: Path, tag: str, what: str, other: str) -> _El | None:
    """The root of an XML network file if it is a ``tag`` holding a <graph>, else fatal."""
    root = _xml_tree(reader, path, what)
    if root is None:
        if not reader.problems:
            reader.fail(None, what, "The file holds no XML element")
        return None
    if root.tag != tag:
        hint = f"The root element is <{root.tag}>"
        if root.tag == other:
            hint += f": a {other.upper()} file, use --format {other}"
        reader.fail(root.line, f"{what}: root element <{tag}>", hint)
        return None
    if not root.find("graph"):
        reader.fail(root.line, f"a <graph> element in {what}", "The file has no graph")
        return None
    return root


class _Graph:
    """Nodes and edges read from an XML network, made into records at the end."""

    def __init__(self) -> None:
        self.records: list[Record] = []
        self.edges: list[tuple[Edge, bool, dict[str, str | None]]] = []
        self.labels: dict[str, str] = {}

    def node(self, el: _El, label: str, attributes: list[tuple[str, str]], found: Problems) -> None:
        node = el.get("id")
        if not node:
            self.records.append(_kept(el.line, "node", None, "an id on every node", "Kept"))
            return
        if node in self.labels:
            found += _one("node", node, "one node per id", "Kept; the actor gets both")
        self.labels.setdefault(node, label or node)
        self.records.append((el.line, node_values(node, label or node, attributes), found))

    def edge(
        self, el: _El, directed: bool, data: list[tuple[str, str]], weight_name: str
    ) -> tuple[Edge | None, dict[str, str | None] | None]:
        """Add an edge; returns it and its extra values (None without both ends)."""
        source, target = el.get("source"), el.get("target")
        if not source or not target:
            expected = "a source and a target on every edge"
            self.records.append(_kept(el.line, None, None, expected, "Kept without a tie"))
            return None, None
        weight, layer, period, rest = _split_edge_data(data, weight_name)
        extra = {"tie_id": el.get("id") or None, "tie_attributes": "|".join(rest) or None}
        edge = Edge(el.line, source, target, weight, period, layer)
        self.edges.append((edge, directed, extra))
        return edge, extra

    def result(self, duplicates: str) -> list[Record]:
        """Records: nodes, then ties (directed and undirected ones combined apart)."""
        records = list(self.records)
        for directed in (False, True):
            chosen = [e for e in self.edges if e[1] is directed]
            if chosen:
                records.extend(
                    _tie_records(
                        [e[0] for e in chosen],
                        directed=directed,
                        duplicates=duplicates,
                        names=self.labels,
                        extras=[e[2] for e in chosen],
                        problems=[self._undeclared(e[0]) for e in chosen],
                    )
                )
        return _by_line(records)

    def _undeclared(self, edge: Edge) -> Problems:
        found: Problems = ()
        for end, node in (("source", edge.source), ("target", edge.target)):
            if node not in self.labels:
                hint = "The node is added from the edge, without attributes"
                found += _one(end, node, "a node declared in the file", hint)
        return found


def _split_edge_data(
    data: list[tuple[str, str]], weight_name: str
) -> tuple[str | None, str | None, str | None, list[str]]:
    """The weight, layer, period and other ``name=value`` attributes of an edge.

    Examples
    --------
    >>> data = [("Weight", "2"), ("kind", "calls"), ("year", "1995"), ("x", "y")]
    >>> _split_edge_data(data, "weight")
    ('2', 'calls', '1995', ['x=y'])
    """
    weight = layer = period = None
    rest: list[str] = []
    for name, raw in data:
        key, value = name.strip().lower(), " ".join(raw.split())
        if not value:
            continue
        if key == weight_name and weight is None:
            weight = value
        elif key in _LAYER_NAMES and layer is None:
            layer = value
        elif key in _PERIOD_NAMES and period is None:
            period = value
        else:
            rest.append(f"{name}={value.replace('|', '/')}")
    return weight, layer, period, rest


def _graphml_parse(
    path: Path, options: dict[str, str]
) -> Callable[[RecordReader], Iterator[Record]]:
    directed_option = _flag(options, "directed", None)
    duplicates = _duplicates(options, "sum")
    weight_name = (options.get("weight") or "weight").strip().lower()

    def parse(reader: RecordReader) -> Iterator[Record]:
        """Records of a GraphML file (Brandes et al., The GraphML file format,
        http://graphml.graphdrawing.org): nodes with their data, edges with weight, layer,
        period and other data, directed as the file says (edgedefault, each edge's directed)."""
        root = _xml_root(reader, path, "graphml", "a GraphML file", "gexf")
        if root is None:
            return
        keys: dict[str, tuple[str, str, str | None]] = {}
        for key in root.find("key"):
            default = key.find("default")
            name = key.get("attr.name") or key.get("id")
            keys[key.get("id")] = (
                key.get("for") or "all",
                name,
                default[0].text if default else None,
            )
        graph = _Graph()

        def data_of(el: _El, kind: str) -> list[tuple[str, str]]:
            given = {d.get("key"): d.text for d in el.find("data")}
            out = [(keys[k][1] if k in keys else k, v) for k, v in given.items()]
            return out + [
                (name, default)
                for k, (for_, name, default) in keys.items()
                if default is not None and for_ in (kind, "all") and k not in given
            ]

        def walk(g: _El, edgedefault: str) -> None:
            for el in g.children:
                if el.tag == "node":
                    data = data_of(el, "node")
                    label = next((v for n, v in data if n.lower() in _LABEL_NAMES), "").strip()
                    rest = [(n, v) for n, v in data if n.lower() not in _LABEL_NAMES]
                    found: Problems = ()
                    for inner in el.find("graph"):
                        expected = "a flat graph (a node holding a graph is not supported)"
                        hint = "The inner graph's nodes and edges are read as the outer graph's"
                        found = _one("node", el.get("id"), expected, hint)
                        walk(inner, inner.get("edgedefault") or edgedefault)
                    graph.node(el, label, rest, found)
                elif el.tag == "edge":
                    flag = el.get("directed").lower()
                    directed = (
                        directed_option
                        if directed_option is not None
                        else flag == "true" or (flag != "false" and edgedefault == "directed")
                    )
                    graph.edge(el, directed, data_of(el, "edge"), weight_name)
                elif el.tag == "hyperedge":
                    expected = "edges between two nodes (a hyperedge is not supported)"
                    hint = "The hyperedge is kept as a record without ties"
                    graph.records.append(_kept(el.line, None, None, expected, hint))

        for g in root.find("graph"):
            walk(g, g.get("edgedefault") or "undirected")
        yield from graph.result(duplicates)

    return parse


def _period(start: str | None, end: str | None) -> str | None:
    """An ISO 8601 interval from GEXF's start and end (``..`` for an open end).

    Examples
    --------
    >>> _period("2001", "2003"), _period("2001", None), _period(None, " ")
    ('2001/2003', '2001/..', None)
    """
    start, end = (start or "").strip(), (end or "").strip()
    if not start and not end:
        return None
    return f"{start or '..'}/{end or '..'}"


def _gexf_parse(path: Path, options: dict[str, str]) -> Callable[[RecordReader], Iterator[Record]]:
    directed_option = _flag(options, "directed", None)
    duplicates = _duplicates(options, "sum")

    def parse(reader: RecordReader) -> Iterator[Record]:
        """Records of a GEXF file (GEXF Working Group, GEXF 1.2/1.3 specification,
        https://gexf.net): nodes with their attvalues, edges with weight, kind (layer),
        start/end or spells (periods) and other attvalues, directed as the file says."""
        root = _xml_root(reader, path, "gexf", "a GEXF file", "graphml")
        if root is None:
            return
        graph = _Graph()
        for g in root.find("graph"):
            default_type = (g.get("defaultedgetype") or "undirected").lower()
            titles: dict[tuple[str, str], tuple[str, str | None]] = {}
            for block in g.find("attributes"):
                for attr in block.find("attribute"):
                    default = attr.find("default")
                    titles[(block.get("class") or "node", attr.get("id"))] = (
                        attr.get("title") or attr.get("id"),
                        default[0].text if default else None,
                    )
            for el, depth in _gexf_nodes(g, 0):
                attributes = _attvalues(el, "node", titles)
                when = _period(el.get("start"), el.get("end"))
                attributes += [("period", when)] if when else []
                attributes += [("spell", s) for s in _spells(el)]
                found: Problems = ()
                if depth:
                    expected = "a flat node list (nested nodes are not supported)"
                    hint = "Kept as a node of the graph; its parent is not recorded"
                    found = _one("node", el.get("id"), expected, hint)
                graph.node(el, el.get("label"), attributes, found)
            for el in g.find("edges", "edge"):
                kind = (el.get("type") or default_type).lower()
                directed = kind == "directed" if directed_option is None else directed_option
                data = _attvalues(el, "edge", titles)
                data = [("weight", el.get("weight")), ("layer", el.get("kind")), *data]
                data += [("label", el.get("label"))] if el.get("label") else []
                edge, extra = graph.edge(el, directed, data, "weight")
                if edge is None or extra is None:
                    continue
                when = _period(el.get("start"), el.get("end"))
                periods = _spells(el) or ([when] if when else [])
                if periods:  # one tie per time slice
                    graph.edges.pop()
                    for when in periods:
                        tie = Edge(
                            edge.line, edge.source, edge.target, edge.weight, when, edge.layer
                        )
                        graph.edges.append((tie, directed, extra))
        yield from graph.result(duplicates)

    return parse


def _gexf_nodes(el: _El, depth: int) -> Iterator[tuple[_El, int]]:
    for node in el.find("nodes", "node"):
        yield node, depth
        yield from _gexf_nodes(node, depth + 1)


def _attvalues(
    el: _El, kind: str, titles: dict[tuple[str, str], tuple[str, str | None]]
) -> list[tuple[str, str]]:
    """A GEXF element's attvalues (``for`` or, in GEXF 1.1, ``id``) and the defaults."""
    out: list[tuple[str, str]] = []
    given: set[str] = set()
    for av in el.find("attvalues", "attvalue"):
        key = av.get("for") or av.get("id")
        given.add(key)
        when = _period(av.get("start"), av.get("end"))
        value = av.attrs.get("value", "")
        out.append(
            (titles.get((kind, key), (key, None))[0], f"{value} ({when})" if when else value)
        )
    return out + [
        (name, default)
        for (k, key), (name, default) in titles.items()
        if k == kind and default is not None and key not in given
    ]


def _spells(el: _El) -> list[str]:
    periods = (_period(s.get("start"), s.get("end")) for s in el.find("spells", "spell"))
    return [p for p in periods if p]


def _xml_parts(
    fmt: str, parse: Callable[[Path, dict[str, str]], Callable[[RecordReader], Iterator[Record]]]
) -> Callable[[Path, dict[str, str]], list[Part]]:
    def parts(path: Path, options: dict[str, str]) -> list[Part]:
        """One part: the XML file."""
        _flag(options, "directed", None)
        _duplicates(options, "sum")
        if path.is_dir():
            raise rejected(path, f"a {fmt} file", f"Give the .{fmt} file itself")
        mapping = _shaped(f"formats/{fmt}", options)
        records = parse(path, options)
        reader = lambda: RecordReader(path, ATTRIBUTED_COLUMNS, records, format=fmt)  # noqa: E731
        return [Part(path, mapping, reader, "network")]

    return parts


register(
    Format(
        name="graphml",
        description="GraphML network (nodes and edges with their data; directed, undirected or "
        "mixed)",
        crime_area="networks",
        kind="offline",
        parts=_xml_parts("graphml", _graphml_parse),
        options={
            "directed": "true, false or auto (default: as the file says: edgedefault and each "
            "edge's directed attribute)",
            "duplicates": "how parallel edges are combined: sum (default), first, last, max",
            "weight": "the name of the edge data holding the weight (default weight)",
            "personal": "true to pseudonymise node ids and labels (real names; default false)",
        },
        examples=("a .graphml file (e.g. written by networkx.write_graphml, Gephi, yEd)",),
    )
)

register(
    Format(
        name="gexf",
        description="GEXF network (Gephi): nodes with attvalues, edges with weight, kind and "
        "spells",
        crime_area="networks",
        kind="offline",
        parts=_xml_parts("gexf", _gexf_parse),
        options={
            "directed": "true, false or auto (default: as the file says: defaultedgetype and "
            "each edge's type; mutual is undirected)",
            "duplicates": "how parallel edges are combined: sum (default), first, last, max",
            "personal": "true to pseudonymise node ids and labels (real names; default false)",
        },
        examples=("a .gexf file (e.g. written by Gephi or networkx.write_gexf)",),
    )
)
