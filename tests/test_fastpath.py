"""The fast path gives Whoosh's results: same totals, documents, order and scores.

Whoosh's own matchers (an UnlimitedCollector: every match scored, no block skipping) are the
reference.  Ties (scores equal to ``fastpath.TIE_DIGITS`` decimals) go to the lower document
number in both, as Whoosh's collectors order equal scores.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh.collectors import FilterCollector, UnlimitedCollector

from benchmarks import testcollections as colls
from searchidx import Engine, QueryTimeout, fastpath, index_paths, postings
from searchidx.budget import Budget
from searchidx.counting import matching_docs
from searchidx.facets import build_filter
from searchidx.query import parse_query, plain_query

from .conftest import CORPORA, corpus
from .helpers import run_cli

HERE = Path(__file__).resolve().parent
WORDS = ["oil", "gas", "wheat", "corn", "dollar", "bank", "rates", "prices", "market", "union"]
COMMON = [
    "stock market shares",
    "bank profits rise",
    "dollar euro exchange rate",
    "government spending plans",
]


def benchmark_queries() -> list[str]:
    lines = (HERE.parent / "benchmarks" / "queries.txt").read_text(encoding="utf-8").splitlines()
    return [ln.split("\t")[0] for ln in lines if ln.strip() and not ln.startswith("#")] + COMMON


def reference(searcher, q, narrow=None) -> list[tuple[int, float]]:
    """Return every match of Q as (docnum, score), ranked by Whoosh's matchers.

    Whoosh's NOT on its own can yield a deleted document (the last of a segment): those
    are dropped by the set algebra of ``counting.matching_docs``.
    """
    collector = UnlimitedCollector()
    outer = collector if narrow is None else FilterCollector(collector, allow=narrow)
    searcher.search_with_collector(q, outer)
    real = {
        docnum + offset
        for (_, docs), (_, offset) in zip(matching_docs(searcher, q), searcher.leaf_searchers())
        for docnum in docs
    }
    found = [(h.docnum, h.score) for h in outer.results()]
    assert len([d for d, _ in found if d not in real]) <= len(searcher.leaf_searchers())
    return [(d, score) for d, score in found if d in real]


def assert_same(searcher, q, narrow=None) -> int:
    """Assert the fast path ranks every match of Q as Whoosh does; return the total."""
    ref = reference(searcher, q, narrow)
    found = fastpath.run(searcher, q, narrow)
    assert found.total == len(ref), str(q)
    fast = found.top(len(ref))
    ranked = sorted(ref, key=lambda p: (-round(p[1], fastpath.TIE_DIGITS), p[0]))
    assert [d for d, _ in fast] == [d for d, _ in ranked], str(q)
    assert all(abs(a - b) <= 1e-6 for (_, a), (_, b) in zip(fast, ranked)), str(q)
    # Whoosh's own order differs from the tie rule only where scores agree to rounding.
    for (d1, s1), (d2, s2) in zip(ref, ranked):
        assert d1 == d2 or abs(s1 - s2) < 1e-9, str(q)
    return len(ref)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """Two segments, several posting blocks per word, deleted documents, sources and dates."""
    root = tmp_path_factory.mktemp("fastpath")
    folder, index = root / "articles", root / "index"
    folder.mkdir()

    def write(part: int, extra: str = "") -> None:
        with (folder / f"part{part}.jsonl").open("w") as out:
            for n in range(part * 300, part * 300 + 300):
                repeat = n % 3 + 1  # term frequencies 1 to 3
                words = [w for i, w in enumerate(WORDS) if n % (i + 2) == 0 for _ in range(repeat)]
                doc = {
                    "id": f"d{n}",
                    "title": f"Story {n} {WORDS[n % len(WORDS)]}",
                    "body": f"{' '.join(words)} filler {'text ' * (n % 7)} {extra}",
                    "date": f"{1987 + n % 3}-0{1 + n % 9}-1{n % 10}",
                    "source": ["Reuters", "BBC News", "Wire"][n % 3],
                }
                out.write(json.dumps(doc) + "\n")

    for part in range(3):
        write(part)
    index_paths(index, [folder])
    write(1, "revised prices")  # its documents are replaced: the old ones become deleted
    index_paths(index, [folder])
    with Engine(index) as engine:
        searcher = engine._current()
        assert searcher.reader().has_deletions() and len(searcher.leaf_searchers()) == 2
        yield engine


SMALL_QUERIES = [
    "oil",
    "oil gas wheat",
    "oil AND gas",
    "oil NOT gas",
    "(wheat OR corn) AND dollar",
    "title:oil",
    "title:oil OR body:gas",
    "pri*",
    "title:ma*",
    "st*",
    "title:st* oil",
    "fi* AND oil",
    "ma*",
    '"oil gas"',
    '"oil gas" OR wheat',
    '"gas wheat corn"',
    'title:"story 12"',
    '"oil gas"~3',
    '"gas oil"~2 dollar',
    "oil ANDMAYBE gas",
    "+oil gas",
    "NOT oil",
    "oil^3 gas",
    "source:reuters oil",
    "nosuchword",
    "revised",
    "date:1988 oil",
    "date:1987-01..1988-12 gas",
]


@pytest.mark.parametrize("text", SMALL_QUERIES)
def test_same_results_as_whoosh(small, text):
    searcher = small._current()
    assert_same(searcher, parse_query(text, searcher.schema, 0.5, 1000))


@pytest.mark.parametrize(
    "filters",
    [{"source": "reuters"}, {"year": "1988"}, {"date_from": "1987-03", "date_to": "1988-06-15"}],
)
def test_same_results_as_whoosh_with_filters(small, filters):
    searcher = small._current()
    narrow = build_filter(searcher.reader(), **filters)
    for text in ["oil gas", "wheat AND corn", "ma*", '"oil gas"']:
        assert_same(searcher, parse_query(text, searcher.schema, 0.5, 1000), narrow)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(
        st.one_of(
            st.sampled_from(WORDS + ["filler", "text", "story", "revised", "nosuch"]),
            st.sampled_from(["AND", "OR", "NOT", "(", ")", "title:", "pri*", "ma*", '"oil gas"']),
        ),
        min_size=1,
        max_size=7,
    )
)
def test_generated_queries_match_whoosh(small, tokens):
    searcher = small._current()
    try:
        q = parse_query(" ".join(tokens), searcher.schema, 0.5, 1000)
    except Exception:
        return  # not a query (the parser's own tests cover the message)
    assert_same(searcher, q)


def test_engine_search_is_the_same_by_both_paths(small, monkeypatch):
    def pages():
        return [
            small.search(text, page=page, source=source)
            for text in ["oil gas wheat", "ma*", "oil NOT gas", '"oil gas"']
            for page in (1, 2)
            for source in (None, "wire")
        ]

    fast = pages()
    monkeypatch.setattr(fastpath, "try_run", lambda *args: None)
    slow = pages()
    for a, b in zip(fast, slow):
        assert (a.total, a.facets) == (b.total, b.facets)
        assert [h.id for h in a.hits] == [h.id for h in b.hits]
        assert [h.snippet for h in a.hits] == [h.snippet for h in b.hits]
        assert all(abs(x.score - y.score) <= 1e-6 for x, y in zip(a.hits, b.hits))


def test_budget_stops_a_query(small, monkeypatch):
    monkeypatch.setenv("SEARCHIDX_QUERY_TIMEOUT", "0.000001")
    with pytest.raises(QueryTimeout, match="longer than 1e-06s"):
        small.search("oil gas wheat corn dollar")
    with pytest.raises(QueryTimeout):  # the Whoosh path (date sorting) stops too
        small.search("oil gas wheat corn dollar", sort="date")
    monkeypatch.setenv("SEARCHIDX_QUERY_TIMEOUT", "0")
    assert small.search("oil gas wheat corn dollar").total > 0
    assert Budget(0).deadline is None


def test_cache_is_bounded():
    cache = postings.ArrayCache(max_bytes=10_000)
    arrays = {n: postings.Postings(*(postings.np.arange(500) for _ in range(2))) for n in range(5)}
    for n, value in arrays.items():
        assert cache.get(n, lambda v=value: v) is value
    assert cache.bytes <= 10_000 and cache.misses == 5
    assert cache.get(4, lambda: None) is arrays[4] and cache.hits == 1


def test_a_slow_search_does_not_hold_up_another(small, monkeypatch):
    import threading

    postings.cache().clear()
    inside, release = threading.Event(), threading.Event()
    decode = postings._decode

    def slow(reader, fieldname, btext, values=False):
        if btext == b"wheat":  # the slow query waits here until the other has finished
            inside.set()
            release.wait(30)
        return decode(reader, fieldname, btext, values)

    monkeypatch.setattr(postings, "_decode", slow)
    slow_result = []
    thread = threading.Thread(target=lambda: slow_result.append(small.search("wheat")))
    thread.start()
    try:
        assert inside.wait(30)
        other = []
        second = threading.Thread(target=lambda: other.append(small.search("dollar")))
        second.start()
        second.join(20)  # (with one lock around searches this would wait for "wheat")
        assert other and other[0].total > 0, "a search waited for another"
        assert thread.is_alive() and not slow_result
    finally:
        release.set()
        thread.join(30)
    assert slow_result[0].total > 0


def test_each_thread_has_its_own_searcher(small):
    import threading

    seen = []
    thread = threading.Thread(target=lambda: seen.append(small._current()))
    thread.start()
    thread.join()
    assert seen[0] is not small._current()


@pytest.mark.corpus
def test_benchmark_queries_on_bbc(bbc_index):
    with Engine(bbc_index) as engine:
        searcher = engine._current()
        totals = [
            assert_same(searcher, parse_query(t, searcher.schema, 0.5, 1000))
            for t in benchmark_queries()
        ]
    assert sum(totals) > 10_000


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["adi", "cisi"])
def test_relevance_topics_rank_as_whoosh(name, tmp_path, monkeypatch):
    # The first stage only: the proximity stage re-orders whatever the first stage gives.
    monkeypatch.setenv("SEARCHIDX_PROXIMITY_WEIGHT", "0")
    corpus(name)
    coll = colls.load(name, CORPORA)
    files = colls.write(coll, tmp_path / "coll")
    index_paths(tmp_path / "index", [files["docs"]])
    with Engine(tmp_path / "index") as engine:
        searcher = engine._current()
        for text in coll.topics.values():
            q = plain_query(text, searcher.schema, engine.title_boost)
            assert_same(searcher, q)
            # rank() (batch) takes the top 1000 by the fast path: Whoosh's top-N agrees.
            ranked = engine.rank(text, limit=100)
            whoosh = [(h["id"], h.score) for h in searcher.search(q, limit=100)]
            assert [d for d, _ in ranked] == [d for d, _ in whoosh] or all(
                abs(a[1] - b[1]) < 1e-9 for a, b in zip(ranked, whoosh) if a[0] != b[0]
            )


def test_timeout_is_exit_2_on_the_cli(small):
    done = run_cli(
        "query", "oil gas wheat corn", "--index", small.index_dir, SEARCHIDX_QUERY_TIMEOUT="1e-9"
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "searchidx: the query took longer than 1e-09s and was stopped: "
        "use fewer or rarer words, a phrase, or a filter"
    ]


def test_timeout_is_503_with_json_on_the_api(small, monkeypatch):
    from web import create_app

    app = create_app({"INDEX": small.index_dir, "TESTING": True})
    client = app.test_client()
    assert client.get("/api/search?q=oil+gas").status_code == 200
    monkeypatch.setenv("SEARCHIDX_QUERY_TIMEOUT", "1e-9")
    response = client.get("/api/search?q=oil+gas")
    assert response.status_code == 503
    assert response.get_json()["error"].startswith("the query took longer than 1e-09s")
    page = client.get("/search?q=oil+gas")  # the results page says it in one line too
    assert page.status_code == 503 and b"the query took longer than 1e-09s" in page.data
    app.extensions["searchidx"].close()
