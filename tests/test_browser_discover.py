"""Search as you type, the feed link and related articles in a real Chromium.

Runs ``searchidx serve`` on the news desk of ``newsdesk.py`` and uses the fixtures of
``browser.py`` (Debian's chromium; skipped without one, failing when CI is set).
"""

from __future__ import annotations

from urllib.parse import quote

import feedparser
import pytest

from .browser import arrive, served
from .newsdesk import GAME_COPY_IDS, write_newsdesk


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with served(tmp_path_factory, "desk", write_newsdesk) as base:
        yield base


def _options(page):
    return page.locator("#q-suggestions [role=option]")


def _wait_for_answer(page, typed: str) -> dict:
    """Wait until the list offers the server's answer to TYPED; return that answer.

    Until the ask of the last keystroke is answered, the list may offer the answer to a
    shorter text, and that answer's replacement deselects what the arrow keys chose.  The
    texts typed here have headlines, which no shorter text of theirs has (3 letters of the
    last word are needed), so the lists cannot be mistaken for one another.
    """
    from playwright.sync_api import expect  # imported here: without it the module skips

    answer = page.request.get(f"/api/suggest?q={quote(typed)}").json()
    assert answer["headlines"], f"no headline for {typed!r}"
    labels = [w["text"] for w in answer["words"]] + [h["title"] for h in answer["headlines"]]
    expect(_options(page)).to_have_text(labels)
    return answer


def test_type_arrow_down_enter_searches_the_completion(page):
    arrive(page, "/")
    box = page.locator("#q")
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "false"
    page.keyboard.type("ele")
    _wait_for_answer(page, "ele")
    assert box.get_attribute("aria-expanded") == "true"
    assert _options(page).first.inner_text() == "election"
    page.keyboard.press("ArrowDown")
    first = _options(page).first
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=election")
    assert page.locator("li.hit").count() == 10
    assert page.csp_errors == [] and page.dialogs == []


def test_escape_closes_and_enter_then_submits_what_was_typed(page):
    page.goto("/search?q=x")
    page.fill("#q", "")
    page.locator("#q").type("ballo")
    page.wait_for_selector("#q-suggestions:not([hidden])")
    page.keyboard.press("Escape")
    assert page.locator("#q-suggestions").is_hidden()
    assert page.locator("#q").get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=ballo")


def test_an_empty_answer_does_not_cancel_the_next_keystrokes_ask(page):
    """An empty answer arriving after the next keystroke only hides the list.

    It used to close it as Escape does, cancelling the ask the next keystroke had
    scheduled, so the list never opened for what was finally typed (a flake under load).
    """
    held = []
    page.route("**/api/suggest?q=metal%20sl", lambda route: held.append(route))
    arrive(page, "/")
    page.keyboard.type("metal sl")
    for _ in range(200):  # the ask for "metal sl" reaches the route, and waits there
        if held:
            break
        page.wait_for_timeout(25)
    assert held, "no suggestion request for 'metal sl'"
    page.keyboard.type("u")  # schedules the next ask
    held[0].fulfill(json={"words": [], "headlines": []})  # the empty answer, late
    page.wait_for_selector("#q-suggestions .headline")
    assert "Metal Slug" in page.locator("#q-suggestions").inner_text()


def test_a_headline_option_opens_the_article(page):
    arrive(page, "/")
    page.keyboard.type("metal slu")
    words = len(_wait_for_answer(page, "metal slu")["words"])
    for _ in range(words + 1):
        page.keyboard.press("ArrowDown")
    assert "Metal Slug" in page.locator("#q-suggestions [aria-selected=true]").inner_text()
    page.keyboard.press("Enter")
    page.wait_for_url("**/doc/games/slug-*")
    assert page.locator("h1").inner_text() == "Metal Slug offers retro fun"


def test_without_scripts_the_box_is_a_plain_form(browser, server):
    context = browser.new_context(base_url=server, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/")
        assert page.locator("#q").get_attribute("role") is None
        page.locator("#q").type("ele")
        page.keyboard.press("Enter")
        page.wait_for_url("**/search?q=ele")
        assert page.locator("#q-suggestions").count() == 0
    finally:
        context.close()


def test_the_feed_link_gives_a_valid_atom_feed(page):
    page.goto("/search?q=election")
    link = page.locator("a.feed")
    assert link.is_visible()
    href = link.get_attribute("href")
    assert (
        page.locator('link[rel="alternate"][type="application/atom+xml"]').get_attribute("href")
        == href
    )
    answer = page.request.get(href)
    feed = feedparser.parse(answer.body())
    assert not feed.bozo and len(feed.entries) == 13
    assert feed.entries[0].link.endswith("/doc/politics/hostile")


def test_the_related_list_leads_to_another_article_not_a_copy(page):
    page.goto(f"/doc/{GAME_COPY_IDS[0]}")
    items = page.locator(".related li a")
    assert items.count() >= 1
    hrefs = items.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert f"/doc/{GAME_COPY_IDS[1]}" not in hrefs
    items.first.click()
    page.wait_for_url("**/doc/games/arcade-revival")
    assert page.locator("h1").inner_text() == "Arcade shooters enjoy a revival"
    assert page.csp_errors == []
