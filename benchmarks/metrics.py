"""Ranking metrics over binary qrels: nDCG@10, MAP (AP@1000), P@10, Recall@100.

Two implementations that must agree: ``ir_measures`` (pytrec_eval underneath,
i.e. trec_eval's code) and a small pure-Python version written from the
definitions. Both follow trec_eval's conventions:

* the run is re-sorted by score (descending), ties broken by docid in
  *descending* string order; the rank column is ignored;
* scores are compared as 32-bit floats (trec_eval keeps them in a C ``float``),
  so scores closer than float32 precision tie;
* P@10 divides by 10 even when fewer than 10 documents were retrieved;
* AP@1000 divides by the number of relevant documents in the qrels;
* nDCG@10 uses gain = relevance (0/1 here) and discount log2(rank + 1).

Averages are over the *judged topics*: those with at least one relevant
document. A judged topic that is missing from the run, or that retrieved
nothing, scores 0 for every metric. Some versions of ir_measures/pytrec_eval
leave such topics out of the average instead; ``evaluate`` fills them in itself
so the denominator never depends on the library version.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Mapping
from pathlib import Path

Qrels = Mapping[str, Mapping[str, int]]
Run = Mapping[str, Mapping[str, float]]

METRICS = ("nDCG@10", "AP@1000", "P@10", "R@100")


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """Read TREC qrels lines ``qid 0 docid rel``."""
    qrels: dict[str, dict[str, int]] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            qid, _, docid, rel = line.split()
            qrels.setdefault(qid, {})[docid] = int(rel)
    return qrels


def read_run(path: Path) -> dict[str, dict[str, float]]:
    """Read a TREC run ``qid Q0 docid rank score tag``; raise ValueError if malformed.

    Well-formed means: six columns, ``Q0``, integer ranks 1..n without gaps per
    topic, scores that never increase with rank, and no docid twice in a topic.
    """
    run: dict[str, dict[str, float]] = {}
    last: dict[str, tuple[int, float]] = {}
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        cols = line.split()
        if not cols:
            continue
        if len(cols) != 6 or cols[1] != "Q0":
            raise ValueError(f"{path}:{n}: expected 'qid Q0 docid rank score tag': {line!r}")
        qid, _, docid, rank_s, score_s, _ = cols
        rank, score = int(rank_s), float(score_s)
        prev_rank, prev_score = last.get(qid, (0, math.inf))
        if rank != prev_rank + 1:
            raise ValueError(f"{path}:{n}: rank {rank} after {prev_rank} for topic {qid}")
        if score > prev_score:
            raise ValueError(f"{path}:{n}: score rises from {prev_score} to {score}")
        if docid in run.get(qid, {}):
            raise ValueError(f"{path}:{n}: {docid} retrieved twice for topic {qid}")
        run.setdefault(qid, {})[docid] = score
        last[qid] = (rank, score)
    return run


def judged_topics(qrels: Qrels) -> list[str]:
    """Return the topics that have at least one relevant document."""
    return sorted(
        (q for q, rels in qrels.items() if any(r > 0 for r in rels.values())), key=_natural
    )


def _natural(qid: str) -> tuple[int, str]:
    return (int(qid), qid) if qid.isdigit() else (-1, qid)


def _float32(x: float) -> float:
    return struct.unpack("f", struct.pack("f", x))[0]


def ranking(scores: Mapping[str, float]) -> list[str]:
    """Return docids in trec_eval order: float32 score descending, then docid descending."""
    keyed = sorted(((_float32(s), d) for d, s in scores.items()), reverse=True)
    return [d for _, d in keyed]


def per_query_python(qrels: Qrels, run: Run) -> dict[str, dict[str, float]]:
    """Return {qid: {metric: value}} for every judged topic, computed in pure Python."""
    results = {}
    for qid in judged_topics(qrels):
        relevant = {d for d, r in qrels[qid].items() if r > 0}
        ranked = ranking(run.get(qid, {}))
        hits = [d in relevant for d in ranked]
        dcg = sum(1 / math.log2(i + 2) for i, hit in enumerate(hits[:10]) if hit)
        idcg = sum(1 / math.log2(i + 2) for i in range(min(10, len(relevant))))
        found, precisions = 0, 0.0
        for i, hit in enumerate(hits[:1000]):
            if hit:
                found += 1
                precisions += found / (i + 1)
        results[qid] = {
            "nDCG@10": dcg / idcg,
            "AP@1000": precisions / len(relevant),
            "P@10": sum(hits[:10]) / 10,
            "R@100": sum(hits[:100]) / len(relevant),
        }
    return results


def per_query_ir_measures(qrels: Qrels, run: Run) -> dict[str, dict[str, float]]:
    """Return {qid: {metric: value}} for every judged topic, computed by ir_measures."""
    import ir_measures
    from ir_measures import AP, P, R, nDCG

    measures = {nDCG @ 10: "nDCG@10", AP @ 1000: "AP@1000", P @ 10: "P@10", R @ 100: "R@100"}
    topics = judged_topics(qrels)
    judged = {q: dict(qrels[q]) for q in topics}
    # pytrec_eval sees only the judged topics' rankings; topics it leaves out
    # of its answer (nothing retrieved) are filled with 0 below.
    retrieved = {q: dict(run[q]) for q in topics if run.get(q)}
    results = {q: dict.fromkeys(METRICS, 0.0) for q in topics}
    if retrieved:
        for m in ir_measures.iter_calc(list(measures), judged, retrieved):
            results[m.query_id][measures[m.measure]] = float(m.value)
    return results


def mean(per_query: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    """Return the average of each metric over all topics in PER_QUERY."""
    n = len(per_query)
    return {m: (sum(v[m] for v in per_query.values()) / n if n else 0.0) for m in METRICS}


def per_query(qrels: Qrels, run: Run, check: bool = True) -> dict[str, dict[str, float]]:
    """Return {qid: {metric: value}} for the judged topics, using ir_measures if importable.

    With CHECK, the pure-Python numbers are computed too and any disagreement
    beyond 1e-9 raises AssertionError (a cheap guard on both implementations).
    """
    try:
        primary = per_query_ir_measures(qrels, run)
    except ImportError:
        return per_query_python(qrels, run)
    if check:
        fallback = per_query_python(qrels, run)
        for qid, values in primary.items():
            for m, v in values.items():
                if abs(v - fallback[qid][m]) > 1e-9:
                    raise AssertionError(
                        f"ir_measures and the Python metrics disagree on {m} for topic"
                        f" {qid}: {v} vs {fallback[qid][m]}"
                    )
    return primary


def evaluate(qrels: Qrels, run: Run, check: bool = True) -> dict[str, float]:
    """Return mean metrics over the judged topics (see ``per_query``)."""
    return mean(per_query(qrels, run, check))


def paired_randomization(
    a: Mapping[str, float], b: Mapping[str, float], trials: int = 10_000, seed: int = 0
) -> float:
    """Return the two-sided p-value that per-topic scores A and B differ only by chance.

    A paired randomization (permutation) test: each topic's difference keeps or
    flips its sign at random; the p-value is the share of TRIALS whose mean
    difference is at least as far from 0 as the observed one (+1 smoothing).
    """
    import random

    diffs = [a[q] - b[q] for q in a]
    if not diffs:
        return 1.0
    observed = abs(sum(diffs)) - 1e-12
    rng = random.Random(seed)
    extreme = sum(
        abs(sum(d if rng.random() < 0.5 else -d for d in diffs)) >= observed for _ in range(trials)
    )
    return (extreme + 1) / (trials + 1)
