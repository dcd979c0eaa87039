"""Bounded, thread-safe caches of arrays and bytes, one of each kind per process.

Segments never change, so what is decoded from one (posting lists, per-document arrays,
stored-field blocks) can be kept for as long as memory allows: each kind of cache is sized
by its setting and made on first use.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from .config import setting


class ArrayCache:
    """A thread-safe least-recently-used map from keys to arrays, bounded in bytes."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, load):
        """Return the value for KEY, calling LOAD() to make it when it is not kept."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return value
            self.misses += 1
        value = load()  # outside the lock: two threads may decode the same list once each
        size = _size(value)
        if size > self.max_bytes:
            return value
        with self._lock:
            if key not in self._items:
                self._items[key] = value
                self.bytes += size
                while self.bytes > self.max_bytes:
                    _, dropped = self._items.popitem(last=False)
                    self.bytes -= _size(dropped)
        return value

    def __contains__(self, key) -> bool:
        with self._lock:
            return key in self._items

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._items.clear()
            self.bytes = 0


def _size(value) -> int:
    return getattr(value, "nbytes", 64) + 64


_made: dict[str, ArrayCache] = {}
_made_lock = threading.Lock()


def process_cache(size_setting: str) -> ArrayCache:
    """Return this process's cache sized by SIZE_SETTING (in MB), made on first use."""
    made = _made.get(size_setting)
    if made is None:
        with _made_lock:
            made = _made.get(size_setting)
            if made is None:
                made = _made[size_setting] = ArrayCache(int(float(setting(size_setting)) * 2**20))
    return made


def forget(size_setting: str) -> None:
    """Drop the cache of SIZE_SETTING, so the next use makes it anew (tests change sizes)."""
    with _made_lock:
        _made.pop(size_setting, None)
