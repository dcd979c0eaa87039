"""Text analysis: the one analyzer used for indexing, query parsing and highlighting.

Text is split into runs of letters and digits by one compiled ``regex`` pattern (which keeps
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
import sys
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache, lru_cache
from importlib import resources
from operator import methodcaller

import regex
from whoosh.analysis import Token, Tokenizer

#: Letters and digits; everything else (punctuation, apostrophes, underscores) separates words.
TOKEN_PATTERN = r"[^\W_]+"
#: Compiled with ``regex`` (what NLTK's RegexpTokenizer uses), not the stdlib ``re``: the two
#: disagree on combining marks, and ``re`` would split a decomposed "Cafe\u0301" into "Cafe".
#: The pattern is used directly rather than through RegexpTokenizer.span_tokenize(), whose
#: ReDoS timer costs about 1.0 us a token against 0.15 us for the bare pattern (measured on
#: Cranfield); this pattern cannot backtrack.
WORD = regex.compile(TOKEN_PATTERN)

STEMMERS = ("porter", "snowball", "lancaster", "none")
_CACHE_LIMIT = 500_000  # distinct surface forms remembered per stemmer before starting over


def _load_stopwords() -> frozenset[str]:
    text = resources.files("searchidx").joinpath("data/stopwords.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


STOPWORDS = _load_stopwords()


def _check_stemmer(name: str) -> None:
    if name not in STEMMERS:
        raise ValueError(f"unknown stemmer {name!r} (choose from {', '.join(STEMMERS)})")


def _import_nltk_stem():
    """Import and return ``nltk.stem`` without letting NLTK load scipy and numpy.

    ``import nltk`` runs the package's ``__init__``, which imports nearly all of NLTK, and
    ``nltk.collocations`` and ``nltk.metrics`` then import ``scipy.stats`` and numpy: about
    0.8 s and 86 MB per process, for stemmers that need neither.  NLTK guards those imports
    with ``except ImportError``, so while NLTK loads, scipy and numpy are marked as absent
    (``sys.modules[name] = None``, Python's documented way to block an import) and unmarked
    afterwards.  Only the scipy-backed extras of that NLTK instance (e.g. the Fisher test in
    ``nltk.metrics.association``) are unavailable in the process; nothing is blocked when
    NLTK, scipy or numpy was imported before.  This runs on first use, not at import time,
    so commands that analyse no text (``--help``, a no-op re-index) never load NLTK.
    """
    blocked = []
    if "nltk" not in sys.modules:
        blocked = [name for name in ("scipy", "numpy") if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None
    try:
        import nltk.stem
    finally:
        for name in blocked:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
    return nltk.stem


@cache
def _stem_function(name: str) -> Callable[[str], str]:
    _check_stemmer(name)
    if name == "none":
        return str
    stem = _import_nltk_stem()
    if name == "porter":
        return stem.PorterStemmer().stem
    if name == "snowball":
        return stem.SnowballStemmer("english").stem
    return stem.LancasterStemmer().stem


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
        _check_stemmer(stemmer)
        self._stemmer = stemmer if stem else "none"
        self._stem = None  # the stemmer (and NLTK) is loaded at the first unseen word
        self.cache: dict[str, str | None] = {}
        # The inverse of the cache (term -> the surface forms seen for it), so that
        # find_terms picks a text's wanted words by set operations in C.  Made at the first
        # search (``inverse``), so an indexing process never holds it.  ``generation``
        # counts the clears, so a reader can tell that both maps were emptied meanwhile.
        self.forms: dict[str, list[str]] | None = None  # lists: far smaller than sets
        self.generation = 0

    def inverse(self) -> dict[str, list[str]]:
        """Return the map from each term to the surface forms in the cache that give it."""
        forms = self.forms
        if forms is None:
            # Published before the cache is read: a word added meanwhile is in the copy
            # read below or is added by __call__ (which writes the cache first).
            self.forms = forms = {}
            for surface, term in list(self.cache.items()):
                if term is not None:
                    forms.setdefault(term, []).append(surface)
        return forms

    def __call__(self, surface: str) -> str | None:
        try:
            return self.cache[surface]
        except KeyError:
            pass
        word = fold(surface)
        if not word or word in STOPWORDS:  # a lone combining mark folds to nothing
            term = None
        else:
            if self._stem is None:
                self._stem = _stem_function(self._stemmer)
            term = self._stem(word)
        if len(self.cache) >= _CACHE_LIMIT:
            self.generation += 1
            self.cache.clear()
            self.forms = None
        self.cache[surface] = term
        forms = self.forms
        if term is not None and forms is not None:
            forms.setdefault(term, []).append(surface)
        return term


@cache
def normalizer(stemmer: str, stem: bool = True) -> _Normalizer:
    """Return the shared memoised normaliser for STEMMER (unstemmed when STEM is false)."""
    return _Normalizer(stemmer, stem)


def spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield the (start, end) character offsets of each word in TEXT."""
    return (m.span() for m in WORD.finditer(text))


def terms_with_offsets(text: str, stemmer: str = "porter") -> Iterator[tuple[str, int, int]]:
    """Yield (term, start, end) for each non-stopword of TEXT, in order."""
    norm = normalizer(stemmer)
    known = norm.cache.get
    for match in WORD.finditer(text):
        surface = match.group()
        term = known(surface, _UNSEEN)
        if term is _UNSEEN:
            term = norm(surface)
        if term is not None:
            yield term, match.start(), match.end()


def token_list(text: str, stemmer: str = "porter") -> list[tuple[str, int, int]]:
    """Return ``list(terms_with_offsets(TEXT, STEMMER))``, with no Python step per word.

    The words, their offsets and their terms are listed by C loops (the pattern, ``map``
    over the normaliser's cache); only words never seen go through the normaliser.
    """
    norm = normalizer(stemmer)
    pattern = _ASCII_WORD if _plain(text) else WORD
    words = pattern.findall(text)
    generation = norm.generation
    for word in set(words).difference(norm.cache):
        norm(word)
    found = list(map(norm.cache.get, words))
    if norm.generation != generation:  # the cache was emptied meanwhile
        return list(terms_with_offsets(text, stemmer))
    spans = map(_SPAN, pattern.finditer(text))
    return [(t, *span) for t, span in zip(found, spans) if t is not None]


_SPAN = methodcaller("span")


@lru_cache(maxsize=512)
def _words_pattern(words: tuple[str, ...]) -> regex.Pattern:
    """Return a pattern matching any of WORDS where it is a whole word of the text."""
    alternatives = "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))
    # Not preceded or followed by a word character: exactly the tokens WORD would find.
    return regex.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])")


def find_terms(text: str, terms: set[str], stemmer: str) -> list[tuple[int, int, str]]:
    """Return the (start, end, term) of each word of TEXT whose term is one of TERMS.

    The same as filtering ``terms_with_offsets(text)``, without a Python step per token: the
    distinct words are listed by the word pattern (in C), the ones never seen are normalised
    (memoised), and the words that map to TERMS are picked by set operations with the
    normaliser's inverse map; then only those words are located in the text.
    """
    norm = normalizer(stemmer)
    plain = _plain(text)
    # On such text the stdlib pattern finds exactly the same words, a few times faster.
    words = set(_plain_words(text) if plain else WORD.findall(text))
    generation = norm.generation
    for word in words.difference(norm.cache):  # looks each word up (not "- keys()")
        norm(word)
    forms = norm.inverse()
    wanted = {word: term for term in terms for word in words.intersection(forms.get(term, ()))}
    if norm.generation != generation:  # the maps were emptied meanwhile: look word by word
        wanted = {word: term for word in words if (term := norm(word)) in terms}
    if not wanted:
        return []
    if plain:
        return _find_ascii(text, wanted)
    pattern = _words_pattern(tuple(sorted(wanted)))
    return [(m.start(), m.end(), wanted[m.group()]) for m in pattern.finditer(text)]


_ASCII_WORD = re.compile(TOKEN_PATTERN)
#: ASCII, and the punctuation and symbols news text has beyond it: none is a word character
#: for either pattern nor for ``str.isalnum``, so on text made only of these the stdlib
#: pattern and ``str.find`` find exactly the words ``WORD`` finds.
_PLAIN_CHARS = frozenset(map(chr, range(128))) | frozenset("\xa0£€¥§©®°±·–—‘’‚“”„…•′″«»")


#: Bytes table: ASCII letters and digits kept, every other byte made a space.
_SEPARATE = bytes(c if c < 128 and chr(c).isalnum() else 32 for c in range(256))


def _plain_words(text: str) -> list[str]:
    """Return the words of TEXT (see ``_plain``), as ``WORD.findall`` would, in C loops.

    Each non-ASCII character becomes one "?" (a separator, as every such character of
    plain text is), then every byte that is no letter or digit a space: ``split`` does the rest.
    """
    return text.encode("ascii", "replace").translate(_SEPARATE).decode("ascii").split()


def _plain(text: str) -> bool:
    """Return True when TEXT holds only characters of ``_PLAIN_CHARS``."""
    return text.isascii() or _PLAIN_CHARS.issuperset(text)


def _find_ascii(text: str, wanted: dict[str, str]) -> list[tuple[int, int, str]]:
    """Return (start, end, term) of each whole word of TEXT (see ``_plain``) in WANTED.

    A whole word: not preceded or followed by a letter or digit (what ``TOKEN_PATTERN``
    stops at).  ``str.find`` steps only over the places the word's letters occur.
    """
    found = []
    end_of_text = len(text)
    for word, term in wanted.items():
        size = len(word)
        at = text.find(word)
        while at >= 0:
            end = at + size
            if (at == 0 or not text[at - 1].isalnum()) and (
                end == end_of_text or not text[end].isalnum()
            ):
                found.append((at, end, term))
                at = text.find(word, end)
            else:
                at = text.find(word, at + 1)
    found.sort()
    return found


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

    is_morph = True  # it stems (Whoosh would keep unstemmed words for a spelling=True field)

    def __init__(self, stemmer: str = "porter"):
        _check_stemmer(stemmer)  # fail early on an unknown name
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
        for match in WORD.finditer(value):
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
