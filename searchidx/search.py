"""The search engine: queries in, pages of ranked hits with snippets out.

``Engine`` keeps one Whoosh searcher open and refreshes it before each search, so a search
sees the newest committed generation of the index without reopening it when nothing changed.
Everything returned is a plain object (``SearchResult``, ``Hit``, ``Document``).
"""

from __future__ import annotations

import os
import threading
import time
from datetime import date, datetime
from functools import partial

from whoosh import query as wq
from whoosh.collectors import FilterCollector, UnlimitedCollector
from whoosh.query import Every

from . import ranking, spelling, storage
from .config import setting
from .counting import Recorder, matching_docs
from .documents import Document, Hit, SearchResult
from .errors import QueryError
from .facets import build_filter, count_values, facet_names
from .indexer import recorded_files
from .language import index_languages
from .query import check_expansions, parse_query, plain_query, word_spans
from .snippets import highlight_parts, make_snippet, match_spec

SORTS = ("relevance", "date")


def _stored_document(fields: dict) -> Document:
    return Document(
        id=fields["id"],
        title=fields.get("title", ""),
        body=fields.get("body", ""),
        date=fields.get("date"),
        source=fields.get("source", ""),
        url=fields.get("url", ""),
        path=fields.get("path", ""),
        position=fields.get("position"),
        language=fields.get("language", ""),
    )


def _hit(fields: dict, score: float, snippet_of) -> Hit:
    """Return the plain Hit for a result's stored FIELDS, its snippet made by SNIPPET_OF."""
    snippet = snippet_of(fields.get("body", ""), language=fields.get("language"))
    return Hit(
        id=fields["id"],
        title=fields.get("title", ""),
        date=fields.get("date"),
        source=fields.get("source", ""),
        path=fields.get("path", ""),
        url=fields.get("url", ""),
        score=score,
        snippet=snippet.plain,
        snippet_html=snippet.html,
        snippet_parts=snippet.parts,
        position=fields.get("position"),
        language=fields.get("language", ""),
    )


class Engine:
    """Search one index.  Safe to share between threads (searches take turns)."""

    def __init__(self, index_dir: str | os.PathLike | None = None):
        self.index_dir = os.fspath(index_dir or setting("index"))
        self._lock = threading.RLock()
        self._searcher = None
        self.weighting = ranking.weighting()
        self.title_boost = float(setting("title_boost"))

    # -- plumbing -------------------------------------------------------------------------

    def _current(self):
        """Return a searcher on the newest generation of the index (the lock is held)."""
        if self._searcher is None:
            self._searcher = storage.open_index(self.index_dir).searcher(weighting=self.weighting)
        else:
            self._searcher = self._searcher.refresh()
        return self._searcher

    def close(self) -> None:
        """Release the open searcher."""
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def stemmer(self) -> str:
        with self._lock:
            return self._current().schema["body"].analyzer.stemmer

    # -- searching ------------------------------------------------------------------------

    def search(
        self,
        query: str,
        page: int = 1,
        page_size: int | None = None,
        sort: str = "relevance",
        *,
        source: str | None = None,
        date_from: str | date | None = None,
        date_to: str | date | None = None,
        year: str | int | None = None,
        facets: bool = True,
        language: str | None = None,
    ) -> SearchResult:
        """Return page PAGE of the results for the query string QUERY.

        SOURCE (an exact source name; case does not matter), YEAR, and DATE_FROM / DATE_TO
        (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; both ends included) narrow the results.
        With FACETS, the result counts its matches by source and by year.
        Raises QueryError for a query that cannot be parsed or a page outside the limits.
        """
        started = time.perf_counter()
        page_size = int(setting("page_size")) if page_size is None else page_size
        _check_page(page, page_size, sort)
        with self._lock:
            searcher = self._current()
            q = parse_query(
                query,
                searcher.schema,
                self.title_boost,
                int(setting("max_query_length")),
                index_languages(searcher.reader()),
            )
            check_expansions(q, searcher.reader())
            narrow = build_filter(searcher.reader(), source, date_from, date_to, year, language)
            groups = facet_names(searcher.schema) if facets else []
            sortedby = "date" if sort == "date" else None
            recorder = Recorder(_collector(searcher, page * page_size, sortedby, bool(groups)))
            collector = recorder if narrow is None else FilterCollector(recorder, allow=narrow)
            searcher.search_with_collector(q, collector)
            results = collector.results()
            if recorder.complete():
                # Every match was collected (and noted): no second pass is needed.
                segments = recorder.segments
            else:
                # Blocks were skipped: the matching documents as sets, by set algebra.
                segments = matching_docs(searcher, q if narrow is None else wq.And([q, narrow]))
            total = sum(len(docs) for _, docs in segments)
            counts = count_values(segments, groups, int(setting("facet_values")))
            spec = match_spec(q, searcher.reader())
            snippet_of = partial(
                make_snippet,
                spec=spec,
                stemmer=searcher.schema["body"].analyzer.stemmer,
                size=int(setting("snippet_chars")),
                max_fragments=int(setting("snippet_fragments")),
            )
            hits = [
                _hit(hit.fields(), float(hit.score or 0.0), snippet_of)
                for hit in results[(page - 1) * page_size : page * page_size]
            ]
            suggestion = self._suggest(query, searcher) if total < page_size else None
        return SearchResult(
            query=query,
            total=total,
            page=page,
            page_size=page_size,
            hits=hits,
            suggestion=suggestion,
            took_ms=(time.perf_counter() - started) * 1000,
            sort=sort,
            facets=counts,
            filters=_applied(
                source=source, year=year, date_from=date_from, date_to=date_to, language=language
            ),
        )

    def rank(self, text: str, limit: int = 1000, expand: int = 0) -> list[tuple[str, float]]:
        """Return the (id, score) of the best LIMIT documents for natural-language TEXT.

        EXPAND > 0 adds that many feedback words from the first results (ranking.expand).
        """
        with self._lock:
            searcher = self._current()
            languages = index_languages(searcher.reader())
            q = plain_query(text, searcher.schema, self.title_boost, languages)
            q = ranking.expand(searcher, q, expand)
            results = searcher.search(q, limit=limit)
            return [(hit["id"], float(hit.score or 0.0)) for hit in results]

    def _suggest(self, query: str, searcher) -> str | None:
        """Return QUERY with unknown words replaced by close index words, or None."""
        reader = searcher.reader()
        analyzer = searcher.schema["body"].analyzer
        changed = False
        pieces = []
        last = 0
        for start, end in word_spans(query):
            word = query[start:end]
            terms = [t.text for t in analyzer(word)]
            if not terms or any(
                reader.doc_frequency(field, t) for field in ("title", "body") for t in terms
            ):
                continue
            if any(c.isdigit() for c in word) or len(terms) != 1:
                continue
            replacement = spelling.correct(searcher, word, terms[0], analyzer.stemmer)
            if replacement:
                pieces.append(query[last:start])
                pieces.append(replacement)
                last = end
                changed = True
        if not changed:
            return None
        pieces.append(query[last:])
        return "".join(pieces)

    # -- documents ------------------------------------------------------------------------

    def document(self, doc_id: str) -> Document | None:
        """Return the stored document with id DOC_ID, or None."""
        with self._lock:
            fields = self._current().document(id=doc_id)
        return _stored_document(fields) if fields else None

    def highlight(
        self, doc_id: str, query: str, field: str = "body"
    ) -> tuple[tuple[str, bool], ...] | None:
        """Return FIELD of document DOC_ID as (text, is_match) parts for QUERY, or None.

        Raises QueryError for a query that cannot be parsed.
        """
        marked = self.marked_document(doc_id, query, (field,))
        return None if marked is None else marked[1][field]

    def marked_document(
        self, doc_id: str, query: str, fields: tuple[str, ...] = ("title", "body")
    ) -> tuple[Document, dict[str, tuple[tuple[str, bool], ...]]] | None:
        """Return document DOC_ID and each of FIELDS as (text, is_match) parts for QUERY.

        One lookup and one parse for all the fields; None when there is no such document.
        Raises QueryError for a query that cannot be parsed.
        """
        with self._lock:
            searcher = self._current()
            stored = searcher.document(id=doc_id)
            if not stored:
                return None
            q = parse_query(
                query,
                searcher.schema,
                self.title_boost,
                int(setting("max_query_length")),
                index_languages(searcher.reader()),
            )
            check_expansions(q, searcher.reader())
            spec = match_spec(q, searcher.reader())
            stemmer = searcher.schema["body"].analyzer.stemmer
        language = stored.get("language")
        parts = {
            name: highlight_parts(stored.get(name, ""), spec, stemmer, language) for name in fields
        }
        return _stored_document(stored), parts

    def doc_count(self) -> int:
        """Return the number of documents in the index (cheap: no terms are read)."""
        with self._lock:
            return self._current().doc_count()

    def stats(self) -> dict:
        """Return counts and facts about the index."""
        with self._lock:
            searcher = self._current()
            reader = searcher.reader()
            newest = None
            if searcher.doc_count():
                top = searcher.search(Every(), limit=1, sortedby="date", reverse=True)
                newest = top[0].get("date") if len(top) else None
            info = {
                "index": os.path.abspath(self.index_dir),
                "documents": searcher.doc_count(),
                "files": len(recorded_files(reader)),
                "terms": sum(1 for _ in reader.lexicon("body")),
                "segments": len(reader.leaf_readers()),
                "size_bytes": storage.size_on_disk(self.index_dir),
                "stemmer": searcher.schema["body"].analyzer.stemmer,
                "newest_date": newest.isoformat() if isinstance(newest, datetime) else None,
            }
        return info


def _applied(**filters) -> dict[str, str]:
    names = {"date_from": "from", "date_to": "to"}
    return {
        names.get(name, name): value.isoformat() if isinstance(value, date) else str(value)
        for name, value in filters.items()
        if value not in (None, "")
    }


def _collector(searcher, limit: int, sortedby: str | None, every_match: bool):
    """Return the Whoosh collector ``Searcher.search`` would use for these arguments.

    EVERY_MATCH stands for ``groupedby=``: when facets are counted, Whoosh collects every
    match rather than the top LIMIT with block skipping (and the ranking is then exact
    even where the skipping would have lost a document).  The facets themselves are
    counted from the collected documents (``facets.count_values``), not by Whoosh.
    """
    if every_match and not sortedby:
        return UnlimitedCollector()
    return searcher.collector(limit=limit, sortedby=sortedby, reverse=sortedby is not None)


def _check_page(page, page_size, sort) -> None:
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
    if not isinstance(page, int) or page < 1:
        raise QueryError(f"page must be a whole number from 1 up (got {page!r})")
    largest = int(setting("max_page_size"))
    if not isinstance(page_size, int) or not 1 <= page_size <= largest:
        raise QueryError(f"page size must be from 1 to {largest} (got {page_size!r})")
    deepest = int(setting("max_results"))
    if page * page_size > deepest:
        raise QueryError(
            f"page {page} is too deep: results are served up to the {deepest:,}th; "
            "narrow the query instead"
        )
