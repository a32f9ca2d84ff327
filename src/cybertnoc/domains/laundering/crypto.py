"""Crypto tracing: address clustering, tags and taint exposure on UTXO transactions.

The input model
---------------
A ledger is a :class:`Ledger`: three tables of a UTXO chain (Bitcoin and its forks).

``inputs`` (``tx_id, address, value``)
    One row per spent coin: the transaction spending it, the address that held it, its value.
``outputs`` (``tx_id, address, value, index``)
    One row per created coin: the transaction, the receiving address, the value and the output
    index (its position in the transaction).
``transactions`` (``tx_id, order, timestamp, coinbase``)
    One row per transaction: its position in time (``order``, 0-based: by timestamp where known,
    else by first appearance in the tables), its timestamp (NaT where unknown) and whether it
    mints coins (no inputs).

Account-style transfer tables (one row per payer → beneficiary transfer, as the synthetic
world's ``crypto_transactions.csv`` and the workspace's crypto ``Payment`` entities) become a
ledger with :func:`ledger_from_transfers`: the transfers sharing a transaction id are one
transaction whose inputs are the distinct payers and whose outputs the distinct beneficiaries,
each with the value it sent or received. :func:`ledger_from_workspace` reads Payments between
``CryptoWallet`` entities.

Methods
-------
:func:`cluster_addresses`
    Common-input ownership (Meiklejohn et al. 2013, heuristic 1) with union-find (scipy's
    connected components), CoinJoin-like transactions left out; the one-time-change heuristic
    (heuristic 2) as an option, off by default.
:func:`load_tags`, :func:`tag_clusters`
    GraphSense TagPacks and OFAC's sanctioned addresses, as labels on addresses and clusters.
:func:`trace`, :func:`exposure`
    Haircut and poison taint from source addresses through at most ``hops`` transactions, with
    the path of transactions that explains the taint reaching each address.

References
----------
S. Meiklejohn, M. Pomarole, G. Jordan, K. Levchenko, D. McCoy, G. M. Voelker, S. Savage,
"A fistful of bitcoins: characterizing payments among men with no names", IMC 2013.
E. Androulaki, G. O. Karame, M. Roeschlin, T. Scherer, S. Capkun, "Evaluating user privacy in
Bitcoin", Financial Cryptography 2013.
M. Möser, R. Böhme, D. Breuker, "Towards risk scoring of Bitcoin transactions", Financial
Cryptography Workshops (BITCOIN) 2014 (poison and haircut taint).
M. Möser, A. Narayanan, "Resurrecting address clustering in Bitcoin", Financial Cryptography
2022 (false merges of the change heuristic).
B. Haslhofer et al., "GraphSense: a general-purpose cryptoasset analytics platform",
arXiv:2102.13613 (2021).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from cybertnoc.errors import CybertnocError, InvalidValue

if TYPE_CHECKING:
    from cybertnoc.store.workspace import Workspace

__all__ = [
    "INPUT_COLUMNS",
    "OUTPUT_COLUMNS",
    "TAG_COLUMNS",
    "Ledger",
    "TraceResult",
    "cluster_addresses",
    "coinjoin_like",
    "exposure",
    "ledger_from_files",
    "ledger_from_transfers",
    "ledger_from_workspace",
    "load_tags",
    "match_key",
    "one_time_change",
    "pseudonymise_tags",
    "tag_clusters",
    "tags_from_workspace",
    "trace",
]

log = logging.getLogger(__name__)

INPUT_COLUMNS = ("tx_id", "address", "value")
OUTPUT_COLUMNS = ("tx_id", "address", "value", "index")
TAG_COLUMNS = ("address", "label", "category", "source", "dataset")
Taint = Literal["haircut", "poison"]
_EPS = 1e-12


# -- the ledger ---------------------------------------------------------------------------------
def _require(frame: Any, columns: Iterable[str], what: str, hint: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise InvalidValue(type(frame).__name__, f"{what} (a pandas DataFrame)", hint)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidValue(
            ", ".join(map(str, frame.columns)) or "no columns",
            f"{what} with columns {', '.join(columns)}",
            f"Missing column(s): {', '.join(f'`{c}`' for c in missing)}. {hint}",
        )
    return frame


def _values(frame: pd.DataFrame, what: str) -> pd.Series:
    value = pd.to_numeric(frame["value"], errors="coerce")
    bad = frame.index[value.isna() | ~np.isfinite(value) | (value < 0)]
    if len(bad):
        shown = ", ".join(
            f"row {int(i) + 1 if isinstance(i, int | np.integer) else i}: {frame.loc[i, 'value']!r}"
            for i in bad[:5]
        )
        more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
        raise InvalidValue(
            shown + more,
            f"a non-negative number in the `value` column of the {what}",
            "Fix or drop those rows",
        )
    return value.astype(float)


@dataclass(frozen=True)
class Ledger:
    """Transactions of a UTXO chain as three tables (see the module docstring).

    Build one with :meth:`from_frames`, :func:`ledger_from_transfers`,
    :func:`ledger_from_files` or :func:`ledger_from_workspace`.
    """

    inputs: pd.DataFrame
    outputs: pd.DataFrame
    transactions: pd.DataFrame

    @classmethod
    def from_frames(
        cls,
        inputs: pd.DataFrame,
        outputs: pd.DataFrame,
        transactions: pd.DataFrame | None = None,
    ) -> Ledger:
        """A ledger from an inputs and an outputs table (and, optionally, timestamps).

        Parameters
        ----------
        inputs : DataFrame
            Columns ``tx_id, address, value``.
        outputs : DataFrame
            Columns ``tx_id, address, value`` and optionally ``index`` (the position of the
            output in its transaction; default: the order of the rows).
        transactions : DataFrame, optional
            Columns ``tx_id`` and ``timestamp``: transactions are ordered by timestamp (ties
            and transactions without one in the order they first appear), else in the order
            they first appear in ``outputs`` and ``inputs``.

        Raises
        ------
        InvalidValue
            A table lacks a column, or a value is not a non-negative number.
        """
        hint = "See docs/crypto.md (the input model)"
        inputs = _require(inputs, INPUT_COLUMNS, "a table of transaction inputs", hint)
        outputs = _require(outputs, INPUT_COLUMNS, "a table of transaction outputs", hint)
        ins = pd.DataFrame(
            {
                "tx_id": inputs["tx_id"].astype(str).to_numpy(),
                "address": inputs["address"].astype(str).str.strip().to_numpy(),
                "value": _values(inputs.reset_index(drop=True), "inputs").to_numpy(),
            }
        )
        outs = pd.DataFrame(
            {
                "tx_id": outputs["tx_id"].astype(str).to_numpy(),
                "address": outputs["address"].astype(str).str.strip().to_numpy(),
                "value": _values(outputs.reset_index(drop=True), "outputs").to_numpy(),
            }
        )
        if "index" in outputs.columns:
            outs["index"] = pd.to_numeric(outputs["index"], errors="coerce").to_numpy()
        else:
            outs["index"] = np.nan
        missing_index = outs["index"].isna()
        if missing_index.any():
            outs.loc[missing_index, "index"] = outs[missing_index].groupby("tx_id").cumcount()
        outs["index"] = outs["index"].astype(np.int64)
        first = pd.concat([outs["tx_id"], ins["tx_id"]], ignore_index=True).drop_duplicates()
        tx = pd.DataFrame({"tx_id": first.to_numpy()})
        tx["appearance"] = np.arange(len(tx))
        if transactions is not None and "timestamp" in transactions.columns:
            _require(transactions, ("tx_id", "timestamp"), "a table of transactions", hint)
            stamps = pd.Series(
                pd.to_datetime(
                    transactions["timestamp"], errors="coerce", utc=True, format="ISO8601"
                ).to_numpy(),
                index=transactions["tx_id"].astype(str).to_numpy(),
            )
            stamps = stamps[~stamps.index.duplicated()]
            tx["timestamp"] = tx["tx_id"].map(stamps)
        else:
            tx["timestamp"] = pd.NaT
        tx["timestamp"] = pd.to_datetime(tx["timestamp"], utc=True)
        tx = tx.sort_values(["timestamp", "appearance"], na_position="last", kind="stable")
        tx["order"] = np.arange(len(tx), dtype=np.int64)
        tx["coinbase"] = ~tx["tx_id"].isin(set(ins["tx_id"]))
        tx = tx[["tx_id", "order", "timestamp", "coinbase"]].reset_index(drop=True)
        order = pd.Series(tx["order"].to_numpy(), index=tx["tx_id"].to_numpy())
        ins["order"] = ins["tx_id"].map(order).to_numpy()
        outs["order"] = outs["tx_id"].map(order).to_numpy()
        ins = ins.sort_values(["order"], kind="stable").reset_index(drop=True)
        outs = outs.sort_values(["order", "index"], kind="stable").reset_index(drop=True)
        return cls(ins, outs, tx)

    @property
    def addresses(self) -> pd.Index:
        """Every address of the ledger, in order of first appearance."""
        return pd.Index(
            pd.concat([self.outputs["address"], self.inputs["address"]]).drop_duplicates()
        )


def ledger_from_transfers(
    frame: pd.DataFrame,
    *,
    tx_id: str | None = None,
    source: str | None = None,
    target: str | None = None,
    amount: str | None = None,
    timestamp: str | None = None,
) -> Ledger:
    """A ledger from transfers: one row per payer → beneficiary transfer.

    Transfers sharing a transaction id are one transaction: its inputs are the distinct payers,
    each with the sum it sent, its outputs the distinct beneficiaries, each with the sum it
    received (in order of first appearance). Fees are not modelled.

    Column names default to the first found of ``tx_id, txid`` / ``source, from_address,
    from`` / ``target, to_address, to`` / ``amount, value`` / ``timestamp, date``.

    Raises
    ------
    InvalidValue
        A column is missing, or an amount is not a non-negative number.
    """

    def pick(given: str | None, candidates: tuple[str, ...], role: str) -> str | None:
        if given is not None:
            if given not in frame.columns:
                raise InvalidValue(
                    given,
                    f"a column of the transfers ({', '.join(map(str, frame.columns))})",
                    f"Name the {role} column",
                )
            return given
        return next((c for c in candidates if c in frame.columns), None)

    if not isinstance(frame, pd.DataFrame):
        raise InvalidValue(type(frame).__name__, "a table of transfers (a pandas DataFrame)")
    cols = {
        "tx_id": pick(tx_id, ("tx_id", "txid", "transaction"), "transaction id"),
        "source": pick(source, ("source", "from_address", "from", "payer"), "payer"),
        "target": pick(target, ("target", "to_address", "to", "beneficiary"), "beneficiary"),
        "value": pick(amount, ("amount", "value"), "amount"),
    }
    missing = [role for role, col in cols.items() if col is None]
    if missing:
        raise InvalidValue(
            ", ".join(map(str, frame.columns)) or "no columns",
            "a table of transfers with columns tx_id (or txid), source (or from_address), "
            "target (or to_address) and amount (or value)",
            f"Missing: {', '.join(missing)}. See docs/crypto.md (the input model)",
        )
    stamp = pick(timestamp, ("timestamp", "date", "time"), "timestamp")
    t = pd.DataFrame({role: frame[col].to_numpy() for role, col in cols.items()})
    t = t.dropna(subset=["tx_id", "source", "target"])
    t["value"] = _values(t.reset_index(drop=True), "transfers").to_numpy()
    for c in ("tx_id", "source", "target"):
        t[c] = t[c].astype(str)
    ins = t.groupby(["tx_id", "source"], sort=False)["value"].sum().reset_index()
    outs = t.groupby(["tx_id", "target"], sort=False)["value"].sum().reset_index()
    ins = ins.rename(columns={"source": "address"})
    outs = outs.rename(columns={"target": "address"})
    txs = None
    if stamp is not None:
        txs = pd.DataFrame(
            {"tx_id": frame[cols["tx_id"]].astype(str).to_numpy(), "timestamp": frame[stamp]}
        )
    return Ledger.from_frames(ins, outs, txs)


def _read_table(path: Path) -> pd.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise CybertnocError(f"{path}: no such file. Give a CSV or Parquet table")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix in (".csv", ".tsv", ".txt"):
        return pd.read_csv(path, sep="\t" if suffix == ".tsv" else ",", dtype=str)
    raise InvalidValue(path.name, "a .csv, .tsv or .parquet table", "Convert the file")


def ledger_from_files(
    *,
    transfers: Path | None = None,
    inputs: Path | None = None,
    outputs: Path | None = None,
    transactions: Path | None = None,
) -> Ledger:
    """A ledger read from CSV/TSV/Parquet files: a transfers table, or inputs and outputs.

    Raises
    ------
    CybertnocError
        Neither a transfers file nor both an inputs and an outputs file, or a file is missing.
    InvalidValue
        A table lacks a column or holds a bad value (the message names the file).
    """
    try:
        if transfers is not None:
            if inputs is not None or outputs is not None:
                raise CybertnocError(
                    "Give either a transfers table or the inputs and outputs tables, not both"
                )
            return ledger_from_transfers(_read_table(transfers))
        if inputs is None or outputs is None:
            raise CybertnocError(
                "Give a transfers table, or both an inputs table (tx_id, address, value) and an "
                "outputs table (tx_id, address, value, index)"
            )
        txs = _read_table(transactions) if transactions is not None else None
        return Ledger.from_frames(_read_table(inputs), _read_table(outputs), txs)
    except InvalidValue as exc:
        files = ", ".join(str(p) for p in (transfers, inputs, outputs, transactions) if p)
        raise InvalidValue(exc.value, f"{exc.expected} (in {files})", exc.hint) from exc


def _wallet_frame(ws: Workspace) -> pd.DataFrame:
    from cybertnoc.store.queries import entity_frame

    return entity_frame(ws, "CryptoWallet", ["publicKey"])


def ledger_from_workspace(ws: Workspace) -> Ledger:
    """A ledger of the crypto ``Payment`` entities of a workspace.

    A Payment whose payer and beneficiary are ``CryptoWallet`` entities is a transfer from the
    payer's ``publicKey`` to the beneficiary's; Payments sharing a ``transactionNumber`` are one
    transaction (see :func:`ledger_from_transfers`), dated by ``date``.

    Raises
    ------
    CybertnocError
        The workspace holds no such Payment.
    """
    from cybertnoc.store.queries import entity_frame

    pay = entity_frame(
        ws, "Payment", ["payer", "beneficiary", "amount", "date", "transactionNumber"]
    )
    wallets = _wallet_frame(ws)
    key = pd.Series(wallets["publicKey"].to_numpy(), index=wallets["id"].to_numpy())
    pay["source"] = pay["payer"].map(key)
    pay["target"] = pay["beneficiary"].map(key)
    pay = pay.dropna(subset=["source", "target", "amount"])
    if pay.empty:
        raise CybertnocError(
            f"The workspace {ws.path} holds no Payment between crypto wallets. Import crypto "
            "transfers first (e.g. cybertnoc import crypto_transactions.csv), or give files "
            "with --transfers or --inputs/--outputs"
        )
    frame = pd.DataFrame(
        {
            "tx_id": pay["transactionNumber"].fillna(pay["id"]).to_numpy(),
            "source": pay["source"].to_numpy(),
            "target": pay["target"].to_numpy(),
            "amount": pay["amount"].to_numpy(),
            "timestamp": pay["date"].to_numpy(),
        }
    )
    return ledger_from_transfers(frame)


# -- clustering ---------------------------------------------------------------------------------
def coinjoin_like(ledger: Ledger, *, min_equal: int = 2) -> pd.Series:
    """Transactions that look like CoinJoins: many owners, equal outputs.

    A transaction is CoinJoin-like when it has at least two distinct input addresses, at least
    three outputs, and its most frequent output value occurs at least ``min_equal`` times and on
    at least half of its outputs (the shape of Wasabi, Whirlpool and JoinMarket mixes). Such
    transactions break common-input ownership; GraphSense leaves them out the same way.

    Returns
    -------
    Series of bool
        Indexed by ``tx_id``.
    """
    ins, outs = ledger.inputs, ledger.outputs
    n_in = ins.groupby("tx_id")["address"].nunique()
    n_out = outs.groupby("tx_id").size()
    equal = outs.groupby(["tx_id", "value"]).size().groupby(level="tx_id").max()
    frame = pd.DataFrame({"n_in": n_in, "n_out": n_out, "equal": equal}).fillna(0)
    flag = (
        (frame["n_in"] >= 2)
        & (frame["n_out"] >= 3)
        & (frame["equal"] >= min_equal)
        & (2 * frame["equal"] >= frame["n_out"])
    )
    return flag.reindex(ledger.transactions["tx_id"], fill_value=False)


def one_time_change(ledger: Ledger, *, skip: pd.Series | None = None) -> pd.DataFrame:
    """Change outputs by the one-time-change heuristic (Meiklejohn et al. 2013, heuristic 2).

    An output of transaction t is its change when (1) t is not coinbase, (2) t has at least two
    outputs, (3) no output address of t is also one of its input addresses (no self-change),
    (4) the output's address appears for the first time in t, and (5) every other output
    address of t appeared in an earlier transaction; (6) when more than one output qualifies,
    none is change. "Appears" counts inputs and outputs, in the ledger's order.

    Parameters
    ----------
    ledger : Ledger
    skip : Series of bool, optional
        Transactions (by ``tx_id``) to leave out, e.g. :func:`coinjoin_like`.

    Returns
    -------
    DataFrame
        ``tx_id, address`` (the change address) and ``input_address`` (the first input
        address, whose cluster the change joins).
    """
    ins, outs, tx = ledger.inputs, ledger.outputs, ledger.transactions
    seen = pd.concat([ins[["address", "order"]], outs[["address", "order"]]])
    first = seen.groupby("address")["order"].min()
    o = outs[["tx_id", "address", "order"]].drop_duplicates(["tx_id", "address"]).copy()
    o["new"] = o["address"].map(first).to_numpy() == o["order"].to_numpy()
    self_change = o.merge(ins[["tx_id", "address"]].drop_duplicates(), on=["tx_id", "address"])
    per_tx = o.groupby("tx_id").agg(n=("address", "size"), new=("new", "sum"))
    ok = per_tx[(per_tx["n"] >= 2) & (per_tx["new"] == 1)].index
    ok = ok.difference(pd.Index(self_change["tx_id"].unique()))
    ok = ok.difference(pd.Index(tx.loc[tx["coinbase"], "tx_id"]))
    if skip is not None:
        ok = ok.difference(pd.Index(skip.index[skip.to_numpy()]))
    change = o[o["tx_id"].isin(ok) & o["new"]][["tx_id", "address"]]
    first_in = ins.drop_duplicates("tx_id").set_index("tx_id")["address"]
    change = change.assign(input_address=change["tx_id"].map(first_in).to_numpy())
    return change.reset_index(drop=True)


def cluster_addresses(
    ledger: Ledger,
    *,
    change_heuristic: bool = False,
    exclude_coinjoin: bool = True,
) -> pd.DataFrame:
    """Clusters of addresses by common-input ownership, optionally joined by change.

    All input addresses of one transaction are taken to belong to one entity, since spending
    needs the private keys of every input (Meiklejohn et al. 2013, heuristic 1; Androulaki et
    al. 2013). The links are merged by union-find (connected components of the address graph).
    With ``change_heuristic``, the one-time change output of a transaction also joins the
    cluster of its inputs (heuristic 2, :func:`one_time_change`).

    Both heuristics can merge different owners. Common-input ownership fails on CoinJoins
    (several owners sign one transaction: left out when ``exclude_coinjoin``), on PayJoin and
    on shared custody; one-time change fails when wallets reuse change addresses, when the
    payee's address is new as well, and on batched payouts, and one false link merges two
    whole clusters (Meiklejohn et al. 2013, §4.3; Möser & Narayanan 2022). Hence it is off by
    default.

    Parameters
    ----------
    ledger : Ledger
    change_heuristic : bool, default False
        Also link one-time change outputs to their inputs.
    exclude_coinjoin : bool, default True
        Leave out CoinJoin-like transactions (:func:`coinjoin_like`) from both heuristics.

    Returns
    -------
    DataFrame
        One row per address: ``address, cluster, size``, with ``cluster`` numbered from 0 by
        decreasing size, then first appearance. ``attrs`` holds ``transactions``,
        ``multi_input`` (transactions with two or more input addresses used), ``coinjoin``
        (left out), ``change_links`` and ``clusters``.

    References
    ----------
    S. Meiklejohn et al., "A fistful of bitcoins: characterizing payments among men with no
    names", IMC 2013. M. Möser, A. Narayanan, "Resurrecting address clustering in Bitcoin",
    FC 2022.

    Examples
    --------
    >>> ins = pd.DataFrame({"tx_id": ["t1", "t1"], "address": ["a", "b"], "value": [1, 2]})
    >>> outs = pd.DataFrame({"tx_id": ["t1"], "address": ["c"], "value": [3]})
    >>> c = cluster_addresses(Ledger.from_frames(ins, outs))
    >>> dict(zip(c["address"], c["cluster"].tolist()))
    {'c': 1, 'a': 0, 'b': 0}
    """
    addresses = ledger.addresses
    code = pd.Series(np.arange(len(addresses)), index=addresses)
    ins = ledger.inputs
    skip = coinjoin_like(ledger) if exclude_coinjoin else pd.Series(dtype=bool)
    used = ins if skip.empty else ins[~ins["tx_id"].map(skip).fillna(False).to_numpy(bool)]
    first = used.groupby("tx_id")["address"].transform("first")
    src = [code[first].to_numpy()]
    dst = [code[used["address"]].to_numpy()]
    n_change = 0
    if change_heuristic:
        change = one_time_change(ledger, skip=skip if exclude_coinjoin else None)
        n_change = len(change)
        src.append(code[change["input_address"]].to_numpy())
        dst.append(code[change["address"]].to_numpy())
    a, b = np.concatenate(src), np.concatenate(dst)
    n = len(addresses)
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels)
    # renumber: largest first, then by first appearance of any member
    first_member = np.full(len(sizes), n, dtype=np.int64)
    np.minimum.at(first_member, labels, np.arange(n))
    rank = np.lexsort((first_member, -sizes))
    new = np.empty_like(rank)
    new[rank] = np.arange(len(rank))
    result = pd.DataFrame(
        {"address": addresses.to_numpy(), "cluster": new[labels], "size": sizes[labels]}
    )
    result.attrs.update(
        transactions=len(ledger.transactions),
        multi_input=int((used.groupby("tx_id")["address"].nunique() >= 2).sum()),
        coinjoin=int(skip.sum()) if not skip.empty else 0,
        change_links=n_change,
        clusters=len(sizes),
        change_heuristic=change_heuristic,
    )
    return result


# -- tags ---------------------------------------------------------------------------------------
def match_key(address: pd.Series | str) -> Any:
    """The form in which addresses are compared: case folded where the encoding ignores case.

    Ethereum-style hex (``0x…``, EIP-55 mixed case) and bech32 (``bc1…``, ``ltc1…``, ``tb1…``)
    addresses are case-insensitive and compared lower-cased; base58 addresses are
    case-sensitive and compared as written (stripped).
    """
    if isinstance(address, str):
        return match_key(pd.Series([address])).iloc[0]
    s = address.astype(str).str.strip()
    low = s.str.lower()
    folded = low.str.startswith(("0x", "bc1", "ltc1", "tb1", "bcrt1"))
    return s.where(~folded, low)


def _format_rows(name: str, path: Path) -> list[dict[str, Any]]:
    import cybertnoc.ingest.mapping  # noqa: F401  (registers the built-in formats)
    from cybertnoc.ingest.formats._base import get_format

    rows: list[dict[str, Any]] = []
    for part in get_format(name).parts(path, {}):
        reader = part.reader()
        for batch in reader.rows():
            rows.extend(r.values for r in batch)
        fatal = [p for p in reader.problems if p.fatal]
        if fatal:
            raise CybertnocError("; ".join(str(p) for p in fatal[:5]))
    return rows


def _tagpack_tags(path: Path) -> pd.DataFrame:
    rows = _format_rows("tagpack", path)
    frame = pd.DataFrame(rows, columns=["tag", "key", "label", "category", "abuse", "currency"])
    frame = frame.dropna(subset=["key"])
    return pd.DataFrame(
        {
            "address": frame["key"].to_numpy(),
            "label": frame["label"].to_numpy(),
            "category": frame["category"].fillna(frame["abuse"]).to_numpy(),
            "source": "tagpack",
            "dataset": frame["tag"].str.split("#").str[0].to_numpy(),
        }
    )


def _ofac_tags(path: Path) -> pd.DataFrame:
    rows = _format_rows("ofac-addresses", path)
    frame = pd.DataFrame(rows, columns=["key", "asset"]).dropna(subset=["key"])
    return pd.DataFrame(
        {
            "address": frame["key"].to_numpy(),
            "label": ("OFAC SDN (" + frame["asset"].fillna("?") + ")").to_numpy(),
            "category": "sanction",
            "source": "ofac",
            "dataset": "ofac_sdn_addresses",
        }
    )


def load_tags(*paths: Path | str) -> pd.DataFrame:
    """Tags from GraphSense TagPacks and OFAC sanctioned-address lists.

    Each path is a TagPack (``.yaml``), a directory of TagPacks, an OFAC list
    (``sanctioned_addresses_<ASSET>.txt`` or ``.json``) or a directory of them; files are read
    by the built-in formats ``tagpack`` and ``ofac-addresses``, which canonicalise checked
    addresses (Bitcoin, Ethereum, Litecoin, Tron).

    Returns
    -------
    DataFrame
        ``address, label, category, source, dataset``: one row per tag (an address may carry
        several); ``category`` is the TagPack category or abuse (``ransomware``, ``exchange``,
        ...) and ``sanction`` for OFAC; ``source`` is ``tagpack`` or ``ofac``.

    Raises
    ------
    CybertnocError
        A path is missing or is neither kind of file.

    References
    ----------
    B. Haslhofer, M. Dragaschnig, R. Stütz, M. Romiti, G. Gomez, GraphSense TagPacks (2022);
    US Treasury OFAC SDN List, digital currency addresses, via
    github.com/0xB10C/ofac-sanctioned-digital-currency-addresses.
    """
    frames = [pd.DataFrame(columns=list(TAG_COLUMNS))]
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise CybertnocError(
                f"{path}: no such file or directory. Give a GraphSense TagPack (.yaml), an OFAC "
                "list sanctioned_addresses_<ASSET>.txt/.json, or a directory of either"
            )
        files = sorted(path.iterdir()) if path.is_dir() else [path]
        is_ofac = any(f.name.lower().startswith("sanctioned_addresses_") for f in files)
        is_pack = any(f.suffix.lower() in (".yaml", ".yml") for f in files)
        if is_ofac:
            frames.append(_ofac_tags(path))
        if is_pack:
            frames.append(_tagpack_tags(path))
        if not (is_ofac or is_pack):
            raise CybertnocError(
                f"{path}: neither a GraphSense TagPack (.yaml) nor an OFAC list "
                "(sanctioned_addresses_<ASSET>.txt or .json). Give one of those, or a directory "
                "holding them"
            )
    tags = pd.concat([f for f in frames if len(f)] or frames[:1], ignore_index=True)
    return tags[list(TAG_COLUMNS)].drop_duplicates().reset_index(drop=True)


def tags_from_workspace(ws: Workspace) -> pd.DataFrame:
    """Tags held in a workspace: imported TagPacks and OFAC lists.

    A ``CryptoWallet`` is tagged by each ``Note`` about it (label: the note's description;
    category: its first keyword; as the ``tagpack`` mapping writes them) and, when it has the
    topic ``sanction`` or a ``Sanction`` names it, as ``sanction``.

    Returns
    -------
    DataFrame
        Columns as :func:`load_tags`.
    """
    from cybertnoc.store.queries import entity_frame

    wallets = entity_frame(ws, "CryptoWallet", ["publicKey", "topics"]).dropna(subset=["publicKey"])
    key = pd.Series(wallets["publicKey"].to_numpy(), index=wallets["id"].to_numpy())
    frames = [pd.DataFrame(columns=list(TAG_COLUMNS))]
    notes = entity_frame(ws, "Note", ["entity", "description", "keywords"])
    notes = notes[notes["entity"].isin(key.index)]
    if len(notes):
        frames.append(
            pd.DataFrame(
                {
                    "address": notes["entity"].map(key).to_numpy(),
                    "label": notes["description"].to_numpy(),
                    "category": notes["keywords"].to_numpy(),
                    "source": "tagpack",
                    "dataset": "workspace",
                }
            )
        )
    sanctions = entity_frame(ws, "Sanction", ["entity"])
    sanctioned = set(sanctions["entity"].dropna()) | set(
        wallets.loc[wallets["topics"] == "sanction", "id"]
    )
    sanctioned &= set(key.index)
    if sanctioned:
        ids = sorted(sanctioned)
        frames.append(
            pd.DataFrame(
                {
                    "address": key[ids].to_numpy(),
                    "label": "sanctioned",
                    "category": "sanction",
                    "source": "ofac",
                    "dataset": "workspace",
                }
            )
        )
    tags = pd.concat([f for f in frames if len(f)] or frames[:1], ignore_index=True)
    return tags[list(TAG_COLUMNS)].drop_duplicates().reset_index(drop=True)


def pseudonymise_tags(tags: pd.DataFrame, pseudonymiser: Any) -> pd.DataFrame:
    """Tags whose addresses are replaced by their pseudonyms, to match a pseudonymised ledger.

    A workspace imported with a mapping that marks addresses personal (the synthetic world's
    ``synth/crypto_transactions``) holds ``p:…`` pseudonyms (HMAC-SHA256 under the workspace
    key, :class:`cybertnoc.ethics.Pseudonymiser`); tag lists hold addresses as published.
    Pseudonymising the tags with the same key lets them meet without revealing the ledger.
    """
    out = tags.copy()
    out["address"] = [pseudonymiser(str(a)) for a in out["address"]]
    return out


def tag_clusters(
    clusters: pd.DataFrame, tags: pd.DataFrame, *, spread: bool = True
) -> pd.DataFrame:
    """The tags of the ledger's addresses, spread to their clusters.

    Parameters
    ----------
    clusters : DataFrame
        From :func:`cluster_addresses` (``address, cluster``).
    tags : DataFrame
        From :func:`load_tags` or :func:`tags_from_workspace`.
    spread : bool, default True
        Give every address of a cluster the tags of any of its members (GraphSense's cluster
        tags); False keeps tags on the tagged addresses only.

    Returns
    -------
    DataFrame
        ``address, cluster, label, category, source, dataset, tagged_address, direct``: one row
        per (address, tag); ``tagged_address`` is the member that carries the tag, ``direct``
        whether it is the address itself.
    """
    c = clusters[["address", "cluster"]].copy()
    c["_key"] = match_key(c["address"]).to_numpy()
    t = tags.copy()
    t["_key"] = match_key(t["address"]).to_numpy() if len(t) else []
    hit = c.merge(t.drop(columns=["address"]), on="_key")
    hit = hit.rename(columns={"address": "tagged_address"}).drop(columns=["_key"])
    if spread:
        out = c[["address", "cluster"]].merge(hit, on="cluster")
    else:
        out = hit.assign(address=hit["tagged_address"])
    out["direct"] = out["address"] == out["tagged_address"]
    cols = [
        "address",
        "cluster",
        "label",
        "category",
        "source",
        "dataset",
        "tagged_address",
        "direct",
    ]
    out = out[cols].drop_duplicates(["address", "label", "category", "source", "tagged_address"])
    return out.sort_values(["cluster", "address", "label"]).reset_index(drop=True)


# -- taint --------------------------------------------------------------------------------------
@dataclass
class TraceResult:
    """What :func:`trace` found.

    Attributes
    ----------
    reached : DataFrame
        One row per address reached (sources excluded): ``address, hops`` (fewest
        transactions from a source), ``taint`` (tainted value received within ``hops``),
        ``received`` (all value it received in the ledger), ``share`` (taint / received),
        sorted by decreasing taint.
    by_hop : DataFrame
        ``address, hop, taint``: the taint received at each hop count.
    taint, hops : str, int
        The model and the hop limit.
    sources : list of str
    """

    reached: pd.DataFrame
    by_hop: pd.DataFrame
    taint: str
    hops: int
    sources: list[str]
    _best: dict[tuple[int, int], tuple[int, float]] = field(repr=False, default_factory=dict)
    _parent: dict[tuple[int, int], tuple[int, int, float]] = field(repr=False, default_factory=dict)
    _addresses: pd.Index = field(repr=False, default_factory=pd.Index)
    _ledger: Ledger | None = field(repr=False, default=None)

    def path(self, address: str, hop: int | None = None) -> list[dict[str, Any]]:
        """The transactions, in order, that carried taint from a source to ``address``.

        At each step back the path follows the input that contributed the most taint at the
        previous hop (the heaviest contributor), so a path of a haircut trace is the main
        channel of the taint, not the only one. ``hop`` picks the hop count of the path
        (default: the hop that delivered the most taint).

        Returns
        -------
        list of dict
            ``step, tx_id, timestamp, from_address, to_address, value`` (of the output),
            ``taint`` (delivered to ``to_address`` by that transaction at that hop); empty
            when the address was not reached.
        """
        if self._ledger is None:
            return []
        loc = self._addresses.get_indexer([address])[0]
        if loc < 0:
            return []
        if hop is None:
            rows = self.by_hop[self.by_hop["address"] == address]
            if rows.empty:
                return []
            hop = int(rows.sort_values(["taint", "hop"], ascending=[False, True]).iloc[0]["hop"])
        if (loc, hop) not in self._best:
            return []
        tx = self._ledger.transactions
        outs = self._ledger.outputs
        steps: list[dict[str, Any]] = []
        to, h = loc, hop
        t, amount = self._best[(loc, hop)]
        while True:
            src, prev_t, prev_amount = self._parent[(t, h)]
            value = outs.loc[
                (outs["order"] == t) & (outs["address"] == self._addresses[to]), "value"
            ].sum()
            stamp = tx["timestamp"].iloc[t]
            steps.append(
                {
                    "tx_id": tx["tx_id"].iloc[t],
                    "timestamp": None if pd.isna(stamp) else stamp.isoformat(),
                    "from_address": self._addresses[src],
                    "to_address": self._addresses[to],
                    "value": float(value),
                    "taint": float(amount),
                }
            )
            if prev_t < 0:
                break
            to, h, t, amount = src, h - 1, prev_t, prev_amount
        steps.reverse()
        for i, s in enumerate(steps, start=1):
            s["step"] = i
        return [{"step": s.pop("step"), **s} for s in steps]


def _check_trace_args(hops: int, taint: str) -> None:
    if not isinstance(hops, int | np.integer) or isinstance(hops, bool) or hops < 1:
        raise InvalidValue(hops, "a number of hops, an int of at least 1", "E.g. hops=3")
    if taint not in ("haircut", "poison"):
        raise InvalidValue(taint, "a taint model: haircut or poison", "See docs/crypto.md")


def trace(
    ledger: Ledger,
    sources: Iterable[str],
    *,
    hops: int = 3,
    taint: Taint = "haircut",
) -> TraceResult:
    """Follow the funds of source addresses forward through at most ``hops`` transactions.

    Transactions are replayed in the ledger's order. Every coin spent by a source address is
    tainted; the source's taint starts at hop 0 and each transaction it passes through adds
    one hop; taint at hop ``hops`` is counted where it arrives but travels no further. Each
    address holds an observed balance (value received minus value spent, from the start of
    the ledger) and a tainted part of it per hop.

    ``haircut``
        An input of value v from address a carries v · T_h(a) / max(B(a), v) of hop-h taint,
        where B(a) is a's balance and T_h(a) its hop-h tainted value (a spend larger than the
        observed balance is topped up with clean coins the ledger does not show). A
        transaction's taint is spread over its outputs in proportion to value: an output of
        value w gets w / V of it, V the sum of the inputs (the fee takes its share). Taint is
        conserved and never exceeds value.
    ``poison``
        An address that ever received a tainted coin is poisoned from then on; a transaction
        with a poisoned input (or a source input) taints all its outputs in full, at one hop
        more than the fewest-hop poisoned input. The taint of an address is the value of the
        tainted outputs it received. Poison over-approximates quickly.

    Parameters
    ----------
    ledger : Ledger
    sources : iterable of str
        The addresses whose funds are followed (e.g. a cluster, or tagged addresses).
    hops : int, default 3
        The most transactions between a source and a reached address.
    taint : {"haircut", "poison"}, default "haircut"

    Returns
    -------
    TraceResult
        With :meth:`TraceResult.path` for the transactions explaining each address's taint.

    Raises
    ------
    InvalidValue
        ``hops`` is not a positive int, or ``taint`` is unknown.

    References
    ----------
    M. Möser, R. Böhme, D. Breuker, "Towards risk scoring of Bitcoin transactions", FC
    Workshops 2014 (poison, haircut); S. Meiklejohn et al., IMC 2013 (following flows of
    stolen bitcoins by peeling chains).
    """
    _check_trace_args(hops, taint)
    addresses = ledger.addresses
    code = pd.Series(np.arange(len(addresses)), index=addresses)
    src_list = [s for s in dict.fromkeys(str(s).strip() for s in sources)]
    src_codes = {int(code[s]) for s in src_list if s in code.index}
    ins, outs = ledger.inputs, ledger.outputs
    in_addr = code[ins["address"]].to_numpy()
    out_addr = code[outs["address"]].to_numpy()
    in_order, out_order = ins["order"].to_numpy(), outs["order"].to_numpy()
    in_val, out_val = ins["value"].to_numpy(float), outs["value"].to_numpy(float)
    n_tx, n_addr, k = len(ledger.transactions), len(addresses), int(hops)

    # The cone: transactions that can carry taint (an input reached before, within k hops).
    reach = np.full(n_addr, np.iinfo(np.int64).max, dtype=np.int64)
    for s in src_codes:
        reach[s] = -1
    live = np.zeros(n_tx, dtype=bool)
    for _ in range(k):
        ok = reach[in_addr] < in_order
        tx_hit = np.zeros(n_tx, dtype=bool)
        tx_hit[in_order[ok]] = True
        live |= tx_hit
        hit_out = tx_hit[out_order]
        new = reach.copy()
        np.minimum.at(new, out_addr[hit_out], out_order[hit_out])
        if np.array_equal(new, reach):
            break
        reach = new
    cone = np.isin(np.arange(n_addr), np.flatnonzero(reach < np.iinfo(np.int64).max))
    touch = np.zeros(n_tx, dtype=bool)
    touch[in_order[cone[in_addr]]] = True
    touch[out_order[cone[out_addr]]] = True
    touch |= live

    in_start = np.searchsorted(in_order, np.arange(n_tx + 1))
    out_start = np.searchsorted(out_order, np.arange(n_tx + 1))
    balance = np.zeros(n_addr)
    tainted = np.zeros((n_addr, k + 1))  # haircut: tainted value held, per hop
    poisoned = np.full(n_addr, k + 1, dtype=np.int64)  # poison: fewest hops, k+1 = clean
    got = np.zeros((n_addr, k + 1))  # taint received per hop
    best: dict[tuple[int, int], tuple[int, float]] = {}
    parent: dict[tuple[int, int], tuple[int, int, float]] = {}
    is_source = np.zeros(n_addr, dtype=bool)
    is_source[list(src_codes)] = True

    for t in np.flatnonzero(touch):
        i0, i1, o0, o1 = in_start[t], in_start[t + 1], out_start[t], out_start[t + 1]
        carried = np.zeros(k + 1)  # taint leaving the inputs, per hop
        top: dict[int, tuple[float, int]] = {}  # hop -> (contribution, input address)
        total_in = 0.0
        for j in range(i0, i1):
            a, v = int(in_addr[j]), float(in_val[j])
            total_in += v
            if taint == "haircut":
                if is_source[a]:
                    part = np.zeros(k + 1)
                    part[0] = v
                else:
                    avail = max(balance[a], v)
                    part = tainted[a] * (v / avail) if avail > 0 else np.zeros(k + 1)
                    tainted[a] -= part
                    np.maximum(tainted[a], 0.0, out=tainted[a])
                carried += part
                for h in np.flatnonzero(part[:k] > _EPS):
                    if part[h] > top.get(int(h), (0.0, -1))[0]:
                        top[int(h)] = (float(part[h]), a)
            else:
                h = 0 if is_source[a] else int(poisoned[a])
                if h < k and (h not in top or v > top[h][0]):
                    top[h] = (v, a)
            balance[a] = max(balance[a] - v, 0.0)
        for j in range(o0, o1):
            balance[out_addr[j]] += out_val[j]
        if not top:
            continue
        if taint == "poison":
            h0 = min(top)
            top = {h0: top[h0]}
        for h, (_, a) in top.items():
            prev = best.get((a, h), (-1, 0.0)) if h > 0 else (-1, 0.0)
            parent[(int(t), h + 1)] = (a, prev[0], prev[1])
        for j in range(o0, o1):
            b, w = int(out_addr[j]), float(out_val[j])
            if is_source[b]:
                continue
            if taint == "haircut":
                if total_in <= 0:
                    continue
                share = carried[:k] * (w / total_in)
                tainted[b, 1:] += share
                got[b, 1:] += share
                for h in top:
                    amount = float(share[h])
                    if amount > best.get((b, h + 1), (-1, 0.0))[1]:
                        best[(b, h + 1)] = (int(t), amount)
            else:
                (h,) = top
                got[b, h + 1] += w
                poisoned[b] = min(poisoned[b], h + 1)
                if w > best.get((b, h + 1), (-1, 0.0))[1]:
                    best[(b, h + 1)] = (int(t), w)

    received = np.bincount(out_addr, weights=out_val, minlength=n_addr)
    hit = np.flatnonzero((got.sum(axis=1) > _EPS) & ~is_source)
    total = got[hit].sum(axis=1)
    first_hop = np.argmax(got[hit] > _EPS, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(received[hit] > 0, total / received[hit], np.nan)
    reached = pd.DataFrame(
        {
            "address": addresses[hit].to_numpy(),
            "hops": first_hop.astype(np.int64),
            "taint": total,
            "received": received[hit],
            "share": share,
        }
    )
    reached = reached.sort_values(
        ["taint", "hops", "address"], ascending=[False, True, True]
    ).reset_index(drop=True)
    rows, hop_cols = np.nonzero(got[hit] > _EPS)
    by_hop = pd.DataFrame(
        {
            "address": addresses[hit[rows]].to_numpy(),
            "hop": hop_cols.astype(np.int64),
            "taint": got[hit[rows], hop_cols],
        }
    )
    missing = [s for s in src_list if s not in code.index]
    if missing:
        log.info("%d source address(es) not in the ledger: %s", len(missing), missing[:5])
    result = TraceResult(reached, by_hop, taint, k, src_list, best, parent, addresses, ledger)
    return result


def exposure(
    ledger: Ledger,
    tags: pd.DataFrame,
    addresses: Iterable[str],
    *,
    hops: int = 3,
    taint: Taint = "haircut",
    direction: Literal["sent", "received"] = "sent",
    clusters: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Exposure of addresses to tagged addresses within ``hops`` transactions.

    ``sent``
        How much of the funds the addresses sent reached a tagged address within ``hops``
        (the funds of ``addresses`` are traced forward, :func:`trace`).
    ``received``
        How much of the funds the addresses received came from a tagged address within
        ``hops`` (the funds of each tagged cluster are traced forward to ``addresses``).

    Parameters
    ----------
    ledger : Ledger
    tags : DataFrame
        From :func:`load_tags` or :func:`tags_from_workspace`.
    addresses : iterable of str
        The addresses (for instance one cluster) whose exposure is measured.
    hops : int, default 3
    taint : {"haircut", "poison"}, default "haircut"
    direction : {"sent", "received"}, default "sent"
    clusters : DataFrame, optional
        From :func:`cluster_addresses`: tags spread to whole clusters, and the sources of a
        ``received`` trace are whole tagged clusters. None: tags hold for their address only.

    Returns
    -------
    DataFrame
        One row per (tagged address, tag) reached: ``address`` (the address on the far end:
        the tagged one for ``sent``, the one of ``addresses`` for ``received``), ``tagged``,
        ``label, category, source, hops, taint, share, path`` (a list of steps as
        :meth:`TraceResult.path`), sorted by decreasing taint.
    """
    _check_trace_args(hops, taint)
    if direction not in ("sent", "received"):
        raise InvalidValue(direction, "a direction: sent or received", "See docs/crypto.md")
    targets = [str(a).strip() for a in addresses]
    known = set(ledger.addresses)
    unknown = [a for a in targets if a not in known]
    if unknown:
        shown = ", ".join(unknown[:5]) + (
            f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        )
        raise InvalidValue(
            shown, "an address of the ledger", "Check the address (as written in the data)"
        )
    if clusters is None:
        clusters = pd.DataFrame(
            {"address": ledger.addresses.to_numpy(), "cluster": np.arange(len(ledger.addresses))}
        )
    tagged = tag_clusters(clusters, tags, spread=True)
    cols = ["address", "tagged", "label", "category", "source", "hops", "taint", "share", "path"]
    rows: list[dict[str, Any]] = []
    if direction == "sent":
        result = trace(ledger, targets, hops=hops, taint=taint)
        hit = result.reached.merge(tagged, on="address")
        for r in hit.itertuples(index=False):
            rows.append(
                {
                    "address": targets[0] if len(targets) == 1 else ",".join(targets),
                    "tagged": r.address,
                    "label": r.label,
                    "category": r.category,
                    "source": r.source,
                    "hops": int(r.hops),
                    "taint": float(r.taint),
                    "share": float(r.share) if not math.isnan(r.share) else None,
                    "path": result.path(r.address),
                }
            )
    else:
        target_set = set(targets)
        for cluster_id, members in tagged.groupby("cluster"):
            sources = sorted(set(members["address"]))
            result = trace(ledger, sources, hops=hops, taint=taint)
            hit = result.reached[result.reached["address"].isin(target_set)]
            labels = members.drop_duplicates(["label", "category", "source"])
            for r in hit.itertuples(index=False):
                p = result.path(r.address)
                for tag in labels.itertuples(index=False):
                    rows.append(
                        {
                            "address": r.address,
                            "tagged": p[0]["from_address"] if p else tag.tagged_address,
                            "label": tag.label,
                            "category": tag.category,
                            "source": tag.source,
                            "hops": int(r.hops),
                            "taint": float(r.taint),
                            "share": float(r.share) if not math.isnan(r.share) else None,
                            "path": p,
                        }
                    )
            log.debug("tagged cluster %s: %d target(s) reached", cluster_id, len(hit))
    frame = pd.DataFrame(rows, columns=cols)
    return frame.sort_values(["taint", "hops"], ascending=[False, True]).reset_index(drop=True)
