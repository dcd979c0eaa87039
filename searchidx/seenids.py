"""The document ids an indexing run has written, and where each was first seen, in little memory.

A run must notice a document id it has already written (a duplicate is skipped with a message
naming where the first one was).  A dict of id -> "path:position" strings costs about 250
bytes a document (two strings and a dict slot): 250 MB at a million documents, in the
indexing process, for the whole run.  Here an id is kept as two 64-bit hashes (one to find
it, one to check it: two ids are confused only if both agree, about once in 2**128) and its
place as a file number and a record position: 28 bytes a document, in sorted numpy runs
merged as they grow (a log-structured merge tree, as ``duplicates._KeyTable``), plus the
paths of the files (one string a file, not a document).
"""

from __future__ import annotations

import hashlib

import numpy as np

from .sortedruns import merge_runs

_FILTER_SIZE = 1 << 22
_NO_POSITION = -1  # a document of a one-article file: its place is the path alone


def _hashes(doc_id: str) -> tuple[int, int]:
    digest = hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    return int.from_bytes(digest[:8], "little"), int.from_bytes(digest[8:], "little")


class SeenIds:
    """Document id -> where it was first seen (a path, or "path:position")."""

    RECENT = 4096  # ids kept in a dict before they become a sorted run

    def __init__(self):
        self._recent: dict[int, tuple[int, int, int]] = {}  # key -> (check, file, position)
        # Sorted runs of (key, check, file number, position), oldest and largest first.
        self._runs: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        self._paths: list[str] = []
        self._path_numbers: dict[str, int] = {}
        # A key's low bits -> whether a run may hold it (a Bloom filter of one hash, 4 MB):
        # a new id, nearly every one, is then not looked for in the runs.
        self._in_runs = bytearray(_FILTER_SIZE)

    def __len__(self) -> int:
        return len(self._recent) + sum(len(run[0]) for run in self._runs)

    @property
    def nbytes(self) -> int:
        """Return the bytes held in the sorted runs (the part that grows with documents)."""
        return sum(a.nbytes for run in self._runs for a in run)

    def setdefault(self, doc_id: str, path: str, position: int | None) -> str:
        """Record DOC_ID as seen at PATH:POSITION unless seen before; return where it was first.

        The place returned is ``path:position`` (or ``path`` when POSITION is None), so a
        caller compares it with the place it passed to tell a new id from a repeated one.
        """
        key, check = _hashes(doc_id)
        found = self._find(key, check)
        if found is not None:
            return self._place(*found)
        number = self._path_numbers.get(path)
        if number is None:
            number = self._path_numbers[path] = len(self._paths)
            self._paths.append(path)
        where = _NO_POSITION if position is None else int(position)
        if key in self._recent:  # the same key, another id (a 2**-64 chance): keep it in a run
            self._add_run([(key, check, number, where)])
        else:
            self._recent[key] = (check, number, where)
            if len(self._recent) >= self.RECENT:
                self._flush()
        return self._place(number, where)

    def _place(self, number: int, position: int) -> str:
        path = self._paths[number]
        return path if position == _NO_POSITION else f"{path}:{position}"

    def _find(self, key: int, check: int) -> tuple[int, int] | None:
        recent = self._recent.get(key)
        if recent is not None and recent[0] == check:
            return recent[1], recent[2]
        if not self._in_runs[key & (_FILTER_SIZE - 1)]:
            return None
        key_u = np.uint64(key)
        for keys, checks, files, positions in self._runs:
            low = int(np.searchsorted(keys, key_u, "left"))
            while low < len(keys) and keys[low] == key_u:
                if checks[low] == check:
                    return int(files[low]), int(positions[low])
                low += 1
        return None

    def _flush(self) -> None:
        items = [(k, c, f, p) for k, (c, f, p) in self._recent.items()]
        self._recent = {}
        self._add_run(items)

    def _add_run(self, items: list[tuple[int, int, int, int]]) -> None:
        n = len(items)
        keys = np.fromiter((i[0] for i in items), np.uint64, n)
        checks = np.fromiter((i[1] for i in items), np.uint64, n)
        files = np.fromiter((i[2] for i in items), np.int32, n)
        positions = np.fromiter((i[3] for i in items), np.int64, n)
        order = np.argsort(keys, kind="stable")
        np.frombuffer(self._in_runs, np.uint8)[keys & np.uint64(_FILTER_SIZE - 1)] = 1
        self._runs.append((keys[order], checks[order], files[order], positions[order]))
        while len(self._runs) > 1 and len(self._runs[-1][0]) * 2 >= len(self._runs[-2][0]):
            newer, older = self._runs.pop(), self._runs.pop()
            self._runs.append(merge_runs(older, newer))
