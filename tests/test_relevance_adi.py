"""End-to-end ranking check on the tiny ADI collection (82 documents, 35 topics).

Convert ADI, index it with the searchidx CLI into tmp_path, run every topic
through `searchidx batch`, and score the run. The nDCG@10 floor of 0.3 is set
between what a broken ranker gets and what a working BM25 gets on ADI:
random orderings average 0.10 (best of 20 seeds: 0.17), the OR-matching
documents in docid order (matching but no ranking) get 0.16, SQLite FTS5 BM25
gets 0.49 and tantivy 0.44.
"""

import importlib.util

import pytest

from benchmarks import metrics, relevance
from benchmarks import testcollections as colls

from .conftest import CORPORA, corpus

pytestmark = pytest.mark.corpus
NDCG_FLOOR = 0.3


@pytest.fixture(scope="module")
def adi(tmp_path_factory):
    corpus("adi")
    coll = colls.load("adi", CORPORA)
    files = colls.write(coll, tmp_path_factory.mktemp("adi"))
    return coll, files


def check_run(coll, run_path, tag):
    run = metrics.read_run(run_path)  # raises ValueError if malformed
    assert set(run) == set(coll.topics), "every topic must be in the run"
    assert all(0 < len(hits) <= relevance.LIMIT for hits in run.values())
    doc_ids = {d["id"] for d in coll.docs}
    assert all(set(hits) <= doc_ids for hits in run.values())
    assert {line.split()[5] for line in run_path.read_text().splitlines()} == {tag}
    return metrics.evaluate(coll.qrels, run)


def test_searchidx_ranks_adi_above_the_floor(adi, tmp_path):
    if importlib.util.find_spec("searchidx") is None:
        pytest.skip("searchidx is not importable yet")
    coll, files = adi
    run_path = tmp_path / "run.txt"
    relevance.run_searchidx(files, tmp_path, run_path)  # CLI: index --rebuild, batch
    assert (tmp_path / "searchidx-index").is_dir()
    scores = check_run(coll, run_path, "searchidx")
    assert scores["nDCG@10"] > NDCG_FLOOR, scores


@pytest.mark.parametrize(
    "name, run", [("fts5", relevance.run_fts5), ("whoosh", relevance.run_whoosh)]
)
def test_baseline_ranks_adi_above_the_floor(adi, tmp_path, name, run):
    """The FTS5 and plain-Whoosh baselines clear the floor as well."""
    coll, files = adi
    run_path = tmp_path / "run.txt"
    run(files, tmp_path, run_path)
    scores = check_run(coll, run_path, name)
    assert scores["nDCG@10"] > NDCG_FLOOR, scores
