"""FollowTheMoney JSON lines: export a workspace, import entities from Aleph / OpenSanctions tools.

Two export profiles:

``full`` (default)
    Every entity, including the cybertnoc extension schemata (``Listing``, ``Seizure``, ...), with
    every value. Country codes are written in FtM's lower case; the cybertnoc region codes that FtM
    lacks (``xx`` unknown, ``xe`` Europe, ...) are kept. Reading the file back with
    :func:`import_ftm` gives the same entities: the export round-trips.
``strict``
    Only FollowTheMoney's own schemata and values that FtM's cleaning keeps, so that any FtM tool
    (Aleph, ``ftm validate``, nomenklatura) reads every line. Entities of extension schemata,
    references to them and region codes are left out; the counts of what was left out are returned.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from followthemoney import model as ftm_model
from followthemoney.types import registry

from cybertnoc.errors import ImportRejected, InvalidValue, Problem
from cybertnoc.ethics.pseudonymise import Pseudonymiser, is_pseudonym
from cybertnoc.ingest.importer import (
    ImportResult,
    _Importer,
    _RowContext,
    _statement_id,
    file_hash,
)
from cybertnoc.ingest.mapping import Mapping
from cybertnoc.ingest.readers import Row
from cybertnoc.model import EXTENSION_SCHEMATA, get_model
from cybertnoc.model.types import clean_value
from cybertnoc.store._duck import first_row
from cybertnoc.store.workspace import Workspace

__all__ = ["PROFILES", "export_ftm", "import_ftm", "iter_ftm_entities"]

log = logging.getLogger(__name__)

PROFILES = ("full", "strict")


def _timestamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def iter_ftm_entities(ws: Workspace, *, profile: str = "full") -> Iterator[dict[str, Any]]:
    """Yield the workspace's entities as FtM entity dicts, sorted by id."""
    if profile not in PROFILES:
        raise InvalidValue(profile, f"an export profile, one of {', '.join(PROFILES)}")
    model = get_model()
    extension_ids: set[str] = set()
    if profile == "strict":
        extension_ids = {
            r[0]
            for r in ws.con.execute(
                "SELECT id FROM entities WHERE schema IN "
                f"({', '.join('?' * len(EXTENSION_SCHEMATA))})",
                list(EXTENSION_SCHEMATA),
            ).fetchall()
        }
    cursor = ws.con.execute(
        """
        SELECT e.id, e.schema, e.first_seen, e.last_seen,
               list(DISTINCT s.dataset ORDER BY s.dataset) AS datasets,
               list(struct_pack(prop := s.prop, type := s.prop_type, value := s.value)
                    ORDER BY s.prop, s.value) AS props
        FROM entities e LEFT JOIN statements s ON s.entity_id = e.id
        GROUP BY e.id, e.schema, e.first_seen, e.last_seen
        ORDER BY e.id
        """
    )
    while True:
        rows = cursor.fetchmany(5000)
        if not rows:
            break
        for entity_id, schema, first_seen, last_seen, datasets, props in rows:
            if profile == "strict" and entity_id in extension_ids:
                continue
            properties: dict[str, list[str]] = {}
            for item in props or []:
                if item["prop"] is None:
                    continue
                value = item["value"]
                ptype = item["type"]
                if ptype == "country":
                    value = value.lower()
                    if profile == "strict" and registry.country.clean(value) != value:
                        continue
                elif profile == "strict":
                    if ptype == "entity" and value in extension_ids:
                        continue
                    ftype = registry.get(ptype)
                    if ftype is not None and ftype.clean(value) is None:
                        continue
                properties.setdefault(item["prop"], []).append(value)
            data: dict[str, Any] = {
                "id": entity_id,
                "schema": model[schema].name,
                "properties": properties,
                "datasets": [d for d in (datasets or []) if d],
            }
            if first_seen is not None:
                data["first_seen"] = _timestamp(first_seen)
            if last_seen is not None:
                data["last_seen"] = _timestamp(last_seen)
            yield data


def export_ftm(ws: Workspace, out: IO[str], *, profile: str = "full") -> int:
    """Write the workspace's entities as FtM JSON lines to ``out``; return the count written.

    Examples
    --------
    >>> import io, tempfile
    >>> with Workspace.create(tempfile.mkdtemp() + "/ws") as ws:
    ...     export_ftm(ws, io.StringIO())
    0
    """
    count = 0
    for data in iter_ftm_entities(ws, profile=profile):
        out.write(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


class _FtmImporter(_Importer):
    """Reads FtM entity JSON lines instead of rows through a mapping."""

    def map_row(self, row: Row) -> None:
        ctx = _RowContext(row, self.now)
        raw = row.values.get("_line")
        try:
            data = json.loads(raw or "")
        except json.JSONDecodeError as exc:
            self.problem(
                ctx,
                None,
                (raw or "")[:80],
                "one FollowTheMoney entity as JSON per line",
                f"Invalid JSON at column {exc.colno}: {exc.msg}",
                True,
            )
            self._record(ctx)
            return
        if not isinstance(data, dict) or not data.get("id") or not data.get("schema"):
            self.problem(
                ctx,
                None,
                str(data)[:80],
                "an object with `id`, `schema` and `properties`",
                "Export entities with `ftm` tools or `cybertnoc export ftm`",
                True,
            )
            self._record(ctx)
            return
        schema = self.model.get(data["schema"])
        if schema is None:
            self.problem(
                ctx,
                "schema",
                data["schema"],
                "a FollowTheMoney or cybertnoc schema",
                "Check the spelling (schemata are CamelCase, e.g. Person, Payment, Listing)",
                True,
            )
            self._record(ctx)
            return
        seen = ctx.seen
        first = _parse_seen(data.get("first_seen")) or seen
        last = _parse_seen(data.get("last_seen")) or first
        entity_id = str(data["id"])
        values: dict[str, list[str]] = {}
        for prop_name, raw_values in (data.get("properties") or {}).items():
            prop = schema.get(prop_name)
            if prop is None:
                self.problem(
                    ctx,
                    f"properties.{prop_name}",
                    None,
                    f"a property of {schema.name}",
                    "The property is left out",
                    False,
                )
                continue
            for value in raw_values if isinstance(raw_values, list) else [raw_values]:
                value = str(value)
                if prop.type.name == "country":
                    try:
                        cleaned = clean_value("country", value)
                    except InvalidValue as exc:
                        self.problem(
                            ctx, f"properties.{prop_name}", value, exc.expected, exc.hint, False
                        )
                        continue
                elif prop.type.name == "entity" or is_pseudonym(value):
                    # A pseudonym stands for a personal value (a phone, a date of birth) that
                    # FtM's own cleaning would reject; it is kept as it is.
                    cleaned = value
                else:
                    cleaned = prop.type.clean(value)
                if cleaned is None:
                    self.problem(
                        ctx,
                        f"properties.{prop_name}",
                        value,
                        f"a valid {prop.type.label.lower()}",
                        "The value is left out",
                        False,
                    )
                    continue
                values.setdefault(prop.name, []).append(cleaned)
                self.statements.add(
                    _statement_id(self.mapping.dataset, entity_id, prop.name, cleaned),
                    entity_id,
                    schema.name,
                    prop.name,
                    prop.type.name,
                    cleaned,
                    None if cleaned == value else value,
                    self.mapping.dataset,
                    self.source_id,
                    row.number,
                    first,
                    last,
                )
        caption = next((values[c][0] for c in schema.caption if values.get(c)), None)
        self.entities.add(
            entity_id,
            schema.name,
            caption,
            self.mapping.dataset,
            self.source_id,
            row.number,
            first,
            last,
        )
        if schema.edge_source and schema.edge_target:
            for src in values.get(schema.edge_source, []):
                for tgt in values.get(schema.edge_target, []):
                    self.relationships.add(
                        entity_id,
                        schema.name,
                        src,
                        tgt,
                        bool(schema.edge_directed),
                        self.mapping.dataset,
                        self.source_id,
                        row.number,
                    )
        self._record(ctx)

    def _record(self, ctx: _RowContext) -> None:
        import hashlib

        flagged = bool(ctx.problems)
        self.flagged += flagged
        digest = hashlib.sha256(str(ctx.row.values.get("_line")).encode()).hexdigest()
        problems = (
            json.dumps([{"column": p.column, "expected": p.expected} for p in ctx.problems])
            if flagged
            else None
        )
        self.records.add(self.source_id, ctx.row.number, ctx.row.line, digest, flagged, problems)

    def run(self) -> ImportResult:
        def batches() -> Iterator[list[Row]]:
            batch: list[Row] = []
            with open(self.path, encoding="utf-8", errors="replace") as fh:
                number = 0
                for line_no, line in enumerate(fh, start=1):
                    if not line.strip():
                        continue
                    number += 1
                    batch.append(Row(number, line_no, {"_line": line}))
                    if len(batch) >= 20_000:
                        yield batch
                        batch = []
            if batch:
                yield batch

        return self.execute(batches(), 0, "ftm")


def _parse_seen(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def import_ftm(
    ws: Workspace,
    path: str | Path,
    *,
    dataset: str,
    title: str | None = None,
    licence: str = "unstated",
    publisher: str = "",
    pseudonymiser: Pseudonymiser | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import FollowTheMoney entities (JSON lines) into the workspace, as one transaction.

    Values are taken as they are (FtM data are not pseudonymised here: pseudonymise personal data
    before it becomes FtM, or import it through a mapping). Country values are cleaned to cybertnoc
    codes. Re-importing the same file is a no-op.
    """
    path = Path(path)
    if not path.is_file():
        raise ImportRejected(
            str(path),
            [Problem(str(path), None, None, None, None, "an existing file", "Check the path")],
        )
    content_hash = file_hash(path)
    row = first_row(
        ws.con.execute(
            "SELECT source_id, dataset FROM sources WHERE content_hash = ?", [content_hash]
        )
    )
    if row is not None:
        msg = f"{path.name} was imported before as source {row[0]}; nothing to do"
        return ImportResult(str(path), row[1], int(row[0]), skipped=True, message=msg)
    mapping = Mapping(
        dataset=dataset,
        title=title or dataset,
        publisher=publisher,
        licence=licence,
        url="",
        description="FollowTheMoney entities",
        crime_area="general",
        format="jsonl",
        options={},
        seen=None,
        personal=frozenset(),
        entities=(),
        name="ftm",
        content_hash="",
    )
    importer = _FtmImporter(ws, path, mapping, pseudonymiser, progress)
    importer.content_hash = content_hash
    return importer.run()


# FtM's vanilla model, for validating strict exports.
VANILLA_MODEL = ftm_model
