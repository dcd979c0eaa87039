"""The shipped table of known Porter stems gives exactly NLTK's stems, or is not used."""

from __future__ import annotations

import gzip
from importlib import resources

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
    # Numbers skip the stemmer, which leaves them as they are; words with digits do not.
    numbers = [str(n) for n in range(0, 100_000, 7)] + ["0" * 30, "1987", "007"]
    assert [n for n in numbers if stem(n) != n or nltk_stem(n) != n] == []
    assert stem("1980s") == nltk_stem("1980s") == "1980"
    assert stem("٣٤") == nltk_stem("٣٤")  # digits, but not ASCII: the stemmer's own answer


def test_a_table_that_disagrees_with_the_stemmer_is_not_used():
    def other(word: str) -> str:
        return word[:4]

    assert analysis._with_known_stems(other) is other
