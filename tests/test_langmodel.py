"""The numpy walk of py3langid's automaton against py3langid's own walk and scores."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searchidx import langmodel, language

from .conftest import corpus, plain_langid
from .test_language import EDGE_TEXTS

plain = plain_langid


def fast():
    return language._model()


def same_answer(text: str) -> None:
    """Both identifiers give TEXT the same language and the same probabilities, exactly."""
    ours, theirs = fast(), plain()
    assert ours.fast
    assert ours.walks_alike(text)
    assert ours._decide(text).tolist() == theirs._decide(text).tolist()
    assert ours.classify(text) == theirs.classify(text)


def test_the_walk_knows_how_deep_the_automaton_is():
    assert fast()._walk_depth >= 4  # byte n-grams of up to 4 bytes, and a little more


@pytest.mark.parametrize("text", EDGE_TEXTS + ["\x00\x01\x02", "€" * 300, "a", " "])
def test_edge_texts(text):
    same_answer(text)


def test_real_pages_in_many_scripts():
    pages = sorted((corpus("newspaper-pages") / "text").glob("*"))
    assert len(pages) > 150
    for page in pages:
        text = page.read_text("utf-8")
        same_answer(text[: language.SAMPLE_CHARS])
        same_answer(text[:5000])
    found = {fast().classify(p.read_text("utf-8")[:500])[0] for p in pages}
    assert {"ar", "ja", "zh", "es", "th"} <= found


def test_reuters_figure_tables():
    """Stories of figures: the texts the cheap English check leaves to the model."""
    path = corpus("reuters21578")
    stories = sorted(path.glob("**/*.sgm"))[:2]
    assert stories
    texts = [
        block.split("</BODY>")[0][-600:]
        for story in stories
        for block in story.read_text("latin-1").split("<BODY>")[1:]
    ]
    assert len(texts) > 1000
    for text in texts:
        same_answer(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text(text):
    same_answer(text)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(["the", "der", "東京", "мир", "ال", "12", ".", " ", "ñ"]), max_size=80)
)
def test_text_made_of_common_pieces(pieces):
    same_answer(" ".join(pieces))


def test_a_walk_too_shallow_is_found_and_not_used():
    identifier = langmodel.Identifier.load()
    identifier.set_languages(plain().nb_classes)
    assert identifier.fast
    identifier._walk_depth = 2
    assert not identifier.walks_alike(langmodel._CHECK)
    identifier.fast = False
    text = "Die Regierung kündigte am Donnerstag eine Rentenreform an."
    assert identifier.classify(text) == plain().classify(text)
