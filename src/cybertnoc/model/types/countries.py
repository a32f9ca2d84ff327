"""Countries and regions: canonical ISO 3166-1 alpha-2 codes plus a few region codes.

The canonical form of a country is its upper-case ISO 3166-1 alpha-2 code (``"US"``, ``"GB"``).
Darknet listings also name places that are not countries ("Worldwide", "EU", "Europe",
"Torland"); they get the codes of :data:`COUNTRY_REGIONS`. ``ZZ`` and ``EU`` follow
FollowTheMoney; the continental regions use codes from the ISO 3166-1 user-assigned range
(``XA``–``XZ``), which ISO guarantees never to give to a country.

Ordinary names, codes and adjectives are recognised by FollowTheMoney's country type ("USA",
"U.S.A.", "UK", "Holland", "Deutschland", "DEU", "German"); :data:`COUNTRY_ALIASES` adds region
names and the vendor slang seen in real crawls (Agora 2014, Hansa 2016). A two-letter ISO code
always means its country: ``"PM"`` is Saint Pierre and Miquelon, not "private message", and
``"NA"`` is Namibia, not "not applicable" (write ``"N/A"``).
"""

from __future__ import annotations

import difflib
import functools
import logging
import re
import unicodedata

from followthemoney.types import registry

from cybertnoc.errors import InvalidValue

__all__ = [
    "COUNTRY_ALIASES",
    "COUNTRY_REGIONS",
    "clean_country",
    "clean_country_list",
    "country_label",
    "is_region",
]

log = logging.getLogger(__name__)

#: Codes that are not ISO 3166-1 countries, with their labels.
COUNTRY_REGIONS: dict[str, str] = {
    "ZZ": "Worldwide",
    "EU": "European Union",
    "XX": "Unknown or undeclared",
    "XE": "Europe",
    "XN": "North America",
    "XS": "South America",
    "XC": "Central America and the Caribbean",
    "XF": "Africa",
    "XA": "Asia",
    "XM": "Middle East",
    "XO": "Oceania",
}

_REGION_NAMES: dict[str, tuple[str, ...]] = {
    "ZZ": (
        "worldwide", "world wide", "world", "the world", "whole world", "global", "globally",
        "international", "internationally", "anywhere", "everywhere", "everyplace",
        "every country", "all countries", "any country", "ww", "planet earth", "earth",
        "human race",
    ),
    "EU": ("eu", "european union", "eurozone"),
    "XX": (
        "torland", "tor", "undeclared", "undelcared", "unknown", "n a", "none",
        "not specified", "unspecified", "not stated", "not declared", "internet", "online",
        "cyberspace", "darknet", "dark web", "deep web", "domestic", "shipping", "agora beta",
        "my pm", "your pm", "pm me", "please check listing", "please read my profile",
        "check my profile", "see profile", "see listing", "read profile",
        # descriptions of customers, not places (Agora 2014)
        "kind and gentle people", "kind hearts and gentle people", "knd hearts and gentle people",
        "gentle hearts and kind people", "responsible ninjas", "responsable ninjas",
        "responsible adults", "responsable singles or parties", "mamas house and papas house",
    ),
    "XE": (
        "europe", "europa", "europe eu", "western europe", "eastern europe", "northern europe",
        "southern europe", "central europe", "continental europe", "mainland europe",
        "scandinavia", "scandinavian countries", "nordic", "nordics", "nordic countries",
        "benelux", "balkans", "baltics", "baltic states", "eea", "schengen", "schengen area",
    ),
    "XN": ("north america", "northern america", "n america"),
    "XS": ("south america", "s america"),
    "XC": (
        "central america", "caribbean", "central america and caribbean",
        "central america and the caribbean", "west indies", "caribbean islands",
    ),
    "XF": (
        "africa", "north africa", "northern africa", "west africa", "western africa",
        "east africa", "eastern africa", "southern africa", "central africa",
        "sub saharan africa",
    ),
    "XA": (
        "asia", "asia pacific", "apac", "east asia", "southeast asia", "south east asia",
        "se asia", "south asia", "central asia", "far east",
    ),
    "XM": ("middle east", "near east", "mena", "gulf states", "persian gulf"),
    "XO": ("oceania", "australasia", "pacific islands", "south pacific"),
    # vendor slang for the United States (Agora 2014)
    "US": (
        "the united snakes of captivity", "united snakes of captivity",
        "left and right coast usa", "americana", "west of the mississippi",
        "pacific palisades", "pacific palasades", "la jolla",
    ),
}  # fmt: skip

#: Normalised spellings (see :func:`_key`) that FollowTheMoney does not know, mapped to codes.
COUNTRY_ALIASES: dict[str, str] = {
    name: code for code, names in _REGION_NAMES.items() for name in names
}

_EXPECTED = (
    "a country or region: an ISO 3166-1 country name or code (Germany, DE, DEU) or a region "
    "such as Worldwide, EU, Europe, North America (see docs/value-types.md)"
)
_HINT = (
    "Use an ISO 3166 country name or code, or a region name; for a spelling a source uses, "
    "add it to COUNTRY_ALIASES in cybertnoc/model/types/countries.py"
)

# FollowTheMoney codes that are not ISO 3166-1 alpha-2 countries.
_FTM_SPECIAL = {"zz": "ZZ", "eu": "EU", "ip": "XX", "dd": "DE", "zr": "CD", "x-so": "GE"}
_FTM_HISTORIC = {"suhh", "yucs", "cshh", "csxx"}
_SUBDIVISION = re.compile(r"^([a-z]{2})-[a-z0-9]{1,4}$")
_PUNCT_ONLY = re.compile(r"^[\W_]*$")
_NEGATED = re.compile(
    r"^(?:we )?(?:do not|dont|don t|does not|will not|wont|no) ship(?:ping)? to\b"
)
_EXCLUSION = re.compile(
    r"\b(?:except|but|excluding|excl|apart from|other than|not to|besides)\b", re.IGNORECASE
)
_COMMENT = re.compile(r"\s+-\s+")
_HARD_SPLIT = re.compile(r"[,;/|+\n]")
_SOFT_SPLIT = re.compile(r"\s*&\s*|\s+(?:and|or)\s+", re.IGNORECASE)
_LEADING = ("the ", "ships to ", "ships from ", "shipping to ", "shipping from ", "ship to ")
_TRAILING = (" only", " shipping", " standard", " express", " free", " domestic")


def _key(text: str) -> str:
    """Case-fold, drop dots and apostrophes, turn other punctuation into single spaces."""
    t = unicodedata.normalize("NFKC", text).casefold().replace("&", " and ")
    t = re.sub(r"[.'’`]", "", t)
    return " ".join(re.sub(r"[\W_]+", " ", t).split())


def _strip_decorations(key: str) -> str:
    changed = True
    while changed:
        changed = False
        for p in _LEADING:
            if key.startswith(p) and len(key) > len(p):
                key, changed = key[len(p) :], True
        for s in _TRAILING:
            if key.endswith(s) and len(key) > len(s):
                key, changed = key[: -len(s)], True
    return key


def _from_ftm(code: str, value: str) -> str:
    if code in _FTM_SPECIAL:
        return _FTM_SPECIAL[code]
    if code in _FTM_HISTORIC:
        raise InvalidValue(
            value,
            "a present-day country",
            f"It names a former state ({registry.country.names.get(code, code)}) that has no "
            "ISO 3166-1 alpha-2 code; use the present-day country",
        )
    m = _SUBDIVISION.match(code)
    if m:
        return m.group(1).upper()
    return code.upper()


def _one(text: str) -> str | None:
    """Clean one place name to a code, or None when it is not recognised."""
    raw = " ".join(text.split())
    if _PUNCT_ONLY.match(raw):
        return "XX"  # "-", "?", "--": not specified
    if len(raw) == 2 and raw.upper() in COUNTRY_REGIONS:
        return raw.upper()
    key = _key(raw)
    if key in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[key]
    no_parens = re.sub(r"\([^)]*\)", " ", raw).strip()
    for candidate in dict.fromkeys((raw, no_parens)):
        if not candidate:
            continue
        if len(candidate) == 2 and candidate.upper() in COUNTRY_REGIONS:
            return candidate.upper()
        code = registry.country.clean(candidate)
        if code is not None:
            return _from_ftm(code, text)
        key = _strip_decorations(_key(candidate))
        if key in COUNTRY_ALIASES:
            return COUNTRY_ALIASES[key]
        code = registry.country.clean(key)
        if code is not None:
            return _from_ftm(code, text)
        m = _SUBDIVISION.match(candidate.lower())
        if m and registry.country.clean(m.group(1)) is not None:
            return _from_ftm(registry.country.clean(m.group(1)) or "", text)
        flat = key.replace(" ", "")
        if flat[:1] == "w" and difflib.SequenceMatcher(None, flat, "worldwide").ratio() >= 0.85:
            return "ZZ"  # typos of "worldwide": worlwide, wolrdwide, wordwide, wiorldwide
    return None


def _codes(value: str) -> list[str]:
    whole = _one(value)
    if whole is not None:
        return [whole]
    # A line break separates places like a comma does; other whitespace is collapsed.
    text = " ".join(value.replace("\r", "").replace("\n", ";").split())
    if _NEGATED.match(_key(text)):
        return ["ZZ"]  # "We do not ship to USA / Canada": everywhere else
    head = _EXCLUSION.split(text, maxsplit=1)[0]
    head = _COMMENT.split(head, maxsplit=1)[0].strip(" .,;:!-")
    if head != text:
        if not head:
            raise InvalidValue(value, _EXPECTED, "It names only places that are excluded. " + _HINT)
        whole = _one(head)
        if whole is not None:
            return [whole]
    codes: list[str] = []
    for part in _HARD_SPLIT.split(head):
        part = part.strip(" .!:-")
        if not part:
            continue
        code = _one(part)
        if code is not None:
            codes.append(code)
            continue
        for sub in _SOFT_SPLIT.split(part):
            sub = sub.strip(" .!:-")
            if not sub:
                continue
            code = _one(sub)
            if code is None:
                if sub == value.strip():
                    raise InvalidValue(value, _EXPECTED, _HINT)
                raise InvalidValue(
                    value, _EXPECTED, f"Its part {sub!r} is not a country or region. {_HINT}"
                )
            codes.append(code)
    codes = list(dict.fromkeys(codes))
    if len(codes) > 1 and "XX" in codes:
        codes.remove("XX")
    if not codes:
        raise InvalidValue(value, _EXPECTED, _HINT)
    return codes


@functools.lru_cache(maxsize=16384)
def _clean_list(value: str) -> tuple[str, ...]:
    return tuple(_codes(value))


def clean_country_list(value: str | None) -> list[str]:
    """Clean a cell that names one or more places into a list of codes.

    The cell is first read as one place ("Bosnia and Herzegovina", "Trinidad & Tobago").
    Otherwise:

    - "We do not ship to …" means everywhere else: ``["ZZ"]``;
    - an exclusion ("except …", "but …", "excluding …") and a trailing comment after `` - `` are
      dropped, keeping the places before them;
    - the rest is split on ``,``, ``;``, ``/``, ``|``, ``+``, and each part that is not a
      place itself on ``&``, "and" and "or";
    - duplicates are removed (first occurrence kept) and ``XX`` (unknown) is dropped when a known
      place is also named.

    Parameters
    ----------
    value : str or None
        The raw cell. Empty or whitespace-only input gives an empty list.

    Returns
    -------
    list of str
        Codes as returned by :func:`clean_country`, in the order they appear.

    Raises
    ------
    InvalidValue
        When a part is not a country or region; the hint names the part.

    Examples
    --------
    >>> clean_country_list("USA, Canada & Europe")
    ['US', 'CA', 'XE']
    >>> clean_country_list("EU/UK")
    ['EU', 'GB']
    >>> clean_country_list("Worldwide except Australia, Finland")
    ['ZZ']
    >>> clean_country_list("Bosnia and Herzegovina")
    ['BA']
    """
    if value is None or not value.strip():
        return []
    return list(_clean_list(value))


@functools.lru_cache(maxsize=16384)
def _clean_country(value: str) -> str:
    codes = _codes(value)
    if len(codes) > 1:
        raise InvalidValue(
            value,
            "a single country or region",
            f"It names several places ({', '.join(codes)}); split the cell (`split:` in the "
            "mapping) or clean it with clean_country_list",
        )
    return codes[0]


def clean_country(value: str | None) -> str | None:
    """Clean a country or region name or code to its canonical code.

    Parameters
    ----------
    value : str or None
        A country name in most languages, an ISO 3166-1 alpha-2 or alpha-3 code, an adjective
        ("German"), a region ("Worldwide", "EU", "Western Europe") or darknet slang
        ("Torland", "Undeclared;)"). Case, surrounding whitespace, punctuation, a
        parenthetical ("UK (Free!)"), "only" ("Australia only") and an exclusion
        ("Worldwide except Australia") are ignored. Empty input gives ``None``.

    Returns
    -------
    str or None
        An upper-case ISO 3166-1 alpha-2 code or a code of :data:`COUNTRY_REGIONS`.
        FollowTheMoney subdivision codes map to their country (``gb-sct`` → ``GB``).

    Raises
    ------
    InvalidValue
        When the value is not a known place, or names several places ("USA & Canada").

    Examples
    --------
    >>> [clean_country(v) for v in ["USA", "U.S.A.", "UK", "Holland", "Deutschland"]]
    ['US', 'US', 'GB', 'NL', 'DE']
    >>> [clean_country(v) for v in ["Worldwide", "EU", "Europe", "Torland", "gb-sct"]]
    ['ZZ', 'EU', 'XE', 'XX', 'GB']
    >>> clean_country("Atlantis")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cybertnoc.errors.InvalidValue: 'Atlantis' is not a country or region: ...
    """
    if value is None or not value.strip():
        return None
    return _clean_country(value)


def is_region(code: str) -> bool:
    """Whether ``code`` is one of the non-country codes of :data:`COUNTRY_REGIONS`.

    Examples
    --------
    >>> is_region("ZZ"), is_region("xe"), is_region("DE")
    (True, True, False)
    """
    return code.strip().upper() in COUNTRY_REGIONS


def country_label(code: str) -> str:
    """The English name of a canonical code.

    Raises
    ------
    InvalidValue
        When ``code`` is not a canonical code.

    Examples
    --------
    >>> country_label("DE"), country_label("XE"), country_label("ZZ")
    ('Germany', 'Europe', 'Worldwide')
    """
    upper = code.strip().upper()
    if upper in COUNTRY_REGIONS:
        return COUNTRY_REGIONS[upper]
    lower = upper.lower()
    if len(lower) == 2 and lower not in _FTM_SPECIAL and lower in registry.country.names:
        return str(registry.country.names[lower])
    raise InvalidValue(
        code,
        "a canonical country code (ISO 3166-1 alpha-2 or a region code such as ZZ, EU, XE)",
        "Clean the value with clean_country first",
    )
