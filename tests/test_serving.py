"""``searchidx serve --workers N``: N processes answer from one socket, share the connections, and stop with it."""

from __future__ import annotations

import http.client
import json
import os
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


def _sockets(pid: int) -> int:
    fds = Path(f"/proc/{pid}/fd")
    return sum(1 for fd in fds.iterdir() if os.readlink(fd).startswith("socket:"))


def test_workers_share_the_connections(seed_index):
    # Keep-alive connections stay with the worker that accepted them: each must get its share.
    with serving(seed_index, "--workers", "2", with_process=True) as (base, proc):
        workers = _children(proc.pid)
        idle = {pid: _sockets(pid) for pid in workers}
        port = int(base.rsplit(":", 1)[1].strip("/"))
        connections = []
        for _ in range(8):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/api/search?q=military")
            assert conn.getresponse().read()
            connections.append(conn)
        held = sorted(_sockets(pid) - idle[pid] for pid in workers)
        for conn in connections:
            conn.close()
        assert sum(held) == 8 and held[0] >= 3, held
