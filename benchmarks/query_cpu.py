"""Per-query CPU time of ``Engine.search`` over the fixed query list, warm, and where it goes.

``python benchmarks/query_cpu.py INDEX [--rounds 5] [--profile OUT.prof] [--dump OUT.json]``

The machine is shared, so wall times are noisy: this measures the process's CPU time
(``time.process_time``) per query, after one warm-up round, for the searches the web page
makes (page 1, 10 hits, facets and snippets).  ``--dump`` writes every query's total, hit
ids, scores and snippet parts, so two versions of the code can be compared result for result
(run one with ``PYTHONPATH=/path/to/other/checkout``).  ``--profile`` also writes a cProfile
of the measured rounds and prints its top functions by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import speed  # noqa: E402


def run(index: Path, rounds: int, profile: Path | None, dump: Path | None) -> dict:
    """Return the CPU milliseconds per query (mean and median over QUERIES x ROUNDS)."""
    import searchidx
    from searchidx import Engine

    queries = [ours for ours, _ in speed.load_queries()]
    engine = Engine(str(index))
    results = {}
    for q in queries:  # warm-up: caches filled, results recorded
        res = engine.search(q, page=1, page_size=10)
        results[q] = {
            "total": res.total,
            "suggestion": res.suggestion,
            "hits": [[h.id, round(h.score, 9), h.snippet, h.snippet_html] for h in res.hits],
            "parts": [[list(p) for p in h.snippet_parts] for h in res.hits],
        }
    profiler = cProfile.Profile() if profile else None
    samples = []
    for _ in range(rounds):
        for q in queries:
            if profiler:
                profiler.enable()
            t0 = time.process_time()
            engine.search(q, page=1, page_size=10)
            samples.append((time.process_time() - t0) * 1000)
            if profiler:
                profiler.disable()
    engine.close()
    if profiler:
        profiler.dump_stats(profile)
        pstats.Stats(str(profile)).sort_stats("cumulative").print_stats(35)
    if dump:
        dump.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    samples.sort()
    return {
        "code": str(Path(searchidx.__file__).parent),
        "queries": len(queries),
        "rounds": rounds,
        "cpu_mean_ms": round(sum(samples) / len(samples), 3),
        "cpu_p50_ms": round(samples[len(samples) // 2], 3),
        "cpu_p95_ms": round(samples[int(len(samples) * 0.95)], 3),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("index", type=Path)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--profile", type=Path)
    ap.add_argument("--dump", type=Path)
    args = ap.parse_args(argv)
    print(json.dumps(run(args.index, args.rounds, args.profile, args.dump)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
