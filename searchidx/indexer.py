"""Build and update the index from files: incremental, all-or-nothing per run.

A run lists the files under the given paths and compares each with what the index recorded
for it (modification time, size, content hash): unchanged files are not read again, changed
files have their documents replaced, and files gone from an indexed folder have theirs
deleted.  Everything a run does becomes visible in one commit at the end; a run that is
interrupted or killed leaves the index as it was.

The content hash is taken by reading the file in chunks.  Most formats are then parsed from
the bytes read (files above ``max_file_mb`` are skipped); CSV and JSON Lines files are not
kept in memory: after the hashing pass, which tells whether the file changed at all, a second
pass streams their records.  Such a file therefore has no size limit (one record has), and a
changed one is re-indexed whole (its documents are replaced together, as for any other file).

A run may be restricted to some changed paths (``changed=``): only those files (and the files
under those folders) are looked at, which is how the live index (``watch``) commits a batch.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from stat import S_ISREG

from whoosh.writing import CLEAR

from . import storage
from .analysis import tag
from .bulkgc import fewer_collections
from .config import setting
from .counting import term_docs
from .documents import Document
from .duplicates import STORY_FIELD, StoryFinder
from .errors import IngestError
from .ingest import (
    EncodingGuess,
    ReadOptions,
    Skipped,
    SourceFile,
    discover,
    discover_changed,
    is_streamed,
    iter_documents,
)
from .language import detect, model_settled
from .seenids import SeenIds

_SEP = "\x1f"
_CHUNK = 1024 * 1024


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
    guessed: list[EncodingGuess] = field(default_factory=list)  # files read by a guessed encoding

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
            + (f"; encoding guessed for {len(self.guessed)} files" if self.guessed else "")
        )


@dataclass(frozen=True)
class _FileState:
    mtime_ns: int
    size: int
    digest: str

    def term(self, path: str) -> str:
        return _SEP.join((path, str(self.mtime_ns), str(self.size), self.digest))


@dataclass
class Progress:
    """How far a run has got, for a progress bar: files, records and bytes."""

    files_done: int = 0
    files_total: int = 0
    records: int = 0  # documents read so far
    bytes_done: int = 0
    bytes_total: int = 0


_PROGRESS_EVERY = 500  # records of a streamed file between two progress reports


@dataclass
class _Run:
    """What every file of one run is indexed with."""

    writer: object
    recorded: dict[str, _FileState]
    summary: IndexSummary
    options: ReadOptions
    max_bytes: int
    rebuild: bool
    names: set[str]  # the index schema's field names
    seen_ids: SeenIds = field(default_factory=SeenIds)  # document id -> where first seen
    stories: StoryFinder | None = None  # groups copies of one story (None: an older schema)
    # With --jobs, documents whose language needs the model wait here while it loads in the
    # background (language.detect(wait=False)), so that the workers start at once: the
    # order documents reach the workers in is theirs to decide anyway.
    defer: bool = False
    deferred: list[tuple[Document, str, dict, Callable]] = field(default_factory=list)
    # Documents read and not yet handed over: their copies are looked for a batch at a
    # time (duplicates.StoryFinder.fields_many), in reading order.
    batch: list[tuple[Document, str, Callable]] = field(default_factory=list)
    progress: Progress = field(default_factory=Progress)
    on_progress: Callable[[Progress], None] | None = None


def recorded_files(reader) -> dict[str, _FileState]:
    """Return what the index recorded about each source file of its live documents."""
    recorded: dict[str, _FileState] = {}
    for segment, _base in reader.leaf_readers():
        deleted = segment.has_deletions() and segment.deleted_docs_set
        for raw in segment.lexicon("fileinfo"):
            # Only a segment with deletions can hold terms that deleted documents alone carry.
            if deleted and not term_docs(segment, "fileinfo", raw) - deleted:
                continue
            path, mtime_ns, size, digest = raw.decode("utf-8").rsplit(_SEP, 3)
            recorded[path] = _FileState(int(mtime_ns), int(size), digest)
    return recorded


def _article(doc: Document) -> str:
    """Return the text a document's language is told from and its body indexed as."""
    return f"{doc.title}\n\n{doc.body}" if doc.title else doc.body


def _fields(doc: Document, fileinfo: str, schema_names: set[str], language: str = "") -> dict:
    body = _article(doc)
    language = language or doc.language or detect(body)
    tagged = tag(body, language)
    fields = {
        "id": doc.id,
        "path": doc.path,
        "fileinfo": fileinfo,
        # Text fields carry their language to the analyzer (analysis.tag); the stored
        # values are the text alone.
        "title": tag(doc.title, language),
        "_stored_title": doc.title,
        # The body is indexed with the headline in front, so one BM25 field sees the whole
        # article (see ranking.py); the stored body stays the article text alone.
        "body": tagged,
        "_stored_body": doc.body,
        # The lexicon's words are the body's (its analyzer reads the tag and stems nothing):
        # the same string, so a worker is sent it once (pickle keeps one copy an object).
        "words": tagged,
        "language": language,
        "source": doc.source,
        "url": doc.url,
        "position": doc.position,
    }
    if doc.source.strip():
        fields["source_facet"] = doc.source.strip()
    if doc.date is not None:
        fields["date"] = doc.date
        fields["year"] = str(doc.date.year)
    # An index made before a field existed keeps its schema until it is rebuilt.
    return {
        name: value
        for name, value in fields.items()
        if name in schema_names or name.startswith("_stored_")
    }


def _under(path: str, folders: list[str]) -> bool:
    return any(path.startswith(folder + os.sep) for folder in folders)


def _total_size(found: list[SourceFile]) -> int:
    total = 0
    for source in found:
        try:
            total += os.stat(source.path).st_size
        except OSError:
            pass  # reported when the file is read
    return total


@fewer_collections()  # see bulkgc
def index_paths(
    index_dir: str | os.PathLike,
    paths: Iterable[str | os.PathLike],
    *,
    rebuild: bool = False,
    jobs: int = 1,
    stemmer: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    csv_map: Mapping[str, str] | None = None,
    source: str | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    changed: Collection[str] | None = None,
) -> IndexSummary:
    """Index the articles under PATHS into INDEX_DIR and return what was done.

    PROGRESS, if given, is called as ``progress(done, total)`` after each file; ON_PROGRESS
    with a Progress after each file and every few hundred records of a streamed file.  CSV_MAP
    names the CSV column of each field, as ``{"title": "headline", "body": "story"}``
    (see ``ingest.csvfile.parse_csv_map``); fields not named are found by their usual names.
    SOURCE, if given, is the source name of every document read in this run.
    CHANGED, if given, restricts the run to those absolute paths (files, or folders whose
    files are all looked at) under PATHS: gone ones have their documents deleted.
    Raises IndexUnavailable when another writer holds the index for too long.
    """
    started = time.perf_counter()
    timeout = float(setting("lock_timeout"))
    max_bytes = int(setting("max_file_mb")) * 1024 * 1024
    paths = [os.fspath(p) for p in paths]
    summary = IndexSummary()
    options = ReadOptions(
        dict(csv_map or {}),
        " ".join(source.split()) if source else None,
        max_record=max_bytes,
    )

    found: list[SourceFile] = []
    listed = discover(paths) if changed is None else discover_changed(paths, changed)
    for item in listed:
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
        run = _Run(
            writer=writer,
            recorded={} if rebuild else recorded_files(writer.reader()),
            summary=summary,
            options=options,
            max_bytes=max_bytes,
            rebuild=rebuild,
            names=set(writer.schema.names()),
            on_progress=on_progress,
            defer=jobs > 1,
        )
        if STORY_FIELD in run.names:
            run.stories = StoryFinder(None if rebuild else writer.reader())
        if on_progress:
            run.progress = Progress(files_total=len(found), bytes_total=_total_size(found))
        seen_paths: set[str] = set()
        for done, source in enumerate(found, start=1):
            seen_paths.add(source.path)
            _index_file(run, source)
            if progress:
                progress(done, len(found))
            if on_progress:
                run.progress.files_done = done
                on_progress(run.progress)
        _add_batch(run)
        _add_deferred(run)
        if not rebuild:
            gone = run.recorded.keys() - seen_paths
            if changed is not None:
                gone = {p for p in gone if p in changed or _under(p, list(changed))}
            for path in gone:
                if _under(path, folders) and not os.path.exists(path):
                    writer.delete_by_term("path", path)
                    summary.deleted += 1
        # Inside the try: a Ctrl-C while the workers finish or the segment is written must
        # still cancel the writer, or its files and worker processes are left behind.
        if rebuild:
            writer.commit(mergetype=CLEAR)
        elif summary.added or summary.updated or summary.deleted or summary.documents:
            writer.commit()
        else:
            writer.cancel()  # nothing changed: no new generation for searchers to reopen
    except BaseException:
        storage.abandon(writer)
        raise
    summary.seconds = time.perf_counter() - started
    with storage.open_index(index_dir).reader() as reader:
        summary.total_documents = reader.doc_count()
    return summary


def _digest(path: str, keep: bool) -> tuple[str, bytes | None]:
    """Return the content hash of PATH, read in chunks, and its bytes if KEEP."""
    digest = hashlib.blake2b(digest_size=16)
    chunks = []
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            if keep:
                chunks.append(chunk)
    return digest.hexdigest(), b"".join(chunks) if keep else None


def _named(run: _Run, source: SourceFile) -> str:
    """Return the source name given for SOURCE's documents ("" if none), as recorded."""
    name = run.options.source or source.source or ""
    return "".join(c for c in name if c.isprintable())


@contextlib.contextmanager
def _no_stream():
    yield None


def _tell(stream) -> int:
    try:
        return stream.tell()
    except (OSError, ValueError):  # closed by the reader at its end
        return 0


_MAX_DEFERRED = 5000  # documents kept waiting for the language model at most
_BATCH = 128  # documents read before their copies are looked for, all at once


def _add_batch(run: _Run) -> None:
    """Find the copies of the documents read so far, then add them (or let them wait)."""
    batch = run.batch
    if not batch:
        return
    if run.stories is not None:
        stories = run.stories.fields_many(
            [(item.id, item.title, item.body) for item, _, _ in batch]
        )
    else:
        stories = [{}] * len(batch)
    for (item, term, add), story in zip(batch, stories):
        language = item.language or detect(_article(item), wait=not run.defer)
        if language is None:
            run.deferred.append((item, term, story, add))
        else:
            add(**_fields(item, term, run.names, language) | story)
        if run.deferred and (model_settled() or len(run.deferred) >= _MAX_DEFERRED):
            _add_deferred(run)
    batch.clear()


def _add_deferred(run: _Run) -> None:
    """Add the documents that waited for the language model (loaded by now, or waited for)."""
    for item, term, story, add in run.deferred:
        add(**_fields(item, term, run.names) | story)
    run.deferred.clear()


def _index_file(run: _Run, source: SourceFile) -> None:
    path = source.path
    summary = run.summary
    before = run.recorded.get(path)
    streamed = is_streamed(path)
    # The digest recorded is the content hash "@" the source name given: renaming a folder's
    # source (--source, .searchidx.json) re-indexes its files without --rebuild.
    named = _named(run, source)
    if before and before.digest.partition("@")[2] != named:
        before = _FileState(-1, -1, before.digest)
    try:
        stat = os.stat(path)
        if not S_ISREG(stat.st_mode):  # opening a FIFO would wait forever for a writer
            raise IngestError("not a regular file (a FIFO, socket or device)")
        if before and before.mtime_ns == stat.st_mtime_ns and before.size == stat.st_size:
            summary.unchanged += 1
            run.progress.bytes_done += stat.st_size
            return
        if stat.st_size > run.max_bytes and not streamed:
            raise IngestError(f"file too large ({stat.st_size / 1e6:.0f} MB)")
        digest, data = _digest(path, keep=not streamed)
    except OSError as exc:
        # Unreadable for now (permissions, vanished): keep what the index already has.
        summary.skipped.append(Skipped(path, f"cannot read ({exc.strerror or exc})"))
        return
    except IngestError as exc:
        summary.skipped.append(Skipped(path, str(exc)))
        return
    state = _FileState(stat.st_mtime_ns, stat.st_size, f"{digest}@{named}" if named else digest)
    if before and before.digest == state.digest and before.size == state.size:
        summary.unchanged += 1  # touched but not changed; keep the old record
        run.progress.bytes_done += stat.st_size
        return
    if before:
        run.writer.delete_by_term("path", path)
    term = state.term(path)
    add = run.writer.add_document if run.rebuild else run.writer.update_document
    written = 0
    progress = run.progress
    bytes_before = progress.bytes_done
    # Whole-file problems (binary, no usable CSV header) are raised before the first document;
    # a read error later in a streamed file keeps the rows read before it.
    try:
        with open(path, "rb") if streamed else _no_stream() as stream:
            for item in iter_documents(source, data, run.options, stream):
                if isinstance(item, Skipped):
                    summary.skipped.append(item)
                    continue
                if isinstance(item, EncodingGuess):
                    summary.guessed.append(item)
                    continue
                where = f"{item.path}:{item.position}" if item.position is not None else item.path
                first = run.seen_ids.setdefault(item.id, item.path, item.position)
                if first != where:
                    reason = f"duplicate id {item.id!r} (first at {first})"
                    summary.skipped.append(Skipped(where, reason))
                    continue
                # Copies are found in reading order, whether or not the document waits.
                run.batch.append((item, term, add))
                if len(run.batch) >= _BATCH:
                    _add_batch(run)
                written += 1
                progress.records += 1
                if stream is not None and run.on_progress and not written % _PROGRESS_EVERY:
                    progress.bytes_done = bytes_before + _tell(stream)
                    run.on_progress(progress)
    except IngestError as exc:
        summary.skipped.append(Skipped(path, str(exc)))
    except OSError as exc:
        summary.skipped.append(Skipped(path, f"cannot read ({exc.strerror or exc})"))
    summary.documents += written
    progress.bytes_done = bytes_before + stat.st_size
    if not written:
        if before:
            summary.deleted += 1
        return
    if before:
        summary.updated += 1
    else:
        summary.added += 1
