"""Laundering typology rules: hand-built ledgers with known answers, and IBM AMLworld cycles."""

from __future__ import annotations

import doctest
import json
import re

import numpy as np
import pandas as pd
import pytest

import cybertnoc.domains.laundering.typologies as typologies_module
from conftest import shared_data
from cybertnoc.domains.laundering import (
    RESULT_COLUMNS,
    detect_all,
    detect_bipartite,
    detect_chain_layering,
    detect_cycles,
    detect_fan_in,
    detect_fan_out,
    detect_gather_scatter,
    detect_random_layering,
    detect_scatter_gather,
    detect_stack,
    detect_structuring,
)
from cybertnoc.errors import InvalidValue

T0 = pd.Timestamp("2024-01-01 08:00")


def ledger(rows: list[tuple[str, str, float, float]], prefix: str = "t") -> pd.DataFrame:
    """(source, target, amount, hours after T0) -> a transactions table."""
    return pd.DataFrame(
        {
            "tx_id": [f"{prefix}{i}" for i in range(len(rows))],
            "source": [r[0] for r in rows],
            "target": [r[1] for r in rows],
            "amount": [float(r[2]) for r in rows],
            "timestamp": pd.Series(
                [T0 + pd.Timedelta(hours=r[3]) for r in rows], dtype="datetime64[ns]"
            ),
        }
    )


# ---------------------------------------------------------------------------------- cycles
def test_time_ordered_cycle_of_four_is_found():
    tx = ledger([("a", "b", 100, 0), ("b", "c", 98, 5), ("c", "d", 96, 20), ("d", "a", 94, 30)])
    hits = detect_cycles(tx)
    assert list(hits.columns) == list(RESULT_COLUMNS)
    assert len(hits) == 1
    hit = hits.iloc[0]
    assert hit["typology"] == "cycle"
    assert hit["accounts"] == ["a", "b", "c", "d"]
    assert hit["tx_ids"] == ["t0", "t1", "t2", "t3"]
    assert hit["amount_total"] == 388.0
    assert (hit["start"], hit["end"]) == (T0, T0 + pd.Timedelta(hours=30))
    assert "a -> b -> c -> d -> a" in hit["rule"] and "within 7 days" in hit["rule"]
    assert hit["pattern_id"].startswith("CY-")


def test_cycle_with_broken_time_order_is_not_found():
    # c pays d before b pays c: the money cannot have gone round.
    tx = ledger([("a", "b", 100, 0), ("b", "c", 98, 20), ("c", "d", 96, 5), ("d", "a", 94, 30)])
    assert detect_cycles(tx).empty
    unordered = detect_cycles(tx, require_time_order=False)
    assert unordered["accounts"].tolist() == [["a", "b", "c", "d"]]


def test_cycle_outside_window_or_too_long_is_not_found():
    tx = ledger([("a", "b", 1, 0), ("b", "c", 1, 24 * 5), ("c", "a", 1, 24 * 9)])
    assert detect_cycles(tx, window="7D").empty
    assert len(detect_cycles(tx, window="10D")) == 1
    ring = [(f"n{i}", f"n{(i + 1) % 5}", 1, i) for i in range(5)]
    assert detect_cycles(ledger(ring), max_length=4).empty
    assert len(detect_cycles(ledger(ring), max_length=5)) == 1


def test_round_trip_is_a_two_cycle_unless_min_length_is_three():
    tx = ledger([("a", "b", 50, 0), ("b", "a", 50, 1), ("c", "c", 9, 2)])
    assert detect_cycles(tx)["accounts"].tolist() == [["a", "b"]]
    assert detect_cycles(tx, min_length=3).empty


def test_parallel_payments_give_one_match_per_movement():
    # Two payments a->b an hour apart; one b->c->a return: one movement of funds.
    tx = ledger([("a", "b", 10, 0), ("a", "b", 10, 1), ("b", "c", 10, 2), ("c", "a", 10, 3)])
    hits = detect_cycles(tx)
    assert hits["tx_ids"].tolist() == [["t0", "t2", "t3"]]
    # The same ring used again a week later is a second match.
    again = ledger([("a", "b", 10, 200), ("b", "c", 10, 201), ("c", "a", 10, 202)], prefix="u")
    both = detect_cycles(pd.concat([tx, again], ignore_index=True))
    assert len(both) == 2


def test_hub_accounts_are_left_out_of_cycles():
    rows = [("a", "hub", 1, 0), ("hub", "b", 1, 1), ("b", "a", 1, 2)]
    rows += [("hub", f"shop{i}", 1, 3) for i in range(6)]
    tx = ledger(rows)
    assert detect_cycles(tx, max_degree=5).empty
    assert len(detect_cycles(tx, max_degree=None)) == 1


def test_cycle_search_limit_marks_the_result_truncated():
    ring = [(f"n{i}", f"n{(i + 1) % 6}", 1, i) for i in range(6)]
    hits = detect_cycles(ledger(ring), max_paths=1)
    assert hits.attrs["truncated"] is True
    assert detect_cycles(ledger(ring)).attrs["truncated"] is False


# ---------------------------------------------------------------------------------- fans
def test_fan_in_of_five_in_two_days_is_found_and_over_sixty_days_not():
    quick = ledger([(f"s{i}", "hub", 1000, 10 * i) for i in range(5)])  # 40 hours
    hits = detect_fan_in(quick)
    assert len(hits) == 1
    assert hits.iloc[0]["accounts"] == ["hub", "s0", "s1", "s2", "s3", "s4"]
    assert hits.iloc[0]["tx_ids"] == [f"t{i}" for i in range(5)]
    assert "received 5 payment(s)" in hits.iloc[0]["rule"]
    slow = ledger([(f"s{i}", "hub", 1000, 24 * 15 * i) for i in range(5)])  # 60 days
    assert detect_fan_in(slow).empty
    assert detect_fan_in(slow, window="61D", min_degree=5).shape[0] == 1


def test_fan_in_counts_distinct_senders():
    repeat = ledger([("s0", "hub", 1, i) for i in range(4)] + [("s1", "hub", 1, 5)])
    assert detect_fan_in(repeat, min_degree=3).empty
    assert len(detect_fan_in(repeat, min_degree=2)) == 1


def test_fan_out_episode_merges_overlapping_windows_only():
    rows = [("mule", f"r{i}", 10, i) for i in range(5)]  # burst 1
    rows += [("mule", f"q{i}", 10, 24 * 30 + i) for i in range(5)]  # burst 2, a month later
    hits = detect_fan_out(ledger(rows))
    assert len(hits) == 2
    assert [len(x) for x in hits["tx_ids"]] == [5, 5]
    assert hits["accounts"].str[0].tolist() == ["mule", "mule"]


def test_gather_scatter_needs_gather_before_scatter():
    gather = [(f"in{i}", "c", 100, i) for i in range(3)]
    scatter = [("c", f"out{i}", 90, 10 + i) for i in range(3)]
    hits = detect_gather_scatter(ledger(gather + scatter), min_degree=3)
    assert hits["accounts"].tolist() == [["c", "in0", "in1", "in2", "out0", "out1", "out2"]]
    assert len(hits.iloc[0]["tx_ids"]) == 6
    early = [("c", f"out{i}", 90, i) for i in range(3)]
    late = [(f"in{i}", "c", 100, 100 + i) for i in range(3)]
    assert detect_gather_scatter(ledger(early + late), min_degree=3).empty


def test_scatter_gather_through_the_same_intermediaries():
    scatter = [("v", f"m{i}", 100, i) for i in range(4)]
    gather = [(f"m{i}", "u", 95, 24 + i) for i in range(4)]
    noise = [("m0", "x", 1, 30)]
    hits = detect_scatter_gather(ledger(scatter + gather + noise), min_degree=4)
    assert len(hits) == 1
    hit = hits.iloc[0]
    assert hit["accounts"] == ["v", "u", "m0", "m1", "m2", "m3"]
    assert len(hit["tx_ids"]) == 8 and hit["amount_total"] == 780.0
    # Gathering before the scatter is not a pass-through.
    backwards = [(f"m{i}", "u", 95, i) for i in range(4)] + [
        ("v", f"m{i}", 100, 24 + i) for i in range(4)
    ]
    assert detect_scatter_gather(ledger(backwards), min_degree=4).empty
    # Only three intermediaries forward within the window.
    late = [*gather[:3], ("m3", "u", 95, 24 * 20)]
    assert detect_scatter_gather(ledger(scatter + late), min_degree=4).empty


# ---------------------------------------------------------------------------------- structuring
def test_structuring_three_just_below_threshold_within_seven_days():
    tx = ledger([("a", "acct", 9500, 0), ("b", "acct", 9500, 48), ("c", "acct", 9500, 140)])
    hits = detect_structuring(tx)
    assert len(hits) == 1
    hit = hits.iloc[0]
    assert hit["accounts"] == ["acct", "a", "b", "c"]
    assert hit["amount_total"] == 28500.0
    assert "into one account within 7 days" in hit["rule"]


def test_structuring_spread_over_thirty_days_is_not_found():
    tx = ledger(
        [("a", "acct", 9500, 0), ("b", "acct", 9500, 24 * 15), ("c", "acct", 9500, 24 * 30)]
    )
    assert detect_structuring(tx).empty


def test_structuring_band_edges():
    # 9,000 is in the band [9,000, 10,000); 10,500, 10,000 and 8,999.99 are not.
    assert detect_structuring(ledger([("a", "x", 9000, 0), ("b", "x", 10500, 1)])).empty
    outside = ledger([("a", "x", 9000, 0), ("b", "x", 10000, 1), ("c", "x", 8999.99, 2)])
    assert detect_structuring(outside).empty
    inside = ledger([("a", "x", 9000, 0), ("b", "x", 9999.99, 1), ("c", "x", 9000, 2)])
    assert len(detect_structuring(inside)) == 1


def test_structuring_from_one_sender_is_reported_as_such():
    tx = ledger([("smurf", f"bank{i}", 9400, i) for i in range(3)])
    hits = detect_structuring(tx)
    assert hits["accounts"].tolist() == [["smurf", "bank0", "bank1", "bank2"]]
    assert "from one account" in hits.iloc[0]["rule"]
    assert detect_structuring(tx, threshold=5000).empty


# ---------------------------------------------------------------------------------- all rules
def sample_ledger() -> pd.DataFrame:
    rows = [("a", "b", 100, 0), ("b", "c", 98, 5), ("c", "a", 96, 20)]  # cycle
    rows += [(f"s{i}", "hub", 9500, 50 + i) for i in range(5)]  # fan-in + structuring
    rows += [("p", f"r{i}", 10, 80 + i) for i in range(5)]  # fan-out
    return ledger(rows)


def test_detect_all_stacks_every_rule_sorted_by_start():
    hits = detect_all(sample_ledger())
    assert list(hits.columns) == list(RESULT_COLUMNS)
    assert hits["typology"].tolist() == ["cycle", "fan_in", "structuring", "fan_out"]
    assert hits["start"].is_monotonic_increasing
    assert hits["pattern_id"].is_unique
    assert hits.attrs["truncated"] is False
    only = detect_all(sample_ledger(), typologies=["cycle"])
    assert only["typology"].tolist() == ["cycle"]


def test_detect_all_routes_parameters():
    hits = detect_all(sample_ledger(), min_degree=6, structuring__min_count=6)
    assert hits["typology"].tolist() == ["cycle"]
    hits = detect_all(sample_ledger(), cycle__min_length=4, fan_in__min_degree=6)
    assert hits["typology"].tolist() == ["structuring", "fan_out"]
    with pytest.raises(InvalidValue, match="min_degre"):
        detect_all(sample_ledger(), min_degre=3)
    with pytest.raises(InvalidValue, match="cycle__threshold"):
        detect_all(sample_ledger(), cycle__threshold=3)
    with pytest.raises(InvalidValue, match="typology names"):
        detect_all(sample_ledger(), typologies=["smurfing"])


def test_pattern_ids_are_deterministic_and_content_based():
    tx = sample_ledger()
    first = detect_all(tx)
    shuffled = detect_all(tx.sample(frac=1, random_state=7).reset_index(drop=True))
    assert first["pattern_id"].tolist() == shuffled["pattern_id"].tolist()
    more = pd.concat([tx, ledger([("z", "y", 1, 500)], prefix="extra")], ignore_index=True)
    assert detect_all(more)["pattern_id"].tolist() == first["pattern_id"].tolist()


def test_timezone_aware_and_integer_ids():
    tx = ledger([("a", "b", 1, 0), ("b", "a", 1, 1)])
    tx["timestamp"] = tx["timestamp"].dt.tz_localize("Europe/London")
    tx["tx_id"] = [10, 11]
    hit = detect_cycles(tx).iloc[0]
    assert hit["tx_ids"] == [10, 11]
    assert hit["start"] == pd.Timestamp("2024-01-01 08:00")  # UTC, naive


def test_input_errors_name_the_problem():
    tx = sample_ledger()
    with pytest.raises(InvalidValue, match="amount"):
        detect_fan_in(tx.drop(columns=["amount"]))
    with pytest.raises(InvalidValue, match="datetime64"):
        detect_fan_in(tx.assign(timestamp=tx["timestamp"].astype(str)))
    with pytest.raises(InvalidValue, match="unique"):
        detect_fan_in(tx.assign(tx_id="same"))
    with pytest.raises(InvalidValue, match="time span"):
        detect_fan_in(tx, window="a week")
    with pytest.raises(InvalidValue, match="positive"):
        detect_cycles(tx, window="-1D")
    with pytest.raises(InvalidValue, match="min_degree"):
        detect_fan_out(tx, min_degree=0)
    with pytest.raises(InvalidValue, match="definition"):
        detect_bipartite(tx, definition="layered")
    with pytest.raises(InvalidValue, match="min_width"):
        detect_stack(tx, min_width=1)  # 1 only with definition="layered"
    with pytest.raises(InvalidValue, match="margin"):
        detect_structuring(tx, margin=1.5)


def test_empty_and_missing_values():
    empty = ledger([])
    for detector in (detect_cycles, detect_fan_in, detect_structuring, detect_all):
        out = detector(empty)
        assert out.empty and list(out.columns) == list(RESULT_COLUMNS)
    tx = ledger([("a", "b", 1, 0), ("b", None, 1, 1), ("b", "a", 1, 2)])
    assert detect_cycles(tx)["tx_ids"].tolist() == [["t0", "t2"]]


def test_doctests():
    result = doctest.testmod(
        typologies_module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    )
    assert result.attempted > 0 and result.failed == 0


# ------------------------------------------------------------------- bipartite and stack
def test_complete_bipartite_is_one_match_and_a_matching_is_none():
    rows = [(p, q, 10, i) for i, (p, q) in enumerate([(p, q) for p in "abc" for q in "xy"])]
    hits = detect_bipartite(ledger(rows))
    assert hits["accounts"].tolist() == [["a", "b", "c", "x", "y"]]
    assert len(hits.loc[0, "tx_ids"]) == 6 and hits.loc[0, "pattern_id"].startswith("BP-")
    assert "3 accounts each paid the same payees among 2 accounts" in hits.loc[0, "rule"]
    assert detect_bipartite(ledger(rows), min_sources=4).empty
    assert detect_bipartite(ledger(rows), min_targets=3).empty
    # One-to-one transfers share no payee: nothing ties them together.
    assert detect_bipartite(ledger([("a", "x", 1, 0), ("b", "y", 1, 1), ("c", "z", 1, 2)])).empty
    # Co-payments to one payee further apart than the window do not count.
    far = ledger([("a", "x", 1, 0), ("a", "y", 1, 0), ("b", "x", 1, 24 * 9), ("b", "y", 1, 24 * 9)])
    assert detect_bipartite(far).empty and len(detect_bipartite(far, window="10D")) == 1


def test_bipartite_leaves_out_hubs():
    rows = [(p, q, 10, 0) for p in "ab" for q in "xy"]
    rows += [(f"c{i}", "x", 1, 1) for i in range(12)]  # x now has 14 payers in a week
    assert detect_bipartite(ledger(rows)).empty
    assert len(detect_bipartite(ledger(rows), max_degree=None)) >= 1


def test_stack_needs_the_second_layer_after_the_first():
    first = [(p, m, 10, i) for i, (p, m) in enumerate([(p, m) for p in "ab" for m in "mn"])]
    second = [(m, q, 9, 10 + i) for i, (m, q) in enumerate([(m, q) for m in "mn" for q in "xy"])]
    hits = detect_stack(ledger(first + second))
    assert hits["accounts"].tolist() == [["a", "b", "m", "n", "x", "y"]]
    assert len(hits.loc[0, "tx_ids"]) == 8 and hits.loc[0, "typology"] == "stack"
    early = [(m, q, 9, -100 + i) for i, (m, q) in enumerate([(m, q) for m in "mn" for q in "xy"])]
    assert detect_stack(ledger(first + early)).empty
    assert detect_stack(ledger(first)).empty


# ------------------------------------------------------------------- random and chain layering
def test_random_walk_is_cut_where_funds_return():
    walk = [("a", "b", 100, 0), ("b", "c", 50, 5), ("c", "d", 70, 10), ("d", "e", 10, 20)]
    hits = detect_random_layering(ledger(walk))
    assert hits["accounts"].tolist() == [["a", "b", "c", "d", "e"]]
    assert hits.loc[0, "tx_ids"] == ["t0", "t1", "t2", "t3"]
    assert "a -> b -> c -> d -> e" in hits.loc[0, "rule"] and "within 2 days" in hits.loc[0, "rule"]
    # Held longer than `hold`: the walk breaks.
    assert detect_random_layering(ledger(walk), hold="4h").empty
    # Paid on before it was received: not a walk.
    assert detect_random_layering(ledger([(s, t, a, -h) for s, t, a, h in walk])).empty
    # A ring back to the first account is a cycle, not a random walk.
    ring = [("a", "b", 1, 0), ("b", "c", 1, 1), ("c", "a", 1, 2)]
    assert detect_random_layering(ledger(ring)).empty
    assert detect_random_layering(ledger(walk), min_hops=5).empty


def test_walk_follows_the_last_payment_in_and_the_first_out():
    # b receives twice before paying on: only the latest incoming payment is linked.
    tx = ledger([("a", "b", 5, 0), ("z", "b", 5, 1), ("b", "c", 5, 2), ("c", "d", 5, 3)])
    assert detect_random_layering(tx)["tx_ids"].tolist() == [["t1", "t2", "t3"]]


def test_chain_layering_keeps_the_amount():
    chain = [("a", "b", 1000, 0), ("b", "c", 980, 5), ("c", "d", 950, 10), ("d", "e", 400, 20)]
    hits = detect_chain_layering(ledger(chain))
    assert hits["accounts"].tolist() == [["a", "b", "c", "d"]]
    assert hits.loc[0, "amount_total"] == 2930.0 and hits.loc[0, "pattern_id"].startswith("CL-")
    assert "keeping at most 10%" in hits.loc[0, "rule"]
    assert len(detect_chain_layering(ledger(chain), max_cut=0.7)) == 1
    assert detect_chain_layering(ledger(chain), max_cut=0.7).loc[0, "tx_ids"] == [
        "t0",
        "t1",
        "t2",
        "t3",
    ]
    # More paid on than received is not a relay of the same funds.
    assert detect_chain_layering(ledger([(s, t, 1000 + h, h) for s, t, _, h in chain])).empty
    with pytest.raises(InvalidValue, match="max_cut"):
        detect_chain_layering(ledger(chain), max_cut=1.5)


def test_detect_all_runs_the_new_rules():
    rows = [(p, q, 10, i) for i, (p, q) in enumerate([(p, q) for p in "ab" for q in "xy"])]
    rows += [("k", "l", 100, 0), ("l", "m", 99, 1), ("m", "n", 98, 2)]
    found = detect_all(ledger(rows), typologies=["bipartite", "random", "chain"])
    assert sorted(found["typology"]) == ["bipartite", "chain", "random"]
    assert set(typologies_module.TYPOLOGIES) >= {"bipartite", "stack", "random", "chain"}
    with pytest.raises(InvalidValue):
        detect_all(ledger(rows), chain__min_count=2)


# ------------------------------------------------------- AMLworld definitions, small ledgers
def test_degenerate_settings_match_single_payments():
    one = ledger([("a", "b", 5, 0)])
    assert detect_fan_out(one).empty and detect_fan_in(one).empty
    assert detect_fan_out(one, min_degree=1)["tx_ids"].tolist() == [["t0"]]
    assert detect_fan_in(one, min_degree=1)["accounts"].tolist() == [["b", "a"]]
    assert detect_random_layering(one, min_hops=1)["tx_ids"].tolist() == [["t0"]]
    assert detect_bipartite(one, definition="disjoint").empty
    hits = detect_bipartite(one, definition="disjoint", min_sources=1, min_targets=1, min_edges=1)
    assert hits["tx_ids"].tolist() == [["t0"]]
    # With min_hops=1 a walk of two is still one match, not three.
    walk = ledger([("a", "b", 5, 0), ("b", "c", 5, 1), ("x", "y", 1, 50)])
    assert detect_random_layering(walk, min_hops=1)["tx_ids"].tolist() == [["t0", "t1"], ["t2"]]


def test_gather_scatter_with_a_narrower_scatter_and_self_transfers():
    rows = [("a", "hub", 5, 0), ("b", "hub", 5, 1), ("c", "hub", 5, 2), ("hub", "x", 14, 3)]
    assert detect_gather_scatter(ledger(rows), min_degree=3).empty
    hits = detect_gather_scatter(ledger(rows), min_degree=3, min_out_degree=1)
    assert hits["accounts"].tolist() == [["hub", "a", "b", "c", "x"]]
    assert "fan-in of at least 3 and fan-out of at least 1 accounts" in hits.loc[0, "rule"]
    # AMLworld's "1-degree" gather-scatter: one payment in, the centre paying itself.
    loop = ledger([("a", "hub", 5, 0), ("hub", "hub", 5, 3)])
    assert detect_gather_scatter(loop, min_degree=1).empty
    hits = detect_gather_scatter(loop, min_degree=1, self_transfers=True)
    assert hits["tx_ids"].tolist() == [["t0", "t1"]] and "self-transfers" in hits.loc[0, "rule"]
    # Other rules still ignore them.
    assert detect_fan_out(loop, min_degree=1)["tx_ids"].tolist() == [["t0"]]


def test_scatter_gather_returning_and_out_of_order():
    trip = ledger([("v", "m", 5, 0), ("m", "v", 5, 10)])
    assert detect_scatter_gather(trip, min_degree=1).empty
    hits = detect_scatter_gather(trip, min_degree=1, allow_return=True)
    assert hits["accounts"].tolist() == [["v", "m"]] and "paid it back" in hits.loc[0, "rule"]
    # m1 pays u before v pays it: only the unordered rule counts it.
    rows = [("v", "m1", 5, 10), ("m1", "u", 5, 0), ("v", "m2", 5, 0), ("m2", "u", 5, 5)]
    assert detect_scatter_gather(ledger(rows), min_degree=2).empty
    hits = detect_scatter_gather(ledger(rows), min_degree=2, require_time_order=False)
    assert hits["accounts"].tolist() == [["v", "u", "m2", "m1"]]
    assert "in either order" in hits.loc[0, "rule"]


def test_disjoint_bipartite_and_layered_stack():
    pairs = ledger([("a", "x", 1, 0), ("b", "y", 1, 5), ("c", "z", 1, 10)])
    assert detect_bipartite(pairs).empty
    hits = detect_bipartite(pairs, definition="disjoint")
    assert hits["accounts"].tolist() == [["a", "b", "c", "x", "y", "z"]]
    assert hits.loc[0, "pattern_id"].startswith("BP-")
    assert detect_bipartite(pairs, definition="disjoint", min_edges=4).empty
    assert detect_bipartite(pairs, definition="disjoint", window="4h").empty
    # A payee that pays on is not on the payee side.
    relay = ledger([("a", "x", 1, 0), ("x", "y", 1, 5), ("c", "z", 1, 10)])
    assert detect_bipartite(relay, definition="disjoint").empty  # one payment left
    hits = detect_bipartite(relay, definition="disjoint", min_sources=1, min_targets=1, min_edges=1)
    assert hits["tx_ids"].tolist() == [["t2"]]
    chains = ledger([("a", "b", 9, 0), ("d", "e", 9, 2), ("b", "c", 8, 20), ("e", "f", 8, 30)])
    assert detect_stack(chains).empty
    hits = detect_stack(chains, definition="layered")
    assert hits["accounts"].tolist() == [["a", "d", "b", "e", "c", "f"]]
    assert len(hits.loc[0, "tx_ids"]) == 4 and hits.loc[0, "typology"] == "stack"
    # Paid on before it was received: no relay.
    early = ledger([("a", "b", 9, 20), ("d", "e", 9, 30), ("b", "c", 8, 0), ("e", "f", 8, 2)])
    assert detect_stack(early, definition="layered").empty
    trip = ledger([("a", "b", 9, 0), ("b", "a", 8, 20)])
    assert detect_stack(trip, definition="layered").empty
    hits = detect_stack(trip, definition="layered", min_width=1)
    assert hits["tx_ids"].tolist() == [["t0", "t1"]] and "first-layer payers" in hits.loc[0, "rule"]


def test_random_walk_without_time_order():
    # The funds go a -> b -> c -> d, but c pays d before b pays c.
    walk = ledger([("a", "b", 5, 0), ("b", "c", 5, 30), ("c", "d", 5, 10)])
    assert detect_random_layering(walk, min_hops=3).empty
    hits = detect_random_layering(walk, min_hops=3, require_time_order=False)
    assert hits["accounts"].tolist() == [["a", "b", "c", "d"]]
    assert "before or after being paid" in hits.loc[0, "rule"]
    ring = ledger([("a", "b", 1, 0), ("b", "a", 1, 1)])  # linked both ways: a cycle, no walk
    assert detect_random_layering(ring, min_hops=1, require_time_order=False).empty


# ---------------------------------------------------------------------------------- AMLworld
def stated(header: str) -> int:
    """The construction parameter of an AMLworld attempt header, 0 if it has none."""
    found = re.search(r"Max (\d+)", header)
    return int(found.group(1)) if found else 0


def amlworld() -> pd.DataFrame:
    """The 370 labelled HI-Small laundering attempts as one transactions table.

    Accounts are bank + account number (account numbers are only unique within a bank).
    ``stated``: the number in the attempt's header ("FAN-OUT:  Max 16-degree Fan-Out": 16,
    "CYCLE:  Max 10 hops": 10, "GATHER-SCATTER:  Max 3-degree Fan-In": 3), 0 where the header
    has none (BIPARTITE, STACK, SCATTER-GATHER).
    """
    path = shared_data("finance/ibm_amlworld_hi_small_patterns/laundering_patterns.json")
    patterns = json.loads(path.read_text())["patterns"]
    rows = [
        {
            "attempt": i,
            "family": p["pattern_type"].split(":")[0].strip(),
            "stated": stated(p["pattern_type"]),
            "source": f"{t['from_bank']}:{t['from_account']}",
            "target": f"{t['to_bank']}:{t['to_account']}",
            "amount": t["amount_paid"],
            "timestamp": t["timestamp"],
        }
        for i, p in enumerate(patterns)
        for t in p["transactions"]
    ]
    tx = pd.DataFrame(rows)
    tx["timestamp"] = pd.to_datetime(tx["timestamp"], format="%Y/%m/%d %H:%M")
    tx["tx_id"] = range(len(tx))
    return tx


def ordered_in_some_rotation(attempt: pd.DataFrame) -> bool:
    """Whether the ring's payments, followed round the ring from some start, are in time order."""
    nxt = dict(
        zip(
            attempt["source"],
            zip(attempt["target"], attempt["timestamp"], strict=True),
            strict=True,
        )
    )
    for start in nxt:
        times, node = [], start
        for _ in range(len(nxt)):
            node, when = nxt[node]
            times.append(when)
        if times == sorted(times):
            return True
    return False


def test_amlworld_labelled_cycles_are_found():
    tx = amlworld()
    cycles = tx[tx["family"] == "CYCLE"]
    rings = cycles.groupby("attempt")["source"].agg(frozenset)
    assert len(rings) == 54  # SOURCE.md
    ordered = cycles.groupby("attempt").apply(ordered_in_some_rotation)
    assert int(ordered.sum()) == 49  # 5 labelled cycles are not time-ordered in any rotation
    # Run on all 3,209 laundering payments (other families are noise here): the longest
    # labelled cycle has 12 hops and the widest spans 3 days 23:37.
    found = detect_cycles(tx.drop(columns=["attempt", "family"]), max_length=12, window="4D")
    reported = set(found["accounts"].map(frozenset))
    recalled = rings.map(lambda ring: ring in reported)
    assert recalled[ordered].all()  # every time-ordered labelled cycle is reported
    assert recalled.mean() >= 49 / 54  # measured 49/54 = 0.907
    anyorder = detect_cycles(
        tx.drop(columns=["attempt", "family"]),
        max_length=12,
        window="4D",
        require_time_order=False,
    )
    assert rings.map(lambda ring: ring in set(anyorder["accounts"].map(frozenset))).all()


def test_neighbour_filter_is_exact_with_large_account_codes_and_long_spans():
    from cybertnoc.domains.laundering._windows import acts_within

    rng = np.random.default_rng(0)
    n = 400
    actor = rng.integers(0, 30, n) * 1_000_000  # large codes
    who = rng.integers(0, 30, n) * 1_000_000
    ts = rng.integers(0, 400 * 86_400 * 10**6, n)  # microseconds over 400 days
    for w in (3_600 * 10**6, 30 * 86_400 * 10**6):
        got = acts_within(actor, who, ts, w)
        exact = np.array([((actor == who[i]) & (np.abs(ts - ts[i]) <= w)).any() for i in range(n)])
        assert (got == exact).all()


#: Each AMLworld family, the rule of its own typology, with its default definitions, the least
#: non-degenerate parameters (>= 2) and a window that covers the family's longest attempt
#: (SOURCE.md, measured spans).
AMLWORLD_RULES = {
    "FAN-OUT": lambda x: detect_fan_out(x, min_degree=2, window="5D"),
    "FAN-IN": lambda x: detect_fan_in(x, min_degree=2, window="5D"),
    "CYCLE": lambda x: detect_cycles(x, max_length=12, window="4D", require_time_order=False),
    "GATHER-SCATTER": lambda x: detect_gather_scatter(x, min_degree=2, window="9D"),
    "SCATTER-GATHER": lambda x: detect_scatter_gather(x, min_degree=2, window="4D"),
    "STACK": lambda x: detect_stack(x, window="5D"),
    "BIPARTITE": lambda x: detect_bipartite(x, window="2D"),
    "RANDOM": lambda x: detect_random_layering(x, min_hops=2, hold="4D"),
}


def test_amlworld_attempts_are_found_by_the_rule_of_their_own_typology():
    """Each of the 370 attempts, alone, screened by its family's rule with default definitions.

    Found: a match holding at least half of the attempt's payments. Measured 228 of 370; every
    miss is below what the default definitions see: a single payment (1-degree fans, 1-hop
    random walks, one-payment bipartites), one counterparty on a side of a gather-scatter or
    scatter-gather, or (all bipartite and stack attempts) one-to-one transfers between accounts
    that share no counterparty. The next test finds all 370 with AMLworld's own definitions.
    """
    tx = amlworld()
    cols = ["tx_id", "source", "target", "amount", "timestamp"]
    found: dict[str, int] = {}
    one_to_one: dict[str, int] = {}
    for _, attempt in tx.groupby("attempt"):
        family = attempt["family"].iloc[0]
        ids = set(attempt["tx_id"])
        hits = AMLWORLD_RULES[family](attempt[cols])
        ok = any(len(ids.intersection(h)) >= len(ids) / 2 for h in hits["tx_ids"])
        found[family] = found.get(family, 0) + ok
        n = len(attempt)
        one_to_one[family] = one_to_one.get(family, 0) + (
            attempt["source"].nunique() == n and attempt["target"].nunique() == n
        )
        if not ok and family in ("FAN-OUT", "FAN-IN", "RANDOM"):
            assert n == 1, (family, n)  # only single payments are missed
        if family in ("BIPARTITE", "STACK") and not ok:
            assert attempt["source"].nunique() == n == attempt["target"].nunique()
    assert found == {
        "FAN-OUT": 40,  # of 48; 8 are one payment
        "FAN-IN": 36,  # of 40; 4 are one payment
        "CYCLE": 54,  # of 54 (49 also in time order, see above)
        "GATHER-SCATTER": 41,  # of 51
        "SCATTER-GATHER": 29,  # of 44; 11 have a single intermediary
        "STACK": 0,  # of 43, all one-to-one layers
        "BIPARTITE": 0,  # of 49, all one-to-one
        "RANDOM": 28,  # of 41; 13 are one payment
    }
    assert one_to_one["BIPARTITE"] == 49 and one_to_one["STACK"] == 43
    assert sum(found.values()) == 228


def amlworld_rule(family: str, attempt: pd.DataFrame, k: int) -> pd.DataFrame:
    """The rule of the attempt's own typology, with the parameters its header states (``k``)
    and the definition AMLworld builds it by; windows cover the family's longest attempt."""
    tx = attempt[["tx_id", "source", "target", "amount", "timestamp"]]
    if family == "FAN-OUT":
        return detect_fan_out(tx, min_degree=k, window="5D")
    if family == "FAN-IN":
        return detect_fan_in(tx, min_degree=k, window="5D")
    if family == "CYCLE":  # 5 of 54 are in time order in no rotation (see above)
        return detect_cycles(tx, min_length=k, max_length=k, window="4D", require_time_order=False)
    if family == "GATHER-SCATTER":
        # The header states the fan-in degree only; the fan-out degree is the attempt's own
        # (distinct recipients of the centre, the account with the most senders).
        centre = attempt.groupby("target")["source"].nunique().idxmax()
        fan_out = attempt.loc[attempt["source"] == centre, "target"].nunique()
        return detect_gather_scatter(
            tx, min_degree=k, min_out_degree=fan_out, window="9D", self_transfers=True
        )
    # No parameter in the header: the least (1; see the degenerate counts below).
    if family == "SCATTER-GATHER":
        return detect_scatter_gather(
            tx, min_degree=1, window="4D", require_time_order=False, allow_return=True
        )
    if family == "STACK":
        return detect_stack(tx, min_width=1, window="5D", definition="layered")
    if family == "BIPARTITE":
        return detect_bipartite(
            tx, min_sources=1, min_targets=1, min_edges=1, window="2D", definition="disjoint"
        )
    assert family == "RANDOM"  # one of 41 walks pays on before it is paid
    return detect_random_layering(tx, min_hops=k, hold="4D", require_time_order=False)


def test_amlworld_attempts_are_found_with_the_parameters_their_headers_state():
    """Acceptance: each of the 370 attempts, alone, is detected by the rule of its own
    typology run with the parameters its header states (degrees, hops), including the
    degenerate ones ("Max 1-degree", "Max 1 hops", single-transfer bipartites), which only the
    degenerate settings (min_degree=1, min_hops=1, min_edges=1, min_width=1) can match: on a
    whole ledger those settings flag every payment (docs/laundering.md)."""
    tx = amlworld()
    found: dict[str, int] = {}
    missed = []
    for i, attempt in tx.groupby("attempt"):
        family, k = attempt["family"].iloc[0], int(attempt["stated"].iloc[0])
        ids = set(attempt["tx_id"])
        hits = amlworld_rule(family, attempt, k)
        ok = any(len(ids.intersection(h)) >= len(ids) / 2 for h in hits["tx_ids"])
        found[family] = found.get(family, 0) + ok
        if not ok:
            missed.append((i, family, k))
    assert missed == []
    assert found == {  # SOURCE.md counts
        "FAN-OUT": 48,  # 8 with min_degree=1
        "FAN-IN": 40,  # 4 with min_degree=1
        "CYCLE": 54,
        "GATHER-SCATTER": 51,  # 8 "1-degree", 4 of them one payment and a self-transfer
        "SCATTER-GATHER": 44,  # 11 round trips through one intermediary (min_degree=1)
        "STACK": 43,  # 16 of two payments, a -> b -> a or a -> b -> c (min_width=1)
        "BIPARTITE": 49,  # 18 single payments (min_edges=1)
        "RANDOM": 41,  # 13 "Max 1 hops" single payments (min_hops=1)
    }
    assert sum(found.values()) == 370


#: One AMLworld option or degenerate setting left out at a time (the others as in
#: :func:`amlworld_rule`), and the attempts then found, measured.
AMLWORLD_WITHOUT = [
    # Time order kept: 5 cycles, 1 random walk and 2 scatter-gathers are not time-ordered.
    ("CYCLE", lambda x, k: detect_cycles(x, min_length=k, max_length=k, window="4D"), 49),
    ("RANDOM", lambda x, k: detect_random_layering(x, min_hops=k, hold="4D"), 40),
    (
        "SCATTER-GATHER",
        lambda x, k: detect_scatter_gather(x, min_degree=1, window="4D", allow_return=True),
        42,
    ),
    # No allow_return: the 11 round trips v -> m -> v are missed.
    (
        "SCATTER-GATHER",
        lambda x, k: detect_scatter_gather(x, min_degree=1, window="4D", require_time_order=False),
        33,
    ),
    # A scatter as wide as the gather misses 17.
    (
        "GATHER-SCATTER",
        lambda x, k: detect_gather_scatter(x, min_degree=k, window="9D", self_transfers=True),
        34,
    ),
    # Self-transfers not counted: the 4 whose scatter is only the centre paying itself.
    (
        "GATHER-SCATTER",
        lambda x, k: detect_gather_scatter(x, min_degree=k, min_out_degree=1, window="9D"),
        47,
    ),
    # Non-degenerate sizes (2): the 16 two-payment stacks and 18 single-payment bipartites.
    ("STACK", lambda x, k: detect_stack(x, min_width=2, window="5D", definition="layered"), 27),
    (
        "BIPARTITE",
        lambda x, k: detect_bipartite(
            x, min_sources=1, min_targets=1, window="2D", definition="disjoint"
        ),
        31,
    ),
]


@pytest.mark.parametrize(("family", "rule", "expected"), AMLWORLD_WITHOUT)
def test_amlworld_attempts_found_without_one_option(family, rule, expected):
    tx = amlworld()
    cols = ["tx_id", "source", "target", "amount", "timestamp"]
    found = 0
    for _, attempt in tx[tx["family"] == family].groupby("attempt"):
        ids = set(attempt["tx_id"])
        hits = rule(attempt[cols], int(attempt["stated"].iloc[0]))
        found += any(len(ids.intersection(h)) >= len(ids) / 2 for h in hits["tx_ids"])
    assert found == expected
