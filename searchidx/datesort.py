"""Sort by date: the newest dated article first, undated articles last.

Whoosh keeps a missing date in the date column as the largest 64-bit value, so its own
``sortedby="date", reverse=True`` put every undated article before the newest one.  This
sort key reads the raw column and ranks the missing value after every date.
"""

from __future__ import annotations

from whoosh import sorting


class NewestFirst(sorting.FacetType):
    """A Whoosh sort facet (ascending): newest date first, no date last."""

    def categorizer(self, global_searcher):
        return _NewestFirst(global_searcher.schema)


class _NewestFirst(sorting.Categorizer):
    def __init__(self, schema):
        field = schema["date"] if "date" in schema else None
        self._missing = getattr(field, "default", None)
        self._column = None

    def set_searcher(self, segment_searcher, docoffset):
        reader = segment_searcher.reader()
        has = reader.has_column("date")
        self._column = reader.column_reader("date", translate=False) if has else None

    def key_for(self, matcher, segment_docnum):
        if self._column is None:
            return 0
        value = self._column[segment_docnum]
        # Dates are positive microsecond counts: negated, newer sorts first; 0 is "undated".
        return 0 if value == self._missing else -value


def newest_first() -> NewestFirst:
    """Return the sort facet for ``sort="date"``."""
    return NewestFirst()
