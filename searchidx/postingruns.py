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

A field gathered as tokens (``tokenbuffer``: nearly all of a news segment's postings) is
written and merged as flat arrays instead (``tokenruns``), a chunk of terms at a time; the
records above are left for the few postings gathered per term.
"""

from __future__ import annotations

import heapq
import pickle
from array import array
from collections.abc import Iterator
from itertools import accumulate

import numpy as np

from . import poscodec, tokenruns
from .poscodec import Packed
from .postingpool import TermPostings
from .tokenbuffer import TOKEN_BYTES, GroupedTerms

_PICKLE = 5
#: A merged chunk of a token field holds this share of the writer's memory limit in tokens.
_CHUNK_SHARE = 8


def _run_terms(fields: dict) -> Iterator[tuple]:
    """Yield (fieldname, btext, ids, weights, value bytes, value lengths) of FIELDS in order."""
    for name in sorted(fields):
        terms = fields[name]
        for btext in sorted(terms):
            yield (name, btext, *terms[btext])


class PostingRuns:
    """The runs one pool wrote, as temporary files of its writer's temp storage.

    A run file holds the arrays of its token fields (``tokenruns``), then the records of
    its other fields (pickled, one a term, from ``records_at``).
    """

    def __init__(self, pool):
        self._pool = pool  # a whoosh PostingPool: _new_run, _open_run, _remove_run, limit
        self.paths: list[str] = []
        self.fieldnames: set[str] = set()  # fields with at least one term in a run
        self._records_at: list[int] = []  # per run: where its records start
        self._arrays: list[dict] = []  # per run: field -> its arrays' directory
        self._record_fields: set[str] = set()  # fields written as records (kept so)

    def dump(self, fields: dict) -> None:
        """Write FIELDS (fieldname -> btext -> a pool entry) as one sorted run."""
        arrays = {
            name: terms
            for name, terms in fields.items()
            if isinstance(terms, GroupedTerms) and len(terms) and name not in self._record_fields
        }
        records = {name: terms for name, terms in fields.items() if name not in arrays}
        path, f = self._pool._new_run()
        try:
            self._arrays.append({name: tokenruns.write(f, arrays[name]) for name in sorted(arrays)})
            self._records_at.append(f.tell())
            for record in _run_terms(records):
                pickle.dump(record, f, _PICKLE)
        finally:
            f.close()
        self.paths.append(path)
        self._record_fields.update(name for name, terms in records.items() if terms)
        self.fieldnames.update(name for name, terms in fields.items() if terms)

    def _read(self, path: str, at: int) -> Iterator[tuple]:
        with self._pool._open_run(path) as f:
            f.seek(at)
            while True:
                try:
                    # One unpickler a record: one kept for the file would keep every object
                    # it loaded in its memo (each record was pickled with a memo of its own).
                    yield pickle.load(f)
                except EOFError:
                    return

    def merged(self, fields: dict) -> MergedPostings:
        """Return the runs and FIELDS (what is still in memory, the newest) merged."""
        names = self.fieldnames | {name for name, terms in fields.items() if terms}
        streams = [
            self._read(path, at) for path, at in zip(self.paths, self._records_at, strict=True)
        ]
        budget = max(1, self._pool.limit // (_CHUNK_SHARE * TOKEN_BYTES))
        by_arrays = {}
        for name in sorted(names):
            runs = [
                tokenruns.Run.on_disk(_opener(self._pool, path), arrays[name])
                for path, arrays in zip(self.paths, self._arrays, strict=True)
                if name in arrays
            ]
            held = fields.get(name)
            if name not in self._record_fields and isinstance(held, GroupedTerms) and len(held):
                runs.append(tokenruns.Run.in_memory(held))
            if not runs:
                continue
            merged = tokenruns.MergedField(runs, budget)
            if name in self._record_fields:  # runs of both kinds: merged as records
                streams.append(_records_of(name, merged))
            else:
                by_arrays[name] = merged
        streams.append(_run_terms({n: t for n, t in fields.items() if n not in by_arrays}))
        return MergedPostings(streams, names - set(by_arrays), by_arrays)

    def remove(self) -> None:
        """Delete the run files."""
        for path in self.paths:
            try:
                self._pool._remove_run(path)
            except OSError:
                pass
        self.paths = []


def _opener(pool, path: str):
    return lambda: pool._open_run(path)


def _records_of(name: str, merged: tokenruns.MergedField) -> Iterator[tuple]:
    for btext in merged:
        yield (name, btext, *merged[btext])


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

    def __init__(
        self, streams: list[Iterator[tuple]], fieldnames: set[str], arrays: dict | None = None
    ):
        key = lambda record: (record[0], record[1])  # noqa: E731
        self._records = heapq.merge(*streams, key=key)  # ties: the earlier run first
        self._head: tuple | None = None
        self._arrays = arrays or {}  # token fields: tokenruns.MergedField
        self._names = sorted(set(fieldnames) | set(self._arrays))
        self.by_field = {
            name: self._arrays[name] if name in self._arrays else _Current() for name in self._names
        }

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
        return {
            name: iter(self._arrays[name]) if name in self._arrays else self._terms(name)
            for name in self._names
        }
