"""Hand-computed checks of benchmarks/metrics.py, for both implementations."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks import metrics

IMPLEMENTATIONS = [metrics.per_query_python, metrics.per_query_ir_measures]


@pytest.fixture(params=IMPLEMENTATIONS, ids=["python", "ir_measures"])
def per_query(request):
    if request.param is metrics.per_query_ir_measures:
        pytest.importorskip("ir_measures")
    return request.param


def test_one_topic_by_hand(per_query):
    qrels = {"1": {"d1": 1, "d3": 1, "d7": 1, "d2": 0}}
    run = {"1": {"d1": 10.0, "d2": 9.0, "d3": 8.0, "d4": 7.0, "d5": 6.0}}
    got = per_query(qrels, run)["1"]
    # Relevant at ranks 1 and 3; d7 never retrieved; 3 relevant in all.
    # P@10 = 2/10 (trec_eval divides by 10 even with only 5 retrieved).
    assert got["P@10"] == pytest.approx(0.2)
    # R@100 = 2 found / 3 relevant.
    assert got["R@100"] == pytest.approx(2 / 3)
    # AP = (P@1 + P@3) / 3 = (1/1 + 2/3) / 3 = 5/9.
    assert got["AP@1000"] == pytest.approx(5 / 9)
    # DCG = 1/log2(2) + 1/log2(4) = 1.5; ideal = 1 + 1/log2(3) + 1/log2(4) = 2.1309...
    assert got["nDCG@10"] == pytest.approx(1.5 / (1 + 1 / math.log2(3) + 0.5))
    assert got["nDCG@10"] == pytest.approx(0.703918, abs=1e-6)


def test_ties_are_broken_by_docid_descending_like_trec_eval(per_query):
    qrels = {"1": {"a": 1}}
    run = {"1": {"a": 1.0, "b": 1.0}}
    got = per_query(qrels, run)["1"]
    # Equal scores: "b" > "a", so b is ranked 1st and the relevant a 2nd.
    assert got["AP@1000"] == pytest.approx(1 / 2)
    assert got["nDCG@10"] == pytest.approx(1 / math.log2(3))  # 0.6309...
    assert got["P@10"] == pytest.approx(0.1)
    assert got["R@100"] == pytest.approx(1.0)


def test_scores_are_compared_at_float32_precision_like_trec_eval(per_query):
    qrels = {"1": {"a": 1}}
    # 1 + 1e-8 and 1.0 are the same 32-bit float: a tie, so "z" > "a" comes first.
    run = {"1": {"z": 1.0, "a": 1.0 + 1e-8}}
    assert per_query(qrels, run)["1"]["AP@1000"] == pytest.approx(1 / 2)
    # 1e-6 apart is beyond float32 precision at 1.0 (2**-23 = 1.2e-7): a comes first.
    run = {"1": {"z": 1.0, "a": 1.0 + 1e-6}}
    assert per_query(qrels, run)["1"]["AP@1000"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("rank", "expected"),
    [
        # relevant doc at rank 11: outside P@10 and nDCG@10, inside R@100; AP = 1/11.
        (11, {"nDCG@10": 0.0, "P@10": 0.0, "R@100": 1.0, "AP@1000": 1 / 11}),
        # rank 101: outside R@100; AP = 1/101.
        (101, {"nDCG@10": 0.0, "P@10": 0.0, "R@100": 0.0, "AP@1000": 1 / 101}),
        # rank 1001: AP is cut at 1000, so 0.
        (1001, {"nDCG@10": 0.0, "P@10": 0.0, "R@100": 0.0, "AP@1000": 0.0}),
    ],
)
def test_cutoffs(per_query, rank, expected):
    qrels = {"1": {"rel": 1}}
    ranked = [f"x{i:04d}" for i in range(1, rank)] + ["rel"]
    run = {"1": {d: float(2000 - i) for i, d in enumerate(ranked)}}
    assert per_query(qrels, run)["1"] == pytest.approx(expected)


def test_topics_missing_from_run_count_as_zero(per_query):
    qrels = {
        "1": {"a": 1},  # retrieved at rank 1: all metrics perfect
        "2": {"b": 1},  # judged, absent from the run: must count as 0
        "3": {"c": 1},  # judged, present with an empty ranking: 0 too
        "4": {"d": 0},  # no relevant document: not a judged topic
    }
    run = {"1": {"a": 5.0}, "3": {}, "9": {"a": 1.0}}  # "9" is not judged: ignored
    results = per_query(qrels, run)
    assert sorted(results) == ["1", "2", "3"]
    assert results["2"] == dict.fromkeys(metrics.METRICS, 0.0)
    assert results["3"] == dict.fromkeys(metrics.METRICS, 0.0)
    # Means over the 3 judged topics: nDCG (1 + 0 + 0) / 3, P@10 (0.1 + 0 + 0) / 3.
    avg = metrics.mean(results)
    assert avg["nDCG@10"] == pytest.approx(1 / 3)
    assert avg["AP@1000"] == pytest.approx(1 / 3)
    assert avg["R@100"] == pytest.approx(1 / 3)
    assert avg["P@10"] == pytest.approx(0.1 / 3)


def test_evaluate_averages_over_judged_topics():
    qrels = {"1": {"a": 1, "b": 1}, "2": {"c": 1}}
    run = {"1": {"a": 2.0, "x": 1.5, "b": 1.0}}
    # Topic 1: AP = (1/1 + 2/3) / 2 = 5/6; topic 2 retrieved nothing: 0. Mean 5/12.
    assert metrics.evaluate(qrels, run)["AP@1000"] == pytest.approx(5 / 12)


rankings = st.dictionaries(
    st.sampled_from([f"d{i}" for i in range(15)]),
    # Few distinct scores, so many ties, some only at float32 precision.
    st.sampled_from([0.0, 1.0, 1.0 + 1e-8, 1.0 + 1e-6, 2.0, 3.0, 4.0]),
    max_size=15,
)
judgements = st.dictionaries(
    st.sampled_from([f"d{i}" for i in range(15)]), st.integers(0, 1), min_size=1, max_size=8
)


@settings(max_examples=200, deadline=None)
@given(
    qrels=st.dictionaries(st.sampled_from("123"), judgements, min_size=1),
    run=st.dictionaries(st.sampled_from("1234"), rankings),
)
def test_implementations_agree(qrels, run):
    pytest.importorskip("ir_measures")
    py = metrics.per_query_python(qrels, run)
    irm = metrics.per_query_ir_measures(qrels, run)
    assert py.keys() == irm.keys()
    for qid in py:
        assert py[qid] == pytest.approx(irm[qid], abs=1e-9)


def write(tmp_path, text):
    path = tmp_path / "run.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_read_run_accepts_a_well_formed_run(tmp_path):
    path = write(tmp_path, "1 Q0 d3 1 2.5 t\n1 Q0 d1 2 2.5 t\n2 Q0 d1 1 -1 t\n")
    assert metrics.read_run(path) == {"1": {"d3": 2.5, "d1": 2.5}, "2": {"d1": -1.0}}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 Q0 d1 1 2.0\n", "expected 'qid Q0"),
        ("1 X d1 1 2.0 t\n", "expected 'qid Q0"),
        ("1 Q0 d1 2 2.0 t\n", "rank 2 after 0"),
        ("1 Q0 d1 1 1.0 t\n1 Q0 d2 2 3.0 t\n", "score rises"),
        ("1 Q0 d1 1 1.0 t\n1 Q0 d1 2 1.0 t\n", "retrieved twice"),
    ],
)
def test_read_run_rejects_malformed_lines(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        metrics.read_run(write(tmp_path, text))


def test_read_qrels(tmp_path):
    path = tmp_path / "qrels.txt"
    path.write_text("1 0 d1 1\n1 0 d2 0\n\n2 0 d9 1\n", encoding="utf-8")
    assert metrics.read_qrels(path) == {"1": {"d1": 1, "d2": 0}, "2": {"d9": 1}}
    assert metrics.judged_topics(metrics.read_qrels(path)) == ["1", "2"]


def test_paired_randomization_on_identical_and_different_scores():
    same = {str(i): i / 10 for i in range(10)}
    assert metrics.paired_randomization(same, same, trials=200) == 1.0
    # B loses 0.5 on each of 20 topics: every sign flip gives a smaller |mean|
    # except the all-keep and all-flip cases (2 in 2**20), so p is about 1/(trials+1).
    a = {str(i): 1.0 for i in range(20)}
    b = {str(i): 0.5 for i in range(20)}
    assert metrics.paired_randomization(a, b, trials=1000) < 0.01
    assert metrics.paired_randomization({}, {}) == 1.0
