"""Killing or interrupting an indexer never loses documents and never leaves a broken index.

The indexer commits once at the end; Whoosh writes the new segment files, then a new table of
contents by an atomic rename.  These tests kill a real ``searchidx index`` process at random
moments and check that the index always shows the old or the new generation, whole.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time

import pytest

from searchidx import Engine, index_paths

from .helpers import cli_args, cli_env, index_files, run_cli, write_corpus

OLD, NEW = 200, 300  # documents before and after the run that gets killed
KILLS = 10
SEED = int(os.environ.get("SEARCHIDX_CRASH_SEED", "20261124"))


@pytest.fixture(scope="module")
def generations(tmp_path_factory):
    """A corpus of OLD+NEW articles and an index holding only the OLD ones."""
    base = tmp_path_factory.mktemp("crash")
    corpus = base / "corpus"
    write_corpus(corpus, OLD, marker="oldgeneration")
    old_index = base / "old-index"
    index_paths(old_index, [corpus])
    write_corpus(corpus, NEW, start=OLD, marker="newgeneration")
    return corpus, old_index


def fresh_copy(old_index, target):
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(old_index, target)
    return target


def assert_whole_generation(index_dir) -> int:
    """Check the index opens and shows the old or the new generation, never a mix."""
    with Engine(index_dir) as engine:
        total = engine.stats()["documents"]
        assert total in (OLD, OLD + NEW), f"{total} documents: neither generation"
        old = engine.search("oldgeneration", page_size=1).total
        new = engine.search("newgeneration", page_size=1).total
        assert old == OLD  # no run may lose documents that were committed
        assert new == (0 if total == OLD else NEW)
    return total


def start_index(corpus, index_dir, *extra):
    return subprocess.Popen(
        cli_args("index", str(corpus), "--index", str(index_dir), "-q", *extra),
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, like a job in a shell
    )


def wait_until_writing(proc, index_dir, timeout=60.0) -> None:
    """Wait until PROC has opened its writer (Whoosh makes a MAIN.tmp folder for its pool)."""
    deadline = time.monotonic() + timeout
    while not (index_dir / "MAIN.tmp").exists():
        if proc.poll() is not None:
            return  # finished already
        assert time.monotonic() < deadline
        time.sleep(0.01)


def rerun_completes(corpus, index_dir, in_process=False):
    if in_process:  # the same code as the command, without the seconds of start-up
        assert index_paths(index_dir, [corpus]).total_documents == OLD + NEW
    else:
        done = run_cli("index", str(corpus), "--index", str(index_dir))
        assert done.returncode == 0, done.stderr
        assert f"{OLD + NEW} in the index" in done.stderr
    with Engine(index_dir) as engine:
        assert engine.stats()["documents"] == OLD + NEW
    assert index_files(index_dir) == set(), "files of killed runs were left behind"


def phases(corpus, old_index, tmp_path) -> tuple[float, float]:
    """Return the seconds a full run takes to start writing, and then to finish."""
    index_dir = fresh_copy(old_index, tmp_path / "timing")
    started = time.monotonic()
    proc = start_index(corpus, index_dir)
    wait_until_writing(proc, index_dir)
    writing = time.monotonic()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return writing - started, time.monotonic() - writing


@pytest.mark.slow
def test_sigkill_at_random_moments_keeps_a_whole_generation(generations, tmp_path):
    corpus, old_index = generations
    startup, work = phases(corpus, old_index, tmp_path)
    rng = random.Random(SEED)
    index_dir = tmp_path / "index"
    kills = finished = 0
    seen = set()
    while kills < KILLS:
        assert kills + finished < KILLS * 3, "the runs kept finishing before the kill"
        fresh_copy(old_index, index_dir)
        # Mostly plain runs; some with worker processes, some rebuilding from scratch.
        extra = {3: ["-j", "2"], 1: ["--rebuild"]}.get(kills % 4, [])
        proc = start_index(corpus, index_dir, *extra)
        # Kill moments cover start-up, reading, analysis and the final commit.
        if rng.random() < 0.2:
            time.sleep(rng.uniform(0, startup))
        else:
            wait_until_writing(proc, index_dir)
            time.sleep(rng.uniform(0, 1.2 * work))
        if proc.poll() is not None:
            finished += 1
        else:
            os.killpg(proc.pid, signal.SIGKILL)
            kills += 1
        proc.communicate(timeout=30)
        seen.add(assert_whole_generation(index_dir))
        rerun_completes(corpus, index_dir, in_process=kills % 3 != 0)
    print(f"{kills} kills survived ({finished} runs finished first); generations seen: {seen}")


@pytest.mark.slow
def test_repeated_kills_leave_no_growing_pile_of_files(generations, tmp_path):
    corpus, old_index = generations
    index_dir = fresh_copy(old_index, tmp_path / "index")
    for moment in (0.1, 0.4, 0.8):
        proc = start_index(corpus, index_dir)
        wait_until_writing(proc, index_dir)
        time.sleep(moment)
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
    assert_whole_generation(index_dir)
    rerun_completes(corpus, index_dir)  # the next commit removes what the killed runs wrote


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_is_one_line_exit_130_and_a_clean_index(generations, tmp_path, jobs):
    corpus, old_index = generations
    index_dir = fresh_copy(old_index, tmp_path / "index")
    before = set(os.listdir(index_dir))
    proc = start_index(corpus, index_dir, "-j", jobs)
    wait_until_writing(proc, index_dir)
    time.sleep(0.3)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C sends: the whole foreground group
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert (
        err
        == "searchidx: interrupted: the index is as it was before this run (nothing was committed)\n"
    )
    assert "Traceback" not in out + err
    assert assert_whole_generation(index_dir) == OLD
    assert set(os.listdir(index_dir)) == before  # cancelled writers tidy up after themselves
    rerun_completes(corpus, index_dir)
