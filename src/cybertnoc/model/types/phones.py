"""Telephone numbers in E.164 form, validated with Google's libphonenumber metadata.

The canonical form is E.164: ``+`` then the country code and the national number, no spaces
(``+442079460958``). A number is accepted only when libphonenumber considers it **valid** (its
length and prefix are assigned in its country's numbering plan), not merely possible.
"""

from __future__ import annotations

import functools
import logging

import phonenumbers

from cybertnoc.errors import InvalidValue, SchemaError

__all__ = ["clean_phone"]

log = logging.getLogger(__name__)

_EXPECTED = "a valid telephone number"


@functools.lru_cache(maxsize=512)
def _region(region: str | None) -> str | None:
    if region is None:
        return None
    code = region.strip().upper()
    code = {"UK": "GB"}.get(code, code)
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise SchemaError(
            f"region {region!r} is not a region with a telephone numbering plan; use an ISO "
            "3166-1 alpha-2 code such as 'GB', 'US' or 'NL'"
        )
    return code


@functools.lru_cache(maxsize=65536)
def _clean_phone(value: str, region: str | None) -> str:
    text = value.strip()
    if text[:4].lower() == "tel:":
        text = text[4:].strip()
    if region is None and text.startswith("00"):
        text = "+" + text[2:]  # the ITU international prefix, when no region says otherwise
    if region is None and not text.startswith("+"):
        raise InvalidValue(
            value,
            "a telephone number in international form (+44 20 7946 0958)",
            "It has no country code; set `region:` in the mapping for national numbers",
        )
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidValue(value, _EXPECTED, f"It cannot be read as a number: {exc}") from None
    if not phonenumbers.is_valid_number(number):
        where = phonenumbers.region_code_for_country_code(number.country_code)
        if not phonenumbers.is_possible_number(number):
            hint = f"It has the wrong length for country code +{number.country_code} ({where})"
        else:
            hint = (
                f"It has a possible length but is not assigned in the numbering plan of "
                f"+{number.country_code} ({where})"
            )
        if region is not None and not text.startswith("+"):
            hint += f"; it was read as a national number of {region} (`region:` in the mapping)"
        raise InvalidValue(value, _EXPECTED, hint + "; check the digits")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_phone(value: str | None, region: str | None = None) -> str | None:
    """Clean a telephone number to E.164.

    Parameters
    ----------
    value : str or None
        The number in any common layout (spaces, dashes, brackets, ``tel:``). Without
        ``region`` it must start with ``+`` or ``00``. Empty input gives ``None``.
    region : str, optional
        ISO 3166-1 alpha-2 code of the country whose national numbers the column holds
        (``UK`` is read as ``GB``).

    Returns
    -------
    str or None
        ``+`` and digits.

    Raises
    ------
    InvalidValue
        When the number has no country code and no region is given, or is not valid.
    SchemaError
        When ``region`` is not a known region.

    Examples
    --------
    >>> clean_phone("+44 20 7946 0958"), clean_phone("020 7946 0958", region="GB")
    ('+442079460958', '+442079460958')
    >>> clean_phone("020 7946 0958")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cybertnoc.errors.InvalidValue: '020 7946 0958' is not a telephone number ... set `region:` in the mapping for national numbers
    """  # noqa: E501
    if value is None or not value.strip():
        return None
    return _clean_phone(value, _region(region))
