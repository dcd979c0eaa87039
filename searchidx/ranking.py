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

from .config import setting


def idf(n: int, df: int) -> float:
    """Return the weight of a term found in DF of N documents (deleted ones counted)."""
    return log(1.0 + (n - df + 0.5) / (df + 0.5))


def bm25(idf: float, tf, length, avg_length: float, b: float, k1: float):
    """Return the BM25 score of a term with weight IDF, frequency TF in a field of LENGTH.

    TF and LENGTH may be numbers or numpy arrays (``searchidx.fastpath`` scores whole
    posting lists at once); the operations are Whoosh's own, in its order, so both give
    the same floating-point result.
    """
    return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * length / avg_length)))


class NewsBM25(scoring.BM25F):
    """Whoosh's per-field BM25 with the standard (Robertson/Sparck Jones) idf."""

    def idf(self, searcher, fieldname, text):
        return idf(searcher.doc_count_all(), searcher.doc_frequency(fieldname, text))

    def scorer(self, searcher, fieldname, text, qf=1):
        if not searcher.schema[fieldname].scorable:
            return scoring.WeightScorer.for_(searcher, fieldname, text)
        return _Scorer(searcher, fieldname, text, self.field_b(fieldname), self.K1, qf=qf)

    def field_b(self, fieldname: str) -> float:
        """Return the length normalisation B used for FIELDNAME."""
        return self._field_B.get(fieldname, self.B)


class _Scorer(scoring.BM25FScorer):
    """Whoosh's BM25F scorer, scoring with ``bm25`` above."""

    def _score(self, weight, length):
        return bm25(self.idf, weight, length, self.avgfl, self.B, self.K1)


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
    chosen = first.key_terms("body", docs=docs, numterms=terms)
    if not chosen:
        return q
    top = max(score for _, score in chosen) or 1.0
    extra = [wq.Term("body", word, boost=weight * score / top) for word, score in chosen]
    return wq.Or([q, *extra])
