"""The index schema: which fields exist and how each is indexed and stored."""

from __future__ import annotations

from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema

from .analysis import NewsAnalyzer

#: Fields searched by free words, and the ones a query may name with ``field:value``.
TEXT_FIELDS = ("title", "body")
QUERY_FIELDS = ("title", "body", "source", "date", "year", "url", "id", "language")
#: Fields counted by value for each result set (shown as filters).
FACET_FIELDS = {"source": "source_facet", "year": "year", "language": "language"}


def build_schema(stemmer: str = "porter") -> Schema:
    """Return the schema for a new index whose text fields use STEMMER."""
    analyzer = NewsAnalyzer(stemmer)
    return Schema(
        id=ID(stored=True, unique=True),
        path=ID(stored=True),
        # "path \x1f mtime_ns \x1f size \x1f hash" of the source file, for incremental runs.
        fileinfo=ID(),
        title=TEXT(analyzer=analyzer, stored=True),
        # No spelling=True: did-you-mean works from the stems (searchidx.spelling).
        body=TEXT(analyzer=analyzer, stored=True),
        date=DATETIME(stored=True, sortable=True),
        # Names, not prose: matched word by word, unstemmed ("source:monitor").
        source=TEXT(analyzer=NewsAnalyzer("none"), stored=True),
        # The exact source name, for filtering and counting ("Middle East Monitor").
        source_facet=ID(sortable=True),
        year=ID(sortable=True),  # of the date, for counting and filtering by year
        url=ID(stored=True),
        # ISO 639-1 code of the text's language (searchidx.language), for stemming and facets.
        language=ID(stored=True, sortable=True),
        position=STORED(),
    )
