import codecs
from datetime import datetime

import pytest

from searchidx.errors import IngestError
from searchidx.ingest import Skipped, SourceFile, discover, read_documents
from searchidx.ingest.article import parse_article
from searchidx.ingest.dates import parse_date_line, parse_date_value
from searchidx.ingest.decode import decode

from .conftest import SEEDS


def test_seed_article_fields():
    text = (SEEDS / "000_a20da12f17ca7dba.txt").read_text()
    title, date, masthead, body = parse_article(text)
    assert title == "US resumes joint military operations in Iraq"
    assert date == datetime(2020, 1, 17, 11, 9)
    assert masthead == "Creating new perspectives since 2009"
    assert not body.startswith("Creating new perspectives")
    assert body.startswith("US troops resumed on Thursday")
    assert "READ:" not in body
    assert "Triangle of Death" in body


@pytest.mark.parametrize(
    "line, expected",
    [
        ("January 17, 2020 at 11:09 am", datetime(2020, 1, 17, 11, 9)),
        ("17 January 2020", datetime(2020, 1, 17)),
        ("2020-01-17", datetime(2020, 1, 17)),
        ("Jan. 17, 2020", datetime(2020, 1, 17)),
        ("Published: Friday, 17 Jan 2020 14:05 GMT", datetime(2020, 1, 17, 14, 5)),
        ("December 1, 2019 at 12:30 pm", datetime(2019, 12, 1, 12, 30)),
        ("US resumes joint military operations in Iraq", None),
        ("February 30, 2020", None),
    ],
)
def test_date_lines(line, expected):
    assert parse_date_line(line) == expected


def test_date_values_from_metadata():
    assert parse_date_value("2020-01-17T11:09:00Z") == datetime(2020, 1, 17, 11, 9)
    assert parse_date_value("not a date") is None
    assert parse_date_value(None) is None


def test_first_line_is_title_without_dateline():
    title, date, masthead, body = parse_article(
        "Ad sales boost Time Warner profit\n\nQuarterly profits rose.\n"
    )
    assert (title, date, masthead, body) == (
        "Ad sales boost Time Warner profit",
        None,
        "",
        "Quarterly profits rose.",
    )


def test_empty_text_is_refused():
    with pytest.raises(IngestError, match="empty"):
        parse_article(" \n\n ")


def test_decode_handles_boms_latin1_and_binary():
    assert decode(codecs.BOM_UTF8 + "Café".encode()) == "Café"
    assert decode("Café".encode("utf-16")) == "Café"
    assert decode(b"Price \xa3100") == "Price £100"
    with pytest.raises(IngestError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_jsonl_good_and_bad_lines(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_text(
        '{"id": "a1", "title": "First", "body": "Alpha text", "date": "2021-02-03", "url": "http://x/1"}\n'
        "{broken json\n"
        '{"id": "a2", "title": "Second", "text": "Beta text", "source": "Wire"}\n'
        '["not", "an", "object"]\n'
    )
    source = SourceFile(str(path), "docs/news.jsonl")
    docs, skipped = read_documents(source, path.read_bytes())
    assert [d.id for d in docs] == ["a1", "a2"]
    assert docs[0].date == datetime(2021, 2, 3) and docs[0].url == "http://x/1"
    assert docs[1].body == "Beta text" and docs[1].source == "Wire"
    assert [s.path.rsplit(":", 1)[1] for s in skipped] == ["2", "4"]


def test_discover_skips_hidden_and_unsupported(tmp_path):
    (tmp_path / "a.txt").write_text("Title\n\nBody")
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    found = list(discover([tmp_path]))
    files = [f for f in found if isinstance(f, SourceFile)]
    skipped = {f.path.rsplit("/", 1)[1]: f.reason for f in found if isinstance(f, Skipped)}
    assert [f.file_id for f in files] == [f"{tmp_path.name}/a.txt"]
    assert skipped == {".hidden.txt": "hidden file", "image.png": "unsupported file type .png"}


def test_json_array_of_articles(tmp_path):
    path = tmp_path / "wire.json"
    path.write_text(
        '[{"headline": "First", "content": "Alpha", "published": "2021-06-01", "link": "http://w/1",'
        ' "publication": "Wire"}, 7, {"title": "Second", "article": "Beta"}]'
    )
    docs, skipped = read_documents(SourceFile(str(path), "in/wire.json"))
    assert [(d.id, d.title, d.body, d.position) for d in docs] == [
        ("in/wire.json#1", "First", "Alpha", 1),
        ("in/wire.json#3", "Second", "Beta", 3),
    ]
    assert (docs[0].date, docs[0].url, docs[0].source) == (
        datetime(2021, 6, 1),
        "http://w/1",
        "Wire",
    )
    assert docs[1].source == tmp_path.name  # no source: the folder's name
    assert [str(s) for s in skipped] == [f"{path}:2: expected an object, got int"]


def test_json_single_article(tmp_path):
    path = tmp_path / "one.json"
    path.write_text('{"title": "Alone", "body": "Just one.", "source": "Desk"}')
    docs, skipped = read_documents(SourceFile(str(path), "in/one.json"))
    assert skipped == []
    assert [(d.id, d.position, d.source) for d in docs] == [("in/one.json", None, "Desk")]


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"title": "x",', "not valid JSON: Expecting"),
        ('"just a string"', "expected an article object or an array, got str"),
    ],
)
def test_bad_json_file_is_refused(tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(IngestError, match=message):
        read_documents(SourceFile(str(path), "in/bad.json"))


def test_discover_lists_the_new_formats(tmp_path):
    for name in ("a.html", "b.htm", "c.csv", "d.json", "e.jsonl"):
        (tmp_path / name).write_text("x")
    assert {
        f.file_id.rsplit("/", 1)[1] for f in discover([tmp_path]) if isinstance(f, SourceFile)
    } == {"a.html", "b.htm", "c.csv", "d.json", "e.jsonl"}
