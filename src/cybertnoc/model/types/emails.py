"""E-mail addresses.

The canonical form is the whole address in lower case with the domain IDNA-encoded
(``Ana@Bücher.Example`` → ``ana@xn--bcher-kva.example``). The local part is lower-cased too:
RFC 5321 lets a server treat it as case-sensitive, but no large provider does, and one person's
address written in two cases must match. Nothing else is changed: dots and ``+tags`` are kept,
since their meaning depends on the provider.

Accepted: ASCII dot-atom local parts (letters, digits and ``!#$%&'*+/=?^_`{|}~-``, dots not at
the ends nor doubled, at most 64 characters), a domain of at least two labels (letters, digits,
hyphens, each 1–63 characters, not starting or ending with a hyphen; an all-numeric top-level
label is rejected), at most 254 characters in all. Rejected: quoted local parts, IP-address
literals, single-label domains such as ``localhost``.
"""

from __future__ import annotations

import functools
import logging
import re

import idna

from cybertnoc.errors import InvalidValue

__all__ = ["clean_email"]

log = logging.getLogger(__name__)

_EXPECTED = "an e-mail address such as name@example.org"
_LOCAL = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def _domain(value: str, domain: str) -> str:
    domain = domain.rstrip(".")
    if domain.startswith("[") or re.fullmatch(r"[\d.]+", domain):
        raise InvalidValue(
            value, _EXPECTED, "IP-address domains are not accepted; use the domain name"
        )
    try:
        ascii_domain = idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise InvalidValue(value, _EXPECTED, f"Its domain {domain!r} is not valid: {exc}") from None
    ascii_domain = ascii_domain.lower()
    labels = ascii_domain.split(".")
    if len(labels) < 2:
        raise InvalidValue(
            value,
            _EXPECTED,
            f"Its domain {domain!r} has no dot; local names such as localhost are not e-mail "
            "domains",
        )
    bad = [label for label in labels if not _LABEL.match(label)]
    if bad:
        raise InvalidValue(
            value,
            _EXPECTED,
            f"Its domain label {bad[0]!r} is not 1-63 letters, digits or inner hyphens",
        )
    if labels[-1].isdigit() or len(ascii_domain) > 253:
        raise InvalidValue(value, _EXPECTED, f"Its domain {domain!r} is not a valid host name")
    return ascii_domain


@functools.lru_cache(maxsize=65536)
def _clean_email(value: str) -> str:
    text = value.strip()
    if text[:7].lower() == "mailto:":
        text = text[7:].split("?", 1)[0].strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    if text.count("@") != 1:
        raise InvalidValue(
            value, _EXPECTED, f"It has {text.count('@')} '@' signs; an address has exactly one"
        )
    local, domain = text.split("@")
    local = local.lower()
    if not local or len(local) > 64 or not _LOCAL.match(local):
        raise InvalidValue(
            value,
            _EXPECTED,
            f"Its local part {local!r} must be 1-64 ASCII letters, digits or "
            "!#$%&'*+/=?^_`{|}~- with single dots between them",
        )
    address = f"{local}@{_domain(value, domain)}"
    if len(address) > 254:
        raise InvalidValue(value, _EXPECTED, "It is longer than 254 characters")
    return address


def clean_email(value: str | None) -> str | None:
    """Clean an e-mail address.

    Parameters
    ----------
    value : str or None
        The address; surrounding whitespace, a ``mailto:`` prefix (with any ``?subject=``)
        and angle brackets are removed. Empty input gives ``None``.

    Returns
    -------
    str or None
        The address in lower case with an IDNA (punycode) domain.

    Raises
    ------
    InvalidValue
        When the syntax is wrong or the domain is not a public host name.

    Examples
    --------
    >>> clean_email(" mailto:Ana.Silva+tips@Bücher.Example ")
    'ana.silva+tips@xn--bcher-kva.example'
    >>> clean_email("admin@localhost")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cybertnoc.errors.InvalidValue: 'admin@localhost' is not an e-mail address ... has no dot; ...
    """
    if value is None or not value.strip():
        return None
    return _clean_email(value)
