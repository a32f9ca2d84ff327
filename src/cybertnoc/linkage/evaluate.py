"""Evaluation of entity resolution against ground truth: pairwise and B-cubed scores.

Both compare a predicted clustering of records with the true one, over the records both
know about.

- **Pairwise** (Christen 2012, *Data Matching*, §7.3): the pairs of records placed in one
  cluster are the predicted matches; precision = TP / (TP + FP), recall = TP / (TP + FN),
  F1 their harmonic mean. Counted from the cluster contingency table, without listing pairs.
- **B-cubed** (Bagga & Baldwin 1998; Amigó, Gonzalo, Artiles & Verdejo 2009): for each
  record r, precision(r) = |C(r) ∩ T(r)| / |C(r)| and recall(r) = |C(r) ∩ T(r)| / |T(r)|
  with C(r) its predicted and T(r) its true cluster; precision and recall are the means over
  records, F1 the harmonic mean of the two means. Singletons count, so B-cubed rewards
  leaving unmatched records alone, which pairwise scores ignore.

Conventions: with no predicted pair, pairwise precision is 1 (nothing false was asserted);
with no true pair, pairwise recall is 1; F1 is 0 when precision and recall are both 0.

References
----------
.. [1] Bagga, A. & Baldwin, B. (1998). Algorithms for scoring coreference chains. LREC
   Workshop on Linguistic Coreference, 563-566.
.. [2] Amigó, E., Gonzalo, J., Artiles, J. & Verdejo, F. (2009). A comparison of extrinsic
   clustering evaluation metrics based on formal constraints. Information Retrieval 12(4),
   461-486.
.. [3] Christen, P. (2012). Data Matching. Springer.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from cybertnoc.errors import InvalidValue

if TYPE_CHECKING:
    from cybertnoc.store import Workspace

__all__ = [
    "Scores",
    "bcubed_scores",
    "pairwise_scores",
    "plain_records_from_world",
    "threshold_curve",
    "truth_from_world",
    "truth_pairs",
]

#: Thresholds of the default curve.
CURVE_THRESHOLDS = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999)


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1, with the counts behind them.

    For pairwise scores ``true_positives``, ``false_positives`` and ``false_negatives`` are
    pairs; for B-cubed they are None and ``items`` is the number of records averaged over.
    """

    precision: float
    recall: float
    f1: float
    items: int
    true_positives: int | None = None
    false_positives: int | None = None
    false_negatives: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _common(
    predicted: Mapping[Hashable, Hashable], truth: Mapping[Hashable, Hashable]
) -> list[Hashable]:
    items = [i for i in predicted if i in truth]
    if not items:
        raise InvalidValue(
            "no common records",
            "a predicted clustering and a truth that share records",
            "check that the truth belongs to the linked workspace",
        )
    return items


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise_scores(
    predicted: Mapping[Hashable, Hashable], truth: Mapping[Hashable, Hashable]
) -> Scores:
    """Pairwise precision, recall and F1 of a clustering (record → cluster) against the
    truth (record → true entity), over the records in both.

    Examples
    --------
    >>> predicted = {"a": 1, "b": 1, "c": 1, "d": 2}
    >>> truth = {"a": "x", "b": "x", "c": "y", "d": "y"}
    >>> s = pairwise_scores(predicted, truth)
    >>> (s.true_positives, s.false_positives, s.false_negatives)
    (1, 2, 1)
    >>> round(s.precision, 3), round(s.recall, 3), round(s.f1, 3)
    (0.333, 0.5, 0.4)
    """
    items = _common(predicted, truth)
    joint = Counter((predicted[i], truth[i]) for i in items)
    pred = Counter(predicted[i] for i in items)
    true = Counter(truth[i] for i in items)
    tp = sum(_pairs(n) for n in joint.values())
    predicted_pairs = sum(_pairs(n) for n in pred.values())
    true_pairs = sum(_pairs(n) for n in true.values())
    precision = tp / predicted_pairs if predicted_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    return Scores(
        precision,
        recall,
        _f1(precision, recall),
        len(items),
        tp,
        predicted_pairs - tp,
        true_pairs - tp,
    )


def bcubed_scores(
    predicted: Mapping[Hashable, Hashable], truth: Mapping[Hashable, Hashable]
) -> Scores:
    """B-cubed precision, recall and F1 (Bagga & Baldwin 1998; Amigó et al. 2009).

    Examples
    --------
    >>> predicted = {"a": 1, "b": 1, "c": 1, "d": 2}
    >>> truth = {"a": "x", "b": "x", "c": "y", "d": "y"}
    >>> s = bcubed_scores(predicted, truth)
    >>> round(s.precision, 4), round(s.recall, 4), round(s.f1, 4)
    (0.6667, 0.75, 0.7059)
    """
    items = _common(predicted, truth)
    joint = Counter((predicted[i], truth[i]) for i in items)
    pred = Counter(predicted[i] for i in items)
    true = Counter(truth[i] for i in items)
    p = sum(joint[(predicted[i], truth[i])] / pred[predicted[i]] for i in items) / len(items)
    r = sum(joint[(predicted[i], truth[i])] / true[truth[i]] for i in items) / len(items)
    return Scores(p, r, _f1(p, r), len(items))


def truth_pairs(truth: Mapping[Hashable, Hashable]) -> set[tuple[Hashable, Hashable]]:
    """The true matching pairs (a < b) of a truth mapping record → entity."""
    groups: dict[Hashable, list[Hashable]] = {}
    for item, entity in truth.items():
        groups.setdefault(entity, []).append(item)
    out: set[tuple[Hashable, Hashable]] = set()
    for members in groups.values():
        members = sorted(members, key=str)
        out.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
    return out


def _components(ids: Sequence[Hashable], edges: list[tuple[Hashable, Hashable]]) -> dict:
    parent = {i: i for i in ids}

    def find(x: Hashable) -> Hashable:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        if a in parent and b in parent:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[rb] = ra
    return {i: find(i) for i in ids}


def threshold_curve(
    ids: Sequence[Hashable],
    pairs: pd.DataFrame,
    truth: Mapping[Hashable, Hashable],
    thresholds: Sequence[float] = CURVE_THRESHOLDS,
) -> pd.DataFrame:
    """Pairwise and B-cubed scores of connected-component clusterings at each threshold.

    ``pairs`` has columns ``entity_a``, ``entity_b`` and ``match_probability``; ``ids`` are
    every record (records without a pair are singletons). One row per threshold: the
    threshold, the number of clusters, pairwise and B-cubed precision, recall and F1.
    """
    rows = []
    for t in sorted(thresholds):
        kept = pairs[pairs["match_probability"] >= t] if len(pairs) else pairs
        edges = list(zip(kept["entity_a"], kept["entity_b"], strict=True)) if len(kept) else []
        predicted = _components(ids, edges)
        pw = pairwise_scores(predicted, truth)
        b3 = bcubed_scores(predicted, truth)
        rows.append(
            {
                "threshold": t,
                "clusters": len(set(predicted.values())),
                "pairwise_precision": pw.precision,
                "pairwise_recall": pw.recall,
                "pairwise_f1": pw.f1,
                "bcubed_precision": b3.precision,
                "bcubed_recall": b3.recall,
                "bcubed_f1": b3.f1,
            }
        )
    return pd.DataFrame(rows)


# -- the synthetic world's truth ------------------------------------------------------------------
def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _read_rows(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return pd.read_parquet(path).astype("string")
    if suffix in (".jsonl", ".ndjson"):
        return pd.read_json(path, lines=True, dtype=False).astype("string")
    if suffix == ".xlsx":
        return pd.read_excel(path, dtype=str)
    sep = "\t" if suffix in (".tsv", ".tab") else ","
    return pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False)


def _record_ids(rows: pd.DataFrame, wanted: set[str]) -> list[str]:
    """The id of each row: the column (or two columns joined by ``-``) that covers most of
    the truth's record ids."""
    best: tuple[int, list[str]] = (0, [])
    cols = list(rows.columns)
    candidates = [[c] for c in cols] + [[a, b] for a in cols for b in cols if a != b]
    for combo in candidates:
        values = rows[combo[0]].fillna("").astype(str)
        for c in combo[1:]:
            values = values + "-" + rows[c].fillna("").astype(str)
        hits = int(values.isin(wanted).sum())
        if hits > best[0]:
            best = (hits, values.tolist())
        if hits == len(rows):
            break
    return best[1]


def truth_from_world(
    ws: Workspace, world_dir: str | Path, *, schema: str | Sequence[str] = "Person"
) -> dict[str, str]:
    """Map the synthetic world's person identities onto the workspace's entity ids.

    ``world_dir/truth/person_identities.csv`` (``source_file, record_id, person_id``) names
    the true person behind each record of a data file. A file is found in the workspace by
    its SHA-256 (so a renamed copy still matches), its rows by the provenance of the
    statements (source and row number): no key is needed. Returns entity id → person id for
    the entities of ``schema`` that the truth covers.

    Raises
    ------
    InvalidValue
        When the directory has no truth, or none of its files was imported.
    """
    world = Path(world_dir)
    path = world / "truth" / "person_identities.csv"
    if not path.is_file():
        raise InvalidValue(
            str(world),
            "a synthetic world directory with truth/person_identities.csv",
            "give the world of `cybertnoc synth --out DIR` or DEMO/world",
        )
    truth = pd.read_csv(path, dtype=str, keep_default_na=False)
    schemata = [schema] if isinstance(schema, str) else list(schema)
    sources = ws.con.execute("SELECT source_id, file_name, content_hash FROM sources").fetchall()
    by_hash = {h: sid for sid, _, h in sources}
    by_name: dict[str, list[int]] = {}
    for sid, name, _ in sources:
        by_name.setdefault(name, []).append(sid)
    marks = ", ".join("?" * len(schemata))
    out: dict[str, str] = {}
    for source_file, group in truth.groupby("source_file", sort=True):
        file = world / str(source_file)
        source_id = by_hash.get(_sha256(file)) if file.is_file() else None
        if source_id is None:
            named = by_name.get(Path(str(source_file)).name, [])
            if len(named) != 1 or not file.is_file():
                continue
            source_id = named[0]
        rows = _read_rows(file)
        ids = _record_ids(rows, set(group["record_id"]))
        person = dict(zip(group["record_id"], group["person_id"], strict=True))
        row_entities = ws.con.execute(
            f"SELECT DISTINCT row_number, entity_id FROM statements WHERE source_id = ? "
            f"AND schema IN ({marks})",
            [source_id, *schemata],
        ).fetchall()
        for row_number, entity_id in row_entities:
            if 1 <= row_number <= len(ids) and ids[row_number - 1] in person:
                out[entity_id] = person[ids[row_number - 1]]
    if not out:
        raise InvalidValue(
            str(world),
            "the world whose files were imported into this workspace",
            "none of the truth's data files is among the workspace's sources "
            "(`cybertnoc sources` lists them)",
        )
    return out


# The person records of the synthetic world's files, as plaintext: (file, id columns, fields).
# Each field: (column or template, cleaner, cleaner options).
_WORLD_PEOPLE: tuple[tuple[str, tuple[str, ...], dict[str, tuple[str, str | None, dict]]], ...] = (
    (
        "data/arrests.csv",
        ("arrest_id",),
        {
            "name": ("{full_name}", None, {}),
            "birth_date": ("{date_of_birth}", "date", {}),
            "nationality": ("{nationality}", "country", {}),
            "address": ("{address}", None, {}),
        },
    ),
    (
        "data/police_records.csv",
        ("record_id",),
        {
            "name": ("{forenames} {surname}", None, {}),
            "birth_date": ("{date_of_birth}", "date", {"format": "%d/%m/%Y"}),
            "nationality": ("{nationality}", "country", {}),
            "phone": ("{phone}", "phone", {"region": "GB"}),
            "address": ("{address}", None, {}),
            "city": ("{town}", None, {}),
            "gender": ("{sex}", None, {}),
        },
    ),
    (
        "data/court_cases.tsv",
        ("case_number", "defendant_no"),
        {
            "name": ("{defendant}", None, {}),
            "birth_date": ("{date_of_birth}", "date", {"format": "%d %B %Y"}),
            "nationality": ("{nationality}", "country", {}),
        },
    ),
    (
        "data/bank_customers.parquet",
        ("customer_id",),
        {
            "name": ("{name}", None, {}),
            "birth_date": ("{date_of_birth}", "date", {}),
            "nationality": ("{nationality}", "country", {}),
            "phone": ("{phone}", "phone", {}),
            "email": ("{email}", "email", {}),
            "address": ("{address}", None, {}),
            "city": ("{city}", None, {}),
        },
    ),
)


def plain_records_from_world(world_dir: str | Path) -> tuple[pd.DataFrame, dict[str, str]]:
    """The synthetic world's person records as a plaintext frame, with their truth.

    For linkage outside a workspace (:func:`cybertnoc.linkage.splink_link.link_records` in
    ``plain`` mode), and as the plaintext reference of privacy-preserving linkage: the same
    records as the workspace's Person entities, cleaned as the built-in mappings clean them
    (dates to ISO, phones to E.164, countries to ISO codes) but not pseudonymised. Columns:
    ``unique_id`` (``<source_file>:<record_id>``, as in ``truth/person_identities.csv``),
    ``dataset`` (the file) and the Person fields. Returns the frame and unique id → person id.
    """
    from cybertnoc.model.types import clean_value

    world = Path(world_dir)
    path = world / "truth" / "person_identities.csv"
    if not path.is_file():
        raise InvalidValue(
            str(world),
            "a synthetic world directory with truth/person_identities.csv",
            "give the world of `cybertnoc synth --out DIR` or DEMO/world",
        )
    identities = pd.read_csv(path, dtype=str, keep_default_na=False)
    truth = {
        f"{s}:{r}": p
        for s, r, p in zip(
            identities["source_file"],
            identities["record_id"],
            identities["person_id"],
            strict=True,
        )
    }
    records: list[dict[str, Any]] = []
    for file, keys, fields in _WORLD_PEOPLE:
        if not (world / file).is_file():
            continue
        rows = _read_rows(world / file).fillna("")
        for row in rows.to_dict("records"):
            record_id = "-".join(str(row[k]) for k in keys)
            uid = f"{file}:{record_id}"
            if uid not in truth:
                continue  # not a person (a company customer)
            record: dict[str, Any] = {"unique_id": uid, "dataset": file}
            for name, (template, cleaner, options) in fields.items():
                text = " ".join(template.format(**row).split())
                value: str | None = text or None
                if value and cleaner:
                    try:
                        value = clean_value(cleaner, value, **options)
                    except Exception:  # an invalid value is left out, as at import
                        value = None
                record[name] = value
            records.append(record)
    frame = pd.DataFrame(records)
    return frame, {u: truth[u] for u in frame["unique_id"]} if len(frame) else {}
