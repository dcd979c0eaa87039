"""A real headless Chromium against the real server (``searchidx serve``), driven by Playwright.

The server runs as a subprocess on 127.0.0.1 over an index of the seeds, a hostile article and,
when present, the BBC corpus.  One browser serves the whole module; each test gets a fresh page.
The browser, its pages and the Chromium it finds are in ``browser.py``; without a browser the
module is skipped, unless CI is set: then it fails.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from searchidx import index_paths

from .browser import arrive
from .conftest import CORPORA, ROOT, SEED_ID, SEEDS
from .helpers import serving

SEED_TITLE = "US resumes joint military operations in Iraq"
XSS = "<script>alert(1)</script> <img src=x onerror=alert(1)>"
SCREENSHOT = ROOT / "docs" / "screenshot.png"
# The run always takes the screenshot; it replaces the committed one only when asked, so a
# test run does not leave the work tree changed: SEARCHIDX_UPDATE_SCREENSHOT=1 pytest ...
UPDATE_SCREENSHOT = os.environ.get("SEARCHIDX_UPDATE_SCREENSHOT") == "1"


@pytest.fixture(scope="module")
def site_index(request, tmp_path_factory) -> Path:
    """The seeds, a hostile article and a long one, plus the BBC corpus when it is present."""
    base = tmp_path_factory.mktemp("site")
    index_dir = base / "index"
    if (CORPORA / "bbc").is_dir():
        shutil.copytree(request.getfixturevalue("bbc_index"), index_dir)
    extra = base / "extra"
    extra.mkdir()
    records = [
        {
            "id": "xss/1",
            "title": f"Hostile {XSS} zebras",
            "body": f"Zebras {XSS} here.",
            "url": "javascript:alert(1)",
        },
        {
            "id": "long/1",
            "title": "A long read",
            "body": "Filler line.\n\n" * 300 + "The needle is here.",
        },
    ]
    (extra / "extra.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    index_paths(index_dir, [SEEDS, extra])
    return index_dir


@pytest.fixture(scope="module")
def server(site_index):
    """The base URL of ``python -m searchidx serve`` running on SITE_INDEX."""
    with serving(site_index) as base:
        yield base


def _seed_link(page):
    return page.locator(f'a[href^="/doc/{SEED_ID}"]')


def test_typing_troops_and_enter_shows_the_seed_marked(page):
    arrive(page, "/")  # the box has the focus on arrival: type straight away
    page.keyboard.type("troops")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=troops")
    marks = page.locator(".snippet mark")
    assert marks.count() >= 1
    assert {m.lower() for m in marks.all_inner_texts()} == {"troops"}
    # The seed is on the first page of the BBC-sized index too; follow Next if it ever is not.
    for _ in range(5):
        if _seed_link(page).count() or not page.locator('a[rel="next"]').count():
            break
        page.click('a[rel="next"]')
    assert _seed_link(page).inner_text() == SEED_TITLE
    assert page.locator(".count").inner_text().split()[0].replace(",", "").isdigit()
    assert page.csp_errors == []
    page.goto("/search?q=troops")
    shot = page.screenshot(path=str(SCREENSHOT) if UPDATE_SCREENSHOT else None)
    assert 10_000 < len(shot) < 300_000


def test_a_result_opens_the_article_with_the_first_match_in_view(page):
    page.goto("/search?q=troops")
    for _ in range(5):
        if _seed_link(page).count():
            break
        page.click('a[rel="next"]')
    _seed_link(page).click()
    page.wait_for_url(f"**/doc/{SEED_ID}?q=troops")
    assert page.locator("h1").inner_text() == SEED_TITLE
    first = page.locator("mark#m1")
    assert first.inner_text() == "troops"
    # The first match is near the top: it is in view with the title, so nothing scrolled.
    box = first.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= page.viewport_size["height"]
    assert page.locator("h1").is_visible() and page.evaluate("window.scrollY") == 0
    assert (
        page.locator(".body mark").count()
        == page.locator(".body mark").filter(has_text="troops").count()
    )
    page.click(".back a")
    page.wait_for_url("**/search?q=troops")


@pytest.mark.parametrize("fragment", ["#m1", ""])
def test_the_article_scrolls_to_a_match_far_down(page, fragment):
    page.goto(f"/doc/long/1?q=needle{fragment}")
    page.wait_for_function("window.scrollY > 1000")
    box = page.locator("mark#m1").bounding_box()
    assert 0 <= box["y"] <= page.viewport_size["height"]
    assert page.csp_errors == []


def test_paging_through_many_results(page):
    if not (CORPORA / "bbc").is_dir():
        pytest.skip(f"corpus 'bbc' not found at {CORPORA / 'bbc'}")
    page.goto("/search?q=government")
    assert page.locator("li.hit").count() == 10
    assert page.locator('a[rel="prev"]').count() == 0
    first_titles = page.locator("li.hit h2").all_inner_texts()
    page.click('a[rel="next"]')
    page.wait_for_url("**page=2**")
    assert page.locator(".pager .current").inner_text() == "2"
    assert page.locator("li.hit h2").all_inner_texts() != first_titles
    assert page.locator("ol.hits").get_attribute("start") == "11"
    last = page.locator(".pager a:not(.step)").last
    last_number = last.inner_text()
    last.click()
    page.wait_for_url(f"**page={last_number}**")
    assert page.locator(".pager .current").inner_text() == last_number
    assert page.locator('a[rel="next"]').count() == 0
    page.click('a[rel="prev"]')
    page.wait_for_url(f"**page={int(last_number) - 1}**")


def test_hostile_article_runs_nothing(page):
    page.goto("/")
    page.fill("#q", "zebras")
    page.press("#q", "Enter")
    page.wait_for_url("**/search?q=zebras")
    assert "<script>alert(1)</script>" in page.locator("li.hit h2").inner_text()
    page.click("li.hit h2 a")
    page.wait_for_url("**/doc/xss/1**")
    assert XSS in page.locator("h1").inner_text()
    assert XSS in page.locator(".body").inner_text()
    assert page.locator("img").count() == 0
    assert page.evaluate("[...document.scripts].every(s => s.src)")
    assert page.locator('a[href^="javascript:"]').count() == 0
    page.wait_for_timeout(200)
    assert page.dialogs == []


def test_phone_width_has_no_sideways_scrolling(page):
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/", "/search?q=troops", f"/doc/{SEED_ID}?q=troops"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
