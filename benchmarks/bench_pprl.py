"""PPRL: Dice comparisons per second of cybertnoc's kernels against a plain Python loop.

On the **same** seeded random 1024-bit filters (about 30% of the bits set, as the person schema
gives) in the same run, times

- a plain Python loop: ``2 * (x & y).bit_count() / (|x| + |y|)`` over Python ints (the counts of
  each filter computed once, as the kernels do), on the first ``--python`` x ``--python``
  filters;
- :func:`cybertnoc.linkage.pprl.dice_matrix`, all pairs of ``--n`` x ``--n`` filters, with the
  ``numpy`` engine (the intersections as a float32 matrix product of the unpacked bits, BLAS)
  and, where numba is installed, the ``numba`` engine (AND and POPCNT over uint64 words,
  threaded);
- :func:`cybertnoc.linkage.pprl.dice_pairs` on up to 4 million random candidate pairs (what
  :func:`~cybertnoc.linkage.pprl.match` computes after blocking);

checks that every kernel agrees with the loop on the loop's pairs, and prints comparisons per
second and the ratio to the loop. Then it times encoding (records per second) of ``--records``
synthetic person records (random names, dates of birth, phone numbers and addresses) with the
built-in person schema. Run::

    python benchmarks/bench_pprl.py
    python benchmarks/bench_pprl.py --n 8192 --python 500 --repeat 5

Numbers measured on our machines are in ``docs/benchmarks.md`` and ``docs/pprl.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from cybertnoc.linkage import pprl as P


def _time(function: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time of ``repeat`` calls, after one warm-up call (JIT, caches, threads)."""
    result = function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _filters(n: int, size: int, fill: float, rng: np.random.Generator) -> np.ndarray:
    bits = rng.random((n, size)) < fill
    return np.packbits(bits, axis=1, bitorder="little").view("<u8").astype(np.uint64)


def _python_loop(ints_a: list[int], ints_b: list[int]) -> list[list[float]]:
    counts_b = [y.bit_count() for y in ints_b]
    out = []
    for x in ints_a:
        cx = x.bit_count()
        out.append(
            [
                2 * (x & y).bit_count() / (cx + cy) if cx + cy else 0.0
                for y, cy in zip(ints_b, counts_b, strict=True)
            ]
        )
    return out


def _mobile(rng: np.random.Generator) -> str:
    """A valid UK mobile number (about 7% of random +44 7... numbers are not assigned)."""
    import phonenumbers

    while True:
        text = f"+44 7{int(rng.integers(0, 10**9)):09d}"
        if phonenumbers.is_valid_number(phonenumbers.parse(text)):
            return text


def _people(n: int, rng: np.random.Generator) -> pd.DataFrame:
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))

    def words(count: int, low: int, high: int) -> list[str]:
        lengths = rng.integers(low, high, count)
        return ["".join(rng.choice(letters, k)).title() for k in lengths]

    days = rng.integers(0, 365 * 70, n)
    dates = (np.datetime64("1940-01-01") + days).astype(str)
    phones = [_mobile(rng) for _ in range(n)]
    streets = words(n, 4, 10)
    return pd.DataFrame(
        {
            "id": [f"R{i:07d}" for i in range(n)],
            "name": [f"{a} {b}" for a, b in zip(words(n, 3, 9), words(n, 4, 11), strict=True)],
            "date_of_birth": dates,
            "phone": phones,
            "address": [
                f"{k} {s} Street" for k, s in zip(rng.integers(1, 200, n), streets, strict=True)
            ],
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=4096, help="filters per side for the kernels")
    parser.add_argument("--python", type=int, default=400, help="filters per side, Python loop")
    parser.add_argument("--size", type=int, default=1024, help="bits per filter")
    parser.add_argument("--fill", type=float, default=0.3, help="share of bits set")
    parser.add_argument("--records", type=int, default=20_000, help="records to encode")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (median)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    a = _filters(args.n, args.size, args.fill, rng)
    b = _filters(args.n, args.size, args.fill, rng)
    k = min(args.python, args.n)
    ints_a = [int.from_bytes(r.tobytes(), "little") for r in a[:k]]
    ints_b = [int.from_bytes(r.tobytes(), "little") for r in b[:k]]

    print(f"# bench_pprl  {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"# {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, numpy {np.__version__}, numba "
        + (_numba_version() or "not installed")
    )
    print(f"# {args.size}-bit filters, {args.fill:.0%} of bits set, seed {args.seed}")
    t_py, loop = _time(lambda: _python_loop(ints_a, ints_b), 1)
    loop = np.array(loop)
    py_rate = k * k / t_py
    print(f"{'python loop (int.bit_count)':<36} {k:>6}x{k:<6} {py_rate / 1e6:10.2f} M/s  1.0x")

    engines = ["numpy"] + (["numba"] if _numba_version() else [])
    pairs = args.n * args.n
    for engine in engines:
        t, d = _time(lambda e=engine: P.dice_matrix(a, b, engine=e), args.repeat)
        err = float(np.abs(d[:k, :k] - loop).max())
        rate = pairs / t
        print(
            f"{'dice_matrix engine=' + engine:<36} {args.n:>6}x{args.n:<6} {rate / 1e6:10.2f} M/s "
            f"{rate / py_rate:6.1f}x  (max |diff| to loop {err:.1e})"
        )
    pairs = min(pairs, 4_000_000)
    ia = rng.integers(0, args.n, pairs)
    ib = rng.integers(0, args.n, pairs)
    for engine in engines:
        t, d = _time(lambda e=engine: P.dice_pairs(a, b, ia, ib, engine=e), args.repeat)
        sel = (ia < k) & (ib < k)
        err = float(np.abs(d[sel] - loop[ia[sel], ib[sel]]).max()) if sel.any() else 0.0
        rate = pairs / t
        print(
            f"{'dice_pairs engine=' + engine:<36} {pairs:>13} {rate / 1e6:10.2f} M/s "
            f"{rate / py_rate:6.1f}x  (max |diff| to loop {err:.1e})"
        )

    people = _people(args.records, rng)
    key = b"benchmark-key-0123456789abcdef"

    def encode() -> P.Encodings:
        return P.encode_frame(people, P.PERSON_SCHEMA, key, "id")

    t_enc, enc = _time(encode, max(1, args.repeat - 1))
    fill = float(np.bitwise_count(enc.clks).sum(axis=1).mean()) / P.PERSON_SCHEMA.size
    print(
        f"{'encode_frame (person schema)':<36} {args.records:>13} {args.records / t_enc:10.0f} "
        f"records/s  (mean fill {fill:.2f})"
    )


def _numba_version() -> str | None:
    try:
        import numba
    except ImportError:
        return None
    return str(numba.__version__)


if __name__ == "__main__":
    main()
