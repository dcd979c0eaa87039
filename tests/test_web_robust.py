"""The web server under stress: answers while an index run commits; hostile input stays inert."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchidx import index_paths

from .conftest import close_app, make_app
from .helpers import cli_args, cli_env, run_cli, serving, write_corpus
from .test_fuzz import QUERIES

THREADS, REQUESTS_EACH, MAX_EACH, TIME_LIMIT = 4, 60, 600, 90.0
FIRST, SECOND = 150, 250


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture
def server(tmp_path):
    """A real `searchidx serve` on 127.0.0.1 and a free port, over FIRST generated articles."""
    corpus = tmp_path / "corpus"
    write_corpus(corpus, FIRST, marker="firstwave")
    index_dir = tmp_path / "index"
    index_paths(index_dir, [corpus])
    with serving(index_dir) as base:
        yield base, corpus, index_dir


@pytest.mark.slow
def test_server_keeps_answering_while_an_index_run_commits(server):
    base, corpus, index_dir = server
    write_corpus(corpus, SECOND, start=FIRST, marker="secondwave")
    paths = [
        "/api/search?q=firstwave",
        "/?q=firstwave+OR+secondwave",
        "/api/search?q=secondwave",
        "/api/search?q=generated&page=2",
        "/healthz",
    ]
    statuses: list[int] = []
    failures: list[str] = []
    deadline = time.monotonic() + TIME_LIMIT
    indexing = subprocess.Popen(
        cli_args("index", str(corpus), "--index", str(index_dir), "-j", "2"),
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

    during = [0]

    def load(n: int) -> None:
        # At least REQUESTS_EACH requests, and on until the index run has finished.
        for i in range(MAX_EACH):
            running = indexing.poll() is None
            if time.monotonic() > deadline or (i >= REQUESTS_EACH and not running):
                return
            try:
                status, body = _get(base + paths[(n + i) % len(paths)])
            except OSError as exc:  # refused or timed out: the server fell over
                failures.append(repr(exc))
                continue
            statuses.append(status)
            during[0] += running
            if status >= 500:
                failures.append(body[:200].decode(errors="replace"))

    threads = [threading.Thread(target=load, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    _, err = indexing.communicate(timeout=TIME_LIMIT)
    for thread in threads:
        thread.join(TIME_LIMIT)
    assert indexing.returncode == 0, err
    assert failures == []
    assert len(statuses) >= THREADS * REQUESTS_EACH and set(statuses) <= {200}
    assert during[0] > 0
    status, body = _get(base + "/api/search?q=secondwave")
    assert status == 200 and json.loads(body)["total"] == SECOND  # visible, no restart
    print(
        f"{len(statuses)} requests served, {during[0]} while the index run was going, none failed"
    )


@settings(
    max_examples=int(os.environ.get("SEARCHIDX_FUZZ_EXAMPLES", "300")) // 2,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    query=QUERIES,
    page=st.one_of(st.just(""), st.integers(-5, 10**6).map(str), st.text(max_size=6)),
    sort=st.one_of(st.sampled_from(["", "relevance", "date"]), st.text(max_size=6)),
    filters=st.dictionaries(
        st.sampled_from(["source", "year", "from", "to", "size", "limit"]),
        st.one_of(st.text(max_size=10), st.sampled_from(["2007", "9999-12-31", "0", "-1"])),
        max_size=3,
    ),
)
def test_api_search_answers_200_or_400_for_anything(client, query, page, sort, filters):
    args = {"q": query, "page": page, "sort": sort, **filters}
    response = client.get("/api/search", query_string=args)
    assert response.status_code in (200, 400), response.data[:300]
    data = response.get_json()
    assert ("hits" in data) if response.status_code == 200 else data["error"]
    assert b"Traceback" not in response.data


DANGEROUS = [
    "<script>alert",
    "<img src=x",
    "<svg/onload",
    "<iframe",
    'href="javascript:',
    "href='javascript:",
    "href=javascript:",
]
XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "<svg/onload=alert(1)>",
    "'\"><iframe src=//evil>",
]


@pytest.mark.parametrize("payload", XSS)
def test_xss_in_documents_and_queries_comes_back_escaped(tmp_path, payload):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "evil.txt").write_text(f"Evil {payload} headline\n\nbody okapi {payload} tail\n")
    index_paths(tmp_path / "index", [folder])
    app = make_app(tmp_path / "index")
    client = app.test_client()
    try:
        for url in (
            "/?q=okapi",
            f"/?q={urllib.parse.quote(payload)}+okapi",
            "/doc/docs/evil.txt?q=okapi",
            f"/doc/{urllib.parse.quote(payload)}",
        ):
            page = client.get(url).get_data(as_text=True)
            if "<" in payload:
                assert payload not in page, url  # shown only as escaped text
            for live in DANGEROUS:
                assert live not in page, (url, live)
    finally:
        close_app(app)


@pytest.mark.parametrize(
    "path",
    [
        "/doc/..%2f..%2fetc%2fpasswd",
        "/doc/../../etc/passwd",
        "/doc/%2e%2e/%2e%2e/etc/passwd",
        "/doc/seeds%2f..%2f..%2f..%2fetc%2fpasswd",
        "/nope",
    ],
)
def test_traversal_is_404_with_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"root:" not in response.data
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"):
        assert header in response.headers


def test_errors_carry_security_headers(client):
    for response in (
        client.get("/api/search?q=title:%22open"),
        client.get("/api/search?q=x&page=-1"),
        client.post("/api/search"),
        client.get("/doc/nope"),
    ):
        assert response.status_code in (400, 404, 405)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Content-Security-Policy" in response.headers


def test_serve_with_a_bad_port_fails_in_one_line(seed_index):
    result = run_cli("serve", "--port", "-1", "--index", str(seed_index))
    assert result.returncode == 2 and "Traceback" not in result.stderr
