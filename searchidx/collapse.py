"""One story once: fold the copies of a story (``searchidx.duplicates``) into its best hit.

Works on what any search path has: the matching documents per segment (``counting``'s
``(segment reader, document numbers)`` pairs) and the ranked global document numbers, best
first; it does not depend on Whoosh's collectors.  Each segment keeps an array from
document number to story id (built once from the ``story`` column), so counting stories
and finding a hit's copies are numpy passes over the matches.  The best copy of a story is
its first in the ranking (highest score, or newest for the date sort), so deleting any
copy leaves a sane group: the next one becomes the best.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .duplicates import STORY_FIELD
from .postings import segment_column
from .timeline import doc_array

#: Most copies listed under one hit (the count beside it is always exact).  Each one listed
#: reads its stored fields (a block of about 16 KB decompressed, some 70 µs); a wire story
#: carried by dozens of outlets would otherwise cost milliseconds a hit.  Elasticsearch's
#: collapsed results list 3 inner hits by default; a page here names 5, and ``collapse=0``
#: (``--no-collapse``) shows every copy as a result of its own.
MAX_LISTED = 5


@dataclass
class Collapsed:
    """The page of best copies and the counts, from ``collapse``."""

    page: list[int]  # global document numbers of the best copies shown, in rank order
    copies: dict[int, list[int]] = field(default_factory=dict)  # best copy -> its other copies
    counts: dict[int, int] = field(default_factory=dict)  # best copy -> how many others
    stories: int = 0  # distinct stories among all matches (the result's total)
    matches: int = 0  # matching documents
    short: bool = False  # the ranking ran out of stories before the page was full
    positions: list[int] = field(default_factory=list)  # of the page's documents in RANKED

    @property
    def hidden(self) -> int:
        """Return how many matching documents are folded into a story shown instead."""
        return self.matches - self.stories


def story_array(reader) -> np.ndarray:
    """Return, for a segment READER, each document's story id as an integer (-1: none).

    Segments never change, so the array is built once per process and shared by threads.
    """

    def load() -> np.ndarray:
        size = reader.doc_count_all()
        if reader.has_column(STORY_FIELD):
            return np.fromiter(reader.column_reader(STORY_FIELD), np.int64, size)
        return np.full(size, -1, np.int64)  # an index made before stories: each its own

    return segment_column(reader, STORY_FIELD, load)


def _matches(segments) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (segment start offsets, matching global docnums, their story ids)."""
    starts = np.cumsum([0] + [reader.doc_count_all() for reader, _ in segments])[:-1]
    docs, stories = [], []
    for (reader, found), start in zip(segments, starts):
        local = doc_array(found)
        story = story_array(reader)[local]
        docs.append(local + start)
        stories.append(story)
    if not docs:
        empty = np.zeros(0, np.int64)
        return starts, empty, empty
    docs_all, stories_all = np.concatenate(docs), np.concatenate(stories)
    # A document without a story id is a story of its own: a negative id no story has.
    alone = stories_all < 0
    stories_all[alone] = -1 - docs_all[alone]
    return starts, docs_all, stories_all


def _stories_of(ranked: np.ndarray, segments, starts: np.ndarray) -> np.ndarray:
    which = np.searchsorted(starts, ranked, side="right") - 1
    stories = np.empty(len(ranked), np.int64)
    for n, (reader, _found) in enumerate(segments):
        mask = which == n
        stories[mask] = story_array(reader)[ranked[mask] - starts[n]]
    alone = stories < 0
    stories[alone] = -1 - ranked[alone]
    return stories


class Stories:
    """The story ids of a query's matches, sorted once for every fold of its ranking."""

    def __init__(self, segments) -> None:
        self.segments = segments
        self.starts, self.docs, stories = _matches(segments)
        self.by_story = np.argsort(stories, kind="stable")
        self.sorted = stories[self.by_story]
        changes = np.count_nonzero(self.sorted[1:] != self.sorted[:-1])
        self.distinct = int(changes) + 1 if len(stories) else 0


def collapse(matches, ranked, start: int, stop: int) -> Collapsed:
    """Return the best copies ranked START to STOP (0-based, STOP excluded) and the counts.

    MATCHES is ``counting.matching_docs`` (segments), or their ``Stories`` when the same
    matches are folded more than once; RANKED the global document numbers of the matches
    in rank order (all of them, or at least the first ``needed(...)``).
    """
    stories = matches if isinstance(matches, Stories) else Stories(matches)
    segments, starts, docs = stories.segments, stories.starts, stories.docs
    found, distinct = len(docs), stories.distinct
    ranked = np.asarray(ranked, np.int64)
    if not len(ranked):
        return Collapsed([], {}, {}, distinct, found, short=start < distinct)
    ranked_stories = _stories_of(ranked, segments, starts)
    _, first = np.unique(ranked_stories, return_index=True)
    first.sort()
    chosen = first[start:stop]
    page = ranked[chosen].tolist()
    copies, counts = {}, {}
    by_story, sorted_stories = stories.by_story, stories.sorted
    for doc, story in zip(page, ranked_stories[chosen].tolist()):
        low, high = np.searchsorted(sorted_stories, [story, story + 1])
        if high - low > 1:
            others = docs[by_story[low:high]]
            copies[doc] = sorted(others[others != doc].tolist())[:MAX_LISTED]
            counts[doc] = int(high - low - 1)
    short = len(chosen) < stop - start and len(first) < distinct
    return Collapsed(page, copies, counts, distinct, found, short, chosen.tolist())


def needed(matches: int, stories: int, stop: int) -> int:
    """Return how many ranked documents surely hold the first STOP stories."""
    # Each hidden copy can push a story down by one place at most.
    return min(matches, stop + (matches - stories))
