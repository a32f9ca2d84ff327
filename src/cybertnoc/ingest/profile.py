"""Data-quality profiles of imported sources, collected while the rows stream past.

For every column of a source file: how many values are missing, how many distinct values there
are, the most frequent values, and which values failed which cleaning rule; for the file: the
rows with the most problems. The profile is stored with the source (``source_profiles``) and shown
by ``cybertnoc profile SOURCE`` as a table or a self-contained HTML page.

Personal columns are profiled without their values: only counts (missing, distinct) are kept, and
no top value or example is stored.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from cybertnoc.errors import Problem
from cybertnoc.ingest.readers import Row

__all__ = ["MAX_TRACKED", "Profiler", "load_profile"]

#: Distinct values tracked exactly per column; beyond that counts are lower bounds.
MAX_TRACKED = 20_000
_TOP = 10
_EXAMPLES = 5
_WORST = 10
_SHOWN = 80


def _shown(value: str) -> str:
    text = " ".join(value.split())
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


class _Column:
    __slots__ = ("counts", "distinct_hashes", "missing", "overflow", "present")

    def __init__(self) -> None:
        self.missing = 0
        self.present = 0
        self.counts: Counter[str] = Counter()
        self.distinct_hashes: set[int] = set()
        self.overflow = False


class Profiler:
    """Accumulates a profile of the rows of one source.

    Parameters
    ----------
    columns : list of str
        The columns of the file, in file order.
    personal : set of str
        Columns whose values must not be kept.
    """

    def __init__(self, columns: list[str], personal: frozenset[str] | set[str]) -> None:
        self.columns = [c for c in columns if not c.startswith("_")]
        self.personal = set(personal)
        self.rows = 0
        self._cols = {c: _Column() for c in self.columns}
        self._row_problems: Counter[int] = Counter()
        self._row_lines: dict[int, int | None] = {}

    def add(self, row: Row) -> None:
        """Count one row."""
        self.rows += 1
        for name, col in self._cols.items():
            value = row.values.get(name)
            if isinstance(value, list):
                value = "; ".join(v for v in value if v)
            if value is None or not str(value).strip():
                col.missing += 1
                continue
            col.present += 1
            text = str(value)
            if name in self.personal:
                if len(col.distinct_hashes) < MAX_TRACKED:
                    col.distinct_hashes.add(hash(text))
                else:
                    col.overflow = True
                continue
            if text in col.counts or len(col.counts) < MAX_TRACKED:
                col.counts[text] += 1
            else:
                col.overflow = True

    def result(self, importer: Any) -> dict[str, Any]:
        """The profile as plain data, with the problems the importer found."""
        problems: list[Problem] = importer.problems
        invalid: dict[tuple[str | None, str], dict[str, Any]] = {}
        for p in problems:
            key = (p.column, p.expected)
            entry = invalid.setdefault(
                key,
                {
                    "column": p.column,
                    "expected": p.expected,
                    "fatal": p.fatal,
                    "count": 0,
                    "examples": [],
                },
            )
            entry["count"] += 1
            if (
                p.value is not None
                and p.column not in self.personal
                and len(entry["examples"]) < _EXAMPLES
                and _shown(p.value) not in entry["examples"]
            ):
                entry["examples"].append(_shown(p.value))
            if p.row is not None:
                self._row_problems[p.row] += 1
                self._row_lines[p.row] = p.line
        by_column = Counter(p.column for p in problems)
        columns = []
        for name in self.columns:
            col = self._cols[name]
            personal = name in self.personal
            distinct = len(col.distinct_hashes) if personal else len(col.counts)
            columns.append(
                {
                    "column": name,
                    "personal": personal,
                    "present": col.present,
                    "missing": col.missing,
                    "missing_share": col.missing / self.rows if self.rows else 0.0,
                    "distinct": distinct,
                    "distinct_is_lower_bound": col.overflow,
                    "invalid": by_column.get(name, 0),
                    "top": []
                    if personal
                    else [[_shown(v), n] for v, n in col.counts.most_common(_TOP)],
                }
            )
        worst = sorted(self._row_problems.items(), key=lambda item: (-item[1], item[0]))[:_WORST]
        return {
            "rows": self.rows,
            "columns": columns,
            "invalid": sorted(invalid.values(), key=lambda e: (-e["count"], str(e["column"]))),
            "worst_rows": [
                {"row": r, "line": self._row_lines.get(r), "problems": n} for r, n in worst
            ],
        }


def load_profile(ws: Any, source_id: int) -> dict[str, Any] | None:
    """The stored profile of a source, or None (sources imported before profiles existed)."""
    rows = ws.con.execute(
        "SELECT profile FROM source_profiles WHERE source_id = ?", [source_id]
    ).fetchall()
    return json.loads(rows[0][0]) if rows else None
