"""Measure searchidx's ranking against SQLite FTS5 (and tantivy) on judged test collections.

For each collection (ADI, CISI, CACM, Cranfield; LISA on request) and each conversion
(testcollections.CONVERSIONS: ``full`` with keywords, authors and query titles, ``bare``
without) this converts the SMART files into docs.jsonl / topics.tsv / qrels.txt under
benchmarks/work/<name>-<conversion>/, produces a TREC run of the top 1000 documents per
topic from each system, and scores the runs with nDCG@10, AP@1000 (MAP), P@10 and R@100
averaged over all judged topics (benchmarks/metrics.py); searchidx is compared with the
best peer by a paired randomization test.

Systems (every peer gets the topic's words ORed, as they occur, repeats kept):
  searchidx  the CLI as a subprocess: `index --rebuild` then `batch --limit 1000`.
             Environment variables pass through, so settings the core reads
             from the environment can be varied without code changes.
  fts5       SQLite FTS5, tokenize='porter unicode61', columns (title, body),
             ranked by bm25(t, 2.0, 1.0).
  tantivy    optional (pip install tantivy): en_stem tokenizer, BM25, title
             boosted 2.0. Skipped if not importable.
  whoosh     plain Whoosh: StemmingAnalyzer, stock BM25F, title boosted 2.0.
  searchidx+prf  on request: searchidx with --expand 10.

A system that fails (e.g. searchidx before the core exists) is reported as
failed with its error line; the others still run.

Usage:
  python benchmarks/relevance.py
  python benchmarks/relevance.py --collections adi,cisi --out /tmp/rel.json
  python benchmarks/relevance.py --collections adi,cisi,cacm,cranfield,lisa --markdown
"""

from __future__ import annotations

import os
import sys

# Run as a script, Python puts benchmarks/ first on sys.path; the imports below are
# of the package `benchmarks`, so put the repository root there instead.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if sys.path and os.path.abspath(sys.path[0]) == os.path.join(ROOT, "benchmarks"):
    sys.path[0] = ROOT

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from benchmarks import metrics  # noqa: E402
from benchmarks import testcollections as colls  # noqa: E402

REPO = Path(ROOT)
CORPORA = Path(os.environ.get("SEARCHIDX_CORPORA") or REPO.parent / "shared" / "corpora")
WORK = REPO / "benchmarks" / "work"
DEFAULT_OUT = REPO / "benchmarks" / "results" / "relevance.json"
LIMIT = 1000
SYSTEMS = ("searchidx", "fts5", "tantivy", "whoosh")  # searchidx+prf on request
PEERS = ("fts5", "tantivy", "whoosh")
WORD = re.compile(r"\w+")


class SystemFailed(Exception):
    """A system could not index or search; the message says why in one line."""


def query_words(text: str) -> list[str]:
    """Return the lower-cased words of TEXT, in order, repeats kept.

    Every peer gets the topic's words as they occur and treats repeats its own way: FTS5
    scores each as a phrase of its own (query-term frequency, worth +0.04 nDCG@10 to it on
    CISI's long topics), Whoosh's parser drops them, tantivy sums its clauses.
    """
    return [w.lower() for w in WORD.findall(text)]


def read_topics(path: Path) -> dict[str, str]:
    """Read ``qid<TAB>text`` lines."""
    topics = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            qid, text = line.split("\t", 1)
            topics[qid] = text
    return topics


def read_docs(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def write_run(path: Path, results: dict[str, list[tuple[str, float]]], tag: str) -> None:
    with path.open("w", encoding="utf-8") as out:
        for qid, hits in results.items():
            for rank, (docid, score) in enumerate(hits, 1):
                out.write(f"{qid} Q0 {docid} {rank} {score:.6f} {tag}\n")


# --- systems: each builds an index from docs.jsonl, writes a run, returns timings


def run_searchidx(
    files: dict[str, Path], workdir: Path, run_path: Path, extra: tuple[str, ...] = ()
) -> dict[str, float]:
    """Index and search through the searchidx CLI, as a user would."""
    index_dir = workdir / "searchidx-index"
    cli = [sys.executable, "-m", "searchidx"]
    t0 = time.perf_counter()
    _call([*cli, "index", "--index", str(index_dir), "--rebuild", str(files["docs"])], None)
    t1 = time.perf_counter()
    with run_path.open("w", encoding="utf-8") as out:
        _call(
            [*cli, "batch", str(files["topics"]), "--index", str(index_dir),
             "--limit", str(LIMIT), "--tag", "searchidx", *extra],
            out,
        )  # fmt: skip
    return {"index_s": t1 - t0, "search_s": time.perf_counter() - t1}


def run_searchidx_prf(files: dict[str, Path], workdir: Path, run_path: Path) -> dict[str, float]:
    """searchidx with the --expand 10 option (pseudo-relevance feedback, off by default)."""
    return run_searchidx(files, workdir, run_path, ("--expand", "10"))


def _call(argv: list[str], stdout) -> None:
    proc = subprocess.run(
        argv,
        check=False,
        cwd=REPO,  # `-m searchidx` then finds this checkout's package
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if proc.returncode != 0:
        lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
        last = lines[-1] if lines else "(no error output)"
        raise SystemFailed(f"`{' '.join(argv[2:4])}` exited {proc.returncode}: {last}")


def run_fts5(files: dict[str, Path], workdir: Path, run_path: Path) -> dict[str, float]:
    """Index into an in-memory FTS5 table and rank with bm25, title weighted 2."""
    docs = read_docs(files["docs"])
    topics = read_topics(files["topics"])
    t0 = time.perf_counter()
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='porter unicode61')")
    # rowid = position in docs, so the docid column need not be an FTS column.
    db.executemany(
        "INSERT INTO t(rowid, title, body) VALUES (?, ?, ?)",
        ((i, d.get("title", ""), d.get("body", "")) for i, d in enumerate(docs)),
    )
    db.commit()
    t1 = time.perf_counter()
    results = {}
    sql = "SELECT rowid, bm25(t, 2.0, 1.0) AS s FROM t WHERE t MATCH ? ORDER BY s LIMIT ?"
    for qid, text in topics.items():
        # Quote every word: bare words such as AND/NOT/NEAR or "c++" are FTS syntax.
        expr = " OR ".join(f'"{w}"' for w in query_words(text))
        rows = db.execute(sql, (expr, LIMIT)).fetchall() if expr else []
        # bm25() is lower-is-better; negate it so the run's scores fall with rank.
        results[qid] = [(docs[rowid]["id"], -score) for rowid, score in rows]
    write_run(run_path, results, "fts5")
    db.close()
    return {"index_s": t1 - t0, "search_s": time.perf_counter() - t1}


def run_tantivy(files: dict[str, Path], workdir: Path, run_path: Path) -> dict[str, float]:
    """Index into an in-memory tantivy index (en_stem) and rank with BM25."""
    try:
        import tantivy
    except ImportError as exc:
        raise SystemFailed("tantivy is not installed (pip install tantivy)") from exc
    docs = read_docs(files["docs"])
    topics = read_topics(files["topics"])
    t0 = time.perf_counter()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", tokenizer_name="en_stem")
    builder.add_text_field("body", tokenizer_name="en_stem")
    index = tantivy.Index(builder.build())
    writer = index.writer()
    for d in docs:
        writer.add_document(
            tantivy.Document(id=d["id"], title=d.get("title", ""), body=d.get("body", ""))
        )
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    t1 = time.perf_counter()
    searcher = index.searcher()
    results = {}
    for qid, text in topics.items():
        words = query_words(text)  # only \w+ words, lower-cased: no query syntax left
        if not words:
            results[qid] = []
            continue
        query = index.parse_query(" ".join(words), ["title", "body"], field_boosts={"title": 2.0})
        hits = searcher.search(query, LIMIT).hits
        results[qid] = [(searcher.doc(addr)["id"][0], score) for score, addr in hits]
    write_run(run_path, results, "tantivy")
    return {"index_s": t1 - t0, "search_s": time.perf_counter() - t1}


def run_whoosh(files: dict[str, Path], workdir: Path, run_path: Path) -> dict[str, float]:
    """Index into a plain Whoosh index (StemmingAnalyzer, stock BM25F) and rank the topics."""
    from whoosh import fields, qparser
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.filedb.filestore import RamStorage

    docs = read_docs(files["docs"])
    topics = read_topics(files["topics"])
    t0 = time.perf_counter()
    schema = fields.Schema(
        id=fields.ID(stored=True),
        title=fields.TEXT(analyzer=StemmingAnalyzer()),
        body=fields.TEXT(analyzer=StemmingAnalyzer()),
    )
    index = RamStorage().create_index(schema)
    writer = index.writer()
    for d in docs:
        writer.add_document(id=d["id"], title=d.get("title", ""), body=d.get("body", ""))
    writer.commit()
    t1 = time.perf_counter()
    parser = qparser.MultifieldParser(
        ["title", "body"], schema, fieldboosts={"title": 2.0}, group=qparser.OrGroup
    )
    results = {}
    with index.searcher() as searcher:  # BM25F(B=0.75, K1=1.2), Whoosh's default
        for qid, text in topics.items():
            words = query_words(text)  # only \w+ words: no query syntax left
            hits = searcher.search(parser.parse(" ".join(words)), limit=LIMIT) if words else []
            results[qid] = [(hit["id"], float(hit.score)) for hit in hits]
    write_run(run_path, results, "whoosh")
    return {"index_s": t1 - t0, "search_s": time.perf_counter() - t1}


RUNNERS = {
    "searchidx": run_searchidx,
    "searchidx+prf": run_searchidx_prf,
    "fts5": run_fts5,
    "tantivy": run_tantivy,
    "whoosh": run_whoosh,
}


# --- driver


def evaluate_collection(
    name: str, corpora: Path, systems: list[str], conversion: str = "full"
) -> dict:
    coll = colls.load(name, corpora, conversion)
    workdir = WORK / f"{name}-{conversion}"
    files = colls.write(coll, workdir)
    qrels = metrics.read_qrels(files["qrels"])
    judged = metrics.judged_topics(qrels)
    report = {
        "documents": len(coll.docs),
        "topics": len(coll.topics),
        "judged_topics": len(judged),
        "notes": coll.notes,
        "systems": {},
    }
    for system in systems:
        run_path = workdir / f"run.{system}.txt"
        run_path.unlink(missing_ok=True)
        entry: dict = {"run": str(run_path.relative_to(REPO))}
        try:
            entry.update(RUNNERS[system](files, workdir, run_path))
            run = metrics.read_run(run_path)
        except (SystemFailed, ValueError) as exc:
            entry.update(status="failed", error=str(exc))
        else:
            unknown = set(run) - set(coll.topics)
            if unknown:
                entry.update(status="failed", error=f"run has unknown topics {sorted(unknown)[:5]}")
            else:
                scores = metrics.per_query(qrels, run)
                entry.update(
                    status="ok",
                    topics_with_results=sum(1 for q in judged if run.get(q)),
                    metrics=metrics.mean(scores),
                    per_query=scores,
                )
        report["systems"][system] = entry
    comparison = compare(report["systems"])
    if comparison:
        report["searchidx_vs_best_peer"] = comparison
    return report


def compare(systems: dict) -> dict | None:
    """Return ratios and paired randomization p-values of searchidx against the best peer.

    The best peer is the one with the highest nDCG@10 on this collection and conversion.
    """
    a = systems.get("searchidx", {})
    peers = [p for p in PEERS if systems.get(p, {}).get("status") == "ok"]
    if a.get("status") != "ok" or not peers:
        return None
    best = max(peers, key=lambda p: systems[p]["metrics"]["nDCG@10"])
    b = systems[best]
    ratio, p_value = {}, {}
    for m in metrics.METRICS:
        ratio[m] = a["metrics"][m] / b["metrics"][m] if b["metrics"][m] else float("nan")
        p_value[m] = metrics.paired_randomization(
            {q: v[m] for q, v in a["per_query"].items()},
            {q: v[m] for q, v in b["per_query"].items()},
        )
    diff = {m: a["metrics"][m] - b["metrics"][m] for m in metrics.METRICS}
    return {"peer": best, "difference": diff, "ratio": ratio, "p_value": p_value}


def format_table(results: dict) -> str:
    head = f"{'collection':<20} {'system':<16}" + "".join(f"{m:>9}" for m in metrics.METRICS)
    head += f"{'index s':>9}{'search s':>9}  topics"
    lines = [head, "-" * len(head)]
    for name, rep in results.items():
        for system, entry in rep["systems"].items():
            row = f"{name:<20} {system:<16}"
            if entry["status"] == "ok":
                row += "".join(f"{entry['metrics'][m]:>9.4f}" for m in metrics.METRICS)
                row += f"{entry['index_s']:>9.2f}{entry['search_s']:>9.2f}"
                row += f"  {entry['topics_with_results']}/{rep['judged_topics']}"
            else:
                row += f"  failed: {entry['error']}"
            lines.append(row)
        comparison = rep.get("searchidx_vs_best_peer")
        if comparison:
            lines.append(
                f"{name:<20} {'- ' + comparison['peer']:<16}"
                + "".join(f"{comparison['difference'][m]:>+9.4f}" for m in metrics.METRICS)
            )
            lines.append(
                f"{name:<20} {'  paired p':<16}"
                + "".join(f"{comparison['p_value'][m]:>9.3f}" for m in metrics.METRICS)
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def format_markdown(results: dict) -> str:
    """Return a README table per conversion: nDCG@10 / MAP of every system, margin, p-value."""
    out = []
    for conv in colls.CONVERSIONS:
        cells = {k: v for k, v in results.items() if k.endswith("/" + conv)}
        if not cells:
            continue
        systems = list(next(iter(cells.values()))["systems"])
        out.append(f"`{conv}` ({colls.CONVERSIONS[conv].about}): nDCG@10 / MAP\n")
        out.append("| collection | " + " | ".join(systems) + " | margin over best peer (p) |")
        out.append("|---|" + "---:|" * (len(systems) + 1))
        for key, rep in cells.items():
            row = [f"{key.split('/')[0]} ({rep['judged_topics']})"]
            for system in systems:
                e = rep["systems"][system]
                row.append(
                    f"{e['metrics']['nDCG@10']:.4f} / {e['metrics']['AP@1000']:.4f}"
                    if e["status"] == "ok"
                    else "failed"
                )
            c = rep.get("searchidx_vs_best_peer")
            row.append(
                f"{c['difference']['nDCG@10']:+.4f} ({c['p_value']['nDCG@10']:.3f}) vs {c['peer']}"
                if c
                else ""
            )
            out.append("| " + " | ".join(row) + " |")
        out.append("")
    return "\n".join(out)


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    for dist in (
        "searchidx",
        "whoosh-reloaded",
        "nltk",
        "ir-measures",
        "pytrec-eval-terrier",
        "tantivy",
    ):
        try:
            found[dist] = version(dist)
        except PackageNotFoundError:
            pass
    return found


def git_revision() -> str | None:
    proc = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        check=False,
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    return proc.stdout.strip() or None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--collections",
        default=",".join(colls.DEFAULT),
        help="comma-separated, from: " + ", ".join(colls.SPECS) + " (default: all but lisa)",
    )
    parser.add_argument(
        "--systems",
        default=",".join(SYSTEMS),
        help="comma-separated subset of: " + ", ".join(SYSTEMS),
    )
    parser.add_argument(
        "--conversions",
        default=",".join(colls.CONVERSIONS),
        help="comma-separated, from: " + ", ".join(colls.CONVERSIONS),
    )
    parser.add_argument("--markdown", action="store_true", help="also print README tables")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON results file")
    parser.add_argument("--corpora", type=Path, default=CORPORA, help="folder holding the corpora")
    args = parser.parse_args(argv)

    names = [n.strip() for n in args.collections.split(",") if n.strip()]
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    convs = [c.strip() for c in args.conversions.split(",") if c.strip()]
    bad = [n for n in names if n not in colls.SPECS] + [s for s in systems if s not in RUNNERS]
    bad += [c for c in convs if c not in colls.CONVERSIONS]
    if bad:
        parser.error(f"unknown collection or system: {', '.join(bad)}")
    if not args.corpora.is_dir():
        print(f"skipped: corpora folder {args.corpora} not found (expected ../shared/corpora)")
        return 0

    results = {}
    for name in names:
        if not (args.corpora / colls.SPECS[name].folder).is_dir():
            print(f"skipped {name}: {args.corpora / colls.SPECS[name].folder} not found")
            continue
        for conv in [c for c in convs if c in colls.conversions_of(name)]:
            started = time.perf_counter()
            results[f"{name}/{conv}"] = evaluate_collection(name, args.corpora, systems, conv)
            took = time.perf_counter() - started
            print(f"{name}/{conv}: done in {took:.1f}s", file=sys.stderr)

    print(format_table(results), end="")
    if args.markdown:
        print(format_markdown(results))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "generated": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "revision": git_revision(),
        "versions": versions(),
        "settings": {
            "limit": LIMIT,
            "metrics": list(metrics.METRICS),
            "relevance": "binary; averages over topics with at least one relevant document,"
            " topics with nothing retrieved count as 0",
            "p_value": "two-sided paired randomization test over topics, 10,000 trials,"
            " searchidx vs the best peer by nDCG@10",
            "conversions": {k: v.about for k, v in colls.CONVERSIONS.items()},
            "fts5": "tokenize='porter unicode61', bm25(t, 2.0, 1.0), OR of quoted words"
            " (repeats kept)",
            "whoosh": "StemmingAnalyzer, BM25F (k1=1.2, b=0.75), title boost 2.0, OR of words",
            "tantivy": "en_stem tokenizer, BM25 (k1=1.2, b=0.75), title boost 2.0, OR of words",
        },
        "collections": results,
    }
    args.out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
