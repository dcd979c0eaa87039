"""Archive benchmark: what the timeline and the duplicate grouping cost, and the data behind
the duplicate threshold.

    python benchmarks/archive.py                 # BBC and Reuters: cost table
    python benchmarks/archive.py --scan          # also: the near-duplicate similarity scan

Per corpus (written as JSONL shards of 100 articles, as benchmarks/speed.py does):

* build time with duplicate grouping (the shipped indexer), the part of it spent in
  ``duplicates.StoryFinder.assign`` (timed around the call), and the same build with a
  schema without the two copy fields; index size with and without them;
* stories and copies in the whole index;
* per query of ``benchmarks/queries.txt`` (warm, p50/p95 over queries x rounds): search
  time (timeline and collapsing included), search time with ``collapse=False``, the
  timeline alone (``timeline.count``) and the collapsing alone (``collapse.collapse``, every
  match ranked, as the search page has them) on the same matching documents.

Times are CPU seconds of this process (``time.process_time``; the builds run with
``--jobs 1`` in it): on a shared machine they are much steadier than wall time.  There is
no SQLite FTS5 equivalent of a timeline or of near-duplicate grouping, so these figures
are absolute (CPU seconds and milliseconds on this machine), not ratios to FTS5.

``--scan`` proposes candidate pairs with a loose LSH (32 bands of 2 MinHash values: a pair
at Jaccard 0.3 is proposed with probability 0.95), computes each candidate's exact
Jaccard similarity of word 5-gram sets, and prints how many pairs fall in each 0.1 band:
the distribution the threshold in ``searchidx/duplicates.py`` was chosen from.
Results: ``benchmarks/results/archive.json`` (a corpus not run keeps its earlier entry).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
import news  # noqa: E402

from searchidx import duplicates  # noqa: E402

RESULTS = HERE / "results" / "archive.json"
QUERIES = HERE / "queries.txt"


def scan(docs: list[dict], examples: int = 3) -> dict:
    """Return the exact-Jaccard histogram of the LSH candidate pairs of DOCS."""
    grams = [duplicates.shingles(duplicates.article_text(d["title"], d["body"])) for d in docs]
    sigs = [duplicates.signature(g) for g in grams]
    buckets: dict[bytes, list[int]] = defaultdict(list)
    for n, sig in enumerate(sigs):
        for band, rows in enumerate(sig.reshape(-1, 2)):
            buckets[bytes([band]) + rows.tobytes()].append(n)
    pairs = set()
    for members in buckets.values():
        if 1 < len(members) <= 200:  # giant buckets are empty texts / tables; capped
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    pairs.add((a, b))
    histogram = [0] * 11
    exact = 0
    shown: dict[int, list] = defaultdict(list)
    for a, b in pairs:
        j = duplicates.jaccard(grams[a], grams[b])
        if j < 0.1:
            continue
        same = duplicates.words(docs[a]["title"] + " " + docs[a]["body"]) == duplicates.words(
            docs[b]["title"] + " " + docs[b]["body"]
        )
        exact += same
        slot = min(10, int(j * 10 + 1e-9))
        histogram[slot] += 1
        if 3 <= slot <= 9 and len(shown[slot]) < examples:
            shown[slot].append((round(j, 3), docs[a]["id"], docs[b]["id"], docs[a]["title"][:50]))
    return {
        "documents": len(docs),
        "candidate_pairs": len(pairs),
        "exact_pairs": exact,
        "pairs_by_jaccard": {
            f"{k / 10:.1f}-{(k + 1) / 10:.1f}" if k < 10 else "1.0": n
            for k, n in enumerate(histogram)
            if k
        },
        "examples": {f"{k / 10:.1f}": v for k, v in sorted(shown.items())},
    }


def _queries() -> list[str]:
    out = []
    for line in QUERIES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            out.append(line.partition("\t")[0].strip())
    return out


def costs(name: str, docs: list[dict], rounds: int) -> dict:
    """Index DOCS and time the grouping, the timeline and the collapsing."""
    from searchidx import collapse, storage, timeline
    from searchidx.counting import matching_docs
    from searchidx.indexer import index_paths
    from searchidx.query import parse_query
    from searchidx.search import Engine

    spent = [0.0]
    assign = duplicates.StoryFinder.assign

    def timed(self, *args):
        started = time.process_time()
        try:
            return assign(self, *args)
        finally:
            spent[0] += time.process_time() - started

    plain_schema = storage.build_schema

    def without_copies(stemmer):
        """The schema without the two copy fields (as before this work)."""
        schema = plain_schema(stemmer)
        for field in (duplicates.SIGNATURE_FIELD, duplicates.STORY_FIELD):
            schema.remove(field)
        return schema

    def build(target: Path, grouped: bool) -> float:
        storage.build_schema = plain_schema if grouped else without_copies
        duplicates.StoryFinder.assign = timed
        try:
            started = time.process_time()
            index_paths(target, [folder])
            return time.process_time() - started
        finally:
            storage.build_schema = plain_schema
            duplicates.StoryFinder.assign = assign

    with tempfile.TemporaryDirectory(prefix=f"archive-{name}-") as tmp:
        folder = Path(tmp) / "input"
        news.write_jsonl_shards(docs, folder)
        # A first, unmeasured build warms what one process keeps (the stemming memo, imports).
        build(Path(tmp) / "warm", grouped=False)
        plain = build(Path(tmp) / "plain", grouped=False)
        spent[0] = 0.0
        grouped = build(Path(tmp) / "index", grouped=True)
        with Engine(Path(tmp) / "index") as engine:
            documents = engine.doc_count()
        row = {
            "documents": documents,
            "build_cpu_s": round(grouped, 2),
            "build_without_grouping_cpu_s": round(plain, 2),
            "grouping_cpu_s": round(spent[0], 2),
            "grouping_share": round(spent[0] / grouped, 3),
            "size_mb": round(storage.size_on_disk(Path(tmp) / "index") / 1e6, 2),
            "size_without_grouping_mb": round(storage.size_on_disk(Path(tmp) / "plain") / 1e6, 2),
        }
        with Engine(Path(tmp) / "index") as engine:
            searcher = engine._current()
            everything = [
                (leaf.reader(), set(leaf.reader().all_doc_ids()))
                for leaf, _ in searcher.leaf_searchers()
            ]
            whole = collapse.collapse(everything, [], 0, 0)
            row["stories"], row["copies"] = whole.stories, whole.hidden
            search_ms, plain_ms, timeline_ms, collapse_ms = [], [], [], []
            for text in _queries():
                q = parse_query(text, searcher.schema, engine.title_boost, 1000)
                segments = matching_docs(searcher, q)
                ranked = [d for _, d in searcher.search(q, limit=None).top_n]
                for n in range(2 * rounds):
                    # Alternate which search runs first: the second finds warmer caches.
                    for folded in (True, False) if n % 2 else (False, True):
                        started = time.process_time()
                        engine.search(text, collapse=folded)
                        spent_ms = (time.process_time() - started) * 1000
                        (search_ms if folded else plain_ms).append(spent_ms)
                    t1 = time.process_time()
                    timeline.count(segments)
                    t2 = time.process_time()
                    collapse.collapse(segments, ranked, 0, 10)
                    t3 = time.process_time()
                    timeline_ms.append((t2 - t1) * 1000)
                    collapse_ms.append((t3 - t2) * 1000)
            for label, values in (
                ("search", search_ms),
                ("search_no_collapse", plain_ms),
                ("timeline", timeline_ms),
                ("collapse", collapse_ms),
            ):
                row[f"{label}_p50_ms"] = round(statistics.median(values), 3)
                row[f"{label}_p95_ms"] = round(statistics.quantiles(values, n=20)[-1], 3)
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpora", default="bbc,reuters", help="bbc, reuters, 20ng")
    ap.add_argument("--scan", action="store_true", help="print the similarity distribution")
    ap.add_argument("--no-costs", action="store_true", help="only the scan")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument(
        "--root", type=Path, default=news.CORPORA, help="folder of the corpora (../shared/corpora)"
    )
    args = ap.parse_args(argv)
    report: dict = {"note": "absolute figures: FTS5 has no timeline or duplicate grouping"}
    for name in args.corpora.split(","):
        try:
            docs = news.load(name, args.root)
        except news.CorpusMissing as exc:
            print(f"skipped {name}: {exc}")
            continue
        entry: dict = {}
        if args.scan:
            entry["scan"] = scan(docs)
            s = entry["scan"]
            print(f"\n{name}: {s['documents']} articles, {s['candidate_pairs']} candidate pairs")
            print(f"  exact duplicate pairs (same normalised words): {s['exact_pairs']}")
            for band, n in s["pairs_by_jaccard"].items():
                print(f"  J {band:>7}: {n:6d} pairs")
            for _band, rows in s["examples"].items():
                for j, a, b, title in rows:
                    print(f"    e.g. {j:.3f} {a} ~ {b}  {title!r}")
        if not args.no_costs:
            entry["costs"] = costs(name, docs, args.rounds)
            c = entry["costs"]
            print(f"\n{name}: cost (absolute; no FTS5 equivalent)")
            for key, value in c.items():
                print(f"  {key:32} {value}")
        entry["measured_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        report[name] = entry
    RESULTS.parent.mkdir(exist_ok=True)
    # Corpora not run this time keep their earlier entries (each says when it was measured).
    earlier = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    for name, entry in report.items():
        if isinstance(entry, dict) and name in earlier:
            entry = {**earlier[name], **entry}
        earlier[name] = entry
    RESULTS.write_text(json.dumps(earlier, indent=2) + "\n")
    print(f"\nwritten {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
