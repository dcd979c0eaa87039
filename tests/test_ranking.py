from math import log

from searchidx import Engine, index_paths
from searchidx.ranking import NewsBM25


class _Stats:
    def __init__(self, n, df):
        self.n, self.df = n, df

    def doc_count_all(self):
        return self.n

    def doc_frequency(self, fieldname, text):
        return self.df


def test_idf_is_robertson_sparck_jones():
    model = NewsBM25()
    assert model.idf(_Stats(100, 1), "body", "x") == log(1 + 99.5 / 1.5)
    # A word in nearly every document weighs almost nothing (Whoosh's stock idf gives 1.0).
    assert model.idf(_Stats(100, 99), "body", "x") < 0.02


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
