"""Whoosh's column writers for per-document values, buffering what they write.

A segment writes about ten column values per document (the field lengths, the date, the
facet values, story and MinHash).  Whoosh's writers hand each value to the column's file,
a ``StructFile`` over a ``CompoundWriter.SubStream``, three Python calls deep per value.
These writers (one per Whoosh column type we use) gather the bytes in a ``bytearray`` and
pass them on 64 KB at a time: the same bytes, in the same order, as Whoosh's writers.
"""

from __future__ import annotations

from whoosh import columns

_FLUSH = 64 * 1024


class _Buffered:
    """Mixin: a ``bytearray`` in front of the writer's file, emptied into it when large."""

    def _start_buffer(self) -> None:
        self._buf = bytearray()

    def _flush(self) -> None:
        if self._buf:
            self._dbfile.write(bytes(self._buf))
            self._buf.clear()

    def fill(self, docnum):
        if docnum > self._count:
            self._buf += self._defaultbytes * (docnum - self._count)


class _FixedSize(_Buffered):
    """Mixin: the ``add`` and ``finish`` of a column of fixed-size values, buffered."""

    def _encode(self, v) -> bytes:
        raise NotImplementedError

    def add(self, docnum, v):
        if v == self._default:
            return
        data = self._encode(v)
        buf = self._buf
        if docnum > self._count:
            buf += self._defaultbytes * (docnum - self._count)
        buf += data
        self._count = docnum + 1
        if len(buf) >= _FLUSH:
            self._flush()

    def finish(self, doccount):
        self._flush()
        super().finish(doccount)


class FixedBytesWriter(_FixedSize, columns.FixedBytesColumn.Writer):
    """``FixedBytesColumn.Writer``, buffered."""

    def __init__(self, dbfile, fixedlen, default):
        super().__init__(dbfile, fixedlen, default)
        self._start_buffer()

    def _encode(self, v) -> bytes:
        if len(v) != self._fixedlen:
            raise ValueError(f"{v!r} is not {self._fixedlen} bytes long")
        return v


class NumericWriter(_FixedSize, columns.NumericColumn.Writer):
    """``NumericColumn.Writer``, buffered."""

    def __init__(self, dbfile, typecode, default):
        super().__init__(dbfile, typecode, default)
        self._start_buffer()

    def _encode(self, v) -> bytes:
        return self._pack(v)


class VarBytesWriter(_Buffered, columns.VarBytesColumn.Writer):
    """``VarBytesColumn.Writer``, buffered (its length and offset tables are Whoosh's)."""

    def __init__(self, dbfile, allow_offsets=True, cutoff=2**15):
        super().__init__(dbfile, allow_offsets, cutoff)
        self._start_buffer()

    fill = columns.VarBytesColumn.Writer.fill  # it writes no bytes, only table entries

    def add(self, docnum, v):
        if docnum > self._count:
            self.fill(docnum)
        buf = self._buf
        buf += v
        size = len(v)
        self._lengths.append(size)
        self._offsets.append(self._offset_base)
        self._offset_base += size
        self._count = docnum + 1
        if len(buf) >= _FLUSH:
            self._flush()

    def finish(self, doccount):
        self._flush()
        super().finish(doccount)


def column_writer(column: columns.Column, dbfile):
    """Return a writer of COLUMN into DBFILE: a buffered one for the types above."""
    kind = type(column)
    if kind is columns.NumericColumn:
        return NumericWriter(dbfile, column._typecode, column._default)
    if kind is columns.FixedBytesColumn:
        return FixedBytesWriter(dbfile, column._fixedlen, column._default)
    if kind is columns.VarBytesColumn:
        return VarBytesWriter(dbfile, column.allow_offsets, column.write_offsets_cutoff)
    return column.writer(dbfile)
