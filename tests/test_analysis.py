import pickle
import subprocess
import sys

import pytest

from searchidx.analysis import (
    STOPWORDS,
    Memo,
    NewsAnalyzer,
    fold,
    stem_prefix,
    terms_with_offsets,
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


def _in_a_new_python(*lines: str) -> None:
    """Run LINES (Python statements) in a new interpreter: what it imports starts empty."""
    subprocess.run([sys.executable, "-c", "\n".join(lines)], check=True)


def test_nltk_loads_on_first_use_without_scipy():
    _in_a_new_python(
        "import sys, searchidx.cli",
        "assert 'nltk' not in sys.modules, 'nltk imported at start-up'",
        "from searchidx.analysis import NewsAnalyzer, normalizer",
        "assert [t.text for t in NewsAnalyzer()('troops')] == ['troop']",
        # Porter alone: NLTK's __init__ has not run
        "assert 'nltk.stem.porter' in sys.modules and 'nltk' not in sys.modules",
        "assert normalizer('porter', language='de')('Häuser')[0] == 'haus'",  # Snowball
        "assert 'nltk' in sys.modules and 'scipy' not in sys.modules",
        "import numpy",  # blocked only while NLTK loads
    )


def test_porter_loaded_alone_is_nltks_own_once_nltk_loads():
    _in_a_new_python(
        "import sys",
        "from searchidx import analysis",
        "stem = analysis._stem_function('porter')",
        "assert 'nltk' not in sys.modules and 'nltk.stem' not in sys.modules",
        "import nltk.stem",  # NLTK whole, after the light load
        "assert type(stem.__self__) is nltk.stem.PorterStemmer",
        "words = ['running', 'generalizations', 'troops', 'oscillators', 'a', 'dying']",
        "assert [stem(w) for w in words] == [nltk.stem.PorterStemmer().stem(w) for w in words]",
        "assert nltk.stem.SnowballStemmer('german').stem('häuser') == 'haus'",
    )


def test_a_failed_light_load_falls_back_to_nltk_whole():
    _in_a_new_python(
        "import importlib, sys",
        "from searchidx import analysis",
        "real = importlib.import_module",
        "def failing(name, *args):",
        "    if name.startswith('nltk.stem.'):",
        "        real('nltk.redos')",  # part of it loaded, then a failure
        "        raise ImportError('another layout')",
        "    return real(name, *args)",
        "analysis.importlib.import_module = failing",
        "stem = analysis._stem_function('porter')",
        "analysis.importlib.import_module = real",
        "assert stem('troops') == 'troop'",
        "import nltk",
        "assert hasattr(nltk, 'word_tokenize')",  # the real package, not a bare one
        "assert type(stem.__self__) is sys.modules['nltk.stem'].PorterStemmer",
    )


def test_stopwords_are_indexed_at_their_positions():
    tokens = [(t.text, t.pos) for t in NewsAnalyzer()("the Triangle of Death", positions=True)]
    assert tokens == [("the", 0), ("triangl", 1), ("of", 2), ("death", 3)]


def test_an_index_made_before_stopwords_were_indexed_still_drops_them():
    old = NewsAnalyzer()
    del old.indexes_stopwords  # as unpickled from an older index: the class default
    tokens = [(t.text, t.pos) for t in old("the Triangle of Death", positions=True)]
    assert tokens == [("triangl", 0), ("death", 1)]
    kept = [(t.text, t.stopped) for t in old("the death", removestops=False)]
    assert kept == [("the", True), ("death", False)]


def test_character_offsets_point_into_the_text():
    text = "US troops, “Triangle of Death”"
    for term, start, end in terms_with_offsets(text):
        assert fold(text[start:end]).startswith(term[:3])
    assert [text[s:e] for _, s, e in terms_with_offsets(text)] == [
        "US",
        "troops",
        "Triangle",
        "of",
        "Death",
    ]


def test_punctuation_and_apostrophes_split_words():
    assert terms("country’s 5,200 e-mail") == ["countri", "s", "5", "200", "e", "mail", "email"]


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


def test_a_lone_combining_mark_is_no_term():
    # U+A674 is a combining mark: accent folding leaves nothing (found by hypothesis).
    assert terms("\ua674 troops") == ["troop"]


def test_fast_tokens_equal_the_grouped_analysis():
    import random

    from searchidx.analysis import groups, normalizer, tokens

    norm = normalizer("porter")
    pieces = list("ab e-/.,U S1 9 財政部ホ서울ข่า \u0301") + [
        "the ",
        "Covid",
        "-19 ",
        "e-mail",
        "U.S.",
    ]
    rng = random.Random(11)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        grouped = [tuple(piece) for group in groups(text, norm) for piece in group]
        assert list(tokens(text, norm)) == grouped, text


def test_memo_normalises_each_new_word_once_and_starts_over_at_its_limit():
    calls = []
    memo = Memo(lambda word: calls.append(word) or word.upper(), limit=3)
    assert list(map(memo.__getitem__, ["a", "b", "a", "c"])) == ["A", "B", "A", "C"]
    assert calls == ["a", "b", "c"] and len(memo) == 3
    assert memo["d"] == "D" and dict(memo) == {"d": "D"}  # full: started over
