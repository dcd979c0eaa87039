"""Term infos that carry a lone posting themselves: no posting list in ``.pst`` for it.

Half the terms of a news index occur in one document (names, numbers, typos, each
document's id, path and file record).  Whoosh's W3 codec writes every term's postings
as a list in the postings file — 4 bytes of magic, a block length, a block header and a
zlib stream, about 35 bytes for one posting — and points to it from the term info with
12 bytes more.  (Whoosh means to inline short lists into the term info, but its writer
calls a method its term info does not have, so W3 indexes never do.)

Here a term with one posting keeps it in its term info: the W3 term info's fixed fields
(flags, weight, documents, lengths, max weight, min and max id: the readers of those
fields by offset keep working), with flags = 2, then the document number (uint32), the
weight (float32) and the value's bytes.  Read back it is exactly the posting the list
held: ``inlined_postings()`` gives ``((id,), (weight,), (value,))`` (value None for a
format without values, as a posting list's matcher gives it).  Term infos with flags 0 or 1 (every segment written before) read
as Whoosh reads them.
"""

from __future__ import annotations

import struct

from whoosh.codec.whoosh3 import W3FieldCursor, W3TermInfo, W3TermsReader
from whoosh.reading import TermNotFound
from whoosh.util.numeric import length_to_byte

ONE_POSTING = 2  # the flags byte of a term info holding its single posting
_POSTING = struct.Struct("<If")
# W3's fixed fields, then a posting list's offset (int64) and length (int32), in one pack.
_WITH_EXTENT = struct.Struct(W3TermInfo._struct.format + "qi")
_NO_ID = 0xFFFFFFFF


class NewsTermInfo(W3TermInfo):
    """W3's term info, able to hold a single posting (flags = ``ONE_POSTING``)."""

    _packed: bytes | None = None

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

    def hold(self, docnum: int, weight: float, value: bytes) -> None:
        """Keep the term's single posting in this term info."""
        self._packed = _POSTING.pack(docnum, weight) + value
        weight = _POSTING.unpack_from(self._packed)[1]  # as float32, as a list's block keeps it
        self.set_inlined((docnum,), (weight,), (value,) if value else (None,))

    def to_bytes(self) -> bytes:
        if self._packed is None:
            if self._inlined is not None or self._offset is None:
                return super().to_bytes()
            # A posting list's term info: W3TermInfo.to_bytes's bytes, packed at once.
            return _WITH_EXTENT.pack(
                0,
                self._weight,
                self._df,
                0 if self._minlength is None else length_to_byte(self._minlength),
                length_to_byte(self._maxlength),
                self._maxweight,
                _NO_ID if self._minid is None else self._minid,
                _NO_ID if self._maxid is None else self._maxid,
                self._offset,
                self._length,
            )
        minlength = 0 if self._minlength is None else length_to_byte(self._minlength)
        return (
            self._struct.pack(
                ONE_POSTING,
                self._weight,
                self._df,
                minlength,
                length_to_byte(self._maxlength),
                self._maxweight,
                self._minid,
                self._maxid,
            )
            + self._packed
        )

    @classmethod
    def from_bytes(cls, s):
        st = cls._struct
        if s[0] != ONE_POSTING:
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
