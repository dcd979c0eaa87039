"""Text analysis: the one analyzer used for indexing, query parsing and highlighting.

Text is split into pieces by one compiled ``regex`` pattern (which keeps character offsets):

* runs of letters and digits of alphabetic scripts are words: case-folded with
  ``str.casefold`` ("Straße" -> "strasse"), stripped of accents where a script writes them
  as marks on letters (Latin, Greek, Arabic, Hebrew: "Café" -> "cafe"; not Cyrillic, whose
  "й" is a letter of its own), and stemmed with the stemmer of the document's language
  (the index's English stemmer, NLTK's Snowball stemmer for the languages it has, none for
  the others);
* words joined by a hyphen, slash or dot without a space ("Covid-19", "24/7", "U.S.") are a
  compound: its parts are indexed at consecutive positions, and a hyphenated compound with
  a one-letter or numeric part also as its joined form at the position of its first part
  ("e-mail" -> ``e`` ``mail`` and ``email``), as Lucene's WordDelimiter filter does with
  ``catenateWords``.  A query word "e-mail" is the phrase ``e mail`` or the term ``email``;
  "email" finds "e-mail", "covid19" finds "COVID-19";
* runs of Chinese characters and kana, of Hangul, and of Thai, Lao, Khmer or Myanmar
  (scripts written without spaces between words) are indexed as overlapping bigrams, as
  Lucene's CJKAnalyzer does ("財政部长" -> ``財政`` ``政部`` ``部长``; a lone character is a
  unigram).  A query word is the phrase of its bigrams.

Every word is indexed at its position, stopwords included, so a phrase matches its
stopwords ("Triangle of Death" is not "Triangle and Death"; "to be or not to be" is
findable).  Ranked word queries drop the English stopwords at query time (``query.py``).

The language of a document reaches the analyzer inside the indexed value: the indexer puts
``tag(language)`` in front of the text (``_stored_<field>`` keeps the text as it was), so
Whoosh's one call per value, in whichever process ``--jobs N`` runs it, stems with the
right stemmer.  ``NewsAnalyzer`` is pickled into the index schema, so an index keeps the
English stemmer it was built with; it is defined at module level and holds only names.
"""

from __future__ import annotations

import gzip
import importlib
import importlib.util
import re
import sys
import threading
import types
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache
from importlib import resources
from itertools import islice, repeat
from typing import NamedTuple

import regex
from whoosh.analysis import Token, Tokenizer

#: Scripts written without spaces between words: indexed as overlapping bigrams.  Chinese
#: characters and kana form one run (Japanese mixes them); Hangul and the South-East Asian
#: scripts form their own.  U+30FC (the prolonged sound mark) and U+3005-3007 are kana/Han
#: in use though their Unicode script is "Common".
_CJK = r"\p{Han}\p{Hiragana}\p{Katakana}\u30fc\u3005-\u3007"
_SEA = r"\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}"
_BIGRAM_CHARS = _CJK + r"\p{Hangul}" + _SEA
#: One piece of text: a run of CJK, of Hangul, of a South-East Asian script, or a word of
#: letters and digits of any other script.  Punctuation, apostrophes and underscores
#: separate words.  Compiled with ``regex``, not the stdlib
#: ``re``: the two disagree on combining marks, and ``re`` would split a decomposed
#: "Cafe\u0301" into "Cafe".  No pattern here can backtrack.
_PIECE = regex.compile(
    rf"(?P<cjk>[{_CJK}]+)|(?P<hangul>\p{{Hangul}}+)|(?P<sea>[{_SEA}]+)|[^\W_{_BIGRAM_CHARS}]+"
)
#: The same pieces without naming the kind (for ``findall``).  Negated classes rather than
#: the V1 set operations ("--", "&&"), which made the pattern four times slower.
WORD = regex.compile(rf"[{_CJK}]+|\p{{Hangul}}+|[{_SEA}]+|[^\W_{_BIGRAM_CHARS}]+")
_BIGRAM_SCRIPT = regex.compile(rf"[{_BIGRAM_CHARS}]")
_HIGH = re.compile("[\u0e00-\U0010ffff]")  # every bigram script lies above U+0E00


def _has_bigram_runs(text: str) -> bool:
    """Return True if TEXT holds characters of a script indexed as bigrams."""
    # The stdlib pattern rules out most text at once; the full class only then.
    return _HIGH.search(text) is not None and _BIGRAM_SCRIPT.search(text) is not None


#: Characters that join two words into a compound when nothing else stands between them.
_HYPHENS = "-\u2010\u2011"
_CONNECTORS = _HYPHENS + "/."
#: Hyphenated compounds, in text without bigram runs (the highlighter's quick test).
#: Starting only at a word's start, with possessive runs: a 500,000-letter word is one step,
#: not a retry from each of its letters.
_HYPHENATED = regex.compile(rf"(?<![^\W_])[^\W_]++(?:[{_HYPHENS}][^\W_]++)+")
#: Runs of letters and digits, in text without bigram runs.
_PLAIN_WORD = regex.compile(r"[^\W_]+")
#: Letters whose accents are marks on a base letter that readers drop when typing.
_ACCENTED_SCRIPTS = regex.compile(r"[\p{Latin}\p{Greek}\p{Arabic}\p{Hebrew}]")

STEMMERS = ("porter", "snowball", "lancaster", "none")
#: NLTK's Snowball stemmers by ISO 639-1 code (English uses the index's own stemmer).
SNOWBALL = {
    "ar": "arabic",
    "da": "danish",
    "de": "german",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "hu": "hungarian",
    "it": "italian",
    "nb": "norwegian",
    "nl": "dutch",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sv": "swedish",
}
DEFAULT_LANGUAGE = "en"
_CACHE_LIMIT = 500_000  # distinct surface forms remembered per stemmer before starting over
#: Marks the language of an indexed value: TAG_OPEN + code + TAG_CLOSE (private-use code
#: points, which no text of ours contains), stripped by the analyzer before tokenizing.
TAG_OPEN, TAG_CLOSE = "\ue000", "\ue001"


def tag(text: str, language: str) -> str:
    """Return TEXT marked for analysis in LANGUAGE (an ISO 639-1 code)."""
    return f"{TAG_OPEN}{language}{TAG_CLOSE}{text}"


def untag(value: str) -> tuple[str, str, int]:
    """Return (language, text, length of the tag) of a value made by ``tag`` (or plain)."""
    if value.startswith(TAG_OPEN):
        end = value.find(TAG_CLOSE)
        if end > 0:
            return value[1:end] or DEFAULT_LANGUAGE, value[end + 1 :], end + 1
    return DEFAULT_LANGUAGE, value, 0


def _load_stopwords() -> frozenset[str]:
    text = resources.files("searchidx").joinpath("data/stopwords.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


STOPWORDS = _load_stopwords()


def _check_stemmer(name: str) -> None:
    if name not in STEMMERS:
        raise ValueError(f"unknown stemmer {name!r} (choose from {', '.join(STEMMERS)})")


def stemmer_for(stemmer: str, language: str | None) -> str:
    """Return the stemmer key for LANGUAGE in an index whose English stemmer is STEMMER.

    The key is STEMMER for English (and an unknown language), ``snowball:<name>`` where NLTK
    has a Snowball stemmer for the language, and ``none`` otherwise or when STEMMER is none.
    """
    if stemmer == "none" or not language or language == DEFAULT_LANGUAGE:
        return stemmer
    name = SNOWBALL.get(language)
    return f"snowball:{name}" if name else "none"


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


#: Stemmer modules that need only NLTK's light helpers (``nltk.redos``, ``nltk.stem.api``,
#: ``nltk.termsec``), loaded without the rest of NLTK: ``_light_nltk_module``.
_LIGHT_STEMMERS = {"porter": "PorterStemmer", "lancaster": "LancasterStemmer"}
_nltk_lock = threading.Lock()  # one thread loads NLTK (or a part of it) at a time


def _light_nltk_module(name: str) -> types.ModuleType | None:
    """Return ``nltk.stem.<NAME>`` loaded without running NLTK's ``__init__``, or None.

    NLTK's ``__init__`` (and ``nltk.stem``'s) import nearly all of NLTK: about 0.2 s of every
    indexing run's and query's start-up, before a single word is stemmed.  The Porter and
    Lancaster modules need only three small modules of it.  While such a module loads,
    ``nltk`` and ``nltk.stem`` are bare packages in ``sys.modules`` (their directories, no
    ``__init__``); they are taken out again at once, so a later ``import nltk`` (Snowball,
    for another language) runs NLTK's own ``__init__``, which then finds the modules loaded
    here and uses them: one ``PorterStemmer`` class (a test holds it so).  If the light load
    fails (another NLTK's layout), everything it loaded is taken out and None returned: the
    caller imports NLTK whole.  Done only while no part of NLTK is loaded.
    """
    if any(module == "nltk" or module.startswith("nltk.") for module in sys.modules):
        return None
    spec = importlib.util.find_spec("nltk")
    if spec is None or not spec.submodule_search_locations:
        return None
    bare = {}
    for package, folders in (
        ("nltk", list(spec.submodule_search_locations)),
        ("nltk.stem", [f"{folder}/stem" for folder in spec.submodule_search_locations]),
    ):
        module = bare[package] = types.ModuleType(package)
        module.__path__, module.__package__ = folders, package
    sys.modules.update(bare)
    try:
        return importlib.import_module(f"nltk.stem.{name}")
    except Exception:  # noqa: BLE001 - any failure: load NLTK the ordinary way
        for module in [m for m in sys.modules if m == "nltk" or m.startswith("nltk.")]:
            del sys.modules[module]
        bare.clear()
        return None
    finally:
        for package, module in bare.items():
            if sys.modules.get(package) is module:
                del sys.modules[package]


@cache
def _stem_function(key: str) -> Callable[[str], str]:
    """Return the stem function for a stemmer key (a STEMMERS name or ``snowball:<lang>``)."""
    if key.startswith("snowball:"):
        with _nltk_lock:
            stem = _import_nltk_stem()
        return stem.SnowballStemmer(key.split(":", 1)[1]).stem
    _check_stemmer(key)
    if key == "none":
        return str
    with _nltk_lock:
        light = _light_nltk_module(key) if key in _LIGHT_STEMMERS else None
        stem = light if light is not None else _import_nltk_stem()
    if key == "snowball":
        return stem.SnowballStemmer("english").stem
    return getattr(stem, _LIGHT_STEMMERS[key])().stem


#: NLTK's Porter stems of 100,000 common English words (benchmarks/make_stem_table.py).
_KNOWN_STEMS = "porter_stems.txt.gz"
_KNOWN_CHECKED = 200  # entries checked against the stemmer when the table loads


def _with_known_stems(stem: Callable[[str], str]) -> Callable[[str], str]:
    """Return STEM, looking common words up in the shipped table of its stems first.

    A new word costs the stemmer about 20 microseconds (pure Python), and every indexing
    process starts with none seen.  The table is checked against STEM at load (a sample
    spread over it); if any stem differs (another NLTK's rules), STEM alone is used.
    """
    try:
        with resources.files("searchidx").joinpath(f"data/{_KNOWN_STEMS}").open("rb") as raw:
            lines = gzip.decompress(raw.read()).decode("utf-8").splitlines()
    except OSError:
        return stem
    # A line is a word and its stem, or the word alone when it is its own stem.  Made with
    # loops in C: 100,000 lines a Python step each took twice as long.
    plain = [line for line in lines if "\t" not in line]
    known = dict(zip(plain, plain))
    pairs = "\t".join([line for line in lines if "\t" in line]).split("\t")
    known.update(zip(pairs[0::2], pairs[1::2]))
    sample = islice(known.items(), 0, None, max(1, len(known) // _KNOWN_CHECKED))
    if any(stem(word) != term for word, term in sample):
        return stem
    get = known.get

    def known_or_stem(word: str) -> str:
        term = get(word)
        return stem(word) if term is None else term

    return known_or_stem


def fold(word: str) -> str:
    """Return WORD case-folded, accents removed ("Café" -> "cafe", "Straße" -> "strasse")."""
    word = word.casefold()
    if word.isascii():
        return word
    if not _ACCENTED_SCRIPTS.search(word):
        # Cyrillic "й" or a Devanagari vowel sign is part of the letter, not an accent;
        # "ё" is written "е" as often as not.
        return unicodedata.normalize("NFKC", word).replace("ё", "е")
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Memo(dict):
    """A normaliser's cache: looking up a word not in it normalises the word (and keeps it).

    A lookup of a word seen before stays in C, also inside ``map``, so a text's words are
    looked up in one pass whether or not some are new.  At LIMIT words it starts over.
    """

    __slots__ = ("_fill", "_limit")

    def __init__(self, fill: Callable[[str], object], limit: int = _CACHE_LIMIT):
        super().__init__()
        self._fill = fill
        self._limit = limit

    def __missing__(self, surface: str):
        entry = self._fill(surface)
        if len(self) >= self._limit:
            self.clear()
        self[surface] = entry
        return entry


class _Normalizer:
    """Memoised map from a surface word to its index term and whether it is a stopword."""

    def __init__(self, key: str):
        self._key = key
        self._stem = None  # the stemmer (and NLTK) is loaded at the first unseen word
        self.knows_stems = False  # the table of known stems is in front (load_stemmer)
        self.cache: dict[str, tuple[str, bool] | None] = Memo(self._normalise)

    def __call__(self, surface: str) -> tuple[str, bool] | None:
        return self.cache[surface]

    def _normalise(self, surface: str) -> tuple[str, bool] | None:
        word = fold(surface)
        if not word or all(unicodedata.combining(c) for c in word):  # a lone mark
            entry = None
        elif word.isdigit() and word.isascii():
            # A number is its own term: every stemmer's rules take letters off.  Reuters
            # alone has thousands of different ones, 20 microseconds of Porter's time each.
            entry = (word, word in STOPWORDS)
        else:
            if self._stem is None:
                self._stem = _stem_function(self._key)
            if self._key.startswith("snowball:") and not surface.isascii():
                # Snowball's rules for French, Spanish, German ... name accented endings
                # ("annoncée" and "annoncé" share a stem only if the accents are still
                # there): stem the case-folded word, then fold the stem.
                natural = unicodedata.normalize("NFC", surface.casefold())
                term = fold(self._stem(natural)) or word
            else:
                term = self._stem(word) or word
            entry = (term, word in STOPWORDS)
        return entry


@cache
def _normalizer_for_key(key: str) -> _Normalizer:
    if not key.startswith("snowball:"):
        _check_stemmer(key)
    return _Normalizer(key)


def normalizer(stemmer: str, stem: bool = True, language: str | None = None) -> _Normalizer:
    """Return the shared memoised normaliser for STEMMER and LANGUAGE (none if not STEM)."""
    _check_stemmer(stemmer)
    return _normalizer_for_key(stemmer_for(stemmer, language) if stem else "none")


def load_stemmer(stemmer: str) -> None:
    """Load STEMMER's stem function for indexing English text, with the known stems.

    Indexing meets thousands of new words, so the table of known Porter stems is loaded
    here (about 30 ms) and not for a query, which stems a few.  Worker processes forked
    afterwards inherit it (NLTK's import and the table) instead of each loading its own.
    """
    norm = normalizer(stemmer, language=DEFAULT_LANGUAGE)
    if norm._stem is None:
        norm._stem = _stem_function(norm._key)
    if norm._key == "porter" and not norm.knows_stems:
        norm._stem = _with_known_stems(norm._stem)
        norm.knows_stems = True


@cache
def stop_terms(stemmer: str) -> frozenset[str]:
    """Return the index terms of the English stopwords under STEMMER."""
    norm = normalizer(stemmer)
    return frozenset(entry[0] for word in STOPWORDS if (entry := norm(word)) is not None)


class Piece(NamedTuple):
    """One indexed token: its term, character span, position and kind."""

    term: str
    start: int
    end: int
    pos: int
    stop: bool = False  # an English stopword (dropped from ranked queries)
    joined: bool = False  # the joined form of a hyphenated compound, at its first part


_GRAPHEME = regex.compile(r"\X")


def _bigrams(text: str, start: int) -> list[tuple[str, int, int]]:
    """Return the overlapping bigrams of a run, as (text, start, end), by grapheme.

    Graphemes, not code points: a Thai vowel or tone mark stays on its consonant.  NFKC
    makes half-width katakana full-width.
    """
    units = [(m.group(), start + m.start(), start + m.end()) for m in _GRAPHEME.finditer(text)]
    units = [(unicodedata.normalize("NFKC", u).casefold(), s, e) for u, s, e in units]
    if len(units) == 1:
        return units
    return [(a + b, s, e) for (a, s, _), (b, _, e) in zip(units, units[1:])]


def _joins(parts: list[str]) -> bool:
    """Return True if the index holds the joined form of a hyphenated compound of PARTS.

    Where a part is a single letter or a number ("e-mail", "e-tron", "Covid-19", "F-16"),
    the joined spelling is a usual one ("email", "covid19") and the parts alone say little.
    Compounds of whole words ("on-line", "second-class") are not joined in the index: their
    joined form would take documents from the one-word spelling's ranking (on CISI, indexing
    "online" for "on-line" cost 0.006 nDCG@10); a query "on-line" still looks for "online".
    """
    return any(len(part) == 1 or part.isdigit() for part in parts)


def groups(text: str, norm: _Normalizer, query: bool = False) -> Iterator[list[Piece]]:
    """Yield the pieces of TEXT in groups: a word, a compound, or a bigram run.

    Positions start at 0 and count every word; a group's joined form (if any) comes last.
    For a QUERY every hyphenated compound has its joined form; in the index, see ``_joins``.
    """
    pos = 0
    compound: list[tuple[str, int, int]] = []  # (surface, start, end) of the open compound
    hyphens_only = True

    def close() -> list[Piece]:
        nonlocal pos
        out = []
        for surface, start, end in compound:
            entry = norm(surface)
            if entry is not None:
                out.append(Piece(entry[0], start, end, pos, entry[1]))
                pos += 1
        if len(out) > 1 and hyphens_only and (query or _joins([s for s, _, _ in compound])):
            joined = norm("".join(surface for surface, _, _ in compound))
            if joined is not None:
                out.append(Piece(joined[0], out[0].start, out[-1].end, out[0].pos, False, True))
        return out

    for match in _PIECE.finditer(text):
        start, end = match.span()
        if match.lastgroup is not None:  # a CJK, Hangul or South-East Asian run
            if compound:
                if found := close():
                    yield found
                compound = []
            run = [
                Piece(gram, s, e, pos + i)
                for i, (gram, s, e) in enumerate(_bigrams(match.group(), start))
            ]
            pos += len(run)
            yield run
            continue
        if compound:
            gap = start - compound[-1][2]
            joiner = text[start - 1] if gap == 1 else ""
            if joiner and joiner in _CONNECTORS:
                hyphens_only = hyphens_only and joiner in _HYPHENS
                compound.append((match.group(), start, end))
                continue
            if found := close():
                yield found
        compound = [(match.group(), start, end)]
        hyphens_only = True
    if compound and (found := close()):
        yield found


def _close(compound, hyphens_only: bool, pos: int, norm: _Normalizer) -> tuple[list, int]:
    """Return the tokens of a compound of (surface, start, end) words, and the next position."""
    out = []
    for surface, start, end in compound:
        entry = norm(surface)
        if entry is not None:
            out.append((entry[0], start, end, pos, entry[1], False))
            pos += 1
    if len(out) > 1 and hyphens_only and _joins([s for s, _, _ in compound]):
        joined = norm("".join(surface for surface, _, _ in compound))
        if joined is not None:
            out.append((joined[0], out[0][1], out[-1][2], out[0][3], False, True))
    return out, pos


def tokens(text: str, norm: _Normalizer) -> Iterator[tuple[str, int, int, int, bool, bool]]:
    """Yield (term, start, end, pos, stop, joined) for every token the index holds for TEXT.

    The same tokens as ``groups`` (a test holds them equal), made for speed: a word not
    touching a connector, nearly every word, is normalised and yielded on the spot.
    """
    get = norm.cache.get
    size = len(text)
    pos = 0
    compound = None  # (surface, start, end) words of an open compound
    hyphens_only = True
    last_end = -2
    for match in _PIECE.finditer(text):
        start, end = match.span()
        if compound is not None:
            joiner = text[start - 1] if start == last_end + 1 else ""
            if joiner and joiner in _CONNECTORS and match.lastgroup is None:
                compound.append((match.group(), start, end))
                hyphens_only = hyphens_only and joiner in _HYPHENS
                last_end = end
                if end < size and text[end] in _CONNECTORS:
                    continue
            found, pos = _close(compound, hyphens_only, pos, norm)
            yield from found
            if compound[-1][1] == start:
                compound = None
                continue
            compound = None
        if match.lastgroup is not None:  # a CJK, Hangul or South-East Asian run
            for gram, s, e in _bigrams(match.group(), start):
                yield gram, s, e, pos, False, False
                pos += 1
            continue
        surface = match.group()
        if end < size and text[end] in _CONNECTORS:
            compound, hyphens_only, last_end = [(surface, start, end)], True, end
            continue
        entry = get(surface) or norm(surface)
        if entry is not None:
            yield entry[0], start, end, pos, entry[1], False
            pos += 1
    if compound is not None:
        yield from _close(compound, hyphens_only, pos, norm)[0]


#: A hyphen between two word characters: where ``tokens`` may make a joined form (in text
#: without bigram runs).  Its compound is the chain of words joined by connectors around
#: it: the chain's start is found backwards from the hyphen, its end forwards.
_HYPHEN = regex.compile(rf"[{_HYPHENS}](?=[^\W_])")  # and a word character before it
_WORD_CHARACTER = regex.compile(r"[^\W_]")
_CHAIN = regex.compile(rf"[^\W_]++(?:[{regex.escape(_CONNECTORS)}][^\W_]++)+")
_CHAIN_BEFORE = regex.compile(
    rf"(?:[^\W_]++[{regex.escape(_CONNECTORS)}])*+[^\W_]++", flags=regex.REVERSE
)
#: The hyphen for ASCII text, where the stdlib's engine finds the same matches about twice
#: as fast (letters and digits are [A-Za-z0-9] there for both).
_ASCII_HYPHEN = re.compile(r"-(?=[A-Za-z0-9])")  # and [A-Za-z0-9] before it
_ASCII_WORD_CHARACTER = re.compile(r"[A-Za-z0-9]")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")


def index_columns(text: str, norm: _Normalizer) -> tuple[list, list, list, list]:
    """Return the (terms, positions, stops, joined) columns of ``tokens(text, norm)``.

    What the indexer needs of the tokens (no character offsets), made without a Python
    step per word where the text allows (a test holds them equal to ``tokens``): the
    hyphenated compounds (a few a text) are analysed by ``tokens``; the words between them
    are listed by a word pattern and looked up in the normaliser's cache, both in C.  Text
    with bigram runs is analysed by ``tokens`` whole.
    """
    terms: list = []
    positions: list = []
    stops: list = []
    joined: list = []
    if _has_bigram_runs(text):
        for term, _start, _end, pos, stop, join in tokens(text, norm):
            terms.append(term)
            positions.append(pos)
            stops.append(stop)
            joined.append(join)
        return terms, positions, stops, joined
    lookup = norm.cache.__getitem__  # a new word is normalised on the way (Memo)
    ascii = text.isascii()
    find_words = (_ASCII_WORD if ascii else _PLAIN_WORD).findall
    pos = 0
    # A chain joined by a dot or slash anywhere ("12.3", "N.Y.", "12.3-mln") gives its
    # parts alone (``_close``: no joined form), as the words path gives them: only chains
    # of hyphens alone go to the tokenizer, and only a hyphen starts the search for one.
    done = 0  # text before this offset is analysed
    spans = []
    # A hyphen's pattern starts with the hyphen, which the engines find fast; a pattern
    # that looked behind it first was tried at every character (a sixth of the function).
    hyphens = _ASCII_HYPHEN if ascii else _HYPHEN
    word_character = _ASCII_WORD_CHARACTER if ascii else _WORD_CHARACTER
    for match in hyphens.finditer(text):
        at = match.start()
        if at < done or not at or not word_character.match(text, at - 1):
            continue  # inside the chain just found, or no word before the hyphen
        start = _CHAIN_BEFORE.search(text, done, at).start()
        chain = _CHAIN.match(text, start)
        done = chain.end()
        if "." not in (found := chain.group()) and "/" not in found:
            spans.append((start, done))
    spans.append((len(text), len(text)))
    done = 0
    for start, end in spans:
        words = find_words(text, done, start)
        if words:
            entries = list(map(lookup, words))
            if None in entries:
                entries = [e for e in entries if e is not None]
            if entries:
                found, stop_flags = zip(*entries)
                n = len(found)
                terms.extend(found)
                stops.extend(stop_flags)
                positions.extend(range(pos, pos + n))
                joined.extend(repeat(False, n))
                pos += n
        if end > start:  # a compound, analysed by the tokenizer itself
            top = -1
            for term, _start, _end, at, stop, join in tokens(text[start:end], norm):
                terms.append(term)
                positions.append(pos + at)
                stops.append(stop)
                joined.append(join)
                if at > top:
                    top = at
            pos += top + 1
        done = end
    return terms, positions, stops, joined


def pieces(text: str, stemmer: str = "porter", language: str | None = None) -> list[Piece]:
    """Return every token the index holds for TEXT in LANGUAGE, in order."""
    norm = normalizer(stemmer, language=language)
    return [Piece(*token) for token in tokens(text, norm)]


def spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield the (start, end) character offsets of each word in TEXT."""
    return (m.span() for m in WORD.finditer(text))


def terms_with_offsets(
    text: str, stemmer: str = "porter", language: str | None = None
) -> Iterator[tuple[str, int, int]]:
    """Yield (term, start, end) for each positioned word of TEXT (no joined forms), in order."""
    for piece in pieces(text, stemmer, language):
        if not piece.joined:
            yield piece.term, piece.start, piece.end


def stem_prefix(prefix: str, stemmer: str = "porter", language: str | None = None) -> str:
    """Return the start of PREFIX that its stem shares ("football" -> "footbal").

    The index holds stems, so a prefix query must look for the stemmed form: "football*"
    has to find "footbal", which is what "football" and "footballer" were indexed as.
    """
    head = fold(prefix)
    stem = _stem_function(stemmer_for(stemmer, language))(head)
    shared = 0
    while shared < min(len(head), len(stem)) and head[shared] == stem[shared]:
        shared += 1
    return head[: max(shared, 1)]


class QueryGroup(NamedTuple):
    """One unit of a query word: a word, a compound or a bigram run, analysed."""

    parts: tuple[str, ...]  # terms at consecutive positions (one for a plain word)
    joined: str | None  # the joined form of a hyphenated compound
    stop: bool  # a lone stopword


def query_groups(text: str, stemmer: str, language: str | None = None) -> list[QueryGroup]:
    """Return the units of the query word TEXT as the index holds them in LANGUAGE."""
    found = []
    for group in groups(text, normalizer(stemmer, language=language), query=True):
        parts = tuple(p.term for p in group if not p.joined)
        joined = next((p.term for p in group if p.joined), None)
        found.append(QueryGroup(parts, joined, len(group) == 1 and group[0].stop))
    return found


class NewsAnalyzer(Tokenizer):
    """Whoosh analyzer: words, compounds and CJK bigrams; folding; per-language stemming.

    Stopwords are indexed (``indexes_stopwords``); an index made before that was the case
    unpickles an analyzer without the attribute, and reads False from the class.
    """

    is_morph = True  # it stems (Whoosh would keep unstemmed words for a spelling=True field)
    indexes_stopwords = False  # set on every analyzer made now; absent from older indexes

    def __init__(self, stemmer: str = "porter", stopwords: bool = True):
        _check_stemmer(stemmer)  # fail early on an unknown name
        self.stemmer = stemmer
        self.indexes_stopwords = stopwords  # False: stopwords are left out (the words lexicon)

    def __eq__(self, other):
        return (
            isinstance(other, NewsAnalyzer)
            and other.stemmer == self.stemmer
            and other.indexes_stopwords == self.indexes_stopwords
        )

    def __hash__(self):
        return hash(("NewsAnalyzer", self.stemmer, self.indexes_stopwords))

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
        language, value, _ = untag(value)  # offsets count in the text, not in its tag
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
        norm = normalizer(self.stemmer, stem=not no_morph, language=language)
        # An older index dropped stopwords and renumbered positions; query text for it must too.
        drop_stops = removestops and not self.indexes_stopwords
        joined_forms = mode != "query"  # a query phrase is matched by its parts
        token.boost = 1.0
        renumber = 0
        indexes_stopwords = self.indexes_stopwords
        for term, start, end, pos, stop, joined in tokens(value, norm):
            if joined and not joined_forms:
                continue
            if stop and not indexes_stopwords:
                if drop_stops:
                    renumber += 1
                    continue
            # Whoosh's formats skip stopped tokens: only an older index's are stopped.
            token.stopped = stop and not indexes_stopwords
            # Stopwords and joined forms do not lengthen the field for BM25
            # (schema.CountedPositions), as Lucene discounts overlapping tokens.
            token.counted = not (stop or joined)
            token.text = term
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + pos - renumber
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token
