"""Our Whoosh codec: Whoosh's own segment layout, with postings and stored fields packed tighter.

Whoosh stays the index of record: segments, term index, TOC commits and the writer lock are
Whoosh's, and this codec plugs in through its codec API (``W3Codec`` subclassed).  Each
segment records its codec in the TOC, so segments written before this codec keep being read
with Whoosh's, and merging rewrites them with this one.  Two things change (measured on
Reuters with ``benchmarks/index_size.py``):

* **Posting blocks.**  Whoosh pickles each block as a tuple of Python objects (protocol 2,
  where every posting's positions, a ``bytes``, pickles as a call to ``codecs.encode``) and
  its header as a pickled tuple: 16.4 bytes a body posting.  Here a block is flat arrays —
  the first document number and the deltas to the next (8, 16 or 32 bits, the narrowest
  that holds the block's), frequencies (8, 16 or 32 bits) unless all are 1, and the
  positions (``poscodec``) — compressed with zlib, and the header is 15 packed bytes.  The
  arrays are made by ``array`` or numpy, in C, not per posting.
* **Stored fields.**  Whoosh compresses each document's pickled fields alone; here documents
  are pickled (protocol 5) into blocks of about 16 KB compressed together, so what documents
  share (field names, sources, paths, dates, vocabulary) is stored once a block.  Reading
  one document decompresses its block (about 16 KB; the last block read is kept).

Blocks read back to exactly what Whoosh's matcher would hold: the same ids, weights and
value bytes, so scoring, phrases and every matcher above are unchanged.
"""

from __future__ import annotations

import operator
import pickle
import struct
import zlib
from array import array
from bisect import bisect_left, bisect_right
from itertools import accumulate

import numpy as np
from whoosh import columns
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldWriter,
    W3LeafMatcher,
    W3PerDocReader,
    W3PerDocWriter,
    W3PostingsWriter,
    _lenfield,
)
from whoosh.system import _INT_SIZE, pack_ushort
from whoosh.util.numeric import _length_byte_cache as _LENGTH_BYTES
from whoosh.util.numeric import byte_to_length, length_to_byte

from . import blockwriter, poscodec, storedcache
from .columnwriters import column_writer
from .poscodec import Packed
from .postingpool import TermPostings
from .terminfo import NewsTermInfo, NewsTermsReader
from .termtable import PositionFile, TermTableWriter
from .tokenbuffer import GroupedTerms
from .tokenruns import MergedField

# count, last id, max weight, compression level, min and max length bytes
_HEADER = BLOCK_HEADER = struct.Struct("<IIfBBB")
# How a block stores its weights: all 1.0, all one value, uint16, uint32, float32, uint8.
_ONES, _SAME, _U16, _U32, _F32, _U8 = range(6)
_WEIGHT_CODES = {_U8: ("B", 1), _U16: ("H", 2), _U32: ("I", 4), _F32: ("f", 4)}
# Flag bits above the weights' kind: 0x10 value lengths are uint32; 0x20 the values are
# positions packed as arrays (poscodec; blocks written before it never have the bit);
# 0x40 / 0x80 the document deltas after the first are uint16 / uint8 (neither: uint32,
# as in blocks written before them).  The first document is always a uint32.
_PACKED = 0x20
_IDS16, _IDS8 = 0x40, 0x80
ID_CODES = {0: ("I", 4), _IDS16: ("H", 2), _IDS8: ("B", 1)}
# Bytes of a posting block below which it is stored uncompressed: zlib's header, checksum
# and block overhead leave little gain below this (Reuters' blocks of 48-95 bytes: 1.7% of
# their bytes, at 5 us a block).
_COMPRESS_FROM = 96
_STORED_BLOCK = 16 * 1024  # uncompressed bytes of pickled documents per stored block
# zlib level 1 for stored fields: half the time of level 6 to write, their bytes 8% more on
# Reuters (the index's 2%), no slower to read (60 µs a 16 KB block, 65 at level 6).
_STORED_LEVEL = 1
_PICKLE = 5


def _pack_weights(weights: array) -> tuple[int, bytes]:
    n = len(weights)
    if weights.count(1.0) == n:
        return _ONES, b""
    if weights.count(weights[0]) == n:
        return _SAME, array("f", (weights[0],)).tobytes()
    if min(weights) >= 0:
        ints = array("I", map(int, weights))
        if array("f", ints) == weights:  # frequencies: whole numbers
            kind = count_kind(max(ints))
            return kind, array(_WEIGHT_CODES[kind][0], ints).tobytes()
    return _F32, weights.tobytes()


def count_kind(largest: int) -> int:
    """Return the weight kind of whole-number weights up to LARGEST: 8, 16 or 32 bits."""
    return _U8 if largest < 256 else _U16 if largest < 65536 else _U32


def id_width_flag(largest_delta: int) -> int:
    """Return the flag of the narrowest type that holds a block's later document deltas."""
    return _IDS8 if largest_delta < 256 else _IDS16 if largest_delta < 65536 else 0


def _pack_ids(ids) -> tuple[int, bytes]:
    """Return (width flag, bytes) of a block's documents: the first, then the deltas."""
    deltas = array("I", map(operator.sub, ids[1:], ids))
    flag = id_width_flag(max(deltas) if deltas else 0)
    code = ID_CODES[flag][0]
    return flag, _FIRST.pack(ids[0]) + (deltas if code == "I" else array(code, deltas)).tobytes()


def _ids_end(flags: int, count: int) -> int:
    """Return where the documents of a block with FLAGS and COUNT postings end."""
    return 1 + 4 + ID_CODES[flags & (_IDS16 | _IDS8)][1] * (count - 1)


_FIRST = struct.Struct("<I")


def encode_block(
    ids: array, weights: array, values: list[bytes], fixedsize, positions: bool = False
) -> tuple[int, bytes]:
    """Return (flags, bytes) of a block of postings: ids, weights, values as flat arrays.

    POSITIONS: the values are Whoosh's positions, packed as arrays when they can be
    (``poscodec``).
    """
    lengths = array("I", map(len, values)) if fixedsize is None or fixedsize < 0 else None
    return encode_flat(ids, weights, lengths, b"".join(values), fixedsize, positions)


def encode_flat(
    ids,
    weights: array,
    lengths: array | None,
    data: bytes,
    fixedsize,
    positions: bool = False,
    packed: bytes | None = None,
):
    """Return (flags, bytes) of a block whose values are DATA, cut by LENGTHS (non-zero).

    LENGTHS is None for a format of fixed-size values (DATA is then those values).  PACKED,
    if given, is the block's positions already packed (``poscodec.pack``), in place of DATA.
    """
    idflag, idbytes = _pack_ids(ids)
    wkind, wbytes = _pack_weights(weights)
    wkind |= idflag
    parts = [idbytes, wbytes]
    if packed is not None:
        parts.append(packed)
        return wkind | _PACKED, b"".join(parts)
    wide = 0
    if positions and lengths:
        packed = poscodec.encode(None, data, lengths)
        if packed is not None:
            parts.append(packed)
            return wkind | _PACKED, b"".join(parts)
    if fixedsize is None or fixedsize < 0:  # values of any length: count, lengths, bytes
        # (Whoosh keeps only non-empty values, so there may be fewer than postings.)
        if lengths and max(lengths) >= 65536:
            wide = 1
        else:
            lengths = array("H", lengths)
        parts.append(struct.pack("<I", len(lengths)) + lengths.tobytes())
    if data:
        parts.append(data)
    return wkind | (wide << 4), b"".join(parts)


def decode_block(data: bytes, count: int, fixedsize):
    """Return (ids, weights, values) of a block made by ``encode_block``, as Whoosh holds them."""
    flags = data[0]
    wkind, wide = flags & 15, (flags >> 4) & 1
    pos = _ids_end(flags, count)
    code = ID_CODES[flags & (_IDS16 | _IDS8)][0]
    ids = tuple(accumulate(array(code, data[5:pos]), initial=_FIRST.unpack_from(data, 1)[0]))
    if wkind == _ONES:
        weights = array("f", [1.0]) * count
    elif wkind == _SAME:
        weights = array("f", data[pos : pos + 4]) * count
        pos += 4
    else:
        code, size = _WEIGHT_CODES[wkind]
        raw = array(code, data[pos : pos + size * count])
        weights = raw if code == "f" else array("f", raw)
        pos += size * count
    if flags & _PACKED:
        values = poscodec.decode(data, pos)
    elif fixedsize is None or fixedsize < 0:
        (nvalues,) = struct.unpack_from("<I", data, pos)
        pos += 4
        size = 4 if wide else 2
        lengths = array("I" if wide else "H", data[pos : pos + size * nvalues])
        pos += size * nvalues
        values = []
        for length in lengths:
            values.append(data[pos : pos + length])
            pos += length
        values = tuple(values)
    elif fixedsize == 0:
        values = (None,) * count
    else:
        values = tuple(data[pos + i * fixedsize : pos + (i + 1) * fixedsize] for i in range(count))
    return ids, weights, values


class NewsPostingsWriter(W3PostingsWriter):
    """Whoosh's postings writer, writing blocks as flat arrays (see the module docstring)."""

    def _write_block(self, last=False):
        if self._byteids:  # term vectors (none in our schema): Whoosh's own blocks
            return super()._write_block(last)
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        ids = self._ids
        positions = poscodec.applies(self._format)
        if self._packed is not None:  # from add_arrays: the positions, packed
            flags, data = encode_flat(
                ids, self._weights, None, b"", None, positions, packed=self._packed
            )
            self._packed = None
        elif self._flat is not None:  # from add_arrays: the values' lengths and bytes
            lengths, data = self._flat
            self._flat = None
            flags, data = encode_flat(
                ids, self._weights, lengths, data, self._format.fixed_value_size(), positions
            )
        else:
            flags, data = encode_block(
                ids, self._weights, self._values, self._format.fixed_value_size(), positions
            )
        databytes = bytes((flags,)) + data
        # zlib's header and checksum make a block of a few postings longer, not shorter.
        comp = self._compression if len(databytes) >= _COMPRESS_FROM else 0
        if comp:
            databytes = zlib.compress(databytes, comp)
        infobytes = _HEADER.pack(
            len(ids),
            ids[-1],
            self._maxweight,
            comp,
            length_to_byte(self._minlength),
            length_to_byte(self._maxlength),
        )
        blocklength = len(infobytes) + len(databytes)
        self._postfile.write_int(-blocklength if last else blocklength)
        self._postfile.write(infobytes)
        self._postfile.write(databytes)
        self._blockcount += 1
        self._new_block()

    _flat = None  # (value lengths, value bytes) of the block add_arrays buffered
    _packed = None  # or its positions, packed (poscodec.pack)

    def finish_postings(self):
        """Finish the term; a term of one posting keeps it in its term info (terminfo.py)."""
        terminfo = self._terminfo
        if (
            isinstance(terminfo, NewsTermInfo)
            and not self._byteids
            and not self.written()
            and len(self._ids) == 1
        ):
            terminfo.add_block(self)
            if self._packed is not None:
                value = poscodec.decode(self._packed, 0)[0]
                self._packed = None
            elif self._flat is not None:
                value = bytes(self._flat[1])
            else:
                value = self._values[0] if self._values else b""
            terminfo.hold(self._ids[0], self._weights[0], value)
            self._flat = None
            self._terminfo = None
            return terminfo
        return super().finish_postings()

    def add_arrays(self, ids: array, weights: array, values, lens: bytes | None):
        """Add a term's postings at once (document order), as ``add_posting`` would one by one.

        VALUES is None for a format without values, positions as ``poscodec.Packed`` arrays,
        or (lengths, data): each posting's value length (an array, or None when all are
        empty) and the values' bytes one after another.  LENS is the field's length column
        (one byte per document) or None.  The last block is left for ``finish_postings``.
        """
        limit = self._blocklimit
        offsets = None
        packed = isinstance(values, Packed)
        if packed and len(ids) > limit:
            offsets = np.zeros(len(ids) + 1, np.int64)
            np.cumsum(values.counts, out=offsets[1:])
        elif values is not None and values[0] is not None:
            offsets = array("Q", accumulate(values[0], initial=0))
        for start in range(0, len(ids), limit):
            if self._ids:
                self._write_block()
            end = start + limit
            block = ids[start:end]
            self._ids = block
            self._weights = weights[start:end]
            self._maxweight = max(self._maxweight, max(self._weights))
            if packed and len(ids) == 1 and values.counts[0] == 1:  # held by the term info
                self._values = [poscodec.whoosh_value(int(values.deltas[0]))]
            elif packed:
                counts, deltas = values
                if offsets is not None:
                    stop = min(end, len(ids))
                    counts = counts[start:end]
                    deltas = deltas[offsets[start] : offsets[stop]]
                self._values = []
                self._packed = poscodec.pack(counts, deltas)
            elif values is not None:
                lengths, data = values
                if lengths is None:
                    self._values = []
                    self._flat = (array("I"), b"")
                else:
                    cut = lengths[start:end]
                    stop = min(end, len(ids))
                    self._flat = (
                        array("I", filter(None, cut)),  # Whoosh keeps non-empty values
                        bytes(data[offsets[start] : offsets[stop]]),
                    )
            if lens is not None:
                nonzero = bytes(map(lens.__getitem__, block)).replace(b"\0", b"")
                if nonzero:
                    self._minlength = byte_to_length(min(nonzero))
                    self._maxlength = byte_to_length(max(nonzero))


def values_at(data: bytes, count: int) -> int | None:
    """Return where a block's packed positions start, or None if its values are not packed."""
    flags = data[0]
    if not flags & _PACKED:
        return None
    wkind = flags & 15
    pos = _ids_end(flags, count)
    if wkind == _SAME:
        pos += 4
    elif wkind in _WEIGHT_CODES:
        pos += _WEIGHT_CODES[wkind][1] * count
    return pos


def block_arrays(data: bytes, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the (ids, weights) of a block made by ``encode_block`` as numpy arrays."""
    flags = data[0]
    wkind = flags & 15
    pos = _ids_end(flags, count)
    ids = np.empty(count, np.int64)  # the first document, then the deltas to the next
    ids[0] = _FIRST.unpack_from(data, 1)[0]
    ids[1:] = np.frombuffer(data, ID_CODES[flags & (_IDS16 | _IDS8)][0], count - 1, 5)
    np.cumsum(ids, out=ids)
    if wkind == _ONES:
        weights = np.ones(count)
    elif wkind == _SAME:
        weights = np.full(count, np.frombuffer(data, np.float32, 1, pos)[0], np.float64)
    else:
        kind = _WEIGHT_CODES[wkind][0]
        weights = np.frombuffer(data, kind, count, pos).astype(np.float64)
    return ids, weights


class NewsLeafMatcher(W3LeafMatcher):
    """Whoosh's on-disk postings matcher, reading the blocks ``NewsPostingsWriter`` writes."""

    def _goto(self, position):
        postfile = self._postfile
        self._data = None
        self._ids = None
        self._weights = None
        self._values = None
        self._i = 0
        postfile.seek(position)
        length = postfile.read_int()
        if length < 0:
            self._lastblock = True
            length *= -1
        self._nextoffset = position + _INT_SIZE + length
        header = postfile.read(_HEADER.size)
        self._dataoffset = postfile.tell()
        (
            self._blocklength,
            self._maxid,
            self._maxweight,
            self._compression,
            mnlen,
            mxlen,
        ) = _HEADER.unpack(header)
        self._minlength = byte_to_length(mnlen)
        self._maxlength = byte_to_length(mxlen)

    def _read_data(self):
        b = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        if self._compression:
            b = zlib.decompress(b)
        self._ids, self._weights, self._values = decode_block(b, self._blocklength, self._fixedsize)
        self._data = True

    def _read_ids(self):
        self._read_data()

    def _read_weights(self):
        self._read_data()

    def _read_values(self):
        self._read_data()


class StoredColumn(columns.Column):
    """Pickled stored fields, compressed in blocks of documents (see the module docstring).

    Layout: the compressed blocks, then the first document number of each block (uint32),
    each block's offset (uint64), each document's pickled length (uint32, 0 for none) and a
    trailer with the number of blocks.
    """

    _TRAILER = struct.Struct("<II")  # blocks, documents

    def writer(self, dbfile):
        return self.Writer(dbfile)

    def reader(self, dbfile, basepos, length, doccount):
        return self.Reader(dbfile, basepos, length, doccount)

    class Writer(columns.ColumnWriter):
        def __init__(self, dbfile):
            self._dbfile = dbfile
            self._written = 0  # bytes of blocks written (the column file's tell() sums its parts)
            self._firsts = array("I")
            self._offsets = array("Q")
            self._lengths = array("I")
            self._pending: list[bytes] = []
            self._pending_size = 0
            self._block_first = 0

        def add(self, docnum, value):
            self.fill(docnum)
            data = pickle.dumps(value, _PICKLE) if value is not None else b""
            if not self._pending:
                self._block_first = docnum
            self._pending.append(data)
            self._pending_size += len(data)
            self._lengths.append(len(data))
            if self._pending_size >= _STORED_BLOCK:
                self._emit()

        def fill(self, docnum):
            while len(self._lengths) < docnum:
                self._lengths.append(0)

        def _emit(self):
            if not self._pending:
                return
            self._firsts.append(self._block_first)
            self._offsets.append(self._written)
            block = zlib.compress(b"".join(self._pending), _STORED_LEVEL)
            self._dbfile.write(block)
            self._written += len(block)
            self._pending = []
            self._pending_size = 0

        def finish(self, doccount):
            self._emit()
            self.fill(doccount)
            self._offsets.append(self._written)  # end of the last block
            for part in (self._firsts, self._offsets, self._lengths):
                self._dbfile.write(part.tobytes())
            self._dbfile.write(StoredColumn._TRAILER.pack(len(self._firsts), doccount))

    class Reader(columns.ColumnReader):
        def __init__(self, dbfile, basepos, length, doccount):
            columns.ColumnReader.__init__(self, dbfile, basepos, length, doccount)
            trailer = StoredColumn._TRAILER
            blocks, docs = trailer.unpack(dbfile.get(basepos + length - trailer.size, trailer.size))
            tables = 4 * blocks + 8 * (blocks + 1) + 4 * docs
            raw = dbfile.get(basepos + length - trailer.size - tables, tables)
            self._firsts = array("I", raw[: 4 * blocks])
            self._offsets = array("Q", raw[4 * blocks : 4 * blocks + 8 * (blocks + 1)])
            self._lengths = array("I", raw[4 * blocks + 8 * (blocks + 1) :])
            self._docs = docs
            self._cache = (-1, b"", 0)  # block number, its bytes, its first document
            self.segment_id: str | None = None  # set by the reader: blocks kept by storedcache

        def __getitem__(self, docnum):
            if docnum >= self._docs or not self._lengths[docnum]:
                return None
            block = bisect_right(self._firsts, docnum) - 1
            number, data, first = self._cache
            if number != block:
                start, end = self._offsets[block], self._offsets[block + 1]

                def load():
                    return zlib.decompress(self._dbfile.get(self._basepos + start, end - start))

                if self.segment_id is None:
                    data = load()
                else:
                    data = storedcache.block(self.segment_id, block, load)
                first = self._firsts[block]
                self._cache = (block, data, first)
            start = sum(self._lengths[first:docnum])
            return pickle.loads(data[start : start + self._lengths[docnum]])

        def __iter__(self):
            for docnum in range(self._doccount):
                yield self[docnum]

        def load(self):
            return list(self)


STORED = StoredColumn()


class NewsPerDocWriter(W3PerDocWriter):
    """Whoosh's per-document writer, storing the stored fields in a ``StoredColumn``.

    Its columns are written by ``columnwriters`` (buffered, the same bytes), and a value
    goes to its column's writer with one dictionary look-up (Whoosh: three method calls).
    """

    def __init__(self, codec, storage, segment):
        self._lengthwriters = {}  # fieldname -> the writer of its length column
        super().__init__(codec, storage, segment)

    def _create_column(self, fieldname, column):
        if fieldname in self._colwriters:
            raise Exception(f"Already added column {fieldname!r}")
        column = STORED if fieldname == "_stored" else column
        self._colwriters[fieldname] = column_writer(column, self._cols.create_file(fieldname))

    def add_field(self, fieldname, fieldobj, value, length):
        if value is not None:
            self._storedfields[fieldname] = value
        if length:
            writer = self._lengthwriters.get(fieldname)
            if writer is None:
                lenfield = _lenfield(fieldname)
                if lenfield not in self._colwriters:
                    self._create_column(lenfield, LENGTHS_COLUMN)
                writer = self._lengthwriters[fieldname] = self._colwriters[lenfield]
            writer.add(
                self._docnum, 255 if length >= 106374 else bisect_left(_LENGTH_BYTES, length)
            )
            self._fieldlengths[fieldname] += length

    def add_column_value(self, fieldname, column, value):
        writer = self._colwriters.get(fieldname)
        if writer is None:
            self._create_column(fieldname, column)
            writer = self._colwriters[fieldname]
        writer.add(self._docnum, value)

    def finish_doc(self):
        stored = self._storedfields
        if stored:
            self.add_column_value("_stored", STORED, stored)  # pickled now
            stored.clear()  # close() finishes the document again: nothing more to store
        self._indoc = False


class NewsPerDocReader(W3PerDocReader):
    """Whoosh's per-document reader, reading stored fields from a ``StoredColumn``."""

    def stored_fields(self, docnum):
        column = self._cached_reader("_stored", STORED)
        if column.segment_id is None:
            column.segment_id = self._segment.segment_id()
        return column[docnum] or {}


class NewsCodec(W3Codec):
    """Whoosh's W3 codec with tighter posting blocks and stored fields."""

    def __init__(self, blocklimit=128, compression=1, inlinelimit=1):
        # zlib level 1 for posting blocks (Whoosh: 3).  Their arrays are of the narrowest
        # types that fit, so level 6 made the Reuters index only 0.4% smaller, and took
        # half as long again to write.
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def per_document_writer(self, storage, segment):
        return NewsPerDocWriter(self, storage, segment)

    def per_document_reader(self, storage, segment):
        return NewsPerDocReader(storage, segment)

    def field_writer(self, storage, segment):
        return NewsFieldWriter(self, storage, segment)

    def terms_reader(self, storage, segment):
        tiname = segment.make_filename(self.TERMS_EXT)
        postfile = segment.open_file(storage, self.POSTS_EXT)
        tifile = storage.open_file(tiname)
        return NewsTermsReader(self, tifile, storage.file_length(tiname), postfile)

    def postings_writer(self, dbfile, byteids=False):
        return NewsPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term, scorer)
        offset, length = terminfo.extent()
        return NewsLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


class NewsFieldWriter(W3FieldWriter):
    """Whoosh's field writer, writing a ``TermPostings`` term by term from its arrays.

    Its files keep their own positions and its term table is ``termtable.TermTableWriter``:
    the same bytes as Whoosh's, without asking the operating system where it is per term.
    """

    def __init__(self, codec, storage, segment):
        self._codec = codec
        self._storage = storage
        self._segment = segment
        self._fieldname = self._fieldid = self._btext = self._fieldobj = self._format = None
        self._keyprefix = b""
        self._tindex = TermTableWriter(self._create_file(W3Codec.TERMS_EXT))
        self._fieldmap = self._tindex.extras["fieldmap"] = {}
        self._postfile = self._create_file(W3Codec.POSTS_EXT)
        self._postwriter = None
        self._infield = False
        self.is_closed = False

    def _create_file(self, ext):
        return PositionFile(self._segment.create_file(self._storage, ext))

    def start_field(self, fieldname, fieldobj):
        super().start_field(fieldname, fieldobj)
        self._keyprefix = pack_ushort(self._fieldid)

    def start_term(self, btext):
        if self._postwriter is None:
            raise Exception("Called start_term before start_field")
        self._btext = btext
        self._postwriter.start_postings(self._format, NewsTermInfo())

    def finish_term(self):
        terminfo = self._postwriter.finish_postings()
        self._tindex.add(self._keyprefix + self._btext, terminfo.to_bytes())

    def add_postings(self, schema, lengths, items):
        if not isinstance(items, TermPostings) or not hasattr(lengths, "_cached_reader"):
            return super().add_postings(schema, lengths, items)
        for fieldname, texts in items.fields().items():
            fieldobj = schema[fieldname]
            self.start_field(fieldname, fieldobj)
            column = None
            if lengths is not None and fieldobj.scorable:
                column = lengths._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            lens = bytes(column) if column is not None else None
            keep_values = fieldobj.format.fixed_value_size() != 0
            packs = poscodec.applies(fieldobj.format)
            terms = items.by_field[fieldname]
            if isinstance(terms, GroupedTerms | MergedField) and (packs or not keep_values):
                chunks = terms.chunks() if isinstance(terms, MergedField) else [terms]
                for chunk in chunks:
                    blockwriter.write_field(self, chunk, lens, keep_values)
                self.finish_field()
                continue
            for btext in texts:
                ids, weights, data, value_lengths = terms[btext]
                self.start_term(btext)
                if not keep_values:
                    values = None
                elif isinstance(data, Packed):
                    values = data if packs else poscodec.as_bytes(data)
                else:
                    values = (value_lengths, data)
                self._postwriter.add_arrays(ids, weights, values, lens)
                self.finish_term()
            self.finish_field()
