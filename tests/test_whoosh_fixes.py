from whoosh.codec import whoosh3

from searchidx import index_paths, storage, whoosh_fixes


def test_fixes_are_applied_by_storage():
    assert storage.whoosh_fixes is whoosh_fixes
    assert whoosh_fixes.applied()


def test_missing_column_is_looked_up_once_per_reader(seed_index, monkeypatch):
    with storage.open_index(seed_index).reader() as reader:
        perdoc = reader._perdoc
        assert isinstance(perdoc, whoosh3.W3PerDocReader)
        asked = []
        files = perdoc._storage
        exists = files.file_exists
        monkeypatch.setattr(files, "file_exists", lambda name: asked.append(name) or exists(name))
        for _ in range(100):
            assert perdoc.doc_field_length(0, "id") == 0  # ID fields keep no lengths
            assert perdoc.doc_field_length(0, "body") > 0
        assert len(asked) == 2  # one look for each field's length column


def test_field_lengths_are_whooshs_own(tmp_path, articles):
    index_dir = tmp_path / "index"
    index_paths(index_dir, [articles])
    with storage.open_index(index_dir).reader() as reader:
        perdoc = reader._perdoc
        for docnum in range(reader.doc_count_all()):
            for field in ("title", "body", "id", "source"):
                expected = whoosh_fixes._original_doc_field_length(perdoc, docnum, field, 7)
                assert perdoc.doc_field_length(docnum, field, 7) == expected
        assert perdoc.doc_field_length(0, "body") > 0


def test_and_not_skips_a_first_document_the_negation_matches(tmp_path):
    # "a.txt" has only the negated word, "b.txt" both: the negation's first document comes
    # before the first of "union", which Whoosh's AndNotMatcher then yielded anyway.
    from whoosh import query as wq

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("Aardvark\n\noil\n")
    (folder / "b.txt").write_text("Zebra\n\nunion oil\n")
    (folder / "c.txt").write_text("Yak\n\nunion\n")
    index_paths(tmp_path / "index", [folder])
    with storage.open_index(tmp_path / "index").searcher() as searcher:
        union, oil = wq.Term("body", "union"), wq.Term("body", "oil")
        ids = {searcher.stored_fields(d)["id"] for d in wq.AndNot(union, oil).docs(searcher)}
        hits = searcher.search(wq.AndNot(union, oil))
        assert ids == {h["id"] for h in hits} == {"articles/c.txt"}


def test_engine_opened_on_an_empty_index_sees_documents_added_later(tmp_path, articles):
    from searchidx import Engine

    index_dir = tmp_path / "index"
    storage.open_or_create(index_dir, "porter", 5)
    with Engine(index_dir) as engine:
        assert engine.search("valley").total == 0
        index_paths(index_dir, [articles])
        assert engine.search("valley").total == 2


def test_an_open_engine_sees_merged_segments_once(tmp_path):
    """Searcher.refresh() must not add back the segments a merge replaced (fix 5)."""
    from searchidx import Engine, index_paths

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "0.txt").write_text("Title 0\n\nzebra alpha\n")
    index_paths(tmp_path / "index", [folder])
    with Engine(tmp_path / "index") as engine:
        for n in range(1, 15):  # one run per file: Whoosh merges the small segments
            (folder / f"{n}.txt").write_text(f"Title {n}\n\nzebra beta {n}\n")
            index_paths(tmp_path / "index", [folder])
            assert engine.doc_count() == n + 1
            assert engine.search("zebra").total == n + 1
        index_paths(tmp_path / "index", [folder / "0.txt"], rebuild=True)
        assert engine.doc_count() == 1 and engine.search("zebra").total == 1
