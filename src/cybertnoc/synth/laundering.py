"""Planted laundering patterns, built as Altman et al. (2023, §3.2) define them and AMLSim builds
them (``finance/amlsim_ibm/SOURCE.md``).

Every builder takes the accounts controlled by one laundering entity (``pool``) and returns the
legs of one pattern instance as ``(source, target, seconds from start, amount)``, in time order:

``fan_out``
    one main account sends to k >= 5 distinct accounts of the pool within 1-5 days.
``fan_in``
    k >= 5 distinct accounts send to one main account within 1-5 days.
``cycle``
    a_0 -> a_1 -> ... -> a_(n-1) -> a_0 over n = 3-8 distinct accounts; every hop later than the
    one before (1-18 h apart) and smaller by a margin of 0.5-4 % (AMLSim's ``margin_ratio``).
``scatter_gather``
    origin -> m = 3-10 intermediates, all before the middle time; each intermediate -> one
    beneficiary after the middle time, keeping a margin of 1-5 %.
``gather_scatter``
    3-8 originators -> main account before the middle time; main -> 3-8 beneficiaries after
    it; the main account keeps a margin of 1-5 % of what came in.
``bipartite``
    a transfer from every one of 2-4 input accounts to every one of 2-4 output accounts.
``stack``
    three layers of sizes n//3, n//3 and the rest (n = 6-12): every account of layer 1 pays
    every account of layer 2 (first half of the period), every account of layer 2 pays every
    account of layer 3 (second half).
``random``
    a random walk of n-1 to n+1 hops among n = 4-8 accounts: each next originator is the
    previous beneficiary; the walk never returns to its first account (the funds do not
    return, unlike a cycle); amounts shrink by a margin per hop.
``structuring``
    3-6 cash deposits, each in [9,000, 10,000) EUR (multiples of 50), into one account within
    at most 5 days (120 hours), from branch cash desks of the account's bank.

References
----------
.. [1] Altman, E., Blanuša, J., von Niederhäusern, L., Egressy, B., Anghel, A. & Atasu, K. (2023).
   Realistic Synthetic Financial Transactions for Anti-Money Laundering Models. NeurIPS 2023
   Datasets and Benchmarks. arXiv:2306.16424.
.. [2] Suzumura, T. & Kanezashi, H. (2021). AMLSim. https://github.com/IBM/AMLSim
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = [
    "BUILDERS",
    "GRAPH_TYPOLOGIES",
    "STRUCTURING_MAX_HOURS",
    "STRUCTURING_THRESHOLD",
    "Leg",
]

Leg = tuple[int, int, float, float]  # source, target, seconds from the pattern's start, amount

#: Typologies of Altman et al. (2023) planted on both ledgers.
GRAPH_TYPOLOGIES = (
    "fan_out",
    "fan_in",
    "cycle",
    "scatter_gather",
    "gather_scatter",
    "bipartite",
    "stack",
    "random",
)
#: Reporting threshold of the structuring pattern (EUR), and the window of its deposits.
STRUCTURING_THRESHOLD = 10_000.0
STRUCTURING_MAX_HOURS = 120

_H = 3600.0
_D = 86400.0


def _take(rng: np.random.Generator, pool: np.ndarray, k: int) -> np.ndarray:
    return rng.choice(pool, size=min(k, len(pool)), replace=False)


def _times(rng: np.random.Generator, k: int, lo: float, hi: float) -> np.ndarray:
    return np.sort(rng.uniform(lo, hi, k))


def _size(rng: np.random.Generator, lo: int, hi: int, pool: int, reserve: int) -> int:
    return max(
        lo if pool - reserve >= lo else 2, min(int(rng.integers(lo, hi + 1)), pool - reserve)
    )


def fan_out(rng: np.random.Generator, pool: np.ndarray, unit: float) -> list[Leg]:
    k = _size(rng, 5, 14, len(pool), 1)
    acc = _take(rng, pool, k + 1)
    main, others = int(acc[0]), acc[1:]
    total = unit * rng.lognormal(np.log(8), 0.5)
    ts = _times(rng, len(others), 0, rng.uniform(1, 5) * _D)
    amounts = total / len(others) * rng.uniform(0.85, 1.15, len(others))
    return [(main, int(o), float(t), float(a)) for o, t, a in zip(others, ts, amounts, strict=True)]


def fan_in(rng: np.random.Generator, pool: np.ndarray, unit: float) -> list[Leg]:
    return [(t_, s, t, a) for s, t_, t, a in fan_out(rng, pool, unit)]


def cycle(rng: np.random.Generator, pool: np.ndarray, unit: float) -> list[Leg]:
    n = _size(rng, 3, 8, len(pool), 0)
    acc = [int(a) for a in _take(rng, pool, n)]
    amount = unit * rng.uniform(1.5, 10)
    t = 0.0
    legs: list[Leg] = []
    for i in range(n):
        legs.append((acc[i], acc[(i + 1) % n], t, amount))
        t += rng.uniform(1, 18) * _H
        amount *= 1 - rng.uniform(0.005, 0.04)
    return legs


def scatter_gather(rng: np.random.Generator, pool: np.ndarray, unit: float) -> list[Leg]:
    m = _size(rng, 3, 10, len(pool), 2)
    acc = _take(rng, pool, m + 2)
    orig, bene, mids = int(acc[0]), int(acc[1]), acc[2:]
    period = rng.uniform(2, 6) * _D
    mid = period / 2
    total = unit * rng.lognormal(np.log(6), 0.5)
    amounts = total / len(mids) * rng.uniform(0.85, 1.15, len(mids))
    t_in = _times(rng, len(mids), 0, mid * 0.95)
    t_out = _times(rng, len(mids), mid * 1.05, period)
    legs: list[Leg] = [
        (orig, int(m_), float(t), float(a)) for m_, t, a in zip(mids, t_in, amounts, strict=True)
    ]
    keep = 1 - rng.uniform(0.01, 0.05, len(mids))
    legs += [
        (int(m_), bene, float(t), float(a * k))
        for m_, t, a, k in zip(mids, t_out, amounts, keep, strict=True)
    ]
    return legs


def gather_scatter(rng: np.random.Generator, pool: np.ndarray, unit: float) -> list[Leg]:
    n_in = _size(rng, 3, 8, len(pool), 4)
    n_out = _size(rng, 3, 8, len(pool), 1 + n_in)
    acc = _take(rng, pool, 1 + n_in + n_out)
    main, ins, outs = int(acc[0]), acc[1 : 1 + n_in], acc[1 + n_in :]
    period = rng.uniform(2, 6) * _D
    mid = period / 2
    a_in = unit * rng.lognormal(np.log(1.5), 0.4, len(ins))
    total_out = a_in.sum() * (1 - rng.uniform(0.01, 0.05))
    w = rng.uniform(0.7, 1.3, len(outs))
    a_out = total_out * w / w.sum()
    t_in = _times(rng, len(ins), 0, mid * 0.95)
    t_out = _times(rng, len(outs), mid * 1.05, period)
    legs: list[Leg] = [
        (int(s), main, float(t), float(a)) for s, t, a in zip(ins, t_in, a_in, strict=True)
    ]
    legs += [(main, int(d), float(t), float(a)) for d, t, a in zip(outs, t_out, a_out, strict=True)]
    return legs


def bipartite(rng: np.random.Generator, pool: np.ndarray, unit: float) -> list[Leg]:
    n_in = _size(rng, 2, 4, len(pool), 2)
    n_out = _size(rng, 2, 4, len(pool), n_in)
    acc = _take(rng, pool, n_in + n_out)
    ins, outs = acc[:n_in], acc[n_in:]
    pairs = [(int(s), int(d)) for s in ins for d in outs]
    ts = _times(rng, len(pairs), 0, rng.uniform(2, 6) * _D)
    order = rng.permutation(len(pairs))
    amounts = unit * rng.lognormal(np.log(1.2), 0.4, len(pairs))
    return [
        (pairs[int(o)][0], pairs[int(o)][1], float(t), float(a))
        for o, t, a in zip(order, ts, amounts, strict=True)
    ]


def stack(rng: np.random.Generator, pool: np.ndarray, unit: float) -> list[Leg]:
    n = _size(rng, 6, 12, len(pool), 0)
    acc = _take(rng, pool, n)
    a, b = n // 3, n // 3
    l1, l2, l3 = acc[:a], acc[a : a + b], acc[a + b :]
    period = rng.uniform(2, 6) * _D
    first = [(int(s), int(d)) for s in l1 for d in l2]
    second = [(int(s), int(d)) for s in l2 for d in l3]
    t1 = _times(rng, len(first), 0, period * 0.48)
    t2 = _times(rng, len(second), period * 0.52, period)
    amt1 = unit * rng.lognormal(np.log(1.0), 0.3, len(first))
    amt2 = (
        amt1.sum()
        * (1 - rng.uniform(0.01, 0.04))
        / len(second)
        * rng.uniform(0.85, 1.15, len(second))
    )
    legs: list[Leg] = [
        (s, d, float(t), float(x))
        for (s, d), t, x in zip(
            [first[i] for i in rng.permutation(len(first))], t1, amt1, strict=True
        )
    ]
    legs += [
        (s, d, float(t), float(x))
        for (s, d), t, x in zip(
            [second[i] for i in rng.permutation(len(second))], t2, amt2, strict=True
        )
    ]
    return legs


def random_walk(rng: np.random.Generator, pool: np.ndarray, unit: float) -> list[Leg]:
    n = _size(rng, 4, 8, len(pool), 0)
    acc = [int(a) for a in _take(rng, pool, n)]
    start = acc[0]
    hops = int(rng.integers(n - 1, n + 2))
    cur = start
    amount = unit * rng.uniform(1.5, 8)
    t = 0.0
    legs: list[Leg] = []
    for _ in range(hops):
        choices = [a for a in acc if a not in (cur, start)]
        if not choices:
            break
        nxt = choices[int(rng.integers(len(choices)))]
        legs.append((cur, nxt, t, amount))
        t += rng.uniform(2, 24) * _H
        amount *= 1 - rng.uniform(0.005, 0.05)
        cur = nxt
    return legs


#: Builders by typology name.
BUILDERS: dict[str, Callable[[np.random.Generator, np.ndarray, float], list[Leg]]] = {
    "fan_out": fan_out,
    "fan_in": fan_in,
    "cycle": cycle,
    "scatter_gather": scatter_gather,
    "gather_scatter": gather_scatter,
    "bipartite": bipartite,
    "stack": stack,
    "random": random_walk,
}


def structuring(rng: np.random.Generator, target: int, branches: np.ndarray) -> list[Leg]:
    """Cash deposits just below the threshold into ``target`` from bank branches."""
    k = int(rng.integers(3, 7))
    src = rng.choice(branches, size=k, replace=len(branches) < k)
    ts = _times(rng, k, 0, rng.uniform(24, STRUCTURING_MAX_HOURS) * _H)
    amounts = rng.integers(180, 200, k) * 50.0  # 9,000 ... 9,950
    return [(int(s), target, float(t), float(a)) for s, t, a in zip(src, ts, amounts, strict=True)]
