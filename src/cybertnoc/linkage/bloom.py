"""Keyed Bloom-filter encodings of identifiers: similarity without the plaintext.

A value is split into q-grams (:func:`~cybertnoc.linkage.normalise.qgrams`) and each q-gram sets
``hashes`` bits of a ``size``-bit filter; two encodings are compared by their Dice coefficient,
which approximates the q-gram similarity of the plaintexts (Schnell, Bachteler & Reiher 2009).
A record's fields OR-ed into one filter is a cryptographic long-term key (CLK; Schnell,
Bachteler & Reiher 2011).

Bit positions come from HMAC-SHA512 of ``field``, a separator and the q-gram under a key
derived from the workspace's (or party's) secret key: without the key nobody can compute the
filter of a guessed value, and the positions of one q-gram are independent draws ("random
hashing", Niedermeyer et al. 2014), not the double-hashing pattern their attack exploits. What
Bloom filters do **not** resist is discussed in ``docs/linkage.md``: frequency and
pattern-mining attacks on many encodings of a known population (Christen et al. 2017) need no
key; keep encodings as confidential as pseudonyms.

References
----------
.. [1] Schnell, R., Bachteler, T. & Reiher, J. (2009). Privacy-preserving record linkage using
   Bloom filters. BMC Medical Informatics and Decision Making 9:41.
.. [2] Schnell, R., Bachteler, T. & Reiher, J. (2011). A novel error-tolerant anonymous linking
   code. German Record Linkage Center, WP-GRLC-2011-02.
.. [3] Niedermeyer, F., Steinmetzer, S., Kroll, M. & Schnell, R. (2014). Cryptanalysis of basic
   Bloom filters used for privacy preserving record linkage. J. Privacy and Confidentiality 6(2).
.. [4] Christen, P., Schnell, R., Vatsalan, D. & Ranbaduge, T. (2017). Efficient cryptanalysis
   of Bloom filters for privacy-preserving record linkage. PAKDD 2017, LNCS 10234, 628-640.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from cybertnoc.errors import InvalidValue
from cybertnoc.linkage.normalise import qgrams

__all__ = ["BloomEncoder", "BloomSpec", "dice", "dice_sql", "encoding_key"]

_LABEL = b"cybertnoc bloom v1"


@dataclass(frozen=True)
class BloomSpec:
    """Parameters of an encoding; both parties (or every import) must use the same.

    Attributes
    ----------
    size : int
        Bits per filter, a multiple of 8 up to 65,536 (default 1,024).
    hashes : int
        Bits set per q-gram (default 20; Schnell et al. 2009 used 15-30 for names).
    q : int
        q-gram length (default 2, bigrams).
    padded : bool
        Pad each token with ``_`` so that first and last letters count (default True).
    """

    size: int = 1024
    hashes: int = 20
    q: int = 2
    padded: bool = True

    def __post_init__(self) -> None:
        if not (isinstance(self.size, int) and 8 <= self.size <= 65536 and self.size % 8 == 0):
            raise InvalidValue(self.size, "a filter size in bits, a multiple of 8 up to 65536")
        if not (isinstance(self.hashes, int) and 1 <= self.hashes <= 128):
            raise InvalidValue(self.hashes, "a number of bits per q-gram from 1 to 128")
        if not (isinstance(self.q, int) and 1 <= self.q <= 5):
            raise InvalidValue(self.q, "a q-gram length from 1 to 5")


def encoding_key(key: bytes, label: bytes = _LABEL) -> bytes:
    """The encoding key derived from a secret key (the secret itself is never used directly)."""
    return hmac.new(key, label, hashlib.sha256).digest()


class BloomEncoder:
    """Encode normalised values into keyed Bloom filters.

    Parameters
    ----------
    key : bytes
        The secret (the pseudonymisation key, or a key the linking parties agreed); the
        filters depend on it through :func:`encoding_key`.
    spec : BloomSpec
        Filter parameters.

    Examples
    --------
    >>> enc = BloomEncoder(b"0123456789abcdef-example")
    >>> a, b = enc.encode("hannah jackson"), enc.encode("hanna jackson")
    >>> len(a), round(dice(a, b), 2), dice(a, a)
    (128, 0.91, 1.0)
    >>> dice(a, enc.encode("yusuf oluwole")) < 0.3
    True
    """

    def __init__(self, key: bytes, spec: BloomSpec | None = None) -> None:
        self.spec = spec or BloomSpec()
        self._key = encoding_key(key)
        self._positions: dict[tuple[str, str], tuple[int, ...]] = {}

    def __repr__(self) -> str:  # never show the key
        return f"BloomEncoder({self.spec})"

    def positions(self, gram: str, field: str = "") -> tuple[int, ...]:
        """The bit positions one q-gram of ``field`` sets (independent draws from HMAC-SHA512)."""
        cached = self._positions.get((field, gram))
        if cached is not None:
            return cached
        size, k = self.spec.size, self.spec.hashes
        out: list[int] = []
        counter = 0
        while len(out) < k:
            message = f"{field}\x1f{gram}\x1f{counter}".encode()
            digest = hmac.new(self._key, message, hashlib.sha512).digest()
            out.extend(int.from_bytes(digest[i : i + 2], "little") % size for i in range(0, 64, 2))
            counter += 1
        found = tuple(out[:k])
        if len(self._positions) < 200_000:
            self._positions[(field, gram)] = found
        return found

    def _bits(self, text: str, field: str) -> int:
        bits = 0
        for gram in qgrams(text, self.spec.q, padded=self.spec.padded):
            for p in self.positions(gram, field):
                bits |= 1 << p
        return bits

    def encode(self, text: str, field: str = "") -> bytes:
        """The filter of one (already normalised) value, as ``size / 8`` bytes (bit p of the
        filter is bit ``p % 8`` of byte ``p // 8``)."""
        return self._bits(text, field).to_bytes(self.spec.size // 8, "little")

    def encode_record(self, values: Mapping[str, str | None]) -> bytes:
        """A CLK: the filters of a record's fields (field name → normalised value) OR-ed into
        one; each field hashes with its own name, so equal text in two fields sets other bits.
        Missing or empty values set nothing."""
        bits = 0
        for field, text in values.items():
            if text:
                bits |= self._bits(text, field)
        return bits.to_bytes(self.spec.size // 8, "little")


def dice(a: bytes, b: bytes) -> float:
    """Dice coefficient of two filters: 2 |A ∧ B| / (|A| + |B|); 0 when both are empty.

    Examples
    --------
    >>> dice(bytes([0b0111]), bytes([0b0101]))
    0.8
    """
    if len(a) != len(b):
        raise InvalidValue(len(b), f"filters of the same size ({len(a)} bytes)")
    x, y = int.from_bytes(a, "little"), int.from_bytes(b, "little")
    total = x.bit_count() + y.bit_count()
    return 2 * (x & y).bit_count() / total if total else 0.0


def dice_sql(left: str, right: str) -> str:
    """A DuckDB SQL expression of the Dice coefficient of two BLOB columns of filters.

    Examples
    --------
    >>> import duckdb
    >>> con = duckdb.connect()
    >>> sql = dice_sql("a", "b")
    >>> rows = "SELECT '\\\\x07'::BLOB AS a, '\\\\x05'::BLOB AS b"
    >>> con.execute(f"SELECT {sql} FROM ({rows})").fetchall()
    [(0.8,)]
    """
    a, b = f"CAST({left} AS BIT)", f"CAST({right} AS BIT)"
    return (
        f"(CASE WHEN {left} IS NULL OR {right} IS NULL THEN NULL "
        f"WHEN bit_count({a}) + bit_count({b}) = 0 THEN 0.0 "
        f"ELSE 2.0 * bit_count({a} & {b}) / (bit_count({a}) + bit_count({b})) END)"
    )
