"""Graph features of a transactions table, per transaction and per account, for machine learning.

In the spirit of IBM's Graph Feature Preprocessor (Blanuša et al. 2024): every transaction gets
the statistics of the accounts at both of its ends as they stood when it happened (how many
payments each end made and received in a time window before it, to how many distinct
counterparties, how much money), and counts of the laundering shapes it and its accounts take
part in (fans, scatter-gather, gather-scatter, short time-respecting cycles, structuring, found by
:mod:`cybertnoc.domains.laundering.typologies`). A gradient-boosting model on such features is a
strong baseline on the IBM AML data (Altman et al. 2023, Blanuša et al. 2024).

Everything windowed is computed with DuckDB window functions over one table of 2n *events*
(each transfer is an outgoing event of its source and an incoming event of its target), so that
millions of transactions fit in a few GB; the results are deterministic (ties in time are broken
by input order).

Input
-----
The transactions table of :mod:`~cybertnoc.domains.laundering.typologies`: columns ``tx_id``
(unique), ``source``, ``target``, ``amount`` (numeric) and ``timestamp`` (``datetime64``; aware
timestamps are compared in UTC). Unlike the typology rules, every row gets features, so rows with
a missing account or time are refused; self-transfers are kept (they take part in no pattern).

Time windows
------------
"In the window ``w`` before a transaction at time t" means in [t - w, t], both included: the
transaction itself and every other one at the same time count. Nothing later than t enters a
windowed feature. Two groups look ahead: the *pattern* counts (a pattern is known only once it is
complete, so a transaction's count includes patterns completed by later transactions, up to the
detectors' window after it) and the *account totals* (whole-table statistics of both ends). Both
suit screening a ledger after the fact, as an analyst does; for scoring payments as they arrive,
compute them on the ledger up to the scoring time (see docs/laundering-ml.md on leakage).

References
----------
.. [1] Blanuša, J., Cravero Baraja, M., Anghel, A., von Niederhäusern, L., Altman, E., Pozidis, H.
   & Atasu, K. (2024). Graph Feature Preprocessor: Real-time Subgraph-based Feature Extraction
   for Financial Crime Detection. Proceedings of the 5th ACM International Conference on AI in
   Finance (ICAIF '24). arXiv:2402.08593.
.. [2] Altman, E., Blanuša, J., von Niederhäusern, L., Egressy, B., Anghel, A. & Atasu, K. (2023).
   Realistic Synthetic Financial Transactions for Anti-Money Laundering Models. NeurIPS 2023
   Datasets and Benchmarks. arXiv:2306.16424.
.. [3] Weber, M., Domeniconi, G., Chen, J., Weidele, D. K. I., Bellei, C., Robinson, T. &
   Leiserson, C. E. (2019). Anti-Money Laundering in Bitcoin: Experimenting with Graph
   Convolutional Networks for Financial Forensics. KDD Workshop on Anomaly Detection in Finance.
   arXiv:1908.02591.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import chain, repeat
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from cybertnoc.domains.laundering._windows import backward_stats, cores, distinct, paused_gc
from cybertnoc.domains.laundering.typologies import REQUIRED_COLUMNS, TYPOLOGIES, detect_all
from cybertnoc.errors import InvalidValue

__all__ = [
    "DEFAULT_PATTERN_PARAMS",
    "DEFAULT_WINDOWS",
    "account_features",
    "feature_columns",
    "transaction_features",
]

logger = logging.getLogger(__name__)

#: Windows of the windowed account statistics (one set of columns per window).
DEFAULT_WINDOWS: tuple[str, ...] = ("1D", "7D")
#: Parameters of the typology rules that count patterns. Lower than the screening defaults of
#: :mod:`cybertnoc.domains.laundering.analysis` (``min_degree=5``): a feature is a count for a
#: model to weigh, not an alert for an analyst, so smaller shapes are worth counting too.
DEFAULT_PATTERN_PARAMS: dict[str, Any] = {
    "min_degree": 3,
    "window": "7D",
    "cycle__max_length": 6,
}

_US_PER_SECOND = 1_000_000


def _suffix(window: pd.Timedelta) -> str:
    """'1D' -> '1d', '48h' -> '48h', '90min' -> '90m' (column-name friendly)."""
    seconds = int(window.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0 and seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _windows(windows: Sequence[str | pd.Timedelta]) -> list[pd.Timedelta]:
    if isinstance(windows, str | pd.Timedelta):
        windows = [windows]
    out = []
    for w in windows:
        try:
            td = pd.Timedelta(w)
        except (ValueError, TypeError) as exc:
            raise InvalidValue(w, "a time span such as '1D', '48h' or a pandas Timedelta") from exc
        if pd.isna(td) or td < pd.Timedelta(seconds=1):
            raise InvalidValue(w, "a time span of at least one second")
        out.append(td)
    if len({_suffix(w) for w in out}) != len(out):
        raise InvalidValue([str(w) for w in windows], "distinct windows")
    return out


def _validate(tx: pd.DataFrame) -> tuple[pd.DataFrame, Any]:
    """Integer-coded copy: ``i`` (row), ``s``, ``t`` (account codes), ``us``, ``amount``; and
    the account ids by code."""
    if not isinstance(tx, pd.DataFrame):
        raise InvalidValue(type(tx).__name__, "a pandas DataFrame of transactions")
    missing = [c for c in REQUIRED_COLUMNS if c not in tx.columns]
    if missing:
        raise InvalidValue(
            missing,
            f"present in the transactions table (required: {', '.join(REQUIRED_COLUMNS)}; "
            f"found: {', '.join(map(str, tx.columns))})",
        )
    ts = tx["timestamp"]
    if not pd.api.types.is_datetime64_any_dtype(ts):
        raise InvalidValue(
            str(ts.dtype),
            "a datetime64 dtype for column 'timestamp'",
            "Convert it with pandas.to_datetime(tx['timestamp']).",
        )
    if not pd.api.types.is_numeric_dtype(tx["amount"]):
        raise InvalidValue(str(tx["amount"].dtype), "a numeric dtype for column 'amount'")
    if tx["tx_id"].isna().any() or tx["tx_id"].duplicated().any():
        raise InvalidValue(
            tx["tx_id"][tx["tx_id"].duplicated(keep=False) | tx["tx_id"].isna()][:5].tolist(),
            "unique, non-missing transaction ids in column 'tx_id'",
        )
    bad = tx["source"].isna() | tx["target"].isna() | ts.isna() | tx["amount"].isna()
    if bad.any():
        raise InvalidValue(
            tx.loc[bad, "tx_id"][:5].tolist(),
            "a source, target, amount and timestamp on every row (features are computed for "
            f"every transaction; {int(bad.sum())} row(s) lack one)",
            "Drop those rows first, e.g. tx.dropna(subset=['source', 'target', 'amount', "
            "'timestamp']).",
        )
    if isinstance(ts.dtype, pd.DatetimeTZDtype):
        ts = ts.dt.tz_convert("UTC").dt.tz_localize(None)
    codes, uniques = pd.factorize(pd.concat([tx["source"], tx["target"]], ignore_index=True))
    n = len(tx)
    coded = pd.DataFrame(
        {
            "i": np.arange(n, dtype=np.int64),
            "s": codes[:n].astype(np.int64),
            "t": codes[n:].astype(np.int64),
            "us": ts.astype("datetime64[us]").to_numpy().astype(np.int64),
            "amount": tx["amount"].to_numpy(dtype=float),
        }
    )
    return coded, uniques


def _events_sql() -> str:
    return """
        CREATE TEMP TABLE ev AS
        SELECT i, s AS acct, t AS other, us, amount, 0 AS inbound FROM tx
        UNION ALL
        SELECT i, t AS acct, s AS other, us, amount, 1 AS inbound FROM tx
    """


class _Events:
    """Each transfer seen from both ends (an outgoing event of its source, an incoming one of
    its target), sorted by account, then time: the input of the windowed statistics. Event i
    (< n) is transfer i's outgoing event, event n + i its incoming one."""

    def __init__(self, coded: pd.DataFrame) -> None:
        n = len(coded)
        s, t = coded["s"].to_numpy(), coded["t"].to_numpy()
        us = coded["us"].to_numpy()
        rank = np.empty(n, dtype=np.int64)
        rank[np.argsort(us, kind="stable")] = np.arange(n)
        acct = np.concatenate([s, t])
        order = np.argsort(acct * max(n, 1) + np.concatenate([rank, rank]))
        self.n = n
        self.order = order
        self.acct, self.us = acct[order], np.concatenate([us, us])[order]
        self.other = np.concatenate([t, s])[order]
        self.amount = np.concatenate([coded["amount"].to_numpy()] * 2)[order]
        self.inbound = (order >= n).astype(np.int64)


def _window_stats(events: _Events, window: pd.Timedelta) -> dict[str, np.ndarray]:
    """Both ends' windowed statistics per transaction, one column per (end, direction, stat),
    in transaction order."""
    w_us = int(window / pd.Timedelta(microseconds=1))
    sfx = _suffix(window)
    count, total, top, fan = backward_stats(
        events.acct,
        events.us,
        events.other,
        events.amount,
        events.inbound,
        w_us,
        dest=events.order,  # results in event order: transfer i's source, then its target
    )
    n = events.n
    cols = {}
    for end, part in (("src", slice(0, n)), ("dst", slice(n, 2 * n))):
        for d, direction in enumerate(("out", "in")):
            c, tot = count[d, part], total[d, part]
            cols[f"{end}_{direction}_count_{sfx}"] = c
            cols[f"{end}_{direction}_fan_{sfx}"] = fan[d, part]
            cols[f"{end}_{direction}_sum_{sfx}"] = tot
            cols[f"{end}_{direction}_mean_{sfx}"] = np.divide(
                tot, c, out=np.zeros_like(tot), where=c > 0, dtype=np.float64
            )
            cols[f"{end}_{direction}_max_{sfx}"] = top[d, part]
    order = [
        f"{end}_{direction}_{stat}_{sfx}"
        for end in ("src", "dst")
        for direction in ("out", "in")
        for stat in ("count", "fan", "sum", "mean", "max")
    ]
    return {k: cols[k] for k in order}


def _account_totals(coded: pd.DataFrame) -> pd.DataFrame:
    """Whole-table statistics per account code (index ``acct``, codes ``0..``)."""
    s, t = coded["s"].to_numpy(), coded["t"].to_numpy()
    amount, us = coded["amount"].to_numpy(dtype=float), coded["us"].to_numpy()
    m = int(max(s.max(), t.max())) + 1 if len(s) else 0
    cols: dict[str, np.ndarray] = {}
    for direction, own, other in (("out", s, t), ("in", t, s)):
        count = np.bincount(own, minlength=m).astype(float)
        pairs = distinct(own * max(m, 1) + other)
        cols[f"{direction}_count"] = count
        cols[f"{direction}_fan"] = np.bincount(pairs // max(m, 1), minlength=m).astype(float)
        total = np.bincount(own, weights=amount, minlength=m)
        cols[f"{direction}_sum"] = total
        cols[f"{direction}_mean"] = np.divide(
            total, count, out=np.zeros_like(total), where=count > 0
        )
        top = np.zeros(m)
        np.maximum.at(top, own, amount)
        cols[f"{direction}_max"] = np.where(count > 0, top, 0.0)
    first = np.full(m, np.iinfo(np.int64).max)
    last = np.full(m, np.iinfo(np.int64).min)
    for own in (s, t):
        np.minimum.at(first, own, us)
        np.maximum.at(last, own, us)
    cols["active_days"] = (last - first) / 86400e6
    names = [
        "out_count",
        "in_count",
        "out_fan",
        "in_fan",
        "out_sum",
        "out_mean",
        "out_max",
        "in_sum",
        "in_mean",
        "in_max",
        "active_days",
    ]
    return pd.DataFrame({k: cols[k] for k in names}, index=pd.RangeIndex(m, name="acct"))


def _lag_stats(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Seconds since an account's previous payments, and repeats of the same pair."""
    query = """
        SELECT i, inbound,
            us - MAX(us) FILTER (WHERE inbound = 1) OVER before AS since_in,
            us - MAX(us) FILTER (WHERE inbound = 0) OVER before AS since_out
        FROM ev
        WINDOW before AS (PARTITION BY acct ORDER BY us, i, inbound
                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
    """
    frame = con.execute(query).df()
    src = frame[frame["inbound"] == 0].set_index("i").sort_index()
    dst = frame[frame["inbound"] == 1].set_index("i").sort_index()
    pair = (
        con.execute(
            """
        SELECT i, COUNT(*) OVER (PARTITION BY s, t ORDER BY us, i
                                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS n
        FROM tx
        """
        )
        .df()
        .set_index("i")
        .sort_index()
    )
    return pd.DataFrame(
        {
            # money in, then out: how long funds stayed with the payer (NaN: nothing came in)
            "src_seconds_since_in": src["since_in"].to_numpy(dtype=float) / _US_PER_SECOND,
            "src_seconds_since_out": src["since_out"].to_numpy(dtype=float) / _US_PER_SECOND,
            "dst_seconds_since_in": dst["since_in"].to_numpy(dtype=float) / _US_PER_SECOND,
            "pair_previous_count": pair["n"].to_numpy(dtype=float),
        },
        index=src.index,
    )


def _pattern_matches(
    tx: pd.DataFrame, patterns: Sequence[str], params: Mapping[str, Any] | None
) -> pd.DataFrame:
    if not patterns:
        return pd.DataFrame(columns=["typology", "tx_ids", "accounts"])
    unknown = [p for p in patterns if p not in TYPOLOGIES]
    if unknown:
        raise InvalidValue(unknown, f"typology names from {', '.join(TYPOLOGIES)}")
    settings = {**DEFAULT_PATTERN_PARAMS, **(params or {})}
    matches = detect_all(tx[list(REQUIRED_COLUMNS)], typologies=list(patterns), **settings)
    if matches.attrs.get("truncated"):
        logger.warning("the cycle search was cut short: cycle counts are lower bounds")
    logger.info("pattern features: %d match(es)", len(matches))
    return matches


def _clean_name(typology: str) -> str:
    return re.sub(r"[^a-z0-9_]", "_", typology.lower())


@paused_gc
def transaction_features(
    tx: pd.DataFrame,
    *,
    windows: Sequence[str | pd.Timedelta] = DEFAULT_WINDOWS,
    patterns: Sequence[str] = TYPOLOGIES,
    pattern_params: Mapping[str, Any] | None = None,
    account_totals: bool = True,
    lags: bool = False,
    matches: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Graph features of every transaction.

    Columns, for each window ``w`` of ``windows`` (suffix ``_1d``, ``_7d``, ...) and each end
    ``src`` (the payer) and ``dst`` (the payee) of the transaction, over the end account's
    payments in [t - w, t] (see the module docstring):

    - ``{end}_out_count_{w}``, ``{end}_in_count_{w}``: payments made, received (degrees of the
      account in the window graph);
    - ``{end}_out_fan_{w}``, ``{end}_in_fan_{w}``: distinct accounts paid, distinct accounts
      paying (the temporal fan-out and fan-in of Blanuša et al. 2024);
    - ``{end}_{out,in}_{sum,mean,max}_{w}``: amounts made, received.

    Then, without a window:

    - ``amount``, ``amount_whole`` (1.0 when the amount has no cents), ``hour`` and ``weekday``
      (UTC);
    - with ``account_totals``: ``{end}_total_{stat}`` for every column of
      :func:`account_features` (``out_count``, ``in_fan``, ``out_sum``, ``active_days``...) of
      the end account over the **whole table** (a look-ahead: the account's profile as the
      ledger shows it at the end; this is what tells a payroll account from a laundering fan);
    - with ``lags``: ``src_seconds_since_in`` (how long ago the payer last received money: a
      short time is pass-through), ``src_seconds_since_out``, ``dst_seconds_since_in`` (NaN where
      there was no such payment before), ``pair_previous_count`` (earlier payments from the same
      payer to the same payee: recurring bills and salaries). Off by default: on a ledger of a
      few weeks they are missing or small at its start and larger later, a drift between the
      training and test periods that lowered the F1 on every synthetic seed measured;
    - for each typology ``p`` of ``patterns``: ``tx_{p}`` (matches of the rule that contain the
      transaction), ``src_{p}`` and ``dst_{p}`` (matches that involve the payer, the payee). These
      counts come from :func:`~cybertnoc.domains.laundering.typologies.detect_all` on the whole
      table and so look ahead by up to the rules' window (a cycle is known once it closes).

    Parameters
    ----------
    tx : pandas.DataFrame
        Transactions: ``tx_id, source, target, amount, timestamp`` (module docstring).
    windows : sequence of str or pandas.Timedelta
        Windows of the windowed statistics.
    patterns : sequence of str
        Typologies to count (names from
        :data:`~cybertnoc.domains.laundering.typologies.TYPOLOGIES`); empty for none (much
        faster on large tables: the windowed statistics alone are a few DuckDB passes).
    pattern_params : mapping, optional
        Rule parameters for ``detect_all``, over :data:`DEFAULT_PATTERN_PARAMS`.
    account_totals : bool
        Add the whole-table statistics of both end accounts.
    lags : bool
        Add the time-since and repeated-pair features.
    matches : pandas.DataFrame, optional
        Matches already found on ``tx`` by
        :func:`~cybertnoc.domains.laundering.typologies.detect_all` (a screening run): the
        pattern counts are taken from them instead of running the rules again, and
        ``pattern_params`` is not used. Typologies of ``patterns`` absent from them count 0.

    Returns
    -------
    pandas.DataFrame
        ``tx_id`` and the features, one row per transaction in the input order (index reset).
        Counts (payments, counterparties, pattern matches, ``hour``, ``weekday``,
        ``amount_whole``) are float32, exact up to 16,777,216; amounts are float64: 548 bytes a
        row with the defaults (2.7 GB for 5 million transactions).

    Raises
    ------
    InvalidValue
        A missing column, a wrong dtype, duplicate ids, a row without account, amount or time,
        a bad window or typology name.

    References
    ----------
    Blanuša et al. (2024), Altman et al. (2023); see the module docstring.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({
    ...     "tx_id": [1, 2, 3], "source": ["a", "a", "b"], "target": ["b", "c", "c"],
    ...     "amount": [10.0, 20.5, 5.0],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-10"])})
    >>> f = transaction_features(tx, windows=["7D"], patterns=["fan_out"],
    ...                          pattern_params={"min_degree": 2})
    >>> f["src_out_fan_7d"].tolist(), f["dst_in_count_7d"].tolist(), f["tx_fan_out"].tolist()
    ([1.0, 2.0, 1.0], [1.0, 1.0, 1.0], [1.0, 1.0, 0.0])
    >>> f["src_total_out_count"].tolist()  # a pays twice over the whole table
    [2.0, 2.0, 1.0]
    >>> g = transaction_features(tx, windows=["1D"], patterns=[], account_totals=False, lags=True)
    >>> g["src_seconds_since_in"].tolist()[2]  # b was paid 9 days before it paid c
    777600.0
    """
    spans = _windows(windows)
    coded, accounts = _validate(tx)
    patterns = list(patterns)
    if patterns:  # first: the rules' working memory is freed before the columns are made
        if matches is None:
            matches = _pattern_matches(tx, patterns, pattern_params)
        else:
            matches = _given_matches(matches, patterns)
    us = coded["us"].to_numpy()  # microseconds since the epoch, UTC
    amount = coded["amount"].to_numpy()
    # one dict of columns, made into a frame without copying (a frame of 5 million rows and
    # about 100 columns is 4 GB: a consolidating copy would double the peak memory)
    cols: dict[str, np.ndarray] = {
        "tx_id": tx["tx_id"].to_numpy(),
        "amount": amount,
        "amount_whole": (np.round(amount * 100) % 100 == 0).astype(np.float32),
        "hour": ((us // 3_600_000_000) % 24).astype(np.float32),
        # 1970-01-01 was a Thursday (Monday = 0, as pandas' day_of_week)
        "weekday": ((us // 86_400_000_000 + 3) % 7).astype(np.float32),
    }
    events = _Events(coded)
    # one window per thread: the compiled pass releases the interpreter lock
    with ThreadPoolExecutor(max_workers=max(1, min(len(spans), cores()))) as pool:
        for block in pool.map(_window_stats, repeat(events), spans):
            cols.update(block)
    del events
    if lags:
        with duckdb.connect() as con:
            con.execute("SET threads TO 1")  # same result on every machine, modest memory
            con.register("tx", coded)
            con.execute(_events_sql())
            lag = _lag_stats(con)
        cols.update({c: lag[c].to_numpy() for c in lag.columns})
    if account_totals:
        totals = _account_totals(coded)
        for end, key in (("src", "s"), ("dst", "t")):
            ends_code = coded[key].to_numpy()
            for col in totals.columns:
                kind = np.float32 if col.endswith(("_count", "_fan")) else np.float64
                cols[f"{end}_total_{col}"] = totals[col].to_numpy(dtype=kind)[ends_code]
    if patterns:
        kinds = matches["typology"].to_numpy()
        by_tx = _member_counts(matches["tx_ids"], kinds, patterns, pd.Index(tx["tx_id"]))
        by_account = _member_counts(matches["accounts"], kinds, patterns, pd.Index(accounts))
        src, dst = coded["s"].to_numpy(), coded["t"].to_numpy()
        for p, in_tx, per_account in zip(patterns, by_tx, by_account, strict=True):
            name = _clean_name(p)
            cols[f"tx_{name}"] = in_tx
            cols[f"src_{name}"] = per_account[src]
            cols[f"dst_{name}"] = per_account[dst]
    return pd.DataFrame(cols, copy=False)


def _given_matches(matches: pd.DataFrame, patterns: Sequence[str]) -> pd.DataFrame:
    """Check matches passed in by the caller (the result of ``detect_all``)."""
    if not isinstance(matches, pd.DataFrame) or not {"typology", "tx_ids", "accounts"} <= set(
        matches.columns
    ):
        raise InvalidValue(
            type(matches).__name__,
            "the matches of detect_all: a DataFrame with columns typology, tx_ids, accounts",
        )
    unknown = [p for p in patterns if p not in TYPOLOGIES]
    if unknown:
        raise InvalidValue(unknown, f"typology names from {', '.join(TYPOLOGIES)}")
    return matches


def _member_counts(
    members: pd.Series, kinds: np.ndarray, patterns: Sequence[str], index: pd.Index
) -> np.ndarray:
    """For each typology of ``patterns`` (rows) and each item of ``index`` (columns): how many
    matches of that typology list the item in ``members`` (an item listed twice in one match
    counts once; items not in ``index`` and other typologies are ignored). float32."""
    size = len(index)
    out = np.zeros((len(patterns), size), dtype=np.float32)
    which = pd.Index(list(patterns)).get_indexer(kinds)
    chosen = np.flatnonzero(which >= 0)
    lists = members.to_numpy()[chosen].tolist()
    if not lists:
        return out
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    total = int(lengths.sum())
    if isinstance(index.dtype, np.dtype) and index.dtype.kind in "iu":  # no Python objects
        values = pd.Index(np.fromiter(chain.from_iterable(lists), dtype=index.dtype, count=total))
    else:
        values = pd.Index(list(chain.from_iterable(lists)))
    where = np.asarray(index.get_indexer(values))
    match = np.repeat(np.arange(len(lists)), lengths)
    found = where >= 0
    pairs = distinct(match[found] * max(size, 1) + where[found])
    kind = which[chosen][pairs // max(size, 1)]
    for k in range(len(patterns)):
        out[k] = np.bincount(pairs[kind == k] % max(size, 1), minlength=size)
    return out


@paused_gc
def account_features(
    tx: pd.DataFrame,
    *,
    patterns: Sequence[str] = TYPOLOGIES,
    pattern_params: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Features of every account over the whole table.

    Columns: ``account``; ``out_count``, ``in_count`` (payments made, received: the out- and
    in-degree of the multigraph); ``out_fan``, ``in_fan`` (distinct accounts paid, paying);
    ``out_sum``, ``out_mean``, ``out_max``, ``in_sum``, ``in_mean``, ``in_max`` (amounts);
    ``active_days`` (days from the first to the last payment, fractional); and, for each
    typology ``p`` of ``patterns``, ``{p}`` (matches of the rule that involve the account).

    Parameters
    ----------
    tx : pandas.DataFrame
        Transactions: ``tx_id, source, target, amount, timestamp``.
    patterns : sequence of str
        Typologies to count; empty for none.
    pattern_params : mapping, optional
        Rule parameters, over :data:`DEFAULT_PATTERN_PARAMS`.

    Returns
    -------
    pandas.DataFrame
        One row per account, in order of first appearance (sources first, then targets).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({
    ...     "tx_id": [1, 2, 3], "source": ["a", "a", "b"], "target": ["b", "c", "c"],
    ...     "amount": [10.0, 20.0, 5.0],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"])})
    >>> f = account_features(tx, patterns=[])
    >>> f[["account", "out_count", "in_fan", "out_mean"]].values.tolist()
    [['a', 2.0, 0.0, 15.0], ['b', 1.0, 1.0, 5.0], ['c', 0.0, 2.0, 0.0]]
    """
    coded, accounts = _validate(tx)
    uniques = accounts
    frame = _account_totals(coded).reset_index(drop=True)
    frame.insert(0, "account", np.asarray(uniques, dtype=object))
    patterns = list(patterns)
    if patterns:
        matches = _pattern_matches(tx, patterns, pattern_params)
        counts = _member_counts(
            matches["accounts"], matches["typology"].to_numpy(), patterns, pd.Index(uniques)
        )
        for p, per_account in zip(patterns, counts, strict=True):
            frame[_clean_name(p)] = per_account
    return frame


def feature_columns(frame: pd.DataFrame) -> list[str]:
    """The feature columns of a :func:`transaction_features` frame (all but ``tx_id``)."""
    return [c for c in frame.columns if c != "tx_id"]
