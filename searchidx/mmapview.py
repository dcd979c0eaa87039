"""Segment files read in place from the memory map, not copied into each reader's memory.

Whoosh opens a compound segment (one ``.seg`` file) as a memory map and gives each of its
sub-files (postings, term index, columns) to a reader as a ``BufferFile`` over a slice of
the map; ``BufferFile`` wraps the slice in ``io.BytesIO``, which copies it.  So every open
segment reader held a private copy of most of its segment: each thread's searcher its own
(the Engine keeps one searcher per thread), in every server worker, and opening a reader
took time in proportion to the segment.  Measured: ``searchidx serve --workers 2`` (4
threads each) on 42,648 articles (a 148 MB index) held 2.5 GB after one round of the
benchmark's queries; memory grew with the index times the threads.

``ViewFile`` answers the same reads from the map itself: ``read`` copies only the bytes it
returns, and the pages are the operating system's page cache, shared by every reader, thread
and process.  Installed once when ``searchidx.storage`` is imported (``install``).
"""

from __future__ import annotations

from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile

_LINE_CHUNK = 256


class _View:
    """A read-only, seekable file over a memoryview; reads copy only what they return."""

    __slots__ = ("_buf", "_pos")

    def __init__(self, buf: memoryview):
        self._buf = buf
        self._pos = 0

    def read(self, n: int | None = -1) -> bytes:
        start = self._pos
        end = len(self._buf) if n is None or n < 0 else min(len(self._buf), start + n)
        self._pos = max(start, end)
        return bytes(self._buf[start:end])

    def readinto(self, b) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        start = end = self._pos
        limit = len(self._buf) if size is None or size < 0 else min(len(self._buf), start + size)
        while end < limit:
            chunk = bytes(self._buf[end : min(limit, end + _LINE_CHUNK)])
            found = chunk.find(b"\n")
            if found >= 0:
                end += found + 1
                break
            end += len(chunk)
        self._pos = end
        return bytes(self._buf[start:end])

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (0, self._pos, len(self._buf))[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self._buf = memoryview(b"")

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True


class ViewFile(BufferFile):
    """Whoosh's ``BufferFile`` without the copy: the file object reads the view in place."""

    def __init__(self, buf, name=None, onclose=None):
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = _View(memoryview(buf))


def install() -> None:
    """Make compound segments open their sub-files as ``ViewFile`` (idempotent)."""
    compound.BufferFile = ViewFile


install()
