"""The compiled sliding-window kernels of the laundering rules and features, against the
obvious definitions computed by brute force on small random ledgers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cybertnoc.domains.laundering._windows import (
    acts_within,
    backward_stats,
    distinct,
    forward_counts,
    max_forward_distinct,
    paths_through,
    relay_links,
    walk_segments,
)
from cybertnoc.domains.laundering.features import transaction_features
from cybertnoc.domains.laundering.typologies import detect_all
from cybertnoc.errors import InvalidValue


def _ledger(seed: int, n: int = 300, accounts: int = 12, days: int = 20) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    s = rng.integers(0, accounts, n)
    t = (s + rng.integers(1, accounts, n)) % accounts  # never a self-transfer
    us = rng.integers(0, days, n) * 86_400 * 10**6 // 4  # coarse: many ties in time
    amount = np.round(rng.uniform(1, 100, n), 2)
    return {"s": s, "t": t, "us": us, "amount": amount}


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("distinct_values", [True, False])
def test_forward_counts_match_the_definition(seed, distinct_values):
    x = _ledger(seed)
    order = np.lexsort((np.arange(len(x["s"])), x["us"], x["s"]))
    g, t, o = x["s"][order], x["us"][order], x["t"][order]
    w = 86_400 * 10**6
    start, end, k = forward_counts(g, t, o, w, distinct=distinct_values)
    for i in range(len(g)):
        inside = np.flatnonzero((g == g[i]) & (t >= t[i]) & (t <= t[i] + w))
        assert start[i] == inside.min() and end[i] == inside.max() + 1
        expected = len(set(o[inside].tolist())) if distinct_values else len(inside)
        assert k[i] == expected


def test_max_forward_distinct_is_the_busiest_window_per_account():
    x = _ledger(3)
    w = 2 * 86_400 * 10**6
    best = max_forward_distinct(x["s"], x["us"], x["t"], w)
    for a in range(len(best)):
        own = x["s"] == a
        expected = max(
            len(set(x["t"][own & (x["us"] >= u) & (x["us"] <= u + w)].tolist()))
            for u in x["us"][own]
        )
        assert best[a] == expected


@pytest.mark.parametrize("seed", [0, 1])
def test_backward_stats_match_the_definition(seed):
    x = _ledger(seed, n=200)
    n = len(x["s"])
    acct = np.r_[x["s"], x["t"]]
    other = np.r_[x["t"], x["s"]]
    us = np.r_[x["us"], x["us"]]
    amount = np.r_[x["amount"], x["amount"]]
    inbound = np.r_[np.zeros(n, int), np.ones(n, int)]
    order = np.lexsort((us, acct))
    w = 86_400 * 10**6
    count, total, top, fan = backward_stats(
        acct[order], us[order], other[order], amount[order], inbound[order], w, dest=order
    )
    for e in range(2 * n):
        for d in (0, 1):
            inside = (acct == acct[e]) & (inbound == d) & (us >= us[e] - w) & (us <= us[e])
            assert count[d, e] == inside.sum()
            assert total[d, e] == pytest.approx(amount[inside].sum())
            assert top[d, e] == (amount[inside].max() if inside.any() else 0.0)
            assert fan[d, e] == len(set(other[inside].tolist()))


def test_acts_within_matches_the_definition():
    x = _ledger(4)
    w = 86_400 * 10**6
    got = acts_within(x["s"], x["t"], x["us"], w)
    exact = [
        bool(((x["s"] == x["t"][i]) & (np.abs(x["us"] - x["us"][i]) <= w)).any())
        for i in range(len(x["s"]))
    ]
    assert got.tolist() == exact


def _relay_by_hand(x, hold, max_cut, time_order):
    n = len(x["s"])
    rank = np.lexsort((np.arange(n), x["us"])).argsort()
    cand: dict[int, list[int]] = {}
    for i in range(n):
        for j in range(n):
            if x["s"][j] != x["t"][i]:
                continue
            gap = x["us"][j] - x["us"][i]
            if time_order and not (rank[j] > rank[i] and gap <= hold):
                continue
            if not time_order and abs(gap) > hold:
                continue
            if max_cut is not None and not (
                x["amount"][i] * (1 - max_cut) - 1e-9
                <= x["amount"][j]
                <= x["amount"][i] * (1 + 1e-9)
            ):
                continue
            cand.setdefault(i, []).append(j)
    if time_order:
        nxt = {i: min(js, key=lambda j: rank[j]) for i, js in cand.items()}
        pairs = [(i, j) for i, js in cand.items() for j in js]
        prv: dict[int, int] = {}
        for i, j in pairs:
            if j not in prv or rank[i] > rank[prv[j]]:
                prv[j] = i
    else:

        def gap(i, j):
            return abs(int(x["us"][j]) - int(x["us"][i]))

        nxt = {i: min(js, key=lambda j, i=i: (gap(i, j), rank[j])) for i, js in cand.items()}
        prv = {}
        for i, js in cand.items():
            for j in js:
                if j not in prv or (gap(i, j), rank[i]) < (gap(prv[j], j), rank[prv[j]]):
                    prv[j] = i
    out = np.full(n, -1)
    for i, j in nxt.items():
        if prv.get(j) == i:
            out[i] = j
    return out, rank


@pytest.mark.parametrize(
    ("max_cut", "time_order"), [(None, True), (0.5, True), (None, False), (0.5, False)]
)
def test_relay_links_are_the_mutual_nearest_relays(max_cut, time_order):
    x = _ledger(5, n=150)
    hold = 2 * 86_400 * 10**6
    expected, rank = _relay_by_hand(x, hold, max_cut, time_order)
    got = relay_links(x["s"], x["t"], x["us"], rank, x["amount"], hold, max_cut, time_order)
    assert got.tolist() == expected.tolist()


def test_walk_segments_cut_where_a_walk_returns():
    # a -> b -> c -> a -> d: the walk comes back to a, so it is cut there
    s = np.array([0, 1, 2, 0])
    t = np.array([1, 2, 0, 3])
    nxt = np.array([1, 2, 3, -1])
    seg, rows = walk_segments(np.array([0]), nxt, s, t, simple=False)
    assert seg.tolist() == [0, 0, 1, 1] and rows.tolist() == [0, 1, 2, 3]
    # simple paths are cut at any account already on the segment: b -> c -> b
    s2, t2 = np.array([0, 1, 2]), np.array([1, 2, 1])
    seg, _ = walk_segments(np.array([0]), np.array([1, 2, -1]), s2, t2, simple=True)
    assert seg.tolist() == [0, 0, 1]


def test_paths_through_keep_episode_pairs_with_enough_middles():
    rng = np.random.default_rng(6)
    n1, n2 = 120, 120
    ep1 = np.sort(rng.integers(0, 6, n1))
    v = ep1 % 3
    m1 = rng.integers(3, 9, n1)
    t1 = np.zeros(n1, dtype=np.int64)
    ep2 = np.sort(rng.integers(0, 6, n2))
    u = ep2 % 4
    m2 = rng.integers(3, 9, n2)
    t2 = np.zeros(n2, dtype=np.int64)
    for e in range(6):  # in time order within each episode
        t1[ep1 == e] = np.sort(rng.integers(0, 10, (ep1 == e).sum()))
        t2[ep2 == e] = np.sort(rng.integers(0, 10, (ep2 == e).sum()))
    for time_order, allow_return in ((True, False), (False, True)):
        g1, i, g2, j, head1, head2 = paths_through(
            ep1, v, m1, t1, ep2, u, m2, t2, 3,
            time_order=time_order, allow_return=allow_return, min_mid=3,
        )  # fmt: skip
        paths = [
            (a, b)
            for a in range(n1)
            for b in range(n2)
            if m1[a] == m2[b]
            and (allow_return or u[b] != v[a])
            and (t1[a] <= t2[b] if time_order else t1[a] - 3 <= t2[b])
            and t2[b] <= t1[a] + 3
        ]
        middles: dict[tuple[int, int], set[int]] = {}
        for a, b in paths:
            middles.setdefault((ep1[a], ep2[b]), set()).add(m1[a])
        kept = sorted(k for k, mids in middles.items() if len(mids) >= 3)
        assert len(kept)  # the fixture has pairs to keep
        assert list(zip(ep1[head1].tolist(), ep2[head2].tolist(), strict=True)) == kept
        for g, pair in enumerate(kept):
            firsts = sorted({a for a, b in paths if (ep1[a], ep2[b]) == pair})
            seconds = sorted({b for a, b in paths if (ep1[a], ep2[b]) == pair})
            assert i[g1 == g].tolist() == firsts
            assert j[g2 == g].tolist() == seconds


def test_distinct_is_numpy_unique():
    values = np.random.default_rng(7).integers(0, 50, 1000)
    assert distinct(values).tolist() == np.unique(values).tolist()


def _transfers(seed: int) -> pd.DataFrame:
    x = _ledger(seed, n=400, accounts=15)
    return pd.DataFrame(
        {
            "tx_id": np.arange(len(x["s"])) + 1000,
            "source": [f"acct-{a}" for a in x["s"]],
            "target": [f"acct-{a}" for a in x["t"]],
            "amount": x["amount"],
            "timestamp": pd.to_datetime(x["us"], unit="us"),
        }
    )


def test_features_from_a_screening_run_equal_features_that_run_the_rules():
    tx = _transfers(8)
    params = {"min_degree": 3, "window": "7D", "cycle__max_length": 6}
    screening = detect_all(tx, **params)
    assert len(screening)  # the ledger has patterns to count
    shared = transaction_features(tx, matches=screening)
    own = transaction_features(tx, pattern_params=params)
    pd.testing.assert_frame_equal(shared, own)


def test_features_refuse_matches_that_are_not_a_screening_result():
    tx = _transfers(9)
    with pytest.raises(InvalidValue, match="matches of detect_all"):
        transaction_features(tx, matches=pd.DataFrame({"typology": ["fan_in"]}))


def test_hour_and_weekday_are_utc_before_and_after_1970():
    rng = np.random.default_rng(10)
    ts = pd.to_datetime(rng.integers(-(10**9), 2 * 10**9, 300), unit="s")
    tx = pd.DataFrame(
        {
            "tx_id": range(300),
            "source": rng.integers(0, 20, 300),
            "target": rng.integers(20, 40, 300),
            "amount": rng.uniform(1, 9, 300),
            "timestamp": ts.tz_localize("UTC").tz_convert("Asia/Tokyo"),
        }
    )
    f = transaction_features(tx, patterns=[], account_totals=False)
    assert f["hour"].tolist() == ts.hour.tolist()
    assert f["weekday"].tolist() == ts.day_of_week.tolist()
