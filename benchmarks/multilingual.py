"""Multilingual known-item test: does a phrase or a rare word from a document find it first?

No judged multilingual collection is installable here, so each document is its own query
target.  For up to N random documents of each language, taken from the document's text:

* phrase: 3-4 consecutive words of one sentence, as a quoted phrase (in scripts written
  without spaces, 4-6 consecutive characters of one run);
* rare: the word found in the fewest documents of its collection (in scripts without spaces,
  the two-character piece found in the fewest), as a bare one-word query;
* inflected: for languages with a Snowball stemmer, a rare word of the document with its
  ending changed to another common ending of the language, chosen so that NLTK's Snowball
  stemmer for the language gives the variant the same stem and the variant itself occurs
  nowhere in the collection (so it measures whether the index stems the language, not how
  good the stemmer is).

A query succeeds when the document is the first result.  Three sources, each indexed on its
own with the real indexer into a temporary folder and queried through the real Engine:

* pages: the non-English hand-checked article texts of ``../shared/corpora/newspaper-pages``
  (one article each in Arabic, Chinese, Japanese, Spanish and Thai), one document per
  paragraph (per sentence when an article has fewer than four paragraphs);
* fixture: the news-like sentences of ``tests/test_multilingual.py`` (read as data, one
  document per article, English included);
* faker: ``Faker(locale).text()`` for a dozen locales whose word lists are of the language
  (random words in sentences, not news; ``pip install faker``, the ``bench`` extra).

``SEARCHIDX_CORPORA`` names the corpora folder when it is not ``../shared/corpora``.
Only ``index_paths`` and ``Engine.search`` are used, so the same script measures older code
(``PYTHONPATH=/path/to/old/checkout``).  Run::

    python benchmarks/multilingual.py [--n 20] [--seed 11] [--json benchmarks/results/multilingual.json]
    python benchmarks/multilingual.py --label before --json /tmp/before.json   # under old code
    python benchmarks/multilingual.py --compare /tmp/before.json                # adds its columns
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("SEARCHIDX_CORPORA") or REPO_ROOT.parent / "shared" / "corpora")
PAGES = CORPORA / "newspaper-pages" / "text"
PAGE_LANGUAGES = {"arabic": "ar", "chinese": "zh", "japanese": "ja", "spanish": "es", "thai": "th"}
FAKER_LOCALES = {
    "de_DE": "de",
    "fr_FR": "fr",
    "es_ES": "es",
    "it_IT": "it",
    "nl_NL": "nl",
    "pl_PL": "pl",
    "ru_RU": "ru",
    "uk_UA": "uk",
    "el_GR": "el",
    "ar_AA": "ar",
    "fa_IR": "fa",
    "ja_JP": "ja",
    "zh_CN": "zh",
    "th_TH": "th",
}
# Languages written without spaces between words: pieces of runs stand for words.
UNSPACED = {"zh", "ja", "th"}
SNOWBALL = {
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "nl": "dutch",
    "ru": "russian",
    "en": "english",
}
# Common word endings per language; a variant swaps one for another.
ENDINGS = {
    "de": ["", "e", "en", "er", "es", "s", "n"],
    "fr": ["", "e", "es", "s", "er", "ez"],
    "es": ["", "o", "a", "os", "as", "es", "s"],
    "it": ["", "o", "a", "i", "e"],
    "nl": ["", "en", "e", "s"],
    "ru": ["", "а", "ы", "у", "ой", "ом", "е", "ов", "ами"],
    "en": ["", "s", "es", "ed", "ing"],
}
KINDS = ("phrase", "rare", "inflected")
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|[。！？\n]+|\s{2,}")
_UNSPACED_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\u0e00-\u0e7f]+")


def graphemes(run: str) -> list[str]:
    """Return RUN cut into base characters with their combining marks (a Thai vowel stays)."""
    out: list[str] = []
    for ch in run:
        if out and unicodedata.category(ch) in ("Mn", "Mc"):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def words(text: str) -> list[str]:
    """Return the words of TEXT: whitespace-separated, punctuation and symbols stripped."""
    out = []
    for raw in text.split():
        w = raw.strip("".join(c for c in raw if unicodedata.category(c)[0] in "PS"))
        w = "".join(c for c in w if unicodedata.category(c)[0] not in "PS" or c in "-'’")
        if w and any(c.isalpha() for c in w) and not _UNSPACED_RUN.search(w):
            out.append(w)
    return out


def pieces(text: str, size: int) -> list[str]:
    """Return every SIZE-grapheme piece of the unspaced runs of TEXT."""
    out = []
    for run in _UNSPACED_RUN.findall(text):
        g = graphemes(run)
        out += ["".join(g[i : i + size]) for i in range(len(g) - size + 1)]
    return out


def terms(text: str, language: str) -> set[str]:
    """Return the candidate rare terms of TEXT (case-folded words or two-grapheme pieces)."""
    if language in UNSPACED:
        return set(pieces(text, 2))
    return {w.casefold() for w in words(text) if len(w) >= 3 and not w.isdigit()}


# -- documents -----------------------------------------------------------------------------


def page_documents() -> list[dict]:
    """Return the non-English newspaper-pages texts as paragraph (or sentence) documents."""
    docs = []
    for stem, lang in PAGE_LANGUAGES.items():
        path = PAGES / f"{stem}.txt"
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        parts = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        if len(parts) < 4:
            parts = [s.strip() for s in re.split(r"(?<=[。！？.!?])", text) if s.strip()]
        parts = [p for p in parts if len(p) >= 30]
        docs += [
            {"id": f"{lang}-page-{i}", "lang": lang, "title": "", "body": p}
            for i, p in enumerate(parts, 1)
        ]
    return docs


def fixture_documents() -> list[dict]:
    """Return the articles of tests/test_multilingual.py, read as data (no test imports)."""
    tree = ast.parse((REPO_ROOT / "tests" / "test_multilingual.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "ARTICLES":
            articles = ast.literal_eval(node.value)
            return [{"id": i, "lang": lang, "title": t, "body": b} for i, lang, t, b in articles]
    raise SystemExit("tests/test_multilingual.py has no ARTICLES list")


def faker_documents(n: int, seed: int) -> list[dict]:
    """Return N Faker texts (about 600 characters) for each locale of FAKER_LOCALES."""
    from faker import Faker

    docs = []
    for locale, lang in FAKER_LOCALES.items():
        fake = Faker(locale)
        fake.seed_instance(seed)
        for i in range(1, n + 1):
            docs.append(
                {
                    "id": f"{lang}-faker-{i}",
                    "lang": lang,
                    "title": fake.sentence(nb_words=5),
                    "body": fake.text(max_nb_chars=600),
                }
            )
    return docs


# -- queries -------------------------------------------------------------------------------


def phrase_query(doc: dict, rng: random.Random) -> str | None:
    """Return a quoted phrase of 3-4 words (4-6 graphemes unspaced) from one sentence."""
    sentences = [s for s in _SENTENCE.split(doc["body"]) if s and s.strip()]
    rng.shuffle(sentences)
    for sentence in sentences:
        if doc["lang"] in UNSPACED:
            size = rng.randint(4, 6)
            found = pieces(sentence, size)
        else:
            ws = words(sentence)
            size = rng.randint(3, 4)
            found = [" ".join(ws[i : i + size]) for i in range(len(ws) - size + 1)]
        if found:
            return f'"{rng.choice(found)}"'
    return None


def rare_term(doc: dict, df: Counter, rng: random.Random, min_len: int = 1) -> str | None:
    """Return the term of DOC found in the fewest documents (ties broken at random)."""
    candidates = [t for t in sorted(terms(doc["body"], doc["lang"])) if len(t) >= min_len]
    if not candidates:
        return None
    # Fewest documents first; among those, a word of five or more letters, as a user would
    # pick a distinctive word rather than "vor" or "tot".
    best = min((df[t], len(t) < 5) for t in candidates)
    return rng.choice([t for t in candidates if (df[t], len(t) < 5) == best])


def inflected_query(doc: dict, stem_df: Counter, vocabulary: set[str], rng: random.Random):
    """Return a variant of a word of DOC with the same Snowball stem, or None.

    The word's stem must occur in no other document of its language, so that the variant
    has exactly one right answer.
    """
    lang = doc["lang"]
    if lang not in SNOWBALL:
        return None
    from nltk.stem.snowball import SnowballStemmer

    stem = SnowballStemmer(SNOWBALL[lang]).stem
    candidates = sorted(
        t
        for t in terms(doc["body"], lang)
        if len(t) >= 5 and t.isalpha() and stem_df[(lang, stem(t))] == 1
    )
    rng.shuffle(candidates)
    for word in candidates:
        variants = []
        for old in ENDINGS[lang]:
            if old and not word.endswith(old):
                continue
            base = word[: len(word) - len(old)]
            for new in ENDINGS[lang]:
                variant = base + new
                if variant != word and variant not in vocabulary and stem(variant) == stem(word):
                    variants.append(variant)
        if variants:
            return rng.choice(sorted(set(variants)))
    return None


def queries_for(docs: list[dict], n: int, seed: int) -> list[dict]:
    """Return the known-item queries for up to N random documents of each language."""
    rng = random.Random(seed)
    df: Counter = Counter()
    vocabulary: set[str] = set()
    stem_df: Counter = Counter()
    for doc in docs:
        found = terms(doc["body"] + " " + doc["title"], doc["lang"])
        df.update(terms(doc["body"], doc["lang"]))
        vocabulary |= found
        if doc["lang"] in SNOWBALL:
            from nltk.stem.snowball import SnowballStemmer

            stem = SnowballStemmer(SNOWBALL[doc["lang"]]).stem
            stem_df.update({(doc["lang"], stem(t)) for t in found})
    by_lang = defaultdict(list)
    for doc in docs:
        by_lang[doc["lang"]].append(doc)
    out = []
    for lang in sorted(by_lang):
        chosen = by_lang[lang] if len(by_lang[lang]) <= n else rng.sample(by_lang[lang], n)
        for doc in chosen:
            rare = rare_term(doc, df, rng)
            made = {
                "phrase": phrase_query(doc, rng),
                "rare": rare,
                "inflected": inflected_query(doc, stem_df, vocabulary, rng),
            }
            for kind, q in made.items():
                if q:
                    extra = {"df": df[rare]} if kind == "rare" else {}
                    out.append({"lang": lang, "kind": kind, "id": doc["id"], "query": q, **extra})
    return out


# -- running -------------------------------------------------------------------------------


def run_source(name: str, docs: list[dict], n: int, seed: int) -> list[dict]:
    """Index DOCS with the real indexer, run their known-item queries, return the outcomes."""
    from searchidx import Engine, index_paths

    queries = queries_for(docs, n, seed)
    with tempfile.TemporaryDirectory(prefix=f"mlbench-{name}-") as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        lines = [json.dumps({"id": d["id"], "title": d["title"], "body": d["body"]}) for d in docs]
        (folder / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        index_paths(Path(tmp) / "index", [folder])
        with Engine(Path(tmp) / "index") as engine:
            for q in queries:
                try:
                    hits = engine.search(q["query"], page_size=1).hits
                    q["first"] = bool(hits) and hits[0].id == q["id"]
                    q["top"] = hits[0].id if hits else None
                except Exception as exc:  # an old version may refuse a query: a miss
                    q["first"], q["top"], q["error"] = False, None, f"{type(exc).__name__}: {exc}"
    for q in queries:
        q["source"] = name
    return queries


def summarise(outcomes: list[dict]) -> dict[str, dict[str, list[int]]]:
    """Return {"source/lang": {kind: [found first, asked]}}."""
    table: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for q in outcomes:
        cell = table[f"{q['source']}/{q['lang']}"][q["kind"]]
        cell[0] += int(q["first"])
        cell[1] += 1
    return {k: dict(v) for k, v in table.items()}


def cell(value) -> str:
    if not value:
        return "–"
    hit, asked = value
    return f"{hit}/{asked}"


def print_table(after: dict, before: dict | None, labels: tuple[str, str]) -> None:
    """Print one row per source/language: found-first counts per kind, before and after."""
    head = ["source/lang"]
    for kind in KINDS:
        head += [f"{kind} {labels[0]}", f"{kind} {labels[1]}"] if before else [kind]
    rows = []
    totals_a: dict = defaultdict(lambda: [0, 0])
    totals_b: dict = defaultdict(lambda: [0, 0])
    for key in sorted(after, key=lambda k: (k.split("/")[0], k.split("/")[1])):
        row = [key]
        for kind in KINDS:
            a = after[key].get(kind)
            b = (before or {}).get(key, {}).get(kind)
            for tot, v in ((totals_a, a), (totals_b, b)):
                if v:
                    tot[kind][0] += v[0]
                    tot[kind][1] += v[1]
            row += [cell(b), cell(a)] if before else [cell(a)]
        rows.append(row)
    total = ["all"]
    for kind in KINDS:
        total += [cell(totals_b[kind]), cell(totals_a[kind])] if before else [cell(totals_a[kind])]
    rows.append(total)
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="documents per language (default 20)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json", default=str(REPO_ROOT / "benchmarks/results/multilingual.json"))
    parser.add_argument("--label", default="after", help="name of this run in the JSON")
    parser.add_argument("--compare", help="JSON of an earlier run to show beside this one")
    args = parser.parse_args(argv)

    import searchidx

    sources = {"pages": page_documents(), "fixture": fixture_documents()}
    try:
        sources["faker"] = faker_documents(args.n, args.seed)
    except ImportError:
        print("faker not installed: its source is skipped (pip install faker)", file=sys.stderr)
    if not sources["pages"]:
        print(f"{PAGES} not found: the pages source is skipped", file=sys.stderr)
    outcomes = []
    for name, docs in sources.items():
        if docs:
            outcomes += run_source(name, docs, args.n, args.seed)
    summary = summarise(outcomes)
    commit = subprocess.run(
        ["git", "-C", str(Path(searchidx.__file__).parent), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    result = {
        "label": args.label,
        "code": str(Path(searchidx.__file__).parent.parent),
        "commit": commit or None,
        "n": args.n,
        "seed": args.seed,
        "documents": {k: len(v) for k, v in sources.items()},
        "summary": summary,
        "queries": outcomes,
    }
    before = None
    labels = ("before", args.label)
    if args.compare:
        earlier = json.loads(Path(args.compare).read_text(encoding="utf-8"))
        before, labels = earlier["summary"], (earlier["label"], args.label)
        result["compare"] = {"label": earlier["label"], "summary": before}
    print(
        f"known item found first (documents: {result['documents']}, n={args.n}, seed={args.seed})"
    )
    print_table(summary, before, labels)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
