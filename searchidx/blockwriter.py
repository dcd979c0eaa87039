"""A field's posting lists written from ``tokenbuffer.GroupedTerms``, blocks encoded all at once.

``codec.NewsPostingsWriter`` encodes a term's postings block by block: a dozen Python steps
and small numpy calls a block, and most terms have one short block.  A field gathered as
tokens already holds every posting in arrays (documents, weights, positions) sorted by
term, so here what each block needs is computed for the whole field at once with numpy —
where blocks start (every 128 postings of a term), document deltas, each block's weight
kind, smallest and largest field length and position widths — and a block is then a few
slices of those arrays, zlib and a header.  The term infos are made for the whole field at
once too (``terminfo.compact_lists`` and ``compact_ones``, with ``byterows``) and go to the
term table in one call (``termtable.TermTableWriter.add_many``).  The bytes written are
exactly those of ``NewsPostingsWriter`` and Whoosh's term table (tests compare the files),
so readers see no difference.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from . import byterows, codec, poscodec
from .terminfo import compact_lists, compact_ones

_INT = struct.Struct("!i")  # Whoosh's write_int: a block's length (negative: the last)
_FLOAT = struct.Struct("<f")  # a block's one weight (codec._SAME)
_NO_LENGTH = 256  # above any length byte: a posting of a document without the field
# The shortest and longest field (length bytes; _NO_LENGTH: none) as a block header and a
# term info keep them: made lengths and back (Whoosh's round trip; none: 0).
_LOW_BYTE = [length_to_byte(byte_to_length(b)) for b in range(256)] + [0]
_HIGH_BYTE = [length_to_byte(byte_to_length(b) if b else 0) for b in range(256)]


def write_field(fieldwriter, grouped, lens: bytes | None, positions: bool) -> None:
    """Write every term of GROUPED (one field) through FIELDWRITER, started on that field.

    LENS is the field's length column (a byte a document) or None; POSITIONS whether the
    format keeps positions (packed as ``poscodec`` packs them).  The posting lists are
    written a block at a time; the term infos are made ``_TERMS_AT_ONCE`` terms at a time,
    each step added to the term table in one call.
    """
    texts, ids, counts, term_starts, deltas, token_starts = grouped.arrays()
    if not texts:
        return
    post = fieldwriter._postwriter
    blocks = _Blocks(ids, counts, term_starts, deltas, token_starts, lens, post._blocklimit)
    lone = np.diff(term_starts) == 1  # one posting: held by the term info (terminfo.py)
    offsets, extents = _write_lists(
        fieldwriter._postfile, blocks, np.flatnonzero(~lone), post, positions
    )
    where = np.zeros(len(texts), np.int64)  # a list's place in the postings file, and size
    size = np.zeros(len(texts), np.int64)
    where[~lone], size[~lone] = offsets, extents
    low, high = blocks.term_length_bytes(term_starts)
    wide = counts.astype(np.int64)
    weight = np.add.reduceat(wide, term_starts[:-1])
    top = np.maximum.reduceat(wide, term_starts[:-1])
    prefix = pack_ushort(fieldwriter._fieldid)
    # Term infos a few thousand terms at a time: a field may have a term a document (ids,
    # paths), and building bytes in bulk takes index arrays of 8 bytes a byte.
    for first in range(0, len(texts), _TERMS_AT_ONCE):
        last = min(first + _TERMS_AT_ONCE, len(texts))
        lists = first + np.flatnonzero(~lone[first:last])
        singles = first + np.flatnonzero(lone[first:last])
        a, b = term_starts[lists], term_starts[lists + 1]
        list_infos = compact_lists(
            weight[lists],
            b - a,
            low[lists],
            high[lists],
            top[lists],
            ids[a],
            ids[b - 1],
            where[lists],
            size[lists],
        )
        at = term_starts[singles]
        values = blocks.values(at) if positions else byterows.of_bytes([b""] * len(at))
        lone_infos = compact_ones(ids[at], wide[at], low[singles], high[singles], values)
        infos = byterows.place(
            last - first, [(lists - first, list_infos), (singles - first, lone_infos)]
        )
        fieldwriter._tindex.add_many(prefix, texts[first:last], infos)


_TERMS_AT_ONCE = 16_384


def _write_lists(postfile, blocks, lists, post, positions: bool) -> tuple[list, list]:
    """Write the posting lists of terms LISTS; return where each starts and its bytes."""
    level = post._compression
    firsts = blocks.firsts
    offsets, extents = [], []
    for t in lists.tolist():
        first, end = firsts[t], firsts[t + 1]
        offset = postfile.tell()
        postfile.write(WHOOSH3_HEADER_MAGIC)
        for block in range(first, end):
            data = blocks.encode(block, positions)
            comp = level if len(data) >= codec._COMPRESS_FROM else 0
            if comp:
                data = zlib.compress(data, comp)
            head = blocks.header(block, comp)
            size = len(head) + len(data)
            postfile.write(_INT.pack(-size if block == end - 1 else size))
            postfile.write(head)
            postfile.write(data)
        offsets.append(offset)
        extents.append(postfile.tell() - offset)
    return offsets, extents


class _Narrowed:
    """An array's values as bytes of one integer type (typecode CODE), sliced by index."""

    __slots__ = ("_bytes", "_size", "_array", "_code")

    def __init__(self, values: np.ndarray, code: str) -> None:
        self._array, self._code = values, code
        self._bytes: bytes | None = None  # made when first sliced: most types are never used
        self._size = np.dtype(code).itemsize

    def slice(self, start: int, end: int) -> bytes:
        if self._bytes is None:
            self._bytes = self._array.astype(self._code).tobytes()
        return self._bytes[self._size * start : self._size * end]


class _Blocks:
    """What every block of a field's posting lists needs, computed for all at once.

    Blocks cut each term's postings every LIMIT postings.  Figures per block are Python
    lists (a list index costs less than a numpy scalar); bytes are the whole field's, sliced.
    """

    def __init__(self, ids, counts, term_starts, deltas, token_starts, lens, limit) -> None:
        n_terms = len(term_starts) - 1
        nblocks = (np.diff(term_starts) + limit - 1) // limit
        firsts = np.zeros(n_terms + 1, np.int64)
        np.cumsum(nblocks, out=firsts[1:])
        term_of_block = np.repeat(np.arange(n_terms), nblocks)
        within = np.arange(firsts[-1]) - firsts[term_of_block]
        starts = term_starts[:-1][term_of_block] + limit * within
        ends = np.minimum(starts + limit, term_starts[1:][term_of_block])
        self.firsts = firsts.tolist()  # a term's first block (and the end)
        self.starts, self.ends = starts.tolist(), ends.tolist()  # a block's postings
        self.ids = ids.tolist()
        # Document deltas, restarting at each block (a block's first is its document),
        # in the narrowest type that holds each block's deltas after the first.
        id_deltas = ids.copy()
        id_deltas[1:] -= ids[:-1]
        id_deltas[starts] = 0
        self.id_flags = [
            codec.id_width_flag(d) for d in np.maximum.reduceat(id_deltas, starts).tolist()
        ]
        id_deltas[starts] = ids[starts]
        self.firsts_bytes = id_deltas.astype(np.uint32).tobytes()
        self.id_bytes = {
            flag: _Narrowed(id_deltas, code) for flag, (code, _) in codec.ID_CODES.items()
        }
        wide = counts.astype(np.int64)
        self.wmin = np.minimum.reduceat(wide, starts).tolist()
        self.wmax = np.maximum.reduceat(wide, starts).tolist()
        self.counts = {code: _Narrowed(counts, code) for code in "BHI"}
        self.lmin = self.lmax = None
        self._lengths = None
        if lens is not None:  # each block's shortest and longest field (0: none)
            per_posting = np.frombuffer(lens, np.uint8)[ids].astype(np.int64)
            self.lmax = np.maximum.reduceat(per_posting, starts).tolist()
            shortest = per_posting.copy()
            shortest[shortest == 0] = _NO_LENGTH
            self.lmin = np.minimum.reduceat(shortest, starts).tolist()
            self._lengths = per_posting, shortest
        if deltas is not None:
            self.deltas = deltas
            self._token_starts = token_starts
            self.token_starts = token_starts.tolist()
            self.dmax = np.maximum.reduceat(deltas, token_starts[starts]).tolist()
            self.delta_bytes = {code: _Narrowed(deltas, code) for code in "BHI"}

    def values(self, postings: np.ndarray) -> byterows.Column:
        """Return Whoosh's bytes of each of POSTINGS' positions."""
        starts = self._token_starts[postings].astype(np.int64)
        counts = self._token_starts[postings + 1] - starts
        # The postings' tokens, gathered: token j of posting p is starts[p] + j.
        before = np.cumsum(counts) - counts
        tokens = np.repeat(starts - before, counts) + np.arange(int(counts.sum()))
        return byterows.of_bytes(poscodec.whoosh_values(counts, self.deltas[tokens]))

    def term_length_bytes(self, term_starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return each term's shortest and longest field's length bytes (over its blocks)."""
        n_terms = len(term_starts) - 1
        if self._lengths is None:
            return np.zeros(n_terms, np.int64), np.full(n_terms, _HIGH_BYTE[0], np.int64)
        longest, shortest = self._lengths
        low = np.minimum.reduceat(shortest, term_starts[:-1])
        high = np.maximum.reduceat(longest, term_starts[:-1])
        return np.asarray(_LOW_BYTE)[low], np.asarray(_HIGH_BYTE)[high]

    def encode(self, block: int, positions: bool) -> bytes:
        """Return BLOCK's flags and flat arrays, as ``codec.encode_flat`` makes them."""
        s, e = self.starts[block], self.ends[block]
        lo, hi = self.wmin[block], self.wmax[block]
        if hi == 1:
            kind, weights = codec._ONES, b""
        elif lo == hi:
            kind, weights = codec._SAME, _FLOAT.pack(hi)
        else:
            kind = codec.count_kind(hi)
            weights = self.counts[codec._WEIGHT_CODES[kind][0]].slice(s, e)
        idflag = self.id_flags[block]
        flags = kind | idflag | (codec._PACKED if positions else 0)
        first = self.firsts_bytes[4 * s : 4 * s + 4]
        parts = [bytes((flags,)), first, self.id_bytes[idflag].slice(s + 1, e), weights]
        if positions:  # packed as poscodec.pack does: 8 or 16 bits where they fit
            ts, te = self.token_starts[s], self.token_starts[e]
            sizes = poscodec.widths(hi, self.dmax[block])
            parts.append(poscodec._HEAD.pack(e - s, sizes))
            parts.append(self.counts[poscodec.counts_code(sizes)].slice(s, e))
            parts.append(self.delta_bytes[poscodec.deltas_code(sizes)].slice(ts, te))
        return b"".join(parts)

    def length_bytes(self, block: int) -> tuple[int, int]:
        """Return BLOCK's shortest and longest field's length bytes."""
        if self.lmin is None:
            return 0, _HIGH_BYTE[0]
        return _LOW_BYTE[self.lmin[block]], _HIGH_BYTE[self.lmax[block]]

    def header(self, block: int, comp: int) -> bytes:
        """Return BLOCK's header: count, last document, largest weight, compression, lengths."""
        s, e = self.starts[block], self.ends[block]
        return codec.BLOCK_HEADER.pack(
            e - s,
            self.ids[e - 1],
            float(self.wmax[block]),
            comp,
            *self.length_bytes(block),
        )
