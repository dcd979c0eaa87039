"""The timeline chart and the copies on the results page and in /api/search (Flask client)."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from searchidx import index_paths

from .archive_corpus import MATCHES, STORIES, write_archive
from .conftest import close_app, make_app


@pytest.fixture
def client(tmp_path):
    folder = write_archive(tmp_path / "archive")
    index_paths(tmp_path / "index", [folder])
    app = make_app(tmp_path / "index", PAGE_SIZE=20)
    yield app.test_client()
    close_app(app)


def test_api_search_has_timeline_copies_and_collapse_switch(client):
    data = client.get("/api/search?q=riverflood").get_json()
    assert data["total"] == STORIES and data["copies"] == MATCHES - STORIES
    assert data["timeline"][0] == {"start": "2019-01-01", "end": "2019-01-31", "count": 1}
    assert sum(b["count"] for b in data["timeline"]) == MATCHES - 1  # one is undated
    every = client.get("/api/search?q=riverflood&collapse=0").get_json()
    assert every["total"] == MATCHES and every["copies"] == 0 and every["collapsed"] is False


def test_api_sort_by_date_puts_undated_last(client):
    hits = client.get("/api/search?q=riverflood&sort=date&collapse=0").get_json()["hits"]
    assert hits[0]["date"].startswith("2021-12-30")
    assert hits[-1]["date"] is None


def _bars(html: str) -> list[tuple[str, str]]:
    """Return (href, title) of each bar link in the SVG."""
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    return [
        (unescape(href), title)
        for href, title in re.findall(
            r'<a href="([^"]+)" class="bar-link"><title>([^<]+)</title>', svg
        )
    ]


def test_results_page_draws_an_accessible_timeline_of_links(client):
    page = client.get("/search?q=riverflood")
    html = page.get_data(as_text=True)
    assert 'role="img" aria-labelledby="timeline-title timeline-desc"' in html
    assert '<title id="timeline-title">Matches per month</title>' in html
    assert "14 dated matches per month from January 2019 to December 2021" in html
    bars = _bars(html)
    assert len(bars) == 10  # months with a match; the empty ones are drawn without a link
    href, title = next(b for b in bars if b[1].startswith("March 2021"))
    assert title == "March 2021: 4 matches"
    args = parse_qs(urlsplit(href).query)
    assert args["from"] == ["2021-03-01"] and args["to"] == ["2021-03-31"]
    # The same links in a table, for screen readers and text browsers.
    assert f'<a href="{href.replace("&", "&amp;")}">March 2021</a>' in html
    # No inline style or script (the page's scripts are local files: the CSP forbids inline).
    assert "style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)


def test_following_a_bar_narrows_to_its_days(client):
    html = client.get("/search?q=riverflood").get_data(as_text=True)
    href = next(h for h, t in _bars(html) if t.startswith("March 2021"))
    narrowed = client.get(href).get_data(as_text=True)
    assert "Matches per day" in narrowed
    assert re.search(r"<strong>2</strong> results", narrowed)  # 4 matches, 2 stories


def test_copies_fold_under_a_details_element_and_collapse_0_shows_them(client):
    html = client.get("/search?q=riverflood").get_data(as_text=True)
    assert html.count("Flood closes bridge</a></h2>") == 1
    assert '<details class="copies">' in html and "<summary>2 more copies</summary>" in html
    assert "show every copy</a>" in html
    every = client.get("/search?q=riverflood&collapse=0").get_data(as_text=True)
    assert every.count("Flood closes bridge</a></h2>") == 3
    assert "group copies</a>" in every
    # The switch survives paging and sorting links.
    assert "collapse=0" in re.search(r'class="sort">.*?</p>', every, re.S).group(0)


def test_facet_links_keep_the_every_copy_switch(client):
    html = client.get("/search?q=riverflood&collapse=0").get_data(as_text=True)
    facet = re.search(r'<aside class="facets".*?</aside>', html, re.S).group(0)
    links = [unescape(h) for h in re.findall(r'href="([^"]+)"', facet)]
    assert links and all("collapse=0" in link for link in links)
