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
Reuters       253      138      146      101       69       83    160    253
20 NG          33     1086      657      390      199      110     75     33
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
articles that agree on all 4 values of any band are candidates (probability 0.988 at
J = 0.7, 0.9998 at 0.8, 0.12 at 0.3), and a candidate joins only if the MinHash estimate
of J (64 values: standard error 0.06 at J = 0.7, so pairs near 0.7 may fall either side)
is at least the threshold.  Each article's signature (128
bytes) and story id (8 bytes) are columns of the index, written in the same commit as the
article; an indexing run reads the committed ones into an in-memory band-key table, so a
new article finds its copies among committed articles and among the run's alike, and takes
the story id of the most similar one.  (Indexing the 16 band keys as terms instead made
the BBC index 50% bigger: 16 unique terms an article.)  Story ids never change once
written, so deleting any copy, even the one first indexed, leaves the others grouped; the
best copy is chosen per search (the first ranked), not stored.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from itertools import chain

import numpy as np

from .sortedruns import merge_runs

SHINGLE = 5
BANDS = 16
ROWS = 4
THRESHOLD = 0.7
#: Index fields (columns, not indexed): the MinHash signature and the story id.
SIGNATURE_FIELD = "minhash"
STORY_FIELD = "story"
NO_STORY = -1  # the story column's value for a document indexed without one
SIGNATURE_BYTES = BANDS * ROWS * 2

_WORD = re.compile(r"\w+")
_MASK = np.uint64((1 << 61) - 1)
_rng = np.random.default_rng(20261126)  # fixed: signatures must agree across runs
_A = _rng.integers(1, 1 << 61, size=BANDS * ROWS, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 1 << 61, size=BANDS * ROWS, dtype=np.uint64)
_BAND_MIX = _rng.integers(1, 1 << 63, size=ROWS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_FILTER_MASK = (1 << 22) - 1  # a 4 MB filter: see _KeyTable
_BAND_NUMBER = np.arange(BANDS, dtype=np.uint64) << np.uint64(48)
_MIX = np.array([0x9E3779B97F4A7C15 * (i + 1) & (1 << 64) - 1 for i in range(SHINGLE)], np.uint64)
_TURN = np.array([7 * (SHINGLE - i) % 64 for i in range(SHINGLE)], np.uint64)
_UNTURN = (np.uint64(64) - _TURN) % np.uint64(64)


def words(text: str) -> list[str]:
    """Return the casefolded words of TEXT (what "the same normalised text" compares)."""
    return _WORD.findall(text.casefold())


def word_hashes(text: str) -> np.ndarray:
    """Return a 64-bit hash of each casefolded word of TEXT, in order (numpy, no Python loop).

    A word is a run of letters, digits, underscores or non-ASCII characters; each word's
    hash is a polynomial hash of its UTF-8 bytes, taken from prefix sums.
    """
    # A space each side: every word then has a non-word byte before and after it, so the
    # word edges are where the byte class changes, alternately a start and an end.
    return _word_hashes_and_starts(f" {text} ".casefold().encode("utf-8", "replace"))[0]


def _word_hashes_and_starts(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Return the hash of each word of DATA (with a non-word byte each end) and its first byte.

    A word's hash does not depend on where it is (the prefix sums are scaled back by
    P**-start), so a word hashes the same in any text.
    """
    data = np.frombuffer(data, np.uint8)
    inword = _WORD_BYTE[data]
    edges = np.flatnonzero(inword[1:] != inword[:-1])  # the byte before each start or end
    if not len(edges):
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    powers, inverses = _powers(len(data) + 1)
    sums = _BYTE_VALUE[data]
    sums *= powers[: len(data)]
    np.cumsum(sums, out=sums)  # sums[i]: the prefix sum of bytes 0..i
    before, last = edges[0::2], edges[1::2]
    return (sums[last] - sums[before]) * inverses[before + 1], before + 1


_WORD_BYTE = np.zeros(256, bool)
for _c in b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_":
    _WORD_BYTE[_c] = True
_WORD_BYTE[128:] = True  # bytes of non-ASCII characters: letters in the texts we index
_BYTE_VALUE = np.arange(1, 257, dtype=np.uint64)  # a byte's value in the hash: never 0
_P = np.uint64(0x100000001B3)  # odd, so it has an inverse modulo 2**64
_P_INV = np.uint64(pow(int(_P), -1, 1 << 64))
_POWERS: list[np.ndarray] = [np.ones(1, np.uint64), np.ones(1, np.uint64)]


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Return P**i and P**-i (mod 2**64) for i < N, grown as needed and kept."""
    if len(_POWERS[0]) < n:
        size = max(n, 2 * len(_POWERS[0]), 4096)
        for slot, base in enumerate((_P, _P_INV)):
            factors = np.full(size, base, np.uint64)
            factors[0] = 1
            with np.errstate(over="ignore"):
                _POWERS[slot] = np.cumprod(factors, dtype=np.uint64)
    return _POWERS[0][:n], _POWERS[1][:n]


def shingle_hashes(text: str) -> np.ndarray:
    """Return the 64-bit hashes of TEXT's word SHINGLE-grams (one gram if shorter), repeats kept."""
    hashed = word_hashes(text)
    if not len(hashed):
        return hashed
    if len(hashed) < SHINGLE:
        hashed = np.concatenate([hashed, np.zeros(SHINGLE - len(hashed), np.uint64)])
    return _grams(hashed)


def _grams(hashed: np.ndarray) -> np.ndarray:
    """Return the hash of each run of SHINGLE word hashes in HASHED (at least SHINGLE)."""
    n = len(hashed) - SHINGLE + 1
    # A gram's hash mixes its i-th word's hash times _MIX[i], rotated by 7 bits after each
    # word (order matters: "a b" and "b a" must differ); a rotation distributes over XOR,
    # so word i's part is rotated by 7 * (SHINGLE - i) once, for all grams at a time.
    scaled = hashed * _MIX[:, None]  # row i: every word's hash times _MIX[i]
    rotated = (scaled << _TURN[:, None]) | (scaled >> _UNTURN[:, None])
    mixed = rotated[0, :n].copy()
    for i in range(1, SHINGLE):
        mixed ^= rotated[i, i : i + n]
    return mixed


def shingles(text: str) -> np.ndarray:
    """Return the set (sorted, distinct) of TEXT's shingle hashes, for exact Jaccard."""
    return np.unique(shingle_hashes(text))


def signature(hashes: np.ndarray) -> np.ndarray:
    """Return the MinHash signature of shingle hashes (repeats allowed): BANDS * ROWS values.

    Each value is kept to its low 16 bits: two differing values then agree by chance once
    in 65,536, which moves a similarity estimate by 0.00002, and a signature takes 128 bytes.
    """
    if not len(hashes):
        return np.full(BANDS * ROWS, 0xFFFF, np.uint16)
    values = np.multiply.outer(hashes, _A)  # one row a shingle, one column a hash function
    values += _B
    values &= _MASK
    return values.min(axis=0).astype(np.uint16)


def signatures(texts: Sequence[str]) -> np.ndarray:
    """Return the MinHash signatures of TEXTS, one a row: ``signature(shingle_hashes(t))``.

    Made for many texts at once (the indexer hands articles over 128 at a time): a text's
    own steps are a dozen numpy calls, whose fixed cost weighs on a short article.  The
    texts are joined by spaces (a word never crosses one), their words hashed in one pass,
    and a gram kept only if its five words are of one text; each text's signature is the
    minimum over its rows (``reduceat``), worked out a few thousand grams at a time so the
    64 values a gram stay in the CPU's cache.  A text of fewer than SHINGLE words, whose one
    gram is padded, is done alone.  (Reuters' 21,577 stories: about 0.95 s one by one, 0.6 s
    in batches of 128.)
    """
    out = np.full((len(texts), BANDS * ROWS), 0xFFFF, np.uint16)
    if not texts:
        return out
    if len(texts) == 1:  # one text: its own steps cost less
        out[0] = signature(shingle_hashes(texts[0]))
        return out
    encoded = [text.casefold().encode("utf-8", "replace") for text in texts]
    # word_hashes(" t1 t2 ... ") holds each text's words in turn: a space stands either side.
    hashed, starts = _word_hashes_and_starts(b" %s " % b" ".join(encoded))
    lengths = np.fromiter(map(len, encoded), np.int64, len(encoded))
    text_starts = np.cumsum(lengths + 1) - lengths  # each text's first byte
    owner = np.searchsorted(text_starts, starts, "right") - 1  # each word's text
    words = np.bincount(owner, minlength=len(texts))
    for i in np.flatnonzero((words > 0) & (words < SHINGLE)).tolist():
        out[i] = signature(shingle_hashes(texts[i]))
    if len(hashed) < SHINGLE:
        return out
    grams = _grams(hashed)
    keep = owner[: len(grams)] == owner[SHINGLE - 1 :]  # a gram's first and last word: one text
    grams, gram_owner = grams[keep], owner[: len(keep)][keep]
    if not len(grams):
        return out
    texts_with = np.flatnonzero(np.r_[True, gram_owner[1:] != gram_owner[:-1]])
    # In steps of about _STEP_GRAMS grams (64 hash values each), whole texts at a time.
    bounds = np.searchsorted(texts_with, np.arange(0, len(grams), _STEP_GRAMS), "right") - 1
    bounds = np.unique(np.r_[bounds, len(texts_with)])
    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        first = texts_with[a]
        last = texts_with[b] if b < len(texts_with) else len(grams)
        values = np.multiply.outer(grams[first:last], _A)
        values += _B
        values &= _MASK
        mins = np.minimum.reduceat(values, texts_with[a:b] - first, axis=0)
        out[gram_owner[texts_with[a:b]]] = mins.astype(np.uint16)
    return out


_STEP_GRAMS = 2048  # 1 MB of hash values at a time: they stay in the cache


def band_key_numbers(sigs: np.ndarray) -> np.ndarray:
    """Return the LSH keys of signatures SIGS (one, or one a row): per band, the band's
    number in the top bits and 48 bits of a hash of its values."""
    rows = sigs.reshape(-1, BANDS, ROWS).astype(np.uint64)
    mixed = rows @ _BAND_MIX  # a sum modulo 2**64: the order of the terms does not matter
    mixed >>= np.uint64(16)
    mixed |= _BAND_NUMBER
    return mixed[0] if sigs.ndim == 1 else mixed


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


def new_story_id(doc_id: str, sig: np.ndarray) -> int:
    """Return the story id of an article that starts a story (a hash of its id and text).

    The text is in it so that an id deleted and later re-used for another text does not
    land in the group its old text left behind.
    """
    digest = hashlib.blake2b(doc_id.encode(), digest_size=8)
    digest.update(sig.tobytes())
    return int.from_bytes(digest.digest(), "big") >> 4  # 60 bits: positive in an int64


class _KeyTable:
    """Band key -> rows of this run's articles that have it: append-only, in numpy arrays.

    A dict of 16 string keys per article would take ~1.5 KB an article; here a key and its
    row take 12 bytes, in sorted runs merged as they grow (as a log-structured merge tree:
    a lookup searches O(log n) runs), and a fixed 4 MB filter lets a lookup skip the runs
    for keys they cannot hold (nearly all: 1 in 12 at 20,000 articles, 1 in 2 at 170,000).
    """

    _RECENT = 4096

    def __init__(self):
        # The newest keys: key -> its first row, and key -> its later rows (rare: only
        # articles that share a band key with an earlier one have any).
        self._recent: dict[int, int] = {}
        self._more: dict[int, list[int]] = {}
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []  # (sorted keys, rows)
        # A key's low bits -> whether a run may hold it (a Bloom filter of one hash).
        self._filter = bytearray(_FILTER_MASK + 1)

    def rows(self, keys: np.ndarray) -> list[set[int]]:
        """Return, for each row of KEYS (an article's band keys), the rows that have any.

        The articles' own keys are not in the table yet: each is added after it is
        matched (``add``), and the runs stay as they are until ``settle``.
        """
        found = [set() for _ in range(len(keys))]
        if self._runs:
            # Most keys are in no run: the filter rules them out at once, and the binary
            # searches look for the few left, of all the articles at a time.
            maybe = np.frombuffer(self._filter, np.uint8)[keys & np.uint64(_FILTER_MASK)]
            where = np.flatnonzero(maybe.ravel())
            if len(where):
                wanted, owner = keys.ravel()[where], where // keys.shape[1]
                for run_keys, run_rows in self._runs:
                    at = np.searchsorted(run_keys, wanted)
                    hit = run_keys[np.minimum(at, len(run_keys) - 1)] == wanted
                    if hit.any():
                        ends = np.searchsorted(run_keys, wanted[hit], "right")
                        for n, low, high in zip(
                            owner[hit].tolist(), at[hit].tolist(), ends.tolist()
                        ):
                            found[n].update(run_rows[low:high].tolist())
        return found

    def recent_rows(self, keys: list[int]) -> set[int]:
        """Return the rows added since the last ``settle`` that have any of KEYS."""
        found: set[int] = set()
        recent = self._recent
        for key in recent.keys() & keys:  # a set operation, not a loop of lookups
            found.add(recent[key])
            found.update(self._more.get(key, ()))
        return found

    def add_many(self, keys: np.ndarray, rows: np.ndarray) -> None:
        """Add KEYS[i] -> ROWS[i] for every i, as one sorted run."""
        if len(keys):
            self._mark(keys)
            order = np.argsort(keys, kind="stable")
            self._runs.insert(0, (keys[order], rows[order].astype(np.int32)))

    def add(self, keys: list[int], row: int) -> None:
        """Add KEYS -> ROW (to the newest keys: a run at the next ``settle``)."""
        recent = self._recent
        if recent.keys().isdisjoint(keys):  # the usual case, in one C loop
            recent.update(dict.fromkeys(keys, row))
        else:
            for key in keys:
                if key not in recent:
                    recent[key] = row
                elif recent[key] != row and row not in self._more.get(key, ()):
                    self._more.setdefault(key, []).append(row)

    def settle(self) -> None:
        """Make the newest keys a sorted run once there are enough of them."""
        if len(self._recent) >= self._RECENT:
            self._flush()

    def _mark(self, keys: np.ndarray) -> None:
        """Note in the filter that a run holds KEYS."""
        np.frombuffer(self._filter, np.uint8)[keys & np.uint64(_FILTER_MASK)] = 1

    def _flush(self) -> None:
        recent, more = self._recent, self._more
        size = len(recent) + sum(map(len, more.values()))
        keys = np.fromiter(chain(recent, *([k] * len(r) for k, r in more.items())), np.uint64, size)
        rows = np.fromiter(chain(recent.values(), *more.values()), np.int32, size)
        self._recent, self._more = {}, {}
        self._mark(keys)
        order = np.argsort(keys, kind="stable")
        self._runs.append((keys[order], rows[order]))
        while len(self._runs) > 1 and len(self._runs[-1][0]) * 2 >= len(self._runs[-2][0]):
            newer, older = self._runs.pop(), self._runs.pop()
            self._runs.append(merge_runs(older, newer))  # no argsort of all keys


class StoryFinder:
    """Give each article of an indexing run its story id and signature.

    READER is the committed index the run adds to (None when it is rebuilt).  The
    signatures and story ids of its live articles are read from their columns into the
    same in-memory table as this run's articles (12 bytes a band key, 128 a signature,
    8 a story id: ~330 bytes an article, ~56 MB for 170,000), so a new article is compared
    with both alike.  They are read when the first new article comes, not for a run that
    changes nothing.
    """

    def __init__(self, reader=None):
        self._keys = _KeyTable()
        self._sigs = np.zeros((0, BANDS * ROWS), np.uint16)
        self._stories = np.zeros(0, np.int64)
        self._origin: list[tuple[object, int, int]] = []  # (segment, first row, rows)
        self._count = 0
        self.joined = 0  # articles that joined a story
        # Loaded with the first new article: a run that changes nothing reads nothing.
        self._pending = reader if reader is not None and SIGNATURE_FIELD in reader.schema else None

    def _load(self, reader) -> None:
        for segment, _base in reader.leaf_readers():
            size = segment.doc_count_all()
            if not size or not segment.has_column(SIGNATURE_FIELD):
                continue
            raw = b"".join(segment.column_reader(SIGNATURE_FIELD))
            sigs = np.frombuffer(raw, np.uint16).reshape(size, BANDS * ROWS)
            stories = np.fromiter(segment.column_reader(STORY_FIELD), np.int64, size)
            live = stories != NO_STORY
            if segment.has_deletions():
                live[list(segment.deleted_docs_set)] = False
            first = self._count
            self._grow(size)
            self._sigs[first : first + size] = sigs
            self._stories[first : first + size] = np.where(live, stories, NO_STORY)
            self._count += size
            self._origin.append((segment, first, size))
            keys = band_key_numbers(sigs[live])
            rows = np.repeat(np.flatnonzero(live) + first, BANDS)
            self._keys.add_many(keys.ravel(), rows)

    def _grow(self, extra: int) -> None:
        needed = self._count + extra
        if needed > len(self._stories):
            size = max(needed, 2 * len(self._stories), 4096)
            sigs = np.zeros((size, BANDS * ROWS), np.uint16)
            sigs[: self._count] = self._sigs[: self._count]
            stories = np.full(size, NO_STORY, np.int64)
            stories[: self._count] = self._stories[: self._count]
            self._sigs, self._stories = sigs, stories

    def assign(self, doc_id: str, title: str, body: str) -> tuple[int, np.ndarray]:
        """Return (story id, signature) for a new article."""
        return self.assign_many([(doc_id, title, body)])[0]

    def assign_many(self, articles: Sequence[tuple[str, str, str]]) -> list[tuple[int, np.ndarray]]:
        """Return (story id, signature) for each new article (doc id, title, body), in turn.

        Each article finds its copies among the earlier ones of the list too: the same
        stories as ``assign`` one at a time, with the signatures made for all at once.
        """
        if self._pending is not None:
            self._load(self._pending)
            self._pending = None
        sigs = signatures([article_text(title, body) for _, title, body in articles])
        keys = band_key_numbers(sigs).reshape(len(articles), BANDS)
        earlier = self._keys.rows(keys)  # in the runs: they do not change until settle()
        found = []
        self._grow(len(articles))
        for (doc_id, _, _), sig, listed, rows in zip(articles, sigs, keys.tolist(), earlier):
            rows |= self._keys.recent_rows(listed)
            story = self._match(doc_id, sig, rows)
            if story is None:
                story = new_story_id(doc_id, sig)
            else:
                self.joined += 1
            row = self._count
            self._sigs[row] = sig
            self._stories[row] = story
            self._count += 1
            self._keys.add(listed, row)
            found.append((story, sig))
        self._keys.settle()
        return found

    def fields_many(self, articles: Sequence[tuple[str, str, str]]) -> list[dict]:
        """Return the index fields (story id, signature) of each new article, in turn."""
        return [
            {STORY_FIELD: story, SIGNATURE_FIELD: sig.tobytes()}
            for story, sig in self.assign_many(articles)
        ]

    def _match(self, doc_id: str, sig: np.ndarray, found: set[int]) -> int | None:
        """Return the story of the most similar earlier article (of rows FOUND, which
        share a band key with it) at THRESHOLD or above."""
        if not found:  # most articles: no earlier one shares a band
            return None
        rows = np.array(sorted(found), np.int64)
        rows = rows[self._stories[rows] != NO_STORY]
        scores = (self._sigs[rows] == sig).mean(axis=1)
        for n in np.argsort(-scores, kind="stable"):
            if scores[n] < THRESHOLD:
                break
            if not self._is_older_self(int(rows[n]), doc_id):
                return int(self._stories[rows[n]])
        return None

    def _is_older_self(self, row: int, doc_id: str) -> bool:
        """Return True when ROW is the committed older version of DOC_ID, being replaced."""
        for segment, first, size in self._origin:
            if first <= row < first + size:
                return segment.stored_fields(row - first).get("id") == doc_id
        return False
