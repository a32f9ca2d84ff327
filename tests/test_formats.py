"""The format framework: `import --format`, one transaction for all parts, overrides, profiles."""

from __future__ import annotations

from pathlib import Path

import pytest

from cybertnoc.errors import ImportRejected, InvalidValue
from cybertnoc.ingest.formats import get_format, import_format, list_formats
from cybertnoc.ingest.profile import load_profile
from cybertnoc.store.queries import entity_frame, list_sources

FORMAT_NAMES = [
    "edgelist",
    "graphml",
    "gexf",
    "ucinet-matrix",
    "montagna-edgelist",
    "two-mode-matrix",
    "agora",
    "hansa",
    "unodc-seizures",
    "unodc-routes",
    "glotip",
    "mse-lists",
    "amlsim",
    "amlworld",
    "amlworld-patterns",
    "elliptic",
    "tagpack",
    "ofac-addresses",
    "feodo",
    "urlhaus",
    "threatfox",
    "honeypot",
]


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


def test_cli_formats_import_profile_and_sources(tmp_path, monkeypatch):
    import json

    from click.testing import CliRunner

    from cybertnoc.cli import cli

    monkeypatch.delenv("CYBERTNOC_KEY", raising=False)
    runner = CliRunner()
    ws = tmp_path / "ws"
    assert runner.invoke(cli, ["init", str(ws)]).exit_code == 0
    listed = json.loads(runner.invoke(cli, ["formats", "--json"]).stdout)
    assert "edgelist" in {f["name"] for f in listed}
    path = _write(tmp_path, "source,target,weight\na,b,2\nb,c,x\n")
    result = runner.invoke(
        cli,
        ["import", "-w", str(ws), str(path), "--format", "edgelist", "-o", "directed=true",
         "--title", "Calls", "--licence", "CC0-1.0", "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (imported,) = json.loads(result.stdout)
    assert (imported["rows"], imported["flagged_rows"]) == (2, 1)
    sources = json.loads(runner.invoke(cli, ["sources", "-w", str(ws), "--json"]).stdout)
    assert sources[0]["format_name"] == "edgelist" and sources[0]["title"] == "Calls"
    assert sources[0]["relationships"] == 2 and sources[0]["kind"] == "offline"
    shown = runner.invoke(cli, ["profile", "1", "-w", str(ws), "--json"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    assert data["profile"]["rows"] == 2 and Path(data["html"]).is_file()
    html = Path(data["html"]).read_text("utf-8")
    assert "Invalid values by rule" in html and "ties.csv" in html
    missing = runner.invoke(cli, ["profile", "nope", "-w", str(ws)])
    assert missing.exit_code == 2 and "No source 'nope'" in missing.output
    bad = runner.invoke(cli, ["import", "-w", str(ws), str(path), "--format", "edgelst"])
    assert bad.exit_code == 2 and "Did you mean 'edgelist'" in bad.output
    both = runner.invoke(cli, ["import", "-w", str(ws), str(path), "--format", "edgelist",
                               "-m", "x.yml"])  # fmt: skip
    assert both.exit_code == 2 and "Give one of" in both.output


def test_every_format_the_issue_names_is_registered():
    assert sorted(f.name for f in list_formats()) == sorted(FORMAT_NAMES)


def test_a_parser_can_keep_the_text_as_written(workspace, tmp_path):
    from cybertnoc.ingest.formats import Part
    from cybertnoc.ingest.mapping import parse_mapping
    from cybertnoc.ingest.readers import RecordReader

    path = _write(tmp_path, "x", "listings.txt")
    mapping = parse_mapping(
        {
            "dataset": "t",
            "entities": {
                "l": {
                    "schema": "Listing",
                    "keys": ["id"],
                    "properties": {"name": {"column": "title"}},
                }
            },
        }
    )

    def parse(reader):
        yield 1, {"id": "1", "title": "Tom & Jerry"}, (), {"title": "Tom &amp; Jerry"}
        yield 2, {"id": "2", "title": "plain"}

    part = Part(path, mapping, lambda: RecordReader(path, ["id", "title"], parse))
    from cybertnoc.ingest.formats import _base

    fmt = _base.Format("test-originals", "t", "general", "online", lambda p, o: [part])
    _base._REGISTRY[fmt.name] = fmt
    try:
        import_format(workspace, path, fmt.name)
    finally:
        del _base._REGISTRY[fmt.name]
    rows = workspace.con.execute(
        "SELECT value, original_value FROM statements WHERE prop = 'name' ORDER BY value"
    ).fetchall()
    assert rows == [("Tom & Jerry", "Tom &amp; Jerry"), ("plain", None)]
