import os
import time

import pytest

from searchidx import Engine, index_paths, storage
from searchidx.errors import IndexUnavailable
from searchidx.storage import wait_for_lock

from .conftest import copy_tree, corpus


def ids(index_dir, query="*"):
    with Engine(index_dir) as engine:
        return {h.id for h in engine.search(query, page_size=100).hits}


def test_incremental_run_reads_nothing_unchanged(tmp_path, articles):
    index_dir = tmp_path / "ix"
    first = index_paths(index_dir, [articles])
    assert (first.added, first.documents) == (3, 3)
    generation = storage.open_index(index_dir).latest_generation()
    again = index_paths(index_dir, [articles])
    assert (again.unchanged, again.added, again.updated, again.documents) == (3, 0, 0, 0)
    assert storage.open_index(index_dir).latest_generation() == generation  # nothing committed


def test_changed_file_is_replaced_and_deleted_file_removed(tmp_path, articles):
    index_dir = tmp_path / "ix"
    index_paths(index_dir, [articles])
    (articles / "a.txt").write_text("Drought hits the valley\n\nNo rain at all this year.\n")
    (articles / "b.txt").unlink()
    summary = index_paths(index_dir, [articles])
    assert (summary.updated, summary.deleted, summary.unchanged) == (1, 1, 1)
    with Engine(index_dir) as engine:
        assert engine.search("floods").total == 0
        assert engine.search("drought").total == 1
        assert engine.search("election").total == 0
        assert engine.stats()["documents"] == 2


def test_touched_but_unchanged_file_is_not_reindexed(tmp_path, articles):
    index_dir = tmp_path / "ix"
    index_paths(index_dir, [articles])
    later = time.time() + 5
    os.utime(articles / "a.txt", (later, later))
    assert index_paths(index_dir, [articles]).unchanged == 3


def test_rebuild_starts_over(tmp_path, articles):
    index_dir = tmp_path / "ix"
    index_paths(index_dir, [articles])
    summary = index_paths(index_dir, [articles], rebuild=True)
    assert summary.added == 3 and summary.total_documents == 3


def test_other_folders_are_left_alone(tmp_path, articles):
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.txt").write_text("Other news\n\nSomething else entirely.\n")
    index_dir = tmp_path / "ix"
    index_paths(index_dir, [articles])
    index_paths(index_dir, [other])
    with Engine(index_dir) as engine:
        assert engine.stats()["documents"] == 4


def test_second_writer_stops_with_a_clear_message(tmp_path, articles, monkeypatch):
    index_dir = tmp_path / "ix"
    index_paths(index_dir, [articles])
    monkeypatch.setenv("SEARCHIDX_LOCK_TIMEOUT", "0.3")
    lock = wait_for_lock(index_dir, 1)
    try:
        with pytest.raises(IndexUnavailable, match="another 'searchidx index' is writing"):
            index_paths(index_dir, [articles])
    finally:
        lock.release()
    assert index_paths(index_dir, [articles]).unchanged == 3


def test_duplicate_ids_are_reported_not_silently_merged(tmp_path):
    folder = tmp_path / "j"
    folder.mkdir()
    (folder / "a.jsonl").write_text(
        '{"id": "1", "title": "One", "body": "x"}\n{"id": "1", "title": "Again", "body": "y"}\n'
    )
    summary = index_paths(tmp_path / "ix", [folder])
    assert summary.documents == 1
    assert any("duplicate id '1'" in s.reason for s in summary.skipped)


@pytest.mark.corpus
def test_bbc_incremental_edit_and_delete(tmp_path):
    source = copy_tree(corpus("bbc"), tmp_path / "bbc")
    index_dir = tmp_path / "ix"
    first = index_paths(index_dir, [source], jobs=2)
    assert first.added == 2226 and first.skipped == []
    again = index_paths(index_dir, [source])
    assert again.unchanged == 2226 and again.documents == 0
    (source / "tech" / "001.txt").write_text(
        "Quasicrystal gadget launched\n\nA quasicrystal phone.\n"
    )
    (source / "sport" / "002.txt").unlink()
    third = index_paths(index_dir, [source])
    assert (third.updated, third.deleted, third.documents) == (1, 1, 1)
    with Engine(index_dir) as engine:
        assert [h.id for h in engine.search("quasicrystal").hits] == ["bbc/tech/001.txt"]
        assert engine.document("bbc/sport/002.txt") is None
        assert engine.stats()["documents"] == 2225
