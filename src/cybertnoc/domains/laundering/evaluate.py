"""Measuring the typology rules against ground truth: recall of planted accounts, false positives.

Used by the tests and ``docs/laundering.md`` to report how the rules of
:mod:`cybertnoc.domains.laundering.typologies` behave on labelled data (IBM AMLSim runs, the
synthetic world of :mod:`cybertnoc.synth`). The typologies follow Altman et al. (2023, §3.2).

References
----------
.. [1] Altman, E., Blanuša, J., von Niederhäusern, L., Egressy, B., Anghel, A. & Atasu, K. (2023).
   Realistic Synthetic Financial Transactions for Anti-Money Laundering Models. NeurIPS 2023
   Datasets and Benchmarks. arXiv:2306.16424.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

import pandas as pd

from cybertnoc.domains.laundering.typologies import TYPOLOGIES, detect_all

__all__ = ["account_recall", "false_positive_rates"]


def account_recall(matches: pd.DataFrame, accounts: Collection[Any]) -> float:
    """Share of the given (planted) accounts that appear in at least one match.

    Parameters
    ----------
    matches : pandas.DataFrame
        Matches of the typology rules (column ``accounts``).
    accounts : collection
        The accounts that should be found.

    Returns
    -------
    float
        Recall in [0, 1]; NaN when ``accounts`` is empty.

    Examples
    --------
    >>> import pandas as pd
    >>> account_recall(pd.DataFrame({"accounts": [["a", "b"], ["c"]]}), {"a", "c", "z", "y"})
    0.5
    """
    wanted = set(accounts)
    if not wanted:
        return float("nan")
    flagged = {a for accs in matches["accounts"] for a in accs} if len(matches) else set()
    return len(wanted & flagged) / len(wanted)


def false_positive_rates(
    tx: pd.DataFrame,
    laundering_tx_ids: Iterable[Any],
    laundering_accounts: Iterable[Any],
    *,
    typologies: tuple[str, ...] | list[str] = TYPOLOGIES,
    matches: pd.DataFrame | None = None,
    **params: Any,
) -> pd.DataFrame:
    """False positives of every typology rule on a ledger whose laundering is known.

    A *false alert* is a match that contains none of the laundering payments. Rates are given
    over the normal traffic: the share of normal accounts (not in ``laundering_accounts``) that
    appear in some match of the rule (``account_fpr``, FP / (FP + TN) at account level), and the
    share of normal payments (not in ``laundering_tx_ids``) inside some match (``tx_fpr``).

    Parameters
    ----------
    tx : pandas.DataFrame
        Transactions (columns of :data:`~cybertnoc.domains.laundering.REQUIRED_COLUMNS`).
    laundering_tx_ids : iterable
        Ids of the planted laundering payments.
    laundering_accounts : iterable
        Accounts controlled by launderers (the normal accounts are all the others).
    typologies : sequence of str
        Rules to evaluate.
    matches : pandas.DataFrame, optional
        Matches already computed on ``tx``; by default :func:`detect_all` is run.
    **params
        Rule parameters for :func:`detect_all`.

    Returns
    -------
    pandas.DataFrame
        Indexed by typology, columns ``alerts``, ``false_alerts``, ``false_alert_share``,
        ``normal_accounts``, ``flagged_normal_accounts``, ``account_fpr``, ``normal_tx``,
        ``flagged_normal_tx``, ``tx_fpr``.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({
    ...     "tx_id": range(6), "source": ["a", "b", "c", "x", "y", "z"],
    ...     "target": ["b", "c", "a", "y", "z", "x"], "amount": [1.0] * 6,
    ...     "timestamp": pd.date_range("2024-01-01", periods=6, freq="h")})
    >>> r = false_positive_rates(tx, [0, 1, 2], ["a", "b", "c"], typologies=["cycle"])
    >>> int(r.loc["cycle", "alerts"]), int(r.loc["cycle", "false_alerts"])
    (2, 1)
    >>> float(r.loc["cycle", "account_fpr"])
    1.0
    """
    bad_tx = set(laundering_tx_ids)
    bad_accounts = set(laundering_accounts)
    if matches is None:
        matches = detect_all(tx, typologies=list(typologies), **params)
    accounts = set(pd.concat([tx["source"], tx["target"]]).dropna())
    normal_accounts = accounts - bad_accounts
    normal_tx = set(tx["tx_id"]) - bad_tx
    rows = []
    for typology in typologies:
        m = matches[matches["typology"] == typology] if len(matches) else matches
        ids = [set(x) for x in m["tx_ids"]] if len(m) else []
        false = sum(1 for s in ids if s.isdisjoint(bad_tx))
        flagged_accounts = {a for accs in m["accounts"] for a in accs} if len(m) else set()
        flagged_tx = set().union(*ids) if ids else set()
        n_acc = len(flagged_accounts & normal_accounts)
        n_tx = len(flagged_tx & normal_tx)
        rows.append(
            {
                "typology": typology,
                "alerts": len(ids),
                "false_alerts": false,
                "false_alert_share": false / len(ids) if ids else float("nan"),
                "normal_accounts": len(normal_accounts),
                "flagged_normal_accounts": n_acc,
                "account_fpr": n_acc / len(normal_accounts) if normal_accounts else float("nan"),
                "normal_tx": len(normal_tx),
                "flagged_normal_tx": n_tx,
                "tx_fpr": n_tx / len(normal_tx) if normal_tx else float("nan"),
            }
        )
    return pd.DataFrame(rows).set_index("typology")
