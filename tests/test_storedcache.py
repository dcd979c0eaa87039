"""Stored-field blocks kept decompressed: the same fields as reading every block anew."""

from __future__ import annotations

import random

import pytest

from searchidx import arraycache, index_paths, storage

from .helpers import write_corpus


@pytest.fixture
def fresh_cache():
    arraycache.forget("stored_cache_mb")
    yield
    arraycache.forget("stored_cache_mb")


def _all_fields(index_dir, order):
    ix = storage.open_index(index_dir)
    with ix.searcher() as searcher:
        return [searcher.stored_fields(docnum) for docnum in order]


def test_kept_blocks_give_the_same_fields(tmp_path, monkeypatch, fresh_cache):
    folder = tmp_path / "articles"
    write_corpus(folder, 150, marker="first")
    index_dir = tmp_path / "index"
    index_paths(index_dir, [folder])
    write_corpus(folder, 150, start=150, marker="second")  # a second segment
    index_paths(index_dir, [folder])
    order = list(range(300))
    random.Random(3).shuffle(order)  # hits come in any order, from any block

    monkeypatch.setenv("SEARCHIDX_STORED_CACHE_MB", "0")
    uncached = _all_fields(index_dir, order)
    assert arraycache.process_cache("stored_cache_mb").hits == 0
    assert len({f["id"] for f in uncached}) == 300

    arraycache.forget("stored_cache_mb")
    monkeypatch.setenv("SEARCHIDX_STORED_CACHE_MB", "8")
    assert _all_fields(index_dir, order) == uncached
    cache = arraycache.process_cache("stored_cache_mb")
    assert cache.misses > 2  # several blocks in each of two segments
    misses = cache.misses
    assert _all_fields(index_dir, order[::-1]) == uncached[::-1]  # a new reader, same blocks
    assert cache.misses == misses and cache.hits > 0
