"""Built-in formats: trafficking in persons statistics (``glotip``, ``mse-lists``).

``glotip`` reads the UNODC Global Report on Trafficking in Persons country data (the dataUNODC
workbook ``data_glotip.xlsx`` or its CSV export): one ``Statistic`` per cell, suppressed small
counts (``<5``) kept as suppressed, never as 0 or 5. ``mse-lists`` reads multiple-systems-estimation
list-overlap tables (one 0/1 column per list and a count): one ``ListOverlap`` per combination of
lists. See ``docs/formats/trafficking-and-malware.md``.

References
----------
UNODC (2024). Global Report on Trafficking in Persons 2024. United Nations Office on Drugs and
Crime, Vienna; data: dataUNODC, https://dataunodc.un.org/.

Silverman, B. W. (2020). Multiple-systems analysis for the quantification of modern slavery:
classical and Bayesian approaches. Journal of the Royal Statistical Society A, 183(3), 691-736.
"""

from __future__ import annotations

import codecs
import csv
import logging
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from cybertnoc.errors import InvalidValue
from cybertnoc.ingest.formats._base import Format, Part, register, rejected
from cybertnoc.ingest.mapping import load_mapping
from cybertnoc.ingest.readers import Record, RecordReader
from cybertnoc.model.types import clean_value

__all__ = [
    "GLOTIP_COLUMNS",
    "MSE_COUNT_NAMES",
    "csv_records",
    "glotip_citizenship",
    "pick_encoding",
]

log = logging.getLogger(__name__)

#: The columns of the GLOTIP table, as the data portal names them.
GLOTIP_COLUMNS = (
    "Iso3_code",
    "Country",
    "Region",
    "Subregion",
    "Indicator",
    "Dimension",
    "Category",
    "Sex",
    "Age",
    "Year",
    "Unit of measurement",
    "txtVALUE",
    "Source",
)
_GLOTIP_DERIVED = ("record", "country", "citizenship", "value", "suppressed", "suppressed_below")
#: Labels of the GLOTIP key: cells with the same labels are the same cell of the table.
_GLOTIP_KEY = ("Iso3_code", "Country", "Indicator", "Dimension", "Category", "Sex", "Age", "Year")
#: Citizenship labels that mean "citizens of the reporting country".
_OWN_NATIONALS = {
    "nationals",
    "own nationals",
    "own country",
    "national",
    "nationality",
    "domestic",
    "ciudadanos de su pais",
    "ciudadanos de su pa\ufffds",
}
_SUPPRESSED = re.compile(r"^<\s*(\d+)$")
_QUESTIONNAIRE = re.compile(r"^Q\d+(\.\d+)*_", re.I)

#: Names of the count column of an MSE table (else the last column is the count).
MSE_COUNT_NAMES = ("count", "frequency", "freq", "n", "number", "total", "cases")


# -- reading text files as they stream ------------------------------------------------------------
def pick_encoding(
    reader: RecordReader, path: Path, encodings: tuple[str, ...] = ("utf-8-sig", "cp1252")
) -> str | None:
    """The first of ``encodings`` that decodes the whole of ``path``, read in chunks.

    A file none decodes is a fatal problem of ``reader`` (byte offset, line and the encodings
    tried) and gives None.
    """
    first: tuple[int, int, bytes] | None = None
    for encoding in encodings:
        decoder = codecs.getincrementaldecoder(encoding)()
        offset, lines = 0, 0
        try:
            with open(path, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError as exc:
                        start = offset + max(exc.start, 0)
                        line = lines + chunk[: max(exc.start, 0)].count(b"\n") + 1
                        raise _Undecodable(start, line, chunk[exc.start : exc.start + 1]) from exc
                    offset += len(chunk)
                    lines += chunk.count(b"\n")
                try:
                    decoder.decode(b"", final=True)
                except UnicodeDecodeError as exc:  # the file ends inside a character
                    raise _Undecodable(max(offset - 1, 0), lines + 1, b"") from exc
        except _Undecodable as exc:
            first = first or (exc.offset, exc.line, exc.byte)
            continue
        return encoding
    assert first is not None
    offset, line, byte = first
    reader.fail(
        line,
        f"text in {' or '.join(encodings)}",
        f"Byte {offset} ({byte!r}) cannot be decoded; save the file as UTF-8",
    )
    return None


class _Undecodable(Exception):
    def __init__(self, offset: int, line: int, byte: bytes) -> None:
        super().__init__(offset)
        self.offset, self.line, self.byte = offset, line, byte


def csv_records(
    path: Path, encoding: str, *, delimiter: str = ",", skipinitialspace: bool = False
) -> Iterator[tuple[int, list[str]]]:
    """``(line, fields)`` of each non-empty record of a CSV file, streamed, quotes honoured.

    ``line`` is the 1-based physical line where the record starts (a quoted field may span
    lines).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = Path(d) / "t.csv"
    ...     _ = p.write_text('a,b\\n\\n"x\\ny",2\\n3,4\\n', encoding="utf-8")
    ...     list(csv_records(p, "utf-8"))
    [(1, ['a', 'b']), (3, ['x\\ny', '2']), (5, ['3', '4'])]
    """
    with open(path, encoding=encoding, newline="") as fh:
        rows = csv.reader(fh, delimiter=delimiter, skipinitialspace=skipinitialspace)
        start = 1
        for fields in rows:
            end = rows.line_num
            if fields and fields[0].startswith("\ufeff"):
                fields[0] = fields[0][1:]
            if any(f.strip() for f in fields):
                yield start, fields
            start = end + 1


def _cell(value: object) -> str:
    """A spreadsheet cell as text (``2010`` for the integer 2010, ``""`` for an empty cell)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# -- GLOTIP ---------------------------------------------------------------------------------------
def glotip_citizenship(category: str, reporting_country: str | None) -> str | None:
    """The country a GLOTIP citizenship or repatriation category names, else None.

    Country names, codes and demonyms are read by the ``country`` cleaner (a plural demonym is
    tried without its ``s``); "Nationals" and its variants mean the reporting country. Regions,
    "Abroad", "Unknown" and unreadable labels give None (the category is kept as published).

    Examples
    --------
    >>> glotip_citizenship("Pakistani", "PAK"), glotip_citizenship("Albanians", "GBR")
    ('Pakistani', 'Albanian')
    >>> glotip_citizenship("Nationals", "USA"), glotip_citizenship("Abroad", "AFG")
    ('USA', None)
    """
    label = " ".join(category.split())
    if not label:
        return None
    if label.lower() in _OWN_NATIONALS:
        return reporting_country or None
    candidates = [label]
    if label.lower().endswith("s"):
        candidates.append(label[:-1])
    for candidate in candidates:
        try:
            code = clean_value("country", candidate)
        except InvalidValue:
            continue
        if code and len(code) == 2 and not code.startswith("X") and code not in ("ZZ", "EU"):
            return candidate
    return None


def _glotip_rows(reader: RecordReader, path: Path) -> Iterator[tuple[int, list[str]]]:
    """Rows of the GLOTIP table as ``(line, cells)``: CSV lines or spreadsheet rows."""
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several unrelated types
            reader.fail(None, "a readable XLSX workbook", f"openpyxl could not open it: {exc}")
            return
        try:
            sheet = wb["data_glotip_1"] if "data_glotip_1" in wb.sheetnames else wb.worksheets[0]
            # The portal's workbook declares a wrong sheet size: read every row there is.
            sheet.reset_dimensions()
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                values = [_cell(c) for c in cells]
                if any(values):
                    yield number, values
        finally:
            wb.close()
        return
    encoding = pick_encoding(reader, path)
    if encoding is not None:
        yield from csv_records(path, encoding)


def _glotip_header(
    reader: RecordReader, rows: Iterator[tuple[int, list[str]]]
) -> dict[str, int] | None:
    """Column positions from the header row (one of the first ten rows names txtVALUE)."""
    for _ in range(10):
        item = next(rows, None)
        if item is None:
            break
        line, cells = item
        names = [c.strip() for c in cells]
        if "txtvalue" not in (n.lower() for n in names):
            continue
        lower = {n.lower(): i for i, n in enumerate(names) if n}
        missing = [c for c in GLOTIP_COLUMNS if c.lower() not in lower]
        if missing:
            reader.fail(
                line,
                f"the GLOTIP columns {', '.join(GLOTIP_COLUMNS)}",
                f"The header lacks {', '.join(missing)}. Export the sheet data_glotip_1 of the "
                "UNODC workbook unchanged",
            )
            return None
        return {c: lower[c.lower()] for c in GLOTIP_COLUMNS}
    reader.fail(
        1,
        "the UNODC GLOTIP table: a header row naming Iso3_code, Country, ..., txtVALUE, Source "
        "within the first 10 lines",
        "This is not the GLOTIP data table; give data_glotip.xlsx from dataUNODC or its CSV export",
    )
    return None


def _glotip_parse(path: Path, options: dict[str, str]):
    limit = float(options.get("max-value") or 1_000_000)

    def records(reader: RecordReader) -> Iterator[tuple[int, dict[str, str]]]:
        rows = _glotip_rows(reader, path)
        header = _glotip_header(reader, rows)
        if header is None:
            return
        for line, cells in rows:
            yield line, {c: (cells[i].strip() if i < len(cells) else "") for c, i in header.items()}

    def parse(reader: RecordReader) -> Iterator[Record]:
        # First pass: which cells share their labels (the table repeats some with other values).
        groups: dict[tuple[str, ...], list[tuple[int, str]]] = {}
        for line, values in records(reader):
            key = tuple(values[c] for c in _GLOTIP_KEY)
            groups.setdefault(key, []).append((line, values["txtVALUE"]))
        if any(p.fatal for p in reader.problems):
            return
        for number, (line, values) in enumerate(records(reader), start=1):
            problems: list[tuple[str | None, str | None, str, str]] = []
            out: dict[str, str | None] = dict(values)
            out["record"] = str(number)
            out["country"] = values["Iso3_code"] or values["Country"] or None
            text = values["txtVALUE"]
            out["value"], out["suppressed"], out["suppressed_below"] = None, "false", None
            suppressed = _SUPPRESSED.match(text)
            if suppressed:
                out["suppressed"], out["suppressed_below"] = "true", suppressed.group(1)
            elif not text:
                problems.append(
                    (
                        "txtVALUE",
                        None,
                        "a count or a suppression code such as <5",
                        "The cell is empty; the row is kept without a value",
                    )
                )
            else:
                problems.extend(_glotip_value(text, limit, out))
            category = values["Category"]
            if not category:
                problems.append(
                    (
                        "Category",
                        None,
                        "a category label (Total, a form of exploitation, a citizenship)",
                        "The cell has no category; the row is kept as published",
                    )
                )
            elif _QUESTIONNAIRE.match(category):
                problems.append(
                    (
                        "Category",
                        category,
                        "a category label (Total, a form of exploitation, a citizenship)",
                        "This is a reference to a questionnaire cell, not a label; the row is "
                        "kept as published",
                    )
                )
            dimension = values["Dimension"].lower()
            out["citizenship"] = (
                glotip_citizenship(category, out["country"])
                if "citizenship" in dimension or "repatriation" in dimension
                else None
            )
            group = groups.get(tuple(values[c] for c in _GLOTIP_KEY), [])
            if len(group) > 1:
                problems.extend(_glotip_duplicate(line, text, group))
            yield (line, out, tuple(problems)) if problems else (line, out)

    return parse


def _glotip_value(
    text: str, limit: float, out: dict[str, str | None]
) -> list[tuple[str | None, str | None, str, str]]:
    try:
        number = clean_value("number", text)
    except InvalidValue:
        out["value"] = text  # the number cleaner of the mapping reports it
        return []
    assert number is not None
    amount = float(number)
    if amount > limit:
        return [
            (
                "txtVALUE",
                text,
                f"a count of persons up to {limit:,.0f}",
                "So large a count for one country and year is corrupt (it looks like a mangled "
                "date); the row is kept without a value (option max-value sets the limit)",
            )
        ]
    if amount < 0 or not amount.is_integer():
        return [
            (
                "txtVALUE",
                text,
                "a whole, non-negative count of persons",
                "The row is kept without a value",
            )
        ]
    out["value"] = text
    return []


def _glotip_duplicate(
    line: int, text: str, group: list[tuple[int, str]]
) -> list[tuple[str | None, str | None, str, str]]:
    others = [(n, v) for n, v in group if n != line]
    if len({v for _, v in group}) == 1:
        if line == group[0][0]:
            return []
        return [
            (
                "txtVALUE",
                text,
                "one row per indicator, dimension, category, sex, age, year and country",
                f"The same cell, with the same value, is on line {group[0][0]}; kept as published",
            )
        ]
    listed = ", ".join(f"line {n}: {v}" for n, v in others[:5])
    more = f" and {len(others) - 5} more" if len(others) > 5 else ""
    return [
        (
            "txtVALUE",
            text,
            "one row per indicator, dimension, category, sex, age, year and country",
            f"Other rows have the same labels and other values ({listed}{more}): the table does "
            "not say which is which (a lost age or category label?). Kept as published; do not "
            "add them up blindly",
        )
    ]


def _glotip_part(path: Path, options: dict[str, str], note: str = "") -> Part:
    mapping = load_mapping("formats/glotip")
    if note:
        mapping = replace(mapping, provenance=f"{mapping.provenance} {note}".strip())
    kind = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
    columns = [*GLOTIP_COLUMNS, *_GLOTIP_DERIVED]
    return Part(
        path,
        mapping,
        lambda: RecordReader(path, columns, _glotip_parse(path, options), format=f"glotip-{kind}"),
        "GLOTIP table",
    )


def _glotip_parts(path: Path, options: dict[str, str]) -> list[Part]:
    prefer = options.get("prefer", "csv").lower()
    if prefer not in ("csv", "xlsx"):
        raise InvalidValue(prefer, "csv or xlsx (option prefer)", "Write prefer=csv or prefer=xlsx")
    if options.get("max-value"):
        try:
            float(options["max-value"])
        except ValueError:
            raise InvalidValue(
                options["max-value"], "a number (option max-value)", "Write e.g. max-value=1000000"
            ) from None
    if path.is_file():
        if path.suffix.lower() not in (".csv", ".xlsx"):
            raise rejected(
                path,
                "the GLOTIP table as .xlsx (data_glotip.xlsx from dataUNODC) or .csv",
                f"{path.name} is neither; give data_glotip.xlsx or its CSV export",
            )
        return [_glotip_part(path, options)]
    found = {
        suffix: sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == suffix)
        for suffix in (".csv", ".xlsx")
    }
    for suffix, files in found.items():
        named = [p for p in files if p.stem.lower().startswith("data_glotip")]
        found[suffix] = named or files
    first, second = (".csv", ".xlsx") if prefer == "csv" else (".xlsx", ".csv")
    chosen = found[first] or found[second]
    if not chosen:
        raise rejected(
            path,
            "a directory holding the GLOTIP table (data_glotip.csv or data_glotip.xlsx)",
            "No .csv or .xlsx file is in it; give the file itself",
        )
    if len(chosen) > 1:
        raise rejected(
            path,
            "one GLOTIP table per directory",
            f"It holds {', '.join(p.name for p in chosen)}; give the file to import",
        )
    (table,) = chosen
    skipped = [p for files in found.values() for p in files if p != table]
    note = ""
    if skipped:
        note = (
            f"Imported from {table.name}; {', '.join(p.name for p in skipped)} in the same "
            "directory holds the same table and was not imported."
        )
        log.info("glotip: %s imports %s only (%s skipped: the same table)", path, table.name, note)
    return [_glotip_part(table, options, note)]


register(
    Format(
        name="glotip",
        description="UNODC GLOTIP trafficking-in-persons country data (data_glotip.xlsx or .csv)",
        crime_area="slavery",
        kind="offline",
        parts=_glotip_parts,
        options={
            "prefer": "csv (default) or xlsx: which file to import when given a directory "
            "holding both",
            "max-value": "counts above this are flagged as corrupt and left out (default 1000000)",
        },
        examples=(
            "trafficking/unodc_glotip/data_glotip.csv",
            "trafficking/unodc_glotip/data_glotip.xlsx",
            "trafficking/unodc_glotip",
        ),
        dataset="unodc_glotip",
    )
)


# -- multiple-systems-estimation list tables ----------------------------------------------------
_MSE_COLUMNS = ["table", "combination", "lists", "lists_available", "list_count", "count"]


def _mse_parse(path: Path, options: dict[str, str]):
    wanted = options.get("count")

    def parse(reader: RecordReader) -> Iterator[Record]:
        encoding = pick_encoding(reader, path)
        if encoding is None:
            return
        rows = csv_records(path, encoding)
        first = next(rows, None)
        if first is None:
            reader.fail(None, "an MSE table with a header row", "The file is empty")
            return
        line, header = first
        names = [h.strip() for h in header]
        if wanted:
            if wanted not in names:
                reader.fail(
                    line,
                    f"a count column named {wanted!r} (option count)",
                    f"The header has {', '.join(names)}; fix the option",
                )
                return
            ci = names.index(wanted)
        else:
            ci = next(
                (i for i, n in enumerate(names) if n.lower() in MSE_COUNT_NAMES), len(names) - 1
            )
        lists = [(i, n) for i, n in enumerate(names) if i != ci]
        if len(lists) < 2 or any(not n or n.replace(".", "").isdigit() for _, n in lists):
            reader.fail(
                line,
                "an MSE table: a header row naming two or more lists (one 0/1 column each) and a "
                f"count column ({', '.join(MSE_COUNT_NAMES)}, or the last column)",
                f"The first line is {','.join(names)!r}; add the header row",
            )
            return
        available = "+".join(n for _, n in lists)
        seen: dict[str, int] = {}
        for line, fields in rows:
            problems: list[tuple[str | None, str | None, str, str]] = []
            on: list[str] = []
            for i, name in lists:
                cell = fields[i].strip() if i < len(fields) else ""
                if cell in ("1", "1.0", "TRUE", "True", "true"):
                    on.append(name)
                elif cell not in ("0", "0.0", "FALSE", "False", "false"):
                    problems.append(
                        (
                            name,
                            cell or None,
                            "1 (on the list) or 0 (not on it)",
                            "The row is kept; this list is left out of its combination",
                        )
                    )
            raw = fields[ci].strip() if ci < len(fields) else ""
            count: str | None = raw or None
            if raw:
                try:
                    number = clean_value("number", raw)
                except InvalidValue:
                    number = None  # the number cleaner of the mapping reports it
                if number is not None and (float(number) < 0 or not float(number).is_integer()):
                    problems.append(
                        (
                            names[ci],
                            raw,
                            "a whole, non-negative number of people",
                            "The row is kept without a count",
                        )
                    )
                    count = None
            else:
                problems.append(
                    (names[ci], None, "a number of people", "The row is kept without a count")
                )
            combination = "+".join(on) if on else "none"
            if not on and not problems:
                problems.append(
                    (
                        None,
                        ",".join(fields),
                        "a combination of at least one list",
                        "People on no list are not observed: the row is kept, but an estimator "
                        "must not read it as a cell of the table",
                    )
                )
            if combination in seen:
                problems.append(
                    (
                        None,
                        ",".join(fields),
                        "one row per combination of lists",
                        f"The combination {combination} is also on line {seen[combination]}; "
                        "kept (the cell has both counts)",
                    )
                )
            seen.setdefault(combination, line)
            values = {
                "table": path.stem,
                "combination": combination,
                "lists": "+".join(on) or None,
                "lists_available": available,
                "list_count": str(len(on)),
                "count": count,
            }
            yield (line, values, tuple(problems)) if problems else (line, values)

    return parse


def _mse_part(path: Path, options: dict[str, str]) -> Part:
    return Part(
        path,
        "formats/mse_lists",
        lambda: RecordReader(path, _MSE_COLUMNS, _mse_parse(path, options), format="mse-table"),
        path.stem,
    )


def _mse_parts(path: Path, options: dict[str, str]) -> list[Part]:
    if path.is_file():
        if path.suffix.lower() not in (".csv", ".txt"):
            raise rejected(
                path,
                "an MSE list table as CSV (one 0/1 column per list and a count column)",
                f"{path.name} is not a .csv file; export the table as CSV",
            )
        return [_mse_part(path, options)]
    tables = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    if not tables:
        raise rejected(
            path,
            "a directory of MSE list tables (*.csv: one 0/1 column per list and a count column)",
            "No .csv file is in it",
        )
    return [_mse_part(p, options) for p in tables]


register(
    Format(
        name="mse-lists",
        description="Multiple-systems-estimation list-overlap tables (0/1 per list + count)",
        crime_area="slavery",
        kind="offline",
        parts=_mse_parts,
        options={
            "count": "the name of the count column (default: count, frequency, freq, n, ... or "
            "the last column)",
        },
        examples=(
            "trafficking/mse_modern_slavery_lists",
            "trafficking/mse_modern_slavery_lists/UKdat.csv",
        ),
    )
)
