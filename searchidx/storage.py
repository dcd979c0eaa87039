"""Open and create the on-disk Whoosh index, and take its single-writer lock.

Whoosh writes new segment files first and then the table of contents (the ``.toc`` file) that
makes them visible, so an index whose writer is killed stays at its previous generation.  Its
write lock is an ``fcntl`` lock, which the kernel releases when the holder dies: a lock file
left by a killed indexer is harmless.
"""

from __future__ import annotations

import os
import time

from whoosh import index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError, FileIndex
from whoosh.writing import LockError

from .errors import IndexUnavailable
from .schema import build_schema

INDEX_NAME = "MAIN"
LOCK_NAME = f"{INDEX_NAME}_WRITELOCK"


def exists(index_dir: str | os.PathLike) -> bool:
    """Return True when INDEX_DIR holds an index."""
    return os.path.isdir(index_dir) and index.exists_in(str(index_dir), INDEX_NAME)


def open_index(index_dir: str | os.PathLike) -> FileIndex:
    """Open the index in INDEX_DIR for reading, or raise IndexUnavailable."""
    if not exists(index_dir):
        raise IndexUnavailable(
            f"no index in {index_dir}: build one with 'searchidx index PATH --index {index_dir}'"
        )
    try:
        return index.open_dir(str(index_dir), INDEX_NAME)
    except (EmptyIndexError, OSError, EOFError, ValueError) as exc:
        raise IndexUnavailable(f"cannot open the index in {index_dir}: {exc}") from None


def _locked(index_dir, timeout: float) -> IndexUnavailable:
    return IndexUnavailable(
        f"another 'searchidx index' is writing to {index_dir} (waited {timeout:g}s); "
        "run again when it has finished"
    )


def wait_for_lock(index_dir: str | os.PathLike, timeout: float):
    """Take the index's write lock, waiting up to TIMEOUT seconds; return the held lock."""
    storage = FileStorage(str(index_dir))
    lock = storage.lock(LOCK_NAME)
    deadline = time.monotonic() + timeout
    while not lock.acquire(blocking=False):
        if time.monotonic() >= deadline:
            raise _locked(index_dir, timeout)
        time.sleep(0.1)
    return lock


def open_or_create(index_dir: str | os.PathLike, stemmer: str, timeout: float) -> FileIndex:
    """Open the index in INDEX_DIR, creating it with STEMMER first if there is none."""
    os.makedirs(index_dir, exist_ok=True)
    if not exists(index_dir):
        lock = wait_for_lock(index_dir, timeout)
        try:
            if not exists(index_dir):  # another process may have created it meanwhile
                index.create_in(str(index_dir), build_schema(stemmer), INDEX_NAME)
        finally:
            lock.release()
    return open_index(index_dir)


def writer(ix: FileIndex, timeout: float, jobs: int, memory_mb: int):
    """Return a writer for IX, waiting up to TIMEOUT seconds for another writer to finish."""
    try:
        if jobs > 1:
            return ix.writer(
                timeout=timeout, delay=0.1, procs=jobs, limitmb=memory_mb, multisegment=True
            )
        return ix.writer(timeout=timeout, delay=0.1, limitmb=memory_mb)
    except LockError:
        raise _locked(ix.storage.folder, timeout) from None


def size_on_disk(index_dir: str | os.PathLike) -> int:
    """Return the bytes used by the files of INDEX_DIR."""
    total = 0
    for entry in os.scandir(index_dir):
        if entry.is_file():
            total += entry.stat().st_size
    return total
