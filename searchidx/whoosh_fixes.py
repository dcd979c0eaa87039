"""Small, documented corrections to Whoosh, applied once when ``searchidx.storage`` is imported.

The first two concern ``W3PerDocReader``, the reader of a segment's per-document data, and neither
changes what it returns; they are worth reporting upstream (whoosh-reloaded).

1. ``W3PerDocReader.has_column`` asks the file system whether a field's column file exists on
every call, and ``doc_field_length`` calls it for every posting of a field that has no length
column (ID fields, for example), because ``_cached_reader`` caches only the columns that exist.
While a segment is written that is one ``os.stat`` per posting (13% of a build in the profile
in ``benchmarks/SPEED.md``).  A segment's files never change once its per-document reader
exists, so the answer is remembered per reader.

2. ``W3PerDocReader.doc_field_length`` reads one byte of the length column through several
layers of Python per call; it is called once per posting while a segment is written (for the
block statistics) and once per scored document while searching (BM25 length
normalisation).  The column (one byte per document) is read once per reader into ``bytes``.

3. ``AndNotMatcher._find_first`` skips the first document of A only when B's first document is
the same one, so when B starts lower, A's first document is yielded even if B has it:
``union AND oil NOT oil`` found one document in each segment, and ``oil OR (union NOT oil)``
scored that document twice.  The first position is found as every later one is.

4. ``EmptyReader.segments`` (the reader of an index without segments yet) returns None, and
``Searcher.refresh`` iterates over it: a searcher opened on an empty index fails once
documents arrive (a server started on the empty index that ``serve --watch`` fills).
It returns an empty list, as a reader without segments should.

5. ``Searcher.refresh()`` opens the new generation with ``FileIndex._reader(..., reuse=old)``,
which adds every segment of the old reader that the new table of contents does not list back
into the new reader.  After a merge (or a ``--rebuild``), a searcher kept open by the web
server then reads the merged segment and the segments merged into it: 24 one-file runs
under an open Engine showed 75 documents instead of 25.  The reused reader is only meant to
lend its open segment readers, so it is passed on without its segment list.
"""

from __future__ import annotations

from whoosh.codec import whoosh3
from whoosh.index import FileIndex
from whoosh.matching import binary
from whoosh.reading import EmptyReader
from whoosh.util.numeric import byte_to_length

from . import mmapview  # noqa: F401  (segments read in place: see mmapview.py)

_original_has_column = whoosh3.W3PerDocReader.has_column
_original_doc_field_length = whoosh3.W3PerDocReader.doc_field_length


def _has_column(self, fieldname):
    """Return whether the segment has a column for FIELDNAME (asked of the disk once)."""
    known = self.__dict__.setdefault("_searchidx_has_column", {})
    try:
        return known[fieldname]
    except KeyError:
        known[fieldname] = answer = _original_has_column(self, fieldname)
        return answer


def _doc_field_length(self, docnum, fieldname, default=0):
    """Return the length of FIELDNAME in document DOCNUM, as Whoosh's own method does."""
    if docnum > self._doccount:
        raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
    columns = self.__dict__.setdefault("_searchidx_lengths", {})
    try:
        lengths = columns[fieldname]
    except KeyError:
        column = self._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
        lengths = columns[fieldname] = None if column is None else bytes(column)
    if lengths is None:
        return default
    lbyte = lengths[docnum]
    if lbyte:
        return byte_to_length(lbyte)
    return None  # what Whoosh returns for a stored length of 0


def _find_first(self):
    """Move to the first document of A that B does not match."""
    if self.a.is_active() and self.b.is_active():
        self._find_next()


_FIXES = {"has_column": _has_column, "doc_field_length": _doc_field_length}
_MATCHER_FIXES = {"_find_first": _find_first}


def _no_segments(self):
    """Return the segments of an empty reader: none."""
    return []


class _Lender:
    """An old reader seen by ``FileIndex._reader`` as a source of open segment readers only."""

    def __init__(self, reader):
        self._reader = reader

    def segments(self):
        return []  # the new table of contents alone says which segments are live

    def leaf_readers(self):
        return self._reader.leaf_readers()


_original_reader = FileIndex.__dict__["_reader"].__func__


def _reader(cls, storage, schema, segments, generation, reuse=None):
    """Return a reader of SEGMENTS, reusing REUSE's open segment readers but not its list."""
    return _original_reader(
        cls, storage, schema, segments, generation, _Lender(reuse) if reuse else None
    )


_READER = classmethod(_reader)


def apply() -> None:
    """Install the corrections (idempotent)."""
    for name, function in _FIXES.items():
        setattr(whoosh3.W3PerDocReader, name, function)
    for name, function in _MATCHER_FIXES.items():
        setattr(binary.AndNotMatcher, name, function)
    EmptyReader.segments = _no_segments
    FileIndex._reader = _READER


def applied() -> bool:
    """Return True when the corrections are installed."""
    return (
        EmptyReader.segments is _no_segments
        and all(getattr(whoosh3.W3PerDocReader, n) is f for n, f in _FIXES.items())
        and all(getattr(binary.AndNotMatcher, n) is f for n, f in _MATCHER_FIXES.items())
        and FileIndex.__dict__["_reader"] is _READER
    )


apply()
