"""Build and update the index from files: incremental, all-or-nothing per run.

A run lists the files under the given paths and compares each with what the index recorded
for it (modification time, size, content hash): unchanged files are not read again, changed
files have their documents replaced, and files gone from an indexed folder have theirs
deleted.  Everything a run does becomes visible in one commit at the end; a run that is
interrupted or killed leaves the index as it was.
"""

from __future__ import annotations

import hashlib
import os
import time
from stat import S_ISREG
from dataclasses import dataclass, field
from typing import Callable, Iterable

from whoosh.writing import CLEAR

from . import storage
from .config import setting
from .documents import Document
from .errors import IngestError
from .ingest import Skipped, SourceFile, discover, read_documents

_SEP = "\x1f"


@dataclass
class IndexSummary:
    """What one indexing run did."""

    files: int = 0  # supported files found
    added: int = 0  # new files indexed
    updated: int = 0  # changed files re-indexed
    deleted: int = 0  # files gone from an indexed folder
    unchanged: int = 0
    documents: int = 0  # documents written in this run
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    total_documents: int = 0  # documents in the index after the run
    leftovers: int = 0  # files of an earlier, killed run removed before this one

    @property
    def docs_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        """Return the one-line summary printed at the end of a run."""
        return (
            f"{self.files} files: {self.added} added, {self.updated} updated, "
            f"{self.deleted} deleted, {self.unchanged} unchanged, {len(self.skipped)} skipped; "
            f"{self.documents} documents written in {self.seconds:.1f}s "
            f"({self.docs_per_second:.0f} docs/s); {self.total_documents} in the index"
        )


@dataclass(frozen=True)
class _FileState:
    mtime_ns: int
    size: int
    digest: str

    def term(self, path: str) -> str:
        return _SEP.join((path, str(self.mtime_ns), str(self.size), self.digest))


def recorded_files(reader) -> dict[str, _FileState]:
    """Return what the index recorded about each source file of its live documents."""
    recorded: dict[str, _FileState] = {}
    for raw in reader.lexicon("fileinfo"):
        term = raw.decode("utf-8")
        if not reader.postings("fileinfo", term).is_active():
            continue  # only deleted documents carry it
        path, mtime_ns, size, digest = term.rsplit(_SEP, 3)
        recorded[path] = _FileState(int(mtime_ns), int(size), digest)
    return recorded


def _fields(doc: Document, fileinfo: str) -> dict:
    fields = {
        "id": doc.id,
        "path": doc.path,
        "fileinfo": fileinfo,
        "title": doc.title,
        "body": doc.body,
        "source": doc.source,
        "url": doc.url,
        "position": doc.position,
    }
    if doc.date is not None:
        fields["date"] = doc.date
    return fields


def _under(path: str, folders: list[str]) -> bool:
    return any(path.startswith(folder + os.sep) for folder in folders)


def index_paths(
    index_dir: str | os.PathLike,
    paths: Iterable[str | os.PathLike],
    *,
    rebuild: bool = False,
    jobs: int = 1,
    stemmer: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> IndexSummary:
    """Index the articles under PATHS into INDEX_DIR and return what was done.

    PROGRESS, if given, is called as ``progress(done, total)`` after each file.
    Raises IndexUnavailable when another writer holds the index for too long.
    """
    started = time.perf_counter()
    timeout = float(setting("lock_timeout"))
    max_bytes = int(setting("max_file_mb")) * 1024 * 1024
    paths = [os.fspath(p) for p in paths]
    summary = IndexSummary()

    found: list[SourceFile] = []
    for item in discover(paths):
        if isinstance(item, Skipped):
            summary.skipped.append(item)
        else:
            found.append(item)
    summary.files = len(found)
    folders = [os.path.abspath(p) for p in paths if os.path.isdir(p)]

    ix = storage.open_or_create(index_dir, stemmer or str(setting("stemmer")), timeout)
    writer = storage.writer(ix, timeout, jobs, int(setting("writer_memory_mb")))
    try:
        summary.leftovers = storage.remove_leftovers(writer)
        recorded = {} if rebuild else recorded_files(writer.reader())
        seen_paths: set[str] = set()
        seen_ids: dict[str, str] = {}
        for done, source in enumerate(found, start=1):
            seen_paths.add(source.path)
            _index_file(writer, source, recorded, seen_ids, summary, max_bytes, rebuild)
            if progress:
                progress(done, len(found))
        if not rebuild:
            for path in recorded.keys() - seen_paths:
                if _under(path, folders) and not os.path.exists(path):
                    writer.delete_by_term("path", path)
                    summary.deleted += 1
        # Inside the try: a Ctrl-C while the workers finish or the segment is written must
        # still cancel the writer, or its files and worker processes are left behind.
        if rebuild:
            writer.commit(mergetype=CLEAR)
        else:
            writer.commit()
    except BaseException:
        storage.abandon(writer)
        raise
    summary.seconds = time.perf_counter() - started
    with storage.open_index(index_dir).reader() as reader:
        summary.total_documents = reader.doc_count()
    return summary


def _index_file(writer, source, recorded, seen_ids, summary, max_bytes, rebuild) -> None:
    path = source.path
    before = recorded.get(path)
    try:
        stat = os.stat(path)
        if not S_ISREG(stat.st_mode):  # opening a FIFO would wait forever for a writer
            raise IngestError("not a regular file (a FIFO, socket or device)")
        if before and before.mtime_ns == stat.st_mtime_ns and before.size == stat.st_size:
            summary.unchanged += 1
            return
        if stat.st_size > max_bytes:
            raise IngestError(f"file too large ({stat.st_size / 1e6:.0f} MB)")
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        # Unreadable for now (permissions, vanished): keep what the index already has.
        summary.skipped.append(Skipped(path, f"cannot read ({exc.strerror or exc})"))
        return
    except IngestError as exc:
        summary.skipped.append(Skipped(path, str(exc)))
        return
    state = _FileState(stat.st_mtime_ns, stat.st_size, hashlib.blake2b(data, digest_size=16).hexdigest())
    if before and before.digest == state.digest and before.size == state.size:
        summary.unchanged += 1  # touched but not changed; keep the old record
        return
    try:
        docs, bad = read_documents(source, data)
    except IngestError as exc:
        docs, bad = [], [Skipped(path, str(exc))]
    summary.skipped.extend(bad)
    if before:
        writer.delete_by_term("path", path)
    if not docs:
        if before:
            summary.deleted += 1
        return
    term = state.term(path)
    add = writer.add_document if rebuild else writer.update_document
    for doc in docs:
        where = f"{doc.path}:{doc.position}" if doc.position is not None else doc.path
        first = seen_ids.setdefault(doc.id, where)
        if first != where:
            summary.skipped.append(Skipped(where, f"duplicate id {doc.id!r} (first at {first})"))
            continue
        add(**_fields(doc, term))
        summary.documents += 1
    if before:
        summary.updated += 1
    else:
        summary.added += 1
