"""Sorted runs of parallel numpy arrays, merged without a sort's index arrays; a stable sort.

Append-only in-memory tables of an indexing run (``seenids.SeenIds``, the band keys of
``duplicates.StoryFinder``) keep their entries in sorted runs merged as they grow; a merge
of runs with N entries in all needs, besides the output, one index per newer entry, where a
stable argsort of the two concatenated needs the concatenation, an 8-byte index per entry
and the sorted copies (about twice the memory at the moment the largest runs merge).
``stable_order`` is numpy's stable argsort of whole numbers, by radix passes.
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


def stable_order(keys: np.ndarray) -> np.ndarray:
    """Return ``np.argsort(KEYS, kind="stable")`` for whole numbers KEYS (>= 0), sooner.

    numpy sorts 16-bit keys stably by radix and wider ones by merge sort, three times
    slower on 1.8 million keys drawn from 90,000 (Zipf-distributed, as terms are).  Keys below 2**16 are sorted as 16 bits;
    below 2**32 by two stable radix passes, the low half and then the high (the same
    order: the second pass keeps the first's among equal high halves).
    """
    if not len(keys):
        return np.argsort(keys, kind="stable")
    top = int(keys.max())
    if top < 1 << 16:
        return np.argsort(keys.astype(np.uint16), kind="stable")
    if top >= 1 << 32:
        return np.argsort(keys, kind="stable")
    low = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    if len(keys) < 1 << 32:  # 4 bytes a key, not 8, while the second pass runs
        low = low.astype(np.uint32)
    high = np.argsort((keys[low] >> 16).astype(np.uint16), kind="stable")
    return low[high]
