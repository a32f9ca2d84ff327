"""Network measures: cybertnoc's fast engine against networkx, in the same run, same graphs.

For seeded random graphs (G(n, m), mean degree 10) of 10^4, 10^5 and 10^6 edges, times

- betweenness estimated from ``k`` sampled sources, the **same** ``k`` and ``seed`` in both
  (``cybertnoc.network.measures.betweenness_centrality`` draws networkx's sources);
- PageRank (networkx: its default, a scipy power iteration stopped at ``tol=1e-6``; ours: an
  exact linear solve, scipy BiCGSTAB to 1e-13 with igraph's PRPACK as fallback);
- k-core numbers;
- connected components,

and prints the networkx time, ours from a networkx graph (conversion included, what a caller
pays on one call), ours on a :class:`~cybertnoc.network.measures.PreparedGraph` (converted once,
as :func:`~cybertnoc.network.measures.metrics_table` does; the conversion time, weight column
included, is printed on its own line), the two speed-ups and the largest difference between the
two results. Two more lines per size say what networkx's PageRank time is made of (its own
conversion, ``nx.to_scipy_sparse_array``) and how far both PageRanks are from a converged
networkx one (``tol=1e-15``). Run::

    python benchmarks/bench_network.py                 # 1e4, 1e5, 1e6 edges
    python benchmarks/bench_network.py --edges 10000 100000 --repeat 5

networkx's sampled betweenness costs about four seconds per source at 10^6 edges in pure
Python, so ``k`` shrinks with the size (``--k`` sets it for every size); the output states the
``k`` used. networkx runs ``--repeat`` times too, except a measure whose first run took more than
15 s (betweenness at 10^6 edges), which runs once. Numbers measured on our machines are in
``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import igraph as ig
import networkx as nx
import numpy as np

from cybertnoc.network import measures as M

#: Sampled sources per size when --k is not given: networkx took 2 s, 10 s, 73 s here.
DEFAULT_K = {10_000: 500, 100_000: 100, 1_000_000: 20}


#: A networkx measure whose first run takes longer than this (seconds) is not repeated.
ONCE_ABOVE_S = 15.0


def _time(
    function: Callable[[], Any], repeat: int, once_above: float = math.inf
) -> tuple[float, Any]:
    """Median wall time over ``repeat`` calls (one if the first exceeds ``once_above`` s)."""
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
        if times[0] > once_above:
            break
    return statistics.median(times), result


def _max_diff(ours: dict, theirs: dict) -> float:
    return max((abs(ours[v] - theirs[v]) for v in theirs), default=0.0)


def _same_sets(ours: list[set], theirs: list[set]) -> float:
    return 0.0 if {frozenset(c) for c in ours} == {frozenset(c) for c in theirs} else 1.0


def run(edges: int, repeat: int, k: int | None, seed: int) -> list[dict[str, Any]]:
    n = edges // 5
    started = time.perf_counter()
    G = nx.gnm_random_graph(n, edges, seed=seed)
    built = time.perf_counter() - started
    k = k or DEFAULT_K.get(edges, 20)
    print(f"\n## G(n={n:,}, m={edges:,}), seed {seed} (generated in {built:.1f} s)")

    def prepare() -> M.PreparedGraph:
        # The igraph graph and the weight column are built lazily, on first use, and kept:
        # include both in the preparation, so that no prepared timing hides a conversion.
        prepared = M.PreparedGraph(G)
        _ = prepared.igraph
        prepared.weights("weight")  # PageRank's default weight (all 1 here, as in networkx)
        prepared.adjacency("weight")  # the sparse matrix PageRank and eigenvector read
        return prepared

    prepare_s, P = _time(prepare, repeat)
    print(f"prepare_graph (arrays, igraph, weight column, adjacency): {prepare_s:.3f} s")
    cases = [
        (
            f"betweenness k={k}",
            lambda: nx.betweenness_centrality(G, k=k, seed=seed),
            lambda graph: M.betweenness_centrality(graph, k=k, seed=seed),
            _max_diff,
        ),
        ("pagerank", lambda: nx.pagerank(G), lambda graph: M.pagerank(graph), _max_diff),
        ("core_number", lambda: nx.core_number(G), lambda graph: M.core_number(graph), _max_diff),
        (
            "components",
            lambda: list(nx.connected_components(G)),
            lambda graph: M.components(graph),
            _same_sets,
        ),
    ]
    rows = []
    networkx_results: dict[str, Any] = {}
    header = (
        f"{'measure':<20} {'networkx s':>11} {'ours s':>9} {'prepared s':>11} "
        f"{'speed-up':>9} {'prepared':>9} {'max diff':>9}"
    )
    print(header)
    for name, theirs, ours, compare in cases:
        nx_s, expected = _time(theirs, repeat, ONCE_ABOVE_S)
        ours_s, _ = _time(lambda ours=ours: ours(G), repeat)
        prepared_s, got = _time(lambda ours=ours: ours(P), repeat)
        difference = compare(got, expected)
        networkx_results[name] = expected
        row = {
            "edges": edges,
            "measure": name,
            "networkx_s": nx_s,
            "ours_s": ours_s,
            "prepared_s": prepared_s,
            "speedup": nx_s / ours_s,
            "speedup_prepared": nx_s / prepared_s,
            "max_diff": difference,
        }
        rows.append(row)
        print(
            f"{name:<20} {nx_s:>11.3f} {ours_s:>9.3f} {prepared_s:>11.4f} "
            f"{row['speedup']:>8.1f}x {row['speedup_prepared']:>8.1f}x {difference:>9.1e}"
        )
    convert_s, _ = _time(lambda: nx.to_scipy_sparse_array(G, weight="weight"), 1)
    print(f"of networkx's pagerank time, nx.to_scipy_sparse_array(G) alone: {convert_s:.3f} s")
    converged = nx.pagerank(G, tol=1e-15, max_iter=10_000)
    print(
        "pagerank max diff to nx.pagerank(G, tol=1e-15): "
        f"networkx default {_max_diff(networkx_results['pagerank'], converged):.1e}, "
        f"ours {_max_diff(M.pagerank(P), converged):.1e}"
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (median)")
    parser.add_argument("--k", type=int, default=None, help="sampled betweenness sources")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print("# cybertnoc network measures vs networkx")
    print(
        f"date {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {platform.processor() or platform.machine()}"
        f", {os.cpu_count()} CPUs, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, networkx {nx.__version__}, igraph {ig.__version__}, "
        f"numpy {np.__version__}"
    )
    print(
        f"timings: median of {args.repeat} runs (networkx once where a run exceeds "
        f"{ONCE_ABOVE_S:.0f} s); 'ours' from a networkx graph, conversion included; 'prepared' "
        "on a PreparedGraph"
    )
    for edges in args.edges:
        run(edges, args.repeat, args.k, args.seed)


if __name__ == "__main__":
    main()
