"""The pages: the search box, results, articles, the JSON API, OpenSearch and a health check.

Each view reads its arguments, makes one call on the engine and renders what comes back;
``QueryError`` and ``IndexUnavailable`` propagate to the app's handlers (400 and 503).
"""

from __future__ import annotations

from datetime import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from searchidx import IndexUnavailable, QueryError
from searchidx.config import setting
from searchidx.search import SORTS

from . import engine

bp = Blueprint("pages", __name__)

#: (example, what it does): the short syntax help under the search box.
SYNTAX = (
    ("troops iraq", "any of the words; articles with more of them first"),
    ('"triangle of death"', "the exact phrase"),
    ("troops -iraq", "leave out articles with a word (also NOT)"),
    ("oil AND price", "both words (also OR, and parentheses)"),
    ("milit*", "words starting with milit"),
    ("title:election", "a word in the title (also source:, url:)"),
    ("date:2020-01-01..2020-02-01", "published between two dates"),
)


@bp.app_template_filter("day")
def day(value: datetime | None) -> str:
    """Return VALUE as '17 January 2020' (or '' when there is no date)."""
    return f"{value.day} {value:%B %Y}" if value else ""


def _whole_number(name: str, default: int) -> int:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise QueryError(f"{name} must be a whole number (got {raw[:20]!r})") from None


def _sort() -> str:
    return request.args.get("sort", "relevance").strip() or "relevance"


def page_window(current: int, last: int, around: int = 2) -> list[int | None]:
    """Return the page numbers to link, with None for a gap: 1 … 4 5 [6] 7 8 … 20."""
    shown = {1, last} | set(range(max(1, current - around), min(last, current + around) + 1))
    window: list[int | None] = []
    previous = 0
    for number in sorted(shown):
        if number - previous > 1:
            window.append(None)
        window.append(number)
        previous = number
    return window


@bp.get("/")
def index():
    return render_template("index.html", syntax=SYNTAX)


@bp.get("/search")
def search():
    q = request.args.get("q", "")
    if not q.strip():
        return redirect(url_for(".index"))
    sort = _sort()
    context = {"q": q, "sort": sort if sort in SORTS else "relevance"}
    try:
        page = _whole_number("page", 1)
        result = engine().search(q, page=page, page_size=current_app.config["PAGE_SIZE"], sort=sort)
    except QueryError as exc:
        return render_template("results.html", error=str(exc), **context), 400
    # The last page a link may point to: no page past the end, none deeper than served.
    last = max(1, min(result.pages, int(setting("max_results")) // result.page_size))
    past_end = bool(result.total) and not result.hits
    return render_template(
        "results.html",
        result=result,
        last=last,
        window=page_window(min(result.page, last), last),
        first=(result.page - 1) * result.page_size + 1,
        **context,
    ), (404 if past_end else 200)


@bp.get("/doc/<path:doc_id>")
def document(doc_id: str):
    # The id is looked up in the index, never opened as a file: "../" has no meaning here.
    doc = engine().document(doc_id)
    if doc is None:
        abort(404, description=f"There is no article with the id “{doc_id}” in this index.")
    q = request.args.get("q", "").strip()
    title = body = None
    problem = None
    if q:
        try:
            title = engine().highlight(doc_id, q, field="title")
            body = engine().highlight(doc_id, q)
        except QueryError as exc:
            problem = str(exc)
    # Number the body's marks so the first one can be an anchor (#m1) the page scrolls to.
    numbered, count = [], 0
    for text, hit in body or ((doc.body, False),):
        count += hit
        numbered.append((text, count if hit else 0))
    original = doc.url if doc.url.startswith(("http://", "https://")) else None
    return render_template(
        "document.html",
        doc=doc,
        q=q,
        title_parts=title or ((doc.title, False),),
        body_parts=numbered,
        matches=count,
        problem=problem,
        original=original,
    )


@bp.get("/api/search")
def api_search():
    """Return the same JSON as ``searchidx query --json``."""
    result = engine().search(
        request.args.get("q", ""),
        page=_whole_number("page", 1),
        page_size=_whole_number("page_size", current_app.config["PAGE_SIZE"]),
        sort=_sort(),
    )
    return jsonify(result.to_dict())


@bp.get("/opensearch.xml")
def opensearch():
    return Response(
        render_template("opensearch.xml"), mimetype="application/opensearchdescription+xml"
    )


@bp.get("/healthz")
def healthz():
    """Answer cheaply whether the index can be read, with its document count."""
    try:
        documents = engine().doc_count()
    except IndexUnavailable as exc:
        return jsonify(status="unavailable", error=str(exc)), 503
    return jsonify(status="ok", documents=documents)
