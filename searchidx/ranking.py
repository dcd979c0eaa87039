"""Ranking: BM25 over the whole article, with the Robertson/Sparck Jones idf, plus a headline bonus.

Free words are scored in two fields: ``body``, which is indexed with the headline in front of
the article text (so term frequencies and the length normalisation see the whole article, as
in a single-field engine), and ``title``, weighted by ``title_boost`` (0.5) as a bonus for
words in the headline.  Whoosh adds per-field scores, so indexing the headline only in
``title`` with a larger weight (our first design, 2.0) counted headline words twice over
and saturated on short titles; measured on four test collections the whole-article field
with a 0.5 bonus is better on every one (README, "Ranking quality").

Whoosh's stock idf is ``log(N / (df + 1)) + 1``; the added 1 lifts every term, so a word in
half the collection still weighs a third as much as a rare one.  Standard BM25 (Lucene,
Terrier, SQLite FTS5) uses ``log(1 + (N - df + 0.5) / (df + 0.5))``, which lets common words
fade; with natural-language queries that is what separates topic words from filler.
"""

from __future__ import annotations

from math import log

from whoosh import query as wq
from whoosh import scoring

from .analysis import stop_terms
from .config import setting


class NewsBM25(scoring.BM25F):
    """Whoosh's per-field BM25 with the standard (Robertson/Sparck Jones) idf."""

    def idf(self, searcher, fieldname, text):
        n = searcher.doc_count_all()
        df = searcher.doc_frequency(fieldname, text)
        return log(1.0 + (n - df + 0.5) / (df + 0.5))


def weighting() -> scoring.WeightingModel:
    """Return the weighting model configured in SETTINGS."""
    return NewsBM25(B=float(setting("bm25_b")), K1=float(setting("bm25_k1")))


def expand(searcher, q: wq.Query, terms: int, docs: int = 10, weight: float = 0.5) -> wq.Query:
    """Return Q widened with TERMS words from its top DOCS documents (pseudo-relevance feedback).

    The words are chosen by Whoosh's Bo1 model over the stored bodies of the first results and
    added to the body field with a weight of at most WEIGHT (the best word gets WEIGHT, the
    others in proportion).  Off by default: it helps long topics on average (measured in
    README, "Ranking quality") but can drift from what a short query asked for.
    """
    if terms <= 0:
        return q
    first = searcher.search(q, limit=docs)
    if not len(first):
        return q
    # Stopwords are indexed (for phrases) but are no feedback words.
    stops = stop_terms(searcher.schema["body"].analyzer.stemmer)
    chosen = first.key_terms("body", docs=docs, numterms=terms + len(stops))
    chosen = [(word, score) for word, score in chosen if word not in stops][:terms]
    if not chosen:
        return q
    top = max(score for _, score in chosen) or 1.0
    extra = [wq.Term("body", word, boost=weight * score / top) for word, score in chosen]
    return wq.Or([q, *extra])
