"""Sliding time-window counts in compiled loops (numba), shared by the typology rules and the
graph features.

Every kernel takes items sorted by group, then time, and walks each group once with two
pointers, so a pass is O(n) whatever the window holds (DuckDB's ``COUNT(DISTINCT ...) OVER
(... RANGE ...)`` costs grow with the number of items inside each window: hubs made it the
slowest step at millions of payments). Distinct values are counted with one array of
counters indexed by value code, cleared as the window slides.

Windows are RANGE windows, as in SQL: an item's window holds every item of its group whose time
lies in the interval, including items at the same time that come before it in the order.
"""

from __future__ import annotations

import functools
import gc
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from typing import Any, TypeVar

import numba
import numpy as np

_F = TypeVar("_F", bound=Callable[..., Any])


def paused_gc(fn: _F) -> _F:
    """Run ``fn`` with Python's cyclic garbage collector paused. Building hundreds of
    thousands of matches allocates millions of small lists, and the collector's passes over
    them cost a tenth of the rules' time at 5 million payments; nothing here makes cycles."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        was = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was:
                gc.enable()

    return wrapper  # type: ignore[return-value]


__all__ = [
    "acts_within",
    "backward_stats",
    "cores",
    "distinct",
    "forward_counts",
    "max_forward_distinct",
    "paths_through",
    "paused_gc",
    "relay_links",
    "walk_segments",
]


def distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an integer array (``np.unique`` without its hash table,
    which is several times slower on millions of 64-bit keys)."""
    out = np.sort(values)
    if len(out) < 2:
        return out
    return out[np.r_[True, out[1:] != out[:-1]]]


@numba.njit(cache=True, nogil=True)
def _forward(g, t, o, w, n_values, distinct):  # pragma: no cover - compiled
    n = len(g)
    start = np.empty(n, np.int64)
    end = np.empty(n, np.int64)
    k = np.empty(n, np.int64)
    cnt = np.zeros(n_values, np.int32)
    a = 0
    while a < n:
        b = a
        while b < n and g[b] == g[a]:
            b += 1
        lo = a
        hi = a
        now = 0
        j = a
        while j < b:
            p = j
            while p < b and t[p] == t[j]:
                p += 1
            if distinct:
                while lo < j:
                    c = cnt[o[lo]] - 1
                    cnt[o[lo]] = c
                    if c == 0:
                        now -= 1
                    lo += 1
            lim = t[j] + w
            while hi < b and t[hi] <= lim:
                if distinct:
                    c = cnt[o[hi]] + 1
                    cnt[o[hi]] = c
                    if c == 1:
                        now += 1
                hi += 1
            for q in range(j, p):
                start[q] = j
                end[q] = hi
                k[q] = now if distinct else hi - j
            j = p
        if distinct:
            while lo < hi:
                cnt[o[lo]] -= 1
                lo += 1
        a = b
    return start, end, k


def forward_counts(
    g: np.ndarray, t: np.ndarray, o: np.ndarray, w: int, *, distinct: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Forward windows [t_i, t_i + w] of items sorted by (``g``, ``t``).

    Returns ``start`` (the first item of i's group at time t_i), ``end`` (one past the last item
    of the group at or before t_i + w) and ``k``: the number of distinct values of ``o`` among
    items ``start..end-1`` (``distinct``), else ``end - start``.
    """
    g = np.ascontiguousarray(g, dtype=np.int64)
    t = np.ascontiguousarray(t, dtype=np.int64)
    if distinct and len(o):
        codes = np.asarray(o)
        if codes.dtype.kind not in "iu" or codes.min() < 0 or codes.max() > 4 * len(codes) + 1024:
            codes = np.unique(codes, return_inverse=True)[1]
        o = np.ascontiguousarray(codes, dtype=np.int64)
        n_values = int(o.max()) + 1
    else:
        o = np.zeros(len(g), dtype=np.int64)
        n_values = 1
    return _forward(g, t, o, np.int64(w), n_values, distinct)


def max_forward_distinct(
    g: np.ndarray, t: np.ndarray, o: np.ndarray, w: int, order: np.ndarray | None = None
) -> np.ndarray:
    """Per group (codes ``0..max(g)``), the most distinct values of ``o`` in any forward window
    [t_i, t_i + w] of its items; ``g``, ``t``, ``o`` in any order (``order``, if known, sorts
    them by group, then time)."""
    if len(g) == 0:
        return np.zeros(0, dtype=np.int64)
    if order is None:
        order = np.lexsort((t, g))
    gs = g[order]
    _, _, k = forward_counts(gs, t[order], o[order], w, distinct=True)
    starts = np.flatnonzero(np.r_[True, gs[1:] != gs[:-1]])
    best = np.zeros(int(gs[-1]) + 1, dtype=np.int64)
    best[gs[starts]] = np.maximum.reduceat(k, starts)
    return best


@numba.njit(cache=True, nogil=True)
def _backward(acct, us, other, amount, inbound, w, n_values, dest):  # pragma: no cover
    n = len(acct)
    count = np.zeros((2, n), np.float32)  # counts: exact in float32 up to 2**24
    total = np.zeros((2, n), np.float64)
    top = np.zeros((2, n), np.float64)
    fan = np.zeros((2, n), np.float32)
    cnt = np.zeros((2, n_values), np.int32)
    dq = np.empty((2, n), np.int64)  # monotonic deques (indices, amounts decreasing)
    a = 0
    while a < n:
        b = a
        while b < n and acct[b] == acct[a]:
            b += 1
        lo = a
        hi = a
        c_n = np.zeros(2, np.int64)
        c_s = np.zeros(2, np.float64)
        c_f = np.zeros(2, np.int64)
        head = np.zeros(2, np.int64)
        tail = np.zeros(2, np.int64)
        head[0] = a
        tail[0] = a
        head[1] = a
        tail[1] = a
        j = a
        while j < b:
            p = j
            while p < b and us[p] == us[j]:
                p += 1
            while hi < p:
                d = inbound[hi]
                c_n[d] += 1
                c_s[d] += amount[hi]
                c = cnt[d, other[hi]] + 1
                cnt[d, other[hi]] = c
                if c == 1:
                    c_f[d] += 1
                while tail[d] > head[d] and amount[dq[d, tail[d] - 1]] <= amount[hi]:
                    tail[d] -= 1
                dq[d, tail[d]] = hi
                tail[d] += 1
                hi += 1
            lim = us[j] - w
            while lo < hi and us[lo] < lim:
                d = inbound[lo]
                c_n[d] -= 1
                c_s[d] -= amount[lo]
                c = cnt[d, other[lo]] - 1
                cnt[d, other[lo]] = c
                if c == 0:
                    c_f[d] -= 1
                if tail[d] > head[d] and dq[d, head[d]] == lo:
                    head[d] += 1
                lo += 1
            for d in range(2):
                for q in range(j, p):
                    x = dest[q]
                    count[d, x] = c_n[d]
                    fan[d, x] = c_f[d]
                    if c_n[d] > 0:
                        total[d, x] = c_s[d]
                        top[d, x] = amount[dq[d, head[d]]]
            j = p
        while lo < hi:
            cnt[inbound[lo], other[lo]] -= 1
            lo += 1
        a = b
    return count, total, top, fan


def backward_stats(
    acct: np.ndarray,
    us: np.ndarray,
    other: np.ndarray,
    amount: np.ndarray,
    inbound: np.ndarray,
    w: int,
    dest: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Backward windows [t_i - w, t_i] of account events sorted by (``acct``, ``us``).

    Each event is a payment seen from one account: ``other`` is the counterparty (a code
    ``0..``), ``inbound`` 0 for a payment made, 1 for one received. Returns four arrays of shape
    (2, n), indexed by direction (0 made, 1 received): the number of payments, their total, the
    largest amount (0 when none) and the distinct counterparties, over the account's events in
    the window (the event itself and any at the same time included). With ``dest`` (a
    permutation), event i's results are written at position ``dest[i]``.
    """
    if dest is None:
        dest = np.arange(len(acct))
    return _backward(
        np.ascontiguousarray(acct, dtype=np.int64),
        np.ascontiguousarray(us, dtype=np.int64),
        np.ascontiguousarray(other, dtype=np.int64),
        np.ascontiguousarray(amount, dtype=np.float64),
        np.ascontiguousarray(inbound, dtype=np.int64),
        np.int64(w),
        int(other.max()) + 1 if len(other) else 1,
        np.ascontiguousarray(dest, dtype=np.int64),
    )


@numba.njit(cache=True, nogil=True, inline="always")
def _kept(received, paid, lo_cut):  # pragma: no cover - compiled
    """Whether paying on ``paid`` keeps the amount: lo_cut * received <= paid <= received
    (with a float tolerance)."""
    return paid >= received * lo_cut - 1e-9 and paid <= received * (1 + 1e-9)


@numba.njit(cache=True, nogil=True)
def _relay(  # pragma: no cover - compiled
    s, t, us, k, amt, hold, lo_cut, band, time_order, sorted_by, nxt, prv, r0, r1
):
    out_o, in_o, out_ptr, in_ptr, k_out, k_in, us_out, us_in = sorted_by
    for i in range(r0, r1):
        a = t[i]  # the payee, paying on
        lo = out_ptr[a]
        hi = out_ptr[a + 1]
        if lo == hi:
            continue
        best = -1
        if time_order:
            p = lo + np.searchsorted(k_out[lo:hi], k[i], "right")
            while p < hi:
                j = out_o[p]
                if us[j] > us[i] + hold:
                    break
                if not band or _kept(amt[i], amt[j], lo_cut):
                    best = j
                    break
                p += 1
        else:
            best_gap = np.int64(0)
            p = lo + np.searchsorted(us_out[lo:hi], us[i] - hold, "left")
            while p < hi and us_out[p] <= us[i] + hold:
                j = out_o[p]
                p += 1
                gap = abs(us[j] - us[i])
                if band and not _kept(amt[i], amt[j], lo_cut):
                    continue
                if best < 0 or gap < best_gap or (gap == best_gap and k[j] < k[best]):
                    best = j
                    best_gap = gap
        nxt[i] = best
    for j in range(r0, r1):
        a = s[j]  # the payer, paid before
        lo = in_ptr[a]
        hi = in_ptr[a + 1]
        if lo == hi:
            continue
        best = -1
        if time_order:
            p = lo + np.searchsorted(k_in[lo:hi], k[j], "left") - 1
            while p >= lo:
                i = in_o[p]
                if us[j] > us[i] + hold:
                    break
                if not band or _kept(amt[i], amt[j], lo_cut):
                    best = i
                    break
                p -= 1
        else:
            best_gap = np.int64(0)
            p = lo + np.searchsorted(us_in[lo:hi], us[j] - hold, "left")
            while p < hi and us_in[p] <= us[j] + hold:
                i = in_o[p]
                p += 1
                gap = abs(us[j] - us[i])
                if band and not _kept(amt[i], amt[j], lo_cut):
                    continue
                if best < 0 or gap < best_gap or (gap == best_gap and k[i] < k[best]):
                    best = i
                    best_gap = gap
        prv[j] = best


def relay_links(
    s: np.ndarray,
    t: np.ndarray,
    us: np.ndarray,
    rank: np.ndarray,
    amount: np.ndarray,
    hold: int,
    max_cut: float | None,
    time_order: bool,
) -> np.ndarray:
    """Mutual-nearest relays among payments: ``nxt[i]`` is the payment j of i's payee that passes
    i on (or -1).

    With ``time_order``: j is the payee's first payment after i (by ``rank``, the time order
    with ties broken) within ``hold``, and i is the payer of j's last receipt before j meeting
    the same conditions. Without: nearest in time either way (``|t_j - t_i| <= hold``), ties by
    rank. With ``max_cut``: only pairs with ``(1 - max_cut) * amount_i <= amount_j <=
    amount_i`` count.
    """
    if len(s) == 0:
        return np.zeros(0, dtype=np.int64)
    s = np.ascontiguousarray(s, dtype=np.int64)
    t = np.ascontiguousarray(t, dtype=np.int64)
    rank = np.ascontiguousarray(rank, dtype=np.int64)
    span = int(rank.max()) + 1
    us = np.ascontiguousarray(us, dtype=np.int64)
    out_o = np.argsort(s * span + rank)  # payments made, by payer, then time
    in_o = np.argsort(t * span + rank)  # payments received, by payee, then time
    accounts = np.arange(int(max(s.max(), t.max())) + 2)
    sorted_by = (
        out_o,
        in_o,
        np.searchsorted(s[out_o], accounts),  # payer a's payments: [ptr[a], ptr[a + 1])
        np.searchsorted(t[in_o], accounts),
        rank[out_o],
        rank[in_o],
        us[out_o],
        us[in_o],
    )
    m = len(s)
    nxt = np.full(m, -1, dtype=np.int64)
    prv = np.full(m, -1, dtype=np.int64)
    args = (
        s,
        t,
        us,
        rank,
        np.ascontiguousarray(amount, dtype=np.float64),
        np.int64(hold),
        1.0 - (max_cut or 0.0),
        max_cut is not None,
        time_order,
        sorted_by,
        nxt,
        prv,
    )
    cuts = np.linspace(0, m, cores() + 1).astype(np.int64).tolist()
    with ThreadPoolExecutor(max_workers=cores()) as pool:  # each fills its own rows
        list(pool.map(lambda ab: _relay(*args, ab[0], ab[1]), pairwise(cuts)))
    linked = np.flatnonzero(nxt >= 0)
    nxt[linked[prv[nxt[linked]] != linked]] = -1  # keep mutual choices only
    return nxt


@numba.njit(cache=True, nogil=True)
def _acts(actor, who, ts, w, n_acc, order):  # pragma: no cover - compiled
    times = ts[order]
    ptr = np.searchsorted(actor[order], np.arange(n_acc + 1))
    out = np.zeros(len(who), np.bool_)
    for i in range(len(who)):
        a = who[i]
        lo = ptr[a]
        hi = ptr[a + 1]
        if lo == hi:
            continue
        p = lo + np.searchsorted(times[lo:hi], ts[i] - w, "left")
        out[i] = p < hi and times[p] <= ts[i] + w
    return out


def acts_within(
    actor: np.ndarray,
    who: np.ndarray,
    ts: np.ndarray,
    w: int,
    rank: np.ndarray | None = None,
) -> np.ndarray:
    """For each item i: does account ``who[i]`` occur in ``actor`` at a time within
    [ts[i] - w, ts[i] + w]? (Account codes non-negative, times in microseconds; ``rank``, if
    given, non-negative integers in the order of ``ts``, makes the sort cheaper.)"""
    if len(ts) == 0:
        return np.zeros(0, dtype=bool)
    actor = np.ascontiguousarray(actor, dtype=np.int64)
    who = np.ascontiguousarray(who, dtype=np.int64)
    n_acc = int(max(actor.max(), who.max())) + 1
    if n_acc > 4 * len(ts) + 1024:  # sparse codes: renumber them densely
        codes = np.unique(np.concatenate([actor, who]), return_inverse=True)[1]
        actor, who = codes[: len(actor)], codes[len(actor) :]
        n_acc = int(codes.max()) + 1
    if rank is not None and n_acc * (int(rank.max()) + 1) < 2**62:
        order = np.argsort(actor * (int(rank.max()) + 1) + rank)  # by account, then time
    else:
        order = np.lexsort((ts, actor))
    return _acts(actor, who, np.ascontiguousarray(ts, dtype=np.int64), np.int64(w), n_acc, order)


@numba.njit(cache=True)
def _grow(a, size):  # pragma: no cover - compiled
    if size < len(a):
        return a
    b = np.empty(max(2 * len(a), size + 1), a.dtype)
    b[: len(a)] = a
    return b


@numba.njit(cache=True, nogil=True)
def _through(  # pragma: no cover - compiled
    ep1, v, m1, t1, ep2, u, m2, t2, gptr, w, back, allow_return, min_mid, jpos
):
    size = len(ep1)
    cap = 1024
    l_ep2 = np.empty(cap, np.int64)
    l_m = np.empty(cap, np.int64)
    l_i = np.empty(cap, np.int64)
    l_j = np.empty(cap, np.int64)
    o_g1 = np.empty(cap, np.int64)
    o_i = np.empty(cap, np.int64)
    o_g2 = np.empty(cap, np.int64)
    o_j = np.empty(cap, np.int64)
    h_i = np.empty(cap, np.int64)
    h_j = np.empty(cap, np.int64)
    n1 = 0
    n2 = 0
    n_grp = 0
    a = 0
    span = m2.max() + 2 if len(m2) else 1
    while a < size:
        b = a
        while b < size and ep1[b] == ep1[a]:
            b += 1
        k = 0
        for i in range(a, b):
            mm = m1[i]
            if mm + 1 >= len(gptr):
                continue
            lo = gptr[mm]
            hi = gptr[mm + 1]
            if lo == hi:
                continue
            p = lo + np.searchsorted(t2[lo:hi], t1[i] - back, "left")
            while p < hi and t2[p] <= t1[i] + w:
                if allow_return or u[p] != v[i]:
                    if k == len(l_ep2):
                        l_ep2 = _grow(l_ep2, k)
                        l_m = _grow(l_m, k)
                        l_i = _grow(l_i, k)
                        l_j = _grow(l_j, k)
                    l_ep2[k] = ep2[p]
                    l_m[k] = mm
                    l_i[k] = i
                    l_j[k] = p
                    k += 1
                p += 1
        if k:
            order = np.argsort(l_ep2[:k] * span + l_m[:k])
            g = 0
            while g < k:
                h = g
                distinct = 0
                last = -1
                while h < k and l_ep2[order[h]] == l_ep2[order[g]]:
                    if l_m[order[h]] != last:
                        distinct += 1
                        last = l_m[order[h]]
                    h += 1
                if distinct >= min_mid:
                    ii = np.unique(l_i[order[g:h]])  # first payments, in time order
                    jj = np.unique(jpos[l_j[order[g:h]]])  # second payments, in time order
                    if n1 + len(ii) > len(o_i):
                        o_i = _grow(o_i, n1 + len(ii))
                        o_g1 = _grow(o_g1, n1 + len(ii))
                    if n2 + len(jj) > len(o_j):
                        o_j = _grow(o_j, n2 + len(jj))
                        o_g2 = _grow(o_g2, n2 + len(jj))
                    if n_grp == len(h_i):
                        h_i = _grow(h_i, n_grp)
                        h_j = _grow(h_j, n_grp)
                    for x in ii:
                        o_i[n1] = x
                        o_g1[n1] = n_grp
                        n1 += 1
                    for x in jj:
                        o_j[n2] = x
                        o_g2[n2] = n_grp
                        n2 += 1
                    h_i[n_grp] = ii[0]
                    h_j[n_grp] = jj[0]
                    n_grp += 1
                g = h
        a = b
    return o_g1[:n1], o_i[:n1], o_g2[:n2], o_j[:n2], h_i[:n_grp], h_j[:n_grp]


def paths_through(
    ep1: np.ndarray,
    v: np.ndarray,
    m1: np.ndarray,
    t1: np.ndarray,
    ep2: np.ndarray,
    u: np.ndarray,
    m2: np.ndarray,
    t2: np.ndarray,
    w: int,
    *,
    time_order: bool,
    allow_return: bool,
    min_mid: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pairs of episodes joined by two-payment paths v -> m -> u.

    A first set of payments (grouped by episode ``ep1``, sorted by it, in time order within
    each episode) and a second (episode ``ep2``, in time order within each) are joined through
    the same middle account (``m1 == m2``), with t1 <= t2 <= t1 + w (without ``time_order``:
    |t2 - t1| <= w) and u != v unless ``allow_return``. A pair of episodes is kept when its
    paths pass through at least ``min_mid`` distinct middle accounts.

    Returns, for the kept pairs numbered 0.. in order of (first, second) episode: ``g1, i``
    (the pair of each first-set payment on its paths, and its position, in time order within
    each pair), ``g2, j`` (the same for the second set) and ``head1, head2`` (one position of
    each pair in either set, to read its episodes and end accounts).
    """
    empty = np.zeros(0, dtype=np.int64)
    if len(ep1) == 0 or len(ep2) == 0:
        return empty, empty, empty, empty, empty, empty
    m2 = np.asarray(m2, dtype=np.int64)
    order = np.lexsort((np.asarray(t2), m2))
    gptr = np.searchsorted(m2[order], np.arange(int(max(m2.max(), m1.max())) + 2))
    ep1 = np.ascontiguousarray(ep1, dtype=np.int64)
    v = np.ascontiguousarray(v, dtype=np.int64)
    m1 = np.ascontiguousarray(m1, dtype=np.int64)
    t1 = np.ascontiguousarray(t1, dtype=np.int64)
    second = (
        np.ascontiguousarray(np.asarray(ep2)[order], dtype=np.int64),
        np.ascontiguousarray(np.asarray(u)[order], dtype=np.int64),
        np.ascontiguousarray(m2[order], dtype=np.int64),
        np.ascontiguousarray(np.asarray(t2)[order], dtype=np.int64),
        gptr,
        np.int64(w),
        np.int64(0 if time_order else w),
        allow_return,
        np.int64(min_mid),
        np.ascontiguousarray(order, dtype=np.int64),
    )

    def part(bounds: tuple[int, int]) -> tuple[np.ndarray, ...]:
        a, b = bounds
        g1, i, g2, j, h1, h2 = _through(ep1[a:b], v[a:b], m1[a:b], t1[a:b], *second)
        return g1, i + a, g2, j, h1 + a, h2

    # first episodes are independent: cut them into one run per core, at episode boundaries
    cuts = np.searchsorted(ep1, ep1[np.linspace(0, len(ep1) - 1, cores() + 1).astype(np.int64)])
    cuts[-1] = len(ep1)
    spans = [(int(a), int(b)) for a, b in pairwise(cuts.tolist()) if b > a]
    with ThreadPoolExecutor(max_workers=len(spans)) as pool:
        found = list(pool.map(part, spans))
    offsets = np.cumsum([0] + [len(f[4]) for f in found[:-1]]).tolist()  # pairs before each run
    return (
        np.concatenate([f[0] + off for f, off in zip(found, offsets, strict=True)]),
        np.concatenate([f[1] for f in found]),
        np.concatenate([f[2] + off for f, off in zip(found, offsets, strict=True)]),
        np.concatenate([f[3] for f in found]),
        np.concatenate([f[4] for f in found]),
        np.concatenate([f[5] for f in found]),
    )


def cores() -> int:
    """Cores this process may use (the compiled loops release the interpreter lock)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@numba.njit(cache=True, nogil=True)
def _segments(heads, nxt, s, t, simple, n_acc):  # pragma: no cover - compiled
    n = len(nxt)
    seg = np.empty(n, np.int64)
    rows = np.empty(n, np.int64)
    mark = np.full(n_acc, -1, np.int64)  # account -> the segment that has it (simple paths)
    k = 0
    cur = -1
    for h in heads:
        cur += 1
        first = s[h]
        mark[first] = cur
        r = h
        size = 0
        while r >= 0:
            a = t[r]
            cut = (mark[a] == cur) if simple else (a == first)
            if cut and size > 0:
                cur += 1
                first = s[r]
                mark[first] = cur
                size = 0
            mark[a] = cur
            seg[k] = cur
            rows[k] = r
            k += 1
            size += 1
            r = nxt[r]
    return seg[:k], rows[:k]


def walk_segments(
    heads: np.ndarray, nxt: np.ndarray, s: np.ndarray, t: np.ndarray, *, simple: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Follow ``nxt`` from each head and cut the walk where it pays back its first account
    (``simple``: any account already on the segment). Returns the segment of each payment
    visited (numbered in order) and the payment, in walk order."""
    if len(heads) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    n_acc = int(max(s.max(), t.max())) + 1
    return _segments(
        np.ascontiguousarray(heads, dtype=np.int64),
        np.ascontiguousarray(nxt, dtype=np.int64),
        np.ascontiguousarray(s, dtype=np.int64),
        np.ascontiguousarray(t, dtype=np.int64),
        simple,
        n_acc,
    )
