"""Exports (CSV, JSON Lines) and Atom feeds of a query's matches: core, web and CLI."""

from __future__ import annotations

import csv
import io
import json

import feedparser
import pytest

from searchidx import Engine, index_paths
from searchidx.cli import cli

from .helpers import run_cli
from .newsdesk import ELECTION_DOCS, HOSTILE_TITLE


def test_export_rows_are_every_match_in_rank_order(desk_index):
    with Engine(desk_index) as engine:
        rows = engine.export("election")
        assert len(rows) == ELECTION_DOCS + 1  # more than a page: every match
        assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
        newest = engine.export("election", limit=3, sort="date")
        assert [r["date"][:10] for r in newest] == ["2021-06-30", "2021-05-12", "2021-05-11"]
        assert engine.export("election", source="Games") == []
        with pytest.raises(Exception, match="an export holds from 1"):
            engine.export("election", limit=0)


def test_api_export_csv_is_streamed_and_parses(desk_client):
    answer = desk_client.get("/api/export?q=election&format=csv")
    assert answer.status_code == 200 and answer.is_streamed
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert 'filename="searchidx-export.csv"' in answer.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert len(rows) == ELECTION_DOCS + 1
    hostile = next(r for r in rows if r["id"] == "politics/hostile")
    assert hostile["title"] == HOSTILE_TITLE and hostile["source"] == "Desk <b>"


def test_api_export_jsonl_can_be_indexed_again(desk_client, tmp_path):
    answer = desk_client.get("/api/export?q=metal+slug&format=jsonl&limit=2")
    lines = answer.get_data(as_text=True).splitlines()
    assert len(lines) == 2 and answer.headers["Content-Type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in lines]
    assert {r["title"] for r in rows} >= {"Metal Slug offers retro fun"}
    again = tmp_path / "again"
    again.mkdir()
    (again / "export.jsonl").write_text(answer.get_data(as_text=True))
    index_paths(tmp_path / "again-index", [again])
    with Engine(tmp_path / "again-index") as engine:
        assert {h.id for h in engine.search("slug", collapse=False).hits} == {r["id"] for r in rows}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=election&format=xml", "unknown format 'xml'"),
        ("q=&format=csv", "an export needs a query"),
        ("q=title%3A%28&format=csv", "unbalanced parenthesis"),
        ("q=election&limit=abc", "limit must be a whole number"),
        ("q=election&limit=999999", "an export holds from 1"),
    ],
)
def test_api_export_errors_are_one_line_json(desk_client, query, message):
    answer = desk_client.get(f"/api/export?{query}")
    assert answer.status_code == 400 and message in answer.get_json()["error"]


def test_the_atom_feed_is_valid_and_newest_first(desk_client):
    answer = desk_client.get("/search.atom?q=election")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(answer.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "searchidx: election"
    assert len(feed.entries) == ELECTION_DOCS + 1
    first = feed.entries[0]
    assert first.title == HOSTILE_TITLE.replace("\x0c", "")  # escaped, not executed or lost
    assert first.link == "http://localhost/doc/politics/hostile"
    assert first.updated.startswith("2021-06-30")
    dates = [e.updated for e in feed.entries]
    assert dates == sorted(dates, reverse=True)
    assert feed.feed.links[0].href == "http://localhost/search.atom?q=election"


def test_the_feed_of_nothing_is_still_valid_and_bad_queries_are_400(desk_client):
    feed = feedparser.parse(desk_client.get("/search.atom?q=zzzqqq").data)
    assert not feed.bozo and feed.entries == []
    assert desk_client.get("/search.atom?q=").status_code == 400
    assert desk_client.get("/search.atom?q=title%3A%28").status_code == 400


def test_results_page_links_its_feed_and_exports(desk_client):
    html = desk_client.get("/search?q=election&source=Desk").get_data(as_text=True)
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Newest articles for '
        '“election”" href="/search.atom?q=election&amp;source=Desk">'
    ) in html
    assert '<a class="feed" href="/search.atom?q=election&amp;source=Desk"' in html
    assert 'href="/api/export?q=election&amp;format=csv&amp;source=Desk" download>CSV' in html
    assert 'href="/api/export?q=election&amp;format=jsonl&amp;source=Desk" download>' in html
    opensearch = desk_client.get("/opensearch.xml").get_data(as_text=True)
    assert 'type="application/atom+xml"' in opensearch
    assert "http://localhost/search.atom?q={searchTerms}" in opensearch


def test_cli_query_format_csv_and_jsonl(runner, desk_index):
    args = ["query", "election", "--index", str(desk_index)]
    as_csv = runner.invoke(cli, [*args, "--format", "csv"])
    assert as_csv.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert len(rows) == ELECTION_DOCS + 1  # every match, not a page of 10
    as_jsonl = runner.invoke(cli, [*args, "--format", "jsonl", "--limit", "4"])
    assert len(as_jsonl.output.splitlines()) == 4
    assert json.loads(as_jsonl.output.splitlines()[0])["id"] == rows[0]["id"]
    # --json and --format json are the one JSON object they always were.
    assert json.loads(runner.invoke(cli, [*args, "--json"]).output)["total"] == 13
    assert json.loads(runner.invoke(cli, [*args, "--format", "json"]).output)["total"] == 13
    none = runner.invoke(cli, ["query", "zzzqqq", "--format", "csv", "--index", str(desk_index)])
    assert none.exit_code == 1 and none.output.startswith("id,title,date")


def test_cli_export_as_a_subprocess(desk_index):
    proc = run_cli("query", "slug", "--format", "jsonl", "--index", str(desk_index))
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 3
    bad = run_cli("query", "title:(", "--format", "csv", "--index", str(desk_index))
    assert bad.returncode == 2 and bad.stderr.startswith("searchidx: unbalanced parenthesis")
