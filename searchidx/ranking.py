"""Ranking, first stage: BM25 over the whole article, a robust idf, plus a headline bonus.

The first stage is a sum over the query's terms of per-term scores, each made of the plain
functions below (``idf``, ``bm25_tf``, the field weights in SETTINGS); the Whoosh weighting
class only calls them, so anything that scores postings another way (the numpy fast path)
computes the same numbers from the same functions.  For a term ``t`` of field ``f`` in a
document of (Whoosh's stored, byte-quantised) length ``dl``::

    score(t, d) = weight(f) * idf(N, df(f, t)) * bm25_tf(tf, dl, avgdl(f), k1, b)

where ``weight`` is 1 for ``body`` and ``title_boost`` for ``title`` (the query's term boost),
``N`` is the number of documents including deleted ones (``doc_count_all``) and ``avgdl`` is
the field's total length over ``doc_count``, as Whoosh computes them.  The second stage
(``searchidx.proximity.rerank``) re-orders the best candidates, whatever computed them.

Free words are scored in two fields: ``body``, which is indexed with the headline in front of
the article text (so term frequencies and the length normalisation see the whole article),
and ``title``, weighted by ``title_boost`` as a bonus for words in the headline.

The idf (``bm25_idf`` setting) is the one SQLite FTS5 uses, ``log((N - df + 0.5) / (df +
0.5))``, floored at ``IDF_FLOOR``: a word in half the documents or more weighs (almost)
nothing.  Lucene's ``log(1 + (N - df + 0.5) / (df + 0.5))`` ("lucene") never falls below
log 2, so with long, verbose topics the filler words that are in most documents (CISI:
"information", "library", "use") add up and drown the topic words; this is most of FTS5's
lead on CISI (README, "Ranking quality").
"""

from __future__ import annotations

from math import log

from whoosh import query as wq
from whoosh import scoring

from .analysis import stop_terms
from .config import setting

#: What an idf falls to at most: a common word still breaks ties, as in FTS5 (1e-6).
IDF_FLOOR = 1e-6
IDF_KINDS = ("fts5", "lucene")


def idf(n: int, df: int, kind: str = "fts5") -> float:
    """Return the inverse document frequency of a term in DF of N documents."""
    if kind == "lucene":
        return log(1.0 + (n - df + 0.5) / (df + 0.5))
    return max(IDF_FLOOR, log((n - df + 0.5) / (df + 0.5)))


def bm25_tf(tf: float, dl: float, avgdl: float, k1: float, b: float) -> float:
    """Return BM25's saturated, length-normalised weight of TF occurrences in a DL-long field."""
    return tf * (k1 + 1.0) / (tf + k1 * ((1.0 - b) + b * dl / avgdl))


def bm25(idf: float, tf, length, avg_length: float, b: float, k1: float):
    """Return the BM25 score of a term with weight IDF, frequency TF in a field of LENGTH.

    TF and LENGTH may be numbers or numpy arrays (``searchidx.fastpath`` scores whole
    posting lists at once); the same operations in the same order as the Whoosh scorer
    below, so both give the same floating-point result.
    """
    return idf * bm25_tf(tf, length, avg_length, k1, b)


class NewsBM25(scoring.BM25F):
    """Whoosh's per-field BM25, computed by ``idf`` and ``bm25_tf``."""

    def __init__(self, B: float = 0.75, K1: float = 1.2, idf_kind: str = "fts5", **kwargs):
        if idf_kind not in IDF_KINDS:
            raise ValueError(f"unknown idf {idf_kind!r} (choose from {', '.join(IDF_KINDS)})")
        super().__init__(B=B, K1=K1, **kwargs)
        self.idf_kind = idf_kind

    def idf(self, searcher, fieldname, text):
        return idf(searcher.doc_count_all(), searcher.doc_frequency(fieldname, text), self.idf_kind)

    def scorer(self, searcher, fieldname, text, qf=1):
        if not searcher.schema[fieldname].scorable:
            return scoring.WeightScorer.for_(searcher, fieldname, text)
        return _Scorer(searcher, fieldname, text, self.field_b(fieldname), self.K1)

    def field_b(self, fieldname: str) -> float:
        """Return the length normalisation B used for FIELDNAME."""
        return self._field_B.get(fieldname, self.B)


class _Scorer(scoring.WeightLengthScorer):
    """Score one term's postings: idf x bm25_tf (the query boost is applied by Whoosh)."""

    def __init__(self, searcher, fieldname, text, b, k1):
        parent = searcher.get_parent()  # global statistics, not the segment's
        self.idf = parent.idf(fieldname, text)
        self.avgdl = parent.avg_field_length(fieldname) or 1
        self.b, self.k1 = b, k1
        self.setup(searcher, fieldname, text)

    def _score(self, weight, length):
        return self.idf * bm25_tf(weight, length, self.avgdl, self.k1, self.b)


def count_repeats(q: wq.Query) -> wq.Query:
    """Return Q (not yet normalised) with a word typed N times in an OR weighing N times.

    Whoosh's ``normalize`` drops repeated subqueries, so "the war, the war crimes" would weigh
    "war" as much as "crimes".  Long, verbose topics repeat their subject (CISI, CACM), and
    counting the repeats, as SQLite FTS5 does (each is a phrase of its own), lifts them: this
    is the query-term frequency of BM25 (linear, k3 = infinity).  Off (Q unchanged) when the
    ``count_repeats`` setting is 0.
    """
    if q.is_leaf() or not int(setting("count_repeats")):
        return q
    q = q.apply(count_repeats)
    if not isinstance(q, wq.Or) or q.boost != 1.0:
        return q
    counts: dict[wq.Query, int] = {}
    for sub in _or_leaves(q):
        counts[sub] = counts.get(sub, 0) + 1
    if all(n == 1 for n in counts.values()):
        return q
    merged = [sub.with_boost(sub.boost * n) if n > 1 else sub for sub, n in counts.items()]
    return wq.Or(merged, boost=q.boost)


def _or_leaves(q: wq.Or) -> list[wq.Query]:
    """Return the subqueries of Q with nested plain ORs flattened (as ``normalize`` does)."""
    out: list[wq.Query] = []
    for sub in q.subqueries:
        if isinstance(sub, wq.Or) and type(sub) is wq.Or:
            out += [s.with_boost(s.boost * sub.boost) for s in _or_leaves(sub)]
        else:
            out.append(sub)
    return out


def weighting() -> scoring.WeightingModel:
    """Return the weighting model configured in SETTINGS."""
    return NewsBM25(
        B=float(setting("bm25_b")), K1=float(setting("bm25_k1")), idf_kind=setting("bm25_idf")
    )


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
