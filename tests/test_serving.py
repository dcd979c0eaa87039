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


def _server_sockets(client_ports: set[int]) -> set[str]:
    """Return the inodes of the server ends of the TCP connections from CLIENT_PORTS."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[2].split(":")[1], 16) in client_ports:  # the remote end is ours
            found.add(fields[9])
    return found


def _held(pid: int, inodes: set[str]) -> int:
    fds = Path(f"/proc/{pid}/fd")
    return sum(1 for fd in fds.iterdir() if os.readlink(fd)[8:-1] in inodes)


def test_workers_share_the_connections(seed_index):
    # Keep-alive connections stay with the worker that accepted them: each must get its share.
    with serving(seed_index, "--workers", "2", with_process=True) as (base, proc):
        workers = _children(proc.pid)
        port = int(base.rsplit(":", 1)[1].strip("/"))

        def client(_) -> http.client.HTTPConnection:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for query in ("military", "operations", "iraq+troops"):
                conn.request("GET", f"/api/search?q={query}")
                assert conn.getresponse().read()
            return conn

        with ThreadPoolExecutor(8) as pool:  # 8 clients at once, as in a load run
            connections = list(pool.map(client, range(8)))
        inodes = _server_sockets({conn.sock.getsockname()[1] for conn in connections})
        held = sorted(_held(pid, inodes) for pid in workers)
        for conn in connections:
            conn.close()
        assert sum(held) == 8 and held[0] >= 3, held
