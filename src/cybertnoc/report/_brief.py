"""The data classes of an evidence brief: what a domain hands to the report face.

A :class:`Brief` is plain, immutable data: a header, a strip of key figures, one
:class:`Section` per crime area made of blocks (:class:`Paragraph`, :class:`Table`,
:class:`Figure`, :class:`KeyFigure`, :class:`Callout`), the sources with their provenance
(:class:`SourceRow`), the methods used (:class:`MethodNote`), notes and a reproducibility record.
Nothing here computes a finding; the classes check that what they are given can be laid out
(ids are slugs, table rows have as many cells as there are columns, a figure's SVG makes no
network request) and raise :class:`cybertnoc.errors.InvalidValue` naming the field otherwise.

Sequences given as lists are stored as tuples, so a brief cannot change after it was built.
"""

from __future__ import annotations

import logging
import math
import numbers
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Literal

from cybertnoc.errors import InvalidValue

__all__ = [
    "RESERVED_IDS",
    "Block",
    "Brief",
    "Callout",
    "Figure",
    "KeyFigure",
    "MethodNote",
    "Paragraph",
    "Section",
    "SourceRow",
    "Table",
    "slugify",
]

logger = logging.getLogger(__name__)

#: Ids the page itself uses; a :class:`Section` may not take them.
_PAGE_PARTS = ("contents", "summary", "sources", "methods", "ethics", "reproducibility")
RESERVED_IDS = frozenset(
    {"top", "notes", "sources-table", *_PAGE_PARTS, *(f"{p}-title" for p in _PAGE_PARTS)}
)
#: Prefixes of ids the renderer gives figures, tables and the ids inside figures.
_RESERVED_PREFIX = re.compile(r"^(figure|table|fig\d+)-")
_SLUG = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_CALLOUT_KINDS = ("info", "warning")


def slugify(text: str) -> str:
    """Turn a title into a stable id usable as a :class:`Section` id and a link target.

    Accents are dropped, everything but ASCII letters and digits becomes a hyphen, and the
    result is lower case, so the same title always gives the same id.

    Parameters
    ----------
    text : str
        A title, e.g. ``"Drug trafficking: darknet routes"``.

    Returns
    -------
    str
        The slug, e.g. ``"drug-trafficking-darknet-routes"``.

    Raises
    ------
    InvalidValue
        If nothing usable is left (the text has no ASCII letter or digit).

    Examples
    --------
    >>> slugify("Money laundering & crypto-assets")
    'money-laundering-crypto-assets'
    >>> slugify("Modern slavery (2024)")
    'modern-slavery-2024'
    """
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not slug:
        raise InvalidValue(text, "a title with at least one ASCII letter or digit")
    if slug[0].isdigit():
        slug = "s-" + slug
    return slug


def _text(value: object, name: str, *, required: bool = True) -> str:
    if not isinstance(value, str):
        raise InvalidValue(value, f"a string for {name}", f"Pass {name} as text.")
    if required and not value.strip():
        raise InvalidValue(value, f"a non-empty string for {name}")
    return value


def _sequence(value: object, name: str) -> tuple[Any, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InvalidValue(value, f"a list for {name}")
    return tuple(value)


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)


# --------------------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text.

    The text is HTML-escaped when rendered. ``**bold**`` marks the only inline markup: the text
    between two pairs of asterisks is set in bold.

    Parameters
    ----------
    text : str
        The paragraph.
    """

    text: str

    def __post_init__(self) -> None:
        _text(self.text, "Paragraph.text")


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


_NUMERIC_TEXT = re.compile(
    r"^[<>≈~]?\s*[-−+]?\s*[£$€¥]?\s*(\d{1,3}([,  ]\d{3})+|\d+)?(\.\d+)?\s*"
    r"(%|‰|[kKmMbB]n?|bn)?$"
)


def _looks_numeric(value: object) -> bool:
    """A number, or text that reads as one (``"1,234"``, ``"12.5%"``, ``"€3.2m"``)."""
    if _is_number(value):
        return True
    if isinstance(value, str):
        text = value.strip()
        return bool(text) and any(c.isdigit() for c in text) and bool(_NUMERIC_TEXT.match(text))
    return False


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if type(value).__name__ in {"NAType", "NaTType"}:  # pandas.NA, pandas.NaT
        return True
    return _is_number(value) and math.isnan(float(value))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Table:
    """A table of finished figures, with a caption set above it.

    Cells may be strings or numbers; numbers are formatted with thousands separators (integers
    as they are, other numbers with two decimals: pass text to choose another precision), and a
    missing value (``None``, NaN) is shown as an em dash. Numeric columns are right-aligned.

    Parameters
    ----------
    columns : list of str
        Column headings.
    rows : list of list
        One list of cells per row, each as long as ``columns``.
    caption : str
        What the table shows, including its unit and source where it matters.
    numeric : set of int, optional
        Indexes of the columns to right-align. By default a column is numeric when every
        non-missing cell is a number or text that reads as one (``"1,234"``, ``"12%"``).

    Raises
    ------
    InvalidValue
        If a row has the wrong number of cells or an index in ``numeric`` is out of range.

    Examples
    --------
    >>> t = Table(["route", "seizures"], [["CO → ES", 41], ["PE → NL", 17]], "Top routes")
    >>> t.numeric
    frozenset({1})
    """

    columns: Sequence[str]
    rows: Sequence[Sequence[object]]
    caption: str
    numeric: frozenset[int] | set[int] | None = None

    def __post_init__(self) -> None:
        columns = tuple(_text(c, "a Table column", required=False) for c in self.columns)
        if not columns:
            raise InvalidValue(list(self.columns), "at least one column for Table.columns")
        rows = tuple(tuple(_sequence(r, "a Table row")) for r in _sequence(self.rows, "rows"))
        bad = [i + 1 for i, r in enumerate(rows) if len(r) != len(columns)]
        if bad:
            shown = ", ".join(map(str, bad[:10])) + (" ..." if len(bad) > 10 else "")
            raise InvalidValue(
                f"rows {shown}",
                f"{len(columns)} cells per row, one per column ({', '.join(columns)})",
                "Give every row one cell per column; use None for a missing value.",
            )
        _text(self.caption, "Table.caption")
        if self.numeric is None:
            numeric = frozenset(
                j
                for j in range(len(columns))
                if any(not _is_missing(r[j]) for r in rows)
                and all(_is_missing(r[j]) or _looks_numeric(r[j]) for r in rows)
            )
        else:
            numeric = frozenset(int(j) for j in self.numeric)
            out = sorted(j for j in numeric if not 0 <= j < len(columns))
            if out:
                raise InvalidValue(
                    out, f"column indexes between 0 and {len(columns) - 1} for Table.numeric"
                )
        _set(self, "columns", columns)
        _set(self, "rows", rows)
        _set(self, "numeric", numeric)

    @classmethod
    def from_dataframe(
        cls,
        frame: Any,
        caption: str,
        *,
        numeric: set[int] | None = None,
        index: bool = False,
    ) -> Table:
        """A table from a pandas DataFrame, its column names as headings.

        Parameters
        ----------
        frame : pandas.DataFrame
            The finished table (already sorted, filtered and rounded as it should be shown).
        caption : str
            What the table shows.
        numeric : set of int, optional
            Columns to right-align; by default numeric dtypes are.
        index : bool, default False
            Whether to show the index as the first column.

        Returns
        -------
        Table
        """
        if index:
            frame = frame.reset_index()
        if numeric is None:
            numeric = {
                j for j, dtype in enumerate(frame.dtypes) if getattr(dtype, "kind", "O") in "iuf"
            }
        rows = [[_plain(v) for v in row] for row in frame.itertuples(index=False, name=None)]
        return cls([str(c) for c in frame.columns], rows, caption, numeric)


def _plain(value: object) -> object:
    """numpy scalars as Python numbers (so they format like numbers)."""
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__ == "numpy":
        return item()
    return value


class _SvgInspector(HTMLParser):
    """Collects what in an SVG could reach outside the page or run code."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in {"script", "foreignobject", "iframe", "object", "embed"}:
            self.problems.append(f"a <{tag}> element")
        for name, value in attrs:
            value = (value or "").strip()
            if name.startswith("on"):
                self.problems.append(f"an event handler attribute {name!r}")
            elif (name in {"href", "xlink:href", "src"} or name.endswith(":href")) and not (
                value.startswith("#") or value.lower().startswith("data:")
            ):
                self.problems.append(f"a link {name}={value!r} that is not #fragment or data:")

    handle_startendtag = handle_starttag


_CSS_URL = re.compile(r"url\(\s*(['\"]?)\s*(?!#|data:)([^)'\"]*)\1\s*\)", re.IGNORECASE)
_PROLOG = re.compile(r"^\s*(<\?xml[^>]*\?>\s*|<!DOCTYPE[^>]*>\s*|<!--.*?-->\s*)*", re.DOTALL)


@dataclass(frozen=True)
class Figure:
    """A chart or picture as inline SVG markup, with a caption set under it.

    Build one with the functions of :mod:`cybertnoc.report.charts`, or pass SVG made elsewhere.
    An XML prolog, DOCTYPE or leading comment is dropped so the markup embeds inline. The SVG must
    not reach outside the page: no ``<script>``, no event handler attributes, no
    ``<foreignObject>``, every ``href`` a ``#fragment`` or ``data:`` URI and no CSS ``url()``
    other than those. The renderer prefixes the ids inside each figure, so figures never clash.

    Parameters
    ----------
    svg : str
        The ``<svg>...</svg>`` markup.
    caption : str
        What the figure shows, the unit and the source.
    alt : str
        A text alternative for readers who cannot see it: the finding, not a description of
        the chart type.

    Raises
    ------
    InvalidValue
        If ``svg`` is not SVG markup or could make a network request or run code.
    """

    svg: str
    caption: str
    alt: str

    def __post_init__(self) -> None:
        svg = _PROLOG.sub("", _text(self.svg, "Figure.svg")).strip()
        if not svg.lower().startswith("<svg") or not svg.lower().endswith("</svg>"):
            raise InvalidValue(
                svg[:60] + ("..." if len(svg) > 60 else ""),
                "inline SVG markup starting with <svg and ending with </svg>",
                "Pass the markup itself (cybertnoc.report.charts builds it), not a file path.",
            )
        inspector = _SvgInspector()
        inspector.feed(svg)
        inspector.close()
        problems = list(dict.fromkeys(inspector.problems))
        problems += [f"a CSS url({m.group(2)!r})" for m in _CSS_URL.finditer(svg)]
        if re.search(r"@import", svg, re.IGNORECASE):
            problems.append("a CSS @import")
        if problems:
            raise InvalidValue(
                "; ".join(problems[:10]),
                "an SVG that makes no network request and runs no code",
                "Inline images as data: URIs and remove scripts and external references.",
            )
        _text(self.caption, "Figure.caption")
        _text(self.alt, "Figure.alt")
        _set(self, "svg", svg)


@dataclass(frozen=True)
class KeyFigure:
    """One headline number, for the summary strip or inside a section.

    Parameters
    ----------
    label : str
        What is counted, e.g. ``"Darknet listings analysed"``.
    value : str
        The finished, formatted value, e.g. ``"12,418"`` or ``"37%"``.
    note : str, optional
        A short qualifier shown under the value (period, unit, comparison).
    provenance : str, optional
        Where the number comes from (source, query, rows), shown in small print so every
        headline number can be traced back.
    """

    label: str
    value: str
    note: str = ""
    provenance: str = ""

    def __post_init__(self) -> None:
        _text(self.label, "KeyFigure.label")
        if _is_number(self.value):
            raise InvalidValue(
                self.value,
                "a formatted string for KeyFigure.value",
                f"Format the number as it should read, e.g. {self.value:,}.",
            )
        _text(self.value, "KeyFigure.value")
        _text(self.note, "KeyFigure.note", required=False)
        _text(self.provenance, "KeyFigure.provenance", required=False)


@dataclass(frozen=True)
class Callout:
    """A boxed remark: context (``"info"``) or a caveat the reader must not miss (``"warning"``).

    Parameters
    ----------
    text : str
        Plain text, escaped; ``**bold**`` as in :class:`Paragraph`.
    kind : {"info", "warning"}, default "info"
    """

    text: str
    kind: Literal["info", "warning"] = "info"

    def __post_init__(self) -> None:
        _text(self.text, "Callout.text")
        if self.kind not in _CALLOUT_KINDS:
            raise InvalidValue(self.kind, "one of 'info', 'warning' for Callout.kind")


#: Any block a :class:`Section` can hold.
Block = Paragraph | Table | Figure | KeyFigure | Callout
_BLOCK_TYPES = (Paragraph, Table, Figure, KeyFigure, Callout)


# ---------------------------------------------------------------------------------- structure


@dataclass(frozen=True)
class Section:
    """One part of the brief, usually one crime area.

    Parameters
    ----------
    id : str
        A stable slug (lower-case ASCII letters, digits and single hyphens, starting with a
        letter) used as the HTML id and in links; :func:`slugify` makes one from a title. The
        page's own ids (:data:`RESERVED_IDS`) and the prefixes ``figure-``, ``table-`` and
        ``fig<N>-`` are taken.
    title : str
        The heading.
    lead : str
        One or two sentences with the main finding, set under the heading.
    blocks : list of Block
        The content, in order. Consecutive :class:`KeyFigure` blocks are laid out as one strip.
    crime_area : str, optional
        The crime area the section reports on (``"drugs"``, ``"laundering"``, ...).
    """

    id: str
    title: str
    lead: str
    blocks: Sequence[Block]
    crime_area: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not _SLUG.match(self.id):
            hint = ""
            if isinstance(self.id, str) and self.id.strip():
                try:
                    hint = f"Try {slugify(self.id)!r} (cybertnoc.report.slugify makes one)."
                except InvalidValue:
                    hint = ""
            raise InvalidValue(
                self.id,
                "a slug for Section.id: lower-case letters, digits and single hyphens, "
                "starting with a letter",
                hint,
            )
        if self.id in RESERVED_IDS or _RESERVED_PREFIX.match(self.id):
            raise InvalidValue(
                self.id,
                "a Section.id that the page does not use itself "
                f"(taken: {', '.join(sorted(RESERVED_IDS))} and the prefixes figure-, table-, "
                "fig<N>-)",
                "Choose another id, e.g. the crime area.",
            )
        _text(self.title, "Section.title")
        _text(self.lead, "Section.lead", required=False)
        blocks = _sequence(self.blocks, "Section.blocks")
        bad = [
            f"{i}: {type(b).__name__}"
            for i, b in enumerate(blocks)
            if not isinstance(b, _BLOCK_TYPES)
        ]
        if bad:
            raise InvalidValue(
                ", ".join(bad[:5]),
                "blocks of type Paragraph, Table, Figure, KeyFigure or Callout",
                f"Check the blocks of section {self.id!r}.",
            )
        if self.crime_area is not None:
            _text(self.crime_area, "Section.crime_area")
        _set(self, "blocks", blocks)


@dataclass(frozen=True)
class SourceRow:
    """One imported source file, as the workspace's ``sources`` table records it.

    Parameters
    ----------
    name : str
        Title of the source.
    dataset : str
        The dataset name it was imported under.
    file : str
        File name.
    format : str
        ``csv``, ``xlsx``, ``jsonl``, ...
    rows : int
        Rows imported.
    flagged : int
        Rows kept but flagged for a recoverable problem.
    content_hash : str
        SHA-256 of the file content (shown shortened to 12 characters, the full hash on hover).
    licence : str
    publisher : str
    imported_at : str
        When it was imported (ISO 8601).
    crime_area : str
    """

    name: str
    dataset: str
    file: str
    format: str
    rows: int
    flagged: int
    content_hash: str
    licence: str
    publisher: str
    imported_at: str
    crime_area: str

    def __post_init__(self) -> None:
        _text(self.name, "SourceRow.name")
        for name in ("dataset", "file", "format", "content_hash", "licence", "publisher"):
            _text(getattr(self, name), f"SourceRow.{name}", required=False)
        for name in ("imported_at", "crime_area"):
            _text(getattr(self, name), f"SourceRow.{name}", required=False)
        for name in ("rows", "flagged"):
            value = getattr(self, name)
            if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 0:
                raise InvalidValue(value, f"a non-negative integer for SourceRow.{name}")
            _set(self, name, int(value))
        if self.flagged > self.rows:
            raise InvalidValue(
                self.flagged,
                f"at most the {self.rows} rows of source {self.name!r} for SourceRow.flagged",
            )


@dataclass(frozen=True)
class MethodNote:
    """A method the brief relies on, with the reference it implements.

    Parameters
    ----------
    name : str
        E.g. ``"Betweenness centrality"``.
    description : str
        What it measures and its main limitation, in plain language.
    reference : str
        The citation. Shown as text, never as a link (the page makes no network request), so
        a DOI or URL inside it stays readable but inert.
    """

    name: str
    description: str
    reference: str

    def __post_init__(self) -> None:
        _text(self.name, "MethodNote.name")
        _text(self.description, "MethodNote.description")
        _text(self.reference, "MethodNote.reference", required=False)


@dataclass(frozen=True)
class Brief:
    """An evidence brief: everything one self-contained HTML page shows.

    Render it with :func:`cybertnoc.report.render_brief` or write it with
    :func:`cybertnoc.report.write_brief`.

    Parameters
    ----------
    title, subtitle : str
        The page heading.
    generated_at : str
        When the findings were produced (ISO 8601). Given, never read from the clock, so the
        same brief renders to the same bytes.
    summary : list of KeyFigure
        The headline numbers, shown as a strip under the header.
    sections : list of Section
        One per crime area, in reading order; section ids must be unique.
    sources : list of SourceRow
        Every source a number in the brief comes from.
    methods : list of MethodNote
        The methods used, with references.
    notes : list of str, optional
        Notes on data ethics and limitations, after the platform's own statement.
    reproducibility : dict of str to str, optional
        How to produce the brief again, e.g. ``{"version": ..., "seed": "42",
        "command": "cybertnoc demo --seed 42"}``.

    Raises
    ------
    InvalidValue
        If a field has the wrong type or two sections share an id.
    """

    title: str
    subtitle: str
    generated_at: str
    summary: Sequence[KeyFigure]
    sections: Sequence[Section]
    sources: Sequence[SourceRow]
    methods: Sequence[MethodNote]
    notes: Sequence[str] = ()
    reproducibility: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _text(self.title, "Brief.title")
        _text(self.subtitle, "Brief.subtitle", required=False)
        _text(self.generated_at, "Brief.generated_at", required=False)
        for name, cls in (
            ("summary", KeyFigure),
            ("sections", Section),
            ("sources", SourceRow),
            ("methods", MethodNote),
            ("notes", str),
        ):
            items = _sequence(getattr(self, name), f"Brief.{name}")
            bad = [i for i, item in enumerate(items) if not isinstance(item, cls)]
            if bad:
                raise InvalidValue(
                    f"Brief.{name} items {bad[:10]}",
                    f"items of type {cls.__name__}",
                    f"Found {type(items[bad[0]]).__name__}.",
                )
            _set(self, name, items)
        ids = [s.id for s in self.sections]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise InvalidValue(dupes, "unique section ids", "Give each Section its own id.")
        if not isinstance(self.reproducibility, Mapping):
            raise InvalidValue(self.reproducibility, "a mapping for Brief.reproducibility")
        _set(self, "reproducibility", {str(k): str(v) for k, v in self.reproducibility.items()})
