"""The url field: a page is found by its host, a part of the host, a path word or its URL."""

from __future__ import annotations

import json

import pytest

from searchidx import Engine, index_paths
from searchidx.cli import cli
from searchidx.urls import url_terms

PAGES = {
    "p1": "https://phys.org/news/2014-12-ancient-rivers.html",
    "g1": "http://www.theguardian.com/politics/2020/jan/17/brexit-vote",
    "b1": "https://news.bbc.co.uk/1/hi/world/middle_east.stm",
}


def test_url_terms():
    assert url_terms(PAGES["g1"]) == [
        PAGES["g1"],
        "www.theguardian.com",
        "theguardian.com",
        "theguardian",
        "com",
        "politics",
        "2020",
        "jan",
        "17",
        "brexit",
        "vote",
    ]
    assert "bbc.co.uk" in url_terms(PAGES["b1"]) and "co.uk" in url_terms(PAGES["b1"])
    assert url_terms("phys.org/a") == ["phys.org/a", "phys.org", "phys", "org", "a"]
    assert url_terms("  ") == []


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pages")
    lines = [
        json.dumps({"id": k, "title": f"page {k}", "body": "text", "url": u})
        for k, u in PAGES.items()
    ]
    (folder / "pages.jsonl").write_text("\n".join(lines))
    index_dir = tmp_path_factory.mktemp("urls") / "index"
    index_paths(index_dir, [folder])
    return index_dir


@pytest.mark.parametrize(
    "query, expected",
    [
        ("url:phys.org", ["p1"]),
        ("url:PHYS.ORG", ["p1"]),
        ("url:phys", ["p1"]),
        ("url:theguardian.com", ["g1"]),
        ("url:www.theguardian.com", ["g1"]),
        ("url:politics", ["g1"]),
        ("url:rivers", ["p1"]),
        ("url:bbc.co.uk", ["b1"]),
        ("url:com", ["g1"]),
        (f"url:{PAGES['p1']}", ["p1"]),  # exact lookup, hyphens and colon included
        (f'url:"{PAGES["g1"]}"', ["g1"]),
        ("url:https://phys.org/news", []),  # a whole URL matches only itself
        ("url:guardian", []),  # a label is matched whole
    ],
)
def test_url_queries(index_dir, query, expected):
    with Engine(index_dir) as engine:
        assert [h.id for h in engine.search(query).hits] == expected


def test_cli_url_query(runner, index_dir):
    result = runner.invoke(cli, ["query", "url:phys.org", "--json", "--index", str(index_dir)])
    assert result.exit_code == 0
    assert [h["url"] for h in json.loads(result.output)["hits"]] == [PAGES["p1"]]
