"""Decompressed blocks of stored fields, kept between searches.

Every hit on a results page reads its stored fields: with our codec (``searchidx.codec``)
that is one zlib block of about 16 KB decompressed per document (about 70 µs, a tenth of a
warm search on BBC), and the hits of a page lie in different blocks.  A segment's blocks
never change, so they are kept here, decompressed: one cache per process, shared by every
thread and reader, bounded in bytes (setting ``stored_cache_mb``, 0 turns it off), least
recently used dropped first.  A key is the segment's id (random, so unique to the segment
and to copies of it) and the block's number.
"""

from __future__ import annotations

from collections.abc import Callable

from .arraycache import process_cache


def block(segment_id: str, number: int, load: Callable[[], bytes]) -> memoryview:
    """Return block NUMBER of the stored fields of segment SEGMENT_ID, LOAD()ed if not kept."""
    cache = process_cache("stored_cache_mb")
    if cache.max_bytes <= 0:
        return memoryview(load())
    return cache.get(("stored", segment_id, number), lambda: memoryview(load()))


def clear() -> None:
    """Forget every kept block."""
    process_cache("stored_cache_mb").clear()
