"""One analysis pass per document: the tokens of its text fields and its lexicon words.

Whoosh indexes a field by running its analyzer into ``Token`` objects (an attribute set
per token) and its format's ``word_values`` groups them per term.  The body's text is
also the ``words`` lexicon field's text (``lexicon.py``: folded, unstemmed, no stopwords),
which Whoosh would analyse a second time.  Here the analyzer's own tokenizer
(``analysis.index_columns``, the columns of ``analysis.tokens``: one definition) runs once
over the text with a *paired* normaliser, whose term for a word is (index term, folded
word): the index term for the text field, the folded word for the lexicon.  The columns
are split by ``zip`` (in C) and handed to the writer's pool as they are (``Columns``,
``Distinct``), which gathers them flat and makes the postings once a segment
(``tokenbuffer``); an ``Existence`` field's terms (ids, paths, dates) go the same way.

A document's ``Columns.items()`` are exactly what ``FieldType.index`` gives for a
``CountedPositions`` field analysed by a ``NewsAnalyzer`` that indexes stopwords, and
``Distinct.items()`` what it gives for the words field (a test holds both equal on real
text); ``prepare`` leaves anything else (an older index's analyzer, another format) to
Whoosh.
"""

from __future__ import annotations

from functools import cache
from itertools import accumulate, compress
from operator import itemgetter, not_, or_
from typing import NamedTuple

from whoosh.formats import Existence

from .analysis import (
    Memo,
    NewsAnalyzer,
    _has_bigram_runs,
    fold,
    index_columns,
    normalizer,
    untag,
)
from .lexicon import FIELD as WORDS_FIELD
from .schema import CountedPositions

_EMPTY = b""


class _PairedNormalizer:
    """Map a surface word to ((index term, folded word), stopword) or None, memoised.

    The lexicon's term for a word is its fold (``analysis.fold``: its normaliser stems
    nothing), and the index's normaliser folds the word first too, dropping it for the same
    reason (an empty fold) and calling it a stopword by the same fold: so one token stream
    serves both fields.
    """

    def __init__(self, stem):
        self._stem = stem
        self.cache: dict = Memo(self._pair, limit=200_000)  # as the normalisers' own

    def __call__(self, surface: str):
        return self.cache[surface]

    def _pair(self, surface: str):
        entry = self._stem(surface)
        if entry is not None:
            entry = ((entry[0], fold(surface)), entry[1])
        return entry


@cache
def _paired(stemmer: str, language: str) -> _PairedNormalizer:
    return _PairedNormalizer(normalizer(stemmer, language=language))


def _fast_field(field) -> NewsAnalyzer | None:
    """Return the field's analyzer when this module can index it, else None."""
    analyzer = field.analyzer
    if (
        type(field.format) is CountedPositions
        and type(analyzer) is NewsAnalyzer
        and analyzer.indexes_stopwords
        and field.format.field_boost == 1.0
    ):
        return analyzer
    return None


def _words_field_ok(field) -> bool:
    analyzer = field.analyzer
    return (
        type(field.format) is Existence
        and type(analyzer) is NewsAnalyzer
        and analyzer.stemmer == "none"
        and not analyzer.indexes_stopwords
        and field.format.field_boost == 1.0
    )


class Columns(NamedTuple):
    """A text field's tokens in one document: what ``tokenbuffer`` gathers."""

    terms: list[str]
    positions: list[int]
    stops: list[bool]
    joined: list[bool]

    def length(self) -> int:
        """Return the field's length: its tokens that are neither stopwords nor compounds."""
        return len(self.terms) - sum(map(or_, self.stops, self.joined))

    def items(self) -> list:
        """Return Whoosh's items of these tokens (``CountedPositions.word_values``)."""
        return _group(*self) if self.terms else []


class Distinct(NamedTuple):
    """A document's distinct terms of a field without positions (``Existence``): the
    lexicon's words (folded, unstemmed, no stopwords, as str), or an ID field's terms
    (bytes)."""

    terms: list[str] | list[bytes]

    def length(self) -> int:
        return 0  # such fields are not scored

    def items(self) -> list:
        """Return Whoosh's items of these terms (``Existence.word_values``)."""
        return [
            (t if isinstance(t, bytes) else t.encode("utf-8"), 1, 1.0, _EMPTY) for t in self.terms
        ]


def distinct(field, value) -> Distinct | None:
    """Return the terms of VALUE in FIELD when it is an ``Existence`` field, else None."""
    if type(field.format) is not Existence or field.format.field_boost != 1.0:
        return None
    return Distinct(list(map(itemgetter(0), field.index(value))))


def analyse(value: str, analyzer: NewsAnalyzer, with_words: bool):
    """Return (field columns, words or None) for the tagged text VALUE."""
    language, text, _ = untag(value)
    if with_words:
        norm = _paired(analyzer.stemmer, language)
    else:
        norm = normalizer(analyzer.stemmer, language=language)
    terms, poses, stops, joined = index_columns(text, norm)
    if not terms:
        return Columns([], [], [], []), (Distinct([]) if with_words else None)
    words = None
    if with_words:
        if _has_bigram_runs(text):  # bigrams are plain strings, the same in both fields
            pairs = [t if t.__class__ is tuple else (t, t) for t in terms]
        else:
            pairs = terms
        terms, folded = zip(*pairs)
        words = Distinct(list(set(compress(folded, map(not_, stops)))))
    return Columns(terms, poses, stops, joined), words


def _group(terms, poses, stops, joined) -> list:
    """Return CountedPositions items: per term, counted tokens, tokens, encoded positions.

    A stable sort of the token numbers by term puts each term's tokens together in text
    order; ``dict(zip(...))`` (in C) then gives where each term's run ends.  (The indexer's
    own path is ``tokenbuffer``, over all of a segment's documents at once; this one serves
    a writer that has handed its postings over to Whoosh's pool.)
    """
    n = len(terms)
    order = sorted(range(n), key=terms.__getitem__)
    sterms = list(map(terms.__getitem__, order))
    spos = list(map(poses.__getitem__, order))
    counted = [not (s or j) for s, j in zip(stops, joined)]
    prefix = list(accumulate(map(counted.__getitem__, order), initial=0))
    ends = dict(zip(sterms, range(1, n + 1)))  # a term's last token + 1 (runs are sorted)
    items = []
    start = 0
    for term, end in ends.items():
        items.append(
            (
                term.encode("utf-8"),
                prefix[end] - prefix[start],
                float(end - start),
                _encode(spos[start:end]),
            )
        )
        start = end
    return items


_encode = CountedPositions().encode  # Whoosh's positions bytes: count + pickled deltas


def prepare(schema, fields: dict) -> dict[str, Columns | Distinct]:
    """Return {field name: its tokens} for the text fields of FIELDS this module can index.

    The body's analysis also gives the words field's items when the words value is the
    body's text (as the indexer makes it).
    """
    prepared: dict[str, list] = {}
    words_value = fields.get(WORDS_FIELD)
    words_ok = (
        isinstance(words_value, str)
        and WORDS_FIELD in schema
        and _words_field_ok(schema[WORDS_FIELD])
    )
    for name in ("title", "body"):
        value = fields.get(name)
        if not isinstance(value, str) or name not in schema:
            continue
        analyzer = _fast_field(schema[name])
        if analyzer is None:
            continue
        with_words = (
            name == "body"
            and words_ok
            and (value is words_value or untag(value)[1] == untag(words_value)[1])
        )
        columns, words = analyse(value, analyzer, with_words)
        prepared[name] = columns
        if words is not None:
            prepared[WORDS_FIELD] = words
    return prepared
