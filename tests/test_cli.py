"""The command line: help everywhere, JSON output, exit codes, messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from conftest import FIXTURES, TEST_KEY
from cybertnoc import __version__
from cybertnoc.cli import cli


def _commands(group: click.Group, prefix=()):
    for name, cmd in group.commands.items():
        yield (*prefix, name)
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, (*prefix, name))


@pytest.fixture
def runner(monkeypatch):
    monkeypatch.delenv("CYBERTNOC_KEY", raising=False)
    monkeypatch.delenv("CYBERTNOC_WORKSPACE", raising=False)
    return CliRunner()


def test_version_from_the_installed_console_script():
    exe = os.path.join(os.path.dirname(sys.executable), "cybertnoc")
    done = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True)
    assert __version__ in done.stdout


@pytest.mark.parametrize("command", list(_commands(cli)))
def test_every_command_has_help(runner, command):
    result = runner.invoke(cli, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    cmd = cli
    for part in command:
        cmd = cmd.commands[part]
    assert cmd.help, f"{command} has no help text"
    for param in cmd.params:
        if isinstance(param, click.Option) and param.name not in ("help",):
            assert param.help, f"{command} option {param.name} has no help text"


def test_init_import_sources_stats_export(runner, tmp_path, monkeypatch):
    ws = tmp_path / "ws"
    assert runner.invoke(cli, ["init", str(ws)]).exit_code == 0
    monkeypatch.setenv("CYBERTNOC_WORKSPACE", str(ws))
    monkeypatch.setenv("CYBERTNOC_KEY", TEST_KEY.decode())
    result = runner.invoke(
        cli,
        [
            "import",
            str(FIXTURES / "transfers.csv"),
            "-m",
            str(FIXTURES / "transfers.yml"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    [imported] = json.loads(result.stdout)
    assert imported["rows"] == 4 and imported["flagged_rows"] == 1
    again = runner.invoke(
        cli, ["import", str(FIXTURES / "transfers.csv"), "-m", str(FIXTURES / "transfers.yml")]
    )
    assert again.exit_code == 0 and "imported before" in again.stdout
    sources = json.loads(runner.invoke(cli, ["sources", "--json"]).stdout)
    assert [s["file_name"] for s in sources] == ["transfers.csv"]
    stats = json.loads(runner.invoke(cli, ["stats", "--json"]).stdout)
    assert stats["tables"]["entities"] == 7
    assert stats["entities_by_schema"] == {"Payment": 4, "BankAccount": 3}
    out = tmp_path / "e.json"
    assert runner.invoke(cli, ["export", "ftm", "-o", str(out)]).exit_code == 0
    assert len(out.read_text().splitlines()) == 7
    audit = json.loads(runner.invoke(cli, ["audit", "--json", "--verify"]).stdout)
    assert [e["command"] for e in audit["entries"]] == ["init", "import", "export ftm"]


def test_rejected_import_exits_2_with_every_problem(runner, tmp_path, monkeypatch):
    ws = tmp_path / "ws"
    runner.invoke(cli, ["init", str(ws)])
    monkeypatch.setenv("CYBERTNOC_KEY", TEST_KEY.decode())
    result = runner.invoke(
        cli,
        [
            "import",
            "-w",
            str(ws),
            str(FIXTURES / "transfers_bad.csv"),
            "-m",
            str(FIXTURES / "transfers.yml"),
            "--json",
        ],
    )
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["rejected"] is True
    assert sorted(p["line"] for p in report["problems"] if p["fatal"]) == [3, 4, 5, 6]
    human = runner.invoke(
        cli,
        [
            "import",
            "-w",
            str(ws),
            str(FIXTURES / "transfers_bad.csv"),
            "-m",
            str(FIXTURES / "transfers.yml"),
        ],
    )
    assert human.exit_code == 2
    assert "Nothing was written" in human.output
    assert "twelve thousand" in human.output


def test_personal_import_without_key_is_refused(runner, tmp_path):
    ws = tmp_path / "ws"
    runner.invoke(cli, ["init", str(ws)])
    result = runner.invoke(
        cli,
        [
            "import",
            "-w",
            str(ws),
            str(FIXTURES / "suspects.csv"),
            "-m",
            str(FIXTURES / "suspects.yml"),
        ],
    )
    assert result.exit_code == 2
    assert "no key was given" in result.output and "CYBERTNOC_KEY" in result.output


def test_missing_workspace_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(cli, ["stats", "-w", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "cybertnoc init" in result.output


def test_bad_mapping_is_a_clear_error(runner, tmp_path):
    ws = tmp_path / "ws"
    runner.invoke(cli, ["init", str(ws)])
    mapping = tmp_path / "m.yml"
    mapping.write_text("dataset: x\nentities:\n  a:\n    schema: Persn\n    keys: [id]\n")
    result = runner.invoke(
        cli, ["import", "-w", str(ws), str(FIXTURES / "suspects.csv"), "-m", str(mapping)]
    )
    assert result.exit_code == 2
    assert "did you mean 'Person'" in result.output


def test_brief_of_an_empty_workspace_says_what_is_missing(runner, tmp_path):
    ws = tmp_path / "ws"
    assert runner.invoke(cli, ["init", str(ws)]).exit_code == 0
    result = runner.invoke(cli, ["brief", "-w", str(ws), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["sections"] == ["network", "linkage", "drugs", "laundering", "slavery", "malware"]
    html = (ws / "reports" / "brief.html").read_text("utf-8")
    assert "No ties between people were found" in html
    assert "No person linkage has been run on this workspace" in html
    assert "No seizures or listings were found" in html


def test_brief_of_a_small_import_counts_its_payments(runner, tmp_path, monkeypatch):
    ws = tmp_path / "ws"
    assert runner.invoke(cli, ["init", str(ws)]).exit_code == 0
    monkeypatch.setenv("CYBERTNOC_KEY", TEST_KEY.decode())
    imported = runner.invoke(
        cli,
        [
            "import",
            "-w",
            str(ws),
            str(FIXTURES / "transfers.csv"),
            "-m",
            str(FIXTURES / "transfers.yml"),
        ],
    )
    assert imported.exit_code == 0, imported.output
    out = tmp_path / "b.html"
    result = runner.invoke(cli, ["brief", "-w", str(ws), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["key_figures"]["Sources"] == "1"
    html = out.read_text("utf-8")
    assert "on 4 payments" in html  # the four transfers of the fixture
    assert "transfers.csv" in html
