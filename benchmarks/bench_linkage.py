"""Deduplicating person records: cybertnoc's Splink linkage against an exact-key pandas dedupe.

Generates ``--records`` synthetic person records (default 1,000,000): ``--people`` distinct
people (default 60 % of the records), the rest duplicates of random people with the noise
clerks make (keyboard typos in names, swapped name order, day and month of birth swapped, a
mistyped date, missing date, another city), seeded. Then, in the same run:

- **cybertnoc**: ``cybertnoc.linkage.splink_link.link_records(df, "Person", mode="plain")``:
  Splink on DuckDB, blocking, u sampling, EM training, prediction and clustering at the
  default threshold: end to end, what ``cybertnoc link`` does on plaintext records;
- **pandas exact key**: ``drop_duplicates``-style grouping on the normalised name and the date
  of birth (the obvious alternative, which misses every typo).

Prints the wall time of each, their ratio, and pairwise precision, recall and F1 against the
generated truth. Run::

    python benchmarks/bench_linkage.py                     # 1,000,000 records
    python benchmarks/bench_linkage.py --records 100000

Numbers measured on our machines are in ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import time
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from cybertnoc.linkage.normalise import normalise_name
from cybertnoc.linkage.splink_link import link_records
from cybertnoc.synth.names import NATIONALITIES, names_for
from cybertnoc.synth.noise import keyboard_typo

CITIES = ["London", "Leeds", "Hamburg", "Rotterdam", "Madrid", "Lyon", "Milan", "Warsaw", "Riga"]


def _pool(kind: str) -> list[str]:
    out: list[str] = []
    for nat in NATIONALITIES:
        for entry in names_for(nat)[kind]:
            out.extend(s for s in entry.spellings if s.isascii())
    return sorted(set(out))


def generate(records: int, people: int, seed: int) -> pd.DataFrame:
    """Person records with a ``person`` column (the truth), seeded."""
    rng = np.random.default_rng(seed)
    first = np.array(_pool("male") + _pool("female"))
    last = np.array(_pool("surname"))
    p_first = first[rng.integers(len(first), size=people)]
    p_last = last[rng.integers(len(last), size=people)]
    born = dt.date(1950, 1, 1).toordinal() + rng.integers(0, 365 * 55, size=people)
    city = np.array(CITIES)[rng.integers(len(CITIES), size=people)]
    who = np.concatenate([np.arange(people), rng.integers(people, size=records - people)])
    rng.shuffle(who)
    names, dobs, cities = [], [], []
    noisy = rng.random(records)
    for i, p in enumerate(who):
        given, family, day = str(p_first[p]), str(p_last[p]), dt.date.fromordinal(int(born[p]))
        r = noisy[i]
        dob: str | None = day.isoformat()
        if i >= 0 and r < 0.12:
            family = keyboard_typo(rng, family)[0]
        elif r < 0.20:
            given = keyboard_typo(rng, given)[0]
        name = f"{given} {family}"
        if 0.20 <= r < 0.25:
            name = f"{family.upper()}, {given}"
        if 0.25 <= r < 0.28 and day.day <= 12:
            dob = day.replace(month=day.day, day=day.month).isoformat()
        elif 0.28 <= r < 0.32:
            dob = None
        names.append(name)
        dobs.append(dob)
        cities.append(str(city[p]) if r < 0.9 else CITIES[int(rng.integers(len(CITIES)))])
    return pd.DataFrame(
        {
            "unique_id": [f"R{i:07d}" for i in range(records)],
            "name": names,
            "birth_date": dobs,
            "city": cities,
            "person": who,
        }
    )


def _pairs_of(groups: pd.Series) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for members in groups:
        m = sorted(members)
        out.update((a, b) for i, a in enumerate(m) for b in m[i + 1 :])
    return out


def scores(df: pd.DataFrame, cluster: pd.Series) -> dict[str, float]:
    """Pairwise precision, recall and F1 of a clustering (record index -> cluster label)."""
    index = pd.Series(np.arange(len(df)))
    truth = _pairs_of(index.groupby(df["person"].to_numpy()).agg(list))
    found = _pairs_of(index.groupby(cluster.to_numpy()).agg(list))
    tp = len(truth & found)
    p = tp / len(found) if found else 1.0
    r = tp / len(truth) if truth else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=None, help="default: 60%% of records")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="DuckDB threads of the linkage (default 0: one per CPU; 1: bit-for-bit determinism)",
    )
    args = parser.parse_args()
    people = args.people or int(args.records * 0.6)
    print("# cybertnoc person deduplication vs an exact-key pandas dedupe")
    print(
        f"date {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {platform.machine()}, "
        f"{os.cpu_count()} CPUs, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )
    started = time.perf_counter()
    df = generate(args.records, people, args.seed)
    print(
        f"generated {len(df):,} records of {people:,} people "
        f"in {time.perf_counter() - started:.1f} s"
    )

    started = time.perf_counter()
    key = df["name"].map(normalise_name) + "|" + df["birth_date"].fillna("")
    exact = key.groupby(key).ngroup()
    pandas_s = time.perf_counter() - started
    pandas_scores = scores(df, exact)

    started = time.perf_counter()
    result = link_records(
        df.drop(columns=["person"]),
        "Person",
        mode="plain",
        seed=args.seed,
        threads=args.threads or None,
    )
    ours_s = time.perf_counter() - started
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items())
    print(f"cybertnoc steps: {steps}; {result.candidates:,} candidate pairs")
    clusters = result.clusters.set_index("entity_id")["cluster_id"]
    ours_scores = scores(df, df["unique_id"].map(clusters))

    print(f"{'method':<28} {'seconds':>9} {'precision':>10} {'recall':>8} {'F1':>7}")
    for name, seconds, s in (
        ("cybertnoc (Splink, DuckDB)", ours_s, ours_scores),
        ("pandas exact name+dob key", pandas_s, pandas_scores),
    ):
        print(
            f"{name:<28} {seconds:>9.1f} {s['precision']:>10.4f} {s['recall']:>8.4f} "
            f"{s['f1']:>7.4f}"
        )
    print(f"time ratio cybertnoc / pandas: {ours_s / pandas_s:.1f}x (pandas finds no typo)")
    print(f"target: <= 120 s end to end for 1,000,000 records: {ours_s:.1f} s")


if __name__ == "__main__":
    main()
