"""Whoosh field types that index their values with less work per document: same terms.

A document's short fields cost more than their size suggests, through Whoosh's generic
path (an analyzer, ``Token`` objects, a format's ``word_values``, a generator per field):

* ``DATETIME`` indexes a date as 8 tiered numeric terms, each computed from the datetime
  again (13% of the indexing loop's field work on Reuters); a news collection's dates repeat
  (one a day), so ``NewsDATETIME`` remembers the terms and the column value per date.
* ``ID`` fields (id, path, year, language...) are one term, the value's UTF-8 bytes:
  ``NewsID`` makes it directly.
* A source's name repeats across its articles: ``MemoTEXT`` remembers its analysed terms.
* A URL's terms (``urls.url_terms``) are distinct whole values: ``UrlTEXT`` makes their
  postings from that list, without tokens.

Each gives exactly what its Whoosh base class gives (``tests/test_fieldtypes.py``), pickles
without its memo, and falls back to the base class for anything unusual (lists, boosts,
other analyzers).  Indexes whose schema holds Whoosh's classes keep them.
"""

from __future__ import annotations

import datetime

from whoosh.analysis import IDTokenizer
from whoosh.fields import DATETIME, ID, TEXT
from whoosh.formats import Existence, Frequency
from whoosh.system import pack_uint

from .urls import UrlTokenizer, url_terms

_MEMO_LIMIT = 4096  # values remembered per field; cleared when full (dates: ~11 years of days)


class _Memo:
    """A field type's per-value memo, left out of the pickled schema."""

    _memo_names = ("_memo",)

    def __getstate__(self):
        state = dict(super().__getstate__())  # NUMERIC's leaves out its struct
        for name in self._memo_names:
            state.pop(name, None)
        return state

    def _table(self, name: str) -> dict:
        table = self.__dict__.get(name)
        if table is None or len(table) >= _MEMO_LIMIT:
            table = self.__dict__[name] = {}
        return table


class NewsDATETIME(_Memo, DATETIME):
    """Whoosh's ``DATETIME``, remembering each date's terms and column value."""

    _memo_names = ("_memo", "_colmemo")

    def index(self, value, **kwargs):
        if kwargs or type(value) is not datetime.datetime:
            return super().index(value, **kwargs)
        key = (value, value.tzinfo)  # equal instants in two zones make different terms
        memo = self.__dict__.get("_memo")
        items = memo.get(key) if memo is not None else None
        if items is None:
            items = list(super().index(value))
            self._table("_memo")[key] = items
        return items[:]  # a copy: the caller may keep or change its list

    def to_column_value(self, x):
        if type(x) is not datetime.datetime:
            return super().to_column_value(x)
        key = (x, x.tzinfo)
        memo = self.__dict__.get("_colmemo")
        value = memo.get(key) if memo is not None else None
        if value is None:
            value = super().to_column_value(x)
            self._table("_colmemo")[key] = value
        return value


class NewsID(ID):
    """Whoosh's ``ID``: the value's UTF-8 bytes as the one term, made without an analyzer."""

    def index(self, value, **kwargs):
        if (
            kwargs
            or type(value) is not str
            or type(self.analyzer) is not IDTokenizer
            or type(self.format) is not Existence
        ):
            return super().index(value, **kwargs)
        return [(value.encode("utf-8"), 1, self.format.field_boost, b"")]

    def to_column_value(self, value):
        if type(value) is str:
            return value.encode("utf-8")  # FieldType.to_bytes, without its checks
        return super().to_column_value(value)


class MemoTEXT(_Memo, TEXT):
    """Whoosh's ``TEXT`` for short values that repeat (a source's name): terms remembered."""

    def index(self, value, **kwargs):
        if kwargs or type(value) is not str:
            return super().index(value, **kwargs)
        memo = self.__dict__.get("_memo")
        items = memo.get(value) if memo is not None else None
        if items is None:
            items = list(super().index(value))
            self._table("_memo")[value] = items
        return items[:]


_ONCE = pack_uint(1)  # Frequency's value for a term seen once


class UrlTEXT(TEXT):
    """Whoosh's ``TEXT`` for the ``url`` field: each term of ``url_terms`` once, weight 1."""

    def index(self, value, **kwargs):
        if (
            kwargs
            or type(value) is not str
            or type(self.analyzer) is not UrlTokenizer
            or type(self.format) is not Frequency
        ):
            return super().index(value, **kwargs)
        weight = self.format.field_boost * 1.0  # Frequency: the token boosts' sum, times it
        return [(term.encode("utf-8"), 1, weight, _ONCE) for term in url_terms(value)]
