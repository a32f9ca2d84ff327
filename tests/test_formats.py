"""The format framework: `import --format`, one transaction for all parts, overrides, profiles."""

from __future__ import annotations

import pytest

from cybertnoc.errors import ImportRejected, InvalidValue
from cybertnoc.ingest.formats import get_format, import_format, list_formats
from cybertnoc.ingest.profile import load_profile
from cybertnoc.store.queries import entity_frame, list_sources

FORMAT_NAMES = (
    "edgelist graphml gexf ucinet-matrix montagna-edgelist two-mode-matrix agora hansa "
    "unodc-seizures unodc-routes glotip mse-lists amlsim amlworld amlworld-patterns elliptic "
    "tagpack ofac-addresses feodo urlhaus threatfox honeypot"
).split()


def test_unknown_format_suggests_the_closest():
    with pytest.raises(InvalidValue, match="Did you mean 'edgelist'"):
        get_format("edge-list")


def test_every_format_has_a_description_area_and_kind():
    for fmt in list_formats():
        assert fmt.description and fmt.crime_area and fmt.kind in ("offline", "online", "mixed")


def _write(tmp_path, text, name="ties.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_edgelist_nodes_ties_weights_and_duplicates(workspace, tmp_path):
    path = _write(tmp_path, "source,target,weight\na,b,2\nb,c,1\nb,a,3\nc,\n")
    results = import_format(workspace, path, "edgelist")
    (r,) = results
    assert (r.rows, r.relationships, r.flagged_rows) == (4, 2, 2)
    ties = entity_frame(workspace, "Tie", ["weight"])
    assert sorted(ties["weight"]) == ["1", "5"]  # a-b listed twice (either order): 2 + 3
    actors = entity_frame(workspace, "Actor", ["name"])
    assert sorted(actors["name"]) == ["a", "b", "c"]
    (source,) = list_sources(workspace)
    assert source["format_name"] == "edgelist" and source["dataset"] == "ties"
    assert source["relationships"] == 2 and source["kind"] == "offline"


def test_duplicate_rule_last_row_wins(workspace, tmp_path):
    path = _write(tmp_path, "a b 2\nb a 7\n")
    import_format(workspace, path, "edgelist", options={"duplicates": "last"})
    assert list(entity_frame(workspace, "Tie", ["weight"])["weight"]) == ["7"]


def test_directed_edgelist_keeps_both_directions(workspace, tmp_path):
    path = _write(tmp_path, "a;b;2\nb;a;3\n")
    (r,) = import_format(workspace, path, "edgelist", options={"directed": "true"})
    assert r.relationships == 2
    assert sorted(entity_frame(workspace, "DirectedTie", ["weight"])["weight"]) == ["2", "3"]


def test_bad_options_and_overrides_are_refused(workspace, tmp_path):
    path = _write(tmp_path, "a,b\n")
    with pytest.raises(InvalidValue, match="Its options: directed"):
        import_format(workspace, path, "edgelist", options={"directd": "true"})
    with pytest.raises(InvalidValue, match="duplicates rule"):
        import_format(workspace, path, "edgelist", options={"duplicates": "mean"})
    with pytest.raises(InvalidValue, match="Editable: title"):
        import_format(workspace, path, "edgelist", overrides={"licens": "CC0"})
    assert workspace.table_counts()["sources"] == 0


def test_overrides_and_dataset_are_recorded(workspace, tmp_path):
    path = _write(tmp_path, "a,b\n")
    import_format(
        workspace,
        path,
        "edgelist",
        dataset="my_network",
        overrides={"title": "My network", "licence": "CC-BY-4.0", "citation": "Doe (2024)"},
    )
    (s,) = list_sources(workspace)
    assert (s["dataset"], s["title"], s["licence"], s["citation"]) == (
        "my_network",
        "My network",
        "CC-BY-4.0",
        "Doe (2024)",
    )


def test_a_rejected_file_leaves_the_workspace_as_it_was(workspace, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"a,b\n\xff\xfe,c\n")
    bad.write_bytes(b"a,b\n" + "é".encode("latin-1") * 3 + b"\x81,c\n")
    before = workspace.table_counts()
    with pytest.raises(ImportRejected) as info:
        import_format(workspace, bad, "edgelist")
    assert "cannot be decoded" in info.value.problems[0].hint
    after = workspace.table_counts()
    assert {k: v for k, v in after.items() if k != "audit_log"} == {
        k: v for k, v in before.items() if k != "audit_log"
    }
    assert after["audit_log"] == before["audit_log"] + 1  # the attempt is audited


def test_profile_is_stored_with_the_source(workspace, tmp_path):
    path = _write(tmp_path, "source,target,weight\na,b,2\nb,c,x\nc,d,\n")
    (r,) = import_format(workspace, path, "edgelist")
    profile = load_profile(workspace, r.source_id)
    assert profile["rows"] == 3
    weight = next(c for c in profile["columns"] if c["column"] == "weight")
    assert weight["missing"] == 1 and weight["distinct"] == 2
    assert any(e["column"] == "weight" and e["examples"] == ["x"] for e in profile["invalid"])
    assert profile["worst_rows"][0]["line"] == 3
