"""Parent benchmark: what the indexing process spends per article besides analysis and writing.

    python benchmarks/parent.py                   # BBC and Reuters
    python benchmarks/parent.py --corpus reuters --rounds 5

With ``--jobs N`` the parent process reads the files, makes each article's fields (language
detection included), finds its copies and hands it to the workers; this times those steps
apart, in this process, over every article of a corpus written as JSONL shards of 100 (as
``benchmarks/speed.py`` does), then read back by the indexer's own reader:

* reading: ``ingest.iter_documents`` over the shards (JSON parsing, dates);
* ids: ``seenids.SeenIds.setdefault`` (the duplicate-id check);
* fields: ``indexer._fields`` (language detection, after the model is loaded);
* copies: ``duplicates.StoryFinder.fields_many`` in the indexer's batches (MinHash
  signatures, band keys, stories).

CPU seconds (``time.process_time``), best of ``--rounds``: on a shared machine much steadier
than wall time.  Absolute figures (FTS5 has none of these steps apart); the whole build's
ratio to FTS5 is ``benchmarks/speed.py``'s.  Results: ``benchmarks/results/parent.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import news

from searchidx import language
from searchidx.duplicates import StoryFinder
from searchidx.indexer import _BATCH, _fields
from searchidx.ingest import SourceFile, discover, iter_documents
from searchidx.schema import build_schema
from searchidx.seenids import SeenIds

RESULTS = Path(__file__).resolve().parent / "results" / "parent.json"


def _best(rounds: int, step) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        step()
        best = min(best, time.process_time() - started)
    return best


def measure(name: str, rounds: int) -> dict:
    """Return the CPU seconds of each parent step over corpus NAME."""
    with tempfile.TemporaryDirectory() as tmp:
        news.write_jsonl_shards(news.load(name), Path(tmp))
        sources = sorted(
            (s for s in discover([tmp]) if isinstance(s, SourceFile)), key=lambda s: s.path
        )
        docs = [d for s in sources for d in iter_documents(s)]
        names = set(build_schema().names())
        language._model()  # loaded once a process, not per article

        def ids():
            seen = SeenIds()
            for d in docs:
                seen.setdefault(d.id, d.path, d.position)

        def copies():  # in the indexer's batches
            finder = StoryFinder()
            for i in range(0, len(docs), _BATCH):
                finder.fields_many([(d.id, d.title, d.body) for d in docs[i : i + _BATCH]])

        times = {
            "reading": _best(rounds, lambda: [list(iter_documents(s)) for s in sources]),
            "ids": _best(rounds, ids),
            "fields": _best(rounds, lambda: [_fields(d, "", names) for d in docs]),
            "copies": _best(rounds, copies),
        }
    return {"articles": len(docs), "seconds": {k: round(v, 3) for k, v in times.items()}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", choices=["bbc", "reuters"], action="append")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    earlier = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    print(f"{'corpus':8} {'articles':>8} " + " ".join(f"{s:>14}" for s in STEPS))
    for name in args.corpus or ["bbc", "reuters"]:
        try:
            result = measure(name, args.rounds)
        except news.CorpusMissing as e:
            print(e, file=sys.stderr)
            return 2
        earlier[name] = result
        cells = []
        for step in STEPS:
            seconds = result["seconds"][step]
            cells.append(f"{seconds:6.2f} s {seconds / result['articles'] * 1e6:4.0f} us")
        print(f"{name:8} {result['articles']:8} " + " ".join(f"{c:>14}" for c in cells))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(earlier, indent=2) + "\n")
    return 0


STEPS = ["reading", "ids", "fields", "copies"]

if __name__ == "__main__":
    sys.exit(main())
