"""Render a :class:`~cybertnoc.report.Brief` as one self-contained HTML page.

The page is built with Jinja2 (autoescape on) from ``templates/brief.html.j2``; the stylesheet
``templates/brief.css`` and a small table-sorting script are inlined. Nothing on the page can make
a network request: every ``src``/``href`` is a ``data:`` URI or an in-page ``#fragment``, the CSS
has no remote ``url()``, fonts are the reader's system fonts, and a Content-Security-Policy
``<meta>`` tells the browser to refuse any request the page might still try. The page reads and
prints without JavaScript; the script only adds sorting to table headers.

After rendering, :func:`self_containment_problems` checks the page; a page that fails the check
is never returned.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import logging
import numbers
import os
import re
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from cybertnoc.errors import InvalidValue
from cybertnoc.report._brief import (
    Brief,
    Callout,
    Figure,
    KeyFigure,
    Paragraph,
    Section,
    Table,
    _is_missing,
)

__all__ = ["render_brief", "self_containment_problems", "write_brief"]

logger = logging.getLogger(__name__)

_TEMPLATE = "brief.html.j2"
_STYLESHEET = "brief.css"

#: Names shown for the crime areas of the research programme; others are shown as given.
CRIME_AREAS = {
    "drugs": "Drug trafficking",
    "laundering": "Money laundering",
    "slavery": "Modern slavery",
    "malware": "Malware",
}

#: Always stated in the ethics section, before the brief's own notes: how the pipeline treats
#: personal data (true of every workspace, whatever the brief).
PLATFORM_ETHICS_NOTE = (
    "Columns that a source mapping marks as personal (names, phone numbers, e-mail addresses, "
    "account identifiers) were replaced at ingest by keyed pseudonyms (HMAC-SHA256); the key is "
    "never stored with the data. This brief is meant to report aggregates and pseudonymous "
    "identifiers only, never personal data."
)

# Sorting for tables marked "sortable": headers become buttons. Nothing depends on it.
_SORT_SCRIPT = """\
(function () {
  "use strict";
  function key(cell, numeric) {
    var v = cell.getAttribute("data-sort");
    if (v === null) { v = cell.textContent.trim(); }
    if (!numeric) { return v.toLowerCase(); }
    var n = parseFloat(v.replace(/[^0-9.eE+\\-]/g, ""));
    return isNaN(n) ? -Infinity : n;
  }
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function (table) {
    if (!table.tHead || !table.tBodies.length) { return; }
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var numeric = th.classList.contains("num");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[col], numeric), y = key(b.cells[col], numeric);
          var c = x === y ? 0 : (x < y ? -1 : 1);
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
"""


# ----------------------------------------------------------------------------- templates


def _read_template(name: str) -> str:
    return resources.files("cybertnoc.report").joinpath("templates", name).read_text("utf-8")


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(_read_template),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["inline"] = _inline
    return env


@functools.cache
def _stylesheet() -> str:
    css = _read_template(_STYLESHEET)
    if "</style" in css.lower():
        raise InvalidValue(_STYLESHEET, "a stylesheet without '</style'")
    return css


# ----------------------------------------------------------------------------- formatting

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")


def _inline(text: str) -> Markup:
    """Escape text, then turn ``**bold**`` into ``<strong>``."""
    return Markup(_BOLD.sub(r"<strong>\1</strong>", str(escape(text))))


def _format_cell(value: object) -> tuple[str, str | None]:
    """The text a cell shows and, for numbers, the value to sort by."""
    if _is_missing(value):
        return "—", ""
    if isinstance(value, bool):
        return ("yes" if value else "no"), None
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}", str(int(value))
    if isinstance(value, numbers.Real):
        return f"{float(value):,.2f}", repr(float(value))
    return str(value), None


def _iso_datetime(text: str) -> str | None:
    """``text`` when it is an ISO 8601 date or time (for a ``<time datetime>``), else None."""
    try:
        datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return text.strip()


# ---------------------------------------------------------------------------- SVG ids

_SVG_ID = re.compile(r"(?<![\w:.-])id\s*=\s*([\"'])(.*?)\1")
_SVG_REF = re.compile(
    r"((?<![\w.-])(?:xlink:)?href\s*=\s*[\"']#|url\(\s*[\"']?#)([^\"'()\s]+)"
    r"|((?<![\w.-])aria-(?:labelledby|describedby)\s*=\s*[\"'])([^\"']*)"
)
_SVG_ROOT = re.compile(r"^<svg\b", re.IGNORECASE)


def _prefix_ids(svg: str, prefix: str) -> str:
    """Prefix every id in ``svg`` (and every reference to one) with ``prefix``.

    References are ``href="#id"`` (also ``xlink:href``), ``url(#id)`` and the id lists of
    ``aria-labelledby`` / ``aria-describedby``; references to ids the SVG does not define are
    left alone.
    """
    ids = {m.group(2) for m in _SVG_ID.finditer(svg)}

    def ref(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            name = match.group(2)
            return match.group(1) + (prefix + name if name in ids else name)
        names = match.group(4).split()
        return match.group(3) + " ".join(prefix + n if n in ids else n for n in names)

    svg = _SVG_REF.sub(ref, svg)
    return _SVG_ID.sub(lambda m: f"id={m.group(1)}{prefix}{m.group(2)}{m.group(1)}", svg)


def _namespace_svg(svg: str, prefix: str) -> str:
    """A figure's SVG ready for the page: its ids prefixed, and hidden from assistive technology.

    Two figures on one page may carry the same ids (matplotlib names its clip paths and markers
    by a hash of their geometry); prefixing each figure's ids with its own number keeps every id
    on the page unique and every ``#ref`` pointing inside its own figure. The wrapper carries
    ``role="img"`` and the alt text, so the drawing itself is marked ``aria-hidden``.
    """
    svg = _prefix_ids(svg, prefix)
    return _SVG_ROOT.sub('<svg aria-hidden="true" focusable="false"', svg, count=1)


# ---------------------------------------------------------------------------- page model


@dataclass
class _Counters:
    figure: int = 0
    table: int = 0


def _table_view(table: Table, counters: _Counters, *, sortable: bool = True) -> dict[str, Any]:
    counters.table += 1
    rows = []
    for row in table.rows:
        cells = []
        for j, value in enumerate(row):
            text, sort = _format_cell(value)
            cells.append({"text": text, "sort": sort, "num": j in table.numeric})
        rows.append(cells)
    return {
        "kind": "table",
        "id": f"table-{counters.table}",
        "number": counters.table,
        "caption": table.caption,
        "columns": [{"text": c, "num": j in table.numeric} for j, c in enumerate(table.columns)],
        "rows": rows,
        "sortable": sortable and len(rows) > 2,
    }


def _figure_view(figure: Figure, counters: _Counters) -> dict[str, Any]:
    counters.figure += 1
    n = counters.figure
    return {
        "kind": "figure",
        "id": f"figure-{n}",
        "number": n,
        "svg": Markup(_namespace_svg(figure.svg, f"fig{n}-")),
        "caption": figure.caption,
        "alt": figure.alt,
    }


def _key_figure_view(kf: KeyFigure) -> dict[str, str]:
    return {"label": kf.label, "value": kf.value, "note": kf.note, "provenance": kf.provenance}


def _section_view(section: Section, counters: _Counters) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = []
    for block in section.blocks:
        if isinstance(block, KeyFigure):
            if blocks and blocks[-1]["kind"] == "key_figures":
                blocks[-1]["items"].append(_key_figure_view(block))
            else:
                blocks.append({"kind": "key_figures", "items": [_key_figure_view(block)]})
        elif isinstance(block, Paragraph):
            blocks.append({"kind": "paragraph", "text": block.text})
        elif isinstance(block, Callout):
            blocks.append({"kind": "callout", "text": block.text, "type": block.kind})
        elif isinstance(block, Table):
            blocks.append(_table_view(block, counters))
        elif isinstance(block, Figure):
            blocks.append(_figure_view(block, counters))
    area = section.crime_area
    return {
        "id": section.id,
        "title": section.title,
        "lead": section.lead,
        "crime_area": CRIME_AREAS.get(area, area) if area else None,
        "crime_area_code": area,
        "blocks": blocks,
    }


def _sources_view(brief: Brief) -> list[dict[str, Any]]:
    rows = []
    for s in brief.sources:
        rows.append(
            {
                "name": s.name,
                "dataset": s.dataset,
                "file": s.file,
                "format": s.format,
                "rows": f"{s.rows:,}",
                "rows_sort": str(s.rows),
                "flagged": f"{s.flagged:,}",
                "flagged_sort": str(s.flagged),
                "hash_short": s.content_hash[:12],
                "hash": s.content_hash,
                "licence": s.licence,
                "publisher": s.publisher,
                "imported_at": s.imported_at,
                "crime_area": CRIME_AREAS.get(s.crime_area, s.crime_area),
            }
        )
    return rows


def _csp(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )


def render_brief(brief: Brief) -> str:
    """Render a brief as one self-contained HTML page.

    The same brief always gives the same string: nothing is read from the clock or the
    environment.

    Parameters
    ----------
    brief : Brief
        The brief.

    Returns
    -------
    str
        The HTML document. Every ``src`` and ``href`` in it is a ``data:`` URI or a
        ``#fragment`` that exists on the page; every id is unique.

    Raises
    ------
    InvalidValue
        If ``brief`` is not a :class:`Brief`, or the page would not be self-contained (for
        instance, two ids clash); the message lists the problems.

    Examples
    --------
    >>> from cybertnoc.report import Brief, KeyFigure, Paragraph, Section
    >>> brief = Brief(
    ...     title="Darknet drug markets",
    ...     subtitle="Demo",
    ...     generated_at="2024-05-01T12:00:00Z",
    ...     summary=[KeyFigure("Listings", "1,204")],
    ...     sections=[Section("drugs", "Drugs", "Cocaine leads.", [Paragraph("Text.")])],
    ...     sources=[],
    ...     methods=[],
    ... )
    >>> html = render_brief(brief)
    >>> '<section id="drugs"' in html and 'href="#drugs"' in html
    True
    """
    if not isinstance(brief, Brief):
        raise InvalidValue(type(brief).__name__, "a cybertnoc.report.Brief")
    from cybertnoc import __version__

    counters = _Counters()
    sections = [_section_view(s, counters) for s in brief.sections]
    if not brief.sources:
        logger.warning("Brief %r lists no sources; its numbers cannot be traced back", brief.title)
    reproducibility = dict(brief.reproducibility)
    context = {
        "title": brief.title,
        "subtitle": brief.subtitle,
        "generated_at": brief.generated_at,
        "generated_iso": _iso_datetime(brief.generated_at),
        "summary": [_key_figure_view(k) for k in brief.summary],
        "sections": sections,
        "sources": _sources_view(brief),
        "methods": brief.methods,
        "platform_note": PLATFORM_ETHICS_NOTE,
        "notes": brief.notes,
        "reproducibility": reproducibility,
        "version": __version__,
        "css": Markup(_stylesheet()),
        "script": Markup(_SORT_SCRIPT),
        "csp": _csp(_SORT_SCRIPT),
    }
    html = _environment().get_template(_TEMPLATE).render(context)
    problems = self_containment_problems(html)
    if problems:
        raise InvalidValue(
            "; ".join(problems[:10]) + (" ..." if len(problems) > 10 else ""),
            "a self-contained page (unique ids, links only to #fragments or data: URIs)",
            "Check the section ids and the SVG of the figures.",
        )
    logger.info(
        "Rendered brief %r: %d sections, %d figures, %d tables, %d bytes",
        brief.title,
        len(sections),
        counters.figure,
        counters.table,
        len(html.encode("utf-8")),
    )
    return html


def write_brief(brief: Brief, path: str | os.PathLike[str]) -> Path:
    """Render a brief and write it as a UTF-8 HTML file.

    The file is written to a temporary name beside ``path`` and then moved into place, so a
    reader never sees half a brief. Missing parent directories are created.

    Parameters
    ----------
    brief : Brief
        The brief.
    path : str or path-like
        The file to write, e.g. ``workspace.reports_dir / "brief.html"``.

    Returns
    -------
    pathlib.Path
        The absolute path written.

    Raises
    ------
    InvalidValue
        If ``path`` is a directory, or as :func:`render_brief`.
    """
    target = Path(path).expanduser().resolve()
    if target.is_dir():
        raise InvalidValue(
            str(target), "a file path for the brief", f"Try {str(target / 'brief.html')!r}."
        )
    html = render_brief(brief)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(html)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    logger.info("Wrote brief %r to %s", brief.title, target)
    return target


# ----------------------------------------------------------------------- self-containment

_LINK_ATTRS = {"src", "href", "xlink:href", "poster", "data", "action", "formaction", "background"}
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_FORBIDDEN_TAGS = {"iframe", "frame", "object", "embed", "base", "applet", "portal"}


class _PageInspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.css: list[str] = []
        self.problems: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: (value or "") for name, value in attrs}
        if tag in _FORBIDDEN_TAGS:
            self.problems.append(f"a <{tag}> element")
        if tag == "script" and "src" in values:
            self.problems.append(f"<script src={values['src']!r}>")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.problems.append("a <meta http-equiv=refresh>")
        if tag == "link" and "stylesheet" in values.get("rel", "").lower().split():
            self.problems.append(f"<link rel=stylesheet href={values.get('href')!r}>")
        for name, value in values.items():
            if name == "id":
                self.ids.append(value)
            elif name in _LINK_ATTRS or name.endswith(":href"):
                self.links.append((tag, name, value.strip()))
            elif name in {"srcset", "imagesrcset"}:
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    if url:
                        self.links.append((tag, name, url))
            elif name == "style" or "url(" in value.lower():
                # style, and presentation attributes such as clip-path="url(#c)" or fill=...
                self.css.append(value)
        if tag in {"style", "script"}:
            self._in = tag

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in = None

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.css.append(data)


def self_containment_problems(html: str) -> list[str]:
    """What in an HTML page could make a network request or point nowhere.

    Checks, with :class:`html.parser.HTMLParser` rather than regular expressions: every
    ``src``, ``href`` (also ``xlink:href``), ``srcset``, ``poster``, ``data`` and ``action`` is a
    ``data:`` URI or a ``#fragment`` naming an id on the page; CSS (in ``<style>``, ``style``
    attributes and presentation attributes such as ``clip-path`` or ``fill``) has no ``url()``
    but to a ``#fragment`` on the page or a ``data:`` URI, and no ``@import``; there is
    no ``<script src>``, stylesheet link, ``<base>``, frame, object, embed or meta refresh; and
    every id is unique.

    Parameters
    ----------
    html : str
        The page.

    Returns
    -------
    list of str
        One line per problem; empty when the page is self-contained.

    Examples
    --------
    >>> self_containment_problems('<p id="a"><a href="#a">ok</a></p>')
    []
    >>> self_containment_problems('<img src="https://example.org/x.png">')
    ["<img src='https://example.org/x.png'> is neither a data: URI nor a #fragment"]
    """
    inspector = _PageInspector()
    inspector.feed(html)
    inspector.close()
    problems = list(inspector.problems)
    ids = Counter(inspector.ids)
    problems += [f"id {i!r} is used {n} times" for i, n in sorted(ids.items()) if n > 1]
    for tag, name, value in inspector.links:
        if value.lower().startswith("data:"):
            continue
        if value.startswith("#"):
            if value[1:] not in ids:
                problems.append(f"<{tag} {name}={value!r}> points to no id on the page")
            continue
        problems.append(f"<{tag} {name}={value!r}> is neither a data: URI nor a #fragment")
    for css in inspector.css:
        css = _CSS_COMMENT.sub(" ", css)
        if "@import" in css.lower():
            problems.append("CSS @import")
        for match in _CSS_URL.finditer(css):
            url = match.group(2).strip()
            if url.lower().startswith("data:"):
                continue
            if url.startswith("#") and url[1:] in ids:
                continue
            problems.append(f"CSS url({url!r}) is neither a data: URI nor a #fragment on the page")
    return problems
