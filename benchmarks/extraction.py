"""How well saved web pages become articles: recall, precision and findability per page.

Reads ``../shared/corpora/newspaper-pages`` in place (157 saved news pages, each paired with
its hand-checked article text; see its PROVENANCE.md), indexes the pages with the real indexer
into a temporary folder, and for each page with an expected text reports:

* recall: the share of the expected text's sentences found in the indexed body;
* precision: the share of the indexed body's text (by characters) that is article text;
* first: whether a distinctive phrase from the expected text (six words from its longest
  sentence, as a quoted phrase query) finds the page as the first result.

Text is compared after folding case and dropping everything but letters and digits, so
whitespace, punctuation and quote styles do not count.  Run::

    python benchmarks/extraction.py [--json benchmarks/results/extraction.json] [--pages N]

(``SEARCHIDX_CORPORA`` names the corpora folder when it is not ``../shared/corpora``.)

It prints a table (worst pages first, then totals) and writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("SEARCHIDX_CORPORA") or REPO_ROOT.parent / "shared" / "corpora")
CORPUS = CORPORA / "newspaper-pages"
# Pages whose expected text is not named after the page (PROVENANCE.md, "Pairing").
RENAMED = {
    "arabic_article": "arabic",
    "chinese_article": "chinese",
    "japanese_article": "japanese",
    "spanish_article": "spanish",
    "thai_article": "thai",
    "cnn_article": "cnn",
}
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|[。！？]|\n+")
_NOT_WORD = re.compile(r"[\W_]+")
_MIN_SENTENCE = 20  # normalised characters; shorter ones match anywhere by chance
_PHRASE_WORDS = 6


def is_note(text: str) -> bool:
    """Return True when an expected text is empty or a tester's note ("MISSED LAST PARAGRAPH")."""
    letters = [c for c in text if c.isalpha()]
    return not letters or sum(c.isupper() for c in letters) > 0.8 * len(letters)


def pairs(corpus: Path = CORPUS) -> list[tuple[str, Path, Path]]:
    """Return (page name, html file, expected text file) for each page with an article text.

    Pages whose expected text is empty or a note about an extractor's failure are left out.
    """
    found = []
    for html in sorted((corpus / "html").glob("*.html")):
        name = html.stem
        text = corpus / "text" / f"{RENAMED.get(name, name)}.txt"
        if text.is_file() and not is_note(text.read_text(encoding="utf-8", errors="replace")):
            found.append((name, html, text))
    return found


def normalise(text: str) -> str:
    """Return TEXT folded to lower case, letters and digits only."""
    return _NOT_WORD.sub("", text.casefold())


def sentences(text: str) -> list[str]:
    """Return the sentences of TEXT (split at sentence ends and line breaks)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def recall(expected: str, body: str) -> float | None:
    """Return the share of EXPECTED's sentences found in BODY (None: no sentence to look for)."""
    wanted = [n for n in (normalise(s) for s in sentences(expected)) if len(n) >= _MIN_SENTENCE]
    if not wanted:
        return None
    have = normalise(body)
    return sum(1 for n in wanted if n in have) / len(wanted)


def precision(expected: str, body: str) -> float | None:
    """Return the share of BODY's characters in sentences that EXPECTED also holds."""
    want = normalise(expected)
    parts = [normalise(s) for s in sentences(body)]
    total = sum(len(p) for p in parts)
    if not total:
        return None
    return sum(len(p) for p in parts if p and p in want) / total


def phrase(expected: str) -> str | None:
    """Return a quoted phrase query: six words from the middle of EXPECTED's longest sentence."""
    candidates = sorted(sentences(expected), key=len, reverse=True)
    for sentence in candidates[:3]:
        words = [w for w in re.findall(r"\w+", sentence) if not w.isdigit()]
        if len(words) >= _PHRASE_WORDS:
            start = (len(words) - _PHRASE_WORDS) // 2
            return '"' + " ".join(words[start : start + _PHRASE_WORDS]) + '"'
    return None


def evaluate(corpus: Path = CORPUS, limit: int | None = None) -> dict:
    """Index the corpus's pages and return the per-page figures and their totals."""
    from searchidx import Engine, QueryError, index_paths

    chosen = pairs(corpus)[:limit] if limit else pairs(corpus)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        pages = Path(tmp) / "html"
        pages.mkdir()
        for _name, html, _text in chosen:
            (pages / html.name).symlink_to(html)
        started = time.perf_counter()
        summary = index_paths(Path(tmp) / "index", [pages])
        seconds = time.perf_counter() - started
        with Engine(Path(tmp) / "index") as engine:
            for name, html, text in chosen:
                expected = text.read_text(encoding="utf-8", errors="replace")
                doc = engine.document(f"html/{html.name}")
                body = doc.body if doc else ""
                query = phrase(expected)
                first = None
                if query:
                    try:
                        hits = engine.search(query, page_size=1).hits
                        first = bool(hits) and hits[0].id == f"html/{html.name}"
                    except QueryError:
                        first = False
                rows.append(
                    {
                        "page": name,
                        "recall": recall(expected, body),
                        "precision": precision(expected, body),
                        "first": first,
                        "phrase": query,
                        "indexed": doc is not None,
                        "source": doc.source if doc else None,
                        "date": doc.date.isoformat() if doc and doc.date else None,
                    }
                )
    return {
        "pages": rows,
        "totals": totals(rows),
        "index_seconds": round(seconds, 1),
        "skipped": [str(s) for s in summary.skipped],
    }


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 3) if values else None


def totals(rows: list[dict]) -> dict:
    """Return the mean recall and precision, and how often the phrase found the page first."""
    asked = [r for r in rows if r["first"] is not None]
    return {
        "pages": len(rows),
        "recall": _mean(r["recall"] for r in rows),
        "precision": _mean(r["precision"] for r in rows),
        "recall_below_half": sum(1 for r in rows if (r["recall"] or 0) < 0.5),
        "precision_below_half": sum(1 for r in rows if (r["precision"] or 0) < 0.5),
        "phrase_first": f"{sum(1 for r in asked if r['first'])}/{len(asked)}",
        "dated": sum(1 for r in rows if r["date"]),
    }


def _fmt(value) -> str:
    return "  -  " if value is None else f"{value:5.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--json", default=str(REPO_ROOT / "benchmarks" / "results" / "extraction.json")
    )
    parser.add_argument("--pages", type=int, help="only the first N pages (a quick look)")
    parser.add_argument("--worst", type=int, default=25, help="pages listed (worst first)")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS} (it lives in ../shared/corpora)", file=sys.stderr)
        return 2
    result = evaluate(limit=args.pages)
    rows = sorted(result["pages"], key=lambda r: (r["recall"] or 0) + (r["precision"] or 0))
    print(f"{'page':34} recall  prec.  first")
    for row in rows[: args.worst]:
        first = {True: "yes", False: "no", None: "-"}[row["first"]]
        print(f"{row['page']:34} {_fmt(row['recall'])}  {_fmt(row['precision'])}  {first}")
    t = result["totals"]
    print(
        f"\n{t['pages']} pages: recall {t['recall']:.3f}, precision {t['precision']:.3f}, "
        f"phrase finds the page first {t['phrase_first']}, recall < 0.5 on "
        f"{t['recall_below_half']}, precision < 0.5 on {t['precision_below_half']}, "
        f"dated {t['dated']}; indexed in {result['index_seconds']}s"
    )
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
