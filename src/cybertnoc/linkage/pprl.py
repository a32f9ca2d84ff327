"""Privacy-preserving record linkage (PPRL) between parties that share no identifiers.

A bank and a police force want to know which of their records are the same people without
handing each other names, dates of birth or telephone numbers. Both agree on a :class:`Schema`
(which fields, how they are normalised, the Bloom-filter parameters) and on a secret *linkage
key*; each turns its own records into keyed Bloom-filter encodings with :func:`encode_file`
(one cryptographic long-term key, CLK, per record: Schnell, Bachteler & Reiher 2011) and hands
over only the encoded file. :func:`match` finds candidate pairs by locality-sensitive hashing
over the CLK bits, scores them by the Dice coefficient of their filters, which approximates the
q-gram similarity of the plaintexts (Schnell, Bachteler & Reiher 2009), and keeps a one-to-one
assignment. :func:`evaluate` scores matches against ground truth.

This is a two-party protocol with a shared key in the taxonomy of Vatsalan et al. (2013): the
party (or linkage unit) that runs :func:`match` sees every encoding of both sides, so what the
encodings do and do not reveal matters; ``docs/pprl.md`` lists the attacks that keyed CLKs
resist (dictionary attacks without the key, the double-hashing cryptanalysis of Niedermeyer et
al. 2014) and those they do not (frequency and pattern-mining attacks, Christen et al. 2017,
2018; graph-matching attacks, Vidanage et al. 2020). BLIP (random bit flips, Schnell & Borgs
2016, after Alaggan et al. 2012) is available as ``blip`` in the schema.

References
----------
.. [1] Schnell, R., Bachteler, T. & Reiher, J. (2009). Privacy-preserving record linkage using
   Bloom filters. BMC Medical Informatics and Decision Making 9:41.
.. [2] Schnell, R., Bachteler, T. & Reiher, J. (2011). A novel error-tolerant anonymous linking
   code. German Record Linkage Center, WP-GRLC-2011-02.
.. [3] Vatsalan, D., Christen, P. & Verykios, V. S. (2013). A taxonomy of privacy-preserving
   record linkage techniques. Information Systems 38(6), 946-969.
.. [4] Niedermeyer, F., Steinmetzer, S., Kroll, M. & Schnell, R. (2014). Cryptanalysis of basic
   Bloom filters used for privacy preserving record linkage. J. Privacy and Confidentiality 6(2).
.. [5] Christen, P., Schnell, R., Vatsalan, D. & Ranbaduge, T. (2017). Efficient cryptanalysis
   of Bloom filters for privacy-preserving record linkage. PAKDD 2017, LNCS 10234, 628-640.
.. [6] Christen, P., Ranbaduge, T., Vatsalan, D. & Schnell, R. (2018). Precise and fast
   cryptanalysis for Bloom filter based privacy-preserving record linkage. IEEE TKDE 31(11).
.. [7] Vidanage, A., Christen, P., Ranbaduge, T. & Schnell, R. (2020). A graph matching attack
   on privacy-preserving record linkage. CIKM 2020, 1485-1494.
.. [8] Schnell, R. & Borgs, C. (2016). Randomized response and balanced Bloom filters for
   privacy preserving record linkage. ICDM Workshops 2016, 218-224.
.. [9] Alaggan, M., Gambs, S. & Kermarrec, A.-M. (2012). BLIP: non-interactive
   differentially-private similarity computation on Bloom filters. SSS 2012, LNCS 7596.
.. [10] Indyk, P. & Motwani, R. (1998). Approximate nearest neighbors: towards removing the
   curse of dimensionality. STOC 1998 (bit-sampling LSH for Hamming distance).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cybertnoc import __version__
from cybertnoc.errors import CybertnocError, InvalidValue, KeyMissing, Problem
from cybertnoc.ethics.pseudonymise import MIN_KEY_LENGTH, Pseudonymiser
from cybertnoc.linkage.bloom import BloomEncoder, BloomSpec
from cybertnoc.linkage.normalise import name_tokens, normalise_text, qgrams
from cybertnoc.model.types.dates import clean_date
from cybertnoc.model.types.emails import clean_email
from cybertnoc.model.types.phones import clean_phone

__all__ = [
    "ENV_PPRL_KEY",
    "FIELD_KINDS",
    "FORMAT",
    "PERSON_SCHEMA",
    "BlockingSpec",
    "EncodeRejected",
    "EncodingMismatch",
    "Encodings",
    "FieldSpec",
    "Schema",
    "assign_one_to_one",
    "blocking_stats",
    "candidate_pairs",
    "check_compatible",
    "dice_matrix",
    "dice_pairs",
    "encode_file",
    "encode_frame",
    "evaluate",
    "key_check",
    "load_schema",
    "match",
    "read_encodings",
    "threshold_curve",
    "true_pairs",
    "write_encodings",
]

log = logging.getLogger(__name__)

#: Environment variable holding the linkage key the parties share (not a party's own key).
ENV_PPRL_KEY = "CYBERTNOC_PPRL_KEY"
#: ``format`` entry of an encoded file's header.
FORMAT = "cybertnoc-pprl"
_FILE_VERSION = 1
_META_KEY = b"cybertnoc.pprl"
_KEY_LABEL = b"cybertnoc pprl v1"
_CHECK_LABEL = b"cybertnoc pprl key check v1"
_BLIP_LABEL = b"cybertnoc pprl blip v1"

#: Field kinds and how each turns a value into the features that are hashed into the filter.
FIELD_KINDS: dict[str, str] = {
    "name": "a person's name: transliterated, case-folded, titles dropped, 'SURNAME, Forenames'"
    " reordered, tokens sorted (normalise_name); padded q-grams of each token",
    "text": "free text such as an address: normalise_text, padded q-grams of each token",
    "date": "a date cleaned to ISO 8601 (clean_date); the features are the year, month, day and"
    " the unordered month-day pair, so a day/month swap keeps two of four",
    "phone": "a telephone number cleaned to E.164 (clean_phone); one feature, the whole number",
    "email": "an e-mail address (clean_email); q-grams of the local part plus the domain",
    "exact": "a code compared as a whole (sex, postcode): normalise_text, one feature",
}


class EncodingMismatch(CybertnocError):
    """Two encoded files cannot be compared: other key, schema or format version."""


class EncodeRejected(CybertnocError):
    """A party's file cannot be encoded; nothing was written.

    Attributes
    ----------
    file : str
        The input file.
    problems : list of Problem
        Every fatal problem found (missing columns, empty or repeated ids), together.
    """

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        lines = [str(p) for p in problems[:20]]
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(
            f"Encoding of {file} rejected: {len(problems)} error(s); nothing was written.\n"
            + "\n".join(lines)
            + more
        )


# -- schema ---------------------------------------------------------------------------------------
def _schema_error(value: object, expected: str, where: str) -> InvalidValue:
    return InvalidValue(value, expected, f"Fix {where} of the PPRL schema (see docs/pprl.md)")


@dataclass(frozen=True)
class FieldSpec:
    """One field of the encoding: what it holds and how strongly it weighs in the CLK.

    Attributes
    ----------
    name : str
        The field's name; also the column read by default and part of every hash (equal text in
        two fields sets other bits).
    kind : str
        One of :data:`FIELD_KINDS`.
    q : int
        q-gram length for ``name``, ``text`` and ``email`` (default 2).
    hashes : int
        Bits set per feature, 1 to 128: the field's weight in the Dice coefficient. A field with
        many features (a long address) needs fewer hashes than one with few (a date).
    """

    name: str
    kind: str = "text"
    q: int = 2
    hashes: int = 20

    def __post_init__(self) -> None:
        where = f"field {self.name!r}"
        if not (isinstance(self.name, str) and self.name.strip() and "\x1f" not in self.name):
            raise _schema_error(self.name, "a field name", "the field names")
        if self.kind not in FIELD_KINDS:
            raise _schema_error(self.kind, f"a field kind ({', '.join(FIELD_KINDS)})", where)
        if not (isinstance(self.q, int) and 1 <= self.q <= 5):
            raise _schema_error(self.q, "a q-gram length from 1 to 5", where)
        if not (isinstance(self.hashes, int) and 1 <= self.hashes <= 128):
            raise _schema_error(self.hashes, "a number of hashes per feature from 1 to 128", where)

    def features(
        self,
        value: str,
        *,
        dayfirst: bool = False,
        date_format: str | None = None,
        phone_region: str | None = None,
    ) -> list[str]:
        """The features (strings) one value of this field sets bits for.

        Raises :class:`~cybertnoc.errors.InvalidValue` when a date, phone number or e-mail
        address cannot be cleaned.

        Examples
        --------
        >>> FieldSpec("name", "name").features("JACKSON, Hannah")[:4]
        ['_h', 'ha', 'an', 'nn']
        >>> FieldSpec("dob", "date").features("07/06/1996", dayfirst=True)
        ['y1996', 'm06', 'd07', 'md0607']
        >>> FieldSpec("phone", "phone").features("07807 214614", phone_region="GB")
        ['+447807214614']
        """
        kind = self.kind
        if kind == "name":
            return qgrams(" ".join(sorted(name_tokens(value))), self.q)
        if kind == "text":
            return qgrams(normalise_text(value), self.q)
        if kind == "exact":
            text = normalise_text(value)
            return [text] if text else []
        if kind == "date":
            iso = clean_date(value, format=date_format, dayfirst=dayfirst)
            if iso is None:
                return []
            parts = iso.split("-")
            out = [f"y{parts[0]}"]
            if len(parts) > 1:
                out.append(f"m{parts[1]}")
            if len(parts) > 2:
                out += [f"d{parts[2]}", "md" + "".join(sorted(parts[1:3]))]
            return out
        if kind == "phone":
            number = clean_phone(value, region=phone_region)
            return [number] if number else []
        address = clean_email(value)  # kind == "email"
        if address is None:
            return []
        local, domain = address.rsplit("@", 1)
        return [*qgrams(normalise_text(local), self.q), f"@{domain}"]


@dataclass(frozen=True)
class BlockingSpec:
    """Hamming LSH over the CLK bits (bit sampling, Indyk & Motwani 1998).

    Each of ``bands`` bands samples ``bits`` bit positions (without replacement, from a numpy
    generator seeded with ``seed``); two records are a candidate pair when all sampled bits of at
    least one band agree. A pair whose filters differ in a fraction ``h`` of their bits collides
    in one band with probability ``(1 - h) ** bits`` and in any band with ``1 - (1 - (1 - h) **
    bits) ** bands``. Bands whose sampled bits are all zero are skipped (they would put every
    sparse record in one block).

    Attributes
    ----------
    bands : int
        Number of bands, 1 to 256 (default 64).
    bits : int
        Bits sampled per band, 1 to 64 (default 20).
    seed : int
        Seed of the bit sampling (public: the keys are derived from the CLKs, which are keyed).
    """

    bands: int = 64
    bits: int = 20
    seed: int = 0

    def __post_init__(self) -> None:
        if not (isinstance(self.bands, int) and 1 <= self.bands <= 256):
            raise _schema_error(self.bands, "a number of bands from 1 to 256", "blocking.bands")
        if not (isinstance(self.bits, int) and 1 <= self.bits <= 64):
            raise _schema_error(self.bits, "a number of bits per band from 1 to 64", "blocking")
        if not (isinstance(self.seed, int) and self.seed >= 0):
            raise _schema_error(self.seed, "a non-negative seed", "blocking.seed")

    def positions(self, size: int) -> np.ndarray:
        """The sampled bit positions, one row per band."""
        rng = np.random.default_rng(self.seed)
        return np.stack([rng.choice(size, self.bits, replace=False) for _ in range(self.bands)])


@dataclass(frozen=True)
class Schema:
    """What two parties agree on before either encodes: fields, filter size, blocking, BLIP.

    Attributes
    ----------
    fields : tuple of FieldSpec
        The fields, OR-ed into one CLK per record.
    size : int
        Bits per filter, a multiple of 64 from 64 to 65,536 (default 1,024).
    blocking : BlockingSpec
        The LSH blocking parameters.
    blip : float
        Probability with which each bit of a CLK is flipped after encoding (BLIP, Schnell &
        Borgs 2016); 0 (default) turns it off.
    version : int
        Version of the schema format (1).

    Examples
    --------
    >>> s = Schema.from_dict({"fields": [{"name": "name", "kind": "name", "hashes": 15}]})
    >>> s.size, s.fields[0].q, Schema.from_dict(s.as_dict()) == s
    (1024, 2, True)
    >>> Schema.from_dict({"fields": [{"name": "x", "kind": "nmae"}]})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cybertnoc.errors.InvalidValue: 'nmae' is not a field kind (name, text, date, ...
    """

    fields: tuple[FieldSpec, ...]
    size: int = 1024
    blocking: BlockingSpec = field(default_factory=BlockingSpec)
    blip: float = 0.0
    version: int = 1

    def __post_init__(self) -> None:
        if not self.fields:
            raise _schema_error([], "a list of at least one field", "fields")
        names = [f.name for f in self.fields]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise _schema_error(repeated, "unique field names", "fields")
        if not (isinstance(self.size, int) and 64 <= self.size <= 65536 and self.size % 64 == 0):
            raise _schema_error(self.size, "a filter size in bits, a multiple of 64", "size")
        if not (isinstance(self.blip, int | float) and 0 <= self.blip < 0.5):
            raise _schema_error(self.blip, "a flip probability from 0 to below 0.5", "blip")
        if self.version != 1:
            raise _schema_error(self.version, "schema version 1", "version")

    def as_dict(self) -> dict[str, Any]:
        """The schema as plain data (what :meth:`to_yaml` writes and the file header holds)."""
        return {
            "version": self.version,
            "size": self.size,
            "fields": [
                {"name": f.name, "kind": f.kind, "q": f.q, "hashes": f.hashes} for f in self.fields
            ],
            "blocking": {
                "bands": self.blocking.bands,
                "bits": self.blocking.bits,
                "seed": self.blocking.seed,
            },
            "blip": float(self.blip),
        }

    @property
    def digest(self) -> str:
        """SHA-256 (16 hex digits) of the canonical JSON of :meth:`as_dict`."""
        text = json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "the schema") -> Schema:
        """Build a schema from plain data; unknown keys are refused, naming the allowed ones."""
        if not isinstance(data, Mapping):
            raise InvalidValue(type(data).__name__, "a mapping", f"Fix {source}")
        _known(data, {"version", "size", "fields", "blocking", "blip"}, source)
        raw_fields = data.get("fields")
        if not isinstance(raw_fields, list):
            raise InvalidValue(raw_fields, "a list of fields under `fields:`", f"Fix {source}")
        specs = []
        for item in raw_fields:
            if not isinstance(item, Mapping) or "name" not in item:
                raise InvalidValue(item, "a field with a `name:`", f"Fix {source}")
            _known(item, {f.name for f in fields(FieldSpec)}, f"{source}, field {item['name']!r}")
            specs.append(FieldSpec(**item))
        blocking = data.get("blocking", {})
        if not isinstance(blocking, Mapping):
            raise InvalidValue(blocking, "a mapping under `blocking:`", f"Fix {source}")
        _known(blocking, {"bands", "bits", "seed"}, f"{source}, blocking")
        kwargs = {k: data[k] for k in ("size", "blip", "version") if k in data}
        return cls(fields=tuple(specs), blocking=BlockingSpec(**blocking), **kwargs)

    def to_yaml(self) -> str:
        """The schema as YAML, with a comment line on each field kind used."""
        import yaml

        lines = [
            "# cybertnoc PPRL schema: both parties must encode with this same file and the same",
            "# linkage key. Field kinds used:",
            *(f"#   {k}: {FIELD_KINDS[k]}" for k in dict.fromkeys(f.kind for f in self.fields)),
        ]
        return "\n".join(lines) + "\n" + yaml.safe_dump(self.as_dict(), sort_keys=False)


def _known(data: Mapping[str, Any], allowed: set[str], source: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise InvalidValue(
            ", ".join(map(str, unknown)),
            f"a known key ({', '.join(sorted(allowed))})",
            f"Fix {source}",
        )


#: The default schema for person records: full name, date of birth, telephone number, address.
#: Weights: a full name gives about 15-25 bigrams at 8 bits each, a date 4 features at 24, a
#: phone number 1 feature at 40, an address about 20-30 bigrams at 2 (see docs/pprl.md).
PERSON_SCHEMA = Schema(
    fields=(
        FieldSpec("name", "name", q=2, hashes=12),
        FieldSpec("date_of_birth", "date", hashes=24),
        FieldSpec("phone", "phone", hashes=40),
        FieldSpec("address", "text", q=2, hashes=2),
    ),
)


def load_schema(path: str | os.PathLike[str] | None) -> Schema:
    """Read a schema from a YAML or JSON file; ``None`` gives :data:`PERSON_SCHEMA`."""
    if path is None:
        return PERSON_SCHEMA
    import yaml

    p = Path(path)
    if not p.is_file():
        raise InvalidValue(str(p), "an existing schema file", "Write one with `pprl schema`")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InvalidValue(
            str(p), "a YAML or JSON schema file", f"It does not parse: {exc}"
        ) from None
    return Schema.from_dict(data, source=f"schema file {p}")


# -- keys -----------------------------------------------------------------------------------------
def _check_key(key: bytes, what: str = "linkage key") -> bytes:
    if not isinstance(key, bytes) or len(key) < MIN_KEY_LENGTH:
        raise KeyMissing(
            f"The {what} must be at least {MIN_KEY_LENGTH} bytes (for example: "
            "python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    return key


def key_check(key: bytes) -> str:
    """A public fingerprint of the linkage key (HMAC-SHA256 of a fixed label, 16 hex digits).

    Written into every encoded file, so that :func:`match` refuses files made with two keys.

    Examples
    --------
    >>> key_check(b"0123456789abcdef-example") == key_check(b"0123456789abcdef-example")
    True
    >>> key_check(b"0123456789abcdef-example") != key_check(b"0123456789abcdef-other")
    True
    """
    return hmac.new(_check_key(key), _CHECK_LABEL, hashlib.sha256).hexdigest()[:16]


# -- encoding -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Encodings:
    """The encodings of one party's records: what leaves the party.

    Attributes
    ----------
    header : dict
        Format, schema and its digest, key check, counts, source and column names, how ids were
        written. No value of any record.
    ids : numpy.ndarray
        The record ids (object array of str), pseudonymised when the header says so.
    clks : numpy.ndarray
        One CLK per record, ``(n, size // 64)`` uint64 words (bit ``p`` is bit ``p % 64`` of
        word ``p // 64``).
    blocks : numpy.ndarray
        LSH keys, ``(n, bands)`` uint64; 0 means the band is skipped for that record.
    problems : tuple of Problem
        Recoverable problems met while encoding (a value that could not be cleaned was left
        out); never written to the file.
    """

    header: dict[str, Any]
    ids: np.ndarray
    clks: np.ndarray
    blocks: np.ndarray
    problems: tuple[Problem, ...] = ()

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def schema(self) -> Schema:
        return Schema.from_dict(self.header["schema"], source="the encoded file's header")


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if value is pd.NaT or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None


def _read_table(path: Path) -> pd.DataFrame:
    suffix = "".join(path.suffixes[-2:]).lower() if path.suffix == ".gz" else path.suffix.lower()
    if not path.is_file():
        raise InvalidValue(str(path), "an existing file", "Check the path")
    if suffix in (".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt"):
        sep = "\t" if suffix.startswith(".tsv") else ","
        return pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False)
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix in (".jsonl", ".ndjson", ".json"):
        return pd.read_json(path, lines=suffix != ".json", dtype=False)
    if suffix == ".xlsx":
        return pd.read_excel(path, dtype=str)
    raise InvalidValue(
        path.name,
        "a .csv, .tsv, .parquet, .jsonl or .xlsx file",
        "Convert the file, or read it with pandas and call encode_frame",
    )


class _Encoder:
    """Feature extraction and bit masks for one schema and key, with caches."""

    def __init__(self, schema: Schema, key: bytes) -> None:
        secret = hmac.new(_check_key(key), _KEY_LABEL, hashlib.sha256).digest()
        self.schema = schema
        self._blip_key = hmac.new(key, _BLIP_LABEL, hashlib.sha256).digest()
        self._bloom = {
            f.name: BloomEncoder(secret, BloomSpec(schema.size, f.hashes, q=f.q))
            for f in schema.fields
        }
        self._masks: dict[tuple[str, str], int] = {}

    def mask(self, field_name: str, feature: str) -> int:
        cached = self._masks.get((field_name, feature))
        if cached is None:
            cached = 0
            for p in self._bloom[field_name].positions(feature, field_name):
                cached |= 1 << p
            if len(self._masks) < 500_000:
                self._masks[(field_name, feature)] = cached
        return cached

    def blip(self, record_id: str, clk: bytes) -> bytes:
        """Flip each bit with probability ``schema.blip``, reproducibly for one record."""
        seed = hmac.new(self._blip_key, record_id.encode() + b"\x1f" + clk, hashlib.sha256)
        rng = np.random.default_rng(int.from_bytes(seed.digest()[:16], "little"))
        flips = np.packbits(rng.random(self.schema.size) < self.schema.blip, bitorder="little")
        return (np.frombuffer(clk, np.uint8) ^ flips).tobytes()


def _problem(
    source: str, row: int | None, column: str | None, expected: str, hint: str, fatal: bool = True
) -> Problem:
    # the offending value is never repeated: it is personal data
    return Problem(source, row, None, column, None, expected, hint, fatal)


def _lsh_keys(clks: np.ndarray, spec: BlockingSpec, size: int) -> np.ndarray:
    positions = spec.positions(size)
    keys = np.zeros((len(clks), spec.bands), np.uint64)
    for j, band in enumerate(positions):
        key = np.zeros(len(clks), np.uint64)
        for t, p in enumerate(band):
            bit = (clks[:, p // 64] >> np.uint64(p % 64)) & np.uint64(1)
            key |= bit << np.uint64(t)
        keys[:, j] = key
    return keys


def encode_frame(
    frame: pd.DataFrame,
    schema: Schema,
    key: bytes,
    id_column: str,
    *,
    columns: Mapping[str, Sequence[str]] | None = None,
    dayfirst: bool = False,
    date_format: str | None = None,
    phone_region: str | None = None,
    id_key: bytes | None = None,
    source: str = "<frame>",
) -> Encodings:
    """Encode the records of a table (see :func:`encode_file` for the parameters).

    Examples
    --------
    >>> rows = pd.DataFrame({"id": ["a1", "a2"], "name": ["Hannah Jackson", "Yusuf Oluwole"],
    ...                      "date_of_birth": ["2002-11-08", ""]})
    >>> enc = encode_frame(rows, PERSON_SCHEMA, b"0123456789abcdef-example", "id",
    ...                    columns={"phone": [], "address": []})
    >>> enc.clks.shape, enc.clks.dtype, list(enc.ids)
    ((2, 16), dtype('uint64'), ['a1', 'a2'])
    """
    encoder = _Encoder(schema, key)
    field_columns = {
        f.name: list(columns.get(f.name, [f.name]) if columns else [f.name]) for f in schema.fields
    }
    unknown = sorted(set(columns or {}) - {f.name for f in schema.fields})
    problems: list[Problem] = []
    names = ", ".join(f.name for f in schema.fields)
    has = f"The file has the columns: {', '.join(str(c) for c in frame.columns)}"
    for name in unknown:
        problems.append(
            _problem(
                source,
                None,
                name,
                f"a field of the schema ({names})",
                "Map columns only to fields the schema has",
            )
        )
    if id_column not in frame.columns:
        problems.append(
            _problem(
                source,
                None,
                id_column,
                "the id column",
                f"{has}; name the id column with --id-column",
            )
        )
    for f in schema.fields:
        problems += [
            _problem(
                source,
                None,
                col,
                f"a column holding field {f.name!r} ({f.kind})",
                f"{has}; map the field with --column {f.name}=COLUMN[+COLUMN] "
                f"(columns={{{f.name!r}: [...]}}), or --column {f.name}= to leave it empty",
            )
            for col in field_columns[f.name]
            if col not in frame.columns
        ]
    if problems:
        raise EncodeRejected(source, problems)
    if id_key is not None and hmac.compare_digest(_check_key(id_key, "id key"), key):
        raise KeyMissing(
            "The id key is the shared linkage key: the other party holds it and could recompute "
            "the pseudonyms of guessed ids. Pseudonymise ids with your own key (--id-key-file "
            "or CYBERTNOC_KEY)."
        )
    raw_ids = [_text(v) for v in frame[id_column].tolist()]
    first: dict[str, int] = {}
    for i, v in enumerate(raw_ids):
        if v is None:
            problems.append(
                _problem(
                    source,
                    i + 1,
                    id_column,
                    "a record id",
                    "Every record needs an id; fill or drop this row",
                )
            )
        elif v in first:
            problems.append(
                _problem(
                    source,
                    i + 1,
                    id_column,
                    "an id used once",
                    f"Row {first[v] + 1} has the same id; ids must be unique within a file",
                )
            )
        else:
            first[v] = i
    if problems:
        raise EncodeRejected(source, problems)
    ids = [str(v) for v in raw_ids]
    if id_key is not None:
        pseudonymiser = Pseudonymiser(id_key)
        ids = [pseudonymiser(v) for v in ids]

    options = {"dayfirst": dayfirst, "date_format": date_format, "phone_region": phone_region}
    masks: dict[tuple[str, str], int | InvalidValue] = {}
    nbytes = schema.size // 8
    out = bytearray()
    empty_records = 0
    values = {col: frame[col].tolist() for cols in field_columns.values() for col in cols}
    warnings: list[Problem] = []
    for row in range(len(frame)):
        bits = 0
        for f in schema.fields:
            cols = field_columns[f.name]
            parts = [t for t in (_text(values[c][row]) for c in cols) if t]
            if not parts:
                continue
            for piece in [" ".join(parts)] if f.kind in ("name", "text") else parts:
                mask = masks.get((f.name, piece))
                if mask is None:
                    try:
                        mask = 0
                        for feat in f.features(piece, **options):
                            mask |= encoder.mask(f.name, feat)
                    except InvalidValue as exc:
                        mask = exc
                    if len(masks) < 1_000_000:
                        masks[(f.name, piece)] = mask
                if isinstance(mask, InvalidValue):
                    hint = f"{mask.hint or 'Unreadable'}; the value was left out of the encoding"
                    warnings.append(
                        _problem(source, row + 1, "+".join(cols), mask.expected, hint, fatal=False)
                    )
                else:
                    bits |= mask
        if not bits:
            empty_records += 1
        clk = bits.to_bytes(nbytes, "little")
        if schema.blip:
            clk = encoder.blip(ids[row], clk)
        out += clk
    clks = np.frombuffer(bytes(out), dtype="<u8").reshape(len(frame), schema.size // 64).copy()
    blocks = _lsh_keys(clks, schema.blocking, schema.size)
    if warnings:
        log.warning(
            "%s: %d value(s) could not be cleaned and were left out of the encoding",
            source,
            len(warnings),
        )
    header = {
        "format": FORMAT,
        "version": _FILE_VERSION,
        "schema": schema.as_dict(),
        "schema_digest": schema.digest,
        "key_check": key_check(key),
        "records": len(frame),
        "empty_records": empty_records,
        "ids": {
            "column": id_column,
            "pseudonymised": id_key is not None,
            "key_check": Pseudonymiser(id_key).key_check if id_key is not None else None,
        },
        "source": Path(source).name,
        "columns": {k: list(v) for k, v in field_columns.items()},
        "options": {k: v for k, v in options.items() if v},
        "cybertnoc": __version__,
    }
    return Encodings(header, np.array(ids, dtype=object), clks, blocks, tuple(warnings))


def encode_file(
    path: str | os.PathLike[str],
    schema: Schema,
    key: bytes,
    id_column: str,
    out: str | os.PathLike[str],
    *,
    columns: Mapping[str, Sequence[str]] | None = None,
    dayfirst: bool = False,
    date_format: str | None = None,
    phone_region: str | None = None,
    id_key: bytes | None = None,
) -> Encodings:
    """Encode a party's file into keyed Bloom-filter CLKs and write the encoded file.

    Each field's values (the columns mapped to it, joined with a space for ``name`` and
    ``text``) are normalised and cleaned, split into features (:meth:`FieldSpec.features`), and
    each feature sets ``hashes`` bits chosen by HMAC-SHA512 under a key derived from ``key``
    (:class:`~cybertnoc.linkage.bloom.BloomEncoder`); the fields are OR-ed into one CLK per
    record (Schnell et al. 2011). A value that cannot be cleaned (an impossible date) is left
    out and reported in :attr:`Encodings.problems`.

    Parameters
    ----------
    path : path
        CSV, TSV, Parquet, JSON lines or XLSX.
    schema : Schema
        The schema both parties agreed on.
    key : bytes
        The linkage key the parties share (at least 16 bytes); never written.
    id_column : str
        The column of record ids. The id leaves the party with the encoding, so it should itself
        be non-identifying (a row number, a pseudonym), or be pseudonymised with ``id_key``.
    out : path
        The encoded file: ``.parquet`` (header in the file's key-value metadata under
        ``cybertnoc.pprl``) or ``.jsonl`` (header on the first line; CLKs in base64).
    columns : mapping, optional
        Field name → the columns that feed it (default: the column of the field's name); an
        empty list leaves the field empty for this party.
    dayfirst, date_format : optional
        How to read dates (:func:`~cybertnoc.model.types.dates.clean_date`).
    phone_region : str, optional
        Country of national phone numbers (:func:`~cybertnoc.model.types.phones.clean_phone`).
    id_key : bytes, optional
        The party's own secret (not the linkage key): ids are replaced by
        :class:`~cybertnoc.ethics.Pseudonymiser` pseudonyms under it, which the party can
        recompute to read matches back.

    Returns
    -------
    Encodings
        What was written, with the recoverable problems.

    Raises
    ------
    EncodeRejected
        Missing columns (all of them, with the columns the file has), empty or repeated ids.
    KeyMissing
        A key shorter than 16 bytes, or ``id_key`` equal to ``key``.
    """
    src = Path(path)
    frame = _read_table(src)
    log.info("encoding %d records of %s", len(frame), src.name)
    encodings = encode_frame(
        frame,
        schema,
        key,
        id_column,
        columns=columns,
        dayfirst=dayfirst,
        date_format=date_format,
        phone_region=phone_region,
        id_key=id_key,
        source=str(src),
    )
    write_encodings(encodings, out)
    return encodings


def write_encodings(encodings: Encodings, out: str | os.PathLike[str]) -> Path:
    """Write encodings as Parquet (default) or JSON lines (``.jsonl``)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(out)
    header = json.dumps(encodings.header, sort_keys=True, separators=(",", ":"))
    n, words = encodings.clks.shape
    raw = np.ascontiguousarray(encodings.clks.astype("<u8")).view(np.uint8).reshape(n, words * 8)
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        with path.open("w", encoding="utf-8") as fh:
            fh.write(json.dumps({FORMAT: encodings.header}, sort_keys=True) + "\n")
            for i in range(n):
                record = {
                    "id": encodings.ids[i],
                    "clk": base64.b64encode(raw[i].tobytes()).decode(),
                    "blocks": [f"{int(k):016x}" for k in encodings.blocks[i]],
                }
                fh.write(json.dumps(record) + "\n")
        return path
    bands = encodings.blocks.shape[1]
    clk = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(words * 8), n, [None, pa.py_buffer(raw.tobytes())]
    )
    blocks = pa.FixedSizeListArray.from_arrays(
        pa.array(encodings.blocks.reshape(-1), pa.uint64()), bands
    )
    table = pa.table(
        {"id": pa.array(list(encodings.ids), pa.string()), "clk": clk, "blocks": blocks}
    )
    table = table.replace_schema_metadata({_META_KEY: header.encode()})
    pq.write_table(table, path, compression="zstd")
    return path


def read_encodings(path: str | os.PathLike[str]) -> Encodings:
    """Read an encoded file written by :func:`write_encodings` (Parquet or JSON lines).

    Raises :class:`EncodingMismatch` when the file is not a cybertnoc PPRL file or of another
    format version.
    """
    import pyarrow.parquet as pq

    p = Path(path)
    if not p.is_file():
        raise InvalidValue(str(p), "an existing encoded file", "Check the path")
    not_ours = EncodingMismatch(
        f"{p} is not a cybertnoc PPRL encoding file (no {FORMAT} header). Encode the party's "
        "records with `cybertnoc pprl encode` first."
    )
    if p.suffix.lower() in (".jsonl", ".ndjson"):
        with p.open(encoding="utf-8") as fh:
            try:
                header = json.loads(fh.readline()).get(FORMAT)
            except (json.JSONDecodeError, AttributeError):
                raise not_ours from None
            if not isinstance(header, dict):
                raise not_ours
            _check_version(p, header)
            ids, clks, blocks = [], [], []
            for line in fh:
                record = json.loads(line)
                ids.append(record["id"])
                clks.append(base64.b64decode(record["clk"]))
                blocks.append([int(k, 16) for k in record["blocks"]])
        words = header["schema"]["size"] // 64
        bands = header["schema"]["blocking"]["bands"]
        clk_arr = np.frombuffer(b"".join(clks), "<u8").reshape(len(ids), words).copy()
        block_arr = np.array(blocks, dtype=np.uint64).reshape(len(ids), bands)
        return Encodings(header, np.array(ids, dtype=object), clk_arr, block_arr)
    try:
        table = pq.read_table(p)
    except Exception:  # pyarrow raises several types for a file that is not Parquet
        raise not_ours from None
    meta = table.schema.metadata or {}
    if _META_KEY not in meta:
        raise not_ours
    header = json.loads(meta[_META_KEY])
    _check_version(p, header)
    n = table.num_rows
    words = header["schema"]["size"] // 64
    bands = header["schema"]["blocking"]["bands"]
    clk_col = table.column("clk").combine_chunks()
    clk_buf = np.frombuffer(clk_col.buffers()[1], np.uint8)
    start = clk_col.offset * words * 8
    clks = clk_buf[start : start + n * words * 8].view("<u8").reshape(n, words).copy()
    blocks_col = table.column("blocks").combine_chunks()
    blocks = blocks_col.flatten().to_numpy(zero_copy_only=False).astype(np.uint64)
    ids = np.array(table.column("id").to_pylist(), dtype=object)
    return Encodings(header, ids, clks, blocks.reshape(n, bands))


def _check_version(path: Path, header: Mapping[str, Any]) -> None:
    if header.get("format") != FORMAT:
        raise EncodingMismatch(f"{path} is not a cybertnoc PPRL encoding file.")
    if header.get("version") != _FILE_VERSION:
        raise EncodingMismatch(
            f"{path} is a PPRL file of format version {header.get('version')}; this cybertnoc "
            f"({__version__}) reads version {_FILE_VERSION}. Encode again with this version."
        )


def check_compatible(a: Encodings, b: Encodings, names: tuple[str, str] = ("A", "B")) -> None:
    """Refuse to compare encodings made with other keys or schemas (:class:`EncodingMismatch`).

    The message names both files, says which parameters differ and what to do.
    """
    ha, hb = a.header, b.header
    if ha["key_check"] != hb["key_check"]:
        raise EncodingMismatch(
            f"{names[0]} and {names[1]} were encoded with different linkage keys (key checks "
            f"{ha['key_check']} and {hb['key_check']}): their filters cannot be compared. Both "
            "parties must encode with the same shared key (--key-file or "
            f"{ENV_PPRL_KEY})."
        )
    if ha["schema_digest"] != hb["schema_digest"]:
        sa, sb = ha["schema"], hb["schema"]
        diffs = [
            f"{k}: {sa.get(k)!r} vs {sb.get(k)!r}"
            for k in sorted(set(sa) | set(sb))
            if sa.get(k) != sb.get(k)
        ]
        raise EncodingMismatch(
            f"{names[0]} and {names[1]} were encoded with different schemas ("
            + "; ".join(diffs)
            + "). Both parties must encode with the same schema file."
        )


# -- Dice kernels ---------------------------------------------------------------------------------
_NUMBA: Any = None


def _kernels() -> Any:
    """Numba kernels when numba is installed (cached on disk), else None."""
    global _NUMBA
    if _NUMBA is not None:
        return _NUMBA or None
    if os.environ.get("CYBERTNOC_NO_NUMBA"):
        _NUMBA = False
        return None
    try:
        import numba
    except ImportError:
        _NUMBA = False
        return None

    @numba.njit(inline="always")
    def _popcount(x):  # pragma: no cover - compiled; LLVM turns this into POPCNT
        x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
        x = (x & np.uint64(0x3333333333333333)) + (
            (x >> np.uint64(2)) & np.uint64(0x3333333333333333)
        )
        x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
        return (x * np.uint64(0x0101010101010101)) >> np.uint64(56)

    @numba.njit(parallel=True, cache=True, nogil=True)
    def matrix(a, b, ca, cb, out):  # pragma: no cover - compiled
        for i in numba.prange(a.shape[0]):
            for j in range(b.shape[0]):
                s = 0
                for w in range(a.shape[1]):
                    s += _popcount(a[i, w] & b[j, w])
                t = ca[i] + cb[j]
                out[i, j] = 2.0 * s / t if t > 0 else 0.0

    @numba.njit(parallel=True, cache=True, nogil=True)
    def pairs(a, b, ia, ib, ca, cb, out):  # pragma: no cover - compiled
        for k in numba.prange(ia.shape[0]):
            i, j = ia[k], ib[k]
            s = 0
            for w in range(a.shape[1]):
                s += _popcount(a[i, w] & b[j, w])
            t = ca[i] + cb[j]
            out[k] = 2.0 * s / t if t > 0 else 0.0

    _NUMBA = (matrix, pairs)
    return _NUMBA


def _words(x: np.ndarray, name: str) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim != 2 or x.dtype != np.uint64:
        raise InvalidValue(f"{x.dtype} array of shape {x.shape}", f"{name}: a 2-d uint64 array")
    return np.ascontiguousarray(x)


def _engine(engine: str) -> Any:
    if engine not in ("auto", "numba", "numpy"):
        raise InvalidValue(engine, "a Dice engine (auto, numba, numpy)")
    kernels = _kernels() if engine != "numpy" else None
    if engine == "numba" and kernels is None:
        raise InvalidValue("numba", "an installed engine", "pip install numba, or use numpy")
    return kernels


def _counts(x: np.ndarray) -> np.ndarray:
    return np.bitwise_count(x).sum(axis=1, dtype=np.int64)


def dice_matrix(a: np.ndarray, b: np.ndarray, *, engine: str = "auto") -> np.ndarray:
    """Dice coefficients of every filter of ``a`` with every filter of ``b``.

    Parameters
    ----------
    a, b : numpy.ndarray
        ``(n, words)`` and ``(m, words)`` uint64 arrays (:attr:`Encodings.clks`).
    engine : {"auto", "numba", "numpy"}
        ``numba``: a compiled, threaded loop of AND and POPCNT over the words (used by ``auto``
        when numba is installed); ``numpy``: the intersections as a float32 matrix product of
        the unpacked bits (exact: counts up to 2^24), through BLAS.

    Returns
    -------
    numpy.ndarray
        ``(n, m)`` float32; 0 where both filters are empty.

    Examples
    --------
    >>> a = np.array([[0b0111], [0b1000]], dtype=np.uint64)
    >>> b = np.array([[0b0101]], dtype=np.uint64)
    >>> dice_matrix(a, b, engine="numpy").astype(float).round(3).tolist()
    [[0.8], [0.0]]
    """
    a, b = _words(a, "a"), _words(b, "b")
    if a.shape[1] != b.shape[1]:
        raise InvalidValue(b.shape[1], f"filters of the same size ({a.shape[1]} words)")
    kernels = _engine(engine)
    ca, cb = _counts(a), _counts(b)
    out = np.empty((len(a), len(b)), np.float32)
    if kernels is not None:
        kernels[0](a, b, ca, cb, out)
        return out
    bits_b = np.unpackbits(b.view(np.uint8), axis=1, bitorder="little").astype(np.float32)
    for start in range(0, len(a), 1024):
        chunk = a[start : start + 1024]
        bits_a = np.unpackbits(chunk.view(np.uint8), axis=1, bitorder="little")
        inter = bits_a.astype(np.float32) @ bits_b.T
        total = (ca[start : start + 1024, None] + cb[None, :]).astype(np.float32)
        np.divide(2 * inter, total, out=inter, where=total > 0)
        inter[total == 0] = 0.0
        out[start : start + len(chunk)] = inter
    return out


def dice_pairs(
    a: np.ndarray, b: np.ndarray, ia: np.ndarray, ib: np.ndarray, *, engine: str = "auto"
) -> np.ndarray:
    """Dice coefficients of the pairs ``(a[ia[k]], b[ib[k]])``, as float64.

    Examples
    --------
    >>> a = np.array([[0b0111], [0b1000]], dtype=np.uint64)
    >>> b = np.array([[0b0101], [0b1000]], dtype=np.uint64)
    >>> dice_pairs(a, b, np.array([0, 1]), np.array([0, 1]), engine="numpy").tolist()
    [0.8, 1.0]
    """
    a, b = _words(a, "a"), _words(b, "b")
    if a.shape[1] != b.shape[1]:
        raise InvalidValue(b.shape[1], f"filters of the same size ({a.shape[1]} words)")
    ia = np.ascontiguousarray(ia, dtype=np.int64)
    ib = np.ascontiguousarray(ib, dtype=np.int64)
    if ia.shape != ib.shape or ia.ndim != 1:
        raise InvalidValue(f"{ia.shape} and {ib.shape}", "two index arrays of one length")
    for idx, n, name in ((ia, len(a), "ia"), (ib, len(b), "ib")):
        if len(idx) and (idx.min() < 0 or idx.max() >= n):
            raise InvalidValue(f"{name} from {idx.min()} to {idx.max()}", f"indexes below {n}")
    kernels = _engine(engine)
    ca, cb = _counts(a), _counts(b)
    out = np.empty(len(ia), np.float64)
    if kernels is not None:
        kernels[1](a, b, ia, ib, ca, cb, out)
        return out
    for s in range(0, len(ia), 65536):
        x, y = ia[s : s + 65536], ib[s : s + 65536]
        inter = np.bitwise_count(a[x] & b[y]).sum(axis=1, dtype=np.int64)
        total = ca[x] + cb[y]
        out[s : s + len(x)] = np.where(total > 0, 2 * inter / np.maximum(total, 1), 0.0)
    return out


# -- blocking and matching ------------------------------------------------------------------------
def _as_encodings(x: Encodings | str | os.PathLike[str]) -> tuple[Encodings, str]:
    if isinstance(x, Encodings):
        return x, x.header.get("source", "<encodings>")
    return read_encodings(x), str(x)


def candidate_pairs(a: Encodings, b: Encodings) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of record indexes that share at least one LSH band key (the union of the bands).

    Empty records and all-zero band keys take part in no pair. Returns two int64 arrays,
    sorted by ``(ia, ib)``, without repeats.
    """
    check_compatible(a, b)
    nb = len(b)
    found: list[np.ndarray] = []
    for j in range(a.blocks.shape[1]):
        ka, kb = a.blocks[:, j], b.blocks[:, j]
        order = np.argsort(kb, kind="stable")
        sb = kb[order]
        lo = np.searchsorted(sb, ka, "left")
        hi = np.searchsorted(sb, ka, "right")
        counts = np.where(ka == 0, 0, hi - lo)
        total = int(counts.sum())
        if not total:
            continue
        rows = np.repeat(np.arange(len(ka), dtype=np.int64), counts)
        starts = np.repeat(lo - np.cumsum(counts) + counts, counts)
        cols = order[starts + np.arange(total)]
        found.append(rows * nb + cols)
    if not found:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    codes = np.unique(np.concatenate(found))
    return codes // nb, codes % nb


def assign_one_to_one(
    ia: np.ndarray, ib: np.ndarray, score: np.ndarray, *, method: str = "greedy"
) -> np.ndarray:
    """Keep at most one pair per record on each side; returns a boolean mask of kept pairs.

    ``greedy`` takes pairs in descending score (ties by index) and keeps a pair when neither
    record is taken yet: a 1/2-approximation of the best total score, and the same as filtering
    the greedy assignment at a lower threshold (so :func:`threshold_curve` is exact for it).
    ``hungarian`` maximises the total score in each connected component of the pair graph
    (``scipy.optimize.linear_sum_assignment``).

    Examples
    --------
    >>> ia, ib = np.array([0, 0, 1]), np.array([0, 1, 0])
    >>> assign_one_to_one(ia, ib, np.array([0.9, 0.8, 0.85])).tolist()
    [True, False, False]
    >>> assign_one_to_one(ia, ib, np.array([0.9, 0.8, 0.85]), method="hungarian").tolist()
    [False, True, True]
    """
    ia, ib, score = np.asarray(ia), np.asarray(ib), np.asarray(score, dtype=np.float64)
    keep = np.zeros(len(ia), bool)
    if method == "greedy":
        order = np.lexsort((ib, ia, -score))
        taken_a: set[int] = set()
        taken_b: set[int] = set()
        for k in order.tolist():
            x, y = int(ia[k]), int(ib[k])
            if x not in taken_a and y not in taken_b:
                taken_a.add(x)
                taken_b.add(y)
                keep[k] = True
        return keep
    if method != "hungarian":
        raise InvalidValue(method, "an assignment method (greedy, hungarian)")
    from scipy.optimize import linear_sum_assignment
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    if not len(ia):
        return keep
    ua, ra = np.unique(ia, return_inverse=True)
    ub, rb = np.unique(ib, return_inverse=True)
    na = len(ua)
    graph = coo_matrix((np.ones(len(ia)), (ra, na + rb)), shape=(na + len(ub),) * 2)
    _, label = connected_components(graph, directed=False)
    comp = label[ra]
    for c in np.unique(comp):
        idx = np.flatnonzero(comp == c)
        rows, r_inv = np.unique(ra[idx], return_inverse=True)
        cols, c_inv = np.unique(rb[idx], return_inverse=True)
        if len(rows) * len(cols) > 25_000_000:
            log.warning("a component of %dx%d records: greedy instead", len(rows), len(cols))
            keep[idx] = assign_one_to_one(ia[idx], ib[idx], score[idx])
            continue
        weights = np.zeros((len(rows), len(cols)))
        weights[r_inv, c_inv] = score[idx] + 1.0  # +1: any real pair beats no pair
        lookup = np.full((len(rows), len(cols)), -1, np.int64)
        lookup[r_inv, c_inv] = idx
        r, s = linear_sum_assignment(weights, maximize=True)
        chosen = lookup[r, s]
        keep[chosen[chosen >= 0]] = True
    return keep


def match(
    a: Encodings | str | os.PathLike[str],
    b: Encodings | str | os.PathLike[str],
    threshold: float = 0.7,
    *,
    one_to_one: bool = True,
    method: str = "greedy",
    blocking: bool = True,
) -> pd.DataFrame:
    """Match two parties' encodings.

    Parameters
    ----------
    a, b : Encodings or path
        The two encoded files (same key and schema, else :class:`EncodingMismatch`).
    threshold : float
        Keep pairs whose Dice coefficient is at least this (default 0.7, chosen on the
        synthetic world, docs/pprl.md).
    one_to_one : bool
        Keep at most one match per record on each side (default). Linkage of two files that
        are each free of duplicates needs this; where one party holds two records of one person
        (de-duplication within a party is out of scope here), only the better scoring of them
        is matched. ``False`` keeps every pair above the threshold.
    method : {"greedy", "hungarian"}
        The one-to-one assignment (:func:`assign_one_to_one`).
    blocking : bool
        Compare only the candidate pairs of the LSH blocking (default); ``False`` compares all
        pairs (exact, ``len(a) * len(b)`` Dice coefficients).

    Returns
    -------
    pandas.DataFrame
        ``id_a``, ``id_b``, ``dice``, by descending ``dice`` then ids. ``attrs`` holds
        ``candidates`` (pairs compared) and ``comparisons`` (all pairs).

    Examples
    --------
    >>> key = b"0123456789abcdef-example"
    >>> fa = pd.DataFrame({"id": ["a1", "a2"], "name": ["Hannah Jackson", "Yusuf Oluwole"],
    ...                    "date_of_birth": ["2002-11-08", "1992-11-28"]})
    >>> fb = pd.DataFrame({"id": ["b1", "b2"], "name": ["JACKSON, Hanna", "Ana Silva"],
    ...                    "date_of_birth": ["08/11/2002", "01/02/1990"]})
    >>> cols = {"phone": [], "address": []}
    >>> ea = encode_frame(fa, PERSON_SCHEMA, key, "id", columns=cols)
    >>> eb = encode_frame(fb, PERSON_SCHEMA, key, "id", columns=cols, dayfirst=True)
    >>> m = match(ea, eb)
    >>> m[["id_a", "id_b"]].values.tolist(), bool(m["dice"].iloc[0] > 0.9)
    ([['a1', 'b1']], True)
    """
    ea, name_a = _as_encodings(a)
    eb, name_b = _as_encodings(b)
    check_compatible(ea, eb, (name_a, name_b))
    if not 0 <= threshold <= 1:
        raise InvalidValue(threshold, "a Dice threshold from 0 to 1")
    comparisons = len(ea) * len(eb)
    if blocking:
        ia, ib = candidate_pairs(ea, eb)
        score = dice_pairs(ea.clks, eb.clks, ia, ib)
        candidates = len(ia)
    else:
        parts_a, parts_b, parts_s = [], [], []
        step = max(1, 4_000_000 // max(len(eb), 1))
        for s in range(0, len(ea), step):
            d = dice_matrix(ea.clks[s : s + step], eb.clks)
            r, c = np.nonzero(d >= threshold)
            parts_a.append(r + s)
            parts_b.append(c)
            parts_s.append(d[r, c].astype(np.float64))
        ia = np.concatenate(parts_a) if parts_a else np.empty(0, np.int64)
        ib = np.concatenate(parts_b) if parts_b else np.empty(0, np.int64)
        score = np.concatenate(parts_s) if parts_s else np.empty(0)
        candidates = comparisons
    above = score >= threshold
    ia, ib, score = ia[above], ib[above], score[above]
    if one_to_one:
        keep = assign_one_to_one(ia, ib, score, method=method)
        ia, ib, score = ia[keep], ib[keep], score[keep]
    result = pd.DataFrame(
        {"id_a": ea.ids[ia].astype(str), "id_b": eb.ids[ib].astype(str), "dice": score}
    )
    result = result.sort_values(["dice", "id_a", "id_b"], ascending=[False, True, True])
    result = result.reset_index(drop=True)
    result.attrs.update(candidates=int(candidates), comparisons=int(comparisons))
    log.info(
        "%d matches from %d candidate pairs of %d (reduction %.4f)",
        len(result),
        candidates,
        comparisons,
        1 - candidates / comparisons if comparisons else 0.0,
    )
    return result


# -- evaluation -----------------------------------------------------------------------------------
def _pair_set(pairs: pd.DataFrame | Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    if isinstance(pairs, pd.DataFrame):
        missing = [c for c in ("id_a", "id_b") if c not in pairs.columns]
        if missing:
            raise InvalidValue(list(pairs.columns), "a table with columns id_a and id_b")
        return set(zip(pairs["id_a"].astype(str), pairs["id_b"].astype(str), strict=True))
    return {(str(x), str(y)) for x, y in pairs}


def _max_matching(pairs: set[tuple[str, str]]) -> int:
    if not pairs:
        return 0
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_bipartite_matching

    left = {x: i for i, x in enumerate(sorted({p[0] for p in pairs}))}
    right = {y: i for i, y in enumerate(sorted({p[1] for p in pairs}))}
    rows = [left[x] for x, _ in pairs]
    cols = [right[y] for _, y in pairs]
    graph = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(left), len(right)))
    return int((maximum_bipartite_matching(graph, perm_type="column") >= 0).sum())


def evaluate(
    matches: pd.DataFrame | Iterable[tuple[str, str]],
    true_pairs: pd.DataFrame | Iterable[tuple[str, str]],
) -> dict[str, Any]:
    """Pairwise precision, recall and F1 of matches against the true pairs.

    Only pairs across the two files count: a pair is a record of party A and one of party B.
    (A clustering-based score such as :func:`cybertnoc.linkage.evaluate.pairwise_scores` also
    counts the pairs of two records of one file placed in one cluster.)

    Parameters
    ----------
    matches, true_pairs : DataFrame with ``id_a`` and ``id_b``, or iterable of pairs

    Returns
    -------
    dict
        ``pairwise``: ``precision``, ``recall``, ``f1``, ``tp``, ``fp``, ``fn``; with no
        match precision is 1 (nothing false was asserted), with no true pair recall is 1, and F1
        is 0 when both are 0, the conventions of :mod:`cybertnoc.linkage.evaluate`;
        ``matches`` and ``true_pairs`` (counts);
        ``max_recall_one_to_one``: the recall of the best possible one-to-one assignment (below
        1 where one party holds several records of one person).

    Examples
    --------
    >>> r = evaluate([("a1", "b1"), ("a2", "b3")], [("a1", "b1"), ("a2", "b2"), ("a3", "b2")])
    >>> r["pairwise"]
    {'precision': 0.5, 'recall': 0.3333333333333333, 'f1': 0.4, 'tp': 1, 'fp': 1, 'fn': 2}
    >>> r["max_recall_one_to_one"]
    0.6666666666666666
    """
    found, truth = _pair_set(matches), _pair_set(true_pairs)
    tp = len(found & truth)
    fp, fn = len(found) - tp, len(truth) - tp
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "pairwise": {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "tp": tp,
            "fp": fp,
            "fn": fn,
        },
        "matches": len(found),
        "true_pairs": len(truth),
        "max_recall_one_to_one": _max_matching(truth) / len(truth) if truth else 0.0,
    }


def threshold_curve(
    matches: pd.DataFrame,
    true_pairs: pd.DataFrame | Iterable[tuple[str, str]],
    thresholds: Sequence[float] | None = None,
) -> pd.DataFrame:
    """Precision, recall and F1 of ``matches`` kept at each threshold (``dice >= t``).

    Run :func:`match` once at the lowest threshold: for greedy one-to-one and for all pairs,
    the matches at a higher threshold are exactly those with a higher Dice coefficient.

    Examples
    --------
    >>> m = pd.DataFrame({"id_a": ["a1", "a2"], "id_b": ["b1", "b2"], "dice": [0.9, 0.7]})
    >>> threshold_curve(m, [("a1", "b1")], [0.6, 0.8])[["threshold", "precision", "recall"]]
       threshold  precision  recall
    0        0.6        0.5     1.0
    1        0.8        1.0     1.0
    """
    truth = _pair_set(true_pairs)
    if thresholds is None:
        thresholds = [round(t, 2) for t in np.arange(0.5, 1.0001, 0.02)]
    rows = []
    for t in thresholds:
        kept = matches[matches["dice"] >= t]
        r = evaluate(kept, truth)
        rows.append({"threshold": float(t), **r["pairwise"], "matches": r["matches"]})
    return pd.DataFrame(rows)


def true_pairs(
    truth: pd.DataFrame | str | os.PathLike[str],
    source_a: str | None = None,
    source_b: str | None = None,
) -> pd.DataFrame:
    """The true pairs ``(id_a, id_b)`` from a ground-truth table.

    ``truth`` either has columns ``id_a`` and ``id_b`` (returned as they are), or is a synthetic
    world's ``truth/person_identities.csv`` (``source_file``, ``record_id``, ``person_id``): the
    pairs are the records of ``source_a`` and ``source_b`` (file names, matched on the last path
    component) with the same ``person_id``.

    Examples
    --------
    >>> t = pd.DataFrame({"source_file": ["data/a.csv", "data/a.csv", "data/b.csv"],
    ...                   "record_id": ["1", "2", "x"], "person_id": ["P1", "P2", "P1"]})
    >>> true_pairs(t, "a.csv", "b.csv").values.tolist()
    [['1', 'x']]
    """
    frame = truth if isinstance(truth, pd.DataFrame) else _read_table(Path(truth))
    frame = frame.astype(str)
    if {"id_a", "id_b"} <= set(frame.columns):
        return frame[["id_a", "id_b"]].drop_duplicates().reset_index(drop=True)
    if not {"source_file", "record_id", "person_id"} <= set(frame.columns):
        raise InvalidValue(
            ", ".join(map(str, frame.columns)),
            "a truth table with columns id_a, id_b or source_file, record_id, person_id",
        )
    if not source_a or not source_b:
        raise InvalidValue(
            (source_a, source_b),
            "the two source file names",
            "A person_identities table needs the sources of both sides (--source-a/--source-b)",
        )
    base = frame["source_file"].map(lambda s: Path(s).name)
    sides = []
    for src in (source_a, source_b):
        part = frame[base == Path(src).name]
        if part.empty:
            raise InvalidValue(
                src,
                "a source_file of the truth table",
                f"It has: {', '.join(sorted(set(base)))}",
            )
        sides.append(part[["record_id", "person_id"]])
    pairs = sides[0].merge(sides[1], on="person_id")
    out = pairs.rename(columns={"record_id_x": "id_a", "record_id_y": "id_b"})
    return (
        out[["id_a", "id_b"]].drop_duplicates().sort_values(["id_a", "id_b"]).reset_index(drop=True)
    )


def blocking_stats(
    a: Encodings, b: Encodings, truth: pd.DataFrame | Iterable[tuple[str, str]]
) -> dict[str, Any]:
    """How good the blocking is: candidate pairs, reduction ratio and pairs completeness.

    ``reduction_ratio`` is ``1 - candidates / (len(a) * len(b))``; ``pairs_completeness`` the
    share of true pairs (whose ids are in the files) that are candidates (Christen 2012, *Data
    Matching*, §7).
    """
    ia, ib = candidate_pairs(a, b)
    index_a = {x: i for i, x in enumerate(a.ids)}
    index_b = {y: i for i, y in enumerate(b.ids)}
    pairs = [(index_a[x], index_b[y]) for x, y in _pair_set(truth) if x in index_a and y in index_b]
    codes = set((ia * len(b) + ib).tolist())
    found = sum(1 for x, y in pairs if x * len(b) + y in codes)
    total = len(a) * len(b)
    return {
        "candidates": len(ia),
        "comparisons": total,
        "reduction_ratio": 1 - len(ia) / total if total else 0.0,
        "pairs_completeness": found / len(pairs) if pairs else 0.0,
        "true_pairs": len(pairs),
    }
