"""Money-laundering typology rules: fans, gather/scatter, cycles, bipartite, stack, layering.

Explainable rules, not machine learning: each match says which accounts and transactions made it
and why, in words an analyst can check against the ledger. The graph typologies (fan-out,
fan-in, gather-scatter, scatter-gather, cycle, bipartite, stack, random) follow the definitions
of Altman et al. (2023, §3.2), used to plant laundering in the IBM AMLworld data sets, and
AMLSim's construction rules; chain layering is a random walk that keeps the amount (a mule
chain). Where the papers leave a detail open, each rule's docstring states the definition used.
Structuring (smurfing) has no formal definition there, so the one used here is stated in
:func:`detect_structuring`. Options documented in each rule (``definition="disjoint"`` and
``"layered"``, ``require_time_order=False``, ``allow_return``, ``self_transfers``,
``min_out_degree``) follow AMLworld's construction where it differs from AMLSim's; the defaults
do not use them.

**A match is an indicator for an analyst to review, not evidence of laundering.** Payroll, bill
payment, marketplaces and family transfers produce the same shapes.

Input
-----
A transactions table with one row per transfer and the columns ``tx_id`` (unique), ``source``
and ``target`` (account ids, any hashable values, compared as given), ``amount`` (numeric, in one
currency: convert first) and ``timestamp`` (pandas ``datetime64``, naive or timezone-aware; aware
timestamps are compared in UTC). Rows with a missing source, target or timestamp are skipped,
self-transfers (source equal to target) are ignored by every rule (gather-scatter can count
them: ``self_transfers``), and both are logged.

Output
------
Every detector returns one row per match with the columns of :data:`RESULT_COLUMNS`:
``typology``, ``pattern_id`` (a content hash: the same transactions always give the same id,
whatever else is in the table), ``accounts`` (list; the central account first), ``tx_ids``
(list, in time order), ``amount_total`` (sum of their amounts), ``start`` and ``end`` (first and
last timestamp) and ``rule`` (a sentence saying why it matched). Rows are sorted by ``start``,
then ``pattern_id``.

Windows
-------
A window is a time span (``"7D"``, ``"48h"``, a :class:`pandas.Timedelta`). "Within a window"
means between some transaction's time ``t`` and ``t + window``, both included (a SQL ``RANGE``
window: every payment at the same time counts). Windowed counts are computed in compiled
sliding-window loops (:mod:`cybertnoc.domains.laundering._windows`, numba: one pass per account,
whatever the window holds), so the rules scale to millions of transactions. Overlapping
qualifying windows of the same account are merged into one match (an *episode*), which can
therefore span more than one window.

References
----------
.. [1] Altman, E., Blanuša, J., von Niederhäusern, L., Egressy, B., Anghel, A. & Atasu, K. (2023).
   Realistic Synthetic Financial Transactions for Anti-Money Laundering Models. NeurIPS 2023
   Datasets and Benchmarks. arXiv:2306.16424.
.. [2] Suzumura, T. & Kanezashi, H. (2021). Anti-Money Laundering Datasets: InPlusLab AML
   Datasets (AMLSim). https://github.com/IBM/AMLSim
.. [3] Kumar, R. & Calders, T. (2018). 2SCENT: an efficient algorithm for enumerating all simple
   temporal cycles. Proceedings of the VLDB Endowment 11(11), 1441-1453.
.. [4] Tarjan, R. (1972). Depth-first search and linear graph algorithms. SIAM Journal on
   Computing 1(2), 146-160.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import logging
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import scipy.sparse
import scipy.sparse.csgraph

from cybertnoc.domains.laundering._windows import (
    acts_within,
    distinct,
    forward_counts,
    max_forward_distinct,
    paths_through,
    paused_gc,
    relay_links,
    walk_segments,
)
from cybertnoc.errors import InvalidValue

__all__ = [
    "REQUIRED_COLUMNS",
    "RESULT_COLUMNS",
    "TYPOLOGIES",
    "detect_all",
    "detect_bipartite",
    "detect_chain_layering",
    "detect_cycles",
    "detect_fan_in",
    "detect_fan_out",
    "detect_gather_scatter",
    "detect_random_layering",
    "detect_scatter_gather",
    "detect_stack",
    "detect_structuring",
]

logger = logging.getLogger(__name__)

#: Columns a transactions table must have.
REQUIRED_COLUMNS = ("tx_id", "source", "target", "amount", "timestamp")
#: Columns of every detector's result.
RESULT_COLUMNS = (
    "typology",
    "pattern_id",
    "accounts",
    "tx_ids",
    "amount_total",
    "start",
    "end",
    "rule",
)
#: Typology names, in the order :func:`detect_all` runs them.
TYPOLOGIES = (
    "fan_out",
    "fan_in",
    "gather_scatter",
    "scatter_gather",
    "cycle",
    "structuring",
    "bipartite",
    "stack",
    "random",
    "chain",
)
_PREFIX = {
    "fan_out": "FO",
    "fan_in": "FI",
    "gather_scatter": "GS",
    "scatter_gather": "SG",
    "cycle": "CY",
    "structuring": "ST",
    "bipartite": "BP",
    "stack": "SK",
    "random": "RL",
    "chain": "CL",
}


# --------------------------------------------------------------------------------------------
# Input handling
# --------------------------------------------------------------------------------------------
class _Tx:
    """A validated transactions table as arrays, with integer account codes."""

    def __init__(self, tx: pd.DataFrame, self_transfers: bool = False) -> None:
        if not isinstance(tx, pd.DataFrame):
            raise InvalidValue(type(tx).__name__, "a pandas DataFrame of transactions")
        missing = [c for c in REQUIRED_COLUMNS if c not in tx.columns]
        if missing:
            raise InvalidValue(
                missing,
                f"present in the transactions table (required: {', '.join(REQUIRED_COLUMNS)}; "
                f"found: {', '.join(map(str, tx.columns))})",
                "Rename the columns, e.g. tx.rename(columns={'from': 'source', 'to': 'target'}).",
            )
        ts = tx["timestamp"]
        if not pd.api.types.is_datetime64_any_dtype(ts):
            raise InvalidValue(
                str(ts.dtype),
                "a datetime64 dtype for column 'timestamp'",
                "Convert it with pandas.to_datetime(tx['timestamp']).",
            )
        if not pd.api.types.is_numeric_dtype(tx["amount"]):
            raise InvalidValue(
                str(tx["amount"].dtype),
                "a numeric dtype for column 'amount'",
                "Convert it with pandas.to_numeric(tx['amount']).",
            )
        ids = tx["tx_id"]
        if ids.isna().any() or ids.duplicated().any():
            dup = ids[ids.duplicated(keep=False) | ids.isna()].unique()[:5].tolist()
            raise InvalidValue(
                dup,
                "unique, non-missing transaction ids in column 'tx_id'",
                "Every transaction needs its own id so that matches can be traced back.",
            )
        if isinstance(ts.dtype, pd.DatetimeTZDtype):
            ts = ts.dt.tz_convert("UTC").dt.tz_localize(None)
        keep = (tx["source"].notna() & tx["target"].notna() & ts.notna()).to_numpy()
        if not keep.all():
            logger.info("skipped %d transaction(s) with a missing account or time", (~keep).sum())
        loops = keep & (tx["source"] == tx["target"]).to_numpy()
        if loops.any() and not self_transfers:
            logger.info("ignored %d self-transfer(s)", int(loops.sum()))
            keep = keep & ~loops
        self.table = tx
        self.self_transfers = self_transfers
        frame = tx[keep]
        codes, uniques = pd.factorize(
            pd.concat([frame["source"], frame["target"]], ignore_index=True)
        )
        self.accounts: list[Any] = uniques.tolist()
        n = len(frame)
        self.n = n
        self.s = codes[:n].astype(np.int64)
        self.t = codes[n:].astype(np.int64)
        self.ts = ts[keep].astype("datetime64[us]").to_numpy()
        self.us = self.ts.astype(np.int64)  # microseconds since the epoch
        self.amount = frame["amount"].to_numpy(dtype=float)
        self.tx_id = frame["tx_id"].to_numpy()
        self.cache: dict[tuple[Any, ...], pd.DataFrame] = {}

    @functools.cached_property
    def rank(self) -> np.ndarray:
        """Each row's place in time order, ties by input order."""
        rank = np.empty(self.n, dtype=np.int64)
        rank[self.by_rank] = np.arange(self.n)
        return rank

    @classmethod
    def of(cls, tx: pd.DataFrame | _Tx) -> _Tx:
        """Validate a table once; :func:`detect_all` passes the result to every rule."""
        return tx if isinstance(tx, _Tx) else cls(tx)

    def account(self, code: int) -> Any:
        return self.accounts[code]

    @functools.cached_property
    def names(self) -> np.ndarray:
        """Account ids by code, as an object array (for taking many at once)."""
        names = np.empty(len(self.accounts), dtype=object)
        names[:] = self.accounts
        return names

    def grouped(self, side: str) -> np.ndarray:
        """All rows ordered by payer (``side="s"``) or payee (``"t"``), then time, ties by
        input order (computed once per side; several rules' sliding windows share it)."""
        key = ("grouped", side)
        if key not in self.cache:
            g = self.s if side == "s" else self.t
            self.cache[key] = np.argsort(g * max(self.n, 1) + self.rank)  # type: ignore[assignment]
        return self.cache[key]  # type: ignore[return-value]

    @functools.cached_property
    def by_rank(self) -> np.ndarray:
        """Rows in time order, ties by input order (the inverse of :attr:`rank`)."""
        return np.lexsort((np.arange(self.n), self.us))

    def with_self_transfers(self) -> _Tx:
        """The same table with its self-transfers kept (for the rules that can count them)."""
        if self.self_transfers:
            return self
        key = ("self_transfers",)
        if key not in self.cache:
            self.cache[key] = _Tx(self.table, self_transfers=True)  # type: ignore[assignment]
        return self.cache[key]  # type: ignore[return-value]


def _window(window: str | pd.Timedelta) -> pd.Timedelta:
    try:
        w = pd.Timedelta(window)
    except (ValueError, TypeError) as exc:
        raise InvalidValue(window, "a time span such as '7D', '48h' or a pandas Timedelta") from exc
    if pd.isna(w) or w <= pd.Timedelta(0):
        raise InvalidValue(window, "a positive time span")
    return w


def _positive_int(value: int, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise InvalidValue(value, f"an integer >= {minimum} for {name}")
    return int(value)


def _us(w: pd.Timedelta) -> int:
    return int(w / pd.Timedelta(microseconds=1))


def _span(w: pd.Timedelta) -> str:
    """'7 days', '48 hours', '90 minutes' for rule texts."""
    seconds = int(w.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0 and seconds >= size:
            k = seconds // size
            return f"{k} {unit}{'s' if k != 1 else ''}"
    return str(w)


def _when(t: np.datetime64) -> str:
    return str(np.datetime64(t, "m")).replace("T", " ")


def _whens(us: np.ndarray) -> list[str]:
    """:func:`_when` of many times (microseconds since the epoch) at once."""
    text = np.datetime_as_string(np.asarray(us, dtype="datetime64[us]"), unit="m")
    return [x.replace("T", " ") for x in text.tolist()]


def _money(x: float) -> str:
    return f"{x:,.2f}"


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in RESULT_COLUMNS}).astype(
        {"amount_total": float, "start": "datetime64[us]", "end": "datetime64[us]"}
    )


def _pattern_id(typology: str, variant: str, tx_ids: list[Any]) -> str:
    text = f"{typology}|{variant}|" + "\x1f".join(sorted(map(str, tx_ids)))
    return f"{_PREFIX[typology]}-{hashlib.blake2b(text.encode(), digest_size=8).hexdigest()}"


def _finish(rows: list[dict[str, Any]]) -> pd.DataFrame:
    if not rows:
        return _empty()
    out = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    out["start"] = out["start"].astype("datetime64[us]")
    out["end"] = out["end"].astype("datetime64[us]")
    out["amount_total"] = out["amount_total"].astype(float)
    out = out.drop_duplicates("pattern_id")
    return out.sort_values(["start", "pattern_id"], kind="stable").reset_index(drop=True)


def _sorted_rows(data: _Tx, rows: np.ndarray) -> np.ndarray:
    """Rows (indices into ``data``) in time order, ties by input order, each once."""
    pairs = sorted(set(zip(data.us[rows].tolist(), rows.tolist(), strict=True)))
    return np.fromiter((r for _, r in pairs), dtype=np.int64, count=len(pairs))


def _frame(
    typology: str,
    ids: list[list[Any]],
    accounts: list[list[Any]],
    amount: np.ndarray,
    start_us: np.ndarray,
    end_us: np.ndarray,
    rules: list[str],
) -> pd.DataFrame:
    """Matches given column by column (the vectorised rules' :func:`_finish`)."""
    if not ids:
        return _empty()
    out = pd.DataFrame(
        {
            "typology": typology,
            "pattern_id": [_pattern_id(typology, "", x) for x in ids],
            "accounts": accounts,
            "tx_ids": ids,
            "amount_total": np.asarray(amount, dtype=float),
            "start": np.asarray(start_us, dtype=np.int64).astype("datetime64[us]"),
            "end": np.asarray(end_us, dtype=np.int64).astype("datetime64[us]"),
            "rule": rules,
        },
        columns=list(RESULT_COLUMNS),
    )
    out = out.drop_duplicates("pattern_id")
    return out.sort_values(["start", "pattern_id"], kind="stable").reset_index(drop=True)


# Matches as flat arrays: ``match`` (sorted, 0..m-1) and one item per element. These run once
# per rule over every match instead of once per match, which matters when a rule raises
# hundreds of thousands of matches.
def _flat_rows(data: _Tx, match: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each match's rows once, in time order (ties by input order): sorted ``match``, rows."""
    n = max(data.n, 1)
    key = np.sort(match.astype(np.int64) * n + data.rank[rows])
    key = key[np.r_[True, key[1:] != key[:-1]]]
    return key // n, data.by_rank[key % n]


def _flat_unique(match: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each match's distinct ``values`` (non-negative codes) in order of first appearance;
    ``match`` sorted."""
    span = int(values.max()) + 1 if len(values) else 1
    key = match.astype(np.int64) * span + values
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    first = order[np.r_[True, ordered[1:] != ordered[:-1]]] if len(key) else order
    first.sort()
    return match[first], values[first]


def _side_times(
    data: _Tx, rows: np.ndarray, starts: np.ndarray, ends: np.ndarray
) -> tuple[list[str], list[str]]:
    """First and last time of each match's ``rows`` (flat, time order), for rule texts."""
    return _whens(data.us[rows[starts]]), _whens(data.us[rows[ends]])


def _starts(match: np.ndarray, m: int) -> np.ndarray:
    """Where each match 0..m-1 begins in the sorted ``match`` (every match has an item)."""
    return np.searchsorted(match, np.arange(m))


def _split(values: np.ndarray, starts: np.ndarray) -> list[list[Any]]:
    """Per-match Python lists of a flat array."""
    flat = values.tolist()
    bounds = [*starts.tolist(), len(flat)]
    return [flat[a:b] for a, b in pairwise(bounds)]


# --------------------------------------------------------------------------------------------
# Windowed episodes (shared by the fan rules and structuring)
# --------------------------------------------------------------------------------------------
def _episodes(
    data: _Tx,
    rows: np.ndarray,
    group: np.ndarray,
    other: np.ndarray,
    window: pd.Timedelta,
    min_count: int,
    *,
    distinct: bool,
) -> pd.DataFrame:
    """Merge the qualifying windows of each group into episodes.

    For every transaction i (among ``rows``) of group g, the window is [t_i, t_i + window]. It
    qualifies when it holds at least ``min_count`` transactions of g (``distinct``: at least
    ``min_count`` distinct values of ``other``). Overlapping qualifying windows of a group merge
    into one episode. Returns a frame ``episode, group, row`` with every transaction of every
    episode. O(n log n): one sort and one pass of a compiled sliding window.
    """
    return _window_episodes(
        group[rows], data.us[rows], other[rows], rows, window, min_count, distinct
    )


def _window_episodes(
    g: np.ndarray,
    t: np.ndarray,
    o: np.ndarray,
    rows: np.ndarray,
    window: pd.Timedelta,
    min_count: int,
    distinct: bool,
    order: np.ndarray | None = None,
) -> pd.DataFrame:
    """:func:`_episodes` on items given as arrays: group ``g``, time ``t`` (microseconds), the
    counted value ``o`` and the item id ``rows`` (returned in column ``row``); ``order``, if
    known, sorts the items by group, time and id."""
    if len(rows) == 0:
        return pd.DataFrame({"episode": [], "group": [], "row": []}, dtype=np.int64)
    if order is None:
        order = np.lexsort((rows, t, g))
    g, t, rows, o = g[order], t[order], rows[order], o[order]
    start, end, k = forward_counts(g, t, o, _us(window), distinct=distinct)
    qualifies = k >= min_count
    if not qualifies.any():
        return pd.DataFrame({"episode": [], "group": [], "row": []}, dtype=np.int64)
    qs, qe = start[qualifies], end[qualifies]
    # Starts and ends are non-decreasing in sorted order, and groups occupy disjoint ranges, so
    # a new episode begins exactly where a window starts at or after the previous one's end.
    new = np.ones(len(qs), dtype=bool)
    new[1:] = qs[1:] >= np.maximum.accumulate(qe)[:-1]
    ep_start = qs[new]
    ep_end = np.maximum.reduceat(qe, np.flatnonzero(new))
    lengths = ep_end - ep_start
    offsets = np.repeat(ep_start - (np.cumsum(lengths) - lengths), lengths)
    idx = np.arange(lengths.sum()) + offsets
    return pd.DataFrame(
        {
            "episode": np.repeat(np.arange(len(ep_start)), lengths),
            "group": g[idx],
            "row": rows[idx],
        }
    )


def _fan_episodes(data: _Tx, direction: str, min_degree: int, window: pd.Timedelta) -> pd.DataFrame:
    """Fan-out (``direction="out"``) or fan-in episodes, cached on ``data``."""
    key = ("fan", direction, min_degree, _us(window))
    if key not in data.cache:
        group, other = (data.s, data.t) if direction == "out" else (data.t, data.s)
        order = data.grouped("s" if direction == "out" else "t")
        data.cache[key] = _window_episodes(
            group, data.us, other, np.arange(data.n), window, min_degree, True, order=order
        )
    return data.cache[key]


def _group_lists(episodes: pd.DataFrame) -> list[tuple[int, int, np.ndarray]]:
    """(episode, group, rows) per episode, rows in time order."""
    if episodes.empty:
        return []
    ep = episodes["episode"].to_numpy()
    bounds = np.flatnonzero(np.r_[True, ep[1:] != ep[:-1]])
    groups = episodes["group"].to_numpy()[bounds]
    rows = np.split(episodes["row"].to_numpy(), bounds[1:])
    return list(zip(ep[bounds].tolist(), groups.tolist(), rows, strict=True))


def _ordered_unique(values: np.ndarray) -> list[int]:
    """Distinct values in order of first appearance."""
    return list(dict.fromkeys(values.tolist()))


# --------------------------------------------------------------------------------------------
# Fan-out, fan-in
# --------------------------------------------------------------------------------------------
def _fan(
    tx: pd.DataFrame, direction: str, min_degree: int, window: str | pd.Timedelta
) -> pd.DataFrame:
    min_degree = _positive_int(min_degree, "min_degree", 1)
    w = _window(window)
    data = _Tx.of(tx)
    typology = "fan_out" if direction == "out" else "fan_in"
    episodes = _fan_episodes(data, direction, min_degree, w)
    if episodes.empty:
        logger.info("%s: 0 match(es)", typology)
        return _empty()
    match = episodes["episode"].to_numpy()
    rows = episodes["row"].to_numpy()  # in time order within each episode
    m = int(match[-1]) + 1
    starts = _starts(match, m)
    last = np.r_[starts[1:], len(rows)] - 1
    centres = episodes["group"].to_numpy()[starts]
    o_match, others = _flat_unique(match, (data.t if direction == "out" else data.s)[rows])
    o_starts = _starts(o_match, m)
    n_others = np.diff(np.r_[o_starts, len(others)])
    accounts = _split(data.names[others], o_starts)
    centre_names = data.names[centres].tolist()
    amounts = np.add.reduceat(data.amount[rows], starts)
    start_us, end_us = data.us[rows[starts]], data.us[rows[last]]
    verb, prep, role = (
        ("sent", "to", "recipients") if direction == "out" else ("received", "from", "senders")
    )
    tail = f"(rule: at least {min_degree} distinct {role} within {_span(w)})."
    rules = [
        f"Account {c} {verb} {k} payment(s) totalling {_money(a)} {prep} {d} distinct accounts "
        f"between {t0} and {t1} {tail}"
        for c, k, a, d, t0, t1 in zip(
            centre_names,
            (last - starts + 1).tolist(),
            amounts.tolist(),
            n_others.tolist(),
            _whens(start_us),
            _whens(end_us),
            strict=True,
        )
    ]
    for c, acc in zip(centre_names, accounts, strict=True):
        acc.insert(0, c)
    logger.info("%s: %d match(es)", typology, m)
    return _frame(
        typology, _split(data.tx_id[rows], starts), accounts, amounts, start_us, end_us, rules
    )


def detect_fan_out(
    tx: pd.DataFrame, *, min_degree: int = 5, window: str | pd.Timedelta = "7D"
) -> pd.DataFrame:
    """Fan-out: one account pays many distinct accounts within a short time.

    Definition (Altman et al. 2023, §3.2, with a time window): account v is the centre of a
    fan-out when, for some transaction of v at time t, v sent payments to at least
    ``min_degree`` distinct accounts between t and t + ``window``. All of v's outgoing payments
    in overlapping qualifying windows form one match; ``accounts`` lists v first, then the
    recipients in the order they were first paid.

    Parameters
    ----------
    tx : pandas.DataFrame
        Transactions (see the module docstring for the columns).
    min_degree : int
        Least number of distinct recipients (Altman et al. use k >= 2; the default 5 keeps the
        number of matches on real ledgers reviewable). 1 is allowed, for AMLworld's
        "1-degree" fans, but then every payment is a match.
    window : str or pandas.Timedelta
        Time span within which the recipients must be paid.

    Returns
    -------
    pandas.DataFrame
        One row per match, columns :data:`RESULT_COLUMNS`.

    Notes
    -----
    O(n log n) in the number of transactions (a sort, then one sliding-window pass per account).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({
    ...     "tx_id": [1, 2, 3, 4],
    ...     "source": ["mule", "mule", "mule", "x"],
    ...     "target": ["a", "b", "c", "a"],
    ...     "amount": [900.0, 950.0, 990.0, 5.0],
    ...     "timestamp": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 12:00",
    ...                                  "2024-01-02 08:00", "2024-01-02 08:00"])})
    >>> hits = detect_fan_out(tx, min_degree=3, window="2D")
    >>> hits[["typology", "accounts", "tx_ids", "amount_total"]].to_dict("records")
    [{'typology': 'fan_out', 'accounts': ['mule', 'a', 'b', 'c'], 'tx_ids': [1, 2, 3], \
'amount_total': 2840.0}]
    >>> print(hits.loc[0, "rule"])
    Account mule sent 3 payment(s) totalling 2,840.00 to 3 distinct accounts between \
2024-01-01 09:00 and 2024-01-02 08:00 (rule: at least 3 distinct recipients within 2 days).
    """
    return _fan(tx, "out", min_degree, window)


def detect_fan_in(
    tx: pd.DataFrame, *, min_degree: int = 5, window: str | pd.Timedelta = "7D"
) -> pd.DataFrame:
    """Fan-in: many distinct accounts pay one account within a short time.

    Definition (Altman et al. 2023, §3.2, with a time window): account v is the centre of a
    fan-in when, for some transaction into v at time t, v received payments from at least
    ``min_degree`` distinct accounts between t and t + ``window``. Overlapping qualifying windows
    form one match; ``accounts`` lists v first, then the senders in order of first payment.

    Parameters
    ----------
    tx : pandas.DataFrame
        Transactions (see the module docstring for the columns).
    min_degree : int
        Least number of distinct senders (1 is allowed: every payment is then a match).
    window : str or pandas.Timedelta
        Time span within which the senders must pay.

    Returns
    -------
    pandas.DataFrame
        One row per match, columns :data:`RESULT_COLUMNS`.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({
    ...     "tx_id": ["t1", "t2", "t3"], "source": ["a", "b", "c"],
    ...     "target": ["hub", "hub", "hub"], "amount": [1.0, 2.0, 3.0],
    ...     "timestamp": pd.to_datetime(["2024-03-01", "2024-03-02", "2024-03-03"])})
    >>> detect_fan_in(tx, min_degree=3, window="2D")["accounts"].tolist()
    [['hub', 'a', 'b', 'c']]
    >>> len(detect_fan_in(tx, min_degree=3, window="1D"))
    0
    """
    return _fan(tx, "in", min_degree, window)


# --------------------------------------------------------------------------------------------
# Gather-scatter, scatter-gather
# --------------------------------------------------------------------------------------------
def _episode_rows(episodes: pd.DataFrame, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows of episodes ``chosen`` (one per match, any order, repeats allowed) as flat
    arrays: match number (sorted) and row, in the episodes' own order (time order)."""
    ep = episodes["episode"].to_numpy()
    first = np.searchsorted(ep, chosen, side="left")
    sizes = np.searchsorted(ep, chosen, side="right") - first
    match = np.repeat(np.arange(len(chosen)), sizes)
    offsets = np.repeat(first - (np.cumsum(sizes) - sizes), sizes)
    return match, episodes["row"].to_numpy()[np.arange(int(sizes.sum())) + offsets]


def _episode_table(data: _Tx, episodes: pd.DataFrame) -> pd.DataFrame:
    """One row per episode: centre, first and last time."""
    if episodes.empty:
        return pd.DataFrame({"episode": [], "centre": [], "t0": [], "t1": []}, dtype=np.int64)
    t = data.us[episodes["row"].to_numpy()]
    table = (
        episodes.assign(t=t)
        .groupby("episode", sort=True)
        .agg(centre=("group", "first"), t0=("t", "min"), t1=("t", "max"))
        .reset_index()
    )
    return table


def detect_gather_scatter(
    tx: pd.DataFrame,
    *,
    min_degree: int = 5,
    window: str | pd.Timedelta = "7D",
    min_out_degree: int | None = None,
    self_transfers: bool = False,
) -> pd.DataFrame:
    """Gather-scatter: an account collects from many accounts, then pays out to many.

    Definition (Altman et al. 2023, §3.2: a fan-in and a fan-out at the same vertex, gathering
    first): account v matches when it has a fan-in episode (see :func:`detect_fan_in`) and a
    fan-out episode (see :func:`detect_fan_out`), of at least ``min_degree`` senders and
    ``min_out_degree`` recipients, each fan within ``window``, such that the fan-out starts no
    earlier than the fan-in starts and no later than ``window`` after the fan-in ends. One match
    per such pair of episodes; ``tx_ids`` holds the payments of both; ``accounts`` lists v, then
    the senders, then the recipients.

    Parameters
    ----------
    tx : pandas.DataFrame
        Transactions (see the module docstring).
    min_degree : int
        Least number of distinct senders (and of recipients, unless ``min_out_degree`` is
        given). 1 is allowed (AMLworld's "1-degree Fan-In" gather-scatters), but then any
        account that receives and pays is a match.
    window : str or pandas.Timedelta
        Window of each fan, and the longest gap from the end of the gather to the scatter.
    min_out_degree : int or None
        Least number of distinct recipients; None: ``min_degree``. AMLworld's headers give only
        the fan-in degree ("GATHER-SCATTER: Max 13-degree Fan-In"); its scatters are often
        narrower (13 senders, 4 recipients).
    self_transfers : bool
        Count the centre's payments to itself as payments of the gather and of the scatter
        (v then counts as one of its own senders and recipients). Every other rule ignores
        self-transfers; AMLworld's gather-scatter centres make them (11 in HI-Small), and in 4
        of its "1-degree" attempts the scatter is nothing but one.

    Returns
    -------
    pandas.DataFrame
        One row per match, columns :data:`RESULT_COLUMNS`.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({
    ...     "tx_id": range(4), "source": ["a", "b", "hub", "hub"],
    ...     "target": ["hub", "hub", "c", "d"], "amount": [5.0, 5.0, 4.0, 4.0],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03",
    ...                                  "2024-01-04"])})
    >>> detect_gather_scatter(tx, min_degree=2, window="3D")["accounts"].tolist()
    [['hub', 'a', 'b', 'c', 'd']]
    """
    min_degree = _positive_int(min_degree, "min_degree", 1)
    out_degree = min_degree if min_out_degree is None else min_out_degree
    out_degree = _positive_int(out_degree, "min_out_degree", 1)
    w = _window(window)
    data = _Tx.of(tx)
    if self_transfers:
        data = data.with_self_transfers()
    fan_in = _fan_episodes(data, "in", min_degree, w)
    fan_out = _fan_episodes(data, "out", out_degree, w)
    fi, fo = _episode_table(data, fan_in), _episode_table(data, fan_out)
    pairs = fi.merge(fo, on="centre", suffixes=("_in", "_out"))
    pairs = pairs[
        (pairs["t0_out"] >= pairs["t0_in"]) & (pairs["t0_out"] <= pairs["t1_in"] + _us(w))
    ]
    if out_degree == min_degree:
        degrees = f"fan-in and fan-out of at least {min_degree} accounts"
    else:
        degrees = f"fan-in of at least {min_degree} and fan-out of at least {out_degree} accounts"
    if self_transfers:
        degrees += " (self-transfers counted)"
    m = len(pairs)
    if m == 0:
        logger.info("gather_scatter: 0 match(es)")
        return _empty()
    centres = pairs["centre"].to_numpy()
    a1, rows1 = _episode_rows(fan_in, pairs["episode_in"].to_numpy())  # the gather
    a2, rows2 = _episode_rows(fan_out, pairs["episode_out"].to_numpy())  # the scatter
    a, rows = _flat_rows(data, np.r_[a1, a2], np.r_[rows1, rows2])
    s1, s2, s0 = _starts(a1, m), _starts(a2, m), _starts(a, m)
    e1 = np.r_[s1[1:], len(rows1)] - 1
    e2 = np.r_[s2[1:], len(rows2)] - 1
    e0 = np.r_[s0[1:], len(rows)] - 1
    sa, senders = _flat_unique(a1, data.s[rows1])
    ra, receivers = _flat_unique(a2, data.t[rows2])
    sender_lists = _split(senders, _starts(sa, m))
    receiver_lists = _split(receivers, _starts(ra, m))
    names = data.names
    tail = (
        f"(rule: {degrees}, each within {_span(w)}, the scatter starting within {_span(w)} of "
        f"the end of the gather)."
    )
    rules = [
        f"Account {c} received from {len(ss)} distinct accounts between {t0} and {t1}, then "
        f"sent to {len(rs)} distinct accounts between {t2} and {t3} {tail}"
        for c, ss, rs, t0, t1, t2, t3 in zip(
            names[centres].tolist(),
            sender_lists,
            receiver_lists,
            *_side_times(data, rows1, s1, e1),
            *_side_times(data, rows2, s2, e2),
            strict=True,
        )
    ]
    accounts = [
        names[list(dict.fromkeys([c, *ss, *rs]))].tolist()
        for c, ss, rs in zip(centres.tolist(), sender_lists, receiver_lists, strict=True)
    ]
    logger.info("gather_scatter: %d match(es)", m)
    return _frame(
        "gather_scatter",
        _split(data.tx_id[rows], s0),
        accounts,
        np.add.reduceat(data.amount[rows], s0),
        data.us[rows[s0]],
        data.us[rows[e0]],
        rules,
    )


def detect_scatter_gather(
    tx: pd.DataFrame,
    *,
    min_degree: int = 5,
    window: str | pd.Timedelta = "7D",
    require_time_order: bool = True,
    allow_return: bool = False,
) -> pd.DataFrame:
    """Scatter-gather: one account pays many intermediaries, who all pay on to one account.

    Definition (Altman et al. 2023, §3.2: a fan-out from v and a fan-in to u through the same
    intermediate vertices): accounts v and u (v != u) match when at least ``min_degree``
    distinct intermediaries m each received a payment v -> m at time t1 in a fan-out episode of
    v and made a payment m -> u at time t2 in a fan-in episode of u with t1 <= t2 <= t1 +
    ``window`` (without ``require_time_order``: ``|t2 - t1| <= window``). One match per pair of
    episodes; ``tx_ids`` holds only the payments through those intermediaries; ``accounts``
    lists v, u (unless it is v), then the intermediaries.

    Parameters
    ----------
    tx : pandas.DataFrame
        Transactions (see the module docstring).
    min_degree : int
        Least number of distinct intermediaries. 1 is allowed (11 of AMLworld's HI-Small
        scatter-gathers have one intermediary), but then every two-payment path is a match.
    window : str or pandas.Timedelta
        Window of each fan, and the longest time an intermediary holds the funds.
    require_time_order : bool
        Whether each intermediary must pay u after v paid it. AMLworld does not keep this order:
        in some of its scatter-gathers intermediaries pay u before v pays them.
    allow_return : bool
        Allow u = v: the intermediaries pay the funds back to v. AMLworld draws both ends from
        the laundering entity's accounts, and 13 of its HI-Small scatter-gathers return to v
        (11 of them round trips v -> m -> v).

    Returns
    -------
    pandas.DataFrame
        One row per match, columns :data:`RESULT_COLUMNS`.

    Notes
    -----
    Only payments inside fan episodes are joined (on the intermediary), one scatter episode at a
    time in a compiled loop: the work is the number of (scatter, gather) payment pairs through
    the same intermediary.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({
    ...     "tx_id": range(4), "source": ["v", "v", "m1", "m2"],
    ...     "target": ["m1", "m2", "u", "u"], "amount": [50.0, 50.0, 45.0, 45.0],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-02",
    ...                                  "2024-01-03"])})
    >>> hits = detect_scatter_gather(tx, min_degree=2, window="3D")
    >>> hits["accounts"].tolist(), hits["amount_total"].tolist()
    ([['v', 'u', 'm1', 'm2']], [190.0])
    """
    min_degree = _positive_int(min_degree, "min_degree", 1)
    w = _window(window)
    data = _Tx.of(tx)
    fan_out = _fan_episodes(data, "out", min_degree, w)
    fan_in = _fan_episodes(data, "in", min_degree, w)
    if fan_out.empty or fan_in.empty:
        return _empty()
    hold_text = f"passing funds on within {_span(w)}"
    if not require_time_order:
        hold_text = f"paying on within {_span(w)} of being paid, in either order"
    if allow_return:
        hold_text += ", the last account possibly the first"
    r_out, r_in = fan_out["row"].to_numpy(), fan_in["row"].to_numpy()
    a1, i, a2, j, head1, head2 = paths_through(
        fan_out["episode"].to_numpy(),
        fan_out["group"].to_numpy(),
        data.t[r_out],
        data.us[r_out],
        fan_in["episode"].to_numpy(),
        fan_in["group"].to_numpy(),
        data.s[r_in],
        data.us[r_in],
        _us(w),
        time_order=require_time_order,
        allow_return=allow_return,
        min_mid=min_degree,
    )
    m = len(head1)
    if m == 0:
        return _empty()
    v_of = fan_out["group"].to_numpy()[head1]
    u_of = fan_in["group"].to_numpy()[head2]
    rows1, rows2 = r_out[i], r_in[j]  # the scatter's, the gather's payments, in time order
    a, rows = _flat_rows(data, np.r_[a1, a2], np.r_[rows1, rows2])  # both, merged
    s1, s2, s = _starts(a1, m), _starts(a2, m), _starts(a, m)
    e1 = np.r_[s1[1:], len(rows1)] - 1
    e2 = np.r_[s2[1:], len(rows2)] - 1
    e = np.r_[s[1:], len(rows)] - 1
    am, mids = _flat_unique(a1, data.t[rows1])
    mid_starts = _starts(am, m)
    n_mids = np.diff(np.r_[mid_starts, len(mids)])
    mid_lists = _split(mids, mid_starts)
    amounts = np.add.reduceat(data.amount[rows], s)
    names = data.names
    v_names, u_names = names[v_of].tolist(), names[u_of].tolist()
    tail = f"(rule: at least {min_degree} intermediaries, each {hold_text})."
    rules = [
        f"Account {vn} paid {k} distinct intermediaries between {t0} and {t1}, and each paid "
        f"{f'on to account {un}' if u != v else 'it back'} between {t2} and {t3} {tail}"
        for vn, un, v, u, k, t0, t1, t2, t3 in zip(
            v_names,
            u_names,
            v_of.tolist(),
            u_of.tolist(),
            n_mids.tolist(),
            *_side_times(data, rows1, s1, e1),
            *_side_times(data, rows2, s2, e2),
            strict=True,
        )
    ]
    accounts = [
        names[list(dict.fromkeys([v, u, *ms]))].tolist()
        for v, u, ms in zip(v_of.tolist(), u_of.tolist(), mid_lists, strict=True)
    ]
    logger.info("scatter_gather: %d match(es)", m)
    return _frame(
        "scatter_gather",
        _split(data.tx_id[rows], s),
        accounts,
        amounts,
        data.us[rows[s]],
        data.us[rows[e]],
        rules,
    )


# --------------------------------------------------------------------------------------------
# Cycles
# --------------------------------------------------------------------------------------------
def _hubs(data: _Tx, w_us: int, max_degree: int) -> np.ndarray:
    """Accounts that pay, or are paid by, more than ``max_degree`` distinct accounts within
    some window (account codes)."""
    if data.n == 0:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(_most_counterparties(data, w_us) > max_degree).astype(np.int64)


def _most_counterparties(data: _Tx, w_us: int) -> np.ndarray:
    """Per account code, the most distinct accounts it pays, or is paid by, in one window
    (cached on ``data``: the hub filters of several rules share it)."""
    key = ("most_counterparties", w_us)
    if key not in data.cache:
        most = np.zeros(len(data.accounts), dtype=np.int64)
        for side, own, other in (("s", data.s, data.t), ("t", data.t, data.s)):
            best = max_forward_distinct(own, data.us, other, w_us, order=data.grouped(side))
            most[: len(best)] = np.maximum(most[: len(best)], best)
        data.cache[key] = most  # type: ignore[assignment]
    return data.cache[key]  # type: ignore[return-value]


def _cycle_candidates(data: _Tx, w_us: int, max_degree: int | None) -> np.ndarray:
    """Rows that can lie on a cycle of span <= w: cheap, necessary-condition filters.

    (0) Without payments of hub accounts (more than ``max_degree`` distinct counterparties in a
    window), if asked. (1) Keep a payment u -> v at t only if v pays someone and u is paid by
    someone within [t - w, t + w] (on a cycle the next payment follows within the window, or,
    for the closing payment, the first one precedes it), repeated up to 4 times. (2) Keep only
    payments inside a strongly connected component (Tarjan 1972) of the graph of remaining
    account pairs. (3) Repeat (1) up to twice.
    """
    rows = np.arange(data.n)
    if max_degree is not None and data.n:
        hubs = _hubs(data, w_us, max_degree)
        if len(hubs):
            rows = rows[~(np.isin(data.s, hubs) | np.isin(data.t, hubs))]
            logger.info("cycles: left out %d hub account(s) and their payments", len(hubs))
    # The filters are only necessary conditions, so stopping before a fixed point is safe (it
    # leaves a few more payments to search); later rounds remove little.
    rows = _temporal_filter(data, rows, w_us, rounds=4)
    if len(rows):
        s, t = data.s[rows], data.t[rows]
        a = len(data.accounts)
        ps, pt = np.divmod(distinct(s * a + t), a)  # each pair of accounts once
        graph = scipy.sparse.csr_matrix((np.ones(len(ps), dtype=np.int8), (ps, pt)), shape=(a, a))
        _, component = scipy.sparse.csgraph.connected_components(graph, connection="strong")
        rows = rows[component[s] == component[t]]  # s != t: in a component of two or more
        rows = _temporal_filter(data, rows, w_us, rounds=2)
    return rows


def _temporal_filter(data: _Tx, rows: np.ndarray, w_us: int, rounds: int) -> np.ndarray:
    for _ in range(rounds):
        if len(rows) == 0:
            break
        s, t, ts, rank = data.s[rows], data.t[rows], data.us[rows], data.rank[rows]
        keep = acts_within(s, t, ts, w_us, rank) & acts_within(t, s, ts, w_us, rank)
        rows = rows[keep]
        if keep.all():
            break
    return rows


def detect_cycles(
    tx: pd.DataFrame,
    *,
    min_length: int = 2,
    max_length: int = 10,
    window: str | pd.Timedelta = "7D",
    require_time_order: bool = True,
    max_degree: int | None = 50,
    max_paths: int = 20_000_000,
) -> pd.DataFrame:
    """Simple cycles: funds that travel round a ring of accounts and come back to the first.

    Definition (Altman et al. 2023, §3.2, with time): a cycle of length L is a sequence of L
    payments a_1 -> a_2 -> ... -> a_L -> a_1 between L distinct accounts (min_length <= L <=
    max_length), all within ``window`` of the first. With ``require_time_order`` (a *temporal*
    cycle, Kumar & Calders 2018) the payments must also happen in order along the ring
    (t_1 <= t_2 <= ... <= t_L), as when money is passed on; without it, any order within the
    window counts. For each ring of accounts, instances are found with the earliest usable
    payment at each hop; the earliest instance is reported, then every later one that shares
    no payment with an instance already reported (so a ring used twice gives two matches, but
    one movement of funds is not reported once per parallel payment). 2-cycles are round trips
    (A pays B, B pays A back); set ``min_length=3`` to leave them out.

    Parameters
    ----------
    tx : pandas.DataFrame
        Transactions (see the module docstring).
    min_length, max_length : int
        Number of payments (= accounts) on the cycle.
    window : str or pandas.Timedelta
        Longest time from the first to the last payment of a cycle.
    require_time_order : bool
        Whether the payments must be time-ordered along the cycle.
    max_degree : int or None
        Leave out hub accounts: those that pay, or are paid by, more than ``max_degree``
        distinct accounts within one window (merchants, payroll, exchanges). Paths through hubs
        multiply combinatorially, and laundering rings are made of controlled accounts with few
        counterparties. None keeps every account.
    max_paths : int
        Safety limit on the number of partial paths explored. When reached, the search stops,
        a warning is logged and the result is marked ``attrs["truncated"] = True``: narrow
        ``window`` or ``max_length`` to get a complete answer.

    Returns
    -------
    pandas.DataFrame
        One row per cycle, columns :data:`RESULT_COLUMNS`; ``accounts`` in flow order starting
        with the payer of the first payment. ``attrs["truncated"]`` says whether the search was
        cut short.

    Notes
    -----
    Filters first remove payments that cannot lie on a cycle: payments of hub accounts
    (``max_degree``), then, repeatedly, payments whose payee does not pay anyone, or whose payer
    is not paid by anyone, within the window (binary searches, O(n log n) per round), and
    payments outside the strongly connected components of the graph of account pairs (Tarjan
    1972, O(n)). The remaining payments are searched breadth-first in DuckDB (a bounded
    depth-first search written as joins): from every payment, partial paths are extended one
    hop at a time through payments inside the window (in time order if required), keeping only
    the earliest usable payment per next account, never revisiting an account, and at the last
    two hops keeping only paths that can still close. Work grows with the number of partial
    paths, roughly ``n * (lambda * window) ** L / L!`` for time-ordered cycles when an account
    makes ``lambda`` payments per unit of time; without time order the factorial disappears,
    which makes that mode far more expensive.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({
    ...     "tx_id": ["p1", "p2", "p3", "p4"], "source": ["a", "b", "c", "d"],
    ...     "target": ["b", "c", "a", "a"], "amount": [100.0, 95.0, 90.0, 1.0],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03",
    ...                                  "2024-01-01"])})
    >>> hits = detect_cycles(tx, window="7D")
    >>> hits[["accounts", "tx_ids", "amount_total"]].to_dict("records")
    [{'accounts': ['a', 'b', 'c'], 'tx_ids': ['p1', 'p2', 'p3'], 'amount_total': 285.0}]
    >>> len(detect_cycles(tx, window="1D"))
    0
    """
    min_length = _positive_int(min_length, "min_length", 2)
    max_length = _positive_int(max_length, "max_length", min_length)
    max_paths = _positive_int(max_paths, "max_paths")
    w = _window(window)
    w_us = _us(w)
    data = _Tx.of(tx)
    if max_degree is not None:
        max_degree = _positive_int(max_degree, "max_degree")
    rows = _cycle_candidates(data, w_us, max_degree)
    logger.info("cycles: %d of %d payments pass the filter", len(rows), data.n)
    found, truncated = _search_cycles(
        data, rows, min_length, max_length, w_us, require_time_order, max_paths
    )
    out: list[dict[str, Any]] = []
    order_text = "time-ordered " if require_time_order else ""
    for cycle in found:
        cycle_rows = np.asarray(cycle, dtype=np.int64)
        accounts = [data.account(a) for a in data.s[cycle_rows]]
        ids = data.tx_id[cycle_rows].tolist()
        amount = float(data.amount[cycle_rows].sum())
        ring = " -> ".join(map(str, [*accounts, accounts[0]]))
        rule = (
            f"Funds went round {len(accounts)} accounts ({ring}) in {len(accounts)} "
            f"{order_text}payments totalling {_money(amount)} between "
            f"{_when(data.ts[cycle_rows].min())} and {_when(data.ts[cycle_rows].max())} (rule: "
            f"simple {order_text}cycle of {min_length} to {max_length} accounts within "
            f"{_span(w)})."
        )
        out.append(
            {
                "typology": "cycle",
                "pattern_id": _pattern_id("cycle", "", ids),
                "accounts": accounts,
                "tx_ids": ids,
                "amount_total": amount,
                "start": data.ts[cycle_rows].min(),
                "end": data.ts[cycle_rows].max(),
                "rule": rule,
            }
        )
    logger.info("cycle: %d match(es)", len(out))
    result = _finish(out)
    result.attrs["truncated"] = truncated
    return result


def _search_cycles(
    data: _Tx,
    rows: np.ndarray,
    min_length: int,
    max_length: int,
    w_us: int,
    time_order: bool,
    max_paths: int,
) -> tuple[list[list[int]], bool]:
    """Breadth-first extension of partial paths in DuckDB; see :func:`detect_cycles`."""
    if len(rows) == 0:
        return [], False
    edges = pd.DataFrame({"r": rows, "s": data.s[rows], "t": data.t[rows], "ts": data.us[rows]})
    # A path: its root payment (earliest of the instance), start account u, root time t0,
    # current account x, time of its last payment tau, accounts and payments so far.
    since = "f.tau" if time_order else "f.t0"
    since_next = "s.ts_y" if time_order else "s.t0"

    def step(final: bool) -> str:
        # At the last hop only the payment back to the start account matters.
        close = "AND e.t = f.u" if final else ""
        return f"""
            WITH nxt AS (
                SELECT f.pid, e.t AS y, min(e.ts) AS ts_y, arg_min(e.r, (e.ts, e.r)) AS r_y
                FROM frontier f JOIN edges e ON e.s = f.x
                WHERE e.ts >= {since} AND e.ts <= f.t0 + {w_us} {close}
                GROUP BY f.pid, e.t
            )
            SELECT f.pid, f.root, f.u, f.t0, n.y, n.ts_y, n.r_y, f.verts, f.path
            FROM nxt n JOIN frontier f USING (pid)
            WHERE n.y = f.u OR NOT list_contains(f.verts, n.y)
        """

    # With one hop left, a path survives only if its end pays the start account in time.
    can_close = f"""
        AND EXISTS (SELECT 1 FROM edges e WHERE e.s = s.y AND e.t = s.u
                    AND e.ts >= {since_next} AND e.ts <= s.t0 + {w_us})
    """
    found: dict[tuple[int, ...], list[tuple[int, int, list[int]]]] = {}
    truncated = False
    explored = 0
    with duckdb.connect() as con:
        con.register("edges", edges)
        con.execute(
            """CREATE TEMP TABLE frontier AS
               SELECT row_number() OVER (ORDER BY r) AS pid, r AS root, s AS u, ts AS t0,
                      t AS x, ts AS tau, [s, t] AS verts, [r] AS path
               FROM edges"""
        )
        for length in range(2, max_length + 1):
            con.execute(f"CREATE OR REPLACE TEMP TABLE step AS {step(length == max_length)}")
            if length >= min_length:
                closed = con.execute(
                    "SELECT path, r_y, ts_y, root FROM step WHERE y = u"
                ).fetchall()
                for path, last, _, root in closed:
                    cycle = [*path, last]
                    _keep_cycle(found, data, cycle, root)
            if length == max_length:
                break
            prune = can_close if length == max_length - 1 else ""
            con.execute(
                f"""CREATE OR REPLACE TEMP TABLE frontier AS
                   SELECT row_number() OVER () AS pid, root, u, t0, y AS x, ts_y AS tau,
                          list_append(verts, y) AS verts, list_append(path, r_y) AS path
                   FROM step s WHERE y <> u {prune}"""
            )
            size = con.execute("SELECT count(*) FROM frontier").fetchall()[0][0]  # type: ignore[index]
            explored += size
            if size == 0:
                break
            if explored > max_paths:
                logger.warning(
                    "cycles: stopped after %d partial paths (max_paths); the result is "
                    "incomplete. Narrow the window or max_length.",
                    explored,
                )
                truncated = True
                break
    kept: list[tuple[int, int, list[int]]] = []
    for instances in found.values():
        used: set[int] = set()
        for start, end, cycle in sorted(instances):
            if used.isdisjoint(cycle):
                kept.append((start, end, cycle))
                used.update(cycle)
    return [cycle for _, _, cycle in sorted(kept)], truncated


def _keep_cycle(
    found: dict[tuple[int, ...], list[tuple[int, int, list[int]]]],
    data: _Tx,
    cycle: list[int],
    root: int,
) -> None:
    """Collect an instance under its ring of accounts (a rotation-free key)."""
    rows = np.asarray(cycle)
    ring = data.s[rows].tolist()
    k = ring.index(min(ring))
    key = tuple(ring[k:] + ring[:k])
    found.setdefault(key, []).append((int(data.us[root]), int(data.us[rows].max()), cycle))


# --------------------------------------------------------------------------------------------
# Structuring
# --------------------------------------------------------------------------------------------
def detect_structuring(
    tx: pd.DataFrame,
    *,
    threshold: float = 10_000,
    margin: float = 0.1,
    min_count: int = 3,
    window: str | pd.Timedelta = "7D",
) -> pd.DataFrame:
    """Structuring (smurfing): repeated payments just below a reporting threshold.

    Definition used here (there is no formal one in Altman et al. 2023 or AMLSim): a payment is
    *just below the threshold* when ``threshold * (1 - margin) <= amount < threshold``. An
    account matches when at least ``min_count`` such payments went **into** it, or at least
    ``min_count`` such payments were made **from** it, between the time t of one of them and
    t + ``window``. Overlapping qualifying windows form one match. Both directions are checked
    separately (a match says which); ``accounts`` lists the account first, then its
    counterparties in order of first payment.

    With the defaults: 3 or more payments each in [9,000, 10,000) within 7 days, the shape of
    cash deposits kept under the US Currency Transaction Report threshold of USD 10,000.

    Parameters
    ----------
    tx : pandas.DataFrame
        Transactions (see the module docstring).
    threshold : float
        The reporting threshold, in the currency of ``amount``.
    margin : float
        How far below the threshold still counts, as a fraction of it (0 < margin < 1).
    min_count : int
        Least number of such payments.
    window : str or pandas.Timedelta
        Time span within which they must fall.

    Returns
    -------
    pandas.DataFrame
        One row per match, columns :data:`RESULT_COLUMNS`.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({
    ...     "tx_id": [1, 2, 3, 4], "source": ["s1", "s2", "s3", "s4"],
    ...     "target": ["acct"] * 4, "amount": [9500.0, 9800.0, 9100.0, 10500.0],
    ...     "timestamp": pd.to_datetime(["2024-05-01", "2024-05-02", "2024-05-04",
    ...                                  "2024-05-05"])})
    >>> hits = detect_structuring(tx)
    >>> hits[["accounts", "tx_ids", "amount_total"]].to_dict("records")
    [{'accounts': ['acct', 's1', 's2', 's3'], 'tx_ids': [1, 2, 3], 'amount_total': 28400.0}]
    """
    if not (isinstance(threshold, int | float) and threshold > 0):
        raise InvalidValue(threshold, "a positive number for threshold")
    if not (isinstance(margin, int | float) and 0 < margin < 1):
        raise InvalidValue(margin, "a number between 0 and 1 (exclusive) for margin")
    min_count = _positive_int(min_count, "min_count", 1)
    w = _window(window)
    data = _Tx.of(tx)
    lower = threshold * (1 - margin)
    lower -= abs(lower) * 1e-12  # 10_000 * (1 - 0.1) must include 9,000.00
    rows = np.flatnonzero((data.amount >= lower) & (data.amount < threshold))
    out: list[dict[str, Any]] = []
    for direction in ("into", "from"):
        group, other = (data.t, data.s) if direction == "into" else (data.s, data.t)
        episodes = _episodes(data, rows, group, other, w, min_count, distinct=False)
        for _, account, ep_rows in _group_lists(episodes):
            ids = data.tx_id[ep_rows].tolist()
            amount = float(data.amount[ep_rows].sum())
            others = _ordered_unique(other[ep_rows])
            verb = "received" if direction == "into" else "made"
            rule = (
                f"Account {data.account(account)} {verb} {len(ep_rows)} payments each between "
                f"{_money(threshold * (1 - margin))} and {_money(threshold)} (just below the "
                f"{_money(threshold)} threshold) totalling {_money(amount)} between "
                f"{_when(data.ts[ep_rows[0]])} and {_when(data.ts[ep_rows[-1]])} (rule: at "
                f"least {min_count} such payments {direction} one account within {_span(w)})."
            )
            out.append(
                {
                    "typology": "structuring",
                    "pattern_id": _pattern_id("structuring", direction, ids),
                    "accounts": [data.account(a) for a in [account, *others]],
                    "tx_ids": ids,
                    "amount_total": amount,
                    "start": data.ts[ep_rows[0]],
                    "end": data.ts[ep_rows[-1]],
                    "rule": rule,
                }
            )
    logger.info("structuring: %d match(es)", len(out))
    return _finish(out)


# --------------------------------------------------------------------------------------------
# Bipartite, stack
# --------------------------------------------------------------------------------------------
def _non_hub_rows(data: _Tx, w_us: int, max_degree: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose payer and payee are not hubs, and the hub account codes."""
    rows = np.arange(data.n)
    if max_degree is None or data.n == 0:
        return rows, np.zeros(0, dtype=np.int64)
    hubs = _hubs(data, w_us, max_degree)
    if len(hubs):
        rows = rows[~(np.isin(data.s, hubs) | np.isin(data.t, hubs))]
    return rows, hubs


def _bipartite_blocks(
    data: _Tx, min_sources: int, min_targets: int, w: pd.Timedelta, max_degree: int | None
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(payers, payees, rows) of every bipartite block, cached on ``data``; see
    :func:`detect_bipartite`."""
    key = ("bipartite", min_sources, min_targets, _us(w), max_degree)
    if key in data.cache:
        return data.cache[key]  # type: ignore[return-value]
    rows, _ = _non_hub_rows(data, _us(w), max_degree)
    blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    if len(rows):
        edges = pd.DataFrame({"r": rows, "s": data.s[rows], "t": data.t[rows], "ts": data.us[rows]})
        query = f"""
            WITH pairs AS (
                SELECT e1.s AS p1, e2.s AS p2, e1.t AS q, e1.r AS r1, e2.r AS r2
                FROM edges e1 JOIN edges e2 ON e1.t = e2.t AND e1.s < e2.s
                WHERE abs(e1.ts - e2.ts) <= {_us(w)}
            ), good AS (
                SELECT p1, p2, list(DISTINCT q ORDER BY q) AS qs FROM pairs GROUP BY p1, p2
                HAVING COUNT(DISTINCT q) >= {min_targets}
            ), sets AS (
                SELECT qs, row_number() OVER (ORDER BY qs) AS b FROM good GROUP BY qs
                HAVING COUNT(DISTINCT p1) + COUNT(DISTINCT p2) >= 2
            )
            SELECT s.b, p.r1, p.r2 FROM pairs p JOIN good g USING (p1, p2)
            JOIN sets s ON s.qs = g.qs ORDER BY s.b
        """
        with duckdb.connect() as con:
            con.register("edges", edges)
            pairs = con.execute(query).fetchnumpy()
        if len(pairs["b"]):
            b = pairs["b"].astype(np.int64)
            bounds = np.flatnonzero(np.r_[True, b[1:] != b[:-1]])
            r1s = np.split(pairs["r1"].astype(np.int64), bounds[1:])
            r2s = np.split(pairs["r2"].astype(np.int64), bounds[1:])
            for r1, r2 in zip(r1s, r2s, strict=True):
                block_rows = _sorted_rows(data, np.concatenate([r1, r2]))
                src = np.asarray(_ordered_unique(data.s[block_rows]), dtype=np.int64)
                if len(src) < min_sources:
                    continue
                dst = np.asarray(_ordered_unique(data.t[block_rows]), dtype=np.int64)
                blocks.append((src, dst, block_rows))
    data.cache[key] = blocks  # type: ignore[assignment]
    return blocks


def _time_episodes(
    t: np.ndarray, o: np.ndarray, w: pd.Timedelta, min_count: int, distinct: bool
) -> list[np.ndarray]:
    """Items (times ``t``) in time episodes: windows [t_i, t_i + w] holding at least
    ``min_count`` items (``distinct``: distinct values of ``o``), overlapping ones merged.
    Lists of item indices, in time order."""
    n = len(t)
    items = np.arange(n)
    episodes = _window_episodes(
        np.zeros(n, dtype=np.int64), t, o, items, w, min_count, distinct=distinct
    )
    return [rows for _, _, rows in _group_lists(episodes)]


def _disjoint_blocks(
    data: _Tx,
    min_sources: int,
    min_targets: int,
    min_edges: int,
    w: pd.Timedelta,
    max_degree: int | None,
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(payers, payees, rows) of every ``definition="disjoint"`` bipartite match."""
    rows, _ = _non_hub_rows(data, _us(w), max_degree)
    blocks = []
    for items in _time_episodes(data.us[rows], rows, w, min_edges, distinct=False):
        ep = rows[items]
        s, t = data.s[ep], data.t[ep]
        ep = ep[~np.isin(s, t) & ~np.isin(t, s)]
        if len(ep) < min_edges:
            continue
        ep = _sorted_rows(data, ep)
        src = np.asarray(_ordered_unique(data.s[ep]), dtype=np.int64)
        dst = np.asarray(_ordered_unique(data.t[ep]), dtype=np.int64)
        if len(src) >= min_sources and len(dst) >= min_targets:
            blocks.append((src, dst, ep))
    return blocks


def _check_definition(definition: str, choices: tuple[str, ...]) -> str:
    if definition not in choices:
        raise InvalidValue(definition, f"one of {', '.join(map(repr, choices))} for definition")
    return definition


def detect_bipartite(
    tx: pd.DataFrame,
    *,
    min_sources: int = 2,
    min_targets: int = 2,
    window: str | pd.Timedelta = "7D",
    max_degree: int | None = 10,
    definition: str = "shared",
    min_edges: int = 2,
) -> pd.DataFrame:
    """Bipartite: a set of input accounts that all pay the same set of output accounts.

    Altman et al. (2023, §3.2) describe bipartite laundering as funds moving from a set of input
    accounts to a set of output accounts; AMLSim builds it as a complete bipartite graph, an edge
    from every originator to every beneficiary (``finance/amlsim_ibm/SOURCE.md``). Definition
    used here: two payers p1 != p2 are *co-payers* when there are at least ``min_targets``
    distinct payees q that each received a payment from p1 and a payment from p2 no more than
    ``window`` apart, and their *common payees* are all such q. A match is a set Q of at least
    ``min_targets`` payees with the set P of every payer that is in a co-payer pair whose
    common payees are exactly Q, when P has at least ``min_sources`` accounts; its payments are
    the co-payments of those pairs. A complete bipartite pattern of at least ``min_sources`` x
    ``min_targets`` accounts, paid within ``window`` per payee, is one match as long as its
    payers share no other payee.
    ``accounts`` lists the payers (in order of first payment), then the payees.

    ``definition="disjoint"`` is AMLworld's bipartite, which need not be complete and is often
    one-to-one (each input pays one output): payers and payees are two disjoint sets, and
    nothing but time ties the transfers together. A match is a time episode (windows [t, t +
    ``window``] holding at least ``min_edges`` payments, overlapping ones merged) with the
    payments of it whose payer receives nothing and whose payee pays nothing in the episode,
    when there are at least ``min_edges`` of them, from at least ``min_sources`` payers to at
    least ``min_targets`` payees. **This is a shape check for a set of payments already
    grouped** (one entity's accounts, a case file): on a whole ledger it reports the busy
    periods, since any handful of unrelated payments has this shape.

    Parameters
    ----------
    tx : pandas.DataFrame
        Transactions (see the module docstring).
    min_sources : int
        Least number of input accounts (>= 2; >= 1 with ``definition="disjoint"``).
    min_targets : int
        Least number of payees every co-payer pair must share (>= 2; with 1 every pair of
        customers of one shop would match). With ``definition="disjoint"``: least number of
        payees (>= 1).
    window : str or pandas.Timedelta
        Longest time between two co-payers' payments to the same payee; with
        ``definition="disjoint"``, the window of the time episodes.
    max_degree : int or None
        Leave out hub accounts (more than ``max_degree`` distinct counterparties within one
        window): customers of one merchant or employees of one payroll account co-pay all the
        time. None keeps every account.
    definition : str
        ``"shared"`` (co-payers sharing payees, above) or ``"disjoint"`` (AMLworld's).
    min_edges : int
        Least number of payments of a match (>= 1). 1, for AMLworld's single-transfer
        bipartites, makes every payment a match.

    Returns
    -------
    pandas.DataFrame
        One row per match, columns :data:`RESULT_COLUMNS`.

    Notes
    -----
    A self-join of the payments on the payee in DuckDB (its size is the sum over payees of the
    squared number of payments within a window, kept small by leaving out hubs), then a
    grouping of the co-payer pairs by their common payees. A layer of a :func:`detect_stack`
    match is also a bipartite match. AMLworld's BIPARTITE attempts are one-to-one (each input
    pays one output): those share no payee and are matched only with ``definition="disjoint"``
    (see ``docs/laundering.md``).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({
    ...     "tx_id": range(4), "source": ["a", "a", "b", "b"],
    ...     "target": ["x", "y", "x", "y"], "amount": [10.0, 20.0, 30.0, 40.0],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03",
    ...                                  "2024-01-04"])})
    >>> detect_bipartite(tx)[["accounts", "amount_total"]].to_dict("records")
    [{'accounts': ['a', 'b', 'x', 'y'], 'amount_total': 100.0}]
    """
    disjoint = _check_definition(definition, ("shared", "disjoint")) == "disjoint"
    min_sources = _positive_int(min_sources, "min_sources", 1 if disjoint else 2)
    min_targets = _positive_int(min_targets, "min_targets", 1 if disjoint else 2)
    min_edges = _positive_int(min_edges, "min_edges", 1)
    w = _window(window)
    if max_degree is not None:
        max_degree = _positive_int(max_degree, "max_degree")
    data = _Tx.of(tx)
    if disjoint:
        blocks = _disjoint_blocks(data, min_sources, min_targets, min_edges, w, max_degree)
    else:
        blocks = _bipartite_blocks(data, min_sources, min_targets, w, max_degree)
    out: list[dict[str, Any]] = []
    for src, dst, rows in blocks:
        if len(rows) < min_edges:
            continue
        ids = data.tx_id[rows].tolist()
        amount = float(data.amount[rows].sum())
        if disjoint:
            rule = (
                f"{len(src)} accounts paid {len(dst)} other accounts ({len(rows)} payments "
                f"totalling {_money(amount)}) between {_when(data.ts[rows[0]])} and "
                f"{_when(data.ts[rows[-1]])}, no payer receiving and no payee paying (rule: at "
                f"least {min_edges} payments from at least {min_sources} payers to at least "
                f"{min_targets} disjoint payees in overlapping {_span(w)} windows)."
            )
        else:
            rule = (
                f"{len(src)} accounts each paid the same payees among {len(dst)} accounts "
                f"({len(rows)} payments totalling {_money(amount)}) between "
                f"{_when(data.ts[rows[0]])} and {_when(data.ts[rows[-1]])} (rule: at least "
                f"{min_sources} payers, in pairs with the same {min_targets} or more common "
                f"payees, each paid by both no more than {_span(w)} apart)."
            )
        accounts = src.tolist() + [a for a in dst.tolist() if a not in set(src.tolist())]
        out.append(
            {
                "typology": "bipartite",
                "pattern_id": _pattern_id("bipartite", "disjoint" if disjoint else "", ids),
                "accounts": [data.account(a) for a in accounts],
                "tx_ids": ids,
                "amount_total": amount,
                "start": data.ts[rows[0]],
                "end": data.ts[rows[-1]],
                "rule": rule,
            }
        )
    logger.info("bipartite: %d match(es)", len(out))
    return _finish(out)


def _layered_stack(
    data: _Tx, min_width: int, w: pd.Timedelta, max_degree: int | None
) -> pd.DataFrame:
    """``definition="layered"`` stacks; see :func:`detect_stack`."""
    rows, _ = _non_hub_rows(data, _us(w), max_degree)
    if len(rows) == 0:
        return _empty()
    edges = pd.DataFrame({"r": rows, "s": data.s[rows], "t": data.t[rows], "ts": data.us[rows]})
    query = f"""
        SELECT e1.r AS r1, e2.r AS r2, e1.t AS m, e1.ts AS t1
        FROM edges e1 JOIN edges e2 ON e2.s = e1.t
        WHERE e2.ts >= e1.ts AND e2.ts <= e1.ts + {_us(w)}
        ORDER BY r1, r2
    """
    with duckdb.connect() as con:
        con.register("edges", edges)
        relays = con.execute(query).fetchnumpy()
    r1_all = relays["r1"].astype(np.int64)
    r2_all = relays["r2"].astype(np.int64)
    m_all = relays["m"].astype(np.int64)
    t1_all = relays["t1"].astype(np.int64)
    out: list[dict[str, Any]] = []
    for items in _time_episodes(t1_all, m_all, w, min_width, distinct=True):
        r1, r2 = _sorted_rows(data, r1_all[items]), _sorted_rows(data, r2_all[items])
        layer1 = _ordered_unique(data.s[r1])
        layer2 = _ordered_unique(m_all[items][np.argsort(t1_all[items], kind="stable")])
        layer3 = _ordered_unique(data.t[r2])
        if min(len(layer1), len(layer2), len(layer3)) < min_width:
            continue
        rows_ep = _sorted_rows(data, np.concatenate([r1, r2]))
        ids = data.tx_id[rows_ep].tolist()
        amount = float(data.amount[rows_ep].sum())
        reused = len(set(layer1) & set(layer3))
        rule = (
            f"{len(layer1)} accounts paid {len(layer2)} middle accounts between "
            f"{_when(data.ts[r1[0]])} and {_when(data.ts[r1[-1]])}, which paid on to "
            f"{len(layer3)} accounts between {_when(data.ts[r2[0]])} and "
            f"{_when(data.ts[r2[-1]])}"
            + (f" ({reused} of them also first-layer payers)" if reused else "")
            + f" ({len(rows_ep)} payments totalling {_money(amount)}; rule: at least "
            f"{min_width} middle accounts each paying on within {_span(w)} of being paid, in "
            f"overlapping {_span(w)} windows)."
        )
        accounts = list(dict.fromkeys([*layer1, *layer2, *layer3]))
        out.append(
            {
                "typology": "stack",
                "pattern_id": _pattern_id("stack", "layered", ids),
                "accounts": [data.account(x) for x in accounts],
                "tx_ids": ids,
                "amount_total": amount,
                "start": data.ts[rows_ep[0]],
                "end": data.ts[rows_ep[-1]],
                "rule": rule,
            }
        )
    logger.info("stack: %d match(es)", len(out))
    return _finish(out)


def detect_stack(
    tx: pd.DataFrame,
    *,
    min_width: int = 2,
    window: str | pd.Timedelta = "7D",
    max_degree: int | None = 10,
    definition: str = "shared",
) -> pd.DataFrame:
    """Stack: two bipartite layers in a row, the payees of the first paying on as the second.

    Altman et al. (2023, §3.2): a bipartite pattern with an extra bipartite layer; AMLSim builds
    three layers of accounts, every account of layer 1 paying every account of layer 2 and
    every account of layer 2 paying every account of layer 3 (``finance/amlsim_ibm/SOURCE.md``).
    Definition used here: two bipartite matches A and B (see :func:`detect_bipartite`, with
    ``min_sources = min_targets = min_width``) form a stack when at least ``min_width`` payees
    of A are payers of B, and B's first payment comes no earlier than A's first and no later
    than ``window`` after A's last. One match per such pair; ``tx_ids`` holds the payments of
    both layers; ``accounts`` lists layer 1, then layer 2 (the payees of A), then layer 3.

    ``definition="layered"`` is AMLworld's stack, whose layers are often one-to-one (disjoint
    two-hop relays a -> b -> c): a *relay* is a payment a -> m at t1 and a payment m -> c at
    t2 with t1 <= t2 <= t1 + ``window`` (m, a middle account, receives in the first layer and
    pays in the second). A match is a time episode of relays (windows [t1, t1 + ``window``]
    with at least ``min_width`` distinct middle accounts, overlapping ones merged) with at
    least ``min_width`` accounts in each layer; its payments are those of its relays. A
    first-layer payer may also be paid in the second layer (AMLworld draws each layer from the
    entity's accounts: 14 of its 43 HI-Small stacks reuse an account, 12 of them round trips a
    -> b -> a). **Like the disjoint bipartite, a shape check for a set of payments already
    grouped**: on a whole ledger every payment passed on within the window is a relay.

    Parameters
    ----------
    tx : pandas.DataFrame
        Transactions (see the module docstring).
    min_width : int
        Least number of accounts in each layer, and of layer-2 accounts the two layers share
        (>= 2; >= 1 with ``definition="layered"``, where 1 makes every relay a match).
    window : str or pandas.Timedelta
        Window of each bipartite layer, and the longest gap from the first layer's end to the
        second layer's start; with ``definition="layered"``, the longest time a middle account
        holds the funds and the window of the episodes.
    max_degree : int or None
        Leave out hub accounts, as in :func:`detect_bipartite`.
    definition : str
        ``"shared"`` (two bipartite matches, above) or ``"layered"`` (AMLworld's).

    Returns
    -------
    pandas.DataFrame
        One row per match, columns :data:`RESULT_COLUMNS`.

    Examples
    --------
    >>> import pandas as pd
    >>> src = ["a", "a", "b", "b", "m", "m", "n", "n"]
    >>> dst = ["m", "n", "m", "n", "x", "y", "x", "y"]
    >>> tx = pd.DataFrame({"tx_id": range(8), "source": src, "target": dst,
    ...     "amount": [10.0] * 8,
    ...     "timestamp": pd.date_range("2024-01-01", periods=8, freq="6h")})
    >>> detect_stack(tx)["accounts"].tolist()
    [['a', 'b', 'm', 'n', 'x', 'y']]
    """
    layered = _check_definition(definition, ("shared", "layered")) == "layered"
    min_width = _positive_int(min_width, "min_width", 1 if layered else 2)
    w = _window(window)
    if max_degree is not None:
        max_degree = _positive_int(max_degree, "max_degree")
    data = _Tx.of(tx)
    if layered:
        return _layered_stack(data, min_width, w, max_degree)
    blocks = _bipartite_blocks(data, min_width, min_width, w, max_degree)
    if len(blocks) < 2:
        return _empty()
    payees = pd.DataFrame(
        [(i, a) for i, (_, dst, _) in enumerate(blocks) for a in dst.tolist()],
        columns=["a", "account"],
    )
    payers = pd.DataFrame(
        [(i, a) for i, (src, _, _) in enumerate(blocks) for a in src.tolist()],
        columns=["b", "account"],
    )
    shared = payees.merge(payers, on="account").query("a != b")
    shared = shared.groupby(["a", "b"]).size()
    shared = shared[shared >= min_width]
    out: list[dict[str, Any]] = []
    for a, b in shared.index:
        src_a, dst_a, rows_a = blocks[a]
        src_b, dst_b, rows_b = blocks[b]
        t0_a, t1_a, t0_b = data.us[rows_a[0]], data.us[rows_a[-1]], data.us[rows_b[0]]
        if not (t0_a <= t0_b <= t1_a + _us(w)):
            continue
        rows = _sorted_rows(data, np.concatenate([rows_a, rows_b]))
        layer1 = src_a.tolist()
        layer2 = [x for x in dst_a.tolist() if x not in layer1]
        seen = set(layer1) | set(layer2)
        layer3 = [x for x in [*src_b.tolist(), *dst_b.tolist()] if x not in seen]
        ids = data.tx_id[rows].tolist()
        amount = float(data.amount[rows].sum())
        rule = (
            f"{len(layer1)} accounts paid {len(dst_a)} accounts between "
            f"{_when(data.ts[rows_a[0]])} and {_when(data.ts[rows_a[-1]])}, and "
            f"{int(shared[(a, b)])} of those paid on, with others, to {len(dst_b)} accounts "
            f"between {_when(data.ts[rows_b[0]])} and {_when(data.ts[rows_b[-1]])} "
            f"({len(rows)} payments totalling {_money(amount)}; rule: two bipartite layers of "
            f"at least {min_width} accounts, sharing at least {min_width} middle accounts, the "
            f"second starting within {_span(w)} of the end of the first)."
        )
        out.append(
            {
                "typology": "stack",
                "pattern_id": _pattern_id("stack", "", ids),
                "accounts": [data.account(x) for x in [*layer1, *layer2, *layer3]],
                "tx_ids": ids,
                "amount_total": amount,
                "start": data.ts[rows[0]],
                "end": data.ts[rows[-1]],
                "rule": rule,
            }
        )
    logger.info("stack: %d match(es)", len(out))
    return _finish(out)


# --------------------------------------------------------------------------------------------
# Random layering, chain layering
# --------------------------------------------------------------------------------------------
def _relay_links(
    data: _Tx,
    hold: pd.Timedelta,
    max_degree: int | None,
    max_cut: float | None,
    time_order: bool = True,
) -> np.ndarray:
    """``nxt[i]``: the payment that passes payment i on (or -1); see
    :func:`detect_random_layering`."""
    key = ("relay", _us(hold), max_degree, max_cut, time_order)
    if key in data.cache:
        return data.cache[key]  # type: ignore[return-value]
    nxt = np.full(data.n, -1, dtype=np.int64)
    rows, _ = _non_hub_rows(data, _us(hold), max_degree)
    if len(rows):
        local = relay_links(
            data.s[rows],
            data.t[rows],
            data.us[rows],
            data.rank[rows],
            data.amount[rows],
            _us(hold),
            max_cut,
            time_order,
        )
        linked = local >= 0
        nxt[rows[linked]] = rows[local[linked]]
    data.cache[key] = nxt  # type: ignore[assignment]
    return nxt


def _layering(
    tx: pd.DataFrame,
    typology: str,
    min_hops: int,
    hold: str | pd.Timedelta,
    max_degree: int | None,
    max_cut: float | None,
    time_order: bool = True,
) -> pd.DataFrame:
    min_hops = _positive_int(min_hops, "min_hops", 1)
    h = _window(hold)
    if max_degree is not None:
        max_degree = _positive_int(max_degree, "max_degree")
    data = _Tx.of(tx)
    simple = typology == "chain"
    nxt = _relay_links(data, h, max_degree, max_cut, time_order)
    linked = nxt >= 0
    has_prev = np.zeros(data.n, dtype=bool)
    has_prev[nxt[linked]] = True
    heads = linked & ~has_prev
    if min_hops == 1:  # payments passed on by none and passing on none are walks of one
        rows, _ = _non_hub_rows(data, _us(h), max_degree)
        alone = np.zeros(data.n, dtype=bool)
        alone[rows] = True
        heads |= alone & ~linked & ~has_prev
    seg, rows = walk_segments(np.flatnonzero(heads), nxt, data.s, data.t, simple=simple)
    sizes = np.bincount(seg, minlength=int(seg[-1]) + 1 if len(seg) else 0)
    kept = sizes[seg] >= min_hops
    seg, rows = seg[kept], rows[kept]
    if len(seg) == 0:
        logger.info("%s: 0 match(es)", typology)
        return _empty()
    new = np.r_[True, seg[1:] != seg[:-1]]
    match = np.cumsum(new) - 1
    m = int(match[-1]) + 1
    starts = np.flatnonzero(new)
    last = np.r_[starts[1:], len(rows)] - 1
    # the flow: the first payer, then each payee
    path = np.insert(data.t[rows], starts, data.s[rows[starts]])
    path_match = np.insert(match, starts, match[starts])
    path_starts = starts + np.arange(m)
    p_match, firsts = _flat_unique(path_match, path)
    accounts = _split(data.names[firsts], _starts(p_match, m))
    flows = [" -> ".join(map(str, x)) for x in _split(data.names[path], path_starts)]
    amounts = np.add.reduceat(data.amount[rows], starts)
    start_us, end_us = data.us[rows[starts]], data.us[rows[last]]
    if simple:
        what = (
            f"each account passing on between {100 * (1 - max_cut):.0f}% and 100% "  # type: ignore[operator]
            f"of what it received"
        )
        rule_text = (
            f"simple path of at least {min_hops} payments, each passed on within "
            f"{_span(h)} keeping at most {100 * max_cut:.0f}%"  # type: ignore[operator]
        )
    else:
        what = "each payee paying on"
        rule_text = (
            f"walk of at least {min_hops} payments not returning to its first "
            f"account, each payee paying on within {_span(h)}"
            + ("" if time_order else " before or after being paid")
        )
    rules = [
        f"Funds moved along {k} payments ({flow}), {what}, totalling {_money(a)} between "
        f"{t0} and {t1} (rule: {rule_text})."
        for k, flow, a, t0, t1 in zip(
            (last - starts + 1).tolist(),
            flows,
            amounts.tolist(),
            _whens(start_us),
            _whens(end_us),
            strict=True,
        )
    ]
    logger.info("%s: %d match(es)", typology, m)
    return _frame(
        typology, _split(data.tx_id[rows], starts), accounts, amounts, start_us, end_us, rules
    )


def detect_random_layering(
    tx: pd.DataFrame,
    *,
    min_hops: int = 3,
    hold: str | pd.Timedelta = "2D",
    max_degree: int | None = 50,
    require_time_order: bool = True,
) -> pd.DataFrame:
    """Random layering: funds passed on from account to account, never coming back.

    Altman et al. (2023, §3.2): like a cycle, but the funds do not return; AMLSim builds it as
    a random walk among the laundering entity's accounts, each next originator being the
    previous beneficiary (``finance/amlsim_ibm/SOURCE.md``). Definition used here: payment
    e2 = (b -> c, t2) *passes on* payment e1 = (a -> b, t1) when e2 is b's first payment after
    e1 with t1 <= t2 <= t1 + ``hold``, and e1 is b's last payment received before e2 (each
    payment is passed on by at most one payment, and passes on at most one). A match is a
    maximal sequence of at least ``min_hops`` payments, each passing on the one before, cut
    where it pays back its first account (that is a cycle, see :func:`detect_cycles`).
    Accounts other than the first may recur. ``accounts`` lists the accounts in flow order.

    Without ``require_time_order``, e2 passes on e1 when e2 is b's payment nearest in time to
    e1 (before or after it, ``|t2 - t1| <= hold``) and e1 is b's receipt nearest to e2: the walk
    follows the accounts, not the clock. AMLworld builds its random walks so (in one of its 41
    HI-Small walks, account b pays on before it is paid), as it does its cycles (see
    :func:`detect_cycles`).

    Parameters
    ----------
    tx : pandas.DataFrame
        Transactions (see the module docstring).
    min_hops : int
        Least number of payments. 1 is allowed (13 of AMLworld's HI-Small random walks are
        "Max 1 hops", one payment), but then every payment is a match.
    hold : str or pandas.Timedelta
        Longest time an account holds the funds before paying them on.
    max_degree : int or None
        Leave out hub accounts (more than ``max_degree`` distinct counterparties within
        ``hold``): a merchant's takings and payouts are not a walk. None keeps every account.
    require_time_order : bool
        Whether each payment must come after the one it passes on.

    Returns
    -------
    pandas.DataFrame
        One row per match, columns :data:`RESULT_COLUMNS`.

    Notes
    -----
    Each payment is matched with its payee's next payments within ``hold`` by binary search in
    a compiled loop, then mutual-nearest selection, so chains are disjoint and found in one
    pass. No amount condition (AMLworld amounts change currency along a walk);
    :func:`detect_chain_layering` adds one.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({
    ...     "tx_id": range(4), "source": ["a", "b", "c", "d"],
    ...     "target": ["b", "c", "d", "e"], "amount": [100.0, 30.0, 500.0, 20.0],
    ...     "timestamp": pd.date_range("2024-01-01", periods=4, freq="10h")})
    >>> detect_random_layering(tx)["accounts"].tolist()
    [['a', 'b', 'c', 'd', 'e']]
    >>> len(detect_random_layering(tx, hold="5h"))
    0
    """
    return _layering(tx, "random", min_hops, hold, max_degree, None, require_time_order)


def detect_chain_layering(
    tx: pd.DataFrame,
    *,
    min_hops: int = 3,
    hold: str | pd.Timedelta = "2D",
    max_cut: float = 0.1,
    max_degree: int | None = 50,
) -> pd.DataFrame:
    """Chain layering: the same funds relayed along a path of accounts, each keeping a cut.

    The layering chain of money mules (a peel chain on bank accounts): a random walk (see
    :func:`detect_random_layering`) whose amounts are kept, as AMLSim builds its cycles and
    scatter-gathers, each hop smaller by a margin (``margin_ratio``). Definition used here: as
    in :func:`detect_random_layering`, but a payment e2 passes on e1 only when
    ``(1 - max_cut) * amount(e1) <= amount(e2) <= amount(e1)``, and the path is simple: it is
    cut where it reaches an account already on it. ``accounts`` lists the accounts in flow
    order.

    Parameters
    ----------
    tx : pandas.DataFrame
        Transactions (see the module docstring; amounts in one currency).
    min_hops : int
        Least number of payments (1 makes every payment a match).
    hold : str or pandas.Timedelta
        Longest time an account holds the funds before paying them on.
    max_cut : float
        Largest share of what it received an intermediary may keep (0 <= max_cut < 1).
    max_degree : int or None
        Leave out hub accounts, as in :func:`detect_random_layering`.

    Returns
    -------
    pandas.DataFrame
        One row per match, columns :data:`RESULT_COLUMNS`.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({
    ...     "tx_id": range(4), "source": ["a", "b", "c", "d"],
    ...     "target": ["b", "c", "d", "e"], "amount": [1000.0, 980.0, 950.0, 400.0],
    ...     "timestamp": pd.date_range("2024-01-01", periods=4, freq="10h")})
    >>> hits = detect_chain_layering(tx)
    >>> hits["accounts"].tolist(), hits["amount_total"].tolist()
    ([['a', 'b', 'c', 'd']], [2930.0])
    """
    if not (isinstance(max_cut, int | float) and 0 <= max_cut < 1):
        raise InvalidValue(max_cut, "a number in [0, 1) for max_cut")
    return _layering(tx, "chain", min_hops, hold, max_degree, float(max_cut))


# --------------------------------------------------------------------------------------------
# All rules
# --------------------------------------------------------------------------------------------
_DETECTORS: dict[str, Callable[..., pd.DataFrame]] = {
    "fan_out": detect_fan_out,
    "fan_in": detect_fan_in,
    "gather_scatter": detect_gather_scatter,
    "scatter_gather": detect_scatter_gather,
    "cycle": detect_cycles,
    "structuring": detect_structuring,
    "bipartite": detect_bipartite,
    "stack": detect_stack,
    "random": detect_random_layering,
    "chain": detect_chain_layering,
}


@paused_gc
def detect_all(
    tx: pd.DataFrame,
    *,
    typologies: tuple[str, ...] | list[str] = TYPOLOGIES,
    **params: Any,
) -> pd.DataFrame:
    """Run every typology rule and stack the matches.

    Parameters
    ----------
    tx : pandas.DataFrame
        Transactions (see the module docstring).
    typologies : sequence of str
        Which rules to run (names from :data:`TYPOLOGIES`).
    **params
        Parameters passed on to every rule that accepts them: ``min_degree`` and ``window``
        (fan rules, gather-scatter, scatter-gather), ``min_out_degree`` and
        ``self_transfers`` (gather-scatter), ``require_time_order`` and ``allow_return``
        (scatter-gather), ``window``, ``min_length``, ``max_length``, ``require_time_order``,
        ``max_degree``, ``max_paths`` (cycles), ``threshold``, ``margin``, ``min_count`` and
        ``window`` (structuring), ``min_sources``, ``min_targets``, ``min_edges``,
        ``definition``, ``window``, ``max_degree`` (bipartite), ``min_width``, ``definition``,
        ``window``, ``max_degree`` (stack), ``min_hops``, ``hold``, ``max_degree`` (random,
        chain), ``require_time_order`` (random) and ``max_cut`` (chain). A parameter meant for
        one rule only can be given as ``<typology>__<name>``, e.g. ``cycle__window="3D"``,
        ``structuring__window="30D"`` or ``stack__definition="layered"`` (``definition`` takes
        different values in bipartite and stack); it wins over the shared one.

    Returns
    -------
    pandas.DataFrame
        One row per match, columns :data:`RESULT_COLUMNS`, sorted by start time and pattern id.
        ``attrs["truncated"]`` tells whether the cycle search was cut short.

    Raises
    ------
    InvalidValue
        An unknown typology or parameter name.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({
    ...     "tx_id": range(5), "source": ["a", "b", "c", "d", "d"],
    ...     "target": ["b", "c", "a", "e", "e"], "amount": [10.0, 10.0, 10.0, 9900.0, 9950.0],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03",
    ...                                  "2024-01-01", "2024-01-02"])})
    >>> detect_all(tx, min_degree=2, structuring__min_count=2)["typology"].tolist()
    ['cycle', 'structuring', 'structuring']
    """
    unknown = [t for t in typologies if t not in _DETECTORS]
    if unknown:
        raise InvalidValue(unknown, f"typology names from {', '.join(TYPOLOGIES)}")
    accepted: dict[str, set[str]] = {
        name: set(inspect.signature(fn).parameters) - {"tx"} for name, fn in _DETECTORS.items()
    }
    shared = {k: v for k, v in params.items() if "__" not in k}
    specific: dict[str, dict[str, Any]] = {name: {} for name in _DETECTORS}
    for key, value in params.items():
        if "__" in key:
            name, _, param = key.partition("__")
            if name not in _DETECTORS or param not in accepted[name]:
                raise InvalidValue(key, "a '<typology>__<parameter>' of an existing rule")
            specific[name][param] = value
    everything = set().union(*accepted.values())
    bad = [k for k in shared if k not in everything]
    if bad:
        raise InvalidValue(
            bad, f"parameters of the typology rules ({', '.join(sorted(everything))})"
        )
    data = _Tx.of(tx)  # validated once; fan episodes are shared between rules
    frames = []
    truncated = False
    for name in TYPOLOGIES:
        if name not in typologies:
            continue
        kwargs = {k: v for k, v in shared.items() if k in accepted[name]} | specific[name]
        result = _DETECTORS[name](data, **kwargs)
        truncated |= bool(result.attrs.get("truncated", False))
        if len(result):
            frames.append(result)
    if not frames:
        out = _empty()
    else:
        out = pd.concat(frames, ignore_index=True)
        out = out.sort_values(["start", "pattern_id"], kind="stable").reset_index(drop=True)
    out.attrs["truncated"] = truncated
    return out
