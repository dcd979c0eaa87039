"""Run the app under waitress, in one process or in several sharing one listening socket.

Python runs one thread at a time per process, so a single waitress process keeps one CPU
core busy however many threads it has.  With ``workers`` > 1 the socket is bound once and
each worker (a forked process with its own app, engine and posting cache) accepts
connections from it: the kernel hands each connection to one of them, and every core
serves searches.  Workers die with the server process (Linux ``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import ctypes
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
    try:
        for _ in range(workers):
            pid = os.fork()
            if pid == 0:  # the worker
                code = 0
                try:
                    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server answers ^C
                    signal.signal(signal.SIGTERM, signal.SIG_DFL)
                    _die_with_parent()
                    _serve(make_app, sock, threads)
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


def _serve(make_app: Callable, sock: socket.socket, threads: int) -> None:
    from waitress import create_server

    app = make_app()
    server = create_server(app, sockets=[sock], threads=threads, ident="searchidx")
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
