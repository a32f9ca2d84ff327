"""Value types of the cybertnoc model: cleaners from raw strings to canonical forms.

Every cleaner takes the raw string (and keyword options), returns the canonical form, returns
``None`` for empty or whitespace-only input (missing is not invalid), and raises
:class:`~cybertnoc.errors.InvalidValue` whose ``expected`` says what a valid value looks like and
whose ``hint`` says how to fix it. The importer calls them through :func:`clean_value` by type
name; :data:`CLEANERS` and :data:`CLEANER_OPTIONS` say which names and options exist. See
``docs/value-types.md`` for the canonical forms and the rules for ambiguous input.

The modules are pure (no I/O) and cache their results, since they run once per cell.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime

from cybertnoc.errors import SchemaError
from cybertnoc.model.types.countries import (
    COUNTRY_ALIASES,
    COUNTRY_REGIONS,
    clean_country,
    clean_country_list,
    country_label,
    is_region,
)
from cybertnoc.model.types.crypto import (
    CHAINS,
    CryptoAddress,
    base58check_decode,
    base58check_encode,
    btc_bech32_address,
    btc_p2pkh_address,
    btc_p2sh_address,
    classify_crypto_address,
    clean_crypto_address,
    eth_address,
    eth_checksum_address,
    keccak_256,
)
from cybertnoc.model.types.dates import MAX_YEAR, MIN_YEAR, clean_date, clean_timestamp
from cybertnoc.model.types.emails import clean_email
from cybertnoc.model.types.money import (
    CRYPTO_CURRENCIES,
    CURRENCY_SYMBOLS,
    Money,
    clean_amount,
    clean_currency,
    clean_money,
    format_amount,
)
from cybertnoc.model.types.numbers import clean_number
from cybertnoc.model.types.phones import clean_phone

__all__ = [
    "CHAINS",
    "CLEANERS",
    "CLEANER_OPTIONS",
    "COUNTRY_ALIASES",
    "COUNTRY_REGIONS",
    "CRYPTO_CURRENCIES",
    "CURRENCY_SYMBOLS",
    "MAX_YEAR",
    "MIN_YEAR",
    "CryptoAddress",
    "Money",
    "base58check_decode",
    "base58check_encode",
    "btc_bech32_address",
    "btc_p2pkh_address",
    "btc_p2sh_address",
    "classify_crypto_address",
    "clean_amount",
    "clean_country",
    "clean_country_list",
    "clean_crypto_address",
    "clean_currency",
    "clean_date",
    "clean_email",
    "clean_money",
    "clean_number",
    "clean_phone",
    "clean_string",
    "clean_timestamp",
    "clean_value",
    "country_label",
    "eth_address",
    "eth_checksum_address",
    "format_amount",
    "is_region",
    "keccak_256",
]

log = logging.getLogger(__name__)


def clean_string(value: str | None) -> str | None:
    """Strip and collapse every run of whitespace (newlines included) to one space.

    Examples
    --------
    >>> clean_string("  Agora \\r\\n   Beta "), clean_string(" \\n ")
    ('Agora Beta', None)
    """
    if value is None:
        return None
    text = " ".join(value.split())
    return text or None


#: Cleaners by type name, as mapping files name them with ``type:``.
CLEANERS: dict[str, Callable[..., object]] = {
    "country": clean_country,
    "money": clean_money,
    "amount": clean_amount,
    "currency": clean_currency,
    "date": clean_date,
    "timestamp": clean_timestamp,
    "crypto_address": clean_crypto_address,
    "phone": clean_phone,
    "email": clean_email,
    "number": clean_number,
    "string": clean_string,
}

#: Keyword options each cleaner accepts (mapping files pass them through).
CLEANER_OPTIONS: dict[str, tuple[str, ...]] = {
    "country": (),
    "money": ("default_currency", "negative"),
    "amount": ("negative",),
    "currency": (),
    "date": ("format", "dayfirst"),
    "timestamp": ("tz", "format", "dayfirst"),
    "crypto_address": ("chain",),
    "phone": ("region",),
    "email": (),
    "number": (),
    "string": (),
}


def _as_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def clean_value(type_name: str, value: object, **options: object) -> str | None:
    """Clean one value by type name and return its canonical string form.

    Parameters
    ----------
    type_name : str
        A key of :data:`CLEANERS`.
    value : str or None
        The raw value. ``None`` and blank strings give ``None``. Other objects (numbers and
        dates from typed file formats) are converted to text first (``datetime`` and ``date``
        via ``isoformat()``).
    **options
        Options of that cleaner, see :data:`CLEANER_OPTIONS`.

    Returns
    -------
    str or None
        The canonical form; money as ``"1234.50 EUR"``.

    Raises
    ------
    InvalidValue
        When the value cannot be cleaned.
    SchemaError
        When ``type_name`` or an option is unknown (the message lists the allowed ones), or an
        option value is not usable (an unknown ``tz``, ``chain``, ``region`` or
        ``default_currency``).

    Examples
    --------
    >>> clean_value("money", "EUR 1.234,50")
    '1234.50 EUR'
    >>> clean_value("date", "02/01/2014", dayfirst=True)
    '2014-01-02'
    >>> clean_value("date", "2014", daysfirst=True)
    Traceback (most recent call last):
    ...
    cybertnoc.errors.SchemaError: Option 'daysfirst' is not accepted by the 'date' cleaner; it accepts: format, dayfirst
    """  # noqa: E501
    cleaner = CLEANERS.get(type_name)
    if cleaner is None:
        raise SchemaError(f"{type_name!r} is not a value type; use one of: {', '.join(CLEANERS)}")
    allowed = CLEANER_OPTIONS[type_name]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        accepts = f"it accepts: {', '.join(allowed)}" if allowed else "it takes no options"
        names = ", ".join(repr(u) for u in unknown)
        raise SchemaError(
            f"Option{'s' if len(unknown) > 1 else ''} {names} "
            f"{'are' if len(unknown) > 1 else 'is'} not accepted by the {type_name!r} cleaner; "
            f"{accepts}"
        )
    if value is None:
        return None
    result = cleaner(_as_text(value), **options)
    return None if result is None else str(result)
