"""Sorted runs of parallel numpy arrays, merged without a sort's index arrays.

Append-only in-memory tables of an indexing run (``seenids.SeenIds``, the band keys of
``duplicates.StoryFinder``) keep their entries in sorted runs merged as they grow; a merge
of runs with N entries in all needs, besides the output, one index per newer entry, where a
stable argsort of the two concatenated needs the concatenation, an 8-byte index per entry
and the sorted copies (about twice the memory at the moment the largest runs merge).
"""

from __future__ import annotations

import numpy as np


def merge_runs(older: tuple[np.ndarray, ...], newer: tuple[np.ndarray, ...]) -> tuple:
    """Merge two runs sorted by their first array into one, OLDER's entries first on ties.

    The same result as a stable sort of the two concatenated, without the sort's index
    arrays: each NEWER entry's place is found by a binary search in OLDER, so the extra
    memory is the output and one index per NEWER entry.
    """
    a, b = older[0], newer[0]
    at = np.searchsorted(a, b, "right") + np.arange(len(b))
    from_newer = np.zeros(len(a) + len(b), bool)
    from_newer[at] = True
    merged = []
    for x, y in zip(older, newer):
        out = np.empty(len(x) + len(y), x.dtype)
        out[at] = y
        out[~from_newer] = x
        merged.append(out)
    return tuple(merged)
