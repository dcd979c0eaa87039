"""The live index: files written, changed, renamed and deleted while watching are indexed.

Each test polls the real index on disk (a fresh reader each time) until the change shows,
within a bounded wait; a watcher that never commits fails the test.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
import urllib.parse
import urllib.request

import pytest

from searchidx import storage
from searchidx.watch import BackgroundWatch, WatchError, watch

from .helpers import cli_args, cli_env, index_files, run_cli, write_corpus

WAIT = 30.0  # seconds a change may take to show (it takes about one; the machine is shared)


@pytest.fixture(autouse=True)
def quick_batches(monkeypatch):
    monkeypatch.setenv("SEARCHIDX_WATCH_DELAY", "0.2")
    monkeypatch.setenv("SEARCHIDX_WATCH_MAX_DELAY", "1")


def ids_for(index_dir, word: str) -> set[str]:
    """Return the ids of the documents whose body holds WORD, read from a fresh reader."""
    if not storage.exists(index_dir):
        return set()
    from whoosh.query import Term

    def read():
        with storage.open_index(index_dir).searcher() as searcher:
            return {hit["id"] for hit in searcher.search(Term("body", word), limit=None)}

    return storage.retrying(read)  # a batch may commit while the generation is read


def doc_count(index_dir) -> int:
    if not storage.exists(index_dir):
        return 0

    def read():
        with storage.open_index(index_dir).reader() as reader:
            return reader.doc_count()

    return storage.retrying(read)


def wait_for(condition, what: str, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, f"not within {timeout:g}s: {what}"
        time.sleep(0.05)
    return value


def article(path, title: str, body: str) -> None:
    # Written under another name and renamed, as a downloader does, or in one write.
    path.write_text(f"{title}\n\n{body}\n")


@pytest.fixture
def watched(tmp_path):
    """A folder being watched into an index by a background watch; yields (folder, index)."""
    folder = tmp_path / "news"
    folder.mkdir()
    article(folder / "first.txt", "First story", "An aardvark opened the fair.")
    index_dir = tmp_path / "index"
    batches = []
    errors = []
    watcher = BackgroundWatch(index_dir, [folder], batches.append, errors.append).start()
    wait_for(lambda: batches, "the catch-up run")
    yield folder, index_dir
    watcher.stop()
    assert not errors


def test_catch_up_then_new_file_is_searchable(watched):
    folder, index_dir = watched
    assert ids_for(index_dir, "aardvark") == {"news/first.txt"}
    article(folder / "second.txt", "Second story", "A bandicoot crossed the river.")
    wait_for(lambda: ids_for(index_dir, "bandicoot") == {"news/second.txt"}, "new file")
    assert doc_count(index_dir) == 2


def test_modified_file_is_replaced(watched):
    folder, index_dir = watched
    article(folder / "first.txt", "First story", "A capybara closed the fair.")
    wait_for(lambda: ids_for(index_dir, "capybara"), "modified file")
    assert ids_for(index_dir, "aardvark") == set()
    assert doc_count(index_dir) == 1


def test_renamed_file_changes_id_and_deleted_file_goes(watched):
    folder, index_dir = watched
    (folder / "first.txt").rename(folder / "renamed.txt")
    wait_for(lambda: ids_for(index_dir, "aardvark") == {"news/renamed.txt"}, "renamed file")
    assert doc_count(index_dir) == 1
    (folder / "renamed.txt").unlink()
    wait_for(lambda: doc_count(index_dir) == 0, "deleted file")


def test_folder_moved_in_and_removed(watched, tmp_path):
    folder, index_dir = watched
    outside = tmp_path / "incoming"
    write_corpus(outside, 5, marker="movedin")
    os.rename(outside, folder / "batch")
    wait_for(lambda: len(ids_for(index_dir, "movedin")) == 5, "folder moved in")
    assert "news/batch/d00000.txt" in ids_for(index_dir, "movedin")
    os.rename(folder / "batch", tmp_path / "gone")  # out of the watched tree
    wait_for(lambda: not ids_for(index_dir, "movedin"), "folder moved out")
    assert ids_for(index_dir, "aardvark") == {"news/first.txt"}


def test_jsonl_appended_to_is_reindexed(watched):
    folder, index_dir = watched
    feed = folder / "feed.jsonl"
    with feed.open("w") as out:
        out.write(json.dumps({"id": "f1", "title": "Feed one", "body": "dromedary"}) + "\n")
    wait_for(lambda: ids_for(index_dir, "dromedari") == {"f1"}, "jsonl record")
    with feed.open("a") as out:
        out.write(json.dumps({"id": "f2", "title": "Feed two", "body": "dromedary"}) + "\n")
    wait_for(lambda: ids_for(index_dir, "dromedari") == {"f1", "f2"}, "appended record")


def test_hidden_and_unsupported_files_are_passed_over(watched):
    folder, index_dir = watched
    article(folder / ".draft.txt", "Draft", "An echidna in a hidden draft.")
    (folder / "notes.md").write_text("An echidna in notes.\n")
    article(folder / "real.txt", "Real", "An emu in a real article.")
    wait_for(lambda: ids_for(index_dir, "emu"), "the real article")
    assert ids_for(index_dir, "echidna") == set()


def test_index_inside_the_watched_folder_does_not_feed_itself(tmp_path):
    folder = tmp_path / "news"
    write_corpus(folder, 3, marker="selfwatch")
    stop = threading.Event()
    batches = []

    def on_batch(summary):
        batches.append(summary)
        if len(batches) == 1:
            threading.Timer(2.0, stop.set).start()  # two quiet seconds, then stop

    done = watch(folder / "index", [folder], stop=stop, on_batch=on_batch)
    assert done == 1, [b.line() for b in batches]  # the index's own files made no batch
    assert len(ids_for(folder / "index", "selfwatch")) == 3


def test_missing_folder_is_an_error(tmp_path):
    with pytest.raises(WatchError, match="no such file or folder"):
        watch(tmp_path / "index", [tmp_path / "nowhere"], stop=threading.Event())


@pytest.mark.slow
def test_burst_of_a_thousand_files(watched):
    folder, index_dir = watched
    started = time.monotonic()
    write_corpus(folder / "burst", 1000, marker="burstword", words=60)
    wait_for(lambda: doc_count(index_dir) == 1001, "1,000 files", timeout=180)
    assert len(ids_for(index_dir, "burstword")) == 1000
    print(f"1,000 files searchable {time.monotonic() - started:.1f}s after the first was written")
    with storage.open_index(index_dir).reader() as reader:
        assert len(list(reader.leaf_readers())) < 20  # small batches are merged as they go


def start_watch(corpus, index_dir, **env):
    return subprocess.Popen(
        cli_args("index", str(corpus), "--index", str(index_dir), "--watch", "-q"),
        env=cli_env(SEARCHIDX_WATCH_DELAY="0.1", SEARCHIDX_WATCH_MAX_DELAY="0.5", **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def test_cli_watch_ctrl_c_exits_130(tmp_path):
    corpus = tmp_path / "news"
    write_corpus(corpus, 3, marker="clistart")
    index_dir = tmp_path / "index"
    proc = start_watch(corpus, index_dir)
    try:
        wait_for(lambda: doc_count(index_dir) == 3, "catch-up")
        write_corpus(corpus, 1, start=3, marker="cliadded")
        wait_for(lambda: ids_for(index_dir, "cliad"), "file added while watching")
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert err.startswith("searchidx: stopped watching;") and err.count("\n") == 1, err
    assert index_files(index_dir) == set()


@pytest.mark.slow
def test_kill_9_mid_batch_loses_nothing_committed(tmp_path):
    corpus = tmp_path / "news"
    write_corpus(corpus, 20, marker="killtest")
    index_dir = tmp_path / "index"
    proc = start_watch(corpus, index_dir)
    try:
        wait_for(lambda: doc_count(index_dir) == 20, "catch-up")
        stop = threading.Event()

        def keep_writing():  # batches keep coming until the kill, however fast they are
            n = 20
            while not stop.is_set() and n < 20_000:
                write_corpus(corpus, 50, start=n, marker="killtest")
                n += 50
                time.sleep(0.05)

        writer = threading.Thread(target=keep_writing)
        writer.start()
        # Kill while a batch is being written (Whoosh's pool folder exists), after at least
        # one batch of the burst has been committed.
        wait_for(lambda: doc_count(index_dir) > 20, "a first batch of the burst", timeout=60)
        deadline = time.monotonic() + 60
        while not (index_dir / "MAIN.tmp").exists():
            assert time.monotonic() < deadline, "no batch was seen being written"
            time.sleep(0.002)
        committed = doc_count(index_dir)
        os.killpg(proc.pid, signal.SIGKILL)
        stop.set()
        writer.join()
    finally:
        stop.set()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
    after = doc_count(index_dir)
    assert after >= committed  # nothing committed is lost
    assert len(ids_for(index_dir, "killtest")) == after  # postings agree with the documents
    done = run_cli("index", str(corpus), "--index", str(index_dir))
    assert done.returncode == 0, done.stderr
    assert doc_count(index_dir) == len(list(corpus.iterdir()))
    assert index_files(index_dir) == set(), "files of the killed batch were left behind"


def test_serve_watch_indexes_while_serving(tmp_path):
    corpus = tmp_path / "news"
    write_corpus(corpus, 2, marker="servestart")
    index_dir = tmp_path / "index"
    proc = subprocess.Popen(
        cli_args("serve", "--port", "0", "--index", str(index_dir), "--watch", str(corpus)),
        env=cli_env(SEARCHIDX_WATCH_DELAY="0.1", SEARCHIDX_WATCH_MAX_DELAY="0.5"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        base = line.split(" at ", 1)[1].split()[0].rstrip("/")

        def total(word):
            url = f"{base}/api/search?" + urllib.parse.urlencode({"q": word})
            with urllib.request.urlopen(url, timeout=5) as answer:
                return json.load(answer)["total"]

        wait_for(lambda: total("servestart") == 2, "catch-up through the API")
        write_corpus(corpus, 1, start=2, marker="serveadded")
        wait_for(lambda: total("serveadded") == 1, "new file through the API")
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert index_files(index_dir) == set()
