"""Read-only questions about a workspace: its sources, its contents, the values of entities."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cybertnoc.store._duck import first_row
from cybertnoc.store.workspace import Workspace

__all__ = ["entity_frame", "list_sources", "relationship_frame", "workspace_stats"]


def list_sources(ws: Workspace) -> list[dict[str, Any]]:
    """Every imported source with its provenance, oldest first."""
    cur = ws.con.execute(
        """
        SELECT source_id, dataset, file_name, path, format, content_hash, mapping_name, title,
               publisher, licence, url, crime_area, rows, flagged_rows, entities, statements,
               personal_columns, imported_at, imported_by, format_name, kind, citation,
               provenance, description, relationships
        FROM sources ORDER BY source_id
        """
    )
    names = [d[0] for d in cur.description]
    out = []
    for row in cur.fetchall():
        item = dict(zip(names, row, strict=True))
        item["imported_at"] = item["imported_at"].isoformat()
        out.append(item)
    return out


def workspace_stats(ws: Workspace) -> dict[str, Any]:
    """Counts of what the workspace holds, by table, schema and dataset."""
    con = ws.con
    counts = ws.table_counts()
    by_schema = dict(
        con.execute(
            "SELECT schema, count(*) FROM entities GROUP BY schema ORDER BY count(*) DESC, schema"
        ).fetchall()
    )
    by_dataset = [
        {"dataset": d, "entities": e, "statements": s}
        for d, e, s in con.execute(
            """
            SELECT dataset, count(DISTINCT entity_id), count(*) FROM statements
            GROUP BY dataset ORDER BY dataset
            """
        ).fetchall()
    ]
    rel_by_schema = dict(
        con.execute(
            "SELECT schema, count(*) FROM relationships GROUP BY schema ORDER BY count(*) DESC"
        ).fetchall()
    )
    flagged = first_row(con.execute("SELECT count(*) FROM records WHERE flagged"))
    return {
        "workspace": str(ws.path),
        "schema_version": ws.schema_version,
        "tables": counts,
        "flagged_records": int(flagged[0]) if flagged else 0,
        "entities_by_schema": by_schema,
        "relationships_by_schema": rel_by_schema,
        "datasets": by_dataset,
    }


def entity_frame(
    ws: Workspace,
    schema: str | list[str],
    props: list[str],
    *,
    dataset: str | None = None,
    first_only: bool = True,
) -> pd.DataFrame:
    """One row per entity of ``schema`` with one column per property in ``props``.

    Multi-valued properties give their smallest value when ``first_only`` (the default), else a
    list (empty where the entity has no value). The frame has the columns ``id``, ``schema``,
    ``source_id`` and then ``props``.
    """
    schemata = [schema] if isinstance(schema, str) else list(schema)
    agg = "min(s.value)" if first_only else "list(s.value ORDER BY s.value)"
    pivots = ", ".join(f'{agg} FILTER (WHERE s.prop = ?) AS "{p}"' for p in props)
    params: list[Any] = [*props, *schemata]
    where = f"e.schema IN ({', '.join('?' * len(schemata))})"
    if dataset is not None:
        where += " AND e.dataset = ?"
        params.append(dataset)
    select = f", {pivots}" if props else ""
    sql = f"""
        SELECT e.id, e.schema, e.source_id{select}
        FROM entities e LEFT JOIN statements s ON s.entity_id = e.id
        WHERE {where}
        GROUP BY e.id, e.schema, e.source_id
        ORDER BY e.id
    """
    frame = ws.con.execute(sql, params).df()
    if not first_only:
        # DuckDB 2.x hands lists to pandas as numpy arrays, 1.x as lists: always give lists.
        for prop in props:
            frame[prop] = frame[prop].map(_as_list)
    return frame


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list | tuple | np.ndarray):
        return list(value)
    return []


def relationship_frame(ws: Workspace, schema: str | list[str] | None = None) -> pd.DataFrame:
    """Edges of the graph projection: ``id, schema, source, target, directed, dataset``."""
    params: list[Any] = []
    where = ""
    if schema is not None:
        schemata = [schema] if isinstance(schema, str) else list(schema)
        where = f"WHERE schema IN ({', '.join('?' * len(schemata))})"
        params = schemata
    return ws.con.execute(
        f"SELECT id, schema, source, target, directed, dataset FROM relationships {where} "
        "ORDER BY id, source, target",
        params,
    ).df()
