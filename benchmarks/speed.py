"""Speed benchmark: searchidx against SQLite FTS5 on the same articles and queries.

One run measures, per corpus (BBC, Reuters by default), for searchidx and FTS5:

* full build time (searchidx with ``--jobs 1`` and ``--jobs 2``), docs/s and MB/s;
* no-op re-index time and re-index time after 1% of the input files change;
* index size on disk and peak RSS while building;
* query latency p50/p95 over ``benchmarks/queries.txt`` (top 10 with snippets,
  warm, through the Python API, several rounds);
* through HTTP (``http_load``): ``/api/search`` p50/p95 of ``searchidx serve --workers 2``
  against FTS5 behind the same kind of server (waitress), and load runs with 8 and 32
  concurrent clients (throughput, p50/p95, errors, server CPU use); ``--no-http`` skips it;
* the ratio searchidx / FTS5 of each figure (above 1 means searchidx is slower,
  bigger or hungrier).

Input files. searchidx indexes *files*, so each corpus is written to
``benchmarks/work/<corpus>/input/`` first, fresh on every run:

* BBC as one ``.txt`` article per file (title line, blank line, body): 2,225
  files, its native layout; 1% = 22 files = 22 articles;
* Reuters (and the scale corpora) as JSONL shards of 100 articles each
  (216 files for Reuters); 1% = 2 shards = 200 articles.

A changed file gets a marker sentence appended to every article in it. FTS5 has no
notion of files, so its index keeps a (path, mtime, size, sha1) table and its
re-index re-inserts the rows of changed files only; that is the same unit of work.

Every build runs in its own process. Its wall time (start-up included) and peak
RSS are measured from outside, through a small launcher process, which also
reports the CPU seconds (user + sys) of the build's process tree; on a busy
machine CPU seconds are steadier than wall time. The launcher's
``RUSAGE_CHILDREN.ru_maxrss`` is the peak of the largest single process of the
build, and a sampler sums the RSS of the whole process tree every 20 ms (what
``--jobs 2`` really costs; the tables' "peak RSS" is this sum).

``--scale`` adds a scale curve: BBC + Reuters + 20 Newsgroups (~42k articles),
then 2x and 4x copies with distinct ids: build docs/s and query p50 at each size.

Results are printed as tables and written to ``benchmarks/results/speed.json``.
The corpora are read from ``../shared/corpora``; a missing corpus is skipped.
No figure here is asserted anywhere: timings vary by machine.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import fts5  # noqa: E402
import http_load  # noqa: E402
import news  # noqa: E402

REPO_ROOT = HERE.parent
QUERIES = HERE / "queries.txt"
RESULTS = HERE / "results" / "speed.json"
MARKER = "Benchmarkrevision zqxmarker: this article was changed to test re-indexing."
MARKER_QUERY = "zqxmarker"


# --- inputs ----------------------------------------------------------------


def load_queries(path: Path = QUERIES) -> list[tuple[str, str]]:
    """Return (searchidx query, FTS5 query) pairs from PATH."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        ours, _, theirs = line.partition("\t")
        pairs.append((ours.strip(), (theirs or ours).strip()))
    return pairs


def prepare_input(name: str, docs: list[dict], folder: Path) -> list[Path]:
    """Write DOCS into FOLDER as the files both engines index; return them."""
    if folder.exists():
        shutil.rmtree(folder)
    if name == "bbc":
        return news.write_txt_files(docs, folder)
    return news.write_jsonl_shards(docs, folder, per_shard=100)


def change_files(files: list[Path], fraction: float = 0.01) -> list[Path]:
    """Append MARKER to every article of every 1/FRACTION-th file; return the changed files."""
    step = max(1, round(1 / fraction))
    changed = files[step // 2 :: step]
    for path in changed:
        if path.suffix == ".jsonl":
            docs = [{**d, "body": f"{d['body']}\n\n{MARKER}"} for d in news.read_jsonl(path)]
            news.write_jsonl(docs, path)
        else:
            with path.open("a", encoding="utf-8") as f:
                f.write(f"\n{MARKER}\n")
    return changed


def docs_in(files: list[Path]) -> int:
    return sum(1 for _ in news.read_inputs(files))


# --- measuring processes ---------------------------------------------------


def _proc_tree() -> dict[int, list[int]]:
    """Return every process's children, by parent pid (a scan of /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def _descendants(root: int, children: dict[int, list[int]]) -> list[int]:
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def _rss(pids: list[int]) -> int:
    """Return the summed RSS in bytes of PIDS (those still running)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * _PAGE
        except (OSError, ValueError, IndexError):
            continue
    return total


_PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree_rss(root: int, include_root: bool = True) -> int:
    """Return the summed RSS in bytes of ROOT's descendants (and of ROOT itself)."""
    pids = _descendants(root, _proc_tree())
    return _rss(pids if include_root else pids[1:])


class TreeSampler:
    """Follow the peak RSS of a process tree, cheaply enough not to slow what it measures.

    A scan of /proc (a few milliseconds: two files a process on the machine) finds the
    tree; it runs every RESCAN seconds. Between scans only the tree's own statm files are
    read. Scanning every 20 ms took about 14% of a core, on a machine whose two cores the
    measured build needs.
    """

    RESCAN = 0.25

    def __init__(self, root: int):
        self.root, self.peak, self._pids, self._scanned = root, 0, [], -1e9

    def sample(self) -> None:
        now = time.monotonic()
        if now - self._scanned >= self.RESCAN:
            self._pids = _descendants(self.root, _proc_tree())[1:]
            self._scanned = now
        self.peak = max(self.peak, _rss(self._pids))


# The launcher reports its children's ru_maxrss. Measuring through it matters: a process's
# ru_maxrss starts at the RSS of the process that spawned it (Linux copies the parent's
# high-water mark at exec), so asking the big benchmark process directly would report its
# own ~100 MB for every build. The launcher is a bare Python (~10 MB), far below any build.
LAUNCHER = (
    "import resource, subprocess, sys; rc = subprocess.call(sys.argv[2:]); "
    "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "open(sys.argv[1], 'w').write(f'{u.ru_maxrss} {u.ru_utime + u.ru_stime}'); "
    "sys.exit(rc)"
)


def run_measured(cmd: list[str], cwd: Path = REPO_ROOT) -> dict:
    """Run CMD in a child process; return wall seconds, peak RSS (MB) and its output."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
    }
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r") as rss_file,
    ):
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, rss_file.name, *cmd],
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=err,
        )
        tree = TreeSampler(proc.pid)
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                tree.sample()
                done.wait(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        proc.wait()
        wall = time.perf_counter() - t0
        done.set()
        sampler.join()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
        maxrss_kb, cpu_s = (rss_file.read() or "0 0").split()
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, cmd[:6]))}... exited {proc.returncode}:\n{stderr[-2000:]}"
        )
    return {
        "seconds": wall,
        "cpu_s": float(cpu_s),
        "maxrss_mb": int(maxrss_kb) / 1024,
        "tree_peak_rss_mb": tree.peak / 2**20,
        "stdout": stdout[-2000:],
    }


def median_run(runs: list[dict]) -> dict:
    """Return the run of median wall time among RUNS, with every run's time and the peak RSS."""
    m = dict(sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2])
    m["rounds_s"] = [r["seconds"] for r in runs]
    m["tree_peak_rss_mb"] = max(r["tree_peak_rss_mb"] for r in runs)
    m["maxrss_mb"] = max(r["maxrss_mb"] for r in runs)
    return m


def dir_size(path: Path) -> int:
    """Return the bytes of the files under PATH (or of PATH itself)."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def sidx_index(index: Path, inputs: Path, jobs: int, rebuild: bool) -> dict:
    if rebuild and Path(index).exists():
        shutil.rmtree(index)  # measure a build from nothing, not over an older index
    cmd = (
        [sys.executable, "-m", "searchidx", "index", "--index", str(index), "--jobs", str(jobs)]
        + (["--rebuild"] if rebuild else [])
        + [str(inputs)]
    )
    return run_measured(cmd)


def fts5_index(db: Path, inputs: Path, action: str) -> dict:
    return run_measured(
        [sys.executable, str(HERE / "fts5.py"), action, "--db", str(db), str(inputs)]
    )


def startup_seconds() -> dict:
    """Return the bare start-up cost of each tool's process (part of every build)."""
    sidx = run_measured([sys.executable, "-m", "searchidx", "--help"])["seconds"]
    py = run_measured([sys.executable, "-c", "import sqlite3"])["seconds"]
    return {"searchidx_cli": sidx, "python_sqlite3": py}


# --- queries ---------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Return the nearest-rank P-th percentile of VALUES."""
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def time_queries(engine, queries: list[str], rounds: int, **options) -> dict:
    """Run QUERIES once to warm up, then ROUNDS times; return latencies and totals.

    OPTIONS go to every search (searchidx's ``facets=False``: top 10 and snippets only).
    """
    totals: dict[str, int | str] = {}
    for q in queries:  # warm-up round, also records totals and errors
        try:
            totals[q] = engine.search(q, page=1, page_size=10, **options).total
        except Exception as e:  # noqa: BLE001 - a bad query is reported, not fatal
            totals[q] = f"error: {type(e).__name__}: {e}"
    ok = [q for q in queries if isinstance(totals[q], int)]
    samples: dict[str, list[float]] = {q: [] for q in ok}
    for _ in range(rounds):
        for q in ok:
            t0 = time.perf_counter()
            res = engine.search(q, page=1, page_size=10, **options)
            for hit in res.hits:  # touch what a front end would render
                hit.snippet  # noqa: B018
            samples[q].append((time.perf_counter() - t0) * 1000)
    flat = [ms for v in samples.values() for ms in v]
    return {
        "p50_ms": percentile(flat, 50) if flat else None,
        "p95_ms": percentile(flat, 95) if flat else None,
        "mean_ms": sum(flat) / len(flat) if flat else None,
        "queries": len(queries),
        "errors": len(queries) - len(ok),
        "per_query_median_ms": {q: sorted(v)[len(v) // 2] for q, v in samples.items()},
        "totals": totals,
    }


def open_searchidx(index: Path):
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from searchidx import Engine

    return Engine(str(index))


def close(engine) -> None:
    closer = getattr(engine, "close", None)
    if callable(closer):
        closer()


# --- one corpus ------------------------------------------------------------


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def bench_corpus(name: str, docs: list[dict], args, queries) -> dict:
    """Measure both engines on corpus NAME; return the figures."""
    work = news.WORK / name
    inputs = work / "input"
    files = prepare_input(name, docs, inputs)
    mb = news.text_bytes(docs) / 1e6
    n = len(docs)
    print(f"\n== {name}: {n} docs, {mb:.1f} MB text, {len(files)} input files", flush=True)
    out: dict = {
        "docs": n,
        "text_mb": mb,
        "input_files": len(files),
        "input_layout": "one .txt per article" if name == "bbc" else "JSONL shards of 100 articles",
    }

    sidx: dict = {}
    db = work / "fts5.db"
    outputs = {f"build_j{jobs}": work / f"searchidx-j{jobs}" for jobs in args.jobs}
    outputs["fts5"] = db
    builds: dict[str, list[dict]] = {key: [] for key in outputs}
    for r in range(args.build_rounds):  # the engines in turn, so load hits both alike
        for jobs in args.jobs:
            print(f"  searchidx build --jobs {jobs} (round {r + 1}) ...", flush=True)
            key = f"build_j{jobs}"
            builds[key].append(sidx_index(outputs[key], inputs, jobs, rebuild=True))
        print(f"  fts5 build (round {r + 1}) ...", flush=True)
        if db.exists():
            db.unlink()
        builds["fts5"].append(fts5_index(db, inputs, "build"))
    for key, runs in builds.items():
        m = median_run(runs)
        m.update(
            docs_per_s=n / m["seconds"],
            mb_per_s=mb / m["seconds"],
            index_mb=dir_size(outputs[key]) / 1e6,
        )
        if key == "fts5":
            f5: dict = {"build": m}
        else:
            sidx[key] = m

    main_index = work / f"searchidx-j{args.jobs[0]}"
    print(f"  queries x{args.rounds} ...", flush=True)
    pairs = queries
    eng = open_searchidx(main_index)
    sidx["queries"] = time_queries(eng, [a for a, _ in pairs], args.rounds)
    # The same work FTS5 does (top 10 with snippets), without the facet counts the CLI and
    # the web page also ask for.
    sidx["queries_nofacets"] = time_queries(eng, [a for a, _ in pairs], args.rounds, facets=False)
    close(eng)
    eng = fts5.Fts5Engine(db)
    f5["queries"] = time_queries(eng, [b for _, b in pairs], args.rounds)
    eng.close()
    out["totals_differ"] = {
        a: [sidx["queries"]["totals"][a], f5["queries"]["totals"][b]]
        for a, b in pairs
        if sidx["queries"]["totals"][a] != f5["queries"]["totals"][b]
    }

    if args.http:
        print(f"  HTTP /api/search and load ({args.load_clients} clients) ...", flush=True)
        out["http"] = http_load.compare(
            main_index, db, pairs, args.rounds, args.load_clients, args.per_client, args.workers
        )

    print("  no-op re-index ...", flush=True)
    sidx["noop"] = sidx_index(main_index, inputs, args.jobs[0], rebuild=False)
    f5["noop"] = fts5_index(db, inputs, "update")
    time.sleep(0.01)  # make sure changed files get a new mtime
    changed = change_files(files)
    out["changed_files"], out["changed_docs"] = len(changed), docs_in(changed)
    print(
        f"  re-index after {len(changed)} files ({out['changed_docs']} docs) change ...", flush=True
    )
    sidx["update_1pct"] = sidx_index(main_index, inputs, args.jobs[0], rebuild=False)
    f5["update_1pct"] = fts5_index(db, inputs, "update")
    sidx["index_mb_after_update"] = dir_size(main_index) / 1e6
    f5["index_mb_after_update"] = dir_size(db) / 1e6
    # Correctness check: both must now find exactly the changed articles.
    eng = open_searchidx(main_index)
    # Every changed article, copies included (a search folds copies of one story).
    sidx["marker_hits"] = eng.search(MARKER_QUERY, page=1, page_size=10, collapse=False).total
    close(eng)
    eng = fts5.Fts5Engine(db)
    f5["marker_hits"] = eng.search(MARKER_QUERY).total
    eng.close()
    out["searchidx"], out["fts5"] = sidx, f5
    out["ratios"] = ratios(sidx, f5, args.jobs)
    return out


def ratios(sidx: dict, f5: dict, jobs: list[int]) -> dict:
    """Return searchidx / FTS5 for every figure."""
    r = {}
    for j in jobs:
        b = sidx[f"build_j{j}"]
        r[f"build_s_j{j}"] = ratio(b["seconds"], f5["build"]["seconds"])
        r[f"docs_per_s_j{j}"] = ratio(b["docs_per_s"], f5["build"]["docs_per_s"])
        r[f"peak_rss_j{j}"] = ratio(b["tree_peak_rss_mb"], f5["build"]["tree_peak_rss_mb"])
    j = jobs[0]
    r["index_mb"] = ratio(sidx[f"build_j{j}"]["index_mb"], f5["build"]["index_mb"])
    r["noop_s"] = ratio(sidx["noop"]["seconds"], f5["noop"]["seconds"])
    r["update_1pct_s"] = ratio(sidx["update_1pct"]["seconds"], f5["update_1pct"]["seconds"])
    r["query_p50"] = ratio(sidx["queries"]["p50_ms"], f5["queries"]["p50_ms"])
    r["query_p95"] = ratio(sidx["queries"]["p95_ms"], f5["queries"]["p95_ms"])
    r["query_p50_nofacets"] = ratio(sidx["queries_nofacets"]["p50_ms"], f5["queries"]["p50_ms"])
    r["query_p95_nofacets"] = ratio(sidx["queries_nofacets"]["p95_ms"], f5["queries"]["p95_ms"])
    return r


# --- scale curve -----------------------------------------------------------


def bench_scale(base: list[dict], factors: list[int], args, queries) -> list[dict]:
    """Build and query both engines at each multiple of BASE; return one row per size."""
    rows = []
    jobs = max(args.jobs)
    for k in factors:
        docs = list(news.replicate(base, k))
        mb = news.text_bytes(docs) / 1e6
        work = news.WORK / f"scale-x{k}"
        inputs = work / "input"
        if work.exists():
            shutil.rmtree(work)
        news.write_jsonl_shards(docs, inputs, per_shard=500)
        n = len(docs)
        print(f"\n== scale x{k}: {n} docs, {mb:.0f} MB text", flush=True)
        del docs
        row: dict = {"factor": k, "docs": n, "text_mb": mb}
        s = sidx_index(work / "searchidx", inputs, jobs, rebuild=True)
        f = fts5_index(work / "fts5.db", inputs, "build")
        eng = open_searchidx(work / "searchidx")
        sq = time_queries(eng, [a for a, _ in queries], args.scale_rounds)
        close(eng)
        eng = fts5.Fts5Engine(work / "fts5.db")
        fq = time_queries(eng, [b for _, b in queries], args.scale_rounds)
        eng.close()
        if args.http:
            row["http"] = http_load.compare(
                work / "searchidx", work / "fts5.db", queries, args.scale_rounds,
                args.load_clients, args.per_client, args.workers,
            )  # fmt: skip
        for side, b, q, idx in (
            ("searchidx", s, sq, work / "searchidx"),
            ("fts5", f, fq, work / "fts5.db"),
        ):
            row[side] = {
                "build_s": b["seconds"],
                "docs_per_s": n / b["seconds"],
                "mb_per_s": mb / b["seconds"],
                "tree_peak_rss_mb": b["tree_peak_rss_mb"],
                "index_mb": dir_size(idx) / 1e6,
                "query_p50_ms": q["p50_ms"],
                "query_p95_ms": q["p95_ms"],
                "query_errors": q["errors"],
            }
        row["searchidx"]["jobs"] = jobs
        row["ratios"] = {
            k2: ratio(row["searchidx"][k2], row["fts5"][k2])
            for k2 in ("build_s", "docs_per_s", "index_mb", "query_p50_ms")
        }
        print(
            f"   searchidx {row['searchidx']['docs_per_s']:.0f} docs/s, "
            f"p50 {row['searchidx']['query_p50_ms']:.1f} ms | fts5 "
            f"{row['fts5']['docs_per_s']:.0f} docs/s, p50 {row['fts5']['query_p50_ms']:.2f} ms",
            flush=True,
        )
        if not args.keep:
            shutil.rmtree(work)
        rows.append(row)
    return rows


# --- report ----------------------------------------------------------------


def fmt(v, digits: int = 2) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    return str(v)


def table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    line = "  ".join(
        h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths))
    )
    out = [line, "-" * len(line)]
    for r in rows:
        out.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))
            )
        )
    return "\n".join(out)


def corpus_table(name: str, res: dict, jobs: list[int]) -> str:
    s, f, r = res["searchidx"], res["fts5"], res["ratios"]
    rows = []
    for j in jobs:
        b = s[f"build_j{j}"]
        rows += [
            [
                f"build --jobs {j} (s)",
                fmt(b["seconds"]),
                fmt(f["build"]["seconds"]),
                fmt(r[f"build_s_j{j}"]),
            ],
            [
                f"  docs/s (jobs {j})",
                fmt(b["docs_per_s"], 0),
                fmt(f["build"]["docs_per_s"], 0),
                fmt(r[f"docs_per_s_j{j}"]),
            ],
            [
                f"  MB/s (jobs {j})",
                fmt(b["mb_per_s"]),
                fmt(f["build"]["mb_per_s"]),
                fmt(ratio(b["mb_per_s"], f["build"]["mb_per_s"])),
            ],
            [
                f"  peak RSS, tree (MB, jobs {j})",
                fmt(b["tree_peak_rss_mb"], 0),
                fmt(f["build"]["tree_peak_rss_mb"], 0),
                fmt(r[f"peak_rss_j{j}"]),
            ],
            [
                f"  ru_maxrss (MB, jobs {j})",
                fmt(b["maxrss_mb"], 0),
                fmt(f["build"]["maxrss_mb"], 0),
                fmt(ratio(b["maxrss_mb"], f["build"]["maxrss_mb"])),
            ],
        ]
    j = jobs[0]
    rows += [
        [
            "index size (MB)",
            fmt(s[f"build_j{j}"]["index_mb"]),
            fmt(f["build"]["index_mb"]),
            fmt(r["index_mb"]),
        ],
        [
            "no-op re-index (s)",
            fmt(s["noop"]["seconds"]),
            fmt(f["noop"]["seconds"]),
            fmt(r["noop_s"]),
        ],
        [
            f"re-index, {res['changed_files']} files/{res['changed_docs']} docs changed (s)",
            fmt(s["update_1pct"]["seconds"]),
            fmt(f["update_1pct"]["seconds"]),
            fmt(r["update_1pct_s"]),
        ],
        ["  changed docs found after", fmt(s["marker_hits"]), fmt(f["marker_hits"]), ""],
        [
            f"query p50 (ms), {s['queries']['queries']} queries",
            fmt(s["queries"]["p50_ms"]),
            fmt(f["queries"]["p50_ms"]),
            fmt(r["query_p50"]),
        ],
        [
            "query p95 (ms)",
            fmt(s["queries"]["p95_ms"]),
            fmt(f["queries"]["p95_ms"]),
            fmt(r["query_p95"]),
        ],
        [
            "query p50 (ms), without facet counts",
            fmt(s["queries_nofacets"]["p50_ms"]),
            fmt(f["queries"]["p50_ms"]),
            fmt(r["query_p50_nofacets"]),
        ],
        [
            "query p95 (ms), without facet counts",
            fmt(s["queries_nofacets"]["p95_ms"]),
            fmt(f["queries"]["p95_ms"]),
            fmt(r["query_p95_nofacets"]),
        ],
        ["query errors", fmt(s["queries"]["errors"]), fmt(f["queries"]["errors"]), ""],
    ]
    title = (
        f"{name}: {res['docs']} docs, {res['text_mb']:.1f} MB, {res['input_files']} files "
        f"({res['input_layout']})"
    )
    return title + "\n" + table(rows, ["metric", "searchidx", "FTS5", "searchidx/FTS5"])


def scale_table(rows: list[dict]) -> str:
    out = []
    for r in rows:
        s, f = r["searchidx"], r["fts5"]
        out.append(
            [
                f"x{r['factor']}",
                f"{r['docs']:,}",
                fmt(r["text_mb"], 0),
                fmt(s["docs_per_s"], 0),
                fmt(f["docs_per_s"], 0),
                fmt(r["ratios"]["docs_per_s"]),
                fmt(s["query_p50_ms"]),
                fmt(f["query_p50_ms"]),
                fmt(r["ratios"]["query_p50_ms"]),
                fmt(s["index_mb"], 0),
                fmt(f["index_mb"], 0),
            ]
        )
    return table(
        out,
        [
            "size",
            "docs",
            "MB",
            "sidx docs/s",
            "FTS5 docs/s",
            "ratio",
            "sidx p50 ms",
            "FTS5 p50 ms",
            "ratio",
            "sidx MB",
            "FTS5 MB",
        ],
    )


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def meta() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    def ver(dist: str) -> str:
        try:
            return version(dist)
        except PackageNotFoundError:
            return "absent"

    return {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "git_commit": git_commit(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "whoosh": ver("whoosh-reloaded"),
        "nltk": ver("nltk"),
        "cpus": os.cpu_count(),
        "machine": platform.platform(),
        "fts5_tokenize": "porter unicode61",
        "fts5_rank": fts5.RANK,
        "build_time": "wall time of the whole process, start-up included",
    }


def main(argv: list[str] | None = None) -> int:
    """Benchmark searchidx against SQLite FTS5 and write benchmarks/results/speed.json."""
    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument(
        "--corpora",
        default="bbc,reuters",
        help="comma-separated: bbc, reuters, 20ng (default bbc,reuters)",
    )
    ap.add_argument("--jobs", default="1,2", help="searchidx --jobs values to build with")
    ap.add_argument("--rounds", type=int, default=5, help="timed query rounds (after warm-up)")
    ap.add_argument(
        "--build-rounds",
        type=int,
        default=3,
        help="builds of each engine, in turn; the median time is reported (default 3)",
    )
    ap.add_argument(
        "--scale",
        action="store_true",
        help="also run the scale curve (BBC+Reuters+20NG at 1x, 2x, 4x; slow)",
    )
    ap.add_argument("--scale-factors", default="1,2,4")
    ap.add_argument("--scale-rounds", type=int, default=3)
    ap.add_argument("--keep", action="store_true", help="keep scale-curve indexes")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument(
        "--no-http", dest="http", action="store_false", help="skip the HTTP latency and load runs"
    )
    ap.add_argument("--load-clients", default="8,32", help="concurrent clients of the load runs")
    ap.add_argument("--per-client", type=int, default=10, help="requests per load client")
    ap.add_argument("--workers", type=int, default=2, help="searchidx serve --workers")
    args = ap.parse_args(argv)
    args.jobs = [int(j) for j in args.jobs.split(",")]
    args.load_clients = [int(c) for c in args.load_clients.split(",")]
    queries = load_queries()
    result: dict = {
        "meta": meta(),
        "queries_file": str(QUERIES.relative_to(REPO_ROOT)),
        "corpora": {},
        "skipped": {},
    }
    result["meta"]["startup_s"] = startup_seconds()
    for name in args.corpora.split(","):
        try:
            docs = news.load(name)
        except news.CorpusMissing as e:
            print(f"skip {name}: {e}", file=sys.stderr)
            result["skipped"][name] = str(e)
            continue
        result["corpora"][name] = bench_corpus(name, docs, args, queries)
    if args.scale:
        try:
            base = news.load("bbc") + news.load("reuters") + news.load("20ng")
        except news.CorpusMissing as e:
            print(f"skip scale curve: {e}", file=sys.stderr)
            result["skipped"]["scale"] = str(e)
        else:
            factors = [int(k) for k in args.scale_factors.split(",")]
            result["scale"] = bench_scale(base, factors, args, queries)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print()
    st = result["meta"]["startup_s"]
    print(
        f"process start-up: searchidx CLI {st['searchidx_cli']:.2f} s, "
        f"python+sqlite3 {st['python_sqlite3']:.2f} s (included in build/re-index times)"
    )
    for name, res in result["corpora"].items():
        print()
        print(corpus_table(name, res, args.jobs))
        if res.get("http"):
            print(f"HTTP, searchidx serve --workers {args.workers} vs FTS5 behind waitress:")
            print(http_load.table(res["http"]))
        if res["totals_differ"]:
            print(
                f"  {len(res['totals_differ'])} queries differ in hit count "
                f"(different analyzers); see totals in the JSON"
            )
    if result.get("scale"):
        print(f"\nscale curve (searchidx --jobs {max(args.jobs)})")
        print(scale_table(result["scale"]))
        for row in result["scale"]:
            if row.get("http"):
                print(f"HTTP at {row['docs']:,} documents:")
                print(http_load.table(row["http"]))
    print(
        f"\nwrote {args.out.relative_to(REPO_ROOT) if args.out.is_relative_to(REPO_ROOT) else args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
