"""Built-in formats: drug seizures (UNODC annual seizures by country, UNODC IDS routes).

Every seizure record becomes a ``Seizure`` entity (a cybertnoc extension of FollowTheMoney's
Event): drug, drug group, quantity and unit, the reporting country or the route (origin and
destination countries) and the year or period. Countries are cleaned to ISO 3166-1 codes; where
the source spells a country in a way the cleaner cannot read (UNODC's code ``KKK`` for Kosovo, a
typo, a mis-encoded name), the reader rewrites it and flags the record with the text it read. See
``docs/formats/darknet-and-seizures.md``.

References
----------
.. [1] UNODC (2018). World Drug Report 2018 (Sales No. E.18.XI.9), statistical annex, drug
   seizures.
.. [2] UNODC. Individual Drug Seizures (IDS) 2011-2015, https://data.unodc.org
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from cybertnoc.ingest.formats._base import Format, Part, register, rejected
from cybertnoc.ingest.formats._text import csv_lines, decode
from cybertnoc.ingest.readers import Record, RecordReader

__all__ = [
    "ANNUAL_COLUMNS",
    "COUNTRY_REPAIRS",
    "DESTINATION_COLUMNS",
    "ROUTE_COLUMNS",
    "decimal_comma",
]

log = logging.getLogger(__name__)

#: Columns of UNODC's annual seizure table (World Drug Report annex), which the records keep, plus
#: ``record`` (a key: country code, year, drug, specific drug and occurrence) and ``unit``.
ANNUAL_COLUMNS = [
    "record",
    "Region",
    "SubRegion",
    "Country",
    "CountryCode",
    "Year",
    "DrugGroup",
    "Drug",
    "SpecificDrugName",
    "KgEquivalent",
    "unit",
    "Comment",
]
_ANNUAL_REQUIRED = ("Country", "CountryCode", "Year", "DrugGroup", "Drug", "KgEquivalent")

#: Columns of the records of the IDS route list (``summary.data.csv``).
ROUTE_COLUMNS = ["id", "drug", "region", "departure", "destination"]
_ROUTE_HEADER = {
    "id": "",
    "drug": "Drug.Name",
    "region": "Region",
    "departure": "Country.obtained...Departure.Country",
    "destination": "Destination.Country",
}

#: Columns of the records of the kilograms by destination (``importdata.csv``): one key column
#: per drug, empty where the destination seized none of it.
DESTINATION_COLUMNS = [
    "country",
    "code",
    "cannabis_key",
    "Cannabis",
    "cocaine_key",
    "Cocaine",
    "heroin_key",
    "Heroin",
]
_DRUGS = ("Cannabis", "Cocaine", "Heroin")

#: Country spellings of the UNODC files that the country cleaner cannot read, and what they are.
COUNTRY_REPAIRS = {
    "KKK": ("XK", "UNODC's code for Kosovo under UNSCR 1244, not an ISO 3166 code"),
    "Kosovo under UNSCR 1244": ("Kosovo", "UNODC's name for Kosovo"),
    "Boliva": ("Bolivia", "a typo in the source"),
    "C\u2019\u201ate d'Ivoire": ("Côte d'Ivoire", "mis-encoded in the source"),
    "R\u2019\u00a9union": ("Réunion", "mis-encoded in the source"),
    "Other": ("XX", "not a country but an unnamed other one (XX: unknown)"),
}

Problems = list[tuple[str | None, str | None, str, str]]


def decimal_comma(text: str | None) -> str | None:
    """A number written with a decimal comma, written with a decimal point.

    UNODC's table uses ``,`` as the decimal mark and ``.`` (if any) between thousands; the
    generic number cleaner would read ``1,234`` as one thousand two hundred and thirty-four.

    Examples
    --------
    >>> decimal_comma("1,234"), decimal_comma("1.234,5"), decimal_comma("7157"), decimal_comma("")
    ('1.234', '1234.5', '7157', None)
    """
    if text is None or not text.strip():
        return None
    text = text.strip()
    if "," in text:
        return text.replace(".", "").replace(",", ".")
    return text


def _repair(column: str, value: str | None, problems: Problems) -> str | None:
    if value is None:
        return None
    fixed = COUNTRY_REPAIRS.get(value.strip())
    if fixed is None:
        return value
    problems.append(
        (
            column,
            value,
            "a country name or ISO 3166 code",
            f"{fixed[1]}; read as {fixed[0]!r}",
        )
    )
    return fixed[0]


def _header(reader: RecordReader, first: tuple[int, list[str]] | None) -> list[str]:
    if first is None:
        reader.fail(None, "a CSV file with a header row", "The file is empty")
        return []
    return [h.strip() for h in first[1]]


# -- UNODC annual seizures ------------------------------------------------------------------------


def _annual_parse(path: Path):
    def parse(reader: RecordReader) -> Iterator[Record]:
        text = decode(reader, path, ("utf-8-sig", "cp1252"))
        if not text:
            if not reader.problems:
                reader.fail(None, "a UNODC seizures table", "The file is empty")
            return
        lines = csv_lines(text, ";")
        header = _header(reader, next(lines, None))
        if not header:
            return
        missing = [c for c in _ANNUAL_REQUIRED if c not in header]
        if missing:
            hint = f"Its first line lacks {', '.join(missing)}"
            if len(header) == 1 and "," in header[0]:
                hint += (
                    "; it is comma-separated: use the semicolon-separated release "
                    "(seizuresdata2.csv at commit 44d3a02), whose decimal commas are intact"
                )
            reader.fail(
                1,
                "UNODC's annual seizure table, semicolon-separated with the header "
                + ";".join(c for c in ANNUAL_COLUMNS if c not in ("record", "unit")),
                hint,
                ";".join(header)[:200],
            )
            return
        index = {name: header.index(name) for name in ANNUAL_COLUMNS if name in header}
        seen: dict[tuple[str, ...], int] = {}
        for line, fields in lines:
            problems: Problems = []
            if len(fields) != len(header):
                problems.append(
                    (
                        None,
                        ";".join(fields)[:200],
                        f"{len(header)} fields separated by ';', as in the header",
                        f"The line has {len(fields)}; kept with the fields it has, read in the "
                        "order of the header",
                    )
                )

            def get(name: str, fields: list[str] = fields) -> str | None:
                i = index.get(name)
                value = fields[i].strip() if i is not None and i < len(fields) else ""
                return value or None

            values: dict[str, str | None] = {name: get(name) for name in ANNUAL_COLUMNS}
            values["CountryCode"] = _repair("CountryCode", values["CountryCode"], problems)
            raw_kg = values["KgEquivalent"]
            values["KgEquivalent"] = decimal_comma(raw_kg)
            values["unit"] = "kg" if values["KgEquivalent"] else None
            if raw_kg is None:
                problems.append(
                    (
                        "KgEquivalent",
                        None,
                        "a quantity in kilogram equivalents",
                        "Missing in the source; the seizure is kept without a quantity",
                    )
                )
            key = tuple(
                values[c] or "" for c in ("CountryCode", "Year", "Drug", "SpecificDrugName")
            )
            seen[key] = seen.get(key, 0) + 1
            # Rows that look alike (split by reporting agency) are separate seizures: number them.
            values["record"] = "|".join((*key, str(seen[key])))
            yield (line, values, tuple(problems)) if problems else (line, values)

    return parse


def _annual_parts(path: Path, options: dict[str, str]) -> list[Part]:
    if path.is_dir():
        files = sorted(path.glob("seizuresdata*.csv"))
        if len(files) != 1:
            raise rejected(
                path,
                "a directory holding one UNODC seizures table seizuresdata*.csv",
                f"Found {len(files)}; give the file itself (seizuresdata2.csv)",
            )
        path = files[0]
    return [
        Part(
            path,
            "formats/unodc_seizures",
            lambda: RecordReader(path, ANNUAL_COLUMNS, _annual_parse(path), format="unodc-csv"),
            "seizures",
        )
    ]


register(
    Format(
        name="unodc-seizures",
        description="UNODC annual drug seizures by country, drug and year (World Drug Report "
        "annex; semicolons, decimal comma, BOM)",
        crime_area="drugs",
        kind="offline",
        parts=_annual_parts,
        examples=("seizures/unodc_annual_drug_seizures/seizuresdata2.csv",),
        dataset="unodc_seizures",
    )
)


# -- UNODC IDS routes -----------------------------------------------------------------------------


def _routes_parse(path: Path):
    def parse(reader: RecordReader) -> Iterator[Record]:
        text = decode(reader, path, ("utf-8-sig", "cp1252"))
        if not text:
            if not reader.problems:
                reader.fail(None, "the IDS route list summary.data.csv", "The file is empty")
            return
        lines = csv_lines(text, ",")
        header = _header(reader, next(lines, None))
        missing = [v for k, v in _ROUTE_HEADER.items() if k != "id" and v not in header]
        if not header or missing:
            if header:
                reader.fail(
                    1,
                    "the IDS route list with the columns Drug.Name, Region, "
                    "Country.obtained...Departure.Country, Destination.Country",
                    f"Its first line lacks {', '.join(missing)}",
                    ",".join(header)[:200],
                )
            return
        index = {k: header.index(v) for k, v in _ROUTE_HEADER.items() if v in header}
        for line, fields in lines:
            problems: Problems = []

            def get(name: str, fields: list[str] = fields) -> str | None:
                i = index.get(name)
                value = fields[i].strip() if i is not None and i < len(fields) else ""
                return None if value in ("", "NA") else value

            values = {name: get(name) for name in ROUTE_COLUMNS}
            if values["id"] is None:
                values["id"] = f"line{line}"
            for column in ("departure", "destination"):
                values[column] = _repair(column, values[column], problems)
            yield (line, values, tuple(problems)) if problems else (line, values)

    return parse


def _destinations_parse(path: Path):
    def parse(reader: RecordReader) -> Iterator[Record]:
        text = decode(reader, path, ("utf-8-sig", "cp1252"))
        if not text:
            if not reader.problems:
                reader.fail(None, "the IDS kilograms by destination importdata.csv", "Empty")
            return
        lines = csv_lines(text, ",")
        header = _header(reader, next(lines, None))
        needed = ("Destination.Country", *_DRUGS, "code")
        missing = [c for c in needed if c not in header]
        if not header or missing:
            if header:
                reader.fail(
                    1,
                    "the IDS kilograms by destination with the columns Destination.Country, "
                    "Cannabis, Cocaine, Heroin, code",
                    f"Its first line lacks {', '.join(missing)}",
                    ",".join(header)[:200],
                )
            return
        index = {c: header.index(c) for c in needed}
        for line, fields in lines:
            problems: Problems = []

            def get(name: str, fields: list[str] = fields) -> str | None:
                i = index[name]
                value = fields[i].strip() if i < len(fields) else ""
                return None if value in ("", "NA") else value

            code = _repair("code", get("code"), problems)
            values: dict[str, str | None] = {"country": get("Destination.Country"), "code": code}
            for drug in _DRUGS:
                values[drug] = get(drug)
                values[f"{drug.lower()}_key"] = code if values[drug] is not None else None
            yield (line, values, tuple(problems)) if problems else (line, values)

    return parse


def _routes_parts(path: Path, options: dict[str, str]) -> list[Part]:
    expected = (
        "the IDS route files: summary.data.csv (routes) and, optionally, importdata.csv "
        "(kilograms by destination)"
    )
    if path.is_dir():
        routes, kilos = path / "summary.data.csv", path / "importdata.csv"
        if not routes.is_file():
            raise rejected(
                path,
                f"a directory holding {expected}",
                "summary.data.csv is missing; give the folder "
                "seizures/unodc_ids_2011_2015_routes or one of its files",
            )
        files = [routes, kilos] if kilos.is_file() else [routes]
    else:
        files = [path]
    parts: list[Part] = []
    for f in files:
        head = f.read_bytes()[:4096].decode("utf-8", errors="replace")
        if "Destination.Country" not in head.split("\n", 1)[0]:
            raise rejected(
                f,
                expected,
                "Its first line names no Destination.Country column; is this a file of "
                "seizures/unodc_ids_2011_2015_routes?",
                line=1,
            )
        if "Drug.Name" in head.split("\n", 1)[0]:
            parts.append(
                Part(
                    f,
                    "formats/unodc_routes",
                    lambda f=f: RecordReader(f, ROUTE_COLUMNS, _routes_parse(f), format="ids-csv"),
                    "routes",
                )
            )
        else:
            parts.append(
                Part(
                    f,
                    "formats/unodc_routes_destinations",
                    lambda f=f: RecordReader(
                        f, DESTINATION_COLUMNS, _destinations_parse(f), format="ids-csv"
                    ),
                    "kilograms by destination",
                )
            )
    return parts


register(
    Format(
        name="unodc-routes",
        description="UNODC Individual Drug Seizures 2011-2015: departure -> destination routes "
        "(cp1252) and kilograms by destination",
        crime_area="drugs",
        kind="offline",
        parts=_routes_parts,
        examples=(
            "seizures/unodc_ids_2011_2015_routes",
            "seizures/unodc_ids_2011_2015_routes/summary.data.csv",
        ),
        dataset="unodc_ids_routes",
    )
)
