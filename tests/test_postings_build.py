"""The one-pass analysis (postings_build) gives exactly what Whoosh's two passes gave.

Compared item by item (term bytes, frequency, weight, encoded positions) with Whoosh's
``FieldType.index`` on the title, body and words fields, on the multilingual test articles
(twelve languages, nine scripts, compounds, CJK) and on real BBC articles; and whole
indexes built on disk both ways hold the same terms, postings and field lengths.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searchidx import analysis, index_paths, postings_build, storage
from searchidx.analysis import tag
from searchidx.schema import build_schema

from .conftest import corpus
from .helpers import all_postings
from .test_multilingual import ARTICLES

EXTRA = [
    ("e-mail e-mails 1-s x-1s U.S. 24/7 on-line Café-Straße", "en"),
    ("Le président a annoncé l'accord: «annoncée» à Paris-Nord, é-é.", "fr"),
    ("財政部长 said 財政 in 東京-大阪 and 서울 ไทย e-mail", "en"),
    ("the and of to be or not to be", "en"),
    ("Type i-t or o-n: joined forms spelt as stopwords, a-n x-ray", "en"),
    ("", "en"),
    ("   --- ... ///", "en"),
    ("a\u0301 \u0301 Cafe\u0301 ё Ёлка", "ru"),
]


def _two_pass(schema, title: str, text: str, language: str, tagged: bool = True) -> dict:
    return {
        "title": sorted(schema["title"].index(tag(title, language))),
        "body": sorted(schema["body"].index(tag(text, language))),
        "words": sorted(schema["words"].index(tag(text, language) if tagged else text)),
    }


def _one_pass(schema, title: str, text: str, language: str, tagged: bool = True) -> dict:
    # The indexer's words value is the body's own string (tagged); plain text works too.
    body = tag(text, language)
    fields = {"title": tag(title, language), "body": body, "words": body if tagged else text}
    prepared = postings_build.prepare(schema, fields)
    assert "words" in prepared
    return {name: sorted(tokens.items()) for name, tokens in prepared.items()}


def _texts():
    for _id, language, title, body in ARTICLES:
        yield title, f"{title}\n\n{body}", language
    for text, language in EXTRA:
        yield text, f"{text}\n\n{text}", language


@pytest.mark.parametrize("tagged", [True, False])
@pytest.mark.parametrize("stemmer", ["porter", "snowball", "none"])
def test_one_pass_equals_whoosh_two_passes_on_multilingual_text(stemmer, tagged):
    schema = build_schema(stemmer)
    for title, text, language in _texts():
        assert _one_pass(schema, title, text, language, tagged) == _two_pass(
            schema, title, text, language, tagged
        ), title


def test_one_pass_equals_whoosh_two_passes_on_bbc_articles():
    schema = build_schema("porter")
    files = sorted((corpus("bbc")).rglob("*.txt"))[:400]
    assert files
    for path in files:
        raw = path.read_text(encoding="utf-8", errors="replace")
        title, _, body = raw.partition("\n")
        text = f"{title}\n\n{body.strip()}"
        assert _one_pass(schema, title, text, "en") == _two_pass(schema, title, text, "en"), path


def test_words_field_is_left_to_whoosh_when_it_is_not_the_body_text():
    schema = build_schema("porter")
    fields = {"title": tag("A", "en"), "body": tag("Rain fell", "en"), "words": "Other words"}
    prepared = postings_build.prepare(schema, fields)
    assert "words" not in prepared and "body" in prepared


def _index_contents(index_dir: Path) -> dict:
    """Return every field's terms with their postings (id, weight, value) and field lengths."""
    found = {}
    with storage.open_index(index_dir).reader() as reader:
        for (fieldname, btext), postings in all_postings(reader).items():
            found[(fieldname, btext)] = (reader.doc_frequency(fieldname, btext), postings)
        for fieldname in ("title", "body"):
            lengths = [reader.doc_field_length(n, fieldname) for n in range(reader.doc_count())]
            found[("lengths", fieldname)] = lengths
    return found


def _write_world(folder: Path) -> None:
    folder.mkdir()
    lines = [json.dumps({"id": i, "title": t, "body": b}) for i, _, t, b in ARTICLES]
    lines += [
        json.dumps({"id": f"extra-{n}", "title": text[:20], "body": text})
        for n, (text, _) in enumerate(EXTRA)
        if text.strip()
    ]
    (folder / "world.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("jobs", [1, 2])
def test_index_built_in_one_pass_holds_what_two_passes_wrote(tmp_path, monkeypatch, jobs):
    folder = tmp_path / "articles"
    _write_world(folder)
    index_paths(tmp_path / "one", [folder], jobs=jobs)
    monkeypatch.setattr(postings_build, "prepare", lambda schema, fields: {})
    index_paths(tmp_path / "two", [folder], jobs=1)
    one, two = _index_contents(tmp_path / "one"), _index_contents(tmp_path / "two")
    assert one.keys() == two.keys()
    assert one == two


def _columns(text: str, norm) -> tuple:
    found = [(t, p, s, j) for t, _start, _end, p, s, j in analysis.tokens(text, norm)]
    return tuple(map(list, zip(*found))) if found else ([], [], [], [])


TRICKY = [
    "U.S. e-mail 24/7 a.b.c 3.5% end.Next -x- x- -x x--y x/-y e-tron Covid-19 F-16.",
    "Cafe\u0301-Straße ё-Ёлка a\u0301-b \u0301-x on-line...second-class /a/ .b. ",
    "word. word.\nword-\nword 1-s 9-1-s x-1s mail-e-mail",
    "財政部长 e-mail 東京-大阪 ไทย",
    "",
    "...",
    "the-of and/or to.be",
    "12.3-mln N.Y.-based x/y-z 3.5-fold a-b.c e-mail. 1,234.5-tonne a-1/b 7-a.",
    "Z\u00fcrich-based e\u2010mail.x 4.5-fold Cafe\u0301.x-1",
]


@pytest.mark.parametrize("language", ["en", "fr", "de", "ru"])
def test_index_columns_equal_the_tokenizers_tokens(language):
    norm = analysis.normalizer("porter", language=language)
    texts = TRICKY + [f"{t}\n\n{b}" for _i, _l, t, b in ARTICLES]
    for text in texts:
        assert analysis.index_columns(text, norm) == _columns(text, norm), text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab e-./\u2010\u2011_1\u0301\u00e9\n財政 ", max_size=60))
def test_index_columns_equal_the_tokenizers_tokens_on_any_text(text):
    norm = analysis.normalizer("porter")
    assert analysis.index_columns(text, norm) == _columns(text, norm)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab e-./_19\n", max_size=60))  # ASCII text: the stdlib's patterns
def test_index_columns_equal_the_tokenizers_tokens_on_any_ascii_text(text):
    norm = analysis.normalizer("porter")
    assert analysis.index_columns(text, norm) == _columns(text, norm)


def test_index_columns_equal_the_tokenizers_tokens_on_bbc_articles():
    norm = analysis.normalizer("porter")
    for path in sorted(corpus("bbc").rglob("*.txt"))[:300]:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert analysis.index_columns(text, norm) == _columns(text, norm), path
