"""The indexing run's compact set of document ids (searchidx.seenids)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from searchidx.indexer import index_paths
from searchidx.seenids import SeenIds
from searchidx.sortedruns import merge_runs


def test_first_place_is_kept_across_many_runs():
    seen = SeenIds()
    n = 3 * SeenIds.RECENT + 123  # several flushed runs and some merges
    for i in range(n):
        where = seen.setdefault(f"doc-{i}", f"/data/part-{i // 1000}.jsonl", i % 1000)
        assert where == f"/data/part-{i // 1000}.jsonl:{i % 1000}"
    assert len(seen) == n
    # Every id seen again, from anywhere, answers where it was first.
    for i in range(0, n, 7):
        assert seen.setdefault(f"doc-{i}", "/elsewhere.jsonl", 5) == (
            f"/data/part-{i // 1000}.jsonl:{i % 1000}"
        )
    assert seen.setdefault("one-article", "/a/b.txt", None) == "/a/b.txt"
    assert seen.setdefault("one-article", "/a/c.txt", None) == "/a/b.txt"
    assert len(seen) == n + 1


def test_memory_is_28_bytes_an_id_and_runs_stay_few():
    seen = SeenIds()
    n = 20 * SeenIds.RECENT
    for i in range(n):
        seen.setdefault(str(i), "/x.jsonl", i)
    # What a dict of id -> "path:position" strings would hold is ~10 times this.
    assert seen.nbytes <= 28 * n
    assert len(seen._runs) <= int(np.log2(n / SeenIds.RECENT)) + 2
    assert len(seen._paths) == 1  # a path is kept once, not once a document


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 50), max_size=40),
    st.lists(st.integers(0, 50), max_size=40),
)
def test_merge_equals_a_stable_sort_of_both(a, b):
    older = (np.array(sorted(a), np.uint64), np.arange(len(a), dtype=np.int64))
    newer = (np.array(sorted(b), np.uint64), np.arange(len(b), dtype=np.int64) + 1000)
    keys = np.concatenate([older[0], newer[0]])
    tags = np.concatenate([older[1], newer[1]])
    order = np.argsort(keys, kind="stable")
    merged = merge_runs(older, newer)
    assert merged[0].tolist() == keys[order].tolist()
    assert merged[1].tolist() == tags[order].tolist()


def test_duplicate_across_files_names_the_first_record(tmp_path):
    folder = tmp_path / "j"
    folder.mkdir()
    (folder / "a.jsonl").write_text('{"id": "7", "title": "One", "body": "x"}\n')
    (folder / "b.jsonl").write_text(
        '{"id": "8", "title": "Two", "body": "y"}\n{"id": "7", "title": "Again", "body": "z"}\n'
    )
    summary = index_paths(tmp_path / "ix", [folder])
    assert summary.documents == 2
    (skip,) = summary.skipped
    assert skip.reason == f"duplicate id '7' (first at {folder / 'a.jsonl'}:1)"


def test_story_key_table_finds_every_row_after_merges():
    from searchidx.duplicates import _KeyTable

    rng = np.random.default_rng(5)
    table, expected = _KeyTable(), {}
    keys = rng.integers(0, 40_000, size=(8 * _KeyTable._RECENT // 16, 16)).astype(np.uint64)
    for row, row_keys in enumerate(keys):
        table.add(row_keys.tolist(), row)
        table.settle()
        for key in row_keys.tolist():
            expected.setdefault(key, set()).add(row)
    assert len(table._runs) > 1  # flushed and merged
    probes = keys[::37]
    in_runs = table.rows(probes)  # all probes at once
    for probe, found in zip(probes.tolist(), in_runs):
        assert found | table.recent_rows(probe) == set().union(*(expected[k] for k in probe))


def test_what_a_document_costs_the_run_is_within_the_named_bound():
    """The part of the indexing bound that grows with documents (membound.DOCUMENT_KB)."""
    from searchidx.duplicates import StoryFinder
    from searchidx.membound import DOCUMENT_KB

    rng = np.random.default_rng(9)
    words = [f"w{i}" for i in range(5000)]
    stories, seen = StoryFinder(), SeenIds()
    n = 2000  # the story key table has flushed and merged runs by then
    for i in range(n):
        text = " ".join(rng.choice(words, 30).tolist())
        stories.assign(f"d{i}", "", text)
        seen.setdefault(f"d{i}", "/feed.jsonl", i)
    keys = stories._keys
    held = (
        stories._sigs.nbytes
        + stories._stories.nbytes
        + sum(k.nbytes + r.nbytes for k, r in keys._runs)
        + 16 * 12 * len(keys._recent)  # at most: the newest articles' keys, in a dict
        + seen.nbytes
        + 150 * len(seen._recent)  # a dict entry and its tuple of three numbers
    )
    assert len(keys._runs) >= 2
    assert held <= DOCUMENT_KB * 1000 * n, held / n
