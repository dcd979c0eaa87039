"""The timeline and the copies in a real headless Chromium against ``searchidx serve``."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from .archive_corpus import write_archive
from .browser import served


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with served(
        tmp_path_factory, "archive-site", lambda base: write_archive(base / "archive")
    ) as url:
        yield url


def test_clicking_a_timeline_bar_narrows_the_date_range(page):
    page.goto("/search?q=riverflood")
    chart = page.locator("figure.timeline svg")
    assert chart.get_attribute("role") == "img"
    assert page.locator("#timeline-title").text_content() == "Matches per month"
    bar = page.locator('a.bar-link:has(title:text-is("March 2021: 4 matches"))')
    box = bar.locator("rect.bar").bounding_box()
    assert box and box["height"] > 5  # drawn, with the size the stylesheet allows
    bar.locator("rect.hotspot").click()
    page.wait_for_url("**/search?**")
    args = parse_qs(urlsplit(page.url).query)
    assert args["from"] == ["2021-03-01"] and args["to"] == ["2021-03-31"]
    assert page.locator("#timeline-title").text_content() == "Matches per day"
    assert page.locator(".filters .chip").count() == 2  # from and to, each removable
    assert page.csp_errors == [] and page.dialogs == []


def test_the_copies_toggle_shows_the_copies(page):
    page.goto("/search?q=closes")  # the headline of the story with three copies
    copies = page.locator("details.copies")
    assert copies.count() == 1
    listed = copies.locator("ul li a")
    assert not listed.first.is_visible()
    copies.locator("summary").click()
    assert listed.count() == 2 and listed.first.is_visible()
    assert all(text == "Flood closes bridge" for text in listed.all_text_contents())
    page.get_by_role("link", name="show every copy").click()
    page.wait_for_url("**collapse=0**")
    assert page.locator("h2 a", has_text="Flood closes bridge").count() == 3
    assert page.csp_errors == []
