"""Helpers for the robustness tests: generated corpora and the CLI run as a real process."""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from whoosh import index as whoosh_index

from searchidx import storage

from .conftest import ROOT


def cli_env(**extra: str) -> dict:
    """Return an environment that makes subprocesses run this checkout's searchidx."""
    env = dict(os.environ)
    env.pop("SEARCHIDX_INDEX", None)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    env.update(extra)
    return env


def cli_args(*args: str) -> list[str]:
    return [sys.executable, "-m", "searchidx", *args]


def run_cli(*args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    """Run searchidx ARGS as a subprocess and return the finished process."""
    return subprocess.run(
        cli_args(*args), env=cli_env(**env), capture_output=True, text=True, timeout=timeout
    )


_VOCABULARY_SEED = 1234


def vocabulary(size: int = 4000) -> list[str]:
    rng = random.Random(_VOCABULARY_SEED)
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(4, 9))) for _ in range(size)]


def write_corpus(
    folder: Path, count: int, start: int = 0, marker: str = "", words: int = 120
) -> list[Path]:
    """Write COUNT generated articles d{n}.txt into FOLDER, each containing MARKER."""
    folder.mkdir(parents=True, exist_ok=True)
    vocab = vocabulary()
    rng = random.Random(start)
    written = []
    for n in range(start, start + count):
        body = " ".join(rng.choice(vocab) for _ in range(words))
        path = folder / f"d{n:05d}.txt"
        path.write_text(f"Generated article {n}\n\n{marker} {body}\n")
        written.append(path)
    return written


def index_files(index_dir: Path) -> set[str]:
    """Return the names in INDEX_DIR that are not part of its current generation."""
    ix = whoosh_index.open_dir(str(index_dir), storage.INDEX_NAME)
    live = {seg.segment_id() for seg in ix._segments()}
    gen = ix.latest_generation()
    stray = set()
    for name in os.listdir(index_dir):
        if name in (storage.LOCK_NAME, f"_{storage.INDEX_NAME}_{gen}.toc"):
            continue
        if name.split(".", 1)[0] in live:
            continue
        stray.add(name)
    return stray


@contextlib.contextmanager
def serving(index_dir: Path, *options: str, with_process: bool = False):
    """Run ``searchidx serve OPTIONS`` on INDEX_DIR at a free port of 127.0.0.1; yield its URL.

    The URL is read from the first line serve prints, and the server is known to be up once
    ``/healthz`` answers.  WITH_PROCESS yields (URL, the server's process) instead.
    """
    proc = subprocess.Popen(
        cli_args(
            "serve", "--host", "127.0.0.1", "--port", "0", "--index", str(index_dir), *options
        ),
        cwd=ROOT,
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, f"unexpected first line from serve: {line!r}"
        base = f"http://127.0.0.1:{match.group(1)}"
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:
                    assert json.load(answer)["status"] == "ok"
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.1)
        yield (base, proc) if with_process else base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stdout.close()


def all_postings(reader) -> dict:
    """Return every term's postings in READER as {(field, term bytes): [(id, weight, value)]}."""
    found = {}
    for fieldname, btext in reader.all_terms():
        matcher = reader.postings(fieldname, btext)
        postings = []
        while matcher.is_active():
            postings.append((matcher.id(), matcher.weight(), matcher.value()))
            matcher.next()
        found[(fieldname, btext)] = postings
    return found
