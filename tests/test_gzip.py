"""Compressed archives: .html.gz, .jsonl.gz, .csv.gz, .txt.gz and .json.gz are read."""

from __future__ import annotations

import gzip
import json

import pytest

from searchidx import Engine, index_paths
from searchidx.errors import IngestError
from searchidx.ingest import SourceFile, discover, read_documents


def _gz(path, text: str):
    path.write_bytes(gzip.compress(text.encode("utf-8")))


def test_each_compressed_format_is_indexed_and_found(tmp_path):
    folder = tmp_path / "crawl"
    folder.mkdir()
    _gz(
        folder / "page.html.gz",
        "<html><head><title>Harbour reopens | Coast News</title></head><body><article>"
        "<h1>Harbour reopens</h1><p>The harbour reopened to fishing boats on Monday after "
        "the storm damage was repaired by volunteers from the village.</p></article></body></html>",
    )
    _gz(
        folder / "feed.jsonl.gz",
        "\n".join(
            json.dumps({"id": f"j{n}", "title": f"Wire story {n}", "body": "turbines offshore"})
            for n in range(3)
        ),
    )
    _gz(folder / "export.csv.gz", "headline,content\nCouncil vote,The council voted on ferries\n")
    _gz(folder / "note.txt.gz", "Glacier retreat\n\nThe glacier retreated again this summer.\n")
    _gz(folder / "one.json.gz", json.dumps({"id": "o1", "title": "Orchard", "body": "apples"}))
    (folder / "backup.tar.gz").write_bytes(gzip.compress(b"not an article"))
    summary = index_paths(tmp_path / "index", [folder])
    assert [str(s) for s in summary.skipped] == [
        f"{folder / 'backup.tar.gz'}: unsupported file type .tar.gz"
    ]
    assert summary.documents == 1 + 3 + 1 + 1 + 1
    with Engine(tmp_path / "index") as engine:
        assert [h.id for h in engine.search("harbour").hits] == ["crawl/page.html.gz"]
        assert engine.search("harbour").hits[0].source == "Coast News"
        assert engine.search("turbines").total == 3
        assert [h.id for h in engine.search("ferries").hits] == ["crawl/export.csv.gz#2"]
        assert [h.id for h in engine.search("glacier").hits] == ["crawl/note.txt.gz"]
        assert [h.id for h in engine.search("apples").hits] == ["o1"]


def test_corrupt_and_truncated_gzip_are_skipped_with_a_reason(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "a.txt.gz").write_bytes(b"this is not gzip at all")
    whole = gzip.compress(("headline,story\n" + "Title,body text\n" * 5000).encode())
    (folder / "b.csv.gz").write_bytes(whole[: len(whole) // 2])
    (folder / "ok.txt").write_text("Fine\n\nA fine article.\n")
    summary = index_paths(tmp_path / "index", [folder])
    reasons = {s.path.rsplit("/", 1)[-1]: s.reason for s in summary.skipped}
    assert reasons["a.txt.gz"].startswith("not a readable gzip file")
    assert reasons["b.csv.gz"].startswith("not a readable gzip file")
    assert summary.total_documents >= 1


def test_decompressed_size_is_limited(tmp_path, monkeypatch):
    monkeypatch.setattr("searchidx.ingest.setting", lambda name: 1)  # max_file_mb
    path = tmp_path / "big.txt.gz"
    path.write_bytes(gzip.compress(b"Title\n\n" + b"word " * 400_000))  # 2 MB of text
    (item,) = list(discover([path]))
    assert isinstance(item, SourceFile)
    with pytest.raises(IngestError, match="too large when decompressed"):
        read_documents(item)
