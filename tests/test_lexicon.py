"""The words lexicon: real (unstemmed) words with their document counts, kept by the index."""

from __future__ import annotations

import json

import pytest

from searchidx import Engine, index_paths, storage
from searchidx.lexicon import FIELD, LexiconCache, _raw_words
from searchidx.schema import QUERY_FIELDS

from .newsdesk import ELECTION_DOCS


def _lexicon(index_dir):
    with storage.open_index(index_dir).reader() as reader:
        return LexiconCache().lexicon(reader)


def test_the_words_field_holds_surface_words_not_stems(desk_index):
    lexicon = _lexicon(desk_index)
    # Each document holds "election" (title or body) once or more: counted once per document.
    assert lexicon.count("election") == ELECTION_DOCS + 1
    assert lexicon.count("elect") == 0  # the stem is not a word of the text
    assert lexicon.count("counted") == ELECTION_DOCS and lexicon.count("count") == ELECTION_DOCS
    assert lexicon.count("the") == 0  # stopwords are left out
    assert lexicon.count("elton") == 1


def test_the_words_field_is_not_stored_and_not_searchable_by_name(desk_index):
    with Engine(desk_index) as engine:
        assert "words" not in engine.document("music/elton").to_dict()
        # "words:" names no field a query may use: it is read as text, like a pasted label.
        assert "words" not in QUERY_FIELDS
        as_text = engine.search("words elton", collapse=False)
        named = engine.search("words:elton", collapse=False)
        assert [h.id for h in named.hits] == [h.id for h in as_text.hits]


def test_completions_are_most_common_first(desk_index):
    lexicon = _lexicon(desk_index)
    found = lexicon.completions("el", 5)
    assert found[0] == ("election", ELECTION_DOCS + 1)
    assert ("elton", 1) in found
    assert lexicon.completions("zzz") == []


def test_near_words_within_two_edits(desk_index):
    near = {w: (edits, n) for w, edits, n in _lexicon(desk_index).near("elction")}
    assert near["election"] == (1, ELECTION_DOCS + 1)
    assert near["elton"] == (2, 1)
    assert "elction" not in near


def test_the_raw_term_table_reader_agrees_with_whoosh(desk_index):
    with storage.open_index(desk_index).reader() as reader:
        for leaf, _ in reader.leaf_readers():
            slow = {t.decode(): i.doc_frequency() for t, i in leaf.iter_field(FIELD)}
            assert _raw_words(leaf) == slow and slow


def test_the_lexicon_follows_new_segments_and_rebuilds(tmp_path, desk_index):
    with Engine(desk_index) as engine:
        assert engine.complete("zeppel").words == []
        more = tmp_path / "more"
        more.mkdir()
        (more / "z.jsonl").write_text(
            json.dumps({"id": "z1", "title": "Zeppelin lands", "body": "A zeppelin landed."}) + "\n"
        )
        index_paths(desk_index, [more])  # a second segment, committed while the engine is open
        assert [w["word"] for w in engine.complete("zeppel").words] == ["zeppelin"]
        index_paths(desk_index, [more], rebuild=True)  # the desk is gone from the index
        assert engine.complete("electi").words == []
        assert engine.complete("zeppel").words[0]["documents"] == 1


@pytest.mark.parametrize("typed", ["elction", "ballts", "xqzj", "arcadee", "néws", "tally", "a1"])
def test_near_finds_exactly_what_comparing_every_word_finds(desk_index, typed):
    from rapidfuzz.distance import OSA

    lexicon = _lexicon(desk_index)
    every = sorted(
        (w, OSA.distance(typed, w), lexicon.count(w))
        for w in lexicon.words
        if w != typed and OSA.distance(typed, w) <= 2
    )
    assert sorted(lexicon.near(typed)) == every
