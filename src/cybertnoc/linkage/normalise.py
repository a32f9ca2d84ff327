"""Normalisation of names and other identifiers before they are compared or encoded.

Linkage compares values written by different clerks in different scripts: ``JACKSON, Hannah``
in a court list, ``HANNAH JACKSON`` in an arrest record, ``Ханна Джексон`` in a foreign
request. :func:`normalise_name` maps them to one comparable form: transliterated to ASCII
(``anyascii``, a per-character table covering Cyrillic, Greek, Arabic, CJK...), case-folded,
punctuation and titles dropped, ``SURNAME, Forenames`` reordered, tokens sorted (so that name
order does not matter to q-gram encodings).
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

__all__ = ["name_tokens", "normalise_name", "normalise_text", "qgrams"]

_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "mx", "herr", "frau"})
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise_text(value: str) -> str:
    """ASCII, case-folded, punctuation as spaces, single spaces.

    Examples
    --------
    >>> normalise_text("  Ringstraße 92,  Hamburg ")
    'ringstrasse 92 hamburg'
    >>> normalise_text("Влади́мир")
    'vladimir'
    """
    text = anyascii(unicodedata.normalize("NFKC", value)).casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


def name_tokens(value: str) -> list[str]:
    """The tokens of a person's name, in written order (``SURNAME, Forenames`` reordered).

    Examples
    --------
    >>> name_tokens("JACKSON, Hannah")
    ['hannah', 'jackson']
    >>> name_tokens("Dr. Hannah  Jackson")
    ['hannah', 'jackson']
    >>> name_tokens("Ханна Джексон")
    ['khanna', 'dzhekson']
    """
    text = unicodedata.normalize("NFKC", value)
    if text.count(",") == 1:
        surname, forenames = text.split(",")
        text = f"{forenames} {surname}"
    return [t for t in normalise_text(text).split() if t not in _TITLES]


def normalise_name(value: str) -> str:
    """A name's tokens, sorted and joined: the same for any order or script of writing.

    Examples
    --------
    >>> normalise_name("JACKSON, Hannah") == normalise_name("hannah jackson")
    True
    """
    return " ".join(sorted(name_tokens(value)))


def qgrams(text: str, q: int = 2, *, padded: bool = True) -> list[str]:
    """The q-grams of each token of ``text`` (padded with ``_`` at both ends), in order.

    Per-token q-grams make the multiset independent of token order; padding gives the first
    and last letters their own q-grams (Christen 2012, *Data Matching*, §5.2).

    Examples
    --------
    >>> qgrams("ann lee")
    ['_a', 'an', 'nn', 'n_', '_l', 'le', 'ee', 'e_']
    >>> qgrams("ann", 3, padded=False)
    ['ann']
    """
    out: list[str] = []
    for token in text.split():
        word = f"_{token}_" if padded else token
        if len(word) < q:
            out.append(word)
            continue
        out.extend(word[i : i + q] for i in range(len(word) - q + 1))
    return out
