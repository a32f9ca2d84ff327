"""Readers: rows of CSV, TSV, JSON lines, Parquet and XLSX files, with their line numbers.

CSV, TSV, JSON lines and Parquet are read through DuckDB (streamed as Arrow record batches); XLSX
through openpyxl, as DuckDB's excel extension would have to be downloaded at run time. Every value
is handed on as text (or a list of texts), exactly as written, so that validation sees the original.

Line numbers are 1-based lines of the file where a record starts: for CSV/TSV the header is line 1
and newlines inside quoted fields are counted; for JSON lines one record is one line; for XLSX the
spreadsheet row; Parquet has no lines, only rows.
"""

from __future__ import annotations

import datetime as dt
import decimal
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from cybertnoc.errors import Problem
from cybertnoc.store.workspace import connect

__all__ = ["Row", "TableReader", "open_reader"]

log = logging.getLogger(__name__)

Value = str | list[str] | None


@dataclass(frozen=True)
class Row:
    """One record of a source: its 1-based row number, the line of the file it starts on, its
    values as text, and recoverable problems a format's parser found in it (``(column, value,
    expected, hint)``; the importer keeps the row and flags it)."""

    number: int
    line: int | None
    values: dict[str, Value]
    problems: tuple[tuple[str | None, str | None, str, str], ...] = ()
    #: Column → the text as written in the file, where a parser handed on another text to
    #: clean (HTML entities decoded, a decimal comma read): kept as the statement's original.
    originals: dict[str, str] | None = None


def _text(value: Any) -> Value:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, int | decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        items = [_text(v) for v in value]
        return [i for i in items if isinstance(i, str)]
    if isinstance(value, dict):
        import json

        return json.dumps(value, sort_keys=True, default=str)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


@dataclass
class TableReader:
    """Rows of one file. ``problems`` holds file-level problems found while reading."""

    path: Path
    format: str
    options: dict[str, Any] = field(default_factory=dict)
    columns: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    _con: duckdb.DuckDBPyConnection | None = None
    _relation: Any = None
    # DuckDB numbers rejected CSV records (header = 1), not physical lines: record -> (lines it
    # spans, index of its problem), so that the problem gets the physical line while streaming.
    _rejected: dict[int, tuple[int, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.format == "xlsx":
            self._open_xlsx()
        else:
            self._open_duckdb()

    # -- DuckDB formats -------------------------------------------------------------------------
    def _open_duckdb(self) -> None:
        con = connect()
        self._con = con
        path = str(self.path)
        try:
            if self.format in ("csv", "tsv"):
                delim = self.options.get("delimiter") or ("\t" if self.format == "tsv" else ",")
                quote = self.options.get("quote", '"')
                encoding = self.options.get("encoding", "utf-8")
                rel = con.sql(
                    "SELECT * FROM read_csv(?, all_varchar=true, header=true, delim=?, quote=?, "
                    "escape=?, encoding=?, store_rejects=true, strict_mode=true, "
                    "null_padding=false, auto_detect=true, sample_size=-1)",
                    params=[path, delim, quote, quote, encoding],
                )
            elif self.format == "jsonl":
                rel = con.sql(
                    "SELECT * FROM read_json(?, format='newline_delimited', "
                    "sample_size=-1, maximum_object_size=67108864)",
                    params=[path],
                )
            elif self.format == "parquet":
                rel = con.sql("SELECT * FROM read_parquet(?)", params=[path])
            else:  # pragma: no cover - guarded by the mapping
                raise ValueError(self.format)
            self.columns = list(rel.columns)
            if self.format in ("csv", "tsv"):
                # A first pass fills DuckDB's reject table, so that line numbers of the rows after a
                # malformed line are right while streaming.
                rel.aggregate("count(*)").fetchall()
                self._collect_rejects()
            self._relation = rel
        except duckdb.Error as exc:
            self.problems.append(
                Problem(
                    file=path,
                    row=None,
                    line=_line_from_message(str(exc)),
                    column=None,
                    value=None,
                    expected=f"a readable {self.format.upper()} file",
                    hint=f"DuckDB could not read it: {_first_line(str(exc))}",
                )
            )
            self.columns = []
            self._relation = None

    def _collect_rejects(self) -> None:
        con = self._con
        assert con is not None
        try:
            rows = con.execute(
                "SELECT line, column_name, error_type, csv_line, error_message "
                "FROM reject_errors ORDER BY line"
            ).fetchall()
        except duckdb.Error:
            return
        separator = self.options.get("delimiter") or ("\t" if self.format == "tsv" else ",")
        for line, column, error_type, csv_line, message in rows:
            self._rejected[int(line)] = (1 + str(csv_line or "").count("\n"), len(self.problems))
            self.problems.append(
                Problem(
                    file=str(self.path),
                    row=None,
                    line=int(line),
                    column=column,
                    value=None,
                    expected=f"{len(self.columns)} fields separated by {separator!r}",
                    hint=f"{error_type.lower()}: {message}. Fix the line, or quote fields that "
                    "contain the separator",
                )
            )

    # -- XLSX -----------------------------------------------------------------------------------
    def _open_xlsx(self) -> None:
        import openpyxl

        try:
            wb = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several unrelated types
            self.problems.append(
                Problem(
                    str(self.path), None, None, None, None, "a readable XLSX workbook", str(exc)
                )
            )
            return
        sheet_name = self.options.get("sheet")
        if sheet_name and sheet_name not in wb.sheetnames:
            self.problems.append(
                Problem(
                    str(self.path),
                    None,
                    None,
                    None,
                    sheet_name,
                    f"a sheet name, one of {wb.sheetnames}",
                    "Fix `options.sheet` in the mapping",
                )
            )
            return
        self._sheet = wb[sheet_name] if sheet_name else wb.worksheets[0]
        # Read-only sheets trust the size the file declares, which some writers get wrong (the
        # UNODC GLOTIP workbook declares one cell): read every row there is instead.
        if hasattr(self._sheet, "reset_dimensions"):
            self._sheet.reset_dimensions()
        self._workbook = wb
        header = next(self._sheet.iter_rows(min_row=1, max_row=1, values_only=True), None)
        self.columns = [str(c) if c is not None else "" for c in (header or ())]
        while self.columns and self.columns[-1] == "":
            self.columns.pop()

    # -- rows -----------------------------------------------------------------------------------
    def rows(self, batch_size: int = 20_000) -> Iterator[list[Row]]:
        """Yield batches of rows in file order."""
        if self.format == "xlsx":
            yield from self._xlsx_rows(batch_size)
            return
        if self._relation is None:
            return
        try:
            # DuckDB 2.x streams with to_arrow_reader; 1.x names it fetch_record_batch.
            stream = getattr(self._relation, "to_arrow_reader", None)
            if stream is None:
                stream = self._relation.fetch_record_batch
            reader = stream(batch_size)
        except duckdb.Error as exc:
            self.problems.append(
                Problem(
                    str(self.path),
                    None,
                    _line_from_message(str(exc)),
                    None,
                    None,
                    f"a readable {self.format.upper()} file",
                    f"DuckDB could not read it: {_first_line(str(exc))}",
                )
            )
            return
        number = 0
        line = 2 if self.format in ("csv", "tsv") else 1
        record = 2  # CSV record number as DuckDB counts them, the header being 1
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except duckdb.Error as exc:
                self.problems.append(
                    Problem(
                        str(self.path),
                        None,
                        _line_from_message(str(exc)),
                        None,
                        None,
                        f"a readable {self.format.upper()} file",
                        f"DuckDB stopped reading: {_first_line(str(exc))}",
                    )
                )
                break
            out: list[Row] = []
            for raw in batch.to_pylist():
                number += 1
                values = {k: _text(v) for k, v in raw.items()}
                if self.format in ("csv", "tsv"):
                    while record in self._rejected:
                        line = self._skip_rejected(record, line)
                        record += 1
                    out.append(Row(number, line, values))
                    line += 1 + sum(v.count("\n") for v in values.values() if isinstance(v, str))
                    record += 1
                elif self.format == "jsonl":
                    out.append(Row(number, line, values))
                    line += 1
                else:
                    out.append(Row(number, None, values))
            yield out
        while record in self._rejected:  # malformed records after the last good one
            line = self._skip_rejected(record, line)
            record += 1

    def _skip_rejected(self, record: int, line: int) -> int:
        span, index = self._rejected[record]
        p = self.problems[index]
        self.problems[index] = Problem(
            p.file, None, line, p.column, p.value, p.expected, p.hint, p.fatal
        )
        return line + span

    def _xlsx_rows(self, batch_size: int) -> Iterator[list[Row]]:
        sheet = getattr(self, "_sheet", None)
        if sheet is None:
            return
        out: list[Row] = []
        number = 0
        ncol = len(self.columns)
        for excel_row, cells in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            number += 1
            values = {
                self.columns[i]: _text(cells[i] if i < len(cells) else None) for i in range(ncol)
            }
            out.append(Row(number, excel_row, values))
            if len(out) >= batch_size:
                yield out
                out = []
        if out:
            yield out

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
        wb = getattr(self, "_workbook", None)
        if wb is not None:
            wb.close()


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else message


def _line_from_message(message: str) -> int | None:
    import re

    m = re.search(r"[Ll]ine:? (\d+)", message)
    return int(m.group(1)) if m else None


def open_reader(path: Path, fmt: str, options: dict[str, Any] | None = None) -> TableReader:
    """Open ``path`` for reading in format ``fmt`` (csv, tsv, jsonl, parquet, xlsx)."""
    return TableReader(Path(path), fmt, dict(options or {}))


Record = (
    tuple[int | None, dict[str, Value]]
    | tuple[int | None, dict[str, Value], tuple[tuple[str | None, str | None, str, str], ...]]
)


class RecordReader:
    """Rows from a Python parser, for files DuckDB cannot read as one table.

    A built-in format (an adjacency matrix, a ragged CSV without header, a YAML tag pack) parses
    its file in a generator that yields ``(line, values)``, ``(line, values, problems)`` or
    ``(line, values, problems, originals)`` per record, where ``problems`` are recoverable
    problems of that record (``(column, value, expected, hint)``: the row is kept and flagged)
    and ``originals`` maps a column to its text as written in the file when ``values`` holds a
    text the parser repaired (an HTML entity decoded): statements keep it as original value.
    File-level problems go into :attr:`problems` as :class:`~cybertnoc.errors.Problem` objects
    (``fatal=True`` rejects the import). The reader numbers the rows and batches them for the
    importer.

    Parameters
    ----------
    path : Path
        The file (for messages).
    columns : list of str
        Every column the records may have.
    parse : callable
        ``parse(reader)`` returns an iterator of records; it may append to ``reader.problems``.
    format : str
        Short name of the physical format, recorded with the source (e.g. ``"ucinet-dl"``).
    total : int, optional
        Number of records, for progress bars.
    """

    def __init__(
        self,
        path: Path,
        columns: list[str],
        parse: Any,
        *,
        format: str = "records",
        total: int | None = None,
    ) -> None:
        self.path = Path(path)
        self.columns = list(columns)
        self.format = format
        self.total = total
        self.problems: list[Problem] = []
        self._parse = parse

    def rows(self, batch_size: int = 20_000) -> Iterator[list[Row]]:
        """Yield batches of rows in file order."""
        batch: list[Row] = []
        for number, record in enumerate(self._parse(self), start=1):
            line, values = record[0], record[1]
            found = record[2] if len(record) > 2 else ()  # type: ignore[misc]
            originals = record[3] if len(record) > 3 else None  # type: ignore[misc]
            batch.append(Row(number, line, values, tuple(found or ()), originals or None))
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def fail(self, line: int | None, expected: str, hint: str, value: str | None = None) -> None:
        """Record a fatal file-level problem (the import will be rejected)."""
        self.problems.append(
            Problem(str(self.path), None, line, None, value, expected, hint, fatal=True)
        )

    def close(self) -> None:
        """Nothing to release (the parser closes its own files)."""
