"""The buffered column writers write what Whoosh's column writers write."""

from __future__ import annotations

import random

import pytest
from whoosh import columns
from whoosh.filedb.filestore import RamStorage

from searchidx import columnwriters

COLUMNS = [
    (columns.NumericColumn("B", default=0), lambda r: r.choice([0, 0, 1, 7, 255])),
    (columns.NumericColumn("q", default=-1), lambda r: r.choice([-1, 5, 2**40, -(2**40)])),
    (columns.NumericColumn("Q"), lambda r: r.randrange(2**63)),
    (columns.FixedBytesColumn(3, default=b"\0\0\0"), lambda r: r.choice([b"\0\0\0", b"abc"])),
    (columns.VarBytesColumn(), lambda r: r.choice([b"", b"en", b"x" * 300])),
    (columns.VarBytesColumn(write_offsets_cutoff=10), lambda r: r.choice([b"", b"fr"])),
]


@pytest.mark.parametrize("column, value", COLUMNS)
def test_column_bytes_are_whooshs(column, value):
    rng = random.Random(1)
    docs = sorted(rng.sample(range(120_000), 90_000))  # gaps, and past the 64 KB buffer
    store = RamStorage()
    files = [store.create_file("ours"), store.create_file("whoosh")]
    ours = columnwriters.column_writer(column, files[0])
    whooshs = column.writer(files[1])
    assert type(ours) is not type(whooshs)
    for docnum in docs:
        v = value(rng)
        ours.add(docnum, v)
        whooshs.add(docnum, v)
    last = v
    for writer, f in zip((ours, whooshs), files):
        writer.finish(120_005)
        f.close()
    data = store.open_file("ours").read()
    assert data == store.open_file("whoosh").read()
    reader = column.reader(store.open_file("ours"), 0, len(data), 120_005)
    assert len(data) > 65536 or isinstance(column, columns.VarBytesColumn)
    assert reader[docs[-1]] == last  # reads back


def test_other_columns_keep_their_own_writer():
    store = RamStorage()
    column = columns.PickleColumn(columns.VarBytesColumn())
    assert type(columnwriters.column_writer(column, store.create_file("f"))) is column.Writer
