"""The evidence brief of a whole workspace: every domain asked for its findings, laid out.

:func:`workspace_brief` runs the first analysis of each crime area on a workspace (the
co-offending network, drug routes, laundering typologies, advert groups, the botnet's spread),
turns the findings into sections with :mod:`cybertnoc.report.sections`, and adds the sources
table from the workspace's provenance, the methods and the ethics notes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cybertnoc import __version__
from cybertnoc.domains.drugs import analysis as drugs
from cybertnoc.domains.laundering import analysis as laundering
from cybertnoc.domains.malware import analysis as malware
from cybertnoc.domains.slavery import analysis as slavery
from cybertnoc.linkage import analysis as linkage
from cybertnoc.network import analysis as network
from cybertnoc.report._brief import Brief, KeyFigure, Section, SourceRow
from cybertnoc.report.linkage import LINKAGE_METHOD, linkage_section
from cybertnoc.report.sections import (
    METHODS,
    drugs_section,
    laundering_section,
    malware_section,
    network_section,
    slavery_section,
)
from cybertnoc.store.queries import list_sources
from cybertnoc.store.workspace import Workspace

__all__ = ["STEPS", "WorkspaceFindings", "workspace_brief", "workspace_findings"]

log = logging.getLogger(__name__)

#: The analysis steps, in the order they run and appear in the brief.
STEPS = ("network", "linkage", "drugs", "laundering", "slavery", "malware")

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class WorkspaceFindings:
    """The findings of every domain on one workspace."""

    network: network.NetworkFindings
    linkage: linkage.LinkageFindings
    drugs: drugs.DrugFindings
    laundering: laundering.LaunderingFindings
    slavery: slavery.SlaveryFindings
    malware: malware.MalwareFindings


def workspace_findings(
    ws: Workspace,
    *,
    seed: int = 0,
    progress: Progress | None = None,
    truth: Mapping[str, str] | str | Path | None = None,
) -> WorkspaceFindings:
    """Run the first analysis of every crime area on ``ws``.

    ``progress(step, done, total)`` is called before and after each step of :data:`STEPS`.
    ``truth`` (a synthetic world directory, or for linkage a mapping entity id -> true entity)
    scores the active person linkage run and, for a world, trains and scores the laundering
    classifier on its planted patterns.
    """
    runs: dict[str, Callable[[], Any]] = {
        "network": lambda: network.analyse(ws, seed=seed),
        "linkage": lambda: linkage.analyse(ws, seed=seed, truth=truth),
        "drugs": lambda: drugs.analyse(ws),
        "laundering": lambda: laundering.analyse(ws, truth=truth, seed=seed),
        "slavery": lambda: slavery.analyse(ws),
        "malware": lambda: malware.analyse(ws),
    }
    results: dict[str, Any] = {}
    for i, step in enumerate(STEPS):
        if progress:
            progress("analyse", i, len(STEPS))
        log.info("analysing: %s", step)
        results[step] = runs[step]()
    if progress:
        progress("analyse", len(STEPS), len(STEPS))
    return WorkspaceFindings(**results)


def _source_rows(ws: Workspace) -> list[SourceRow]:
    return [
        SourceRow(
            name=s["title"] or s["file_name"],
            dataset=s["dataset"],
            file=s["file_name"],
            format=s["format"],
            rows=int(s["rows"]),
            flagged=int(s["flagged_rows"]),
            content_hash=s["content_hash"],
            licence=s["licence"] or "",
            publisher=s["publisher"] or "",
            imported_at=s["imported_at"],
            crime_area=s["crime_area"] or "",
        )
        for s in list_sources(ws)
    ]


def _summary(f: WorkspaceFindings, sources: list[SourceRow]) -> list[KeyFigure]:
    alerts = sum(sum(c.values()) for c in f.laundering.counts.values())
    records = sum(s.rows for s in sources)
    return [
        KeyFigure(
            "Sources",
            f"{len(sources):,}",
            note=f"{records:,} records",
            provenance="sources table",
        ),
        KeyFigure("Actors in the network", f"{f.network.summary.get('nodes', 0):,}"),
        KeyFigure("Darknet listings", f"{f.drugs.listings:,}", note=f"{f.drugs.vendors:,} vendors"),
        KeyFigure("Laundering alerts", f"{alerts:,}"),
        KeyFigure("Advert groups", f"{len(f.slavery.groups):,}", note="sharing a contact"),
        KeyFigure("Infected hosts", f"{f.malware.infections:,}"),
    ]


def workspace_brief(
    ws: Workspace,
    *,
    title: str = "Cyber-enabled organised crime: evidence brief",
    subtitle: str | None = None,
    seed: int = 0,
    command: str | None = None,
    notes: list[str] | None = None,
    findings: WorkspaceFindings | None = None,
    generated_at: str | None = None,
    progress: Progress | None = None,
) -> Brief:
    """The evidence brief of a workspace.

    Parameters
    ----------
    ws : Workspace
        The workspace to analyse.
    title, subtitle : str
        Shown at the top.
    seed : int
        Seed of every random choice of the analyses (community detection, layouts).
    command : str, optional
        The command that produced the brief, for the reproducibility record.
    notes : list of str, optional
        Extra data-ethics and limitation notes.
    findings : WorkspaceFindings, optional
        Findings computed before; by default :func:`workspace_findings` runs.
    generated_at : str, optional
        ISO timestamp shown as the generation time; by default now (UTC).
    progress : callable, optional
        See :func:`workspace_findings`.
    """
    f = findings or workspace_findings(ws, seed=seed, progress=progress)
    sections: list[Section] = [
        network_section(f.network, seed=seed),
        linkage_section(f.linkage),
        drugs_section(f.drugs),
        laundering_section(f.laundering),
        slavery_section(f.slavery),
        malware_section(f.malware),
    ]
    sources = _source_rows(ws)
    name = str(ws.config.get("workspace", {}).get("name") or ws.path.name)
    repro = {"cybertnoc version": __version__, "seed": str(seed), "workspace": name}
    if command:
        repro["command"] = command
    return Brief(
        title=title,
        subtitle=subtitle or f"Workspace {name}",
        generated_at=generated_at
        or datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        summary=_summary(f, sources),
        sections=sections,
        sources=sources,
        methods=[LINKAGE_METHOD if s == "linkage" else METHODS[s] for s in STEPS],
        notes=list(notes or []),
        reproducibility=repro,
    )
