"""Open and create the on-disk Whoosh index, and take its single-writer lock.

Whoosh writes new segment files first and then the table of contents (the ``.toc`` file) that
makes them visible, so an index whose writer is killed stays at its previous generation.  Its
write lock is an ``fcntl`` lock, which the kernel releases when the holder dies: a lock file
left by a killed indexer is harmless.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import queue
import signal
import time

from whoosh import index, multiproc
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, EmptyIndexError, FileIndex, clean_files
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import LockError, SegmentWriter

from . import (
    analysis,
    postings_build,
    whoosh_fixes,  # noqa: F401  (installs the Whoosh corrections)
)
from .analysis import NewsAnalyzer
from .codec import NewsCodec
from .errors import IndexUnavailable
from .postingpool import PostingsByTerm
from .schema import build_schema

INDEX_NAME = "MAIN"
LOCK_NAME = f"{INDEX_NAME}_WRITELOCK"


#: Tries at reading a generation that a commit may replace (and delete) while it is read.
_READ_TRIES = 20


def retrying(read):
    """Return READ(), tried again when a commit deleted the generation it was reading.

    Whoosh lists the table-of-contents files, then opens the newest; a commit that lands in
    between deletes it (FileNotFoundError), and the next try finds the new generation.
    """
    for attempt in range(_READ_TRIES):
        try:
            return read()
        except FileNotFoundError:
            if attempt == _READ_TRIES - 1:
                raise
            time.sleep(0.005 * (attempt + 1))
    raise AssertionError("unreachable")


def exists(index_dir: str | os.PathLike) -> bool:
    """Return True when INDEX_DIR holds an index."""
    return os.path.isdir(index_dir) and retrying(
        lambda: index.exists_in(str(index_dir), INDEX_NAME)
    )


def open_index(index_dir: str | os.PathLike) -> FileIndex:
    """Open the index in INDEX_DIR for reading, or raise IndexUnavailable."""
    if not exists(index_dir):
        raise IndexUnavailable(
            f"no index in {index_dir}: build one with 'searchidx index PATH --index {index_dir}'"
        )
    try:
        return retrying(lambda: index.open_dir(str(index_dir), INDEX_NAME))
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


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (no-op elsewhere)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class _Worker(SubWriterTask):
    """Whoosh's analysing subprocess, made to stop with the indexer that started it.

    It inherits the index's flock, so a worker outliving a killed indexer would keep the
    index locked; and a Ctrl-C reaches the whole process group, where the indexer alone
    should answer it (it cancels the workers).
    """

    def run(self):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _die_with_parent()
        if os.getppid() == 1:  # the parent died before the request above took effect
            os._exit(1)
        multiproc.SegmentWriter = _PooledWriter  # this process's writer (Whoosh names it so)
        super().run()

    def _process_file(self, filename, doc_count):
        # A job file is one pickled list of documents (``_ParallelWriter._enqueue``).
        tempstorage = self.writer.temp_storage()
        with tempstorage.open_file(filename).raw_file() as f:
            documents = pickle.loads(f.read())
        tempstorage.delete_file(filename)
        add = self.writer.add_document
        for code, fields in documents:
            assert code == 0  # Whoosh's only job: add a document
            add(**fields)


class _AllResults:
    """The workers' result queue, raising instead of ignoring a worker that sent nothing.

    Whoosh waits one second for each worker's segment and commits without the missing ones,
    which would silently drop that worker's documents.
    """

    def __init__(self, results):
        self._results = results

    def get(self, timeout=None):
        try:
            return self._results.get(timeout=max(timeout or 0, 5))
        except queue.Empty:
            raise IndexUnavailable(
                "an indexing worker process died before finishing; nothing was committed "
                "(run again, or use --jobs 1)"
            ) from None


def _cancel_and_tidy(writer: SegmentWriter) -> None:
    """Cancel WRITER and delete the files it wrote, before it lets go of the lock.

    Whoosh's cancel leaves the half-written segment behind until the next commit; so would
    a killed run, and this also removes those.
    """
    writer._check_state()
    writer._close_segment()
    try:
        clean_files(writer.storage, writer.indexname, writer.generation - 1, writer.segments)
    finally:
        writer._finish()


class _PooledWriter(SegmentWriter):
    """Whoosh's writer, gathering postings per term (``postingpool.PostingsByTerm``) to write faster."""

    def __init__(self, ix, limitmb=128, **kwargs):
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = PostingsByTerm(self._tempstorage, self.newsegment, limitmb=limitmb)
        self._plain = {  # fields indexed the ordinary way: no spelling words, no vectors
            name
            for name, field in self.schema.items()
            if not field.separate_spelling() and not field.vector
        }

    def add_document(self, **fields):
        """Add a document as Whoosh does, its postings handed to the pool a field at a time.

        Whoosh's own method makes a tuple and a pool call per posting; this one, for the
        documents our indexer writes (no boosts, no spelling fields, no vectors), hands each
        field's postings over in one call.  Anything else goes the ordinary way.
        """
        names = [name for name in fields if not name.startswith("_stored_")]
        if not self.pool.gathering or any(
            name.startswith("_") or name not in self._plain for name in names
        ):
            return super().add_document(**fields)
        self._check_state()
        schema = self.schema
        perdocwriter = self.perdocwriter
        docnum = self.docnum
        # Title, body and the words lexicon analysed in one pass (postings_build.py).
        prepared = postings_build.prepare(schema, fields)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in sorted(names):
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if fieldname in prepared:
                    tokens = prepared[fieldname]
                    length = self.pool.add_tokens(fieldname, tokens, docnum, field.scorable)
                elif field.indexed:
                    terms = postings_build.distinct(field, value)
                    if terms is not None:
                        length = self.pool.add_tokens(fieldname, terms, docnum, field.scorable)
                    else:
                        items = field.index(value)
                        length = self.pool.add_field(fieldname, items, docnum, field.scorable)
                customval = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(
                    fieldname, field, customval if field.stored else None, length
                )
                column = field.column_type
                if column and customval is not None:
                    perdocwriter.add_column_value(
                        fieldname, column, field.to_column_value(customval)
                    )
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1


class _Writer(_PooledWriter):
    """Whoosh's writer, cleaning up after itself when cancelled."""

    def cancel(self):
        _cancel_and_tidy(self)


class _ParallelWriter(MpWriter):
    """Whoosh's multi-process writer with workers that never outlive or outlast it."""

    def _new_task(self):
        task = _Worker(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
        )
        task.daemon = True  # never wait for a worker at exit
        self.tasks.append(task)
        task.start()
        return task

    def _enqueue(self):
        """Hand the buffered documents to a worker as one file, pickled in one call.

        Whoosh pickles them one at a time (protocol 2), and its worker reads them back so:
        one call of the newest protocol costs the parent a third of that, and the worker
        half (``_Worker._process_file``).
        """
        filename = f"{multiproc.random_name()}.doclist"
        with self.temp_storage().create_file(filename).raw_file() as f:
            f.write(pickle.dumps(self.docbuffer, pickle.HIGHEST_PROTOCOL))
        if len(self.tasks) < self.procs:
            self._new_task()
        self.jobqueue.put((filename, len(self.docbuffer)))
        self.docbuffer = []

    def _commit(self, mergetype, optimize, merge):
        if self.docbuffer:
            self._enqueue()  # start any last worker with the real queue
        self.resultqueue = _AllResults(self.resultqueue)
        super()._commit(mergetype, optimize, merge)

    def cancel(self):
        # MpWriter.cancel sets a flag on this process's copy of each task: the workers
        # never see it, finish their queue and then wait forever for more.
        for task in self.tasks:
            if task.is_alive():
                task.terminate()
        for task in self.tasks:
            task.join(5)
        # Job files nobody will read may sit in the queue's pipe: exit without flushing them.
        self.jobqueue.cancel_join_thread()
        _cancel_and_tidy(self)


def remove_leftovers(writer) -> int:
    """Delete the files an earlier, killed run left in WRITER's index; return how many.

    Call it right after opening WRITER, which holds the lock, so no other run is writing.
    """
    name = writer.indexname
    keep = {seg.segment_id() for seg in writer.segments} | {writer.newsegment.segment_id()}
    segment = TOC._segment_pattern(name)
    toc = f"_{name}_{writer.generation - 1}.toc"
    removed = 0
    for filename in list(writer.storage.list()):
        match = segment.match(filename)
        if (match and match.group(1) not in keep) or (
            filename.startswith(f"_{name}_") and filename != toc  # old or half-written TOCs
        ):
            try:
                writer.storage.delete_file(filename)
                removed += 1
            except OSError:
                pass
    return removed


def abandon(writer) -> None:
    """Cancel WRITER, whose run failed or was interrupted, unless it is already closed."""
    if getattr(writer, "is_closed", False):
        return  # the commit had finished
    writer.cancel()


def writer(ix: FileIndex, timeout: float, jobs: int, memory_mb: int):
    """Return a writer for IX, waiting up to TIMEOUT seconds for another writer to finish.

    New segments are written with our codec (``searchidx.codec``); older ones keep theirs.
    """
    options = {"timeout": timeout, "delay": 0.1, "limitmb": memory_mb, "codec": NewsCodec()}
    try:
        body = ix.schema["body"] if "body" in ix.schema else None
        if body is not None and isinstance(body.analyzer, NewsAnalyzer):
            analysis.load_stemmer(body.analyzer.stemmer)  # before any --jobs worker forks
        if jobs > 1:
            return _ParallelWriter(ix, procs=jobs, multisegment=True, **options)
        return _Writer(ix, **options)
    except LockError:
        raise _locked(ix.storage.folder, timeout) from None


def size_on_disk(index_dir: str | os.PathLike) -> int:
    """Return the bytes used by the files of INDEX_DIR."""
    total = 0
    for entry in os.scandir(index_dir):
        if entry.is_file():
            total += entry.stat().st_size
    return total
