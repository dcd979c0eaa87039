"""HTTP latency and load: ``searchidx serve`` against SQLite FTS5 behind the same kind of server.

Both servers are waitress on 127.0.0.1 serving ``/api/search?q=...`` as JSON (the top 10 with
snippets and the exact total); FTS5's is the small Flask app below, one SQLite connection per
thread.  Each runs in its own process started here; the clients are threads of this process,
each with one keep-alive connection.

* ``latency``: the queries one after another, after a warm-up round: p50 / p95 in ms;
* ``load``: C clients each sending N random queries (seeded) as fast as answered:
  throughput, p50 / p95, errors (any status but 200), and the server's CPU use
  (CPU seconds of its process tree / wall seconds: 2.0 = both cores of two busy).

``python benchmarks/http_load.py fts5-serve --db FILE`` runs the FTS5 server on its own.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import fts5  # noqa: E402

_URL = re.compile(r"http://127\.0\.0\.1:(\d+)/")


# --- the FTS5 server ---------------------------------------------------------


def fts5_app(db: Path):
    """Return a Flask app answering /api/search from the FTS5 database DB."""
    from flask import Flask, jsonify, request

    app = Flask("fts5")
    local = threading.local()

    def connection() -> sqlite3.Connection:
        if getattr(local, "conn", None) is None:
            local.conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        return local.conn

    @app.get("/api/search")
    def search():
        conn = connection()
        q = request.args.get("q", "")
        size = int(request.args.get("page_size", 10))
        try:
            rows = conn.execute(fts5.SEARCH_SQL, (q, size, 0)).fetchall()
            total = conn.execute(fts5.COUNT_SQL, (q,)).fetchone()[0]
        except sqlite3.Error as exc:
            return jsonify(error=str(exc)), 400
        hits = [{"id": r[0], "title": r[1], "snippet": r[2], "score": r[3]} for r in rows]
        return jsonify(query=q, total=total, hits=hits)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    return app


def fts5_serve(db: Path, threads: int) -> None:
    from waitress import create_server

    server = create_server(fts5_app(db), host="127.0.0.1", port=0, threads=threads)
    print(f"Serving FTS5 at http://127.0.0.1:{server.effective_port}/", flush=True)
    server.run()


# --- servers as processes ------------------------------------------------------


class Server:
    """A server process started from ARGV; its base URL is read from its first line."""

    def __init__(self, argv: list[str], env: dict | None = None):
        self.proc = subprocess.Popen(
            argv,
            cwd=REPO_ROOT,
            env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.proc.stdout.readline()
        match = _URL.search(line)
        if not match:
            self.close()
            raise RuntimeError(f"server did not start: {line!r}")
        self.port = int(match.group(1))
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def cpu_seconds(self) -> float:
        """Return the CPU seconds (user + sys) used so far by the server and its children."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in [self.proc.pid, *_children(self.proc.pid)]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / tick

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def searchidx_server(index: Path, threads: int = 4, workers: int = 2) -> Server:
    argv = [sys.executable, "-m", "searchidx", "serve", "--host", "127.0.0.1", "--port", "0"]
    argv += ["--index", str(index), "--threads", str(threads)]
    argv += ["--workers", str(workers)] if workers != 1 else []
    return Server(argv, {"PYTHONPATH": str(REPO_ROOT)})


def fts5_server(db: Path, threads: int = 4) -> Server:
    argv = [sys.executable, str(HERE / "http_load.py"), "fts5-serve", "--db", str(db)]
    return Server(argv + ["--threads", str(threads)])


# --- clients -------------------------------------------------------------------


def _get(conn: http.client.HTTPConnection, query: str) -> tuple[int, float]:
    path = "/api/search?" + urllib.parse.urlencode({"q": query, "page_size": 10})
    t0 = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    return response.status, (time.perf_counter() - t0) * 1000


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    return s[max(0, -(-len(s) * p // 100) - 1)]


def warm(server: Server, queries: list[str], connections: int = 4) -> int:
    """Send every query on CONNECTIONS connections at once (reaching every worker process).

    Return the number of answers that were not 200.
    """
    errors = [0]

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        for q in queries:
            errors[0] += _get(conn, q)[0] != 200
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors[0]


def latency(server: Server, queries: list[str], rounds: int) -> dict:
    """Time each query ROUNDS times, one at a time, after a warm-up round (every worker)."""
    errors = warm(server, queries)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    samples: dict[str, list[float]] = {q: [] for q in queries}
    for _ in range(rounds):
        for q in queries:
            status, ms = _get(conn, q)
            samples[q].append(ms)
    conn.close()
    flat = [ms for v in samples.values() for ms in v]
    return {
        "p50_ms": percentile(flat, 50),
        "p95_ms": percentile(flat, 95),
        "warmup_errors": errors,
        "per_query_median_ms": {q: sorted(v)[len(v) // 2] for q, v in samples.items()},
    }


def load(server: Server, queries: list[str], clients: int, per_client: int, seed: int = 1):
    """Run CLIENTS concurrent clients of PER_CLIENT random queries each; return the figures."""
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def client(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        mine, bad = [], 0
        start.wait()
        for _ in range(per_client):
            try:
                status, ms = _get(conn, rng.choice(queries))
            except OSError:
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
                continue
            mine.append(ms)
            bad += status != 200
        conn.close()
        with lock:
            times.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    cpu0 = server.cpu_seconds()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    cpu = server.cpu_seconds() - cpu0
    return {
        "clients": clients,
        "requests": clients * per_client,
        "seconds": wall,
        "req_per_s": clients * per_client / wall,
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "errors": errors[0],
        "server_cpu_s": cpu,
        "server_cores_used": cpu / wall,
    }


def compare(
    index: Path, db: Path, pairs, rounds: int, load_clients, per_client: int, workers: int = 2
) -> dict:
    """Measure both servers (one at a time) on (searchidx query, FTS5 query) PAIRS.

    searchidx serves with WORKERS processes of 4 threads; FTS5 with one process of 4 threads
    (SQLite releases the GIL while it searches, so one process uses both cores).
    """
    out: dict = {"searchidx_workers": workers}
    for side, start, queries in (
        ("searchidx", lambda: searchidx_server(index, workers=workers), [a for a, _ in pairs]),
        ("fts5", lambda: fts5_server(db), [b for _, b in pairs]),
    ):
        server = start()
        try:
            figures = {"latency": latency(server, queries, rounds)}
            for clients in load_clients:
                figures[f"load_{clients}"] = load(server, queries, clients, per_client)
        finally:
            server.close()
        out[side] = figures
    s, f = out["searchidx"], out["fts5"]
    ratios = {
        "http_p50": _ratio(s["latency"]["p50_ms"], f["latency"]["p50_ms"]),
        "http_p95": _ratio(s["latency"]["p95_ms"], f["latency"]["p95_ms"]),
    }
    for clients in load_clients:
        a, b = s[f"load_{clients}"], f[f"load_{clients}"]
        ratios[f"load_{clients}_throughput"] = _ratio(a["req_per_s"], b["req_per_s"])
        ratios[f"load_{clients}_p95"] = _ratio(a["p95_ms"], b["p95_ms"])
    out["ratios"] = ratios
    return out


def _ratio(a, b):
    return a / b if a is not None and b else None


def table(res: dict) -> str:
    """Return the HTTP figures of one corpus as text lines."""
    s, f, r = res["searchidx"], res["fts5"], res["ratios"]
    lines = [
        f"  /api/search p50 {s['latency']['p50_ms']:.1f} ms vs FTS5 {f['latency']['p50_ms']:.1f}"
        f" ({r['http_p50']:.2f}x); p95 {s['latency']['p95_ms']:.1f} vs "
        f"{f['latency']['p95_ms']:.1f} ({r['http_p95']:.2f}x)"
    ]
    for key in [k for k in s if k.startswith("load_")]:
        a, b = s[key], f[key]
        lines.append(
            f"  {a['clients']:>2} clients: {a['req_per_s']:.0f} req/s vs {b['req_per_s']:.0f} "
            f"({r[key + '_throughput']:.2f}x); p50 {a['p50_ms']:.0f} vs {b['p50_ms']:.0f} ms; "
            f"p95 {a['p95_ms']:.0f} vs {b['p95_ms']:.0f} ms; errors {a['errors']}/{b['errors']}; "
            f"server cores {a['server_cores_used']:.2f} vs {b['server_cores_used']:.2f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the FTS5 server (fts5-serve), or compare both servers on one built pair."""
    ap = argparse.ArgumentParser(description=main.__doc__)
    sub = ap.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("fts5-serve")
    serve.add_argument("--db", type=Path, required=True)
    serve.add_argument("--threads", type=int, default=4)
    both = sub.add_parser("compare")
    both.add_argument("--index", type=Path, required=True)
    both.add_argument("--db", type=Path, required=True)
    both.add_argument("--rounds", type=int, default=3)
    both.add_argument("--clients", default="8,32")
    both.add_argument("--per-client", type=int, default=10)
    both.add_argument("--workers", type=int, default=2, help="searchidx serve --workers")
    args = ap.parse_args(argv)
    if args.command == "fts5-serve":
        fts5_serve(args.db, args.threads)
        return 0
    import speed

    res = compare(
        args.index,
        args.db,
        speed.load_queries(),
        args.rounds,
        [int(c) for c in args.clients.split(",")],
        args.per_client,
        args.workers,
    )
    print(table(res))
    print(json.dumps(res["ratios"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
