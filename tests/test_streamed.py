"""Big JSON Lines files are streamed: no file size limit, one record's limit, progress, --jobs."""

from __future__ import annotations

import codecs
import io
import json
import random

import pytest

from searchidx import Engine, index_paths, storage
from searchidx.indexer import Progress
from searchidx.ingest.jsonl import read_jsonl_stream

from .helpers import run_cli, vocabulary


def write_jsonl(path, count: int, words: int = 150, seed: int = 7) -> int:
    """Write COUNT generated articles to the JSON Lines file PATH; return its size."""
    vocab = vocabulary()
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        for n in range(count):
            body = " ".join(rng.choice(vocab) for _ in range(words))
            record = {"id": f"rec{n}", "title": f"Record {n} {rng.choice(vocab)}", "body": body}
            out.write(json.dumps(record) + "\n")
    return path.stat().st_size


@pytest.fixture
def one_mb_limit(monkeypatch):
    monkeypatch.setenv("SEARCHIDX_MAX_FILE_MB", "1")


def test_jsonl_larger_than_the_file_limit_is_indexed_whole(tmp_path, one_mb_limit):
    folder = tmp_path / "in"
    folder.mkdir()
    size = write_jsonl(folder / "export.jsonl", 3000)
    assert size > 3 * 1024 * 1024  # three times the limit
    (folder / "big.json").write_text(json.dumps([{"title": "x" * (1100 * 1024)}]))
    summary = index_paths(tmp_path / "ix", [folder])
    assert summary.documents == 3000
    assert [s.reason for s in summary.skipped] == ["file too large (1 MB)"]  # .json is not
    with Engine(tmp_path / "ix") as engine:
        assert engine.document("rec2999").title.startswith("Record 2999")


def test_one_record_over_the_limit_is_skipped_and_the_rest_kept(tmp_path, one_mb_limit):
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"id": "a", "title": "Before", "body": "short"}),
        json.dumps({"id": "huge", "title": "Huge", "body": "word " * 300_000}),  # 1.5 MB
        json.dumps({"id": "b", "title": "After", "body": "short"}),
    ]
    path.write_text("\n".join(lines) + "\n")
    summary = index_paths(tmp_path / "ix", [path])
    assert summary.documents == 2
    assert [str(s) for s in summary.skipped] == [
        f"{path}:2: record too large (over {1024 * 1024 / 1e6:g} MB)"
    ]
    with Engine(tmp_path / "ix") as engine:
        assert {engine.document(i).title for i in ("a", "b")} == {"Before", "After"}


def test_jsonl_is_read_record_by_record(tmp_path):
    path = tmp_path / "feed.jsonl"
    size = write_jsonl(path, 2000)
    with open(path, "rb") as stream:
        records = read_jsonl_stream(stream, "feed.jsonl", str(path), 1024 * 1024)
        first = next(records)
        assert first.id == "rec0" and first.position == 1
        assert stream.tell() < size / 4  # read a buffer's worth, not the file
        assert sum(1 for _ in records) == 1999


def test_jsonl_stream_encodings_and_bad_lines():
    text = '{"title": "Caf\u00e9", "body": "b"}\r\nnot json\n\n{"title": "Two"}'
    for data in (codecs.BOM_UTF8 + text.encode("utf-8"), text.encode("utf-16")):
        items = list(read_jsonl_stream(io.BytesIO(data), "f", "f", 1000))
        assert [getattr(i, "title", None) for i in items] == ["Caf\u00e9", None, "Two"]
        assert items[1].position == 2 and items[2].position == 4
    latin1 = '{"title": "Caf\u00e9"}\n'.encode("cp1252")
    assert next(read_jsonl_stream(io.BytesIO(latin1), "f", "f", 1000)).title == "Caf\u00e9"


def test_progress_reports_records_and_bytes(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    size = write_jsonl(folder / "a.jsonl", 1200)
    (folder / "b.txt").write_text("A title\n\nA body.\n")
    size += (folder / "b.txt").stat().st_size
    seen: list[Progress] = []
    index_paths(tmp_path / "ix", [folder], on_progress=lambda p: seen.append(Progress(**vars(p))))
    assert seen[-1] == Progress(2, 2, 1201, size, size)
    within_file = [p for p in seen if p.files_done == 0]
    assert len(within_file) >= 2  # reported inside the big file, not only after it
    assert [p.bytes_done for p in seen] == sorted(p.bytes_done for p in seen)
    assert 0 < within_file[0].bytes_done < size


def _index_contents(index_dir) -> tuple[dict, dict]:
    with storage.open_index(index_dir).reader() as reader:
        stored = {f["id"]: f for _, f in reader.iter_docs()}
    with Engine(index_dir) as engine:
        ranked = {  # every match, with its score
            q: sorted((i, round(score, 6)) for i, score in engine.rank(q, 2000, 0))
            for q in ("record", "record 17", *vocabulary()[5:8])
        }
    return stored, ranked


@pytest.mark.slow
def test_jobs_2_spreads_one_file_and_gives_the_same_index(tmp_path):
    path = tmp_path / "one.jsonl"
    write_jsonl(path, 1500, words=80)
    for jobs in ("1", "2"):
        done = run_cli("index", str(path), "--index", str(tmp_path / f"ix{jobs}"), "-j", jobs)
        assert done.returncode == 0, done.stderr
        assert "1500 documents written" in done.stderr
    with storage.open_index(tmp_path / "ix2").reader() as reader:
        assert len(list(reader.leaf_readers())) == 2  # both workers wrote a share of it
    one, two = _index_contents(tmp_path / "ix1"), _index_contents(tmp_path / "ix2")
    assert one[0] == two[0]
    assert one[1] == two[1]
    assert all(one[1].values())
