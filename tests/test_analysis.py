import pickle
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searchidx import analysis
from searchidx.analysis import (
    STOPWORDS,
    NewsAnalyzer,
    find_terms,
    fold,
    stem_prefix,
    terms_with_offsets,
    token_list,
)


def terms(text, **kwargs):
    return [t.text for t in NewsAnalyzer()(text, **kwargs)]


def test_lowercases_folds_accents_and_stems():
    assert terms("Troops TROOP Café naïve") == ["troop", "troop", "cafe", "naiv"]


def test_decomposed_accent_stays_in_its_word():
    # "e" + COMBINING ACUTE ACCENT: the stdlib re's \\w does not match the mark and would
    # split the word; the regex module keeps it, as NLTK's tokenizer does.
    text = "Cafe\u0301 society"
    assert [text[s:e] for _, s, e in terms_with_offsets(text)] == ["Cafe\u0301", "society"]
    assert terms(text) == ["cafe", "societi"]


def test_nltk_loads_on_first_use_without_scipy():
    code = (
        "import sys, searchidx.cli\n"
        "assert 'nltk' not in sys.modules, 'nltk imported at start-up'\n"
        "from searchidx.analysis import NewsAnalyzer\n"
        "assert [t.text for t in NewsAnalyzer()('troops')] == ['troop']\n"
        "assert 'nltk' in sys.modules and 'scipy' not in sys.modules\n"
        "import numpy\n"  # blocked only while NLTK loads
    )
    subprocess.run([sys.executable, "-c", code], check=True)


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
    assert [text[s:e] for _, s, e in terms_with_offsets(text)] == [
        "US",
        "troops",
        "Triangle",
        "Death",
    ]


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


@pytest.mark.parametrize(
    "text, terms",
    [
        ("US troops, troop TROOPS; troopship", {"troop"}),
        ("Cafe\u0301 cafe CAFÉ café_au lait", {"cafe", "lait"}),
        ("country’s 5,200 e-mail e mail", {"countri", "e", "5"}),
        ("the of and", {"the"}),
        ("", {"troop"}),
    ],
)
def test_find_terms_agrees_with_a_full_scan(text, terms):
    full = [(s, e, t) for t, s, e in terms_with_offsets(text) if t in terms]
    assert find_terms(text, terms, "porter") == full


def test_a_lone_combining_mark_is_no_term():
    # U+A674 is a combining mark: accent folding leaves nothing (found by hypothesis).
    assert terms("\ua674 troops") == ["troop"]


_PIECES = ["troops", "troop", "Troopship", "oil", "boil", "oils", "e", "5", "_", "'", " ", "\n"]
_PIECES += [
    "café",
    "Cafe\u0301",
    "naïve",
    "-",
    "of",
    "THE",
    "États",
    "x2",
    "£5",
    "’s",
    "“",
    "\xa0",
    "—",
]


@given(
    st.lists(st.sampled_from(_PIECES), max_size=40),
    st.sets(st.sampled_from(["troop", "oil", "e", "5", "cafe", "naiv", "etat", "x2"]), min_size=1),
)
@settings(max_examples=300, deadline=None)
def test_find_terms_agrees_with_a_full_scan_on_generated_texts(pieces, wanted):
    # ASCII texts take the str.find path, the others the regex path: both must agree.
    text = "".join(pieces)
    full = [(s, e, t) for t, s, e in terms_with_offsets(text) if t in wanted]
    assert find_terms(text, wanted, "porter") == full
    assert find_terms(text.encode("ascii", "ignore").decode(), wanted, "porter") == [
        (s, e, t)
        for t, s, e in terms_with_offsets(text.encode("ascii", "ignore").decode())
        if t in wanted
    ]


@given(st.lists(st.sampled_from(_PIECES), max_size=40))
@settings(max_examples=300, deadline=None)
def test_token_list_equals_the_token_by_token_scan(pieces):
    text = "".join(pieces)
    for version in (text, text.encode("ascii", "ignore").decode()):
        assert token_list(version) == list(terms_with_offsets(version))


@given(st.lists(st.sampled_from(_PIECES), max_size=40))
@settings(max_examples=300, deadline=None)
def test_plain_words_are_the_word_pattern_s(pieces):
    text = "".join(pieces)
    if analysis._plain(text):
        assert analysis._plain_words(text) == analysis.WORD.findall(text)


def test_the_normaliser_s_inverse_map_follows_its_cache(monkeypatch):
    norm = analysis._Normalizer("porter")
    for word in ("Troops", "troop", "the", "oil"):
        norm(word)
    assert norm.forms is None  # made at the first search only (an indexer never needs it)

    def expected():
        forms = {}
        for surface, term in norm.cache.items():
            if term is not None:
                forms.setdefault(term, set()).add(surface)
        return forms

    assert {t: set(f) for t, f in norm.inverse().items()} == expected()
    norm("TROOP")
    norm("oils")
    assert {t: set(f) for t, f in norm.inverse().items()} == expected()
    monkeypatch.setattr(analysis, "_CACHE_LIMIT", len(norm.cache))
    norm("boil")  # the cache is full: both maps start over
    assert norm.generation == 1 and norm.cache == {"boil": "boil"}
    assert norm.inverse() == {"boil": ["boil"]}
