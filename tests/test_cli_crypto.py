"""`cybertnoc crypto ...`: the JSON shapes scripts rely on, and the errors on bad input."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import TEST_KEY
from cybertnoc.cli import cli
from cybertnoc.store import Workspace
from cybertnoc.synth import generate
from test_crypto import CLUSTER_INS, CLUSTER_OUTS, TAINT_INS, TAINT_OUTS

PATH_KEYS = {"step", "tx_id", "timestamp", "from_address", "to_address", "value", "taint"}


@pytest.fixture
def runner(monkeypatch):
    monkeypatch.delenv("CYBERTNOC_WORKSPACE", raising=False)
    monkeypatch.delenv("CYBERTNOC_KEY", raising=False)
    return CliRunner()


def _write(tmp_path, name, ins, outs):
    cols = ["tx_id", "address", "value"]
    pd.DataFrame(ins, columns=cols).to_csv(tmp_path / f"{name}_in.csv", index=False)
    pd.DataFrame(outs, columns=cols).to_csv(tmp_path / f"{name}_out.csv", index=False)
    return [
        "--inputs",
        str(tmp_path / f"{name}_in.csv"),
        "--outputs",
        str(tmp_path / f"{name}_out.csv"),
    ]


@pytest.fixture
def taint_files(tmp_path):
    files = _write(tmp_path, "taint", TAINT_INS, TAINT_OUTS)
    pack = tmp_path / "pack.yaml"
    pack.write_text(
        "title: test pack\ncurrency: BTC\ncategory: ransomware\n"
        "tags:\n  - address: X\n    label: Locky\n  - address: Y\n    label: Sam\n",
        encoding="utf-8",
    )
    return [*files, "--tags", str(pack)]


def _json(runner, *args):
    result = runner.invoke(cli, ["crypto", *map(str, args), "--json"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return json.loads(result.stdout)


def test_exposure_json(runner, taint_files):
    data = _json(runner, "exposure", "S", *taint_files, "--hops", "3")
    assert set(data) == {"addresses", "direction", "taint", "hops", "tags", "exposures"}
    assert data["addresses"] == ["S"] and data["direction"] == "sent" and data["tags"] == 2
    rows = data["exposures"]
    keys = {"address", "tagged", "label", "category", "source", "hops", "taint", "share", "path"}
    assert all(set(r) == keys for r in rows)
    assert [(r["tagged"], r["label"], r["hops"], r["taint"]) for r in rows] == [
        ("X", "Locky", 2, 6.0),
        ("Y", "Sam", 3, 3.0),
    ]
    assert set(rows[0]["path"][0]) == PATH_KEYS
    assert [s["tx_id"] for s in rows[1]["path"]] == ["t1", "t4", "t6"]
    poison = _json(runner, "exposure", "S", *taint_files, "--taint", "poison", "--no-clusters")
    assert [r["taint"] for r in poison["exposures"]] == [14.0, 8.0]
    received = _json(runner, "exposure", "Z", *taint_files, "--direction", "received")
    assert [(r["tagged"], r["hops"], r["taint"]) for r in received["exposures"]] == [("X", 1, 14.0)]


def test_trace_json(runner, taint_files):
    data = _json(runner, "trace", "S", *taint_files, "--hops", "2", "--top", "3")
    assert set(data) == {"sources", "taint", "hops", "addresses_reached", "reached"}
    assert data["addresses_reached"] == 5 and len(data["reached"]) == 3
    first = data["reached"][0]
    assert set(first) == {"address", "hops", "taint", "received", "share", "tags", "path"}
    assert (first["address"], first["taint"], first["share"]) == ("B", 6.0, 1.0)
    tagged = _json(runner, "trace", "S", *taint_files)["reached"]
    x = next(r for r in tagged if r["address"] == "X")
    assert [t["label"] for t in x["tags"]] == ["Locky"]


def test_cluster_json_with_and_without_change(runner, tmp_path):
    files = _write(tmp_path, "cl", CLUSTER_INS, CLUSTER_OUTS)
    plain = _json(runner, "cluster", *files)
    keys = {"transactions", "addresses", "clusters", "multi_input", "coinjoin", "change_links"}
    assert keys | {"change_heuristic", "tagged_clusters", "shown"} == set(plain)
    assert (plain["addresses"], plain["clusters"], plain["coinjoin"]) == (14, 13, 1)
    assert plain["shown"][0] == {"cluster": 0, "size": 2, "addresses": ["A", "B"], "tags": []}
    change = _json(runner, "cluster", *files, "--change-heuristic", "--address", "P")
    assert change["change_links"] == 2 and change["clusters"] == 11
    assert change["shown"] == [{"cluster": 1, "size": 2, "addresses": ["F", "P"], "tags": []}]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["exposure", "S"], "No tags"),
        (["trace", "nowhere"], "not in the ledger: nowhere"),
        (["cluster", "--address", "nowhere"], "not in the ledger"),
        (["trace", "S", "--hops", "0"], "0 is not in the range x>=1"),
        (["trace", "S", "--taint", "fifo"], "'fifo' is not one of 'haircut', 'poison'"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(runner, tmp_path, args, message):
    files = _write(tmp_path, "taint", TAINT_INS, TAINT_OUTS)
    result = runner.invoke(cli, ["crypto", *args, *files])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())


def test_bad_files_exit_2_with_a_message(runner, tmp_path):
    pd.DataFrame({"tx_id": ["t"], "address": ["a"]}).to_csv(tmp_path / "in.csv", index=False)
    pd.DataFrame({"tx_id": ["t"], "address": ["b"], "value": [1]}).to_csv(
        tmp_path / "out.csv", index=False
    )
    result = runner.invoke(
        cli,
        ["crypto", "cluster", "--inputs", tmp_path / "in.csv", "--outputs", tmp_path / "out.csv"],
    )
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "Missing column(s): `value`" in text and "in.csv" in text
    result = runner.invoke(cli, ["crypto", "cluster", "--inputs", str(tmp_path / "in.csv")])
    assert result.exit_code == 2 and "both an inputs table" in " ".join(result.output.split())
    with Workspace.create(tmp_path / "ws"):
        pass
    result = runner.invoke(cli, ["crypto", "cluster", "-w", str(tmp_path / "ws")])
    assert result.exit_code == 2
    assert "no Payment between crypto wallets" in " ".join(result.output.split())


def test_workspace_with_pseudonymised_wallets(runner, tmp_path, monkeypatch):
    """Synthetic transfers imported with a key; escrow wallets tagged by a TagPack."""
    monkeypatch.setenv("CYBERTNOC_KEY", TEST_KEY.decode())
    generate(tmp_path / "world", seed=3, scale="small")
    transfers = pd.read_csv(tmp_path / "world" / "data" / "crypto_transactions.csv", dtype=str)
    wallets = pd.read_csv(tmp_path / "world" / "truth" / "crypto_wallets.csv", dtype=str)
    escrow = wallets.loc[wallets["kind"] == "market_escrow", "address"].tolist()
    paid = transfers[transfers["from_address"].isin(escrow)]
    vendor = paid["to_address"].value_counts().index[0]
    pack = tmp_path / "markets.yaml"
    pack.write_text(
        "title: markets\ncurrency: BTC\ncategory: market\nlabel: synthetic market\ntags:\n"
        + "".join(f"  - address: {a}\n" for a in escrow),
        encoding="utf-8",
    )
    ws = str(tmp_path / "ws")
    for args in (
        ["init", ws],
        [
            "import",
            tmp_path / "world" / "data" / "crypto_transactions.csv",
            "-m",
            "synth/crypto_transactions",
            "-w",
            ws,
        ],
        ["import", pack, "--format", "tagpack", "-w", ws],
    ):
        result = runner.invoke(cli, list(map(str, args)))
        assert result.exit_code == 0, result.output
    data = _json(runner, "exposure", vendor, "-w", ws, "--direction", "received", "--hops", "1")
    expected = pd.to_numeric(paid.loc[paid["to_address"] == vendor, "amount"]).sum()
    assert sum(r["taint"] for r in data["exposures"]) == pytest.approx(expected)
    assert {r["category"] for r in data["exposures"]} == {"market"}
    assert all(r["tagged"].startswith("p:") for r in data["exposures"])  # no address revealed
    monkeypatch.delenv("CYBERTNOC_KEY")
    result = runner.invoke(cli, ["crypto", "exposure", vendor, "-w", ws])
    assert result.exit_code == 2 and "not in the ledger" in result.output
