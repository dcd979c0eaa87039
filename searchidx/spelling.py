"""Did you mean: corrections for query words the index does not know, from its own terms.

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

from whoosh.support.levenshtein import distance

from .analysis import find_terms, fold

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
