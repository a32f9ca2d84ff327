"""The workspace store: DuckDB file, provenance, audit log, schema migrations."""

from cybertnoc.store.audit import AuditEntry, append_audit, read_audit_log, verify_audit_log
from cybertnoc.store.migrations import SCHEMA_VERSION
from cybertnoc.store.workspace import (
    DB_NAME,
    ENV_WORKSPACE,
    Workspace,
    connect,
    default_workspace_path,
)

__all__ = [
    "DB_NAME",
    "ENV_WORKSPACE",
    "SCHEMA_VERSION",
    "AuditEntry",
    "Workspace",
    "append_audit",
    "connect",
    "default_workspace_path",
    "read_audit_log",
    "verify_audit_log",
]
