from datetime import date

import pytest

from searchidx import index_paths
from searchidx.errors import QueryError

from .conftest import ARCHIVE_SOURCES, ARCHIVE_YEARS


def counts(result, name):
    return {f.value: f.count for f in result.facets[name]}


def test_every_format_is_indexed_with_its_origin(archive_engine, archive):
    assert archive_engine.stats()["documents"] == 8
    row = archive_engine.document("m2")
    assert (row.path, row.position, row.source) == (
        str(archive / "export.csv"),
        3,
        "Middle East Monitor",
    )
    page = archive_engine.document("archive/courier/floods.html")
    assert (page.path, page.position, page.source) == (
        str(archive / "courier" / "floods.html"),
        None,
        "The Valley Courier",
    )
    item = archive_engine.document("j2")
    assert (item.position, item.source) == (2, "archive")


@pytest.mark.parametrize(
    "word", ["Navlinkery", "Sofaworld", "Promoflux", "Trollington", "Paywallio", "Grumbleton"]
)
def test_page_boilerplate_is_not_indexed(archive_engine, word):
    assert archive_engine.search(word).total == 0


def test_facet_counts_match_hand_counts(archive_engine):
    result = archive_engine.search("river", page_size=1)  # counts cover every match, not the page
    assert result.total == 8 and len(result.hits) == 1
    assert counts(result, "source") == ARCHIVE_SOURCES
    assert counts(result, "year") == ARCHIVE_YEARS
    assert [f.value for f in result.facets["source"]][:2] == [
        "Middle East Monitor",
        "Wire",
    ]  # by count
    assert [f.value for f in result.facets["year"]] == ["2021", "2020", "2019"]  # newest first


def test_facets_follow_the_query(archive_engine):
    result = archive_engine.search("troops OR convoy OR drought")
    assert counts(result, "source") == {"Middle East Monitor": 2, "Wire": 1}
    assert counts(result, "year") == {"2020": 2, "2021": 1}


def test_facets_json_shape(archive_engine):
    data = archive_engine.search("river", source="Wire").to_dict()
    assert data["filters"] == {"source": "Wire"}
    assert data["facets"] == {
        "source": [{"value": "Wire", "count": 2}],
        "year": [{"value": "2021", "count": 1}, {"value": "2020", "count": 1}],
    }
    assert {hit["id"]: hit["position"] for hit in data["hits"]} == {"j1": 1, "w1": 6}


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"source": "Middle East Monitor"}, {"m1", "m2", "m3"}),
        ({"source": "middle east  MONITOR"}, {"m1", "m2", "m3"}),  # case and spaces do not matter
        ({"source": "Monitor"}, set()),  # the exact name, not a word of it
        ({"year": 2019}, {"m3"}),
        ({"year": "2021", "source": "Wire"}, {"j1"}),
        ({"date_from": "2020-01-17", "date_to": "2020-01-25"}, {"m1", "m2"}),  # both ends included
        ({"date_from": "2020-01-18", "date_to": "2020-01-24"}, set()),
        ({"date_from": "2021"}, {"archive/courier/floods.html", "j1", "j2"}),
        ({"date_to": "2019-12"}, {"m3"}),
        ({"date_from": date(2020, 2, 10), "date_to": date(2020, 2, 10)}, {"w1"}),
    ],
)
def test_filters(archive_engine, filters, expected):
    result = archive_engine.search("river", page_size=20, **filters)
    assert {hit.id for hit in result.hits} == expected
    assert result.total == len(expected)


@pytest.mark.parametrize(
    "query, total",
    [
        ('source:"Middle East Monitor"', 3),
        ("source:monitor", 3),  # the source field is still matched word by word
        ("year:2021", 3),
        ("river year:2019", 8),  # free words are OR'ed, as ever
        ("river AND year:2019", 1),
    ],
)
def test_filter_syntax_in_queries(archive_engine, query, total):
    assert archive_engine.search(query).total == total


def test_filters_keep_date_sorting(archive_engine):
    hits = archive_engine.search("river", sort="date", source="Middle East Monitor").hits
    assert [h.id for h in hits] == ["m2", "m1", "m3"]


@pytest.mark.parametrize(
    "filters, message",
    [
        ({"date_from": "2020-13-01"}, "--from '2020-13-01' is not a date"),
        ({"date_to": "yesterday"}, "--to 'yesterday' is not a date"),
        ({"date_from": "2021", "date_to": "2020"}, "the date range is empty"),
        ({"year": "20"}, "year '20' is not a year"),
    ],
)
def test_bad_filters_are_query_errors(archive_engine, filters, message):
    with pytest.raises(QueryError, match=message):
        archive_engine.search("river", **filters)


def test_facets_can_be_left_out(archive_engine):
    assert archive_engine.search("river", facets=False).facets == {}


def test_incremental_run_keeps_facets(tmp_path, archive):
    index_dir = tmp_path / "ix"
    index_paths(index_dir, [archive])
    (archive / "wire.json").unlink()
    index_paths(index_dir, [archive])
    from searchidx import Engine

    with Engine(index_dir) as engine:
        result = engine.search("river")
    assert counts(result, "source") == {
        "Middle East Monitor": 3,
        "Riverside Gazette": 1,
        "The Valley Courier": 1,
        "Wire": 1,
    }


def test_index_from_before_facets_says_to_rebuild(tmp_path, archive, monkeypatch):
    from searchidx import Engine, storage
    from searchidx.schema import build_schema

    def old_schema(stemmer):
        schema = build_schema(stemmer)
        schema.remove("source_facet")
        schema.remove("year")
        return schema

    monkeypatch.setattr(storage, "build_schema", old_schema)
    index_paths(tmp_path / "old", [archive])  # writes only the fields the index has
    with Engine(tmp_path / "old") as engine:
        result = engine.search("river")
        assert result.total == 8 and result.facets == {}
        with pytest.raises(QueryError, match="rebuild it with 'searchidx index PATH --rebuild'"):
            engine.search("river", source="Wire")
        assert engine.search("river", date_from="2021").total == 3  # dates were always there
