"""The ``cybertnoc`` command.

Logging and progress go to stderr; results go to stdout, as tables for people or, with ``--json``,
as JSON for scripts. Errors the user can fix exit with code 2 and say what to do.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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


# -- network --------------------------------------------------------------------------------------
@cli.group()
def network() -> None:
    """Social network analysis: measures, disruption, key players, communities, links, exports.

    Every command reads a network from PATH through a built-in format (`--format`, default
    edgelist; see `cybertnoc formats`) or, without PATH, from the workspace (`-w`).
    """


@dataclass(frozen=True)
class NetworkInput:
    """The network a `cybertnoc network` command reads, and where it came from."""

    graph: Any
    path: Path | None
    format_name: str
    workspace: Path


def _network_input(command: Callable[..., Any]) -> Callable[..., Any]:
    """The input options of every network command; the command gets the loaded network."""

    @functools.wraps(command)
    def f(
        path: Path | None,
        format_name: str,
        format_options: tuple[str, ...],
        directed: bool | None,
        layers: tuple[str, ...],
        periods: tuple[str, ...],
        datasets: tuple[str, ...],
        workspace: Path,
        **kwargs: Any,
    ) -> Any:
        G = _load_network(
            path, format_name, format_options, directed, workspace, layers, periods, datasets
        )
        return command(NetworkInput(G, path, format_name, workspace), **kwargs)

    f = click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))(f)
    f = click.option(
        "--format",
        "format_name",
        default="edgelist",
        show_default=True,
        help="Built-in format of PATH (edgelist, ucinet-matrix, montagna-edgelist, graphml...).",
    )(f)
    f = click.option(
        "--option",
        "format_options",
        multiple=True,
        metavar="NAME=VALUE",
        help="An option of the format (repeatable), e.g. --option duplicates=last.",
    )(f)
    f = click.option(
        "--directed/--undirected",
        default=None,
        help="Read the ties as directed or undirected [default: as the data say].",
    )(f)
    f = click.option(
        "--layer", "layers", multiple=True, help="Workspace: only ties of this layer (repeatable)."
    )(f)
    f = click.option(
        "--period", "periods", multiple=True, help="Workspace: only ties of this period."
    )(f)
    f = click.option(
        "--dataset", "datasets", multiple=True, help="Workspace: only ties of this dataset."
    )(f)
    return _workspace_option(f)


def _load_network(
    path: Path | None,
    format_name: str,
    format_options: tuple[str, ...],
    directed: bool | None,
    workspace: Path,
    layers: tuple[str, ...] = (),
    periods: tuple[str, ...] = (),
    datasets: tuple[str, ...] = (),
) -> Any:
    from cybertnoc.network.load import network_from_file, workspace_network
    from cybertnoc.store import Workspace

    if path is not None:
        G = network_from_file(
            path, format_name, options=_parse_options(format_options), directed=directed
        )
    else:
        with Workspace.open(workspace, read_only=True) as ws:
            G = workspace_network(
                ws,
                directed=directed,
                nodes="label",
                layers=layers or None,
                periods=periods or None,
                datasets=datasets or None,
            )
            if G.number_of_edges() == 0 and not layers and not periods:
                from cybertnoc.network.twomode import workspace_projection

                H = workspace_projection(ws, datasets=datasets or None)
                if H.number_of_edges():  # persons tied by the events they share
                    G = H
    if G.number_of_edges() == 0:
        from cybertnoc.errors import InvalidValue

        where = f"{path} read as {format_name}" if path is not None else f"workspace {workspace}"
        raise InvalidValue(
            where,
            f"a network with at least one tie (found {G.number_of_nodes()} nodes, no tie)",
            "Check the --format, or the --layer/--period/--dataset filters"
            if path is None
            else "Check the --format (see `cybertnoc formats`) and the file's columns",
        )
    if directed is False and G.is_directed():
        G = G.to_undirected()
    return G


def _write_table(frame: Any, output: Path | None, as_json: bool) -> None:
    if output is None or str(output) == "-":
        if as_json:
            _print_json(frame.to_dict(orient="records"))
        else:
            click.echo(frame.to_csv(index=False), nl=False)
        return
    suffix = output.suffix.lower()
    output.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".parquet":
        frame.to_parquet(output, index=False)
    elif suffix == ".json":
        output.write_text(frame.to_json(orient="records", indent=1), encoding="utf-8")
    else:
        frame.to_csv(output, index=False)
    err.print(f"wrote {len(frame):,} rows to {output}", highlight=False)


_OUT = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    default=None,
    help="Output file: .csv, .parquet or .json [default: CSV on stdout].",
)


@network.command("metrics")
@_network_input
@click.option(
    "--weighted",
    is_flag=True,
    help="Weight-aware measures: strength, PageRank, clustering, eigenvector by tie weight; "
    "betweenness, closeness, harmonic by --lengths.",
)
@click.option(
    "--lengths",
    type=click.Choice(["weight", "inverse"]),
    default="weight",
    show_default=True,
    help="With --weighted, the length of a tie on paths: the weight itself (networkx's and "
    "Cavallaro et al.'s convention) or 1/weight (strong ties are short).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of any sampling.")
@_OUT
@_json_option
def network_metrics(
    net: NetworkInput,
    weighted: bool,
    lengths: str,
    seed: int,
    output: Path | None,
    as_json: bool,
) -> None:
    """A row per node: `node` and one column per measure, named as the networkx function."""
    from cybertnoc.network.measures import inverse_lengths, metrics_table

    G = net.graph
    distance = None
    if weighted and lengths == "inverse":
        G, distance = inverse_lengths(G), "length"
    _write_table(metrics_table(G, weighted=weighted, seed=seed, distance=distance), output, as_json)


@network.command("summary")
@_network_input
@_json_option
def network_summary_cmd(
    net: NetworkInput,
    as_json: bool,
) -> None:
    """Whole-network figures: nodes, edges, density, components, assortativity, paths..."""
    from cybertnoc.network.measures import summary

    G = net.graph
    data = summary(G)
    if as_json:
        _print_json(data)
        return
    table = Table(header_style="bold")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, value in data.items():
        table.add_row(key, f"{value:.4f}" if isinstance(value, float) else str(value))
    out.print(table)


@network.command("disrupt")
@_network_input
@click.option(
    "--strategy",
    type=click.Choice(["betweenness", "degree", "strength", "random", "keyplayer"]),
    default="betweenness",
    show_default=True,
    help="Which node goes first.",
)
@click.option(
    "--mode",
    type=click.Choice(["sequential", "block"]),
    default="sequential",
    show_default=True,
    help="sequential: recompute after every removal; block: remove --block-size at once.",
)
@click.option("--block-size", type=int, default=5, show_default=True, help="Nodes per block.")
@click.option("--weighted", is_flag=True, help="Weighted betweenness (weights as distances) "
              "or strength.")  # fmt: skip
@click.option(
    "--ties",
    type=click.Choice(["last-inserted", "first-inserted", "label"]),
    default="last-inserted",
    show_default=True,
    help="Among tied nodes, which goes first (last-inserted reproduces Cavallaro et al. 2020).",
)
@click.option("--stop-at", type=int, default=5, show_default=True, help="Stop at this many nodes.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed (random strategy).")
@_OUT
@_json_option
def network_disrupt(
    net: NetworkInput,
    strategy: str,
    mode: str,
    block_size: int,
    weighted: bool,
    ties: str,
    stop_at: int,
    seed: int,
    output: Path | None,
    as_json: bool,
) -> None:
    """The resilience curve: `removed` nodes and `lcc_fraction` (largest component share)."""
    from cybertnoc.network.disruption import disrupt

    G = net.graph
    curve = disrupt(
        G,
        strategy=strategy,  # type: ignore[arg-type]
        mode=mode,  # type: ignore[arg-type]
        block_size=block_size,
        weighted=weighted,
        ties=ties,  # type: ignore[arg-type]
        stop_at=stop_at,
        seed=seed,
    )
    _write_table(curve, output, as_json)


def _node_groups(
    G: Any, attribute: str | None, groups_file: Path | None, what: str
) -> dict[Any, Any] | None:
    """Node → group from a node attribute of the network or from a CSV file (node,group)."""
    from cybertnoc.errors import InvalidValue

    if groups_file is not None:
        import csv

        with groups_file.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if not header or len(header) < 2:
                raise InvalidValue(
                    str(groups_file),
                    "a CSV file with a header and two columns: node, group",
                    f"Write the {what} as node,group lines",
                )
            groups: dict[Any, Any] = {}
            for line, row in enumerate(reader, start=2):
                if len(row) < 2 or not row[0].strip():
                    raise InvalidValue(
                        ",".join(row),
                        "node,group",
                        f"Fix line {line} of {groups_file}",
                    )
                groups[row[0].strip()] = row[1].strip()
        unknown = [n for n in groups if n not in G]
        if unknown and len(unknown) == len(groups):
            raise InvalidValue(
                unknown[0],
                f"a node of the network (none of the {len(groups)} nodes of {groups_file} is)",
                "Use the labels as they are in the network file",
            )
        return {n: g for n, g in groups.items() if n in G}
    if attribute is None:
        return None
    groups = {n: d[attribute] for n, d in G.nodes(data=True) if d.get(attribute) not in (None, "")}
    if not groups:
        have = sorted({k for _, d in G.nodes(data=True) for k in d} - {"label", "entity_id"})
        raise InvalidValue(
            attribute,
            f"a node attribute of this network (it has: {', '.join(have) or 'none'})",
            f"Pass --groups FILE.csv (node,group) with the {what}",
        )
    return groups


@network.command("communities")
@_network_input
@click.option(
    "--method",
    type=click.Choice(["leiden", "louvain"]),
    default="leiden",
    show_default=True,
    help="Leiden (Traag et al. 2019) or Louvain (Blondel et al. 2008).",
)
@click.option("--resolution", type=float, default=1.0, show_default=True, help="Resolution.")
@click.option("--unweighted", is_flag=True, help="Ignore tie weights.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the algorithm.")
@click.option(
    "--compare",
    "compare_attribute",
    default=None,
    metavar="ATTRIBUTE",
    help="A node attribute with known groups (e.g. group): report NMI and ARI against it.",
)
@click.option(
    "--groups",
    "groups_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Known groups as a CSV file (node,group) to compare with.",
)
@_OUT
@_json_option
def network_communities(
    net: NetworkInput,
    method: str,
    resolution: float,
    unweighted: bool,
    seed: int,
    compare_attribute: str | None,
    groups_file: Path | None,
    output: Path | None,
    as_json: bool,
) -> None:
    """Communities with their modularity; agreement (NMI, ARI) with known groups.

    Writes a row per node (`node`, `community`, 0 the largest) to -o; prints the modularity,
    the sizes and, with --compare or --groups, the agreement.
    """
    import pandas as pd

    from cybertnoc.network.communities import agreement, leiden, louvain

    G = net.graph
    weight = None if unweighted else "weight"
    if method == "leiden":
        found = leiden(G, weight=weight, resolution=resolution, seed=seed)
    else:
        found = louvain(
            G.to_undirected() if G.is_directed() else G,
            weight=weight,
            resolution=resolution,
            seed=seed,
        )
    known = _node_groups(G, compare_attribute, groups_file, "known groups")
    report: dict[str, Any] = {
        "method": method,
        "seed": seed,
        "resolution": resolution,
        "weighted": weight is not None,
        "nodes": G.number_of_nodes(),
        "communities": len(found.sizes),
        "sizes": found.sizes,
        "modularity": found.modularity,
    }
    if known is not None:
        report["agreement"] = agreement(found.membership, known)
    table = pd.DataFrame(
        {"node": list(found.membership), "community": list(found.membership.values())}
    )
    if output is not None:
        _write_table(table, output, as_json=False)
    if as_json:
        if output is None:
            report["membership"] = table.to_dict(orient="records")
        _print_json(report)
        return
    out.print(
        f"{method} (seed {seed}, resolution {resolution:g}): {len(found.sizes)} communities "
        f"of {G.number_of_nodes()} nodes, modularity {found.modularity:.4f}",
        highlight=False,
    )
    out.print(f"sizes: {', '.join(map(str, found.sizes[:20]))}"
              + (" ..." if len(found.sizes) > 20 else ""), highlight=False)  # fmt: skip
    if known is not None:
        a = report["agreement"]
        out.print(
            f"agreement with the known groups ({a['n']} nodes): NMI {a['nmi']:.4f}, "
            f"ARI {a['ari']:.4f}",
            highlight=False,
        )
    if output is None:
        out.print("(-o FILE.csv writes each node's community)", style="dim")


@network.command("keyplayers")
@_network_input
@click.option("-k", "k", type=int, default=3, show_default=True, help="Size of the set.")
@click.option(
    "--kind",
    type=click.Choice(["neg", "pos"]),
    default="neg",
    show_default=True,
    help="neg: whose removal fragments most (KPP-Neg); pos: who reach most (KPP-Pos).",
)
@click.option(
    "--objective",
    type=click.Choice(["fragmentation", "distance-weighted", "m-reach"]),
    default=None,
    help="neg: fragmentation (default) or distance-weighted; pos: distance-weighted (default) "
    "or m-reach.",
)
@click.option("-m", "m", type=int, default=1, show_default=True, help="Hops of the m-reach.")
@click.option("--starts", type=int, default=10, show_default=True, help="Greedy + random starts.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random starts.")
@_json_option
def network_keyplayers(
    net: NetworkInput,
    k: int,
    kind: str,
    objective: str | None,
    m: int,
    starts: int,
    seed: int,
    as_json: bool,
) -> None:
    """Key players (Borgatti 2006): the best set of k actors, by greedy plus swap."""
    from cybertnoc.errors import InvalidValue
    from cybertnoc.network.keyplayers import fragmentation, kpp_neg, kpp_pos

    G = net.graph
    if kind == "neg":
        objective = objective or "fragmentation"
        if objective == "m-reach":
            raise InvalidValue(objective, "fragmentation or distance-weighted for --kind neg")
        found = kpp_neg(G, k, objective=objective, seed=seed, starts=starts)  # type: ignore[arg-type]
    else:
        objective = objective or "distance-weighted"
        if objective == "fragmentation":
            raise InvalidValue(objective, "distance-weighted or m-reach for --kind pos")
        found = kpp_pos(G, k, objective=objective, m=m, seed=seed, starts=starts)  # type: ignore[arg-type]
    report = {
        "kind": f"kpp-{kind}",
        "objective": objective,
        "k": k,
        "nodes": list(found.nodes),
        "score": found.score,
        "start_fragmentation": fragmentation(G) if kind == "neg" else None,
        "swaps": found.swaps,
        "converged": found.converged,
        "seed": seed,
        "starts": starts,
    }
    if kind == "pos" and objective == "m-reach":
        report["m"] = m
    if as_json:
        _print_json(report)
        return
    what = "removed, leave fragmentation" if kind == "neg" else "reach"
    out.print(
        f"KPP-{kind.capitalize()} ({objective}, k={k}, seed {seed}): "
        f"{', '.join(map(str, found.nodes))}  {what} {found.score:.4f}",
        highlight=False,
    )
    if kind == "neg":
        out.print(f"fragmentation before: {report['start_fragmentation']:.4f}", highlight=False)


@network.command("brokerage")
@_network_input
@click.option(
    "--attribute",
    default="group",
    show_default=True,
    help="The node attribute whose values are the groups.",
)
@click.option(
    "--groups",
    "groups_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Groups as a CSV file (node,group) instead of a node attribute.",
)
@_OUT
@_json_option
def network_brokerage(
    net: NetworkInput,
    attribute: str,
    groups_file: Path | None,
    output: Path | None,
    as_json: bool,
) -> None:
    """Gould–Fernandez brokerage roles per node: coordinator, itinerant, gatekeeper,
    representative, liaison (Gould & Fernandez 1989)."""
    import pandas as pd

    from cybertnoc.network.brokerage import brokerage_table

    G = net.graph
    groups = _node_groups(G, attribute, groups_file, "groups")
    _write_table(pd.DataFrame(brokerage_table(G, groups)), output, as_json)


@network.command("links")
@_network_input
@click.option(
    "--evaluate",
    is_flag=True,
    help="Hide a share of the ties and report each method's AUC and precision@k.",
)
@click.option("--hidden", type=float, default=0.1, show_default=True, help="Share hidden.")
@click.option("--repeats", type=int, default=1, show_default=True, help="Splits averaged.")
@click.option(
    "--method",
    type=click.Choice(
        [
            "common_neighbours",
            "jaccard",
            "adamic_adar",
            "resource_allocation",
            "preferential_attachment",
            "logistic",
        ]
    ),
    default="resource_allocation",
    show_default=True,
    help="Suggest with this method.",
)
@click.option("-k", "k", type=int, default=10, show_default=True, help="Suggestions / top k.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the split.")
@_OUT
@_json_option
def network_links(
    net: NetworkInput,
    evaluate: bool,
    hidden: float,
    repeats: int,
    method: str,
    k: int,
    seed: int,
    output: Path | None,
    as_json: bool,
) -> None:
    """Ties likely missing from the data (e.g. unrecorded calls), or, with --evaluate, how well
    each method recovers hidden ties (Lü & Zhou 2011)."""
    from cybertnoc.network.linkprediction import evaluate_link_prediction, suggest_links

    G = net.graph
    if G.is_directed():
        G = G.to_undirected()
    if evaluate:
        table = evaluate_link_prediction(G, hidden=hidden, seed=seed, k=k, repeats=repeats)
        if output is None and not as_json:
            err.print(
                f"hidden {hidden:.0%} of {G.number_of_edges():,} ties, seed {seed}, "
                f"{repeats} split(s)",
                highlight=False,
            )
    else:
        table = suggest_links(G, k, method=method, seed=seed)
    _write_table(table, output, as_json)


_EXPORTS = ("gexf", "graphml", "cypher", "neo4j-csv", "ftm", "analyst-csv", "html")


@network.command("export")
@_network_input
@click.option(
    "--to",
    "target",
    type=click.Choice(_EXPORTS),
    required=True,
    help="gexf (Gephi), graphml, cypher or neo4j-csv (Neo4j), ftm (FtM JSON lines), "
    "analyst-csv (i2 / Maltego entities + links), html (interactive view, offline).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="The file (a directory for neo4j-csv and analyst-csv).",
)
@click.option(
    "--measures/--no-measures",
    default=True,
    show_default=True,
    help="Attach the metrics table's measures to the nodes.",
)
@click.option(
    "--communities",
    type=click.Choice(["leiden", "louvain", "none"]),
    default="leiden",
    show_default=True,
    help="Attach a `community` attribute.",
)
@click.option(
    "--color-by",
    default="community",
    show_default=True,
    help="Node attribute to colour by (community, role, group...); gexf and html.",
)
@click.option(
    "--size-by",
    default="degree_centrality",
    show_default=True,
    help="Node measure to size by (any metrics column, or degree, betweenness...); gexf and html.",
)
@click.option("--title", default=None, help="Title of the html view.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of layout/communities.")
def network_export(
    net: NetworkInput,
    target: str,
    output: Path,
    measures: bool,
    communities: str,
    color_by: str,
    size_by: str,
    title: str | None,
    seed: int,
) -> None:
    """Export the network for Gephi, Neo4j, Aleph, i2 / Maltego, or as a browser view."""
    from cybertnoc.network import exports as X
    from cybertnoc.network.communities import leiden, louvain
    from cybertnoc.network.measures import metrics_table

    G = net.graph
    table = metrics_table(G, seed=seed) if measures else None
    found = None
    if communities == "leiden":
        found = leiden(G, seed=seed)
    elif communities == "louvain":
        found = louvain(G.to_undirected() if G.is_directed() else G, seed=seed)
    H = X.annotate(G, measures=table, communities=found)
    (output if target in ("neo4j-csv", "analyst-csv") else output.parent).mkdir(
        parents=True, exist_ok=True
    )
    color = None if color_by in ("", "none") else color_by
    size = None if size_by in ("", "none") else size_by
    if target == "gexf":
        X.write_gexf(H, output, viz=True, color_by=color, size_by=size, seed=seed)
    elif target == "graphml":
        X.write_graphml(H, output)
    elif target == "cypher":
        X.write_cypher(H, output)
    elif target == "neo4j-csv":
        X.write_neo4j_csv(H, output)
    elif target == "ftm":
        X.write_ftm(H, output)
    elif target == "analyst-csv":
        X.write_analyst_csv(H, output)
    else:
        path, workspace = net.path, net.workspace
        name = title or (path.name if path is not None else workspace.name)
        source = f"{path} ({net.format_name})" if path is not None else f"workspace {workspace}"
        X.network_html(
            H,
            output,
            color_by=color,
            size_by=size,
            title=name,
            seed=seed,
            description=f"{H.number_of_nodes():,} nodes and {H.number_of_edges():,} ties "
            f"from {source}.",
        )
    err.print(f"wrote {target} of {H.number_of_nodes():,} nodes to {output}", highlight=False)


# -- join ---------------------------------------------------------------------------------------
@cli.command("join")
@click.argument("other", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_workspace_option
@click.option("--schema", default="Person", show_default=True, help="Entity schema to join.")
@click.option(
    "--on",
    "on",
    default="name,birthDate",
    show_default=True,
    help="Comma-separated properties whose pseudonyms must all agree.",
)
@_OUT
@_json_option
def join_cmd(
    other: Path,
    workspace: Path,
    schema: str,
    on: str,
    output: Path | None,
    as_json: bool,
) -> None:
    """Entities of this workspace and OTHER (same key) whose pseudonyms agree.

    Both workspaces must have been pseudonymised with the same key; OTHER is read only.
    """
    from cybertnoc.linkage.join import pseudonymised_join
    from cybertnoc.store import Workspace

    props = [p.strip() for p in on.split(",") if p.strip()]
    with Workspace.open(workspace, read_only=True) as ws:
        pairs = pseudonymised_join(ws, other, schema=schema, on=props)
    if output is None and not as_json:
        err.print(f"{len(pairs):,} pairs of {schema} agree on {', '.join(props)}", highlight=False)
    _write_table(pairs, output, as_json)


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
