"""Byte-deterministic writers for CSV, TSV, JSON lines, Parquet and XLSX.

The same rows always give the same bytes:

- CSV/TSV: the :mod:`csv` module, ``\\n`` line ends, minimal quoting, UTF-8 without BOM; cells
  are written as given (the generators format numbers themselves, so that no locale or float
  repr decides the digits); ``None`` is an empty cell.
- JSON lines: :func:`json.dumps` with the keys in the order given, ``ensure_ascii=False``,
  compact separators; ``None`` is ``null``.
- Parquet: :mod:`pyarrow` from Arrow arrays (never from pandas, whose metadata would be added),
  zstd compression, in row groups written one after the other; Parquet holds no clock.
- XLSX: :mod:`openpyxl` in write-only mode, then the zip is rewritten with a fixed timestamp on
  every entry (openpyxl stamps entries and ``docProps/core.xml`` with the current time).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

__all__ = [
    "FIXED_TIME",
    "fmt_float",
    "sha256_file",
    "write_csv",
    "write_jsonl",
    "write_parquet",
    "write_xlsx",
]

#: Timestamp written into XLSX properties and zip entries (the zip format starts in 1980).
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_FIXED_ISO = "1980-01-01T00:00:00Z"


def fmt_float(value: float | None, decimals: int) -> str | None:
    """Format a number with a fixed number of decimals (``None`` and NaN give ``None``)."""
    if value is None or value != value:
        return None
    return f"{value:.{decimals}f}"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        raise TypeError("format floats before writing them (see fmt_float)")
    return str(value)


def write_csv(
    path: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]], delimiter: str = ","
) -> int:
    """Write a header and rows; return the number of rows."""
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(v) for v in row])
            n += 1
    return n


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> int:
    """Write one JSON object per line; return the number of records."""
    n = 0
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")))
            fh.write("\n")
            n += 1
    return n


def write_parquet(
    path: Path,
    schema: pa.Schema,
    batches: Iterable[pa.RecordBatch | pa.Table],
) -> int:
    """Write Arrow batches as consecutive row groups; return the number of rows."""
    n = 0
    with pq.ParquetWriter(
        str(path),
        schema,
        compression="zstd",
        compression_level=3,
        use_dictionary=True,
        write_statistics=True,
        version="2.6",
    ) as writer:
        for batch in batches:
            table = batch if isinstance(batch, pa.Table) else pa.Table.from_batches([batch])
            table = table.cast(schema)
            writer.write_table(table)
            n += table.num_rows
    return n


def write_xlsx(
    path: Path,
    sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
    *,
    title: str = "",
) -> int:
    """Write sheets ``(name, columns, rows)``; return the number of rows of the first sheet.

    Cells may be ``str``, ``int``, ``float``, :class:`datetime.date` (written as Excel dates) or
    ``None`` (an empty cell). The file is made byte-identical for the same input by fixing the
    workbook's created/modified properties and every zip entry's timestamp.
    """
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    wb.properties.creator = "cybertnoc synth"
    wb.properties.title = title or None
    first_rows = 0
    for i, (name, columns, rows) in enumerate(sheets):
        ws = wb.create_sheet(title=name)
        ws.append(list(columns))
        n = 0
        for row in rows:
            ws.append(list(row))
            n += 1
        if i == 0:
            first_rows = n
    buf = io.BytesIO()
    wb.save(buf)
    _rewrite_zip(buf.getvalue(), path)
    return first_rows


_CORE_TIME = re.compile(
    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)"
)


def _rewrite_zip(data: bytes, path: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _CORE_TIME.sub(
                    lambda m: m.group(1) + _FIXED_ISO.encode() + m.group(2), content
                )
            out = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            out.compress_type = zipfile.ZIP_DEFLATED
            out.external_attr = 0o600 << 16
            out.create_system = 3
            dst.writestr(out, content, compresslevel=6)


def iter_chunks(n: int, size: int) -> Iterator[tuple[int, int]]:
    """``(start, stop)`` of consecutive chunks of ``range(n)``."""
    for start in range(0, n, size):
        yield start, min(n, start + size)
