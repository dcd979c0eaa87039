"""An indexing run tunes Python's garbage collector for itself and restores it after (bulkgc)."""

from __future__ import annotations

import gc
import threading

from searchidx import bulkgc, index_paths


def test_an_indexing_run_collects_less_often_and_restores_the_collector(tmp_path):
    seen = []
    before = gc.get_threshold()
    (tmp_path / "a.txt").write_text("Title\n\nSome words about troops and markets.\n")

    def progress(done, total):
        seen.append((gc.get_threshold()[0], gc.get_freeze_count() > 0))

    index_paths(tmp_path / "ix", [tmp_path], progress=progress)
    assert seen == [(bulkgc.YOUNG, True)]  # during the run
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0  # after it


def test_overlapping_runs_restore_the_collector_when_the_last_ends():
    before = gc.get_threshold()
    first_inside = threading.Event()
    release = threading.Event()

    def long_run():
        with bulkgc.fewer_collections():
            first_inside.set()
            release.wait(10)

    thread = threading.Thread(target=long_run)
    thread.start()
    first_inside.wait(10)
    with bulkgc.fewer_collections():
        assert gc.get_threshold()[0] == bulkgc.YOUNG
    assert gc.get_threshold()[0] == bulkgc.YOUNG  # the first run is still under way
    release.set()
    thread.join()
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_the_collector_is_restored_when_a_run_fails():
    before = gc.get_threshold()
    try:
        with bulkgc.fewer_collections():
            raise RuntimeError("failed")
    except RuntimeError:
        pass
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
