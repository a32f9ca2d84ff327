"""Import a large transaction CSV: cybertnoc's importer against pandas.read_csv + insert.

Writes a synthetic transaction CSV (default 1,000,000 rows: tx_id, timestamp with offset,
from_account, to_account, amount with thousands separators, currency), then times, in the same
run and on the same file:

A. ``cybertnoc.ingest.import_file`` through a mapping that makes two BankAccounts and a Payment
   per row: every value cleaned and validated, both accounts pseudonymised (HMAC-SHA256), one
   statement per value with its provenance, one transaction;
B. the obvious alternative: ``pandas.read_csv`` and ``INSERT`` of the frame into a DuckDB table,
   which checks nothing, cleans nothing and keeps no provenance.

and prints rows per second for both and the ratio. Run::

    python benchmarks/bench_import_csv.py --rows 1000000

Numbers measured on our machines are in ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from cybertnoc.ethics import Pseudonymiser
from cybertnoc.ingest import import_file
from cybertnoc.store import Workspace

MAPPING = """\
version: 1
dataset: bench_transfers
title: Benchmark transfers
personal: [from_account, to_account]
entities:
  payer:
    schema: BankAccount
    keys: [from_account]
    namespace: bench_accounts
    properties:
      accountNumber: {column: from_account}
  payee:
    schema: BankAccount
    keys: [to_account]
    namespace: bench_accounts
    properties:
      accountNumber: {column: to_account}
  payment:
    schema: Payment
    keys: [tx_id]
    required: true
    properties:
      payer: {entity: payer, required: true}
      beneficiary: {entity: payee, required: true}
      amount: {column: amount, type: amount, required: true}
      currency: {column: currency}
      date: {column: timestamp, type: timestamp, required: true}
"""


def write_csv(path: Path, rows: int, seed: int = 0) -> None:
    """A synthetic transaction CSV of ``rows`` rows, written in chunks."""
    rng = np.random.default_rng(seed)
    accounts = np.array([f"ACC{i:07d}" for i in range(max(rows // 20, 10))])
    start = np.datetime64("2024-01-01T00:00:00")
    chunk = 200_000
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("tx_id,timestamp,from_account,to_account,amount,currency\n")
        for lo in range(0, rows, chunk):
            n = min(chunk, rows - lo)
            seconds = np.sort(rng.integers(0, 86_400 * 365, n))
            frame = pd.DataFrame(
                {
                    "tx_id": [f"T{i:08d}" for i in range(lo, lo + n)],
                    "timestamp": [f"{t}+01:00" for t in (start + seconds).astype(str)],
                    "from_account": rng.choice(accounts, n),
                    "to_account": rng.choice(accounts, n),
                    "amount": [f"{a:,.2f}" for a in rng.lognormal(4, 1.5, n)],
                    "currency": rng.choice(["EUR", "GBP", "USD"], n),
                }
            )
            frame.to_csv(fh, header=False, index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        path = work / "transfers.csv"
        write_csv(path, args.rows)
        megabytes = path.stat().st_size / 1e6
        mapping = work / "transfers.yml"
        mapping.write_text(MAPPING, encoding="utf-8")

        started = time.perf_counter()
        frame = pd.read_csv(path, dtype=str)
        con = duckdb.connect(str(work / "bare.duckdb"))
        con.register("frame", frame)
        con.execute("CREATE TABLE transfers AS SELECT * FROM frame")
        bare_rows = con.execute("SELECT count(*) FROM transfers").fetchall()[0][0]
        con.close()
        bare = time.perf_counter() - started

        with Workspace.create(work / "ws") as ws:
            started = time.perf_counter()
            result = import_file(
                ws, path, mapping, pseudonymiser=Pseudonymiser(b"benchmark-key-0123456789")
            )
            ours = time.perf_counter() - started
            statements = ws.table_counts()["statements"]
    assert result.rows == bare_rows == args.rows, (result.rows, bare_rows)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"{datetime.now(UTC):%Y-%m-%d}; duckdb {duckdb.__version__}, pandas {pd.__version__}"
    )
    print(f"file: {args.rows:,} rows, {megabytes:.0f} MB -> {statements:,} statements")
    print(f"cybertnoc import_file   : {ours:8.1f} s  {args.rows / ours:12,.0f} rows/s")
    print(f"pandas.read_csv + insert: {bare:8.1f} s  {args.rows / bare:12,.0f} rows/s")
    print(f"ratio (cybertnoc / pandas): {ours / bare:.1f}x slower, for validation and provenance")


if __name__ == "__main__":
    main()
