"""Snippets made the fast way are the ones the full token-by-token scan makes, hit for hit.

The reference below is the snippet code as it was before the fast paths (every token of
the body analysed in Python, every window's marks filtered by a list comprehension); it is
run beside ``make_snippet`` on the benchmark queries over a real index.
"""

from pathlib import Path

import pytest

from searchidx import Engine
from searchidx.analysis import terms_with_offsets
from searchidx.config import setting
from searchidx.query import parse_query
from searchidx.snippets import MAX_SCAN, Snippet, _parts, _window, make_snippet, match_spec

QUERIES = Path(__file__).resolve().parent.parent / "benchmarks" / "queries.txt"


def reference_marks(text, spec, stemmer):
    tokens = list(terms_with_offsets(text[:MAX_SCAN], stemmer))
    marked = [t[0] in spec.terms for t in tokens]
    for words, slop in spec.phrases:
        for i, token in enumerate(tokens):
            if token[0] != words[0]:
                continue
            places = [i]
            for word in words[1:]:
                window = range(places[-1] + 1, min(len(tokens), places[-1] + 1 + slop))
                nxt = next((j for j in window if tokens[j][0] == word), None)
                if nxt is None:
                    break
                places.append(nxt)
            else:
                for j in places:
                    marked[j] = True
    return [(tok[1], tok[2], tok[0]) for tok, hit in zip(tokens, marked) if hit]


def reference_snippet(text, spec, stemmer, size, max_fragments):
    marks = reference_marks(text, spec, stemmer) if spec else []
    if not marks:
        start, end = _window(text, 0, size)
        return Snippet(_parts(text, [(start, end)], []))
    candidates = []
    for i, (start, _, _) in enumerate(marks):
        lo, hi = _window(text, start, size)
        inside = [m for m in marks[i:] if m[0] >= lo and m[1] <= hi]
        candidates.append((len({m[2] for m in inside}), len(inside), -start, (lo, hi), inside))
    candidates.sort(reverse=True)
    chosen, shown = [], set()
    for _, _, _, (lo, hi), inside in candidates:
        if len(chosen) >= max_fragments:
            break
        terms = {m[2] for m in inside}
        if chosen and (terms <= shown or any(lo < b and hi > a for a, b in chosen)):
            continue
        chosen.append((lo, hi))
        shown |= terms
    chosen.sort()
    return Snippet(_parts(text, chosen, marks))


def benchmark_queries():
    lines = QUERIES.read_text(encoding="utf-8").splitlines()
    return [ln.partition("\t")[0].strip() for ln in lines if ln.strip() and ln[0] != "#"]


def check_every_hit(index_dir, queries, pages=(1,)) -> int:
    size, fragments = int(setting("snippet_chars")), int(setting("snippet_fragments"))
    compared = 0
    with Engine(index_dir) as engine:
        searcher = engine._current()
        stemmer = engine.stemmer
        for query in queries:
            q = parse_query(query, searcher.schema, engine.title_boost, 10_000)
            spec = match_spec(q, searcher.reader())
            for page in pages:
                result = engine.search(query, page=page, page_size=20)
                for hit in result.hits:
                    body = engine.document(hit.id).body
                    want = reference_snippet(body, spec, stemmer, size, fragments)
                    got = make_snippet(body, spec, stemmer, size, fragments)
                    assert (hit.snippet, hit.snippet_html, hit.snippet_parts) == (
                        want.plain,
                        want.html,
                        want.parts,
                    ), (query, hit.id)
                    assert got.parts == want.parts
                    compared += 1
    return compared


def test_snippets_equal_the_full_scan_on_the_seeds(seed_index):
    assert check_every_hit(seed_index, benchmark_queries() + ["said", "the year"]) >= 5


@pytest.mark.slow
def test_snippets_equal_the_full_scan_on_bbc(bbc_index):
    assert check_every_hit(bbc_index, benchmark_queries(), pages=(1, 2)) > 1000
