"""The synthetic world: API, determinism, layout, manifest, formats, truth kept out of data."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cybertnoc.errors import CybertnocError, InvalidValue
from cybertnoc.ingest import builtin_mappings
from cybertnoc.synth import DATA_FILES, SCALES, TRUTH_FILES, SynthManifest, generate
from cybertnoc.synth._context import stream

DOCS = Path(__file__).resolve().parents[1] / "docs" / "synth.md"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _all_files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): _sha(p) for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    out = tmp_path_factory.mktemp("world_a")
    calls: list[tuple[str, int, int]] = []
    manifest = generate(out, seed=0, scale="small", progress=lambda *a: calls.append(a))
    return out, manifest, calls


def test_same_seed_gives_byte_identical_files(world, tmp_path):
    out, manifest, _ = world
    again = generate(tmp_path / "b", seed=0, scale="small")
    first, second = _all_files(out), _all_files(tmp_path / "b")
    assert first == second
    # every data format is covered, and each file's hash is the one in the manifest
    assert {f.format for f in manifest.files} == {"csv", "tsv", "jsonl", "parquet", "xlsx"}
    for f in [*again.files, *again.truth]:
        assert first[f.path] == f.sha256


def test_another_seed_gives_other_data(world, tmp_path):
    _, manifest, _ = world
    other = generate(tmp_path / "c", seed=1, scale="small")
    differ = [
        f.path for f, g in zip(manifest.files, other.files, strict=True) if f.sha256 != g.sha256
    ]
    assert differ == [f.path for f in manifest.files]


def test_parts_draw_from_independent_named_streams():
    a = stream(5, "finance").random(3)
    b = stream(5, "finance").random(3)
    c = stream(5, "darknet").random(3)
    assert (a == b).all() and not (a == c).any()


def test_layout_and_manifest(world):
    out, manifest, _ = world
    assert sorted(p.name for p in out.iterdir()) == ["data", "manifest.json", "truth"]
    assert sorted(p.name for p in (out / "data").iterdir()) == sorted(DATA_FILES)
    assert sorted(p.name for p in (out / "truth").iterdir()) == sorted(TRUTH_FILES)
    data = json.loads((out / "manifest.json").read_text())
    assert "out_dir" not in data  # nothing that depends on where the world was written
    assert data["seed"] == 0 and data["scale"] == "small"
    assert data["parameters"] == SCALES["small"].as_dict()
    read = SynthManifest.read(out)
    assert read.files == manifest.files and read.truth == manifest.truth
    assert manifest.file("bank_transfers.parquet").path == "data/bank_transfers.parquet"
    builtins = builtin_mappings()
    for f in manifest.files:
        assert f.mapping == f"synth/{Path(f.path).stem}" and f.mapping in builtins
        assert f.rows > 0 and f.description and f.crime_area
    for f in manifest.truth:
        assert f.mapping is None and f.path.startswith("truth/")


def test_row_counts_in_manifest_are_true(world):
    import pandas as pd

    out, manifest, _ = world
    for f in manifest.files:
        path = out / f.path
        if f.format == "parquet":
            n = pq.ParquetFile(path).metadata.num_rows
        elif f.format == "xlsx":
            n = len(pd.read_excel(path, sheet_name=0))
        elif f.format == "jsonl":
            n = sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line)
        else:
            sep = {"tsv": "\t"}.get(f.format, ";" if f.path.endswith("seizures.csv") else ",")
            n = len(pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False))
        assert n == f.rows, f.path
    for f in manifest.truth:
        assert len(pd.read_csv(out / f.path, dtype=str)) == f.rows, f.path


def test_small_scale_has_the_promised_sizes(world):
    _, manifest, _ = world
    rows = {Path(f.path).name: f.rows for f in manifest.files}
    assert 20_000 <= rows["bank_transfers.parquet"] <= 23_000
    assert 1_000 <= rows["market_listings.jsonl"] <= 4_000
    assert manifest.file("people.csv").rows == 300


def test_progress_reports_each_step_start_and_end(world):
    _, _, calls = world
    labels = [c[0] for c in calls]
    assert len(labels) == 2 * len(set(labels)) and len(set(labels)) >= 8
    for label in set(labels):
        assert [c[1:] for c in calls if c[0] == label] == [(0, 1), (1, 1)]


def test_parquet_and_xlsx_carry_no_clock(world):
    out, _, _ = world
    meta = pq.ParquetFile(out / "data" / "bank_transfers.parquet").schema_arrow.metadata
    assert b"pandas" not in meta
    with zipfile.ZipFile(out / "data" / "trafficking_cases.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    stamps = re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]*)<", core)
    assert stamps == ["1980-01-01T00:00:00Z"] * 2


def test_scales_are_frozen_and_growing():
    assert list(SCALES) == ["small", "medium", "large"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        SCALES["small"].bank_transfers = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        SCALES["huge"] = SCALES["large"]  # type: ignore[index]
    assert SCALES["large"].bank_transfers >= 1_000_000
    assert SCALES["small"].bank_transfers * 10 == SCALES["medium"].bank_transfers


def test_bad_arguments_are_refused_with_a_clear_message(tmp_path):
    with pytest.raises(InvalidValue, match="small, medium, large"):
        generate(tmp_path / "x", scale="tiny")
    with pytest.raises(InvalidValue, match="non-negative integer seed"):
        generate(tmp_path / "x", seed=-1)
    with pytest.raises(InvalidValue):
        generate(tmp_path / "x", seed=1.5)  # type: ignore[arg-type]
    assert not (tmp_path / "x").exists()


def test_refuses_a_foreign_non_empty_directory(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(CybertnocError, match="not a synthetic world"):
        generate(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    (tmp_path / "file").write_text("x")
    with pytest.raises(CybertnocError, match="is a file"):
        generate(tmp_path / "file")


def test_overwrites_a_previous_world_but_not_foreign_files(tmp_path):
    generate(tmp_path, seed=3)
    (tmp_path / "README.txt").write_text("kept")
    m = generate(tmp_path, seed=4)
    assert (tmp_path / "README.txt").read_text() == "kept"
    assert SynthManifest.read(tmp_path).seed == 4 == m.seed
    (tmp_path / "data" / "extra.csv").write_text("a\n1\n")
    with pytest.raises(CybertnocError, match=r"data/extra\.csv"):
        generate(tmp_path, seed=5)


# -- truth stays out of the data ---------------------------------------------------------------
_TRUTH_WORDS = re.compile(
    r"(^|_)(role|group_id|person_id|typology|pattern|laundering|controller|vendor_id|victim|"
    r"campaign|generation|is_seed|seeded|observed|truth|identity|noise)($|_)",
)


def _data_columns(out: Path) -> dict[str, list[str]]:
    import pandas as pd

    cols: dict[str, list[str]] = {}
    for name in DATA_FILES:
        path = out / "data" / name
        if name.endswith(".parquet"):
            cols[name] = pq.ParquetFile(path).schema_arrow.names
        elif name.endswith(".xlsx"):
            cols[name] = list(pd.read_excel(path, nrows=0).columns)
        elif name.endswith(".jsonl"):
            cols[name] = list(json.loads(path.open(encoding="utf-8").readline()))
        else:
            sep = "\t" if name.endswith(".tsv") else ";" if name == "seizures.csv" else ","
            cols[name] = path.open(encoding="utf-8").readline().strip().split(sep)
    return cols


def test_no_data_column_is_named_like_a_truth_label(world):
    out, _, _ = world
    for name, cols in _data_columns(out).items():
        bad = [c for c in cols if _TRUTH_WORDS.search(c)]
        assert not bad, f"{name}: {bad}"


def test_truth_ids_never_appear_in_data(world):
    out, _, _ = world
    truth_ids = re.compile(
        r"\b(P\d{6}|VIC\d{6}|CTRL\d{4}|IND\d{5}|CAMP-\d+|V\d{5}|BANK-[A-Z]{2}-\d{5}|"
        r"CRYPTO-[A-Z]{2}-\d{5})\b"
    )
    for name in DATA_FILES:
        path = out / "data" / name
        if name.endswith((".parquet", ".xlsx")):
            import pandas as pd

            frame = pd.read_parquet(path) if name.endswith(".parquet") else pd.read_excel(path)
            text = frame.astype(str).to_csv()
        else:
            text = path.read_text(encoding="utf-8")
        assert not truth_ids.search(text), name


def test_docs_describe_every_file_and_the_api():
    text = DOCS.read_text(encoding="utf-8")
    for name in [*DATA_FILES, *TRUTH_FILES]:
        assert name in text, name
    for word in ("generate(", "SCALES", "SynthManifest", "structuring", "Staniford"):
        assert word in text
