"""Snippets: the best fragments of a document's text around the words a query matched.

A query is reduced to what it looks for in the text: single index terms (from words, and
from prefixes expanded against the index) and phrases (sequences of terms with a slop).
The text is analysed with the same analyzer as the index, so every form of a word is found
("troops" also marks "troop"); a phrase marks only the places where the whole phrase occurs.

The text is not analysed token by token in Python where it can be helped: ``highlight``
locates only the words that map to a wanted term, and lists a phrase's tokens by C loops.
The marks are the same as a full scan's.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from whoosh import query as wq

from .highlight import find_terms, positions, token_list
from .schema import TEXT_FIELDS

MAX_SCAN = 200_000  # characters of a document examined for matches
_SPACE = re.compile(r"\s+")


@dataclass
class MatchSpec:
    """What to mark: single terms and (terms, slop) phrases."""

    terms: set[str] = field(default_factory=set)
    phrases: list[tuple[tuple[str, ...], int]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.terms or self.phrases)


def match_spec(q: wq.Query, reader) -> MatchSpec:
    """Return what query Q looks for in the text fields, prefixes expanded with READER."""
    spec = MatchSpec()
    _collect(q, reader, spec)
    return spec


def _collect(q: wq.Query, reader, spec: MatchSpec) -> None:
    if isinstance(q, wq.Not):
        return
    if isinstance(q, wq.AndNot):
        _collect(q.a, reader, spec)
        return
    if isinstance(q, wq.Phrase):
        if q.fieldname in TEXT_FIELDS:
            phrase = (tuple(q.words), max(1, q.slop))
            if phrase not in spec.phrases:
                spec.phrases.append(phrase)
        return
    if isinstance(q, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)):
        if q.fieldname in TEXT_FIELDS:
            spec.terms.update(
                t.decode("utf-8") if isinstance(t, bytes) else t
                for _, t in q.existing_terms(reader, expand=True)
            )
        return
    if isinstance(q, wq.Term):
        if q.fieldname in TEXT_FIELDS:
            spec.terms.add(q.text)
        return
    for child in q.children():
        _collect(child, reader, spec)


def _marked_tokens(
    text: str, spec: MatchSpec, stemmer: str, language: str | None = None
) -> list[tuple[int, int, str]]:
    """Return the (start, end, term) of each token of TEXT that the spec marks.

    Overlapping marks (CJK bigrams, a compound and its joined form) are merged into one.
    """
    if not spec.phrases:
        return _merged(find_terms(text[:MAX_SCAN], spec.terms, stemmer, language))
    # Single terms (joined forms of compounds included) are marked here, phrases below.
    terms, starts, ends, marks = token_list(text[:MAX_SCAN], spec.terms, stemmer, language)
    count = len(terms)
    for words, slop in spec.phrases:
        first, rest = words[0], words[1:]
        for i in positions(terms, first):
            places = [i]
            for word in rest:
                window = range(places[-1] + 1, min(count, places[-1] + 1 + slop))
                nxt = next((j for j in window if terms[j] == word), None)
                if nxt is None:
                    break
                places.append(nxt)
            else:  # one mark from the phrase's first word to its last
                marks.append((starts[i], ends[places[-1]], first))
    return _merged(sorted(marks))


def _merged(marks: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Return MARKS (sorted by start) with overlapping ones joined into one."""
    merged: list[tuple[int, int, str]] = []
    for start, end, term in marks:
        if merged and start < merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end, merged[-1][2])
            continue
        merged.append((start, end, term))
    return merged


def _window(text: str, center_start: int, size: int) -> tuple[int, int]:
    """Return a fragment of about SIZE characters starting a little before CENTER_START."""
    start = max(0, center_start - size // 4)
    if start > 0:
        # Start at a sentence or word boundary near the ideal start.
        sentence = max(text.rfind(". ", start - size // 4, center_start), -1)
        if sentence >= 0 and sentence + 2 <= center_start:
            start = sentence + 2
        else:
            space = text.find(" ", start, center_start)
            start = space + 1 if space >= 0 else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start + size // 2, end)
        end = space if space > 0 else end
    return start, end


@dataclass
class Snippet:
    """A snippet as (text, is_match) parts, with its renderings."""

    parts: tuple[tuple[str, bool], ...]

    @property
    def plain(self) -> str:
        return "".join(text for text, _ in self.parts)

    @property
    def html(self) -> str:
        return "".join(
            f"<mark>{html.escape(text)}</mark>" if hit else html.escape(text)
            for text, hit in self.parts
        )


def make_snippet(
    text: str,
    spec: MatchSpec,
    stemmer: str,
    size: int = 200,
    max_fragments: int = 3,
    language: str | None = None,
) -> Snippet:
    """Return the best one to MAX_FRAGMENTS fragments of TEXT for SPEC, matches marked.

    The first fragment is the window holding the most distinct matched terms; a further
    fragment is added only if it shows a matched term the earlier ones do not.
    """
    marks = _marked_tokens(text, spec, stemmer, language) if spec else []
    if not marks:
        start, end = _window(text, 0, size)
        return Snippet(_parts(text, [(start, end)], []))
    candidates = []
    ends = [m[1] for m in marks]
    for i, (start, _, _) in enumerate(marks):
        lo, hi = _window(text, start, size)
        # The window starts at or before mark i, and marks are disjoint and in order, so
        # the marks inside are mark i up to the last one ending by HI.
        inside = marks[i : bisect_right(ends, hi, i)]
        candidates.append((len({m[2] for m in inside}), len(inside), -start, (lo, hi), inside))
    return Snippet(_parts(text, best_windows(candidates, max_fragments), marks))


def best_windows(candidates: list[tuple], max_fragments: int) -> list[tuple[int, int]]:
    """Return the windows to show, in text order, from CANDIDATES.

    A candidate is ``(distinct terms, marks, -start, (lo, hi), marks inside)``: the windows
    with the most distinct terms come first, then the most marks, then the earliest; a
    window is shown only if it adds a term and does not overlap one already chosen.
    """
    candidates.sort(reverse=True)
    chosen: list[tuple[int, int]] = []
    shown: set[str] = set()
    for _, _, _, (lo, hi), inside in candidates:
        if len(chosen) >= max_fragments:
            break
        terms = {m[2] for m in inside}
        if chosen and (terms <= shown or any(lo < b and hi > a for a, b in chosen)):
            continue
        chosen.append((lo, hi))
        shown |= terms
    chosen.sort()
    return chosen


def highlight_parts(
    text: str, spec: MatchSpec, stemmer: str, language: str | None = None
) -> tuple[tuple[str, bool], ...]:
    """Return the whole of TEXT as (text, is_match) parts, SPEC's matches marked.

    Unlike a snippet, whitespace is kept as it is, so paragraphs survive.
    """
    parts: list[tuple[str, bool]] = []
    pos = 0
    for start, end, _ in _marked_tokens(text, spec, stemmer, language) if spec else []:
        if start > pos:
            parts.append((text[pos:start], False))
        parts.append((text[start:end], True))
        pos = end
    if pos < len(text) or not parts:
        parts.append((text[pos:], False))
    return tuple(parts)


def _parts(text: str, windows, marks) -> tuple[tuple[str, bool], ...]:
    parts: list[tuple[str, bool]] = []

    def add(piece: str, hit: bool) -> None:
        piece = _SPACE.sub(" ", piece)
        if piece:
            parts.append((piece, hit))

    for n, (lo, hi) in enumerate(windows):
        if n or lo > 0:
            add("… " if n == 0 else " … ", False)
        pos = lo
        for start, end, _ in marks:
            if start < lo or end > hi:
                continue
            add(text[pos:start], False)
            add(text[start:end], True)
            pos = end
        add(text[pos:hi], False)
    if windows and windows[-1][1] < len(text.rstrip()):
        add(" …", False)
    return tuple(parts)
