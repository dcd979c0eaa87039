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

from . import collapse as collapsing
from . import (
    completion,
    datesort,
    export,
    fastpath,
    proximity,
    ranking,
    related,
    spelling,
    storage,
    timeline,
)
from .budget import Budget, BudgetCollector
from .completion import Suggestions
from .config import setting
from .counting import Recorder, matching_docs
from .documents import Copy, Document, Hit, SearchResult
from .errors import QueryError
from .facets import build_filter, count_values, facet_names
from .indexer import recorded_files
from .language import index_languages
from .lexicon import LexiconCache, has_words
from .query import check_expansions, parse_query, plain_query
from .querycache import Parsed, QueryCache
from .related import Related
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


def _copy(fields: dict) -> Copy:
    return Copy(fields["id"], fields.get("title", ""), fields.get("date"), fields.get("source", ""))


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
    """Search one index.  Safe to share between threads, which search at the same time.

    Each thread gets its own Whoosh searcher (Whoosh's readers seek in shared file
    handles, so one searcher must not serve two threads at once); decoded posting lists
    are shared by all of them (``searchidx.postings``).
    """

    def __init__(self, index_dir: str | os.PathLike | None = None):
        self.index_dir = os.fspath(index_dir or setting("index"))
        self._lock = threading.Lock()  # guards _searchers, never held while searching
        self._local = threading.local()
        self._searchers: dict[int, object] = {}
        self.weighting = ranking.weighting()
        self.title_boost = float(setting("title_boost"))
        self._lexicons = LexiconCache()  # the real words of the index, per generation
        self._queries = QueryCache(int(setting("query_cache")))  # parses, per generation

    # -- plumbing -------------------------------------------------------------------------

    def _current(self):
        """Return this thread's searcher, on the newest generation of the index."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = storage.retrying(
                lambda: storage.open_index(self.index_dir).searcher(weighting=self.weighting)
            )
        else:
            searcher = storage.retrying(searcher.refresh)
        self._local.searcher = searcher
        with self._lock:
            self._searchers[threading.get_ident()] = searcher
        return searcher

    def close(self) -> None:
        """Release the open searchers (of every thread)."""
        with self._lock:
            searchers, self._searchers = list(self._searchers.values()), {}
        self._local = threading.local()
        for searcher in searchers:
            searcher.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def stemmer(self) -> str:
        return self._current().schema["body"].analyzer.stemmer

    def _parse(self, searcher, query: str):
        """Return QUERY parsed for SEARCHER's index (in its languages), prefixes checked.

        Raises QueryError for a query that cannot be parsed or a prefix that is too broad.
        """
        return self._parsed(searcher, query).query

    def _parsed(self, searcher, query: str) -> Parsed:
        """Return QUERY parsed (``_parse``) and what it marks, kept for the generation."""
        reader = searcher.reader()
        longest = int(setting("max_query_length"))

        def parse() -> Parsed:
            languages = index_languages(reader)
            q = parse_query(query, searcher.schema, self.title_boost, longest, languages)
            check_expansions(q, reader)
            return Parsed(q, match_spec(q, reader))

        return self._queries.get(reader, ("parse", query, longest), parse)

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
        collapse: bool = True,
        language: str | None = None,
    ) -> SearchResult:
        """Return page PAGE of the results for the query string QUERY.

        SOURCE (an exact source name; case does not matter), YEAR, and DATE_FROM / DATE_TO
        (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; both ends included) narrow the results.
        With FACETS, the result counts its matches by source and by year, and per period
        (the timeline).  With COLLAPSE, copies of one story (searchidx.duplicates) show as
        their best-ranked copy, and ``total`` counts stories.
        Raises QueryError for a query that cannot be parsed or a page outside the limits.
        """
        started = time.perf_counter()
        page_size = int(setting("page_size")) if page_size is None else page_size
        _check_page(page, page_size, sort)
        searcher = self._current()
        parsed = self._parsed(searcher, query)
        q = parsed.query
        narrow = build_filter(searcher.reader(), source, date_from, date_to, year, language)
        # From here: parsing is bounded by the query's length (the first parse of a process
        # also loads the stemmer, which is no query's fault).
        budget = Budget()
        groups = facet_names(searcher.schema) if facets else []
        start, stop = (page - 1) * page_size, page * page_size
        # Relevance: rank enough for the proximity stage to re-order the first results.
        depth = 0 if sort == "date" else _depth()
        found = None if sort == "date" else fastpath.try_run(searcher, q, narrow, budget)
        if found is not None:
            segments, first_stage = found.segments, found.top
        else:
            segments, first_stage = _whoosh_search(
                searcher, q, narrow, sort, groups, budget, max(stop, depth)
            )

        def ranking_of(n: int) -> list[tuple[int, float]]:
            first = first_stage(max(n, depth))
            return proximity.rerank(searcher, q, first) if depth else first[:n]

        ranked = ranking_of(stop)  # [(global docnum, score)], best first
        matched = total = sum(len(docs) for _, docs in segments)
        counts = count_values(segments, groups, int(setting("facet_values")))
        buckets = timeline.count(segments) if facets else []
        folded = None
        if collapse:
            stories = collapsing.Stories(segments)
            folded = collapsing.collapse(stories, [d for d, _ in ranked], start, stop)
            # The top of the ranking held too many copies: rank four times as deep, and
            # again, up to the depth that surely holds the page's stories.  Ranking all of
            # those at once put every match of a common query in order where copies abound.
            deepest, depth_now = collapsing.needed(matched, folded.stories, stop), len(ranked)
            while folded.short and depth_now < deepest:
                depth_now = min(deepest, 4 * max(depth_now, 1))
                ranked = ranking_of(depth_now)
                folded = collapsing.collapse(stories, [d for d, _ in ranked], start, stop)
            page_docs = [ranked[n] for n in folded.positions]
            total = folded.stories
        else:
            page_docs = ranked[start:stop]
        snippet_of = partial(
            make_snippet,
            spec=parsed.spec,
            stemmer=searcher.schema["body"].analyzer.stemmer,
            size=int(setting("snippet_chars")),
            max_fragments=int(setting("snippet_fragments")),
        )
        hits = [
            _hit(searcher.stored_fields(docnum), score, snippet_of) for docnum, score in page_docs
        ]
        if folded is not None:
            for hit, (docnum, _) in zip(hits, page_docs):
                hit.copy_count = folded.counts.get(docnum, 0)
                hit.copies = [
                    _copy(searcher.stored_fields(d)) for d in folded.copies.get(docnum, ())
                ]
        suggestion = (
            self._suggest(query, searcher, matched, narrow) if matched < page_size else None
        )
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
            timeline=buckets,
            copies=folded.hidden if folded is not None else 0,
            collapsed=folded is not None,
        )

    def rank(
        self, text: str, limit: int = 1000, expand: int | None = None
    ) -> list[tuple[str, float]]:
        """Return the (id, score) of the best LIMIT documents for natural-language TEXT.

        EXPAND > 0 adds that many feedback words from the first results (ranking.expand);
        None reads the ``feedback_terms`` setting.
        """
        expand = int(setting("feedback_terms")) if expand is None else expand
        searcher = self._current()
        q = plain_query(text, searcher.schema, self.title_boost, index_languages(searcher.reader()))
        q = ranking.expand(searcher, q, expand)
        depth = _depth()
        wanted = max(limit, depth)
        found = fastpath.try_run(searcher, q, None, None)
        if found is not None:
            first = found.top(wanted)
        else:
            first = [
                (hit.docnum, float(hit.score or 0.0)) for hit in searcher.search(q, limit=wanted)
            ]
        ranked = proximity.rerank(searcher, q, first) if depth else first
        return [(searcher.stored_fields(d)["id"], s) for d, s in ranked[:limit]]

    def _suggest(self, query: str, searcher, found: int = 0, narrow=None) -> str | None:
        """Return QUERY with misspelt words replaced by likelier index words, or None."""
        longest = int(setting("max_query_length"))
        return self._queries.get(
            searcher.reader(),
            ("suggest", query, found, repr(narrow), longest),
            lambda: spelling.suggest(
                searcher, query, found, self._lexicons, self.title_boost, narrow, longest
            ),
        )

    # -- documents ------------------------------------------------------------------------

    def document(self, doc_id: str) -> Document | None:
        """Return the stored document with id DOC_ID, or None."""
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
        searcher = self._current()
        stored = searcher.document(id=doc_id)
        if not stored:
            return None
        spec = self._parsed(searcher, query).spec
        stemmer = searcher.schema["body"].analyzer.stemmer
        language = stored.get("language")
        parts = {
            name: highlight_parts(stored.get(name, ""), spec, stemmer, language) for name in fields
        }
        return _stored_document(stored), parts

    def doc_count(self) -> int:
        """Return the number of documents in the index (cheap: no terms are read)."""
        return self._current().doc_count()

    def stats(self) -> dict:
        """Return counts and facts about the index."""
        searcher = self._current()
        reader = searcher.reader()
        oldest, newest, undated = timeline.date_range(reader)
        info = {
            "index": os.path.abspath(self.index_dir),
            "documents": searcher.doc_count(),
            "files": len(recorded_files(reader)),
            "terms": sum(1 for _ in reader.lexicon("body")),
            "segments": len(reader.leaf_readers()),
            "size_bytes": storage.size_on_disk(self.index_dir),
            "stemmer": searcher.schema["body"].analyzer.stemmer,
            "oldest_date": oldest.isoformat() if isinstance(oldest, datetime) else None,
            "newest_date": newest.isoformat() if isinstance(newest, datetime) else None,
            "undated": undated,
        }
        return info

    # -- discovery: completion, related articles, exports -------------------------------

    def complete(self, text: str) -> Suggestions:
        """Return completions of TEXT's last word and headlines that match TEXT so far."""
        searcher = self._current()
        reader = searcher.reader()
        lexicon = self._lexicons.lexicon(reader) if has_words(reader) else None
        return completion.complete(searcher, lexicon, text[: int(setting("max_query_length"))])

    def similar(self, doc_id: str, limit: int = related.MAX_RELATED) -> list[Related] | None:
        """Return up to LIMIT articles related to DOC_ID, best first; None for an unknown id."""
        return related.similar(self._current(), doc_id, limit)

    def export(
        self,
        query: str,
        limit: int | None = None,
        sort: str = "relevance",
        *,
        source: str | None = None,
        date_from: str | date | None = None,
        date_to: str | date | None = None,
        year: str | int | None = None,
    ) -> list[dict]:
        """Return the rows (export.COLUMNS) of the first LIMIT matches of QUERY, in order.

        Raises QueryError for a query that cannot be parsed or a bad sort or limit.
        """
        largest = int(setting("export_limit"))
        limit = largest if limit is None else limit
        _check_page(1, 1, sort)
        if not isinstance(limit, int) or not 1 <= limit <= largest:
            raise QueryError(f"an export holds from 1 to {largest:,} rows (got {limit!r})")
        searcher = self._current()
        q = self._parse(searcher, query)
        narrow = build_filter(searcher.reader(), source, date_from, date_to, year)
        sortedby = datesort.newest_first() if sort == "date" else None
        results = searcher.search(q, limit=limit, sortedby=sortedby, filter=narrow)
        return export.rows(results)


def _whoosh_search(searcher, q, narrow, sort, groups, budget, limit):
    """Return (matching docs per segment, ranking function) by Whoosh's matchers.

    The ranking function takes N and returns the first N (global docnum, score), best
    first (newest first for the date sort, whose score is 0); asked for more than the
    LIMIT first collected, it searches again, deeper.
    """
    sortedby = datesort.newest_first() if sort == "date" else None

    def collect(depth: int, every_match: bool):
        inner = BudgetCollector(_collector(searcher, depth, sortedby, every_match), budget)
        recorder = Recorder(inner)
        collector = recorder if narrow is None else FilterCollector(recorder, allow=narrow)
        searcher.search_with_collector(q, collector)
        return recorder, collector.results()

    def pairs(results, n: int) -> list[tuple[int, float]]:
        score = (lambda key: 0.0) if sortedby else (lambda key: float(key or 0.0))
        return [(docnum, score(key)) for key, docnum in results.top_n[:n]]

    recorder, results = collect(limit, bool(groups))
    if recorder.complete():
        # Every match was collected (and noted): no second pass is needed.  Whoosh's NOT
        # can yield a deleted document (the last of a segment): not counted.
        segments = [
            (reader, docs - reader.deleted_docs_set if reader.has_deletions() else docs)
            for reader, docs in recorder.segments
        ]
    else:
        # Blocks were skipped: the matching documents as sets, by set algebra.
        segments = matching_docs(searcher, q if narrow is None else wq.And([q, narrow]))

    def ranking_of(n: int) -> list[tuple[int, float]]:
        if n <= len(results.top_n) or len(results.top_n) < limit:
            return pairs(results, n)
        return pairs(collect(n, False)[1], n)

    return segments, ranking_of


def _depth() -> int:
    """Return how many first-stage results the proximity stage re-orders (0 when it is off)."""
    return int(setting("rerank_depth")) if float(setting("proximity_weight")) > 0 else 0


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
    return searcher.collector(limit=limit, sortedby=sortedby)


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
