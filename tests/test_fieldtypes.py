"""Our field types index and store exactly what Whoosh's own classes do, with memos unpickled."""

from __future__ import annotations

import datetime
import pickle

import pytest
from whoosh.fields import DATETIME, ID, TEXT

from searchidx import fieldtypes
from searchidx.analysis import NewsAnalyzer
from searchidx.fieldtypes import MemoTEXT, NewsDATETIME, NewsID, UrlTEXT
from searchidx.schema import build_schema
from searchidx.urls import UrlTokenizer

UTC = datetime.UTC
EAST = datetime.timezone(datetime.timedelta(hours=5))
DATES = [
    datetime.datetime(1987, 2, 26),
    datetime.datetime(1987, 2, 26),  # again: from the memo
    datetime.datetime(2024, 12, 31, 23, 59, 59, 999999),
    datetime.datetime(2020, 1, 1, 12, tzinfo=UTC),
    datetime.datetime(2020, 1, 1, 17, tzinfo=EAST),  # the same instant in another zone
    "2005-03",
    [datetime.datetime(2001, 1, 1), datetime.datetime(2002, 1, 1)],
]


@pytest.mark.parametrize("value", DATES)
def test_dates_give_whooshs_terms_and_column_value(value):
    ours, whooshs = NewsDATETIME(stored=True, sortable=True), DATETIME(stored=True, sortable=True)
    for _ in range(2):
        assert list(ours.index(value)) == list(whooshs.index(value))
        if not isinstance(value, (str, list)):
            assert ours.to_column_value(value) == whooshs.to_column_value(value)


def test_a_returned_list_may_be_changed_without_changing_the_memo():
    field = NewsDATETIME()
    day = datetime.datetime(1999, 5, 5)
    field.index(day).clear()
    assert len(field.index(day)) == 8


@pytest.mark.parametrize("value", ["reuters-1", "", "Ünïcode/päth 1", ["a", "b"]])
def test_ids_give_whooshs_terms_and_column_value(value):
    ours, whooshs = NewsID(sortable=True), ID(sortable=True)
    assert sorted(ours.index(value)) == sorted(whooshs.index(value))
    if isinstance(value, str):
        assert ours.to_column_value(value) == whooshs.to_column_value(value)


def test_an_id_with_another_analyzer_is_left_to_whoosh():
    from whoosh.analysis import IDTokenizer, LowercaseFilter

    analyzer = IDTokenizer() | LowercaseFilter()
    ours, whooshs = NewsID(analyzer=analyzer), ID(analyzer=analyzer)
    assert list(ours.index("ABC")) == list(whooshs.index("ABC")) == [(b"abc", 1, 1.0, b"")]


@pytest.mark.parametrize("value", ["Middle East Monitor", "BBC News", "", "<<fr>> Le Monde"])
def test_source_names_give_whooshs_terms(value):
    ours = MemoTEXT(analyzer=NewsAnalyzer("none"), stored=True)
    whooshs = TEXT(analyzer=NewsAnalyzer("none"), stored=True)
    for _ in range(2):
        assert list(ours.index(value)) == list(whooshs.index(value))


def test_memos_stay_out_of_the_pickled_schema_and_stay_bounded(monkeypatch):
    schema = build_schema()
    schema["date"].index(datetime.datetime(2010, 1, 1))
    schema["date"].to_column_value(datetime.datetime(2010, 1, 1))
    schema["source"].index("Reuters")
    assert "_memo" in schema["date"].__dict__ and "_memo" in schema["source"].__dict__
    copy = pickle.loads(pickle.dumps(schema))
    assert not {"_memo", "_colmemo"} & (copy["date"].__dict__.keys() | copy["source"].__dict__)
    assert type(copy["date"]) is NewsDATETIME and type(copy["source"]) is MemoTEXT
    assert copy["date"].index(datetime.datetime(2010, 1, 1)) == schema["date"].index(
        datetime.datetime(2010, 1, 1)
    )
    monkeypatch.setattr(fieldtypes, "_MEMO_LIMIT", 3)
    field = MemoTEXT(analyzer=NewsAnalyzer("none"))
    for n in range(10):
        field.index(f"source {n}")
        assert len(field.__dict__["_memo"]) <= 3


@pytest.mark.parametrize(
    "value",
    [
        "https://www.phys.org/news/2014-12-ancient-rivers.html",
        "news.bbc.co.uk/1/hi/world/news/news.stm",  # a path word repeated
        "",
        "   ",
        "https://例え.jp/パス/記事",
    ],
)
def test_urls_give_whooshs_terms(value):
    ours = UrlTEXT(analyzer=UrlTokenizer(), stored=True, phrase=False)
    whooshs = TEXT(analyzer=UrlTokenizer(), stored=True, phrase=False)
    assert ours.index(value) == list(whooshs.index(value))
