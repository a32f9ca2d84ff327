"""Import a source file into a workspace through a mapping: validated, pseudonymised, atomic.

An import is one transaction. Every row is validated; problems are collected for the whole file.
If any problem is fatal (a missing column, a malformed line, a missing or invalid required value),
the transaction is rolled back, nothing of the source is written, and :class:`ImportRejected`
carries every problem with its line, column, value, what was expected and how to fix it. Rows with
recoverable problems (an invalid optional value) are kept, their bad values left out, and the
record is flagged with its problems. Importing a file whose content was imported before is a no-op.
"""

from __future__ import annotations

import hashlib
import json
import logging
import string
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
from followthemoney.exc import InvalidData
from followthemoney.types import registry

from cybertnoc.errors import (
    ImportRejected,
    InvalidMapping,
    InvalidValue,
    KeyMissing,
    Problem,
)
from cybertnoc.ethics.pseudonymise import Pseudonymiser
from cybertnoc.ingest.mapping import EntityMapping, Mapping, PropertyMapping, load_mapping
from cybertnoc.ingest.profile import Profiler
from cybertnoc.ingest.readers import Row, open_reader
from cybertnoc.linkage.bloom import BloomEncoder
from cybertnoc.linkage.normalise import normalise_name, normalise_text
from cybertnoc.model import get_model
from cybertnoc.model.types import clean_money, clean_value
from cybertnoc.store._duck import first_row
from cybertnoc.store.audit import append_audit
from cybertnoc.store.workspace import Workspace, connect

__all__ = ["ImportResult", "file_hash", "import_file", "make_id"]

log = logging.getLogger(__name__)

WITHHELD = "<personal value withheld>"
_BATCH = 20_000
#: Statements staged before they are merged into the main tables within the import.
_MERGE_STATEMENTS = 250_000

_STATEMENT_FIELDS = [
    ("id", pa.string()),
    ("entity_id", pa.string()),
    ("schema", pa.string()),
    ("prop", pa.string()),
    ("prop_type", pa.string()),
    ("value", pa.string()),
    ("original_value", pa.string()),
    ("dataset", pa.string()),
    ("source_id", pa.int32()),
    ("row_number", pa.int32()),
    ("first_seen", pa.timestamp("us", tz="UTC")),
    ("last_seen", pa.timestamp("us", tz="UTC")),
]
_ENTITY_FIELDS = [
    ("id", pa.string()),
    ("schema", pa.string()),
    ("caption", pa.string()),
    ("dataset", pa.string()),
    ("source_id", pa.int32()),
    ("row_number", pa.int32()),
    ("first_seen", pa.timestamp("us", tz="UTC")),
    ("last_seen", pa.timestamp("us", tz="UTC")),
]
_REL_FIELDS = [
    ("id", pa.string()),
    ("schema", pa.string()),
    ("source", pa.string()),
    ("target", pa.string()),
    ("directed", pa.bool_()),
    ("dataset", pa.string()),
    ("source_id", pa.int32()),
    ("row_number", pa.int32()),
]
_RECORD_FIELDS = [
    ("source_id", pa.int32()),
    ("row_number", pa.int32()),
    ("line", pa.int32()),
    ("content_hash", pa.string()),
    ("flagged", pa.bool_()),
    ("problems", pa.string()),
]


@dataclass
class ImportResult:
    """What an import did."""

    file: str
    dataset: str
    source_id: int | None
    skipped: bool
    rows: int = 0
    flagged_rows: int = 0
    entities: int = 0
    statements: int = 0
    relationships: int = 0
    problems: list[Problem] = field(default_factory=list)
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "dataset": self.dataset,
            "source_id": self.source_id,
            "skipped": self.skipped,
            "rows": self.rows,
            "flagged_rows": self.flagged_rows,
            "entities": self.entities,
            "statements": self.statements,
            "relationships": self.relationships,
            "warnings": [p.as_dict() for p in self.problems],
            "message": self.message,
        }


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def make_id(namespace: str, key_literal: str, keys: list[str]) -> str:
    """A stable entity id: SHA-1 of the namespace, key literal and key values.

    Examples
    --------
    >>> make_id("bank", "", ["NL91ABNA0417164300"]) == make_id("bank", "", ["NL91ABNA0417164300"])
    True
    >>> make_id("bank", "", ["a"]) != make_id("other", "", ["a"])
    True
    """
    h = hashlib.sha1(namespace.encode())
    h.update(b"\x1f" + key_literal.encode())
    for k in keys:
        h.update(b"\x1f" + k.encode())
    return h.hexdigest()


def _statement_id(dataset: str, entity_id: str, prop: str, value: str) -> str:
    return hashlib.sha1(f"{dataset}.{entity_id}.{prop}.{value}".encode()).hexdigest()


class _Columns:
    """Column-wise buffers for one staging table."""

    def __init__(self, fields: list[tuple[str, pa.DataType]]) -> None:
        self.schema = pa.schema(fields)
        self.cols: list[list[Any]] = [[] for _ in fields]
        self.count = 0

    def add(self, *values: Any) -> None:
        for col, v in zip(self.cols, values, strict=True):
            col.append(v)
        self.count += 1

    def take(self) -> pa.Table:
        table = pa.table(
            [pa.array(c, type=f.type) for c, f in zip(self.cols, self.schema, strict=True)],
            schema=self.schema,
        )
        self.cols = [[] for _ in self.cols]
        return table

    def __len__(self) -> int:
        return len(self.cols[0])


_STAGING = threading.local()


def _staging_connection() -> Any:
    """This thread's in-memory DuckDB for staging rows (opening one costs ~15 ms per import)."""
    con = getattr(_STAGING, "con", None)
    if con is None:
        con = _STAGING.con = connect()
    return con


#: Entries of the per-import memos of cleaned values and pseudonyms.
_MEMO_SIZE = 200_000


class _RowContext:
    """Per-row state while mapping one record."""

    __slots__ = ("ids", "problems", "row", "seen")

    def __init__(self, row: Row, seen: datetime) -> None:
        self.row = row
        self.seen = seen
        self.ids: dict[str, str] = {}
        self.problems: list[Problem] = []


def _template_fields(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def _only_separators(template: str) -> bool:
    """Whether a template's literal text is only spaces and punctuation ("{a} {b}", "{a}, {b}")."""
    literal = "".join(text for text, *_ in string.Formatter().parse(template))
    return not literal.strip(" ,.;:/-")


class _Importer:
    def __init__(
        self,
        ws: Workspace,
        path: Path,
        mapping: Mapping,
        pseudonymiser: Pseudonymiser | None,
        progress: Callable[[int, int], None] | None,
        *,
        reader: Any = None,
        format_name: str | None = None,
        own_transaction: bool = True,
    ) -> None:
        self.ws = ws
        self.reader = reader
        self.format_name = format_name
        self.own_transaction = own_transaction
        self.profiler = Profiler([], mapping.personal)
        self.path = path
        self.mapping = mapping
        self.pseudo = pseudonymiser
        self.progress = progress
        self.model = get_model()
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.fatal = 0
        self.problems: list[Problem] = []
        self.statements = _Columns(_STATEMENT_FIELDS)
        self.entities = _Columns(_ENTITY_FIELDS)
        self.relationships = _Columns(_REL_FIELDS)
        self.records = _Columns(_RECORD_FIELDS)
        self.flagged = 0
        self.rows = 0
        self.source_id = 0
        self._key_cleaners = self._plan_key_cleaners()
        self._clean_memo: dict[tuple[int, str], Any] = {}
        self._staged = 0
        self._merged: dict[str, int] = {}
        self.stage: Any = None
        self._staged_entities: pa.Table | None = None
        self._resolved: pa.Table | None = None
        self._pseudo_memo: dict[str, str] = {}
        # Pseudonym -> keyed Bloom filter of its plaintext, for approximate linkage.
        self.encoder = (
            BloomEncoder(pseudonymiser.derived_key(b"encodings"))
            if pseudonymiser is not None and mapping.personal
            else None
        )
        self.encodings: dict[str, bytes] = {}
        self._encoded: set[str] = set()
        self.content_hash = ""
        # A money value ("12.50 EUR") also fills `currency` where the entity maps none itself.
        self._money_currency = {
            id(pm): "currency" in self.model[ent.schema].properties
            and pm.prop != "currency"
            and not any(p.prop == "currency" for p in ent.properties)
            for ent in mapping.entities
            for pm in ent.properties
            if pm.cleaner == "money"
        }

    # -- problems -------------------------------------------------------------------------------
    def problem(
        self,
        ctx: _RowContext | None,
        column: str | None,
        value: Any,
        expected: str,
        hint: str,
        fatal: bool,
    ) -> None:
        shown = None if value is None else str(value)
        if column is not None and column in self.mapping.personal and shown is not None:
            shown = WITHHELD
        p = Problem(
            file=str(self.path),
            row=ctx.row.number if ctx else None,
            line=ctx.row.line if ctx else None,
            column=column,
            value=shown,
            expected=expected,
            hint=hint,
            fatal=fatal,
        )
        self.problems.append(p)
        if fatal:
            self.fatal += 1
        if ctx is not None:
            ctx.problems.append(p)

    # -- cleaning -------------------------------------------------------------------------------
    def _plan_key_cleaners(self) -> dict[tuple[str, str], PropertyMapping]:
        """Key columns are cleaned like the property of the same entity that reads them."""
        plan: dict[tuple[str, str], PropertyMapping] = {}
        for ent in self.mapping.entities:
            for p in ent.properties:
                if p.column and p.column in ent.keys and (ent.name, p.column) not in plan:
                    plan[(ent.name, p.column)] = p
        return plan

    def clean(self, pm: PropertyMapping, raw: str) -> list[tuple[str, str]]:
        """Clean one raw value: a list of (property, canonical value); raises InvalidValue.

        Results are memoised per property mapping and raw text (the same account, country or
        currency recurs on many rows); the memo is emptied when it grows large.
        """
        key = (id(pm), raw)
        hit = self._clean_memo.get(key)
        if hit is not None:
            if isinstance(hit, InvalidValue):
                raise hit
            return hit
        if len(self._clean_memo) >= _MEMO_SIZE:
            self._clean_memo.clear()
        try:
            result = self._clean(pm, raw)
        except InvalidValue as exc:
            self._clean_memo[key] = exc
            raise
        self._clean_memo[key] = result
        return result

    def _clean(self, pm: PropertyMapping, raw: str) -> list[tuple[str, str]]:
        if pm.cleaner.startswith("ftm:"):
            ftype = registry.get(pm.cleaner[4:])
            assert ftype is not None
            cleaned = ftype.clean(raw)
            if cleaned is None:
                if not raw.strip():
                    return []
                raise InvalidValue(raw, f"a valid {ftype.label.lower()}", "")
            return [(pm.prop, cleaned)]
        if pm.cleaner == "money":
            money = clean_money(raw, **pm.options)
            if money is None:
                return []
            out = [(pm.prop, _decimal_text(money.amount))]
            if self._money_currency.get(id(pm)):
                out.append(("currency", money.currency))
            return out
        cleaned = clean_value(pm.cleaner, raw, **pm.options)
        return [] if cleaned is None else [(pm.prop, cleaned)]

    def personal(self, column: str | None, value: str) -> str:
        if column is not None and column in self.mapping.personal:
            assert self.pseudo is not None
            hit = self._pseudo_memo.get(value)
            if hit is None:
                if len(self._pseudo_memo) >= _MEMO_SIZE:
                    self._pseudo_memo.clear()
                hit = self._pseudo_memo[value] = self.pseudo(value)
            return hit
        return value

    # -- mapping one row ------------------------------------------------------------------------
    def map_row(self, row: Row) -> None:
        seen = self.now
        if self.mapping.seen:
            raw_seen = row.values.get(self.mapping.seen)
            if isinstance(raw_seen, str) and raw_seen.strip():
                try:
                    ts = clean_value("timestamp", raw_seen)
                    if ts:
                        seen = datetime.fromisoformat(ts).replace(tzinfo=UTC)
                except InvalidValue as exc:
                    ctx0 = _RowContext(row, seen)
                    self.problem(ctx0, self.mapping.seen, raw_seen, exc.expected, exc.hint, False)
        ctx = _RowContext(row, seen)
        for column, value, expected, hint in row.problems:
            self.problem(ctx, column, value, expected, hint, False)
        for ent in self.mapping.entities:
            self.map_entity(ctx, ent)
        flagged = bool(ctx.problems)
        self.flagged += flagged
        content = {
            k: (self._pseudo_raw(k, v) if k in self.mapping.personal else v)
            for k, v in row.values.items()
        }
        digest = hashlib.sha256(
            json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()
        problems = (
            json.dumps(
                [
                    {k: v for k, v in p.as_dict().items() if k not in ("file", "row", "line")}
                    for p in ctx.problems
                ],
                ensure_ascii=False,
            )
            if flagged
            else None
        )
        self.records.add(self.source_id, row.number, row.line, digest, flagged, problems)

    def _pseudo_raw(self, column: str, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, list):
            return [self.personal(column, v) for v in value]
        return self.personal(column, str(value))

    def _raw_values(self, ctx: _RowContext, column: str, split: str | None) -> list[str]:
        value = ctx.row.values.get(column)
        if value is None:
            return []
        items = value if isinstance(value, list) else [value]
        out: list[str] = []
        for item in items:
            parts = item.split(split) if split else [item]
            out.extend(p for p in parts if p.strip())
        return out

    def map_entity(self, ctx: _RowContext, ent: EntityMapping) -> None:
        key_values: list[str] = []
        for key in ent.keys:
            raws = self._raw_values(ctx, key, None)
            if not raws:
                if ent.required:
                    self.problem(
                        ctx,
                        key,
                        None,
                        f"a value: it identifies the {ent.schema} {ent.name!r}",
                        "Fill the cell, or drop `required: true` from the entity to skip such rows",
                        True,
                    )
                return
            raw = raws[0].strip()
            pm = self._key_cleaners.get((ent.name, key))
            if pm is not None:
                try:
                    cleaned = self.clean(pm, raw)
                    if cleaned:
                        raw = cleaned[0][1]
                except InvalidValue:
                    pass  # reported by the property itself
            key_values.append(self.personal(key, raw))
        entity_id = make_id(ent.namespace, ent.key_literal, key_values)
        ctx.ids[ent.name] = entity_id
        schema = self.model[ent.schema]
        values: dict[str, list[str]] = {}
        for pm in ent.properties:
            self.map_property(ctx, ent, pm, entity_id, values)
        for req in schema.required:
            if req not in values:
                pm_req = next((p for p in ent.properties if p.prop == req), None)
                if pm_req is not None and not pm_req.required:
                    self.problem(
                        ctx,
                        pm_req.column,
                        None,
                        f"a value for {ent.schema}.{req}, which FollowTheMoney requires",
                        "The entity is kept without it",
                        False,
                    )
        caption = None
        for cprop in schema.caption:
            if values.get(cprop):
                caption = values[cprop][0]
                break
        self.entities.add(
            entity_id,
            ent.schema,
            caption,
            self.mapping.dataset,
            self.source_id,
            ctx.row.number,
            ctx.seen,
            ctx.seen,
        )
        if schema.edge_source and schema.edge_target:
            for src in values.get(schema.edge_source, []):
                for tgt in values.get(schema.edge_target, []):
                    self.relationships.add(
                        entity_id,
                        ent.schema,
                        src,
                        tgt,
                        bool(schema.edge_directed),
                        self.mapping.dataset,
                        self.source_id,
                        ctx.row.number,
                    )

    def map_property(
        self,
        ctx: _RowContext,
        ent: EntityMapping,
        pm: PropertyMapping,
        entity_id: str,
        values: dict[str, list[str]],
    ) -> None:
        out: list[tuple[str, str, str | None]] = []  # (prop, value, original)
        if pm.entity:
            ref = ctx.ids.get(pm.entity)
            if ref is None:
                if pm.required:
                    self.problem(
                        ctx,
                        None,
                        None,
                        f"the entity {pm.entity!r} (for {ent.schema}.{pm.prop})",
                        "Its key column(s) are empty in this row; "
                        f"{ent.name}.{pm.prop} is required",
                        True,
                    )
                return
            out.append((pm.prop, ref, None))
        else:
            if pm.literal:
                raws = [(None, v) for v in pm.literal]
            elif pm.template:
                fields = _template_fields(pm.template)
                if fields and all(f in self.mapping.personal for f in fields):
                    if _only_separators(pm.template):  # "{forenames} {surname}": one value
                        raws = [(fields[0], self._template(ctx, pm.template, personal=False))]
                    else:
                        raws = [(None, self._template(ctx, pm.template))]
                else:
                    raws = [(None, self._template(ctx, pm.template))]
            elif pm.column:
                raws = [(pm.column, v) for v in self._raw_values(ctx, pm.column, pm.split)]
            else:
                raws = [(c, v) for c in pm.columns for v in self._raw_values(ctx, c, pm.split)]
            if not raws and pm.required:
                column = pm.column or (pm.columns[0] if pm.columns else None)
                self.problem(
                    ctx,
                    column,
                    None,
                    f"a value for {ent.schema}.{pm.prop} (required by the mapping)",
                    "Fill the cell, or drop `required: true` from the property",
                    True,
                )
                return
            for column, raw in raws:
                try:
                    cleaned = self.clean(pm, raw)
                except InvalidValue as exc:
                    self.problem(
                        ctx,
                        column,
                        raw,
                        exc.expected,
                        exc.hint
                        if pm.required
                        else _sentence(exc.hint, "The row is kept without this value."),
                        pm.required,
                    )
                    continue
                if not cleaned and pm.required:
                    self.problem(
                        ctx,
                        column,
                        raw,
                        f"a value for {ent.schema}.{pm.prop} (required by the mapping)",
                        "Fill the cell",
                        True,
                    )
                for prop, value in cleaned:
                    plain = value
                    value = self.personal(column, value)
                    personal = column is not None and column in self.mapping.personal
                    if personal and self.encoder is not None and value not in self._encoded:
                        self._encode(ent.schema, prop, plain, value)
                    written = raw
                    if ctx.row.originals and column in ctx.row.originals:
                        written = ctx.row.originals[column]
                    original = None if personal or written == value else written
                    out.append((prop, value, original))
        model_schema = self.model[ent.schema]
        for prop, value, original in out:
            prop_obj = model_schema.get(prop)
            assert prop_obj is not None
            values.setdefault(prop, []).append(value)
            self.statements.add(
                _statement_id(self.mapping.dataset, entity_id, prop, value),
                entity_id,
                ent.schema,
                prop,
                prop_obj.type.name,
                value,
                original,
                self.mapping.dataset,
                self.source_id,
                ctx.row.number,
                ctx.seen,
                ctx.seen,
            )

    def _template(self, ctx: _RowContext, template: str, *, personal: bool = True) -> str:
        """Fill a template; personal fields are pseudonymised one by one unless ``personal`` is
        False (a template of personal fields only is pseudonymised as a whole by the caller)."""
        fields: dict[str, str] = {}
        for _, name, _, _ in string.Formatter().parse(template):
            if not name:
                continue
            raw = ctx.row.values.get(name)
            text = ((", ".join(raw) if isinstance(raw, list) else raw) or "").strip()
            fields[name] = self.personal(name, text) if text and personal else text
        return " ".join(template.format(**fields).split())

    def _encode(self, schema: str, prop: str, plain: Any, pseudonym: str) -> None:
        """Keep the keyed Bloom filter of a personal value, under its pseudonym."""
        assert self.encoder is not None
        prop_obj = self.model[schema].get(prop)
        text = str(plain)
        if prop_obj is not None and prop_obj.type.name == "name":
            text = normalise_name(text)
        else:
            text = normalise_text(text)
        self._encoded.add(pseudonym)
        if text:
            self.encodings[pseudonym] = self.encoder.encode(text)

    # -- staging and merge ----------------------------------------------------------------------
    # Rows are staged in a private in-memory DuckDB database, outside the workspace's
    # transaction, and merged into the workspace in chunks: data staged and dropped inside the
    # transaction would stay in memory until the commit. Only the merged, aggregated chunks
    # enter the transaction, which DuckDB writes out optimistically.
    def flush(self) -> None:
        stage = self.stage
        for name, buf in (
            ("stg_statements", self.statements),
            ("stg_entities", self.entities),
            ("stg_relationships", self.relationships),
            ("stg_records", self.records),
        ):
            if len(buf) == 0:
                continue
            if name == "stg_statements":
                self._staged += len(buf)
            table = buf.take()
            stage.register("_batch", table)
            stage.execute(f"INSERT INTO {name} SELECT * FROM _batch")
            stage.unregister("_batch")

    def create_staging(self) -> None:
        if self.stage is None:
            self.stage = _staging_connection()
        for name, fields in (
            ("stg_statements", _STATEMENT_FIELDS),
            ("stg_entities", _ENTITY_FIELDS),
            ("stg_relationships", _REL_FIELDS),
            ("stg_records", _RECORD_FIELDS),
        ):
            self.stage.register("_empty", pa.schema(fields).empty_table())
            self.stage.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _empty")
            self.stage.unregister("_empty")

    def clear_staging(self) -> None:
        for name in ("stg_statements", "stg_entities", "stg_relationships", "stg_records"):
            self.stage.execute(f"DELETE FROM {name}")
        self._staged = 0

    def _count(self, counts: dict[str, int]) -> dict[str, int]:
        for key, value in counts.items():
            self._merged[key] = self._merged.get(key, 0) + int(value)
        return dict(self._merged)

    def drop_staging(self) -> None:
        if self.stage is not None:
            for name in ("stg_statements", "stg_entities", "stg_relationships", "stg_records"):
                self.stage.execute(f"DROP TABLE IF EXISTS {name}")
            self.stage = None

    def _staged_table(self, sql: str) -> pa.Table:
        rel = self.stage.sql(sql)
        to_arrow = getattr(rel, "to_arrow_table", None) or rel.arrow
        return to_arrow()

    def resolve_schemata(self) -> None:
        """Entities seen under several schemata get the most specific common one."""
        self._staged_entities = self._staged_table(
            """
            SELECT id, list(DISTINCT schema ORDER BY schema) AS schemata,
                   arg_min(caption, row_number) FILTER (WHERE caption IS NOT NULL) AS caption,
                   any_value(dataset) AS dataset, any_value(source_id) AS source_id,
                   min(first_seen) AS first_seen, max(last_seen) AS last_seen
            FROM stg_entities GROUP BY id
            """
        )
        con = self.ws.con
        con.register("s_entities", self._staged_entities)
        rows = con.execute(
            """
            WITH s AS (SELECT id, unnest(schemata) AS schema FROM s_entities
                       UNION SELECT e.id, e.schema FROM entities e
                       WHERE e.id IN (SELECT id FROM s_entities))
            SELECT id, list(schema ORDER BY schema) FROM s GROUP BY id HAVING count(*) > 1
            """
        ).fetchall()
        con.unregister("s_entities")
        resolved: dict[str, str] = {}
        for entity_id, schemata in rows:
            try:
                common = schemata[0]
                for other in schemata[1:]:
                    common = self.model.common_schema(common, other).name
            except InvalidData:
                self.problem(
                    None,
                    None,
                    entity_id,
                    "one schema per entity id",
                    f"The id is made as {' and as '.join(schemata)} from the same keys and "
                    "namespace; give one of the entities another `namespace:` or `key_literal:`",
                    True,
                )
                continue
            resolved[entity_id] = common
            con.execute("UPDATE entities SET schema = ? WHERE id = ?", [common, entity_id])
        self._resolved = pa.table(
            {"id": list(resolved), "schema": list(resolved.values())},
            schema=pa.schema([("id", pa.string()), ("schema", pa.string())]),
        )

    def merge(self) -> dict[str, int]:
        con = self.ws.con
        counts: dict[str, int] = {}
        con.register("s_entities", self._staged_entities)
        con.register("s_resolved", self._resolved)
        con.execute(
            """
            UPDATE entities SET first_seen = least(entities.first_seen, s.first_seen),
                                last_seen = greatest(entities.last_seen, s.last_seen),
                                caption = coalesce(entities.caption, s.caption)
            FROM s_entities s
            WHERE entities.id = s.id
            """
        )
        counts["entities"] = con.execute(
            """
            INSERT INTO entities
            SELECT s.id, coalesce(r.schema, s.schemata[1]), s.caption, s.dataset, s.source_id,
                   s.first_seen, s.last_seen
            FROM s_entities s LEFT JOIN s_resolved r ON r.id = s.id
            WHERE s.id NOT IN (SELECT id FROM entities)
            """
        ).fetchall()[0][0]  # type: ignore[index]
        statements = self._staged_table(
            """
            SELECT id, arg_min(entity_id, row_number) AS entity_id,
                   arg_min(schema, row_number) AS schema, arg_min(prop, row_number) AS prop,
                   arg_min(prop_type, row_number) AS prop_type,
                   arg_min(value, row_number) AS value,
                   arg_min(original_value, row_number) AS original_value,
                   arg_min(dataset, row_number) AS dataset,
                   arg_min(source_id, row_number) AS source_id,
                   min(row_number) AS row_number, min(first_seen) AS first_seen,
                   max(last_seen) AS last_seen
            FROM stg_statements GROUP BY id
            """
        )
        con.register("s_statements", statements)
        con.execute(
            """
            UPDATE statements SET first_seen = least(statements.first_seen, s.first_seen),
                                  last_seen = greatest(statements.last_seen, s.last_seen)
            FROM s_statements s
            WHERE statements.id = s.id
            """
        )
        counts["statements"] = con.execute(
            """
            INSERT INTO statements
            SELECT * FROM s_statements WHERE id NOT IN (SELECT id FROM statements)
            """
        ).fetchall()[0][0]  # type: ignore[index]
        con.unregister("s_statements")
        del statements
        # Statements keep the entity's final schema (only entities whose schema was resolved
        # can have statements under another one).
        if self._resolved is not None and self._resolved.num_rows:
            con.execute(
                """
                UPDATE statements SET schema = e.schema FROM entities e
                WHERE statements.entity_id = e.id AND statements.schema <> e.schema
                  AND e.id IN (SELECT id FROM s_resolved)
                """
            )
        con.unregister("s_entities")
        con.unregister("s_resolved")
        relationships = self._staged_table(
            """
            SELECT id, any_value(schema) AS schema, source, target,
                   any_value(directed) AS directed, any_value(dataset) AS dataset,
                   any_value(source_id) AS source_id, min(row_number) AS row_number
            FROM stg_relationships GROUP BY id, source, target
            """
        )
        con.register("s_relationships", relationships)
        counts["relationships"] = con.execute(
            """
            INSERT INTO relationships
            SELECT * FROM s_relationships s
            WHERE NOT EXISTS (SELECT 1 FROM relationships r
                              WHERE r.id = s.id AND r.source = s.source AND r.target = s.target)
            """
        ).fetchall()[0][0]  # type: ignore[index]
        con.unregister("s_relationships")
        con.register("s_records", self._staged_table("SELECT * FROM stg_records"))
        con.execute("INSERT INTO records SELECT * FROM s_records")
        con.unregister("s_records")
        if self.encodings:
            encodings = pa.table(
                {"value": list(self.encodings), "encoding": list(self.encodings.values())},
                schema=pa.schema([("value", pa.string()), ("encoding", pa.binary())]),
            )
            con.register("s_encodings", encodings)
            counts["encodings"] = con.execute(
                """
                INSERT INTO value_encodings
                SELECT * FROM s_encodings
                WHERE value NOT IN (SELECT value FROM value_encodings)
                """
            ).fetchall()[0][0]  # type: ignore[index]
            con.unregister("s_encodings")
            self.encodings.clear()
        return counts

    # -- the whole import -----------------------------------------------------------------------
    def run(self) -> ImportResult:
        mapping = self.mapping
        if self.reader is not None:
            reader = self.reader
            fmt = str(getattr(reader, "format", None) or mapping.format or "records")
        else:
            fmt = mapping.format_for(self.path)
            reader = open_reader(self.path, fmt, mapping.options)
        try:
            return self._run(reader, fmt)
        finally:
            reader.close()

    def _run(self, reader: Any, fmt: str) -> ImportResult:
        mapping = self.mapping
        # Problems found while opening (unreadable file, malformed CSV lines) are fatal; rows are
        # still read to report their problems too, unless columns are missing.
        self.fatal += sum(p.fatal for p in reader.problems)
        self.profiler = Profiler(list(reader.columns), mapping.personal)
        missing: list[str] = []
        if reader.columns:
            missing = sorted(mapping.columns - set(reader.columns))
            for column in missing:
                self.problem(
                    None,
                    column,
                    None,
                    f"a column named {column!r} (the mapping reads it)",
                    f"The file has: {', '.join(reader.columns)}. Rename the column or fix the "
                    f"mapping {mapping.name}",
                    True,
                )

        def batches() -> Any:
            if reader.columns and not missing:
                yield from reader.rows(_BATCH)
            # Reader problems get their final line numbers while streaming.
            self.problems.extend(reader.problems)

        return self.execute(batches(), _count_rows(reader), fmt)

    def execute(self, batches: Any, total: int, fmt: str) -> ImportResult:
        """Map every row inside one transaction; commit only when no problem is fatal."""
        mapping = self.mapping
        ws = self.ws
        con = ws.con
        if self.own_transaction:
            con.execute("BEGIN TRANSACTION")
        try:
            self.source_id = int(
                con.execute("SELECT coalesce(max(source_id), 0) + 1 FROM sources").fetchall()[0][0]  # type: ignore[index]
            )
            self.create_staging()
            for batch in batches:
                for row in batch:
                    self.map_row(row)
                    self.profiler.add(row)
                self.rows += len(batch)
                if self.fatal:  # nothing will be written: keep only the problems
                    for buf in (self.statements, self.entities, self.relationships, self.records):
                        buf.take()
                elif len(self.statements) >= _BATCH:
                    self.flush()
                    if self._staged >= _MERGE_STATEMENTS:
                        # Merge what is staged into the main tables (still inside the
                        # transaction), so that staging stays small on large files.
                        self.resolve_schemata()
                        self._count(self.merge())
                        self.clear_staging()
                if self.progress:
                    self.progress(self.rows, total)
            self.fatal = sum(p.fatal for p in self.problems)
            if not self.fatal:
                self.flush()
                self.resolve_schemata()
            if self.fatal:
                raise ImportRejected(str(self.path), _in_file_order(self.problems))
            counts = self._count(self.merge())
            con.execute(
                f"INSERT INTO sources ({', '.join(_SOURCE_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(_SOURCE_COLUMNS))})",
                [
                    self.source_id,
                    mapping.dataset,
                    self.path.name,
                    str(self.path.resolve()),
                    fmt,
                    self.content_hash,
                    mapping.name,
                    mapping.content_hash,
                    mapping.title,
                    mapping.publisher,
                    mapping.licence,
                    mapping.url,
                    mapping.crime_area,
                    self.rows,
                    self.flagged,
                    counts["entities"],
                    counts["statements"],
                    sorted(mapping.personal),
                    self.now,
                    _actor(),
                    self.format_name,
                    mapping.kind,
                    mapping.citation,
                    mapping.provenance,
                    mapping.description,
                    counts["relationships"],
                ],
            )
            con.execute(
                "INSERT INTO source_profiles VALUES (?, ?)",
                [self.source_id, json.dumps(self.profiler.result(self), ensure_ascii=False)],
            )
            if self.pseudo is not None and mapping.personal:
                existing = ws.get_meta("key_check")
                if existing is None:
                    ws.set_meta("key_check", self.pseudo.key_check)
            append_audit(
                con,
                "import",
                {
                    "file": str(self.path),
                    "mapping": mapping.name,
                    "dataset": mapping.dataset,
                    "rows": self.rows,
                    "flagged_rows": self.flagged,
                },
                [self.source_id],
            )
            self.drop_staging()
            if self.own_transaction:
                con.execute("COMMIT")
        except BaseException:
            self.drop_staging()
            if self.own_transaction:
                con.execute("ROLLBACK")
            raise
        return ImportResult(
            file=str(self.path),
            dataset=mapping.dataset,
            source_id=self.source_id,
            skipped=False,
            rows=self.rows,
            flagged_rows=self.flagged,
            entities=counts["entities"],
            statements=counts["statements"],
            relationships=counts["relationships"],
            problems=_in_file_order(self.problems),
            message=f"imported {self.rows} rows ({self.flagged} flagged) as source "
            f"{self.source_id}",
        )


_SOURCE_COLUMNS = (
    "source_id",
    "dataset",
    "file_name",
    "path",
    "format",
    "content_hash",
    "mapping_name",
    "mapping_hash",
    "title",
    "publisher",
    "licence",
    "url",
    "crime_area",
    "rows",
    "flagged_rows",
    "entities",
    "statements",
    "personal_columns",
    "imported_at",
    "imported_by",
    "format_name",
    "kind",
    "citation",
    "provenance",
    "description",
    "relationships",
)


def _sentence(first: str, then: str) -> str:
    """Two sentences: ``first`` gets a full stop when it lacks one.

    Examples
    --------
    >>> _sentence("Check the address", "The row is kept.")
    'Check the address. The row is kept.'
    >>> _sentence("", "The row is kept.")
    'The row is kept.'
    """
    first = first.strip()
    if not first:
        return then
    return f"{first if first[-1] in '.!?' else first + '.'} {then}"


def _decimal_text(amount: Any) -> str:
    text = format(amount, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _count_rows(reader: Any) -> int:
    total = getattr(reader, "total", None)
    if isinstance(total, int):
        return total
    relation = getattr(reader, "_relation", None)
    if relation is not None:
        try:
            return int(relation.aggregate("count(*)").fetchall()[0][0])
        except Exception:  # counting is only for the progress bar
            return 0
    sheet = getattr(reader, "_sheet", None)
    if sheet is not None:
        return max(int(sheet.max_row or 1) - 1, 0)
    return 0


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line or 0, p.row or 0))


def _actor() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


def check_key(ws: Workspace, mapping: Mapping, pseudonymiser: Pseudonymiser | None) -> None:
    """Refuse personal columns without a key, or with another key than the workspace's."""
    if mapping.personal:
        if pseudonymiser is None:
            raise KeyMissing(
                f"The mapping {mapping.name} marks personal columns "
                f"({', '.join(sorted(mapping.personal))}), which are pseudonymised at ingest "
                "with a keyed hash, and no key was given. Set the environment variable "
                "CYBERTNOC_KEY or pass --key-file FILE (a file outside the workspace holding at "
                "least 16 random characters, e.g. from "
                "`python -c 'import secrets; print(secrets.token_hex(32))'`)."
            )
        existing = ws.get_meta("key_check")
        if existing is not None and existing != pseudonymiser.key_check:
            raise KeyMissing(
                f"This workspace was pseudonymised with another key (key check {existing}, yours "
                f"is {pseudonymiser.key_check}). Pseudonyms made with different keys never match, "
                "so linkage would silently fail. Use the workspace's key, or a new workspace."
            )


def import_file(
    ws: Workspace,
    path: str | Path,
    mapping: Mapping | str | Path,
    *,
    pseudonymiser: Pseudonymiser | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import one file into the workspace through a mapping.

    Parameters
    ----------
    ws : Workspace
        An open workspace.
    path : path-like
        The file to import (CSV, TSV, JSON lines, Parquet or XLSX).
    mapping : Mapping or path-like
        A loaded mapping, a mapping file, or the name of a built-in mapping.
    pseudonymiser : Pseudonymiser, optional
        Required when the mapping marks columns as personal.
    progress : callable, optional
        Called as ``progress(rows_done, rows_total)`` after each batch.

    Returns
    -------
    ImportResult
        ``skipped`` is true when the same file content was imported before.

    Raises
    ------
    ImportRejected
        With every problem of the file, when any is fatal; nothing was written.
    KeyMissing
        When the mapping marks personal columns and no key was given, or the key differs from the
        one this workspace was pseudonymised with.
    InvalidMapping
        When the mapping is malformed.
    """
    path = Path(path)
    if not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping)
    if not path.is_file():
        raise ImportRejected(
            str(path),
            [
                Problem(
                    str(path),
                    None,
                    None,
                    None,
                    None,
                    "an existing file",
                    "Check the path (relative paths are taken from the current directory)",
                )
            ],
        )
    try:
        mapping.format_for(path)
    except InvalidMapping:
        raise
    check_key(ws, mapping, pseudonymiser)
    content_hash = file_hash(path)
    row = first_row(
        ws.con.execute(
            "SELECT source_id, dataset FROM sources WHERE content_hash = ?", [content_hash]
        )
    )
    if row is not None:
        msg = (
            f"{path.name} was imported before as source {row[0]} (dataset {row[1]}); nothing to do"
        )
        log.info(msg)
        return ImportResult(str(path), row[1], int(row[0]), skipped=True, message=msg)
    importer = _Importer(ws, path, mapping, pseudonymiser, progress)
    importer.content_hash = content_hash
    try:
        return importer.run()
    except ImportRejected as exc:
        ws.audit(
            "import",
            {"file": str(path), "mapping": mapping.name, "dataset": mapping.dataset},
            outcome=f"rejected: {sum(p.fatal for p in exc.problems)} error(s)",
        )
        raise
