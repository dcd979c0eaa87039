"""Did you mean: real words, weighted by how common they are, only when they find more."""

from __future__ import annotations

import pytest
from whoosh import index as whoosh_index

from searchidx import Engine, index_paths, storage
from searchidx.schema import build_schema

from .newsdesk import ELECTION_DOCS, write_newsdesk


@pytest.fixture
def desk(tmp_path):
    index_dir = tmp_path / "index"
    index_paths(index_dir, [write_newsdesk(tmp_path)])
    with Engine(index_dir) as engine:
        yield engine


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("elction", "election"),  # "elton" is as close by stems, but rare
        ("elecion", "election"),
        ("electoin", "election"),  # a swap of neighbours is one edit
        ("Elction tallly", "election tally"),
        ("ballts", "ballots"),
    ],
)
def test_a_misspelt_word_becomes_the_common_real_word(desk, typed, meant):
    result = desk.search(typed)
    assert result.suggestion == meant
    assert desk.search(meant).total > result.total


def test_the_suggestion_keeps_the_rest_of_the_query(desk):
    assert desk.search('title:count AND elction -"metal slug"').suggestion == (
        'title:count AND election -"metal slug"'
    )


def test_no_suggestion_when_the_words_are_right_or_unknown_everywhere(desk):
    assert desk.search("election").suggestion is None
    assert desk.search("qwxzvbn").suggestion is None  # nothing within two edits
    assert desk.search("elton").suggestion is None  # a real word, found: kept


def test_no_suggestion_when_it_would_not_find_more(desk):
    # "elton" is in one document; "election" would find more, but not within the filter.
    result = desk.search("eltn", source="Games")
    assert result.total == 0
    assert result.suggestion is None


def test_the_web_page_and_api_offer_the_real_word(tmp_path, desk):
    from .conftest import close_app, make_app

    app = make_app(desk.index_dir)
    try:
        client = app.test_client()
        assert client.get("/api/search?q=elction").get_json()["suggestion"] == "election"
        html = client.get("/search?q=elction").get_data(as_text=True)
        assert 'Did you mean <a href="/search?q=election">election</a>?' in html
    finally:
        close_app(app)


def test_an_index_without_the_words_field_falls_back_to_stems(tmp_path, articles):
    schema = build_schema()
    schema.remove("words")
    index_dir = tmp_path / "old"
    index_dir.mkdir()
    whoosh_index.create_in(str(index_dir), schema, indexname=storage.INDEX_NAME)
    index_paths(index_dir, [articles])
    with Engine(index_dir) as engine:
        assert "words" not in storage.open_index(index_dir).schema
        assert engine.search("electon").suggestion == "election"
        assert engine.complete("ele").words == []  # no lexicon: no completions, no error


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("typed", "meant"), [("elction", "election"), ("elecion", "election"), ("chelsae", "chelsea")]
)
def test_bbc_misspellings(bbc_index, typed, meant):
    with Engine(bbc_index) as engine:
        result = engine.search(typed)
        assert result.suggestion == meant
        assert engine.search(meant).total > max(result.total, 100 if meant == "election" else 10)


def test_counts_of_the_desk(desk):
    assert desk.search("election").total == ELECTION_DOCS + 1
