"""Write ``searchidx/data/porter_stems.txt.gz``: the Porter stems of common English words.

Stemming a word the index has not seen yet is the dearest step of analysing it (NLTK's
Porter stemmer is pure Python, about 20 microseconds a word), and every indexing process
starts with no word seen.  The table holds NLTK's own stems of the most frequent English
words, so that a build looks them up instead (``analysis._stem_function``); a word not in it
is stemmed as before, and the table is checked against the stemmer when it loads.

The words come from wordfreq's English list (a general frequency list of web, subtitle,
news and book text, not from any collection searchidx is measured on).  Run with
wordfreq's data at hand (``pip install wordfreq msgpack``; neither is a dependency of
searchidx): ``python benchmarks/make_stem_table.py [--words 100000]``.
"""

from __future__ import annotations

import argparse
import gzip
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "searchidx" / "data" / "porter_stems.txt.gz"


def common_words(limit: int) -> list[str]:
    """Return the LIMIT most frequent plain ASCII words of wordfreq's English list."""
    from importlib.util import find_spec

    import msgpack

    # The data file alone: importing wordfreq would want its other dependencies too.
    path = Path(find_spec("wordfreq").origin).parent / "data" / "large_en.msgpack.gz"
    buckets = msgpack.loads(gzip.open(path).read(), strict_map_key=False)[1:]
    words = [w for bucket in buckets for w in bucket if w.isascii() and w.isalpha()]
    return words[:limit]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=100_000)
    args = ap.parse_args()
    from nltk.stem import PorterStemmer

    stem = PorterStemmer().stem
    lines = []
    for word in sorted(common_words(args.words)):
        term = stem(word)
        lines.append(word if term == word else f"{word}\t{term}")
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write("\n".join(lines) + "\n")
    print(f"{len(lines)} words -> {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
