"""Language detection's shortcuts against its plain definition (language module docstring)."""

from __future__ import annotations

import threading

import pytest
import regex

from searchidx import index_paths, indexer, language, storage
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


# -- the model loaded in the background (indexing with --jobs) ---------------------------

GERMAN = EDGE_TEXTS[10]
ENGLISH = "The government said on Thursday that the plan would be put to a vote in the spring."


@pytest.fixture
def unloaded(monkeypatch):
    """language's module state as in a new process: no model, no loader."""
    monkeypatch.setattr(language, "_identifier", None)
    monkeypatch.setattr(language, "_loader", None)
    monkeypatch.setattr(language, "_lock", threading.Lock())


def test_detect_without_waiting_loads_the_model_in_the_background(unloaded):
    assert language.detect(ENGLISH, wait=False) == "en"  # the cheap check: no model
    assert language._loader is None
    assert language.detect(GERMAN, wait=False) is None
    loader = language._loader
    assert loader is not None and loader.name == "searchidx-language-model"
    loader.join(60)
    assert language.model_settled()
    assert language.detect(GERMAN, wait=False) == language.detect(GERMAN) == "de"


def test_parallel_indexing_tells_the_same_languages_and_copies_while_the_model_loads(
    tmp_path, unloaded, monkeypatch
):
    """With --jobs, documents that need the model wait for it: none lost, none told apart."""
    pages = corpus("newspaper-pages") / "text"
    waited = []
    add_deferred = indexer._add_deferred

    def counting(run):
        waited.append(len(run.deferred))
        add_deferred(run)

    monkeypatch.setattr(indexer, "_add_deferred", counting)
    two = index_paths(tmp_path / "two", [pages], jobs=2)
    assert sum(waited) > 0  # some documents did wait for the model
    one = index_paths(tmp_path / "one", [pages], jobs=1)
    assert two.documents == one.documents > 150
    found = {}
    for name in ("one", "two"):
        with storage.open_index(tmp_path / name).searcher() as searcher:
            stories = searcher.reader().column_reader("story")
            found[name] = sorted(
                (fields["id"], fields["language"], stories[docnum])
                for docnum, fields in searcher.iter_docs()
            )
    assert len(found["one"]) == one.documents
    assert found["one"] == found["two"]
    assert {"de", "es", "ja", "zh", "ar"} & {language for _, language, _ in found["two"]}
