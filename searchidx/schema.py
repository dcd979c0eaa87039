"""The index schema: which fields exist and how each is indexed and stored."""

from __future__ import annotations

from collections import defaultdict

from whoosh import columns
from whoosh.fields import COLUMN, STORED, TEXT, Schema
from whoosh.formats import Positions, tokens

from .analysis import NewsAnalyzer
from .duplicates import NO_STORY, SIGNATURE_BYTES

# Whoosh's ID, DATETIME and TEXT, indexing short field values with less work (fieldtypes.py).
from .fieldtypes import MemoTEXT, UrlTEXT
from .fieldtypes import NewsDATETIME as DATETIME
from .fieldtypes import NewsID as ID
from .lexicon import words_field
from .urls import UrlTokenizer

#: Fields searched by free words, and the ones a query may name with ``field:value``.
TEXT_FIELDS = ("title", "body")
QUERY_FIELDS = ("title", "body", "source", "date", "year", "url", "id", "language")
#: Fields counted by value for each result set (shown as filters).
FACET_FIELDS = {"source": "source_facet", "year": "year", "language": "language"}


class CountedPositions(Positions):
    """Whoosh's positions format, with a field length that counts only counted tokens.

    Whoosh takes a field's length (BM25's document length) as the sum of the frequencies
    the format reports, and scores with the posting weights.  Stopwords are indexed so that
    phrases match them, and a compound's joined form overlaps its parts; neither should make
    a document look longer to BM25 than it did when they were not indexed (Lucene likewise
    discounts overlapping tokens).  So a term's reported frequency counts only the tokens
    the analyzer marks ``counted``; its weight and positions count them all.
    """

    def word_values(self, value, analyzer, **kwargs):
        fb = self.field_boost
        poses = defaultdict(list)
        counted = defaultdict(int)
        kwargs["positions"] = True
        for t in tokens(value, analyzer, kwargs):
            poses[t.text].append(t.pos)
            counted[t.text] += getattr(t, "counted", True)
        for word, poslist in poses.items():
            yield (word, counted[word], len(poslist) * fb, self.encode(poslist))


def _text(analyzer: NewsAnalyzer, **kwargs) -> TEXT:
    field = TEXT(analyzer=analyzer, **kwargs)
    field.format = CountedPositions(field_boost=field.format.field_boost)
    return field


def build_schema(stemmer: str = "porter") -> Schema:
    """Return the schema for a new index whose text fields use STEMMER."""
    analyzer = NewsAnalyzer(stemmer)
    return Schema(
        id=ID(stored=True, unique=True),
        path=ID(stored=True),
        # "path \x1f mtime_ns \x1f size \x1f hash" of the source file, for incremental runs.
        fileinfo=ID(),
        title=_text(analyzer, stored=True),
        # No spelling=True: did-you-mean works from the stems (searchidx.spelling).
        body=_text(analyzer, stored=True),
        date=DATETIME(stored=True, sortable=True),
        # Names, not prose: matched word by word, unstemmed ("source:monitor").
        source=MemoTEXT(analyzer=NewsAnalyzer("none"), stored=True),
        # The exact source name, for filtering and counting ("Middle East Monitor").
        source_facet=ID(sortable=True),
        year=ID(sortable=True),  # of the date, for counting and filtering by year
        # The URL, its host, host labels and path words ("url:phys.org", "url:phys"): see urls.py.
        url=UrlTEXT(analyzer=UrlTokenizer(), stored=True, phrase=False),
        # ISO 639-1 code of the text's language (searchidx.language), for stemming and facets.
        language=ID(stored=True, sortable=True),
        position=STORED(),
        # Copies of one story (searchidx.duplicates): the story id copies share and the
        # text's MinHash signature, as columns (per-document arrays; nothing is indexed).
        story=COLUMN(columns.NumericColumn("q", default=NO_STORY)),
        minhash=COLUMN(columns.FixedBytesColumn(SIGNATURE_BYTES, default=bytes(SIGNATURE_BYTES))),
        # Real words (unstemmed) of title and body, for did-you-mean and completion (lexicon.py).
        words=words_field(),
    )
