"""Finding the index terms a query looks for in a document's text, for snippets and marks.

The reference is the analyzer's own token-by-token scan (``analysis.pieces``): every
function here returns exactly what filtering that scan would (tests hold them equal on real
text in several languages and scripts), with as few Python steps per word as the text allows:

* the text's distinct words are listed by C loops (``bytes.translate`` + ``split`` on text of
  ASCII and common punctuation, a word pattern otherwise), and the words never seen before
  are normalised (memoised, ``_Memo``);
* the words that give a wanted term are picked by set operations with the inverse map
  (term -> the surface words seen for it), and only those are located in the text
  (``str.find`` on plain text, one pattern of exactly those whole words otherwise);
* text with CJK, Hangul or South-East Asian runs (bigrams), or holding a hyphenated
  compound whose joined form is wanted, is analysed token by token as the index did.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import regex

from .analysis import (
    _HYPHENATED,
    _HYPHENS,
    _PLAIN_WORD,
    _has_bigram_runs,
    _joins,
    normalizer,
    pieces,
    stemmer_for,
)

#: Distinct surface words remembered per stemmer key before starting over.
MEMO_LIMIT = 200_000
#: Texts whose words are remembered (``_Text``), and the most characters they may hold.
TEXT_LIMIT, TEXT_CHARS = 512, 2_000_000

#: ASCII, and the punctuation and symbols news text has beyond it: none is a word character
#: for the analyzer's pattern nor for ``str.isalnum``, so on text made only of these the
#: byte split below and ``str.find`` see exactly the words the analyzer sees.
_PLAIN_EXTRA = "\xa0£€¥§©®°±·–—‘’‚“”„…•′″«»\u2009\u200a\u202f"
_PLAIN_CHARS = frozenset(map(chr, range(128))) | frozenset(_PLAIN_EXTRA)
#: A character that is not plain (the stdlib pattern scans 20-80 times faster than
#: ``frozenset.issuperset`` or ``max`` over the characters).
_NOT_PLAIN = re.compile(rf"[^\x00-\x7f{_PLAIN_EXTRA}]")
#: A character where the bigram scripts are (all above U+0E00).
#: Bytes table: ASCII letters and digits kept, every other byte made a space.
_SEPARATE = bytes(c if c < 128 and chr(c).isalnum() else 32 for c in range(256))


def _plain(text: str) -> bool:
    """Return True when TEXT holds only characters of ``_PLAIN_CHARS``."""
    return text.isascii() or _NOT_PLAIN.search(text) is None


def _plain_words(text: str) -> list[str]:
    """Return the words of plain TEXT (``_plain``) in order, as the analyzer's pattern would.

    Each non-ASCII character becomes one "?" (a separator, as every such character of plain
    text is), then every byte that is no letter or digit a space: ``split`` does the rest.
    """
    return text.encode("ascii", "replace").translate(_SEPARATE).decode("ascii").split()


class _Memo:
    """The index term of each surface word seen, and the inverse map (term -> words).

    The analyzer's normaliser has its own cache, but it is filled by indexing and query
    parsing too, so it cannot say which words the inverse map holds; this one can.  Both
    maps are replaced together (never cleared in place) when full, so a search that read
    them keeps a consistent pair; a word's forms entry is written before its term entry, so
    a word found in ``term_of`` is always in ``forms``.
    """

    def __init__(self, stemmer: str, language: str | None):
        self.key = stemmer_for(stemmer, language)
        self._norm = normalizer(stemmer, language=language)
        # (term_of, forms, generation): replaced as one when full, with a generation number
        # unique in the process (two threads starting over at once get two numbers)
        self._maps: tuple[dict[str, str | None], dict[str, list[str]], int] = (
            {},
            {},
            next(_generations),
        )

    def maps(
        self, words: set[str], text: _Text | None = None
    ) -> tuple[dict[str, str | None], dict[str, list[str]]]:
        """Return (term_of, forms), both holding every word of WORDS (of TEXT, if given)."""
        term_of, forms, generation = self._maps
        if text is not None and text.known.get(self.key) == generation:
            return term_of, forms  # the text's words were added to these maps before
        new = words.difference(term_of)  # looks each word up (not "words - keys()")
        if new:
            if len(term_of) + len(new) > MEMO_LIMIT:
                generation = next(_generations)
                term_of, forms, _ = self._maps = ({}, {}, generation)
                new = words
            norm = self._norm
            for word in new:
                entry = norm(word)
                term = None if entry is None else entry[0]
                if term is not None:
                    forms.setdefault(term, []).append(word)
                term_of[word] = term
        if text is not None:
            text.known[self.key] = generation
        return term_of, forms


_generations = itertools.count()
_memos: dict[str, _Memo] = {}
_memos_lock = threading.Lock()


def _memo(stemmer: str, language: str | None) -> _Memo:
    key = stemmer_for(stemmer, language)  # languages without a stemmer share one memo
    memo = _memos.get(key)
    if memo is None:
        with _memos_lock:
            memo = _memos.setdefault(key, _Memo(stemmer, language))
    return memo


def _scan(text: str, terms: set[str], stemmer: str, language: str | None):
    """Return the reference: (start, end, term) of every token of TEXT whose term is wanted.

    Sorted: a compound's joined form comes after its parts in the analysis, but starts
    with the first (the marks are merged in order).
    """
    found = pieces(text, stemmer, language)
    return sorted((p.start, p.end, p.term) for p in found if p.term in terms)


def _compounds(text: str, plain: bool) -> list[str]:
    """Return the hyphenated compounds of TEXT (``_HYPHENATED``), from its hyphens if plain."""
    if not any(hyphen in text for hyphen in _HYPHENS):
        return []
    return _plain_compounds(text) if plain else _HYPHENATED.findall(text)


def _joined_wanted(compounds: list[str], terms: set[str], stemmer: str, language) -> bool:
    """Return True if the joined form the index holds for one of COMPOUNDS is in TERMS.

    Such a text is analysed token by token: the joined form is a token of its own.
    """
    if not compounds:
        return False
    norm = normalizer(stemmer, language=language)
    for compound in set(compounds):
        parts = _SPLIT_HYPHENS.split(compound)
        if _joins(parts) and (entry := norm("".join(parts))) is not None and entry[0] in terms:
            return True
    return False


_SPLIT_HYPHENS = regex.compile(rf"[{_HYPHENS}]")


def _plain_compounds(text: str) -> list[str]:
    """Return ``_HYPHENATED.findall(TEXT)`` for plain TEXT (``_plain``), from its hyphens.

    Plain text's only hyphen is "-", and its word characters are ASCII letters and digits:
    a step per hyphen, where the pattern (with its look-behind) takes one per character,
    about 25 times slower on news text.
    """
    found = []
    size = len(text)
    at = text.find("-")
    while at >= 0:
        start = at
        while start > 0 and text[start - 1].isalnum():
            start -= 1
        end = at
        while end + 1 < size and text[end] == "-" and text[end + 1].isalnum():
            end += 2
            while end < size and text[end].isalnum():
                end += 1
        if start < at < end:
            found.append(text[start:end])
            at = text.find("-", end)
        else:  # a hyphen no compound goes through: the next may start one
            at = text.find("-", at + 1)
    return found


@dataclass
class _Text:
    """What the term finder learnt of a text, kept for the next query that shows it.

    The hits of a results page are often hits of the next query too (the same story for
    "oil", "oil prices" and "opec"): their distinct words, hyphenated compounds and whether
    they are plain need not be listed again.  ``known`` names, per stemmer key, the memo
    maps that hold all the words, by their generation.
    """

    plain: bool
    bigrams: bool
    words: set[str]
    compounds: list[str]
    known: dict[str, int] = field(default_factory=dict)


_texts: OrderedDict[str, _Text] = OrderedDict()
_texts_chars = 0
_texts_lock = threading.Lock()


def _text(text: str) -> _Text:
    """Return what the term finder knows of TEXT, learnt now if TEXT is not kept."""
    global _texts_chars
    with _texts_lock:
        known = _texts.get(text)
        if known is not None:
            _texts.move_to_end(text)
            return known
    plain = _plain(text)
    known = _Text(
        plain,
        not plain and _has_bigram_runs(text),
        set(_plain_words(text) if plain else _PLAIN_WORD.findall(text)),
        _compounds(text, plain),
    )
    with _texts_lock:
        if text not in _texts:
            _texts[text] = known
            _texts_chars += len(text)
            while len(_texts) > TEXT_LIMIT or _texts_chars > TEXT_CHARS:
                dropped, _ = _texts.popitem(last=False)
                _texts_chars -= len(dropped)
    return known


def find_terms(
    text: str, terms: set[str], stemmer: str, language: str | None = None
) -> list[tuple[int, int, str]]:
    """Return the (start, end, term) of each token of TEXT whose term is one of TERMS, in order.

    The same as filtering ``analysis.pieces(text)`` (joined forms of compounds included).
    """
    if not terms or not text:
        return []
    info = _text(text)
    plain = info.plain
    if info.bigrams or _joined_wanted(info.compounds, terms, stemmer, language):
        return _scan(text, terms, stemmer, language)
    words = info.words
    _, forms = _memo(stemmer, language).maps(words, info)
    wanted = {word: term for term in terms for word in words.intersection(forms.get(term, ()))}
    if not wanted:
        return []
    if plain:
        return _find_plain(text, wanted)
    pattern = _words_pattern(tuple(sorted(wanted)))
    return [(m.start(), m.end(), wanted[m.group()]) for m in pattern.finditer(text)]


def _find_plain(text: str, wanted: dict[str, str]) -> list[tuple[int, int, str]]:
    """Return (start, end, term) of each whole word of plain TEXT that is a key of WANTED.

    A whole word: not preceded or followed by a letter or digit (on plain text, exactly
    where the analyzer's words stop).  ``str.find`` steps only over the word's occurrences.
    """
    found = []
    size = len(text)
    for word, term in wanted.items():
        length = len(word)
        at = text.find(word)
        while at >= 0:
            end = at + length
            if (at == 0 or not text[at - 1].isalnum()) and (end == size or not text[end].isalnum()):
                found.append((at, end, term))
                at = text.find(word, end)
            else:
                at = text.find(word, at + 1)
    found.sort()
    return found


@lru_cache(maxsize=512)
def _words_pattern(words: tuple[str, ...]) -> regex.Pattern:
    """Return a pattern matching any of WORDS where it is a whole word of the text."""
    alternatives = "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))
    # Not preceded or followed by a word character: exactly the tokens WORD would find.
    return regex.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])")


class Tokens(NamedTuple):
    """A text's positioned tokens (aligned lists: a token's index is its position) and marks."""

    terms: list[str]
    starts: list[int]
    ends: list[int]
    marks: list[tuple[int, int, str]]  # (start, end, term) of the wanted terms, in order


def token_list(text: str, terms: set[str], stemmer: str, language: str | None = None) -> Tokens:
    """Return TEXT's positioned tokens and the marks of TERMS, as ``analysis.pieces`` would.

    The tokens are every token but the joined forms of compounds, in order; the marks are
    (start, end, term) of every token, joined forms included, whose term is one of TERMS.
    Words, offsets and terms are listed by C loops (and numpy) where the text allows.
    """
    info = _text(text)
    if info.bigrams or _joined_wanted(info.compounds, terms, stemmer, language):
        found = pieces(text, stemmer, language)
        kept = [p for p in found if not p.joined]
        marks = sorted((p.start, p.end, p.term) for p in found if p.term in terms)
        return Tokens([p.term for p in kept], [p.start for p in kept], [p.end for p in kept], marks)
    term_of, _ = _memo(stemmer, language).maps(info.words, info)
    if info.plain:
        found = list(map(term_of.__getitem__, _plain_words(text)))
        starts, ends = _plain_spans(text)
    else:
        matches = list(_PLAIN_WORD.finditer(text))
        found = [term_of[m.group()] for m in matches]
        starts, ends = [m.start() for m in matches], [m.end() for m in matches]
    if None in found:  # a lone combining mark is a word of the pattern but no token
        kept = [i for i, term in enumerate(found) if term is not None]
        found = [found[i] for i in kept]
        starts, ends = [starts[i] for i in kept], [ends[i] for i in kept]
    marks = sorted((starts[i], ends[i], term) for term in terms for i in positions(found, term))
    return Tokens(found, starts, ends, marks)


def positions(terms: list[str], term: str) -> list[int]:
    """Return the indexes of TERM in TERMS, in order (``list.index`` steps in C)."""
    found = []
    at = -1
    try:
        while True:
            at = terms.index(term, at + 1)
            found.append(at)
    except ValueError:
        return found


#: 1 for the bytes of ASCII letters and digits (the word characters of plain text).
_WORD_BYTES = np.array([chr(c).isalnum() and c < 128 for c in range(256)], dtype=np.int8)


def _plain_spans(text: str) -> tuple[list[int], list[int]]:
    """Return the start and end offsets of the words of plain TEXT (``_plain_words``).

    Each character is one byte once non-ASCII ones are "?", so byte offsets are character
    offsets; a word starts where the word-byte mask rises and ends where it falls.
    """
    mask = _WORD_BYTES[np.frombuffer(text.encode("ascii", "replace"), dtype=np.uint8)]
    edges = np.flatnonzero(np.diff(mask, prepend=0, append=0))
    return edges[0::2].tolist(), edges[1::2].tolist()
