"""The workspace: creation, reopening, migrations, audit log."""

from __future__ import annotations

import duckdb
import pytest

from cybertnoc.errors import WorkspaceError
from cybertnoc.store import (
    SCHEMA_VERSION,
    Workspace,
    append_audit,
    read_audit_log,
    verify_audit_log,
)


def test_create_makes_the_documented_layout(tmp_path):
    with Workspace.create(tmp_path / "ws", name="test") as ws:
        assert ws.schema_version == SCHEMA_VERSION
        counts = ws.table_counts()
    assert counts == {
        "sources": 0,
        "records": 0,
        "entities": 0,
        "statements": 0,
        "relationships": 0,
        "audit_log": 1,
    }
    for name in ("workspace.duckdb", "cybertnoc.toml", "reports", "exports"):
        assert (tmp_path / "ws" / name).exists()
    assert 'name = "test"' in (tmp_path / "ws" / "cybertnoc.toml").read_text()


def test_create_refuses_an_existing_workspace(tmp_path):
    Workspace.create(tmp_path / "ws").close()
    with pytest.raises(WorkspaceError, match="already holds a workspace"):
        Workspace.create(tmp_path / "ws")


def test_open_missing_workspace_says_how_to_create_one(tmp_path):
    with pytest.raises(WorkspaceError, match=r"cybertnoc init .*nowhere"):
        Workspace.open(tmp_path / "nowhere")


def test_open_refuses_a_newer_schema(tmp_path):
    Workspace.create(tmp_path / "ws").close()
    con = duckdb.connect(str(tmp_path / "ws" / "workspace.duckdb"))
    con.execute("INSERT INTO schema_migrations VALUES (999, 'future', now())")
    con.close()
    with pytest.raises(WorkspaceError, match="newer than this cybertnoc"):
        Workspace.open(tmp_path / "ws")


def test_migrations_are_recorded_once(tmp_path):
    Workspace.create(tmp_path / "ws").close()
    with Workspace.open(tmp_path / "ws") as ws:
        rows = ws.con.execute("SELECT version FROM schema_migrations").fetchall()
    assert rows == [(v,) for v in range(1, SCHEMA_VERSION + 1)]


def test_audit_log_is_hash_chained_and_detects_tampering(tmp_path):
    with Workspace.create(tmp_path / "ws") as ws:
        ws.audit("import", {"file": "a.csv"}, sources=[1])
        ws.audit("export ftm", {"output": "-"})
        entries = read_audit_log(ws.con)
        assert [e.command for e in entries] == ["init", "import", "export ftm"]
        assert entries[1].sources == [1]
        assert verify_audit_log(ws.con) == []
        ws.con.execute("UPDATE audit_log SET command = 'nothing' WHERE seq = 2")
        assert verify_audit_log(ws.con) == [2]


def test_audit_entry_rolls_back_with_its_transaction(tmp_path):
    with Workspace.create(tmp_path / "ws") as ws:
        with pytest.raises(RuntimeError), ws.transaction() as con:
            append_audit(con, "import", {"file": "x"})
            raise RuntimeError("boom")
        assert [e.command for e in read_audit_log(ws.con)] == ["init"]


def test_a_version_1_workspace_is_migrated_with_its_sources(tmp_path, pseudonymiser):
    from conftest import FIXTURES
    from cybertnoc.ingest import import_file
    from cybertnoc.store.migrations import MIGRATIONS
    from cybertnoc.store.queries import list_sources

    # A workspace as cybertnoc wrote it at schema version 1, with one source.
    with Workspace.create(tmp_path / "ws") as ws:
        import_file(
            ws, FIXTURES / "transfers.csv", FIXTURES / "transfers.yml", pseudonymiser=pseudonymiser
        )
    con = duckdb.connect(str(tmp_path / "ws" / "workspace.duckdb"))
    for column in ("format_name", "kind", "citation", "provenance", "description"):
        con.execute(f"ALTER TABLE sources DROP COLUMN {column}")
    con.execute("ALTER TABLE sources DROP COLUMN relationships")
    con.execute("DROP TABLE source_profiles")
    con.execute("DROP TABLE value_encodings")  # version 3
    con.execute("DROP VIEW resolved_entities")  # version 4
    for table in ("linkage_pairs", "linkage_clusters", "linkage_runs"):
        con.execute(f"DROP TABLE {table}")
    con.execute("DELETE FROM schema_migrations WHERE version > 1")
    con.close()
    with Workspace.open(tmp_path / "ws") as ws:
        assert ws.schema_version == MIGRATIONS[-1].version == 4
        (source,) = list_sources(ws)
        assert source["rows"] == 4 and source["format_name"] is None
        import_file(
            ws, FIXTURES / "suspects.csv", FIXTURES / "suspects.yml", pseudonymiser=pseudonymiser
        )
        assert [s["kind"] for s in list_sources(ws)] == [None, "unstated"]
