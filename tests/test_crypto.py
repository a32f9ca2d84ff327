"""Crypto tracing: clusters, tags and taint on small hand-built UTXO ledgers.

Every expected number below is computed by hand in the comments beside the fixture.
"""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import shared_data
from cybertnoc.domains.laundering.crypto import (
    Ledger,
    cluster_addresses,
    coinjoin_like,
    exposure,
    ledger_from_transfers,
    load_tags,
    match_key,
    one_time_change,
    tag_clusters,
    trace,
)
from cybertnoc.errors import CybertnocError, InvalidValue


def _ledger(ins, outs, stamps=None) -> Ledger:
    txs = None
    if stamps is not None:
        txs = pd.DataFrame({"tx_id": list(stamps), "timestamp": list(stamps.values())})
    return Ledger.from_frames(
        pd.DataFrame(ins, columns=["tx_id", "address", "value"]),
        pd.DataFrame(outs, columns=["tx_id", "address", "value"]),
        txs,
    )


# -- clustering fixture -------------------------------------------------------------------------
# t0 coinbase -> A 5           t1 coinbase -> B 3, C 4        t2 coinbase -> F 2, K 2
# t3 A 5, B 3  -> F 6, G 1.99  multi-input {A, B}; F seen in t2, G new: G is change
# t4 C 4       -> H 2, I 2     two new outputs: no change
# t5 G 1.99    -> G 0.5, J 1.49 self-change: no change
# t6 H 2, K 2  -> L 1, M 1, N 1, O 1   CoinJoin-like (2 owners, 4 equal outputs)
# t7 F 8       -> P 7, J 1     J seen in t5, P new: P is change
CLUSTER_INS = [
    ("t3", "A", 5),
    ("t3", "B", 3),
    ("t4", "C", 4),
    ("t5", "G", 1.99),
    ("t6", "H", 2),
    ("t6", "K", 2),
    ("t7", "F", 8),
]
CLUSTER_OUTS = [
    ("t0", "A", 5),
    ("t1", "B", 3),
    ("t1", "C", 4),
    ("t2", "F", 2),
    ("t2", "K", 2),
    ("t3", "F", 6),
    ("t3", "G", 1.99),
    ("t4", "H", 2),
    ("t4", "I", 2),
    ("t5", "G", 0.5),
    ("t5", "J", 1.49),
    ("t6", "L", 1),
    ("t6", "M", 1),
    ("t6", "N", 1),
    ("t6", "O", 1),
    ("t7", "P", 7),
    ("t7", "J", 1),
]


def _groups(clusters: pd.DataFrame) -> set[frozenset[str]]:
    return {frozenset(g) for g in clusters.groupby("cluster")["address"].apply(set)}


@pytest.fixture
def cluster_ledger() -> Ledger:
    return _ledger(CLUSTER_INS, CLUSTER_OUTS)


def test_common_input_clusters_by_hand(cluster_ledger):
    clusters = cluster_addresses(cluster_ledger)
    singles = {frozenset(x) for x in "CFGHIJKLMNOP"}
    assert _groups(clusters) == {frozenset("AB")} | singles
    assert clusters.attrs["coinjoin"] == 1
    assert clusters.attrs["multi_input"] == 1  # t3 only: t6 is left out
    assert clusters.attrs["change_links"] == 0
    # the largest cluster is numbered 0
    assert set(clusters.loc[clusters["cluster"] == 0, "address"]) == {"A", "B"}
    assert (clusters.loc[clusters["cluster"] == 0, "size"] == 2).all()


def test_change_heuristic_adds_one_time_change(cluster_ledger):
    change = one_time_change(cluster_ledger, skip=coinjoin_like(cluster_ledger))
    assert sorted(zip(change["tx_id"], change["address"], strict=True)) == [
        ("t3", "G"),
        ("t7", "P"),
    ]
    clusters = cluster_addresses(cluster_ledger, change_heuristic=True)
    singles = {frozenset(x) for x in "CHIJKLMNO"}
    assert _groups(clusters) == {frozenset("ABG"), frozenset("FP")} | singles
    assert clusters.attrs["change_links"] == 2


def test_coinjoin_kept_merges_its_owners(cluster_ledger):
    assert coinjoin_like(cluster_ledger).to_dict() == {
        "t0": False,
        "t1": False,
        "t2": False,
        "t3": False,
        "t4": False,
        "t5": False,
        "t6": True,
        "t7": False,
    }
    clusters = cluster_addresses(cluster_ledger, exclude_coinjoin=False)
    assert frozenset("HK") in _groups(clusters)


def test_order_comes_from_timestamps():
    # Written out of order: with timestamps t3 comes after t2, so F is seen before t3 and G
    # is the one new output (change); without them t3 would come first (both new: no change).
    outs = [("t3", "F", 6), ("t3", "G", 1), ("t2", "F", 2)]
    ins = [("t3", "A", 7)]
    stamps = {"t2": "2024-01-01T00:00:00Z", "t3": "2024-01-02T00:00:00Z"}
    assert one_time_change(_ledger(ins, outs))["address"].tolist() == []
    assert one_time_change(_ledger(ins, outs, stamps))["address"].tolist() == ["G"]


# -- taint fixture ------------------------------------------------------------------------------
# t0 coinbase -> S 10, U 10          (S: the source; U: clean)
# t1 S 10      -> A 4, B 6           hop 1: A 4, B 6 tainted
# t2 coinbase -> A 4                 A holds 8, of which 4 tainted
# t3 A 6       -> C 6                haircut: 6 * 4/8 = 3 (hop 2); A keeps 2 with 1 tainted
# t4 B 6, U 10 -> X 8, D 8           haircut: 6 of 16 tainted: X 3, D 3 (hop 2)
# t5 C 6       -> X 6                haircut: X +3 (hop 3)
# t6 D 8       -> Y 8                haircut: Y 3 (hop 3)
# t7 X 14      -> Z 14               haircut: Z 3 (hop 3, from X's hop-2 part) + 3 (hop 4)
# Poison: every output of t1, t3..t7 is tainted in full: X 8 + 6 = 14, Y 8, Z 14 (hop 3).
TAINT_OUTS = [
    ("t0", "S", 10),
    ("t0", "U", 10),
    ("t1", "A", 4),
    ("t1", "B", 6),
    ("t2", "A", 4),
    ("t3", "C", 6),
    ("t4", "X", 8),
    ("t4", "D", 8),
    ("t5", "X", 6),
    ("t6", "Y", 8),
    ("t7", "Z", 14),
]
TAINT_INS = [
    ("t1", "S", 10),
    ("t3", "A", 6),
    ("t4", "B", 6),
    ("t4", "U", 10),
    ("t5", "C", 6),
    ("t6", "D", 8),
    ("t7", "X", 14),
]
TAGS = pd.DataFrame(
    {
        "address": ["X", "Y"],
        "label": ["Locky", "OFAC SDN (XBT)"],
        "category": ["ransomware", "sanction"],
        "source": ["tagpack", "ofac"],
        "dataset": ["pack", "ofac_sdn_addresses"],
    }
)


@pytest.fixture
def taint_ledger() -> Ledger:
    return _ledger(TAINT_INS, TAINT_OUTS)


def _taint(result) -> dict[str, float]:
    return dict(zip(result.reached["address"], result.reached["taint"].round(9), strict=True))


def _route(path) -> list[tuple[str, str, str]]:
    return [(s["tx_id"], s["from_address"], s["to_address"]) for s in path]


def test_haircut_taint_by_hand(taint_ledger):
    r = trace(taint_ledger, ["S"], hops=3, taint="haircut")
    assert _taint(r) == {"A": 4, "B": 6, "C": 3, "D": 3, "X": 6, "Y": 3, "Z": 3}
    x = r.reached.set_index("address").loc["X"]
    assert x["hops"] == 2
    assert x["received"] == 14
    assert x["share"] == pytest.approx(6 / 14)
    by_hop = r.by_hop[r.by_hop["address"] == "X"].set_index("hop")["taint"].to_dict()
    assert by_hop == {2: pytest.approx(3), 3: pytest.approx(3)}
    # tie of 3 and 3: the path of fewer hops explains it
    assert _route(r.path("X")) == [("t1", "S", "B"), ("t4", "B", "X")]
    assert [s["taint"] for s in r.path("X")] == [6, 3]
    assert [s["value"] for s in r.path("X")] == [6, 8]
    assert _route(r.path("X", hop=3)) == [("t1", "S", "A"), ("t3", "A", "C"), ("t5", "C", "X")]
    assert [s["taint"] for s in r.path("X", hop=3)] == [4, 3, 3]
    assert _route(r.path("Y")) == [("t1", "S", "B"), ("t4", "B", "D"), ("t6", "D", "Y")]
    assert r.path("U") == []  # never reached


def test_hop_limit_cuts_taint(taint_ledger):
    r2 = trace(taint_ledger, ["S"], hops=2)
    assert _taint(r2) == {"A": 4, "B": 6, "C": 3, "D": 3, "X": 3}
    r4 = trace(taint_ledger, ["S"], hops=4)
    assert _taint(r4)["Z"] == 6
    assert _route(r4.path("Z", hop=4)) == [
        ("t1", "S", "A"),
        ("t3", "A", "C"),
        ("t5", "C", "X"),
        ("t7", "X", "Z"),
    ]


def test_poison_taint_by_hand(taint_ledger):
    r = trace(taint_ledger, ["S"], hops=3, taint="poison")
    assert _taint(r) == {"A": 4, "B": 6, "C": 6, "D": 8, "X": 14, "Y": 8, "Z": 14}
    assert r.reached.set_index("address").loc["X", "share"] == 1
    assert _route(r.path("Z")) == [("t1", "S", "B"), ("t4", "B", "X"), ("t7", "X", "Z")]
    assert [s["taint"] for s in r.path("Z")] == [6, 8, 14]


def test_exposure_sent_and_received(taint_ledger):
    sent = exposure(taint_ledger, TAGS, ["S"], hops=3)
    assert sent[["tagged", "category", "hops", "taint"]].values.tolist() == [
        ["X", "ransomware", 2, 6.0],
        ["Y", "sanction", 3, 3.0],
    ]
    assert _route(sent["path"].iloc[1]) == [("t1", "S", "B"), ("t4", "B", "D"), ("t6", "D", "Y")]
    poison = exposure(taint_ledger, TAGS, ["S"], hops=3, taint="poison")
    assert poison["taint"].tolist() == [14.0, 8.0]
    # Z received all of X's 14 directly: one hop from a ransomware address
    received = exposure(taint_ledger, TAGS, ["Z"], hops=3, direction="received")
    assert received[["address", "tagged", "label", "hops", "taint", "share"]].values.tolist() == [
        ["Z", "X", "Locky", 1, 14.0, 1.0]
    ]
    assert _route(received["path"].iloc[0]) == [("t7", "X", "Z")]
    assert exposure(taint_ledger, TAGS, ["S"], hops=1).empty


def test_tags_spread_to_clusters(cluster_ledger):
    tags = pd.DataFrame(
        {
            "address": ["B", "p"],
            "label": ["Bitfinex hack", "unrelated"],
            "category": ["hack", "x"],
            "source": ["tagpack", "tagpack"],
            "dataset": ["hacks", "hacks"],
        }
    )
    clusters = cluster_addresses(cluster_ledger)
    tagged = tag_clusters(clusters, tags)
    assert sorted(tagged["address"]) == ["A", "B"]  # A inherits B's tag; "p" is not "P"
    assert tagged.set_index("address").loc["A", "direct"] == False  # noqa: E712
    assert tag_clusters(clusters, tags, spread=False)["address"].tolist() == ["B"]


def test_transfers_become_transactions():
    frame = pd.DataFrame(
        {
            "txid": ["a", "a", "b"],
            "from_address": ["S", "T", "X"],
            "to_address": ["X", "X", "Y"],
            "amount": ["1.5", "2.5", "4"],
            "timestamp": ["2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", "2023-12-31T00:00:00Z"],
        }
    )
    ledger = ledger_from_transfers(frame)
    assert ledger.transactions["tx_id"].tolist() == ["b", "a"]  # by timestamp
    assert ledger.inputs[["tx_id", "address", "value"]].values.tolist() == [
        ["b", "X", 4.0],
        ["a", "S", 1.5],
        ["a", "T", 2.5],
    ]
    assert ledger.outputs[ledger.outputs["tx_id"] == "a"]["value"].tolist() == [4.0]
    assert _groups(cluster_addresses(ledger)) == {frozenset("ST"), frozenset("X"), frozenset("Y")}


def test_bad_input_is_named():
    with pytest.raises(InvalidValue, match=r"Missing column\(s\): `value`"):
        Ledger.from_frames(pd.DataFrame({"tx_id": [1], "address": ["a"]}), pd.DataFrame())
    bad = pd.DataFrame({"tx_id": ["t"], "address": ["a"], "value": ["-1"]})
    with pytest.raises(InvalidValue, match="non-negative number"):
        Ledger.from_frames(bad, bad.assign(value=1))
    ledger = _ledger(TAINT_INS, TAINT_OUTS)
    with pytest.raises(InvalidValue, match="haircut or poison"):
        trace(ledger, ["S"], taint="fifo")  # type: ignore[arg-type]
    with pytest.raises(InvalidValue, match="at least 1"):
        trace(ledger, ["S"], hops=0)
    with pytest.raises(InvalidValue, match="an address of the ledger"):
        exposure(ledger, TAGS, ["nowhere"])
    with pytest.raises(CybertnocError, match="neither a GraphSense TagPack"):
        load_tags(__file__)


def test_match_key_folds_case_only_where_the_encoding_does():
    assert match_key("0xAbC") == "0xabc"
    assert match_key("BC1QXYZ") == "bc1qxyz"
    assert match_key(" 1AbC ") == "1AbC"


# -- real tag lists -----------------------------------------------------------------------------
def test_real_tagpacks_and_ofac_lists_load_and_tag():
    packs = shared_data("finance/graphsense_tagpacks")
    ofac = shared_data("finance/ofac_sanctioned_addresses")
    tags = load_tags(packs / "hacks.yaml", ofac)
    hacks = tags[tags["source"] == "tagpack"]
    sdn = tags[tags["source"] == "ofac"]
    assert hacks["address"].nunique() == 606  # SOURCE.md: 608 tags, 606 unique addresses
    assert set(sdn["category"]) == {"sanction"}
    assert sdn["label"].str.contains("XBT").sum() >= 400
    # A ledger paying a sanctioned and a hacked address: both are found, with their labels.
    sanctioned = sdn[sdn["label"] == "OFAC SDN (XBT)"]["address"].iloc[0]
    hacked = hacks["address"].iloc[0]
    ledger = _ledger(
        [("t1", "S", 3), ("t2", "M", 2)],
        [("t0", "S", 3), ("t1", "M", 2), ("t1", hacked, 1), ("t2", sanctioned, 2)],
    )
    found = exposure(ledger, tags, ["S"], hops=2)
    assert dict(zip(found["tagged"], found["category"], strict=True)) == {
        sanctioned: "sanction",
        hacked: hacks["category"].iloc[0],
    }
    assert found.set_index("tagged").loc[sanctioned, "hops"] == 2


# -- the synthetic world ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from cybertnoc.synth import generate

    out = tmp_path_factory.mktemp("crypto")
    generate(out, seed=11, scale="small")
    transfers = pd.read_csv(out / "data" / "crypto_transactions.csv", dtype=str)
    wallets = pd.read_csv(out / "truth" / "crypto_wallets.csv", dtype=str)
    return transfers, wallets


def test_synthetic_market_payouts_reach_exchanges(world):
    """Escrow wallets pay vendors, vendors cash out at exchange deposits: tag the escrows."""
    transfers, wallets = world
    btc = transfers[transfers["asset"] == "BTC"]
    ledger = ledger_from_transfers(btc)
    escrow = wallets.loc[wallets["kind"] == "market_escrow", "address"]
    vendors = set(wallets.loc[wallets["kind"] == "vendor_payout", "address"])
    tags = pd.DataFrame(
        {
            "address": escrow,
            "label": "darknet market",
            "category": "market",
            "source": "test",
            "dataset": "truth",
        }
    )
    paid = btc[btc["from_address"].isin(set(escrow)) & btc["to_address"].isin(vendors)]
    assert len(paid)
    vendor = paid["to_address"].value_counts().index[0]
    got = exposure(ledger, tags, [vendor], hops=1, direction="received")
    assert len(got) and (got["hops"] == 1).all()
    expected = pd.to_numeric(paid.loc[paid["to_address"] == vendor, "amount"]).sum()
    # one row per escrow cluster paying the vendor; escrows are single-input: one per escrow
    assert got["taint"].sum() == pytest.approx(expected, rel=1e-9)
    for path in got["path"]:
        assert len(path) == 1 and path[0]["to_address"] == vendor
    # Two hops on, funds of the market reach exchange deposits through vendor cash-outs.
    deposits = set(wallets.loc[wallets["kind"] == "exchange_deposit", "address"])
    result = trace(ledger, list(escrow), hops=2)
    two = result.reached[result.reached["address"].isin(deposits) & (result.reached["hops"] == 2)]
    assert len(two)
    path = result.path(two["address"].iloc[0], hop=2)
    assert path[0]["from_address"] in set(escrow) and path[0]["to_address"] in vendors
