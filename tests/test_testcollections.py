"""The SMART parsers in benchmarks/testcollections.py, on small inputs and on the real corpora."""

import json

import pytest

from benchmarks import testcollections as colls

from .conftest import CORPORA, corpus


def test_read_smart_joins_lines_and_keeps_repeated_fields(tmp_path):
    path = tmp_path / "x.all"
    path.write_text(
        ".I 1\n.T \nA title\n on two lines\n.A\nSmith, J.\n.A\nJones, K.\n.W\n  Body  text.\n"
        ".I 2\n.W\nsecond\n",
        encoding="utf-8",
    )
    assert colls.read_smart(path) == [
        (
            "1",
            {"T": ["A title on two lines"], "A": ["Smith, J.", "Jones, K."], "W": ["Body text."]},
        ),
        ("2", {"W": ["second"]}),
    ]


def test_document_body_is_abstract_keywords_then_authors():
    doc = colls._document(
        "007",
        {"T": ["T"], "W": ["abstract"], "K": ["kw"], "A": ["Smith", "Jones"], "B": ["CACM 1958"]},
    )
    assert doc == {"id": "7", "title": "T", "body": "abstract\n\nkw\n\nSmith; Jones"}


def test_bare_conversion_leaves_out_keywords_authors_and_query_titles():
    record = {"T": ["T"], "W": ["abstract"], "K": ["kw"], "A": ["Smith"]}
    assert colls._document("7", record, extras=False)["body"] == "abstract"
    assert colls._query_text({"T": ["Title"], "W": ["text"]}, title=False) == "text"
    assert colls._query_text({"T": ["Title"], "W": ["text"]}) == "Title text"


@pytest.mark.corpus
def test_cisi_bare_topics_are_the_query_text_alone():
    corpus("cisi")
    full, bare = colls.load("cisi", CORPORA), colls.load("cisi", CORPORA, "bare")
    assert set(full.topics) == set(bare.topics) and full.qrels == bare.qrels
    assert sum(full.topics[q] != bare.topics[q] for q in full.topics) > 10  # titled queries
    assert all(full.topics[q].endswith(bare.topics[q]) for q in full.topics)
    assert len(full.docs) == len(bare.docs)
    assert all(len(b["body"]) <= len(f["body"]) for f, b in zip(full.docs, bare.docs))


def need(name):
    corpus(name)  # skips the test when the corpus is absent
    return colls.load(name, CORPORA)


@pytest.mark.corpus
@pytest.mark.parametrize("name", list(colls.SPECS))
def test_counts_match_provenance(name):
    coll = need(name)  # load() raises if the counts differ from PROVENANCE.md
    spec = colls.SPECS[name]
    empty = 2 if name == "cranfield" else 0  # Cranfield 471 and 995 have no text
    assert len(coll.docs) == spec.n_docs - empty
    assert all(d["title"] or d["body"] for d in coll.docs)
    assert len(coll.topics) == spec.n_judged
    assert all("\n" not in text and text for text in coll.topics.values())


@pytest.mark.corpus
def test_cranfield_topics_are_numbered_by_position():
    coll = need("cranfield")
    # cran.qry's 3rd query is `.I 004`; cranqrel calls it 3.
    assert coll.topics["3"].startswith("what problems of heat conduction in composite slabs")
    assert sorted(map(int, coll.topics)) == list(range(1, 226))
    # grades 1-4 are relevant, -1 is judged not relevant: exactly one per query.
    assert sum(r == 0 for rels in coll.qrels.values() for r in rels.values()) == 225


@pytest.mark.corpus
def test_cacm_sentinel_dropped_and_qids_unpadded():
    coll = need("cacm")
    assert "0" not in coll.topics
    assert "1" in coll.qrels and "01" not in coll.qrels
    assert max(map(int, coll.topics)) <= 64


@pytest.mark.corpus
def test_cisi_skips_unjudged_queries():
    coll = need("cisi")
    assert len(coll.topics) == 76
    assert set(coll.topics) == {q for q, rels in coll.qrels.items() if any(rels.values())}


@pytest.mark.corpus
def test_write_produces_jsonl_topics_and_qrels(tmp_path):
    coll = need("adi")
    files = colls.write(coll, tmp_path)
    lines = files["docs"].read_text(encoding="utf-8").splitlines()
    assert len(lines) == 82
    assert set(json.loads(lines[0])) == {"id", "title", "body"}
    topics = files["topics"].read_text(encoding="utf-8").splitlines()
    assert len(topics) == 35 and all(len(t.split("\t")) == 2 for t in topics)
    qrels = files["qrels"].read_text(encoding="utf-8").splitlines()
    assert len(qrels) == 170 and all(q.split()[1] == "0" for q in qrels)


@pytest.mark.corpus
def test_lisa_reads_judgements_from_lisarj_num():
    coll = need("lisa")
    assert len(coll.docs) == 5999
    assert not {"1993", "1994", "1995", "1996", "1997"} & {d["id"] for d in coll.docs}
    assert set(coll.qrels["1"]) == {"3392", "3396"}  # LISARJ.NUM: "1 2 3392 3396"
    assert coll.topics["1"].endswith("ASSOCIATIVE MEMORY.")  # the closing " #" is dropped
