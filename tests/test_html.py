import warnings
from datetime import datetime

import pytest
import trafilatura

from searchidx.errors import IngestError
from searchidx.ingest import SourceFile, read_documents
from searchidx.ingest.html import read_html, site_from_title

from .conftest import COURIER_PAGE, GAZETTE_PAGE

BOILERPLATE = (
    "Navlinkery",
    "Sofaworld",
    "Promoflux",
    "Trollington",
    "Bakewellery",
    "Privacy policy",
)


def test_article_fields_from_metadata():
    doc = read_html(COURIER_PAGE, "pages/floods.html", "/x/pages/floods.html")
    assert doc.title == "Floods hit valley towns after record rain"
    assert doc.date == datetime(2021, 3, 3, 8, 15)
    assert doc.source == "The Valley Courier"
    assert doc.url == "https://courier.example.com/news/2021/03/floods"
    assert doc.id == "pages/floods.html" and doc.position is None


def test_body_is_the_article_without_boilerplate():
    doc = read_html(COURIER_PAGE, "floods.html", "floods.html")
    assert doc.body.startswith(
        "Heavy rain flooded the valley towns overnight"
    )  # headline not repeated
    assert "volunteers filled sandbags" in doc.body
    assert "records began in 1911" in doc.body
    for word in BOILERPLATE:
        assert word not in doc.body


def test_page_without_metadata_gets_date_from_text_and_site_from_title():
    doc = read_html(GAZETTE_PAGE, "bridge.htm", "bridge.htm")
    assert doc.title == "Council approves new bridge over the river"
    assert doc.date == datetime(2020, 1, 12)
    assert doc.source == "Riverside Gazette"
    assert doc.url == ""
    assert "pedestrian bridge" in doc.body and "Opponents argued" in doc.body
    for word in ("Paywallio", "Grumbleton", "cookies", "Log in", "Trending", "Share this"):
        assert word not in doc.body


@pytest.mark.parametrize(
    "page_title, headline, site",
    [
        ("Floods hit towns | The Valley Courier", "Floods hit towns", "The Valley Courier"),
        (
            "Council approves bridge - Riverside Gazette",
            "Council approves bridge",
            "Riverside Gazette",
        ),
        ("Just a headline", "Just a headline", ""),
        ("Left - right: a long subtitle that is plainly not a site name at all", "x", ""),
    ],
)
def test_site_from_title(page_title, headline, site):
    assert site_from_title(page_title, headline) == site


def test_fallback_to_title_and_visible_text(monkeypatch):
    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *a, **k: None)
    page = (
        "<html><head><title>Plain page</title><style>p {color: red}</style></head>"
        "<body><script>var tracker = 1;</script><p>Only   this text.</p><!-- hidden --></body></html>"
    )
    doc = read_html(page, "plain.html", "plain.html")
    assert doc.title == "Plain page"
    assert doc.body == "Only this text."
    assert "tracker" not in doc.body and "color" not in doc.body and "hidden" not in doc.body


def test_fallback_keeps_date_site_and_url(monkeypatch):
    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *a, **k: None)
    page = (
        "<html><head><title>Storm warning</title>"
        '<meta property="og:site_name" content="Riverside Gazette">'
        '<meta property="article:published_time" content="2021-03-04T08:30:00">'
        '<link rel="canonical" href="https://gazette.example.org/news/storm-warning">'
        "</head><body><p>Heavy rain is expected along the river tonight.</p></body></html>"
    )
    doc = read_html(page, "storm.html", "storm.html")
    assert doc.body == "Heavy rain is expected along the river tonight."
    assert doc.source == "Riverside Gazette"
    assert doc.url == "https://gazette.example.org/news/storm-warning"
    assert doc.date is not None and doc.date.isoformat().startswith("2021-03-04")


def test_page_with_no_text_is_refused(monkeypatch):
    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *a, **k: None)
    with pytest.raises(IngestError, match="no text"):
        read_html("<html><body><script>x()</script></body></html>", "e.html", "e.html")


def test_third_party_warnings_are_silenced_at_the_call_site(monkeypatch):
    # A warning raised inside trafilatura's packages must not fail a run under -W error ...
    real = trafilatura.bare_extraction
    namespace = {"__name__": "htmldate.core", "warnings": warnings, "real": real}
    exec(
        "def noisy(*args, **kwargs):\n"
        "    warnings.warn('odd date in page', UserWarning)\n"
        "    return real(*args, **kwargs)\n",
        namespace,
    )
    monkeypatch.setattr(trafilatura, "bare_extraction", namespace["noisy"])
    assert read_html(COURIER_PAGE, "f.html", "f.html").source == "The Valley Courier"
    # ... while our own warnings still surface.
    with pytest.raises(UserWarning):
        warnings.warn("ours", UserWarning, stacklevel=2)


def test_html_files_are_read_through_the_registry(tmp_path):
    path = tmp_path / "page.htm"
    path.write_text(GAZETTE_PAGE)
    docs, skipped = read_documents(SourceFile(str(path), "x/page.htm"))
    assert skipped == [] and [d.title for d in docs] == [
        "Council approves new bridge over the river"
    ]
    assert docs[0].path == str(path)
