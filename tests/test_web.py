"""The web app through Flask's test client: pages, API, errors, headers and escaping."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from searchidx import index_paths
from searchidx.cli import cli
from web.pages import page_window

from .conftest import ROOT, SEED_ID, close_app, make_app

SEED_TITLE = "US resumes joint military operations in Iraq"
XSS = "<script>alert(1)</script> <img src=x onerror=alert(1)>"


@pytest.fixture
def xss_index(tmp_path):
    """An index holding one article whose every field tries to inject markup."""
    folder = tmp_path / "xss"
    folder.mkdir()
    record = {
        "id": "xss/1",
        "title": f"Hostile {XSS} title",
        "body": f"A hostile body {XSS} about zebras.\n\nSecond paragraph on zebras.",
        "source": f"Source {XSS}",
        "url": "javascript:alert(1)",
        "date": "2021-02-03",
    }
    (folder / "evil.jsonl").write_text(json.dumps(record) + "\n")
    index_dir = tmp_path / "xss-index"
    index_paths(index_dir, [folder])
    return index_dir


@pytest.fixture
def xss_client(xss_index):
    app = make_app(xss_index)
    yield app.test_client()
    close_app(app)


@pytest.fixture
def paged_client(articles, tmp_path):
    """Three matching articles, one a page."""
    index_dir = tmp_path / "paged"
    index_paths(index_dir, [articles])
    app = make_app(index_dir, PAGE_SIZE=1)
    yield app.test_client()
    close_app(app)


# -- the search page ----------------------------------------------------------------------


def test_home_has_one_labelled_autofocused_box_and_syntax_help(client):
    page = client.get("/")
    html = page.text
    assert page.status_code == 200
    assert re.search(r'<label for="q">[^<]+</label>', html)
    assert re.search(r'<input id="q" name="q" type="search" autofocus', html)
    assert 'action="/search" method="get"' in html
    assert 'name="viewport" content="width=device-width' in html
    assert 'id="syntax"' in html and "&#34;triangle of death&#34;" in html


def test_troops_shows_the_seed_with_the_word_marked(client):
    html = client.get("/search?q=troops").text
    assert f">{SEED_TITLE}</a>" in html
    assert f'href="/doc/{SEED_ID}?q=troops"' in html
    assert "<mark>troops</mark>" in html
    assert "<strong>1</strong> result" in html and re.search(r"in (\d+|&lt;1) ms", html)
    assert '<time datetime="2020-01-17">17 January 2020</time>' in html
    assert 'value="troops"' in html  # the box keeps the query


def test_empty_query_goes_back_to_the_search_page(client):
    page = client.get("/search?q=++")
    assert page.status_code == 302 and page.headers["Location"] == "/"


def test_did_you_mean_is_a_link(client):
    html = client.get("/search?q=trops").text
    assert 'Did you mean <a href="/search?q=troops">troops</a>?' in html


def test_no_results_has_a_friendly_empty_state(client):
    page = client.get("/search?q=elephants")
    assert page.status_code == 200
    assert "No articles match <strong>elephants</strong>" in page.text
    assert "Check the spelling" in page.text


@pytest.mark.parametrize(
    "query, message",
    [
        ('title:"unbalanced', "unbalanced quote"),
        ("title:(troops", "unbalanced parenthesis"),
        ("date:2020-13-45", "month must be in 1..12"),
        ("t*", "is too broad"),
        ("x" * 1001, "query too long (1001 characters; the limit is 1000)"),
    ],
)
def test_bad_query_explains_itself_with_400(client, query, message):
    page = client.get("/search", query_string={"q": query})
    assert page.status_code == 400
    assert message in page.text
    assert 'role="alert"' in page.text and "Traceback" not in page.text


@pytest.mark.parametrize(
    "args, message",
    [
        ({"page": "abc"}, "page must be a whole number"),
        ({"page": "0"}, "page must be a whole number from 1 up"),
        ({"page": "-3"}, "page must be a whole number from 1 up"),
        ({"page": "99999999999999999999"}, "is too deep"),
        ({"page": "9" * 5000}, "page must be a whole number"),
        ({"sort": "random"}, "unknown sort"),
    ],
)
def test_absurd_page_or_sort_is_400(client, args, message):
    page = client.get("/search", query_string={"q": "troops", **args})
    assert page.status_code == 400 and message in page.text


def test_page_past_the_end_is_404_with_a_way_back(client):
    page = client.get("/search?q=troops&page=2")
    assert page.status_code == 404
    assert "past the end" in page.text and 'href="/search?q=troops&amp;page=1"' in page.text


def test_date_sort_is_kept_in_the_form_and_links(paged_client):
    html = paged_client.get("/search?q=rain+OR+election&sort=date").text
    assert '<input type="hidden" name="sort" value="date">' in html
    assert 'href="/search?page=2&amp;q=rain+OR+election&amp;sort=date"' in html
    assert '<a href="/search?q=rain+OR+election&amp;sort=relevance">relevance</a>' in html


# -- pagination ---------------------------------------------------------------------------


def _page_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="pager".*?</nav>', html, re.DOTALL).group()
    return re.findall(r"<(?:a|span)[^>]*>([^<]+)</", nav)


def test_pages_link_previous_next_and_numbers_but_nothing_past_the_end(paged_client):
    first = paged_client.get("/search?q=rain+OR+election").text
    assert "<strong>3</strong> results, page 1 of 3" in first
    assert _page_links(first) == ["1", "2", "3", "Next →"]
    assert '<span class="current" aria-current="page">1</span>' in first
    middle = paged_client.get("/search?q=rain+OR+election&page=2").text
    assert _page_links(middle) == ["← Previous", "1", "2", "3", "Next →"]
    last = paged_client.get("/search?q=rain+OR+election&page=3").text
    assert _page_links(last) == ["← Previous", "1", "2", "3"]
    assert 'rel="next"' not in last and '<ol class="hits" start="3">' in last


def test_a_single_page_has_no_pager(client):
    assert 'class="pager"' not in client.get("/search?q=troops").text


@pytest.mark.parametrize(
    "current, last, window",
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (1, 20, [1, 2, 3, None, 20]),
        (10, 20, [1, None, 8, 9, 10, 11, 12, None, 20]),
        (20, 20, [1, None, 18, 19, 20]),
        (4, 20, [1, 2, 3, 4, 5, 6, None, 20]),
    ],
)
def test_page_window(current, last, window):
    assert page_window(current, last) == window


@pytest.mark.corpus
def test_bbc_results_page_through(bbc_index):
    app = make_app(bbc_index)
    try:
        client = app.test_client()
        first = client.get("/search?q=government").text
        total = int(
            re.search(r"<strong>([\d,]+)</strong> results", first).group(1).replace(",", "")
        )
        pages = -(-total // 10)
        assert pages > 5
        assert first.count('<li class="hit">') == 10
        links = _page_links(first)
        assert links[0] == "1" and links[-2:] == [str(pages), "Next →"] and "…" in links
        last = client.get(f"/search?q=government&page={pages}").text
        assert 'rel="next"' not in last and last.count('<li class="hit">') == total - 10 * (
            pages - 1
        )
        assert client.get(f"/search?q=government&page={pages + 1}").status_code == 404
    finally:
        close_app(app)


# -- articles -----------------------------------------------------------------------------


def test_article_page_shows_text_and_metadata(client):
    page = client.get(f"/doc/{SEED_ID}")
    assert page.status_code == 200
    assert f"<h1>{SEED_TITLE}</h1>" in page.text
    assert "Triangle of Death" in page.text and "<mark" not in page.text
    assert f"<code>{SEED_ID}</code>" in page.text and "17 January 2020" in page.text


def test_article_from_a_result_marks_the_query_and_anchors_the_first_match(client):
    html = client.get(f"/doc/{SEED_ID}?q=troops+OR+iraq").text
    assert '<mark id="m1">troops</mark>' in html
    assert "<h1>US resumes joint military operations in <mark>Iraq</mark></h1>" in html
    assert re.search(r'<a href="#m1">\d+ matches</a>', html)
    assert '<a href="/search?q=troops+OR+iraq">' in html  # back to the results
    assert '<script src="/static/doc.js" defer></script>' in html


def test_article_keeps_paragraphs(client):
    html = client.get(f"/doc/{SEED_ID}?q=troops").text
    body = re.search(r'<div class="body">(.*?)</div>', html, re.DOTALL).group(1)
    assert "\n\n" in body


def test_article_with_a_bad_query_is_still_shown(client):
    page = client.get(f"/doc/{SEED_ID}", query_string={"q": 'title:"oops'})
    assert page.status_code == 200
    assert "unbalanced quote" in page.text and SEED_TITLE in page.text


@pytest.mark.parametrize(
    "path",
    [
        "/doc/seeds/nope.txt",
        "/doc/..%2f..%2fetc%2fpasswd",
        "/doc/../../etc/passwd",
        "/doc/%2e%2e/%2e%2e/etc/passwd",
        "/doc//etc/passwd",
        "/doc/seeds/000_a20da12f17ca7dba.txt/..",
    ],
)
def test_unknown_and_traversing_ids_are_404(client, path):
    page = client.get(path, follow_redirects=True)  # "//" is first merged by a redirect
    assert page.status_code == 404
    assert "root:" not in page.text and "Not found" in page.text


# -- API, OpenSearch, health --------------------------------------------------------------


def test_api_gives_the_same_json_as_the_cli(client, runner, seed_index):
    api = client.get("/api/search?q=troops").get_json()
    printed = json.loads(
        runner.invoke(cli, ["query", "troops", "--json", "--index", str(seed_index)]).output
    )
    api.pop("took_ms"), printed.pop("took_ms")
    assert api == printed
    assert (
        api["hits"][0]["id"] == SEED_ID and "<mark>troops</mark>" in api["hits"][0]["snippet_html"]
    )


def test_api_keeps_the_keys_in_schema_order(client):
    page = client.get("/api/search?q=troops")
    assert list(page.get_json()) == [
        "query",
        "total",
        "page",
        "page_size",
        "sort",
        "took_ms",
        "suggestion",
        "hits",
        "filters",
        "facets",
        "copies",
        "collapsed",
        "timeline",
    ]


@pytest.mark.parametrize(
    "query_string, message",
    [
        ({"q": ""}, "empty query"),
        ({"q": 'title:"open'}, "unbalanced quote"),
        ({"q": "troops", "page_size": "1000"}, "page size must be from 1 to 100"),
        ({"q": "troops", "page": "x"}, "page must be a whole number"),
        ({"q": "troops", "page": "2000"}, "too deep"),
    ],
)
def test_api_errors_are_json_400(client, query_string, message):
    page = client.get("/api/search", query_string=query_string)
    assert page.status_code == 400 and page.is_json
    assert set(page.get_json()) == {"error"} and message in page.get_json()["error"]


def test_api_unknown_route_is_json_404(client):
    page = client.get("/api/nothing")
    assert page.status_code == 404 and "error" in page.get_json()


def test_opensearch_description_is_linked_and_valid(client):
    assert 'rel="search" type="application/opensearchdescription+xml"' in client.get("/").text
    page = client.get("/opensearch.xml")
    assert page.mimetype == "application/opensearchdescription+xml"
    assert 'template="http://localhost/search?q={searchTerms}"' in page.text
    import xml.etree.ElementTree as ET

    root = ET.fromstring(page.data)
    assert root.tag == "{http://a9.com/-/spec/opensearch/1.1/}OpenSearchDescription"


def test_healthz_counts_documents(client):
    page = client.get("/healthz")
    assert page.status_code == 200 and page.get_json() == {"status": "ok", "documents": 1}


def test_missing_index_is_503_everywhere(tmp_path):
    app = make_app(tmp_path / "none")
    try:
        client = app.test_client()
        assert client.get("/healthz").status_code == 503
        page = client.get("/search?q=troops")
        assert page.status_code == 503 and "no index in" in page.text
        api = client.get("/api/search?q=troops")
        assert api.status_code == 503 and "no index in" in api.get_json()["error"]
        assert client.get("/").status_code == 200  # the page itself still loads
    finally:
        close_app(app)


def test_new_documents_are_found_without_a_restart(articles, tmp_path):
    index_dir = tmp_path / "live"
    index_paths(index_dir, [articles])
    app = make_app(index_dir)
    try:
        client = app.test_client()
        assert client.get("/api/search?q=volcano").get_json()["total"] == 0
        assert client.get("/healthz").get_json()["documents"] == 3
        (articles / "d.txt").write_text("Volcano erupts\n\nA volcano erupted near the valley.\n")
        index_paths(index_dir, [articles])
        assert client.get("/api/search?q=volcano").get_json()["total"] == 1
        assert "Volcano erupts" in client.get("/search?q=volcano").text
        assert client.get("/healthz").get_json()["documents"] == 4
    finally:
        close_app(app)


# -- safety -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search?q=troops",
        "/search?q=%22bad",
        f"/doc/{SEED_ID}",
        "/doc/nope",
        "/api/search?q=troops",
        "/api/search?q=",
        "/opensearch.xml",
        "/healthz",
        "/static/style.css",
        "/no/such/page",
    ],
)
def test_security_headers_on_every_response(client, path):
    page = client.get(path)
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"
    page.close()


def test_post_is_405_with_headers(client):
    page = client.post("/search?q=troops")
    assert page.status_code == 405 and page.headers["X-Content-Type-Options"] == "nosniff"


def test_unexpected_errors_show_no_traceback(app, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(app.extensions["searchidx"], "search", boom)
    app.logger.disabled = True
    app.config["TESTING"] = False  # let the error handler answer, as in production
    page = app.test_client().get("/search?q=troops")
    assert page.status_code == 500
    assert "secret internals" not in page.text and "Traceback" not in page.text
    assert page.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/", "/search?q=troops", f"/doc/{SEED_ID}?q=troops", "/nope"])
def test_no_inline_script_or_style(client, path):
    html = client.get(path).text
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert (
        "<style" not in html
        and " style=" not in html
        and " on" not in re.sub(r">[^<]*<", "><", html)
    )


def test_hostile_document_is_shown_as_text(xss_client):
    for path in ("/search?q=zebras", "/doc/xss/1?q=zebras", "/doc/xss/1"):
        text = xss_client.get(path).text
        assert "<script>alert" not in text and "<img src=x" not in text, path
    # JSON carries the data as it is (served as application/json with nosniff); only its
    # snippet_html is markup, and that is escaped.
    api = xss_client.get("/api/search?q=zebras")
    hit = api.get_json()["hits"][0]
    assert api.mimetype == "application/json" and hit["title"] == f"Hostile {XSS} title"
    assert "<img" not in hit["snippet_html"] and "&lt;img src=x" in hit["snippet_html"]
    results = xss_client.get("/search?q=zebras").text
    assert (
        "Hostile &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; title"
        in results
    )
    assert "&lt;img src=x onerror=alert(1)&gt; about <mark>zebras</mark>" in results
    article = xss_client.get("/doc/xss/1").text
    assert "Source &lt;script&gt;" in article
    assert 'href="javascript:' not in article and "<dd>javascript:alert(1)</dd>" in article


def test_hostile_query_is_escaped(client):
    html = client.get("/search", query_string={"q": XSS}).text
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# -- the serve command --------------------------------------------------------------------


class FakeServer:
    effective_port = 5123
    ran = closed = False

    def run(self):
        FakeServer.ran = True

    def close(self):
        FakeServer.closed = True


def test_serve_uses_waitress_on_localhost_and_prints_the_url(runner, seed_index, monkeypatch):
    calls = {}

    def create_server(app, **kwargs):
        calls.update(kwargs, app=app)
        return FakeServer()

    monkeypatch.setattr("waitress.create_server", create_server)
    monkeypatch.delenv("SEARCHIDX_HOST", raising=False)
    monkeypatch.delenv("SEARCHIDX_PORT", raising=False)
    result = runner.invoke(cli, ["serve", "--index", str(seed_index)])
    assert result.exit_code == 0, result.output
    assert calls["host"] == "127.0.0.1" and calls["port"] == 5000
    assert "Serving 1 document from" in result.output
    assert "http://127.0.0.1:5123/" in result.output
    assert FakeServer.ran and FakeServer.closed
    assert calls["app"].config["INDEX"] == str(seed_index) and not calls["app"].debug


def test_serve_reads_host_and_port_from_the_environment(runner, seed_index, monkeypatch):
    calls = {}
    monkeypatch.setattr(
        "waitress.create_server", lambda app, **kw: calls.update(kw) or FakeServer()
    )
    monkeypatch.setenv("SEARCHIDX_HOST", "0.0.0.0")
    monkeypatch.setenv("SEARCHIDX_PORT", "8088")
    assert runner.invoke(cli, ["serve", "--index", str(seed_index)]).exit_code == 0
    assert calls["host"] == "0.0.0.0" and calls["port"] == 8088


def test_serve_without_an_index_fails_in_one_line(runner, tmp_path):
    result = runner.invoke(cli, ["serve", "--index", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "searchidx: no index in" in result.output


def test_the_core_never_imports_the_web_app():
    code = (
        "import sys, searchidx, searchidx.cli; print('web' in sys.modules, 'flask' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "False"]


def test_article_page_does_not_show_server_paths(client, seed_index):
    html = client.get(f"/doc/{SEED_ID}").text
    assert str(ROOT) not in html and str(seed_index) not in html
