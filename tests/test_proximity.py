"""The proximity stage: query words near each other move a result up, and nothing else changes."""

import pytest

from searchidx import Engine, index_paths
from searchidx.proximity import bonus, query_words, rerank
from searchidx.query import parse_query
from searchidx.schema import build_schema

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
