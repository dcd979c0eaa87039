"""A CJK query in a real headless Chromium: the word inside a run is found and marked."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from searchidx import index_paths

from .helpers import serving
from .test_browser import browser, watched_page  # noqa: F401  (the module's browser fixture)
from .test_multilingual import write_articles


@pytest.fixture(scope="module")
def world_server(tmp_path_factory):
    base = tmp_path_factory.mktemp("world-web")
    index_dir: Path = base / "index"
    index_paths(index_dir, [write_articles(base / "world")])
    with serving(index_dir) as url:
        yield url


@pytest.mark.parametrize("word, doc_id", [("財政部", "zh"), ("ホテル", "ja")])
def test_a_cjk_word_is_marked_on_the_results_and_article_pages(
    browser,  # noqa: F811
    world_server,
    word,
    doc_id,
):
    with watched_page(browser, world_server, 1000, 760) as page:
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
