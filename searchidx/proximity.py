"""Ranking, second stage: re-order the best first-stage results by term proximity.

A BM25TP-style bonus (Rasolofo and Savoy, 2003): every two occurrences of different query
words at most ``window`` positions apart add ``1 / distance**2`` to an accumulator of each
word.  Only words that are neighbours in the query's list of distinct words pair up
(``proximity_span`` 1, as in the sequential dependence model): with every pair, the filler
words of long topics pair up too, and CISI and LISA lost 0.01 nDCG@10.  Each accumulator is
saturated like a term frequency (``ranking.bm25_tf``) and weighted by the word's idf, and the
sum, times ``weight``, is added to the first-stage score::

    bonus(d) = weight * sum_t idf(t) * bm25_tf(acc_t(d), dl, avgdl, k1, b)

Only the first ``depth`` candidates are re-scored, with positions of the ``body`` field read
from the fast path's cached arrays (``postings``; Whoosh's matchers, skipped to each
candidate, for segments it cannot read), so
the cost is bounded by depth x words whatever the number of matches.  The bonus is never
negative, so the re-scored candidates stay above the rest and the rest keep their order:
proximity only re-orders, it never adds or removes a result.  Positions count indexed
words, so they depend on the analyzer: re-measure ``proximity_window`` if stopwords come to
keep their positions.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
from whoosh import query as wq

from . import postings, ranking
from .config import setting

FIELD = "body"  # holds the headline and the text, so positions cover the whole article


def query_words(q: wq.Query, field: str = FIELD) -> list[str]:
    """Return the distinct words Q looks for in FIELD, outside any NOT, in query order."""
    found: list[str] = []

    def walk(node: wq.Query) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            walk(node.a)
            return
        if isinstance(node, wq.Term) and node.fieldname == field:
            found.append(node.text)
        elif isinstance(node, wq.Phrase) and node.fieldname == field:
            found.extend(node.words)
        for child in node.children():
            walk(child)

    walk(q)
    return list(dict.fromkeys(found))


def bonus(
    occurrences: list[tuple[int, int]],
    weights: Sequence[float],
    dl: float,
    avgdl: float,
    window: int,
    k1: float,
    b: float,
    span: int = 0,
) -> float:
    """Return the proximity bonus (before ``weight``) of one document.

    OCCURRENCES are (position, word index) pairs of the query words in the document, sorted
    by position; WEIGHTS are the words' idfs.  With SPAN > 0, only words at most SPAN apart
    in the query count as a pair (1: neighbours, as in the sequential dependence model).
    """
    acc = [0.0] * len(weights)
    count = len(occurrences)
    for i, (pos, word) in enumerate(occurrences):
        j = i + 1
        while j < count:
            pos2, word2 = occurrences[j]
            distance = pos2 - pos
            if distance > window:
                break
            if word2 != word and distance > 0 and (not span or abs(word2 - word) <= span):
                near = 1.0 / (distance * distance)
                acc[word] += near
                acc[word2] += near
            j += 1
    return sum(
        weights[t] * ranking.bm25_tf(a, dl, avgdl, k1, b) for t, a in enumerate(acc) if a > 0.0
    )


def rerank(
    searcher,
    q: wq.Query,
    candidates: Sequence[tuple[int, float]],
    *,
    weight: float | None = None,
    window: int | None = None,
    depth: int | None = None,
) -> list[tuple[int, float]]:
    """Return CANDIDATES, (docnum, score) best first, with the first DEPTH re-scored by proximity.

    Runs after the first stage whatever computed it (Whoosh or the fast path); Q is the
    parsed query, whose positive ``body`` words are the ones that count.  WEIGHT, WINDOW and
    DEPTH default to the settings; k1, b and the idf are the first stage's.
    """
    weight = float(setting("proximity_weight")) if weight is None else weight
    window = int(setting("proximity_window")) if window is None else window
    depth = int(setting("rerank_depth")) if depth is None else depth
    span = int(setting("proximity_span"))
    k1, b, idf_kind = float(setting("bm25_k1")), float(setting("bm25_b")), setting("bm25_idf")
    head, tail = list(candidates[:depth]), list(candidates[depth:])
    words = query_words(q)
    if weight <= 0 or len(words) < 2 or not head:
        return list(candidates)
    reader = searcher.reader()
    n = searcher.doc_count_all()
    avgdl = searcher.avg_field_length(FIELD) or 1.0
    weights: list[float] = []
    occurrences: dict[int, list[tuple[int, int]]] = {docnum: [] for docnum, _ in head}
    present = []  # the words that occur at all
    for index, word in enumerate(words):
        df = reader.doc_frequency(FIELD, word)
        weights.append(ranking.idf(n, df, idf_kind))
        if df:
            present.append(index)
    if not _from_arrays(searcher, words, present, occurrences):
        _from_matchers(reader, words, present, occurrences)
    rescored = []
    for docnum, score in head:
        found = occurrences[docnum]
        if len(found) > 1:
            found.sort()
            dl = searcher.doc_field_length(docnum, FIELD, 1)
            score += weight * bonus(found, weights, dl, avgdl, window, k1, b, span)
        rescored.append((docnum, score))
    rescored.sort(key=lambda item: -item[1])  # stable: ties keep the first stage's order
    return rescored + tail


def _from_arrays(
    searcher, words: list[str], present: list[int], occurrences: dict[int, list]
) -> bool:
    """Add (position, word index) of WORDS[PRESENT] in each document of OCCURRENCES.

    The positions come from the fast path's cached arrays (``postings``): per segment, each
    word's postings are found for the candidates with one ``np.searchsorted``.  Return False,
    adding nothing, when a segment is not one ``postings`` can read.
    """
    leaves = searcher.leaf_searchers()
    if not all(postings.supported(leaf.reader()) for leaf, _ in leaves):
        return False
    field = searcher.schema[FIELD]
    targets = np.sort(np.fromiter(occurrences, dtype=np.int64, count=len(occurrences)))
    for leaf, offset in leaves:
        reader = leaf.reader()
        local = targets[(targets >= offset) & (targets < offset + reader.doc_count_all())]
        local = local - offset
        if not local.size:
            continue
        for index in present:
            btext = field.to_bytes(words[index])
            ids = postings.term_postings(reader, FIELD, btext).ids
            if not ids.size:
                continue
            if not _decode_now(reader, btext, ids.size):
                _from_matchers(reader, words, [index], occurrences, offset, local.tolist())
                continue
            at = np.minimum(np.searchsorted(ids, local), ids.size - 1)
            found = ids[at] == local
            if not found.any():
                continue
            owner, pos = postings.term_positions(reader, FIELD, btext).gather(at[found])
            docs = local[found] + offset
            for docnum, p in zip(docs[owner].tolist(), pos.tolist()):
                occurrences[docnum].append((p, index))
    return True


def _from_matchers(
    reader,
    words: list[str],
    present: list[int],
    occurrences: dict,
    offset: int = 0,
    targets: list[int] | None = None,
) -> None:
    """Add what ``_from_arrays`` adds, read with Whoosh's matchers (the reference way).

    READER is the whole index, or one segment whose first document is OFFSET and whose
    candidates are TARGETS (sorted, numbered within the segment).
    """
    targets = sorted(occurrences) if targets is None else targets
    for index in present:
        matcher = reader.postings(FIELD, words[index])
        for docnum in targets:
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
                if not matcher.is_active():
                    break
            if matcher.id() == docnum:
                found = occurrences[docnum + offset]
                found.extend((p, index) for p in matcher.value_as("positions"))


#: Long posting lists whose positions proximity asked for once (segment, term), bounded.
_asked: OrderedDict = OrderedDict()
_asked_lock = threading.Lock()
_ASKED_MAX = 4096
_SHORT = 2048  # postings: decoding all positions costs no more than a few matcher skips


def _decode_now(reader, btext: bytes, count: int) -> bool:
    """Return True when a term's positions should come from the arrays (decoding them).

    Kept decoded already, or a short list: yes.  A long list is decoded the second time a
    query asks for it (a cold query pays for 30 skips, not for the whole list); until then
    the matcher reads only the candidates' blocks.  Both ways give the same positions.
    """
    if count <= _SHORT or postings.has_positions(reader, FIELD, btext):
        return True
    key = (*postings.segment_key(reader), btext)
    with _asked_lock:
        if key in _asked:
            del _asked[key]
            return True
        _asked[key] = True
        if len(_asked) > _ASKED_MAX:
            _asked.popitem(last=False)
    return False
