"""Built-in formats: finance (AML benchmarks, crypto-address attributions, sanction lists).

=====================  =================================================================
format                 reads
=====================  =================================================================
``amlsim``             IBM AMLSim output runs (Suzumura & Kanezashi 2021; Weber et al. 2018)
``amlworld``           IBM AMLworld ``*_Trans.csv`` transactions (Altman et al. 2023)
``amlworld-patterns``  IBM AMLworld ``*_Patterns.txt`` laundering attempts, or its JSON copy
``elliptic``           the Elliptic Bitcoin transaction graph (Weber et al. 2019)
``tagpack``            GraphSense TagPacks (Haslhofer et al. 2022)
``ofac-addresses``     OFAC SDN digital-currency addresses per asset (via 0xB10C)
=====================  =================================================================

Accounts become ``BankAccount`` (the id as written in ``accountNumber``), crypto addresses
``CryptoWallet`` (namespace ``crypto_wallets``, shared by tag packs and sanction lists), transfers
``Payment`` (payer → beneficiary), Bitcoin transactions of Elliptic ``CryptoTransaction`` linked by
``DirectedTie``. The labels of the benchmarks (AMLSim's isFraud, AMLworld's Is Laundering and
typologies, Elliptic's classes) become ``AmlLabel`` entities on the account, payment or
transaction they label: ground truth for training and evaluating detectors. See
``docs/formats/finance.md``.
"""

from __future__ import annotations

import bisect
import csv
import json
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from cybertnoc.errors import InvalidValue, Problem
from cybertnoc.ingest.formats._base import Format, Part, register, rejected
from cybertnoc.ingest.importer import file_hash
from cybertnoc.ingest.mapping import Mapping, load_mapping
from cybertnoc.ingest.readers import Record, RecordReader
from cybertnoc.model.types import clean_value

__all__ = [
    "AMLWORLD_CURRENCIES",
    "CHECKED_CHAINS",
    "amlworld_namespace",
    "wallet_key",
]

log = logging.getLogger(__name__)

#: A recoverable problem of one record: (column, value, expected, hint).
Issue = tuple[str | None, str | None, str, str]
Get = Callable[[str], str | None]

#: AMLworld's currency names (the 15 of HI-Small) and their ISO 4217 / crypto codes.
AMLWORLD_CURRENCIES = {
    "us dollar": "USD",
    "euro": "EUR",
    "yuan": "CNY",
    "yen": "JPY",
    "rupee": "INR",
    "ruble": "RUB",
    "uk pound": "GBP",
    "shekel": "ILS",
    "brazil real": "BRL",
    "saudi riyal": "SAR",
    "swiss franc": "CHF",
    "australian dollar": "AUD",
    "canadian dollar": "CAD",
    "mexican peso": "MXN",
    "bitcoin": "BTC",
}

#: Assets whose addresses the ``crypto_address`` cleaner checks (Bitcoin and forks using its
#: address format, Ethereum and EVM chains and tokens, Litecoin, Tron). Addresses of other assets
#: (XMR, ZEC, DASH, XRP, XVG, BTG, BCH cash addresses) are kept as written.
CHECKED_CHAINS = frozenset(
    {
        *("BTC", "XBT", "BSV", "ETH", "ETC", "ARB", "BSC", "BNB", "MATIC", "POL"),
        *("USDT", "USDC", "DAI", "LTC", "TRX"),
    }
)

_TRUE = {"1", "true", "t", "yes", "y"}
_FALSE = {"0", "false", "f", "no", "n"}


# -- helpers ------------------------------------------------------------------------------------
def _norm(name: str) -> str:
    """A header name reduced to lower-case letters and digits.

    Examples
    --------
    >>> _norm("From Bank"), _norm("from_bank_id"), _norm("Account.1")
    ('frombank', 'frombankid', 'account1')
    """
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "run"


def _flag01(raw: str | None) -> str | None:
    """``"1"``, ``"0"`` or None for a 0/1, true/false label.

    Examples
    --------
    >>> _flag01("True"), _flag01("0"), _flag01("maybe")
    ('1', '0', None)
    """
    if raw is None:
        return None
    low = raw.strip().lower()
    return "1" if low in _TRUE else "0" if low in _FALSE else None


def _int(raw: str | None) -> int | None:
    if raw is None or not re.fullmatch(r"-?\d{1,12}", raw.strip()):
        return None
    return int(raw)


def _text(value: Any) -> str | None:
    """A parsed YAML/JSON value as text (dates ISO, booleans lower case, structures as JSON)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    text = str(value).strip()
    return text or None


def _fail_decode(reader: RecordReader, path: Path) -> None:
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1]
        reader.fail(
            line, "text in UTF-8", f"Byte {exc.start} ({byte!r}) cannot be decoded; save as UTF-8"
        )
        return
    reader.fail(None, "text in UTF-8", "The file could not be decoded; save it as UTF-8")


def _read_text(reader: RecordReader, path: Path) -> str | None:
    """The whole text of a (small) file, or None after a fatal decoding problem."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        _fail_decode(reader, path)
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _csv_rows(reader: RecordReader, path: Path) -> Iterator[tuple[int, list[str]]]:
    """``(line, fields)`` of each non-empty CSV record of ``path``, streamed.

    ``line`` is the physical line where the record starts. A byte that is not UTF-8 or a broken
    CSV record is a fatal problem of ``reader`` (with its line) and ends the rows.
    """
    start = 1
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = csv.reader(fh)
            for fields in rows:
                if any(f.strip() for f in fields):
                    yield start, fields
                start = rows.line_num + 1
    except UnicodeDecodeError:
        _fail_decode(reader, path)
    except csv.Error as exc:
        reader.fail(
            start,
            "a CSV file (comma-separated, quotes balanced)",
            f"The CSV reader stopped at this line: {exc}. Fix the line",
        )


class _Header:
    """A CSV header resolved to the fields a parser reads (by normalised name)."""

    def __init__(self, header: list[str], fields: dict[str, tuple[str, ...]]) -> None:
        self.header = [h.strip() for h in header]
        normed = [_norm(h) for h in header]
        self.index: dict[str, int | None] = {}
        for name, aliases in fields.items():
            self.index[name] = next((normed.index(a) for a in aliases if a in normed), None)

    def name(self, field: str) -> str:
        i = self.index.get(field)
        return self.header[i] if i is not None else field

    def getter(self, fields: list[str]) -> Get:
        def get(field: str) -> str | None:
            i = self.index.get(field)
            if i is None or i >= len(fields):
                return None
            return fields[i].strip() or None

        return get

    def require(self, reader: RecordReader, line: int, required: dict[str, str], what: str) -> bool:
        """Whether every required field is there; else a fatal problem saying what is expected."""
        missing = [shown for field, shown in required.items() if self.index.get(field) is None]
        if not missing:
            return True
        reader.fail(
            line,
            f"{what}: a header line with the columns {', '.join(required.values())}",
            f"Missing: {', '.join(missing)}. The first line is {','.join(self.header)[:300]!r}; "
            "give the file with its original header",
        )
        return False

    def width(self, fields: list[str], line: int) -> Issue | None:
        if len(fields) == len(self.header):
            return None
        return (
            None,
            f"{len(fields)} fields",
            f"{len(self.header)} fields, as in the header",
            "The row is kept; missing fields are empty, extra fields are ignored",
        )


def _first_record(
    reader: RecordReader, rows: Iterator[tuple[int, list[str]]], what: str
) -> tuple[int, list[str]] | None:
    first = next(rows, None)
    if first is None and not reader.problems:
        reader.fail(None, f"{what} with a header line and rows", "The file is empty")
    return first


def _load(name: str, namespace: str | None = None) -> Mapping:
    """A built-in mapping, all of its entities in ``namespace`` when given."""
    mapping = load_mapping(f"formats/{name}")
    if namespace is None:
        return mapping
    return replace(
        mapping, entities=tuple(replace(e, namespace=namespace) for e in mapping.entities)
    )


def _warn(
    reader: RecordReader, file: Path, line: int | None, value: str, expected: str, hint: str
) -> None:
    """Record a warning (a problem that does not reject the import) of ``file``."""
    reader.problems.append(Problem(str(file), None, line, None, value, expected, hint, fatal=False))


def wallet_key(address: str, asset: str | None) -> tuple[str, str | None, str | None]:
    """The key of a crypto address, and the address as checked or as unchecked.

    Addresses of :data:`CHECKED_CHAINS` (and of an unknown asset) are canonicalised by the
    ``crypto_address`` cleaner, so that one address written in two ways is one wallet; an address
    it rejects keeps its form (the importer flags the row). Others are kept as written.

    Returns
    -------
    tuple
        ``(key, address, unchecked_address)``; one of the last two is None.

    Examples
    --------
    >>> wallet_key("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "ETH")[0]
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'
    >>> wallet_key("t1MMXtBrSp1XG38Lx9cePcNUCJj5vdWfUWL", "ZEC")
    ('t1MMXtBrSp1XG38Lx9cePcNUCJj5vdWfUWL', None, 't1MMXtBrSp1XG38Lx9cePcNUCJj5vdWfUWL')
    """
    address = address.strip()
    if asset is not None and asset.upper() not in CHECKED_CHAINS:
        return address, None, address
    try:
        key = clean_value("crypto_address", address) or address
    except InvalidValue:
        key = address
    return key, address, None


# -- JSON with line numbers ---------------------------------------------------------------------
_LINE = "\x00line"


class _JsonList(list):  # type: ignore[type-arg]
    """A JSON array that knows the line of each element."""

    lines: list[int]


class _JsonError(ValueError):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def _json_with_lines(text: str) -> Any:
    """Parse JSON; objects get their 1-based start line under :data:`_LINE`, arrays ``.lines``.

    Examples
    --------
    >>> data = _json_with_lines('{"a": [\\n "x",\\n {"b": 1}\\n]}')
    >>> data["a"].lines, data["a"][1][_LINE]
    ([2, 3], 3)
    """
    decoder = json.JSONDecoder()
    n = len(text)
    newlines = [m.start() for m in re.finditer("\n", text)]

    def line(pos: int) -> int:
        return bisect.bisect_left(newlines, pos) + 1

    def skip(i: int) -> int:
        while i < n and text[i] in " \t\r\n":
            i += 1
        return i

    def value(i: int, depth: int) -> tuple[Any, int]:
        if depth > 100:
            raise _JsonError("nesting deeper than 100 levels", line(i))
        i = skip(i)
        c = text[i : i + 1]
        if c == "{":
            obj: dict[str, Any] = {_LINE: line(i)}
            i = skip(i + 1)
            if text[i : i + 1] == "}":
                return obj, i + 1
            while True:
                if text[i : i + 1] != '"':
                    raise _JsonError("a key in double quotes", line(i))
                key, i = decoder.raw_decode(text, i)
                i = skip(i)
                if text[i : i + 1] != ":":
                    raise _JsonError("a ':' after the key", line(i))
                obj[key], i = value(i + 1, depth + 1)
                i = skip(i)
                c = text[i : i + 1]
                if c == ",":
                    i = skip(i + 1)
                elif c == "}":
                    return obj, i + 1
                else:
                    raise _JsonError("',' or '}' in an object", line(i))
        if c == "[":
            items = _JsonList()
            items.lines = []
            i = skip(i + 1)
            if text[i : i + 1] == "]":
                return items, i + 1
            while True:
                i = skip(i)
                items.lines.append(line(i))
                item, i = value(i, depth + 1)
                items.append(item)
                i = skip(i)
                c = text[i : i + 1]
                if c == ",":
                    i += 1
                elif c == "]":
                    return items, i + 1
                else:
                    raise _JsonError("',' or ']' in an array", line(i))
        if not c:
            raise _JsonError("a value (the text ends too early)", line(i))
        try:
            return decoder.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            raise _JsonError(exc.msg, exc.lineno) from exc

    try:
        result, end = value(0, 0)
    except json.JSONDecodeError as exc:  # a broken key
        raise _JsonError(exc.msg, exc.lineno) from exc
    end = skip(end)
    if end != n:
        raise _JsonError("nothing after the JSON value", line(end))
    return result


def _read_json(reader: RecordReader, path: Path, what: str) -> Any:
    text = _read_text(reader, path)
    if text is None:
        return None
    try:
        return _json_with_lines(text)
    except _JsonError as exc:
        reader.fail(exc.line, f"{what} (JSON)", f"The JSON is broken here: expected {exc}")
    except RecursionError:
        reader.fail(None, f"{what} (JSON)", "The JSON is nested too deeply")
    return None


# -- amlsim -------------------------------------------------------------------------------------
_AMLSIM_ACCOUNT_FIELDS = {
    "account": ("nodeid", "accountid", "acctid"),
    "fraud": ("isfraud", "issar"),
    "balance": ("initbalance", "initialdeposit"),
    "step": ("fraudstep",),
    "customer": ("primarycustomerid",),
    "country": ("country",),
    "business": ("business", "businesstype"),
    "suspicious": ("suspicious",),
}
_AMLSIM_ACCOUNT_COLUMNS = [
    "account",
    "balance",
    "country",
    "business",
    "customer",
    "is_fraud",
    "label",
    "fraud_step",
]
_AMLSIM_TX_FIELDS = {
    "source": ("sourcenodeid", "accountid", "origacct"),
    "target": ("targetnodeid", "counterpartyaccountnum", "beneacct"),
    "branch": ("branchid",),
    "amount": ("value", "txnamountorig", "baseamt", "amount"),
    "step": ("time", "start", "rundate", "step", "trantimestamp"),
    "id": ("txnid", "tranid"),
    "type": ("txnsourcetypecode", "txtype"),
}
_AMLSIM_TX_COLUMNS = [
    "tx",
    "tx_id",
    "source",
    "target",
    "source_number",
    "target_number",
    "amount",
    "currency",
    "date",
    "step",
    "type",
]
_AMLSIM_CASH_COLUMNS = [
    "cash_in",
    "cash_out",
    "tx_id",
    "account",
    "branch",
    "amount",
    "currency",
    "date",
    "step",
    "type",
]
_AMLSIM_ALERT_FIELDS = {
    "alert": ("alertkey", "alertid"),
    "account": ("accountid", "acctid"),
    "date": ("eventdate",),
    "typology": ("checkname", "alerttype"),
    "text": ("alerttext",),
    "organisation": ("organizationtype",),
    "escalated": ("escalatedtocaseinvestigation",),
}
_AMLSIM_ALERT_COLUMNS = ["alert", "account", "date", "typology", "summary"]

_AMLSIM_FILES = {
    "nodes.csv": "accounts",
    "accounts.csv": "accounts",
    "transactions.csv": "transactions",
    "tx.csv": "transactions",
    "cash_tx.csv": "cash",
    "alerts.csv": "alerts",
}
_AMLSIM_PARAMETERS = ("alertpatterns.csv", "degree.csv", "normalmodels.csv", "transactiontype.csv")
_AMLSIM_LAYOUT = (
    "nodes.csv and transactions.csv (an AMLSim 20K sample run) or accounts.csv and tx.csv "
    "(AMLSim's outputs, optionally with cash_tx.csv and alerts.csv)"
)


class _Known:
    """The account ids a run's account list gave, once it has been read in this import."""

    def __init__(self) -> None:
        self.ids: set[str] | None = None


def _amlsim_accounts(
    path: Path, metadata: Path | None, known: _Known | None
) -> Callable[[RecordReader], Any]:
    def parse(reader: RecordReader) -> Iterator[Record]:
        ids: set[str] = set()
        if known is not None:
            known.ids = ids
        rows = _csv_rows(reader, path)
        first = _first_record(reader, rows, "an AMLSim account list")
        if first is None:
            return
        head = _Header(first[1], _AMLSIM_ACCOUNT_FIELDS)
        if not head.require(
            reader,
            first[0],
            {"account": "nodeid (or ACCOUNT_ID)", "fraud": "isFraud"},
            "an AMLSim account list (nodes.csv, accounts.csv)",
        ):
            return
        accounts = fraud = 0
        for line, fields in rows:
            get = head.getter(fields)
            issues: list[Issue] = [i for i in (head.width(fields, line),) if i]
            account = get("account")
            if account is None:
                issues.append(
                    (head.name("account"), None, "an account id", "The row is kept without one")
                )
            raw = get("fraud")
            flag = _flag01(raw)
            if flag is None:
                issues.append(
                    (
                        head.name("fraud"),
                        raw,
                        "a label: 0/1 or true/false",
                        "The account is kept; its label has no illicit value",
                    )
                )
            label = None
            if raw is not None:
                label = f"{head.name('fraud')}={raw}"
                if get("suspicious") is not None:
                    label += f"; {head.name('suspicious')}={get('suspicious')}"
            step = get("step")
            if account is not None:
                ids.add(account)
            accounts += 1
            fraud += flag == "1"
            values = {
                "account": account,
                "balance": get("balance"),
                "country": get("country"),
                "business": get("business"),
                "customer": get("customer"),
                "is_fraud": flag,
                "label": label,
                "fraud_step": None if step in (None, "-1") else step,
            }
            yield line, values, tuple(issues)
        if metadata is not None and not reader.problems:
            _amlsim_metadata(reader, metadata, path, {"nodes": accounts, "fraud": fraud})

    return parse


def _amlsim_metadata(
    reader: RecordReader, metadata: Path, data: Path, counted: dict[str, int]
) -> None:
    """Compare the counts a run's metadata.txt states with those of its files (warnings)."""
    try:
        text = metadata.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        log.warning("%s is not readable; the counts it states are not checked", metadata)
        return
    patterns = {
        "nodes": r"nodes:\s*([\d,]+)",
        "fraud": r"\(([\d,]+) fraud",
        "transactions": r"transactions:\s*([\d,]+)",
    }
    for number, line_text in enumerate(text.splitlines(), start=1):
        for what, pattern in patterns.items():
            m = re.search(pattern, line_text)
            if m is None or what not in counted:
                continue
            stated = int(m.group(1).replace(",", ""))
            if stated != counted[what]:
                noun = {"nodes": "accounts", "fraud": "isFraud=1 accounts"}.get(what, what)
                _warn(
                    reader,
                    metadata,
                    number,
                    m.group(0),
                    f"{counted[what]:,} {noun}, as counted in {data.name}",
                    f"metadata.txt says {stated:,}; the rows of {data.name} were imported as "
                    "they are (the metadata is only a summary)",
                )


def _amlsim_step(
    raw: str | None, base: date | None, column: str
) -> tuple[str | None, str | None, Issue | None]:
    """``(step, date, issue)`` of a simulation step (a day after ``base``) or a timestamp."""
    if raw is None:
        return None, None, None
    step = _int(raw)
    if step is None:
        return None, raw, None  # a date or timestamp as written; the cleaner checks it
    if base is None:
        return str(step), None, None
    if not 0 <= step <= 100_000:
        issue = (column, raw, "a simulation step from 0 to 100000", "Kept without a date")
        return str(step), None, issue
    return str(step), (base + timedelta(days=step)).isoformat(), None


def _amlsim_transactions(
    path: Path, options: dict[str, str], metadata: Path | None, known: _Known | None
) -> Callable[[RecordReader], Any]:
    base = _base_date(options)
    currency = options.get("currency") or None

    def parse(reader: RecordReader) -> Iterator[Record]:
        rows = _csv_rows(reader, path)
        first = _first_record(reader, rows, "an AMLSim transaction list")
        if first is None:
            return
        head = _Header(first[1], _AMLSIM_TX_FIELDS)
        if not head.require(
            reader,
            first[0],
            {
                "source": "sourceNodeId (or ACCOUNT_ID)",
                "target": "targetNodeId (or COUNTER_PARTY_ACCOUNT_NUM)",
                "amount": "value (or TXN_AMOUNT_ORIG)",
            },
            "an AMLSim transaction list (transactions.csv, tx.csv)",
        ):
            return
        count = 0
        ids = known.ids if known is not None else None  # None: no account list read
        for line, fields in rows:
            get = head.getter(fields)
            issues: list[Issue] = [i for i in (head.width(fields, line),) if i]
            source, target, tx_id = get("source"), get("target"), get("id")
            step, when, issue = _amlsim_step(get("step"), base, head.name("step"))
            issues += [issue] if issue else []
            tx = None
            if source is None or target is None:
                issues.append(
                    (
                        head.name("source" if source is None else "target"),
                        None,
                        "the accounts at both ends of the transfer",
                        "The row is kept without a payment",
                    )
                )
            else:
                tx = f"id:{tx_id}" if tx_id else f"line:{line}"
            numbers = {}
            for end, account in (("source", source), ("target", target)):
                if account is None or ids is None:
                    numbers[end] = account
                elif account in ids:
                    numbers[end] = None  # the accounts file gives its accountNumber
                else:
                    numbers[end] = account
                    issues.append(
                        (
                            head.name(end),
                            account,
                            "an account of the run's account list",
                            "Kept; the account is made from this transfer",
                        )
                    )
            if get("amount") is None:
                issues.append((head.name("amount"), None, "an amount", "Kept without one"))
            count += 1
            values = {
                "tx": tx,
                "tx_id": tx_id,
                "source": source,
                "target": target,
                "source_number": numbers["source"],
                "target_number": numbers["target"],
                "amount": get("amount"),
                "currency": currency,
                "date": when,
                "step": step,
                "type": get("type"),
            }
            yield line, values, tuple(issues)
        if metadata is not None and not reader.problems:
            _amlsim_metadata(reader, metadata, path, {"transactions": count})

    return parse


def _amlsim_cash(path: Path, options: dict[str, str]) -> Callable[[RecordReader], Any]:
    base = _base_date(options)
    currency = options.get("currency") or None

    def parse(reader: RecordReader) -> Iterator[Record]:
        rows = _csv_rows(reader, path)
        first = _first_record(reader, rows, "an AMLSim cash transaction list")
        if first is None:
            return
        head = _Header(first[1], _AMLSIM_TX_FIELDS)
        if not head.require(
            reader,
            first[0],
            {
                "source": "ACCOUNT_ID",
                "branch": "BRANCH_ID",
                "type": "TXN_SOURCE_TYPE_CODE",
                "amount": "TXN_AMOUNT_ORIG",
            },
            "an AMLSim cash transaction list (cash_tx.csv)",
        ):
            return
        for line, fields in rows:
            get = head.getter(fields)
            issues: list[Issue] = [i for i in (head.width(fields, line),) if i]
            account, branch, tx_id = get("source"), get("branch"), get("id")
            kind = (get("type") or "").upper().replace("_", "-")
            step, when, issue = _amlsim_step(get("step"), base, head.name("step"))
            issues += [issue] if issue else []
            key = f"id:{tx_id}" if tx_id else f"line:{line}"
            if account is None or branch is None:
                issues.append(
                    (
                        head.name("source" if account is None else "branch"),
                        None,
                        "an account and a branch",
                        "The row is kept without a payment",
                    )
                )
                key = None
            elif kind not in ("CASH-IN", "CASH-OUT"):
                issues.append(
                    (
                        head.name("type"),
                        get("type"),
                        "CASH-IN or CASH-OUT",
                        "The row is kept without a payment (its direction is unknown)",
                    )
                )
                key = None
            values = {
                "cash_in": key if kind == "CASH-IN" else None,
                "cash_out": key if kind == "CASH-OUT" else None,
                "tx_id": tx_id,
                "account": account,
                "branch": branch,
                "amount": get("amount"),
                "currency": currency,
                "date": when,
                "step": step,
                "type": get("type"),
            }
            yield line, values, tuple(issues)

    return parse


def _amlsim_alerts(path: Path) -> Callable[[RecordReader], Any]:
    def parse(reader: RecordReader) -> Iterator[Record]:
        rows = _csv_rows(reader, path)
        first = _first_record(reader, rows, "an AMLSim alert list")
        if first is None:
            return
        head = _Header(first[1], _AMLSIM_ALERT_FIELDS)
        if not head.require(
            reader,
            first[0],
            {"alert": "ALERT_KEY", "account": "ACCOUNT_ID", "typology": "CHECK_NAME"},
            "an AMLSim alert list (alerts.csv)",
        ):
            return
        for line, fields in rows:
            get = head.getter(fields)
            issues: list[Issue] = [i for i in (head.width(fields, line),) if i]
            if get("alert") is None or get("account") is None:
                issues.append(
                    (
                        head.name("alert" if get("alert") is None else "account"),
                        None,
                        "an alert id and an account id",
                        "The row is kept without a label",
                    )
                )
            summary = "; ".join(
                f"{head.name(f)}: {get(f)}" for f in ("text", "organisation", "escalated") if get(f)
            )
            values = {
                "alert": get("alert"),
                "account": get("account"),
                "date": get("date"),
                "typology": get("typology"),
                "summary": summary or None,
            }
            yield line, values, tuple(issues)

    return parse


def _base_date(options: dict[str, str]) -> date | None:
    raw = options.get("base_date", "2017-01-01").strip()
    if raw.lower() in ("", "none"):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidValue(
            raw, "a base date YYYY-MM-DD, or none", "Set --option base_date=2017-01-01"
        ) from None


def _sniff_header(path: Path) -> set[str]:
    try:
        with open(path, "rb") as fh:
            head = fh.read(65536).split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
    except OSError:
        return set()
    return {_norm(h) for h in head.split(",")}


def _amlsim_kind(path: Path) -> str | None:
    kind = _AMLSIM_FILES.get(path.name.lower())
    if kind is not None:
        return kind
    if path.name.lower() in _AMLSIM_PARAMETERS:
        return "parameters"
    names = _sniff_header(path)
    if "branchid" in names:
        return "cash"
    if "alertkey" in names:
        return "alerts"
    if names & {"sourcenodeid", "counterpartyaccountnum", "origacct"}:
        return "transactions"
    if names & {"nodeid", "isfraud", "issar"} and names & {"nodeid", "accountid", "acctid"}:
        return "accounts"
    if {"count", "type"} <= names:
        return "parameters"
    return None


def _amlsim_part(
    path: Path, kind: str, options: dict[str, str], run: Path, known: _Known | None = None
) -> Part:
    namespace = f"amlsim_{_slug(run.name)}"
    metadata = run / "metadata.txt"
    meta = metadata if metadata.is_file() else None
    if kind == "accounts":
        parse = _amlsim_accounts(path, meta, known)
        columns, mapping = _AMLSIM_ACCOUNT_COLUMNS, "accounts"
    elif kind == "transactions":
        parse = _amlsim_transactions(path, options, meta, known)
        columns, mapping = _AMLSIM_TX_COLUMNS, "transactions"
    elif kind == "cash":
        parse, columns, mapping = _amlsim_cash(path, options), _AMLSIM_CASH_COLUMNS, "cash"
    else:
        parse, columns, mapping = _amlsim_alerts(path), _AMLSIM_ALERT_COLUMNS, "alerts"
    return Part(
        path,
        _load(f"amlsim_{mapping}", namespace),
        lambda: RecordReader(path, columns, parse, format=f"amlsim-{kind}"),
        kind,
    )


def _amlsim_parameters(path: Path) -> Exception:
    return rejected(
        path,
        f"AMLSim output: {_AMLSIM_LAYOUT}",
        "This is an AMLSim parameter set (alertPatterns.csv, accounts.csv, degree.csv, "
        "normalModels.csv, transactionType.csv): what the generator is asked to simulate, not "
        "accounts or transactions. Run AMLSim with it and import the run's output directory",
    )


def _amlsim_parts(path: Path, options: dict[str, str]) -> list[Part]:
    """Parts of an AMLSim run directory, or of one of its files.

    A 20K sample run holds ``nodes.csv`` (accounts with ``isFraud``) and ``transactions.csv``;
    AMLSim's newer outputs ``accounts.csv``, ``tx.csv``, ``cash_tx.csv`` and ``alerts.csv``. The
    accounts are read first, so that the transfers need not repeat their numbers; a
    ``metadata.txt`` beside them is compared with the counts read (a warning where it differs).

    References
    ----------
    T. Suzumura, H. Kanezashi, *Anti-Money Laundering Datasets: InPlusLab AML Datasets*,
    https://github.com/IBM/AMLSim (2021). M. Weber et al., *Scalable Graph Learning for
    Anti-Money Laundering: A First Look*, arXiv:1812.00076 (2018).
    """
    _base_date(options)
    if options.get("currency"):
        clean_value("currency", options["currency"])  # an unknown code is refused here
    if path.is_file():
        kind = _amlsim_kind(path)
        if kind == "parameters":
            raise _amlsim_parameters(path)
        if kind is None:
            raise rejected(
                path,
                "an AMLSim output file: nodes.csv (nodeid, isFraud, init_balance, fraudStep), "
                "transactions.csv (sourceNodeId, targetNodeId, value, time), accounts.csv, "
                "tx.csv, cash_tx.csv or alerts.csv",
                "Give a file of an AMLSim run, or the run directory",
            )
        return [_amlsim_part(path, kind, options, path.parent)]
    files = {p.name.lower(): p for p in sorted(path.iterdir()) if p.is_file()}
    kinds = {name: _AMLSIM_FILES[name] for name in files if name in _AMLSIM_FILES}
    # accounts.csv is also a parameter file; only AMLSim's outputs pair it with transactions.
    if "accounts.csv" in kinds and not {"tx.csv", "transactions.csv"} & set(files):
        kinds.pop("accounts.csv")
    have = set(kinds.values())
    if not {"accounts", "transactions"} <= have:
        if any(name in files for name in _AMLSIM_PARAMETERS):
            raise _amlsim_parameters(path)
        runs = sorted(p.name for p in path.iterdir() if p.is_dir() and (p / "nodes.csv").is_file())
        if runs:
            raise rejected(
                path,
                f"one AMLSim run: a directory holding {_AMLSIM_LAYOUT}",
                f"This directory holds several runs ({', '.join(runs)}): import each run "
                "directory on its own (they are separate simulations whose account ids overlap)",
            )
        raise rejected(
            path,
            f"an AMLSim run directory holding {_AMLSIM_LAYOUT}",
            f"Found: {', '.join(sorted(files)) or 'no files'}. Give the run directory, or one "
            "of its files",
        )
    order = ("accounts", "transactions", "cash", "alerts")
    chosen = sorted(kinds.items(), key=lambda item: (order.index(item[1]), item[0]))
    if [kind for _, kind in chosen].count("accounts") > 1:
        raise rejected(
            path,
            f"one AMLSim run: {_AMLSIM_LAYOUT}",
            "The directory holds both nodes.csv and accounts.csv; import each file on its own",
        )
    known = _Known()  # the accounts are read first; the transfers then skip their numbers
    return [_amlsim_part(files[name], kind, options, path, known) for name, kind in chosen]


register(
    Format(
        name="amlsim",
        description="IBM AMLSim run: nodes.csv + transactions.csv (or accounts.csv, tx.csv, "
        "cash_tx.csv, alerts.csv) with the isFraud label as ground truth",
        crime_area="laundering",
        kind="offline",
        parts=_amlsim_parts,
        options={
            "base_date": "the date of step 0: each step is one day after it (default 2017-01-01, "
            "AMLSim's own; none leaves payments without a date)",
            "currency": "currency code of the amounts (default: none, AMLSim amounts have no unit)",
        },
        examples=(
            "finance/amlsim_ibm/20K_cycle200",
            "finance/amlsim_ibm/20K_fanin200",
            "finance/amlsim_ibm/20K_fanin200cycle200",
            "finance/amlsim_ibm/sample_outputs",
        ),
    )
)


# -- amlworld -----------------------------------------------------------------------------------
_AMLWORLD_ORDER = (
    "timestamp",
    "from_bank",
    "from_account",
    "to_bank",
    "to_account",
    "amount_received",
    "receiving_currency",
    "amount_paid",
    "payment_currency",
    "payment_format",
    "is_laundering",
)
_AMLWORLD_FIELDS = {
    "timestamp": ("timestamp",),
    "from_bank": ("frombank", "frombankid"),
    "from_account": ("fromaccount", "fromaccountid"),
    "to_bank": ("tobank", "tobankid"),
    "to_account": ("toaccount", "toaccountid", "account1"),
    "amount_received": ("amountreceived",),
    "receiving_currency": ("receivingcurrency",),
    "amount_paid": ("amountpaid",),
    "payment_currency": ("paymentcurrency",),
    "payment_format": ("paymentformat",),
    "is_laundering": ("islaundering",),
}
_AMLWORLD_COLUMNS = [
    "tx",
    "timestamp",
    "from_bank",
    "from_bank_key",
    "from_account",
    "to_bank",
    "to_bank_key",
    "to_account",
    "paid",
    "received",
    "payment_format",
    "is_laundering",
    "label",
]
_PATTERN_COLUMNS = [
    *_AMLWORLD_COLUMNS,
    "attempt",
    "typology",
    "pattern",
    "attempt_id",
    "first_timestamp",
    "last_timestamp",
]
_AMLWORLD_SHOWN = {
    "timestamp": "Timestamp",
    "from_bank": "From Bank",
    "from_account": "Account",
    "to_bank": "To Bank",
    "to_account": "Account",
    "amount_received": "Amount Received",
    "receiving_currency": "Receiving Currency",
    "amount_paid": "Amount Paid",
    "payment_currency": "Payment Currency",
    "payment_format": "Payment Format",
    "is_laundering": "Is Laundering",
}


def amlworld_namespace(path: Path) -> str:
    """The namespace of an AMLworld file's accounts and payments.

    Files of one AMLworld data set (``HI-Small_Trans.csv``, ``HI-Small_Patterns.txt``) share it,
    so that the patterns label the transactions' payments; other names share ``amlworld``.

    Examples
    --------
    >>> amlworld_namespace(Path("HI-Small_Trans.csv")), amlworld_namespace(Path("x.csv"))
    ('amlworld_hi_small', 'amlworld')
    """
    m = re.match(r"(HI|LI)[-_ ]?(Small|Medium|Large)", path.name, re.I)
    return f"amlworld_{m.group(1).lower()}_{m.group(2).lower()}" if m else "amlworld"


def _bank(raw: str | None) -> str | None:
    """A bank id without leading zeros (the patterns file pads them, the CSV does not)."""
    if raw is None:
        return None
    return (raw.lstrip("0") or "0") if raw.isdigit() else raw


def _amount_key(raw: str | None) -> str:
    if raw is None:
        return ""
    try:
        return format(Decimal(raw).normalize(), "f")
    except (InvalidOperation, ValueError):
        return raw


def _amlworld_values(get: Get, shown: Callable[[str], str]) -> tuple[dict[str, Any], list[Issue]]:
    """Record values of one AMLworld transaction (as in _Trans.csv) and its problems."""
    issues: list[Issue] = []
    ends = [get(f) for f in ("from_bank", "from_account", "to_bank", "to_account")]
    currencies: dict[str, str | None] = {}
    for f in ("payment_currency", "receiving_currency"):
        raw = get(f)
        currencies[f] = AMLWORLD_CURRENCIES.get(raw.lower(), raw) if raw else None
    tx = None
    if all(ends):
        tx = "|".join(
            [
                get("timestamp") or "",
                _bank(ends[0]) or "",
                ends[1] or "",
                _bank(ends[2]) or "",
                ends[3] or "",
                _amount_key(get("amount_paid")),
                currencies["payment_currency"] or "",
                _amount_key(get("amount_received")),
                currencies["receiving_currency"] or "",
                get("payment_format") or "",
            ]
        )
    else:
        missing = ("from_bank", "from_account", "to_bank", "to_account")[
            [e is None for e in ends].index(True)
        ]
        issues.append(
            (
                shown(missing),
                None,
                "bank and account of both payer and beneficiary",
                "The row is kept without a payment",
            )
        )
    raw_label = get("is_laundering")
    flag = _flag01(raw_label)
    if raw_label is not None and flag is None:
        issues.append(
            (shown("is_laundering"), raw_label, "0 or 1", "Kept; its label has no illicit value")
        )
    received = get("amount_received")
    values = {
        "tx": tx,
        "timestamp": get("timestamp"),
        "from_bank": ends[0],
        "from_bank_key": _bank(ends[0]),
        "from_account": ends[1],
        "to_bank": ends[2],
        "to_bank_key": _bank(ends[2]),
        "to_account": ends[3],
        "paid": (
            f"{get('amount_paid')} {currencies['payment_currency'] or ''}".strip()
            if get("amount_paid")
            else None
        ),
        "received": (
            f"received {received} {currencies['receiving_currency'] or ''}".strip()
            if received
            else None
        ),
        "payment_format": get("payment_format"),
        "is_laundering": flag,
        "label": f"Is Laundering={raw_label}" if raw_label is not None else None,
    }
    return values, issues


def _amlworld_header(header: list[str]) -> _Header:
    head = _Header(header, _AMLWORLD_FIELDS)
    # The raw files name both accounts "Account" (pandas: Account, Account.1): by position.
    plain = [i for i, h in enumerate(header) if _norm(h) == "account"]
    if head.index.get("from_account") is None and plain:
        head.index["from_account"] = plain[0]
    if head.index.get("to_account") is None and len(plain) > 1:
        head.index["to_account"] = plain[1]
    return head


def _amlworld_parse(path: Path) -> Callable[[RecordReader], Any]:
    def parse(reader: RecordReader) -> Iterator[Record]:
        rows = _csv_rows(reader, path)
        first = _first_record(reader, rows, "an AMLworld transaction file")
        if first is None:
            return
        head = _amlworld_header(first[1])
        required = {f: _AMLWORLD_SHOWN[f] for f in _AMLWORLD_ORDER[:5]}
        required.update(amount_paid="Amount Paid", payment_currency="Payment Currency")
        if not head.require(reader, first[0], required, "an AMLworld _Trans.csv file"):
            return
        for line, fields in rows:
            values, issues = _amlworld_values(head.getter(fields), head.name)
            width = head.width(fields, line)
            yield line, values, tuple([width, *issues] if width else issues)

    return parse


def _amlworld_parts(path: Path, options: dict[str, str]) -> list[Part]:
    """Parts of an AMLworld transaction file (or of the ``*Trans*.csv`` files of a directory).

    References
    ----------
    E. Altman, J. Blanuša, L. von Niederhäusern, B. Egressy, A. Anghel, K. Atasu, *Realistic
    Synthetic Financial Transactions for Anti-Money Laundering Models*, NeurIPS 2023 Datasets
    and Benchmarks, arXiv:2306.16424.
    """
    if path.is_dir():
        found = sorted(p for p in path.glob("*.csv") if p.is_file())
        trans = [p for p in found if "trans" in p.name.lower()] or found
        if not trans:
            raise rejected(
                path,
                "an AMLworld transaction file (HI-Small_Trans.csv and the like) or a directory "
                "holding one",
                "No .csv file was found; give the file itself",
            )
    else:
        trans = [path]
    parts = []
    for file in trans:
        mapping = _load("amlworld", amlworld_namespace(file))
        parts.append(
            Part(
                file,
                mapping,
                lambda file=file: RecordReader(
                    file, _AMLWORLD_COLUMNS, _amlworld_parse(file), format="amlworld-trans"
                ),
                "transactions",
            )
        )
    return parts


register(
    Format(
        name="amlworld",
        description="IBM AMLworld transactions (HI-/LI-Small/Medium/Large_Trans.csv layout) "
        "with the Is Laundering label",
        crime_area="laundering",
        kind="offline",
        parts=_amlworld_parts,
        examples=("finance/ibm_amlworld_hi_small_patterns/transactions_sample_first1000.csv",),
    )
)


# -- amlworld-patterns --------------------------------------------------------------------------
_BEGIN = re.compile(r"^\s*BEGIN LAUNDERING ATTEMPT\s*-\s*(.*?)\s*$")
_END = re.compile(r"^\s*END LAUNDERING ATTEMPT\b\s*-?\s*(.*?)\s*$")


def _family(pattern: str) -> str:
    """``FAN-OUT`` of ``FAN-OUT:  Max 16-degree Fan-Out``."""
    return pattern.split(":", 1)[0].strip().upper()


class _Attempts:
    """Numbers the attempts of a patterns file and emits their records."""

    def __init__(self) -> None:
        self.number = 0
        self.seen: dict[str, int] = {}
        self.families: dict[str, list[int]] = {}

    def emit(
        self,
        line: int | None,
        pattern: str,
        transactions: list[tuple[int | None, dict[str, Any], list[Issue]]],
        issues: list[Issue],
    ) -> Iterator[Record]:
        self.number += 1
        attempt = str(self.number)
        family = _family(pattern) if pattern else None
        stamps = sorted(v["timestamp"] for _, v, _ in transactions if v.get("timestamp"))
        counts = self.families.setdefault(family or "", [0, 0])
        counts[0] += 1
        counts[1] += len(transactions)
        header = {
            "attempt_id": attempt,
            "typology": family,
            "pattern": pattern or None,
            "first_timestamp": stamps[0] if stamps else None,
            "last_timestamp": stamps[-1] if stamps else None,
        }
        yield line, header, tuple(issues)
        for tx_line, values, tx_issues in transactions:
            tx = values.get("tx")
            if tx is not None:
                if tx in self.seen:
                    tx_issues.append(
                        (
                            None,
                            None,
                            "each laundering transaction listed once "
                            f"(this one is also on line {self.seen[tx]})",
                            "Kept; both lines label the same payment",
                        )
                    )
                else:
                    self.seen[tx] = tx_line or 0
            values.update(attempt=attempt, typology=family, pattern=pattern or None)
            yield tx_line, values, tuple(tx_issues)


def _patterns_txt(path: Path, attempts: _Attempts) -> Callable[[RecordReader], Any]:
    def parse(reader: RecordReader) -> Iterator[Record]:
        text = _read_text(reader, path)
        if text is None:
            return
        if not any(_BEGIN.match(t) for t in text.split("\n", 200)[:200]):
            reader.fail(
                1,
                "an AMLworld patterns file: blocks of 'BEGIN LAUNDERING ATTEMPT - <typology>', "
                "one transaction per line (as in _Trans.csv), 'END LAUNDERING ATTEMPT - ...'",
                "No BEGIN LAUNDERING ATTEMPT line in the first 200 lines; give the "
                "*_Patterns.txt file (or laundering_patterns.json)",
            )
            return
        current: tuple[int, str, list[Issue]] | None = None
        block: list[tuple[int | None, dict[str, Any], list[Issue]]] = []
        for number, raw in enumerate(text.split("\n"), start=1):
            if not raw.strip():
                continue
            begin = _BEGIN.match(raw)
            if begin:
                if current is not None:
                    current[2].append(
                        (
                            None,
                            current[1],
                            "an END LAUNDERING ATTEMPT line closing the attempt",
                            f"Kept; the attempt ends where the next begins (line {number})",
                        )
                    )
                    yield from attempts.emit(current[0], current[1], block, current[2])
                current, block = (number, begin.group(1), []), []
                continue
            end = _END.match(raw)
            if end:
                if current is None:
                    continue  # a stray END line holds no data
                if end.group(1) and _family(end.group(1)) != _family(current[1]):
                    current[2].append(
                        (
                            None,
                            raw.strip(),
                            f"END LAUNDERING ATTEMPT - {_family(current[1])}",
                            f"Kept; the END line (line {number}) names another typology",
                        )
                    )
                yield from attempts.emit(current[0], current[1], block, current[2])
                current, block = None, []
                continue
            try:
                fields = next(csv.reader([raw]))
            except (csv.Error, StopIteration):
                fields = [raw]
            values, issues = _amlworld_values(_positional(fields), _AMLWORLD_SHOWN.__getitem__)
            if len(fields) != len(_AMLWORLD_ORDER):
                issues.insert(
                    0,
                    (
                        None,
                        raw.strip()[:200],
                        f"{len(_AMLWORLD_ORDER)} comma-separated fields as in _Trans.csv",
                        "The line is kept; missing fields are empty",
                    ),
                )
            if current is None:
                issues.append(
                    (
                        None,
                        None,
                        "a transaction inside a BEGIN/END LAUNDERING ATTEMPT block",
                        "Kept without an attempt",
                    )
                )
                yield number, values, tuple(issues)
            else:
                block.append((number, values, issues))
        if current is not None:
            current[2].append(
                (
                    None,
                    current[1],
                    "an END LAUNDERING ATTEMPT line closing the attempt",
                    "Kept; the file ends inside it",
                )
            )
            yield from attempts.emit(current[0], current[1], block, current[2])

    return parse


def _positional(fields: list[str]) -> Get:
    values = {
        name: (fields[i].strip() or None) if i < len(fields) else None
        for i, name in enumerate(_AMLWORLD_ORDER)
    }
    return values.get


def _patterns_json(path: Path, attempts: _Attempts) -> Callable[[RecordReader], Any]:
    what = "an AMLworld laundering-patterns JSON file"

    def parse(reader: RecordReader) -> Iterator[Record]:
        data = _read_json(reader, path, what)
        if data is None:
            return
        patterns = data.get("patterns") if isinstance(data, dict) else None
        if not isinstance(patterns, _JsonList):
            reader.fail(
                1,
                f"{what}: an object whose `patterns` is a list of {{pattern_type, transactions: "
                "[{timestamp, from_bank, from_account, to_bank, to_account, amount_received, "
                "receiving_currency, amount_paid, payment_currency, payment_format, "
                "is_laundering}], transaction_count}}",
                "Give laundering_patterns.json as written, or the original *_Patterns.txt",
            )
            return
        for index, pattern in enumerate(patterns):
            line = patterns.lines[index]
            if not isinstance(pattern, dict):
                issue = (None, _text(pattern), "an attempt (an object)", "Kept as an empty attempt")
                yield from attempts.emit(line, "", [], [issue])
                continue
            name = _text(pattern.get("pattern_type")) or ""
            issues: list[Issue] = []
            if not name:
                issues.append(("pattern_type", None, "the typology", "Kept without one"))
            txs = pattern.get("transactions")
            block: list[tuple[int | None, dict[str, Any], list[Issue]]] = []
            if not isinstance(txs, _JsonList):
                issues.append(("transactions", None, "a list", "Kept without transactions"))
                txs = _JsonList()
                txs.lines = []
            for j, tx in enumerate(txs):
                if not isinstance(tx, dict):
                    bad = (None, _text(tx), "a transaction (an object)", "Kept without a payment")
                    block.append((txs.lines[j], {}, [bad]))
                    continue
                get: Get = lambda f, tx=tx: _text(tx.get(f))  # noqa: E731
                values, tx_issues = _amlworld_values(get, str)
                block.append((tx[_LINE], values, tx_issues))
            stated = _int(_text(pattern.get("transaction_count")))
            if stated is not None and stated != len(block):
                issues.append(
                    (
                        "transaction_count",
                        str(stated),
                        f"the number of transactions listed ({len(block)})",
                        "Kept; the listed transactions were imported",
                    )
                )
            yield from attempts.emit(line, name, block, issues)
        total = _int(_text(data.get("total_patterns")))
        if total is not None and total != len(patterns):
            _warn(
                reader,
                path,
                data.get(_LINE),
                str(total),
                f"{len(patterns)} attempts, as listed under `patterns`",
                "total_patterns disagrees with the list; the listed attempts were imported",
            )

    return parse


def _patterns_summary(reader: RecordReader, summary: Path, attempts: _Attempts, data: Path) -> None:
    """Compare ground_truth_summary.json's per-family counts with those imported (warnings)."""
    try:
        stated = json.loads(summary.read_text(encoding="utf-8"))
        families = stated["pattern_families"]
        assert isinstance(families, dict)
    except (OSError, ValueError, KeyError, TypeError, AssertionError):
        _warn(
            reader,
            summary,
            None,
            summary.name,
            "a summary {pattern_families: {FAMILY: {pattern_count, transaction_count}}}",
            "The summary could not be read; the counts were not checked",
        )
        return
    for family in sorted(set(families) | set(attempts.families) - {""}):
        counted = attempts.families.get(family, [0, 0])
        entry = families.get(family) or {}
        want = [entry.get("pattern_count"), entry.get("transaction_count")]
        if want != counted:
            _warn(
                reader,
                summary,
                None,
                f"{family}: {want[0]} attempts, {want[1]} transactions",
                f"{counted[0]} attempts and {counted[1]} transactions, as in {data.name}",
                "The summary disagrees with the patterns file; the file's attempts were imported",
            )


def _with_summary(
    parse: Callable[[RecordReader], Any], summary: Path | None, attempts: _Attempts, data: Path
) -> Callable[[RecordReader], Any]:
    def run(reader: RecordReader) -> Iterator[Record]:
        yield from parse(reader)
        if summary is not None and not reader.problems:
            _patterns_summary(reader, summary, attempts, data)

    return run


def _patterns_parts(path: Path, options: dict[str, str]) -> list[Part]:
    """Parts of an AMLworld patterns file, or of a directory holding one.

    ``*_Patterns.txt`` (BEGIN/END LAUNDERING ATTEMPT blocks) and its JSON re-encoding
    ``laundering_patterns.json`` are read; a ``ground_truth_summary.json`` beside them is
    compared with the attempts read (warnings where it differs).

    References
    ----------
    E. Altman et al., *Realistic Synthetic Financial Transactions for Anti-Money Laundering
    Models*, NeurIPS 2023 Datasets and Benchmarks, arXiv:2306.16424.
    """
    summary: Path | None = None
    if path.is_dir():
        candidates = sorted(
            p
            for p in path.iterdir()
            if p.is_file()
            and (
                p.name.lower().endswith("patterns.txt")
                or (p.suffix.lower() == ".json" and "pattern" in p.name.lower())
            )
        )
        if not candidates:
            raise rejected(
                path,
                "a directory holding an AMLworld patterns file (*_Patterns.txt, or "
                "laundering_patterns.json) and optionally ground_truth_summary.json",
                "No patterns file was found; give the file itself",
            )
        files = candidates
        found = path / "ground_truth_summary.json"
        summary = found if found.is_file() else None
    else:
        if path.name.lower() == "ground_truth_summary.json":
            raise rejected(
                path,
                "an AMLworld patterns file (*_Patterns.txt or laundering_patterns.json)",
                "ground_truth_summary.json holds counts only; give laundering_patterns.json or "
                "the directory (the summary is then checked against it)",
            )
        files = [path]
    parts = []
    for file in files:
        attempts = _Attempts()
        parser = _patterns_json if file.suffix.lower() == ".json" else _patterns_txt
        parse = _with_summary(parser(file, attempts), summary, attempts, file)
        parts.append(
            Part(
                file,
                _load("amlworld_patterns", amlworld_namespace(file)),
                lambda file=file, parse=parse: RecordReader(
                    file, _PATTERN_COLUMNS, parse, format="amlworld-patterns"
                ),
                "laundering attempts",
            )
        )
    return parts


register(
    Format(
        name="amlworld-patterns",
        description="IBM AMLworld laundering attempts (*_Patterns.txt, or its JSON copy "
        "laundering_patterns.json): typology and transactions of each",
        crime_area="laundering",
        kind="offline",
        parts=_patterns_parts,
        examples=("finance/ibm_amlworld_hi_small_patterns/laundering_patterns.json",),
    )
)


# -- elliptic -----------------------------------------------------------------------------------
_ELLIPTIC_FILES = ("txs_features.csv", "txs_classes.csv", "txs_edgelist.csv")
_ELLIPTIC_LAYOUT = (
    "elliptic_txs_features.csv, elliptic_txs_classes.csv and elliptic_txs_edgelist.csv "
    "(or Elliptic++'s txs_features.csv, txs_classes.csv, txs_edgelist.csv)"
)
_ELLIPTIC_CLASSES = {"1": ("1", "illicit"), "2": ("0", "licit"), "unknown": (None, "unknown")}


def _elliptic_features(path: Path) -> Callable[[RecordReader], Any]:
    def parse(reader: RecordReader) -> Iterator[Record]:
        rows = _csv_rows(reader, path)
        first = _first_record(reader, rows, "an Elliptic features file")
        if first is None:
            return
        if _int(first[1][0]) is None:  # Elliptic++ writes a header: txId, Time step, ...
            if _norm(first[1][0]) != "txid":
                reader.fail(
                    first[0],
                    "an Elliptic features file: txId, time step, then the features, one "
                    "transaction per line (no header, or a header starting with txId)",
                    f"The first line starts with {first[1][0][:80]!r}",
                )
                return
        else:
            rows = _chain(first, rows)
        width: int | None = None
        for line, fields in rows:
            issues: list[Issue] = []
            width = width or len(fields)
            if len(fields) != width:
                issues.append(
                    (
                        None,
                        f"{len(fields)} fields",
                        f"{width} fields (txId, time step, features) as on the first line",
                        "The row is kept",
                    )
                )
            tx = fields[0].strip() or None
            if tx is not None and _int(tx) is None:
                issues.append(("txId", tx, "an integer transaction id", "Kept as written"))
            step = fields[1].strip() if len(fields) > 1 else None
            if tx is None:
                issues.append(("txId", None, "a transaction id", "The row is kept without one"))
            yield line, {"tx": tx, "time_step": step or None}, tuple(issues)

    return parse


def _chain(
    first: tuple[int, list[str]], rows: Iterator[tuple[int, list[str]]]
) -> Iterator[tuple[int, list[str]]]:
    yield first
    yield from rows


def _elliptic_classes(path: Path) -> Callable[[RecordReader], Any]:
    def parse(reader: RecordReader) -> Iterator[Record]:
        rows = _csv_rows(reader, path)
        first = _first_record(reader, rows, "an Elliptic classes file")
        if first is None:
            return
        head = _Header(first[1], {"tx": ("txid",), "class": ("class",)})
        if not head.require(
            reader, first[0], {"tx": "txId", "class": "class"}, "an Elliptic classes file"
        ):
            return
        for line, fields in rows:
            get = head.getter(fields)
            issues: list[Issue] = [i for i in (head.width(fields, line),) if i]
            tx, raw = get("tx"), get("class")
            known = _ELLIPTIC_CLASSES.get((raw or "").lower())
            if known is None:
                issues.append(
                    (
                        head.name("class"),
                        raw,
                        "a class: 1 (illicit), 2 (licit) or unknown",
                        "The transaction is kept without a label value",
                    )
                )
            if tx is None:
                issues.append((head.name("tx"), None, "a transaction id", "Kept without one"))
            label = f"class {raw} ({known[1]})" if known and raw != "unknown" else raw
            values = {"tx": tx, "illicit": known[0] if known else None, "label": label}
            yield line, values, tuple(issues)

    return parse


def _elliptic_edges(path: Path) -> Callable[[RecordReader], Any]:
    def parse(reader: RecordReader) -> Iterator[Record]:
        rows = _csv_rows(reader, path)
        first = _first_record(reader, rows, "an Elliptic edge list")
        if first is None:
            return
        head = _Header(first[1], {"source": ("txid1", "source"), "target": ("txid2", "target")})
        if not head.require(
            reader, first[0], {"source": "txId1", "target": "txId2"}, "an Elliptic edge list"
        ):
            return
        seen: dict[tuple[str, str], int] = {}
        for line, fields in rows:
            get = head.getter(fields)
            issues: list[Issue] = [i for i in (head.width(fields, line),) if i]
            a, b = get("source"), get("target")
            flow = None
            if a is None or b is None:
                issues.append(
                    (
                        head.name("source" if a is None else "target"),
                        None,
                        "the transactions at both ends of the flow",
                        "The line is kept without a flow",
                    )
                )
            else:
                flow = f"{a}>{b}"
                if (a, b) in seen:
                    issues.append(
                        (
                            None,
                            flow,
                            f"one line per flow (this flow is also on line {seen[(a, b)]})",
                            "Kept; both lines are one DirectedTie",
                        )
                    )
                else:
                    seen[(a, b)] = line
            yield line, {"source": a, "target": b, "flow": flow}, tuple(issues)

    return parse


_ELLIPTIC_PARTS = {
    "txs_features.csv": ("features", _elliptic_features, ["tx", "time_step"]),
    "txs_classes.csv": ("classes", _elliptic_classes, ["tx", "illicit", "label"]),
    "txs_edgelist.csv": ("edgelist", _elliptic_edges, ["source", "target", "flow"]),
}


def _elliptic_part(path: Path, suffix: str) -> Part:
    label, factory, columns = _ELLIPTIC_PARTS[suffix]
    return Part(
        path,
        f"formats/elliptic_{label}",
        lambda: RecordReader(path, columns, factory(path), format=f"elliptic-{label}"),
        label,
    )


def _elliptic_parts(path: Path, options: dict[str, str]) -> list[Part]:
    """Parts of the Elliptic Data Set: its three files, or one of them.

    References
    ----------
    M. Weber, G. Domeniconi, J. Chen, D. K. I. Weidele, C. Bellei, T. Robinson, C. E. Leiserson,
    *Anti-Money Laundering in Bitcoin: Experimenting with Graph Convolutional Networks for
    Financial Forensics*, KDD Workshop on Anomaly Detection in Finance (2019), arXiv:1908.02591.
    Y. Elmougy, L. Liu, *Demystifying Fraudulent Transactions and Illicit Nodes in the Bitcoin
    Network for Financial Forensics*, KDD 2023 (Elliptic++).
    """
    if path.is_file():
        suffix = next((s for s in _ELLIPTIC_FILES if path.name.lower().endswith(s)), None)
        if suffix is None:
            raise rejected(
                path,
                f"a file of the Elliptic Data Set: {_ELLIPTIC_LAYOUT}",
                "Give one of these files (named as Elliptic names them), or their directory",
            )
        return [_elliptic_part(path, suffix)]
    files = sorted(p for p in path.iterdir() if p.is_file())
    parts = []
    missing = []
    for suffix in _ELLIPTIC_FILES:
        matches = [p for p in files if p.name.lower().endswith(suffix)]
        matches.sort(key=lambda p: (not p.name.lower().startswith("elliptic_"), p.name))
        if matches:
            parts.append(_elliptic_part(matches[0], suffix))
        else:
            missing.append(suffix)
    if missing:
        raise rejected(
            path,
            f"a directory holding {_ELLIPTIC_LAYOUT}",
            f"Missing: {', '.join('elliptic_' + m for m in missing)}. Found: "
            f"{', '.join(p.name for p in files) or 'no files'}",
        )
    return parts


register(
    Format(
        name="elliptic",
        description="Elliptic Bitcoin transaction graph: txs_features.csv, txs_edgelist.csv, "
        "txs_classes.csv (1 illicit, 2 licit, unknown)",
        crime_area="laundering",
        kind="online",
        parts=_elliptic_parts,
        examples=(
            "a directory elliptic_bitcoin_dataset/ with elliptic_txs_features.csv, "
            "elliptic_txs_edgelist.csv and elliptic_txs_classes.csv (Kaggle; not in shared data)",
        ),
        dataset="elliptic",
    )
)


# -- tagpack ------------------------------------------------------------------------------------
_TAG_FIELDS = (
    "label",
    "currency",
    "category",
    "abuse",
    "actor",
    "source",
    "confidence",
    "is_cluster_definer",
    "context",
    "lastmod",
    "creator",
)
_TAGPACK_COLUMNS = [
    "tag",
    "key",
    "address",
    "unchecked_address",
    "currency",
    "actor",
    "label",
    "category",
    "abuse",
    "context",
    "source",
    "creator",
    "lastmod",
    "notes",
]


def _yaml_document(reader: RecordReader, path: Path) -> tuple[Any, Any] | None:
    """The data and the node tree (with line marks) of a YAML file."""
    text = _read_text(reader, path)
    if text is None:
        return None
    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        reader.fail(
            mark.line + 1 if mark else None,
            "a TagPack in YAML",
            f"The YAML is broken here: {problem}. Fix the line",
        )
        return None
    except (ValueError, TypeError, RecursionError) as exc:
        reader.fail(None, "a TagPack in YAML", f"A value cannot be read: {exc}")
        return None
    finally:
        loader.dispose()
    return data, node


def _tagpack_parse(path: Path) -> Callable[[RecordReader], Any]:
    layout = (
        "a GraphSense TagPack: a YAML mapping of header fields (title, creator, currency, "
        "label, category, abuse, source, confidence, lastmod, ...) and a `tags:` list of "
        "mappings, each with an address"
    )

    def parse(reader: RecordReader) -> Iterator[Record]:
        document = _yaml_document(reader, path)
        if document is None:
            return
        data, node = document
        tags_node = None
        if isinstance(data, dict) and isinstance(node, yaml.MappingNode):
            tags_node = next(
                (v for k, v in node.value if getattr(k, "value", None) == "tags"), None
            )
        tags = data.get("tags") if isinstance(data, dict) else None
        if (
            not isinstance(tags, list)
            or not isinstance(tags_node, yaml.SequenceNode)
            or len(tags_node.value) != len(tags)
        ):
            reader.fail(1, layout, "The file has no `tags:` list; give a TagPack file")
            return
        header = {k: v for k, v in data.items() if k != "tags"}
        title = _text(header.get("title"))
        for index, tag in enumerate(tags):
            line = tags_node.value[index].start_mark.line + 1
            if not isinstance(tag, dict):
                issue = (None, _text(tag), "a tag: a mapping with an address", "Kept without one")
                yield line, {}, (issue,)
                continue
            merged = {f: _text(tag.get(f, header.get(f))) for f in _TAG_FIELDS}
            issues: list[Issue] = []
            address = _text(tag.get("address"))
            currency = merged["currency"].upper() if merged["currency"] else None
            key = checked = unchecked = None
            if address is None:
                issues.append(("address", None, "an address", "The tag is kept without a wallet"))
            else:
                key, checked, unchecked = wallet_key(address, currency)
            extra = {k: _text(v) for k, v in tag.items() if k not in _TAG_FIELDS and k != "address"}
            notes = [f"tag pack: {title}"] if title else []
            notes += [
                f"{f}: {merged[f]}" for f in ("confidence", "is_cluster_definer") if merged[f]
            ]
            notes += [f"{k}: {v}" for k, v in sorted(extra.items()) if v]
            values = {
                "tag": f"{path.stem}#{index + 1}",
                "key": key,
                "address": checked,
                "unchecked_address": unchecked,
                "currency": currency,
                "notes": "; ".join(notes) or None,
                **{f: merged[f] for f in _TAG_FIELDS if f not in ("currency",)},
            }
            yield line, {k: v for k, v in values.items() if k in _TAGPACK_COLUMNS}, tuple(issues)

    return parse


def _tagpack_parts(path: Path, options: dict[str, str]) -> list[Part]:
    """Parts of a GraphSense TagPack, or of the ``.yaml`` packs of a directory.

    References
    ----------
    B. Haslhofer, M. Dragaschnig, R. Stütz, M. Romiti, G. Gomez, *GraphSense TagPacks*
    (CITATION.cff, 2022); M. Paquet-Clouston, B. Haslhofer, B. Dupont, *Ransomware payments in
    the Bitcoin ecosystem*, Journal of Cybersecurity (2019), arXiv:1804.04080.
    """
    if path.is_dir():
        files = sorted(
            p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".yaml", ".yml")
        )
        if not files:
            raise rejected(
                path,
                "a GraphSense TagPack (.yaml) or a directory of them",
                "No .yaml file was found in the directory",
            )
    else:
        files = [path]
    return [
        Part(
            file,
            "formats/tagpack",
            lambda file=file: RecordReader(
                file, _TAGPACK_COLUMNS, _tagpack_parse(file), format="tagpack"
            ),
            file.stem,
        )
        for file in files
    ]


register(
    Format(
        name="tagpack",
        description="GraphSense TagPack YAML: crypto addresses attributed to ransomware, scams, "
        "hacks and services (header fields inherited by tags)",
        crime_area="laundering",
        kind="online",
        parts=_tagpack_parts,
        examples=("finance/graphsense_tagpacks/hacks.yaml",),
    )
)


# -- ofac-addresses -----------------------------------------------------------------------------
_OFAC_NAME = re.compile(r"^sanctioned_addresses_([A-Za-z0-9]+)\.(txt|json)$", re.I)
_OFAC_COLUMNS = ["key", "address", "unchecked_address", "asset", "features"]
_ADDRESS_CHARS = re.compile(r"^[A-Za-z0-9:_-]+$")


def _ofac_record(
    raw: Any, assets: list[str], line: int, seen: dict[str, int]
) -> tuple[int, dict[str, Any], tuple[Issue, ...]]:
    issues: list[Issue] = []
    asset = "|".join(assets)
    text = _text(raw) if isinstance(raw, str) else None
    if text is None:
        shown = None if raw is None else _text(raw)
        issues.append((None, shown, "an address (a string)", "The entry is kept without a wallet"))
        return line, {"asset": asset}, tuple(issues)
    key, checked, unchecked = wallet_key(text, assets[0])
    if unchecked is not None and not _ADDRESS_CHARS.match(unchecked):
        issues.append(
            (
                "address",
                unchecked,
                f"one {assets[0]} address (letters and digits)",
                "Kept as written; check the line",
            )
        )
    if key in seen:
        issues.append(
            (
                "address",
                text,
                f"each address listed once (also on line {seen[key]})",
                "Kept; both lines are one wallet",
            )
        )
    else:
        seen[key] = line
    values = {
        "key": key,
        "address": checked,
        "unchecked_address": unchecked,
        "asset": asset,
        "features": "|".join(f"Digital Currency Address - {a}" for a in assets),
    }
    return line, values, tuple(issues)


def _ofac_parse(path: Path, assets: list[str], twins: list[Path]) -> Callable[[RecordReader], Any]:
    def parse(reader: RecordReader) -> Iterator[Record]:
        for twin, asset in zip(twins, assets[1:], strict=True):
            _warn(
                reader,
                twin,
                None,
                twin.name,
                f"a list of its own (it has the same bytes as {path.name})",
                f"Imported with {path.name}: its rows name both assets ({assets[0]}, {asset}); "
                "one file content is one source",
            )
        seen: dict[str, int] = {}
        if path.suffix.lower() == ".json":
            data = _read_json(reader, path, "an OFAC address list")
            if data is None:
                return
            if not isinstance(data, _JsonList):
                reader.fail(
                    1,
                    'an OFAC address list in JSON: a list of address strings ["1A1z...", ...]',
                    "Give sanctioned_addresses_<ASSET>.json as written, or the .txt list",
                )
                return
            for item, line in zip(data, data.lines, strict=True):
                yield _ofac_record(item, assets, line, seen)
            return
        text = _read_text(reader, path)
        if text is None:
            return
        for number, raw in enumerate(text.split("\n"), start=1):
            if raw.strip():
                yield _ofac_record(raw.strip(), assets, number, seen)

    return parse


def _ofac_parts(path: Path, options: dict[str, str]) -> list[Part]:
    """Parts of OFAC's per-asset address lists: a list, or the lists of a directory.

    References
    ----------
    US Treasury, Office of Foreign Assets Control, *Specially Designated Nationals List*
    (``sdn_advanced.xml``), digital currency address features, as extracted by
    github.com/0xB10C/ofac-sanctioned-digital-currency-addresses.
    """
    which = options.get("files", "txt").lower()
    if which not in ("txt", "json", "both"):
        raise InvalidValue(which, "txt, json or both", "Set --option files=txt (the default)")
    asset_option = (options.get("asset") or "").strip().upper() or None
    if path.is_dir():
        lists: dict[str, dict[str, Path]] = {}
        for p in sorted(path.iterdir()):
            m = _OFAC_NAME.match(p.name)
            if m and p.is_file():
                lists.setdefault(m.group(1).upper(), {})[m.group(2).lower()] = p
        if not lists:
            raise rejected(
                path,
                "a directory holding OFAC address lists sanctioned_addresses_<ASSET>.txt "
                "(one address per line) or .json (a list of strings)",
                "No such file was found; give the directory of "
                "0xB10C/ofac-sanctioned-digital-currency-addresses (branch lists) or one list",
            )
        chosen: list[tuple[Path, str]] = []
        for asset, found in sorted(lists.items()):
            if which == "both":
                chosen += [(found[k], asset) for k in ("txt", "json") if k in found]
            else:
                other = "json" if which == "txt" else "txt"
                chosen.append((found.get(which) or found[other], asset))
    else:
        m = _OFAC_NAME.match(path.name)
        asset = asset_option or (m.group(1).upper() if m else None)
        if asset is None:
            raise rejected(
                path,
                "an OFAC address list named sanctioned_addresses_<ASSET>.txt or .json",
                "Rename the file, or name its asset: --option asset=XBT",
            )
        chosen = [(path, asset)]
    # Lists with the same bytes (ARB and BSC) would be one source: read them as one.
    groups: dict[str, list[tuple[Path, str]]] = {}
    for file, asset in chosen:
        groups.setdefault(file_hash(file), []).append((file, asset))
    parts = []
    for group in groups.values():
        file = group[0][0]
        assets = [a for _, a in group]
        twins = [f for f, _ in group[1:]]
        parts.append(
            Part(
                file,
                "formats/ofac",
                lambda file=file, assets=assets, twins=twins: RecordReader(
                    file, _OFAC_COLUMNS, _ofac_parse(file, assets, twins), format="ofac-addresses"
                ),
                "|".join(assets),
            )
        )
    return parts


register(
    Format(
        name="ofac-addresses",
        description="OFAC SDN digital-currency addresses: sanctioned_addresses_<ASSET>.txt/.json "
        "lists, a file or their directory",
        crime_area="laundering",
        kind="online",
        parts=_ofac_parts,
        options={
            "files": "which lists of a directory: txt (default; json where no txt), json, both",
            "asset": "the asset of a single list whose name does not say it (XBT, ETH, ...)",
        },
        examples=("finance/ofac_sanctioned_addresses",),
        dataset="ofac_sdn_addresses",
    )
)
