"""Helpers shared by the format parsers: decoding text files, sniffing delimiters, node ids."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from cybertnoc.ingest.readers import RecordReader

__all__ = ["csv_lines", "decode", "sniff_delimiter"]


def decode(reader: RecordReader, path: Path, encodings: tuple[str, ...] = ("utf-8-sig",)) -> str:
    """The text of ``path`` in the first of ``encodings`` that decodes it.

    A file that none decodes is a fatal problem of ``reader`` (with the byte offset and the
    encodings tried) and gives ``""``. A byte-order mark is removed. Line ends are normalised.
    """
    data = path.read_bytes()
    error: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            error = error or exc
            continue
        return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    assert error is not None
    line = data[: error.start].count(b"\n") + 1
    reader.fail(
        line,
        f"text in {' or '.join(encodings)}",
        f"Byte {error.start} ({data[error.start : error.start + 1]!r}) cannot be decoded; save "
        "the file as UTF-8",
    )
    return ""


def sniff_delimiter(text: str, candidates: str = ",;\t| ") -> str:
    """The delimiter that splits the first lines into the most equal, largest number of fields.

    Examples
    --------
    >>> sniff_delimiter("a;b;c\\n1;2;3\\n"), sniff_delimiter("a\\tb\\n1\\t2\\n")
    (';', '\\t')
    >>> sniff_delimiter("1 2\\n3 4\\n")
    ' '
    """
    lines = [line for line in text.split("\n")[:50] if line.strip()]
    best, best_score = ",", (0, 0)
    for d in candidates:
        counts = [len(line.split(d)) for line in lines]
        if not counts or max(counts) < 2:
            continue
        most = max(set(counts), key=counts.count)
        score = (counts.count(most), most)
        if score > best_score:
            best, best_score = d, score
    return best


def csv_lines(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """``(line, fields)`` of each non-empty record of ``text``, quotes honoured.

    ``line`` is the 1-based physical line where the record starts (a quoted field may span
    lines). A space delimiter splits on runs of whitespace instead.
    """
    if delimiter == " ":
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                yield number, line.split()
        return
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    start = 1
    for fields in rows:
        end = rows.line_num
        if any(f.strip() for f in fields):
            yield start, fields
        start = end + 1
