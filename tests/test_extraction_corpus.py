"""Regression tests on real saved news pages (the newspaper-pages corpus; skipped when absent).

Each page is indexed with the real indexer, and its indexed body is compared with the article
text checked by hand (benchmarks/extraction.py measures all of them).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from searchidx import Engine, index_paths

from .conftest import corpus

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import extraction  # noqa: E402

# Pages extracted well today, one per kind: English news, a wire story, other scripts.
PAGES = {
    "bloomberg.com1": "Bloomberg",
    "nypost.com2": "New York Post",
    "huffingtonpost.com1": "The Huffington Post",
    "chinese_article": "British Broadcasting Corporation",
    "spanish_article": None,
    "arabic_article": None,
    "bhg.com1": "Better Homes and Gardens",  # a slide show: fixed by the default reading
}


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    root = corpus("newspaper-pages")
    folder = tmp_path_factory.mktemp("pages") / "html"
    folder.mkdir()
    for name in PAGES:
        (folder / f"{name}.html").symlink_to(root / "html" / f"{name}.html")
    index_dir = folder.parent / "index"
    summary = index_paths(index_dir, [folder])
    assert summary.skipped == []
    expected = {name: t.read_text(encoding="utf-8") for name, _, t in extraction.pairs(root)}
    with Engine(index_dir) as engine:
        yield engine, expected


@pytest.mark.parametrize("name", list(PAGES))
def test_page_body_is_the_article(pages, name):
    engine, expected = pages
    doc = engine.document(f"html/{name}.html")
    assert extraction.recall(expected[name], doc.body) >= 0.8
    assert extraction.precision(expected[name], doc.body) >= 0.8
    if PAGES[name]:
        assert doc.source == PAGES[name]
    assert doc.date is not None


@pytest.mark.parametrize("name", list(PAGES))
def test_distinctive_phrase_finds_the_page_first(pages, name):
    engine, expected = pages
    phrase = extraction.phrase(expected[name])
    assert engine.search(phrase).hits[0].id == f"html/{name}.html", phrase
