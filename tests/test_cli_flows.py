"""`cybertnoc flows ...`: the JSON interface scripts rely on, on a small synthetic workspace."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from cybertnoc.cli import cli
from cybertnoc.domains.drugs.indicators import INDICATOR_COLUMNS
from cybertnoc.ingest import import_file
from cybertnoc.report import self_containment_problems
from cybertnoc.store import Workspace
from cybertnoc.synth import generate


@pytest.fixture(scope="module")
def ws_path(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli_flows")
    manifest = generate(root / "world", seed=0, scale="small")
    with Workspace.create(root / "ws") as ws:
        for f in manifest.files:
            if f.mapping in ("synth/seizures", "synth/market_listings"):
                import_file(ws, root / "world" / f.path, f.mapping)
    return root / "ws"


@pytest.fixture
def runner(monkeypatch):
    monkeypatch.delenv("CYBERTNOC_WORKSPACE", raising=False)
    return CliRunner()


def _json(runner, *args):
    result = runner.invoke(cli, ["flows", *map(str, args), "--json"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return json.loads(result.stdout)


def test_routes_json_offline(runner, ws_path):
    rows = _json(runner, "routes", "-w", ws_path, "--source", "offline", "--top", "3")
    assert [set(r) for r in rows] == [{"origin", "destination", "drug", "seizures", "kg"}] * 3
    assert (rows[0]["origin"], rows[0]["destination"], rows[0]["drug"]) == ("NL", "GB", "cannabis")
    assert rows[0]["seizures"] >= rows[1]["seizures"] and rows[0]["kg"] > 0


def test_routes_json_online_with_filters_and_rate(runner, ws_path):
    rows = _json(runner, "routes", "-w", ws_path, "--source", "synth_market_listings",
                 "--drug", "cocaine", "--period", "2024", "--rate", "BTC=40000")  # fmt: skip
    assert rows and {r["drug"] for r in rows} == {"cocaine"}
    assert set(rows[0]) == {"origin", "destination", "drug", "listings", "vendors", "value",
                            "currency"}  # fmt: skip
    assert rows[0]["currency"] == "USD" and rows[0]["listings"] >= rows[-1]["listings"]


def test_totals_json_by_country_and_year(runner, ws_path):
    rows = _json(runner, "totals", "-w", ws_path, "--by", "country,year")
    assert set(rows[0]) == {"country", "year", "kg", "seizures", "listings", "vendors", "value"}
    years = {r["year"] for r in rows}
    assert years == {"2023", "2024"}
    unknown = [r for r in rows if r["country"] == "XX"]
    assert unknown and sum(r["listings"] for r in unknown) > 0  # unknown ships-from reported
    by_drug = _json(runner, "totals", "-w", ws_path, "--by", "drug", "--source", "offline")
    assert {r["drug"] for r in by_drug} >= {"cannabis", "cocaine", "ats", "opioids"}
    assert all(r["listings"] == 0 for r in by_drug)


def test_other_commands_json(runner, ws_path):
    roles = _json(runner, "roles", "-w", ws_path, "--source", "offline")
    assert {"country", "role", "balance"} <= set(roles[0])
    cmp = _json(runner, "compare", "-w", ws_path)
    assert {"spearman", "only_online", "only_offline", "routes"} <= set(cmp)
    growth = _json(runner, "growth", "2023", "2024", "-w", ws_path, "--source", "offline")
    assert growth and "emerging" in growth[0]
    vendors = _json(runner, "vendors", "-w", ws_path)
    assert vendors[0]["source"] == "synth_market_listings" and 0 < vendors[0]["gini"] < 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["routes", "--period", "last year"], "a year (2016), a month (2014-01)"),
        (["routes", "--source", "silkroad"], "silkroad"),
        (["routes", "--drug", "unobtainium"], "a drug group"),
        (["totals", "--by", "planet"], "grouping fields among"),
    ],
)
def test_bad_input_exits_2_with_a_message(runner, ws_path, args, message):
    result = runner.invoke(cli, ["flows", *args, "-w", str(ws_path)])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_bad_rate_is_refused(runner, ws_path):
    result = runner.invoke(cli, ["flows", "routes", "-w", str(ws_path), "--rate", "BTC"])
    assert result.exit_code == 2 and "CUR=VALUE" in result.output


class _Tooltips(HTMLParser):
    """Per route element (class route), whether it holds a <title> with its tooltip text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.routes: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "route" in a.get("class", "").split():
            self._open = {**a, "title": ""}
            self.routes.append(self._open)
        elif tag == "title" and self._open is not None:
            self._open["in_title"] = True

    def handle_endtag(self, tag):
        if tag == "title" and self._open is not None:
            self._open["in_title"] = False
        elif tag == "path" and self._open is not None:
            self._open = None

    def handle_data(self, data):
        if self._open is not None and self._open.get("in_title"):
            self._open["title"] += data


def _write(runner, command, path, *args):
    result = runner.invoke(cli, ["flows", command, *map(str, args), "-o", str(path)])
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert path.is_file() and path.stat().st_size > 1000
    return path


@pytest.mark.parametrize("command", ["map", "sankey"])
@pytest.mark.parametrize("suffix", [".svg", ".png", ".html"])
def test_map_and_sankey_write_each_file_type(runner, ws_path, tmp_path, command, suffix):
    path = _write(runner, command, tmp_path / f"{command}{suffix}", "-w", ws_path)
    if suffix == ".png":
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    elif suffix == ".svg":
        assert ET.parse(path).getroot().tag == "{http://www.w3.org/2000/svg}svg"
    else:
        page = path.read_text(encoding="utf-8")
        assert page.startswith("<!DOCTYPE html>") and self_containment_problems(page) == []
        assert "<script>" in page and "http" not in page.replace("http-equiv", "").replace(
            "http://www.w3.org/2000/svg", ""
        )


@pytest.mark.parametrize(("command", "top"), [("map", 7), ("sankey", 5)])
def test_html_has_one_tooltip_per_drawn_route(runner, ws_path, tmp_path, command, top):
    path = _write(runner, command, tmp_path / "view.html", "-w", ws_path, "--top", top,
                  "--source", "online")  # fmt: skip
    parser = _Tooltips()
    parser.feed(path.read_text(encoding="utf-8"))
    routes = parser.routes
    # the small world has many more international routes than `top`, all between mapped states
    assert len(routes) == top
    assert all(r["title"] and r["title"] == r["data-tip"] for r in routes)
    assert routes[0]["title"].startswith("Netherlands → United Kingdom: ")
    assert " listings · " in routes[0]["title"]
    assert len({(r["data-o"], r["data-d"]) for r in routes}) == top


def test_map_refuses_an_unknown_suffix_and_mixed_sources(runner, ws_path, tmp_path):
    result = runner.invoke(cli, ["flows", "map", "-w", str(ws_path), "-o", str(tmp_path / "m.pdf")])
    assert result.exit_code == 2 and ".svg, .png or .html" in " ".join(result.output.split())
    result = runner.invoke(cli, ["flows", "map", "-w", str(ws_path), "--source", "offline,online",
                                 "-o", str(tmp_path / "m.svg")])  # fmt: skip
    assert result.exit_code == 2 and "one kind" in result.output


def test_trends_json_has_the_years_and_the_kg_of_totals(runner, ws_path, tmp_path):
    rows = _json(runner, "trends", "-w", ws_path)
    assert set(rows[0]) == {"kind", "drug", "period", "freq", "kg", "seizures", "listings",
                            "vendors"}  # fmt: skip
    offline = [r for r in rows if r["kind"] == "offline"]
    assert {r["period"] for r in offline} == {"2023", "2024"}
    assert {r["freq"] for r in rows} == {"year"}
    totals = _json(runner, "totals", "-w", ws_path, "--by", "drug,year", "--source", "offline")
    expected = {(t["drug"], t["year"]): t["kg"] for t in totals if t["year"]}
    assert {(r["drug"], r["period"]): r["kg"] for r in offline} == pytest.approx(expected)
    online = [r for r in rows if r["kind"] == "online"]
    assert online and all(r["kg"] is None and r["seizures"] == 0 for r in online)
    assert sum(r["listings"] for r in online) > 0
    svg = tmp_path / "trends.svg"
    result = runner.invoke(cli, ["flows", "trends", "-w", str(ws_path), "-o", str(svg)])
    assert result.exit_code == 0, result.output
    assert "kg seized per year" in svg.read_text(encoding="utf-8")


def test_indicators_json_fields(runner, ws_path):
    rows = _json(runner, "indicators", "-w", ws_path, "--top", "2")
    assert rows and all(list(r) == list(INDICATOR_COLUMNS) for r in rows)
    per_drug = {}
    for r in rows:
        per_drug[r["drug"]] = per_drug.get(r["drug"], 0) + 1
        assert r["trend_label"] in {"up", "down", "stable", "new", "-"}
        assert r["kg_share"] is None or 0 <= r["kg_share"] <= 1
    assert max(per_drug.values()) <= 2 and {"cannabis", "cocaine"} <= set(per_drug)
    cannabis = _json(runner, "indicators", "-w", ws_path, "--drug", "cannabis")
    assert {r["drug"] for r in cannabis} == {"cannabis"} and len(cannabis) > 2
