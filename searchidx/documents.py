"""Plain objects that cross module boundaries: documents in, hits and results out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when else None


@dataclass
class Document:
    """One article, as ingestion produces it and the index stores it."""

    id: str
    title: str
    body: str
    date: datetime | None = None
    source: str = ""
    url: str = ""
    path: str = ""  # the source file
    position: int | None = None  # line or record number, for files holding many documents
    language: str = ""  # ISO 639-1 code; detected at indexing when not given

    def to_dict(self) -> dict:
        """Return the JSON form of the document (``searchidx show --json``)."""
        return {
            "id": self.id,
            "title": self.title,
            "date": _iso(self.date),
            "source": self.source,
            "url": self.url,
            "path": self.path,
            "position": self.position,
            "language": self.language,
            "body": self.body,
        }

    def place(self) -> str:
        """Return where the document is in its file: "row 3" (CSV), "line 3", "item 3", or ""."""
        if self.position is None:
            return ""
        ext = self.path.rsplit(".", 1)[-1].lower() if "." in self.path else ""
        unit = {"csv": "row", "jsonl": "line", "ndjson": "line", "json": "item"}.get(ext, "record")
        return f"{unit} {self.position}"


@dataclass
class Hit:
    """One search result, copied out of the searcher so it outlives it."""

    id: str
    title: str
    date: datetime | None
    source: str
    path: str
    url: str
    score: float
    snippet: str = ""
    snippet_html: str = ""
    #: The snippet as (text, is_match) segments, for front ends that mark matches their own way.
    snippet_parts: tuple[tuple[str, bool], ...] = ()
    position: int | None = None
    #: The other matching copies of the same story (searchidx.collapse), when collapsed.
    copies: list[Copy] = field(default_factory=list)
    copy_count: int = 0  # all of them (``copies`` lists the first collapse.MAX_LISTED)
    language: str = ""

    @property
    def unlisted_copies(self) -> int:
        """Return how many of the other copies ``copies`` leaves out."""
        return self.copy_count - len(self.copies)

    def to_dict(self) -> dict:
        """Return the JSON form of the hit (the schema documented in README.md)."""
        return {
            "id": self.id,
            "title": self.title,
            "date": _iso(self.date),
            "source": self.source,
            "path": self.path,
            "url": self.url,
            "score": round(self.score, 4),
            "snippet": self.snippet,
            "snippet_html": self.snippet_html,
            "position": self.position,
            "copy_count": self.copy_count,
            "other_copies": [copy.to_dict() for copy in self.copies],
            "language": self.language,
        }


@dataclass(frozen=True)
class Copy:
    """Another copy of a hit's story (an exact or near duplicate), listed under it."""

    id: str
    title: str
    date: datetime | None
    source: str

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "date": _iso(self.date),
            "source": self.source,
        }


@dataclass(frozen=True)
class TimeBucket:
    """One bar of the timeline: the matches dated from START to END (both included)."""

    start: date
    end: date
    count: int
    unit: str  # "day", "month" or "year"

    @property
    def label(self) -> str:
        """Return the period as people say it: "2005", "March 2005", "3 March 2005"."""
        if self.unit == "year":
            years = (self.start.year, self.end.year)
            return str(years[0]) if years[0] == years[1] else f"{years[0]}–{years[1]}"
        if self.unit == "month":
            return f"{self.start:%B %Y}"
        return f"{self.start.day} {self.start:%B %Y}"

    def to_dict(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "count": self.count}


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet (a source, a year) and how many results have it."""

    value: str
    count: int

    def to_dict(self) -> dict:
        return {"value": self.value, "count": self.count}


@dataclass
class SearchResult:
    """A page of results for one query."""

    query: str
    total: int
    page: int
    page_size: int
    hits: list[Hit] = field(default_factory=list)
    suggestion: str | None = None
    took_ms: float = 0.0
    sort: str = "relevance"
    #: Result counts by value for each facet ("source", "year"), over all matches.
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    #: The filters applied, by name ("source", "year", "from", "to"); unset ones left out.
    filters: dict[str, str] = field(default_factory=dict)
    #: Matches per period, over all matches (searchidx.timeline).
    timeline: list[TimeBucket] = field(default_factory=list)
    #: Matching documents hidden as copies of a story shown (``total`` counts stories).
    copies: int = 0
    collapsed: bool = True

    @property
    def pages(self) -> int:
        """Return the number of pages the whole result set fills."""
        return max(1, -(-self.total // self.page_size))

    def to_dict(self) -> dict:
        """Return the JSON form of the result (the schema documented in README.md)."""
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "page_size": self.page_size,
            "sort": self.sort,
            "took_ms": round(self.took_ms, 2),
            "suggestion": self.suggestion,
            "hits": [hit.to_dict() for hit in self.hits],
            "filters": dict(self.filters),
            "facets": {
                name: [value.to_dict() for value in values] for name, values in self.facets.items()
            },
            "copies": self.copies,
            "collapsed": self.collapsed,
            "timeline": [bucket.to_dict() for bucket in self.timeline],
        }
