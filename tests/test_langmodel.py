"""langmodel's scores (float32 rows, BLAS) against py3langid's own, exactly."""

from __future__ import annotations

import numpy as np
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
    assert isinstance(ours, langmodel.Identifier)
    assert ours._decide(text).tolist() == theirs._decide(text).tolist()
    assert ours.classify(text) == theirs.classify(text)


def test_the_limited_table_is_contiguous():
    assert fast().nb_ptc.flags["C_CONTIGUOUS"]
    assert not plain().nb_ptc.flags["C_CONTIGUOUS"]  # what made the gathering slow


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


def test_the_automatons_deepest_state_is_the_window_the_walk_uses():
    """Each position's state depends on its last _DEPTH bytes only if no state is deeper."""
    model = fast()
    assert model._window == langmodel._DEPTH
    moves = model._moves.astype(np.intp)
    rows = model._rows
    depth = np.full(len(rows), -1)
    depth[0] = 0
    frontier, level = np.array([0]), 0
    while len(frontier):  # breadth first from the start state
        reached = np.unique(moves[(rows[frontier][:, None] + np.arange(256)).ravel()])
        frontier = reached[depth[reached] < 0]
        level += 1
        depth[frontier] = level
    assert depth.min() == 0 and depth.max() == langmodel._DEPTH


def test_another_automaton_is_walked_byte_by_byte(monkeypatch):
    monkeypatch.setattr(langmodel, "_STATES", 5)  # as if py3langid shipped another model
    other = langmodel.Identifier.load()
    other.set_languages([code for code in other.labels if len(code) == 2])
    assert other._window is None
    text = "Shr 34 cts vs 1.19 dlrs. Net 807,000 vs 2,858,000."
    assert other._decide(text).tolist() == fast()._decide(text).tolist()
