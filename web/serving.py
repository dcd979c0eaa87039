"""Run the app under waitress, in one process or in several sharing one listening socket.

Python runs one thread at a time per process, so a single waitress process keeps one CPU
core busy however many threads it has.  With ``workers`` > 1 the socket is bound once and
each worker (a forked process with its own app, engine and posting cache) accepts
connections from it, and every core serves searches.  Workers die with the server process
(Linux ``PR_SET_PDEATHSIG``).

A connection stays with the worker that accepted it (HTTP keep-alive), so who accepts
matters: left to the kernel, the worker that waited last is woken first for each new
connection, and in a load run on BBC one worker did 80-90% of the work while the other
core idled (one socket per worker, ``SO_REUSEPORT``, spreads them by a hash: still 6 to 2
of 8 clients as often as not).  So a worker listens only while it holds no more
connections than the least busy worker (their counts are in shared memory).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import socket
from collections.abc import Callable


def run_workers(
    make_app: Callable, host: str, port: int, threads: int, workers: int, announce: Callable
) -> None:
    """Serve MAKE_APP() on HOST:PORT with THREADS threads in each of WORKERS processes.

    ANNOUNCE(port) is called once the socket listens.  Returns when interrupted (Ctrl+C or
    SIGTERM) or when every worker has stopped; the workers are stopped with it.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family, backlog=1024)
    sock.setblocking(False)
    announce(sock.getsockname()[1])
    children = []
    counts = multiprocessing.RawArray("i", workers)  # open connections, per worker
    try:
        for number in range(workers):
            pid = os.fork()
            if pid == 0:  # the worker
                code = 0
                try:
                    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server answers ^C
                    signal.signal(signal.SIGTERM, signal.SIG_DFL)
                    _die_with_parent()
                    _serve(make_app, sock, threads, _Balance(counts, number))
                except BaseException:  # noqa: BLE001 - a worker never returns into the CLI
                    code = 1
                finally:
                    os._exit(code)
            children.append(pid)
        signal.signal(signal.SIGTERM, _interrupt)
        for pid in children:
            os.waitpid(pid, 0)
    except KeyboardInterrupt:
        pass
    finally:
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        sock.close()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


class _Balance:
    """The open-connection counts of all workers, and the number of this one."""

    SLACK = 1  # connections a worker may hold beyond the least busy one's

    def __init__(self, counts, number: int):
        self.counts = counts
        self.number = number

    def listen_wrapper(self, server) -> Callable[[], bool]:
        """Return SERVER's ``readable`` that also says no while others hold fewer connections."""
        readable = server.readable

        def balanced() -> bool:
            mine = len(server.active_channels)
            self.counts[self.number] = mine
            return readable() and mine <= min(self.counts) + self.SLACK

        return balanced


def _serve(make_app: Callable, sock: socket.socket, threads: int, balance: _Balance) -> None:
    from waitress import create_server

    app = make_app()
    # A worker that stops listening looks again when its loop wakes: at the latest after
    # asyncore_loop_timeout seconds, kept short so a freed worker does not wait long.
    # (Set after: the option's parser makes it a whole number of seconds.)
    server = create_server(app, sockets=[sock], threads=threads, ident="searchidx")
    server.adj.asyncore_loop_timeout = 0.1
    server.readable = balance.listen_wrapper(server)
    try:
        server.run()
    finally:
        server.close()
        app.extensions["searchidx"].close()


def _die_with_parent() -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
