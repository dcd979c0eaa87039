"""Suggest benchmark: what the words lexicon costs and how fast completion and did-you-mean are.

Per corpus (BBC and Reuters by default; ``--corpora bbc,reuters,20ng``), in one run:

* the build with and without the ``words`` field (time with ``--jobs``, size on disk): what
  the lexicon of real words costs;
* the lexicon's cold load (reading every segment's words into memory, once per generation);
* ``Engine.complete`` (``/api/suggest``: completions of the last word and five headlines)
  warm, p50/p95 over prefixes of 1-4 letters of frequent words, some after another word;
* did-you-mean over generated misspellings (a frequent word of 6-12 letters with one
  deletion, insertion, substitution or swap that makes it a non-word): the latency of the
  correction and the share corrected back to the word, from the real words (this branch)
  against the stems (the method before it, still used for indexes without the field);
* ``Engine.similar`` (the related list of an article page) for 50 random articles;
* the same prefix completions from SQLite FTS5 over an unstemmed, ``detail=none`` copy of
  the text (its cheapest word index) through ``fts5vocab``, and that table's size: ratios.

``--copies N`` adds Reuters with N copies (distinct ids; 8 copies are about 170k articles),
built with the words field only.  Results are printed as a table and written to
``benchmarks/results/suggest.json``.  Nothing here is asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from whoosh import index as whoosh_index

from benchmarks import news
from searchidx import Engine, index_paths, spelling, storage
from searchidx.lexicon import LexiconCache
from searchidx.schema import build_schema

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "suggest.json"
SEED = 12
FIXED_TYPOS = ["elction", "elecion", "goverment", "broadband internt", "chelsae"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(function, *args, rounds: int = 1):
    """Return (result, best-of-ROUNDS milliseconds) of FUNCTION(*ARGS)."""
    best = None
    for _ in range(rounds):
        started = time.perf_counter()
        result = function(*args)
        took = (time.perf_counter() - started) * 1000
        best = took if best is None else min(best, took)
    return result, best


def build(index_dir: Path, inputs: Path, jobs: int, words: bool) -> dict:
    if not words:
        schema = build_schema()
        schema.remove("words")
        index_dir.mkdir(parents=True)
        whoosh_index.create_in(str(index_dir), schema, indexname=storage.INDEX_NAME)
    started = time.perf_counter()
    summary = index_paths(index_dir, [inputs], jobs=jobs)
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "documents": summary.total_documents,
        "bytes": storage.size_on_disk(index_dir),
    }


def typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word))
    kind = rng.choice(("delete", "insert", "substitute", "swap"))
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    if kind == "delete":
        return word[:i] + word[i + 1 :]
    if kind == "insert":
        return word[:i] + letter + word[i:]
    if kind == "substitute":
        return word[:i] + letter + word[i + 1 :]
    i = min(i, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def workload(lexicon, n_typos: int, n_prefixes: int) -> tuple[list, list[str]]:
    rng = random.Random(SEED)
    common = [
        w
        for w, n in zip(lexicon.words, lexicon.counts, strict=True)
        if n >= 20 and 6 <= len(w) <= 12 and w.isalpha() and w.isascii()
    ]
    typos = []
    for word in rng.sample(common, min(len(common), n_typos * 3)):
        wrong = typo(word, rng)
        if lexicon.count(wrong) == 0:
            typos.append((wrong, word))
        if len(typos) == n_typos:
            break
    prefixes = []
    for word in rng.sample(common, min(len(common), n_prefixes)):
        cut = word[: rng.randint(1, 4)]
        prefixes.append(cut if rng.random() < 0.6 else f"{rng.choice(common)} {cut}")
    return typos, prefixes


def did_you_mean(engine: Engine, typos: list[tuple[str, str]]) -> dict:
    """Return latency and accuracy of the correction alone (no search) for TYPOS."""
    cache = LexiconCache()
    searcher = engine._current()
    spelling.suggest(searcher, typos[0][0], 0, cache, engine.title_boost)  # load the lexicon
    times, right = [], 0
    for wrong, meant in typos:
        found, took = timed(spelling.suggest, searcher, wrong, 0, cache, engine.title_boost)
        times.append(took)
        right += found == meant
    return {
        "p50_ms": round(percentile(times, 50), 3),
        "p95_ms": round(percentile(times, 95), 3),
        "max_ms": round(max(times), 3),
        "corrected": round(right / len(typos), 3),
        "typos": len(typos),
    }


def fixed_searches(engine: Engine) -> dict:
    out = {}
    for q in FIXED_TYPOS:
        engine.search(q)
        result, took = timed(engine.search, q, rounds=3)
        out[q] = {"suggestion": result.suggestion, "total": result.total, "ms": round(took, 1)}
    return out


def completion(engine: Engine, lexicon, prefixes: list[str]) -> dict:
    """Time Engine.complete (words and headlines) and the word completions alone."""
    engine.complete(prefixes[0])
    times = [timed(engine.complete, p, rounds=3)[1] for p in prefixes]
    lasts = [p.split()[-1] for p in prefixes]
    alone = [timed(lexicon.completions, p, 8, rounds=3)[1] for p in lasts]
    return {
        "p50_ms": round(percentile(times, 50), 3),
        "p95_ms": round(percentile(times, 95), 3),
        "words_p50_ms": round(percentile(alone, 50), 3),
        "words_p95_ms": round(percentile(alone, 95), 3),
        "prefixes": len(prefixes),
    }


def related(engine: Engine, n: int = 50) -> dict:
    """Time Engine.similar (the article page's related list) for N documents."""
    reader = engine._current().reader()
    rng = random.Random(SEED)
    ids = [reader.stored_fields(d)["id"] for d in rng.sample(range(reader.doc_count_all()), n)]
    engine.similar(ids[0])
    times = [timed(engine.similar, doc_id)[1] for doc_id in ids]
    return {"p50_ms": round(percentile(times, 50), 2), "p95_ms": round(percentile(times, 95), 2)}


def fts5_words(db: Path, docs: list[dict], prefixes: list[str]) -> dict:
    """Build FTS5's cheapest unstemmed word index and time prefix completions from it."""
    conn = sqlite3.connect(db)
    conn.execute("CREATE VIRTUAL TABLE w USING fts5(text, tokenize='unicode61', detail=none)")
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(w, 'row')")
    started = time.perf_counter()
    with conn:
        conn.executemany(
            "INSERT INTO w(text) VALUES (?)", ((f"{d['title']}\n\n{d['body']}",) for d in docs)
        )
    seconds = time.perf_counter() - started
    conn.execute("INSERT INTO w(w) VALUES ('optimize')")
    conn.commit()

    def complete(text: str) -> list:
        last = text.split()[-1].lower()
        return conn.execute(
            "SELECT term, doc FROM v WHERE term >= ? AND term < ? ORDER BY doc DESC LIMIT 8",
            (last, last + "\uffff"),
        ).fetchall()

    complete(prefixes[0])
    times = [timed(complete, p, rounds=3)[1] for p in prefixes]
    conn.close()
    return {
        "build_seconds": round(seconds, 2),
        "bytes": db.stat().st_size,
        "p50_ms": round(percentile(times, 50), 3),
        "p95_ms": round(percentile(times, 95), 3),
    }


def bench(name: str, docs: list[dict], work: Path, args, compare: bool = True) -> dict:
    inputs = work / name / "input"
    news.write_jsonl_shards(docs, inputs)
    out: dict = {"corpus": name, "documents": len(docs)}
    with_words = build(work / name / "words", inputs, args.jobs, words=True)
    out["build_words"] = with_words
    with Engine(work / name / "words") as engine:
        reader = engine._current().reader()
        lexicon, load_ms = timed(LexiconCache().lexicon, reader)
        out["lexicon"] = {
            "words": len(lexicon),
            "segments": len(reader.leaf_readers()),
            "cold_load_ms": round(load_ms, 1),
        }
        typos, prefixes = workload(lexicon, args.typos, args.prefixes)
        out["complete"] = completion(engine, lexicon, prefixes)
        out["did_you_mean_words"] = did_you_mean(engine, typos)
        out["searches_words"] = fixed_searches(engine)
        out["related"] = related(engine)
    if compare:
        plain = build(work / name / "plain", inputs, args.jobs, words=False)
        out["build_plain"] = plain
        out["words_cost"] = {
            "size_ratio": round(with_words["bytes"] / plain["bytes"], 3),
            "build_ratio": round(with_words["seconds"] / plain["seconds"], 3),
        }
        with Engine(work / name / "plain") as engine:
            out["did_you_mean_stems"] = did_you_mean(engine, typos)
            out["searches_stems"] = fixed_searches(engine)
        out["fts5_words"] = fts5_words(work / name / "fts5.db", docs, prefixes)
        out["complete"]["words_fts5_ratio"] = round(
            out["complete"]["words_p50_ms"] / out["fts5_words"]["p50_ms"], 3
        )
    shutil.rmtree(work / name)
    return out


def fmt_table(rows: list[dict]) -> str:
    header = (
        "corpus",
        "docs",
        "words",
        "size +%",
        "build x",
        "lexicon load ms",
        "complete p50/p95 ms",
        "words only p50/p95 ms",
        "FTS5 words p50/p95 ms",
        "dym words p50/p95 ms",
        "dym stems p50/p95 ms",
        "typos fixed words/stems",
        "related p50/p95 ms",
    )
    lines = [" | ".join(header), " | ".join("---" for _ in header)]
    for r in rows:
        cost = r.get("words_cost", {})
        stems = r.get("did_you_mean_stems")
        words = r["did_you_mean_words"]
        lines.append(
            " | ".join(
                [
                    r["corpus"],
                    f"{r['documents']:,}",
                    f"{r['lexicon']['words']:,}",
                    f"{(cost['size_ratio'] - 1) * 100:.0f}%" if cost else "-",
                    f"{cost['build_ratio']:.2f}" if cost else "-",
                    f"{r['lexicon']['cold_load_ms']:.0f}",
                    f"{r['complete']['p50_ms']:.2f}/{r['complete']['p95_ms']:.2f}",
                    f"{r['complete']['words_p50_ms']:.3f}/{r['complete']['words_p95_ms']:.3f}",
                    f"{r['fts5_words']['p50_ms']:.3f}/{r['fts5_words']['p95_ms']:.3f}"
                    if "fts5_words" in r
                    else "-",
                    f"{words['p50_ms']:.2f}/{words['p95_ms']:.2f}",
                    f"{stems['p50_ms']:.1f}/{stems['p95_ms']:.1f}" if stems else "-",
                    f"{words['corrected']:.0%}/{stems['corrected']:.0%}"
                    if stems
                    else f"{words['corrected']:.0%}/-",
                    f"{r['related']['p50_ms']:.1f}/{r['related']['p95_ms']:.1f}",
                ]
            )
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpora", default="bbc,reuters")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--typos", type=int, default=200)
    ap.add_argument("--prefixes", type=int, default=200)
    ap.add_argument("--copies", type=int, default=0, help="also Reuters x N (words only)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--root", type=Path, default=news.CORPORA, help="folder of the corpora")
    args = ap.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="suggest-bench-") as tmp:
        work = Path(tmp)
        for name in [c for c in args.corpora.split(",") if c]:
            try:
                docs = news.load(name, args.root)
            except news.CorpusMissing as exc:
                print(f"skipped {name}: {exc}", file=sys.stderr)
                continue
            rows.append(bench(name, docs, work, args))
            print(f"done {name}", file=sys.stderr)
        if args.copies > 1:
            docs = list(news.replicate(news.load("reuters", args.root), args.copies))
            rows.append(bench(f"reuters x{args.copies}", docs, work, args, compare=False))
    print(fmt_table(rows))
    for r in rows:
        for key in ("searches_words", "searches_stems"):
            if key in r:
                print(r["corpus"], key, json.dumps(r[key]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "jobs": args.jobs,
        "seed": SEED,
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    args.out.write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
