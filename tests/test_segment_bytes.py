"""A segment written by our per-term and per-document writers is byte for byte what the
writers they replace (Whoosh's term table, column writers and field types) write, but for
the term table's hash tables, which are smaller and find the same records."""

from __future__ import annotations

import copy
import json
import random

from whoosh.codec.whoosh3 import W3FieldWriter
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter
from whoosh.filedb.structfile import BufferFile

from benchmarks.segment_writing import WHOOSH_TYPES, WhooshPerDocWriter
from searchidx import Engine, index_paths, storage
from searchidx.codec import NewsCodec, NewsFieldWriter
from searchidx.schema import build_schema

from .helpers import vocabulary


class _WhooshFieldWriter(NewsFieldWriter):
    """Our field writer with Whoosh's term table and files (what it was before termtable.py)."""

    __init__ = W3FieldWriter.__init__
    _create_file = W3FieldWriter._create_file
    start_field = W3FieldWriter.start_field
    finish_term = W3FieldWriter.finish_term


class _WhooshWritersCodec(NewsCodec):
    def per_document_writer(self, storage, segment):
        return WhooshPerDocWriter(self, storage, segment)

    def field_writer(self, storage, segment):
        return _WhooshFieldWriter(self, storage, segment)


def _add_one_at_a_time(table, prefix, texts, values):
    """``TermTableWriter.add_many`` for Whoosh's term table: each key through its ``add``."""
    for text, value in zip(texts, values.rows()):
        table.add(prefix + text, value)


def _whoosh_schema(stemmer):
    schema = copy.deepcopy(build_schema(stemmer))
    for _name, field in schema.items():
        field.__class__ = WHOOSH_TYPES.get(type(field), type(field))
    return schema


def _feed(path, count):
    vocab = vocabulary(3000)
    rng = random.Random(7)
    sources = ["Reuters", "Agence France-Presse", "The Guardian", "BBC News"]
    with open(path, "w") as out:
        for n in range(count):
            record = {
                "id": f"r{n}",
                "title": " ".join(rng.choice(vocab) for _ in range(rng.randint(2, 9))),
                "body": " ".join(rng.choice(vocab) for _ in range(rng.randint(5, 300))),
            }
            if n % 4:  # some documents without a date, a source or a URL
                record["date"] = f"20{10 + n % 7:02d}-0{1 + n % 9}-{1 + n % 27:02d}"
            if n % 5:
                record["source"] = sources[n % len(sources)]
            if n % 3:
                record["url"] = f"https://example.org/{n % 13}/story-{n}.html"
            out.write(json.dumps(record) + "\n")


def _subfiles(index_dir):
    [seg] = list(index_dir.glob("*.seg"))
    segid = seg.name.split("_")[1].split(".")[0]
    files = CompoundStorage(FileStorage(str(index_dir)).open_file(seg.name), use_mmap=False)
    try:
        return {n.replace(segid, "SEG"): files.open_file(n).read() for n in files.list()}
    finally:
        files.close()


def _term_table(data: bytes) -> tuple[bytes, dict]:
    """Return a term table's records and {key: value} as Whoosh's reader finds them by hash."""
    table = OrderedHashReader(BufferFile(data), len(data))
    return data[: table.endofdata], {key: table[key] for key in table.keys()}


def test_segment_is_byte_for_byte_what_whooshs_writers_make(tmp_path, monkeypatch):
    feed = tmp_path / "feed.jsonl"
    _feed(feed, 1200)  # a term table past 64 KB (Whoosh widens its position array)
    index_paths(tmp_path / "ours", [feed])
    monkeypatch.setattr(storage, "NewsCodec", _WhooshWritersCodec)
    monkeypatch.setattr(storage, "build_schema", _whoosh_schema)
    monkeypatch.setattr(OrderedHashWriter, "add_many", _add_one_at_a_time, raising=False)
    index_paths(tmp_path / "whoosh", [feed])
    ours, whooshs = _subfiles(tmp_path / "ours"), _subfiles(tmp_path / "whoosh")
    assert sorted(ours) == sorted(whooshs)
    for name in ours:
        if name.endswith(".trm"):  # its hash tables are smaller on purpose (termtable.py)
            ours_table, whooshs_table = _term_table(ours[name]), _term_table(whooshs[name])
            assert ours_table[0] == whooshs_table[0]  # every record, byte for byte
            assert ours_table[1] == whooshs_table[1]  # every key found by hash
            assert len(ours[name]) < len(whooshs[name])
        else:
            assert ours[name] == whooshs[name], name
    assert len(ours["MAIN_SEG.trm"]) > 65536
    assert {"MAIN_SEG.date.col", "MAIN_SEG._url_len.col", "MAIN_SEG.language.col"} <= set(ours)
    with Engine(tmp_path / "ours") as engine:  # and it is searched as before
        assert engine.search("source:reuters", page_size=1).total == sum(
            1 for n in range(1200) if n % 5 and n % 4 == 0
        )
