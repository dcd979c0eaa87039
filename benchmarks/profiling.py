"""Profile where searchidx spends its time: building an index and answering queries.

``python benchmarks/profiling.py [--corpus reuters] [--rounds 3]`` runs

* the build (``python -m cProfile -m searchidx index --jobs 1 --rebuild``) over the
  input files that ``benchmarks/speed.py`` writes (it writes them itself if missing);
* the fixed query list of ``benchmarks/queries.txt`` through ``Engine.search``,

and prints, for each, the top functions by own time and by cumulative time, and the
own time summed by area (stemming, tokenizing, Whoosh posting/segment writing, query
parsing, highlighting, ...) as a share of the total. The raw profiles are kept in
``benchmarks/work/profile/`` for ``python -m pstats`` or snakeviz.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import news  # noqa: E402
import speed  # noqa: E402

OUT = news.WORK / "profile"

# (area, substring of "file:function") in priority order; the first match wins.
AREAS = [
    ("stemming (nltk.stem)", "nltk/stem/"),
    ("tokenizing (nltk regexp span_tokenize + redos wrapper)", "nltk/tokenize/"),
    ("tokenizing (nltk regexp span_tokenize + redos wrapper)", "nltk/redos.py"),
    ("tokenizing (nltk regexp span_tokenize + redos wrapper)", "_regex.Match"),
    ("snippets (searchidx.snippets)", "searchidx/snippets.py"),
    ("analyzer / normaliser (searchidx.analysis)", "searchidx/analysis.py"),
    ("highlighting (whoosh.highlight)", "whoosh/highlight.py"),
    ("query parsing (whoosh.qparser)", "whoosh/qparser/"),
    ("scoring (whoosh.scoring)", "whoosh/scoring.py"),
    ("matching (whoosh.matching)", "whoosh/matching/"),
    ("searching (whoosh.searching, query)", "whoosh/searching.py"),
    ("searching (whoosh.searching, query)", "whoosh/query/"),
    ("writing: postings pool / sort (whoosh.writing, externalsort)", "whoosh/writing.py"),
    ("writing: postings pool / sort (whoosh.writing, externalsort)", "whoosh/util/"),
    ("whoosh codec / segment files (whoosh.codec, filedb, zlib)", "whoosh/codec/"),
    ("whoosh codec / segment files (whoosh.codec, filedb, zlib)", "whoosh/filedb/"),
    ("whoosh codec / segment files (whoosh.codec, filedb, zlib)", "zlib"),
    ("whoosh fields / formats", "whoosh/fields.py"),
    ("whoosh fields / formats", "whoosh/formats.py"),
    ("whoosh analysis glue", "whoosh/analysis/"),
    ("whoosh reading (terms, columns)", "whoosh/reading.py"),
    ("whoosh reading (terms, columns)", "whoosh/columns.py"),
    ("whoosh other", "whoosh/"),
    ("ingest (searchidx.ingest)", "searchidx/ingest/"),
    ("searchidx other", "searchidx/"),
    ("json", "json/"),
    ("regex (re)", "re/"),
    ("regex (re)", "method 'finditer'"),
    ("regex (re)", "method 'sub'"),
    ("regex (re)", "method 'match'"),
    ("unicodedata", "unicodedata"),
    ("pickle / marshal", "pickle"),
    ("pickle / marshal", "marshal"),
    ("hashing", "hashlib"),
    ("hashing", "blake2b"),
    ("file I/O", "method 'read'"),
    ("file I/O", "method 'write'"),
    ("file I/O", "built-in method posix"),
    ("file I/O", "posixpath"),
    ("file I/O", "genericpath"),
    ("file I/O", "built-in method io.open"),
    ("sorting", "sort"),
    ("imports", "<frozen importlib"),
]


def area_of(key: tuple[str, int, str]) -> str:
    label = f"{key[0]}:{key[2]}"
    for area, needle in AREAS:
        if needle in label:
            return area
    return "other builtins / python"


def by_area(stats: pstats.Stats) -> list[tuple[str, float, float]]:
    """Return (area, own seconds, share of total) sorted by time."""
    totals: dict[str, float] = {}
    for key, (_, _, tt, _, _) in stats.stats.items():
        area = area_of(key)
        totals[area] = totals.get(area, 0.0) + tt
    grand = sum(totals.values()) or 1.0
    return sorted(((a, t, t / grand) for a, t in totals.items()), key=lambda r: -r[1])


def cumulative_of(stats: pstats.Stats, needle: str) -> float:
    """Return the largest cumulative time of a function whose 'file:name' holds NEEDLE."""
    best = 0.0
    for key, (_, _, _, ct, _) in stats.stats.items():
        if needle in f"{key[0]}:{key[2]}":
            best = max(best, ct)
    return best


def report(title: str, prof: Path, top: int, marks: list[tuple[str, str]]) -> None:
    stats = pstats.Stats(str(prof))
    total = stats.total_tt
    print(f"\n#### {title}: {total:.2f} s profiled ({prof})")
    print("\nown time by area:")
    for area, t, share in by_area(stats):
        if share >= 0.005:
            print(f"  {share:6.1%}  {t:7.2f} s  {area}")
    if marks:
        print("\ncumulative time of key steps:")
        for label, needle in marks:
            ct = cumulative_of(stats, needle)
            print(f"  {ct / total:6.1%}  {ct:7.2f} s  {label}")
    print(f"\ntop {top} by own time:")
    stats.sort_stats("tottime").print_stats(top)
    print(f"top {top} by cumulative time:")
    stats.sort_stats("cumulative").print_stats(top)


BUILD_MARKS = [
    ("ingest: read + parse files (read_documents)", "ingest/__init__.py:read_documents"),
    ("analyzer calls (NewsAnalyzer.__call__)", "analysis.py:__call__"),
    ("stemming (PorterStemmer.stem)", "porter.py:stem"),
    ("span tokenizing (span_tokenize)", "regexp.py:span_tokenize"),
    ("spelling word list (spellable_words)", "fields.py:spellable_words"),
    ("writer.add_document", "writing.py:add_document"),
    ("writer.update_document", "writing.py:update_document"),
    ("commit (flush, merge, write segment)", "writing.py:commit"),
    ("  of which length look-ups (W3PerDocReader.doc_field_length)", "whoosh3.py:doc_field_length"),
    ("  of which os.stat via has_column (no cache for absent columns)", "whoosh3.py:has_column"),
]
QUERY_MARKS = [
    ("Engine.search", "search.py:search"),
    ("snippets (make_snippet: re-analysis of the stored body)", "snippets.py:make_snippet"),
    ("exact total (Results.__len__ re-runs the query)", "searching.py:__len__"),
    ("spelling suggestions (Engine._suggest)", "search.py:_suggest"),
    ("query parsing (QueryParser.parse)", "qparser/default.py:parse"),
    ("searcher.search / search_page", "searching.py:search"),
    ("word spans for snippets (terms_with_offsets)", "analysis.py:terms_with_offsets"),
    ("stored fields (Hit.fields)", "searching.py:fields"),
    ("scoring (BM25F)", "scoring.py:score"),
]


def ensure_input(corpus: str) -> Path:
    inputs = news.WORK / corpus / "input"
    if not inputs.is_dir() or not any(inputs.iterdir()):
        speed.prepare_input(corpus, news.load(corpus), inputs)
    return inputs


def profile_build(corpus: str, top: int) -> Path:
    inputs = ensure_input(corpus)
    index = OUT / f"{corpus}-index"
    prof = OUT / f"build-{corpus}.prof"
    OUT.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "cProfile",
        "-o",
        str(prof),
        "-m",
        "searchidx",
        "index",
        "--index",
        str(index),
        "--rebuild",
        "--jobs",
        "1",
        str(inputs),
    ]
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=speed.REPO_ROOT, check=True, capture_output=True)
    print(f"profiled build of {corpus} took {time.perf_counter() - t0:.1f} s (with profiler)")
    report(f"build {corpus} (--jobs 1)", prof, top, BUILD_MARKS)
    return index


def profile_queries(index: Path, rounds: int, top: int, corpus: str) -> None:
    queries = [a for a, _ in speed.load_queries()]
    eng = speed.open_searchidx(index)
    for q in queries:  # warm up outside the profile
        eng.search(q, page=1, page_size=10)
    prof = OUT / f"query-{corpus}.prof"
    pr = cProfile.Profile()
    pr.enable()
    for _ in range(rounds):
        for q in queries:
            for hit in eng.search(q, page=1, page_size=10).hits:
                hit.snippet  # noqa: B018
    pr.disable()
    pr.dump_stats(str(prof))
    speed.close(eng)
    report(f"queries on {corpus}: {len(queries)} x {rounds} rounds", prof, top, QUERY_MARKS)


def main(argv: list[str] | None = None) -> int:
    """Profile the searchidx build and query paths on one corpus."""
    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("--corpus", default="reuters")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument(
        "--skip-build",
        action="store_true",
        help="profile queries on the index left by an earlier run",
    )
    args = ap.parse_args(argv)
    try:
        index = (
            OUT / f"{args.corpus}-index"
            if args.skip_build
            else profile_build(args.corpus, args.top)
        )
    except news.CorpusMissing as e:
        print(f"skip: {e}", file=sys.stderr)
        return 0
    profile_queries(index, args.rounds, args.top, args.corpus)
    return 0


if __name__ == "__main__":
    sys.exit(main())
