"""Money: amounts, currencies, and the two together.

Canonical forms:

- an **amount** is a plain decimal string: no exponent, no thousands separators, a ``.`` decimal
  point, the fractional digits as given (``"1,234.50"`` → ``"1234.50"``, ``"1e-07"`` →
  ``"0.0000001"``);
- a **currency** is an upper-case ISO 4217 code (any code Babel knows, historic ones included)
  or one of the crypto-currency codes of :data:`CRYPTO_CURRENCIES`;
- **money** is both, written ``"1234.50 EUR"``.

Separators. A number may use ``,`` or ``.`` as its decimal mark and ``,``, ``.``, a space,
``'`` or ``_`` between groups of three digits. The rules, in order:

1. both ``,`` and ``.`` present: the one that comes last is the decimal mark
   (``"1,234.50"``, ``"1.234,50"``);
2. one kind of mark appearing more than once: it separates thousands (``"1,234,567"``,
   ``"1.234.567"``);
3. a single ``,``: thousands when exactly three digits follow and the part before is not ``0``
   (``"1,234"`` → ``1234``), otherwise the decimal mark (``"12,5"`` → ``12.5``,
   ``"0,123"`` → ``0.123``);
4. a single ``.``: always the decimal mark (``"1.234"`` → ``1.234``), since prices in
   crypto-currency are mostly written with a point and several decimals.

Digit groups after the first must have exactly three digits, otherwise the value is rejected.
Suffixes ``k`` (thousand), ``m``/``mn``/``mio`` (million) and ``bn`` (billion) scale the number
(``"£3.5k"`` → ``3500 GBP``); ``mBTC`` and ``sat``/``sats`` are converted to BTC.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from babel import Locale
from babel.numbers import get_currency_name

from cybertnoc.errors import InvalidValue, SchemaError

__all__ = [
    "CRYPTO_CURRENCIES",
    "CURRENCY_SYMBOLS",
    "Money",
    "clean_amount",
    "clean_currency",
    "clean_money",
    "format_amount",
]

log = logging.getLogger(__name__)

#: Crypto-currency codes accepted as currencies, with their names.
CRYPTO_CURRENCIES: dict[str, str] = {
    "BTC": "Bitcoin",
    "ETH": "Ether",
    "XMR": "Monero",
    "LTC": "Litecoin",
    "BCH": "Bitcoin Cash",
    "USDT": "Tether",
    "USDC": "USD Coin",
    "DASH": "Dash",
    "ZEC": "Zcash",
    "TRX": "Tron",
    "BNB": "BNB",
}

#: Currency symbols and their codes. ``¥`` is read as JPY (write CNY or RMB for yuan); ``฿`` is
#: read as Bitcoin, as on darknet markets (write THB for the Thai baht).
CURRENCY_SYMBOLS: dict[str, str] = {
    "€": "EUR",
    "$": "USD",
    "US$": "USD",
    "£": "GBP",
    "¥": "JPY",
    "JP¥": "JPY",
    "CN¥": "CNY",
    "元": "CNY",
    "₿": "BTC",
    "฿": "BTC",
    "Ξ": "ETH",
    "Ł": "LTC",
    "C$": "CAD",
    "CA$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "R$": "BRL",
    "₹": "INR",
    "₽": "RUB",
    "₩": "KRW",
    "₺": "TRY",
    "₴": "UAH",
    "₦": "NGN",
    "₱": "PHP",
    "₪": "ILS",
    "zł": "PLN",
    "Kč": "CZK",
    "Fr.": "CHF",
}

# Words and codes that are not ISO 4217 but are common in sources, case-folded.
_CURRENCY_WORDS = {
    "xbt": "BTC",
    "bitcoin": "BTC",
    "bitcoins": "BTC",
    "ether": "ETH",
    "ethereum": "ETH",
    "monero": "XMR",
    "litecoin": "LTC",
    "litecoins": "LTC",
    "tether": "USDT",
    "zcash": "ZEC",
    "tron": "TRX",
    "rmb": "CNY",
    "dollar": "USD",
    "dollars": "USD",
    "usd$": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "eur€": "EUR",
    "pound": "GBP",
    "pounds": "GBP",
    "quid": "GBP",
    "yen": "JPY",
    "yuan": "CNY",
    # Short names of IBM's AMLworld data (Altman et al. 2023) and similar exports.
    "uk pound": "GBP",
    "rupee": "INR",
    "rupees": "INR",
    "ruble": "RUB",
    "rouble": "RUB",
    "shekel": "ILS",
    "brazil real": "BRL",
}

# Units of Bitcoin: (canonical currency, power of ten).
_UNITS = {"mbtc": ("BTC", -3), "sat": ("BTC", -8), "sats": ("BTC", -8), "satoshi": ("BTC", -8)}
_SCALES = {"k": 3, "m": 6, "mn": 6, "mio": 6, "bn": 9}


@functools.cache
def _iso_currencies() -> dict[str, str]:
    """ISO 4217 codes (Babel's list, historic included) and their English names."""
    return {code: str(name) for code, name in Locale("en").currencies.items()}


@functools.cache
def _currency_names() -> dict[str, str]:
    names = {name.casefold(): code for code, name in _iso_currencies().items()}
    for code in _iso_currencies():
        names.setdefault(get_currency_name(code, count=2, locale="en").casefold(), code)
    names.update({name.casefold(): code for code, name in CRYPTO_CURRENCIES.items()})
    names.update(_CURRENCY_WORDS)
    return names


def _currency(token: str) -> str | None:
    t = token.strip()
    if t in CURRENCY_SYMBOLS:
        return CURRENCY_SYMBOLS[t]
    upper = t.upper()
    if upper in CRYPTO_CURRENCIES:
        return upper
    if len(upper) == 3 and upper.isalpha() and upper in _iso_currencies():
        return upper
    return _currency_names().get(" ".join(t.casefold().split()))


@functools.lru_cache(maxsize=4096)
def _clean_currency(value: str) -> str:
    code = _currency(value)
    if code is None:
        raise InvalidValue(
            value,
            "a currency: an ISO 4217 code (EUR, USD), a crypto-currency code (BTC, XMR, USDT) or "
            "a symbol (€, $, £, ₿)",
            "Use the ISO 4217 code; for a crypto-currency not listed, add it to "
            "CRYPTO_CURRENCIES in cybertnoc/model/types/money.py",
        )
    return code


def clean_currency(value: str | None) -> str | None:
    """Clean a currency code, symbol or name to its canonical code.

    Parameters
    ----------
    value : str or None
        An ISO 4217 code in any case, a crypto-currency code (``XBT`` is read as ``BTC``), a
        symbol of :data:`CURRENCY_SYMBOLS`, or an English name ("euro", "US dollars",
        "bitcoin"). Empty input gives ``None``.

    Returns
    -------
    str or None
        The upper-case code.

    Raises
    ------
    InvalidValue
        When the currency is not known.

    Examples
    --------
    >>> [clean_currency(v) for v in ["eur", "€", "฿", "XBT", "US dollars", "usdt"]]
    ['EUR', 'EUR', 'BTC', 'BTC', 'USD', 'USDT']
    """
    if value is None or not value.strip():
        return None
    return _clean_currency(value)


@dataclass(frozen=True)
class Money:
    """An amount in a currency.

    Examples
    --------
    >>> str(Money(Decimal("1234.50"), "EUR"))
    '1234.50 EUR'
    """

    amount: Decimal
    currency: str

    def __str__(self) -> str:
        return f"{format_amount(self.amount)} {self.currency}"


def format_amount(amount: Decimal) -> str:
    """Write a decimal without exponent (``Decimal("1E-7")`` → ``"0.0000001"``).

    Examples
    --------
    >>> [format_amount(Decimal(v)) for v in ["1E-7", "3.5E+3", "-0"]]
    ['0.0000001', '3500', '0']
    """
    text = format(amount, "f")
    if text.lstrip("-").strip("0.") == "":
        return "0" if "." not in text else text.lstrip("-")
    return text


_AMOUNT_EXPECTED = (
    "an amount: digits with an optional decimal mark and thousands separators, e.g. 1234.50, "
    "1,234.50 or 1.234,50"
)
_NUMBER = re.compile(
    r"""^(?P<sign>[-+−])?\s*
    (?P<body>\d[\d.,'’ \u00a0\u202f_]*|[.,]\d+)
    (?:[eE](?P<exp>[-+]?\d{1,3}))?
    (?P<scale>k|m|mn|mio|bn)?$""",
    re.VERBOSE | re.IGNORECASE,
)
_GROUP_SEPARATORS = "'’ \u00a0\u202f_"


def _parse_body(body: str, value: str) -> str:
    """Resolve thousands separators and the decimal mark; return ``digits[.digits]``."""
    for sep in _GROUP_SEPARATORS:
        body = body.replace(sep, "\x00")
    commas, dots = body.count(","), body.count(".")
    decimal_mark: str | None = None
    if commas and dots:
        decimal_mark = "," if body.rfind(",") > body.rfind(".") else "."
        if body.count(decimal_mark) > 1:
            raise InvalidValue(
                value, _AMOUNT_EXPECTED, f"The decimal mark {decimal_mark!r} appears twice"
            )
    elif commas == 1 and not dots:
        head, _, tail = body.partition(",")
        is_thousands = len(tail) == 3 and tail.isdigit() and head.strip("\x00") not in ("", "0")
        decimal_mark = None if is_thousands else ","
    elif dots == 1 and not commas:
        decimal_mark = "."
    if decimal_mark is not None:
        int_part, _, frac = body.rpartition(decimal_mark)
    else:
        int_part, frac = body, ""
    groups = re.split(r"[.,\x00]", int_part)
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
        raise InvalidValue(
            value,
            _AMOUNT_EXPECTED,
            "Its thousands separators do not split the digits into groups of three; remove "
            "them or check the decimal mark",
        )
    digits = "".join(groups) or "0"
    if not digits.isdigit() or (frac and not frac.isdigit()):
        raise InvalidValue(value, _AMOUNT_EXPECTED, "It has misplaced separators")
    return f"{digits}.{frac}" if frac else digits


def _parse_amount(text: str, value: str, negative: bool) -> Decimal:
    t = " ".join(text.split())
    paren = t.startswith("(") and t.endswith(")")
    if paren:
        t = t[1:-1].strip()
    m = _NUMBER.match(t)
    if not m:
        raise InvalidValue(
            value, _AMOUNT_EXPECTED, "Remove text other than the number and currency"
        )
    number = _parse_body(m.group("body").rstrip(" \u00a0\u202f"), value)
    try:
        amount = Decimal(number)
    except InvalidOperation:  # pragma: no cover - _parse_body returns digits only
        raise InvalidValue(value, _AMOUNT_EXPECTED, "") from None
    if m.group("exp"):
        amount = amount.scaleb(int(m.group("exp")))
    if m.group("scale"):
        amount = amount.scaleb(_SCALES[m.group("scale").lower()])
    if paren or m.group("sign") in ("-", "−"):
        amount = -amount
    if amount < 0 and not negative:
        raise InvalidValue(
            value,
            "a non-negative amount",
            "Negative amounts are rejected unless the cleaner is called with negative=True",
        )
    return amount


@functools.lru_cache(maxsize=65536)
def _clean_amount(value: str, negative: bool) -> str:
    return format_amount(_parse_amount(value, value, negative))


def clean_amount(value: str | None, *, negative: bool = False) -> str | None:
    """Clean a number written with any common separators to a canonical decimal string.

    See the module documentation for the separator rules.

    Parameters
    ----------
    value : str or None
        The raw amount, without currency. Empty input gives ``None``.
    negative : bool, default False
        Accept negative amounts (``-12``, ``−12``, ``(12)``).

    Returns
    -------
    str or None
        Digits with an optional ``.`` and fraction; ``-`` in front when negative.

    Raises
    ------
    InvalidValue
        When the value is not a number, the separators are inconsistent, or it is negative
        and ``negative`` is false.

    Examples
    --------
    >>> [clean_amount(v) for v in ["1,234.50", "1.234,50", "1,234", "12,5", "1e-07", "3.5k"]]
    ['1234.50', '1234.50', '1234', '12.5', '0.0000001', '3500']
    >>> clean_amount("(12.00)", negative=True)
    '-12.00'
    """
    if value is None or not value.strip():
        return None
    return _clean_amount(value, negative)


_CURRENCY_TOKEN = re.compile(
    r"^(?P<pre>[^\d\s.,()+\-−]*?)\s*(?P<num>[-+−(]?\s*[\d.,].*?)\s*(?P<post>[^\d\s.,()]*)$"
)


_FRANC = re.compile(r"(?<![A-Za-z])Fr\.(?=\s|\d|$)")


def _split_money(value: str) -> tuple[str, str, str]:
    # "Fr." is the one currency symbol with a dot, which the number pattern would swallow.
    t = _FRANC.sub("CHF", " ".join(value.split()))
    # a sign may precede the currency: "-€12", "- USD 12"
    sign = ""
    if t[:1] in "-−":
        sign, t = "-", t[1:].lstrip()
    m = _CURRENCY_TOKEN.match(t)
    if not m:
        raise InvalidValue(
            value,
            "an amount of money such as '1,234.50 EUR', 'EUR 1.234,50', '€12' or '0.0153 BTC'",
            "Write the amount with digits and the currency as a code or symbol before or after it",
        )
    num = m.group("num")
    post = m.group("post")
    # a scale suffix is part of the number when a currency follows it or none is given
    scale = re.match(r"^(k|mn|mio|bn|m)(?![a-z])(.*)$", post, re.IGNORECASE)
    if scale and not _currency(post):
        num, post = num + scale.group(1), scale.group(2)
    return m.group("pre"), sign + num, post


@functools.lru_cache(maxsize=65536)
def _clean_money(value: str, default_currency: str | None, negative: bool) -> Money:
    pre, num, post = _split_money(value)
    codes: list[str] = []
    power = 0
    for token in (pre, post):
        if not token:
            continue
        unit = _UNITS.get(token.casefold())
        code = unit[0] if unit else _currency(token)
        if code is None:
            raise InvalidValue(
                value,
                "an amount of money with a known currency",
                f"{token!r} is not a currency code or symbol; use an ISO 4217 code such as "
                "EUR or a crypto-currency code such as BTC",
            )
        if unit:
            power = unit[1]
        codes.append(code)
    if len(set(codes)) > 1:
        raise InvalidValue(
            value,
            "an amount of money in one currency",
            f"It names two currencies ({' and '.join(codes)}); keep one",
        )
    if codes:
        currency = codes[0]
    elif default_currency is not None:
        currency = default_currency
    else:
        raise InvalidValue(
            value,
            "an amount of money with a currency",
            "Add the currency to the value, or set `default_currency:` in the mapping when the "
            "column has one currency",
        )
    amount = _parse_amount(num, value, negative)
    if power:
        amount = amount.scaleb(power).normalize()
    return Money(amount, currency)


def clean_money(
    value: str | None, default_currency: str | None = None, *, negative: bool = False
) -> Money | None:
    """Parse an amount of money with its currency.

    Parameters
    ----------
    value : str or None
        The amount with a currency code, symbol or name before or after it: ``"1,234.50 EUR"``,
        ``"EUR 1.234,50"``, ``"€12"``, ``"$1,000"``, ``"£3.5k"``, ``"0.0153 BTC"``, ``"฿0.5"``,
        ``"12 usd"``, ``"25 mBTC"``. Empty input gives ``None``.
    default_currency : str, optional
        The currency when the value names none (a column of prices in BTC).
    negative : bool, default False
        Accept negative amounts.

    Returns
    -------
    Money or None

    Raises
    ------
    InvalidValue
        When the amount or currency cannot be read, or no currency is given or defaulted.
    SchemaError
        When ``default_currency`` is not a currency.

    Examples
    --------
    >>> str(clean_money("EUR 1.234,50"))
    '1234.50 EUR'
    >>> [str(clean_money(v)) for v in ["€12", "$1,000", "£3.5k", "฿0.5", "12 usd", "25 mBTC"]]
    ['12 EUR', '1000 USD', '3500 GBP', '0.5 BTC', '12 USD', '0.025 BTC']
    >>> str(clean_money("0.0153", default_currency="btc"))
    '0.0153 BTC'
    """
    if value is None or not value.strip():
        return None
    default = None
    if default_currency is not None:
        default = _currency(default_currency)
        if default is None:
            raise SchemaError(
                f"default_currency {default_currency!r} is not a currency; use an ISO 4217 "
                "code such as EUR or a crypto-currency code such as BTC"
            )
    return _clean_money(value, default, negative)
