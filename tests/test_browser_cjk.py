"""A CJK query in a real headless Chromium: the word inside a run is found and marked."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from .browser import served
from .test_multilingual import write_articles


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with served(tmp_path_factory, "world-web", lambda base: write_articles(base / "world")) as url:
        yield url


@pytest.mark.parametrize("word, doc_id", [("財政部", "zh"), ("ホテル", "ja")])
def test_a_cjk_word_is_marked_on_the_results_and_article_pages(page, word, doc_id):
    page.goto("/")
    page.fill("#q", word)  # typed text of these scripts arrives through an IME; filled here
    page.press("#q", "Enter")
    page.wait_for_url(f"**/search?q={quote(word)}*")
    assert page.locator(".snippet mark").all_inner_texts() == [word]
    page.click(f'a[href^="/doc/{doc_id}"]')
    page.wait_for_url(f"**/doc/{doc_id}?q=*")
    page.locator(".body mark").first.wait_for()
    assert word in page.locator(".body mark").all_inner_texts()
    assert not page.csp_errors and not page.dialogs
