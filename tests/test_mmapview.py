"""Segment files read in place from the memory map (searchidx.mmapview), not copied."""

from __future__ import annotations

import io
import threading
import tracemalloc

from hypothesis import given, settings
from hypothesis import strategies as st

from searchidx import Engine, index_paths, storage
from searchidx.mmapview import ViewFile, _View

from .helpers import write_corpus

_ops = st.lists(
    st.one_of(
        st.tuples(st.just("read"), st.integers(-1, 40)),
        st.tuples(st.just("readline"), st.integers(-1, 40)),
        st.tuples(st.just("readinto"), st.integers(0, 40)),
        st.tuples(st.just("seek"), st.integers(0, 120)),
        st.tuples(st.just("seek_end"), st.integers(-60, 0)),
        st.tuples(st.just("seek_cur"), st.integers(-30, 30)),
    ),
    max_size=30,
)


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=100).map(lambda b: b.replace(b"\x00", b"\n")), _ops)
def test_view_reads_as_bytesio(data, ops):
    ours, theirs = _View(memoryview(data)), io.BytesIO(data)
    for op, n in ops:
        if op == "read":
            assert ours.read(n) == theirs.read(n)
        elif op == "readline":
            assert ours.readline(n) == theirs.readline(n)
        elif op == "readinto":
            a, b = bytearray(n), bytearray(n)
            assert ours.readinto(a) == theirs.readinto(b) and a == b
        elif op == "seek":
            assert ours.seek(n) == theirs.seek(n)
        else:
            whence = 2 if op == "seek_end" else 1
            if theirs.tell() + n >= 0 or whence == 2 and len(data) + n >= 0:
                assert ours.seek(n, whence) == theirs.seek(n, whence)
        assert ours.tell() == theirs.tell()


def test_open_searchers_share_the_segment_instead_of_copying_it(tmp_path):
    write_corpus(tmp_path / "news", 600, words=300)
    index_paths(tmp_path / "ix", [tmp_path / "news"])
    index_bytes = storage.size_on_disk(tmp_path / "ix")
    assert index_bytes > 1_000_000
    with Engine(tmp_path / "ix") as engine:
        engine.search("generated", page_size=1)  # imports and caches of the first search
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]

            def search():
                engine.search("generated article", page_size=10).hits[0].snippet  # noqa: B018

            threads = [threading.Thread(target=search) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            grown = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        files = [
            f
            for s in engine._searchers.values()
            for leaf, _ in s.reader().leaf_readers()
            for f in (leaf._terms._postfile, leaf._terms._tindex.dbfile)
        ]
    # Four more searchers (one a thread), each with its own segment reader: with Whoosh's
    # BufferFile each copied its postings and term index (about the index's size apiece).
    assert grown < index_bytes / 4, (grown, index_bytes)
    assert len(files) >= 8 and all(isinstance(f, ViewFile) for f in files)
