"""Text analysis: the one analyzer used for indexing, query parsing and highlighting.

Text is split into runs of letters and digits by NLTK's regexp span tokenizer (which keeps
character offsets), lower-cased, stripped of accents, filtered against the English stopword
list shipped in ``data/stopwords.txt``, and stemmed with an NLTK stemmer.  Each distinct
surface form is normalised once and memoised, so the stemmer runs once per word form rather
than once per occurrence.

Stopwords are dropped and the positions of the remaining words are renumbered, so the phrase
``"Triangle of Death"`` is the two-word phrase ``triangl death``: it matches the text
"Triangle of Death" but not "Death of Triangle" (phrases keep their word order).

``NewsAnalyzer`` is a Whoosh tokenizer and is pickled into the index schema, so an index keeps
the stemmer it was built with; it is defined at module level and holds only its stemmer's name.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import Callable, Iterator

from nltk.stem import LancasterStemmer, PorterStemmer, SnowballStemmer
from nltk.tokenize import RegexpTokenizer
from whoosh.analysis import Token, Tokenizer

#: Letters and digits; everything else (punctuation, apostrophes, underscores) separates words.
TOKEN_PATTERN = r"[^\W_]+"
#: The tokenizer is NLTK's RegexpTokenizer.  Its span_tokenize() wraps the pattern in a
#: ReDoS timer that costs about 1.0 us a token against 0.15 us for the bare pattern (measured
#: on Cranfield), and this pattern cannot backtrack, so spans come from the compiled pattern.
TOKENIZER = RegexpTokenizer(TOKEN_PATTERN)
_WORD = re.compile(TOKENIZER._pattern, TOKENIZER._flags)

STEMMERS = ("porter", "snowball", "lancaster", "none")
_CACHE_LIMIT = 500_000  # distinct surface forms remembered per stemmer before starting over


def _load_stopwords() -> frozenset[str]:
    text = resources.files("searchidx").joinpath("data/stopwords.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


STOPWORDS = _load_stopwords()


@lru_cache(maxsize=None)
def _stem_function(name: str) -> Callable[[str], str]:
    if name == "porter":
        return PorterStemmer().stem
    if name == "snowball":
        return SnowballStemmer("english").stem
    if name == "lancaster":
        return LancasterStemmer().stem
    if name == "none":
        return str
    raise ValueError(f"unknown stemmer {name!r} (choose from {', '.join(STEMMERS)})")


def fold(word: str) -> str:
    """Return WORD lower-cased with accents removed ("Café" -> "cafe")."""
    word = word.lower()
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_UNSEEN = object()


class _Normalizer:
    """Memoised map from a surface form to its index term (None for a stopword)."""

    def __init__(self, stemmer: str, stem: bool = True):
        self._stem = _stem_function(stemmer) if stem else str
        self.cache: dict[str, str | None] = {}

    def __call__(self, surface: str) -> str | None:
        try:
            return self.cache[surface]
        except KeyError:
            pass
        word = fold(surface)
        term = None if word in STOPWORDS else self._stem(word)
        if len(self.cache) >= _CACHE_LIMIT:
            self.cache.clear()
        self.cache[surface] = term
        return term


@lru_cache(maxsize=None)
def normalizer(stemmer: str, stem: bool = True) -> _Normalizer:
    """Return the shared memoised normaliser for STEMMER (unstemmed when STEM is false)."""
    return _Normalizer(stemmer, stem)


def spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield the (start, end) character offsets of each word in TEXT."""
    return (m.span() for m in _WORD.finditer(text))


def terms_with_offsets(text: str, stemmer: str = "porter") -> Iterator[tuple[str, int, int]]:
    """Yield (term, start, end) for each non-stopword of TEXT, in order."""
    norm = normalizer(stemmer)
    known = norm.cache.get
    for match in _WORD.finditer(text):
        surface = match.group()
        term = known(surface, _UNSEEN)
        if term is _UNSEEN:
            term = norm(surface)
        if term is not None:
            yield term, match.start(), match.end()


def stem_prefix(prefix: str, stemmer: str = "porter") -> str:
    """Return the start of PREFIX that its stem shares ("football" -> "footbal").

    The index holds stems, so a prefix query must look for the stemmed form: "football*"
    has to find "footbal", which is what "football" and "footballer" were indexed as.
    """
    head = fold(prefix)
    stem = _stem_function(stemmer)(head)
    shared = 0
    while shared < min(len(head), len(stem)) and head[shared] == stem[shared]:
        shared += 1
    return head[: max(shared, 1)]


class NewsAnalyzer(Tokenizer):
    """Whoosh analyzer: NLTK span tokenizer, case and accent folding, stopwords, NLTK stemmer."""

    is_morph = True  # it stems, so Whoosh keeps a separate unstemmed word list for spelling

    def __init__(self, stemmer: str = "porter"):
        _stem_function(stemmer)  # fail early on an unknown name
        self.stemmer = stemmer

    def __eq__(self, other):
        return isinstance(other, NewsAnalyzer) and other.stemmer == self.stemmer

    def __hash__(self):
        return hash(("NewsAnalyzer", self.stemmer))

    def __repr__(self):
        return f"NewsAnalyzer(stemmer={self.stemmer!r})"

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        no_morph=False,
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            # The whole value is one term (a wildcard or range text): folded, not stemmed.
            token.original = token.text = fold(value)
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        norm = normalizer(self.stemmer, stem=not no_morph)
        known = norm.cache.get
        pos = start_pos
        token.boost = 1.0
        token.stopped = False
        for match in _WORD.finditer(value):
            surface = match.group()
            term = known(surface, _UNSEEN)
            if term is _UNSEEN:
                term = norm(surface)
            if term is None:
                if removestops:
                    continue
                token.stopped = True
                token.text = fold(surface)
            else:
                token.stopped = False
                token.text = term
            if keeporiginal:
                token.original = surface
            if positions:
                token.pos = pos
                pos += 1
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token
