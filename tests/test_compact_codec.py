"""Packed positions (poscodec) and one-posting term infos (terminfo): same reads, older indexes.

Round trips of the packed layout, the fast path's positions read straight from packed
blocks against the bytes Whoosh decodes, and an index written in the layout main wrote
before (plain value bytes, every term a posting list) opening, searching, taking new
documents and merging, with the same results as an index built now.
"""

from __future__ import annotations

import json
import pickle
import random
import zlib

import pytest
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.formats import Positions

from searchidx import Engine, codec, index_paths, poscodec, postings, storage
from searchidx.codec import NewsFieldWriter, NewsPostingsWriter
from searchidx.terminfo import NewsTermInfo

from .helpers import write_corpus
from .test_multilingual import ARTICLES

_encode = Positions().encode


def _lists(rng: random.Random) -> list[list[int]]:
    found = [[0], [5], [70000], [1, 2, 3], [3, 70000, 140001], list(range(0, 300, 3))]
    for _ in range(200):
        start = rng.randint(0, 2000)
        found.append(sorted({start + rng.randint(0, 400) for _ in range(rng.randint(1, 9))}))
    return found


def test_packed_positions_read_back_as_whooshs_bytes_and_as_arrays():
    rng = random.Random(7)
    lists = _lists(rng)
    values = [_encode(p) for p in lists]
    packed = poscodec.encode(values)
    assert packed is not None
    assert poscodec.decode(packed, 0) == tuple(values)
    counts, flat = poscodec.block_positions(packed, 0)
    assert counts.tolist() == [len(p) for p in lists]
    assert flat.tolist() == [n for p in lists for n in p]
    data = b"".join(values)
    assert poscodec.encode(None, data, [len(v) for v in values]) == packed


def test_packed_positions_are_smaller_than_whooshs_bytes():
    values = [_encode(p) for p in _lists(random.Random(8))[6:]]  # deltas of 16 bits
    packed, plain = poscodec.encode(values), b"".join(values)
    assert len(packed) < 0.6 * len(plain)
    assert len(zlib.compress(packed)) < 0.9 * len(zlib.compress(plain))


@pytest.mark.parametrize(
    "value",
    [
        b"\x00\x00\x00\x02" + pickle.dumps([1], 2),  # count disagrees
        b"\x00\x00\x00\x01garbage",
        b"\x00\x00\x00\x01" + pickle.dumps(["a"], 2),
    ],
)
def test_values_not_in_whooshs_positions_form_are_not_packed(value):
    assert poscodec.encode([_encode([1, 2]), value]) is None


def _write_world(folder, extra: int = 0):
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"id": i, "title": t, "body": b}) for i, _, t, b in ARTICLES]
    (folder / "world.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_corpus(folder / "gen", 260 + extra, words=150)


def test_fast_path_positions_from_packed_blocks_equal_decoded_bytes(tmp_path):
    _write_world(tmp_path / "docs")
    index_paths(tmp_path / "ix", [tmp_path / "docs"])
    checked = packed = 0
    with storage.open_index(tmp_path / "ix").reader() as reader:
        for leaf, _base in reader.leaf_readers():
            decode = leaf.schema["body"].format.decode_positions
            for btext in list(leaf.lexicon("body")):
                got = postings.term_positions(leaf, "body", btext)
                values = postings.term_values(leaf, "body", btext)
                want = postings._positions(values, decode)
                assert got.offsets.tolist() == want.offsets.tolist(), btext
                assert got.positions.tolist() == want.positions.tolist(), btext
                packed += postings._packed_positions(leaf, "body", btext) is not None
                checked += 1
    assert checked > 1000 and packed > 500  # long lists of many blocks among them


def _old_layout(monkeypatch):
    """Make the writer write as main did before: plain values, every term a posting list."""
    monkeypatch.setattr(poscodec, "applies", lambda format_: False)

    def start_term(self, btext):
        self._btext = btext
        self._postwriter.start_postings(self._fieldobj.format, W3TermInfo())

    monkeypatch.setattr(NewsFieldWriter, "start_term", start_term)
    monkeypatch.setattr(codec, "GroupedTerms", type("NotGrouped", (), {}))  # no bulk writer


QUERIES = ["generated", "article 12", '"generated article"', "e-mail", "covid19", "財政", "the"]


def _results(index_dir) -> list:
    with Engine(index_dir) as engine:
        out = []
        for q in QUERIES:
            result = engine.search(q, page_size=50, facets=False)
            out.append((q, result.total, [(h.id, round(h.score, 6)) for h in result.hits]))
            assert result.total or q == "the"
        return out


def test_index_written_before_opens_searches_and_takes_new_documents(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    _write_world(docs)
    with monkeypatch.context() as patch:
        _old_layout(patch)
        index_paths(tmp_path / "old", [docs])
    with storage.open_index(tmp_path / "old").reader() as reader:
        leaf = next(iter(reader.leaf_readers()))[0]
        infos = [info for _term, info in leaf._terms.items()]
        assert not any(isinstance(i, NewsTermInfo) and i._held for i in infos)
        assert all(not i.is_inlined() for i in infos)
        assert postings._packed_positions(leaf, "body", b"gener") is None  # old blocks
    index_paths(tmp_path / "new", [docs])
    assert _results(tmp_path / "old") == _results(tmp_path / "new")
    assert storage.size_on_disk(tmp_path / "new") < 0.95 * storage.size_on_disk(tmp_path / "old")

    # New documents: a segment in the new layout beside the old one, then merged into one.
    # (A merge re-totals field lengths from Whoosh's one-byte lengths, which moves scores a
    # little: the merged index is compared with one that went through the same steps.)
    write_corpus(docs / "gen", 40, start=260, words=150)
    index_paths(tmp_path / "old", [docs])
    index_paths(tmp_path / "new", [docs])
    index_paths(tmp_path / "fresh", [docs])
    assert _results(tmp_path / "old") == _results(tmp_path / "fresh")
    for name in ("old", "new"):
        with storage.writer(storage.open_index(tmp_path / name), 5, 1, 64) as writer:
            writer.optimize = True  # merged by our writer, as the indexer's commits merge
        assert len(storage.open_index(tmp_path / name)._segments()) == 1
    assert _results(tmp_path / "old") == _results(tmp_path / "new")
    with storage.open_index(tmp_path / "old").reader() as reader:
        leaf = next(iter(reader.leaf_readers()))[0]
        assert postings._packed_positions(leaf, "body", b"gener") is not None  # rewritten


def test_a_term_of_one_posting_is_held_by_its_term_info(tmp_path):
    _write_world(tmp_path / "docs")
    index_paths(tmp_path / "ix", [tmp_path / "docs"])
    with storage.open_index(tmp_path / "ix").reader() as reader:
        leaf = next(iter(reader.leaf_readers()))[0]
        held = [(t, i) for t, i in leaf._terms.items() if i.is_inlined()]
        assert held and all(i.doc_frequency() == 1 for _t, i in held)
        for (fieldname, btext), info in held[:200]:
            m = reader.postings(fieldname, btext)
            assert [m.id()] == list(info.inlined_postings()[0])
            assert reader.doc_frequency(fieldname, btext) == 1
        assert NewsPostingsWriter  # the writer that holds them


def test_blocks_of_a_few_postings_are_stored_uncompressed_and_read_back(tmp_path):
    """zlib gains little on a block of a few postings: such blocks are stored as they are."""
    from searchidx.codec import _COMPRESS_FROM, BLOCK_HEADER

    _write_world(tmp_path / "docs", extra=600)  # lists long enough to compress
    index_paths(tmp_path / "ix", [tmp_path / "docs"])
    plain = packed = 0
    with storage.open_index(tmp_path / "ix").reader() as reader:
        leaf = next(iter(reader.leaf_readers()))[0]
        for (fieldname, btext), info in leaf._terms.items():
            if info.is_inlined():
                continue
            offset = info.extent()[0]
            postfile = leaf._terms._postfile
            size = abs(postings._INT.unpack(postfile.get(offset + 4, 4))[0])  # after the magic
            count, _last, _w, compressed, _mn, _mx = BLOCK_HEADER.unpack(
                postfile.get(offset + 8, BLOCK_HEADER.size)
            )
            stored = postfile.get(offset + 8 + BLOCK_HEADER.size, size - BLOCK_HEADER.size)
            if compressed:
                packed += 1
                assert len(zlib.decompress(stored)) >= _COMPRESS_FROM
            else:
                plain += 1
                assert len(stored) < _COMPRESS_FROM
            m = reader.postings(fieldname, btext)
            assert len(list(m.all_ids())) == info.doc_frequency()
    assert plain > 50 and packed > 50
