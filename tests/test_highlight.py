"""The fast term finder and token lister against the analyzer's own token-by-token scan.

The reference is ``analysis.pieces`` (what the index holds for a text), filtered; the snippet
reference is the snippet code as it was before the fast paths (a phrase snippet from the full
token list, window marks by filtering).  Compared on made-up edge cases and on real text:
BBC articles and the newspaper pages (English, Arabic, Chinese, Japanese, Spanish, Thai).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from searchidx import highlight, snippets
from searchidx.analysis import _HYPHENATED, _PLAIN_WORD, pieces
from searchidx.highlight import _plain, _plain_words, find_terms, token_list
from searchidx.snippets import MatchSpec, _merged, _window, make_snippet

from .conftest import corpus

LANGUAGES = {"arabic": "ar", "spanish": "es", "chinese": "zh", "japanese": "ja", "thai": "th"}


def reference_marks(text, terms, stemmer="porter", language=None, found=None):
    found = pieces(text, stemmer, language) if found is None else found
    return sorted((p.start, p.end, p.term) for p in found if p.term in terms)


def reference_tokens(text, stemmer="porter", language=None, found=None):
    found = pieces(text, stemmer, language) if found is None else found
    return [(p.term, p.start, p.end) for p in found if not p.joined]


def reference_snippet(text, spec, stemmer, size=200, max_fragments=3, language=None, found=None):
    """Return the snippet parts as the code made them before the fast paths.

    FOUND: the pieces of TEXT (up to ``MAX_SCAN``), if already made.
    """
    if found is None:
        found = pieces(text[: snippets.MAX_SCAN], stemmer, language)
    marks = [(p.start, p.end, p.term) for p in found if p.term in spec.terms]
    tokens = [(p.term, p.start, p.end) for p in found if not p.joined]
    for words, slop in spec.phrases:
        first, rest = words[0], words[1:]
        for i, token in enumerate(tokens):
            if token[0] != first:
                continue
            places = [i]
            for word in rest:
                window = range(places[-1] + 1, min(len(tokens), places[-1] + 1 + slop))
                nxt = next((j for j in window if tokens[j][0] == word), None)
                if nxt is None:
                    break
                places.append(nxt)
            else:
                marks.append((token[1], tokens[places[-1]][2], first))
    marks = _merged(sorted(marks))
    if not marks:
        start, end = _window(text, 0, size)
        return snippets._parts(text, [(start, end)], [])
    candidates = []
    for i, (start, _, _) in enumerate(marks):
        lo, hi = _window(text, start, size)
        inside = [m for m in marks[i:] if m[0] >= lo and m[1] <= hi]
        candidates.append((len({m[2] for m in inside}), len(inside), -start, (lo, hi), inside))
    # The choice among the candidates is shared; what is checked is which marks are inside.
    return snippets._parts(text, snippets.best_windows(candidates, max_fragments), marks)


@pytest.mark.parametrize(
    "text, terms",
    [
        ("US troops, troop TROOPS; troopship", {"troop"}),
        ("Cafe\u0301 cafe CAFÉ café_au lait", {"cafe", "lait"}),
        ("country’s 5,200 e-mail e mail", {"countri", "e", "5"}),
        ("email or e-mail, E-Mail", {"email"}),  # a word and a compound's joined form
        ("Covid-19 and covid19 and COVID 19", {"covid19", "19"}),
        ("U.S. and 24/7 and F-16s", {"u", "s", "f16", "7"}),
        ("the of and", {"the"}),
        ("財政部长 said the 財政 minister", {"財政", "said"}),
        ("£5m – “quoted” …and\xa0more", {"5m", "quot", "more"}),
        ("", {"troop"}),
        ("troops", set()),
    ],
)
def test_find_terms_and_token_list_agree_with_a_full_scan(text, terms):
    assert find_terms(text, terms, "porter") == reference_marks(text, terms)
    found = token_list(text, terms, "porter")
    assert list(zip(found.terms, found.starts, found.ends)) == reference_tokens(text)
    assert found.marks == reference_marks(text, terms)


def test_plain_text_words_are_the_analyzers_words():
    extra = sorted(highlight._PLAIN_CHARS - set(map(chr, range(128))))
    for char in extra:  # none of them may be part of a word, for either way of finding words
        assert not char.isalnum() and not _PLAIN_WORD.findall(char), repr(char)
    rng = random.Random(7)
    alphabet = [chr(c) for c in range(128)] + extra
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(60)))
        assert _plain(text)
        assert _plain_words(text) == _PLAIN_WORD.findall(text)
        starts, ends = highlight._plain_spans(text)
        assert list(zip(starts, ends)) == [m.span() for m in _PLAIN_WORD.finditer(text)]
    assert not _plain("café") and not _plain("財政")


def test_plain_text_compounds_are_the_analyzers_compounds():
    rng = random.Random(8)
    for _ in range(2000):
        text = "".join(rng.choice("ab1-- . _") for _ in range(rng.randrange(30)))
        assert highlight._plain_compounds(text) == _HYPHENATED.findall(text), repr(text)


def test_the_memos_start_over_when_full(monkeypatch):
    monkeypatch.setattr(highlight, "MEMO_LIMIT", 5)
    monkeypatch.setattr(highlight, "TEXT_LIMIT", 2)
    monkeypatch.setattr(highlight, "_memos", {})
    texts = [
        "alpha beta gamma delta epsilon zeta eta theta iota kappa troops",
        "Troop movements: kappa, lambda and mu were seen by the troops",
        "no wanted words in this one at all",
    ]
    for _ in range(3):  # each text starts the word memo over; the text memo keeps two
        for text in texts:
            wanted = {"troop", "kappa"}
            assert find_terms(text, wanted, "porter") == reference_marks(text, wanted)
            assert token_list(text, wanted, "porter").marks == reference_marks(text, wanted)
    assert len(highlight._memo("porter", None)._maps[0]) <= 12
    assert len(highlight._texts) <= 2


def _real_texts() -> list[tuple[str, str | None]]:
    """Return (text, language) of every 8th BBC article and every newspaper page's text."""
    bbc = sorted(p for p in corpus("bbc").rglob("*.txt") if p.name != "README.TXT")
    pages = sorted((corpus("newspaper-pages") / "text").glob("*.txt"))
    found = [(p.read_text(encoding="latin-1"), None) for p in bbc[::8]]
    for path in pages:
        language = next((code for name, code in LANGUAGES.items() if name in path.stem), None)
        found.append((path.read_text(encoding="utf-8"), language))
    return found


def _wanted(found: list, rng: random.Random) -> tuple[set[str], list[tuple]]:
    """Return some terms of a text's pieces (and one absent) and a few phrases of its tokens."""
    tokens = reference_tokens("", found=found)
    terms = {p.term for p in rng.sample(found, min(4, len(found)))} | {"zqxnotthere"}
    terms |= {p.term for p in found if p.joined}  # every joined form: the slow case is right too
    phrases = []
    for _ in range(2):
        if len(tokens) > 3:
            i = rng.randrange(len(tokens) - 2)
            phrases.append((tuple(t[0] for t in tokens[i : i + 2]), rng.choice([1, 2])))
    return terms, phrases


def test_real_text_marks_tokens_and_snippets_equal_the_full_scan():
    rng = random.Random(10)
    texts = _real_texts()
    scripts = {language for _, language in texts}
    assert {None, "ar", "es", "zh", "ja", "th"} <= scripts
    for text, language in texts:
        found = pieces(text, "porter", language)
        terms, phrases = _wanted(found, rng)
        for wanted in (terms, set(list(terms)[:1])):
            expected = reference_marks(text, wanted, found=found)
            assert find_terms(text, wanted, "porter", language) == expected
        listed = token_list(text, terms, "porter", language)
        tokens = list(zip(listed.terms, listed.starts, listed.ends))
        assert tokens == reference_tokens(text, found=found)
        assert listed.marks == reference_marks(text, terms, found=found)
        for spec in (MatchSpec(terms), MatchSpec(terms, phrases), MatchSpec(set(), phrases)):
            made = make_snippet(text, spec, "porter", language=language).parts
            assert made == reference_snippet(text, spec, "porter", language=language, found=found)


def test_bbc_search_snippets_equal_the_full_scan(bbc_index):
    from searchidx import Engine

    queries = [
        line.split("\t")[0]
        for line in (Path(__file__).parent.parent / "benchmarks" / "queries.txt")
        .read_text()
        .splitlines()
        if line.strip() and not line.startswith("#")
    ]
    with Engine(bbc_index) as engine:
        searcher = engine._current()
        for query in queries:
            result = engine.search(query)
            spec = snippets.match_spec(engine._parse(searcher, query), searcher.reader())
            for hit in result.hits:
                body = engine.document(hit.id).body
                assert hit.snippet_parts == reference_snippet(body, spec, engine.stemmer), query
