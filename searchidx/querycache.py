"""What a query string becomes on one generation of the index, kept for the next search.

Parsing a query (in every language the index holds), checking its prefixes against the
index, listing what its snippets mark, and a "did you mean" search for a query with few
matches cost a search more than ranking it on a news archive.  All of them depend only on
the query text and on the index generation (and, for a suggestion, on the filter and the
match count), so the same query on the same generation is answered from a bounded LRU
cache (``query_cache`` entries, 0 turns it off).  A new generation (a commit) starts with
an empty cache: a key holds the generation and the ids of its segments.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, NamedTuple

from whoosh import query as wq

from .snippets import MatchSpec


class Parsed(NamedTuple):
    """A query string parsed for one generation, and what its snippets mark."""

    query: wq.Query
    spec: MatchSpec


def generation_key(reader) -> tuple:
    """Return what tells READER's generation of the index from any other.

    The generation number alone is not enough: an index rebuilt from nothing counts again
    from the start.  Segment ids are random, so a generation's set of them is its own.
    """
    known = reader.__dict__.get("_searchidx_generation")
    if known is None:
        segments = []
        for leaf, _ in reader.leaf_readers():
            segment = getattr(leaf, "segment", None)
            segment = segment() if segment else None  # an empty index's reader has none
            segments.append(segment.segment_id() if segment is not None else id(leaf))
        generation = reader.generation() if hasattr(reader, "generation") else None
        known = (generation, tuple(segments))
        reader.__dict__["_searchidx_generation"] = known
    return known


class QueryCache:
    """A bounded, thread-safe LRU map from (generation, key) to a value made on a miss."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, reader, key: Hashable, make: Callable[[], Any]) -> Any:
        """Return the value for KEY on READER's generation, made by MAKE() if not kept.

        MAKE runs outside the lock (two threads may both make a new entry; either is
        right).  An exception from MAKE is raised and nothing is kept.
        """
        if self.size <= 0:
            return make()
        full_key = (generation_key(reader), key)
        with self._lock:
            try:
                value = self._entries[full_key]
            except KeyError:
                self.misses += 1
            else:
                self._entries.move_to_end(full_key)
                self.hits += 1
                return value
        value = make()
        with self._lock:
            self._entries[full_key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()
