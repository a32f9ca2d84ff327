"""Schema migrations of the workspace database.

Each migration is a numbered list of SQL statements. A workspace records the migrations it has
applied in ``schema_migrations``; opening a workspace applies the missing ones in order, inside one
transaction. Never edit a released migration: add a new one.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Migration"]


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


_V1 = (
    """CREATE TABLE meta (
        key VARCHAR PRIMARY KEY,
        value VARCHAR
    )""",
    """CREATE TABLE sources (
        source_id INTEGER PRIMARY KEY,
        dataset VARCHAR NOT NULL,
        file_name VARCHAR NOT NULL,
        path VARCHAR NOT NULL,
        format VARCHAR NOT NULL,
        content_hash VARCHAR NOT NULL UNIQUE,
        mapping_name VARCHAR,
        mapping_hash VARCHAR,
        title VARCHAR,
        publisher VARCHAR,
        licence VARCHAR,
        url VARCHAR,
        crime_area VARCHAR,
        rows INTEGER NOT NULL,
        flagged_rows INTEGER NOT NULL,
        entities INTEGER NOT NULL,
        statements INTEGER NOT NULL,
        personal_columns VARCHAR[],
        imported_at TIMESTAMPTZ NOT NULL,
        imported_by VARCHAR
    )""",
    # Row provenance: one row per record of a source file.
    """CREATE TABLE records (
        source_id INTEGER NOT NULL,
        row_number INTEGER NOT NULL,
        line INTEGER,
        content_hash VARCHAR NOT NULL,
        flagged BOOLEAN NOT NULL,
        problems VARCHAR
    )""",
    # One row per entity; its properties live in statements.
    """CREATE TABLE entities (
        id VARCHAR NOT NULL,
        schema VARCHAR NOT NULL,
        caption VARCHAR,
        dataset VARCHAR NOT NULL,
        source_id INTEGER NOT NULL,
        first_seen TIMESTAMPTZ,
        last_seen TIMESTAMPTZ
    )""",
    # Statement-level provenance, aligned with FollowTheMoney v4 statements.
    """CREATE TABLE statements (
        id VARCHAR NOT NULL,
        entity_id VARCHAR NOT NULL,
        schema VARCHAR NOT NULL,
        prop VARCHAR NOT NULL,
        prop_type VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        original_value VARCHAR,
        dataset VARCHAR NOT NULL,
        source_id INTEGER NOT NULL,
        row_number INTEGER NOT NULL,
        first_seen TIMESTAMPTZ,
        last_seen TIMESTAMPTZ
    )""",
    # The graph projection of edge entities (Payment, Call, Membership, ...): one row per edge.
    """CREATE TABLE relationships (
        id VARCHAR NOT NULL,
        schema VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        target VARCHAR NOT NULL,
        directed BOOLEAN NOT NULL,
        dataset VARCHAR NOT NULL,
        source_id INTEGER NOT NULL,
        row_number INTEGER NOT NULL
    )""",
    # Append-only, hash-chained: each row's hash covers its content and the previous hash.
    """CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        happened_at TIMESTAMPTZ NOT NULL,
        actor VARCHAR NOT NULL,
        command VARCHAR NOT NULL,
        arguments VARCHAR NOT NULL,
        sources VARCHAR NOT NULL,
        outcome VARCHAR NOT NULL,
        cybertnoc_version VARCHAR NOT NULL,
        prev_hash VARCHAR NOT NULL,
        hash VARCHAR NOT NULL
    )""",
    "CREATE INDEX statements_entity ON statements (entity_id)",
    "CREATE INDEX entities_id ON entities (id)",
)

# Sources imported through a built-in format: which format, whether the data are offline or
# online, how to cite them, where they came from, and their relationship count.
_V2 = (
    "ALTER TABLE sources ADD COLUMN format_name VARCHAR",
    "ALTER TABLE sources ADD COLUMN kind VARCHAR",
    "ALTER TABLE sources ADD COLUMN citation VARCHAR",
    "ALTER TABLE sources ADD COLUMN provenance VARCHAR",
    "ALTER TABLE sources ADD COLUMN description VARCHAR",
    "ALTER TABLE sources ADD COLUMN relationships INTEGER",
    # A data-quality profile per source, collected while importing (JSON).
    """CREATE TABLE source_profiles (
        source_id INTEGER PRIMARY KEY,
        profile VARCHAR NOT NULL
    )""",
)

# Similarity encodings of pseudonymised values: a keyed Bloom filter per pseudonym, made at
# ingest from the plaintext (which is never stored), so that linkage can compare names
# approximately without them (cybertnoc.linkage.bloom).
_V3 = (
    """CREATE TABLE value_encodings (
        value VARCHAR PRIMARY KEY,
        encoding BLOB NOT NULL
    )""",
)

# Entity resolution (cybertnoc.linkage.workspace): one row per linkage run (its settings and
# trained model, threshold, status), the clusters it made (every record of the schema, in one
# cluster each) and the scored pairs with their comparison evidence. The source entities are
# never changed; undoing a run deletes its clusters and pairs and keeps the run, marked undone.
_V4 = (
    """CREATE TABLE linkage_runs (
        run_id VARCHAR PRIMARY KEY,
        seq INTEGER NOT NULL UNIQUE,
        created_at TIMESTAMPTZ NOT NULL,
        created_by VARCHAR,
        schema VARCHAR NOT NULL,
        threshold DOUBLE NOT NULL,
        seed INTEGER NOT NULL,
        status VARCHAR NOT NULL,
        settings VARCHAR NOT NULL,
        summary VARCHAR NOT NULL,
        changed_at TIMESTAMPTZ
    )""",
    """CREATE TABLE linkage_clusters (
        run_id VARCHAR NOT NULL,
        cluster_id VARCHAR NOT NULL,
        entity_id VARCHAR NOT NULL,
        dataset VARCHAR,
        cluster_size INTEGER NOT NULL,
        match_probability DOUBLE
    )""",
    """CREATE TABLE linkage_pairs (
        run_id VARCHAR NOT NULL,
        entity_a VARCHAR NOT NULL,
        entity_b VARCHAR NOT NULL,
        match_probability DOUBLE NOT NULL,
        match_weight DOUBLE NOT NULL,
        evidence VARCHAR NOT NULL
    )""",
    "CREATE INDEX linkage_clusters_run ON linkage_clusters (run_id, entity_id)",
    "CREATE INDEX linkage_pairs_run ON linkage_pairs (run_id, entity_a, entity_b)",
    # The resolved entities of the active run of each schema.
    """CREATE VIEW resolved_entities AS
        SELECT r.schema, c.cluster_id, c.entity_id, c.dataset, c.cluster_size,
               c.match_probability, c.run_id
        FROM linkage_clusters c JOIN linkage_runs r USING (run_id)
        WHERE r.status = 'active'""",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial workspace schema", _V1),
    Migration(2, "source format, kind, citation and profile", _V2),
    Migration(3, "similarity encodings of pseudonymised values", _V3),
    Migration(4, "entity resolution runs, clusters and scored pairs", _V4),
)

#: The schema version this release of cybertnoc writes.
SCHEMA_VERSION = MIGRATIONS[-1].version
