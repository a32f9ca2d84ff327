"""Exceptions raised by cybertnoc.

Every exception the package raises on purpose derives from :class:`CybertnocError`, so a caller can
catch one class. The narrow subclasses say which part of the input or environment was wrong; their
messages name the input, what was expected, what was found and how to fix it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = [
    "CybertnocError",
    "ImportRejected",
    "InvalidMapping",
    "InvalidValue",
    "KeyMissing",
    "Problem",
    "SchemaError",
    "WorkspaceError",
]


class CybertnocError(Exception):
    """Root of all errors raised by cybertnoc."""


class WorkspaceError(CybertnocError):
    """A workspace is missing, unreadable, or of an unknown schema version."""


class SchemaError(CybertnocError):
    """An entity schema or property name is not part of the cybertnoc model."""


class InvalidValue(CybertnocError, ValueError):
    """A single value could not be cleaned into its type (country, money, date, ...).

    Attributes
    ----------
    value : str
        The offending value, as given.
    expected : str
        What a valid value looks like.
    hint : str
        How to fix it.
    """

    def __init__(self, value: object, expected: str, hint: str = "") -> None:
        self.value = value
        self.expected = expected
        self.hint = hint
        msg = f"{value!r} is not {expected}"
        if hint:
            msg += f". {hint}"
        super().__init__(msg)


class InvalidMapping(CybertnocError):
    """A mapping file is malformed: unknown schema, property, column or option."""


class KeyMissing(CybertnocError):
    """Personal fields must be pseudonymised but no key was given, or the key is unusable."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    ``line`` is the 1-based line of the file where the record starts (for CSV/TSV with a header,
    the first data row is line 2); ``row`` is the 1-based data row. ``fatal`` problems reject the
    whole import; the others flag the record and keep it.
    """

    file: str
    row: int | None
    line: int | None
    column: str | None
    value: str | None
    expected: str
    hint: str
    fatal: bool = True

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        elif self.row is not None:
            where += f": row {self.row}"
        if self.column:
            where += f" column {self.column!r}"
        value = "" if self.value is None else f" value {self.value!r}:"
        kind = "error" if self.fatal else "warning"
        return f"{where}: {kind}:{value} expected {self.expected}. {self.hint}".rstrip()


class ImportRejected(CybertnocError):
    """An import found fatal problems; nothing of the source was written.

    Attributes
    ----------
    problems : list of Problem
        Every problem found in the file, fatal and recoverable, in file order.
    """

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        fatal = [p for p in problems if p.fatal]
        lines = [str(p) for p in fatal[:20]]
        more = f"\n... and {len(fatal) - 20} more" if len(fatal) > 20 else ""
        super().__init__(
            f"Import of {file} rejected: {len(fatal)} error(s); nothing was written.\n"
            + "\n".join(lines)
            + more
        )
