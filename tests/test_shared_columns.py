"""Per-document arrays of a segment (facets, stories, days) are made once per process."""

from __future__ import annotations

import threading

from searchidx import Engine, index_paths, postings
from searchidx.collapse import story_array
from searchidx.facets import _value_array
from searchidx.timeline import day_array

from .helpers import write_corpus


def test_threads_share_one_array_per_segment(tmp_path):
    write_corpus(tmp_path / "news", 40)
    index_paths(tmp_path / "ix", [tmp_path / "news"])
    arrays: list[list] = []
    lock = threading.Lock()
    with Engine(tmp_path / "ix") as engine:

        def search():
            engine.search("generated", page_size=5)  # facets, timeline, copies
            leaf = engine._current().reader().leaf_readers()[0][0]
            found = [_value_array(leaf, "source_facet")[0], story_array(leaf), day_array(leaf)]
            with lock:
                arrays.append([leaf, *found])

        threads = [threading.Thread(target=search) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    leaves = {id(a[0]) for a in arrays}
    assert len(leaves) == 4  # one segment reader a thread ...
    # ... naming one segment for the shared posting cache (a compound segment's file
    # object is the reader's own: the key was once that, so no thread shared a list) ...
    assert len({postings.segment_key(a[0]) for a in arrays}) == 1
    for column in (1, 2, 3):  # ... and one array each for all of them
        assert len({id(a[column]) for a in arrays}) == 1
    # Kept in the shared cache, counted against its bound.
    assert postings.cache().bytes >= sum(arrays[0][c].nbytes for c in (1, 2, 3))


def test_an_index_without_segments_has_empty_arrays():
    from whoosh.reading import EmptyReader

    from searchidx.schema import build_schema

    reader = EmptyReader(build_schema("porter"))
    assert len(story_array(reader)) == 0 and len(day_array(reader)) == 0
