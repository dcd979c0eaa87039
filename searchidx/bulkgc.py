"""Python's cyclic garbage collector tuned for a bulk run (an indexing run).

CPython collects its youngest generation every 700 net new container objects (tuples,
lists, dicts) and now and then all of them.  Indexing makes millions of such objects that
live on (the normalisers' memos, stories, term numbers) and millions that die at once,
and almost none in reference cycles: on Reuters with ``--jobs 2``, about 1,600 collections
and 0.6 CPU s over the three processes by the collector's own callbacks, for nearly
nothing found; the build's user CPU was about 1 s more with them than without.  During the run the young
generation is collected every ``YOUNG`` objects instead, and what exists when the run starts
(modules, the stem table) is frozen out of every collection (``gc.freeze``, which also
spares forked workers from copying the pages the collector would touch).  Cycles are still
collected, less often; the collector's settings are restored when the run ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG = 50_000  # new container objects between collections of the youngest generation

_lock = threading.Lock()
_runs = 0  # bulk runs under way in this process (threads): the first tunes, the last restores
_threshold: tuple[int, int, int] | None = None


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the body with the collector as the module docstring says, then restore it."""
    global _runs, _threshold
    with _lock:
        if not _runs:
            _threshold = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(max(YOUNG, _threshold[0]), *_threshold[1:])
        _runs += 1
    try:
        yield
    finally:
        with _lock:
            _runs -= 1
            if not _runs:
                gc.set_threshold(*_threshold)
                gc.unfreeze()
