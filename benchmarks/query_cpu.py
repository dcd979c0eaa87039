"""Per-query CPU time of ``Engine.search`` over the fixed query list, warm, and where it goes.

``python benchmarks/query_cpu.py INDEX [--rounds 5] [--profile OUT.prof] [--dump OUT.json] [--parts]``

The machine is shared, so wall times are noisy: this measures the process's CPU time
(``time.process_time``) per query, after one warm-up round, for the searches the web page
makes (page 1, 10 hits, facets and snippets).  ``--dump`` writes every query's total, hit
ids, scores and snippet parts, so two versions of the code can be compared result for result
(run one with ``PYTHONPATH=/path/to/other/checkout``).  ``--profile`` also writes a cProfile
of the measured rounds and prints its top functions by cumulative time.  ``--parts`` times
the snippets and the proximity stage alone, on each query's page of hits.
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


def parts(index: Path, rounds: int) -> dict:
    """Return the CPU milliseconds per query of the snippets and of the proximity stage alone.

    Each query's page of hits and first-stage ranking are made once; then, ROUNDS times,
    the snippets of those hits are made again from the stored bodies, and the first 30
    results re-ranked again.
    """
    from searchidx import Engine, proximity
    from searchidx.config import setting
    from searchidx.query import parse_query
    from searchidx.snippets import make_snippet, match_spec

    size, fragments = int(setting("snippet_chars")), int(setting("snippet_fragments"))
    engine = Engine(str(index))
    searcher = engine._current()
    work = []
    for text in [ours for ours, _ in speed.load_queries()]:
        q = parse_query(text, searcher.schema, engine.title_boost, 10_000)
        res = engine.search(text, page=1, page_size=10)
        bodies = [engine.document(h.id).body for h in res.hits]
        first = [(r.docnum, r.score) for r in searcher.search(q, limit=60)]
        work.append((q, bodies, first))
    snippet_ms = proximity_ms = 0.0
    for _ in range(rounds):
        for q, bodies, first in work:
            t0 = time.process_time()
            spec = match_spec(q, searcher.reader())
            for body in bodies:
                make_snippet(body, spec, engine.stemmer, size, fragments)
            t1 = time.process_time()
            proximity.rerank(searcher, q, first)
            t2 = time.process_time()
            snippet_ms += (t1 - t0) * 1000
            proximity_ms += (t2 - t1) * 1000
    engine.close()
    n = rounds * len(work)
    return {"snippets_ms": round(snippet_ms / n, 3), "proximity_ms": round(proximity_ms / n, 3)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("index", type=Path)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--profile", type=Path)
    ap.add_argument("--dump", type=Path)
    ap.add_argument("--parts", action="store_true", help="time snippets and proximity alone")
    args = ap.parse_args(argv)
    if args.parts:
        print(json.dumps(parts(args.index, args.rounds)))
        return 0
    print(json.dumps(run(args.index, args.rounds, args.profile, args.dump)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
