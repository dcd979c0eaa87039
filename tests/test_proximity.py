"""The proximity stage: query words near each other move a result up, and nothing else changes."""

import pytest

from searchidx import Engine, index_paths, postings, proximity
from searchidx.proximity import bonus, query_words, rerank
from searchidx.query import parse_query
from searchidx.schema import build_schema

from .conftest import ROOT

FILLER = " ".join(f"filler{i}" for i in range(30))


@pytest.fixture
def near_far(tmp_path):
    """Two articles with the same words the same number of times: near, and far apart.

    They are near-copies of one story (searchidx.duplicates), so searches show every copy.
    """
    folder = tmp_path / "p"
    folder.mkdir()
    # "far" comes first in the first stage: it is indexed first and ties keep that order.
    (folder / "1far.txt").write_text(f"Report one\n\nVolcano {FILLER} eruption.\n")
    (folder / "2near.txt").write_text(f"Report two\n\nVolcano eruption {FILLER}.\n")
    (folder / "3other.txt").write_text(f"Report three\n\nVolcano {FILLER}.\n")
    index_paths(tmp_path / "ix", [folder])
    return tmp_path / "ix"


def test_bonus_counts_near_pairs_of_different_words_only():
    weights = [1.0, 1.0]
    assert bonus([(0, 0), (1, 0)], weights, 10, 10, 5, 1.2, 0.75) == 0  # one word twice
    assert bonus([(0, 0), (9, 1)], weights, 10, 10, 5, 1.2, 0.75) == 0  # beyond the window
    adjacent = bonus([(0, 0), (1, 1)], weights, 10, 10, 5, 1.2, 0.75)
    apart = bonus([(0, 0), (3, 1)], weights, 10, 10, 5, 1.2, 0.75)
    assert adjacent > apart > 0
    # With SPAN 1 only neighbours in the query pair up: words 0 and 2 do not.
    assert bonus([(0, 0), (1, 2)], [1.0] * 3, 10, 10, 5, 1.2, 0.75, span=1) == 0


def test_query_words_are_the_positive_body_words():
    q = parse_query('volcano "lava flow" -ash title:crater', build_schema(), 0.5, 1000)
    assert query_words(q) == ["volcano", "lava", "flow"]


def test_near_words_move_a_result_up_in_search_and_rank(near_far, monkeypatch):
    monkeypatch.setenv("SEARCHIDX_PROXIMITY_WEIGHT", "0")
    with Engine(near_far) as engine:
        assert [h.id for h in engine.search("volcano eruption", collapse=False).hits][:2] == [
            "p/1far.txt",
            "p/2near.txt",
        ]
    monkeypatch.setenv("SEARCHIDX_PROXIMITY_WEIGHT", "0.3")  # the default
    with Engine(near_far) as engine:
        searched = [h.id for h in engine.search("volcano eruption", collapse=False).hits]
        ranked = [doc for doc, _ in engine.rank("volcano eruption")]
        by_date = engine.search("volcano eruption", sort="date", collapse=False).total
    assert searched == ranked == ["p/2near.txt", "p/1far.txt", "p/3other.txt"]
    assert by_date == 3


def test_rerank_only_reorders_the_first_depth(near_far):
    with Engine(near_far) as engine:
        searcher = engine._current()
        q = parse_query("volcano eruption", searcher.schema, 0.5, 1000)
        first = [(d, s) for s, d in ((r.score, r.docnum) for r in searcher.search(q))]
        again = rerank(searcher, q, first, weight=1.0, window=5, depth=2)
        assert sorted(again) != sorted(first)  # scores moved
        assert {d for d, _ in again} == {d for d, _ in first}
        assert again[2:] == first[2:]  # beyond the depth: untouched
        assert [s for _, s in again] == sorted((s for _, s in again), reverse=True)
        assert rerank(searcher, q, first, weight=0.0, window=5, depth=2) == first
        # A phrase keeps its meaning: the re-ranked results are still only the phrase's.
        phrase = parse_query('"volcano eruption"', searcher.schema, 0.5, 1000)
        hits = [(r.docnum, r.score) for r in searcher.search(phrase)]
        assert [d for d, _ in rerank(searcher, phrase, hits, weight=1.0, window=5, depth=9)] == [
            d for d, _ in hits
        ]


def _both_ways(index_dir, queries):
    """Re-rank each query's first results with positions from arrays and from matchers."""
    compared = 0
    with Engine(index_dir) as engine:
        searcher = engine._current()
        for text in queries:
            q = parse_query(text, searcher.schema, 0.5, 10_000)
            first = [(r.docnum, r.score) for r in searcher.search(q, limit=60)]
            words = query_words(q)
            present = [i for i, w in enumerate(words) if searcher.reader().doc_frequency("body", w)]
            by_matchers = {d: [] for d, _ in first[:30]}
            proximity._from_matchers(searcher.reader(), words, present, by_matchers)
            for _ in range(2):  # a long list is read by matchers once, then decoded
                by_arrays = {d: [] for d, _ in first[:30]}
                assert proximity._from_arrays(searcher, words, present, by_arrays)
                assert {d: sorted(v) for d, v in by_arrays.items()} == {
                    d: sorted(v) for d, v in by_matchers.items()
                }, text
            compared += sum(len(v) for v in by_arrays.values())
            arrays = rerank(searcher, q, first)
            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(proximity, "_from_arrays", lambda *args: False)
                matchers = rerank(searcher, q, first)
            assert arrays == matchers, text  # same order, same scores exactly
    return compared


@pytest.mark.parametrize("short", [2048, 0])
def test_positions_from_arrays_equal_the_matchers_over_segments(tmp_path, monkeypatch, short):
    # SHORT 0: every list is long, read by matchers the first time and decoded the second.
    monkeypatch.setattr(proximity, "_SHORT", short)
    postings.cache().clear()
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    for n in range(6):
        (first / f"{n}.txt").write_text(f"Volcano {n}\n\nVolcano eruption {FILLER} ash eruption.\n")
        (second / f"{n}.txt").write_text(f"Lava {n}\n\nAsh {FILLER[: n * 9]} volcano lava.\n")
    index_paths(tmp_path / "ix", [first])
    index_paths(tmp_path / "ix", [first, second])
    with Engine(tmp_path / "ix") as engine:
        assert len(engine._current().leaf_searchers()) > 1
    queries = ["volcano eruption", "volcano ash lava", "ash eruption lava volcano"]
    assert _both_ways(tmp_path / "ix", queries) > 20


@pytest.mark.slow
@pytest.mark.parametrize("short", [2048, 0])
def test_positions_from_arrays_equal_the_matchers_on_bbc(bbc_index, monkeypatch, short):
    monkeypatch.setattr(proximity, "_SHORT", short)
    postings.cache().clear()
    assert _both_ways(bbc_index, benchmark_queries()) > 1000


def benchmark_queries() -> list[str]:
    """Return the speed benchmark's queries (benchmarks/queries.txt)."""
    lines = (ROOT / "benchmarks" / "queries.txt").read_text(encoding="utf-8").splitlines()
    return [ln.partition("\t")[0].strip() for ln in lines if ln.strip() and ln[0] != "#"]
