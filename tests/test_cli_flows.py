"""`cybertnoc flows ...`: the JSON interface scripts rely on, on a small synthetic workspace."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cybertnoc.cli import cli
from cybertnoc.ingest import import_file
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
