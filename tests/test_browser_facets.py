"""Facet filters clicked in a real Chromium against ``searchidx serve`` on the format archive.

Uses the fixtures of ``browser.py`` (Debian's chromium; skipped without one, failing when
CI is set).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from .browser import served
from .conftest import write_archive

VIEWPORT = (1100, 800)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The base URL of ``python -m searchidx serve`` on an index of the format archive."""
    with served(tmp_path_factory, "facets", write_archive) as base:
        yield base


def url_args(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def count(page) -> int:
    return int(page.locator(".count strong").inner_text().replace(",", ""))


def facet(page, name: str, value: str):
    return page.locator(f".facet-{name} li", has=page.locator(".value", has_text=value)).locator(
        "a"
    )


def test_clicking_facets_narrows_results_and_shows_in_the_url(page):
    page.goto("/search?q=river")
    assert count(page) == 8
    assert facet(page, "source", "Middle East Monitor").locator(".n").inner_text() == "3"
    assert page.locator(".facets").is_visible()

    facet(page, "source", "Middle East Monitor").click()
    page.wait_for_url("**/search?*source=*")
    assert url_args(page) == {"q": "river", "source": "Middle East Monitor"}
    assert count(page) == 3
    titles = page.locator(".hit h2").all_inner_texts()
    assert set(titles) == {"Troops return to base", "Aid convoy arrives", "Year ends quietly"}
    assert page.locator(".facet-source li.chosen .value").inner_text() == "Middle East Monitor"

    facet(page, "year", "2020").click()
    page.wait_for_url("**/search?*year=2020*")
    assert url_args(page) == {"q": "river", "source": "Middle East Monitor", "year": "2020"}
    assert count(page) == 2

    # The chip for the source drops that filter and keeps the year.
    page.locator(".chip", has_text="source: Middle East Monitor").click()
    page.wait_for_url("**/search?q=river&year=2020")
    assert count(page) == 4
    assert page.csp_errors == []


def test_filters_survive_sorting_and_the_article_says_where_it_came_from(page):
    page.goto("/search?q=river&source=Wire")
    page.locator(".sort a", has_text="date").click()
    page.wait_for_url("**sort=date**")
    assert url_args(page) == {"q": "river", "sort": "date", "source": "Wire"}
    assert page.locator(".hit h2").all_inner_texts() == ["Drought warning", "Port reopens"]
    page.locator(".hit h2 a", has_text="Port reopens").click()
    page.wait_for_url("**/doc/w1?q=river")
    assert "export.csv, row 6" in page.locator("dl.meta").inner_text()
