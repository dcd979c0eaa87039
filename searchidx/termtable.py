"""The segment's term table and postings file written with positions kept in Python.

Whoosh asks a file where it is (``tell``) several times per term while a segment is
written: the postings writer where each term's list starts and ends, the term table where
each key goes (twice).  A ``StructFile`` answers from the operating system (a buffered
file's ``tell`` is an ``lseek``), 3.8% of a Reuters build.  ``PositionFile`` counts the
bytes it writes instead, and ``TermTableWriter`` is Whoosh's ordered hash writer with that
position and a cheaper key hash.

Its hash tables are smaller than Whoosh's.  A key costs a 12-byte slot (hash, position),
and Whoosh makes twice the slots of the keys, so a term cost 24 bytes of slots: more than
its key and compact term info together (``terminfo.py``).  Here a table has a quarter more
slots than keys (and one empty, where a search for a missing key stops).  Whoosh's reader
takes any number of slots (each table's is in the directory), so the file is still one
Whoosh reads.  Lookups probe more slots: through Whoosh's reader, on 80,000 keys, 16.4 us
for a key found and 18.8 for one missing (Whoosh's tables: 13.6 and 10.1), a few lookups a
query.  The postings file is written exactly as Whoosh's writer writes it.
"""

from __future__ import annotations

import pickle
from copy import copy
from hashlib import md5
from operator import lt

import numpy as np
from whoosh.filedb.filetables import OrderedHashWriter, _lengths, _pointer
from whoosh.filedb.structfile import StructFile
from whoosh.system import IS_LITTLE

from . import byterows
from .byterows import Column

_NULL_SLOT = _pointer.pack(0, 0)


class PositionFile(StructFile):
    """A ``StructFile`` for writing that knows its position without asking the file."""

    def __init__(self, inner: StructFile):
        super().__init__(inner.file, name=inner._name, onclose=inner.onclose)
        self._pos = inner.tell()

    def write(self, data) -> int:
        self.file.write(data)
        size = len(data) if type(data) is bytes else memoryview(data).nbytes
        self._pos += size
        return size

    def tell(self) -> int:
        return self._pos

    def seek(self, *args):
        result = self.file.seek(*args)
        self._pos = self.file.tell()
        return result

    def truncate(self, *args):
        raise NotImplementedError("PositionFile is written front to back")

    def write_array(self, arry) -> None:
        if IS_LITTLE:  # Whoosh stores arrays big-endian
            arry = copy(arry)
            arry.byteswap()
        self.write(arry.tobytes())

    def write_pickle(self, obj, protocol=-1) -> None:
        self.write(pickle.dumps(obj, protocol))


def slots_for(entries: int) -> int:
    """Return the slots of a hash table of ENTRIES keys: a quarter more (Whoosh: twice)."""
    return entries + (entries >> 2) + 1 if entries else 0


def key_hash(key: bytes) -> int:
    """Return Whoosh's MD5 hash of KEY (``filetables.md5_hash``) from the digest's bytes."""
    return int.from_bytes(md5(key, usedforsecurity=False).digest()[12:], "big")


class TermTableWriter(OrderedHashWriter):
    """Whoosh's ``OrderedHashWriter`` (the ``.trm`` term table) over a ``PositionFile``."""

    def __init__(self, dbfile: PositionFile):
        super().__init__(dbfile)  # hash type 0: MD5, as Whoosh's term tables
        self._buckets = self.buckets
        self._write = dbfile.file.write

    def add(self, key: bytes, value: bytes) -> None:
        if key <= self.lastkey:
            raise ValueError(f"Keys must increase: {self.lastkey!r}..{key!r}")
        dbfile = self.dbfile
        pos = dbfile._pos
        try:
            self.index.array.append(pos)
        except OverflowError:  # Whoosh's growable array takes a wider type
            self.index.append(pos)
        record = _lengths.pack(len(key), len(value)) + key + value
        self._write(record)  # PositionFile.write, inlined
        dbfile._pos = pos + len(record)
        h = int.from_bytes(md5(key, usedforsecurity=False).digest()[12:], "big")
        self._buckets[h & 255].append((h, pos))
        self.lastkey = key

    def add_many(self, prefix: bytes, texts: list[bytes], values: Column) -> None:
        """Add the keys PREFIX + each of TEXTS (increasing) with VALUES' rows, as ``add`` would."""
        if not texts:
            return
        keys = [prefix + text for text in texts]
        if keys[0] <= self.lastkey or not all(map(lt, keys, keys[1:])):
            raise ValueError(f"Keys must increase: {self.lastkey!r}, {keys[0]!r}...")
        keys_column = byterows.of_bytes(keys)
        heads = np.empty((len(keys), 2), ">i4")  # _lengths: the key's and the value's
        heads[:, 0] = keys_column.lengths
        heads[:, 1] = values.lengths
        records = byterows.join([byterows.fixed(heads), keys_column, values])
        dbfile = self.dbfile
        ends = np.cumsum(records.lengths)
        positions = (ends - records.lengths + dbfile._pos).tolist()
        self._write(records.flat.tobytes())
        dbfile._pos += int(ends[-1])
        try:
            self.index.array.fromlist(positions)  # all or nothing
        except (OverflowError, AttributeError):  # Whoosh's growable array takes a wider type
            self.index.extend(positions)
        digests = b"".join(md5(key, usedforsecurity=False).digest() for key in keys)
        hashes = np.frombuffer(digests, ">u4")[3::4].tolist()  # key_hash: the last 4 bytes
        buckets = self._buckets
        for h, pos in zip(hashes, positions):
            buckets[h & 255].append((h, pos))
        self.lastkey = keys[-1]

    def _write_hashes(self) -> None:
        # Whoosh's tables (linear probing in the order the keys came), packed per table,
        # with fewer empty slots (module docstring).
        dbfile = self.dbfile
        pack = _pointer.pack
        for entries in self.buckets:
            numslots = slots_for(len(entries))
            self.directory.append((dbfile.tell(), numslots))
            table = [None] * numslots
            for hashval, position in entries:
                slot = (hashval >> 8) % numslots
                while table[slot] is not None:
                    slot = (slot + 1) % numslots
                table[slot] = pack(hashval, position)
            dbfile.write(b"".join(_NULL_SLOT if t is None else t for t in table))
