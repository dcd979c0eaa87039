"""Scale curve to about a million articles: searchidx against SQLite FTS5 at each size.

The collection is BBC + Reuters + 20 Newsgroups (~43k articles, "one copy"), repeated with
new ids (copy k's ids get ``~k``).  Each copy is written once, streamed, as one JSON Lines
file under ``--work`` (default ``benchmarks/work/scale``, git-ignored; deleted at the end
unless ``--keep``); the point ``xK`` indexes the first K copies' files.  At each point:

* build: searchidx ``index --rebuild --jobs J`` and FTS5 on the same files, each in its own
  process: wall seconds, docs/s, the peak RSS of the whole process tree (parent and worker
  processes summed, sampled every 20 ms from /proc) and of its largest process
  (``RUSAGE_CHILDREN``), index size on disk;
* the named bound of the build's peak RSS (``memory_bound_mb``, the formula in README
  "Memory") and whether the measured peak stayed under it;
* queries, the benchmark's mix (``benchmarks/queries.txt``, single words, several common
  words, phrases, booleans, fields): through ``/api/search`` (``searchidx serve --workers
  2`` against FTS5 behind waitress, ``http_load.latency``) and through the Python API
  (``Engine.search``, top 10 with snippets and facet counts, in a fresh process per engine);
  p50 and p95 of each, as ratios to FTS5;
* the RSS of the serving process tree after its query run, and of the Python API process.

``python benchmarks/scale.py --factors 1,4,12,23`` prints a table and writes
``benchmarks/results/scale.json`` (after every point); it refuses to start when the free
space under ``--work`` looks too small.  ``--keep --reuse`` measures the queries of kept
points again; ``--report FILE`` re-prints a JSON with this checkout's bounds.  The biggest
point takes long (a 171k-document build took 18 minutes on a loaded 2-core machine): run it
in the background under ``nice``.  No figure is asserted anywhere: timings vary by machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import http_load  # noqa: E402
import news  # noqa: E402
import speed  # noqa: E402

REPO_ROOT = HERE.parent
RESULTS = HERE / "results" / "scale.json"
DEFAULT_WORK = news.WORK / "scale"


# --- inputs ------------------------------------------------------------------


def copy_file(work: Path, k: int) -> Path:
    return work / "input" / f"copy-{k:03d}.jsonl"


def write_copies(base: list[dict], work: Path, upto: int) -> list[Path]:
    """Write copies 0..UPTO-1 of BASE (those not written yet), one JSONL file each."""
    paths = []
    for k in range(upto):
        path = copy_file(work, k)
        if not path.exists():
            tmp = path.with_suffix(".part")
            news.write_jsonl(
                (doc if k == 0 else {**doc, "id": f"{doc['id']}~{k}"} for doc in base), tmp
            )
            tmp.rename(path)
        paths.append(path)
    return paths


def check_disk(work: Path, base_mb: float, factors: list[int]) -> None:
    """Exit with a message when WORK's file system cannot hold the inputs and both indexes."""
    work.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(work).free / 1e6
    # JSONL ~1.1x the text; each index ~1.5x; a margin of 2x for segments being merged.
    need = base_mb * max(factors) * (1.1 + 2 * 1.5) * 2
    if free < need:
        sys.exit(f"scale.py: {free:,.0f} MB free under {work}, about {need:,.0f} MB needed")


# --- the memory bound ----------------------------------------------------------


def bounds(row: dict, workers: int) -> None:
    """Add the named memory bounds (``searchidx.membound``, README "Memory") to ROW."""
    sys.path.insert(0, str(REPO_ROOT))
    from searchidx.membound import build_bound_mb, serve_bound_mb

    s = row["searchidx"]
    row["memory_bound_mb"] = build_bound_mb(row["docs"], row["jobs"])
    row["within_bound"] = s["build"]["tree_peak_rss_mb"] <= row["memory_bound_mb"]
    if "http" in s:
        row["serve_bound_mb"] = serve_bound_mb(s["build"]["index_mb"], workers)
        row["serve_within_bound"] = s["http"]["pss_mb"] <= row["serve_bound_mb"]


# --- Python API queries in their own process ------------------------------------


def api_queries(engine_kind: str, index: Path, rounds: int) -> dict:
    """Time the query mix through ENGINE_KIND's Python API in a fresh process."""
    out = subprocess.run(
        [sys.executable, str(Path(__file__)), "api", engine_kind, str(index), str(rounds)],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise RuntimeError(f"api queries on {engine_kind} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _vm(field: str) -> float:
    """Return a VmXXX figure of this process in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cache_mb() -> float:
    from searchidx import postings

    return postings.cache().bytes / 2**20


def _api_main(kind: str, index: str, rounds: int) -> None:
    pairs = speed.load_queries()
    if kind == "searchidx":
        sys.path.insert(0, str(REPO_ROOT))
        from searchidx import Engine

        eng, queries = Engine(index), [a for a, _ in pairs]
    else:
        import fts5

        eng, queries = fts5.Fts5Engine(Path(index)), [b for _, b in pairs]
    t0 = time.perf_counter()
    res = speed.time_queries(eng, queries, rounds)
    res["seconds"] = time.perf_counter() - t0
    res["rss_mb"], res["peak_rss_mb"] = _vm("VmRSS"), _vm("VmHWM")
    res["posting_cache_mb"] = _cache_mb() if kind == "searchidx" else None
    res.pop("totals")
    print(json.dumps(res))


# --- one point -------------------------------------------------------------------


def tree_pss_mb(root: int) -> float:
    """Return the summed PSS (MB) of ROOT and its children: RSS with shared pages split
    among the processes sharing them (forked workers share their parent's pages)."""
    total = 0
    for pid in [root, *http_load._children(root)]:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def http_point(index: Path, db: Path, rounds: int, workers: int) -> dict:
    """Return /api/search latency of both servers and the RSS of each after its run."""
    pairs = speed.load_queries()
    out: dict = {}
    for side, start, queries in (
        ("searchidx", lambda: http_load.searchidx_server(index, workers=workers), pairs),
        ("fts5", lambda: http_load.fts5_server(db), pairs),
    ):
        server = start()
        try:
            mine = [a if side == "searchidx" else b for a, b in queries]
            t0 = time.perf_counter()
            fig = http_load.latency(server, mine, rounds)
            fig["seconds"] = time.perf_counter() - t0
            fig["rss_mb"] = speed._tree_rss(server.proc.pid) / 2**20
            fig["pss_mb"] = tree_pss_mb(server.proc.pid)
        finally:
            server.close()
        out[side] = fig
    return out


def bench_point(files: list[Path], k: int, docs: int, text_mb: float, args) -> dict:
    work = args.work / f"x{k}"
    index, db = work / "searchidx", work / "fts5.db"
    print(f"\n== x{k}: {docs:,} docs, {text_mb:,.0f} MB text, {len(files)} files", flush=True)
    built = work / "build.json"
    if args.reuse and built.exists():  # a kept point: measure its queries again
        row = json.loads(built.read_text())
    else:
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        row = build_point(files, work, docs, text_mb, args)
        row["factor"] = k
        built.write_text(json.dumps(row))
    print("  Python API queries ...", flush=True)
    row["searchidx"]["api"] = api_queries("searchidx", index, args.rounds)
    row["fts5"]["api"] = api_queries("fts5", db, args.rounds)
    print("  /api/search ...", flush=True)
    h = http_point(index, db, args.rounds, args.workers)
    row["searchidx"]["http"], row["fts5"]["http"] = h["searchidx"], h["fts5"]
    row["ratios"] = ratios(row)
    bounds(row, args.workers)
    print(f"   {json.dumps({k2: round(v, 2) for k2, v in row['ratios'].items() if v})}", flush=True)
    if not args.keep:
        shutil.rmtree(work)
    return row


def build_point(files: list[Path], work: Path, docs: int, text_mb: float, args) -> dict:
    """Build both engines on FILES into WORK; return the build figures."""
    index, db = work / "searchidx", work / "fts5.db"
    row: dict = {"docs": docs, "text_mb": text_mb, "jobs": args.jobs}
    cmd = [sys.executable, "-m", "searchidx", "index", "--index", str(index)]
    cmd += ["--jobs", str(args.jobs), "--rebuild", *map(str, files)]
    print(f"  searchidx build --jobs {args.jobs} ...", flush=True)
    s = speed.run_measured(cmd)
    print(
        f"   {s['seconds']:.0f} s, peak RSS {s['tree_peak_rss_mb']:.0f} MB; fts5 build ...",
        flush=True,
    )
    f = speed.run_measured(
        [sys.executable, str(HERE / "fts5.py"), "build", "--db", str(db)] + [str(p) for p in files]
    )
    s["stdout_tail"] = s["stdout"][-300:]
    for side, b, where in (("searchidx", s, index), ("fts5", f, db)):
        b.pop("stdout", None)
        b.update(docs_per_s=docs / b["seconds"], index_mb=speed.dir_size(where) / 1e6)
        row[side] = {"build": b}
    return row


def ratios(row: dict) -> dict:
    s, f = row["searchidx"], row["fts5"]
    r = {
        "build_s": speed.ratio(s["build"]["seconds"], f["build"]["seconds"]),
        "build_rss": speed.ratio(s["build"]["tree_peak_rss_mb"], f["build"]["tree_peak_rss_mb"]),
        "index_mb": speed.ratio(s["build"]["index_mb"], f["build"]["index_mb"]),
    }
    for part in ("api", "http"):
        for p in ("p50_ms", "p95_ms"):
            r[f"{part}_{p[:3]}"] = speed.ratio(s[part][p], f[part][p])
    return r


# --- report --------------------------------------------------------------------------


def table(rows: list[dict]) -> str:
    fmt = speed.fmt
    out = []
    for r in rows:
        s, f, q = r["searchidx"], r["fts5"], r["ratios"]
        out.append(
            [
                f"x{r['factor']}",
                f"{r['docs']:,}",
                f"{fmt(s['build']['seconds'], 0)} / {fmt(f['build']['seconds'], 0)}",
                f"{fmt(s['build']['docs_per_s'], 0)} / {fmt(f['build']['docs_per_s'], 0)}",
                f"{fmt(s['build']['tree_peak_rss_mb'], 0)} / {fmt(f['build']['tree_peak_rss_mb'], 0)}",
                fmt(r["memory_bound_mb"], 0),
                fmt(q["index_mb"]),
                f"{fmt(s['http']['p50_ms'], 1)} / {fmt(f['http']['p50_ms'], 1)} ({fmt(q['http_p50'])}x)",
                f"{fmt(s['http']['p95_ms'], 1)} / {fmt(f['http']['p95_ms'], 1)} ({fmt(q['http_p95'])}x)",
                f"{fmt(s['api']['p50_ms'], 1)} / {fmt(f['api']['p50_ms'], 1)} ({fmt(q['api_p50'])}x)",
                f"{fmt(s['api']['p95_ms'], 1)} / {fmt(f['api']['p95_ms'], 1)} ({fmt(q['api_p95'])}x)",
                f"{fmt(s['http']['rss_mb'], 0)} / {fmt(s['http']['pss_mb'], 0)}",
                fmt(r["serve_bound_mb"], 0),
                fmt(s["api"]["peak_rss_mb"], 0),
            ]
        )
    return speed.table(
        out,
        [
            "size",
            "docs",
            "build s sidx/FTS5",
            "docs/s sidx/FTS5",
            "build RSS MB",
            "bound MB",
            "index ratio",
            "/api p50 ms",
            "/api p95 ms",
            "API p50 ms",
            "API p95 ms",
            "serve RSS / PSS MB",
            "bound MB",
            "API RSS MB",
        ],
    )


def main(argv: list[str] | None = None) -> int:
    """Run the scale curve and write benchmarks/results/scale.json."""
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "api":
        _api_main(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return 0
    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("--factors", default="1,4,12,23", help="copies of the base at each point")
    ap.add_argument("--jobs", type=int, default=2, help="searchidx index --jobs")
    ap.add_argument("--workers", type=int, default=2, help="searchidx serve --workers")
    ap.add_argument("--rounds", type=int, default=3, help="timed query rounds after a warm-up")
    ap.add_argument("--work", type=Path, default=DEFAULT_WORK, help="folder for inputs, indexes")
    ap.add_argument("--keep", action="store_true", help="keep inputs and indexes")
    ap.add_argument(
        "--reuse", action="store_true", help="with --keep: re-measure the queries of kept points"
    )
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--report", type=Path, help="print the table of a JSON written before")
    args = ap.parse_args(argv)
    if args.report:
        result = json.loads(args.report.read_text())
        for row in result["points"]:
            bounds(row, args.workers)  # with the formula of this checkout
        print(f"scale curve, searchidx --jobs {args.jobs}, {result['meta'].get('commit_note', '')}")
        print(table(result["points"]))
        return 0
    factors = sorted(int(k) for k in args.factors.split(","))
    base = news.load("bbc") + news.load("reuters") + news.load("20ng")
    base_mb = news.text_bytes(base) / 1e6
    check_disk(args.work, base_mb, factors)
    result: dict = {"meta": speed.meta(), "base_docs": len(base), "points": []}
    result["meta"]["queries"] = len(speed.load_queries())
    try:
        for k in factors:
            files = write_copies(base, args.work, k)
            row = bench_point(files, k, len(base) * k, base_mb * k, args)
            result["points"].append(row)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(result, indent=1) + "\n")  # after every point
    finally:
        if not args.keep and args.work.exists():
            shutil.rmtree(args.work)
    print(f"\nscale curve, searchidx --jobs {args.jobs}, commit {result['meta']['git_commit']}")
    print(table(result["points"]))
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
