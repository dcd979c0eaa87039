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
import zlib
from dataclasses import dataclass

import numpy as np
from whoosh.codec import whoosh3
from whoosh.filedb.filestore import OverlayStorage
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from . import codec as news_codec
from . import poscodec
from .arraycache import ArrayCache, process_cache

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


@dataclass(frozen=True)
class Values:
    """The encoded value (positions, for text fields) of each posting of a term in a segment."""

    data: bytes  # the values one after another
    offsets: np.ndarray  # value i is data[offsets[i]:offsets[i + 1]]

    @property
    def nbytes(self) -> int:
        return len(self.data) + self.offsets.nbytes

    def __getitem__(self, i: int) -> bytes:
        return self.data[self.offsets[i] : self.offsets[i + 1]]


@dataclass(frozen=True)
class PositionLists:
    """The positions of a term in each of its postings, one flat array."""

    offsets: np.ndarray  # posting i's positions are positions[offsets[i]:offsets[i + 1]]
    positions: np.ndarray

    @property
    def nbytes(self) -> int:
        return self.offsets.nbytes + self.positions.nbytes

    def gather(self, postings_at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return (index into POSTINGS_AT, position) for every position of those postings."""
        starts = self.offsets[postings_at]
        counts = self.offsets[postings_at + 1] - starts
        owner = np.repeat(np.arange(postings_at.size), counts)
        first = np.repeat(starts - np.cumsum(counts) + counts, counts)
        return owner, self.positions[first + np.arange(counts.sum())]


EMPTY = Postings(np.zeros(0, np.int64), np.zeros(0, np.float64))


def cache() -> ArrayCache:
    """Return the process's posting cache (sized by the ``posting_cache_mb`` setting)."""
    return process_cache("posting_cache_mb")


def supported(reader) -> bool:
    """Return True when READER is a segment whose files this module can read."""
    return isinstance(getattr(reader, "_terms", None), whoosh3.W3TermsReader) and isinstance(
        getattr(reader, "_perdoc", None), whoosh3.W3PerDocReader
    )


def segment_key(reader) -> tuple:
    """Return a key naming READER's segment uniquely (its folder and segment id)."""
    storage = reader._storage
    if isinstance(storage, OverlayStorage):
        # A compound segment: its own file over the index's folder.  The file is opened
        # anew by each reader (one a thread), so it cannot name the segment: the folder does.
        storage = storage.b
    folder = getattr(storage, "folder", id(storage))
    return (folder, reader._segment.segment_id())


def segment_column(reader, name: str, load):
    """Return a per-document array of READER's segment, made by LOAD() once per process.

    Facet values, story ids and days are read from a segment into arrays once and kept
    here, in the shared cache, for every thread's searcher: kept on each reader (one a
    thread, a new one for each generation) they were made and held once per thread.  The
    value must have ``nbytes`` (what the cache counts against ``posting_cache_mb``).
    """
    if getattr(reader, "_segment", None) is None:  # an index without segments yet: no key
        return load()
    return cache().get((*segment_key(reader), name, "column"), load)


def term_postings(reader, fieldname: str, btext: bytes) -> Postings:
    """Return the postings of FIELDNAME:BTEXT in the segment READER (deleted docs included)."""
    key = (*segment_key(reader), fieldname, btext)
    return cache().get(key, lambda: _decode(reader, fieldname, btext))


def term_values(reader, fieldname: str, btext: bytes) -> Values:
    """Return the encoded values of FIELDNAME:BTEXT's postings, in posting order."""
    key = (*segment_key(reader), fieldname, btext, "values")
    return cache().get(key, lambda: _decode(reader, fieldname, btext, values=True))


def term_positions(reader, fieldname: str, btext: bytes) -> PositionLists:
    """Return the positions of FIELDNAME:BTEXT in each of its postings (a positions field)."""
    key = (*segment_key(reader), fieldname, btext, "positions")

    def load():
        packed = _packed_positions(reader, fieldname, btext)
        if packed is not None:
            return packed
        values = term_values(reader, fieldname, btext)
        return _positions(values, reader.schema[fieldname].format.decode_positions)

    return cache().get(key, load)


def has_positions(reader, fieldname: str, btext: bytes) -> bool:
    """Return True when ``term_positions`` of FIELDNAME:BTEXT is kept decoded in the cache."""
    return (*segment_key(reader), fieldname, btext, "positions") in cache()


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


def _decode(reader, fieldname: str, btext: bytes, values: bool = False):
    """Read every block of FIELDNAME:BTEXT's posting list from the segment's files.

    Return its Postings, or with VALUES its Values.
    """
    terms = reader._terms
    try:
        info = terms.term_info(fieldname, btext)
    except (KeyError, TermNotFound):
        return _values([]) if values else EMPTY
    if info.is_inlined():
        ids, weights, found = info.inlined_postings()
        if values:
            return _values(found)
        return Postings(np.asarray(ids, np.int64), np.asarray(weights, np.float64))
    offset, length = info.extent()
    if isinstance(length, tuple):  # Whoosh reads the stored length back as a 1-tuple
        length = length[0]
    raw = terms._postfile.get(offset, length)
    if raw[:4] != _MAGIC:
        raise ValueError(f"not a Whoosh 3 posting list: {fieldname}:{btext!r}")
    id_parts, weight_parts, value_parts = [], [], []
    flat = isinstance(reader._segment.codec(), news_codec.NewsCodec)
    fixedsize = reader.schema[fieldname].format.fixed_value_size()
    pos = 4
    last = False
    while not last:
        size = _INT.unpack_from(raw, pos)[0]
        last = size < 0
        end = pos + 4 + abs(size)
        view = memoryview(raw)[pos + 4 : end]
        if flat:  # our codec's blocks: a packed header, then flat arrays (searchidx.codec)
            count, _, _, compressed, _, _ = news_codec.BLOCK_HEADER.unpack_from(view)
            data = bytes(view[news_codec.BLOCK_HEADER.size :])
            if compressed:
                data = zlib.decompress(data)
            if values:
                value_parts.extend(news_codec.decode_block(data, count, fixedsize)[2])
            else:
                ids, weights = news_codec.block_arrays(data, count)
                id_parts.append(np.diff(ids, prepend=0))  # as deltas, like Whoosh's blocks
                weight_parts.append(weights)
            pos = end
            continue
        unpickler_pos, header = _load_prefix(view)
        count, _, _, compressed = header[0], header[1], header[2], header[3]
        data = bytes(view[unpickler_pos:])
        if compressed:
            data = zlib.decompress(data)
        ids, weights, found = pickle.loads(data)
        if values:
            value_parts.extend(found)
            pos = end
            continue
        id_parts.append(ids)
        if weights is None:
            weight_parts.append(np.ones(count))
        elif isinstance(weights, float):
            weight_parts.append(np.full(count, weights))
        else:
            weight_parts.append(weights)
        pos = end
    if values:
        return _values(value_parts)
    ids = np.cumsum(np.concatenate([np.asarray(p, np.int64) for p in id_parts]))
    # Each block's ids are deltas from the block's start (base 0), so undo per block.
    starts = np.cumsum([0] + [len(p) for p in id_parts[:-1]])
    if len(id_parts) > 1:
        bases = np.repeat(np.concatenate(([0], ids[starts[1:] - 1])), [len(p) for p in id_parts])
        ids = ids - bases
    weights = np.concatenate([np.asarray(w, np.float64) for w in weight_parts])
    return Postings(ids, weights)


def _packed_positions(reader, fieldname: str, btext: bytes) -> PositionLists | None:
    """Return the positions of a list whose blocks all hold packed positions (poscodec).

    They are read as arrays, without making each posting's bytes; None for any other
    list (older blocks, a term info holding its posting, another codec).
    """
    if not isinstance(reader._segment.codec(), news_codec.NewsCodec):
        return None
    terms = reader._terms
    try:
        info = terms.term_info(fieldname, btext)
    except (KeyError, TermNotFound):
        return None
    if info.is_inlined():
        return None
    offset, length = info.extent()
    if isinstance(length, tuple):
        length = length[0]
    raw = terms._postfile.get(offset, length)
    if raw[:4] != _MAGIC:
        return None
    count_parts, position_parts = [], []
    pos, last = 4, False
    while not last:
        size = _INT.unpack_from(raw, pos)[0]
        last = size < 0
        end = pos + 4 + abs(size)
        view = memoryview(raw)[pos + 4 : end]
        count, _, _, compressed, _, _ = news_codec.BLOCK_HEADER.unpack_from(view)
        data = bytes(view[news_codec.BLOCK_HEADER.size :])
        if compressed:
            data = zlib.decompress(data)
        at = news_codec.values_at(data, count)
        if at is None:
            return None
        counts, flat = poscodec.block_positions(data, at)
        if len(counts) != count:  # a posting without positions: not a positions list
            return None
        count_parts.append(counts)
        position_parts.append(flat)
        pos = end
    counts = np.concatenate(count_parts)
    offsets = np.zeros(len(counts) + 1, np.int64)
    np.cumsum(counts, out=offsets[1:])
    return PositionLists(offsets, np.concatenate(position_parts))


def _positions(values: Values, decode) -> PositionLists:
    lists = [decode(values[i]) for i in range(len(values.offsets) - 1)]
    offsets = np.zeros(len(lists) + 1, np.int64)
    np.cumsum([len(p) for p in lists], out=offsets[1:])
    flat = np.fromiter((p for one in lists for p in one), np.int64, count=int(offsets[-1]))
    return PositionLists(offsets, flat)


def _values(found) -> Values:
    offsets = np.zeros(len(found) + 1, np.int64)
    np.cumsum([len(v) for v in found], out=offsets[1:])
    return Values(b"".join(found), offsets)


def _load_prefix(view: memoryview) -> tuple[int, tuple]:
    """Unpickle the block header at the start of VIEW; return (bytes used, header)."""
    stream = io.BytesIO(view)
    header = pickle.load(stream)
    return stream.tell(), header
