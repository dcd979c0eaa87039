"""The term table and term infos: read by Whoosh's reader, smaller than Whoosh's, positions kept
in Python."""

from __future__ import annotations

import random
import struct
from array import array

import numpy as np
import pytest
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter, _pointer, md5_hash
from whoosh.util.numeric import byte_to_length, length_to_byte

from searchidx import byterows
from searchidx.terminfo import (
    COMPACT_LIST,
    COMPACT_ONE,
    NewsTermInfo,
    compact_list,
    compact_lists,
    compact_one,
    compact_ones,
    doc_frequency,
)
from searchidx.termtable import PositionFile, TermTableWriter, key_hash, slots_for


def _items(count):
    rng = random.Random(4)
    keys = sorted(
        {bytes(rng.randrange(256) for _ in range(rng.randint(1, 12))) for _ in range(count)}
    )
    return [(k, bytes(rng.randrange(256) for _ in range(rng.randint(0, 40)))) for k in keys]


def test_key_hash_is_whooshs_md5_hash():
    for key, _value in _items(500):
        assert key_hash(key) == md5_hash(key)


def _write_both(tmp_path, items):
    store = FileStorage(str(tmp_path))
    ours = TermTableWriter(PositionFile(store.create_file("ours")))
    whooshs = OrderedHashWriter(store.create_file("whoosh"))
    for writer in (ours, whooshs):
        writer.extras["fieldmap"] = {"body": 0}
        for key, value in items:
            writer.add(key, value)
        writer.close()
    return store, (tmp_path / "ours").read_bytes(), (tmp_path / "whoosh").read_bytes()


@pytest.mark.parametrize("count", [1, 3, 300, 6000])  # 6000: past 64 KB (a wider array)
def test_term_table_is_read_by_whooshs_reader_with_smaller_hash_tables(tmp_path, count):
    items = _items(count)
    store, data, whoosh_data = _write_both(tmp_path, items)
    ours = OrderedHashReader(store.open_file("ours"), len(data))
    whooshs = OrderedHashReader(store.open_file("whoosh"), len(whoosh_data))
    try:
        # The records are Whoosh's bytes; only the hash tables after them are smaller.
        assert ours.endofdata == whooshs.endofdata
        assert data[: ours.endofdata] == whoosh_data[: whooshs.endofdata]
        assert list(ours.items()) == list(whooshs.items()) == items
        assert all(ours[key] == value for key, value in items)
        # A missing key ends its search at an empty slot, in every table.
        present = {key for key, _ in items}
        missing = [key + b"~" for key, _ in items if key + b"~" not in present]
        missing += [bytes([n]) * 13 for n in range(256)]
        assert not any(key in ours for key in missing if key not in present)
        assert [key for key, _ in ours.items_from(items[len(items) // 2][0])] == [
            key for key, _ in items[len(items) // 2 :]
        ]
        slots = sum(numslots for _, numslots in ours.tables)
        assert slots == sum(slots_for(len(bucket)) for bucket in _buckets(items))
        assert len(whoosh_data) - len(data) == _pointer.size * (
            sum(n for _, n in whooshs.tables) - slots
        )
    finally:
        ours.close()
        whooshs.close()


def _buckets(items):
    buckets = [[] for _ in range(256)]
    for key, _ in items:
        buckets[md5_hash(key) & 255].append(key)
    return buckets


def test_position_file_knows_where_it_is(tmp_path):
    store = FileStorage(str(tmp_path))
    f = PositionFile(store.create_file("f"))
    f.write(b"abc")
    f.write_int(7)
    f.write_array(array("I", [1, 2, 3]))
    f.write_pickle({"x": 1})
    f.write(memoryview(array("H", [5, 6])))
    assert f.tell() == f.file.tell()
    f.close()
    assert (tmp_path / "f").stat().st_size == f._pos


def _fields(info):
    offset, length = info.extent()
    if isinstance(length, tuple):  # Whoosh's W3 reads a list's length back as a 1-tuple
        length = length[0]
    return (
        info.weight(),
        info.doc_frequency(),
        info.min_length(),
        info.max_length(),
        info.max_weight(),
        info.min_id(),
        info.max_id(),
        (offset, length) if not info.is_inlined() else info.inlined_postings(),
    )


_WEIGHTS = [1.0, 3.0, 12.5, 0.1, 2.0**24 + 1, 7e9, 0.0]  # whole, not, past float32's integers


def test_a_posting_lists_compact_term_info_reads_back_as_w3s():
    rng = random.Random(9)
    for n in range(400):
        ours, w3 = NewsTermInfo(), W3TermInfo()
        weight, maxweight = rng.choice(_WEIGHTS), rng.choice(_WEIGHTS)
        minlength = rng.choice([None, 0, 1, 3, 200, 70000])
        minid = rng.choice([0, 5, 200, 70000, 2**31])
        for info in (ours, w3):
            info._weight, info._df, info._maxweight = weight, rng.randint(2, 10**6), maxweight
            info._minlength, info._maxlength = minlength, rng.choice([0, 5, 200, 10**6])
            info._minid, info._maxid = minid, minid + rng.choice([1, 7, 10**6])
            info.set_extent(rng.choice([0, 4, 123456789012]), rng.choice([20, 4096, 2**31 - 1]))
        w3._df, w3._maxlength, w3._maxid = ours._df, ours._maxlength, ours._maxid
        w3._offset, w3._length = ours._offset, ours._length
        compact = ours.to_bytes()
        assert compact[0] == COMPACT_LIST
        assert _fields(NewsTermInfo.from_bytes(compact)) == _fields(
            NewsTermInfo.from_bytes(w3.to_bytes())
        ), n
        assert doc_frequency(compact) == doc_frequency(w3.to_bytes()) == ours._df

    # A typical list (whole weights, a few hundred documents): half W3's 35 bytes.
    info = NewsTermInfo(weight=412.0, df=230, minlength=3, maxlength=900, maxweight=9.0)
    info._minid, info._maxid = 1200, 20950
    info.set_extent(1_300_000, 2100)
    assert len(info.to_bytes()) <= 18


def test_a_lone_postings_compact_term_info_holds_it():
    rng = random.Random(3)
    for n in range(400):
        info = NewsTermInfo()
        docnum, weight = rng.choice([0, 9, 300, 2**32 - 2]), rng.choice(_WEIGHTS)
        value = rng.choice([b"", b"\x01", bytes(range(40))])
        info._minlength = info._maxlength = rng.choice([0, 1, 9, 300, 10**6])
        info._df, info._minid, info._maxid = 1, docnum, docnum
        info._weight = info._maxweight = weight
        info.hold(docnum, weight, value)
        data = info.to_bytes()
        assert data[0] == COMPACT_ONE and doc_frequency(data) == 1
        back = NewsTermInfo.from_bytes(data)
        kept = struct.unpack("<f", struct.pack("<f", weight))[0]  # float32, as a block keeps it
        lengths = tuple(  # as a length byte keeps them
            byte_to_length(length_to_byte(n)) for n in (info.min_length(), info.max_length())
        )
        assert _fields(back) == (
            kept,
            1,
            *lengths,
            kept,
            docnum,
            docnum,
            ((docnum,), (kept,), (value or None,)),
        ), n
        # The W3-sized form (flags 2) that indexes written before hold reads the same.
        old = (
            W3TermInfo._struct.pack(2, kept, 1, *map(length_to_byte, lengths), kept, docnum, docnum)
            + struct.pack("<If", docnum, kept)
            + value
        )
        assert _fields(NewsTermInfo.from_bytes(old)) == _fields(back)
        assert doc_frequency(old) == 1
        assert len(data) <= len(old) - 18


def _write_in_bulk(tmp_path, name, items, split):
    """Write ITEMS through ``add_many`` in runs of SPLIT keys sharing a prefix of 2 bytes."""
    store = FileStorage(str(tmp_path))
    writer = TermTableWriter(PositionFile(store.create_file(name)))
    writer.extras["fieldmap"] = {"body": 0}
    for start in range(0, len(items), split):
        run = items[start : start + split]
        writer.add_many(b"\x00\x07", [k for k, _ in run], byterows.of_bytes([v for _, v in run]))
    writer.close()
    return (tmp_path / name).read_bytes()


@pytest.mark.parametrize("count", [1, 300, 6000])  # 6000: past 64 KB (a wider array)
def test_keys_added_in_bulk_make_the_same_file_as_one_at_a_time(tmp_path, count):
    items = _items(count)
    store = FileStorage(str(tmp_path))
    one = TermTableWriter(PositionFile(store.create_file("one")))
    one.extras["fieldmap"] = {"body": 0}
    for key, value in items:
        one.add(b"\x00\x07" + key, value)
    one.close()
    expected = (tmp_path / "one").read_bytes()
    assert _write_in_bulk(tmp_path, "bulk", items, len(items)) == expected
    assert _write_in_bulk(tmp_path, "runs", items, 7) == expected  # a run continues the last


def test_keys_added_in_bulk_must_increase(tmp_path):
    store = FileStorage(str(tmp_path))
    writer = TermTableWriter(PositionFile(store.create_file("t")))
    writer.add_many(b"", [b"b", b"c"], byterows.of_bytes([b"1", b"2"]))
    with pytest.raises(ValueError, match="increase"):
        writer.add_many(b"", [b"c", b"d"], byterows.of_bytes([b"1", b"2"]))  # c again
    with pytest.raises(ValueError, match="increase"):
        writer.add_many(b"", [b"e", b"g", b"f"], byterows.of_bytes([b"1", b"2", b"3"]))
    writer.close()


def test_term_infos_made_in_bulk_are_those_made_one_at_a_time():
    rng = random.Random(5)
    n = 3000
    docs = [rng.choice([0, 1, 127, 128, 16384, 2**31 - 1, rng.randrange(2**32)]) for _ in range(n)]
    weights = [rng.choice([*_WEIGHTS, float(rng.randrange(1, 3000))]) for _ in range(n)]
    lows = [rng.randrange(256) for _ in range(n)]
    highs = [rng.randrange(256) for _ in range(n)]
    values = [
        bytes(rng.randrange(256) for _ in range(rng.choice([0, 0, 3, 9, 200]))) for _ in range(n)
    ]
    bulk = compact_ones(
        np.array(docs),
        np.array(weights),
        np.array(lows),
        np.array(highs),
        byterows.of_bytes(values),
    )
    assert bulk.rows() == [compact_one(*row) for row in zip(docs, weights, lows, highs, values)]

    dfs = [rng.choice([2, 3, 200, 10**6]) for _ in range(n)]
    maxweights = [rng.choice(_WEIGHTS) for _ in range(n)]
    minids = [rng.choice([0, 5, 70000, 2**31]) for _ in range(n)]
    maxids = [m + rng.choice([1, 7, 10**6]) for m in minids]
    offsets = [rng.choice([0, 4, 123456789012]) for _ in range(n)]
    lengths = [rng.choice([20, 4096, 2**31 - 1]) for _ in range(n)]
    columns = (weights, dfs, lows, highs, maxweights, minids, maxids, offsets, lengths)
    bulk = compact_lists(*map(np.array, columns))
    assert bulk.rows() == [compact_list(*row) for row in zip(*columns)]
