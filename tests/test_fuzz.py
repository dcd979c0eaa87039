"""Hostile queries: arbitrary strings give results or a clear QueryError, never a traceback."""

from __future__ import annotations

import os
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchidx import QueryError
from searchidx.cli import cli

# Characters that mean something to the parser, mixed with words and anything else.
SYNTAX = st.sampled_from(
    list('"()*?:~^+-[]{}\\/.,!&|')
    + [
        "AND",
        "OR",
        "NOT",
        "TO",
        "ANDNOT",
        "ANDMAYBE",
        "title:",
        "body:",
        "date:",
        "source:",
        "id:",
        "url:",
        "..",
        " ",
        "troops",
        "iraq",
        "2007",
        "date:2007-01-01..",
        "*:*",
        "\x00",
        "\u200b",
        "ǅ",
        "ß",
        "İ",
        "\U0001f600",
    ]
)
QUERIES = st.one_of(
    st.text(max_size=60),
    st.lists(SYNTAX, max_size=12).map("".join),
    st.lists(st.one_of(SYNTAX, st.text(max_size=4)), max_size=10).map(" ".join),
)
EXAMPLES = int(os.environ.get("SEARCHIDX_FUZZ_EXAMPLES", "300"))  # raise it for a long hunt
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
REGRESSIONS = [  # queries that once escaped as exceptions (see git log)
    'date:""',
    'date:"abc"',
    'date:("x y")',
    "\ud800",
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    from searchidx import Engine, index_paths

    from .conftest import SEEDS

    index_dir = tmp_path_factory.mktemp("fuzz") / "index"
    index_paths(index_dir, [SEEDS])
    with Engine(index_dir) as engine:
        yield engine


def _search_or_query_error(engine, query, **kwargs):
    try:
        result = engine.search(query, **kwargs)
    except QueryError as exc:
        message = str(exc)
        assert message and "\n" not in message and "Traceback" not in message
        return None
    assert result.total >= 0 and len(result.hits) <= result.page_size
    return result


@FUZZ
@given(query=QUERIES)
def test_engine_search_answers_or_refuses(engine, query):
    _search_or_query_error(engine, query)


@pytest.mark.parametrize(
    "filters", [{"date_to": "9999-12-31"}, {"date_from": "9999-12-31"}, {"year": "9999"}]
)
def test_filter_regressions(engine, filters):
    _search_or_query_error(engine, "troops", **filters)


@pytest.mark.parametrize("query", REGRESSIONS)
def test_regressions(engine, query):
    _search_or_query_error(engine, query)


FILTER_VALUES = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(["2007", "2007-02", "2007-02-30", "0000", "9999-12-31", "-1", "1e9", "BBC"]),
    st.integers(-(10**12), 10**12),
)


@settings(
    max_examples=EXAMPLES // 3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    query=QUERIES,
    source=FILTER_VALUES,
    year=FILTER_VALUES,
    date_from=FILTER_VALUES,
    date_to=FILTER_VALUES,
)
def test_engine_filters_are_checked(engine, query, source, year, date_from, date_to):
    if isinstance(source, int):
        source = str(source)
    _search_or_query_error(
        engine, query, source=source, year=year, date_from=date_from, date_to=date_to
    )


@settings(
    max_examples=EXAMPLES // 3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(query=QUERIES, page=st.integers(-(10**12), 10**12), size=st.integers(-(10**6), 10**6))
def test_engine_page_and_size_are_checked(engine, query, page, size):
    _search_or_query_error(engine, query, page=page, page_size=size)


@settings(
    max_examples=EXAMPLES // 2,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(query=QUERIES)
def test_cli_query_exits_0_1_or_2_with_one_line(engine, runner, query):
    # After "--", as a shell user must write a query that starts with "-".
    result = runner.invoke(cli, ["query", "--index", engine.index_dir, "--", query])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.output.startswith("searchidx: ") and result.output.count("\n") == 1


@pytest.mark.parametrize(
    "query, kwargs",
    [
        ("*", {}),
        ("a*", {}),
        ("t*", {}),
        ("th*", {}),
        ("*a*", {}),
        ("?", {}),
        ("*:*", {}),
        (" OR ".join(f"word{n}" for n in range(300)), {}),
        (" ".join(f"t{n}*" for n in range(150)), {}),
        ('"' + " ".join(["the"] * 400) + '"~1000', {}),
        ("(" * 200 + "troops" + ")" * 200, {}),
        ("NOT " * 240 + "troops", {}),
        ("troops", {"page": 10**9}),
        ("troops", {"page": -1}),
        ("troops", {"page_size": 0}),
        ("troops", {"page_size": -5}),
        ("troops", {"page_size": 10**9}),
        ("date:0001-01-01..9999-12-31", {}),
        ("date:[1 TO 99999999999999999999]", {}),
        ("x" * 100_000, {}),
    ],
)
def test_expensive_queries_are_bounded(bbc_engine, query, kwargs):
    started = time.monotonic()
    _search_or_query_error(bbc_engine, query, **kwargs)
    assert time.monotonic() - started < 5  # answered or refused, never left running


@pytest.fixture(scope="module")
def bbc_engine(bbc_index):
    from searchidx import Engine

    with Engine(bbc_index) as engine:
        yield engine


@pytest.mark.parametrize(
    "limit, page",
    [
        ("0", "1"),
        ("-3", "1"),
        ("10", "0"),
        ("10", "-1"),
        ("99999999999", "1"),
        ("10", "99999999999999999999"),
    ],
)
def test_cli_absurd_limits_exit_2(runner, engine, limit, page):
    result = runner.invoke(
        cli, ["query", "troops", "-n", limit, "-p", page, "--index", engine.index_dir]
    )
    assert result.exit_code == 2 and result.output.startswith("searchidx: ")
    assert result.output.count("\n") == 1
