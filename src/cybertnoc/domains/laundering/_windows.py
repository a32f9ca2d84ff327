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

import numba
import numpy as np

__all__ = ["backward_stats", "forward_counts", "max_forward_distinct", "relay_links"]


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


def max_forward_distinct(g: np.ndarray, t: np.ndarray, o: np.ndarray, w: int) -> np.ndarray:
    """Per group (codes ``0..max(g)``), the most distinct values of ``o`` in any forward window
    [t_i, t_i + w] of its items; ``g``, ``t``, ``o`` in any order."""
    if len(g) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((t, g))
    _, _, k = forward_counts(g[order], t[order], o[order], w, distinct=True)
    best = np.zeros(int(g.max()) + 1, dtype=np.int64)
    np.maximum.at(best, g[order], k)
    return best


@numba.njit(cache=True, nogil=True)
def _backward(acct, us, other, amount, inbound, w, n_values):  # pragma: no cover - compiled
    n = len(acct)
    count = np.zeros((2, n), np.float64)
    total = np.zeros((2, n), np.float64)
    top = np.zeros((2, n), np.float64)
    fan = np.zeros((2, n), np.float64)
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
                    count[d, q] = c_n[d]
                    fan[d, q] = c_f[d]
                    if c_n[d] > 0:
                        total[d, q] = c_s[d]
                        top[d, q] = amount[dq[d, head[d]]]
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
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Backward windows [t_i - w, t_i] of account events sorted by (``acct``, ``us``).

    Each event is a payment seen from one account: ``other`` is the counterparty (a code
    ``0..``), ``inbound`` 0 for a payment made, 1 for one received. Returns four arrays of shape
    (2, n), indexed by direction (0 made, 1 received): the number of payments, their total, the
    largest amount (0 when none) and the distinct counterparties, over the account's events in
    the window (the event itself and any at the same time included).
    """
    return _backward(
        np.ascontiguousarray(acct, dtype=np.int64),
        np.ascontiguousarray(us, dtype=np.int64),
        np.ascontiguousarray(other, dtype=np.int64),
        np.ascontiguousarray(amount, dtype=np.float64),
        np.ascontiguousarray(inbound, dtype=np.int64),
        np.int64(w),
        int(other.max()) + 1 if len(other) else 1,
    )


@numba.njit(cache=True, nogil=True)
def _relay(s, t, us, k, amt, hold, lo_cut, band, time_order):  # pragma: no cover - compiled
    m = len(s)
    span = k.max() + 1
    out_o = np.argsort(s * span + k, kind="mergesort")  # payments made, by payer then rank
    in_o = np.argsort(t * span + k, kind="mergesort")  # payments received, by payee then rank
    s_sorted = s[out_o]
    t_sorted = t[in_o]
    k_out = k[out_o]
    k_in = k[in_o]
    us_out = us[out_o]
    us_in = us[in_o]
    nxt = np.full(m, -1, np.int64)
    prv = np.full(m, -1, np.int64)
    for i in range(m):
        a = t[i]  # the payee, paying on
        lo = np.searchsorted(s_sorted, a, "left")
        hi = np.searchsorted(s_sorted, a, "right")
        if lo == hi:
            continue
        best = -1
        if time_order:
            p = lo + np.searchsorted(k_out[lo:hi], k[i], "right")
            while p < hi:
                j = out_o[p]
                if us[j] > us[i] + hold:
                    break
                if not band or (amt[j] >= amt[i] * lo_cut - 1e-9 and amt[j] <= amt[i] * (1 + 1e-9)):
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
                if band and not (
                    amt[j] >= amt[i] * lo_cut - 1e-9 and amt[j] <= amt[i] * (1 + 1e-9)
                ):
                    continue
                if best < 0 or gap < best_gap or (gap == best_gap and k[j] < k[best]):
                    best = j
                    best_gap = gap
        nxt[i] = best
    for j in range(m):
        a = s[j]  # the payer, paid before
        lo = np.searchsorted(t_sorted, a, "left")
        hi = np.searchsorted(t_sorted, a, "right")
        if lo == hi:
            continue
        best = -1
        if time_order:
            p = lo + np.searchsorted(k_in[lo:hi], k[j], "left") - 1
            while p >= lo:
                i = in_o[p]
                if us[j] > us[i] + hold:
                    break
                if not band or (amt[j] >= amt[i] * lo_cut - 1e-9 and amt[j] <= amt[i] * (1 + 1e-9)):
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
                if band and not (
                    amt[j] >= amt[i] * lo_cut - 1e-9 and amt[j] <= amt[i] * (1 + 1e-9)
                ):
                    continue
                if best < 0 or gap < best_gap or (gap == best_gap and k[i] < k[best]):
                    best = i
                    best_gap = gap
        prv[j] = best
    for i in range(m):
        if nxt[i] >= 0 and prv[nxt[i]] != i:
            nxt[i] = -1
    return nxt


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
    return _relay(
        np.ascontiguousarray(s, dtype=np.int64),
        np.ascontiguousarray(t, dtype=np.int64),
        np.ascontiguousarray(us, dtype=np.int64),
        np.ascontiguousarray(rank, dtype=np.int64),
        np.ascontiguousarray(amount, dtype=np.float64),
        np.int64(hold),
        1.0 - (max_cut or 0.0),
        max_cut is not None,
        time_order,
    )
