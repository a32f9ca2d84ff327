"""Laundering typology detection (and graph features) on millions of transactions, against a
straightforward networkx / pandas implementation on a subset.

Generates ``--transactions`` synthetic bank transfers (default 5,000,000) between
``--accounts`` accounts (default one per 10 transfers, as IBM AMLworld HI-Small) over a year:
senders and receivers drawn with heavy-tailed activity (a few busy accounts, many quiet
ones), log-normal amounts, seeded.
Then, in the same run:

- **cybertnoc** on everything: :func:`cybertnoc.domains.laundering.typologies.detect_all`
  (every typology rule: compiled sliding windows and joins, numpy, DuckDB for two joins), then
  :func:`cybertnoc.domains.laundering.features.transaction_features` (graph features per
  transaction and account) counting the patterns of that screening run (``matches=``; with
  ``--own-patterns`` the features run the rules again with their own looser parameters); wall
  time and peak resident memory of the process;
- **baseline** on the first ``--subset`` transactions (default 50,000): the obvious
  implementation of the same rules (pandas per-account rolling windows for fan-in, fan-out
  and structuring; ``networkx.simple_cycles`` with a length bound, then a time-order filter,
  for cycles), and cybertnoc on the same subset, for the ratio.

Run::

    python benchmarks/bench_aml.py                          # 5,000,000 transactions
    python benchmarks/bench_aml.py --transactions 1000000 --subset 20000

Numbers measured on our machines are in ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from cybertnoc.domains.laundering.typologies import detect_all

WINDOW = pd.Timedelta("7D")


def generate(n: int, accounts: int, seed: int) -> pd.DataFrame:
    """Transfers with heavy-tailed account activity, seeded."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, accounts + 1) ** 0.8
    weights /= weights.sum()
    order = rng.permutation(accounts)
    source = order[rng.choice(accounts, size=n, p=weights)]
    target = order[rng.choice(accounts, size=n, p=weights)]
    clash = source == target
    target[clash] = (target[clash] + 1) % accounts
    start = np.datetime64("2024-01-01T00:00:00", "s").astype(np.int64)
    seconds = np.sort(rng.integers(0, 365 * 86_400, size=n))
    return pd.DataFrame(
        {
            "tx_id": np.arange(n, dtype=np.int64),
            "source": source.astype(np.int64),
            "target": target.astype(np.int64),
            "amount": np.round(rng.lognormal(6.0, 1.2, size=n), 2),
            "timestamp": pd.to_datetime(start + seconds, unit="s"),
        }
    )


def peak_rss_gb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


# -- the straightforward baseline -----------------------------------------------------------------
def naive_fans(tx: pd.DataFrame, min_degree: int = 5) -> int:
    """Accounts with ``min_degree`` distinct counterparties within a window (fan-in and fan-out):
    per account, a pandas rolling window over its transfers, counting distinct counterparties."""
    hits = 0
    for own, other in (("target", "source"), ("source", "target")):
        for _, group in tx.sort_values("timestamp").groupby(own, sort=False):
            if group[other].nunique() < min_degree:
                continue
            times = group["timestamp"].to_numpy()
            parties = group[other].to_numpy()
            for i in range(len(group)):
                inside = parties[(times >= times[i]) & (times <= times[i] + WINDOW.to_numpy())]
                if len(set(inside.tolist())) >= min_degree:
                    hits += 1
                    break
    return hits


def naive_structuring(
    tx: pd.DataFrame, threshold: float = 10_000, margin: float = 0.1, min_count: int = 3
) -> int:
    """Receivers of ``min_count`` transfers just below the threshold within a window."""
    band = tx[(tx["amount"] < threshold) & (tx["amount"] >= threshold * (1 - margin))]
    hits = 0
    for _, group in band.groupby("target"):
        counts = group.set_index("timestamp").sort_index()["amount"].rolling(WINDOW).count()
        hits += int((counts >= min_count).any())
    return hits


def naive_cycles(tx: pd.DataFrame, max_length: int = 5) -> int:
    """Time-respecting cycles of at most ``max_length`` accounts within a window: every simple
    cycle of the account graph (networkx), then a search for increasing timestamps on it."""
    import networkx as nx

    graph = nx.DiGraph()
    times: dict[tuple[int, int], list[np.datetime64]] = {}
    for s, t, ts in zip(tx["source"], tx["target"], tx["timestamp"].to_numpy(), strict=True):
        graph.add_edge(s, t)
        times.setdefault((s, t), []).append(ts)
    found = 0
    for cycle in nx.simple_cycles(graph, length_bound=max_length):
        legs = list(zip(cycle, cycle[1:] + cycle[:1], strict=True))
        for first in sorted(times[legs[0]]):
            now, ok = first, True
            for leg in legs[1:]:
                later = [x for x in times[leg] if x > now]
                if not later:
                    ok = False
                    break
                now = min(later)
            if ok and now - first <= WINDOW.to_numpy():
                found += 1
                break
    return found


def naive(tx: pd.DataFrame) -> dict[str, int]:
    return {
        "fans": naive_fans(tx),
        "structuring": naive_structuring(tx),
        "cycles": naive_cycles(tx),
    }


def ours(tx: pd.DataFrame, own_patterns: bool = False) -> tuple[pd.DataFrame, float, float]:
    """Typology alerts, with the seconds of the rules and of the features (nan: none).

    The features count the patterns of the screening run (``matches=``), so the rules run
    once; with ``own_patterns`` they run the rules again with the features' own looser
    parameters (:data:`~cybertnoc.domains.laundering.features.DEFAULT_PATTERN_PARAMS`), as
    ``cybertnoc aml train`` does."""
    started = time.perf_counter()
    alerts = detect_all(tx, window=WINDOW)
    rules_s = time.perf_counter() - started
    features_s = float("nan")
    try:
        from cybertnoc.domains.laundering.features import transaction_features
    except ImportError:
        return alerts, rules_s, features_s
    started = time.perf_counter()
    transaction_features(tx, matches=None if own_patterns else alerts)
    features_s = time.perf_counter() - started
    return alerts, rules_s, features_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=5_000_000)
    parser.add_argument(
        "--accounts",
        type=int,
        default=None,
        help="default: transactions / 10 (IBM AMLworld HI-Small: 5.08 M transfers, 515 k accounts)",
    )
    parser.add_argument("--subset", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--own-patterns",
        action="store_true",
        help="let the features run the rules again with their own parameters (min_degree 3, "
        "cycles up to 6 payments) instead of counting the screening's matches",
    )
    args = parser.parse_args()
    accounts = args.accounts or max(10, args.transactions // 10)
    print("# cybertnoc laundering typologies vs a networkx / pandas implementation")
    print(
        f"date {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {platform.machine()}, "
        f"{os.cpu_count()} CPUs, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )
    started = time.perf_counter()
    tx = generate(args.transactions, accounts, args.seed)
    print(
        f"generated {len(tx):,} transfers between {accounts:,} accounts in "
        f"{time.perf_counter() - started:.1f} s; peak memory {peak_rss_gb():.2f} GB"
    )

    started = time.perf_counter()
    ours(tx.iloc[:2000].copy())
    print(
        f"warm-up on 2,000 transfers (compiles the numba kernels on a first run after install, "
        f"then loads them from the on-disk cache) {time.perf_counter() - started:.1f} s"
    )

    subset = tx.iloc[: args.subset].copy()
    started = time.perf_counter()
    base = naive(subset)
    naive_s = time.perf_counter() - started
    sub_alerts, sub_rules, sub_features = ours(subset)
    print(
        f"subset of {len(subset):,}: baseline (fan-in/out, structuring, cycles) {naive_s:.1f} s "
        f"found {base}; cybertnoc rules {sub_rules:.2f} s ({len(sub_alerts):,} alerts), "
        f"features {sub_features:.2f} s; ratio baseline / cybertnoc rules "
        f"{naive_s / sub_rules:.1f}x"
    )

    alerts, rules_s, features_s = ours(tx, args.own_patterns)
    total = rules_s + (0.0 if np.isnan(features_s) else features_s)
    by = alerts["typology"].value_counts().to_dict() if len(alerts) else {}
    print(
        f"all {len(tx):,}: rules {rules_s:.1f} s, features {features_s:.1f} s, "
        f"total {total:.1f} s; {len(alerts):,} alerts {by}; peak memory {peak_rss_gb():.2f} GB"
    )
    print(f"target: <= 60 s and <= 6 GB for 5,000,000 transactions: {total:.1f} s")


if __name__ == "__main__":
    main()
