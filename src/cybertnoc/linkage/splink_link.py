"""Probabilistic entity resolution with Splink (Fellegi-Sunter), on the DuckDB backend.

A *schema setting* (:class:`SchemaSettings`) says, for one kind of entity, which fields make a
record, how each is compared and which blocking rules propose candidate pairs. Two modes share
it:

- ``encoded`` (the workspace): personal values are pseudonyms (``p:`` + HMAC) with a keyed
  Bloom filter of their normalised plaintext beside them (table ``value_encodings``); a
  comparison's levels are *exact pseudonym equality*, then *Dice thresholds on the encodings*
  (:func:`cybertnoc.linkage.bloom.dice_sql`). Non-personal plaintext fields (nationality,
  gender, cities, handles, PGP fingerprints, crypto addresses) use Splink's Jaro-Winkler,
  Damerau-Levenshtein and exact levels.
- ``plain`` (:func:`link_records` on a file outside a workspace): every field is plaintext,
  normalised (:mod:`cybertnoc.linkage.normalise`) and compared with Jaro-Winkler /
  Damerau-Levenshtein levels; the reference for privacy-preserving linkage.

Training is Splink's: u probabilities by random sampling (seeded), the prior from
deterministic rules, m probabilities by expectation maximisation on two or more blocking rules.
Pairs are scored on the union of the prediction blocking rules and clustered by connected
components at a match-probability threshold. Everything takes a seed and runs on one DuckDB
thread, so the same records and seed give the same model, pairs and clusters.

See ``docs/linkage.md``.

References
----------
.. [1] Fellegi, I. P. & Sunter, A. B. (1969). A theory for record linkage. JASA 64(328).
.. [2] Linacre, R., Lindsay, S., Manassis, T., Slade, Z., Hepworth, T., Kennedy, R. & Bond, A.
   (2022). Splink: free software for probabilistic record linkage at scale. IJPDS 7(3).
.. [3] Broder, A. Z. (1997). On the resemblance and containment of documents (MinHash).
   Compression and Complexity of Sequences, 21-29.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import math
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from cybertnoc.errors import InvalidValue, SchemaError
from cybertnoc.linkage.bloom import dice_sql
from cybertnoc.linkage.normalise import normalise_name, normalise_text, qgrams

if TYPE_CHECKING:
    from cybertnoc.store import Workspace

__all__ = [
    "DEFAULT_THRESHOLD",
    "Field",
    "LinkResult",
    "SchemaSettings",
    "cluster_pairs",
    "get_schema_settings",
    "link_frame",
    "link_records",
    "record_table",
    "register_schema",
    "schema_names",
]

log = logging.getLogger(__name__)

Mode = Literal["encoded", "plain"]
Kind = Literal["name", "date", "identifier", "text", "code", "string"]

#: Default match-probability threshold of a cluster edge (chosen on the demo world: see
#: docs/linkage.md, "Evaluation").
DEFAULT_THRESHOLD = 0.9
#: Pairs scored below this probability are not kept (neither stored nor clustered).
PAIR_FLOOR = 0.01
#: MinHash blocking on a field's q-grams or Bloom bits: ``bands`` keys of ``rows`` minima each.
#: Smallest m probability EM may give a comparison level (see :func:`_m_floor`).
M_FLOOR = 1e-3
LSH_BANDS = 16
LSH_ROWS = 5
#: Companion keys (``SchemaSettings.lsh_with``): bands of this many minima, each combined with
#: the companion field's value.
COMPANION_BANDS = 8
COMPANION_ROWS = 2
#: The list column of MinHash blocking keys (one exploded blocking rule).
BLOCK_KEYS = "block_keys"
#: An EM training rule that blocks more pairs than this trains on a seeded sample of them.
EM_MAX_PAIRS = 2_000_000
#: A MinHash key shared by more records than this proposes no pairs (block purging).
LSH_MAX_BUCKET = 50
#: ... nor do the largest buckets beyond this many pairs per record (1,000,000 at least).
LSH_PAIR_BUDGET = 5


# -- schema settings ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Field:
    """One field of a linkage record.

    Attributes
    ----------
    name : str
        Column of the record table (``name``, ``birth_date``, ...).
    props : tuple of str
        Properties whose values fill it, in order of preference: ``"birthDate"`` (the
        entity's own), ``"addressEntity.street"`` (of the entity a property points to) or
        ``"~vendor.pgpFingerprint"`` (of the entities whose ``vendor`` points to this one).
    kind : str
        How values are compared: ``name`` (person or organisation names), ``date``,
        ``identifier`` (phones, e-mails, handles: exact, then a typo), ``text`` (addresses),
        ``code`` (exact only: countries, gender, fingerprints, crypto addresses), ``string``
        (plaintext: Jaro-Winkler and Damerau-Levenshtein).
    encoded : bool
        Personal in the workspace: values are pseudonyms, compared by equality and by the Dice
        coefficient of their Bloom encodings (column ``<name>_bf``). Plaintext otherwise.
    lsh : bool
        Propose candidate pairs by MinHash bands of the field's q-grams (or Bloom bits).
    label : str
        Words for charts and explanations ("date of birth").
    """

    name: str
    props: tuple[str, ...]
    kind: Kind
    encoded: bool = False
    lsh: bool = False
    label: str = ""

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ")


@dataclass(frozen=True)
class SchemaSettings:
    """How entities of one schema are linked.

    Attributes
    ----------
    schema : str
        The name users give (``Person``).
    schemata : tuple of str
        The workspace schemata whose entities are records (``("Person",)``).
    fields : tuple of Field
        The record's fields; each field is one comparison.
    block_on : tuple of tuple of str
        Prediction blocking rules (equality on all the fields of each tuple), beside the LSH
        bands of the ``lsh`` fields. A field used in a rule here compares its pseudonym in
        encoded mode.
    train_on : tuple of tuple of str
        Blocking rules of the EM sessions (two or more, so that every comparison is estimated
        in at least one); a rule on a name field blocks on its encoding in encoded mode.
    deterministic : tuple of tuple of str
        Rules that admit few false matches, for the prior (probability that two random records
        match), with ``recall`` their assumed recall.
    recall : float
        Assumed recall of the ``deterministic`` rules.
    description : str
        One line for the documentation and ``--help``.
    lsh_with : tuple of (str, str)
        ``(lsh field, companion)``: also block on the companion's value combined with small
        MinHash bands of the field (same date of birth and a loosely similar name), in place
        of an equality rule on the companion alone, which proposes quadratically many pairs
        (a date of birth is shared by about 50 of a million records).
    """

    schema: str
    schemata: tuple[str, ...]
    fields: tuple[Field, ...]
    block_on: tuple[tuple[str, ...], ...]
    train_on: tuple[tuple[str, ...], ...]
    deterministic: tuple[tuple[str, ...], ...]
    recall: float = 0.6
    description: str = ""
    lsh_with: tuple[tuple[str, str], ...] = ()

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise InvalidValue(name, f"a field of the {self.schema} linkage settings")


_REGISTRY: dict[str, SchemaSettings] = {}


def register_schema(settings: SchemaSettings, *, replace_existing: bool = False) -> None:
    """Add the linkage settings of a schema (``cybertnoc link run --schema NAME`` uses them)."""
    key = settings.schema.casefold()
    if key in _REGISTRY and not replace_existing:
        raise InvalidValue(
            settings.schema, "a schema without linkage settings", "pass replace_existing=True"
        )
    _REGISTRY[key] = settings


def schema_names() -> list[str]:
    """The schemata with linkage settings."""
    return sorted(s.schema for s in _REGISTRY.values())


def get_schema_settings(schema: str | SchemaSettings) -> SchemaSettings:
    """The settings registered for ``schema`` (case-insensitive), or ``schema`` itself."""
    if isinstance(schema, SchemaSettings):
        return schema
    found = _REGISTRY.get(str(schema).casefold())
    if found is None:
        raise SchemaError(
            f"No linkage settings for schema {schema!r}: expected one of "
            f"{', '.join(schema_names())}. Register others with "
            "cybertnoc.linkage.splink_link.register_schema()."
        )
    return found


PERSON = SchemaSettings(
    schema="Person",
    schemata=("Person",),
    fields=(
        Field("name", ("name",), "name", encoded=True, lsh=True, label="name"),
        Field("birth_date", ("birthDate",), "date", encoded=True, label="date of birth"),
        Field("phone", ("phone",), "identifier", encoded=True, label="phone"),
        Field("email", ("email",), "identifier", encoded=True, label="e-mail"),
        Field(
            "address",
            ("address", "addressEntity.street", "addressEntity.full"),
            "text",
            encoded=True,
            label="address",
        ),
        Field("city", ("addressEntity.city",), "string", label="city"),
        Field("nationality", ("nationality", "citizenship"), "code", label="nationality"),
        Field("gender", ("gender",), "code", label="gender"),
    ),
    block_on=(("name",), ("phone",), ("email",)),
    train_on=(("name",), ("birth_date",)),
    deterministic=(("name", "birth_date"), ("phone",), ("email",)),
    recall=0.7,
    lsh_with=(("name", "birth_date"),),
    description="people: names, dates of birth, phones, e-mails, addresses, nationality",
)

LEGAL_ENTITY = SchemaSettings(
    schema="LegalEntity",
    schemata=("LegalEntity", "Organization", "Company"),
    fields=(
        Field("name", ("name",), "name", encoded=True, lsh=True, label="name"),
        Field(
            "registration",
            ("registrationNumber", "taxNumber", "leiCode"),
            "code",
            label="registration number",
        ),
        Field("phone", ("phone",), "identifier", encoded=True, label="phone"),
        Field("email", ("email",), "identifier", encoded=True, label="e-mail"),
        Field(
            "address",
            ("address", "addressEntity.street", "addressEntity.full"),
            "text",
            encoded=True,
            label="address",
        ),
        Field("country", ("jurisdiction", "country", "addressEntity.country"), "code"),
    ),
    block_on=(("name",), ("registration",), ("phone",), ("email",)),
    train_on=(("name",), ("phone",), ("country",)),
    deterministic=(("registration",), ("name", "country")),
    recall=0.6,
    description="organisations and companies: name, registration, phone, e-mail, address",
)

USER_ACCOUNT = SchemaSettings(
    schema="UserAccount",
    schemata=("UserAccount",),
    fields=(
        Field("handle", ("username",), "identifier", encoded=True, lsh=True, label="handle"),
        Field("pgp", ("~vendor.pgpFingerprint",), "code", label="PGP key fingerprint"),
        Field("phone", ("phone",), "identifier", encoded=True, label="phone"),
        Field("email", ("email",), "identifier", encoded=True, label="e-mail"),
        Field("crypto", ("~holder.publicKey",), "code", label="crypto address"),
        Field("service", ("service",), "code", label="market or service"),
    ),
    block_on=(("handle",), ("pgp",), ("phone",), ("email",)),
    train_on=(("handle",), ("pgp",)),
    deterministic=(("pgp",),),
    recall=0.5,
    description="online accounts (darknet vendors): handle, PGP fingerprint, phone, e-mail",
)

for _s in (PERSON, LEGAL_ENTITY, USER_ACCOUNT):
    register_schema(_s)


# -- the record table -----------------------------------------------------------------------------
def _bf_col(f: Field) -> str:
    return f"{f.name}_bf"


def _all_col(f: Field) -> str:
    return f"{f.name}_all"


def _normalise(f: Field, value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value)
    if text.startswith("p:"):
        return text
    if f.kind == "name":
        out = normalise_name(text)
    elif f.kind == "code":
        out = "".join(text.split()).upper()
    elif f.kind == "date":
        out = text.strip()[:10]
    else:
        out = normalise_text(text)
    return out or None


def record_table(ws: Workspace, schema: str | SchemaSettings = "Person") -> pd.DataFrame:
    """One linkage record per entity of the schema, from the workspace's statements.

    Columns: ``unique_id`` (the entity id), ``dataset``, and per field its first value (the
    smallest, a pseudonym for encoded fields), ``<field>_all`` (every value, sorted) and, for
    encoded fields, ``<field>_bf`` (the Bloom encoding of the first value, NULL where none
    was stored). Plaintext values are normalised as in plain mode. Rows are sorted by id.
    """
    settings = get_schema_settings(schema)
    schemata = list(settings.schemata)
    marks = ", ".join("?" * len(schemata))
    parts: list[str] = []
    params: list[Any] = []
    for f in settings.fields:
        for rank, prop in enumerate(f.props):
            if prop.startswith("~"):
                ref, _, target = prop[1:].partition(".")
                parts.append(
                    "SELECT r.value AS entity_id, ? AS field, ? AS rank, t.value FROM statements r "
                    "JOIN statements t ON t.entity_id = r.entity_id AND t.prop = ? "
                    "WHERE r.prop = ? AND r.prop_type = 'entity'"
                )
                params += [f.name, rank, target, ref]
            elif "." in prop:
                ref, _, target = prop.partition(".")
                parts.append(
                    "SELECT r.entity_id, ? AS field, ? AS rank, t.value FROM statements r "
                    "JOIN statements t ON t.entity_id = r.value AND t.prop = ? "
                    f"WHERE r.prop = ? AND r.schema IN ({marks})"
                )
                params += [f.name, rank, target, ref, *schemata]
            else:
                parts.append(
                    "SELECT entity_id, ? AS field, ? AS rank, value FROM statements "
                    f"WHERE prop = ? AND schema IN ({marks})"
                )
                params += [f.name, rank, prop, *schemata]
    values = " UNION ALL ".join(parts)
    ents = ws.con.execute(
        f"SELECT id, min(dataset) FROM entities WHERE schema IN ({marks}) GROUP BY id ORDER BY id",
        schemata,
    ).fetchall()
    rows = ws.con.execute(
        f"""
        WITH v AS ({values}),
        best AS (SELECT entity_id, field, min(rank) AS rank FROM v GROUP BY ALL)
        SELECT v.entity_id, v.field, list(DISTINCT v.value ORDER BY v.value) AS vals
        FROM v JOIN best USING (entity_id, field, rank)
        WHERE v.entity_id IN (SELECT id FROM entities WHERE schema IN ({marks}))
        GROUP BY ALL
        """,
        [*params, *schemata],
    ).fetchall()
    by_entity: dict[str, dict[str, list[str]]] = {}
    for entity_id, name, vals in rows:
        by_entity.setdefault(entity_id, {})[name] = list(vals)
    data: dict[str, list[Any]] = {
        "unique_id": [e[0] for e in ents],
        "dataset": [e[1] for e in ents],
    }
    for f in settings.fields:
        firsts, alls = [], []
        for entity_id, _ in ents:
            vals = [_normalise(f, v) for v in by_entity.get(entity_id, {}).get(f.name, [])]
            vals = sorted({v for v in vals if v})
            firsts.append(vals[0] if vals else None)
            alls.append(vals or None)
        data[f.name] = firsts
        data[_all_col(f)] = alls
    frame = pd.DataFrame(data)
    for f in settings.fields:
        if not f.encoded:
            continue
        pseudonyms = sorted({v for v in frame[f.name] if isinstance(v, str) and v.startswith("p:")})
        encodings: dict[str, bytes] = {}
        if pseudonyms:
            ws.con.register("_link_values", pd.DataFrame({"value": pseudonyms}))
            try:
                encodings = {
                    v: bytes(e)
                    for v, e in ws.con.execute(
                        "SELECT e.value, e.encoding FROM value_encodings e "
                        "JOIN _link_values USING (value)"
                    ).fetchall()
                }
            finally:
                ws.con.unregister("_link_values")
        frame[_bf_col(f)] = [encodings.get(v) if v else None for v in frame[f.name]]
    return frame


# -- comparisons ----------------------------------------------------------------------------------
def _dice(f: Field) -> str:
    return dice_sql(f"{_bf_col(f)}_l", f"{_bf_col(f)}_r")


def _comparison(f: Field, mode: Mode) -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    col, title = f.name, f.title
    encoded = mode == "encoded" and f.encoded
    null = cll.NullLevel(col).configure(label_for_charts=f"{title}: missing")
    levels: list[Any]
    if f.kind == "code":
        levels = [null, cll.ExactMatchLevel(col).configure(label_for_charts=f"{title}: equal")]
    elif encoded and f.kind in ("name", "text", "identifier", "date"):
        exact = cll.ExactMatchLevel(col).configure(
            label_for_charts=f"{title}: equal (same pseudonym)"
        )
        if f.kind == "identifier":
            exact = cll.CustomLevel(
                f"list_has_any({col}_all_l, {col}_all_r)",
                label_for_charts=f"{title}: a value in common (same pseudonym)",
            )
        thresholds = {
            "name": [
                (0.99, "same normalised name"),
                (0.85, "Dice ≥ 0.85"),
                (0.7, "Dice ≥ 0.70"),
                (0.55, "Dice ≥ 0.55"),
            ],
            "date": [
                (0.99, "same digits (day and month swapped)"),
                (0.75, "Dice ≥ 0.75 (one digit differs)"),
            ],
            "identifier": [(0.8, "Dice ≥ 0.80 (a typo)")],
            "text": [(0.8, "Dice ≥ 0.80"), (0.5, "Dice ≥ 0.50")],
        }[f.kind]
        levels = [null, exact]
        for t, words in thresholds:
            levels.append(
                cll.CustomLevel(f"{_dice(f)} >= {t}", label_for_charts=f"{title}: {words}")
            )
        if f.kind != "date":  # values a mapping did not mark personal stay plaintext
            levels.append(
                cll.CustomLevel(
                    f"NOT starts_with({col}_l, 'p:') AND NOT starts_with({col}_r, 'p:') AND "
                    f"jaro_winkler_similarity({col}_l, {col}_r) >= 0.9",
                    label_for_charts=f"{title}: plaintext, JW ≥ 0.90",
                )
            )
    elif f.kind == "date":
        swapped = (
            f"substr({col}_l, 1, 4) = substr({col}_r, 1, 4) AND "
            f"substr({col}_l, 6, 2) = substr({col}_r, 9, 2) AND "
            f"substr({col}_l, 9, 2) = substr({col}_r, 6, 2)"
        )
        levels = [
            null,
            cll.ExactMatchLevel(col).configure(label_for_charts=f"{title}: equal"),
            cll.CustomLevel(swapped, label_for_charts=f"{title}: day and month swapped"),
            cll.DamerauLevenshteinLevel(col, 1).configure(
                label_for_charts=f"{title}: one digit differs"
            ),
        ]
    elif f.kind == "name":
        levels = [
            null,
            cll.ExactMatchLevel(col).configure(label_for_charts=f"{title}: same normalised name"),
            cll.JaroWinklerLevel(col, 0.95).configure(label_for_charts=f"{title}: JW ≥ 0.95"),
            cll.JaroWinklerLevel(col, 0.88).configure(label_for_charts=f"{title}: JW ≥ 0.88"),
            cll.DamerauLevenshteinLevel(col, 3).configure(label_for_charts=f"{title}: DL ≤ 3"),
            cll.JaroWinklerLevel(col, 0.75).configure(label_for_charts=f"{title}: JW ≥ 0.75"),
        ]
    elif f.kind == "identifier":
        levels = [
            null,
            cll.CustomLevel(
                f"list_has_any({col}_all_l, {col}_all_r)",
                label_for_charts=f"{title}: a value in common",
            ),
            cll.DamerauLevenshteinLevel(col, 1).configure(label_for_charts=f"{title}: a typo"),
            cll.JaroWinklerLevel(col, 0.9).configure(label_for_charts=f"{title}: JW ≥ 0.90"),
        ]
    else:  # text, string (plaintext)
        levels = [
            null,
            cll.ExactMatchLevel(col).configure(label_for_charts=f"{title}: equal"),
            cll.DamerauLevenshteinLevel(col, 1).configure(label_for_charts=f"{title}: a typo"),
            cll.JaroWinklerLevel(col, 0.9).configure(label_for_charts=f"{title}: JW ≥ 0.90"),
            cll.JaroWinklerLevel(col, 0.75).configure(label_for_charts=f"{title}: JW ≥ 0.75"),
        ]
    levels.append(cll.ElseLevel().configure(label_for_charts=f"{title}: different"))
    return cl.CustomComparison(
        comparison_levels=levels, output_column_name=col, comparison_description=title
    )


def _rule_columns(
    settings: SchemaSettings, rule: Sequence[str], mode: Mode, frame: pd.DataFrame, *, train: bool
) -> list[str]:
    """The record columns of a blocking rule: a name field trains on its encoding (equal
    normalised names, whatever the order or script) in encoded mode, where it has one."""
    cols = []
    for name in rule:
        f = settings.field(name)
        bf = _bf_col(f)
        if (
            train
            and mode == "encoded"
            and f.encoded
            and f.kind == "name"
            and bf in frame
            and int(frame[bf].notna().sum()) >= 2
        ):
            cols.append(bf)
        else:
            cols.append(f.name)
    return cols


# -- MinHash blocking keys ------------------------------------------------------------------------
def _stable_int(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest(), "little")


_PRIME = (1 << 31) - 1
_KERNEL: Any = None


def _minhash_kernel() -> Any:
    """The numba MinHash kernel (compiled once, cached on disk), or None without numba."""
    global _KERNEL
    if _KERNEL is not None:
        return _KERNEL or None
    try:
        import numba
    except ImportError:  # pragma: no cover - numba is a dependency
        _KERNEL = False
        return None

    @numba.njit(parallel=True, cache=True, nogil=True)
    def minhash(flat, offsets, a, b, prime, out):  # pragma: no cover - compiled
        for i in numba.prange(offsets.shape[0] - 1):
            for j in range(a.shape[0]):
                m = prime
                for t in range(offsets[i], offsets[i + 1]):
                    h = (flat[t] * a[j] + b[j]) % prime
                    if h < m:
                        m = h
                out[i, j] = m

    _KERNEL = minhash
    return minhash


def _minhash(flat: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per set (``flat[offsets[i]:offsets[i+1]]``, non-empty), the minimum of each hash
    function ``(x * a + b) mod (2^31 - 1)`` over its elements: an (n, len(a)) int64 array."""
    n = len(offsets) - 1
    out = np.empty((n, len(a)), dtype=np.int64)
    if n == 0:
        return out
    flat = np.ascontiguousarray(flat % _PRIME, dtype=np.int64)
    kernel = _minhash_kernel()
    if kernel is not None:
        kernel(flat, np.ascontiguousarray(offsets, dtype=np.int64), a, b, _PRIME, out)
        return out
    # numpy: chunks of about 200,000 elements keep the (elements x k) matrix near 130 MB.
    starts = offsets[:-1]
    bounds = np.searchsorted(offsets, np.arange(200_000, offsets[-1], 200_000))
    for lo, hi in itertools.pairwise([0, *np.unique(bounds).tolist(), n]):
        if lo >= hi:
            continue
        chunk = flat[offsets[lo] : offsets[hi]]
        hashed = (chunk[:, None] * a[None, :] + b[None, :]) % _PRIME
        out[lo:hi] = np.minimum.reduceat(hashed, starts[lo:hi] - offsets[lo], axis=0)
    return out


def _set_keys(f: Field, frame: pd.DataFrame, mode: Mode) -> list[Any]:
    """Per record, what its element set is made of: the Bloom encoding of a pseudonymised
    value (bytes), a plaintext value (str), or None."""
    encodings = (
        frame[_bf_col(f)].tolist()
        if mode == "encoded" and f.encoded and _bf_col(f) in frame
        else [None] * len(frame)
    )
    out: list[Any] = []
    for enc, value in zip(encodings, frame[f.name].tolist(), strict=True):
        if isinstance(enc, bytes | bytearray | memoryview):
            out.append(bytes(enc))
        elif isinstance(value, str) and value and not value.startswith("p:"):
            out.append(value)
        else:
            out.append(None)
    return out


def _minima(f: Field, frame: pd.DataFrame, mode: Mode, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """MinHash signatures of a field (one row per record, -1 where it has no elements): over
    the set bits of a Bloom encoding, or the hashed q-grams of a plaintext value. Each
    distinct value is hashed once."""
    codes, uniques = pd.factorize(pd.Series(_set_keys(f, frame, mode), dtype=object))
    grams: dict[str, int] = {}
    sets: list[np.ndarray] = []
    for u in uniques:
        if isinstance(u, bytes):
            bits = np.unpackbits(np.frombuffer(u, dtype=np.uint8), bitorder="little")
            sets.append(np.flatnonzero(bits).astype(np.int64))
        else:
            ids = set()
            for g in qgrams(u):
                h = grams.get(g)
                if h is None:
                    grams[g] = h = _stable_int(g)
                ids.add(h)
            sets.append(np.array(sorted(ids), dtype=np.int64))
    sizes = np.array([len(s) for s in sets], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    flat = np.concatenate(sets) if sets else np.empty(0, dtype=np.int64)
    signatures = _minhash(flat, offsets, a, b)
    out = np.full((len(frame), len(a)), -1, dtype=np.int64)
    has = codes >= 0
    valid = np.zeros(len(uniques), dtype=bool)
    valid[sizes > 0] = True
    rows = has.copy()
    rows[has] = valid[codes[has]]
    out[rows] = signatures[codes[rows]]
    return out


def _band_keys(minima: np.ndarray, rows: int, mix: np.ndarray, salt: np.ndarray | None) -> Any:
    """Band keys of MinHash signatures (``rows`` minima each; ``salt``, a per-record int64
    code that must be equal as well, or None): an (n, bands) int64 array and its validity
    mask.

    Block purging (Papadakis et al. 2013): a key shared by more records than a cap is
    dropped (a frequent fragment, not a near-duplicate). The cap is ``LSH_MAX_BUCKET``, or
    lower where the kept keys would propose more than ``LSH_PAIR_BUDGET`` pairs per record:
    the largest cap within the budget, so that candidates grow about linearly with the
    records."""
    n, k = minima.shape
    bands = k // rows
    keys = np.zeros((n, bands), dtype=np.int64)
    sizes = np.zeros((n, bands), dtype=np.int64)
    present = minima[:, 0] >= 0
    if salt is not None:
        present &= salt >= 0
    for band in range(bands):
        cols = minima[:, band * rows : (band + 1) * rows]
        with np.errstate(over="ignore"):  # a hash: wrapping around is fine
            key = (cols * mix[:rows]).sum(axis=1) ^ band
            if salt is not None:
                key = key * np.int64(1_000_003) + salt
        _, inverse, counts = np.unique(
            np.where(present, key, np.int64(-1)), return_inverse=True, return_counts=True
        )
        keys[:, band] = key
        sizes[:, band] = np.where(present, counts[inverse], 0)
    cap = _purge_cap(sizes, max(LSH_PAIR_BUDGET * n, 1_000_000))
    return keys, (sizes >= 2) & (sizes <= cap)


def _purge_cap(sizes: np.ndarray, budget: float) -> int:
    """The largest bucket size ≤ ``LSH_MAX_BUCKET`` whose buckets propose at most ``budget``
    pairs (``sizes``: per record and band, the size of its bucket)."""
    s = sizes[sizes >= 2]
    if not len(s):
        return LSH_MAX_BUCKET
    # A bucket of size m appears m times in ``s``: it proposes m(m-1)/2 pairs, (m-1)/2 each.
    per = np.bincount(np.minimum(s, LSH_MAX_BUCKET + 1), minlength=LSH_MAX_BUCKET + 2)
    m = np.arange(len(per))
    pairs = np.cumsum(per * (m - 1) / 2.0)
    within = np.flatnonzero(pairs[: LSH_MAX_BUCKET + 1] <= budget)
    return int(within[-1]) if len(within) else 1


def _hash_functions(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The seeded hash functions: ``LSH_BANDS * LSH_ROWS`` for the LSH bands, then
    ``COMPANION_BANDS * COMPANION_ROWS`` for the companion keys, and the band mixer."""
    rng = np.random.default_rng(seed)
    k = LSH_BANDS * LSH_ROWS
    a = rng.integers(1, _PRIME, size=k, dtype=np.int64)
    b = rng.integers(0, _PRIME, size=k, dtype=np.int64)
    mix = rng.integers(1, 1 << 62, size=LSH_ROWS, dtype=np.int64)
    extra = np.random.default_rng([seed, 1])
    m = COMPANION_BANDS * COMPANION_ROWS
    a = np.concatenate([a, extra.integers(1, _PRIME, size=m, dtype=np.int64)])
    b = np.concatenate([b, extra.integers(0, _PRIME, size=m, dtype=np.int64)])
    return a, b, mix


def blocking_keys(
    settings: SchemaSettings, frame: pd.DataFrame, mode: Mode, seed: int, fields: Sequence[str]
) -> Any:
    """The MinHash blocking keys of each record, as a pyarrow list column (one exploded
    blocking rule proposes the pairs that share any key).

    - ``LSH_BANDS`` bands of ``LSH_ROWS`` minima of each ``lsh`` field: records whose
      q-gram (or Bloom-bit) sets have Jaccard similarity J share a band with probability
      1 - (1 - J^rows)^bands (Broder 1997; Leskovec, Rajaraman & Ullman, *Mining of Massive
      Datasets*, §3.4);
    - for each ``(field, companion)`` of ``settings.lsh_with``, ``COMPANION_BANDS`` bands of
      ``COMPANION_ROWS`` minima combined with the companion's value: the same date of
      birth and a loosely similar name, where blocking on the date alone proposes quadratically
      many pairs.

    Keys shared by more than ``LSH_MAX_BUCKET`` records are purged.
    """
    import pyarrow as pa

    a, b, mix = _hash_functions(seed)
    used = set(fields)
    blocks: list[tuple[np.ndarray, np.ndarray]] = []
    for f in settings.fields:
        if not (f.lsh and f.name in used):
            continue
        minima = _minima(f, frame, mode, a, b)
        k = LSH_BANDS * LSH_ROWS
        blocks.append(_band_keys(minima[:, :k], LSH_ROWS, mix, None))
        for name, companion in settings.lsh_with:
            if name != f.name or companion not in used:
                continue
            codes, _ = pd.factorize(frame[companion])
            blocks.append(_band_keys(minima[:, k:], COMPANION_ROWS, mix, codes.astype(np.int64)))
    if not blocks:
        return None
    keys = np.concatenate([k for k, _ in blocks], axis=1)
    valid = np.concatenate([v for _, v in blocks], axis=1)
    offsets = np.concatenate([[0], np.cumsum(valid.sum(axis=1))]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(keys[valid], type=pa.int64()))


# -- linking --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LinkResult:
    """What a linkage produced.

    Attributes
    ----------
    schema : str
        The schema settings used.
    mode : {"encoded", "plain"}
        Pseudonyms and encodings, or plaintext.
    model : dict
        The trained Splink model (settings with m and u probabilities), JSON-ready.
    pairs : DataFrame
        Scored candidate pairs with match probability ≥ ``PAIR_FLOOR``: ``entity_a``,
        ``entity_b`` (a < b), ``match_probability``, ``match_weight``, ``evidence`` (dict:
        per comparison its ``level``, ``gamma``, ``bayes_factor`` and ``match_weight``).
    clusters : DataFrame
        ``cluster_id``, ``entity_id``, ``match_probability`` (the strongest edge of the
        entity inside its cluster; NaN for a singleton), one row per record.
    threshold : float
        Match probability at or above which a pair joins two records' clusters.
    seed : int
    comparisons : list of str
        The comparisons of the model (fields with values).
    seconds : dict
        Wall-clock time of each step.
    records : int
        Number of records linked.
    candidates : int
        Candidate pairs scored (before ``PAIR_FLOOR``).
    """

    schema: str
    mode: str
    model: dict[str, Any]
    pairs: pd.DataFrame
    clusters: pd.DataFrame
    threshold: float
    seed: int
    comparisons: list[str]
    seconds: dict[str, float] = field(default_factory=dict)
    records: int = 0
    candidates: int = 0

    def summary(self) -> dict[str, Any]:
        sizes = self.clusters.groupby("cluster_id").size()
        return {
            "schema": self.schema,
            "mode": self.mode,
            "records": self.records,
            "candidate_pairs": self.candidates,
            "pairs_kept": len(self.pairs),
            "pairs_at_threshold": int((self.pairs["match_probability"] >= self.threshold).sum())
            if len(self.pairs)
            else 0,
            "clusters": len(sizes),
            "multi_record_clusters": int((sizes > 1).sum()),
            "largest_cluster": int(sizes.max()) if len(sizes) else 0,
            "comparisons": self.comparisons,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }


def _check_threshold(threshold: float) -> float:
    try:
        t = float(threshold)
    except (TypeError, ValueError):
        t = float("nan")
    if not 0.0 < t < 1.0:
        raise InvalidValue(
            threshold, "a match probability between 0 and 1 (exclusive)", "e.g. --threshold 0.9"
        )
    return t


def _prepare_plain(df: pd.DataFrame, settings: SchemaSettings, unique_id: str) -> pd.DataFrame:
    if unique_id not in df.columns:
        raise InvalidValue(
            unique_id,
            f"a column of the records (found {', '.join(map(str, df.columns))})",
            "name the id column with unique_id=",
        )
    if df[unique_id].isna().any() or df[unique_id].duplicated().any():
        raise InvalidValue(unique_id, "a column of unique, non-empty record ids")
    frame = pd.DataFrame({"unique_id": df[unique_id].astype(str).to_numpy()})
    frame["dataset"] = df["dataset"].astype(str).to_numpy() if "dataset" in df else ""
    for f in settings.fields:
        if f.name not in df.columns:
            frame[f.name] = None
            frame[_all_col(f)] = None
            continue
        frame[f.name], frame[_all_col(f)] = _normalise_column(f, df[f.name])
    return frame.sort_values("unique_id", kind="stable").reset_index(drop=True)


def _normalise_column(f: Field, raw: pd.Series) -> tuple[list[Any], list[Any]]:
    """A plaintext column normalised: per record its first (smallest) value and the sorted
    list of its values (None where none). Each distinct value is normalised once; cells
    holding a list of values take the slower path."""
    values = raw.to_numpy(dtype=object)
    is_list = np.fromiter(
        (isinstance(v, list | tuple | np.ndarray) for v in values), dtype=bool, count=len(values)
    )
    scalars = pd.Series(np.where(is_list, None, values), dtype=object)
    codes, uniques = pd.factorize(scalars, use_na_sentinel=True)
    normal = np.array([_normalise(f, u) for u in uniques] + [None], dtype=object)
    firsts = normal[codes].tolist()  # code -1 (missing) picks the trailing None
    singles = {u: [u] for u in normal[:-1] if u}
    alls: list[Any] = [singles.get(v) if v else None for v in firsts]
    for i in np.flatnonzero(is_list):
        vals = sorted({v for v in (_normalise(f, item) for item in values[i]) if v})
        firsts[i] = vals[0] if vals else None
        alls[i] = vals or None
    return firsts, alls


def link_records(
    df: pd.DataFrame,
    schema: str | SchemaSettings = "Person",
    *,
    mode: Mode = "plain",
    unique_id: str = "unique_id",
    threshold: float = DEFAULT_THRESHOLD,
    seed: int = 0,
    max_pairs: float = 2e6,
    threads: int | None = 1,
) -> LinkResult:
    """Deduplicate a table of records with Splink and cluster them at ``threshold``.

    Parameters
    ----------
    df : DataFrame
        One row per record. In ``plain`` mode, plaintext columns named as the schema's fields
        (Person: ``name``, ``birth_date`` as ``YYYY-MM-DD``, ``phone``, ``email``,
        ``address``, ``city``, ``nationality``, ``gender``); missing columns are left out of
        the model; a cell may hold a list of values. In ``encoded`` mode, the frame of
        :func:`record_table`: pseudonyms and ``<field>_bf`` Bloom encodings.
    schema : str or SchemaSettings
        The linkage settings (``Person``, ``LegalEntity``, ``UserAccount`` or your own).
    mode : {"plain", "encoded"}
        Plaintext Jaro-Winkler comparisons, or pseudonym equality and Dice on encodings.
    unique_id : str
        The id column (plain mode).
    threshold : float
        Cluster edges are pairs with a match probability at or above it.
    seed : int
        Seed of u sampling and of the MinHash blocking keys.
    max_pairs : float
        Pairs sampled to estimate u probabilities.
    threads : int or None
        DuckDB threads of the linkage (default 1: sums in a fixed order, so the same records
        and seed give the same model to the last bit; None: DuckDB's default, faster on many
        cores, equal up to rounding).

    Returns
    -------
    LinkResult

    Raises
    ------
    SchemaError
        For a schema without linkage settings.
    InvalidValue
        For a bad threshold, a missing or non-unique id column, or too few records.

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({
    ...     "unique_id": ["a", "b", "c", "d"],
    ...     "name": ["Hannah Jackson", "JACKSON, Hannah", "Yusuf Oluwole", "Ann Lee"],
    ...     "birth_date": ["2002-11-08", "2002-11-08", "1992-11-28", "1950-01-01"],
    ... })
    >>> result = link_records(people, seed=0)
    >>> result.clusters.groupby("cluster_id")["entity_id"].apply(list).tolist()
    [['a', 'b'], ['c'], ['d']]
    """
    settings = get_schema_settings(schema)
    threshold = _check_threshold(threshold)
    if mode not in ("plain", "encoded"):
        raise InvalidValue(mode, "a linkage mode, 'plain' or 'encoded'")
    if mode == "plain":
        frame = _prepare_plain(df, settings, unique_id)
    else:
        frame = df.sort_values("unique_id", kind="stable").reset_index(drop=True)
    return _link(
        frame,
        settings,
        mode,
        threshold=threshold,
        seed=seed,
        max_pairs=max_pairs,
        threads=threads,
    )


def _usable(frame: pd.DataFrame, f: Field) -> bool:
    """A field enters the model when at least two records have a value."""
    return f.name in frame.columns and int(frame[f.name].notna().sum()) >= 2


def _link(
    frame: pd.DataFrame,
    settings: SchemaSettings,
    mode: Mode,
    *,
    threshold: float,
    seed: int,
    max_pairs: float = 2e6,
    threads: int | None = 1,
) -> LinkResult:
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from cybertnoc.store import connect

    seconds: dict[str, float] = {}
    started = time.perf_counter()
    if len(frame) < 2:
        raise InvalidValue(
            settings.schema,
            f"a schema with at least two records to link (found {len(frame)})",
            "import more data, or choose another --schema",
        )
    fields = [f for f in settings.fields if _usable(frame, f)]
    if not fields:
        raise InvalidValue(
            settings.schema,
            "records with values in at least one linkage field "
            f"({', '.join(f.name for f in settings.fields)})",
        )
    names = {f.name for f in fields}
    keep_cols = ["unique_id", "dataset"]
    for f in fields:
        keep_cols += [f.name, _all_col(f)]
        if mode == "encoded" and f.encoded:
            keep_cols.append(_bf_col(f))
    frame = frame[[c for c in keep_cols if c in frame.columns]]
    table = _with_block_keys(frame, settings, mode, seed, [f.name for f in fields])
    lsh_rules = (
        [block_on(BLOCK_KEYS, arrays_to_explode=[BLOCK_KEYS])]
        if BLOCK_KEYS in (table.column_names)
        else []
    )
    seconds["blocking keys"] = time.perf_counter() - started

    def rules(specs: Iterable[Sequence[str]], *, train: bool) -> list[Any]:
        out = []
        for spec in specs:
            if set(spec) <= names:
                out.append(block_on(*_rule_columns(settings, spec, mode, frame, train=train)))
        return out

    def em_rules() -> list[Any]:
        """Training rules; a rule that blocks more than ``EM_MAX_PAIRS`` pairs (a date of
        birth over a million records) trains on a seeded hash sample of its pairs."""
        out: list[Any] = []
        for spec in settings.train_on:
            if not set(spec) <= names:
                continue
            cols = _rule_columns(settings, spec, mode, frame, train=True)
            blocked = _pairs_blocked(frame, cols)
            if blocked <= EM_MAX_PAIRS:
                out.append(block_on(*cols))
                continue
            keep = max(1, int(1_000_000 * EM_MAX_PAIRS / blocked))
            equal = " AND ".join(f'l."{c}" = r."{c}"' for c in cols)
            out.append(
                f"{equal} AND hash(l.unique_id || '|' || r.unique_id || '|{int(seed)}') "
                f"% 1000000 < {keep}"
            )
        return out

    predict_rules = rules(settings.block_on, train=False) + lsh_rules
    if not predict_rules:
        raise InvalidValue(settings.schema, "records with values to block on")
    creator = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[_comparison(f, mode) for f in fields],
        blocking_rules_to_generate_predictions=predict_rules,
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
        additional_columns_to_retain=["dataset"],
        max_iterations=50,
        em_convergence=1e-5,
    )
    con = connect()
    if threads is not None:  # one thread: deterministic sums, the same model for the same seed
        con.execute(f"SET threads TO {int(threads)}")
    splink_log = logging.getLogger("splink")
    level = splink_log.level
    splink_log.setLevel(logging.WARNING if log.isEnabledFor(logging.DEBUG) else logging.ERROR)
    try:
        db = DuckDBAPI(connection=con)
        linker = Linker(db.register(table), creator, log_level=None)
        seconds["setup"] = time.perf_counter() - started
        t = time.perf_counter()
        deterministic = rules(settings.deterministic, train=True)
        if deterministic:
            linker.training.estimate_probability_two_random_records_match(
                deterministic, recall=settings.recall
            )
        seconds["train: prior"] = time.perf_counter() - t
        linker.training.estimate_u_using_random_sampling(
            max_pairs=max_pairs, seed=seed, min_count_per_level=None, num_chunks=1
        )
        seconds["train: u"] = time.perf_counter() - t - seconds["train: prior"]
        trained = 0
        for rule in em_rules():
            saved = linker._settings_obj.core_model_settings.copy()
            try:
                with _m_floor():
                    linker.training.estimate_parameters_using_expectation_maximisation(
                        rule, fix_u_probabilities=True
                    )
                trained += 1
            except Exception as exc:  # Splink raises plain exceptions on empty blocks
                linker._settings_obj.core_model_settings = saved
                sql = rule if isinstance(rule, str) else rule.get_blocking_rule("duckdb")
                log.info("EM session blocked on %s skipped: %s", sql, str(exc).splitlines()[0])
                log.debug("EM session failure", exc_info=True)
        if not trained:
            raise InvalidValue(
                settings.schema,
                "records that share a value of a training rule "
                f"({', '.join('+'.join(r) for r in settings.train_on)})",
                "link more records, or records with more fields",
            )
        seconds["train"] = time.perf_counter() - t
        t = time.perf_counter()
        predictions = linker.inference.predict()
        name = predictions.physical_name
        candidates = int(con.execute(f"SELECT count(*) FROM {name}").fetchone()[0])
        wanted = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]
        wanted += [f"{p}_{f.name}" for p in ("gamma", "mw") for f in fields]
        scored = con.execute(
            f"SELECT {', '.join(wanted)} FROM {name} WHERE match_probability >= ? "
            "ORDER BY unique_id_l, unique_id_r",
            [PAIR_FLOOR],
        ).df()
        seconds["predict"] = time.perf_counter() - t
        model = linker.misc.save_model_to_json()
    finally:
        splink_log.setLevel(level)
        con.close()
    t = time.perf_counter()
    pairs = _pairs_frame(scored, model)
    clusters = cluster_pairs(frame["unique_id"].tolist(), pairs, threshold)
    seconds["cluster"] = time.perf_counter() - t
    seconds["total"] = time.perf_counter() - started
    return LinkResult(
        schema=settings.schema,
        mode=mode,
        model=model,
        pairs=pairs,
        clusters=clusters,
        threshold=threshold,
        seed=seed,
        comparisons=[f.name for f in fields],
        seconds=seconds,
        records=len(frame),
        candidates=candidates,
    )


def _pairs_blocked(frame: pd.DataFrame, cols: Sequence[str]) -> int:
    """Pairs of records equal (and not missing) on all ``cols``."""
    present = frame[list(cols)].dropna()
    if present.empty:
        return 0
    sizes = present.groupby(list(cols), sort=False).size().to_numpy(dtype=np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def _with_block_keys(
    frame: pd.DataFrame, settings: SchemaSettings, mode: Mode, seed: int, fields: Sequence[str]
) -> Any:
    """The record frame as a pyarrow table, with the ``BLOCK_KEYS`` list column of
    :func:`blocking_keys` where the schema has MinHash fields."""
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False)
    keys = blocking_keys(settings, frame, mode, seed, fields)
    return table if keys is None else table.append_column(BLOCK_KEYS, keys)


@contextmanager
def _m_floor(floor: float = M_FLOOR) -> Iterator[None]:
    """Keep every m probability of an EM iteration at or above ``floor`` (renormalised).

    Splink's EM is maximum likelihood without a prior: on a field where the true matches of
    the training pairs never disagree (clean synthetic e-mails), m(disagree) goes to 0 and a
    single disagreement would veto any match (Splink 5 then refuses the value). A floor acts
    as a pseudo-count: we assume at least 1 in 1,000 true matches disagree on any field.
    """
    import splink.internals.expectation_maximisation as em

    original = em.compute_proportions_for_new_parameters

    def floored(df_params: Any) -> list[dict[str, Any]]:
        records = original(df_params)
        by_comparison: dict[str, list[dict[str, Any]]] = {}
        for r in records:
            if r["output_column_name"] == "_probability_two_random_records_match":
                # All blocked pairs matches (or none): keep the prior off 0 and 1 too.
                r["m_probability"] = min(max(float(r["m_probability"]), floor), 1 - floor)
            else:
                by_comparison.setdefault(r["output_column_name"], []).append(r)
        for group in by_comparison.values():
            ms = [r["m_probability"] for r in group]
            if any(m is None or not isinstance(m, float | int) or m != m for m in ms):
                continue
            clipped = [max(float(m), floor) for m in ms]
            total = sum(clipped)
            for r, m in zip(group, clipped, strict=True):
                r["m_probability"] = m / total
        return records

    em.compute_proportions_for_new_parameters = floored
    try:
        yield
    finally:
        em.compute_proportions_for_new_parameters = original


def _level_labels(model: dict[str, Any]) -> dict[str, dict[int, str]]:
    out: dict[str, dict[int, str]] = {}
    for comp in model["comparisons"]:
        levels = comp["comparison_levels"]
        n = len([lv for lv in levels if not lv.get("is_null_level")])
        labels: dict[int, str] = {}
        gamma = n - 1
        for lv in levels:
            label = lv.get("label_for_charts") or lv.get("sql_condition", "")
            if lv.get("is_null_level"):
                labels[-1] = label
            else:
                labels[gamma] = label
                gamma -= 1
        out[comp["output_column_name"]] = labels
    return out


def _pairs_frame(scored: pd.DataFrame, model: dict[str, Any]) -> pd.DataFrame:
    columns = ["entity_a", "entity_b", "match_probability", "match_weight", "evidence"]
    if scored.empty:
        return pd.DataFrame({c: [] for c in columns})
    scored = scored[scored["match_probability"] >= PAIR_FLOOR]
    labels = _level_labels(model)
    names = list(labels)
    a = scored["unique_id_l"].astype(str).to_numpy()
    b = scored["unique_id_r"].astype(str).to_numpy()
    evidence = []
    for row in scored[[f"gamma_{n}" for n in names] + [f"mw_{n}" for n in names]].itertuples(
        index=False
    ):
        ev = {}
        for i, n in enumerate(names):
            gamma, weight = int(row[i]), float(row[len(names) + i])
            ev[n] = {
                "level": labels[n].get(gamma, str(gamma)),
                "gamma": gamma,
                "bayes_factor": 2.0**weight,
                "match_weight": weight,
            }
        evidence.append(ev)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    frame = pd.DataFrame(
        {
            "entity_a": lo,
            "entity_b": hi,
            "match_probability": scored["match_probability"].astype(float).to_numpy(),
            "match_weight": scored["match_weight"].astype(float).to_numpy(),
            "evidence": evidence,
        }
    )
    return frame.sort_values(["entity_a", "entity_b"], kind="stable").reset_index(drop=True)


def cluster_pairs(ids: Sequence[str], pairs: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Connected components of the pairs at or above ``threshold`` (as Splink's
    ``cluster_pairwise_predictions_at_threshold``); every id is in one cluster, named by its
    smallest member id. Columns ``cluster_id``, ``entity_id``, ``match_probability`` (the
    entity's strongest edge within its cluster)."""
    parent = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    strongest: dict[str, float] = {}
    if len(pairs):
        edges = pairs[pairs["match_probability"] >= threshold]
        for a, b, p in zip(
            edges["entity_a"], edges["entity_b"], edges["match_probability"], strict=True
        ):
            if a not in parent or b not in parent:
                continue
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
            strongest[a] = max(strongest.get(a, 0.0), p)
            strongest[b] = max(strongest.get(b, 0.0), p)
    members: dict[str, list[str]] = {}
    for i in ids:
        members.setdefault(find(i), []).append(i)
    rows = []
    for group in members.values():
        cid = min(group)
        rows += [(cid, i, strongest.get(i, float("nan"))) for i in sorted(group)]
    frame = pd.DataFrame(rows, columns=["cluster_id", "entity_id", "match_probability"])
    return frame.sort_values(["cluster_id", "entity_id"], kind="stable").reset_index(drop=True)


def link_frame(ws: Workspace, schema: str | SchemaSettings = "Person", **kw: Any) -> LinkResult:
    """:func:`link_records` on the workspace's records of ``schema`` (encoded mode)."""
    settings = get_schema_settings(schema)
    frame = record_table(ws, settings)
    threshold = _check_threshold(kw.pop("threshold", DEFAULT_THRESHOLD))
    return _link(frame, settings, "encoded", threshold=threshold, **kw)
