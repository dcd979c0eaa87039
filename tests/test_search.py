import pytest

from searchidx import Engine, QueryError, index_paths
from searchidx.errors import IndexUnavailable

from .conftest import SEED_ID


def test_troops_ranks_the_seed_first_with_the_word_marked(seed_engine):
    result = seed_engine.search("troops")
    assert result.total == 1
    hit = result.hits[0]
    assert hit.id == SEED_ID
    assert hit.title == "US resumes joint military operations in Iraq"
    assert "<mark>troops</mark>" in hit.snippet_html
    assert "troops" in hit.snippet and "<mark>" not in hit.snippet


def test_stemming_finds_and_marks_every_form(seed_engine):
    result = seed_engine.search("troop")
    assert [h.id for h in result.hits] == [SEED_ID]
    assert "<mark>troops</mark>" in result.hits[0].snippet_html


@pytest.mark.parametrize(
    "query, found", [('"Triangle of Death"', True), ('"Death of Triangle"', False)]
)
def test_phrases_keep_word_order_across_stopwords(seed_engine, query, found):
    assert (seed_engine.search(query).total == 1) is found


def test_phrase_marks_the_phrase_not_stray_words(seed_engine):
    html = seed_engine.search('"Triangle of Death"').hits[0].snippet_html
    assert "<mark>Triangle of Death</mark>" in html
    # "death" also occurs alone ("the death of eight soldiers"): not marked by a phrase query.
    assert html.count("<mark>") == 1


def test_field_and_negation(seed_engine):
    assert seed_engine.search("title:iraq").total == 1
    assert seed_engine.search("title:troops").total == 0
    assert seed_engine.search("troops NOT iraq").total == 0
    assert seed_engine.search("troops -baghdad").total == 0
    assert seed_engine.search("troops NOT elephants").total == 1


def test_date_ranges(seed_engine):
    assert seed_engine.search("date:2020-01-01..2020-02-01").total == 1
    assert seed_engine.search("date:2019-01-01..2019-12-31").total == 0
    assert seed_engine.search("date:..2020-01-16").total == 0
    assert seed_engine.search("date:2020-01-17..").total == 1
    assert seed_engine.search("date:[2020-01 TO 2020-02]").total == 1


def test_prefix_matches_stems(seed_engine):
    result = seed_engine.search("milit*")
    assert result.total == 1
    assert "<mark>military</mark>" in result.hits[0].snippet_html


def test_did_you_mean(seed_engine):
    result = seed_engine.search("trops")
    assert result.total == 0
    assert result.suggestion == "troops"
    assert seed_engine.search("troops").suggestion is None


@pytest.mark.parametrize(
    "query, message",
    [
        ('title:"unclosed phrase', "unbalanced quote"),
        ('source:"Middle East', "unbalanced quote"),
        ("title:(troops", "unbalanced parenthesis"),
        ("title:(", "unbalanced parenthesis"),
        ("date:2020-13-45", "month must be in 1..12"),
        ("*", "too broad"),
        ("a*", "too broad"),
        ("", "empty query"),
        ("date:notadate", "cannot understand"),
        ("x" * 1001, "too long"),
    ],
)
def test_bad_queries_explain_themselves(seed_engine, query, message):
    with pytest.raises(QueryError, match=message):
        seed_engine.search(query)


@pytest.mark.parametrize("page, size", [(0, 10), (-1, 10), (1, 0), (1, 101), (10**9, 10)])
def test_absurd_pages_are_refused(seed_engine, page, size):
    with pytest.raises(QueryError):
        seed_engine.search("troops", page=page, page_size=size)


def test_page_past_the_end_is_empty_not_an_error(seed_engine):
    result = seed_engine.search("troops", page=5)
    assert result.total == 1 and result.hits == []


def test_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(IndexUnavailable, match="no index"):
        Engine(tmp_path / "nothing").search("troops")


def test_searcher_sees_new_documents_without_reopening(tmp_path, articles):
    index_dir = tmp_path / "ix"
    index_paths(index_dir, [articles])
    with Engine(index_dir) as engine:
        assert engine.search("volcano").total == 0
        (articles / "d.txt").write_text("Volcano erupts\n\nA volcano erupted.\n")
        index_paths(index_dir, [articles])
        assert engine.search("volcano").total == 1


def test_sort_by_date_puts_newest_first(tmp_path, articles):
    index_dir = tmp_path / "ix"
    index_paths(index_dir, [articles])
    with Engine(index_dir) as engine:
        hits = engine.search("valley OR election", sort="date").hits
    dates = [h.date for h in hits if h.date]
    assert dates == sorted(dates, reverse=True) and len(dates) == 2


def test_json_shape(seed_engine):
    data = seed_engine.search("troops").to_dict()
    assert set(data) >= {"query", "total", "page", "took_ms", "suggestion", "hits"}
    assert set(data["hits"][0]) == {
        "id",
        "title",
        "date",
        "source",
        "path",
        "url",
        "score",
        "snippet",
        "snippet_html",
        "position",
        "copy_count",
        "other_copies",
        "language",
    }
    assert data["hits"][0]["date"] == "2020-01-17T11:09:00"


# -- BBC corpus ---------------------------------------------------------------------------


@pytest.mark.corpus
def test_bbc_all_articles_indexed(bbc_index):
    with Engine(bbc_index) as engine:
        stats = engine.stats()
        assert stats["documents"] == 2225 + 1  # every article, and the corpus's README.TXT
        for doc_id in ("bbc/business/001.txt", "bbc/sport/199.txt", "bbc/tech/401.txt"):
            assert engine.document(doc_id) is not None
        # sport/199.txt has a Latin-1 pound sign: decoded, not dropped.
        assert "£" in engine.document("bbc/sport/199.txt").body


@pytest.mark.corpus
@pytest.mark.parametrize(
    "query, expected_title",
    [
        ('"Gordon Brown"', "Brown"),
        ("title:ipod", "iPod"),
        ('"Jose Mourinho" chelsea', "Mourinho"),
    ],
)
def test_bbc_known_answers(bbc_index, query, expected_title):
    with Engine(bbc_index) as engine:
        result = engine.search(query)
    assert result.total > 0
    assert expected_title.lower() in result.hits[0].title.lower()


def test_highlight_marks_the_whole_text_keeping_paragraphs(seed_engine):
    parts = seed_engine.highlight(SEED_ID, "troops")
    body = seed_engine.document(SEED_ID).body
    assert "".join(text for text, _ in parts) == body
    assert [text for text, hit in parts if hit] == ["troops"]
    assert "\n\n" in "".join(text for text, _ in parts)


def test_highlight_title_unknown_id_and_bad_query(seed_engine):
    assert ("Iraq", True) in seed_engine.highlight(SEED_ID, "iraq", field="title")
    assert seed_engine.highlight("seeds/nope.txt", "troops") is None
    with pytest.raises(QueryError):
        seed_engine.highlight(SEED_ID, 'title:"unbalanced')


def test_doc_count(seed_engine):
    assert seed_engine.doc_count() == 1


def test_a_query_of_a_lone_combining_mark_has_no_results(seed_engine):
    assert seed_engine.search("\ua674").total == 0


def test_marked_document_marks_title_and_body_in_one_call(seed_engine):
    doc, parts = seed_engine.marked_document(SEED_ID, "iraq")
    assert doc.id == SEED_ID
    assert ("Iraq", True) in parts["title"]
    assert "".join(text for text, _ in parts["body"]) == doc.body
    assert seed_engine.marked_document("seeds/nope.txt", "iraq") is None
