"""Our codec reads back exactly what Whoosh's own codec would: postings, values, stored fields."""

from __future__ import annotations

import datetime
import json
import random
from array import array

import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec

from searchidx import Engine, codec, index_paths, poscodec, storage
from searchidx.codec import NewsCodec, block_arrays, decode_block, encode_block
from searchidx.schema import build_schema

from .helpers import all_postings, vocabulary, write_corpus
from .test_segment_bytes import _subfiles


@pytest.mark.parametrize(
    "weights",
    [
        [1.0] * 5,
        [2.5] * 5,
        [1.0, 3.0, 2.0, 70000.0, 1.0],
        [1.0, 0.5, 2.0, 1.0, 9.0],
        [1, 2, 3, 4, 5],
    ],
)
@pytest.mark.parametrize("fixedsize", [None, 0, 2])
@pytest.mark.parametrize(
    "ids",
    [
        [0, 3, 4, 100, 2**31],  # a delta of 32 bits
        [70000, 70001, 70300, 135000, 135001],  # 16 bits after a large first
        [2**32 - 300, 2**32 - 200, 2**32 - 199, 2**32 - 2, 2**32 - 1],  # 8 bits
    ],
)
def test_blocks_round_trip(weights, fixedsize, ids):
    ids = array("I", ids)
    weights = array("f", weights)
    if fixedsize is None:
        values = [b"", b"x" * 70000, b"\x00\x01", b"abc", b"q"][1:]  # Whoosh keeps non-empty
    elif fixedsize:
        values = [bytes([n, n]) for n in range(5)]
    else:
        values = []
    flags, data = encode_block(ids, weights, values, fixedsize)
    got_ids, got_weights, got_values = decode_block(bytes([flags]) + data, len(ids), fixedsize)
    assert got_ids == tuple(ids)
    assert got_weights == weights
    assert got_values == ((None,) * 5 if fixedsize == 0 else tuple(values))
    arrays = block_arrays(bytes([flags]) + data, len(ids))
    assert arrays[0].tolist() == list(ids) and arrays[1].tolist() == list(weights)


@pytest.mark.parametrize("deltas", [[5, 1, 1], [300, 1, 2], [70000, 9, 1]])
@pytest.mark.parametrize("counts_seen", [[1, 2], [300, 2]])
def test_a_block_written_before_narrow_types_reads_the_same(deltas, counts_seen):
    """Blocks of earlier segments: uint32 documents, 16 bits (or 32) at least elsewhere."""
    ids = [7, 9, 600]
    counts = [1, 1, 1]  # a position each
    old = bytes([codec._U16 | codec._PACKED])
    old += array("I", [ids[0], ids[1] - ids[0], ids[2] - ids[1]]).tobytes()
    old += array("H", counts_seen + [1]).tobytes()  # the weights
    wide = max(deltas) >= 65536
    old += poscodec._HEAD.pack(3, wide << 1) + array("H", counts).tobytes()
    old += array("I" if wide else "H", deltas).tobytes()
    got_ids, weights = block_arrays(old, 3)
    assert got_ids.tolist() == ids and weights.tolist() == counts_seen + [1]
    at = codec.values_at(old, 3)
    assert at == 1 + 12 + 6
    assert [c.tolist() for c in poscodec.block_positions(old, at)][0] == counts
    assert decode_block(old, 3, None)[0] == tuple(ids)
    new_flags, new_data = codec.encode_flat(
        array("I", ids),
        array("f", counts_seen + [1]),
        None,
        b"",
        None,
        True,
        packed=poscodec.pack(counts, deltas),
    )
    new = bytes([new_flags]) + new_data
    assert len(new) < len(old)  # narrower types where they fit
    assert block_arrays(new, 3)[0].tolist() == ids
    assert poscodec.decode(new, codec.values_at(new, 3)) == poscodec.decode(old, at)


def _build(index_dir, docs, memory_mb=None):
    """Build with Whoosh's own writer and codec, or (MEMORY_MB given) with ours."""
    index_dir.mkdir()
    ix = whoosh_index.create_in(str(index_dir), build_schema("porter"), storage.INDEX_NAME)
    if memory_mb is None:
        writer = ix.writer(codec=W3Codec())
    else:
        writer = storage.writer(ix, 5, 1, memory_mb)
    with writer:
        for doc in docs:
            writer.add_document(**doc)
    return ix


def _everything(ix):
    """Return every term's postings (id, weight, value) and every document's stored fields."""
    with ix.reader() as reader:
        postings = all_postings(reader)
        stored = [reader.stored_fields(n) for n in range(reader.doc_count_all())]
    return postings, stored


@pytest.mark.parametrize("memory_mb", [128, 1])  # 1: the pool writes sorted runs to disk
def test_index_reads_back_as_with_whooshs_codec(tmp_path, memory_mb):
    vocab = vocabulary(300)  # few words: long posting lists of many blocks
    rng = random.Random(3)
    docs = []
    for n in range(700):
        body = " ".join(rng.choice(vocab) for _ in range(rng.randint(1, 200)))
        doc = {"id": f"d{n}", "path": f"/x/{n % 7}.jsonl", "title": f"Title {n}", "body": body}
        if n % 3:
            doc["date"] = datetime.datetime(2000 + n % 20, 1 + n % 12, 1 + n % 28)
            doc["year"] = str(2000 + n % 20)
        if n % 5:
            doc["source"] = doc["source_facet"] = f"Source {n % 4}"
        doc["_stored_body"] = body.upper() if n % 11 == 0 else body
        docs.append(doc)
    ours = _everything(_build(tmp_path / "ours", docs, memory_mb))
    whooshs = _everything(_build(tmp_path / "whoosh", docs))
    assert ours[0] == whooshs[0]
    assert ours[1] == whooshs[1]
    assert len(ours[0]) > 300 and max(len(p) for p in ours[0].values()) > 128 * 3


def test_old_segments_stay_readable_and_merge_into_the_new_codec(tmp_path):
    folder = tmp_path / "news"
    write_corpus(folder, 30, marker="oldcodec")
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    ix = whoosh_index.create_in(str(index_dir), build_schema("porter"), storage.INDEX_NAME)
    with ix.writer(codec=W3Codec()) as writer:  # an index written before this codec
        writer.add_document(id="legacy", path="/legacy", title="Legacy", body="oldcodec legacy")
    index_paths(index_dir, [folder])
    codecs = {type(s.codec()).__name__ for s in storage.open_index(index_dir)._segments()}
    assert codecs <= {"W3Codec", "NewsCodec"} and "NewsCodec" in codecs
    with Engine(index_dir) as engine:
        assert engine.search("oldcodec", page_size=1).total == 31
        assert engine.document("legacy").title == "Legacy"
        assert "oldcodec" in engine.document("news/d00003.txt").body
    with storage.open_index(index_dir).writer(codec=NewsCodec()) as writer:
        writer.optimize = True  # merge everything into one segment of our codec
    segments = storage.open_index(index_dir)._segments()
    assert [type(s.codec()).__name__ for s in segments] == ["NewsCodec"]
    with Engine(index_dir) as engine:
        assert engine.search('"generated article"', page_size=1).total == 30  # positions
        assert engine.document("legacy").body == "oldcodec legacy"


def test_jsonl_build_is_smaller_than_with_whooshs_codec(tmp_path, monkeypatch):
    path = tmp_path / "feed.jsonl"
    vocab = vocabulary()
    rng = random.Random(5)
    with open(path, "w") as out:
        for n in range(1500):
            body = " ".join(rng.choice(vocab) for _ in range(120))
            out.write(json.dumps({"id": f"r{n}", "title": f"Story {n}", "body": body}) + "\n")
    index_paths(tmp_path / "ours", [path])
    monkeypatch.setattr(storage, "NewsCodec", W3Codec)
    index_paths(tmp_path / "whoosh", [path])
    ours = storage.size_on_disk(tmp_path / "ours")
    whooshs = storage.size_on_disk(tmp_path / "whoosh")
    assert ours < 0.8 * whooshs, (ours, whooshs)


def test_pool_writes_runs_past_its_memory_limit_and_stays_under_it(tmp_path):
    from searchidx.postingpool import PostingsByTerm

    ix = _build(tmp_path / "ix", [])
    writer = storage.writer(ix, 5, 1, 1)
    try:
        pool = writer.pool
        assert isinstance(pool, PostingsByTerm)
        for n in range(400):
            writer.add_document(id=f"d{n}", title="t", body=" ".join(vocabulary(400)))
            assert pool._size <= pool.limit  # what the pool holds never passes the limit
        # Still gathering per term (not Whoosh's pool), the rest on disk in sorted runs.
        assert pool.gathering and not pool.runs and len(pool._runs.paths) >= 2
        paths = list(pool._runs.paths)
        assert all(writer._tempstorage.file_exists(p) for p in paths)
    finally:
        writer.cancel()
    assert not any(writer._tempstorage.file_exists(p) for p in paths)


def test_merged_runs_sort_postings_added_out_of_document_order(tmp_path):
    from array import array as arr

    from searchidx.postingruns import PostingRuns

    ix = _build(tmp_path / "ix", [])
    writer = storage.writer(ix, 5, 1, 1)
    try:
        runs = PostingRuns(writer.pool)

        def entry(ids, values=True):  # a pool entry: ids, weights, value bytes and lengths
            data = b"".join(b"%d" % i for i in ids) if values else b""
            lengths = arr("I", [len(b"%d" % i) for i in ids]) if values else None
            return [arr("I", ids), arr("f", [1.0] * len(ids)), bytearray(data), lengths]

        runs.dump({"body": {b"a": entry([1, 15]), b"c": entry([2])}, "title": {b"x": entry([3])}})
        runs.dump({"body": {b"a": entry([0, 9]), b"b": entry([4])}})  # "a" again, from 0
        merged = runs.merged({"title": {b"x": entry([7], values=False)}})
        got = list(merged)
        runs.remove()
    finally:
        writer.cancel()
    assert [(f, t, d, v) for f, t, d, _w, v in got] == [
        ("body", b"a", 0, b"0"),
        ("body", b"a", 1, b"1"),
        ("body", b"a", 9, b"9"),
        ("body", b"a", 15, b"15"),
        ("body", b"b", 4, b"4"),
        ("body", b"c", 2, b"2"),
        ("title", b"x", 3, b"3"),
        ("title", b"x", 7, b""),  # a chunk without values, after one with them
    ]


def test_a_field_gathered_per_term_then_as_tokens_merges_both_ways(tmp_path):
    """A words value that is not the body is given as items, gathered per term; after a run,
    the same field given as tokens is gathered flat: the merge takes both kinds of run."""
    from searchidx.postings_build import Distinct

    ix = _build(tmp_path / "ix", [])
    writer = storage.writer(ix, 5, 1, 1)
    try:
        pool = writer.pool
        pool.add_field("words", [(b"rain", 1, 1.0, b""), (b"snow", 1, 1.0, b"")], 0, False)
        pool._dump_run()  # a run of records
        pool.add_tokens("words", Distinct(["rain", "wind"]), 1, False)
        assert "words" in pool._tokens  # gathered flat from now on
        pool._dump_run()  # a run of arrays, for a field already in records
        pool.add_tokens("words", Distinct(["hail", "rain"]), 2, False)
        got = [(f, t, d) for f, t, d, _w, _v in pool.iter_postings()]
    finally:
        writer.cancel()
    assert got == [
        ("words", b"hail", 2),
        ("words", b"rain", 0),
        ("words", b"rain", 1),
        ("words", b"rain", 2),
        ("words", b"snow", 0),
        ("words", b"wind", 1),
    ]


def test_runs_of_a_field_as_arrays_then_as_records_merge(tmp_path):
    """The pool never gathers a field per term once it has gathered it as tokens, but if it
    did, the merge would still take every run of it."""
    from array import array as arr

    from searchidx.postingruns import PostingRuns
    from searchidx.tokenbuffer import TokenBuffer

    ix = _build(tmp_path / "ix", [])
    writer = storage.writer(ix, 5, 1, 1)
    try:
        runs = PostingRuns(writer.pool)
        tokens = TokenBuffer(positions=False)
        tokens.add(0, ["rain", "snow"])
        tokens.add(1, ["rain"])
        runs.dump({"words": tokens.grouped()})
        runs.dump({"words": {b"rain": [arr("I", [2]), arr("f", [1.0]), bytearray(), None]}})
        tokens.add(3, ["hail", "snow"])
        got = [(f, t, d) for f, t, d, _w, _v in runs.merged({"words": tokens.grouped()})]
        runs.remove()
    finally:
        writer.cancel()
    assert got == [
        ("words", b"hail", 3),
        ("words", b"rain", 0),
        ("words", b"rain", 1),
        ("words", b"rain", 2),
        ("words", b"snow", 0),
        ("words", b"snow", 3),
    ]


def test_pool_counts_the_memory_it_holds(tmp_path):
    """The pool's own count (what writer_memory_mb bounds) is close to the most it allocates.

    That is while its tokens are made into postings (``tokenbuffer``), as a run or the
    segment's writing does, which holds several times what gathering the tokens does.
    """
    import tracemalloc

    ix = _build(tmp_path / "ix", [])
    writer = storage.writer(ix, 5, 1, 1024)  # no run written: everything stays in the pool
    vocab = vocabulary(4000)
    rng = random.Random(11)
    docs = [" ".join(rng.choice(vocab) for _ in range(150)) for _ in range(1500)]
    try:
        writer.add_document(id="d", title="t", body=docs[0])
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            counted = writer.pool._size
            for n, body in enumerate(docs[1:]):
                writer.add_document(id=f"d{n}", title="t", body=body)
            grouped = writer.pool._grouped()
            held = tracemalloc.get_traced_memory()[1] - before
        finally:
            tracemalloc.stop()
        counted = writer.pool._size - counted
    finally:
        writer.cancel()
    assert len(grouped["body"]) > 3000
    assert 0.7 < held / counted < 1.3, (held, counted)


def test_merging_runs_holds_a_chunk_of_terms_not_the_runs(tmp_path):
    import tracemalloc

    ix = _build(tmp_path / "ix", [])
    writer = storage.writer(ix, 5, 1, 1)
    vocab = vocabulary(3000)
    rng = random.Random(2)
    try:
        for n in range(2500):
            body = " ".join(rng.choice(vocab) for _ in range(200))
            writer.add_document(id=f"d{n}", title="t", body=body)
        pool = writer.pool
        runs = len(pool._runs.paths)
        assert runs >= 12
        on_disk = sum(writer._tempstorage.file_length(p) for p in pool._runs.paths)
        tracemalloc.start()
        try:
            merged = pool.iter_postings()
            postings = 0
            for fieldname, texts in merged.fields().items():
                terms = merged.by_field[fieldname]
                for btext in texts:
                    postings += len(terms[btext][0])
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    finally:
        writer.cancel()
    assert postings > 2500 * 150
    # The runs hold several MB of postings.  The merge holds the postings still in memory
    # (up to the limit, grouped), a chunk of terms (about a third of the limit's worth of
    # tokens) and each run's list of terms.
    assert on_disk > 6 * pool.limit
    assert peak < min(on_disk / 3, 2.5 * pool.limit), (peak, on_disk, pool.limit)


def test_a_segment_merged_from_runs_is_the_segment_written_without_them(tmp_path, monkeypatch):
    """The same documents, gathered in one go or through several runs on disk, give a
    segment of the same bytes: the runs' merge (``tokenruns``) loses and reorders nothing."""
    rng = random.Random(5)
    vocab = vocabulary(2500)
    docs = [
        {
            "id": f"d{n:04d}",
            "path": f"/p/{n % 7}",
            "title": " ".join(rng.choice(vocab) for _ in range(6)),
            "body": " ".join(rng.choice(vocab) for _ in range(rng.randint(0, 300))),
            "words": " ".join(rng.choice(vocab) for _ in range(40)),
        }
        for n in range(700)
    ]
    from searchidx import tokenruns

    chunks = []
    made = tokenruns.MergedField._chunk
    monkeypatch.setattr(
        tokenruns.MergedField, "_chunk", lambda self, *a: chunks.append(a) or made(self, *a)
    )
    segments = {}
    for memory_mb in (1024, 1):
        ix = _build(tmp_path / f"ix{memory_mb}", docs, memory_mb)
        with ix.reader() as reader:
            assert len(list(reader.leaf_readers())) == 1
        segments[memory_mb] = _subfiles(tmp_path / f"ix{memory_mb}")
    assert len(chunks) > 4  # the 1 MB build merged its runs in chunks of terms
    assert {name.rsplit(".", 1)[1] for name in segments[1]} == {"trm", "pst", "col"}
    assert segments[1] == segments[1024]


@pytest.mark.parametrize("memory_mb", [128, 1])
def test_a_term_whose_later_blocks_hold_only_zero_length_fields(tmp_path, memory_mb):
    """A title of stopwords alone has length 0 (BM25 counts no stopword): a block of such
    documents has no shortest length.  Whoosh's term info compared that None with the
    earlier blocks' length and failed (Whoosh's own writer fails on these documents too);
    it crashed a million-article build's worker."""
    docs = [
        {"id": f"a{n}", "path": "/a", "title": "the quick fox", "body": "x"} for n in range(200)
    ]
    docs += [{"id": f"b{n}", "path": "/b", "title": "The", "body": "y"} for n in range(300)]
    ours = _build(tmp_path / "ours", docs, memory_mb)
    with ours.reader() as reader:
        info = reader.term_info("title", b"the")
        assert info.doc_frequency() == 500 and info.min_length() == 2
        assert list(reader.postings("title", b"the").all_ids()) == list(range(500))
        assert not reader.doc_field_length(450, "title")  # stopwords alone: length 0
    with ours.writer(codec=NewsCodec()) as writer:  # Whoosh's merge writes term by term
        writer.add_document(id="c", path="/c", title="The", body="z")
        writer.optimize = True
    with ours.reader() as reader:
        assert reader.doc_frequency("title", b"the") == 501
