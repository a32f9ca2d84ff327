"""Built-in formats: darknet market listings (Agora 2014 product pages, Hansa 2016 listings).

Every listing becomes a ``Listing`` entity (a cybertnoc extension of FollowTheMoney) linked to its
vendor, a ``UserAccount`` named by the vendor's market handle. Prices become ``amount`` and
``currency`` (BTC on Agora, USD on Hansa); ships-from and ships-to texts, typed freely by vendors,
become country codes (``US``), region codes (``XE`` Europe, ``ZZ`` worldwide) or ``XX`` (unknown,
"Torland", "Undeclared"), each statement keeping the text it was read from as its original value.
Vendor handles are market pseudonyms and are kept as they are (see
``mappings/synth/market_listings.yml``); outputs must aggregate them. See
``docs/formats/darknet-and-seizures.md``.

References
----------
.. [1] Branwen, G., Christin, N., Décary-Hétu, D., et al. (2015). Dark Net Market archives,
   2011-2015. https://www.gwern.net/DNM-archives
.. [2] Hansa Market listings crawled 2016-12-11, in giovannicolonna/mining_of_darknet_markets
   (GitHub); scraper and first publication not stated (provenance unverified).
"""

from __future__ import annotations

import csv
import html
import io
import logging
import re
from collections.abc import Iterator
from pathlib import Path

from cybertnoc.errors import InvalidValue
from cybertnoc.ingest.formats._base import Format, Part, register, rejected
from cybertnoc.ingest.formats._text import csv_lines, decode
from cybertnoc.ingest.readers import Record, RecordReader
from cybertnoc.model.types import clean_country
from cybertnoc.model.types.countries import clean_country_list

__all__ = ["AGORA_COLUMNS", "HANSA_CATEGORIES", "HANSA_COLUMNS", "place_parts"]

log = logging.getLogger(__name__)

#: Columns of the Agora product CSV (mozzarellaV8/agora-marketplace), which the records keep,
#: plus ``path`` (the category path, ``Drugs/Cannabis/Weed``).
AGORA_COLUMNS = [
    "list",
    "date",
    "vendor",
    "product",
    "price",
    "cat",
    "subcat",
    "subsubcat",
    "path",
    "from",
    "to",
]
_AGORA_REQUIRED = ("list", "date", "vendor", "product", "price", "cat", "from", "to")

#: Columns of the Hansa listings file, which has no header (positional, in this order).
HANSA_COLUMNS = ["time", "item_id", "title", "vendor", "price", "category", "ships_from"]

#: Hansa's top-level categories, as the December 2016 crawl has them.
HANSA_CATEGORIES = frozenset(
    {
        "Counterfeits",
        "Digital Goods",
        "Drugs",
        "Electronics",
        "Erotica",
        "Fraud Related",
        "Guides & Tutorials",
        "Jewellery",
        "Miscellaneous",
        "Security & Hosting",
        "Services",
    }
)

_HARD_SPLIT = re.compile(r"[,;/|+\n]")
_SOFT_SPLIT = re.compile(r"\s*&\s*|\s+(?:and|or)\s+", re.IGNORECASE)
_HANSA_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
_PRICE = re.compile(r"^[A-Z]{3} \d[\d,]*(?:\.\d+)?$")


def _code(text: str) -> str | None:
    try:
        return clean_country(text)
    except InvalidValue:
        return None


def place_parts(text: str | None) -> list[str]:
    """The parts of a ships-from or ships-to text that each name one place, as written.

    The country cleaner reads one place per value. A vendor's text that names one place
    (``"Worldwide except Australia"``, ``"UK (Free!)"``) is kept whole; a text that names several
    (``"EU, North America"``) is cut into the pieces that name them, as
    :func:`~cybertnoc.model.types.countries.clean_country_list` cuts it, so that each code's
    statement keeps the piece it was read from as its original value. A repeated place, and an
    unknown place (``XX``) beside known ones, are dropped as ``clean_country_list`` drops them.
    A text of which no piece is a place stays whole, so that the importer flags it once.

    Parameters
    ----------
    text : str or None
        The cell, as the vendor typed it.

    Returns
    -------
    list of str
        The pieces (stripped of surrounding whitespace); empty when the cell is empty.

    Examples
    --------
    >>> place_parts("  EU, North America ")
    ['EU', 'North America']
    >>> place_parts("Worldwide except Australia, New Zealand")
    ['Worldwide except Australia, New Zealand']
    >>> place_parts("UK (Free!) & EU")
    ['UK (Free!)', 'EU']
    >>> place_parts("EU, USA, Cancada")
    ['EU', 'USA', 'Cancada']
    >>> place_parts("The home of the Body Bags, shotty, and mag")
    ['The home of the Body Bags, shotty, and mag']
    """
    text = (text or "").strip()
    if not text:
        return []
    if _code(text) is not None:
        return [text]
    parts: list[str] = []
    for part in _HARD_SPLIT.split(text):
        part = part.strip()
        if not part.strip(" .!:-"):
            continue
        if _code(part) is not None:
            parts.append(part)
            continue
        parts.extend(s.strip() for s in _SOFT_SPLIT.split(part) if s.strip(" .!:-"))
    codes = [_code(p) for p in parts]
    if all(c is None for c in codes):
        return [text]
    by_code: dict[str, str] = {}
    for part, code in zip(parts, codes, strict=True):
        by_code.setdefault(code or f"?{part}", part)
    if "XX" in by_code and any(c != "XX" and not c.startswith("?") for c in by_code):
        del by_code["XX"]
    out = list(by_code.values())
    try:
        expected = clean_country_list(text)
    except InvalidValue:
        return out  # a piece is not a place: the importer flags that piece alone
    if [_code(p) for p in out] != expected:
        # The pieces disagree with the cleaner (a comment or exclusion in the middle): keep the
        # cleaner's codes, which lose the original text.
        log.debug("ships text %r read as %s", text, expected)
        return expected
    return out


def _na(value: str | None) -> str | None:
    """R writes missing values as a bare ``NA``."""
    if value is None or value == "NA":
        return None
    return value


# -- Agora ----------------------------------------------------------------------------------------


def _agora_parse(path: Path):
    def parse(reader: RecordReader) -> Iterator[Record]:
        text = decode(reader, path, ("utf-8-sig",))
        if not text:
            if not reader.problems:
                reader.fail(None, "an Agora products CSV with a header row", "The file is empty")
            return
        lines = csv_lines(text, ",")
        first = next(lines, None)
        header = [h.strip().lower() for h in first[1]] if first else []
        missing = [c for c in _AGORA_REQUIRED if c not in header]
        if missing:
            reader.fail(
                1,
                "an Agora products CSV with the header "
                + ", ".join(c for c in AGORA_COLUMNS if c != "path")
                + " (mozzarellaV8/agora-marketplace, data/product/products-*.csv)",
                f"Its first line lacks {', '.join(missing)}; give the products file itself, "
                "not crawl-distribution.csv or a vendor file",
                ",".join(first[1])[:200] if first else None,
            )
            return
        index = {name: header.index(name) for name in AGORA_COLUMNS if name in header}
        for line, fields in lines:
            problems: list[tuple[str | None, str | None, str, str]] = []
            if len(fields) != len(header):
                problems.append(
                    (
                        None,
                        ",".join(fields)[:200],
                        f"{len(header)} fields, as in the header",
                        f"The line has {len(fields)}; kept with the fields it has, read in the "
                        "order of the header",
                    )
                )

            def get(name: str, fields: list[str] = fields) -> str | None:
                i = index.get(name)
                return _na(fields[i]) if i is not None and i < len(fields) else None

            cat, subcat, subsubcat = get("cat"), get("subcat"), get("subsubcat")
            path_parts = [p.strip() for p in (cat, subcat, subsubcat) if p and p.strip()]
            values = {
                "list": get("list"),
                "date": get("date"),
                "vendor": get("vendor"),
                "product": get("product"),
                "price": get("price"),
                "cat": cat,
                "subcat": subcat,
                "subsubcat": subsubcat,
                "path": "/".join(path_parts) or None,
                "from": place_parts(get("from")),
                "to": place_parts(get("to")),
            }
            yield (line, values, tuple(problems)) if problems else (line, values)

    return parse


def _agora_parts(path: Path, options: dict[str, str]) -> list[Part]:
    if path.is_dir():
        files = sorted(path.glob("products-*.csv"))
        if not files:
            raise rejected(
                path,
                "a directory holding Agora product files products-*.csv",
                "Give the products file itself, or the folder it is in "
                "(darknet/agora_gwern_crawls_2014-01)",
            )
        skipped = sorted(p.name for p in path.glob("*.csv") if p not in files)
        if skipped:
            log.info("agora: not imported (no listings): %s", ", ".join(skipped))
    else:
        files = [path]
    return [
        Part(
            f,
            "formats/agora",
            lambda f=f: RecordReader(f, AGORA_COLUMNS, _agora_parse(f), format="agora-csv"),
            f.stem,
        )
        for f in files
    ]


register(
    Format(
        name="agora",
        description="Agora darknet market product pages (gwern's archives, parsed): BTC prices, "
        "category path, ships-from/to",
        crime_area="drugs",
        kind="online",
        parts=_agora_parts,
        examples=(
            "darknet/agora_gwern_crawls_2014-01",
            "darknet/agora_gwern_crawls_2014-01/products-2014-01-01.csv",
        ),
        dataset="agora",
    )
)


# -- Hansa ----------------------------------------------------------------------------------------


def _hansa_align(
    fields: list[str], *, unescape: bool = True
) -> tuple[dict[str, str | None], list[tuple[str | None, str | None, str, str]]]:
    """Values of one Hansa record by column, realigned where fields are missing."""
    f = [html.unescape(v) for v in fields] if unescape else list(fields)
    values: dict[str, str | None] = dict.fromkeys(HANSA_COLUMNS)
    values["time"], values["item_id"] = f[0], f[1] if len(f) > 1 else None
    problems: list[tuple[str | None, str | None, str, str]] = []
    # The price ("USD 1,320.31") is the fifth field; fourth when the title is missing.
    price_at = next((i for i in (4, 3, 2) if i < len(f) and _PRICE.match(f[i].strip())), None)
    if price_at is None:
        # Truncated: no price. A lone category ("Drugs") is read as the category.
        rest = f[2:]
        if len(rest) == 1 and rest[0].strip() in HANSA_CATEGORIES:
            values["category"] = rest[0]
        else:
            for name, value in zip(HANSA_COLUMNS[2:], rest, strict=False):
                values[name] = value
    else:
        names = ["vendor", "price", "category", "ships_from"]
        before = f[2:price_at]
        if len(before) == 2:
            values["title"] = before[0]
        found = [before[-1] if before else None, *f[price_at:]]
        for name, value in zip(names, found, strict=False):
            values[name] = value
        if len(f) > price_at + 3:
            problems.append(
                (
                    None,
                    ", ".join(f[price_at + 3 :])[:200],
                    "at most 7 fields: time, item_id, title, vendor, price, category, ships_from",
                    "The fields after ships_from are left out",
                )
            )
    if len(f) < 6:
        problems.append(
            (
                None,
                ", ".join(f)[:200],
                "a complete record: time, item_id, title, vendor, price, category[, ships_from]",
                f"Truncated in the source ({len(f)} fields); kept with the fields it has: "
                + ", ".join(k for k, v in values.items() if v is not None),
            )
        )
    elif price_at == 3:
        problems.append(
            (
                "title",
                None,
                "a title before the vendor",
                "The title is missing in the source; the fields after item_id are read as "
                "vendor, price, category, ships_from",
            )
        )
    return values, problems


def _hansa_parse(path: Path):
    def parse(reader: RecordReader) -> Iterator[Record]:
        text = decode(reader, path, ("utf-8-sig",))
        if not text:
            if not reader.problems:
                reader.fail(None, "a Hansa listings CSV", "The file is empty")
            return
        rows = csv.reader(io.StringIO(text), skipinitialspace=True)
        start = 1
        first = True
        for fields in rows:
            line, start = start, rows.line_num + 1
            if not any(f.strip() for f in fields):
                continue
            if first:
                first = False
                if [f.strip().lower() for f in fields[:2]] == ["time", "item_id"]:
                    continue  # a header a user added
                if len(fields) < 2 or not _HANSA_TIME.match(fields[0].strip()):
                    reader.fail(
                        line,
                        "a Hansa listings CSV without header, one listing per line: time, "
                        'item_id, title, vendor, price, category[, ships_from] (e.g. "2016-12-11 '
                        '20:13:54.654635085 -0500 EST", "18365", "50gr. FUB-AKB", "ALaurizen", '
                        '"USD 340.00", "Drugs", "China")',
                        "The first line does not start with a crawl time; check that this is "
                        "hansa-marketplace-listings-december-2016.csv",
                        ", ".join(fields)[:200],
                    )
                    return
            values, problems = _hansa_align(fields)
            # Where an HTML entity was decoded ("&amp;"), the text as written stays the original.
            written, _ = _hansa_align(fields, unescape=False)
            originals = {k: w for k, w in written.items() if w is not None and w != values.get(k)}
            yield line, values, tuple(problems), originals

    return parse


def _hansa_parts(path: Path, options: dict[str, str]) -> list[Part]:
    if path.is_dir():
        files = sorted(path.glob("hansa*.csv"))
        if len(files) != 1:
            raise rejected(
                path,
                "a directory holding one Hansa listings file hansa*.csv",
                f"Found {len(files)}; give the file itself "
                "(hansa-marketplace-listings-december-2016.csv)",
            )
        path = files[0]
    return [
        Part(
            path,
            "formats/hansa",
            lambda: RecordReader(path, HANSA_COLUMNS, _hansa_parse(path), format="hansa-csv"),
            "listings",
        )
    ]


register(
    Format(
        name="hansa",
        description="Hansa darknet market listings (Dec 2016 crawl, no header, ragged rows): USD "
        "prices, category, ships-from",
        crime_area="drugs",
        kind="online",
        parts=_hansa_parts,
        examples=("darknet/hansa_listings_dec2016/hansa-marketplace-listings-december-2016.csv",),
        dataset="hansa",
    )
)
