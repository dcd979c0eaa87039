"""Copies of one story: exact and near-duplicate articles grouped at index time.

Each article (headline + body) is cut into overlapping word 5-grams ("shingles", on the
casefolded words, so punctuation and spacing do not count); two articles are copies of
one story when the Jaccard similarity of their shingle sets (shared / all) is at least
``THRESHOLD`` = 0.7.  Chosen from data (``python benchmarks/archive.py --scan``: every pair
a loose LSH proposes, its Jaccard computed exactly; pairs per band of J):

===========  =====  =======  =======  =======  =======  =======  =====  =======
corpus       exact  0.4-0.5  0.5-0.6  0.6-0.7  0.7-0.8  0.8-0.9  0.9-1  1.0
===========  =====  =======  =======  =======  =======  =======  =====  =======
BBC           103        1        1        9        2        3     51    103
Reuters       253      139      146      101       69       83    160    253
20 NG          33     1081      658      390      199      110     75     33
===========  =====  =======  =======  =======  =======  =======  =====  =======

("exact": the same casefolded words; BBC's 98 byte-identical pairs plus 5 that differ in
spacing or punctuation.)  Read pair by pair: from 0.7 up the two texts are one article
with a small change (typos fixed, a dateline or one figure corrected, a paragraph or reader
comments appended: BBC "Apple laptop is 'greatest gadget'" 0.76, Reuters "Baker opposes
stock transaction tax" 0.78, the date alone changed in a 70-word wire).  From 0.6 to 0.7
they are a developing story re-written with new facts (BBC "Talks aim to avert pension
strike": "will take place" / "ended without agreement", 0.63; Manchester United offer,
0.69): different articles a reader wants to see.  Below 0.6: different stories on one
template (commodity reports, "BC-WORLD-HIGHLIGHTS" digests).  Reuters' distribution has its
valley at 0.7-0.8, so the threshold sits there.  Caveat: in forum posts (20 Newsgroups) a
reply that quotes its parent whole with one line added scores 0.7-0.8 too and is grouped
with it; news archives rarely have that shape.

Finding candidates: MinHash with ``BANDS`` x ``ROWS`` = 16 x 4 hash functions; two
articles that agree on all 4 values of any band are candidates (probability 0.998 at
J = 0.7, 0.12 at J = 0.3), and a candidate joins only if the MinHash estimate of J (64
values: +-0.06 at J = 0.7) is at least the threshold.  The band keys are indexed (field ``dupkeys``), so a new article
finds its copies among committed ones by term lookups, and ones added in the same run
through ``StoryFinder``'s in-memory table; it takes the story id (field ``story``) of the
copy it matches.  Story ids never change once written, so deleting any copy, even the one
first indexed, leaves the others grouped; the best copy is chosen per search (the first
ranked), not stored.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterable

import numpy as np

from .counting import term_docs

SHINGLE = 5
BANDS = 16
ROWS = 4
THRESHOLD = 0.7
#: Index fields: the LSH band keys (searched by term) and the story id (a column).
KEYS_FIELD = "dupkeys"
STORY_FIELD = "story"

_WORD = re.compile(r"\w+")
_MASK = np.uint64((1 << 61) - 1)
_rng = np.random.default_rng(20261126)  # fixed: signatures must agree across runs
_A = _rng.integers(1, 1 << 61, size=BANDS * ROWS, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 1 << 61, size=BANDS * ROWS, dtype=np.uint64)
_MIX = np.array([0x9E3779B97F4A7C15 * (i + 1) & (1 << 64) - 1 for i in range(SHINGLE)], np.uint64)


def words(text: str) -> list[str]:
    """Return the casefolded words of TEXT (what "the same normalised text" compares)."""
    return _WORD.findall(text.casefold())


def shingles(text: str) -> np.ndarray:
    """Return the distinct 64-bit hashes of TEXT's word SHINGLE-grams (one gram if shorter)."""
    found = words(text)
    if not found:
        return np.zeros(0, np.uint64)
    hashed = np.fromiter((zlib.crc32(w.encode()) for w in found), np.uint64, len(found))
    if len(hashed) < SHINGLE:
        hashed = np.concatenate([hashed, np.zeros(SHINGLE - len(hashed), np.uint64)])
    n = len(hashed) - SHINGLE + 1
    with np.errstate(over="ignore"):
        mixed = np.zeros(n, np.uint64)
        for i in range(SHINGLE):  # order matters: "a b" and "b a" must differ
            mixed ^= hashed[i : i + n] * _MIX[i]
            mixed = (mixed << np.uint64(7)) | (mixed >> np.uint64(57))
    return np.unique(mixed)


def signature(grams: np.ndarray) -> np.ndarray:
    """Return the MinHash signature (BANDS * ROWS values) of a shingle hash set."""
    if not len(grams):
        return np.full(BANDS * ROWS, np.iinfo(np.uint64).max, np.uint64)
    with np.errstate(over="ignore"):
        values = (grams[:, None] * _A[None, :] + _B[None, :]) & _MASK
    return values.min(axis=0)


def band_keys(sig: np.ndarray) -> list[str]:
    """Return the LSH keys of signature SIG: one per band, the band's number in front."""
    rows = sig.reshape(BANDS, ROWS)
    return [
        f"{band:x}" + hashlib.blake2b(rows[band].tobytes(), digest_size=8).hexdigest()
        for band in range(BANDS)
    ]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Return the MinHash estimate of the Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / len(a)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Return the exact Jaccard similarity of two shingle hash sets."""
    if not len(a) and not len(b):
        return 1.0
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / (len(a) + len(b) - shared)


def article_text(title: str, body: str) -> str:
    """Return the text compared for copies: the headline and the body."""
    return f"{title}\n{body}"


def new_story_id(doc_id: str, sig: np.ndarray) -> str:
    """Return the story id of an article that starts a story (a hash of its id and text).

    The text is in it so that an id deleted and later re-used for another text does not
    land in the group its old text left behind.
    """
    digest = hashlib.blake2b(doc_id.encode(), digest_size=8)
    digest.update(sig.tobytes())
    return digest.hexdigest()[1:]  # 60 bits: fits a signed 64-bit column


class StoryFinder:
    """Give each article of an indexing run its story id and LSH keys.

    READER is the committed index the run adds to (None when it is rebuilt): its articles
    are found through their indexed band keys; this run's through an in-memory table.
    """

    def __init__(self, reader=None):
        self._segments = []
        if reader is not None and KEYS_FIELD in reader.schema:
            self._segments = [segment for segment, _base in reader.leaf_readers()]
        self._keys: dict[str, int] = {}  # band key -> row of the first article with it
        self._rows: list[np.ndarray] = []  # signatures of this run's articles
        self._stories: list[str] = []
        self._ids: list[str] = []
        self.joined = 0  # articles that joined a story

    def assign(self, doc_id: str, title: str, body: str) -> tuple[str, str]:
        """Return (story id, space-separated band keys) for a new article."""
        sig = signature(shingles(article_text(title, body)))
        keys = band_keys(sig)
        story = self._in_run(doc_id, sig, keys) or self._committed(doc_id, sig, keys)
        if story:
            self.joined += 1
        else:
            story = new_story_id(doc_id, sig)
        row = len(self._rows)
        self._rows.append(sig)
        self._stories.append(story)
        self._ids.append(doc_id)
        for key in keys:
            self._keys.setdefault(key, row)
        return story, " ".join(keys)

    def fields(self, doc_id: str, title: str, body: str) -> dict[str, str]:
        """Return the index fields (story id, band keys) of a new article."""
        story, keys = self.assign(doc_id, title, body)
        return {STORY_FIELD: story, KEYS_FIELD: keys}

    def _in_run(self, doc_id: str, sig: np.ndarray, keys: Iterable[str]) -> str | None:
        best, story = THRESHOLD, None
        for row in {self._keys[k] for k in keys if k in self._keys}:
            score = similarity(sig, self._rows[row])
            if score >= best and self._ids[row] != doc_id:
                best, story = score, self._stories[row]
        return story

    def _committed(self, doc_id: str, sig: np.ndarray, keys: list[str]) -> str | None:
        best, story = THRESHOLD, None
        for segment in self._segments:
            found: set[int] = set()
            for key in keys:
                found |= term_docs(segment, KEYS_FIELD, key)
            if segment.has_deletions():
                found -= segment.deleted_docs_set
            for docnum in sorted(found)[:20]:  # a template shared by many: enough to decide
                stored = segment.stored_fields(docnum)
                if stored.get("id") == doc_id:
                    continue  # the article's own older version, being replaced
                other = signature(
                    shingles(article_text(stored.get("title", ""), stored.get("body", "")))
                )
                score = similarity(sig, other)
                if score >= best and stored.get(STORY_FIELD):
                    best, story = score, stored[STORY_FIELD]
        return story
