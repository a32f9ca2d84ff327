"""``cybertnoc link``: entity resolution in a workspace.

Registered on the main command with ``cli.add_command(link)`` (at the end of
``cybertnoc.cli.main``, after the helpers this module imports are defined).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from cybertnoc.cli.main import (
    _Group,
    _json_option,
    _print_json,
    _workspace_option,
    err,
    out,
    progress_bar,
)

__all__ = ["link"]


def _schema_option(f: Any) -> Any:
    return click.option(
        "--schema",
        default="Person",
        show_default=True,
        help="What to link: Person, LegalEntity or UserAccount (see docs/linkage.md).",
    )(f)


def _run_option(f: Any) -> Any:
    return click.option(
        "--run",
        "run_id",
        default=None,
        help="A run id (run-3 or 3); default: the active run of the schema.",
    )(f)


@click.group(cls=_Group, name="link")
def link() -> None:
    """Entity resolution: link the records of a schema into resolved entities.

    Personal values are compared as the workspace holds them: pseudonyms for equality, keyed
    Bloom-filter encodings for similarity (Dice). A run is stored beside the source entities,
    which it never changes, and can be undone. Start with `cybertnoc link run`.
    """


def _fmt(value: float | None, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.{digits}f}"


# -- run ------------------------------------------------------------------------------------------
@link.command("run")
@_workspace_option
@_schema_option
@click.option(
    "--threshold",
    type=float,
    default=None,
    help="Match probability at or above which two records join one cluster [default: 0.9].",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the sampling.")
@click.option(
    "--threads",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="DuckDB threads (1: identical results for a seed, to the last bit; 0: every core, "
    "faster on large workspaces, equal up to rounding).",
)
@_json_option
def run_cmd(
    workspace: Path, schema: str, threshold: float | None, seed: int, threads: int, as_json: bool
) -> None:
    """Link the workspace's records of a schema and store the run as resolved entities.

    Trains a Splink model (u by random sampling, m by EM on two blocking rules), scores the
    candidate pairs, and clusters them by connected components at the threshold. The previous
    run of the schema is superseded (undo this run to get it back).
    """
    from cybertnoc.linkage.splink_link import DEFAULT_THRESHOLD
    from cybertnoc.linkage.workspace import link_workspace
    from cybertnoc.store import Workspace

    with Workspace.open(workspace) as ws, progress_bar() as progress:
        task = progress.add_task(f"link {schema}", total=3)

        def report(step: str, done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, description=f"link: {step}")

        run = link_workspace(
            ws,
            schema,
            threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
            seed=seed,
            progress=report,
            threads=threads or None,
        )
    if as_json:
        _print_json(run.as_dict())
        return
    s = run.summary
    out.print(
        f"[bold green]{run.run_id}[/] ({run.schema}, threshold {run.threshold:g}, seed "
        f"{run.seed}): {s['records']:,} records → {s['clusters']:,} resolved entities "
        f"({s['multi_record_clusters']:,} of several records, the largest {s['largest_cluster']})",
        highlight=False,
    )
    out.print(
        f"{s['candidate_pairs']:,} candidate pairs scored, {s['pairs_at_threshold']:,} at or "
        f"above the threshold; {s['seconds']['total']:.1f} s. Comparisons: "
        f"{', '.join(s['comparisons'])}.",
        highlight=False,
    )
    out.print(
        f"Explain a pair: cybertnoc link explain A B -w {workspace}; undo: cybertnoc link undo "
        f"{run.run_id} -w {workspace}",
        highlight=False,
    )


# -- runs / undo / clusters -----------------------------------------------------------------------
@link.command("runs")
@_workspace_option
@_json_option
def runs_cmd(workspace: Path, as_json: bool) -> None:
    """List the linkage runs of the workspace, oldest first."""
    from cybertnoc.linkage.workspace import runs
    from cybertnoc.store import Workspace

    with Workspace.open(workspace) as ws:
        found = runs(ws)
    if as_json:
        _print_json([r.as_dict() for r in found])
        return
    if not found:
        out.print("No linkage runs yet: start one with `cybertnoc link run`.")
        return
    table = Table(header_style="bold")
    for col in ("run", "schema", "status", "created", "threshold", "seed", "records", "clusters"):
        table.add_column(
            col, justify="right" if col in ("threshold", "seed", "records", "clusters") else "left"
        )
    for r in found:
        style = {"active": "green", "undone": "dim"}.get(r.status, "")
        table.add_row(
            r.run_id,
            r.schema,
            f"[{style}]{r.status}[/]" if style else r.status,
            r.created_at.strftime("%Y-%m-%d %H:%M"),
            f"{r.threshold:g}",
            str(r.seed),
            f"{r.summary.get('records', 0):,}",
            f"{r.summary.get('clusters', 0):,}",
        )
    out.print(table)


@link.command("undo")
@click.argument("run_id", metavar="RUN")
@_workspace_option
@_json_option
def undo_cmd(run_id: str, workspace: Path, as_json: bool) -> None:
    """Undo RUN: delete its clusters and pairs; the run it superseded becomes active again.

    The source entities are never changed; the run stays listed, marked undone.
    """
    from cybertnoc.linkage.workspace import runs, undo
    from cybertnoc.store import Workspace

    with Workspace.open(workspace) as ws:
        done = undo(ws, run_id)
        active = [r.run_id for r in runs(ws, done.schema) if r.status == "active"]
    if as_json:
        _print_json({"undone": done.run_id, "schema": done.schema, "active": active})
        return
    again = f"; {active[0]} is active again" if active else "; no run of the schema is active"
    out.print(f"[bold]{done.run_id}[/] undone{again}.", highlight=False)


@link.command("clusters")
@_workspace_option
@_schema_option
@_run_option
@click.option("--min-size", type=int, default=2, show_default=True, help="Smallest cluster shown.")
@click.option("--limit", type=int, default=20, show_default=True, help="Clusters shown (table).")
@_json_option
def clusters_cmd(
    workspace: Path, schema: str, run_id: str | None, min_size: int, limit: int, as_json: bool
) -> None:
    """The resolved entities of a run: clusters and their member records, largest first."""
    from cybertnoc.linkage.workspace import clusters, get_run
    from cybertnoc.store import Workspace

    with Workspace.open(workspace) as ws:
        run = get_run(ws, run_id, schema=schema)
        frame = clusters(ws, run.run_id)
    frame = frame[frame["cluster_size"] >= min_size]
    if as_json:
        _print_json(
            {
                "run_id": run.run_id,
                "clusters": [
                    {
                        "cluster_id": cid,
                        "size": len(g),
                        "members": [
                            {
                                "entity_id": r.entity_id,
                                "dataset": r.dataset,
                                "match_probability": None
                                if math.isnan(r.match_probability)
                                else r.match_probability,
                            }
                            for r in g.itertuples()
                        ],
                    }
                    for cid, g in frame.groupby("cluster_id", sort=True)
                ],
            }
        )
        return
    order = (
        frame.groupby("cluster_id")["cluster_size"]
        .first()
        .sort_values(ascending=False, kind="stable")
    )
    table = Table(title=f"{run.run_id}: clusters of {min_size} or more", header_style="bold")
    for col in ("cluster", "size", "member", "dataset", "p"):
        table.add_column(col, justify="right" if col in ("size", "p") else "left")
    for cid in order.index[:limit]:
        members = frame[frame["cluster_id"] == cid]
        for i, r in enumerate(members.itertuples()):
            table.add_row(
                cid[:12] if i == 0 else "",
                str(r.cluster_size) if i == 0 else "",
                r.entity_id,
                r.dataset or "",
                _fmt(r.match_probability),
            )
    out.print(table)
    if len(order) > limit:
        err.print(f"... {len(order) - limit} more clusters (--limit, --json)")


# -- explain --------------------------------------------------------------------------------------
def _bar(weight: float, scale: float, width: int = 10) -> str:
    n = min(width, max(1, round(abs(weight) / scale * width))) if weight else 0
    colour = "green" if weight > 0 else "red"
    return f"[{colour}]{'█' * n}[/]" if n else ""


@link.command("explain")
@click.argument("a")
@click.argument("b")
@_workspace_option
@_run_option
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write a self-contained page with the waterfall chart.",
)
@_json_option
def explain_cmd(
    a: str, b: str, workspace: Path, run_id: str | None, html_path: Path | None, as_json: bool
) -> None:
    """Why records A and B (entity ids) matched or not: the match-weight waterfall."""
    from cybertnoc.linkage.workspace import explain
    from cybertnoc.report import write_brief
    from cybertnoc.report.linkage import explanation_brief
    from cybertnoc.store import Workspace
    from cybertnoc.store.queries import list_sources

    with Workspace.open(workspace) as ws:
        expl = explain(ws, a, b, run_id)
        sources = [s for s in list_sources(ws) if s["source_id"] in expl.sources]
    written = write_brief(explanation_brief(expl, sources), html_path) if html_path else None
    if as_json:
        data = expl.as_dict()
        data["html"] = str(written) if written else None
        _print_json(data)
        return
    verdict = (
        "[bold green]match[/]" if expl.match_probability >= expl.threshold else "[bold]no match[/]"
    )
    out.print(
        f"{expl.run_id} ({expl.schema}): {expl.a} ({expl.datasets[0]}) vs {expl.b} "
        f"({expl.datasets[1]})",
        highlight=False,
    )
    scale = max((abs(s.match_weight) for s in expl.steps), default=1.0) or 1.0
    table = Table(header_style="bold")
    for col in ("comparison", "level", "m/u", "weight", "", "total", "p"):
        table.add_column(
            col,
            justify="right" if col not in ("comparison", "level", "") else "left",
            no_wrap=col != "level",
        )
    for s in expl.steps:
        dim = s.match_weight == 0 and s.comparison != "prior"
        row = [
            s.comparison,
            s.level.split(": ", 1)[-1] if s.comparison != "prior" else s.level,
            f"{s.bayes_factor:.3g}",
            f"{s.match_weight:+.2f}",
            _bar(s.match_weight, scale),
            f"{s.cumulative:.2f}",
            f"{s.probability:.4f}",
        ]
        table.add_row(*(f"[dim]{c}[/]" if dim and c else c for c in row))
    out.print(table)
    out.print(
        f"match weight {expl.match_weight:.2f}, probability {expl.match_probability:.4f}: "
        f"{verdict} at threshold {expl.threshold:g}; "
        f"{'same' if expl.same_cluster else 'different'} resolved entity"
        + ("" if expl.same_cluster else f" ({expl.cluster_a[:12]} / {expl.cluster_b[:12]})"),
        highlight=False,
    )
    if not expl.stored:
        why = "scored below 0.01" if expl.candidate else "not proposed by any blocking rule"
        err.print(
            f"[yellow]note:[/] the run did not keep this pair ({why}); scored now with "
            "the run's model.",
            highlight=False,
        )
    if written:
        err.print(f"wrote {written}", highlight=False)


# -- evaluate -------------------------------------------------------------------------------------
@link.command("evaluate")
@_workspace_option
@_schema_option
@_run_option
@click.option(
    "--truth",
    "truth_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    required=True,
    help="A synthetic world directory (cybertnoc synth --out DIR; a demo's DIR/world).",
)
@_json_option
def evaluate_cmd(
    workspace: Path, schema: str, run_id: str | None, truth_dir: Path, as_json: bool
) -> None:
    """Score a run against the synthetic world's truth: pairwise and B-cubed precision,
    recall and F1, and the curve over thresholds."""
    from cybertnoc.linkage.workspace import evaluate_run
    from cybertnoc.store import Workspace

    with Workspace.open(workspace) as ws:
        ev = evaluate_run(ws, truth_dir, run_id, schema=schema)
    if as_json:
        _print_json(ev.as_dict())
        return
    out.print(
        f"{ev.run_id} at threshold {ev.threshold:g}: {ev.records:,} records of "
        f"{ev.truth_entities:,} true entities",
        highlight=False,
    )
    table = Table(header_style="bold")
    for col in ("scores", "precision", "recall", "F1"):
        table.add_column(col, justify="left" if col == "scores" else "right")
    pw, b3 = ev.pairwise, ev.bcubed
    table.add_row(
        f"pairwise ({pw.true_positives:,} TP, {pw.false_positives:,} FP, "
        f"{pw.false_negatives:,} FN)",
        _fmt(pw.precision, 4),
        _fmt(pw.recall, 4),
        _fmt(pw.f1, 4),
    )
    table.add_row("B-cubed", _fmt(b3.precision, 4), _fmt(b3.recall, 4), _fmt(b3.f1, 4))
    out.print(table)
    curve = Table(title="Over thresholds", header_style="bold")
    for col in ("threshold", "clusters", "pairwise P", "R", "F1", "B-cubed P", "R ", "F1 "):
        curve.add_column(col, justify="right")
    for r in ev.curve.itertuples():
        mark = r.threshold == ev.threshold
        cells = [
            f"{r.threshold:g}",
            f"{r.clusters:,}",
            _fmt(r.pairwise_precision, 4),
            _fmt(r.pairwise_recall, 4),
            _fmt(r.pairwise_f1, 4),
            _fmt(r.bcubed_precision, 4),
            _fmt(r.bcubed_recall, 4),
            _fmt(r.bcubed_f1, 4),
        ]
        curve.add_row(*(f"[bold]{c}[/]" if mark else c for c in cells))
    out.print(curve)
