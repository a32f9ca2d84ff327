"""Planted laundering in the synthetic ledgers: present in the data files, re-detected from them.

The detectors here are deliberately small and independent of cybertnoc.domains.laundering: they
read the data files and find the shapes the generator promises (docs/synth.md), and the truth
is used only to say where to look and what to expect.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

from cybertnoc.model.types.crypto import clean_crypto_address
from cybertnoc.synth import SCALES, generate
from cybertnoc.synth.laundering import GRAPH_TYPOLOGIES, STRUCTURING_THRESHOLD

WEEK = pd.Timedelta("7D")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    out = tmp_path_factory.mktemp("laundering")
    generate(out, seed=11, scale="small")
    bank = pd.read_parquet(out / "data" / "bank_transfers.parquet")
    crypto = pd.read_csv(out / "data" / "crypto_transactions.csv", dtype=str)
    crypto["amount"] = crypto["amount"].astype(float)
    crypto["timestamp"] = pd.to_datetime(crypto["timestamp"], utc=True)
    truth = pd.read_csv(out / "truth" / "laundering_patterns.csv", dtype={"amount": str})
    accounts = pd.read_csv(out / "truth" / "laundering_accounts.csv", dtype=str)
    return bank, crypto, truth, accounts


def _ledger(world, rail: str) -> pd.DataFrame:
    bank, crypto, _, _ = world
    if rail == "bank":
        frame = bank.rename(columns={"from_account": "src", "to_account": "dst"})
    else:
        frame = crypto.rename(columns={"txid": "tx_id", "from_address": "src", "to_address": "dst"})
    return frame.set_index("tx_id", drop=False)


def _patterns(world, rail: str, typology: str):
    _, _, truth, _ = world
    t = truth[(truth["rail"] == rail) & (truth["typology"] == typology)]
    ledger = _ledger(world, rail)
    for pid, g in t.groupby("pattern_id"):
        rows = ledger.loc[g.sort_values("step")["tx_id"]]
        yield pid, rows


def test_every_typology_is_planted_as_many_times_as_promised(world):
    _, _, truth, _ = world
    scale = SCALES["small"]
    counts = truth.groupby(["rail", "typology"])["pattern_id"].nunique()
    for typ in GRAPH_TYPOLOGIES:
        assert counts[("bank", typ)] == scale.patterns_per_typology
        assert counts[("crypto", typ)] == scale.crypto_patterns_per_typology
    assert counts[("bank", "structuring")] == scale.structuring_cases


def test_truth_transactions_are_in_the_data_as_recorded(world):
    _, _, truth, _ = world
    for rail in ("bank", "crypto"):
        t = truth[truth["rail"] == rail].set_index("tx_id")
        ledger = _ledger(world, rail).loc[t.index]
        assert (ledger["src"] == t["from_account"]).all()
        assert (ledger["dst"] == t["to_account"]).all()
        assert np.allclose(ledger["amount"].to_numpy(), t["amount"].astype(float).to_numpy())
        stamps = pd.to_datetime(t["timestamp"], utc=True)
        assert (ledger["timestamp"].to_numpy() == stamps.to_numpy()).all()


def test_pattern_accounts_are_controlled_by_one_group(world):
    _, _, truth, accounts = world
    owner = dict(zip(accounts["account"], accounts["group_id"], strict=True))
    for pid, g in truth.groupby("pattern_id"):
        typology = g["typology"].iloc[0]
        ends = (
            set(g["to_account"])
            if typology == "structuring"
            else {*g["from_account"], *g["to_account"]}
        )
        assert {owner.get(a) for a in ends} == {g["group_id"].iloc[0]}, pid


def _fans(ledger: pd.DataFrame, key: str, other: str, k: int) -> set[tuple[str, pd.Timestamp]]:
    """(account, first time) of every window of 7 days in which ``key`` deals with >= k
    distinct ``other`` accounts: a small fan detector of its own."""
    found = set()
    for account, g in ledger.sort_values("timestamp").groupby(key):
        if g[other].nunique() < k:
            continue
        times = g["timestamp"].to_numpy()
        others = g[other].to_numpy()
        for i in range(len(g)):
            window = others[(times >= times[i]) & (times <= times[i] + np.timedelta64(7, "D"))]
            if len(set(window)) >= k:
                found.add((account, pd.Timestamp(times[i])))
    return found


@pytest.mark.parametrize("rail", ["bank", "crypto"])
@pytest.mark.parametrize(
    ("typology", "key", "other"), [("fan_out", "src", "dst"), ("fan_in", "dst", "src")]
)
def test_fans_are_redetected_from_the_data(world, rail, typology, key, other):
    ledger = _ledger(world, rail)
    patterns = list(_patterns(world, rail, typology))
    mains = {rows[key].iloc[0] for _, rows in patterns}
    # look only at the main accounts' own transfers, but find the fans without the truth
    found = _fans(ledger[ledger[key].isin(mains)], key, other, 5)
    for pid, rows in patterns:
        main = rows[key].iloc[0]
        assert rows[key].nunique() == 1 and rows[other].nunique() >= 5, pid
        assert rows["timestamp"].max() - rows["timestamp"].min() <= WEEK, pid
        starts = [t for a, t in found if a == main]
        assert any(t <= rows["timestamp"].min() for t in starts), pid


def _temporal_cycles_from(ledger: pd.DataFrame, start: str, max_len: int = 8):
    """Time-respecting cycles back to ``start`` with non-increasing amounts (DFS on the data)."""
    out_edges = defaultdict(list)
    for row in ledger.itertuples():
        out_edges[row.src].append((row.timestamp, row.amount, row.dst, row.tx_id))
    cycles = []

    def dfs(node, t, amount, path, seen, t0):
        for t2, a2, dst, tx in out_edges.get(node, []):
            if t2 <= t or a2 > amount or t2 - t0 > WEEK:
                continue
            if dst == start and len(path) >= 2:
                cycles.append([*path, tx])
            elif dst not in seen and len(path) + 1 < max_len:
                dfs(dst, t2, a2, [*path, tx], seen | {dst}, t0)

    for t1, a1, dst, tx in out_edges.get(start, []):
        dfs(dst, t1, a1, [tx], {start, dst}, t1)
    return cycles


@pytest.mark.parametrize("rail", ["bank", "crypto"])
def test_cycles_are_real_directed_temporal_cycles_in_the_data(world, rail):
    ledger = _ledger(world, rail)
    for pid, rows in _patterns(world, rail, "cycle"):
        src, dst = rows["src"].tolist(), rows["dst"].tolist()
        assert dst == src[1:] + src[:1], pid  # closes: a0 -> a1 -> ... -> a0
        assert len(set(src)) == len(src) >= 3, pid
        assert rows["timestamp"].is_monotonic_increasing, pid
        assert (np.diff(rows["amount"].to_numpy()) <= 0).all(), pid
        # and the data alone, searched from the first account, holds this cycle
        around = ledger[
            (ledger["timestamp"] >= rows["timestamp"].min() - pd.Timedelta("1D"))
            & (ledger["timestamp"] <= rows["timestamp"].max() + pd.Timedelta("1D"))
        ]
        found = _temporal_cycles_from(around, src[0])
        assert rows["tx_id"].tolist() in found, pid


def test_structuring_is_redetected_from_the_data(world):
    bank, _, truth, _ = world
    low = STRUCTURING_THRESHOLD * 0.9
    cash = bank[
        (bank["channel"] == "cash_deposit")
        & (bank["amount"] >= low)
        & (bank["amount"] < STRUCTURING_THRESHOLD)
    ].sort_values("timestamp")
    flagged = set()
    for account, g in cash.groupby("to_account"):
        times = g["timestamp"].to_numpy()
        for i in range(len(times)):
            if ((times >= times[i]) & (times <= times[i] + np.timedelta64(120, "h"))).sum() >= 3:
                flagged.add(account)
    planted = truth[truth["typology"] == "structuring"]
    assert set(planted["to_account"]) <= flagged
    for _, g in planted.groupby("pattern_id"):
        amounts = g["amount"].astype(float)
        assert len(g) >= 3 and g["to_account"].nunique() == 1
        assert ((amounts >= low) & (amounts < STRUCTURING_THRESHOLD)).all()


@pytest.mark.parametrize("rail", ["bank", "crypto"])
def test_layered_typologies_have_their_shape(world, rail):
    for _, rows in _patterns(world, rail, "scatter_gather"):
        orig, bene = rows["src"].iloc[0], rows["dst"].iloc[-1]
        out_leg = rows[rows["src"] == orig]
        in_leg = rows[rows["dst"] == bene]
        assert set(out_leg["dst"]) == set(in_leg["src"]) and len(out_leg) >= 3
        assert out_leg["timestamp"].max() < in_leg["timestamp"].min()
    for _, rows in _patterns(world, rail, "gather_scatter"):
        main = rows["dst"].iloc[0]
        ins, outs = rows[rows["dst"] == main], rows[rows["src"] == main]
        assert len(ins) >= 3 and len(outs) >= 3 and len(ins) + len(outs) == len(rows)
        assert ins["timestamp"].max() < outs["timestamp"].min()
        assert outs["amount"].sum() < ins["amount"].sum()
    for _, rows in _patterns(world, rail, "bipartite"):
        pairs = set(zip(rows["src"], rows["dst"], strict=True))
        assert pairs == {(a, b) for a in set(rows["src"]) for b in set(rows["dst"])}
        assert not set(rows["src"]) & set(rows["dst"])
    for _, rows in _patterns(world, rail, "stack"):
        l1 = set(rows["src"]) - set(rows["dst"])
        l3 = set(rows["dst"]) - set(rows["src"])
        l2 = set(rows["src"]) & set(rows["dst"])
        assert l1 and l2 and l3
        assert set(zip(rows["src"], rows["dst"], strict=True)) == {
            *((a, b) for a in l1 for b in l2),
            *((b, c) for b in l2 for c in l3),
        }
    for pid, rows in _patterns(world, rail, "random"):
        src, dst = rows["src"].tolist(), rows["dst"].tolist()
        assert src[1:] == dst[:-1], pid  # next originator = previous beneficiary
        assert src[0] not in dst, pid  # the funds never return to the start
        assert rows["timestamp"].is_monotonic_increasing


def test_crypto_addresses_and_ibans_are_valid(world):
    bank, crypto, _, _ = world
    addresses = set(crypto["from_address"]) | set(crypto["to_address"])
    assert {clean_crypto_address(a) for a in addresses} == addresses
    kinds = {a[:3] if a.startswith("bc1") else a[:2] if a.startswith("0x") else a[0]
             for a in addresses}  # fmt: skip
    assert {"1", "3", "bc1", "0x"} <= kinds
    for iban in set(bank["from_account"]) | set(bank["to_account"]):
        rearranged = iban[4:] + iban[:4]
        assert int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1, iban
