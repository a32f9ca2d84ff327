"""Entity resolution (`cybertnoc link`): known answers on small hand-made workspaces, the
waterfall, runs and undo, survival of re-imports, evaluation metrics, and F1 on the synthetic
world's person records for three seeds."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import TEST_KEY
from cybertnoc.cli.link import link as link_group
from cybertnoc.errors import CybertnocError, InvalidValue, SchemaError
from cybertnoc.ethics import Pseudonymiser
from cybertnoc.ingest import import_file, make_id
from cybertnoc.linkage import workspace as lw
from cybertnoc.linkage.evaluate import (
    bcubed_scores,
    pairwise_scores,
    plain_records_from_world,
    threshold_curve,
    truth_from_world,
    truth_pairs,
)
from cybertnoc.linkage.splink_link import (
    DEFAULT_THRESHOLD,
    cluster_pairs,
    get_schema_settings,
    link_records,
    record_table,
    schema_names,
)
from cybertnoc.report import self_containment_problems
from cybertnoc.store import Workspace, verify_audit_log

MAPPING = """\
version: 1
dataset: tiny_people
title: Tiny people
publisher: tests
licence: CC0-1.0
format: csv
personal: [full_name, date_of_birth, phone]
entities:
  person:
    schema: Person
    keys: [record_id]
    required: true
    properties:
      name: {column: full_name, required: true}
      birthDate: {column: date_of_birth}
      phone: {column: phone}
      nationality: {column: nationality}
"""

FIRST = [
    "Hannah",
    "Yusuf",
    "Cornelis",
    "Lucas",
    "Maria",
    "Ahmed",
    "Olga",
    "Pieter",
    "Sofia",
    "Tomasz",
    "Ines",
    "Kwame",
    "Elena",
    "Jonas",
    "Aisha",
    "Marco",
    "Freya",
    "Dmitri",
    "Leila",
    "Oscar",
]
LAST = [
    "Jackson",
    "Oluwole",
    "Brouwer",
    "Koster",
    "Garcia",
    "Haddad",
    "Ivanova",
    "de Vries",
    "Rossi",
    "Nowak",
    "Moreau",
    "Mensah",
    "Petrova",
    "Berg",
    "Khan",
    "Bianchi",
    "Lund",
    "Sokolov",
    "Nasser",
    "Lindqvist",
]
NATIONALITY = [
    "GB",
    "NG",
    "NL",
    "NL",
    "ES",
    "LB",
    "RU",
    "NL",
    "IT",
    "PL",
    "FR",
    "GH",
    "BG",
    "DE",
    "PK",
    "IT",
    "SE",
    "RU",
    "EG",
    "SE",
]


def _people_rows() -> list[dict[str, str]]:
    """20 people, most with two or three records in other spellings; two namesakes."""
    rows: list[dict[str, str]] = []
    for i, (first, last, nat) in enumerate(zip(FIRST, LAST, NATIONALITY, strict=True)):
        dob = f"{1960 + i}-{(i % 12) + 1:02d}-{(i * 7) % 27 + 1:02d}"
        phone = f"+4479111{i:05d}"
        person = f"P{i:02d}"
        rows.append(
            dict(
                record_id=f"{person}-a",
                full_name=f"{first} {last}",
                date_of_birth=dob,
                phone=phone,
                nationality=nat,
            )
        )
        if i % 4 != 3:  # a second record: upper case, surname first
            rows.append(
                dict(
                    record_id=f"{person}-b",
                    full_name=f"{last.upper()}, {first}",
                    date_of_birth=dob,
                    phone="",
                    nationality=nat,
                )
            )
        if i % 3 == 0:  # a third: a typo in the name, the same phone
            rows.append(
                dict(
                    record_id=f"{person}-c",
                    full_name=f"{first[:-1]} {last}",
                    date_of_birth=dob,
                    phone=phone,
                    nationality="",
                )
            )
    # Namesakes: the same name as P05, another person (another date of birth, nationality).
    rows.append(
        dict(
            record_id="N05-a",
            full_name="Ahmed Haddad",
            date_of_birth="1999-09-09",
            phone="+447911199999",
            nationality="SY",
        )
    )
    return rows


def _truth(rows: list[dict[str, str]]) -> dict[str, str]:
    return {
        make_id("tiny_people", "", [r["record_id"]]): r["record_id"].split("-")[0] for r in rows
    }


def _write(tmp: Path, rows: list[dict[str, str]], name: str = "people.csv") -> tuple[Path, Path]:
    data = tmp / name
    pd.DataFrame(rows).to_csv(data, index=False)
    mapping = tmp / "people.yml"
    mapping.write_text(MAPPING, encoding="utf-8")
    return data, mapping


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A workspace of the hand-made people, linked once (run-1)."""
    tmp = tmp_path_factory.mktemp("tiny")
    rows = _people_rows()
    data, mapping = _write(tmp, rows)
    ws = Workspace.create(tmp / "ws")
    import_file(ws, data, mapping, pseudonymiser=Pseudonymiser(TEST_KEY))
    run = lw.link_workspace(ws, seed=0)
    yield {
        "ws": ws,
        "run": run,
        "rows": rows,
        "truth": _truth(rows),
        "data": data,
        "mapping": mapping,
        "tmp": tmp,
    }
    ws.close()


def _eid(record_id: str) -> str:
    return make_id("tiny_people", "", [record_id])


def _cluster_of(ws: Workspace, run_id: str) -> dict[str, str]:
    frame = lw.clusters(ws, run_id)
    return dict(zip(frame["entity_id"], frame["cluster_id"], strict=True))


# -- known answers --------------------------------------------------------------------------------
def test_same_pseudonymised_name_and_dob_link_and_different_people_do_not(tiny):
    ws, run = tiny["ws"], tiny["run"]
    assert run.run_id == "run-1" and run.status == "active" and run.schema == "Person"
    cluster = _cluster_of(ws, run.run_id)
    assert len(cluster) == len(tiny["rows"])  # every record in exactly one cluster
    # The same name (written the same way) and date of birth: one resolved entity.
    assert cluster[_eid("P00-a")] == cluster[_eid("P00-b")] == cluster[_eid("P00-c")]
    # "JACKSON, Hannah" and "Hannah Jackson" have different pseudonyms, the same encoding.
    expl = lw.explain(ws, _eid("P00-a"), _eid("P00-b"))
    levels = {s.comparison: s.level for s in expl.steps}
    assert levels["name"] == "name: same normalised name"
    assert levels["birth_date"] == "date of birth: equal (same pseudonym)"
    # Different people do not link, and the namesake stays apart from P05.
    assert cluster[_eid("P01-a")] != cluster[_eid("P02-a")]
    assert cluster[_eid("N05-a")] != cluster[_eid("P05-a")]
    namesake = lw.explain(ws, _eid("N05-a"), _eid("P05-a"))
    assert namesake.match_probability < DEFAULT_THRESHOLD
    assert {s.comparison: s.level for s in namesake.steps}["name"] == "name: equal (same pseudonym)"
    # Against the hand-made truth the clusters are perfect.
    predicted = _cluster_of(ws, run.run_id)
    assert pairwise_scores(predicted, tiny["truth"]).f1 == 1.0
    assert bcubed_scores(predicted, tiny["truth"]).f1 == 1.0


def test_the_workspace_holds_no_plaintext_for_linkage(tiny):
    frame = record_table(tiny["ws"])
    assert frame["name"].notna().all() and frame["name"].str.startswith("p:").all()
    assert frame["phone"].dropna().str.startswith("p:").all() and frame["phone"].notna().sum() > 20
    assert frame["name_bf"].map(lambda b: isinstance(b, bytes) and len(b) == 128).all()
    text = json.dumps(tiny["run"].settings) + json.dumps(
        lw.pairs(tiny["ws"], tiny["run"].run_id)["evidence"].tolist()
    )
    for row in tiny["rows"]:
        assert row["full_name"] not in text and row["date_of_birth"] not in text


# -- explain --------------------------------------------------------------------------------------
def test_explain_waterfall_sums_to_the_final_match_weight(tiny):
    ws, run = tiny["ws"], tiny["run"]
    stored = lw.pairs(ws, run.run_id).iloc[0]
    expl = lw.explain(ws, stored["entity_a"], stored["entity_b"])
    assert expl.stored and expl.candidate
    assert expl.steps[0].comparison == "prior"
    prior = run.settings["model"]["probability_two_random_records_match"]
    assert expl.steps[0].match_weight == pytest.approx(math.log2(prior / (1 - prior)))
    assert [s.comparison for s in expl.steps[1:]] == [
        c["output_column_name"] for c in run.settings["model"]["comparisons"]
    ]
    total = sum(s.match_weight for s in expl.steps)
    assert total == pytest.approx(expl.match_weight) == pytest.approx(stored["match_weight"])
    assert expl.steps[-1].cumulative == pytest.approx(total)
    assert expl.match_probability == pytest.approx(stored["match_probability"])
    for s in expl.steps:
        assert s.match_weight == pytest.approx(math.log2(s.bayes_factor))
    # Order of the arguments does not matter; a prefix of an id works.
    again = lw.explain(ws, stored["entity_b"][:10], stored["entity_a"])
    assert again.match_weight == pytest.approx(expl.match_weight)


def test_explain_scores_a_pair_the_run_did_not_keep(tiny):
    ws = tiny["ws"]
    expl = lw.explain(ws, _eid("P01-a"), _eid("P02-a"))
    assert not expl.stored and not expl.same_cluster
    assert expl.match_probability < 0.01
    assert sum(s.match_weight for s in expl.steps) == pytest.approx(expl.match_weight)
    assert {s.comparison: s.level for s in expl.steps}["name"] == "name: different"


# -- runs, undo, redo -----------------------------------------------------------------------------
def _source_state(ws: Workspace) -> str:
    h = hashlib.sha256()
    for table in ("entities", "statements", "relationships", "value_encodings", "records"):
        for row in ws.con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall():
            h.update(repr(row).encode())
    return h.hexdigest()


def test_undo_restores_the_previous_state_and_redo_takes_other_settings(tmp_path):
    rows = _people_rows()
    data, mapping = _write(tmp_path, rows)
    with Workspace.create(tmp_path / "ws") as ws:
        import_file(ws, data, mapping, pseudonymiser=Pseudonymiser(TEST_KEY))
        before = _source_state(ws)
        first = lw.link_workspace(ws, seed=0)
        assert _source_state(ws) == before  # linking never changes the source entities
        clusters_first = lw.clusters(ws, first.run_id)
        # Redo with another threshold: a new run supersedes the first.
        second = lw.link_workspace(ws, threshold=0.999999, seed=0)
        assert second.threshold == 0.999999 and second.run_id == "run-2"
        assert [r.status for r in lw.runs(ws)] == ["superseded", "active"]
        clusters_second = lw.clusters(ws, second.run_id)
        expected = cluster_pairs(
            clusters_second["entity_id"].tolist(), lw.pairs(ws, second.run_id), 0.999999
        )
        assert clusters_second["cluster_id"].tolist() == expected["cluster_id"].tolist()
        assert clusters_second["cluster_id"].nunique() > clusters_first["cluster_id"].nunique()
        resolved = ws.con.execute("SELECT DISTINCT run_id FROM resolved_entities").fetchall()
        assert resolved == [("run-2",)]
        # Undo the second run: its clusters and pairs go, the first is active again.
        undone = lw.undo(ws, "2")
        assert undone.status == "undone"
        for table in ("linkage_clusters", "linkage_pairs"):
            n = ws.con.execute(f"SELECT count(*) FROM {table} WHERE run_id = 'run-2'").fetchall()
            assert n[0][0] == 0
        assert lw.get_run(ws).run_id == "run-1"
        assert lw.clusters(ws).equals(clusters_first)
        resolved = ws.con.execute("SELECT DISTINCT run_id FROM resolved_entities").fetchall()
        assert resolved == [("run-1",)]
        assert _source_state(ws) == before
        # Undo the first: nothing is active, the entities are as imported.
        lw.undo(ws, "run-1")
        assert [r.status for r in lw.runs(ws)] == ["undone", "undone"]
        assert ws.con.execute("SELECT count(*) FROM resolved_entities").fetchall()[0][0] == 0
        assert _source_state(ws) == before
        with pytest.raises(InvalidValue, match="undone already"):
            lw.undo(ws, "run-1")
        with pytest.raises(InvalidValue, match="active linkage run"):
            lw.get_run(ws)
        audit = [
            r[0] for r in ws.con.execute("SELECT command FROM audit_log ORDER BY seq").fetchall()
        ]
        assert audit[-4:] == ["link run", "link run", "link undo", "link undo"]
        assert verify_audit_log(ws.con) == []


def test_linkage_results_survive_re_running_ingestion(tmp_path):
    rows = _people_rows()
    data, mapping = _write(tmp_path, rows)
    with Workspace.create(tmp_path / "ws") as ws:
        pseudo = Pseudonymiser(TEST_KEY)
        import_file(ws, data, mapping, pseudonymiser=pseudo)
        run = lw.link_workspace(ws, seed=0)
        before = lw.clusters(ws, run.run_id)
        again = import_file(ws, data, mapping, pseudonymiser=pseudo)  # re-run ingestion
        assert again.skipped
        assert lw.clusters(ws, run.run_id).equals(before)
        assert lw.get_run(ws).run_id == run.run_id
        # A new file: the run still holds; its new records join at the next run.
        extra = [
            dict(
                record_id="X99-a",
                full_name="Zara Quinn",
                date_of_birth="1970-01-02",
                phone="",
                nationality="IE",
            )
        ]
        new_file, _ = _write(tmp_path, extra, "more.csv")
        import_file(ws, new_file, mapping, pseudonymiser=pseudo)
        assert lw.clusters(ws, run.run_id).equals(before)
        with pytest.raises(InvalidValue, match="imported after the run"):
            lw.explain(ws, _eid("X99-a"), _eid("P00-a"))
    # The same files imported into a new workspace and linked with the same seed: the same
    # resolved entities (entity ids come from the source keys).
    with Workspace.create(tmp_path / "ws2") as ws2:
        import_file(ws2, data, mapping, pseudonymiser=Pseudonymiser(TEST_KEY))
        run2 = lw.link_workspace(ws2, seed=0)
        assert lw.clusters(ws2, run2.run_id).equals(before)


# -- bad input ------------------------------------------------------------------------------------
def test_bad_input_is_refused_with_a_clear_message(tiny):
    ws = tiny["ws"]
    with pytest.raises(SchemaError, match=r"'Vehicle'.*expected one of.*Person"):
        lw.link_workspace(ws, "Vehicle")
    with pytest.raises(InvalidValue, match=r"'run-42' is not a linkage run.*run-1.*link runs"):
        lw.get_run(ws, "run-42")
    with pytest.raises(InvalidValue, match=r"'deadbeef00' is not an entity id.*clusters"):
        lw.explain(ws, "deadbeef00", _eid("P00-a"))
    with pytest.raises(InvalidValue, match="other than the first"):
        lw.explain(ws, _eid("P00-a"), _eid("P00-a"))
    with pytest.raises(InvalidValue, match="between 0 and 1"):
        lw.link_workspace(ws, threshold=1.5)
    with pytest.raises(
        InvalidValue,
        match=r"'LegalEntity' is not a schema with at least two records to link \(found 0\)",
    ):
        lw.link_workspace(ws, "LegalEntity")
    assert issubclass(InvalidValue, CybertnocError)


# -- the CLI --------------------------------------------------------------------------------------
def _cli(args: list[str]):
    return CliRunner().invoke(link_group, args)


def test_cli_run_runs_explain_evaluate_undo(tmp_path):
    rows = _people_rows()
    data, mapping = _write(tmp_path, rows)
    w = str(tmp_path / "ws")
    with Workspace.create(w) as ws:
        import_file(ws, data, mapping, pseudonymiser=Pseudonymiser(TEST_KEY))
    result = _cli(["run", "-w", w, "--json"])
    assert result.exit_code == 0, result.output
    run = json.loads(result.stdout)
    assert run["run_id"] == "run-1" and run["summary"]["records"] == len(rows)
    result = _cli(["run", "-w", w, "--threads", "0"])  # every core: the same clusters here
    assert (
        result.exit_code == 0 and "run-2" in result.stdout and "resolved entities" in result.stdout
    )
    with Workspace.open(w, read_only=True) as ws:
        one, every = (lw.clusters(ws, r)[["cluster_id", "entity_id"]] for r in ("run-1", "run-2"))
    assert one.equals(every)
    result = _cli(["runs", "-w", w, "--json"])
    assert [r["status"] for r in json.loads(result.stdout)] == ["superseded", "active"]
    a, b = _eid("P00-a"), _eid("P00-b")
    page = tmp_path / "explain.html"
    result = _cli(["explain", a, b, "-w", w, "--html", str(page)])
    assert result.exit_code == 0, result.output
    assert "normalised" in result.stdout and "match at threshold 0.9" in result.stdout
    html = page.read_text(encoding="utf-8")
    assert self_containment_problems(html) == [] and "<svg" in html
    result = _cli(["explain", a, b, "-w", w, "--json"])
    data = json.loads(result.stdout)
    assert data["matched"] and data["same_cluster"]
    assert sum(s["match_weight"] for s in data["waterfall"]) == pytest.approx(data["match_weight"])
    result = _cli(["clusters", "-w", w, "--json"])
    assert all(c["size"] >= 2 for c in json.loads(result.stdout)["clusters"])
    result = _cli(["undo", "run-2", "-w", w])
    assert result.exit_code == 0 and "run-1 is active again" in result.stdout
    # Errors: exit 2, a message naming the value, what was expected and a hint.
    result = _cli(["run", "-w", w, "--schema", "Vehicle"])
    assert result.exit_code == 2 and "'Vehicle'" in result.stderr and "Person" in result.stderr
    result = _cli(["undo", "run-9", "-w", w])
    assert result.exit_code == 2 and "'run-9' is not a linkage run" in result.stderr
    result = _cli(["explain", "0" * 40, b, "-w", w])
    assert result.exit_code == 2 and "is not an entity id of this workspace" in result.stderr
    result = _cli(["evaluate", "-w", w, "--truth", str(tmp_path)])
    assert result.exit_code == 2 and "person_identities.csv" in result.stderr


# -- evaluation metrics ---------------------------------------------------------------------------
def test_pairwise_and_bcubed_on_hand_made_clusterings():
    truth = {"a": "x", "b": "x", "c": "x", "d": "y", "e": "y", "f": "z"}
    perfect = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 2, "f": 3}
    assert pairwise_scores(perfect, truth).f1 == 1.0 and bcubed_scores(perfect, truth).f1 == 1.0
    # Everything in one cluster: 4 true pairs of 15.
    lumped = dict.fromkeys(truth, 0)
    pw = pairwise_scores(lumped, truth)
    assert (pw.true_positives, pw.false_positives, pw.false_negatives) == (4, 11, 0)
    assert pw.precision == pytest.approx(4 / 15) and pw.recall == 1.0
    b3 = bcubed_scores(lumped, truth)  # precision per record: 3/6 (x), 2/6 (y), 1/6 (z)
    assert b3.precision == pytest.approx((3 * 3 / 6 + 2 * 2 / 6 + 1 / 6) / 6)
    assert b3.recall == 1.0
    assert b3.f1 == pytest.approx(2 * b3.precision / (b3.precision + 1))
    # All singletons: no predicted pair (precision 1 by convention), recall 0 pairwise;
    # B-cubed recall is the mean of 1/|T|.
    alone = {k: k for k in truth}
    pw = pairwise_scores(alone, truth)
    assert (pw.precision, pw.recall, pw.f1) == (1.0, 0.0, 0.0)
    b3 = bcubed_scores(alone, truth)
    assert b3.precision == 1.0 and b3.recall == pytest.approx((3 / 3 + 2 / 2 + 1) / 6)
    # Bagga & Baldwin's example shape: one false merge of two clusters.
    merged = {"a": 1, "b": 1, "c": 1, "d": 1, "e": 1, "f": 3}
    pw = pairwise_scores(merged, truth)
    assert (pw.true_positives, pw.false_positives) == (4, 6)
    b3 = bcubed_scores(merged, truth)
    assert b3.precision == pytest.approx((3 * 3 / 5 + 2 * 2 / 5 + 1) / 6)
    # Only records in both count.
    assert pairwise_scores({**perfect, "zz": 9}, truth).items == 6
    with pytest.raises(InvalidValue, match="share records"):
        pairwise_scores({"q": 1}, truth)
    assert truth_pairs(truth) == {("a", "b"), ("a", "c"), ("b", "c"), ("d", "e")}


def test_threshold_curve_agrees_with_the_clusters_at_each_threshold():
    ids = ["a", "b", "c", "d"]
    pairs = pd.DataFrame(
        {
            "entity_a": ["a", "b", "c"],
            "entity_b": ["b", "c", "d"],
            "match_probability": [0.99, 0.6, 0.2],
        }
    )
    truth = {"a": 1, "b": 1, "c": 1, "d": 2}
    curve = threshold_curve(ids, pairs, truth, thresholds=[0.1, 0.5, 0.9, 0.999])
    assert curve["clusters"].tolist() == [1, 2, 3, 4]
    assert curve["pairwise_f1"].tolist()[1] == 1.0
    at_half = cluster_pairs(ids, pairs, 0.5)
    assert at_half["cluster_id"].tolist() == ["a", "a", "a", "d"]


# -- plain DataFrames (files outside a workspace) --------------------------------------------------
def test_link_records_on_a_plain_dataframe_uses_plaintext_comparisons():
    rows = _people_rows()
    df = pd.DataFrame(
        {
            "unique_id": [r["record_id"] for r in rows],
            "name": [r["full_name"] for r in rows],
            "birth_date": [r["date_of_birth"] for r in rows],
            "phone": [r["phone"] or None for r in rows],
            "nationality": [r["nationality"] or None for r in rows],
        }
    )
    result = link_records(df, seed=0)
    assert result.mode == "plain"
    assert result.comparisons == ["name", "birth_date", "phone", "nationality"]
    labels = [
        lv.get("label_for_charts")
        for c in result.model["comparisons"]
        if c["output_column_name"] == "name"
        for lv in c["comparison_levels"]
    ]
    assert "name: JW ≥ 0.95" in labels
    truth = {r["record_id"]: r["record_id"].split("-")[0] for r in rows}
    predicted = dict(zip(result.clusters["entity_id"], result.clusters["cluster_id"], strict=True))
    assert pairwise_scores(predicted, truth).f1 == 1.0
    again = link_records(df, seed=0)
    assert again.clusters.equals(result.clusters) and again.pairs.drop(columns="evidence").equals(
        result.pairs.drop(columns="evidence")
    )
    with pytest.raises(InvalidValue, match="unique, non-empty"):
        link_records(pd.concat([df, df.iloc[:1]]), seed=0)


COMPANIES = """\
version: 1
dataset: tiny_companies
title: Tiny companies
publisher: tests
licence: CC0-1.0
format: csv
personal: [phone]
entities:
  company:
    schema: Company
    keys: [row_id]
    properties:
      name: {column: company_name, required: true}
      jurisdiction: {column: country}
      registrationNumber: {column: reg_no}
      phone: {column: phone}
"""


def test_organisations_link_on_plaintext_names_and_pseudonymised_phones(tmp_path):
    names = [
        "Eastgate Nail Bar",
        "Northern Logistics",
        "Blue Harbour Trading",
        "Vega Imports",
        "Kestrel Car Wash",
        "Amber Lane Foods",
        "Orion Security",
        "Delta Freight",
    ]
    rows = []
    for i, name in enumerate(names):
        rows.append(
            dict(
                row_id=f"C{i}a",
                company_name=f"{name} Ltd",
                country="GB",
                reg_no=f"0{i}12345",
                phone=f"+44791120{i:04d}",
            )
        )
        rows.append(
            dict(
                row_id=f"C{i}b",
                company_name=f"{name.upper()} LTD",
                country="GB",
                reg_no="",
                phone=f"+44791120{i:04d}",
            )
        )
    data = tmp_path / "companies.csv"
    pd.DataFrame(rows).to_csv(data, index=False)
    mapping = tmp_path / "companies.yml"
    mapping.write_text(COMPANIES, encoding="utf-8")
    with Workspace.create(tmp_path / "ws") as ws:
        import_file(ws, data, mapping, pseudonymiser=Pseudonymiser(TEST_KEY))
        frame = record_table(ws, "LegalEntity")
        assert not frame["name"].str.startswith("p:").any()  # not personal: plaintext
        assert frame["phone"].notna().all() and frame["phone"].str.startswith("p:").all()
        run = lw.link_workspace(ws, "LegalEntity", seed=0)
        cluster = _cluster_of(ws, run.run_id)
        ids = {r["row_id"]: make_id("tiny_companies", "", [r["row_id"]]) for r in rows}
        for i in range(len(names)):
            assert cluster[ids[f"C{i}a"]] == cluster[ids[f"C{i}b"]]
        assert len(set(cluster.values())) == len(names)


def test_schema_settings_are_extensible():
    assert {"Person", "LegalEntity", "UserAccount"} <= set(schema_names())
    assert get_schema_settings("person").schema == "Person"
    vendor = get_schema_settings("UserAccount")
    assert vendor.field("pgp").kind == "code" and vendor.field("handle").lsh


# -- the synthetic world (several seeds) ----------------------------------------------------------
PERSON_FILES = (
    "data/arrests.csv",
    "data/police_records.csv",
    "data/court_cases.tsv",
    "data/bank_customers.parquet",
)


def _person_world(tmp: Path, seed: int) -> tuple[Workspace, Path]:
    """The synthetic world of a seed with its person sources imported through their built-in
    mappings, as the demo imports them."""
    from cybertnoc.synth import generate

    world = tmp / "world"
    manifest = generate(world, seed=seed)
    ws = Workspace.create(tmp / "workspace")
    pseudo = Pseudonymiser(TEST_KEY)
    for f in manifest.files:
        if f.path in PERSON_FILES:
            import_file(ws, world / f.path, f.mapping, pseudonymiser=pseudo)
    return ws, world


@pytest.fixture(scope="module", params=[0, 1, 2], ids=lambda s: f"seed{s}")
def world_run(request, tmp_path_factory):
    ws, world = _person_world(tmp_path_factory.mktemp(f"world{request.param}"), request.param)
    run = lw.link_workspace(ws, seed=0)
    yield ws, world, run
    ws.close()


@pytest.mark.slow
def test_person_linkage_on_the_synthetic_world_reaches_f1_095(world_run):
    ws, world, run = world_run
    ev = lw.evaluate_run(ws, world)
    assert ev.threshold == DEFAULT_THRESHOLD
    assert ev.records == run.summary["records"]  # the truth covers every person record
    assert ev.pairwise.f1 >= 0.95, ev.as_dict()
    assert ev.bcubed.f1 >= 0.95 and 0 < ev.bcubed.precision <= 1 and 0 < ev.bcubed.recall <= 1
    at = ev.curve[ev.curve["threshold"] == run.threshold].iloc[0]
    assert at["pairwise_f1"] == pytest.approx(ev.pairwise.f1)
    assert at["bcubed_f1"] == pytest.approx(ev.bcubed.f1)
    data = ev.as_dict()
    assert set(data["pairwise"]) >= {"precision", "recall", "f1"}
    assert set(data["bcubed"]) >= {"precision", "recall", "f1"} and data["curve"]


@pytest.mark.slow
def test_plaintext_linkage_of_the_same_records_outside_a_workspace(world_run):
    _, world, _ = world_run
    frame, truth = plain_records_from_world(world)
    assert len(frame) == len(truth) == len(pd.read_csv(world / "truth" / "person_identities.csv"))
    result = link_records(frame, seed=0)
    predicted = dict(zip(result.clusters["entity_id"], result.clusters["cluster_id"], strict=True))
    assert pairwise_scores(predicted, truth).f1 >= 0.95


@pytest.mark.slow
def test_truth_of_the_world_maps_onto_entity_ids(world_run):
    ws, world, _ = world_run
    truth = truth_from_world(ws, world)
    identities = pd.read_csv(world / "truth" / "person_identities.csv")
    assert len(truth) == len(identities)
    arrests = identities[identities["source_file"] == "data/arrests.csv"].iloc[0]
    assert truth[make_id("synth_arrests", "", [arrests["record_id"]])] == arrests["person_id"]


@pytest.mark.slow
def test_cli_evaluate_on_the_demo_workspace(tmp_path):
    from cybertnoc.demo import run_demo

    demo = run_demo(tmp_path / "demo", seed=0, key=TEST_KEY)
    w = str(demo.workspace)
    result = _cli(["run", "-w", w])
    assert result.exit_code == 0, result.output
    result = _cli(["evaluate", "-w", w, "--truth", str(demo.world), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["pairwise"]["f1"] >= 0.95
    assert {"precision", "recall", "f1"} <= set(data["bcubed"])
    assert [p["threshold"] for p in data["curve"]] == sorted(p["threshold"] for p in data["curve"])
    result = _cli(["evaluate", "-w", w, "--truth", str(demo.world)])
    assert "B-cubed" in result.stdout and "pairwise" in result.stdout
