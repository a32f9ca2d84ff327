"""Similarity encodings made at ingest: a keyed Bloom filter for every pseudonymised value.

The plaintext never reaches the workspace; its encoding lets linkage compare names that are
spelled differently, in another order or in another script.
"""

from __future__ import annotations

import duckdb
import pytest

from conftest import TEST_KEY
from cybertnoc.ethics import Pseudonymiser
from cybertnoc.ingest import import_file
from cybertnoc.linkage.bloom import BloomEncoder, dice, dice_sql
from cybertnoc.linkage.normalise import normalise_name
from cybertnoc.store import Workspace

MAPPING = """\
version: 1
dataset: {dataset}
title: Test people
publisher: cybertnoc tests
licence: CC0-1.0
personal: [{personal}]
entities:
  person:
    schema: Person
    keys: [record_id]
    properties:
      name: {name}
      birthDate: {{column: date_of_birth}}
      nationality: {{column: nationality}}
"""

ARRESTS = """\
record_id,full_name,date_of_birth,nationality
A1,VLADIMIR KUZNETSOV,1981-02-22,RU
A2,"JACKSON, Hannah",2002-11-08,GB
A3,Ханна Джексон,2002-11-08,GB
"""

POLICE = """\
record_id,forenames,surname,date_of_birth,nationality
N1,Vladimir,Kuznetsov,1981-02-22,RU
N2,Hanna,Jackson,2002-08-11,GB
"""


@pytest.fixture
def ws(tmp_path):
    (tmp_path / "arrests.csv").write_text(ARRESTS, encoding="utf-8")
    (tmp_path / "arrests.yml").write_text(
        MAPPING.format(
            dataset="t_arrests",
            personal="full_name, date_of_birth",
            name="{column: full_name, required: true}",
        )
    )
    (tmp_path / "police.csv").write_text(POLICE, encoding="utf-8")
    (tmp_path / "police.yml").write_text(
        MAPPING.format(
            dataset="t_police",
            personal="forenames, surname, date_of_birth",
            name='{template: "{forenames} {surname}", required: true}',
        )
    )
    p = Pseudonymiser(TEST_KEY)
    with Workspace.create(tmp_path / "ws") as w:
        import_file(w, tmp_path / "arrests.csv", tmp_path / "arrests.yml", pseudonymiser=p)
        import_file(w, tmp_path / "police.csv", tmp_path / "police.yml", pseudonymiser=p)
        yield w


def _names(ws, dataset):
    return dict(
        ws.con.execute(
            """
            SELECT r.row_number, s.value FROM statements s JOIN records r
              ON r.source_id = s.source_id AND r.row_number = s.row_number
            WHERE s.dataset = ? AND s.prop = 'name' ORDER BY 1
            """,
            [dataset],
        ).fetchall()
    )


def test_every_personal_value_has_an_encoding_and_no_plaintext(ws, tmp_path):
    rows = ws.con.execute(
        """
        SELECT s.prop, s.value, e.encoding FROM statements s
        LEFT JOIN value_encodings e ON e.value = s.value
        WHERE s.prop IN ('name', 'birthDate')
        """
    ).fetchall()
    assert rows and all(value.startswith("p:") and enc for _, value, enc in rows)
    assert all(len(enc) == 128 for *_, enc in rows)
    ws.con.execute("CHECKPOINT")
    raw = (tmp_path / "ws" / "workspace.duckdb").read_bytes().lower()
    for text in ("kuznetsov", "vladimir", "jackson", "hannah", "1981-02-22", "джексон"):
        assert text.encode() not in raw, text
    # Non-personal values are not encoded.
    assert not ws.con.execute(
        "SELECT count(*) FROM value_encodings WHERE value IN ('RU', 'GB')"
    ).fetchall()[0][0]


def test_a_template_of_personal_fields_is_one_pseudonym(ws):
    """'{forenames} {surname}' is pseudonymised as the whole name, so 'Vladimir Kuznetsov' in the
    police file has the pseudonym of 'VLADIMIR KUZNETSOV' in the arrests file."""
    arrests, police = _names(ws, "t_arrests"), _names(ws, "t_police")
    assert police[1] == arrests[1]
    assert police[1] == Pseudonymiser(TEST_KEY)("Vladimir Kuznetsov")


def test_encodings_compare_spelling_order_and_script(ws):
    arrests, police = _names(ws, "t_arrests"), _names(ws, "t_police")
    enc = dict(ws.con.execute("SELECT value, encoding FROM value_encodings").fetchall())
    # "JACKSON, Hannah" and "Hanna Jackson": another order and a dropped letter.
    assert dice(enc[arrests[2]], enc[police[2]]) > 0.85
    # "Ханна Джексон" transliterates to "khanna dzhekson": still closer than a stranger.
    assert dice(enc[arrests[3]], enc[police[2]]) > dice(enc[arrests[1]], enc[police[2]]) + 0.2
    # The same Dice in SQL, in the workspace's own engine.
    sql = dice_sql("a.encoding", "b.encoding")
    (got,) = ws.con.execute(
        f"SELECT {sql} FROM value_encodings a, value_encodings b WHERE a.value = ? AND b.value = ?",
        [arrests[2], police[2]],
    ).fetchall()[0]
    assert got == pytest.approx(dice(enc[arrests[2]], enc[police[2]]))


def test_encodings_are_keyed_and_reimport_adds_none(ws, tmp_path):
    n = ws.con.execute("SELECT count(*) FROM value_encodings").fetchall()[0][0]
    import_file(
        ws,
        tmp_path / "arrests.csv",
        tmp_path / "arrests.yml",
        pseudonymiser=Pseudonymiser(TEST_KEY),
    )
    assert ws.con.execute("SELECT count(*) FROM value_encodings").fetchall()[0][0] == n
    # What the workspace holds is the filter under a key derived from the pseudonymisation key.
    name = _names(ws, "t_arrests")[1]
    (stored,) = ws.con.execute(
        "SELECT encoding FROM value_encodings WHERE value = ?", [name]
    ).fetchall()[0]
    derived = Pseudonymiser(TEST_KEY).derived_key(b"encodings")
    text = normalise_name("VLADIMIR KUZNETSOV")
    assert stored == BloomEncoder(derived).encode(text)
    assert stored != BloomEncoder(b"another-key-0123456789").encode(text)
    assert stored != BloomEncoder(TEST_KEY).encode(text)  # never the key itself


def test_an_unpseudonymised_import_writes_no_encodings(tmp_path):
    (tmp_path / "plain.csv").write_text(
        "record_id,full_name,date_of_birth,nationality\nX1,Ann Lee,,\n"
    )
    (tmp_path / "plain.yml").write_text(
        MAPPING.format(dataset="t_plain", personal="", name="{column: full_name}").replace(
            "personal: []\n", ""
        )
    )
    with Workspace.create(tmp_path / "ws2") as w:
        import_file(w, tmp_path / "plain.csv", tmp_path / "plain.yml")
        assert w.con.execute("SELECT count(*) FROM value_encodings").fetchall()[0][0] == 0
    duckdb.connect(str(tmp_path / "ws2" / "workspace.duckdb")).close()
