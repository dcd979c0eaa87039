"""Evaluate the common query shapes with numpy over cached posting arrays.

Whoosh answers a query with a tree of Python matcher objects that step through the postings
one document at a time; cost grows with the number of matches.  Here each segment is
evaluated as arrays instead: a term is its posting list (``searchidx.postings``) scored with
BM25 in one vectorised expression over the segment's field lengths, OR is a union that adds
scores, AND an intersection that adds them, AND NOT a difference, AND MAYBE / REQUIRE as in
Whoosh, a prefix or wildcard the OR of its words (as Whoosh expands it), a boost a product.
Any other node (phrases, ranges, ``Every``, ...) is matched by Whoosh's own matcher for that
node alone, on that segment, and its (document, score) pairs join the arrays: so every query
is answered here, with Whoosh's scores, and only the unusual parts run at Whoosh's speed.

The scores are Whoosh's: the idf comes from the searcher's weighting model
(``ranking.NewsBM25.idf``, cached by the searcher), the term score from ``ranking.bm25``
with the model's B and K1.  Ties are broken as Whoosh's collectors do: the lower document
number first.  ``tests/test_fastpath.py`` compares both paths.

Plugging in (``Engine.search`` and ``Engine.rank`` call ``try_run`` then ``Matches.top``):
``Matches.segments`` is the per-segment matching documents (segment reader, ascending numpy
docnums, deleted and filtered-out ones removed), the shape ``counting.matching_docs`` has
(with sets) and ``facets.count_values`` takes; ``Matches.scores`` the scores beside them.
A stage that drops documents (collapsing duplicates) can narrow both arrays per segment
before ``top``; one that counts (a timeline) can read ``segments`` as facets do; a re-rank
takes ``top(n)`` and reads positions with ``postings.term_positions``.  Per-segment arrays
of its own (a column per document) belong in ``postings.cache()`` under
``(*postings.segment_key(reader), name, None)``: segments never change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.query.spans import Span, bisect_spans

from . import postings, ranking
from .budget import Budget

TIE_DIGITS = 9
_INT = np.int64
_EMPTY_IDS = np.zeros(0, _INT)
_EMPTY_SCORES = np.zeros(0, np.float64)


class Unsupported(Exception):
    """The searcher or weighting is not one the fast path can reproduce."""


@dataclass
class Matches:
    """The result of a query over every segment."""

    segments: list[tuple[object, np.ndarray]]  # (segment reader, matching docnums, ascending)
    scores: list[np.ndarray]  # per segment, the score of each matching document
    offsets: list[int]  # per segment, its first global document number

    @property
    def total(self) -> int:
        return sum(len(ids) for _, ids in self.segments)

    def top(self, k: int) -> list[tuple[int, float]]:
        """Return the best K (global docnum, score) pairs: highest score, then lowest docnum."""
        if not self.segments or k <= 0:
            return []
        docnums = np.concatenate(
            [ids + off for (_, ids), off in zip(self.segments, self.offsets)]
        ).astype(_INT)
        scores = np.concatenate(self.scores) if self.scores else _EMPTY_SCORES
        if scores.size > k:
            kth = np.partition(scores, scores.size - k)[scores.size - k]
            keep = np.nonzero(scores >= kth - 10.0**-TIE_DIGITS)[0]
            docnums, scores = docnums[keep], scores[keep]
        # Scores equal to TIE_DIGITS decimals are ties, broken by the lower document number:
        # Whoosh adds a document's term scores in a tree shaped by the terms' frequencies,
        # so the same sum may differ from ours in its last bit.
        order = np.lexsort((docnums, -np.round(scores, TIE_DIGITS)))[:k]
        return [(int(d), float(s)) for d, s in zip(docnums[order], scores[order])]


def try_run(searcher, q: wq.Query, narrow: wq.Query | None, budget: Budget | None):
    """Return ``run(...)``, or None when SEARCHER is not one the fast path can answer for."""
    if not usable(searcher):
        return None
    return run(searcher, q, narrow, budget)


def usable(searcher) -> bool:
    """Return True when every segment of SEARCHER can be read here and scored exactly."""
    if type(searcher.weighting) is not ranking.NewsBM25:
        return False
    return all(postings.supported(leaf.reader()) for leaf, _ in searcher.leaf_searchers())


def run(
    searcher, q: wq.Query, narrow: wq.Query | None = None, budget: Budget | None = None
) -> Matches:
    """Return the Matches of Q (restricted to documents matching NARROW) in SEARCHER.

    Raises QueryTimeout when BUDGET is spent; Unsupported for an index it cannot read.
    """
    if not usable(searcher):
        raise Unsupported("segments or weighting unknown to the fast path")
    segments, scores, offsets = [], [], []
    for leaf, offset in searcher.leaf_searchers():
        ctx = _Segment(searcher, leaf, budget)
        ids, sc = ctx.eval(q)
        if narrow is not None and ids.size:
            allowed, _ = ctx.eval(narrow)
            keep = np.isin(ids, allowed, assume_unique=True)
            ids, sc = ids[keep], sc[keep]
        live = postings.live_mask(ctx.reader)
        if live is not None and ids.size:
            keep = live[ids]
            ids, sc = ids[keep], sc[keep]
        segments.append((ctx.reader, ids))
        scores.append(sc)
        offsets.append(offset)
    return Matches(segments, scores, offsets)


class _Segment:
    """Evaluation of queries in one segment."""

    def __init__(self, top, leaf, budget):
        self.top = top
        self.leaf = leaf
        self.reader = leaf.reader()
        self.schema = top.schema
        self.weighting = top.weighting
        self.check_time = budget.check if budget is not None else _no_limit

    def eval(self, q: wq.Query) -> tuple[np.ndarray, np.ndarray]:
        """Return (ascending docnums, scores) of the documents matching Q (deleted included)."""
        self.check_time()
        kind = type(q)
        if kind is wq.Term:
            return self.term(q.fieldname, q.text, q.boost)
        if kind is wq.Or and not q.minmatch and q.scale is None:
            return _boosted(_union([self.eval(s) for s in q.subqueries]), q.boost)
        if kind is wq.And:
            # Whoosh narrows with a NullMatcher for an empty subquery list; so do we.
            return _boosted(_intersection([self.eval(s) for s in q.subqueries]), q.boost)
        if kind is wq.AndNot:
            a, b = self.eval(q.a), self.eval(q.b)
            keep = np.isin(a[0], b[0], assume_unique=True, invert=True)
            return a[0][keep], a[1][keep]
        if kind is wq.Require:
            a, b = self.eval(q.a), self.eval(q.b)
            keep = np.isin(a[0], b[0], assume_unique=True)
            return a[0][keep], a[1][keep]
        if kind is wq.AndMaybe:
            (ids, sc), (bids, bsc) = self.eval(q.a), self.eval(q.b)
            sc = sc.copy()
            where = np.searchsorted(bids, ids)
            found = where < bids.size
            found[found] = bids[where[found]] == ids[found]
            sc[found] = sc[found] + bsc[where[found]]
            return ids, sc
        if kind in (wq.Prefix, wq.Wildcard) and q.fieldname in self.schema:
            words = [w for w in q._btexts(self.reader) if w]
            if len(words) == 1:  # Whoosh scores a lone expansion as a plain term (no boost)
                return self.term(q.fieldname, words[0], 1.0)
            found = _union([self.term(q.fieldname, w, 1.0) for w in words])
            if _preloaded(len(words), self.leaf.doc_count_all()):
                # Whoosh's PreloadedOr in a constant-score context gives every match 1.
                return found[0], np.ones(found[0].size)
            return _boosted(found, q.boost)
        if kind is wq.Phrase and q.fieldname in self.schema:
            return self.phrase(q)
        if q is wq.NullQuery or isinstance(q, wq.NullQuery.__class__):
            return _EMPTY_IDS, _EMPTY_SCORES
        return self.whoosh(q)

    def term(self, fieldname: str, text, boost: float) -> tuple[np.ndarray, np.ndarray]:
        """Return the scored postings of FIELDNAME:TEXT, as Term.matcher would make them."""
        if fieldname not in self.schema:
            return _EMPTY_IDS, _EMPTY_SCORES
        field = self.schema[fieldname]
        try:
            btext = field.to_bytes(text) if isinstance(text, str) else text
        except ValueError:
            return _EMPTY_IDS, _EMPTY_SCORES
        if (fieldname, btext) not in self.reader:
            return _EMPTY_IDS, _EMPTY_SCORES
        found = postings.term_postings(self.reader, fieldname, btext)
        if not field.scorable:
            scores = found.weights  # Whoosh's WeightScorer: the weight itself
        else:
            lengths = postings.field_lengths(self.reader, fieldname)
            if lengths is None:
                return self.whoosh(wq.Term(fieldname, text, boost=boost))
            w = self.weighting
            scores = ranking.bm25(
                self.top.idf(fieldname, btext),
                found.weights,
                lengths[found.ids],
                self.top.avg_field_length(fieldname) or 1,
                w.field_b(fieldname),
                w.K1,
            )
        return found.ids, scores * boost if boost != 1.0 else scores

    def phrase(self, q: wq.Phrase) -> tuple[np.ndarray, np.ndarray]:
        """Return the documents with the words of Q in order, as Phrase.matcher finds them.

        The candidates are the documents with every word (array intersection); positions
        are decoded for those only, and checked by Whoosh's own span algorithm.
        """
        field = self.schema[q.fieldname]
        if not q.words or not field.format or not field.format.supports("positions"):
            return self.whoosh(q)  # Whoosh's answer (or its own error)
        words = []
        for word in q.words:
            try:
                words.append(field.to_bytes(word))
            except ValueError:
                return _EMPTY_IDS, _EMPTY_SCORES
            if (q.fieldname, words[-1]) not in self.reader:
                return _EMPTY_IDS, _EMPTY_SCORES
        scored = [self.term(q.fieldname, w, 1.0) for w in words]
        ids = scored[0][0]
        for other, _ in scored[1:]:
            ids = np.intersect1d(ids, other, assume_unique=True)
        if not ids.size:
            return _EMPTY_IDS, _EMPTY_SCORES
        # Each word's score at the candidates, added in Whoosh's order (a binary tree).
        parts = [sc[np.searchsorted(wids, ids)] for wids, sc in scored]
        scores = _tree_sum(parts)
        where = [np.searchsorted(wids, ids) for wids, _ in scored]
        if q.slop == 1:
            keep = self.adjacent(q.fieldname, words, where)
        else:
            values = [postings.term_values(self.reader, q.fieldname, w) for w in words]
            decode = field.format.decode_positions
            keep = np.zeros(ids.size, dtype=bool)
            for n in range(ids.size):
                if n % 512 == 0:
                    self.check_time()
                spans = [[Span(p) for p in decode(v[int(at[n])])] for v, at in zip(values, where)]
                keep[n] = bool(_near(spans, q.slop))
        ids, scores = ids[keep], scores[keep]
        return ids, scores * q.boost if q.boost != 1.0 else scores

    def adjacent(self, fieldname: str, words: list[bytes], where: list[np.ndarray]) -> np.ndarray:
        """Return which candidates have WORDS at consecutive positions (a phrase of slop 1).

        WHERE[i][n] is the index of candidate n in word i's postings.  A (candidate,
        position) pair is one integer, so each step of the chain is one ``np.isin``.
        """
        chain = None
        for word, at in zip(words, where):
            self.check_time()
            lists = postings.term_positions(self.reader, fieldname, word)
            owner, pos = lists.gather(at)
            keys = (owner << 32) | pos
            chain = keys if chain is None else chain[np.isin(chain + 1, keys)] + 1
        keep = np.zeros(where[0].size, dtype=bool)
        keep[chain >> 32] = True
        return keep

    def whoosh(self, q: wq.Query) -> tuple[np.ndarray, np.ndarray]:
        """Return Q's matches by Whoosh's own matcher (for shapes not vectorised here)."""
        matcher = q.matcher(self.leaf, self.top.context())
        ids, scores = [], []
        step = 0
        while matcher.is_active():
            ids.append(matcher.id())
            scores.append(matcher.score())
            matcher.next()
            step += 1
            if step % 4096 == 0:
                self.check_time()
        return np.asarray(ids, _INT), np.asarray(scores, np.float64)


def _preloaded(clauses: int, segment_docs: int) -> bool:
    """Return True when Whoosh's Or of CLAUSES matches through an ArrayUnionMatcher.

    ``whoosh.query.Or._matcher`` picks it for a segment of at most 5,000 documents (with
    more than two clauses) or for 1,024 clauses or more, when nothing needs the current
    match (as in a search).  It matters for prefix queries, scored as a constant there.
    """
    return clauses >= wq.Or.TOO_MANY_CLAUSES or (clauses > 2 and segment_docs <= 5000)


def _tree_sum(parts: list[np.ndarray]) -> np.ndarray:
    """Add PARTS pairwise as ``whoosh.util.make_binary_tree`` nests matchers."""
    if len(parts) == 1:
        return parts[0]
    half = len(parts) // 2
    return _tree_sum(parts[:half]) + _tree_sum(parts[half:])


def _near(spans: list[list[Span]], slop: int) -> list[Span]:
    """Return the spans where each word follows the last within SLOP (``SpanNear2``)."""
    aspans = spans[0]
    i = 1
    while i < len(spans) and aspans:
        bspans = spans[i]
        found = set()
        for aspan in aspans:
            j = bisect_spans(bspans, aspan.start)
            while j < len(bspans):
                bspan = bspans[j]
                j += 1
                if bspan.end < aspan.start - slop or aspan.start > bspan.start:
                    continue
                if bspan.start > aspan.end + slop:
                    break
                if 1 <= aspan.distance_to(bspan) <= slop:
                    found.add(aspan.to(bspan))
        aspans = sorted(found)
        i += 1
    return aspans if i == len(spans) else []


def _no_limit() -> None:
    pass


def _boosted(pair, boost: float):
    ids, scores = pair
    return (ids, scores * boost) if boost != 1.0 else pair


def _union(parts):
    parts = [p for p in parts if p[0].size]
    if not parts:
        return _EMPTY_IDS, _EMPTY_SCORES
    if len(parts) == 1:
        return parts[0]
    ids = np.concatenate([p[0] for p in parts])
    scores = np.concatenate([p[1] for p in parts])
    size = int(max(p[0][-1] for p in parts)) + 1
    if size <= 64 * ids.size:
        # Dense: one slot per document number (cheaper than sorting when matches are many).
        summed = np.bincount(ids, weights=scores, minlength=size)
        unique = np.flatnonzero(np.bincount(ids, minlength=size))
        return unique, summed[unique]
    unique, inverse = np.unique(ids, return_inverse=True)
    return unique, np.bincount(inverse, weights=scores, minlength=unique.size)


def _intersection(parts):
    if not parts:
        return _EMPTY_IDS, _EMPTY_SCORES
    ids, scores = parts[0]
    for other_ids, other_scores in parts[1:]:
        ids, mine, theirs = np.intersect1d(ids, other_ids, assume_unique=True, return_indices=True)
        scores = scores[mine] + other_scores[theirs]
        if not ids.size:
            break
    return ids, scores
