"""Did you mean: corrections for query words, from the index's own real words.

An index with the words field (``lexicon.py``) is corrected from its surface words with a
noisy-channel score: each word within two edits of what was typed, the typed word itself
included (zero edits), scores log(documents holding it) - EDIT_COST x edits, and the best
one wins, so a word one edit further must be about 150 times as common to be preferred
("elction" -> "election", not the rarer "elton" or "eviction"; a rare word that is in the
index is only replaced by a far more common neighbour).  ``correct_word`` does this.

An index built before the words field existed is corrected from its stems (below).
The index holds stems, not words, so a misspelt word is corrected in two steps.  Its stem is
compared with the stems of the body field (within two edits, same first letter, through
Whoosh's Levenshtein automaton over the term list), and the closest few stems are kept, the
ones found in the most documents first among equally close ones.  Each is then turned back
into a word from one document holding it: of the forms of the stem in that body, the one
closest to what was typed ("trops" -> stem "trop" -> stem "troop" -> "troops").  The word
closest to what was typed wins (then the closer stem, then the more documents).

This needs no separate spelling word list in the index, which would cost a second analysis
pass and an extra posting per word of every body (Whoosh's ``spelling=True``).
"""

from __future__ import annotations

import math

from whoosh import query as wq
from whoosh.support.levenshtein import distance

from .analysis import fold
from .counting import count
from .errors import QueryError
from .highlight import find_terms
from .language import index_languages
from .lexicon import Lexicon, LexiconCache, has_words, surface
from .query import parse_query, word_spans

EDIT_COST = math.log(150)  # an edit must be paid for by this factor in documents

FIELD = "body"
MAX_DISTANCE = 2
PREFIX = 1  # letters a correction shares with the word: most misspellings keep the first
CANDIDATES = 8  # closest stems turned back into words


def closest_stems(reader, stem: str, limit: int = CANDIDATES) -> list[tuple[int, int, str]]:
    """Return (edits, -documents, stem) of the LIMIT body stems nearest to STEM, best first."""
    if len(stem) <= PREFIX:
        return []  # Whoosh's automaton needs the shared prefix and a letter more
    found = [
        (distance(candidate, stem), -reader.doc_frequency(FIELD, candidate), candidate)
        for candidate in reader.terms_within(FIELD, stem, MAX_DISTANCE, prefix=PREFIX)
        if candidate != stem
    ]
    return sorted(found)[:limit]


def surface_form(searcher, stem: str, typed: str, stemmer: str) -> str | None:
    """Return the form of STEM closest to TYPED as written in a document that holds it."""
    postings = searcher.reader().postings(FIELD, stem)
    if not postings.is_active():
        return None
    text = searcher.stored_fields(postings.id()).get(FIELD, "")
    best = None
    for start, end, _ in find_terms(text, {stem}, stemmer):
        word = fold(text[start:end])
        key = (distance(word, typed), start)
        if best is None or key < best[0]:
            best = (key, word)
    return best[1] if best else None


def correct(searcher, word: str, stem: str, stemmer: str) -> str | None:
    """Return the index's spelling of WORD (whose stem is STEM), or None if none is close."""
    typed = fold(word)
    best = None
    for edits, documents, candidate in closest_stems(searcher.reader(), stem):
        form = surface_form(searcher, candidate, typed, stemmer)
        if form is not None:
            key = (distance(form, typed), edits, documents, form)
            if best is None or key < best:
                best = key
    return best[3] if best else None


def correct_word(lexicon: Lexicon, typed: str) -> str | None:
    """Return the likeliest intended word for the folded word TYPED, or None to keep it."""
    if len(typed) < 3 or any(c.isdigit() for c in typed):
        return None  # too short to correct with confidence; numbers are not misspelt
    own = lexicon.count(typed)
    best_score = math.log(own) if own else -math.inf
    best = None
    # One edit for short words: two edits of a four-letter word are half of it.
    for word, edits, documents in lexicon.near(typed, 1 if len(typed) < 5 else 2):
        score = math.log(documents) - EDIT_COST * edits
        if score > best_score or (score == best_score and best is not None and word < best):
            best_score, best = score, word
    return best


def _stem_correction(searcher, word: str) -> str | None:
    """Return a correction of WORD from the stems, for an index without the words field."""
    reader = searcher.reader()
    analyzer = searcher.schema["body"].analyzer
    terms = [t.text for t in analyzer(word)]
    if not terms or any(
        reader.doc_frequency(field, t) for field in ("title", "body") for t in terms
    ):
        return None
    if any(c.isdigit() for c in word) or len(terms) != 1:
        return None
    return correct(searcher, word, terms[0], analyzer.stemmer)


def suggest(
    searcher,
    query: str,
    found: int,
    lexicons: LexiconCache,
    title_boost: float,
    narrow: wq.Query | None = None,
    max_length: int = 1_000,
) -> str | None:
    """Return QUERY with likelier words in place of its misspelt ones, or None.

    None as well when the corrected query would find no more than the FOUND documents the
    query found (within the filter NARROW), so a suggestion is always worth following.
    """
    reader = searcher.reader()
    lexicon = lexicons.lexicon(reader) if has_words(reader) else None
    pieces = []
    last = 0
    for start, end in word_spans(query):
        word = query[start:end]
        if lexicon is not None:
            typed = surface(word)
            replacement = correct_word(lexicon, typed) if typed else None
        else:
            replacement = _stem_correction(searcher, word)
        if replacement and replacement != fold(word):
            pieces.append(query[last:start])
            pieces.append(replacement)
            last = end
    if not pieces:
        return None
    pieces.append(query[last:])
    suggestion = "".join(pieces)
    try:
        q = parse_query(
            suggestion, searcher.schema, title_boost, max_length, index_languages(searcher.reader())
        )
    except QueryError:
        return None
    more = count(searcher, q if narrow is None else wq.And([q, narrow]))
    return suggestion if more > found else None
