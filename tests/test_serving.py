"""``searchidx serve --workers N``: N processes answer from one socket, and stop with it."""

from __future__ import annotations

import json
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .helpers import serving


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return json.load(answer)


def test_workers_answer_together_and_stop_with_the_server(seed_index):
    with serving(seed_index, "--workers", "2", with_process=True) as (base, proc):
        workers = _children(proc.pid)
        assert len(workers) == 2
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(_get, [f"{base}/api/search?q=military+operations"] * 24))
        assert {a["total"] for a in answers} == {1}
    time.sleep(0.5)
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
