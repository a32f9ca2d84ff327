"""What validation, pseudonymisation and provenance cost at import, against a bare DuckDB load.

Generates a synthetic world (``cybertnoc synth``) and times, in the same process and on the same
file (the bank transfers, Parquet):

A. ``cybertnoc.ingest.import_file`` through the built-in mapping ``synth/bank_transfers``: every
   row validated and cleaned, personal columns pseudonymised with HMAC-SHA256, entities,
   relationships and one statement per value with its provenance, in one transaction;
B. the obvious alternative: ``CREATE TABLE t AS SELECT * FROM read_parquet(...)`` in DuckDB,
   which copies the rows and checks nothing.

and prints rows per second for both and the ratio. Run::

    python benchmarks/bench_import.py --scale medium --repeat 3

Numbers measured on our machines are in ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from cybertnoc.ethics import Pseudonymiser
from cybertnoc.ingest import import_file
from cybertnoc.store import Workspace
from cybertnoc.synth import generate


def _cybertnoc(path: Path, work: Path, i: int) -> tuple[float, int, int]:
    with Workspace.create(work / f"ws{i}") as ws:
        started = time.perf_counter()
        result = import_file(
            ws,
            path,
            "synth/bank_transfers",
            pseudonymiser=Pseudonymiser(b"benchmark-key-0123456789"),
        )
        seconds = time.perf_counter() - started
        statements = ws.table_counts()["statements"]
    return seconds, result.rows, statements


def _duckdb(path: Path, work: Path, i: int) -> tuple[float, int]:
    con = duckdb.connect(str(work / f"bare{i}.duckdb"))
    started = time.perf_counter()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_parquet('{path}')")
    rows = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
    seconds = time.perf_counter() - started
    con.close()
    return seconds, int(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="small", choices=["small", "medium", "large"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        generate(work / "world", seed=args.seed, scale=args.scale)
        path = work / "world" / "data" / "bank_transfers.parquet"
        ours, bare = [], []
        rows = statements = 0
        for i in range(args.repeat):
            seconds, rows, statements = _cybertnoc(path, work, i)
            ours.append(seconds)
            bare.append(_duckdb(path, work, i)[0])
    a, b = statistics.median(ours), statistics.median(bare)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"{datetime.now(UTC):%Y-%m-%d}; duckdb {duckdb.__version__}"
    )
    print(
        f"file: bank_transfers.parquet ({args.scale}), {rows:,} rows -> {statements:,} statements"
    )
    print(f"cybertnoc import_file : median {a:8.3f} s  {rows / a:12,.0f} rows/s  (n={args.repeat})")
    print(f"bare DuckDB CTAS      : median {b:8.3f} s  {rows / b:12,.0f} rows/s  (n={args.repeat})")
    print(f"ratio (cybertnoc / bare): {a / b:.1f}x slower, for validation and provenance")


if __name__ == "__main__":
    main()
