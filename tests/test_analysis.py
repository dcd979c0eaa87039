import pickle

import pytest

from searchidx.analysis import (
    STOPWORDS,
    NewsAnalyzer,
    fold,
    stem_prefix,
    terms_with_offsets,
)


def terms(text, **kwargs):
    return [t.text for t in NewsAnalyzer()(text, **kwargs)]


def test_lowercases_folds_accents_and_stems():
    assert terms("Troops TROOP Café naïve") == ["troop", "troop", "cafe", "naiv"]


def test_stopwords_are_removed_and_positions_renumbered():
    tokens = [(t.text, t.pos) for t in NewsAnalyzer()("the Triangle of Death", positions=True)]
    assert tokens == [("triangl", 0), ("death", 1)]


def test_stopwords_kept_and_marked_when_asked():
    tokens = [(t.text, t.stopped) for t in NewsAnalyzer()("the death", removestops=False)]
    assert tokens == [("the", True), ("death", False)]


def test_character_offsets_point_into_the_text():
    text = "US troops, “Triangle of Death”"
    for term, start, end in terms_with_offsets(text):
        assert fold(text[start:end]).startswith(term[:3])
    assert [text[s:e] for _, s, e in terms_with_offsets(text)] == ["US", "troops", "Triangle", "Death"]


def test_punctuation_and_apostrophes_split_words():
    assert terms("country’s 5,200 e-mail") == ["countri", "5", "200", "e", "mail"]


def test_no_morph_keeps_words_unstemmed_for_spelling():
    assert terms("Running troops", no_morph=True) == ["running", "troops"]


@pytest.mark.parametrize("stemmer", ["porter", "snowball", "lancaster", "none"])
def test_every_stemmer_pickles_with_the_schema(stemmer):
    analyzer = pickle.loads(pickle.dumps(NewsAnalyzer(stemmer)))
    assert analyzer == NewsAnalyzer(stemmer)
    assert [t.text for t in analyzer("troops")]


def test_unknown_stemmer_is_refused():
    with pytest.raises(ValueError, match="unknown stemmer"):
        NewsAnalyzer("klingon")


def test_stem_prefix_matches_indexed_stems():
    assert stem_prefix("football") == "footbal"
    assert stem_prefix("milit") == "milit"


def test_shipped_stopword_list_is_loaded():
    assert {"the", "of", "and"} <= STOPWORDS
    assert "won" not in STOPWORDS  # a word in news ("won the election"), not a contraction
