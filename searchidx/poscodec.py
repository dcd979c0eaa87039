"""Positions stored as flat integer arrays in our posting blocks, read back as Whoosh's bytes.

Whoosh's ``Positions`` format encodes a posting's positions as a 4-byte count and a
pickled list of deltas (``pack_uint(n) + pickle.dumps(deltas, 2)``): 12 bytes for one
position, about half an index's postings bytes.  A block of our codec (``codec.py``)
stores them instead as two arrays — each posting's number of positions and all the
deltas one after another, 8 or 16 bits each where they fit — which zlib then compresses.
Reading turns them back into exactly Whoosh's bytes (pickling is deterministic), so the
matchers, phrases and the fast path above see what they saw before; ``block_positions``
gives the positions as arrays without making the bytes.

A value that is not in Whoosh's form (or a format with another encoding) leaves its block
in the plain layout: ``encode`` returns None.
"""

from __future__ import annotations

import pickle
import struct
from array import array
from itertools import accumulate
from typing import NamedTuple

import numpy as np
from whoosh.formats import Positions

_COUNT = struct.Struct(">I")  # Whoosh's pack_uint: the number of positions
# Values in the block, and widths: counts are uint32 (bit 0), uint8 (bit 3) or else
# uint16; deltas uint32 (bit 1), uint8 (bit 2) or else uint16.  (Bits 2 and 3 are newer:
# blocks written before them are never narrower than 16 bits.)
_HEAD = struct.Struct("<IB")
_WIDE_COUNTS, _WIDE_DELTAS, _NARROW_DELTAS, _NARROW_COUNTS = 1, 2, 4, 8


def widths(largest_count: int, largest_delta: int) -> int:
    """Return the widths byte of a block whose largest count and delta are these."""
    counts = (
        _WIDE_COUNTS if largest_count >= 65536 else _NARROW_COUNTS if largest_count < 256 else 0
    )
    deltas = (
        _WIDE_DELTAS if largest_delta >= 65536 else _NARROW_DELTAS if largest_delta < 256 else 0
    )
    return counts | deltas


def _code(widths: int, wide: int, narrow: int) -> str:
    return "I" if widths & wide else "B" if widths & narrow else "H"


def counts_code(widths: int) -> str:
    """Return the typecode of the counts of a block of these widths."""
    return _code(widths, _WIDE_COUNTS, _NARROW_COUNTS)


def deltas_code(widths: int) -> str:
    """Return the typecode of the deltas of a block of these widths."""
    return _code(widths, _WIDE_DELTAS, _NARROW_DELTAS)


_SINGLE: dict[int, bytes] = {}  # Whoosh's bytes of a lone position, by position
_SINGLE_LIMIT = 1 << 16


def applies(format_) -> bool:
    """Return True when FORMAT_ encodes its values as Whoosh's ``Positions`` does."""
    cls = type(format_)
    return (
        isinstance(format_, Positions)
        and cls.encode is Positions.encode
        and cls.decode_positions is Positions.decode_positions
    )


def encode(values, data: bytes | None = None, lengths=None) -> bytes | None:
    """Return the packed positions of a block's values, or None if one is not Whoosh's.

    The values are VALUES (a list of bytes), or DATA cut by LENGTHS (non-zero, in order).
    """
    if values is None:
        ends = accumulate(lengths)
        values = [data[e - n : e] for n, e in zip(lengths, ends)]
    counts = array("I")
    deltas = array("I")
    loads = pickle.loads
    unpack = _COUNT.unpack_from
    try:
        for value in values:
            found = loads(value[4:])
            if unpack(value)[0] != len(found):
                return None
            counts.append(len(found))
            deltas.extend(found)
    except (pickle.UnpicklingError, EOFError, TypeError, ValueError, OverflowError, struct.error):
        return None
    return pack(counts, deltas)


class Packed(NamedTuple):
    """A term's positions as arrays: how many each posting has, and their deltas.

    Deltas restart at each posting (its first delta is its first position), as in Whoosh's
    bytes; ``tokenbuffer`` makes them so and ``codec`` writes them without Whoosh's bytes.
    """

    counts: np.ndarray  # uint32, one a posting
    deltas: np.ndarray  # uint32, one a position


def pack(counts, deltas) -> bytes:
    """Return the packed form of COUNTS and DELTAS (``array`` or numpy arrays of uint32)."""
    counts = np.asarray(counts, np.uint32)
    deltas = np.asarray(deltas, np.uint32)
    sizes = widths(_max(counts) if len(counts) else 0, _max(deltas) if len(deltas) else 0)
    counts = counts.astype(counts_code(sizes))
    deltas = deltas.astype(deltas_code(sizes))
    return _HEAD.pack(len(counts), sizes) + counts.tobytes() + deltas.tobytes()


def _max(values: np.ndarray) -> int:
    # numpy's reduction costs microseconds to start: most blocks have a few values.
    return max(values.tolist()) if len(values) < 64 else int(values.max())


def whoosh_value(position: int) -> bytes:
    """Return Whoosh's bytes of a posting's lone POSITION."""
    value = _SINGLE.get(position)
    if value is None:
        value = _COUNT.pack(1) + pickle.dumps([position], 2)
        if position < _SINGLE_LIMIT:
            _SINGLE[position] = value
    return value


def whoosh_values(counts, deltas) -> list[bytes]:
    """Return Whoosh's bytes of each posting's positions, from COUNTS and DELTAS."""
    values = []
    append = values.append
    start = 0
    dumps = pickle.dumps
    pack_count = _COUNT.pack
    for n in counts.tolist() if isinstance(counts, np.ndarray) else counts:
        if n == 1:
            append(whoosh_value(int(deltas[start])))
        else:
            chunk = deltas[start : start + n]
            append(pack_count(n) + dumps(chunk.tolist(), 2))
        start += n
    return values


def as_bytes(packed: Packed) -> tuple[array, bytes]:
    """Return (value lengths, value bytes) of PACKED: Whoosh's bytes one after another."""
    values = whoosh_values(*packed)
    return array("I", map(len, values)), b"".join(values)


def _arrays(data: bytes, pos: int) -> tuple[array, array]:
    nvalues, sizes = _HEAD.unpack_from(data, pos)
    pos += _HEAD.size
    counts = array(counts_code(sizes))
    end = pos + counts.itemsize * nvalues
    counts.frombytes(data[pos:end])
    deltas = array(deltas_code(sizes), data[end:])
    return counts, deltas


def decode(data: bytes, pos: int) -> tuple:
    """Return the values (Whoosh's bytes) of the packed positions at POS of DATA."""
    return tuple(whoosh_values(*_arrays(data, pos)))


def block_positions(data: bytes, pos: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (positions per value, all positions) of the packed positions at POS of DATA."""
    counts, deltas = _arrays(data, pos)
    counts = np.frombuffer(counts, counts.typecode).astype(np.int64)
    flat = np.frombuffer(deltas, deltas.typecode).astype(np.int64)
    if len(flat):
        starts = np.zeros(len(counts), np.int64)
        np.cumsum(counts[:-1], out=starts[1:])
        flat = np.cumsum(flat)
        # Deltas restart at each value: subtract the running sum before the value's start.
        base = np.concatenate(([0], flat))[starts]
        flat -= np.repeat(base, counts)
    return counts, flat
