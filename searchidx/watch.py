"""The live index: keep an index current while files under some folders arrive, change and go.

A watch starts with an ordinary incremental run over the folders (catching up with whatever
changed while nobody watched), then listens to the file system (watchdog: inotify on Linux)
and indexes what changed in small batches.  A batch is an incremental run restricted to the
changed paths (``index_paths(..., changed=...)``), so it has the same guarantees as any run:
it takes the writer lock, commits all of its files or none, and a batch that is interrupted
or killed leaves the index at the last committed batch (the next run tidies its files and
indexes its paths again, since they still differ from what the index recorded).

Batching: a change waits until the watched folders have been quiet for ``watch_delay``
seconds (a file being copied sends many events), but never more than ``watch_max_delay``
seconds after the first change of the batch, so a steady stream of arrivals is committed
every few seconds.  The writer lock is held only while a batch is written: another
``searchidx index`` may run in between, and a batch that cannot get the lock is retried.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .config import setting
from .errors import IndexUnavailable, SearchidxError
from .indexer import IndexSummary, index_paths

#: Events that do not change a file's content.
_IGNORED_EVENTS = {"opened", "closed_no_write"}
#: Batches of at least this many paths are analysed by the --jobs processes.
_PARALLEL_BATCH = 200


class WatchError(SearchidxError):
    """A path given to watch cannot be watched."""


class _Stopped(Exception):
    """Raised inside a run to end it (uncommitted) when the watch is asked to stop."""


class _Changes(FileSystemEventHandler):
    """The paths changed since the last batch, collected from watchdog's thread."""

    def __init__(self, ignore: str) -> None:
        self._ignore = ignore + os.sep
        self._cond = threading.Condition()
        self._paths: set[str] = set()
        self._first = self._last = 0.0

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in _IGNORED_EVENTS:
            return
        if event.is_directory and event.event_type == "modified":
            return  # a folder's own time changes with every file in it
        paths = [os.fsdecode(p) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        paths = [p for p in paths if not (p + os.sep).startswith(self._ignore)]
        if paths:
            self.add(paths)

    def add(self, paths: Iterable[str]) -> None:
        """Record PATHS as changed now."""
        with self._cond:
            now = time.monotonic()
            if not self._paths:
                self._first = now
            self._paths.update(paths)
            self._last = now
            self._cond.notify_all()

    def take(self, delay: float, max_delay: float, stop: threading.Event) -> set[str] | None:
        """Wait for a batch and return its paths, or None once STOP is set."""
        with self._cond:
            while not stop.is_set():
                if self._paths:
                    now = time.monotonic()
                    due = min(self._last + delay, self._first + max_delay)
                    if now >= due:
                        batch, self._paths = self._paths, set()
                        return batch
                    self._cond.wait(min(due - now, 0.2))
                else:
                    self._cond.wait(0.2)  # wake now and then to see STOP
        return None


def watch(
    index_dir: str | os.PathLike,
    paths: Iterable[str | os.PathLike],
    *,
    jobs: int = 1,
    stemmer: str | None = None,
    csv_map: Mapping[str, str] | None = None,
    source: str | None = None,
    stop: threading.Event | None = None,
    on_batch: Callable[[IndexSummary], None] | None = None,
    on_error: Callable[[SearchidxError], None] | None = None,
) -> int:
    """Keep INDEX_DIR current with the files under PATHS until STOP is set; return the batches.

    ON_BATCH is called with the summary of the catch-up run and of each batch; ON_ERROR with
    a batch that could not be committed (the index is locked), which is tried again.  Raises
    WatchError for a path that does not exist, and KeyboardInterrupt on Ctrl-C (the batch in
    progress is not committed; the ones before it are).
    """
    stop = stop or threading.Event()
    roots = [os.path.abspath(p) for p in paths]
    for root in roots:
        if not os.path.exists(root):
            raise WatchError(f"cannot watch {root}: no such file or folder")
    delay = float(setting("watch_delay"))
    max_delay = max(delay, float(setting("watch_max_delay")))
    changes = _Changes(os.path.abspath(index_dir))
    observer = Observer()
    for root in roots:
        # A single file is watched through its folder; events for its neighbours are passed
        # over by the run (they are not under PATHS).
        folder = root if os.path.isdir(root) else os.path.dirname(root)
        observer.schedule(changes, folder, recursive=os.path.isdir(root))

    def check(_done: int, _total: int) -> None:
        if stop.is_set():
            raise _Stopped

    def run(changed: set[str] | None) -> IndexSummary:
        many = changed is None or len(changed) >= _PARALLEL_BATCH
        return index_paths(
            index_dir,
            roots,
            jobs=jobs if many else 1,
            stemmer=stemmer,
            progress=check,
            csv_map=csv_map,
            source=source,
            changed=changed,
        )

    # Listen before catching up, so nothing that changes during the catch-up is missed.
    observer.start()
    batches = 0
    try:
        pending: set[str] | None = None  # None: the whole folders (the catch-up)
        while True:
            try:
                summary = run(pending)
            except IndexUnavailable as exc:  # another writer holds the lock: try again
                if on_error:
                    on_error(exc)
                if pending is None:  # the catch-up: nothing else will bring its paths back
                    if stop.wait(max_delay):
                        break
                    continue
                changes.add(pending)
            else:
                batches += 1
                if on_batch:
                    on_batch(summary)
            pending = changes.take(delay, max_delay, stop)
            if pending is None:
                break
    except _Stopped:
        pass
    finally:
        observer.stop()
        observer.join(5)
    return batches


class BackgroundWatch:
    """A watch running in a thread beside other work (``serve --watch``)."""

    def __init__(
        self,
        index_dir: str | os.PathLike,
        paths: Iterable[str | os.PathLike],
        on_batch: Callable[[IndexSummary], None] | None = None,
        on_error: Callable[[SearchidxError], None] | None = None,
    ) -> None:
        self._stop = threading.Event()
        self._on_error = on_error
        kwargs = {"stop": self._stop, "on_batch": on_batch, "on_error": on_error}
        self._thread = threading.Thread(
            target=self._run, args=(index_dir, list(paths), kwargs), name="searchidx-watch"
        )
        self._thread.daemon = True  # a stuck batch must not keep the process alive

    def _run(self, index_dir, paths, kwargs) -> None:
        try:
            watch(index_dir, paths, **kwargs)
        except SearchidxError as exc:
            if self._on_error:
                self._on_error(exc)

    def start(self) -> BackgroundWatch:
        """Start watching; return self."""
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Stop watching: the batch in progress ends uncommitted; wait up to TIMEOUT seconds."""
        self._stop.set()
        self._thread.join(timeout)
