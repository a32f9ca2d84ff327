"""The workspace: a directory holding the DuckDB store, its settings and outputs.

Layout::

    workspace/
      workspace.duckdb   the store: sources, records, entities, statements, relationships, audit
      cybertnoc.toml     settings (name, created, schema version); never a key
      reports/           briefs and import reports
      exports/           FtM JSON lines, network files, open-data bundles
"""

from __future__ import annotations

import logging
import os
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from cybertnoc import __version__
from cybertnoc.errors import WorkspaceError
from cybertnoc.store._duck import first_row
from cybertnoc.store.audit import append_audit
from cybertnoc.store.migrations import MIGRATIONS, SCHEMA_VERSION

__all__ = ["DB_NAME", "ENV_WORKSPACE", "Workspace", "connect", "default_workspace_path"]

log = logging.getLogger(__name__)

DB_NAME = "workspace.duckdb"
CONFIG_NAME = "cybertnoc.toml"
ENV_WORKSPACE = "CYBERTNOC_WORKSPACE"
#: Environment variable with DuckDB's memory limit for cybertnoc's connections ("8GB").
ENV_MEMORY = "CYBERTNOC_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "4GB"
_TABLES = ("sources", "records", "entities", "statements", "relationships", "audit_log")


def default_workspace_path() -> Path:
    """The workspace used when none is given: env ``CYBERTNOC_WORKSPACE``, else ``./workspace``."""
    return Path(os.environ.get(ENV_WORKSPACE) or "workspace")


def connect(path: str | os.PathLike[str] = ":memory:", read_only: bool = False):
    """Open a DuckDB connection that never reaches the network.

    DuckDB would otherwise download extensions on first use; cybertnoc uses only the statically
    linked ones (parquet, json, icu). Memory is limited to ``CYBERTNOC_MEMORY_LIMIT`` (default
    4GB); beyond it DuckDB spills to a temporary directory beside the database.
    """
    config = {
        "autoinstall_known_extensions": "false",
        "autoload_known_extensions": "false",
        # Large imports and merges spill to disk beyond this instead of taking most of the
        # machine's memory (DuckDB's default is 80 %).
        "memory_limit": os.environ.get(ENV_MEMORY, DEFAULT_MEMORY_LIMIT),
        "preserve_insertion_order": "false",
    }
    if str(path) == ":memory:":
        # In-memory databases (staging, linkage) would spill to ./.tmp in the user's directory.
        config["temp_directory"] = os.path.join(
            tempfile.gettempdir(), f"cybertnoc-duckdb-{os.getpid()}"
        )
    return duckdb.connect(str(path), read_only=read_only, config=config)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


class Workspace:
    """A cybertnoc workspace on disk.

    Use :meth:`create` for a new one and :meth:`open` for an existing one; both return an open
    workspace that should be closed (or used as a context manager).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()) / "ws"
    >>> with Workspace.create(d) as ws:
    ...     ws.schema_version == SCHEMA_VERSION
    True
    """

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection, config: dict[str, Any]):
        self.path = path
        self.con = con
        self.config = config

    # -- life cycle ---------------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | os.PathLike[str], name: str | None = None) -> Workspace:
        """Create a new, empty workspace in ``path`` (which must not hold one already)."""
        path = Path(path)
        if (path / DB_NAME).exists():
            raise WorkspaceError(
                f"{path} already holds a workspace ({DB_NAME}). Use it as it is, or choose "
                "another directory."
            )
        if path.exists() and not path.is_dir():
            raise WorkspaceError(f"{path} exists and is not a directory.")
        path.mkdir(parents=True, exist_ok=True)
        for sub in ("reports", "exports"):
            (path / sub).mkdir(exist_ok=True)
        created = datetime.now(UTC).replace(microsecond=0).isoformat()
        config = {
            "workspace": {
                "name": name or path.resolve().name,
                "created": created,
                "created_with": f"cybertnoc {__version__}",
            }
        }
        lines = ["# cybertnoc workspace settings. The pseudonymisation key never goes here."]
        for table, values in config.items():
            lines.append(f"[{table}]")
            lines += [f"{k} = {_toml_value(v)}" for k, v in values.items()]
        (path / CONFIG_NAME).write_text("\n".join(lines) + "\n", encoding="utf-8")
        con = connect(path / DB_NAME)
        ws = cls(path, con, config)
        ws._migrate()
        with ws.transaction():
            append_audit(con, "init", {"path": str(path), "name": config["workspace"]["name"]})
        log.info("created workspace %s", path)
        return ws

    @classmethod
    def open(cls, path: str | os.PathLike[str], read_only: bool = False) -> Workspace:
        """Open an existing workspace, applying pending schema migrations."""
        path = Path(path)
        db = path / DB_NAME
        if not db.exists():
            raise WorkspaceError(
                f"No workspace at {path} (no {DB_NAME} there). Create one with "
                f"`cybertnoc init {path}`, or point to yours with --workspace/-w or the "
                f"{ENV_WORKSPACE} environment variable."
            )
        config: dict[str, Any] = {}
        if (path / CONFIG_NAME).exists():
            try:
                config = tomllib.loads((path / CONFIG_NAME).read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise WorkspaceError(f"{path / CONFIG_NAME} is not valid TOML: {exc}") from exc
        try:
            con = connect(db, read_only=read_only)
        except duckdb.Error as exc:
            raise WorkspaceError(f"Cannot open {db}: {exc}") from exc
        ws = cls(path, con, config)
        version = ws.schema_version
        if version > SCHEMA_VERSION:
            con.close()
            raise WorkspaceError(
                f"{path} has schema version {version}, newer than this cybertnoc "
                f"({__version__}, schema {SCHEMA_VERSION}). Upgrade cybertnoc."
            )
        if version < SCHEMA_VERSION:
            if read_only:
                con.close()
                raise WorkspaceError(
                    f"{path} needs migration from schema {version} to {SCHEMA_VERSION}; "
                    "open it once without read-only."
                )
            ws._migrate()
        return ws

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema -------------------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        has = first_row(
            self.con.execute(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_name = 'schema_migrations'"
            )
        )
        if not has or not has[0]:
            return 0
        row = first_row(self.con.execute("SELECT max(version) FROM schema_migrations"))
        return int(row[0] or 0) if row else 0

    def _migrate(self) -> None:
        current = self.schema_version
        with self.transaction():
            if current == 0:
                self.con.execute(
                    "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                    "name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
                )
            for migration in MIGRATIONS:
                if migration.version <= current:
                    continue
                for statement in migration.statements:
                    self.con.execute(statement)
                self.con.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                    [migration.version, migration.name, datetime.now(UTC)],
                )
                log.info("applied migration %d: %s", migration.version, migration.name)

    # -- helpers ------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Run a block in one transaction: all of it is written, or none of it."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")

    def audit(self, command: str, arguments: dict[str, Any] | None = None, **kw: Any) -> int:
        """Append to the audit log in its own transaction."""
        with self.transaction():
            return append_audit(self.con, command, arguments, **kw)

    def table_counts(self) -> dict[str, int]:
        """Row counts of the main tables."""
        return {
            t: int(self.con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0])  # type: ignore[index]
            for t in _TABLES
        }

    def get_meta(self, key: str) -> str | None:
        row = first_row(self.con.execute("SELECT value FROM meta WHERE key = ?", [key]))
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.con.execute(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)",
            [key, value],
        )

    @property
    def reports_dir(self) -> Path:
        p = self.path / "reports"
        p.mkdir(exist_ok=True)
        return p

    @property
    def exports_dir(self) -> Path:
        p = self.path / "exports"
        p.mkdir(exist_ok=True)
        return p
