"""Turn the shared news corpora into plain article documents for benchmarking.

A document is a dict ``{"id", "title", "body", "date"?, "source"?}``. The corpora
are read in place from ``../shared/corpora`` (relative to the repository root)
and never copied into the repository; derived files go to ``benchmarks/work/``,
which git ignores.

Three corpora, each with its own dirt (see their PROVENANCE.md):

* BBC: ``bbc/<category>/NNN.txt``, line 1 is the title. Mostly UTF-8, but
  ``sport/199.txt`` holds one Latin-1 byte, so decoding falls back to Latin-1.
* Reuters-21578: ``reut2-*.sgm``, SGML that is not valid XML, so records are cut
  out with regular expressions. Control-character entities (``&#3;`` ...) are
  dropped and ``&lt;``/``&gt;``/``&amp;`` unescaped. ``TYPE="BRIEF"`` records are
  title-only (their "Blah blah blah." body is dropped); ``TYPE="UNPROC"`` records
  have neither title nor body, so their first line becomes the title and the
  rest, layout kept, the body.
* 20 Newsgroups (bydate): one tar.gz of RFC-822-style posts, read with
  ``tarfile`` without unpacking. ``Subject:`` becomes the title and the header
  block is dropped from the body (it holds names and e-mail addresses).

Run ``python benchmarks/news.py`` to write one JSONL file per corpus into
``benchmarks/work/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import sys
import tarfile
from collections.abc import Iterable, Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# SEARCHIDX_CORPORA points elsewhere (from a git worktree, ../shared is not there).
CORPORA = Path(os.environ.get("SEARCHIDX_CORPORA") or REPO_ROOT.parent / "shared" / "corpora")
WORK = REPO_ROOT / "benchmarks" / "work"

CORPUS_DIRS = {"bbc": "bbc", "reuters": "reuters21578", "20ng": "20newsgroups"}


class CorpusMissing(RuntimeError):
    """A corpus folder is not where the benchmark expects it."""


def corpus_dir(name: str, root: Path = CORPORA) -> Path:
    """Return the folder of corpus NAME, or raise CorpusMissing with a clear message."""
    path = root / CORPUS_DIRS[name]
    if not path.is_dir():
        raise CorpusMissing(
            f"corpus {name!r} not found at {path}; the benchmark reads the shared corpora "
            f"from ../shared/corpora next to the repository (never copied into it)"
        )
    return path


def decode(raw: bytes) -> str:
    """Decode RAW as UTF-8, falling back to Latin-1 (which never fails)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


# --- BBC -------------------------------------------------------------------


def parse_article(text: str) -> tuple[str, str]:
    """Split an article file into (title, body): line 1 is the title."""
    text = text.replace("\r\n", "\n")
    title, _, body = text.partition("\n")
    return title.strip(), body.strip()


def load_bbc(root: Path = CORPORA) -> Iterator[dict]:
    """Yield the 2,225 BBC articles in category/file order."""
    base = corpus_dir("bbc", root)
    for path in sorted(base.glob("*/*.txt")):
        title, body = parse_article(decode(path.read_bytes()))
        yield {
            "id": f"bbc-{path.parent.name}-{path.stem}",
            "title": title,
            "body": body,
            "source": f"BBC/{path.parent.name}",
        }


# --- Reuters-21578 ---------------------------------------------------------

_RECORD = re.compile(r"<REUTERS([^>]*)>(.*?)</REUTERS>", re.S)
_NEWID = re.compile(r'NEWID="(\d+)"')
_TEXT = re.compile(r"<TEXT([^>]*)>(.*?)</TEXT>", re.S)
_DATE = re.compile(r"<DATE>(.*?)</DATE>", re.S)
_DATE_PARTS = re.compile(r"(\d{1,2})-([A-Z]{3})-(\d{4})")
_CONTROL_ENTITY = re.compile(r"&#\d+;")
_TAG = re.compile(r"</?[A-Z]+[^>]*>")
_TRAILER = re.compile(r"\s*\bReuter\s*$")
_MONTHS = {
    m: i for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), start=1)
}


def _field(tag: str, text: str) -> str | None:
    m = re.search(rf"<{tag}>(.*?)</{tag}>", text, re.S)
    return m.group(1) if m else None


def clean_sgml_text(s: str) -> str:
    """Drop control entities and unescape the three SGML entities Reuters uses."""
    s = _CONTROL_ENTITY.sub("", s)
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def reflow(text: str) -> str:
    """Join hard-wrapped lines; a line indented by whitespace starts a paragraph."""
    paragraphs: list[list[str]] = []
    for line in text.split("\n"):
        if not line.strip():
            if paragraphs and paragraphs[-1]:
                paragraphs.append([])
            continue
        if line[:1].isspace() or not paragraphs:
            paragraphs.append([])
        paragraphs[-1].append(line.strip())
    return "\n\n".join(" ".join(p) for p in paragraphs if p)


def reuters_date(raw: str | None) -> str | None:
    """Return the ISO day of a Reuters <DATE> ("26-FEB-1987 15:01:01.79"), or None."""
    m = _DATE_PARTS.search(raw or "")
    if not m or m.group(2) not in _MONTHS:
        return None
    try:
        return dt.date(int(m.group(3)), _MONTHS[m.group(2)], int(m.group(1))).isoformat()
    except ValueError:
        return None


def parse_reuters_record(attrs: str, inner: str) -> dict | None:
    """Turn one <REUTERS> record into a document, or None if it holds no text."""
    newid = _NEWID.search(attrs).group(1)
    text_m = _TEXT.search(inner)
    text_attrs, text = (text_m.group(1), text_m.group(2)) if text_m else ("", "")
    kind = re.search(r'TYPE="(\w+)"', text_attrs)
    kind = kind.group(1) if kind else "NORM"

    title = clean_sgml_text(_field("TITLE", text) or "")
    title = " ".join(title.split())
    if kind == "UNPROC" or (_field("TITLE", text) is None and _field("BODY", text) is None):
        # Unstructured text: first line is a heading, keep the table layout.
        lines = [ln.rstrip() for ln in clean_sgml_text(_TAG.sub("", text)).split("\n")]
        lines = [ln for ln in lines if ln.strip()]
        if not lines:
            return None
        title = title or " ".join(lines[0].split())
        body = "\n".join(lines[1:])
    elif kind == "BRIEF":
        body = ""  # the BRIEF body is the placeholder "Blah blah blah."
    else:
        body = reflow(clean_sgml_text(_field("BODY", text) or ""))
        dateline = " ".join(clean_sgml_text(_field("DATELINE", text) or "").split())
        if dateline and body:
            body = f"{dateline} {body}"
    body = _TRAILER.sub("", body).strip()
    doc = {"id": f"reuters-{newid}", "title": title.strip("* "), "body": body, "source": "Reuters"}
    date = reuters_date(_field("DATE", inner))
    if date:
        doc["date"] = date
    return doc


def load_reuters(root: Path = CORPORA) -> Iterator[dict]:
    """Yield the Reuters-21578 stories (21,578 records) in NEWID order."""
    base = corpus_dir("reuters", root)
    files = sorted(base.glob("reut2-*.sgm"))
    if not files:
        raise CorpusMissing(f"no reut2-*.sgm files in {base}")
    for path in files:
        text = path.read_bytes().decode("latin-1")  # reut2-017 has one 0xFC byte
        for m in _RECORD.finditer(text):
            doc = parse_reuters_record(m.group(1), m.group(2))
            if doc is not None:
                yield doc


# --- 20 Newsgroups ---------------------------------------------------------


def parse_post(text: str) -> tuple[str, str]:
    """Split a Usenet post into (subject, body without the header block)."""
    text = text.replace("\r\n", "\n")
    head, _, body = text.partition("\n\n")
    subject = ""
    for line in re.split(r"\n(?![ \t])", head):  # unfold continuation lines
        name, _, value = line.partition(":")
        if name.strip().lower() == "subject":
            subject = " ".join(value.split())
            break
    return subject or "(no subject)", body.strip()


def load_20ng(root: Path = CORPORA) -> Iterator[dict]:
    """Yield the 18,846 20 Newsgroups posts (train then test, as stored in the tarball)."""
    tar_path = corpus_dir("20ng", root) / "20news-bydate.tar.gz"
    if not tar_path.is_file():
        raise CorpusMissing(f"{tar_path} not found")
    with tarfile.open(tar_path, "r:gz") as tar:
        for member in tar:
            parts = member.name.split("/")
            if not member.isfile() or len(parts) != 3:
                continue
            split = parts[0].rsplit("-", 1)[-1]  # 20news-bydate-train -> train
            group, number = parts[1], parts[2]
            title, body = parse_post(tar.extractfile(member).read().decode("latin-1"))
            yield {
                "id": f"20ng-{split}-{group}-{number}",
                "title": title,
                "body": body,
                "source": f"20newsgroups/{group}",
            }


LOADERS = {"bbc": load_bbc, "reuters": load_reuters, "20ng": load_20ng}


def load(name: str, root: Path = CORPORA) -> list[dict]:
    """Return all documents of corpus NAME."""
    return list(LOADERS[name](root))


# --- writing and scaling ---------------------------------------------------


def replicate(docs: Iterable[dict], copies: int) -> Iterator[dict]:
    """Yield COPIES copies of DOCS; copy 0 keeps its ids, copy k gets "~k" appended."""
    docs = list(docs)
    for k in range(copies):
        for doc in docs:
            yield doc if k == 0 else {**doc, "id": f"{doc['id']}~{k}"}


def text_bytes(docs: Iterable[dict]) -> int:
    """Return the UTF-8 size of the titles and bodies of DOCS (the "MB" in MB/s)."""
    return sum(len(d["title"].encode()) + len(d["body"].encode()) for d in docs)


def write_jsonl(docs: Iterable[dict], path: Path) -> int:
    """Write DOCS to PATH, one JSON object per line; return the count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as f:
        for doc in docs:
            f.write(json.dumps(doc, ensure_ascii=False) + "\n")
            n += 1
    return n


def write_jsonl_shards(docs: Iterable[dict], folder: Path, per_shard: int = 100) -> list[Path]:
    """Write DOCS as JSONL files of PER_SHARD documents each; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    docs = list(docs)
    paths = []
    for i in range(0, len(docs), per_shard):
        path = folder / f"shard-{i // per_shard:05d}.jsonl"
        write_jsonl(docs[i : i + per_shard], path)
        paths.append(path)
    return paths


def write_txt_files(docs: Iterable[dict], folder: Path) -> list[Path]:
    """Write each document as ``<id>.txt`` (title, blank line, body), UTF-8."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for doc in docs:
        path = folder / f"{doc['id']}.txt"
        path.write_text(f"{doc['title']}\n\n{doc['body']}\n", encoding="utf-8")
        paths.append(path)
    return paths


def read_jsonl(path: Path) -> Iterator[dict]:
    """Yield the documents of one JSONL file."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def read_inputs(paths: Iterable[Path]) -> Iterator[tuple[Path, dict]]:
    """Yield (file, document) for .jsonl and .txt article files, as the FTS5 side reads them."""
    for path in paths:
        if path.suffix == ".jsonl":
            for doc in read_jsonl(path):
                yield path, doc
        else:
            title, body = parse_article(decode(path.read_bytes()))
            yield path, {"id": path.stem, "title": title, "body": body}


def digest(docs: Iterable[dict]) -> str:
    """Return a short content hash of DOCS (to tell whether work files are stale)."""
    h = hashlib.sha1()
    for d in docs:
        h.update(json.dumps(d, sort_keys=True).encode())
    return h.hexdigest()[:12]


def main(argv: list[str] | None = None) -> int:
    """Write benchmarks/work/<corpus>.jsonl for the chosen corpora and print counts."""
    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("--corpora", default="bbc,reuters,20ng")
    ap.add_argument("--out", type=Path, default=WORK)
    args = ap.parse_args(argv)
    for name in args.corpora.split(","):
        try:
            docs = load(name)
        except CorpusMissing as e:
            print(f"skip {name}: {e}", file=sys.stderr)
            continue
        n = write_jsonl(docs, args.out / f"{name}.jsonl")
        print(
            f"{name}: {n} docs, {text_bytes(docs) / 1e6:.1f} MB text -> "
            f"{args.out / f'{name}.jsonl'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
