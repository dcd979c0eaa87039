"""The lexicon of real words: every surface word of the index with how many documents hold it.

The text fields hold stems ("elect"), which are no use for "did you mean" or for completing
what someone types.  The ``words`` field indexes each document's title and body a second
time, folded (lower case, no accents) but not stemmed, without stopwords, and with the
cheapest posting format Whoosh has (``Existence``: document numbers only, no frequencies,
positions or field lengths).  Being an ordinary field, it is written, committed, merged and
deleted with its segment, so it always agrees with the generation a searcher sees; the
number of documents holding a word is the term's document frequency (documents deleted but
not yet merged away still count, which is harmless for ranking words).

In memory, ``Lexicon`` holds the words of one generation as a sorted list with a parallel
array of document counts (built from each segment's term list, cached per segment:
segments never change), so a prefix is a binary search and the most common completions a
partial sort, and ``near`` finds the words within two edits of a word with ``rapidfuzz``'s
compiled edit distance over the words of similar length only.  numpy and rapidfuzz
are imported on first use, so commands that need neither start as fast as before.
"""

from __future__ import annotations

import bisect
import struct
import threading
from collections import OrderedDict

from whoosh.codec.whoosh3 import W3TermsReader
from whoosh.fields import FieldType
from whoosh.formats import Existence

from .analysis import NewsAnalyzer
from .terminfo import doc_frequency

FIELD = "words"
MAX_EDITS = 2
#: Folded, unstemmed words; stopwords left out (they are no suggestion or completion).
_ANALYZER = NewsAnalyzer("none", stopwords=False)
_SEGMENTS_KEPT = 64  # per-segment word lists remembered (a few MB each at 100k words)


def words_field() -> FieldType:
    """Return the schema field of surface words: unstemmed, unstored, document numbers only."""
    return FieldType(Existence(), _ANALYZER, scorable=False, stored=False)


def has_words(reader) -> bool:
    """Return True when the index behind READER has the words field (built since it exists)."""
    return FIELD in reader.schema


def surface(word: str) -> str | None:
    """Return WORD as the words field holds it (folded), or None for a stopword."""
    terms = [t.text for t in _ANALYZER(word)]
    return terms[0] if len(terms) == 1 else None


class Lexicon:
    """The words of one generation of the index, sorted, with their document counts."""

    def __init__(self, words: list[str], counts):
        self.words = words
        self.counts = counts
        self._by_length: dict[int, list[int]] | None = None
        self._index = None

    def __len__(self) -> int:
        return len(self.words)

    def count(self, word: str) -> int:
        """Return the number of documents holding WORD (0 when none does)."""
        i = bisect.bisect_left(self.words, word)
        return int(self.counts[i]) if i < len(self.words) and self.words[i] == word else 0

    def completions(self, prefix: str, limit: int = 8) -> list[tuple[str, int]]:
        """Return up to LIMIT (word, documents) starting with PREFIX, most common first."""
        lo = bisect.bisect_left(self.words, prefix)
        hi = bisect.bisect_left(self.words, prefix + "\U0010ffff")
        if lo >= hi:
            return []
        import numpy as np  # loaded on first use: commands that complete nothing start faster

        span = self.counts[lo:hi]
        if len(span) > limit:
            top = np.argpartition(-span, limit - 1)[:limit]
        else:
            top = np.arange(len(span))
        found = [(self.words[lo + int(i)], int(span[i])) for i in top]
        found.sort(key=lambda item: (-item[1], item[0]))
        return found

    def near(self, word: str, max_edits: int = MAX_EDITS) -> list[tuple[str, int, int]]:
        """Return (word, edits, documents) of each other word within MAX_EDITS of WORD.

        Edits are optimal-string-alignment distance (a swap of neighbours is one edit).
        Only words whose length differs by at most MAX_EDITS can be that close, and only
        those whose letter counts differ by at most 2 x MAX_EDITS (one edit changes them by
        two at most): that test runs over arrays for a whole length at once, and the edit
        distance is computed for the few words that pass it.
        """
        import numpy as np
        from rapidfuzz.distance import OSA

        wanted = np.asarray(_letter_counts([word])[0], dtype=np.int16)
        found = []
        for length in range(max(1, len(word) - max_edits), len(word) + max_edits + 1):
            bucket = self._bucket(length)
            if bucket is None:
                continue
            ids, counts = bucket
            close = np.flatnonzero(np.abs(counts - wanted).sum(axis=1) <= 2 * max_edits)
            for i in ids[close].tolist():
                candidate = self.words[i]
                edits = OSA.distance(word, candidate, score_cutoff=max_edits)
                if edits <= max_edits and candidate != word:
                    found.append((candidate, edits, int(self.counts[i])))
        return found

    def _bucket(self, length: int):
        """Return (word ids, letter counts) of the words of LENGTH, made on first use."""
        if self._by_length is None:
            by_length: dict[int, list[int]] = {}
            for i, w in enumerate(self.words):
                by_length.setdefault(len(w), []).append(i)
            self._by_length = by_length
            self._index = {}
        if length not in self._index:
            import numpy as np

            ids = self._by_length.get(length)
            if not ids:
                self._index[length] = None
            else:
                counts = _letter_counts([self.words[i] for i in ids]).astype(np.int16)
                self._index[length] = (np.asarray(ids, dtype=np.int64), counts)
        return self._index[length]


def _letter_counts(words: list[str]):
    """Return a (words x 27) array: how often each of a-z, and any other character, occurs.

    All the words have the same length.  Lumping every other character into one column
    can only make two words look closer, so the test in ``near`` never drops a true match.
    """
    import numpy as np

    length = len(words[0])
    codes = np.array(words, dtype=f"<U{length}").view(np.uint32).reshape(len(words), length)
    letters = codes.astype(np.int64) - ord("a")
    letters[(letters < 0) | (letters > 25)] = 26
    counts = np.zeros((len(words), 27), dtype=np.uint8)
    rows = np.arange(len(words))
    for column in range(length):
        counts[rows, letters[:, column]] += 1
    return counts


class LexiconCache:
    """Lexicons of the index's generations, built from per-segment word lists kept in memory."""

    def __init__(self):
        self._lock = threading.Lock()
        self._segments: OrderedDict[str, dict[str, int]] = OrderedDict()
        self._current: tuple[tuple, Lexicon] | None = None

    def lexicon(self, reader) -> Lexicon:
        """Return the lexicon of READER's generation (cached until its segments change)."""
        leaves = [leaf for leaf, _base in reader.leaf_readers()]
        key = tuple(_segment_key(leaf) for leaf in leaves)
        with self._lock:
            if self._current is not None and self._current[0] == key:
                return self._current[1]
            parts = [self._segment_words(leaf, k) for leaf, k in zip(leaves, key, strict=True)]
            lexicon = _merge(parts)
            self._current = (key, lexicon)
            return lexicon

    def _segment_words(self, leaf, key) -> dict[str, int]:
        words = self._segments.get(key)
        if words is None:
            words = {}
            if FIELD in leaf.schema:
                words = _raw_words(leaf)
                if words is None:
                    words = {}
                    for text, info in leaf.iter_field(FIELD):
                        word = text.decode("utf-8") if isinstance(text, bytes) else text
                        words[word] = info.doc_frequency()
            self._segments[key] = words
            while len(self._segments) > _SEGMENTS_KEPT:
                self._segments.popitem(last=False)
        else:
            self._segments.move_to_end(key)
        return words


_LENGTHS = struct.Struct("!ii")  # a record of Whoosh's term table: key length, value length


def _raw_words(leaf) -> dict[str, int] | None:
    """Return {word: documents} of LEAF's words field read straight from its term table.

    Whoosh's own ``iter_field`` decodes a whole TermInfo object per term (about 5 us);
    reading the table's records (length pair, field number + word, term info) in one pass
    takes a fifth of that, which is what a cold start of did-you-mean waits for.  This
    knows the W3 term table's records and our term infos (``terminfo.doc_frequency``); for
    any other codec it returns None (``iter_field`` then).
    """
    try:
        terms = leaf._terms
        table = terms._tindex
        number = terms._fieldmap[FIELD]
        if not isinstance(terms, W3TermsReader):
            return None
    except (AttributeError, KeyError):
        return None
    field_key = struct.pack("!H", number)
    start = table.closest_key_pos(field_key)
    if start is None:
        return {}
    data = table.dbfile.get(start, table.endofdata - start)
    words: dict[str, int] = {}
    pos, end = 0, len(data)
    unpack_lengths, docs = _LENGTHS.unpack_from, doc_frequency
    while pos < end:
        key_length, value_length = unpack_lengths(data, pos)
        key_at = pos + 8
        if data[key_at : key_at + 2] != field_key:
            break  # the next field's terms
        value_at = key_at + key_length
        words[data[key_at + 2 : value_at].decode("utf-8")] = docs(data, value_at)
        pos = value_at + value_length
    return words


def _segment_key(leaf) -> tuple:
    segment = leaf.segment() if callable(getattr(leaf, "segment", None)) else None
    if segment is None:
        return (id(leaf),)
    return (segment.segment_id(),)


def _merge(parts: list[dict[str, int]]) -> Lexicon:
    import numpy as np

    if len(parts) == 1:
        merged = parts[0]
    else:
        merged = {}
        for part in parts:
            for word, n in part.items():
                merged[word] = merged.get(word, 0) + n
    words = sorted(merged)
    counts = np.fromiter((merged[w] for w in words), dtype=np.int64, count=len(words))
    return Lexicon(words, counts)
