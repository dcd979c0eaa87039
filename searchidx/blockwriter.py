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
from .terminfo import NewsTermInfo

_INT = struct.Struct("!i")  # Whoosh's write_int: a block's length (negative: the last)
_FLOAT = struct.Struct("<f")  # a block's one weight (codec._SAME)
_NO_LENGTH = 256  # above any length byte: a posting of a document without the field


def write_field(fieldwriter, grouped, lens: bytes | None, positions: bool) -> None:
    """Write every term of GROUPED (one field) through FIELDWRITER, started on that field.

    LENS is the field's length column (a byte a document) or None; POSITIONS whether the
    format keeps positions (packed as ``poscodec`` packs them).
    """
    texts, ids, counts, term_starts, deltas, token_starts = grouped.arrays()
    if not texts:
        return
    post = fieldwriter._postwriter
    limit = post._blocklimit
    level = post._compression
    postfile = fieldwriter._postfile
    prefix = pack_ushort(fieldwriter._fieldid)
    add_term = fieldwriter._tindex.add

    n_terms = len(texts)
    sizes = np.diff(term_starts)
    nblocks = (sizes + limit - 1) // limit
    first_block = np.zeros(n_terms + 1, np.int64)
    np.cumsum(nblocks, out=first_block[1:])
    # Where each block starts and ends, in postings.
    term_of_block = np.repeat(np.arange(n_terms), nblocks)
    within = np.arange(first_block[-1]) - first_block[term_of_block]
    block_starts = term_starts[:-1][term_of_block] + limit * within
    block_ends = np.minimum(block_starts + limit, term_starts[1:][term_of_block])
    # Document deltas, restarting at each block (a block's first is its document).
    id_deltas = ids.copy()
    id_deltas[1:] -= ids[:-1]
    id_deltas[block_starts] = ids[block_starts]
    id_bytes = id_deltas.tobytes()
    counts64 = counts.astype(np.int64)
    wmin = np.minimum.reduceat(counts64, block_starts)
    wmax = np.maximum.reduceat(counts64, block_starts)
    wsum = np.add.reduceat(counts64, block_starts)
    weights16 = counts.astype(np.uint16).tobytes()
    weights32 = counts.astype(np.uint32).tobytes()
    if lens is not None:
        per_posting = np.frombuffer(lens, np.uint8)[ids].astype(np.int64)
        lmax = np.maximum.reduceat(per_posting, block_starts)
        per_posting[per_posting == 0] = _NO_LENGTH
        lmin = np.minimum.reduceat(per_posting, block_starts)
        del per_posting
    if positions:
        token_block_starts = token_starts[block_starts]
        dmax = np.maximum.reduceat(deltas, token_block_starts)
        deltas16 = deltas.astype(np.uint16).tobytes()
        deltas32 = deltas.astype(np.uint32).tobytes()
        token_starts_l = token_starts.tolist()

    starts_l = term_starts.tolist()
    first_l = first_block.tolist()
    bstart_l = block_starts.tolist()
    bend_l = block_ends.tolist()
    wmin_l, wmax_l, wsum_l = wmin.tolist(), wmax.tolist(), wsum.tolist()
    ids_l = ids.tolist()
    lmin_l = lmax_l = None
    if lens is not None:
        lmin_l, lmax_l = lmin.tolist(), lmax.tolist()
    if positions:
        dmax_l = dmax.tolist()
        counts_l = counts.tolist()
        deltas_l = deltas
    header = codec.BLOCK_HEADER.pack
    head = poscodec._HEAD.pack
    compress_from = codec._COMPRESS_FROM
    ones, same, u16, u32, packed_flag = (
        codec._ONES,
        codec._SAME,
        codec._U16,
        codec._U32,
        codec._PACKED,
    )
    write = postfile.write

    for t in range(n_terms):
        a, b = starts_l[t], starts_l[t + 1]
        info = NewsTermInfo()
        if b - a == 1:  # one posting: held by the term info (terminfo.py)
            blk = first_l[t]
            info._weight = float(wsum_l[blk])
            info._df = 1
            _lengths(info, lens, lmin_l, lmax_l, blk, blk + 1)
            info._maxweight = float(wmax_l[blk])
            info._minid = info._maxid = ids_l[a]
            if positions:
                n = counts_l[a]
                ta = token_starts_l[a]
                if n == 1:
                    value = poscodec.whoosh_value(int(deltas_l[ta]))
                else:
                    value = poscodec.whoosh_values([n], deltas_l[ta : ta + n])[0]
            else:
                value = b""
            info.hold(ids_l[a], float(wmax_l[blk]), value)
            add_term(prefix + texts[t], info.to_bytes())
            continue
        start_offset = postfile.tell()
        write(WHOOSH3_HEADER_MAGIC)
        weight_total = 0.0
        maxweight = 0.0
        for blk in range(first_l[t], first_l[t + 1]):
            s, e = bstart_l[blk], bend_l[blk]
            n = e - s
            lo, hi = wmin_l[blk], wmax_l[blk]
            if hi == 1 and lo == 1:
                kind, wbytes = ones, b""
            elif lo == hi:
                kind, wbytes = same, _FLOAT.pack(hi)
            elif hi < 65536:
                kind, wbytes = u16, weights16[2 * s : 2 * e]
            else:
                kind, wbytes = u32, weights32[4 * s : 4 * e]
            parts = [id_bytes[4 * s : 4 * e], wbytes]
            if positions:
                ts, te = token_starts_l[s], token_starts_l[e]
                widths = 0
                if hi >= 65536:
                    widths |= 1
                    cbytes = weights32[4 * s : 4 * e]
                else:
                    cbytes = weights16[2 * s : 2 * e]
                if dmax_l[blk] >= 65536:
                    widths |= 2
                    dbytes = deltas32[4 * ts : 4 * te]
                else:
                    dbytes = deltas16[2 * ts : 2 * te]
                parts.append(head(n, widths) + cbytes + dbytes)
                kind |= packed_flag
            data = bytes((kind,)) + b"".join(parts)
            comp = level if len(data) >= compress_from else 0
            if comp:
                data = zlib.compress(data, comp)
            if lens is not None:
                low = lmin_l[blk]
                minlength = None if low == _NO_LENGTH else byte_to_length(low)
                maxlength = byte_to_length(lmax_l[blk]) if lmax_l[blk] else 0
            else:
                minlength, maxlength = None, 0
            infobytes = header(
                n,
                ids_l[e - 1],
                float(hi),
                comp,
                length_to_byte(minlength),
                length_to_byte(maxlength),
            )
            last = blk == first_l[t + 1] - 1
            size = len(infobytes) + len(data)
            write(_INT.pack(-size if last else size))
            write(infobytes)
            write(data)
            weight_total += wsum_l[blk]
            maxweight = max(maxweight, float(hi))
        info._weight = weight_total
        info._df = b - a
        _lengths(info, lens, lmin_l, lmax_l, first_l[t], first_l[t + 1])
        info._maxweight = maxweight
        info._minid = ids_l[a]
        info._maxid = ids_l[b - 1]
        info.set_extent(start_offset, postfile.tell() - start_offset)
        add_term(prefix + texts[t], info.to_bytes())


def _lengths(info, lens, lmin_l, lmax_l, first: int, end: int) -> None:
    """Set INFO's smallest and largest field length from its blocks FIRST..END."""
    if lens is None:
        info._minlength, info._maxlength = None, 0
        return
    low = min(lmin_l[first:end])
    high = max(lmax_l[first:end])
    info._minlength = None if low == _NO_LENGTH else byte_to_length(low)
    info._maxlength = byte_to_length(high) if high else 0
