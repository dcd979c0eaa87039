"""Posting lists and field lengths of a segment as numpy arrays, decoded once and cached.

Whoosh stores a term's postings in blocks of up to 128 (a length, a pickled block header and
a pickled, delta-encoded tuple of ids, weights and positions).  Decoding them costs about a
microsecond a posting, far more than scoring them, so ``searchidx.fastpath`` decodes a
term's list once per segment and keeps it here: a segment's files never change once
written (deletions are kept apart, per generation, and applied by the caller), so the
decoded arrays stay valid for as long as the segment exists.

The cache is shared by every thread and every ``Engine`` of the process and bounded in
bytes (setting ``posting_cache_mb``); the least recently used lists are dropped first.
"""

from __future__ import annotations

import io
import pickle
import struct
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from whoosh.codec import whoosh3
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from .config import setting

_MAGIC = whoosh3.WHOOSH3_HEADER_MAGIC
_INT = struct.Struct("!i")
#: Whoosh stores a field length as one byte; this is the length each byte stands for.
_BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


@dataclass(frozen=True)
class Postings:
    """A term's postings in one segment: document numbers (ascending) and term weights."""

    ids: np.ndarray  # int64, ascending, deleted documents included
    weights: np.ndarray  # float64 (the term frequency, as Whoosh stores it)

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.weights.nbytes


EMPTY = Postings(np.zeros(0, np.int64), np.zeros(0, np.float64))


class ArrayCache:
    """A thread-safe least-recently-used map from keys to arrays, bounded in bytes."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, load):
        """Return the value for KEY, calling LOAD() to make it when it is not kept."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return value
            self.misses += 1
        value = load()  # outside the lock: two threads may decode the same list once each
        size = _size(value)
        if size > self.max_bytes:
            return value
        with self._lock:
            if key not in self._items:
                self._items[key] = value
                self.bytes += size
                while self.bytes > self.max_bytes:
                    _, dropped = self._items.popitem(last=False)
                    self.bytes -= _size(dropped)
        return value

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._items.clear()
            self.bytes = 0


def _size(value) -> int:
    return getattr(value, "nbytes", 64) + 64


_cache: ArrayCache | None = None
_cache_lock = threading.Lock()


def cache() -> ArrayCache:
    """Return the process's posting cache (sized by the ``posting_cache_mb`` setting)."""
    global _cache
    if _cache is None:
        with _cache_lock:
            if _cache is None:
                _cache = ArrayCache(int(float(setting("posting_cache_mb")) * 2**20))
    return _cache


def supported(reader) -> bool:
    """Return True when READER is a segment whose files this module can read."""
    return isinstance(getattr(reader, "_terms", None), whoosh3.W3TermsReader) and isinstance(
        getattr(reader, "_perdoc", None), whoosh3.W3PerDocReader
    )


def segment_key(reader) -> tuple:
    """Return a key naming READER's segment uniquely (its folder and segment id)."""
    folder = getattr(reader._storage, "folder", id(reader._storage))
    return (folder, reader._segment.segment_id())


def term_postings(reader, fieldname: str, btext: bytes) -> Postings:
    """Return the postings of FIELDNAME:BTEXT in the segment READER (deleted docs included)."""
    key = (*segment_key(reader), fieldname, btext)
    return cache().get(key, lambda: _decode(reader, fieldname, btext))


def field_lengths(reader, fieldname: str) -> np.ndarray | None:
    """Return each document's length of FIELDNAME as Whoosh scores it, or None (no column)."""
    key = (*segment_key(reader), fieldname, None)
    found = cache().get(key, lambda: _lengths(reader, fieldname))
    return None if found.size == 0 and reader.doc_count_all() else found


def live_mask(reader) -> np.ndarray | None:
    """Return a boolean array, True for READER's live documents, or None when none is deleted.

    Deletions belong to a generation of the index, not to the segment, so the mask is kept on
    the reader (which belongs to one generation), not in the shared cache.
    """
    if not reader.has_deletions():
        return None
    found = reader.__dict__.get("_searchidx_live")
    if found is None:
        found = np.ones(reader.doc_count_all(), dtype=bool)
        deleted = np.fromiter(reader.deleted_docs_set, dtype=np.int64)
        found[deleted[deleted < found.size]] = False
        reader.__dict__["_searchidx_live"] = found
    return found


def _lengths(reader, fieldname: str) -> np.ndarray:
    perdoc = reader._perdoc
    column = perdoc._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
    if column is None:
        return np.zeros(0, np.float64)
    count = column._count
    raw = np.frombuffer(column._dbfile.get(column._basepos, count), dtype=np.uint8)
    codes = np.zeros(reader.doc_count_all(), dtype=np.uint8)
    codes[: min(count, codes.size)] = raw[: codes.size]
    return _BYTE_LENGTHS[codes]


def _decode(reader, fieldname: str, btext: bytes) -> Postings:
    """Read every block of FIELDNAME:BTEXT's posting list from the segment's files."""
    terms = reader._terms
    try:
        info = terms.term_info(fieldname, btext)
    except (KeyError, TermNotFound):
        return EMPTY
    if info.is_inlined():
        ids, weights, _ = info.inlined_postings()
        return Postings(np.asarray(ids, np.int64), np.asarray(weights, np.float64))
    offset, length = info.extent()
    if isinstance(length, tuple):  # Whoosh reads the stored length back as a 1-tuple
        length = length[0]
    raw = terms._postfile.get(offset, length)
    if raw[:4] != _MAGIC:
        raise ValueError(f"not a Whoosh 3 posting list: {fieldname}:{btext!r}")
    id_parts, weight_parts = [], []
    pos = 4
    last = False
    while not last:
        size = _INT.unpack_from(raw, pos)[0]
        last = size < 0
        end = pos + 4 + abs(size)
        view = memoryview(raw)[pos + 4 : end]
        unpickler_pos, header = _load_prefix(view)
        count, _, _, compressed = header[0], header[1], header[2], header[3]
        data = bytes(view[unpickler_pos:])
        if compressed:
            data = zlib.decompress(data)
        ids, weights, _values = pickle.loads(data)
        id_parts.append(ids)
        if weights is None:
            weight_parts.append(np.ones(count))
        elif isinstance(weights, float):
            weight_parts.append(np.full(count, weights))
        else:
            weight_parts.append(weights)
        pos = end
    ids = np.cumsum(np.concatenate([np.asarray(p, np.int64) for p in id_parts]))
    # Each block's ids are deltas from the block's start (base 0), so undo per block.
    starts = np.cumsum([0] + [len(p) for p in id_parts[:-1]])
    if len(id_parts) > 1:
        bases = np.repeat(np.concatenate(([0], ids[starts[1:] - 1])), [len(p) for p in id_parts])
        ids = ids - bases
    weights = np.concatenate([np.asarray(w, np.float64) for w in weight_parts])
    return Postings(ids, weights)


def _load_prefix(view: memoryview) -> tuple[int, tuple]:
    """Unpickle the block header at the start of VIEW; return (bytes used, header)."""
    stream = io.BytesIO(view)
    header = pickle.load(stream)
    return stream.tell(), header
