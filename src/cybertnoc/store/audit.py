"""The append-only audit log: who ran what, when, on which sources.

Rows are only ever inserted. Each row carries the SHA-256 of its own content and of the previous
row's hash, so editing or deleting a past row breaks the chain, which :func:`verify_audit_log`
detects.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cybertnoc import __version__
from cybertnoc.store._duck import first_row

if TYPE_CHECKING:
    import duckdb

__all__ = ["AuditEntry", "append_audit", "read_audit_log", "verify_audit_log"]

_GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    actor: str
    command: str
    arguments: dict[str, Any]
    sources: list[Any]
    outcome: str
    cybertnoc_version: str
    prev_hash: str
    hash: str


def _actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user database entry, e.g. in some containers
        return "unknown"


def _digest(prev_hash: str, fields: list[str]) -> str:
    h = hashlib.sha256(prev_hash.encode())
    for field in fields:
        h.update(b"\x1f")
        h.update(field.encode())
    return h.hexdigest()


def append_audit(
    con: duckdb.DuckDBPyConnection,
    command: str,
    arguments: dict[str, Any] | None = None,
    sources: list[Any] | None = None,
    outcome: str = "ok",
) -> int:
    """Append one entry to the audit log and return its sequence number.

    The caller decides the transaction: inside an import, the entry commits or rolls back with it.
    Arguments must not contain secrets; callers pass paths and options, never keys.
    """
    row = first_row(con.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"))
    seq, prev_hash = (row[0] + 1, row[1]) if row else (1, _GENESIS)
    at = datetime.now(UTC).replace(microsecond=0)
    fields = [
        str(seq),
        at.isoformat(),
        _actor(),
        command,
        json.dumps(arguments or {}, sort_keys=True, default=str),
        json.dumps(sources or [], sort_keys=True, default=str),
        outcome,
        __version__,
    ]
    digest = _digest(prev_hash, fields)
    con.execute(
        "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [seq, at, *fields[2:], prev_hash, digest],
    )
    return seq


def read_audit_log(con: duckdb.DuckDBPyConnection) -> list[AuditEntry]:
    """All audit entries, oldest first."""
    rows = con.execute(
        "SELECT seq, happened_at, actor, command, arguments, sources, outcome, cybertnoc_version, "
        "prev_hash, hash FROM audit_log ORDER BY seq"
    ).fetchall()
    return [
        AuditEntry(r[0], r[1], r[2], r[3], json.loads(r[4]), json.loads(r[5]), *r[6:]) for r in rows
    ]


def verify_audit_log(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Return the sequence numbers whose hash does not match; empty when the chain is intact."""
    bad: list[int] = []
    prev = _GENESIS
    for e in read_audit_log(con):
        fields = [
            str(e.seq),
            e.at.astimezone(UTC).isoformat(),
            e.actor,
            e.command,
            json.dumps(e.arguments, sort_keys=True, default=str),
            json.dumps(e.sources, sort_keys=True, default=str),
            e.outcome,
            e.cybertnoc_version,
        ]
        if e.prev_hash != prev or _digest(prev, fields) != e.hash:
            bad.append(e.seq)
        prev = e.hash
    return bad
