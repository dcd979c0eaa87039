"""A token field's sorted runs kept as flat arrays, merged with numpy a chunk of terms at a time.

When a worker's postings reach the writer's memory limit, ``postingruns`` writes them to disk
as a run.  A field gathered as tokens (``tokenbuffer``: title, body, the words lexicon, ID
fields) is then already a ``GroupedTerms``: a few flat arrays sorted by term.  Pickling it a
term at a time, merging the runs a term at a time with ``heapq`` and writing the merged
postings a term at a time took about a quarter of a 128,000-article build's CPU, a share that
grows with the archive (a worker's run count does).  Here a run writes the field's arrays as
they are (``write``), and the merge (``MergedField``) takes the terms of all runs in order a
chunk at a time — as many terms as hold about ``budget`` tokens — reads each run's slice of
them, and sorts the chunk's postings by term with one stable ``argsort`` (a term's postings
in an earlier run are of earlier documents, so run order is document order).  A chunk is a
``GroupedTerms`` again, which ``blockwriter`` writes whole: the segment's bytes are those of a
segment written without runs (a test compares them).  The merge holds a chunk (``postingruns``
makes it an eighth of the writer's memory limit's worth of tokens) and, per run, its list of
terms and where their postings start.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .sortedruns import stable_order
from .tokenbuffer import GroupedTerms

_ARRAYS = ("ids", "counts", "term_starts", "deltas", "token_starts")


def write(f, grouped: GroupedTerms) -> dict:
    """Write GROUPED's arrays to the binary file F where it stands; return where they went.

    The directory returned (the terms, and each array's offset, type and length) stays in
    memory: its terms are the very ``bytes`` objects the token buffer keeps anyway.
    """
    texts, *arrays = grouped.arrays()
    where = {}
    for name, values in zip(_ARRAYS, arrays, strict=True):
        if values is None:
            continue
        values = np.ascontiguousarray(values)
        where[name] = (f.tell(), values.dtype.str, len(values))
        f.write(memoryview(values).cast("B"))  # no copy
    return {"texts": texts, "arrays": where}


class Run:
    """One run of a field: its terms in memory, its arrays read a slice at a time."""

    def __init__(self, texts: list[bytes], read) -> None:
        self.texts = texts
        self._read = read  # (array name, start, end) -> the slice, or None
        # Where each term's postings start, uint32 (a run holds fewer than 2**32 postings).
        self.term_starts = read("term_starts", 0, len(texts) + 1).astype(np.uint32)

    @classmethod
    def on_disk(cls, open_file, directory: dict) -> Run:
        arrays = directory["arrays"]

        def read(name: str, start: int, end: int):
            if name not in arrays:
                return None
            offset, dtype, _length = arrays[name]
            dtype = np.dtype(dtype)
            with open_file() as f:
                f.seek(offset + start * dtype.itemsize)
                return np.frombuffer(f.read((end - start) * dtype.itemsize), dtype)

        return cls(directory["texts"], read)

    @classmethod
    def in_memory(cls, grouped: GroupedTerms) -> Run:
        texts, *arrays = grouped.arrays()
        held = dict(zip(_ARRAYS, arrays, strict=True))

        def read(name: str, start: int, end: int):
            values = held[name]
            return None if values is None else values[start:end]

        return cls(texts, read)

    def tokens_per_term(self) -> np.ndarray:
        starts = self._read("token_starts", 0, int(self.term_starts[-1]) + 1)
        return np.diff(starts[self.term_starts].astype(np.int64))

    def slice(self, a: int, b: int) -> tuple:
        """Return (ids, counts, token starts, deltas) of the postings of terms A..B."""
        p0, p1 = int(self.term_starts[a]), int(self.term_starts[b])
        token_starts = self._read("token_starts", p0, p1 + 1)
        deltas = self._read("deltas", int(token_starts[0]), int(token_starts[-1]))
        return (
            self._read("ids", p0, p1),
            self._read("counts", p0, p1),
            token_starts.astype(np.int64) - int(token_starts[0]),
            deltas,
        )


class MergedField:
    """A token field's runs merged: its terms in order, made a chunk at a time.

    Iterating yields the terms, and ``merged[btext]`` gives a term just yielded, as a
    ``GroupedTerms`` does; ``chunks()`` gives the chunks themselves, for ``blockwriter``.
    """

    def __init__(self, runs: list[Run], budget: int) -> None:
        self._runs = runs  # in document order: runs on disk, then what is still in memory
        every = set()
        for run in runs:
            every.update(run.texts)
        self.texts = sorted(every)
        index = {text: n for n, text in enumerate(self.texts)}
        self._maps = [
            np.fromiter(map(index.__getitem__, run.texts), np.int32, len(run.texts)) for run in runs
        ]
        tokens = np.zeros(len(self.texts), np.int64)
        for run, where in zip(runs, self._maps, strict=True):
            tokens[where] += run.tokens_per_term()  # a term is once in a run
        self._cuts = _cuts(tokens, budget)
        self._current: GroupedTerms | None = None

    def chunks(self) -> Iterator[GroupedTerms]:
        for u0, u1 in zip(self._cuts, self._cuts[1:]):
            yield self._chunk(u0, u1)

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks():
            self._current = chunk
            yield from chunk

    def __getitem__(self, btext: bytes) -> tuple:
        if self._current is None:
            raise KeyError(btext)
        return self._current[btext]

    def _chunk(self, u0: int, u1: int) -> GroupedTerms:
        """Return the postings of the merged terms U0..U1 as one ``GroupedTerms``."""
        parts = []
        for run, where in zip(self._runs, self._maps, strict=True):
            a, b = np.searchsorted(where, (u0, u1)).tolist()
            if a == b:
                continue
            ids, counts, token_starts, deltas = run.slice(a, b)
            terms = np.repeat(where[a:b], np.diff(run.term_starts[a : b + 1]))
            parts.append((terms, ids, counts, token_starts[:-1], deltas))
        terms = np.concatenate([p[0] for p in parts])
        ids = np.concatenate([p[1] for p in parts])
        counts = np.concatenate([p[2] for p in parts])
        order = stable_order(terms)  # a run's postings stay in document order
        terms, ids, counts = terms[order], ids[order], counts[order]
        token_starts = np.zeros(len(counts) + 1, np.int64)
        np.cumsum(counts, out=token_starts[1:])
        deltas = None
        if parts[0][4] is not None:
            shift = np.cumsum([0] + [len(p[4]) for p in parts[:-1]])
            old_starts = np.concatenate([p[3] + s for p, s in zip(parts, shift, strict=True)])
            joined = np.concatenate([p[4] for p in parts])
            # Token k of new posting j is token k of its old posting: gather them in order.
            moved = np.repeat(old_starts[order] - token_starts[:-1], counts)
            moved += np.arange(len(moved))
            deltas = joined[moved]
        starts = np.flatnonzero(np.r_[True, terms[1:] != terms[:-1]])
        return GroupedTerms(
            self.texts[u0:u1],
            ids,
            counts,
            np.append(starts, len(terms)),
            deltas,
            token_starts.astype(np.uint32),
        )


def _cuts(tokens: np.ndarray, budget: int) -> list[int]:
    """Return where chunks of terms start (and the end): about BUDGET tokens a chunk."""
    cuts = [0]
    total = np.cumsum(tokens)
    while cuts[-1] < len(tokens):
        before = int(total[cuts[-1] - 1]) if cuts[-1] else 0
        end = int(np.searchsorted(total, before + budget, side="right"))
        cuts.append(max(end, cuts[-1] + 1))  # a term of more than BUDGET tokens: alone
    return cuts
