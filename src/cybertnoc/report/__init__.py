"""The evidence brief: one self-contained HTML page for policy makers.

Domains hand the report finished findings as data (:class:`Brief`, :class:`Section` and the
blocks :class:`Paragraph`, :class:`Table`, :class:`Figure`, :class:`KeyFigure`,
:class:`Callout`); the report lays them out, with the sources (:class:`SourceRow`), the methods
(:class:`MethodNote`), data-ethics notes and a reproducibility record. Charts come from
:mod:`cybertnoc.report.charts` as :class:`Figure` blocks with inline SVG.

The page loads nothing from the network: styles, script and charts are inline, every link is an
in-page ``#fragment`` or a ``data:`` URI, and :func:`self_containment_problems` checks each page
before it is returned. See ``docs/brief.md``.

Examples
--------
>>> from cybertnoc.report import Brief, KeyFigure, Paragraph, Section, render_brief
>>> brief = Brief(
...     title="Cyber-enabled organised crime",
...     subtitle="Evidence brief",
...     generated_at="2024-05-01T12:00:00Z",
...     summary=[KeyFigure("Darknet listings", "12,418")],
...     sections=[Section("drugs", "Drug trafficking", "Cocaine leads.", [Paragraph("...")])],
...     sources=[],
...     methods=[],
... )
>>> render_brief(brief).startswith("<!DOCTYPE html>")
True
"""

from cybertnoc.report._brief import (
    RESERVED_IDS,
    Block,
    Brief,
    Callout,
    Figure,
    KeyFigure,
    MethodNote,
    Paragraph,
    Section,
    SourceRow,
    Table,
    slugify,
)
from cybertnoc.report._html import (
    CRIME_AREAS,
    PLATFORM_ETHICS_NOTE,
    render_brief,
    self_containment_problems,
    write_brief,
)

__all__ = [
    "CRIME_AREAS",
    "PLATFORM_ETHICS_NOTE",
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
    "render_brief",
    "self_containment_problems",
    "slugify",
    "write_brief",
]
