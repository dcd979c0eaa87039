from math import log

import pytest

from searchidx import Engine, index_paths
from searchidx.query import parse_query, plain_query
from searchidx.ranking import IDF_FLOOR, NewsBM25, bm25_tf, count_repeats, idf
from searchidx.schema import build_schema


class _Stats:
    def __init__(self, n, df):
        self.n, self.df = n, df

    def doc_count_all(self):
        return self.n

    def doc_frequency(self, fieldname, text):
        return self.df


def test_idf_is_fts5s_and_lets_words_in_half_the_documents_fall_to_the_floor():
    assert idf(100, 1) == log(99.5 / 1.5)
    assert idf(100, 50) == IDF_FLOOR  # log(50.5 / 50.5) = 0: in half the documents
    assert idf(100, 99) == IDF_FLOOR
    # Lucene's never falls below log 2, so common words keep weighing something.
    assert idf(100, 99, "lucene") == log(1 + 1.5 / 99.5) > 0.01
    assert NewsBM25().idf(_Stats(100, 1), "body", "x") == idf(100, 1)
    with pytest.raises(ValueError, match="unknown idf"):
        NewsBM25(idf_kind="tfidf")


def test_bm25_tf_saturates_and_normalises_by_length():
    assert bm25_tf(0, 10, 10, 1.2, 0.75) == 0
    assert bm25_tf(1, 10, 10, 1.2, 0.75) == 1.0  # an average-length field, once
    assert bm25_tf(2, 10, 10, 1.2, 0.75) < 2 * bm25_tf(1, 10, 10, 1.2, 0.75)
    assert bm25_tf(1, 20, 10, 1.2, 0.75) < bm25_tf(1, 5, 10, 1.2, 0.75)
    assert bm25_tf(1, 20, 10, 1.2, 0.0) == bm25_tf(1, 5, 10, 1.2, 0.0)


def test_whoosh_scores_are_the_sum_of_the_plain_functions(tmp_path, monkeypatch):
    """The contract of the fast path: a first-stage score is rebuilt from ranking's functions."""
    monkeypatch.setenv("SEARCHIDX_PROXIMITY_WEIGHT", "0")  # the first stage alone
    folder = tmp_path / "f"
    folder.mkdir()
    write(folder, "1.txt", "Lava flows\n\nLava reached the sea; lava cooled.\n")
    write(folder, "2.txt", "Sea news\n\nFishing boats went out to sea on a calm day.\n")
    write(folder, "3.txt", "Markets\n\nShares fell.\n")
    index_paths(tmp_path / "ix", [folder])
    with Engine(tmp_path / "ix") as engine:
        ranked = dict(engine.rank("lava sea"))
        searcher = engine._current()
        n = searcher.doc_count_all()
        for docnum, fields in enumerate(searcher.all_stored_fields()):
            expected = 0.0
            for field, weight in (("body", 1.0), ("title", engine.title_boost)):
                avgdl = searcher.avg_field_length(field)
                dl = searcher.doc_field_length(docnum, field, 1)
                for word in ("lava", "sea"):
                    df = searcher.doc_frequency(field, word)
                    tf = _term_frequency(searcher, field, word, docnum) if df else 0
                    expected += weight * idf(n, df) * bm25_tf(tf, dl, avgdl, 1.2, 0.75)
            if expected:
                assert ranked[fields["id"]] == pytest.approx(expected, rel=1e-6)
            else:
                assert fields["id"] not in ranked


def _term_frequency(searcher, field, word, docnum):
    postings = searcher.postings(field, word)
    postings.skip_to(docnum)
    return postings.weight() if postings.is_active() and postings.id() == docnum else 0


def test_a_word_typed_twice_weighs_twice():
    schema = build_schema()
    q = plain_query("war crimes: the war", schema, 0.5)
    boosts = {(t.fieldname, t.text): t.boost for t in q.leaves()}
    assert boosts == {
        ("title", "war"): 1.0,
        ("body", "war"): 2.0,
        ("title", "crime"): 0.5,
        ("body", "crime"): 1.0,
    }
    # The same for interactive queries; phrases and negations keep their meaning.
    parsed = parse_query('war "war crimes" war -iraq', schema, 0.5, 1000)
    assert "body:war^2.0" in str(parsed) and 'body:"war crime"' in str(parsed)
    assert "ANDNOT" in str(parsed)
    assert count_repeats(parsed) == parsed  # already counted: nothing repeats twice


def write(folder, name, text):
    (folder / name).write_text(text)


def test_headline_match_outranks_the_same_word_in_the_body(tmp_path):
    folder = tmp_path / "a"
    folder.mkdir()
    filler = " ".join(f"word{i}" for i in range(40))
    write(folder, "head.txt", f"Volcano erupts\n\n{filler} lava flows.\n")
    write(folder, "body.txt", f"Island news\n\n{filler} volcano erupts.\n")
    index_paths(tmp_path / "ix", [folder])
    with Engine(tmp_path / "ix") as engine:
        # The two texts differ in one line: copies of one story, so both are asked for.
        hits = engine.search("volcano", collapse=False).hits
        assert [h.id for h in hits] == ["a/head.txt", "a/body.txt"]


def test_rare_words_weigh_more_than_common_ones(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    for i in range(20):
        write(folder, f"{i}.txt", f"Report {i}\n\nThe government said something on day {i}.\n")
    write(folder, "rare.txt", "Report x\n\nA quokka was seen.\n")
    write(
        folder,
        "common.txt",
        "Report y\n\nGovernment said day: government said day, government said day.\n",
    )
    index_paths(tmp_path / "ix", [folder])
    with Engine(tmp_path / "ix") as engine:
        # With Whoosh's stock idf (never below 1) the three common words outscore the rare one.
        hits = engine.search("government said day quokka").hits
    assert hits[0].id == "b/rare.txt"


def test_stored_body_is_the_article_without_its_headline(seed_engine):
    from .conftest import SEED_ID

    assert seed_engine.document(SEED_ID).body.startswith("US troops resumed on Thursday")


def test_feedback_expansion_finds_related_documents(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    write(folder, "a.txt", "Volcano erupts\n\nThe volcano sent lava and magma down the slopes.\n")
    write(folder, "b.txt", "Island evacuated\n\nLava and magma reached the coast road.\n")
    write(folder, "c.txt", "Football results\n\nThe league match ended in a draw.\n")
    index_paths(tmp_path / "ix", [folder])
    with Engine(tmp_path / "ix") as engine:
        assert [doc for doc, _ in engine.rank("volcano")] == ["c/a.txt"]
        expanded = [doc for doc, _ in engine.rank("volcano", expand=5)]
    assert expanded[:2] == ["c/a.txt", "c/b.txt"] and "c/c.txt" not in expanded


def test_repeats_count_once_when_switched_off(monkeypatch):
    monkeypatch.setenv("SEARCHIDX_COUNT_REPEATS", "0")
    q = plain_query("war crimes: the war", build_schema(), 0.5)
    assert {t.boost for t in q.leaves() if t.fieldname == "body"} == {1.0}


def test_a_headline_weight_of_zero_searches_the_article_only(tmp_path, monkeypatch):
    folder = tmp_path / "z"
    folder.mkdir()
    write(folder, "1.txt", "Volcano erupts\n\nLava flows.\n")
    index_paths(tmp_path / "ix", [folder])
    monkeypatch.setenv("SEARCHIDX_TITLE_BOOST", "0")
    with Engine(tmp_path / "ix") as engine:  # Whoosh divided by the zero boost
        assert [h.id for h in engine.search("volcano lava").hits] == ["z/1.txt"]
        assert [doc for doc, _ in engine.rank("volcano lava")] == ["z/1.txt"]
