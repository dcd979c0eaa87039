"""The pages: the search box, results, articles, the JSON API, OpenSearch and a health check.

Each view reads its arguments, makes one call on the engine and renders what comes back;
``QueryError`` and ``IndexUnavailable`` propagate to the app's handlers (400 and 503).
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime

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

from searchidx import IndexUnavailable, QueryError, QueryTimeout, export
from searchidx.config import setting
from searchidx.search import SORTS

from . import engine
from .archive import collapse_arg, timeline_chart

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
        "collapse_arg": collapse_arg(),
    }
    try:
        page = _whole_number("page", 1)
        result = engine().search(
            q,
            page=page,
            page_size=current_app.config["PAGE_SIZE"],
            sort=sort,
            collapse=context["collapse_arg"] is None,
            **_narrowed(filters),
        )
    except QueryError as exc:
        status = 503 if isinstance(exc, QueryTimeout) else 400
        return render_template("results.html", error=str(exc), **context), status
    keep = dict(
        filters, sort=sort if sort != "relevance" else None, collapse=context["collapse_arg"]
    )
    # The last page a link may point to: no page past the end, none deeper than served.
    last = max(1, min(result.pages, int(setting("max_results")) // result.page_size))
    past_end = bool(result.total) and not result.hits
    return render_template(
        "results.html",
        result=result,
        last=last,
        window=page_window(min(result.page, last), last),
        first=(result.page - 1) * result.page_size + 1,
        # The facet links keep the copies switch (collapse=0) as they keep the other filters.
        facets=facet_links(result, q, sort, {k: v for k, v in keep.items() if v and k != "sort"}),
        chart=timeline_chart(result.timeline, q, keep),
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
        related=engine().similar(doc.id) or [],
    )


@bp.get("/api/search")
def api_search():
    """Return the same JSON as ``searchidx query --json``."""
    result = engine().search(
        request.args.get("q", ""),
        page=_whole_number("page", 1),
        page_size=_whole_number("page_size", current_app.config["PAGE_SIZE"]),
        sort=_sort(),
        collapse=collapse_arg() is None,
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


# -- discovery: search as you type, related articles, feeds and exports ------------------

#: Characters XML 1.0 forbids (control characters other than tab and newlines).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}


@bp.app_template_filter("xmltext")
def xmltext(value) -> str:
    """Return VALUE as text without the control characters an XML document cannot hold."""
    return _NOT_XML.sub("", str(value or ""))


def _rfc3339(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


@bp.get("/api/suggest")
def api_suggest():
    """Return completions of the last word of ``q`` and headlines matching ``q`` so far."""
    found = engine().complete(request.args.get("q", "")).to_dict()
    for headline in found["headlines"]:
        headline["href"] = url_for(".document", doc_id=headline["id"])
    return jsonify(found)


@bp.get("/api/similar/<path:doc_id>")
def api_similar(doc_id: str):
    """Return the articles related to DOC_ID (404 when there is no such article)."""
    found = engine().similar(doc_id)
    if found is None:
        abort(404, description=f"There is no article with the id “{doc_id}” in this index.")
    return jsonify(id=doc_id, related=[item.to_dict() for item in found])


@bp.get("/api/export")
def api_export():
    """Stream every match of ``q`` (up to the export limit) as CSV or JSON Lines."""
    fmt = request.args.get("format", "csv").strip() or "csv"
    if fmt not in export.FORMATS:
        raise QueryError(f"unknown format {fmt!r}: use one of {', '.join(export.FORMATS)}")
    q = request.args.get("q", "")
    if not q.strip():
        raise QueryError("an export needs a query: add ?q=words")
    found = engine().export(
        q,
        limit=_whole_number("limit", int(setting("export_limit"))),
        sort=_sort(),
        **_narrowed(_filters()),
    )
    return Response(
        export.lines(found, fmt),
        mimetype=EXPORT_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="searchidx-export.{fmt}"'},
    )


@bp.get("/search.atom")
def feed():
    """Return an Atom feed of the newest articles matching ``q``: a search as a news alert."""
    q = request.args.get("q", "")
    if not q.strip():
        raise QueryError("a feed needs a query: add ?q=words")
    filters = _filters()
    result = engine().search(
        q, page_size=int(setting("feed_entries")), sort="date", facets=False, **_narrowed(filters)
    )
    dates = [hit.date for hit in result.hits if hit.date]
    updated = _rfc3339(max(dates)) if dates else _rfc3339(datetime.now(UTC))
    entries = [
        {
            "title": hit.title or hit.id,
            "href": url_for(".document", doc_id=hit.id, _external=True),
            "original": hit.url if hit.url.startswith(("http://", "https://")) else None,
            "updated": _rfc3339(hit.date) or updated,
            "published": _rfc3339(hit.date),
            "source": hit.source,
            "summary": hit.snippet,
        }
        for hit in result.hits
    ]
    body = render_template(
        "search.atom.xml",
        q=q,
        self_url=url_for(".feed", q=q, _external=True, **filters),
        page_url=url_for(".search", q=q, sort="date", _external=True, **filters),
        updated=updated,
        entries=entries,
    )
    return Response(body, mimetype="application/atom+xml")
