"""A segment's postings written out in sorted runs when the writer's memory is full.

``postingpool.PostingsByTerm`` gathers each term's postings in arrays.  When they reach the
writer's memory limit (``writer_memory_mb``) they are written to a temporary file as one run,
term by term in Whoosh's order (field, then term bytes), and gathering starts again; at the
end the runs and what is still in memory are merged term by term, the runs read one term at
a time.  Documents arrive in document order, so a term's postings in an earlier run come
before its postings in a later one: merging is concatenating.

Before, the pool handed everything over to Whoosh's own pool at the limit, which sorts a
tuple per posting: the build slowed down by about a third once a worker had gathered its
first ``writer_memory_mb`` of postings (a few thousand news articles), and Whoosh's pool
holds more memory than it counts.  Now the memory of a worker's postings stays under the
limit for any number of documents and the per-document cost does not change with it.
"""

from __future__ import annotations

import heapq
import pickle
from array import array
from collections.abc import Iterator
from itertools import accumulate

import numpy as np

from . import poscodec
from .poscodec import Packed
from .postingpool import TermPostings

_PICKLE = 5


def _run_terms(fields: dict) -> Iterator[tuple]:
    """Yield (fieldname, btext, ids, weights, value bytes, value lengths) of FIELDS in order."""
    for name in sorted(fields):
        terms = fields[name]
        for btext in sorted(terms):
            yield (name, btext, *terms[btext])


class PostingRuns:
    """The runs one pool wrote, as temporary files of its writer's temp storage."""

    def __init__(self, pool):
        self._pool = pool  # a whoosh PostingPool: _new_run, _open_run, _remove_run
        self.paths: list[str] = []
        self.fieldnames: set[str] = set()  # fields with at least one term in a run

    def dump(self, fields: dict) -> None:
        """Write FIELDS (fieldname -> btext -> a pool entry) as one sorted run."""
        path, f = self._pool._new_run()
        try:
            for record in _run_terms(fields):
                pickle.dump(record, f, _PICKLE)
        finally:
            f.close()
        self.paths.append(path)
        self.fieldnames.update(name for name, terms in fields.items() if terms)

    def _read(self, path: str) -> Iterator[tuple]:
        with self._pool._open_run(path) as f:
            while True:
                try:
                    # One unpickler a record: one kept for the file would keep every object
                    # it loaded in its memo (each record was pickled with a memo of its own).
                    yield pickle.load(f)
                except EOFError:
                    return

    def merged(self, fields: dict) -> MergedPostings:
        """Return the runs and FIELDS (what is still in memory, the newest) merged."""
        streams = [self._read(path) for path in self.paths] + [_run_terms(fields)]
        names = self.fieldnames | {name for name, terms in fields.items() if terms}
        return MergedPostings(streams, names)

    def remove(self) -> None:
        """Delete the run files."""
        for path in self.paths:
            try:
                self._pool._remove_run(path)
            except OSError:
                pass
        self.paths = []


def _as_bytes(chunk: tuple) -> tuple:
    """Return CHUNK with its positions (``poscodec.Packed``) as Whoosh's value bytes."""
    name, btext, ids, weights, data, lengths = chunk
    if not isinstance(data, Packed):
        return chunk
    lengths, values = poscodec.as_bytes(data)
    return name, btext, ids, weights, bytearray(values), lengths


def _concat(chunks: list[tuple]) -> tuple:
    """Return one term's pool entry from its CHUNKS (one a run, in run order), by docnum."""
    if len(chunks) == 1:
        return chunks[0][2:]
    if all(isinstance(chunk[4], Packed) for chunk in chunks) and all(
        a[2][-1] < b[2][0] for a, b in zip(chunks, chunks[1:])
    ):  # positions as arrays, runs in document order: join the arrays
        ids, weights = array("I"), array("f")
        for chunk in chunks:
            ids.extend(chunk[2])
            weights.extend(chunk[3])
        counts = np.concatenate([chunk[4].counts for chunk in chunks])
        deltas = np.concatenate([chunk[4].deltas for chunk in chunks])
        return ids, weights, Packed(counts, deltas), None
    chunks = [_as_bytes(chunk) for chunk in chunks]
    ids, weights, data = array("I"), array("f"), bytearray()
    lengths = None
    if any(chunk[5] is not None for chunk in chunks):
        lengths = array("I")
    for _, _, i, w, d, n in chunks:
        ids.extend(i)
        weights.extend(w)
        data += d
        if lengths is not None:
            lengths.extend(n if n is not None else array("I", bytes(4 * len(i))))
    if any(a > b for a, b in zip(ids, ids[1:])):
        # Runs are in document order unless documents were added out of order (a merge
        # adding a segment's terms one after another): sort, as Whoosh's pool would.
        order = sorted(range(len(ids)), key=ids.__getitem__)
        ids = array("I", (ids[n] for n in order))
        weights = array("f", (weights[n] for n in order))
        if lengths is not None:
            ends = list(accumulate(lengths))
            values = [data[e - n : e] for n, e in zip(lengths, ends)]
            data = bytearray(b"".join(values[n] for n in order))
            lengths = array("I", (lengths[n] for n in order))
    return ids, weights, data, lengths


class _Current:
    """The arrays of the term a field's iteration has just yielded (``by_field[name]``)."""

    def __init__(self):
        self.btext: bytes | None = None
        self.arrays: tuple | None = None

    def __getitem__(self, btext: bytes) -> tuple:
        if btext != self.btext:
            raise KeyError(btext)  # only the term just yielded can be asked for
        return self.arrays


class MergedPostings(TermPostings):
    """Postings merged from sorted runs, read term by term: ``NewsFieldWriter`` takes them
    as it takes a ``TermPostings`` (fields in order, then each term's arrays), once."""

    def __init__(self, streams: list[Iterator[tuple]], fieldnames: set[str]):
        key = lambda record: (record[0], record[1])  # noqa: E731
        self._records = heapq.merge(*streams, key=key)  # ties: the earlier run first
        self._head: tuple | None = None
        self._names = sorted(fieldnames)
        self.by_field = {name: _Current() for name in self._names}

    def _next(self) -> tuple | None:
        if self._head is not None:
            head, self._head = self._head, None
            return head
        return next(self._records, None)

    def _terms(self, name: str) -> Iterator[bytes]:
        current = self.by_field[name]
        while True:
            record = self._next()
            if record is None:
                return
            if record[0] != name:
                self._head = record  # the next field's first term
                return
            chunks = [record]
            while True:
                following = self._next()
                if following is None or following[:2] != record[:2]:
                    self._head = following
                    break
                chunks.append(following)
            current.btext, current.arrays = record[1], _concat(chunks)
            yield record[1]

    def fields(self) -> dict[str, Iterator[bytes]]:
        """Return each field's terms as iterators, to be consumed in order, once."""
        return {name: self._terms(name) for name in self._names}
