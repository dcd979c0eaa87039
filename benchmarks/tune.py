"""Compare ranking configurations of searchidx in-process, with paired significance tests.

Each collection is converted in every fair way (testcollections.CONVERSIONS) and indexed
once with searchidx (benchmarks/work/<name>-<conversion>/); then every configuration (a
set of SEARCHIDX_* environment settings) ranks every topic through ``Engine.rank``, and
each configuration is compared with the one before it (and the first) by a paired
randomization test over topics, per collection and conversion and on the mean over all.
The peers (FTS5, tantivy, plain Whoosh) are run once per collection and conversion.

Usage:
  python benchmarks/tune.py --config "SEARCHIDX_BM25_IDF=lucene" --config ""
  python benchmarks/tune.py --collections adi,cisi --conversions bare --out /tmp/t.json
"""

from __future__ import annotations

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if sys.path and os.path.abspath(sys.path[0]) == os.path.join(ROOT, "benchmarks"):
    sys.path[0] = ROOT

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from benchmarks import metrics, relevance  # noqa: E402
from benchmarks import testcollections as colls  # noqa: E402

PEERS = ("fts5", "tantivy", "whoosh")
SHOWN = ("nDCG@10", "AP@1000")


def parse_config(text: str) -> dict[str, str]:
    """Return {ENVVAR: value} from 'A=1,B=2' ('' is the defaults)."""
    pairs = [p.strip() for p in text.split(",") if p.strip()]
    return dict(p.split("=", 1) for p in pairs)


def prepare(name: str, conversion: str, corpora: Path, rebuild: bool) -> tuple:
    """Convert and index one collection; return (collection, files, index folder)."""
    from searchidx import index_paths

    coll = colls.load(name, corpora, conversion)
    workdir = relevance.WORK / f"{name}-{conversion}"
    files = colls.write(coll, workdir)
    ix = workdir / "searchidx-index"
    if rebuild or not ix.is_dir():
        index_paths(ix, [files["docs"]], rebuild=True)
    return coll, files, workdir, ix


def rank_all(ix: Path, topics: dict[str, str], env: dict[str, str]) -> dict[str, dict]:
    """Rank every topic with the settings ENV; return a run {qid: {docid: score}}."""
    from searchidx import Engine

    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        with Engine(ix) as engine:
            return {qid: dict(engine.rank(text, relevance.LIMIT)) for qid, text in topics.items()}
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def grouped_p(a: dict, b: dict, metric: str, trials: int = 10_000) -> float:
    """Paired randomization p-value of the mean over groups of per-topic differences."""
    import random

    groups = [[a[g][q][metric] - b[g][q][metric] for q in a[g]] for g in a]
    observed = abs(sum(sum(d) / len(d) for d in groups)) - 1e-12
    rng = random.Random(0)
    extreme = 0
    for _ in range(trials):
        total = 0.0
        for d in groups:
            total += sum(x if rng.random() < 0.5 else -x for x in d) / len(d)
        extreme += abs(total) >= observed
    return (extreme + 1) / (trials + 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--collections", default="adi,cisi,cacm,cranfield,lisa")
    parser.add_argument("--conversions", default=",".join(colls.CONVERSIONS))
    parser.add_argument("--config", action="append", default=[], help="ENV=v,ENV=v ('' = defaults)")
    parser.add_argument("--peers", default=",".join(PEERS))
    parser.add_argument(
        "--rebuild", action="store_true", help="re-index and re-run the peers even if done"
    )
    parser.add_argument("--corpora", type=Path, default=relevance.CORPORA)
    parser.add_argument("--out", type=Path, default=None, help="JSON results file")
    args = parser.parse_args(argv)
    configs = args.config or [""]
    peers = [p for p in args.peers.split(",") if p]
    cells = [
        (n, c)
        for n in args.collections.split(",")
        for c in args.conversions.split(",")
        if (args.corpora / colls.SPECS[n].folder).is_dir() and c in colls.conversions_of(n)
    ]
    per_query: dict[str, dict[str, dict]] = {}  # system -> cell -> qid -> metrics
    for name, conv in cells:
        cell = f"{name}/{conv}"
        coll, files, workdir, ix = prepare(name, conv, args.corpora, args.rebuild)
        qrels = metrics.read_qrels(files["qrels"])
        for peer in peers:
            run_path = workdir / f"run.{peer}.txt"
            if args.rebuild or not run_path.exists():
                relevance.RUNNERS[peer](files, workdir, run_path)
            scores = metrics.per_query(qrels, metrics.read_run(run_path), check=False)
            per_query.setdefault(peer, {})[cell] = scores
        for config in configs:
            started = time.perf_counter()
            run = rank_all(ix, coll.topics, parse_config(config))
            scores = metrics.per_query(qrels, run, check=False)
            per_query.setdefault(f"cfg:{config}", {})[cell] = scores
            took = time.perf_counter() - started
            print(f"{cell:<16} {config or '(defaults)':<60} {took:6.1f}s", file=sys.stderr)
    print(report(per_query, [c for c in per_query if c.startswith("cfg:")], peers), end="")
    if args.out:
        args.out.write_text(json.dumps(per_query) + "\n", encoding="utf-8")
    return 0


def report(per_query: dict, configs: list[str], peers: list[str]) -> str:
    cells = list(per_query[configs[0]])
    lines = []
    head = f"{'system':<58}" + "".join(f"{c:>16}" for c in cells) + f"{'mean':>16}"
    lines += [head, "-" * len(head)]
    for system in peers + configs:
        row = f"{system[:58]:<58}"
        means = []
        for cell in cells:
            m = metrics.mean(per_query[system][cell])
            means.append(m)
            row += f"{m['nDCG@10']:>8.4f}{m['AP@1000']:>8.4f}"
        row += f"{sum(m['nDCG@10'] for m in means) / len(means):>8.4f}"
        row += f"{sum(m['AP@1000'] for m in means) / len(means):>8.4f}"
        lines.append(row)
    best = []
    for cell in cells:
        best.append(max(metrics.mean(per_query[p][cell])["nDCG@10"] for p in peers) if peers else 0)
    lines.append(f"{'best peer nDCG@10':<58}" + "".join(f"{b:>16.4f}" for b in best))
    for system in configs:
        margins = [metrics.mean(per_query[system][c])["nDCG@10"] - b for c, b in zip(cells, best)]
        lines.append(
            f"{'margin ' + system[4:][:50]:<58}" + "".join(f"{m:>+16.4f}" for m in margins)
        )
    for i, system in enumerate(configs[1:], 1):
        prev = configs[i - 1]
        row = f"{'p vs prev ' + system[4:][:48]:<58}"
        for cell in cells:
            for m in SHOWN:
                p = metrics.paired_randomization(
                    {q: v[m] for q, v in per_query[system][cell].items()},
                    {q: v[m] for q, v in per_query[prev][cell].items()},
                    trials=2000,
                )
                row += f"{p:>8.3f}"
        for m in SHOWN:
            row += f"{grouped_p(per_query[system], per_query[prev], m, 2000):>8.3f}"
        lines.append(row)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
