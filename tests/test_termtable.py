"""The term table and term infos are written as Whoosh writes them, positions kept in Python."""

from __future__ import annotations

import random
from array import array

from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter, md5_hash

from searchidx.terminfo import NewsTermInfo
from searchidx.termtable import PositionFile, TermTableWriter, key_hash


def _items(count):
    rng = random.Random(4)
    keys = sorted(
        {bytes(rng.randrange(256) for _ in range(rng.randint(1, 12))) for _ in range(count)}
    )
    return [(k, bytes(rng.randrange(256) for _ in range(rng.randint(0, 40)))) for k in keys]


def test_key_hash_is_whooshs_md5_hash():
    for key, _value in _items(500):
        assert key_hash(key) == md5_hash(key)


def test_term_table_is_byte_for_byte_whooshs_and_reads_back(tmp_path):
    items = _items(6000)  # past 64 KB: Whoosh widens its array of key positions
    store = FileStorage(str(tmp_path))
    ours = TermTableWriter(PositionFile(store.create_file("ours")))
    whooshs = OrderedHashWriter(store.create_file("whoosh"))
    for writer in (ours, whooshs):
        writer.extras["fieldmap"] = {"body": 0}
        for key, value in items:
            writer.add(key, value)
        writer.close()
    data = (tmp_path / "ours").read_bytes()
    assert data == (tmp_path / "whoosh").read_bytes() and len(data) > 65536
    reader = OrderedHashReader(store.open_file("ours"), len(data))
    assert [reader[k] for k, _ in items[::50]] == [v for _, v in items[::50]]
    reader.close()


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


def test_a_posting_lists_term_info_packs_as_w3s():
    for minlength, minid in ((None, None), (3, 0), (70000, 12)):
        ours, w3 = NewsTermInfo(), W3TermInfo()
        for info in (ours, w3):
            info._weight, info._df, info._maxweight = 12.5, 4, 3.0
            info._minlength, info._maxlength, info._minid, info._maxid = minlength, 200, minid, 99
            info.set_extent(123456789012, 4096)
        assert ours.to_bytes() == w3.to_bytes()
        back = NewsTermInfo.from_bytes(ours.to_bytes())
        assert back.extent()[0] == 123456789012 and back.doc_frequency() == 4
