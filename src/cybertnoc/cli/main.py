"""The ``cybertnoc`` command.

Logging and progress go to stderr; results go to stdout, as tables for people or, with ``--json``,
as JSON for scripts. Errors the user can fix exit with code 2 and say what to do.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from cybertnoc import __version__
from cybertnoc.errors import CybertnocError, ImportRejected

err = Console(stderr=True)
out = Console()
log = logging.getLogger("cybertnoc")

EXIT_USER_ERROR = 2


def _workspace_option(f: Callable[..., Any]) -> Callable[..., Any]:
    from cybertnoc.store import ENV_WORKSPACE

    return click.option(
        "--workspace",
        "-w",
        type=click.Path(file_okay=False, path_type=Path),
        envvar=ENV_WORKSPACE,
        default="workspace",
        show_default=True,
        show_envvar=True,
        help="The workspace directory.",
    )(f)


def _json_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--json", "as_json", is_flag=True, help="Print JSON on stdout instead of a table."
    )(f)


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


@contextmanager
def progress_bar(transient: bool = True) -> Iterator[Progress]:
    """A rich progress bar on stderr (hidden when stderr is not a terminal)."""
    with Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=transient,
        disable=not err.is_terminal,
    ) as progress:
        yield progress


class _Group(click.Group):
    """Runs commands with friendly errors: a CybertnocError exits 2 with its message."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ImportRejected as exc:
            _report_rejection(exc)
            sys.exit(EXIT_USER_ERROR)
        except CybertnocError as exc:
            err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False, soft_wrap=True)
            sys.exit(EXIT_USER_ERROR)


def _report_rejection(exc: ImportRejected, limit: int = 200) -> None:
    fatal = [p for p in exc.problems if p.fatal]
    warnings = len(exc.problems) - len(fatal)
    err.print(
        f"[bold red]Import of {exc.file} rejected:[/] {len(fatal)} error(s), {warnings} "
        "warning(s). Nothing was written; the workspace is as it was.",
        highlight=False,
    )
    table = Table(show_lines=False, header_style="bold")
    for col in ("line", "column", "value", "problem", "how to fix"):
        table.add_column(col, overflow="fold")
    for p in exc.problems[:limit]:
        where = str(p.line) if p.line is not None else (f"row {p.row}" if p.row else "-")
        kind = "" if p.fatal else "[yellow](warning)[/] "
        table.add_row(
            where,
            p.column or "-",
            "-" if p.value is None else repr(p.value),
            kind + f"expected {p.expected}",
            p.hint,
        )
    err.print(table)
    if len(exc.problems) > limit:
        err.print(f"... and {len(exc.problems) - limit} more; use --json to get all of them.")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cybertnoc")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
def cli(verbose: int, quiet: bool) -> None:
    """cybertnoc: evidence on cyber-enabled transnational organised crime.

    Ingest offline and online sources into a workspace, link and analyse them, and turn the
    results into an evidence brief. Start with `cybertnoc demo`, or `cybertnoc init` and
    `cybertnoc import`.
    """
    level = logging.WARNING if quiet else (logging.DEBUG if verbose > 1 else logging.INFO)
    if verbose == 0 and not quiet:
        level = logging.WARNING
    handler = RichHandler(console=err, show_path=False, show_time=False, rich_tracebacks=False)
    logging.basicConfig(level=level, handlers=[handler], format="%(message)s", force=True)


# -- init -----------------------------------------------------------------------------------------
@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", help="A name for the workspace (default: the directory name).")
def init(directory: Path, name: str | None) -> None:
    """Create a new workspace in DIRECTORY (a DuckDB file and cybertnoc.toml)."""
    from cybertnoc.store import Workspace

    with Workspace.create(directory, name=name) as ws:
        out.print(f"Created workspace [bold]{ws.path}[/] (schema version {ws.schema_version}).")
        out.print(f"Use it with [bold]-w {ws.path}[/] or: export CYBERTNOC_WORKSPACE={ws.path}")


# -- import ---------------------------------------------------------------------------------------
@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--mapping",
    "-m",
    "mapping",
    help="Mapping file (YAML), or the name of a built-in mapping (see `cybertnoc mappings`).",
)
@click.option(
    "--ftm",
    is_flag=True,
    help="The files are FollowTheMoney entities (JSON lines); no mapping needed.",
)
@click.option(
    "--format",
    "format_name",
    help="A built-in format (see `cybertnoc formats`): FILES may be files or directories.",
)
@click.option(
    "--option",
    "-o",
    "format_options",
    multiple=True,
    metavar="NAME=VALUE",
    help="An option of the --format (repeatable), e.g. -o duplicates=last.",
)
@click.option(
    "--dataset",
    help="Dataset name (--ftm: required; --format: default the format's or the file's name).",
)
@click.option("--title", help="--format: the source's title, instead of the format's.")
@click.option("--publisher", help="--format: the source's publisher.")
@click.option("--licence", help="--format: the source's licence.")
@click.option("--citation", help="--format: how to cite the source.")
@click.option("--url", help="--format: where the source comes from.")
@click.option(
    "--kind",
    type=click.Choice(["offline", "online", "mixed"]),
    help="--format: offline (police, court, seizure records) or online (listings, adverts...).",
)
@click.option(
    "--key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File with the pseudonymisation key (default: env CYBERTNOC_KEY). Keep it outside the "
    "workspace.",
)
@_workspace_option
@_json_option
def import_(
    files: tuple[Path, ...],
    mapping: str | None,
    ftm: bool,
    format_name: str | None,
    format_options: tuple[str, ...],
    dataset: str | None,
    title: str | None,
    publisher: str | None,
    licence: str | None,
    citation: str | None,
    url: str | None,
    kind: str | None,
    key_file: Path | None,
    workspace: Path,
    as_json: bool,
) -> None:
    """Import FILES into the workspace through a mapping, a built-in format, or as FtM.

    With --mapping each file is one transaction; with --format each FILE (a file or a directory
    of the format's files) is one. If any problem is fatal nothing of it is written and every
    problem (line, column, value, what was expected, how to fix it) is reported, exit code 2.
    Rows with recoverable problems are kept and flagged. Re-importing a file is a no-op.
    """
    from cybertnoc.ethics import Pseudonymiser, load_key
    from cybertnoc.ingest import import_file, import_ftm, load_mapping
    from cybertnoc.store import Workspace

    if sum((ftm, bool(mapping), bool(format_name))) != 1:
        raise click.UsageError(
            "Give one of --mapping MAP.yml, --format NAME (see `cybertnoc formats`) or --ftm "
            "(with --dataset)."
        )
    if ftm and not dataset:
        raise click.UsageError("--ftm needs --dataset NAME.")
    if format_name:
        options = _parse_options(format_options)
        overrides = {
            k: v
            for k, v in {
                "title": title,
                "publisher": publisher,
                "licence": licence,
                "citation": citation,
                "url": url,
                "kind": kind,
            }.items()
            if v is not None
        }
        _import_formats(
            files, format_name, options, overrides, dataset, key_file, workspace, as_json
        )
        return
    if format_options or title or publisher or licence or citation or url or kind:
        raise click.UsageError("--option, --title, --licence ... go with --format.")
    with Workspace.open(workspace) as ws:
        key = load_key(key_file, workspace=ws.path)
        pseudo = Pseudonymiser(key) if key else None
        loaded = load_mapping(mapping) if mapping else None
        results = []
        for path in files:
            with progress_bar() as progress:
                task = progress.add_task(f"importing {path.name}", total=None)

                def report(done: int, total: int, task: Any = task) -> None:
                    progress.update(task, completed=done, total=total or None)

                try:
                    if ftm:
                        assert dataset is not None
                        result = import_ftm(
                            ws, path, dataset=dataset, pseudonymiser=pseudo, progress=report
                        )
                    else:
                        assert loaded is not None
                        result = import_file(
                            ws, path, loaded, pseudonymiser=pseudo, progress=report
                        )
                except ImportRejected as exc:
                    if as_json:
                        _print_json(
                            {
                                "file": exc.file,
                                "rejected": True,
                                "problems": [p.as_dict() for p in exc.problems],
                            }
                        )
                        sys.exit(EXIT_USER_ERROR)
                    raise
            results.append(result)
            if not as_json:
                style = "dim" if result.skipped else "green"
                out.print(f"[{style}]{path}: {result.message}[/]", highlight=False)
                warnings = [p for p in result.problems if not p.fatal]
                for p in warnings[:10]:
                    err.print(f"[yellow]warning:[/] {p}", highlight=False)
                if len(warnings) > 10:
                    err.print(
                        f"[yellow]... {len(warnings) - 10} more warnings[/] (--json lists all; "
                        "`cybertnoc stats` counts flagged rows)"
                    )
        if as_json:
            _print_json([r.as_dict() for r in results])


def _parse_options(pairs: tuple[str, ...]) -> dict[str, str]:
    options: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{pair!r}: write NAME=VALUE", param_hint="--option")
        options[name.strip()] = value.strip()
    return options


def _import_formats(
    files: tuple[Path, ...],
    format_name: str,
    options: dict[str, str],
    overrides: dict[str, str],
    dataset: str | None,
    key_file: Path | None,
    workspace: Path,
    as_json: bool,
) -> None:
    from cybertnoc.ethics import Pseudonymiser, load_key
    from cybertnoc.ingest.formats import get_format, import_format
    from cybertnoc.store import Workspace

    get_format(format_name)
    with Workspace.open(workspace) as ws:
        key = load_key(key_file, workspace=ws.path)
        pseudo = Pseudonymiser(key) if key else None
        results = []
        for path in files:
            with progress_bar() as progress:
                tasks: dict[str, Any] = {}

                def report(
                    label: str, done: int, total: int, tasks: dict[str, Any] = tasks
                ) -> None:
                    if label not in tasks:
                        tasks[label] = progress.add_task(f"importing {label}", total=None)
                    progress.update(tasks[label], completed=done, total=total or None)

                try:
                    done = import_format(
                        ws,
                        path,
                        format_name,
                        pseudonymiser=pseudo,
                        options=options,
                        overrides=overrides,
                        dataset=dataset,
                        progress=report,
                    )
                except ImportRejected as exc:
                    if as_json:
                        _print_json(
                            {
                                "file": exc.file,
                                "rejected": True,
                                "problems": [p.as_dict() for p in exc.problems],
                            }
                        )
                        sys.exit(EXIT_USER_ERROR)
                    raise
            results.extend(done)
            if not as_json:
                for result in done:
                    style = "dim" if result.skipped else "green"
                    out.print(
                        f"[{style}]{result.file}: {result.message}[/]",
                        highlight=False,
                        soft_wrap=True,
                    )
                    warnings = [p for p in result.problems if not p.fatal]
                    if warnings:
                        err.print(
                            f"[yellow]{len(warnings):,} warning(s)[/] in {Path(result.file).name}: "
                            f"rows kept and flagged; see `cybertnoc profile {result.source_id}`",
                            highlight=False,
                        )
    if as_json:
        _print_json([r.as_dict() for r in results])


@cli.command()
@_json_option
def formats(as_json: bool) -> None:
    """List the built-in formats (use them with `cybertnoc import PATH --format NAME`)."""
    from cybertnoc.ingest.formats import list_formats

    items = [
        {
            "name": f.name,
            "description": f.description,
            "crime_area": f.crime_area,
            "kind": f.kind,
            "options": f.options,
            "examples": list(f.examples),
        }
        for f in list_formats()
    ]
    if as_json:
        _print_json(items)
        return
    table = Table(title="Built-in formats", header_style="bold")
    for col in ("name", "area", "kind", "description", "options"):
        table.add_column(col, overflow="fold")
    for f in items:
        table.add_row(
            f["name"], f["crime_area"], f["kind"], f["description"], ", ".join(f["options"]) or "-"
        )
    out.print(table)


# -- sources / stats / audit ----------------------------------------------------------------------
@cli.command()
@_workspace_option
@_json_option
def sources(workspace: Path, as_json: bool) -> None:
    """List the imported sources with provenance: file, hash, rows, flagged rows, licence."""
    from cybertnoc.store import Workspace
    from cybertnoc.store.queries import list_sources

    with Workspace.open(workspace, read_only=True) as ws:
        items = list_sources(ws)
    if as_json:
        _print_json(items)
        return
    if not items:
        out.print("No sources yet. Import one with `cybertnoc import FILE --mapping MAP.yml`.")
        return
    table = Table(title=f"Sources in {workspace}", header_style="bold")
    for col in (
        "id",
        "dataset",
        "file",
        "format",
        "kind",
        "rows",
        "flagged",
        "entities",
        "relationships",
        "licence",
        "sha256",
        "imported",
    ):
        table.add_column(
            col,
            justify="right"
            if col in ("id", "rows", "flagged", "entities", "relationships")
            else "left",
        )
    for s in items:
        table.add_row(
            str(s["source_id"]),
            s["dataset"],
            s["file_name"],
            s["format_name"] or s["format"],
            s["kind"] or "-",
            f"{s['rows']:,}",
            f"{s['flagged_rows']:,}",
            f"{s['entities']:,}",
            "-" if s["relationships"] is None else f"{s['relationships']:,}",
            s["licence"],
            s["content_hash"][:12],
            s["imported_at"][:19],
        )
    out.print(table)


@cli.command()
@click.argument("source")
@_workspace_option
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the profile as a self-contained page [default: "
    "WORKSPACE/reports/profile-SOURCE.html].",
)
@click.option("--no-html", is_flag=True, help="Do not write the HTML page.")
@_json_option
def profile(
    source: str, workspace: Path, html_path: Path | None, no_html: bool, as_json: bool
) -> None:
    """The data-quality profile of SOURCE (its id, file name or dataset; see `cybertnoc sources`).

    Rows, columns, missing share, distinct values, invalid values by rule with examples, top
    values and the worst rows, as collected at import. Personal columns show counts only.
    """
    from cybertnoc.errors import WorkspaceError
    from cybertnoc.ingest.profile import load_profile
    from cybertnoc.report import write_brief
    from cybertnoc.report.profile import profile_brief
    from cybertnoc.store import Workspace
    from cybertnoc.store.queries import list_sources

    with Workspace.open(workspace) as ws:
        items = list_sources(ws)
        match = [
            s
            for s in items
            if source in (str(s["source_id"]), s["file_name"], s["dataset"], s["path"])
        ]
        if not match:
            known = ", ".join(f"{s['source_id']} ({s['file_name']})" for s in items) or "none"
            raise WorkspaceError(f"No source {source!r} in {workspace}. Sources: {known}.")
        if len(match) > 1:
            ids = ", ".join(str(s["source_id"]) for s in match)
            raise WorkspaceError(f"{source!r} names several sources ({ids}); give the id.")
        item = match[0]
        data = load_profile(ws, int(item["source_id"]))
        if data is None:
            raise WorkspaceError(
                f"Source {item['source_id']} was imported before profiles were collected; "
                "import the file into a new workspace to profile it."
            )
        path = None
        if not no_html:
            target = html_path or ws.path / "reports" / f"profile-{item['source_id']}.html"
            path = write_brief(profile_brief(item, data), target)
    if as_json:
        _print_json({"source": item, "profile": data, "html": str(path) if path else None})
        return
    out.print(
        f"[bold]{item['title']}[/] ({item['file_name']}): {data['rows']:,} rows, "
        f"{item['flagged_rows']:,} flagged",
        highlight=False,
    )
    table = Table(header_style="bold")
    for col in ("column", "present", "missing %", "distinct", "invalid", "top values"):
        table.add_column(
            col,
            justify="right" if col in ("present", "missing %", "distinct", "invalid") else "left",
            overflow="fold",
        )
    for c in data["columns"]:
        table.add_row(
            c["column"] + (" (personal)" if c["personal"] else ""),
            f"{c['present']:,}",
            f"{100 * c['missing_share']:.1f}",
            ("≥" if c["distinct_is_lower_bound"] else "") + f"{c['distinct']:,}",
            f"{c['invalid']:,}",
            "withheld" if c["personal"] else "; ".join(f"{v} ({n:,})" for v, n in c["top"][:3]),
        )
    out.print(table)
    if data["invalid"]:
        rules = Table(title="Invalid values by rule", header_style="bold")
        for col in ("column", "expected", "count", "examples"):
            rules.add_column(col, overflow="fold")
        for e in data["invalid"]:
            rules.add_row(
                e["column"] or "(row)", e["expected"], f"{e['count']:,}", "; ".join(e["examples"])
            )
        out.print(rules)
    if path:
        out.print(f"Profile page: {path}", highlight=False)


@cli.command()
@_workspace_option
@_json_option
def stats(workspace: Path, as_json: bool) -> None:
    """Counts of sources, records, entities (by schema), statements and relationships."""
    from cybertnoc.store import Workspace
    from cybertnoc.store.queries import workspace_stats

    with Workspace.open(workspace, read_only=True) as ws:
        data = workspace_stats(ws)
    if as_json:
        _print_json(data)
        return
    table = Table(
        title=f"Workspace {workspace} (schema {data['schema_version']})", header_style="bold"
    )
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, n in data["tables"].items():
        table.add_row(name, f"{n:,}")
    table.add_row("flagged records", f"{data['flagged_records']:,}")
    out.print(table)
    if data["entities_by_schema"]:
        t2 = Table(title="Entities by schema", header_style="bold")
        t2.add_column("schema")
        t2.add_column("entities", justify="right")
        for name, n in data["entities_by_schema"].items():
            t2.add_row(name, f"{n:,}")
        out.print(t2)


@cli.command()
@_workspace_option
@_json_option
@click.option("--verify", is_flag=True, help="Check the hash chain; exit 2 if broken.")
def audit(workspace: Path, as_json: bool, verify: bool) -> None:
    """Show the append-only audit log: who ran what, when, on which sources."""
    from cybertnoc.store import Workspace, read_audit_log, verify_audit_log

    with Workspace.open(workspace, read_only=True) as ws:
        entries = read_audit_log(ws.con)
        broken = verify_audit_log(ws.con) if verify else []
    if as_json:
        _print_json({"entries": [e.__dict__ for e in entries], "broken": broken})
    else:
        table = Table(title="Audit log", header_style="bold")
        for col in ("seq", "at", "actor", "command", "sources", "outcome"):
            table.add_column(col)
        for e in entries:
            table.add_row(
                str(e.seq),
                e.at.isoformat()[:19],
                e.actor,
                e.command,
                ",".join(map(str, e.sources)),
                e.outcome,
            )
        out.print(table)
        if verify:
            out.print("hash chain intact" if not broken else f"[red]broken at {broken}[/]")
    if broken:
        sys.exit(EXIT_USER_ERROR)


@cli.command()
@_json_option
def mappings(as_json: bool) -> None:
    """List the mappings shipped with cybertnoc (use them by name with --mapping)."""
    from cybertnoc.ingest import builtin_mappings, load_mapping

    items = []
    for name, path in builtin_mappings().items():
        m = load_mapping(path)
        items.append(
            {
                "name": name,
                "dataset": m.dataset,
                "title": m.title,
                "crime_area": m.crime_area,
                "path": str(path),
            }
        )
    if as_json:
        _print_json(items)
        return
    table = Table(title="Built-in mappings", header_style="bold")
    for col in ("name", "dataset", "crime area", "title"):
        table.add_column(col)
    for m in items:
        table.add_row(m["name"], m["dataset"], m["crime_area"], m["title"])
    out.print(table)


# -- export ---------------------------------------------------------------------------------------
@cli.group()
def export() -> None:
    """Export the workspace to other tools."""


@export.command("ftm")
@_workspace_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    default="-",
    show_default=True,
    help="Output file ('-' for stdout).",
)
@click.option(
    "--profile",
    type=click.Choice(["full", "strict"]),
    default="full",
    show_default=True,
    help="full: every entity incl. cybertnoc extensions (round-trips); strict: only what "
    "vanilla FollowTheMoney tools accept.",
)
def export_ftm_cmd(workspace: Path, output: Path, profile: str) -> None:
    """Write entities as FollowTheMoney JSON lines (for Aleph, OpenSanctions tools)."""
    from cybertnoc.ingest import export_ftm
    from cybertnoc.store import Workspace

    with Workspace.open(workspace) as ws:
        if str(output) == "-":
            n = export_ftm(ws, sys.stdout, profile=profile)
        else:
            with open(output, "w", encoding="utf-8") as fh:
                n = export_ftm(ws, fh, profile=profile)
        ws.audit("export ftm", {"output": str(output), "profile": profile, "entities": n})
    err.print(f"wrote {n:,} entities ({profile}) to {output}", highlight=False)


# -- brief --------------------------------------------------------------------------------------
@cli.command()
@_workspace_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the brief [default: WORKSPACE/reports/brief.html].",
)
@click.option("--title", default=None, help="Title of the brief.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the analyses.")
@_json_option
def brief(
    workspace: Path, output: Path | None, title: str | None, seed: int, as_json: bool
) -> None:
    """Analyse the workspace and write its evidence brief (one self-contained HTML file).

    Runs the first analysis of every crime area on what the workspace holds (the co-offending
    network, drug routes, laundering typologies, advert groups, malware spread) and lays the
    findings out with the sources, methods and ethics notes. The page makes no network request.
    """
    from cybertnoc.report import write_brief
    from cybertnoc.report.workspace import STEPS, workspace_brief
    from cybertnoc.store import Workspace

    target = output or workspace / "reports" / "brief.html"
    with Workspace.open(workspace) as ws, progress_bar() as progress:
        task = progress.add_task("analyse", total=len(STEPS))

        def report(step: str, done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        kwargs = {"title": title} if title else {}
        made = workspace_brief(
            ws, seed=seed, command=f"cybertnoc brief --seed {seed}", progress=report, **kwargs
        )
        path = write_brief(made, target)
        ws.audit("brief", {"output": str(path), "seed": seed})
    if as_json:
        _print_json(
            {
                "brief": str(path),
                "sections": [s.id for s in made.sections],
                "key_figures": {k.label: k.value for k in made.summary},
            }
        )
        return
    out.print(f"[bold green]Brief written:[/] {path}", highlight=False)


# -- synth / demo ---------------------------------------------------------------------------------
@cli.command()
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option(
    "--scale",
    type=click.Choice(["small", "medium", "large"]),
    default="small",
    show_default=True,
    help="small: seconds; large: millions of transactions.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory to write the synthetic world into.",
)
@_json_option
def synth(seed: int, scale: str, out_dir: Path, as_json: bool) -> None:
    """Generate a synthetic Cyber-TNOC world with ground truth (deterministic for a seed)."""
    from cybertnoc.synth import generate

    with progress_bar() as progress:
        tasks: dict[str, Any] = {}

        def report(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = progress.add_task(step, total=total)
            progress.update(tasks[step], completed=done, total=total)

        manifest = generate(out_dir, seed=seed, scale=scale, progress=report)
    if as_json:
        _print_json(manifest.as_dict() if hasattr(manifest, "as_dict") else manifest.__dict__)
        return
    table = Table(title=f"Synthetic world in {out_dir} (seed {seed}, {scale})", header_style="bold")
    for col in ("file", "format", "rows", "mapping"):
        table.add_column(col, justify="right" if col == "rows" else "left")
    for f in manifest.files:
        table.add_row(f.path, f.format, f"{f.rows:,}", f.mapping or "-")
    out.print(table)


@cli.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default="demo-output",
    show_default=True,
    help="Where the brief and workspace go.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed of the world.")
@click.option(
    "--scale",
    type=click.Choice(["small", "medium", "large"]),
    default="small",
    show_default=True,
    help="Size of the synthetic world.",
)
@_json_option
def demo(out_dir: Path, seed: int, scale: str, as_json: bool) -> None:
    """Synthesise a world, import it, analyse it and write DIR/brief.html.

    Runs the whole pipeline on an embedded synthetic world: synth -> import every file through
    the built-in mappings (personal fields pseudonymised with a key generated for this run and
    never stored) -> network, routes, laundering typologies, malware spread -> a self-contained
    evidence brief. Leaves DIR/workspace/ for further commands.
    """
    from cybertnoc.demo import run_demo

    with progress_bar() as progress:
        tasks: dict[str, Any] = {}

        def report(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = progress.add_task(step, total=total or None)
            progress.update(tasks[step], completed=done, total=total or None)

        result = run_demo(out_dir, seed=seed, scale=scale, progress=report)
    if as_json:
        _print_json(result.as_dict())
        return
    out.print(f"[bold green]Brief written:[/] {result.brief}", highlight=False)
    out.print(
        f"Workspace: {result.workspace} (try: cybertnoc stats -w {result.workspace})",
        highlight=False,
    )
    for line in result.headlines:
        out.print(f"  • {line}", highlight=False)


def main() -> None:
    cli(prog_name="cybertnoc")
