"""A field's posting lists written from ``tokenbuffer.GroupedTerms``, blocks encoded all at once.

``codec.NewsPostingsWriter`` encodes a term's postings block by block: a dozen Python steps
and small numpy calls a block, and most terms have one short block.  A field gathered as
tokens already holds every posting in arrays (documents, weights, positions) sorted by
term, so here what each block needs is computed for the whole field at once with numpy —
where blocks start (every 128 postings of a term), document deltas, each block's weight
kind, smallest and largest field length and position widths — and a block is then a few
slices of those arrays, zlib and a header.  The bytes written are exactly those of
``NewsPostingsWriter`` (a test compares the files), so readers see no difference.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from . import codec, poscodec
from .terminfo import compact_list, compact_one

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
    format keeps positions (packed as ``poscodec`` packs them).
    """
    texts, ids, counts, term_starts, deltas, token_starts = grouped.arrays()
    if not texts:
        return
    post = fieldwriter._postwriter
    blocks = _Blocks(ids, counts, term_starts, deltas, token_starts, lens, post._blocklimit)
    level = post._compression
    postfile = fieldwriter._postfile
    prefix = pack_ushort(fieldwriter._fieldid)
    add_term = fieldwriter._tindex.add
    starts = term_starts.tolist()
    firsts = blocks.firsts
    ids, wmax = blocks.ids, blocks.wmax
    for t in range(len(texts)):
        a, b = starts[t], starts[t + 1]
        first, end = firsts[t], firsts[t + 1]
        low, high = blocks.length_bytes(first, end)
        if b - a == 1:  # one posting: held by the term info (terminfo.py)
            value = blocks.value(a) if positions else b""
            add_term(prefix + texts[t], compact_one(ids[a], float(wmax[first]), low, high, value))
            continue
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
        info = compact_list(
            float(sum(blocks.wsum[first:end])),
            b - a,
            low,
            high,
            float(max(wmax[first:end])),
            ids[a],
            ids[b - 1],
            offset,
            postfile.tell() - offset,
        )
        add_term(prefix + texts[t], info)


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
        self.wsum = np.add.reduceat(wide, starts).tolist()
        self.counts = {code: _Narrowed(counts, code) for code in "BHI"}
        self.lmin = self.lmax = None
        if lens is not None:  # each block's shortest and longest field (0: none)
            per_posting = np.frombuffer(lens, np.uint8)[ids].astype(np.int64)
            self.lmax = np.maximum.reduceat(per_posting, starts).tolist()
            per_posting[per_posting == 0] = _NO_LENGTH
            self.lmin = np.minimum.reduceat(per_posting, starts).tolist()
        if deltas is not None:
            self.deltas = deltas
            self.token_starts = token_starts.tolist()
            self.dmax = np.maximum.reduceat(deltas, token_starts[starts]).tolist()
            self.delta_bytes = {code: _Narrowed(deltas, code) for code in "BHI"}

    def value(self, posting: int) -> bytes:
        """Return Whoosh's bytes of POSTING's positions."""
        start, end = self.token_starts[posting], self.token_starts[posting + 1]
        if end - start == 1:
            return poscodec.whoosh_value(int(self.deltas[start]))
        return poscodec.whoosh_values([end - start], self.deltas[start:end])[0]

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

    def length_bytes(self, first: int, end: int) -> tuple[int, int]:
        """Return the shortest and longest field's length bytes of blocks FIRST..END."""
        if self.lmin is None:
            return 0, _HIGH_BYTE[0]
        if end - first == 1:
            return _LOW_BYTE[self.lmin[first]], _HIGH_BYTE[self.lmax[first]]
        return _LOW_BYTE[min(self.lmin[first:end])], _HIGH_BYTE[max(self.lmax[first:end])]

    def header(self, block: int, comp: int) -> bytes:
        """Return BLOCK's header: count, last document, largest weight, compression, lengths."""
        s, e = self.starts[block], self.ends[block]
        return codec.BLOCK_HEADER.pack(
            e - s,
            self.ids[e - 1],
            float(self.wmax[block]),
            comp,
            *self.length_bytes(block, block + 1),
        )
