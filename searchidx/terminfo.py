"""Term infos that carry a lone posting themselves: no posting list in ``.pst`` for it.

Half the terms of a news index occur in one document (names, numbers, typos, each
document's id, path and file record).  Whoosh's W3 codec writes every term's postings
as a list in the postings file — 4 bytes of magic, a block length, a block header and a
zlib stream, about 35 bytes for one posting — and points to it from the term info with
12 bytes more.  (Whoosh means to inline short lists into the term info, but its writer
calls a method its term info does not have, so W3 indexes never do.)

Here a term with one posting keeps it in its term info.  In segments written before the
compact form below, that is the W3 term info's fixed fields (flags, weight, documents,
lengths, max weight, min and max id) with flags = 2, then the document number (uint32), the
weight (float32) and the value's bytes.  Read back it is exactly the posting the list
held: ``inlined_postings()`` gives ``((id,), (weight,), (value,))`` (value None for a
format without values, as a posting list's matcher gives it).  Term infos with flags 0 or 1 (every segment written before) read
as Whoosh reads them.

Compact term infos (flags 3 and 4).  W3's fixed fields take 23 bytes and a list's extent
12 more, and for a term of one posting most of them repeat one another (one document, its
weight is the total and the largest, its id the first and the last).  With the term
table's own overhead (``termtable.py``), a term cost about 84 bytes of a BBC index, more
than its postings: the term table was half the index.  New term infos are written
compact: flags 3 holds a lone posting as its document (varint), its weight, the field
length bytes and the value; flags 4 a list's fields as varints (the last id as a
difference) with its extent.  A weight is a varint of twice the number when it is whole
(as float32 keeps it), else a 1 and the float32: the same value W3 would read back.  Term
infos of any flags read back to the same fields (a test holds them equal to W3's), and
``NewsTermsReader`` answers a term's weight and documents from any of them (Whoosh's own
reader reads those at W3's fixed offsets).
"""

from __future__ import annotations

import struct

import numpy as np
from whoosh.codec.whoosh3 import W3FieldCursor, W3TermInfo, W3TermsReader
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length, length_to_byte

from . import byterows
from .byterows import Column

ONE_POSTING = 2  # the flags byte of a term info holding its single posting
COMPACT_ONE = 3  # ... of a compact term info holding its single posting
COMPACT_LIST = 4  # ... of a compact term info of a posting list
_POSTING = struct.Struct("<If")


class NewsTermInfo(W3TermInfo):
    """W3's term info, able to hold a single posting (flags ``COMPACT_ONE``, or
    ``ONE_POSTING`` in segments written before)."""

    _held: tuple[int, float, bytes] | None = None  # a lone posting: document, weight, value

    def __init__(self, *args, **kwargs):
        if args or kwargs:
            super().__init__(*args, **kwargs)
            return
        # W3TermInfo's empty term info, without the chain of keyword defaults.
        self._weight = 0
        self._df = 0
        self._minlength = None
        self._maxlength = 0
        self._maxweight = 0
        self._minid = None
        self._maxid = 0
        self._offset = None
        self._length = None
        self._inlined = None

    def add_block(self, block) -> None:
        """Add a written block's figures, as W3's ``add_block`` does.

        A block whose documents all have a zero-length field (a title of stopwords alone:
        BM25 counts no stopword) has no shortest length (None).  W3's method compares that
        None with the earlier blocks' length and fails; here such a block leaves the term's
        shortest length as it is, as ``blockwriter`` does for a whole field.
        """
        self._weight += sum(block._weights)
        self._df += len(block)
        low = block.min_length()
        if low is not None:
            self._minlength = low if self._minlength is None else min(self._minlength, low)
        self._maxlength = max(self._maxlength, block.max_length())
        self._maxweight = max(self._maxweight, block.max_weight())
        if self._minid is None:
            self._minid = block.min_id()
        self._maxid = block.max_id()

    def hold(self, docnum: int, weight: float, value: bytes) -> None:
        """Keep the term's single posting in this term info."""
        weight = _F32.unpack(_F32.pack(weight))[0]  # as float32, as a list's block keeps it
        self._held = (docnum, weight, value)
        self.set_inlined((docnum,), (weight,), (value,) if value else (None,))

    def to_bytes(self) -> bytes:
        if self._held is not None:
            return self._compact_one()
        if self._inlined is None and self._offset is not None and self._minid is not None:
            return self._compact_list()
        return super().to_bytes()

    def _compact_one(self) -> bytes:
        docnum, weight, value = self._held
        return compact_one(docnum, weight, *self._length_bytes(), value)

    def _compact_list(self) -> bytes:
        return compact_list(
            self._weight,
            self._df,
            *self._length_bytes(),
            self._maxweight,
            self._minid,
            self._maxid,
            self._offset,
            self._length,
        )

    def _length_bytes(self) -> tuple[int, int]:
        low = 0 if self._minlength is None else length_to_byte(self._minlength)
        return low, length_to_byte(self._maxlength)

    @classmethod
    def from_bytes(cls, s):
        flags = s[0]
        if flags == COMPACT_ONE:
            return cls._from_compact_one(s)
        if flags == COMPACT_LIST:
            return cls._from_compact_list(s)
        st = cls._struct
        if flags != ONE_POSTING:
            terminfo = W3TermInfo.from_bytes(s)
            terminfo.__class__ = cls
            return terminfo
        head = bytes((0,)) + bytes(s[1 : st.size]) + bytes(12)  # as a W3 list's term info
        terminfo = cls.from_bytes(head)
        docnum, weight = _POSTING.unpack_from(s, st.size)
        value = bytes(s[st.size + _POSTING.size :])
        terminfo._offset = terminfo._length = None
        terminfo.set_inlined((docnum,), (weight,), (value,) if value else (None,))
        return terminfo

    @classmethod
    def _from_compact_one(cls, s):
        docnum, at = _read_varint(s, 1)
        weight, at = _read_weight(s, at)
        low, high = _LENGTH_BYTES.unpack_from(s, at)
        value = bytes(s[at + _LENGTH_BYTES.size :])
        terminfo = cls()
        terminfo._weight = terminfo._maxweight = weight
        terminfo._df = 1
        terminfo._minlength, terminfo._maxlength = byte_to_length(low), byte_to_length(high)
        terminfo._minid = terminfo._maxid = docnum
        terminfo.set_inlined((docnum,), (weight,), (value,) if value else (None,))
        return terminfo

    @classmethod
    def _from_compact_list(cls, s):
        terminfo = cls()
        terminfo._weight, at = _read_weight(s, 1)
        terminfo._df, at = _read_varint(s, at)
        low, high = _LENGTH_BYTES.unpack_from(s, at)
        terminfo._minlength, terminfo._maxlength = byte_to_length(low), byte_to_length(high)
        terminfo._maxweight, at = _read_weight(s, at + _LENGTH_BYTES.size)
        terminfo._minid, at = _read_varint(s, at)
        span, at = _read_varint(s, at)
        terminfo._maxid = terminfo._minid + span
        terminfo._offset, at = _read_varint(s, at)
        terminfo._length, at = _read_varint(s, at)
        return terminfo


def compact_one(docnum: int, weight: float, low: int, high: int, value: bytes) -> bytes:
    """Return the bytes of a term info holding its one posting (``COMPACT_ONE``): DOCNUM,
    WEIGHT, the field's length bytes LOW and HIGH (low 0: none) and VALUE."""
    return b"".join(
        (_FLAG_ONE, _varint(docnum), _weight(weight), _LENGTH_BYTES.pack(low, high), value)
    )


def compact_list(
    weight: float,
    df: int,
    low: int,
    high: int,
    maxweight: float,
    minid: int,
    maxid: int,
    offset: int,
    length: int,
) -> bytes:
    """Return the bytes of a term info of a posting list (``COMPACT_LIST``): its total
    WEIGHT, documents DF, field length bytes LOW and HIGH (low 0: none), largest weight,
    first and last documents, and where its blocks are in the postings file."""
    return b"".join(
        (
            _FLAG_LIST,
            _weight(weight),
            _varint(df),
            _LENGTH_BYTES.pack(low, high),
            _weight(maxweight),
            _varint(minid),
            _varint(maxid - minid),
            _varint(offset),
            _varint(length),
        )
    )


def compact_ones(docs, weights, low, high, values: Column) -> Column:
    """Return ``compact_one``'s bytes for many lone postings at once (arrays, one a term)."""
    n = len(docs)
    return byterows.join(
        [
            byterows.fixed(np.full((n, 1), COMPACT_ONE, np.uint8)),
            byterows.varints(docs),
            _weights(weights),
            byterows.fixed(np.column_stack([low, high]).astype(np.uint8)),
            values,
        ]
    )


def compact_lists(weights, dfs, low, high, maxweights, minids, maxids, offsets, lengths) -> Column:
    """Return ``compact_list``'s bytes for many posting lists at once (arrays, one a term)."""
    minids = np.asarray(minids, np.uint64)
    return byterows.join(
        [
            byterows.fixed(np.full((len(dfs), 1), COMPACT_LIST, np.uint8)),
            _weights(weights),
            byterows.varints(dfs),
            byterows.fixed(np.column_stack([low, high]).astype(np.uint8)),
            _weights(maxweights),
            byterows.varints(minids),
            byterows.varints(np.asarray(maxids, np.uint64) - minids),
            byterows.varints(offsets),
            byterows.varints(lengths),
        ]
    )


def _weights(weights) -> Column:
    """Return ``_weight``'s bytes for each of WEIGHTS."""
    kept = np.asarray(weights, np.float64).astype("<f4")
    wide = kept.astype(np.float64)
    whole = (wide == np.floor(wide)) & (wide >= 0) & (wide < 2.0**53)
    # A whole number is twice itself as a varint; any other is the varint 1 (its tag)
    # followed by its float32.
    tags = byterows.varints(np.where(whole, wide * 2, 1))
    floats = byterows.Column(kept[~whole].view(np.uint8), np.where(whole, 0, _F32.size))
    return byterows.join([tags, floats])


_FLAG_ONE = bytes((COMPACT_ONE,))
_FLAG_LIST = bytes((COMPACT_LIST,))
_LENGTH_BYTES = struct.Struct("BB")  # the shortest and longest field, as length bytes
_F32 = struct.Struct("<f")
_DOCS = struct.Struct("!I")  # W3: flags (B), weight (f), then documents (I)
_SMALL = [bytes((n,)) for n in range(128)]


def _varint(n: int) -> bytes:
    """Return N (>= 0) as an unsigned LEB128 varint."""
    if n < 128:
        return _SMALL[n]
    out = bytearray()
    while n >= 128:
        out.append(n & 127 | 128)
        n >>= 7
    out.append(n)
    return bytes(out)


def _read_varint(data, at: int) -> tuple[int, int]:
    """Return the varint at AT in DATA and where it ends."""
    n = shift = 0
    while True:
        byte = data[at]
        at += 1
        n |= (byte & 127) << shift
        if byte < 128:
            return n, at
        shift += 7


def _weight(weight: float) -> bytes:
    """Return WEIGHT as float32 keeps it: twice a whole number as a varint, else 1 + float32."""
    packed = _F32.pack(weight)
    kept = _F32.unpack(packed)[0]
    if kept.is_integer() and 0 <= kept < 1 << 53:
        return _varint(int(kept) << 1)
    return _SMALL[1] + packed


def _read_weight(data, at: int) -> tuple[float, int]:
    tag, at = _read_varint(data, at)
    if tag == 1:
        return _F32.unpack_from(data, at)[0], at + _F32.size
    return float(tag >> 1), at


def doc_frequency(data, at: int = 0) -> int:
    """Return the documents of the term info whose bytes start at AT in DATA (any flags)."""
    flags = data[at]
    if flags == COMPACT_ONE:
        return 1
    if flags == COMPACT_LIST:
        return _read_varint(data, _read_weight(data, at + 1)[1])[0]
    return _DOCS.unpack_from(data, at + 5)[0]


class NewsFieldCursor(W3FieldCursor):
    """Whoosh's term cursor, decoding our term infos."""

    def term_info(self):
        if self._pos is None:
            return None
        return NewsTermInfo.from_bytes(self._tindex.dbfile.get(self._datapos, self._datalen))


class NewsTermsReader(W3TermsReader):
    """Whoosh's W3 terms reader, decoding our term infos (and Whoosh's) wherever it reads one."""

    def cursor(self, fieldname, fieldobj):
        return NewsFieldCursor(self._tindex, fieldname, self._keycoder, self._keydecoder, fieldobj)

    def items(self):
        decode, keydecoder = NewsTermInfo.from_bytes, self._keydecoder
        return ((keydecoder(k), decode(v)) for k, v in self._tindex.items())

    def items_from(self, fieldname, prefix):
        prefixbytes = self._keycoder(fieldname, prefix)
        decode, keydecoder = NewsTermInfo.from_bytes, self._keydecoder
        return ((keydecoder(k), decode(v)) for k, v in self._tindex.items_from(prefixbytes))

    def term_info(self, fieldname, tbytes):
        key = self._keycoder(fieldname, tbytes)
        try:
            return NewsTermInfo.from_bytes(self._tindex[key])
        except KeyError:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}") from None

    def frequency(self, fieldname, tbytes):
        return self._info_at(fieldname, tbytes).weight()

    def doc_frequency(self, fieldname, tbytes):
        datapos, datalen = self._range_for_key(fieldname, tbytes)
        return doc_frequency(self._dbfile.get(datapos, min(datalen, 16)))

    def _info_at(self, fieldname, tbytes) -> NewsTermInfo:
        datapos, datalen = self._range_for_key(fieldname, tbytes)  # KeyError as Whoosh's
        return NewsTermInfo.from_bytes(self._dbfile.get(datapos, datalen))
