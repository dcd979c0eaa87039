from datetime import datetime

import pytest

from searchidx import Engine, config, index_paths
from searchidx.errors import IngestError
from searchidx.ingest import ReadOptions, SourceFile, read_documents
from searchidx.ingest.csvfile import column_map, parse_csv_map, read_csv

from .conftest import EXPORT_CSV


def read(path, csv_map=None):
    return read_documents(
        SourceFile(str(path), f"x/{path.name}"), options=ReadOptions(csv_map or {})
    )


def test_usual_column_names_need_no_map(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(EXPORT_CSV)
    docs, skipped = read(path)
    assert [d.id for d in docs] == ["m1", "m2", "m3", "w1"]
    first = docs[0]
    assert first.title == "Troops return to base"
    assert first.body == "Troops crossed the river at dawn, officials said."
    assert first.date == datetime(2020, 1, 17)
    assert first.url == "https://mem.example/1" and first.source == "Middle East Monitor"
    assert (first.path, first.position) == (str(path), 2)
    assert (
        docs[1].body == "The convoy followed the river road.\nIt reached the camp."
    )  # quoted newline
    assert [d.position for d in docs] == [2, 3, 4, 6]  # spreadsheet rows: the header is row 1
    assert [str(s) for s in skipped] == [f"{path}:5: 7 cells, but the header has 6"]


def test_explicit_map_wins_over_usual_names(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text(
        "Story,Title,Outlet,When\nThe story text,Ignored title,Daily Planet,2020-05-04\n"
    )
    docs, _ = read(path, parse_csv_map("body=Story, title=Outlet ,source=outlet,date=When"))
    assert (docs[0].title, docs[0].body, docs[0].source) == (
        "Daily Planet",
        "The story text",
        "Daily Planet",
    )
    assert docs[0].date == datetime(2020, 5, 4)
    assert docs[0].id == "x/odd.csv#2"  # no id column: file and row


@pytest.mark.parametrize(
    "spec, message",
    [
        ("title", "'title' is not FIELD=COLUMN"),
        ("author=byline", "unknown field 'author'"),
        ("body=", "'body=' is not FIELD=COLUMN"),
    ],
)
def test_bad_map_is_refused(spec, message):
    with pytest.raises(ValueError, match=message):
        parse_csv_map(spec)


def test_missing_columns_are_reported():
    with pytest.raises(IngestError, match="no column 'story' for body"):
        column_map(["title", "text"], {"body": "story"})
    with pytest.raises(IngestError, match="no title or body column .* --csv-map body=COLUMN"):
        column_map(["when", "who"], {})


def test_semicolons_latin1_and_blank_rows(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("title;body\n\nCaf\xe9 opens;The caf\xe9 opened today.\n;\n".encode("latin-1"))
    docs, skipped = read(path)
    assert [(d.title, d.body) for d in docs] == [("Café opens", "The café opened today.")]
    assert skipped == []


def test_rows_are_streamed_not_read_whole(tmp_path):
    path = tmp_path / "big.csv"
    with open(path, "w") as handle:
        handle.write("title,body\n")
        for n in range(2000):
            handle.write(f"Headline {n},Body of article number {n}\n")
    rows = read_csv(str(path), "x/big.csv")
    first = next(rows)  # a generator: one row at a time
    assert first.title == "Headline 0" and first.position == 2
    assert sum(1 for _ in rows) == 1999


def test_csv_is_exempt_from_the_file_size_limit(tmp_path, monkeypatch):
    monkeypatch.setitem(config._BY_NAME, "max_file_mb", config.Setting("max_file_mb", 0, None, ""))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "export.csv").write_text(EXPORT_CSV)
    (folder / "note.txt").write_text("A note\n\nText.\n")
    summary = index_paths(tmp_path / "ix", [folder])
    assert summary.documents == 4
    assert any("note.txt" in s.path and "too large" in s.reason for s in summary.skipped)


def test_changed_csv_replaces_its_rows_and_unchanged_is_not_reread(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "export.csv"
    path.write_text(EXPORT_CSV)
    index_dir = tmp_path / "ix"
    index_paths(index_dir, [folder])
    again = index_paths(index_dir, [folder])
    assert (again.unchanged, again.documents) == (1, 0)
    path.write_text("id,title,body\nn1,Only row,A single new row about tides.\n")
    summary = index_paths(index_dir, [folder])
    assert (summary.updated, summary.documents) == (1, 1)
    with Engine(index_dir) as engine:
        assert engine.stats()["documents"] == 1
        assert engine.search("tides").hits[0].id == "n1"
        assert engine.search("troops").total == 0


def test_file_with_only_bad_rows_is_skipped_whole(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("title,body\n,\nx,y,z\n")
    with pytest.raises(IngestError, match="no readable records"):
        read(path)
