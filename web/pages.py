"""The pages: the search box, results, articles, the JSON API, OpenSearch and a health check.

Each view reads its arguments, makes one call on the engine and renders what comes back;
``QueryError`` and ``IndexUnavailable`` propagate to the app's handlers (400 and 503).
"""

from __future__ import annotations

import os
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

#: URL arguments that narrow a search, and the Engine.search arguments they become.
FILTERS = {
    "source": "source",
    "year": "year",
    "from": "date_from",
    "to": "date_to",
    "language": "language",
}
FACET_LABELS = {"source": "Source", "year": "Year", "language": "Language"}

#: (example, what it does): the short syntax help under the search box.
SYNTAX = (
    ("troops iraq", "any of the words; articles with more of them first"),
    ('"triangle of death"', "the exact phrase"),
    ("troops -iraq", "leave out articles with a word (also NOT)"),
    ("oil AND price", "both words (also OR, and parentheses)"),
    ("milit*", "words starting with milit"),
    ("title:election", "a word in the title (also source:, url:)"),
    ("date:2020-01-01..2020-02-01", "published between two dates"),
    ('source:"Middle East Monitor"', "from one source (also year:2020)"),
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


def _filters() -> dict[str, str]:
    """Return the filters in the URL (source, year, from, to) that have a value."""
    return {
        name: request.args.get(name, "").strip()
        for name in FILTERS
        if request.args.get(name, "").strip()
    }


def _narrowed(filters: dict[str, str]) -> dict[str, str]:
    return {FILTERS[name]: value for name, value in filters.items()}


def facet_links(result, q: str, sort: str, filters: dict[str, str]) -> list[dict]:
    """Return each facet with its values as links that add (or, when chosen, drop) a filter."""
    base = {"q": q, "sort": sort if sort != "relevance" else None}
    facets = []
    for name, values in result.facets.items():
        links = []
        for value in values:
            chosen = filters.get(name) == value.value or (
                name == "source" and filters.get(name, "").casefold() == value.value.casefold()
            )
            narrowed = {k: v for k, v in filters.items() if k != name}
            if not chosen:
                narrowed[name] = value.value
            href = url_for(".search", **base, **narrowed)
            links.append(
                {"value": value.value, "count": value.count, "href": href, "chosen": chosen}
            )
        if links:
            facets.append({"name": name, "label": FACET_LABELS.get(name, name), "options": links})
    return facets


def filter_removals(q: str, sort: str, filters: dict[str, str]) -> list[dict]:
    """Return a link dropping each filter in use, labelled as "source: Wire"."""
    base = {"q": q, "sort": sort if sort != "relevance" else None}
    return [
        {
            "label": f"{name}: {value}",
            "href": url_for(".search", **base, **{k: v for k, v in filters.items() if k != name}),
        }
        for name, value in filters.items()
    ]


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
    filters = _filters()
    context = {
        "q": q,
        "sort": sort if sort in SORTS else "relevance",
        "filters": filters,
        "removals": filter_removals(q, sort, filters),
    }
    try:
        page = _whole_number("page", 1)
        result = engine().search(
            q,
            page=page,
            page_size=current_app.config["PAGE_SIZE"],
            sort=sort,
            **_narrowed(filters),
        )
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
        facets=facet_links(result, q, sort, filters),
        **context,
    ), (404 if past_end else 200)


@bp.get("/doc/<path:doc_id>")
def document(doc_id: str):
    # The id is looked up in the index, never opened as a file: "../" has no meaning here.
    q = request.args.get("q", "").strip()
    doc = marked = problem = None
    if q:
        try:
            found = engine().marked_document(doc_id, q)
            if found:
                doc, marked = found
        except QueryError as exc:
            problem = str(exc)
    if doc is None:
        doc = engine().document(doc_id)
    if doc is None:
        abort(404, description=f"There is no article with the id “{doc_id}” in this index.")
    title = marked and marked["title"]
    body = marked and marked["body"]
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
        file_name=os.path.basename(doc.path),
    )


@bp.get("/api/search")
def api_search():
    """Return the same JSON as ``searchidx query --json``."""
    result = engine().search(
        request.args.get("q", ""),
        page=_whole_number("page", 1),
        page_size=_whole_number("page_size", current_app.config["PAGE_SIZE"]),
        sort=_sort(),
        **_narrowed(_filters()),
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
