"""Language detection's shortcuts against its plain definition (language module docstring)."""

from __future__ import annotations

import pytest
import regex

from searchidx import language
from searchidx.analysis import DEFAULT_LANGUAGE, STOPWORDS

from .conftest import corpus, plain_langid

EDGE_TEXTS = [
    "",
    "a" * 19,
    "a" * 20,
    "1 a " * 19 + "1",
    "1 a " * 20,
    "é" * 19 + "!",
    "e\u0301" * 20,  # letters and combining marks
    "東京" * 5,
    "Шр 10 цтс вс 12 цтс",
    "SHR 10 CTS VS 12 CTS NET 1,234,000 VS 1,111,000 REVS 12.3 MLN VS 11.1 MLN",
    "Der Bundestag hat am Donnerstag über den Haushalt des kommenden Jahres beraten.",
    "The the the the the the the the",
    "El gobierno anunció hoy nuevas medidas económicas para las regiones del sur.",
    # ASCII text (found with the stdlib's engine): underscores, digits and punctuation
    "".join(map(chr, range(32, 127))) * 3,
    "it_is the_end of_the day and_the rest is at the top of_the list for_the most",
    "A1b2c3 the of and to in is was 4for on at by with_ 5the",
]


def reference(text: str) -> str:
    """The definition written plainly: every word lowercased, every letter counted."""
    sample = text[: language.SAMPLE_CHARS]
    words = [w.lower() for w in regex.findall(r"[^\W\d_]+", sample)[: language.ENGLISH_WORDS]]
    if len(words) >= 8 and sum(w in STOPWORDS for w in words) >= 0.15 * len(words):
        return DEFAULT_LANGUAGE
    letters = len(regex.findall(r"\p{L}", sample))
    if letters < language.MIN_LETTERS and not any(ord(c) > 0x2E80 for c in sample):
        return DEFAULT_LANGUAGE
    code, confidence = plain_langid().classify(sample)
    return code if confidence >= language.MIN_CONFIDENCE else DEFAULT_LANGUAGE


@pytest.mark.parametrize("text", EDGE_TEXTS)
def test_detect_follows_the_definition_at_its_edges(text):
    assert language.detect(text) == reference(text)


def test_detect_follows_the_definition_on_real_pages():
    texts = [p.read_text("utf-8") for p in sorted((corpus("newspaper-pages") / "text").glob("*"))]
    assert len(texts) > 150
    found = [language.detect(t) for t in texts]
    assert found == [reference(t) for t in texts]
    assert {"ar", "ja", "zh", "es", "th"} <= set(found)  # the model was asked, not skipped
