"""Small helpers over the DuckDB Python API that behave the same on DuckDB 1.x and 2.x.

DuckDB 2.0 streams results: an open result owns the connection until it is drained, so a
``fetchone()`` followed by ``register()`` or ``sql()`` fails with *connection has an unfinished
result*. These helpers always drain what they read.
"""

from __future__ import annotations

from typing import Any

__all__ = ["first_row"]


def first_row(result: Any) -> tuple[Any, ...] | None:
    """Return the first row of an executed query (or ``None``), draining the result."""
    rows = result.fetchall()
    return tuple(rows[0]) if rows else None
