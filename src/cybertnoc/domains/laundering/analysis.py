"""Money laundering in a workspace: payments between accounts, screened by typology rules.

Reads ``Payment`` entities (payer → beneficiary, amount, currency, date) from the workspace, splits
bank transfers (between ``BankAccount`` entities) from crypto transfers (between ``CryptoWallet``
entities) and runs :func:`cybertnoc.domains.laundering.detect_all` on each.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cybertnoc.domains.laundering.typologies import TYPOLOGIES, detect_all
from cybertnoc.errors import CybertnocError
from cybertnoc.store.queries import entity_frame
from cybertnoc.store.workspace import Workspace

__all__ = [
    "MAX_COUNTERPARTIES",
    "LaunderingFindings",
    "analyse",
    "counterparties",
    "original_ids",
    "payments_frame",
]

log = logging.getLogger(__name__)

#: Default rule parameters for the demo: review-sized output on a realistic ledger.
DEFAULT_PARAMS: dict[str, Any] = {
    "min_degree": 5,
    "window": "7D",
    "cycle__max_length": 6,
    "structuring__threshold": 10_000,
    "structuring__margin": 0.1,
    "structuring__min_count": 3,
}

#: Accounts with more distinct counterparties than this over the screened ledger (merchants,
#: payroll and utility accounts) are screened apart: rules that look for many counterparties
#: within a week fire on them all the time. Their alerts are counted, not shown.
MAX_COUNTERPARTIES = 50

#: How many of an alert's first accounts are its centre (the account that fans in or out, the
#: origin and beneficiary of a scatter-gather). Only a hub at the centre sets an alert aside: a
#: mule's fan-in that includes one payment from a payroll account stays. Cycles and structuring
#: have no centre and are never set aside.
_CENTRES = {"fan_in": 1, "fan_out": 1, "gather_scatter": 1, "scatter_gather": 2}


def payments_frame(ws: Workspace) -> pd.DataFrame:
    """Payments as a transactions table.

    Columns: ``tx_id, source, target, amount, currency, timestamp, rail``.

    ``rail`` is ``bank`` when both ends are bank accounts, ``crypto`` when both are crypto
    wallets, else ``other``. Payments without payer, beneficiary, amount or date are left out.
    """
    payments = entity_frame(ws, "Payment", ["payer", "beneficiary", "amount", "currency", "date"])
    if payments.empty:
        return pd.DataFrame(
            columns=["tx_id", "source", "target", "amount", "currency", "timestamp", "rail"]
        )
    schemata = dict(ws.con.execute("SELECT id, schema FROM entities").fetchall())
    frame = pd.DataFrame(
        {
            "tx_id": payments["id"],
            "source": payments["payer"],
            "target": payments["beneficiary"],
            "amount": pd.to_numeric(payments["amount"], errors="coerce"),
            "currency": payments["currency"],
            "timestamp": pd.to_datetime(
                payments["date"], errors="coerce", utc=True, format="ISO8601"
            ),
        }
    )
    frame = frame.dropna(subset=["source", "target", "amount", "timestamp"])
    src = frame["source"].map(schemata)
    dst = frame["target"].map(schemata)
    frame["rail"] = "other"
    frame.loc[(src == "BankAccount") & (dst == "BankAccount"), "rail"] = "bank"
    frame.loc[(src == "CryptoWallet") & (dst == "CryptoWallet"), "rail"] = "crypto"
    return frame.sort_values(["timestamp", "tx_id"]).reset_index(drop=True)


#: Properties that hold an entity's id as the source wrote it, by preference.
ORIGINAL_ID_PROPS = ("transactionNumber", "accountNumber", "iban", "publicKey", "address")


def original_ids(ws: Workspace, ids: list[str] | set[str]) -> dict[str, str]:
    """The ids of entities as the imported files wrote them.

    For each entity id, the first of :data:`ORIGINAL_ID_PROPS` it has (a payment's
    ``transactionNumber``, an account's ``accountNumber`` or ``iban``, a wallet's ``publicKey``
    or ``address``; the smallest value if it has several). Personal columns hold the keyed
    pseudonym the workspace stores, never the raw value. Entities without such a property keep
    their entity id.
    """
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rank = " ".join(f"WHEN '{p}' THEN {i}" for i, p in enumerate(ORIGINAL_ID_PROPS))
    props = ", ".join(f"'{p}'" for p in ORIGINAL_ID_PROPS)
    rows = ws.con.execute(
        f"""SELECT entity_id, arg_min(value, (CASE prop {rank} END, value))
            FROM statements
            WHERE prop IN ({props}) AND entity_id IN (SELECT unnest(?))
            GROUP BY entity_id""",
        [wanted],
    ).fetchall()
    found = dict(rows)
    return {i: str(found.get(i, i)) for i in wanted}


@dataclass(frozen=True)
class LaunderingFindings:
    """What the laundering screen found."""

    transactions: dict[str, int]
    accounts: dict[str, int]
    volume: dict[str, dict[str, float]]
    period: tuple[str, str] | None
    matches: pd.DataFrame
    counts: dict[str, dict[str, int]]
    transactions_flagged: dict[str, int]
    params: dict[str, Any] = field(default_factory=dict)
    truncated: bool = False
    hubs: dict[str, int] = field(default_factory=dict)
    set_aside: dict[str, int] = field(default_factory=dict)
    classifier: Any = None
    crypto: dict[str, Any] = field(default_factory=dict)


def counterparties(tx: pd.DataFrame) -> pd.Series:
    """Distinct counterparties (sent to or received from) of every account of ``tx``."""
    pairs = pd.concat(
        [
            tx[["source", "target"]].set_axis(["account", "other"], axis=1),
            tx[["target", "source"]].set_axis(["account", "other"], axis=1),
        ]
    ).drop_duplicates()
    return pairs.groupby("account").size()


def classifier_evaluation(ws: Workspace, truth: str | Path, *, seed: int = 0) -> Any:
    """The LightGBM classifier on the workspace's bank payments, labelled by a synthetic
    world's ``truth/laundering_patterns.csv``: trained on the earlier 70 %, scored on the
    later 30 % (:func:`cybertnoc.domains.laundering.ml.evaluate_transactions`)."""
    from cybertnoc.domains.laundering.ml import (
        evaluate_transactions,
        read_label_ids,
        workspace_transactions,
    )

    illicit = read_label_ids(Path(truth) / "truth" / "laundering_patterns.csv", rail="bank")
    tx, y = workspace_transactions(ws, illicit, rail="bank")
    order = tx.sort_values(["timestamp", "tx_id"], kind="stable").index
    evaluation, _ = evaluate_transactions(
        tx.loc[order].reset_index(drop=True), y[order.to_numpy()], seed=seed
    )
    return evaluation


def crypto_summary(ws: Workspace) -> dict[str, Any]:
    """Common-input clusters of the workspace's crypto payments, and the clusters holding a
    tagged address (TagPacks, OFAC lists imported into the workspace)."""
    from cybertnoc.domains.laundering.crypto import (
        cluster_addresses,
        ledger_from_workspace,
        tag_clusters,
        tags_from_workspace,
    )

    try:
        ledger = ledger_from_workspace(ws)
    except CybertnocError:
        return {}
    clusters = cluster_addresses(ledger)
    sizes = clusters.groupby("cluster").size() if len(clusters) else pd.Series(dtype=int)
    out: dict[str, Any] = {
        "addresses": len(clusters),
        "clusters": len(sizes),
        "multi_address": int((sizes > 1).sum()),
        "largest": int(sizes.max()) if len(sizes) else 0,
        "tagged_clusters": 0,
    }
    tags = tags_from_workspace(ws)
    if len(tags):
        tagged = tag_clusters(clusters, tags)
        out["tagged_clusters"] = int(tagged["cluster"].nunique()) if len(tagged) else 0
    return out


def analyse(
    ws: Workspace,
    *,
    max_counterparties: int | None = MAX_COUNTERPARTIES,
    truth: str | Path | None = None,
    seed: int = 0,
    **params: Any,
) -> LaunderingFindings:
    """Screen the workspace's payments with the typology rules.

    Parameters
    ----------
    ws : Workspace
        The workspace to read.
    max_counterparties : int, optional
        Alerts that involve an account with more distinct counterparties than this over the
        ledger (a merchant, an employer) are set aside and counted in ``set_aside``; see
        :data:`MAX_COUNTERPARTIES`. None keeps every alert.
    truth : path, optional
        A synthetic world directory: its planted patterns label the bank payments, and the
        classifier is trained and scored on them (``classifier``).
    seed : int
        Seed of the classifier.
    **params
        Rule parameters for :func:`~cybertnoc.domains.laundering.detect_all`; defaults in
        :data:`DEFAULT_PARAMS`.
    """
    settings = {**DEFAULT_PARAMS, **params}
    payments = payments_frame(ws)
    transactions: dict[str, int] = {}
    accounts: dict[str, int] = {}
    volume: dict[str, dict[str, float]] = {}
    counts: dict[str, dict[str, int]] = {}
    flagged: dict[str, int] = {}
    hubs: dict[str, int] = {}
    set_aside: dict[str, int] = {}
    all_matches = []
    truncated = False
    for rail in ("bank", "crypto"):
        tx = payments[payments["rail"] == rail]
        if tx.empty:
            continue
        transactions[rail] = len(tx)
        accounts[rail] = int(pd.concat([tx["source"], tx["target"]]).nunique())
        volume[rail] = {
            str(cur): float(v) for cur, v in tx.groupby("currency")["amount"].sum().items()
        }
        matches = detect_all(tx[["tx_id", "source", "target", "amount", "timestamp"]], **settings)
        truncated = truncated or bool(matches.attrs.get("truncated"))
        if max_counterparties is not None and not matches.empty:
            degree = counterparties(tx)
            hub_ids = set(degree.index[degree > max_counterparties])
            involved = pd.Series(
                [
                    bool(hub_ids.intersection(accs[: _CENTRES.get(typ, 0)]))
                    for typ, accs in zip(matches["typology"], matches["accounts"], strict=True)
                ],
                index=matches.index,
            )
            hubs[rail] = len(hub_ids)
            set_aside[rail] = int(involved.sum())
            matches = matches[~involved].reset_index(drop=True)
        matches = matches.assign(rail=rail)
        all_matches.append(matches)
        counts[rail] = {t: int((matches["typology"] == t).sum()) for t in TYPOLOGIES}
        flagged[rail] = len({t for ids in matches["tx_ids"] for t in ids})
        log.info("%s: %d payments, %d matches", rail, len(tx), len(matches))
    matches = pd.concat(all_matches, ignore_index=True) if all_matches else pd.DataFrame()
    period = None
    if not payments.empty:
        period = (
            payments["timestamp"].min().date().isoformat(),
            payments["timestamp"].max().date().isoformat(),
        )
    return LaunderingFindings(
        transactions=transactions,
        accounts=accounts,
        volume=volume,
        period=period,
        matches=matches,
        counts=counts,
        transactions_flagged=flagged,
        params={**settings, "max_counterparties": max_counterparties},
        truncated=truncated,
        hubs=hubs,
        set_aside=set_aside,
        classifier=classifier_evaluation(ws, truth, seed=seed)
        if truth is not None and transactions.get("bank")
        else None,
        crypto=crypto_summary(ws) if transactions.get("crypto") else {},
    )
