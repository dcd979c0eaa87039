"""Declared and guessed encodings: pages in legacy charsets are read as their authors wrote them."""

from __future__ import annotations

import codecs

import pytest

from searchidx import Engine, index_paths
from searchidx.cli import cli
from searchidx.ingest.decode import declared_encoding, decode, decode_bytes

# News-like sentences in each script, with the charset a site in that language used.
SAMPLES = {
    "windows-1251": (
        "Лукашенко встретился с премьер-министром России",
        "Президент Беларуси Александр Лукашенко обсудил в Минске поставки нефти и газа.",
        "Лукашенко",
    ),
    "koi8-u": (
        "Уряд України ухвалив бюджет",
        "Київ. Верховна Рада підтримала бюджет на наступний рік, повідомляє прес-служба.",
        "Київ",
    ),
    "big5": (
        "財政部公布今年稅收",
        "財政部今天在台北公布今年的稅收數字，比去年增加百分之五。",
        "財政部今天在台北公布今年的稅收數字",
    ),
    "gbk": (
        "国务院召开常务会议",
        "国务院总理在北京主持召开常务会议，部署稳定经济的措施。",
        "国务院总理在北京主持召开常务会议",
    ),
    "shift_jis": (
        "東京のホテル料金が上昇",
        "観光客の増加で、東京都内のホテル料金が前年より二割上がった。",
        "観光客の増加で",
    ),
    "iso-8859-2": (
        "Sejm przyjął ustawę o szkolnictwie",
        "Posłowie w Warszawie głosowali nad zmianą przepisów; ustawa trafi do Senatu.",
        "Posłowie",
    ),
}


def _page(charset: str, declaration: str, title: str, body: str) -> bytes:
    head = {
        "meta": f'<meta charset="{charset}">',
        "http-equiv": f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">',
    }[declaration]
    html = (
        f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head>"
        f"<body><article><h1>{title}</h1><p>{body}</p><p>{body}</p></article></body></html>"
    )
    return html.encode(charset)


@pytest.mark.parametrize("charset", list(SAMPLES))
@pytest.mark.parametrize("declaration", ["meta", "http-equiv"])
def test_declared_charset_is_honoured(charset, declaration):
    title, body, _ = SAMPLES[charset]
    decoded = decode_bytes(_page(charset, declaration, title, body))
    assert title in decoded.text and body in decoded.text
    assert not decoded.guessed


def test_xml_declaration_and_bom():
    text = "Posłowie głosowali nad ustawą o szkolnictwie w Warszawie."
    page = f'<?xml version="1.0" encoding="ISO-8859-2"?><html><body><p>{text}</p></body></html>'
    assert declared_encoding(page.encode("iso-8859-2")) == "iso8859-2"
    assert text in decode(page.encode("iso-8859-2"))
    assert decode(codecs.BOM_UTF8 + "Лукашенко".encode()) == "Лукашенко"
    assert decode("Лукашенко".encode("utf-16")) == "Лукашенко"
    assert decode("Лукашенко".encode("utf-32")) == "Лукашенко"


def test_utf8_page_that_declares_latin1_stays_utf8():
    page = '<meta charset="iso-8859-1"><p>Café in Zürich – “quoted”</p>'.encode()
    decoded = decode_bytes(page)
    assert "Café in Zürich – “quoted”" in decoded.text and decoded.encoding == "utf-8"


def test_undeclared_text_is_guessed_and_said_so():
    text = ("Президент Беларуси Александр Лукашенко обсудил поставки нефти. " * 5).encode("cp1251")
    decoded = decode_bytes(text)
    assert decoded.guessed and "Лукашенко" in decoded.text


def test_a_stray_latin1_byte_stays_windows_1252():
    assert (
        decode(b"Price \xa3100 for a ticket to the match") == "Price £100 for a ticket to the match"
    )


def test_pages_in_each_charset_are_findable(tmp_path, runner):
    folder = tmp_path / "pages"
    folder.mkdir()
    for n, (charset, (title, body, _)) in enumerate(SAMPLES.items()):
        (folder / f"{n}.html").write_bytes(_page(charset, "meta", title, body))
    (folder / "guess.txt").write_bytes(
        (
            "Лукашенко в Минске\n\n" + "Александр Лукашенко обсудил поставки нефти и газа. " * 5
        ).encode("cp1251")
    )
    index_dir = tmp_path / "index"
    summary = index_paths(index_dir, [folder])
    assert summary.documents == len(SAMPLES) + 1
    assert [g.path for g in summary.guessed] == [str(folder / "guess.txt")]
    assert "encoding guessed for 1 files" in summary.line()
    with Engine(index_dir) as engine:
        assert {h.id for h in engine.search("Лукашенко").hits} == {
            "pages/0.html",
            "pages/guess.txt",
        }
        assert [h.id for h in engine.search("Posłowie").hits] == ["pages/5.html"]
        assert [h.id for h in engine.search("Київ").hits] == ["pages/1.html"]
        for n, (_, _, phrase) in enumerate(SAMPLES.values()):
            # A whole run of CJK characters between punctuation is one word today.
            assert f"pages/{n}.html" in [h.id for h in engine.search(f'"{phrase}"').hits], phrase
    result = runner.invoke(cli, ["index", str(folder), "--index", str(tmp_path / "ix2")])
    assert "guess.txt: encoding guessed as" in result.output
