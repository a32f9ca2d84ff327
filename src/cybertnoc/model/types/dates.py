"""Dates and timestamps.

Canonical forms:

- a **date** is ISO 8601 with the precision the source gives, as in FollowTheMoney: ``"2014"``,
  ``"2014-01"`` or ``"2014-01-02"``;
- a **timestamp** is ``"YYYY-MM-DDTHH:MM:SS"`` **in UTC**, to the second (fractions are cut off,
  not rounded). A timestamp written without a zone is read in the ``tz`` option (default UTC)
  and converted.

Ambiguous numeric dates (``02/01/2014``) are read month first unless ``dayfirst=True``. A date
whose reading is impossible (month 13) is rejected with a hint to change ``dayfirst``, never
silently swapped. Dates with dots (``02.01.2014``) are always read day first: no locale writes
month first with dots. Two-digit years follow POSIX ``%y``: 69–99 → 1969–1999, 00–68 →
2000–2068. Years outside 1900–2100 are rejected as typos.
"""

from __future__ import annotations

import functools
import logging
import re
from datetime import UTC, date, datetime, timedelta, tzinfo
from datetime import timezone as _timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cybertnoc.errors import InvalidValue, SchemaError

__all__ = ["MAX_YEAR", "MIN_YEAR", "clean_date", "clean_timestamp"]

log = logging.getLogger(__name__)

#: Years outside this range are rejected as typos.
MIN_YEAR = 1900
MAX_YEAR = 2100

_DATE_EXPECTED = (
    "a date such as 2014-01-02, 2014-01, 2014, 02/01/2014, 2 Jan 2014, January 2, 2014 or 20140102"
)
_DATE_HINT = (
    "Set `format:` in the mapping (a strptime pattern such as '%d %B %Y') for other layouts"
)
_TS_EXPECTED = (
    "a timestamp such as 2014-01-02T10:20:30Z, 2014-01-02 10:20:30+02:00, "
    "2014-01-02 10:20 Europe/Berlin or unix epoch seconds (10 digits) or milliseconds (13 digits)"
)

_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_WEEKDAYS = {
    "monday", "mon", "tuesday", "tue", "tues", "wednesday", "wed", "thursday", "thu", "thur",
    "thurs", "friday", "fri", "saturday", "sat", "sunday", "sun",
}  # fmt: skip
_MONTH_NAMES = [
    "", "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
]  # fmt: skip

_ISO = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMERIC = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_TOKENS = re.compile(r"[^\W\d_]+|\d+")


def _year(text: str, value: str) -> int:
    y = int(text)
    if len(text) == 2:
        y += 1900 if y >= 69 else 2000
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise InvalidValue(
            value,
            f"a date with a year from {MIN_YEAR} to {MAX_YEAR}",
            f"The year {y} is probably a typo; correct it in the source, or set `format:` in "
            "the mapping if the parts were read in the wrong order",
        )
    return y


def _check(value: str, y: int, m: int | None, d: int | None, numeric: bool = False) -> None:
    if m is not None and not 1 <= m <= 12:
        raise InvalidValue(value, "a date with a month from 1 to 12", f"Month {m} does not exist")
    if d is not None and m is not None:
        try:
            date(y, m, d)
        except ValueError:
            hint = f"{_MONTH_NAMES[m]} {y} has no day {d}; check the day and month"
            if numeric:
                hint += " (and `dayfirst:` in the mapping)"
            raise InvalidValue(value, "an existing calendar date", hint) from None


def _numeric(value: str, a: int, sep: str, b: int, ytext: str, dayfirst: bool) -> tuple[int, ...]:
    y = _year(ytext, value)
    first_is_day = dayfirst or sep == "."
    d, m = (a, b) if first_is_day else (b, a)
    if m > 12:
        if d <= 12:
            if first_is_day:
                hint = (
                    f"Read day first (dayfirst: true), month {m} does not exist; the source "
                    "seems to write month first: remove `dayfirst: true` from the mapping"
                )
                if sep == ".":
                    hint = (
                        f"Dates with dots are read day first and month {m} does not exist; set "
                        "`format:` in the mapping (e.g. '%m.%d.%Y') if the source writes month "
                        "first"
                    )
            else:
                hint = (
                    f"Read month first, month {m} does not exist; if the source writes the day "
                    "first (02/01/2014 = 2 January), set `dayfirst: true` in the mapping"
                )
            raise InvalidValue(value, "a date whose month is 1 to 12", hint)
        raise InvalidValue(value, "a date whose month is 1 to 12", "Neither part can be a month")
    _check(value, y, m, d, numeric=True)
    return (y, m, d)


def _named(value: str, text: str) -> tuple[int, ...] | None:
    """Dates with month names: '2 Jan 2014', 'January 2, 2014', 'Jan 2014', 'Thu, 2 Jan 2014'."""
    tokens = [t for t in _TOKENS.findall(text.casefold()) if t not in _WEEKDAYS]
    tokens = [re.sub(r"^(\d+)(st|nd|rd|th)$", r"\1", t) for t in tokens]
    # "2nd" is split by the tokeniser into "2" and "nd"
    tokens = [t for t in tokens if t not in ("st", "nd", "rd", "th", "of")]
    months = [t for t in tokens if t in _MONTHS]
    if len(months) != 1 or any(not (t.isdigit() or t in _MONTHS) for t in tokens):
        return None
    m = _MONTHS[months[0]]
    nums = [t for t in tokens if t.isdigit()]
    pos = tokens.index(months[0])
    if len(nums) == 1 and len(nums[0]) == 4:
        return (_year(nums[0], value), m)
    if len(nums) != 2:
        return None
    if len(tokens[0]) == 4 and tokens[0].isdigit():  # 2014 Jan 02
        y, d = tokens[0], tokens[2] if pos == 1 else ""
    elif pos in (0, 1) and len(nums[1]) in (2, 4) and len(nums[0]) <= 2:  # 2 Jan 2014, Jan 2 2014
        y, d = nums[1], nums[0]
    else:
        return None
    if not d.isdigit():
        return None
    yy = _year(y, value)
    _check(value, yy, m, int(d))
    return (yy, m, int(d))


def _strptime_precision(fmt: str) -> int:
    if any(d in fmt for d in ("%d", "%-d", "%j", "%e")):
        return 3
    if any(d in fmt for d in ("%m", "%-m", "%b", "%B", "%h")):
        return 2
    return 1


def _parse_date(value: str, text: str, fmt: str | None, dayfirst: bool) -> tuple[int, ...]:
    if fmt is not None:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError as exc:
            raise InvalidValue(
                value,
                f"a date in the format {fmt!r}",
                f"strptime says: {exc}; fix `format:` in the mapping or the value",
            ) from None
        _year(str(parsed.year), value)
        return (parsed.year, parsed.month, parsed.day)[: _strptime_precision(fmt)]
    m = _ISO.match(text)
    if m:
        y = _year(m.group(1), value)
        mm = int(m.group(2)) if m.group(2) else None
        dd = int(m.group(3)) if m.group(3) else None
        _check(value, y, mm, dd)
        return tuple(p for p in (y, mm, dd) if p is not None)
    m = _COMPACT.match(text)
    if m:
        y, mm, dd = _year(m.group(1), value), int(m.group(2)), int(m.group(3))
        _check(value, y, mm, dd)
        return (y, mm, dd)
    m = _NUMERIC.match(text)
    if m:
        return _numeric(value, int(m.group(1)), m.group(2), int(m.group(3)), m.group(4), dayfirst)
    m = _MONTH_YEAR.match(text)
    if m:
        y, mm = _year(m.group(2), value), int(m.group(1))
        _check(value, y, mm, None)
        return (y, mm)
    named = _named(value, text)
    if named is not None:
        return named
    raise InvalidValue(value, _DATE_EXPECTED, _DATE_HINT)


def _iso(parts: tuple[int, ...]) -> str:
    return "-".join([f"{parts[0]:04d}", *(f"{p:02d}" for p in parts[1:])])


@functools.lru_cache(maxsize=65536)
def _clean_date(value: str, fmt: str | None, dayfirst: bool) -> str:
    text = " ".join(value.split())
    if fmt is None:
        # a timestamp given to the date cleaner: keep its date part as written
        m = re.match(r"^(\d{4}-\d{2}-\d{2})[T ]\d{1,2}:\d{2}", text)
        if m:
            text = m.group(1)
    return _iso(_parse_date(value, text, fmt, dayfirst))


def clean_date(
    value: str | None, *, format: str | None = None, dayfirst: bool = False
) -> str | None:
    """Clean a date to ISO 8601 at the precision given.

    Parameters
    ----------
    value : str or None
        ISO (``2014``, ``2014-01``, ``2014-01-02``, also with ``/`` or ``.``), compact
        ``20140102``, numeric ``02/01/2014`` or ``02-01-14``, month names in English
        (``2 Jan 2014``, ``January 2, 2014``, ``2nd January 2014``, ``Jan 2014``, with or without
        a weekday). An ISO timestamp gives its date part as written (no zone conversion).
        Empty input gives ``None``.
    format : str, optional
        A :func:`~datetime.datetime.strptime` pattern; the precision follows the directives it
        contains (``%d`` → day, ``%m``/``%b`` → month, otherwise year).
    dayfirst : bool, default False
        Read ``02/01/2014`` as 2 January.

    Returns
    -------
    str or None
        ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    Raises
    ------
    InvalidValue
        When the date cannot be read, does not exist (2014-02-30), has a year outside
        1900–2100, or its month is impossible in the chosen reading (the hint says how to set
        ``dayfirst``).

    Examples
    --------
    >>> [clean_date(v) for v in ["2014", "2014-1", "20140102", "2 Jan 2014", "January 2, 2014"]]
    ['2014', '2014-01', '2014-01-02', '2014-01-02', '2014-01-02']
    >>> clean_date("02/01/2014"), clean_date("02/01/2014", dayfirst=True)
    ('2014-02-01', '2014-01-02')
    >>> clean_date("13/01/2014")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cybertnoc.errors.InvalidValue: '13/01/2014' is not a date whose month is 1 to 12. ... set `dayfirst: true` in the mapping
    """  # noqa: E501
    if value is None or not value.strip():
        return None
    return _clean_date(value, format, bool(dayfirst))


# -- timestamps ----------------------------------------------------------------------------------
_TIME = re.compile(
    r"(?:^|[T\s])(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?=$|[\sZz+\-−]|[AaPp]\.?[Mm])"
)
_OFFSET = re.compile(r"^(?:Z|[+\-−](\d{1,2})(?::?(\d{2}))?)(?=$|\s)")
_EPOCH = re.compile(r"\d{10}(?:\.\d+)?|\d{13}")
_AMPM = re.compile(r"^([AaPp])\.?[Mm]\.?(?=$|\s|[+\-−Zz])")
_UTC_NAMES = {"utc", "gmt", "z", "zulu"}


@functools.lru_cache(maxsize=512)
def _zone(name: str) -> tzinfo | None:
    if name.casefold() in _UTC_NAMES:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return None


def _tz_option(tz: str | None) -> tzinfo:
    zone = _zone(tz or "UTC")
    if zone is None:
        raise SchemaError(
            f"tz {tz!r} is not an IANA time-zone name; use a name such as 'UTC', "
            "'Europe/London' or 'America/New_York'"
        )
    return zone


def _parse_zone(value: str, rest: str) -> tuple[tzinfo | None, bool]:
    """Read what follows the time: AM/PM, an offset, a zone name. Returns (zone, pm)."""
    pm: bool | None = None
    zone: tzinfo | None = None
    rest = rest.strip()
    m = _AMPM.match(rest)
    if m:
        pm = m.group(1).lower() == "p"
        rest = rest[m.end() :].strip()
    name_first = re.match(r"^(UTC|GMT)(?=[+\-−])", rest, re.IGNORECASE)
    if name_first:
        rest = rest[name_first.end() :]
    m = _OFFSET.match(rest)
    if m:
        if m.group(0) in ("Z", "z"):
            zone = UTC
        else:
            sign = -1 if m.group(0)[0] in "-−" else 1
            hours, minutes = int(m.group(1)), int(m.group(2) or 0)
            if hours > 23 or minutes > 59:
                raise InvalidValue(value, _TS_EXPECTED, f"The offset {m.group(0)} is impossible")
            zone = _timezone(sign * timedelta(hours=hours, minutes=minutes))
        rest = rest[m.end() :].strip()
    if rest:
        named = _zone(rest)
        if zone is None:
            if named is None:
                raise InvalidValue(
                    value,
                    _TS_EXPECTED,
                    f"{rest!r} is not a UTC offset or IANA time-zone name; abbreviations such as "
                    "CEST or PST are ambiguous: write the offset (+02:00), or drop the zone and "
                    "set `tz:` in the mapping",
                )
            zone = named
        elif named is None and not re.fullmatch(r"[A-Za-z]{2,5}", rest):
            raise InvalidValue(value, _TS_EXPECTED, f"{rest!r} after the offset is not a zone")
        # an abbreviation or name after an explicit offset ("-0500 EST") is ignored
    return zone, bool(pm)


@functools.lru_cache(maxsize=65536)
def _clean_timestamp(value: str, tz: str, fmt: str | None, dayfirst: bool) -> str:
    default_zone = _tz_option(tz)
    text = " ".join(value.split())
    if fmt is not None:
        try:
            dt = datetime.strptime(text, fmt)
        except ValueError as exc:
            raise InvalidValue(
                value,
                f"a timestamp in the format {fmt!r}",
                f"strptime says: {exc}; fix `format:` in the mapping or the value",
            ) from None
    elif _EPOCH.fullmatch(text):
        seconds = int(text) // 1000 if len(text) == 13 and text.isdigit() else int(text[:10])
        dt = datetime.fromtimestamp(seconds, UTC)
    else:
        m = _TIME.search(text)
        if m is None:
            parts = _parse_date(value, text, None, dayfirst)
            if len(parts) < 3:
                raise InvalidValue(
                    value,
                    _TS_EXPECTED,
                    "It has no day; a timestamp needs at least a full date",
                )
            dt = datetime(*parts[:3])
        else:
            date_text = text[: m.start()].strip().rstrip("T").strip(" ,")
            parts = _parse_date(value, date_text, None, dayfirst)
            if len(parts) < 3:
                raise InvalidValue(value, _TS_EXPECTED, "Its date part has no day")
            hour, minute = int(m.group(1)), int(m.group(2))
            second = int(m.group(3) or 0)
            zone, pm = _parse_zone(value, text[m.end() :])
            ampm = _AMPM.match(text[m.end() :].strip())
            if ampm:
                if not 1 <= hour <= 12:
                    raise InvalidValue(value, _TS_EXPECTED, f"Hour {hour} with AM/PM")
                hour = hour % 12 + (12 if pm else 0)
            if hour > 23 or minute > 59 or second > 59:
                raise InvalidValue(
                    value, _TS_EXPECTED, f"The time {m.group(0).strip()} does not exist"
                )
            dt = datetime(*parts[:3], hour, minute, second, tzinfo=zone)
    _year(str(dt.year), value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=default_zone)
    out = dt.astimezone(UTC)
    if not MIN_YEAR <= out.year <= MAX_YEAR:
        _year(str(out.year), value)
    return out.strftime("%Y-%m-%dT%H:%M:%S")


def clean_timestamp(
    value: str | None,
    *,
    tz: str = "UTC",
    format: str | None = None,
    dayfirst: bool = False,
) -> str | None:
    """Clean a point in time to UTC ``YYYY-MM-DDTHH:MM:SS``.

    Parameters
    ----------
    value : str or None
        A date as :func:`clean_date` reads it (at day precision), optionally followed by a time
        (``10:20``, ``10:20:30``, ``10:20:30.123456789``, ``10:20 PM``) and a zone: ``Z``, an
        offset (``+02:00``, ``+0200``, ``+02``, ``UTC+2``), ``UTC``/``GMT``, or an IANA name
        (``Europe/Berlin``). A zone abbreviation after an offset (``-0500 EST``) is ignored;
        alone it must be an IANA name (``CET`` and ``EST`` are; ``CEST``, ``PST`` are not).
        Unix epoch seconds (10 digits, optional fraction) and milliseconds (13 digits) are
        read as UTC. Empty input gives ``None``.
    tz : str, default "UTC"
        IANA zone in which times without a zone are read.
    format : str, optional
        A :func:`~datetime.datetime.strptime` pattern; ``%z`` in it gives the zone.
    dayfirst : bool, default False
        Read ``02/01/2014`` as 2 January.

    Returns
    -------
    str or None
        The time in UTC, to the second (fractions are cut off).

    Raises
    ------
    InvalidValue
        When the value cannot be read or does not exist.
    SchemaError
        When ``tz`` is not an IANA zone.

    Examples
    --------
    >>> clean_timestamp("2016-12-11 20:13:54.654635085 -0500 EST")
    '2016-12-12T01:13:54'
    >>> clean_timestamp("2014-01-02 10:00", tz="Europe/Berlin")
    '2014-01-02T09:00:00'
    >>> clean_timestamp("1388534400"), clean_timestamp("1388534400000")
    ('2014-01-01T00:00:00', '2014-01-01T00:00:00')
    """
    if value is None or not value.strip():
        return None
    return _clean_timestamp(value, tz, format, bool(dayfirst))
