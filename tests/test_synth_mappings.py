"""The built-in synth mappings fit the files the generator writes.

Each mapping is loaded and checked against the model, every column it reads exists, and every
mapped value is run through the cleaner the importer would use, with the mapping's options: the
synthetic data is messy the way real data is, but recoverable.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest
from followthemoney.types import registry

from cybertnoc.errors import InvalidValue
from cybertnoc.ingest import load_mapping
from cybertnoc.ingest.readers import open_reader
from cybertnoc.model.types import clean_value
from cybertnoc.synth import DATA_FILES, generate

#: Columns a mapping leaves out on purpose (see the comments in the mapping files).
UNMAPPED = {
    "adverts.jsonl": {"text"},  # holds contact numbers in clear
    "bank_customers.parquet": {"customer_type"},
}
#: Values that are realistic dirt, expected to fail cleaning (kept as flagged warnings).
DIRT = {("police_records.csv", "date_of_birth"): "00/00/0000", ("seizures.csv", "quantity"): "n/k"}
ROWS = 4_000


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    out = tmp_path_factory.mktemp("mappings")
    return out, generate(out, seed=5, scale="small")


def _rows(path: Path, mapping):
    reader = open_reader(path, mapping.format_for(path), mapping.options)
    try:
        assert not reader.problems, reader.problems
        rows = []
        for batch in reader.rows():
            rows.extend(batch)
            if len(rows) >= ROWS:
                break
        return reader.columns, rows[:ROWS]
    finally:
        reader.close()


def _clean(pm, raw: str) -> str | None:
    if pm.cleaner.startswith("ftm:"):
        cleaned = registry.get(pm.cleaner[4:]).clean(raw)
        if cleaned is None and raw.strip():
            raise InvalidValue(raw, pm.cleaner)
        return cleaned
    return clean_value(pm.cleaner, raw, **pm.options)


@pytest.mark.parametrize("name", sorted(DATA_FILES))
def test_mapping_reads_the_file_and_its_values_clean(world, name):
    out, manifest = world
    entry = manifest.file(name)
    mapping = load_mapping(entry.mapping)
    assert mapping.dataset == "synth_" + Path(name).stem
    assert mapping.crime_area == entry.crime_area
    assert mapping.licence == "CC0-1.0"
    columns, rows = _rows(out / entry.path, mapping)
    assert mapping.columns <= set(columns), mapping.columns - set(columns)
    assert set(columns) - mapping.columns == UNMAPPED.get(name, set())
    assert mapping.personal <= set(columns)
    failures: Counter[tuple[str, str]] = Counter()
    values: Counter[str] = Counter()
    for row in rows:
        if mapping.seen:
            clean_value("timestamp", row.values[mapping.seen])
        for ent in mapping.entities:
            for pm in ent.properties:
                cols = [pm.column] if pm.column else list(pm.columns)
                for col in cols:
                    cell = row.values.get(col)
                    raws = cell if isinstance(cell, list) else [cell]
                    parts = [p for r in raws if r for p in (r.split(pm.split) if pm.split else [r])]
                    for raw in parts:
                        values[col] += 1
                        try:
                            _clean(pm, raw)
                        except InvalidValue:
                            if DIRT.get((name, col)) == raw.strip():
                                continue
                            assert not pm.required, (col, raw)
                            failures[(col, raw)] += 1
    assert not failures, failures.most_common(5)
    assert values, name


def test_shared_namespaces_agree_across_mappings():
    namespaces = defaultdict(set)
    for name in DATA_FILES:
        mapping = load_mapping(f"synth/{Path(name).stem}")
        for ent in mapping.entities:
            namespaces[ent.namespace].add((ent.schema, mapping.dataset))
    assert {s for s, _ in namespaces["synth_bank_accounts"]} == {"BankAccount"}
    assert {d for _, d in namespaces["synth_bank_accounts"]} == {
        "synth_bank_transfers", "synth_bank_customers", "synth_infections"
    }  # fmt: skip
    assert {d for _, d in namespaces["synth_c2"]} == {"synth_c2_indicators", "synth_infections"}
    assert {d for _, d in namespaces["synth_adverts"]} == {"synth_adverts",
                                                           "synth_trafficking_cases"}  # fmt: skip
    assert {d for _, d in namespaces["synth_advert_contacts"]} == {
        "synth_adverts", "synth_trafficking_cases"
    }  # fmt: skip
    for ns, uses in namespaces.items():
        if len({d for _, d in uses}) > 1:
            assert len({s for s, _ in uses}) == 1, ns  # one schema per shared namespace


def test_personal_columns_cover_the_identifiers_of_people():
    expected = {
        "wiretap_calls": {"caller_phone", "callee_phone"},
        "police_records": {"surname", "forenames", "aka", "date_of_birth", "phone", "address",
                           "postcode"},
        "arrests": {"full_name", "date_of_birth", "address"},
        "court_cases": {"defendant", "date_of_birth"},
        "bank_transfers": {"from_account", "to_account"},
        "bank_customers": {"account", "name", "date_of_birth", "address", "phone", "email"},
        "crypto_transactions": {"from_address", "to_address"},
        "adverts": {"phone", "email", "handle"},
        "trafficking_cases": {"linked_advert_phone"},
        "infections": {"hostname", "owner_account"},
        "market_listings": set(),
        "seizures": set(),
        "c2_indicators": set(),
    }  # fmt: skip
    for stem, cols in expected.items():
        assert load_mapping(f"synth/{stem}").personal == cols, stem
