from whoosh.codec import whoosh3

from searchidx import storage, whoosh_fixes


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
