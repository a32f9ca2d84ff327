"""Value types: known-answer tests for every cleaner of ``cybertnoc.model.types``.

Crypto addresses are checked against the published test vectors (BIP-173, BIP-350, EIP-55) and
against addresses built here with an independent base58check and bech32 encoder (hashlib only),
so the module is not only compared with itself.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from cybertnoc.errors import InvalidValue, SchemaError
from cybertnoc.model.types import (
    CHAINS,
    CLEANER_OPTIONS,
    CLEANERS,
    COUNTRY_ALIASES,
    COUNTRY_REGIONS,
    CRYPTO_CURRENCIES,
    CURRENCY_SYMBOLS,
    MAX_YEAR,
    MIN_YEAR,
    CryptoAddress,
    Money,
    base58check_decode,
    base58check_encode,
    btc_bech32_address,
    btc_p2pkh_address,
    btc_p2sh_address,
    classify_crypto_address,
    clean_amount,
    clean_country,
    clean_country_list,
    clean_crypto_address,
    clean_currency,
    clean_date,
    clean_email,
    clean_money,
    clean_number,
    clean_phone,
    clean_string,
    clean_timestamp,
    clean_value,
    country_label,
    eth_address,
    eth_checksum_address,
    format_amount,
    is_region,
    keccak_256,
)
from cybertnoc.model.types.crypto import (
    _sha3_256,
    bech32_decode,
    bech32_encode,
    segwit_decode,
    segwit_encode,
)

DOC = Path(__file__).resolve().parents[1] / "docs" / "value-types.md"

GENESIS = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
GENESIS_HASH160 = "62e907b15cbf27d5425399ebf6f0fb50ebb88f18"
EIP55 = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"


def _raises(fn, *args, **kwargs) -> InvalidValue:
    with pytest.raises(InvalidValue) as info:
        fn(*args, **kwargs)
    return info.value


# -- independent reference encoders (hashlib and the BIP texts only) ---------------------------
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def ref_base58check(version: int, payload: bytes) -> str:
    data = bytes([version]) + payload
    data += hashlib.sha256(hashlib.sha256(data).digest()).digest()[:4]
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = _B58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def ref_segwit(hrp: str, witver: int, program: bytes) -> str:
    """BIP-173/BIP-350 reference encoding, written from the specification."""
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)

    def polymod(values: list[int]) -> int:
        chk = 1
        for v in values:
            b = chk >> 25
            chk = ((chk & 0x1FFFFFF) << 5) ^ v
            for i in range(5):
                chk ^= gen[i] if (b >> i) & 1 else 0
        return chk

    bits = "".join(f"{byte:08b}" for byte in program)
    bits += "0" * (-len(bits) % 5)
    data = [witver] + [int(bits[i : i + 5], 2) for i in range(0, len(bits), 5)]
    const = 1 if witver == 0 else 0x2BC830A3
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    poly = polymod(expanded + data + [0] * 6) ^ const
    checksum = [(poly >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32[d] for d in data + checksum)


def _payload(seed: str, n: int = 20) -> bytes:
    return hashlib.sha256(seed.encode()).digest()[:n]


# == countries =================================================================================
@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("USA", "US"),
        ("United States", "US"),
        ("U.S.A.", "US"),
        ("United States of America", "US"),
        ("usa", "US"),
        ("UK", "GB"),
        ("United Kingdom", "GB"),
        ("England", "GB"),
        ("Scotland", "GB"),
        ("gb-sct", "GB"),
        ("GBR", "GB"),
        ("Holland", "NL"),
        ("the Netherlands", "NL"),
        ("Nederland", "NL"),
        ("Deutschland", "DE"),
        ("Germany", "DE"),
        ("DEU", "DE"),
        ("German", "DE"),
        ("de", "DE"),
        ("East Germany", "DE"),
        ("Zaire", "CD"),
        ("Österreich", "AT"),
        ("España", "ES"),
        ("Kosovo", "XK"),
        ("Bosnia and Herzegovina", "BA"),
        ("Trinidad & Tobago", "TT"),
        ("Antigua and Barbuda", "AG"),
        # an ISO code always means its country
        ("PM", "PM"),
        ("NA", "NA"),
        # decorations
        ("UK (Free!)", "GB"),
        ("Australia only", "AU"),
        ("Ships from Germany", "DE"),
        ("Ship to UK", "GB"),
        ("UK - next day", "GB"),
        ("  usa  ", "US"),
        # vendor slang for the US (Agora 2014)
        ("The United Snakes of Captivity", "US"),
    ],
)
def test_country_names_and_codes(raw, code):
    assert clean_country(raw) == code
    assert not is_region(code)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("Worldwide", "ZZ"),
        ("WORLDWIDE", "ZZ"),
        ("world-wide", "ZZ"),
        ("World Wide Shipping", "ZZ"),
        ("worlwide", "ZZ"),  # typos of worldwide
        ("wolrdwide", "ZZ"),
        ("Global", "ZZ"),
        ("ww", "ZZ"),
        ("Worldwide except Australia", "ZZ"),
        ("Worldwide (except USA)", "ZZ"),
        ("EU", "EU"),
        ("eu", "EU"),
        ("European Union", "EU"),
        ("EU only", "EU"),
        ("Europe", "XE"),
        ("Western Europe", "XE"),
        ("Scandinavia", "XE"),
        ("Benelux", "XE"),
        ("Schengen", "XE"),
        ("North America", "XN"),
        ("South America", "XS"),
        ("Caribbean", "XC"),
        ("Africa", "XF"),
        ("Asia", "XA"),
        ("Middle East", "XM"),
        ("Oceania", "XO"),
        ("Torland", "XX"),
        ("TorLand", "XX"),
        ("Undeclared", "XX"),
        ("Undeclared;)", "XX"),
        ("undelcared", "XX"),
        ("unknown", "XX"),
        ("N/A", "XX"),
        ("n/a", "XX"),
        ("-", "XX"),
        ("?", "XX"),
        ("...", "XX"),
        ("Internet", "XX"),
        ("Cyberspace", "XX"),
        ("pm me", "XX"),
    ],
)
def test_country_regions_worldwide_and_unknown(raw, code):
    assert clean_country(raw) == code
    assert is_region(code)


def test_region_codes_are_exactly_these():
    assert COUNTRY_REGIONS == {
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


@pytest.mark.parametrize("code", sorted(COUNTRY_REGIONS))
def test_region_code_label_and_round_trip(code):
    label = COUNTRY_REGIONS[code]
    assert clean_country(code) == code
    assert clean_country(code.lower()) == code
    assert clean_country(label) == code
    assert country_label(code) == label
    assert is_region(f" {code.lower()} ")


@pytest.mark.parametrize(("alias", "code"), sorted(COUNTRY_ALIASES.items()))
def test_every_alias_maps_in_any_case(alias, code):
    for variant in (alias, alias.upper(), alias.title(), f"  {alias}  "):
        assert clean_country(variant) == code


def test_country_label():
    assert country_label("DE") == "Germany"
    assert country_label(" gb ") == "United Kingdom"
    assert country_label("ZZ") == "Worldwide"
    exc = _raises(country_label, "DEU")
    assert exc.expected.startswith("a canonical country code")
    assert exc.hint == "Clean the value with clean_country first"
    _raises(country_label, "DD")  # a FollowTheMoney code, not a canonical one


def test_country_empty_is_none():
    assert clean_country(None) is None
    assert clean_country("") is None
    assert clean_country(" \n ") is None
    assert clean_country_list(None) == []
    assert clean_country_list("  ") == []


def test_country_invalid_carries_expected_and_hint():
    exc = _raises(clean_country, "Atlantis")
    assert exc.value == "Atlantis"
    assert exc.expected.startswith("a country or region: an ISO 3166-1 country name or code")
    assert "COUNTRY_ALIASES" in exc.hint
    assert str(exc).startswith("'Atlantis' is not a country or region")


def test_country_several_places_are_rejected_by_clean_country():
    exc = _raises(clean_country, "USA & Canada")
    assert exc.expected == "a single country or region"
    assert "(US, CA)" in exc.hint
    assert "clean_country_list" in exc.hint
    assert "split:" in exc.hint


@pytest.mark.parametrize("raw", ["Soviet Union", "USSR", "Yugoslavia", "Czechoslovakia"])
def test_country_former_states_are_rejected(raw):
    exc = _raises(clean_country, raw)
    assert exc.expected == "a present-day country"
    assert "former state" in exc.hint


@pytest.mark.parametrize(
    ("raw", "codes"),
    [
        ("USA, Canada & Europe", ["US", "CA", "XE"]),
        ("EU/UK", ["EU", "GB"]),
        ("USA+UK", ["US", "GB"]),
        ("USA|UK", ["US", "GB"]),
        ("USA; UK", ["US", "GB"]),
        ("USA and Canada", ["US", "CA"]),
        ("USA or Canada", ["US", "CA"]),
        ("UK & EU", ["GB", "EU"]),
        ("Worldwide except Australia, Finland", ["ZZ"]),
        ("Canada, except Quebec", ["CA"]),
        ("USA but not Hawaii", ["US"]),
        ("We do not ship to USA / Canada", ["ZZ"]),
        ("dont ship to Canada", ["ZZ"]),
        ("Germany - fast shipping", ["DE"]),
        ("USA, USA, usa", ["US"]),
        ("Germany; Torland", ["DE"]),  # XX dropped beside a known place
        ("Torland, Undeclared", ["XX"]),
        ("Torland | Worldwide", ["ZZ"]),
        ("Bosnia and Herzegovina", ["BA"]),
        ("St. Vincent and the Grenadines", ["VC"]),
        ("Korea, Republic of", ["KR"]),
    ],
)
def test_country_list(raw, codes):
    assert clean_country_list(raw) == codes


def test_country_list_names_the_bad_part():
    exc = _raises(clean_country_list, "Germany, Atlantis")
    assert exc.hint.startswith("Its part 'Atlantis' is not a country or region.")
    exc = _raises(clean_country_list, "except Germany")
    assert exc.hint.startswith("It names only places that are excluded")


def test_country_list_splits_on_newline():
    assert clean_country_list("Germany\nFrance") == ["DE", "FR"]


# == money =====================================================================================
@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("EUR 1.234,50", "1234.50 EUR"),
        ("USD 1,320.31", "1320.31 USD"),
        ("$5", "5 USD"),
        ("€12", "12 EUR"),
        ("€ 1 234", "1234 EUR"),
        ("12,50 €", "12.50 EUR"),
        ("12.50€", "12.50 EUR"),
        ("$1,000", "1000 USD"),
        ("US$ 20", "20 USD"),
        ("C$5", "5 CAD"),
        ("£3.5k", "3500 GBP"),
        ("1.5m USD", "1500000 USD"),
        ("12m EUR", "12000000 EUR"),
        ("2bn EUR", "2000000000 EUR"),
        ("12 usd", "12 USD"),
        ("usd 12", "12 USD"),
        ("USD12", "12 USD"),
        ("20 dollars", "20 USD"),
        ("20 euros", "20 EUR"),
        ("1,234,567.89 USD", "1234567.89 USD"),
        ("1.234.567 EUR", "1234567 EUR"),
        ("1 234,50 EUR", "1234.50 EUR"),
        ("1'234.50 CHF", "1234.50 CHF"),
        ("1_000 EUR", "1000 EUR"),
        ("+12 EUR", "12 EUR"),
        ("12 ¥", "12 JPY"),
        ("12 元", "12 CNY"),
        ("12 zł", "12 PLN"),
        ("100 Kč", "100 CZK"),
        # crypto-currencies
        ("0.0153 BTC", "0.0153 BTC"),
        ("BTC 0.00012345", "0.00012345 BTC"),
        ("0.00000001 BTC", "0.00000001 BTC"),
        ("1e-07 BTC", "0.0000001 BTC"),
        ("0,5 BTC", "0.5 BTC"),
        ("1.234 BTC", "1.234 BTC"),  # a single point is always the decimal mark
        ("฿0.5", "0.5 BTC"),
        ("5 XBT", "5 BTC"),
        ("5 bitcoin", "5 BTC"),
        ("25 mBTC", "0.025 BTC"),
        ("1000 sat", "0.00001 BTC"),
        ("150 sats", "0.0000015 BTC"),
        ("2 XMR", "2 XMR"),
        ("10 USDT", "10 USDT"),
        ("12 Ξ", "12 ETH"),
        ("12 Ł", "12 LTC"),
    ],
)
def test_money(raw, canonical):
    assert str(clean_money(raw)) == canonical
    assert clean_value("money", raw) == canonical


def test_money_object():
    money = clean_money("EUR 1.234,50")
    assert money == Money(Decimal("1234.50"), "EUR")
    assert str(Money(Decimal("1E-7"), "BTC")) == "0.0000001 BTC"


@pytest.mark.parametrize("raw", ["-12 EUR", "−12 EUR", "-€12", "- USD 12", "(12.00) EUR"])
def test_money_negative_rejected_by_default(raw):
    exc = _raises(clean_money, raw)
    assert exc.expected == "a non-negative amount"
    assert "negative=True" in exc.hint


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("-12 EUR", "-12 EUR"),
        ("−12 EUR", "-12 EUR"),
        ("-€12", "-12 EUR"),
        ("- USD 12", "-12 USD"),
        ("(12.00) EUR", "-12.00 EUR"),
        ("-25 mBTC", "-0.025 BTC"),
    ],
)
def test_money_negative_allowed(raw, canonical):
    assert str(clean_money(raw, negative=True)) == canonical
    assert clean_value("money", raw, negative=True) == canonical


def test_money_minus_zero_is_not_negative():
    assert str(clean_money("-0 EUR")) == "0 EUR"


def test_money_default_currency():
    assert str(clean_money("0.0153", default_currency="btc")) == "0.0153 BTC"
    assert str(clean_money("12", default_currency="xbt")) == "12 BTC"
    assert str(clean_money("5k", default_currency="EUR")) == "5000 EUR"
    # a currency in the value wins over the default
    assert str(clean_money("12 EUR", default_currency="USD")) == "12 EUR"
    with pytest.raises(SchemaError, match="default_currency 'FOO' is not a currency"):
        clean_money("12", default_currency="FOO")


def test_money_errors_carry_expected_and_hint():
    exc = _raises(clean_money, "12")
    assert exc.expected == "an amount of money with a currency"
    assert "default_currency:" in exc.hint
    exc = _raises(clean_money, "12 FOO")
    assert exc.expected == "an amount of money with a known currency"
    assert exc.hint.startswith("'FOO' is not a currency code or symbol")
    exc = _raises(clean_money, "$12 EUR")
    assert exc.expected == "an amount of money in one currency"
    assert exc.hint == "It names two currencies (USD and EUR); keep one"
    exc = _raises(clean_money, "abc EUR")
    assert exc.expected.startswith("an amount of money such as '1,234.50 EUR'")
    exc = _raises(clean_money, "1,23,456 INR")
    assert "groups of three" in exc.hint


@pytest.mark.parametrize("raw", ["Fr. 12", "12 Fr."])
def test_money_franc_symbol(raw):
    assert str(clean_money(raw)) == "12 CHF"


def test_every_currency_symbol_is_read_by_clean_currency():
    for symbol, code in CURRENCY_SYMBOLS.items():
        assert clean_currency(symbol) == code


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("eur", "EUR"),
        ("€", "EUR"),
        ("฿", "BTC"),
        ("¥", "JPY"),
        ("XBT", "BTC"),
        ("US dollars", "USD"),
        ("usdt", "USDT"),
        ("Euro", "EUR"),
        ("British pound", "GBP"),
        ("Swiss francs", "CHF"),
        ("Japanese yen", "JPY"),
        ("RMB", "CNY"),
        ("yuan", "CNY"),
        ("Monero", "XMR"),
        ("ether", "ETH"),
        ("Bitcoin Cash", "BCH"),
        ("DEM", "DEM"),  # historic ISO 4217 codes are kept
        ("THB", "THB"),
        (" BTC ", "BTC"),
    ],
)
def test_currency(raw, code):
    assert clean_currency(raw) == code
    assert clean_value("currency", raw) == code


def test_crypto_currencies_are_currencies():
    for code, name in CRYPTO_CURRENCIES.items():
        assert clean_currency(code.lower()) == code
        assert clean_currency(name) == code


def test_currency_invalid():
    assert clean_currency("  ") is None
    exc = _raises(clean_currency, "FOO")
    assert exc.expected.startswith("a currency: an ISO 4217 code")
    assert "CRYPTO_CURRENCIES" in exc.hint


# == amounts and numbers =======================================================================
@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("1,234.50", "1234.50"),  # rule 1: the last mark is the decimal mark
        ("1.234,50", "1234.50"),
        ("1.234.567,89", "1234567.89"),
        ("1,234,567", "1234567"),  # rule 2: repeated mark separates thousands
        ("1.234.567", "1234567"),
        ("1,234", "1234"),  # rule 3: single comma + three digits: thousands
        ("12,5", "12.5"),  # ... otherwise decimal
        ("0,123", "0.123"),  # ... and never thousands after a bare 0
        ("1,2345", "1.2345"),
        ("1.234", "1.234"),  # rule 4: a single point is always decimal
        (",5", "0.5"),
        (".5", "0.5"),
        ("12 345", "12345"),
        ("1\u00a0000", "1000"),
        ("1\u202f000,50", "1000.50"),
        ("1 000 000", "1000000"),
        ("1_000_000", "1000000"),
        ("1e-07", "0.0000001"),
        ("1.5E3", "1500"),
        ("1.5e-3", "0.0015"),
        ("3.5k", "3500"),
        ("1mn", "1000000"),
        ("2mio", "2000000"),
        ("3bn", "3000000000"),
        ("1,000k", "1000000"),
        ("007", "7"),
        ("0.0", "0.0"),
        ("+5", "5"),
        (" 42 ", "42"),
    ],
)
def test_amount_and_number(raw, canonical):
    assert clean_amount(raw) == canonical
    assert clean_number(raw) == canonical
    assert clean_value("number", raw) == canonical


def test_amount_negative():
    assert clean_amount("-12", negative=True) == "-12"
    assert clean_amount("(12.00)", negative=True) == "-12.00"
    assert clean_amount("−7", negative=True) == "-7"
    assert clean_amount("-0.00") == "0.00"
    exc = _raises(clean_amount, "-12")
    assert exc.expected == "a non-negative amount"
    assert clean_value("amount", "(3)", negative=True) == "-3"


def test_number_accepts_negatives():
    assert clean_number("-1,234.5") == "-1234.5"
    assert clean_number("(3)") == "-3"
    assert clean_number(None) is None
    assert clean_number("  ") is None


@pytest.mark.parametrize(
    ("raw", "hint"),
    [
        ("1,234.567.89", "The decimal mark '.' appears twice"),
        ("1 2345", "groups of three"),
        ("1,2,3", "groups of three"),
        ("12..5", "groups of three"),
        ("abc", "Remove text other than the number and currency"),
        ("12abc", "Remove text other than the number and currency"),
    ],
)
def test_amount_invalid(raw, hint):
    exc = _raises(clean_number, raw)
    assert exc.expected.startswith("an amount: digits with an optional decimal mark")
    assert hint in exc.hint


def test_format_amount():
    assert format_amount(Decimal("1E-7")) == "0.0000001"
    assert format_amount(Decimal("3.5E+3")) == "3500"
    assert format_amount(Decimal("-0")) == "0"
    assert format_amount(Decimal("-0.00")) == "0.00"
    assert format_amount(Decimal("-0.5")) == "-0.5"


# == dates =====================================================================================
@pytest.mark.parametrize(
    ("raw", "options", "iso"),
    [
        ("2014", {}, "2014"),
        ("2014-1", {}, "2014-01"),
        ("2014-01", {}, "2014-01"),
        ("2014-01-02", {}, "2014-01-02"),
        ("2014-1-2", {}, "2014-01-02"),
        ("2014/01/02", {}, "2014-01-02"),
        ("2014.01.02", {}, "2014-01-02"),
        ("20140102", {}, "2014-01-02"),
        ("2 Jan 2014", {}, "2014-01-02"),
        ("January 2, 2014", {}, "2014-01-02"),
        ("Jan 2 2014", {}, "2014-01-02"),
        ("2nd January 2014", {}, "2014-01-02"),
        ("Thursday 2nd of January 2014", {}, "2014-01-02"),
        ("Thu, 2 Jan 2014", {}, "2014-01-02"),
        ("2014 Jan 02", {}, "2014-01-02"),
        ("2 January 14", {}, "2014-01-02"),
        ("Jan 2014", {}, "2014-01"),
        ("01/2014", {}, "2014-01"),
        # ambiguous numeric dates: month first unless dayfirst
        ("02/01/2014", {}, "2014-02-01"),
        ("02/01/2014", {"dayfirst": True}, "2014-01-02"),
        ("13/01/2014", {"dayfirst": True}, "2014-01-13"),
        ("02-01-14", {}, "2014-02-01"),
        # dots are always day first
        ("02.01.2014", {}, "2014-01-02"),
        ("13.01.2014", {}, "2014-01-13"),
        # two-digit years follow POSIX %y
        ("02/01/69", {}, "1969-02-01"),
        ("02/01/68", {}, "2068-02-01"),
        # range limits
        ("1900", {}, "1900"),
        ("2100-12-31", {}, "2100-12-31"),
        ("2016-02-29", {}, "2016-02-29"),
        # a timestamp keeps its date part as written (no zone conversion)
        ("2014-01-02T23:30:00-05:00", {}, "2014-01-02"),
        ("2014-01-02 10:20", {}, "2014-01-02"),
        # explicit formats; precision follows the directives
        ("02|01|2014", {"format": "%d|%m|%Y"}, "2014-01-02"),
        ("2 Jan 2014", {"format": "%d %b %Y"}, "2014-01-02"),
        ("Jan 2014", {"format": "%b %Y"}, "2014-01"),
        ("2014", {"format": "%Y"}, "2014"),
    ],
)
def test_date(raw, options, iso):
    assert clean_date(raw, **options) == iso
    assert clean_value("date", raw, **options) == iso


@pytest.mark.parametrize(
    ("raw", "options", "expected", "hint"),
    [
        ("00/00/0000", {}, "a date with a year from 1900 to 2100", "The year 0 is probably a typo"),
        ("0000-00-00", {}, "a date with a year from 1900 to 2100", "The year 0"),
        ("2014-13-45", {}, "a date with a month from 1 to 12", "Month 13 does not exist"),
        ("2014-00", {}, "a date with a month from 1 to 12", "Month 0 does not exist"),
        ("13/2014", {}, "a date with a month from 1 to 12", "Month 13 does not exist"),
        ("2014-02-30", {}, "an existing calendar date", "February 2014 has no day 30"),
        ("2014-02-29", {}, "an existing calendar date", "February 2014 has no day 29"),
        ("30 Feb 2014", {}, "an existing calendar date", "February 2014 has no day 30"),
        ("1899-12-31", {}, "a date with a year from 1900 to 2100", "The year 1899"),
        ("2101", {}, "a date with a year from 1900 to 2100", "The year 2101"),
        ("02/01/1850", {}, "a date with a year from 1900 to 2100", "The year 1850"),
        ("13/01/2014", {}, "a date whose month is 1 to 12", "set `dayfirst: true`"),
        (
            "01/13/2014",
            {"dayfirst": True},
            "a date whose month is 1 to 12",
            "remove `dayfirst: true`",
        ),
        ("01.13.2014", {}, "a date whose month is 1 to 12", "'%m.%d.%Y'"),
        ("13/13/2014", {}, "a date whose month is 1 to 12", "Neither part can be a month"),
        (
            "31/04/2014",
            {"dayfirst": True},
            "an existing calendar date",
            "April 2014 has no day 31; check the day and month (and `dayfirst:` in the mapping)",
        ),
        ("yesterday", {}, "a date such as 2014-01-02", "Set `format:` in the mapping"),
        ("1 Foo 2014", {}, "a date such as 2014-01-02", "Set `format:` in the mapping"),
        (
            "2014-01-02",
            {"format": "%d/%m/%Y"},
            "a date in the format '%d/%m/%Y'",
            "strptime says:",
        ),
    ],
)
def test_date_invalid(raw, options, expected, hint):
    exc = _raises(clean_date, raw, **options)
    assert exc.value == raw
    assert exc.expected.startswith(expected)
    assert hint in exc.hint


def test_date_year_limits():
    assert (MIN_YEAR, MAX_YEAR) == (1900, 2100)
    assert clean_date(None) is None
    assert clean_date("   ") is None


# == timestamps ================================================================================
@pytest.mark.parametrize(
    ("raw", "options", "utc"),
    [
        ("2014-01-02T10:20:30Z", {}, "2014-01-02T10:20:30"),
        ("2014-01-02T10:20:30z", {}, "2014-01-02T10:20:30"),
        ("2014-01-02 10:20:30 Z", {}, "2014-01-02T10:20:30"),
        ("2014-01-02T10:20:30+02:00", {}, "2014-01-02T08:20:30"),
        ("2014-01-02 10:20:30+0200", {}, "2014-01-02T08:20:30"),
        ("2014-01-02 10:20:30+02", {}, "2014-01-02T08:20:30"),
        ("2014-01-02T10:20:30−05:00", {}, "2014-01-02T15:20:30"),
        ("2014-01-02T10:20:30.123+05:30", {}, "2014-01-02T04:50:30"),
        ("2014-01-02 10:20:30 UTC+2", {}, "2014-01-02T08:20:30"),
        ("2014-01-02 10:20:30 GMT-5", {}, "2014-01-02T15:20:30"),
        ("2014-01-02 10:20 GMT+05:30", {}, "2014-01-02T04:50:00"),
        ("2014-01-02 10:20:30 UTC", {}, "2014-01-02T10:20:30"),
        ("2014-01-02 10:20:30 utc", {}, "2014-01-02T10:20:30"),
        ("2014-01-02 10:20:30 GMT", {}, "2014-01-02T10:20:30"),
        # an offset crossing midnight changes the date
        ("2014-01-02T00:30:00+01:00", {}, "2014-01-01T23:30:00"),
        # IANA names, with daylight saving time
        ("2014-01-02 10:20 Europe/Berlin", {}, "2014-01-02T09:20:00"),
        ("2014-07-02 10:20 Europe/Berlin", {}, "2014-07-02T08:20:00"),
        ("2014-01-02 10:20 CET", {}, "2014-01-02T09:20:00"),
        ("2014-01-02 10:20 EST", {}, "2014-01-02T15:20:00"),
        # an abbreviation or name after an explicit offset is ignored
        ("2016-12-11 20:13:54.654635085 -0500 EST", {}, "2016-12-12T01:13:54"),
        ("2014-01-02 10:20:30 +01:00 Europe/Berlin", {}, "2014-01-02T09:20:30"),
        # times without a zone are read in tz
        ("2014-01-02 10:20", {"tz": "Europe/Berlin"}, "2014-01-02T09:20:00"),
        ("2014-07-02 10:20", {"tz": "America/New_York"}, "2014-07-02T14:20:00"),
        ("2014-01-02", {"tz": "Europe/Berlin"}, "2014-01-01T23:00:00"),
        ("2014-01-02", {"tz": "utc"}, "2014-01-02T00:00:00"),
        # ... but an explicit zone wins
        ("2014-01-02 10:20:30Z", {"tz": "Europe/Berlin"}, "2014-01-02T10:20:30"),
        # fractions are cut off, not rounded
        ("2014-01-02 10:20:30.999", {}, "2014-01-02T10:20:30"),
        ("2014-01-02", {}, "2014-01-02T00:00:00"),
        ("2014-01-02 1:05", {}, "2014-01-02T01:05:00"),
        # AM/PM
        ("2 Jan 2014 10:00 PM", {}, "2014-01-02T22:00:00"),
        ("2 Jan 2014 12:00 AM", {}, "2014-01-02T00:00:00"),
        ("2 Jan 2014 12:30 pm", {}, "2014-01-02T12:30:00"),
        ("January 2, 2014, 10:00 PM", {}, "2014-01-02T22:00:00"),
        ("Thu, 02 Jan 2014 10:20:30 +0000", {}, "2014-01-02T10:20:30"),
        # dayfirst
        ("02/01/2014 10:00", {}, "2014-02-01T10:00:00"),
        ("02/01/2014 10:00", {"dayfirst": True}, "2014-01-02T10:00:00"),
        # unix epoch seconds and milliseconds are UTC whatever tz says
        ("1388534400", {}, "2014-01-01T00:00:00"),
        ("1388534400000", {}, "2014-01-01T00:00:00"),
        ("1388534400.75", {}, "2014-01-01T00:00:00"),
        ("1388534400", {"tz": "Europe/Berlin"}, "2014-01-01T00:00:00"),
        ("0000000000", {}, "1970-01-01T00:00:00"),
        # explicit formats
        ("2014-01-02T10:20:30", {"format": "%Y-%m-%dT%H:%M:%S"}, "2014-01-02T10:20:30"),
        ("02/01/2014 10:20 +0100", {"format": "%d/%m/%Y %H:%M %z"}, "2014-01-02T09:20:00"),
    ],
)
def test_timestamp(raw, options, utc):
    assert clean_timestamp(raw, **options) == utc
    assert clean_value("timestamp", raw, **options) == utc


@pytest.mark.parametrize(
    ("raw", "expected", "hint"),
    [
        ("00/00/0000 10:00", "a date with a year from 1900 to 2100", "The year 0"),
        ("2014-13-45 10:00", "a date with a month from 1 to 12", "Month 13 does not exist"),
        ("2014-02-30 10:00", "an existing calendar date", "February 2014 has no day 30"),
        ("2014-01", "a timestamp such as", "It has no day"),
        ("2014", "a timestamp such as", "It has no day"),
        ("2014-01-02 24:00", "a timestamp such as", "The time 24:00 does not exist"),
        ("2014-01-02 10:60", "a timestamp such as", "The time 10:60 does not exist"),
        ("2014-01-02 10:20:61", "a timestamp such as", "The time 10:20:61 does not exist"),
        ("2 Jan 2014 13:00 PM", "a timestamp such as", "Hour 13 with AM/PM"),
        ("2014-01-02 10:20 +25:00", "a timestamp such as", "The offset +25:00 is impossible"),
        ("2014-01-02 10:20 CEST", "a timestamp such as", "abbreviations such as CEST or PST"),
        ("2014-01-02 10:20 PST", "a timestamp such as", "write the offset (+02:00)"),
        ("2014-01-02 10:20 Mars/Olympus", "a timestamp such as", "'Mars/Olympus' is not"),
        ("2014-01-02 10:20:30 +01:00 foo bar", "a timestamp such as", "after the offset"),
        ("9999999999", "a date with a year from 1900 to 2100", "The year 2286"),
        # the year is checked again after conversion to UTC
        ("1900-01-01T00:30:00+01:00", "a date with a year from 1900 to 2100", "The year 1899"),
        ("bad", "a date such as 2014-01-02", "Set `format:`"),
    ],
)
def test_timestamp_invalid(raw, expected, hint):
    exc = _raises(clean_timestamp, raw)
    assert exc.expected.startswith(expected)
    assert hint in exc.hint


def test_timestamp_bad_tz_is_a_schema_error():
    with pytest.raises(SchemaError, match="tz 'Mars/Base' is not an IANA time-zone name"):
        clean_timestamp("2014-01-02", tz="Mars/Base")
    assert clean_timestamp("  ") is None


# == crypto addresses ==========================================================================
def test_genesis_address_p2pkh():
    assert btc_p2pkh_address(bytes.fromhex(GENESIS_HASH160)) == GENESIS
    assert ref_base58check(0x00, bytes.fromhex(GENESIS_HASH160)) == GENESIS
    assert base58check_decode(GENESIS) == (b"\x00", bytes.fromhex(GENESIS_HASH160))
    assert classify_crypto_address(GENESIS) == CryptoAddress("btc", "p2pkh", GENESIS)
    assert clean_crypto_address(f"  {GENESIS} ") == GENESIS
    assert clean_crypto_address(f" bitcoin:{GENESIS}?amount=1 ") == GENESIS


def test_p2sh_known_addresses():
    assert btc_p2sh_address(bytes(20)) == "31h1vYVSYuKP6AhS86fbRdMw9XHieotbST"
    assert ref_base58check(0x05, bytes(20)) == "31h1vYVSYuKP6AhS86fbRdMw9XHieotbST"
    got = classify_crypto_address("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy")
    assert (got.chain, got.kind) == ("btc", "p2sh")


@pytest.mark.parametrize(
    ("version", "chain", "kind", "first"),
    [
        (0x00, "btc", "p2pkh", "1"),
        (0x05, "btc", "p2sh", "3"),
        (0x6F, "btc-testnet", "p2pkh", "mn"),
        (0xC4, "btc-testnet", "p2sh", "2"),
        (0x30, "ltc", "p2pkh", "L"),
        (0x32, "ltc", "p2sh", "M"),
        (0x41, "trx", "account", "T"),
    ],
)
def test_base58check_built_addresses(version, chain, kind, first):
    for i in range(5):
        payload = _payload(f"{version}-{i}")
        address = ref_base58check(version, payload)
        assert address[0] in first
        assert base58check_encode(bytes([version]), payload) == address
        assert classify_crypto_address(address) == CryptoAddress(chain, kind, address)
        assert clean_crypto_address(address, chain=chain) == address


def test_legacy_litecoin_p2sh_needs_chain():
    address = ref_base58check(0x05, _payload("ltc-legacy"))
    assert classify_crypto_address(address).chain == "btc"
    assert classify_crypto_address(address, chain="ltc") == CryptoAddress("ltc", "p2sh", address)
    assert classify_crypto_address(address, chain="litecoin").chain == "ltc"


def test_known_tron_and_testnet_addresses():
    assert classify_crypto_address("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t").chain == "trx"
    assert classify_crypto_address("mzBc4XEFSdzCDcTxAgf6EZXgsZWpztRhef").chain == "btc-testnet"
    assert classify_crypto_address("2MxKEf2su6FGAUfCEAHreGFQvEYrfYNHvL7").kind == "p2sh"


def test_base58check_every_one_character_change_fails():
    for i, c in enumerate(GENESIS):
        other = _B58[(_B58.index(c) + 1) % 58]
        mutated = GENESIS[:i] + other + GENESIS[i + 1 :]
        with pytest.raises(InvalidValue):
            clean_crypto_address(mutated)


def test_base58check_error_details():
    exc = _raises(clean_crypto_address, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb")
    assert exc.expected == "a base58check string with a correct checksum"
    assert "mistyped" in exc.hint
    exc = _raises(clean_crypto_address, GENESIS[:-1])  # truncated
    assert exc.expected == "a base58check string with a correct checksum"
    exc = _raises(clean_crypto_address, GENESIS[:-1] + "0")  # 0 is not base58
    assert "It is not bech32, 0x-hex or base58" in exc.hint
    # a checksum that is right but a version that is not supported (a WIF private key)
    exc = _raises(clean_crypto_address, "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ")
    assert "version byte 0x80 with a 32-byte payload" in exc.hint


def test_uri_error_keeps_the_original_value():
    raw = "bitcoin:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb?amount=1"
    exc = _raises(clean_crypto_address, raw)
    assert exc.value == raw
    assert exc.expected == "a base58check string with a correct checksum"


# BIP-173 and BIP-350 segwit test vectors: (address, witness version, program hex)
SEGWIT_VALID = [
    ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", 0, "751e76e8199196d454941c45d1b3a323f1433bd6"),
    (
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
        0,
        "1863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262",
    ),
    (
        "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
        1,
        "751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6",
    ),
    ("BC1SW50QGDZ25J", 16, "751e"),
    ("bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", 2, "751e76e8199196d454941c45d1b3a323"),
    (
        "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
        0,
        "000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433",
    ),
    (
        "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
        1,
        "000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433",
    ),
    (
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        1,
        "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
    ),
]


@pytest.mark.parametrize(("address", "witver", "program"), SEGWIT_VALID)
def test_segwit_vectors(address, witver, program):
    hrp = address.lower()[: address.lower().rfind("1")]
    assert segwit_decode(hrp, address) == (witver, bytes.fromhex(program))
    assert segwit_encode(hrp, witver, bytes.fromhex(program)) == address.lower()
    assert ref_segwit(hrp, witver, bytes.fromhex(program)) == address.lower()
    assert clean_crypto_address(address) == address.lower()


def test_segwit_kinds():
    p2wpkh = classify_crypto_address("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4")
    assert p2wpkh == CryptoAddress("btc", "p2wpkh", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")
    program32 = bytes.fromhex("1863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262")
    p2wsh = btc_bech32_address(program32)
    assert p2wsh == "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3"
    assert classify_crypto_address(p2wsh).kind == "p2wsh"
    taproot = "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"
    assert classify_crypto_address(taproot).kind == "p2tr"
    assert classify_crypto_address("BC1SW50QGDZ25J").kind == "witness"
    testnet = "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7"
    assert classify_crypto_address(testnet) == CryptoAddress("btc-testnet", "p2wsh", testnet)
    ltc = ref_segwit("ltc", 0, _payload("ltc-segwit"))
    assert classify_crypto_address(ltc) == CryptoAddress("ltc", "p2wpkh", ltc)


def test_btc_bech32_address_encoder():
    program = bytes.fromhex("751e76e8199196d454941c45d1b3a323f1433bd6")
    assert btc_bech32_address(program) == "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
    for i in range(5):
        for witver, n in ((0, 20), (0, 32), (1, 32)):
            prog = _payload(f"seg-{i}", n)
            assert btc_bech32_address(prog, witver) == ref_segwit("bc", witver, prog)
    with pytest.raises(InvalidValue):
        btc_bech32_address(bytes(20), witver=17)
    with pytest.raises(InvalidValue):
        btc_bech32_address(bytes(16))  # v0 must be 20 or 32 bytes


@pytest.mark.parametrize(
    ("address", "hint"),
    [
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "The checksum does not match"),
        ("tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty", "It is not bech32, 0x-hex or base58"),
        ("BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2", "The witness version must be 0 to 16"),
        ("bc1rw5uspcuh", "The witness program is 1 bytes"),
        (
            "bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90",
            "The witness program is 41 bytes",
        ),
        ("BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "A v0 witness program is 20 or 32 bytes"),
        (
            "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7",
            "never mixed",
        ),
        ("bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du", "invalid padding"),
        ("tb1pw508d6qejxtdg4y5r3zarqfsj6c3", "invalid padding"),
        ("bc1gmk9yu", "The witness version must be 0 to 16"),
        # BIP-350: the wrong checksum variant for the witness version
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", "Witness v0 uses bech32"),
        (
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
            "Witness v0 uses bech32",
        ),
        (
            "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
            "Witness v0 uses bech32",
        ),
        (
            "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",
            "Witness v0 uses bech32",
        ),
        (
            "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
            "outside the bech32 set",
        ),
    ],
)
def test_segwit_invalid_vectors(address, hint):
    exc = _raises(clean_crypto_address, address)
    assert hint in exc.hint
    assert exc.expected


def test_bech32_every_one_character_change_fails():
    address = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
    for i in range(4, len(address)):
        other = _BECH32[(_BECH32.index(address[i]) + 1) % 32]
        mutated = address[:i] + other + address[i + 1 :]
        with pytest.raises(InvalidValue):
            clean_crypto_address(mutated)


@pytest.mark.parametrize(
    ("s", "spec"),
    [
        ("A12UEL5L", "bech32"),
        ("a12uel5l", "bech32"),
        (
            "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
            "bech32",
        ),
        ("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", "bech32"),
        (
            "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
            "bech32",
        ),
        ("split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", "bech32"),
        ("?1ezyfcl", "bech32"),
        ("A1LQFN3A", "bech32m"),
        ("a1lqfn3a", "bech32m"),
        (
            "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
            "bech32m",
        ),
        ("abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx", "bech32m"),
        (
            "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
            "bech32m",
        ),
        ("split1checkupstagehandshakeupstreamerranterredcaperredlc445v", "bech32m"),
        ("?1v759aa", "bech32m"),
    ],
)
def test_bech32_checksum_vectors(s, spec):
    hrp, data, got = bech32_decode(s)
    assert got == spec
    assert bech32_encode(hrp, data, spec) == s.lower()


@pytest.mark.parametrize(
    "s",
    [
        " 1nwldj5",
        "\x7f1axkwrx",
        "\x801eym55h",
        "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
        "pzry9x0s0muk",
        "1pzry9x0s0muk",
        "x1b4n0q5v",
        "li1dgmt3",
        "de1lg7wt\xff",
        "A1G7SGD8",
        "10a06t8",
        "1qzzfhee",
    ],
)
def test_bech32_invalid_vectors(s):
    with pytest.raises(InvalidValue):
        bech32_decode(s)


# EIP-55 examples: mixed case, all upper (checksum gives all caps), all lower.
EIP55_VECTORS = [
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    "0x52908400098527886E0F7030069857D2E4169EE7",
    "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
    "0xde709f2102306220921060314715629080e2fb77",
    "0x27b1fdb04752bbc536007a920d24acb045561c26",
]


@pytest.mark.parametrize("address", EIP55_VECTORS)
def test_eip55_vectors(address):
    hex40 = address[2:]
    assert eth_checksum_address(address) == address
    assert eth_checksum_address("0x" + hex40.lower()) == address
    assert eth_checksum_address("0X" + hex40.upper()) == address
    assert eth_address(bytes.fromhex(hex40)) == address
    assert clean_crypto_address(address) == address
    assert classify_crypto_address(address) == CryptoAddress("eth", "account", address)


def test_eip55_every_case_flip_fails():
    for i, c in enumerate(EIP55):
        if i < 2 or not c.isalpha():
            continue
        mutated = EIP55[:i] + c.swapcase() + EIP55[i + 1 :]
        exc = _raises(clean_crypto_address, mutated)
        assert exc.expected == "an Ethereum address whose mixed case matches its EIP-55 checksum"
        assert EIP55 in exc.hint


def test_eth_other_forms_and_errors():
    lower = EIP55.lower()
    assert clean_crypto_address(lower[2:], chain="eth") == EIP55  # no 0x with chain eth
    assert clean_crypto_address(f"ethereum:{lower}") == EIP55
    assert clean_crypto_address(lower, chain="ethereum") == EIP55
    exc = _raises(clean_crypto_address, lower[:-1])
    assert "It has 39 hex digits after 0x" in exc.hint
    exc = _raises(clean_crypto_address, lower[:-1] + "g")
    assert exc.hint == "It contains characters that are not hex digits"
    exc = _raises(clean_crypto_address, lower[2:])  # no 0x, no chain: not an address form
    assert "set `chain:` in the mapping" in exc.hint


def test_keccak_and_sha3():
    assert keccak_256(b"").hex() == (
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )
    assert keccak_256(b"abc").hex() == (
        "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
    )
    assert keccak_256(b"The quick brown fox jumps over the lazy dog").hex() == (
        "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15"
    )
    # the same permutation with NIST padding must equal hashlib's SHA3-256, across block edges
    for n in (0, 1, 135, 136, 137, 272, 300):
        data = bytes(range(256)) * 2
        assert _sha3_256(data[:n]) == hashlib.sha3_256(data[:n]).digest()


def test_crypto_chain_mismatch_and_unknown_chain():
    exc = _raises(clean_crypto_address, GENESIS, chain="ltc")
    assert exc.expected == "a Litecoin address"
    assert "Its version byte 0x00 is Bitcoin mainnet" in exc.hint
    exc = _raises(clean_crypto_address, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", chain="ltc")
    assert "Its prefix bc1 is Bitcoin mainnet" in exc.hint
    exc = _raises(clean_crypto_address, EIP55, chain="btc")
    assert exc.expected == "a Bitcoin mainnet address"
    assert "looks like an Ethereum address" in exc.hint
    assert clean_crypto_address(GENESIS, chain="bitcoin") == GENESIS
    assert clean_crypto_address(GENESIS, chain=" XBT ") == GENESIS
    with pytest.raises(SchemaError, match="Unknown crypto chain 'doge'; use one of: btc"):
        clean_crypto_address(GENESIS, chain="doge")
    assert set(CHAINS) == {"btc", "btc-testnet", "eth", "ltc", "trx"}


def test_crypto_garbage_and_empty():
    assert clean_crypto_address(None) is None
    assert clean_crypto_address("  ") is None
    exc = _raises(clean_crypto_address, "hello world")
    assert exc.expected.startswith("a valid crypto-currency address")
    assert exc.hint.startswith("It is not bech32, 0x-hex or base58")


# == phones ====================================================================================
@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("+44 20 7946 0958", None, "+442079460958"),
        ("+44 (0) 20 7946 0958", None, "+442079460958"),
        ("0044 20 7946 0958", None, "+442079460958"),
        ("tel:+44-20-7946-0958", None, "+442079460958"),
        ("TEL:+31 6 12345678", None, "+31612345678"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("020 7946 0958", "uk", "+442079460958"),
        ("0044 20 7946 0958", "GB", "+442079460958"),
        ("+44 20 7946 0958", "US", "+442079460958"),  # an explicit +CC wins
        ("011 44 20 7946 0958", "US", "+442079460958"),  # US international prefix
        ("+1 (202) 555-0143", None, "+12025550143"),
        ("(202) 555-0143", "US", "+12025550143"),
        ("06 12345678", "NL", "+31612345678"),
        ("+49 (0)30 901820", None, "+4930901820"),
        ("+33 1 23 45 67 89", None, "+33123456789"),
        ("+86 138 0013 8000", None, "+8613800138000"),
    ],
)
def test_phone(raw, region, e164):
    assert clean_phone(raw, region) == e164
    options = {} if region is None else {"region": region}
    assert clean_value("phone", raw, **options) == e164


@pytest.mark.parametrize(
    ("raw", "region", "expected", "hint"),
    [
        (
            "020 7946 0958",
            None,
            "a telephone number in international form (+44 20 7946 0958)",
            "It has no country code; set `region:` in the mapping",
        ),
        ("+44 20 7946 09581", None, "a valid telephone number", "It has the wrong length"),
        ("+44 00 0000 0000", None, "a valid telephone number", "not assigned"),
        ("+1 555 555 5555", None, "a valid telephone number", "numbering plan of +1 (US)"),
        ("07700 900123", "GB", "a valid telephone number", "read as a national number of GB"),
        ("+999 123", None, "a valid telephone number", "It cannot be read as a number"),
        ("abc", "GB", "a valid telephone number", "It cannot be read as a number"),
    ],
)
def test_phone_invalid(raw, region, expected, hint):
    exc = _raises(clean_phone, raw, region)
    assert exc.expected == expected
    assert hint in exc.hint


@pytest.mark.parametrize("region", ["XX", "ZZ", "EU"])
def test_phone_bad_region_is_a_schema_error(region):
    with pytest.raises(SchemaError, match=f"region '{region}' is not a region"):
        clean_phone("+44 20 7946 0958", region)


# == e-mails ===================================================================================
@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        (" mailto:Ana.Silva+tips@Bücher.Example ", "ana.silva+tips@xn--bcher-kva.example"),
        ("Ana@Bücher.Example", "ana@xn--bcher-kva.example"),
        ("John.DOE@Example.COM", "john.doe@example.com"),  # local part lower-cased too
        ("j.o.h.n+tag@gmail.com", "j.o.h.n+tag@gmail.com"),  # dots and +tags kept
        ("<a@b.co>", "a@b.co"),
        ("mailto:x@y.org?subject=hi", "x@y.org"),
        ("a@b.com.", "a@b.com"),
        ("a@exämple.com", "a@xn--exmple-cua.com"),
        ("a@XN--BCHER-KVA.EXAMPLE", "a@xn--bcher-kva.example"),
        ("first_last!#$%&*+/=?^`{|}~-@ex.org", "first_last!#$%&*+/=?^`{|}~-@ex.org"),
        ("x" * 64 + "@b.com", "x" * 64 + "@b.com"),
    ],
)
def test_email(raw, canonical):
    assert clean_email(raw) == canonical
    assert clean_value("email", raw) == canonical


@pytest.mark.parametrize(
    ("raw", "hint"),
    [
        ("admin@localhost", "has no dot; local names such as localhost"),
        ("ab.com", "It has 0 '@' signs"),
        ("a@@b.com", "It has 2 '@' signs"),
        ("a@b@c.com", "It has 2 '@' signs"),
        (".a@b.com", "Its local part '.a' must be"),
        ("a.@b.com", "Its local part 'a.' must be"),
        ("a..b@c.com", "Its local part 'a..b' must be"),
        ('"a b"@c.com', "Its local part"),
        ("ü@b.com", "Its local part"),
        ("@b.com", "Its local part '' must be"),
        ("x" * 65 + "@b.com", "must be 1-64"),
        ("a@[1.2.3.4]", "IP-address domains are not accepted"),
        ("a@1.2.3.4", "IP-address domains are not accepted"),
        ("a@-b.com", "Its domain '-b.com' is not valid"),
        ("a@b..com", "Its domain 'b..com' is not valid"),
        ("a@b_c.com", "Its domain 'b_c.com' is not valid"),
        ("a@b.123", "is not a valid host name"),
        ("a@", "Its domain '' is not valid"),
        ("x" * 64 + "@" + ".".join(["d" * 63] * 3) + ".com", "longer than 254"),
    ],
)
def test_email_invalid(raw, hint):
    exc = _raises(clean_email, raw)
    assert exc.expected == "an e-mail address such as name@example.org"
    assert hint in exc.hint


def test_email_empty():
    assert clean_email(None) is None
    assert clean_email("  ") is None


# == strings ===================================================================================
def test_clean_string():
    assert clean_string("  Agora \r\n   Beta ") == "Agora Beta"
    assert clean_string(" \n ") is None
    assert clean_string(None) is None
    assert clean_value("string", "a\tb") == "a b"


# == clean_value dispatcher ====================================================================
def test_cleaners_and_options_agree():
    assert set(CLEANERS) == set(CLEANER_OPTIONS)
    assert CLEANER_OPTIONS == {
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


def test_clean_value_unknown_type_lists_types():
    with pytest.raises(SchemaError) as info:
        clean_value("foo", "x")
    assert str(info.value) == (
        "'foo' is not a value type; use one of: country, money, amount, currency, date, "
        "timestamp, crypto_address, phone, email, number, string"
    )


def test_clean_value_unknown_option_lists_allowed():
    with pytest.raises(SchemaError) as info:
        clean_value("date", "2014", daysfirst=True)
    assert str(info.value) == (
        "Option 'daysfirst' is not accepted by the 'date' cleaner; it accepts: format, dayfirst"
    )
    with pytest.raises(SchemaError) as info:
        clean_value("date", "2014", zz=1, aa=2)
    assert str(info.value) == (
        "Options 'aa', 'zz' are not accepted by the 'date' cleaner; it accepts: format, dayfirst"
    )
    with pytest.raises(SchemaError, match="the 'email' cleaner; it takes no options"):
        clean_value("email", "a@b.com", region="GB")
    with pytest.raises(SchemaError, match="it accepts: default_currency, negative"):
        clean_value("money", "12 EUR", tz="UTC")
    # the options are checked even when the value is missing
    with pytest.raises(SchemaError):
        clean_value("country", None, region="GB")


def test_clean_value_bad_option_values():
    with pytest.raises(SchemaError, match="Unknown crypto chain"):
        clean_value("crypto_address", GENESIS, chain="doge")
    with pytest.raises(SchemaError, match="region 'XX'"):
        clean_value("phone", "+44 20 7946 0958", region="XX")
    with pytest.raises(SchemaError, match="tz 'Nowhere/Town'"):
        clean_value("timestamp", "2014-01-02", tz="Nowhere/Town")
    with pytest.raises(SchemaError, match="default_currency 'FOO'"):
        clean_value("money", "12", default_currency="FOO")


def test_clean_value_converts_typed_values():
    assert clean_value("number", 1234) == "1234"
    assert clean_value("number", -3) == "-3"
    assert clean_value("number", 1.5e-7) == "0.00000015"
    assert clean_value("number", Decimal("1E+3")) == "1000"
    assert clean_value("amount", 5) == "5"
    assert clean_value("date", date(2014, 1, 2)) == "2014-01-02"
    assert clean_value("date", datetime(2014, 1, 2, 23, 0)) == "2014-01-02"
    assert clean_value("timestamp", datetime(2014, 1, 2, 10, tzinfo=UTC)) == "2014-01-02T10:00:00"
    plus2 = timezone(timedelta(hours=2))
    assert clean_value("timestamp", datetime(2014, 1, 2, 10, tzinfo=plus2)) == (
        "2014-01-02T08:00:00"
    )
    naive = datetime(2014, 1, 2, 10, 0, 0, 123456)
    assert clean_value("timestamp", naive, tz="Europe/Berlin") == "2014-01-02T09:00:00"


def test_clean_value_missing_and_blank():
    for type_name in CLEANERS:
        assert clean_value(type_name, None) is None
        assert clean_value(type_name, "") is None
        assert clean_value(type_name, " \t\n ") is None


def test_clean_value_raises_invalid_value():
    exc = _raises(clean_value, "number", "abc")
    assert isinstance(exc, ValueError)
    assert exc.value == "abc"


# Every InvalidValue says what a valid value looks like and how to fix it.
INVALID_SAMPLES = [
    ("country", "Atlantis", {}),
    ("country", "USA & Canada", {}),
    ("country", "Soviet Union", {}),
    ("money", "12", {}),
    ("money", "12 FOO", {}),
    ("money", "-12 EUR", {}),
    ("money", "1,2,3 EUR", {}),
    ("amount", "abc", {}),
    ("currency", "FOO", {}),
    ("date", "00/00/0000", {}),
    ("date", "2014-13-45", {}),
    ("date", "2014-02-30", {}),
    ("date", "13/01/2014", {}),
    ("date", "yesterday", {}),
    ("timestamp", "2014", {}),
    ("timestamp", "2014-01-02 10:20 PST", {}),
    ("timestamp", "2014-01-02 25:00", {}),
    ("crypto_address", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", {}),
    ("crypto_address", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", {}),
    ("crypto_address", EIP55[:3] + EIP55[3].swapcase() + EIP55[4:], {}),
    ("crypto_address", GENESIS, {"chain": "eth"}),
    ("phone", "020 7946 0958", {}),
    ("phone", "+44 20 7946 09581", {}),
    ("email", "admin@localhost", {}),
    ("email", "a..b@c.com", {}),
    ("number", "12abc", {}),
]


@pytest.mark.parametrize(("type_name", "raw", "options"), INVALID_SAMPLES)
def test_every_invalid_value_has_expected_and_hint(type_name, raw, options):
    exc = _raises(clean_value, type_name, raw, **options)
    assert exc.value == raw
    assert len(exc.expected) > 10
    assert len(exc.hint) > 10
    assert str(exc).startswith(f"{raw!r} is not {exc.expected}. ")


# == the user documentation stays in step with the code ========================================
def test_doc_lists_every_type_option_region_and_alias():
    text = DOC.read_text(encoding="utf-8")
    for type_name, options in CLEANER_OPTIONS.items():
        assert f"`{type_name}`" in text
        for option in options:
            assert f"`{option}" in text
    section = text.split("### Region codes", 1)[1].split("###", 1)[0]
    rows = dict(re.findall(r"^\| `([A-Z]{2})` \| ([^|]+?) \|", section, re.MULTILINE))
    assert rows == COUNTRY_REGIONS
    for alias in COUNTRY_ALIASES:
        assert alias in text, alias


def test_amlworld_currency_names():
    # IBM AMLworld (Altman et al. 2023) writes currencies by short English names.
    names = ["US Dollar", "Euro", "UK Pound", "Yuan", "Yen", "Rupee", "Ruble", "Shekel"]
    names += ["Brazil Real", "Saudi Riyal", "Mexican Peso", "Swiss Franc", "Bitcoin"]
    assert [clean_currency(n) for n in names] == [
        "USD", "EUR", "GBP", "CNY", "JPY", "INR", "RUB", "ILS", "BRL", "SAR", "MXN", "CHF", "BTC",
    ]  # fmt: skip
