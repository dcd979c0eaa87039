"""Measure what the proximity stage adds to a query: ms per query, on BBC or Reuters.

Indexes the corpus once (benchmarks/work/proximity-<name>/), then runs the fixed queries
of benchmarks/queries.txt (as speed.py does: top 10 with snippets and facet counts through
``Engine.search``) and the free-text words of each as a ``rank`` (top 1000), with the
proximity stage off and on, warm, ROUNDS rounds alternating; prints the median ms per
query of each and the difference, and the time inside ``proximity.rerank`` alone.

Usage:
  python benchmarks/proximity_cost.py --corpus reuters --rounds 5
"""

from __future__ import annotations

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if sys.path and os.path.abspath(sys.path[0]) == os.path.join(ROOT, "benchmarks"):
    sys.path[0] = ROOT

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from benchmarks import news, speed  # noqa: E402

WORK = Path(ROOT) / "benchmarks" / "work"


def timed_queries(index: Path, queries: list[str], weight: str, rounds: int) -> dict:
    """Return per-query medians (ms) of search and rank with proximity WEIGHT."""
    from searchidx import Engine, proximity

    os.environ["SEARCHIDX_PROXIMITY_WEIGHT"] = weight
    inside = []
    original = proximity.rerank

    def counting(*args, **kwargs):
        t = time.perf_counter()
        out = original(*args, **kwargs)
        inside.append(time.perf_counter() - t)
        return out

    proximity.rerank = counting
    try:
        search, rank = [], []
        with Engine(index) as engine:
            for q in queries:  # warm-up
                engine.search(q)
            for _ in range(rounds):
                for q in queries:
                    t = time.perf_counter()
                    engine.search(q)
                    search.append(time.perf_counter() - t)
                    t = time.perf_counter()
                    engine.rank(q, 1000)
                    rank.append(time.perf_counter() - t)
    finally:
        proximity.rerank = original
    return {
        "search_ms": statistics.median(search) * 1000,
        "search_mean_ms": statistics.fmean(search) * 1000,
        "rank_ms": statistics.median(rank) * 1000,
        "rank_mean_ms": statistics.fmean(rank) * 1000,
        "rerank_mean_ms": statistics.fmean(inside) * 1000 if inside else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    from searchidx import index_paths

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="reuters", choices=("bbc", "reuters"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--weight", default="0.3", help="proximity weight when on")
    parser.add_argument("--corpora", type=Path, default=news.CORPORA, help="shared corpora folder")
    args = parser.parse_args(argv)
    folder = WORK / f"proximity-{args.corpus}"
    index = folder / "index"
    if not index.is_dir():
        files = speed.prepare_input(
            args.corpus, news.load(args.corpus, args.corpora), folder / "input"
        )
        index_paths(index, files, rebuild=True)
    queries = [ours for ours, _ in speed.load_queries()]
    off = timed_queries(index, queries, "0", args.rounds)
    on = timed_queries(index, queries, args.weight, args.rounds)
    print(f"{args.corpus}: {len(queries)} queries x {args.rounds} rounds (ms per query)")
    print(f"{'':<22}{'off':>10}{'on':>10}{'added':>10}")
    for key in ("search_ms", "search_mean_ms", "rank_ms", "rank_mean_ms"):
        print(f"{key:<22}{off[key]:>10.2f}{on[key]:>10.2f}{on[key] - off[key]:>+10.2f}")
    print(f"{'rerank alone (mean)':<22}{'':>10}{on['rerank_mean_ms']:>10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
