"""The shipped table of known Porter stems gives exactly NLTK's stems, or is not used."""

from __future__ import annotations

import gzip
from importlib import resources

import pytest
from nltk.stem import PorterStemmer

from searchidx import analysis


def _table() -> dict[str, str]:
    data = resources.files("searchidx").joinpath(f"data/{analysis._KNOWN_STEMS}").read_bytes()
    lines = gzip.decompress(data).decode("utf-8").splitlines()
    return {w: t or w for w, _, t in (line.partition("\t") for line in lines)}


def test_every_known_stem_is_nltks():
    stem = PorterStemmer().stem
    table = _table()
    assert len(table) > 40_000
    assert [w for w, t in table.items() if stem(w) != t] == []


def test_the_porter_normaliser_uses_the_table_and_stems_other_words():
    analysis.load_stemmer("porter")  # as the index writer does
    stem = analysis.normalizer("porter")._stem
    nltk_stem = PorterStemmer().stem
    assert stem is not nltk_stem and stem.__name__ == "known_or_stem"
    for word in ["governments", "running", "zzzqing", "antidisestablishmentarianism", "e"]:
        assert stem(word) == nltk_stem(word)


NUMBERS = [str(n) for n in range(0, 100_000, 7)] + ["0" * 30, "1987", "007"]


@pytest.mark.parametrize("key", ["porter", "snowball", "lancaster", "snowball:german"])
def test_numbers_skip_the_stemmer_which_would_leave_them_as_they_are(key, monkeypatch):
    stem = analysis._stem_function(key)
    assert [n for n in NUMBERS if stem(n) != n] == []  # what skipping it relies on
    norm = analysis._Normalizer(key)
    norm._stem = lambda word: word + "?"  # a stemmer that marks what it was asked
    assert [n for n in NUMBERS if norm(n) != (n, False)] == []
    # Words with digits and letters, and digits of other scripts, are still stemmed.
    assert [norm(w)[0] for w in ["1980s", "٣٤", "Ｘ1"]] == ["1980s?", "٣٤?", "x1?"]


def test_a_table_that_disagrees_with_the_stemmer_is_not_used():
    def other(word: str) -> str:
        return word[:4]

    assert analysis._with_known_stems(other) is other
