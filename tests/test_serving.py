"""``searchidx serve --workers N``: N processes answer from one socket, and stop with it."""

from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .conftest import ROOT
from .helpers import cli_args, cli_env


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return json.load(answer)


def test_workers_answer_together_and_stop_with_the_server(seed_index):
    proc = subprocess.Popen(
        cli_args("serve", "--port", "0", "--workers", "2", "--index", str(seed_index)),
        cwd=ROOT,
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        base = "http://127.0.0.1:" + re.search(r"127\.0\.0\.1:(\d+)/", line).group(1)
        deadline = time.monotonic() + 30
        while True:
            try:
                assert _get(f"{base}/healthz")["status"] == "ok"
                break
            except OSError:
                assert time.monotonic() < deadline, "the workers never answered"
                time.sleep(0.2)
        workers = _children(proc.pid)
        assert len(workers) == 2
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(_get, [f"{base}/api/search?q=military+operations"] * 24))
        assert {a["total"] for a in answers} == {1}
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        proc.stdout.close()
    time.sleep(0.5)
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
