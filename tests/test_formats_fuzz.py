"""Fuzzing every built-in format: bad files give a clean result, never a traceback or half a source.

For each format, a small seed input is cut from its example data set in ../shared/data (the first
lines of each file). Hypothesis then truncates it at a random byte, re-encodes it (Latin-1,
UTF-16, cp1252), shuffles its columns, or replaces it with garbage, and imports the result into
a fresh workspace. The import must either succeed or raise a :class:`CybertnocError` (an
``ImportRejected`` with problems, a clear ``InvalidValue``); in the second case no table but the
audit log may have changed.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TEST_KEY, shared_data
from cybertnoc.errors import CybertnocError, ImportRejected
from cybertnoc.ethics import Pseudonymiser
from cybertnoc.ingest.formats import import_format, list_formats
from cybertnoc.store import Workspace

SEED_LINES = 40
DATA_TABLES = ("sources", "records", "entities", "statements", "relationships")
FORMATS = [f for f in list_formats() if f.examples]


def _cut(src: Path, dst: Path) -> None:
    """The first SEED_LINES lines of a text file, or the whole of a small binary one."""
    data = src.read_bytes()
    if src.suffix.lower() in (".xlsx", ".parquet", ".gz", ".zip"):
        dst.write_bytes(data)
        return
    lines = data.split(b"\n")
    dst.write_bytes(b"\n".join(lines[:SEED_LINES]) + (b"\n" if len(lines) > SEED_LINES else b""))


def _network_seed(write, suffix: str):
    def make(root: Path) -> Path:
        import networkx as nx

        G = nx.karate_club_graph()
        nx.set_edge_attributes(G, 1.0, "weight")
        path = root / f"karate{suffix}"
        write(G, path)
        return path

    return make


def _generated() -> dict:
    import networkx as nx

    return {
        # No GraphML or GEXF file in ../shared/data: seed from networkx's own writers.
        "graphml": _network_seed(nx.write_graphml, ".graphml"),
        "gexf": _network_seed(nx.write_gexf, ".gexf"),
        # The Elliptic data set is not redistributable: seed from the generated layout.
        "elliptic": _elliptic_seed,
    }


def _elliptic_seed(root: Path) -> Path:
    from test_formats_finance import _elliptic

    _elliptic(root / "elliptic_bitcoin_dataset")
    return root / "elliptic_bitcoin_dataset"


def _seed(fmt, root: Path) -> Path:
    generated = _generated()
    if fmt.name in generated:
        return generated[fmt.name](root)
    example = shared_data(fmt.examples[0])
    target = root / example.name
    if example.is_dir():
        target.mkdir()
        for child in sorted(example.rglob("*")):
            if child.is_file() and child.stat().st_size < 5_000_000:
                dst = target / child.relative_to(example)
                dst.parent.mkdir(parents=True, exist_ok=True)
                _cut(child, dst)
    else:
        _cut(example, target)
    return target


def _files(path: Path) -> list[Path]:
    return [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())


def _mutate(data: bytes, how: str, cut: float, noise: bytes) -> bytes:
    if how == "truncate":
        return data[: int(len(data) * cut)]
    if how == "garbage":
        return noise
    if how == "reencode":
        text = data.decode("utf-8", errors="replace")
        encoding = ("latin-1", "utf-16", "cp1252")[int(cut * 3) % 3]
        return text.encode(encoding, errors="replace")
    if how == "shuffle":
        text = data.decode("utf-8", errors="replace")
        rows = list(csv.reader(io.StringIO(text)))
        if not rows:
            return data
        width = max(len(r) for r in rows)
        order = list(range(width))[::-1]
        out = io.StringIO()
        writer = csv.writer(out)
        for r in rows:
            r = r + [""] * (width - len(r))
            writer.writerow([r[i] for i in order])
        return out.getvalue().encode("utf-8")
    raise AssertionError(how)


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(
    how=st.sampled_from(["truncate", "garbage", "reencode", "shuffle"]),
    cut=st.floats(min_value=0.0, max_value=1.0),
    which=st.integers(min_value=0, max_value=50),
    noise=st.binary(min_size=0, max_size=400),
)
def test_mangled_input_is_imported_or_cleanly_rejected(fmt, how, cut, which, noise):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        seed = _seed(fmt, root)
        files = _files(seed)
        victim = files[which % len(files)]
        victim.write_bytes(_mutate(victim.read_bytes(), how, cut, noise))
        with Workspace.create(root / "ws") as ws:
            before = {t: ws.table_counts()[t] for t in DATA_TABLES}
            try:
                results = import_format(ws, seed, fmt.name, pseudonymiser=Pseudonymiser(TEST_KEY))
            except ImportRejected as exc:
                assert exc.problems, "a rejection must say why"
                assert all(p.expected and p.hint is not None for p in exc.problems)
                assert {t: ws.table_counts()[t] for t in DATA_TABLES} == before
            except CybertnocError:
                assert {t: ws.table_counts()[t] for t in DATA_TABLES} == before
            else:
                imported = [r for r in results if not r.skipped]
                assert ws.table_counts()["sources"] == len(imported)
        shutil.rmtree(root, ignore_errors=True)


def test_every_format_has_an_example_to_fuzz():
    assert {f.name for f in list_formats()} == {f.name for f in FORMATS}
