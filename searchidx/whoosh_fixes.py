"""Small, documented corrections to Whoosh, applied once when ``searchidx.storage`` is imported.

``W3PerDocReader.has_column`` asks the file system whether a field's column file exists on
every call, and ``doc_field_length`` calls it for every posting of a field that has no length
column (ID fields, for example), because ``_cached_reader`` caches only the columns that exist.
While a segment is written that is one ``os.stat`` per posting (13% of a build in the profile
in ``benchmarks/SPEED.md``).  A segment's files never change once its per-document reader
exists, so the answer is remembered per reader.  Worth reporting upstream (whoosh-reloaded).
"""

from __future__ import annotations

from whoosh.codec import whoosh3

_original_has_column = whoosh3.W3PerDocReader.has_column


def _has_column(self, fieldname):
    """Return whether the segment has a column for FIELDNAME (asked of the disk once)."""
    known = self.__dict__.setdefault("_searchidx_has_column", {})
    try:
        return known[fieldname]
    except KeyError:
        known[fieldname] = answer = _original_has_column(self, fieldname)
        return answer


def apply() -> None:
    """Install the corrections (idempotent)."""
    whoosh3.W3PerDocReader.has_column = _has_column


def applied() -> bool:
    """Return True when the corrections are installed."""
    return whoosh3.W3PerDocReader.has_column is _has_column


apply()
