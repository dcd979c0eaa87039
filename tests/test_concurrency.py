"""Concurrent and leftover writers: a second run waits a bounded time or stops; nothing breaks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from searchidx import Engine, index_paths, storage
from searchidx.cli import cli

from .helpers import cli_args, cli_env, index_files, write_corpus

HOLD_LOCK = """
import sys, time
from searchidx import storage
lock = storage.wait_for_lock(sys.argv[1], 5)
print("locked", flush=True)
time.sleep(600)
"""


@pytest.fixture
def small_index(tmp_path):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 40, marker="first")
    index_dir = tmp_path / "index"
    index_paths(index_dir, [corpus])
    write_corpus(corpus, 20, start=40, marker="second")
    return corpus, index_dir


def hold_lock(index_dir):
    """Start a process that takes INDEX_DIR's write lock and keeps it; return it once locked."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(index_dir)],
        env=cli_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline() == "locked\n"
    return proc


def stop(proc, sig=signal.SIGKILL):
    proc.send_signal(sig)
    proc.communicate(timeout=30)


def test_lock_file_of_a_killed_writer_does_not_block(small_index, runner, monkeypatch):
    corpus, index_dir = small_index
    stop(hold_lock(index_dir))  # killed while holding the lock: the file stays
    assert (index_dir / storage.LOCK_NAME).exists()
    monkeypatch.setenv("SEARCHIDX_LOCK_TIMEOUT", "30")
    started = time.monotonic()
    result = runner.invoke(cli, ["index", str(corpus), "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 20  # the kernel dropped the flock: no wait at all
    assert "60 in the index" in result.output


def test_running_writer_makes_the_next_run_wait_then_stop(small_index, runner, monkeypatch):
    corpus, index_dir = small_index
    holder = hold_lock(index_dir)
    try:
        monkeypatch.setenv("SEARCHIDX_LOCK_TIMEOUT", "1")
        started = time.monotonic()
        result = runner.invoke(cli, ["index", str(corpus), "--index", str(index_dir)])
        waited = time.monotonic() - started
    finally:
        stop(holder)
    assert result.exit_code == 2
    assert result.output == (
        f"searchidx: another 'searchidx index' is writing to {index_dir} (waited 1s); "
        "run again when it has finished\n"
    )
    assert 1 <= waited < 10
    with Engine(index_dir) as engine:
        assert engine.stats()["documents"] == 40  # untouched
    result = runner.invoke(cli, ["index", str(corpus), "--index", str(index_dir)])
    assert result.exit_code == 0 and "60 in the index" in result.output


def test_stopped_writer_holds_the_lock_and_the_wait_is_bounded(small_index, runner, monkeypatch):
    corpus, index_dir = small_index
    holder = hold_lock(index_dir)
    holder.send_signal(signal.SIGSTOP)  # a hung writer: alive, holding the lock, doing nothing
    try:
        monkeypatch.setenv("SEARCHIDX_LOCK_TIMEOUT", "0.5")
        result = runner.invoke(cli, ["index", str(corpus), "--index", str(index_dir)])
    finally:
        holder.send_signal(signal.SIGCONT)
        stop(holder)
    assert result.exit_code == 2 and "is writing to" in result.output


def test_two_index_runs_at_once_never_corrupt(small_index):
    corpus, index_dir = small_index
    write_corpus(corpus, 200, start=60, marker="third")
    procs = [
        subprocess.Popen(
            cli_args("index", str(corpus), "--index", str(index_dir)),
            env=cli_env(SEARCHIDX_LOCK_TIMEOUT="60"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    for proc, (_, err) in zip(procs, outputs):
        assert proc.returncode == 0, err  # the second waited for the first
        assert err.endswith("260 in the index\n")
    assert sorted(err.split(" added")[0].split()[-1] for _, err in outputs) == ["0", "220"]
    with Engine(index_dir) as engine:
        assert engine.stats()["documents"] == 260
        assert engine.search("third").total == 200
    assert index_files(index_dir) == set()


def test_files_left_by_a_killed_run_are_reported_and_removed(small_index, runner):
    corpus, index_dir = small_index
    for name in (
        "MAIN_0123456789abcdef.pst",
        "MAIN_0123456789abcdef._stored.col",
        "_MAIN_7.toc.x1",
    ):
        (index_dir / name).write_bytes(b"half-written")
    result = runner.invoke(cli, ["index", str(corpus), "--index", str(index_dir)])
    assert result.exit_code == 0
    assert (
        "searchidx: an earlier run was killed before it finished; removed the 3 files it left "
        "in the index (the index itself was intact)\n"
    ) in result.output
    assert index_files(index_dir) == set()
    assert set(os.listdir(index_dir)) >= {storage.LOCK_NAME}


def test_ctrl_c_in_any_command_is_one_line_and_130(small_index, runner, monkeypatch):
    _, index_dir = small_index

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("searchidx.search.Engine.search", interrupted)
    result = runner.invoke(cli, ["query", "first", "--index", str(index_dir)])
    assert result.exit_code == 130
    assert result.output == "searchidx: interrupted\n"
