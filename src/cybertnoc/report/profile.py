"""The data-quality profile of one source as a self-contained page.

The importer collects the profile while it reads the file (:mod:`cybertnoc.ingest.profile`); this
module lays it out with the brief's machinery, so the page is as self-contained as a brief: no
network request, tables sortable where JavaScript is on.
"""

from __future__ import annotations

from typing import Any

from cybertnoc.report import charts
from cybertnoc.report._brief import (
    Block,
    Brief,
    Callout,
    KeyFigure,
    MethodNote,
    Paragraph,
    Section,
    SourceRow,
    Table,
)

__all__ = ["profile_brief"]

_METHOD = MethodNote(
    "Data-quality profile",
    "Collected while the file was imported: for each column the values present and missing, "
    "the distinct values (exact up to 20,000 per column, a lower bound beyond), the most "
    "frequent values, and every value that failed a cleaning rule (a country that is not a "
    "country, an amount without digits), grouped by rule. Rows with recoverable problems were "
    "kept and flagged; fatal problems would have rejected the whole file.",
    "",
)


def _pct(share: float) -> str:
    return f"{100 * share:.1f}%"


def profile_brief(source: dict[str, Any], profile: dict[str, Any]) -> Brief:
    """A :class:`~cybertnoc.report.Brief` showing the profile of ``source``.

    Parameters
    ----------
    source : dict
        The source's row from :func:`cybertnoc.store.queries.list_sources`.
    profile : dict
        Its profile (:func:`cybertnoc.ingest.profile.load_profile`).
    """
    rows = int(profile["rows"])
    columns = profile["columns"]
    invalid = profile["invalid"]
    flagged = int(source["flagged_rows"])
    blocks: list[Block] = [
        KeyFigure("Rows", f"{rows:,}", provenance=source["file_name"]),
        KeyFigure("Columns", f"{len(columns):,}"),
        KeyFigure("Flagged rows", f"{flagged:,}", note=_pct(flagged / rows) if rows else ""),
        KeyFigure("Invalid values", f"{sum(e['count'] for e in invalid):,}"),
    ]
    if columns:
        blocks.append(
            charts.bar_chart(
                [c["column"] for c in columns],
                [100 * c["missing_share"] for c in columns],
                title="Missing values by column",
                xlabel="% of rows",
                caption="Share of rows where the column is empty.",
                alt="Missing share per column: "
                + ", ".join(f"{c['column']} {_pct(c['missing_share'])}" for c in columns[:12])
                + ".",
                value_format="{:.1f}%",
            )
        )
        blocks.append(
            Table(
                ["column", "present", "missing", "missing %", "distinct", "invalid", "top values"],
                [
                    [
                        c["column"] + (" (personal)" if c["personal"] else ""),
                        c["present"],
                        c["missing"],
                        _pct(c["missing_share"]),
                        ("≥ " if c["distinct_is_lower_bound"] else "") + f"{c['distinct']:,}",
                        c["invalid"],
                        "withheld (personal)"
                        if c["personal"]
                        else "; ".join(f"{v} ({n:,})" for v, n in c["top"][:5]),
                    ]
                    for c in columns
                ],
                "Columns of the file: values present and missing, distinct values, values that "
                "failed cleaning, and the five most frequent values.",
                numeric={1, 2, 3, 4, 5},
            )
        )
    sections = [
        Section(
            "columns",
            "Columns",
            f"**{rows:,} rows** in {len(columns)} columns; {flagged:,} rows flagged.",
            blocks,
        )
    ]
    rule_blocks: list[Block] = []
    if invalid:
        rule_blocks.append(
            Table(
                ["column", "expected", "fatal", "count", "examples"],
                [
                    [
                        e["column"] or "(row)",
                        e["expected"],
                        "yes" if e["fatal"] else "no",
                        e["count"],
                        "; ".join(e["examples"]) or "—",
                    ]
                    for e in invalid
                ],
                "Values that failed a rule, by column and rule, with examples (personal values "
                "are never shown).",
                numeric={3},
            )
        )
    else:
        rule_blocks.append(Paragraph("Every value passed its cleaning rule."))
    worst = profile.get("worst_rows") or []
    if worst:
        rule_blocks.append(
            Table(
                ["row", "line", "problems"],
                [
                    [w["row"], w["line"] if w["line"] is not None else "—", w["problems"]]
                    for w in worst
                ],
                "The rows with the most problems (line of the file, for opening it there).",
            )
        )
    rule_blocks.append(
        Callout(
            "Flagged rows are in the workspace with their problems (records.problems); values "
            "that failed were left out and their original text kept where it is not personal.",
            "info",
        )
    )
    sections.append(
        Section(
            "invalid",
            "Invalid values by rule",
            f"{len(invalid)} rule(s) failed on some values." if invalid else "No invalid value.",
            rule_blocks,
        )
    )
    return Brief(
        title=f"Data-quality profile: {source['title'] or source['file_name']}",
        subtitle=f"Source {source['source_id']} · dataset {source['dataset']} · "
        f"format {source.get('format_name') or source['format']}",
        generated_at=str(source["imported_at"])[:19].replace("T", " ") + " (import)",
        summary=[],
        sections=sections,
        sources=[
            SourceRow(
                name=source["title"] or source["file_name"],
                dataset=source["dataset"],
                file=source["file_name"],
                format=source.get("format_name") or source["format"],
                rows=int(source["rows"]),
                flagged=flagged,
                content_hash=source["content_hash"],
                licence=source["licence"] or "",
                publisher=source["publisher"] or "",
                imported_at=str(source["imported_at"]),
                crime_area=source["crime_area"] or "",
            )
        ],
        methods=[_METHOD],
        reproducibility={"command": f"cybertnoc profile {source['source_id']}"},
    )
