"""The query cache: the same results as parsing every time, and never a stale generation."""

from __future__ import annotations

import threading

import pytest

from searchidx import Engine, QueryError, index_paths, storage
from searchidx.querycache import QueryCache

QUERIES = [
    "election",
    "elction",  # did you mean
    '"polling stations"',
    "elect*",
    "title:election OR ballots",
    "count NOT recount",
    "zzqqx",
]


def _result(engine: Engine, query: str, **kwargs) -> tuple:
    res = engine.search(query, **kwargs)
    hits = [(h.id, round(h.score, 9), h.snippet_parts, h.copy_count) for h in res.hits]
    return res.total, res.suggestion, hits, res.facets


def test_cached_searches_equal_uncached_ones(desk_index, monkeypatch):
    with Engine(desk_index) as cached:
        first = [_result(cached, q) for q in QUERIES]
        again = [_result(cached, q) for q in QUERIES]  # from the cache
        narrowed = [_result(cached, q, year=2024) for q in QUERIES]
        assert cached._queries.hits >= len(QUERIES)
    monkeypatch.setenv("SEARCHIDX_QUERY_CACHE", "0")
    with Engine(desk_index) as uncached:
        assert [_result(uncached, q) for q in QUERIES] == first == again
        assert [_result(uncached, q, year=2024) for q in QUERIES] == narrowed
        assert uncached._queries.hits == 0


def test_a_new_generation_is_parsed_anew(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("Harbour plans\n\nThe harbour board met on Monday.\n")
    index_dir = tmp_path / "index"
    index_paths(index_dir, [folder])
    with Engine(index_dir) as engine:
        before = engine.search("harb*")
        assert before.total == 1
        assert engine.search("harbourmaster").suggestion is None
        (folder / "b.txt").write_text(
            "Harbourmaster named\n\nA new harbourmaster and harbourside works.\n"
        )
        index_paths(index_dir, [folder])
        after = engine.search("harb*")
        # The prefix now stands for the new words too: they are found and marked.
        assert after.total == 2
        marked = {text for hit in after.hits for text, hit_ in hit.snippet_parts if hit_}
        assert {"harbourmaster", "harbourside"} <= {m.lower() for m in marked}
        assert engine.search("harbourmaster").total == 1


def test_a_query_error_is_raised_every_time(desk_index):
    with Engine(desk_index) as engine:
        for _ in range(2):
            with pytest.raises(QueryError):
                engine.search('title:"open')


def test_the_cache_keeps_only_the_newest_entries():
    class Reader:  # a one-segment reader of generation 7
        def generation(self):
            return 7

        def leaf_readers(self):
            return [(self, 0)]

    cache, reader, made = QueryCache(2), Reader(), []

    def make(key):
        made.append(key)
        return key.upper()

    for key in ["a", "b", "a", "c", "b", "a"]:
        assert cache.get(reader, key, lambda key=key: make(key)) == key.upper()
    # "a" stays (used again), "b" is pushed out by "c", then "a" by "b"'s return
    assert made == ["a", "b", "c", "b", "a"]
    assert len(cache._entries) == 2


def test_threads_share_one_cache(desk_index):
    with Engine(desk_index) as engine:
        expected = _result(engine, "election")
        misses = engine._queries.misses
        found = []

        def search():
            found.append(_result(engine, "election"))

        threads = [threading.Thread(target=search) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert found == [expected] * 4
        assert engine._queries.misses == misses  # every thread read the first parse


def test_an_empty_index_then_its_first_documents(tmp_path):
    index_dir = tmp_path / "index"
    storage.open_or_create(index_dir, "porter", timeout=5)  # no segment yet
    with Engine(index_dir) as engine:
        assert engine.search("harbour").total == 0
        assert engine.search("harbour").total == 0  # from the cache
        folder = tmp_path / "articles"
        folder.mkdir()
        (folder / "a.txt").write_text("Harbour plans\n\nThe harbour board met on Monday.\n")
        index_paths(index_dir, [folder])
        assert engine.search("harbour").total == 1
