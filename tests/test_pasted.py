"""Pasted text as queries: headlines and sentences get results; clear syntax errors stay."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchidx import Engine, QueryError, index_paths
from searchidx.cli import cli
from searchidx.pasted import tidy
from searchidx.schema import QUERY_FIELDS

from .conftest import SEED_ID, SEEDS


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("pasted") / "index"
    (SEEDS_COPY := tmp_path_factory.mktemp("docs")).joinpath("spotlight.txt").write_text(
        "Leader spotlight: Erin Spiceland\n\nMarch 3, 2021\n\n"
        "Erin Spiceland talks about leading engineering teams.\n"
    )
    index_paths(index_dir, [SEEDS, SEEDS_COPY])
    with Engine(index_dir) as engine:
        yield engine


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Leader spotlight: Erin Spiceland", "spotlight.txt"),
        ("US: troops resume operations", SEED_ID),
        ("“Triangle of Death”", SEED_ID),
        ("«Triangle of Death»", SEED_ID),
        ('the "Triangle of Death', SEED_ID),  # an odd number of quotes
        ("‘Triangle’ of Death", SEED_ID),
        ("iraq AND", SEED_ID),
        ("troops OR", SEED_ID),
        ("troops AND NOT", SEED_ID),
        ("OR troops", SEED_ID),
        (") troops", SEED_ID),
        ("troops (Iraq", SEED_ID),
        ("troops - Iraq", SEED_ID),
        ("troops + Iraq", SEED_ID),
        ("5,200 US soldiers *", SEED_ID),
        ("Daesh: [cells] {still} present ^ in ~ Iraq", SEED_ID),
        ("http://www.middleeastmonitor.com/troops/", SEED_ID),
        ("Iraq AND OR troops", SEED_ID),
    ],
)
def test_pasted_text_finds_the_article(engine, query, expected):
    hits = engine.search(query).hits
    assert hits and any(h.id.endswith(expected) for h in hits[:2]), query


@pytest.mark.parametrize("query", ["-", "+", "(", ")", '"', "“", ":"])
def test_punctuation_alone_has_no_results_but_is_not_an_error(engine, query):
    assert engine.search(query).total == 0


@pytest.mark.parametrize("query", ["AND", "NOT"])
def test_an_operator_alone_is_the_word(engine, query):
    # Nothing to join: the word itself, found like any query of stopwords ("The Who").
    assert engine.search(query).total == engine.search(f'"{query.lower()}"').total >= 1


@pytest.mark.parametrize(
    "query, message",
    [
        ("title:(", "unbalanced parenthesis"),
        ("title:(iraq OR", "unbalanced parenthesis"),
        ('source:"Middle East', "unbalanced quote"),
        ("date:2020-13-45", "month must be in 1..12"),
        ("date:2020-01-01..2020-13-01", "month must be in 1..12"),
        ("date:notadate", "cannot understand"),
        ("a*", "too broad"),
        ("*", "too broad"),
        ("*:*", "too broad"),
    ],
)
def test_queries_that_clearly_use_the_syntax_keep_strict_errors(engine, query, message):
    with pytest.raises(QueryError, match=message):
        engine.search(query)


def test_date_value_with_hyphens_is_read_whole(engine):
    assert engine.search("date:2020-01").total == 1
    assert engine.search("troops AND date:2020-01-17").total == 1
    assert engine.search("troops AND date:2020-02").total == 0


def test_operators_still_work(engine):
    assert engine.search("NOT troops").total == 1  # the other article
    assert engine.search("(NOT troops) AND spotlight").total == 1
    assert engine.search("troops AND NOT iraq").total == 0
    assert engine.search("(troops OR nosuchword) AND iraq").total == 1
    assert engine.search('"Triangle of Death" -nosuchword').total == 1


def test_tidy_leaves_syntax_alone():
    for query in ['title:iraq "a b" (x OR y) -z +w mil*', "date:2020-01..2020-02"]:
        assert tidy(query, QUERY_FIELDS) == query


def test_cli_pasted_headline_exit_0(runner, engine):
    result = runner.invoke(
        cli, ["query", "--index", engine.index_dir, "Leader spotlight: Erin Spiceland"]
    )
    assert result.exit_code == 0, result.output
    assert "Leader spotlight: Erin Spiceland" in result.output


def test_web_pasted_headline_is_not_an_error(engine):
    from web import create_app

    app = create_app({"TESTING": True, "INDEX": engine.index_dir})
    page = app.test_client().get("/search", query_string={"q": "Leader spotlight: Erin"})
    assert page.status_code == 200 and "Erin Spiceland" in page.text


EXAMPLES = int(os.environ.get("SEARCHIDX_FUZZ_EXAMPLES", "300"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
PUNCTUATION = st.sampled_from(list("\"“”‘’«»'()[]{}:;,.!?-–—+*^~/&|") + ["AND", "OR", "NOT"])
WORDS = st.sampled_from(
    ["Iraq", "troops", "US", "Leader", "spotlight", "Erin", "2020", "Covid", "e-mail", "1.5%"]
)
HEADLINES = st.lists(
    st.tuples(WORDS, st.lists(PUNCTUATION, max_size=2).map("".join)), min_size=1, max_size=12
).map(lambda parts: " ".join(w + p for w, p in parts))


@FUZZ
@given(query=HEADLINES)
def test_pasted_headlines_never_raise(engine, query):
    """Words with punctuation around them and no field name are always searched."""
    engine.search(query)


@FUZZ
@given(
    query=st.one_of(
        st.text(max_size=40),
        st.lists(st.one_of(PUNCTUATION, WORDS, st.text(max_size=3)), max_size=10).map(" ".join),
        st.lists(st.one_of(PUNCTUATION, WORDS), max_size=10).map("".join),
    )
)
def test_any_pasted_string_answers_or_raises_query_error(engine, query):
    try:
        engine.search(query)
    except QueryError as exc:
        assert str(exc) and "\n" not in str(exc)
