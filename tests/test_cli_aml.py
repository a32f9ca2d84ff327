"""`cybertnoc aml detect` on a workspace imported from a small fixture."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from cybertnoc.cli import cli


@pytest.fixture
def ws(tmp_path, monkeypatch):
    monkeypatch.delenv("CYBERTNOC_WORKSPACE", raising=False)
    runner = CliRunner()
    path = tmp_path / "ws"
    assert runner.invoke(cli, ["init", str(path)]).exit_code == 0
    result = runner.invoke(
        cli,
        [
            "import",
            "-w",
            str(path),
            str(FIXTURES / "aml_transfers.csv"),
            "-m",
            str(FIXTURES / "aml_transfers.yml"),
        ],
    )
    assert result.exit_code == 0, result.output
    return path


def test_detect_json_names_accounts_and_transactions_as_imported(ws):
    result = CliRunner().invoke(cli, ["aml", "detect", "-w", str(ws), "--json"])
    assert result.exit_code == 0, result.output
    alerts = json.loads(result.stdout)
    by_type = {a["typology"]: a for a in alerts}
    assert sorted(by_type) == ["cycle", "fan_in", "structuring"]
    fan = by_type["fan_in"]
    assert fan["accounts"] == ["ACC-HUB", "ACC-S1", "ACC-S2", "ACC-S3", "ACC-S4", "ACC-S5"]
    assert fan["transactions"] == ["F1", "F2", "F3", "F4", "F5"]
    assert fan["amount_total"] == 4320.0
    assert fan["start"] == "2024-03-01T09:00:00" and fan["end"] == "2024-03-04T15:45:00"
    assert fan["rule"].startswith("Account ACC-HUB received 5 payment(s)")
    cycle = by_type["cycle"]
    assert cycle["transactions"] == ["C1", "C2", "C3"]
    assert "ACC-R1 -> ACC-R2 -> ACC-R3 -> ACC-R1" in cycle["rule"]
    assert by_type["structuring"]["transactions"] == ["D1", "D2", "D3"]
    assert {"typology", "accounts", "transactions", "amount_total", "start", "end", "rule"} <= set(
        fan
    )


def test_detect_typology_filter_and_table(ws):
    runner = CliRunner()
    result = runner.invoke(cli, ["aml", "detect", "-w", str(ws), "-t", "cycle", "--json"])
    assert result.exit_code == 0, result.output
    assert [a["typology"] for a in json.loads(result.stdout)] == ["cycle"]
    table = runner.invoke(cli, ["aml", "detect", "-w", str(ws), "--typology", "structuring"])
    assert table.exit_code == 0 and "structuring" in table.stdout and "ACC-SAVE" in table.stdout
    bad = runner.invoke(cli, ["aml", "detect", "-w", str(ws), "-t", "smurfing"])
    assert bad.exit_code == 2 and "smurfing" in bad.output
    window = runner.invoke(cli, ["aml", "detect", "-w", str(ws), "--window", "soon"])
    assert window.exit_code == 2 and "soon" in window.output


def test_aml_group_help():
    result = CliRunner().invoke(cli, ["aml", "--help"])
    assert result.exit_code == 0
    assert "Money laundering: typology rules, machine learning" in result.output
