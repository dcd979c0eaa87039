"""Benchmark corpus loaders (benchmarks/news.py): parsing rules and, when present, real counts.

No timings are asserted anywhere: speed figures belong in benchmarks/results/, not in tests.
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import news  # noqa: E402

RECORD = """<REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="5544" NEWID="7">
<DATE>26-FEB-1987 15:01:01.79</DATE>
<TEXT>&#2;
<TITLE>A &amp; B &lt;ABC&gt; PROFIT</TITLE>
<DATELINE>    NEW YORK, Feb 26 - </DATELINE><BODY>Shr 1.20 vs 1.10
this line is wrapped.
    Second paragraph.
 Reuter
&#3;</BODY></TEXT>
"""


def parse(attrs_and_inner: str) -> dict | None:
    head, _, inner = attrs_and_inner.partition(">")
    return news.parse_reuters_record(head, inner)


def test_reuters_record_is_cleaned_and_reflowed():
    doc = parse(RECORD)
    assert doc["id"] == "reuters-7"
    assert doc["title"] == "A & B <ABC> PROFIT"
    assert doc["date"] == "1987-02-26"
    assert (
        doc["body"]
        == "NEW YORK, Feb 26 - Shr 1.20 vs 1.10 this line is wrapped.\n\nSecond paragraph."
    )


def test_reuters_brief_keeps_title_and_drops_placeholder_body():
    doc = parse(
        'NEWID="9"><DATE>  3-MAR-1987 00:43:42.82</DATE><TEXT TYPE="BRIEF">&#2;\n'
        "******<TITLE>FUNDS ROSE\n</TITLE>Blah blah blah.\n&#3;\n\n</TEXT>"
    )
    assert (doc["title"], doc["body"], doc["date"]) == ("FUNDS ROSE", "", "1987-03-03")


def test_reuters_unproc_uses_first_line_as_title():
    doc = parse(
        'NEWID="10"><DATE>31-MAR-1987 605:12:19.12</DATE><TEXT TYPE="UNPROC">&#2;\n'
        "FED REPORT - FEB 26\n Net reserves....644 vs...1,337\n&#3;\n</TEXT>"
    )
    assert doc["title"] == "FED REPORT - FEB 26"
    assert doc["body"] == "Net reserves....644 vs...1,337"
    assert doc["date"] == "1987-03-31"


def test_reuters_record_without_text_is_dropped():
    assert parse('NEWID="12793"><TEXT TYPE="UNPROC">&#2;\n&#3;\n\n</TEXT>') is None


def test_post_subject_becomes_title_and_headers_are_dropped():
    title, body = news.parse_post(
        "From: x@y.z\r\nSubject: Re: Hockey\r\nLines: 2\r\n\r\nGo Leafs.\r\n"
    )
    assert (title, body) == ("Re: Hockey", "Go Leafs.")


def test_latin1_fallback():
    assert news.decode("£5".encode("latin-1")) == "£5"


def test_replicate_gives_distinct_ids():
    docs = [{"id": "a", "title": "t", "body": "b"}, {"id": "b", "title": "t", "body": "b"}]
    ids = [d["id"] for d in news.replicate(docs, 4)]
    assert len(ids) == len(set(ids)) == 8


def test_missing_corpus_raises_clear_error(tmp_path):
    with pytest.raises(news.CorpusMissing, match="not found"):
        list(news.load_bbc(tmp_path))


@pytest.mark.parametrize(
    ("name", "count"),
    [("bbc", 2225), ("reuters", 21577), ("20ng", 18846)],  # Reuters: NEWID 12793 is empty
)
def test_real_corpus_counts(name, count):
    try:
        docs = news.load(name)
    except news.CorpusMissing as e:
        pytest.skip(str(e))
    assert len(docs) == count
    assert len({d["id"] for d in docs}) == count
    assert all(d["title"] for d in docs)
    assert not any("&#" in d["body"] for d in docs if name == "reuters")
