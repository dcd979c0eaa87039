"""Parsers for the SMART-format test collections with relevance judgements.

Each collection becomes three files in a work folder (``benchmarks/work/<name>/``):

* ``docs.jsonl``: one ``{"id": "<docid>", "title": ..., "body": ...}`` per line.
  ``title`` is the ``.T`` field. ``body`` is the abstract (``.W``), then the
  keywords (``.K``, CACM only), then the author lines (``.A``), separated by blank
  lines. Authors are kept because some CACM and CISI queries ask for an author's
  work. Left out: ``.B`` (publication date or journal reference), ``.N`` (entry
  notes), ``.X`` (citation triples) and ``.C`` (CR category codes): numbers and
  boilerplate such as "CACM December, 1958" that are in nearly every record.
  Line breaks inside a field are collapsed to single spaces. Documents with
  neither title nor body (Cranfield 471 and 995) are left out: there is nothing to
  index, and they stay in the qrels as relevant documents nobody can find.
* ``topics.tsv``: ``qid<TAB>query text``, only for topics with at least one
  relevant document (CISI has 112 queries but 76 judged; CACM 64 and 52). The
  query text is ``.T`` + ``.W`` (CISI's bibliographic queries have a title), on
  one line. Author (``.A``), source (``.B``) and requester note (``.N``) fields of
  queries are left out.
* ``qrels.txt``: TREC qrels ``qid 0 docid rel`` with binary ``rel`` (Cranfield
  grades 1-4 become 1, its ``-1`` rows become 0).

LISA (optional, ``--collections lisa``) is not in SMART format: its titles and
abstracts are upper case with no authors, so ``body`` is the abstract alone; its
queries come from LISA.QUE and its judgements from LISARJ.NUM, because LISA.REL
is corrupt in our copy.

That is the ``full`` conversion; ``bare`` (``load(..., conversion="bare")``) leaves out the
keywords and authors and the query titles, so each collection is measured two fair ways.

The known traps (see each corpus's PROVENANCE.md) are handled here: Cranfield's
qrels number queries by their position in cran.qry, not by ``.I``; CACM's
query.text ends with a bodiless ``.I 0`` sentinel and its qrels zero-pad query
ids; CISI has marker lines with trailing spaces. The parsed counts are checked
against the counts published in PROVENANCE.md, so a changed or truncated corpus
fails loudly instead of producing quietly different numbers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

MARKER = re.compile(r"^\.([A-Z])(?:\s+(\S+))?\s*$")


@dataclass
class Collection:
    """A parsed test collection: documents, judged topics and binary qrels."""

    name: str
    docs: list[dict[str, str]]
    topics: dict[str, str]
    qrels: dict[str, dict[str, int]]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Spec:
    """Where a collection's files are and what their parse must add up to."""

    folder: str
    docs_file: str
    queries_file: str
    qrels_file: str
    n_docs: int
    n_queries: int
    n_judged: int
    n_pairs: int


SPECS: dict[str, Spec] = {
    "adi": Spec("adi", "ADI.ALL", "ADI.QRY", "ADI.REL", 82, 35, 35, 170),
    "cisi": Spec("cisi", "CISI.ALL", "CISI.QRY", "CISI.REL", 1460, 112, 76, 3114),
    "cacm": Spec("cacm", "cacm.all", "query.text", "qrels.text", 3204, 64, 52, 796),
    "cranfield": Spec("cranfield", "cran.all.1400", "cran.qry", "cranqrel", 1400, 225, 225, 1837),
    # Optional, not SMART format. LISA.REL is corrupt in our copy: judgements come
    # from LISARJ.NUM. 5,999 documents, not 6,004: ids 1993-1997 are missing.
    "lisa": Spec("lisa", "LISA[0-9].*", "LISA.QUE", "LISARJ.NUM", 5999, 35, 35, 379),
}

#: Collections run by default; LISA is opt-in (`--collections lisa`).
DEFAULT = ("adi", "cisi", "cacm", "cranfield")


@dataclass(frozen=True)
class Conversion:
    """One fair way to turn a collection into documents and topics."""

    extras: bool  # keywords (.K) and authors (.A) appended to the body
    query_title: bool  # a query's .T (CISI only) in front of its .W
    about: str


#: ``full``: everything a reader of the record sees; ``bare``: title + abstract, and the
#: query's text alone (as issue 13's table).  The defaults are chosen on the mean over both.
CONVERSIONS: dict[str, Conversion] = {
    "full": Conversion(True, True, "body = abstract + keywords + authors; query = .T + .W"),
    "bare": Conversion(False, False, "body = abstract only; query = .W only"),
}


def conversions_of(name: str) -> tuple[str, ...]:
    """Return the conversions that differ for collection NAME (LISA has no extras or titles)."""
    return ("full",) if name == "lisa" else tuple(CONVERSIONS)


def read_smart(path: Path) -> list[tuple[str, dict[str, list[str]]]]:
    """Return the records of a SMART dot-marker file as (id, {field: [texts]})."""
    records: list[tuple[str, dict[str, list[list[str]]]]] = []
    lines: list[str] | None = None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        m = MARKER.match(line)
        if m and m.group(1) == "I" and m.group(2):
            records.append((m.group(2), {}))
            lines = None
        elif m and m.group(2) is None and records:
            # A marker that repeats (CISI's .A) starts a new entry of that field.
            lines = []
            records[-1][1].setdefault(m.group(1), []).append(lines)
        elif lines is not None:
            lines.append(line)
    return [
        (rid, {k: [_squash(" ".join(v)) for v in vals] for k, vals in f.items()})
        for rid, f in records
    ]


def _squash(text: str) -> str:
    return " ".join(text.split())


def _join(*parts: str) -> str:
    return "\n\n".join(p for p in parts if p)


def _document(rid: str, f: dict[str, list[str]], extras: bool = True) -> dict[str, str]:
    title = " ".join(f.get("T", []))
    abstract = " ".join(f.get("W", []))
    keywords = " ".join(f.get("K", [])) if extras else ""
    authors = "; ".join(a for a in f.get("A", []) if a) if extras else ""
    return {"id": str(int(rid)), "title": title, "body": _join(abstract, keywords, authors)}


def _query_text(f: dict[str, list[str]], title: bool = True) -> str:
    return _squash(" ".join((f.get("T", []) if title else []) + f.get("W", [])))


def _read_pairs(path: Path, cranfield: bool) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split()
        if not cols:
            continue
        qid, docid = str(int(cols[0])), str(int(cols[1]))
        if cranfield:
            grade = int(cols[2])
            if grade not in (-1, 1, 2, 3, 4):
                raise ValueError(f"{path}: unexpected Cranfield grade {grade!r}")
            rel = 1 if grade > 0 else 0
        else:
            rel = 1
        qrels.setdefault(qid, {})[docid] = rel
    return qrels


def _lisa_docs(folder: Path, pattern: str) -> list[dict[str, str]]:
    """Read LISA's document files: `Document <id>`, title lines, a blank line, abstract."""
    docs = []
    text = "".join(
        p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.glob(pattern))
    )
    for record in re.split(r"^\*{44}[ \t]*$", text, flags=re.MULTILINE):
        lines = record.strip("\n").splitlines()
        if not lines:
            continue
        head = re.fullmatch(r"Document\s+(\d+)\s*", lines[0])
        if not head:
            raise ValueError(f"LISA record starts with {lines[0]!r}, not 'Document <id>'")
        rest = lines[1:]
        cut = next((i for i, line in enumerate(rest) if not line.strip()), len(rest))
        docs.append(
            {
                "id": str(int(head.group(1))),
                "title": _squash(" ".join(rest[:cut])),
                "body": _squash(" ".join(rest[cut + 1 :])),
            }
        )
    return docs


def _lisa_queries(path: Path) -> list[tuple[str, dict[str, list[str]]]]:
    """Read LISA.QUE: a query number on its own line, then text ending with ` #`."""
    queries = []
    for block in path.read_text(encoding="utf-8", errors="replace").split("#"):
        lines = block.strip().splitlines()
        if lines:
            queries.append((str(int(lines[0])), {"W": [_squash(" ".join(lines[1:]))]}))
    return queries


def _lisa_qrels(path: Path) -> dict[str, dict[str, int]]:
    """Read LISARJ.NUM, a number stream of `qid k id1 ... idk` records."""
    numbers = [int(n) for n in path.read_text(encoding="utf-8").split()]
    qrels: dict[str, dict[str, int]] = {}
    i = 0
    while i < len(numbers):
        qid, k = numbers[i], numbers[i + 1]
        ids = numbers[i + 2 : i + 2 + k]
        if len(ids) != k:
            raise ValueError(f"{path}: query {qid} declares {k} documents, lists {len(ids)}")
        qrels[str(qid)] = {str(d): 1 for d in ids}
        i += 2 + k
    return qrels


def load(name: str, corpora: Path, conversion: str = "full") -> Collection:
    """Parse collection NAME from the CORPORA folder as CONVERSION and check its counts."""
    spec = SPECS[name]
    conv = CONVERSIONS[conversion]
    folder = corpora / spec.folder
    notes: list[str] = []
    if name == "lisa":
        docs = _lisa_docs(folder, spec.docs_file)
        queries = _lisa_queries(folder / spec.queries_file)
        notes.append("qrels from LISARJ.NUM (LISA.REL is corrupt in this copy)")
    else:
        docs = [_document(rid, f, conv.extras) for rid, f in read_smart(folder / spec.docs_file)]
        queries = read_smart(folder / spec.queries_file)
    if name == "cacm" and queries and queries[-1][0] == "0" and not queries[-1][1]:
        queries.pop()  # the `.I 0` sentinel that ends query.text
        notes.append("dropped the .I 0 sentinel at the end of query.text")
    if name == "cranfield":
        # cranqrel numbers queries 1..225 by position; the .I numbers have gaps.
        all_topics = {
            str(i): _query_text(f, conv.query_title) for i, (_, f) in enumerate(queries, 1)
        }
        notes.append("query ids are ordinal positions in cran.qry, not .I numbers")
    else:
        all_topics = {str(int(rid)): _query_text(f, conv.query_title) for rid, f in queries}

    if name == "lisa":
        qrels = _lisa_qrels(folder / spec.qrels_file)
    else:
        qrels = _read_pairs(folder / spec.qrels_file, cranfield=name == "cranfield")
    judged = {q for q, rels in qrels.items() if any(r > 0 for r in rels.values())}
    topics = {q: t for q, t in all_topics.items() if q in judged}

    n_pairs = sum(len(r) for r in qrels.values())
    got = (len(docs), len(all_topics), len(judged), n_pairs)
    want = (spec.n_docs, spec.n_queries, spec.n_judged, spec.n_pairs)
    if got != want:
        raise ValueError(
            f"{name}: parsed (docs, queries, judged, pairs) = {got}, expected {want}"
            " as in PROVENANCE.md"
        )
    doc_ids = {d["id"] for d in docs}
    if len(doc_ids) != len(docs):
        raise ValueError(f"{name}: duplicate document ids")
    missing = {d for rels in qrels.values() for d in rels} - doc_ids
    if missing:
        raise ValueError(f"{name}: qrels name unknown documents {sorted(missing)[:5]}")
    unknown = judged - set(all_topics)
    if unknown:
        raise ValueError(f"{name}: qrels name unknown queries {sorted(unknown)[:5]}")
    empty = [d["id"] for d in docs if not (d["title"] or d["body"])]
    if empty:
        # Nothing to index (Cranfield 471 and 995); they stay in the qrels, unretrievable.
        docs = [d for d in docs if d["title"] or d["body"]]
        notes.append(f"dropped {len(empty)} empty documents ({', '.join(empty)})")
    if len(topics) < len(all_topics):
        notes.append(f"skipped {len(all_topics) - len(topics)} queries without qrels")
    return Collection(name, docs, topics, qrels, notes)


def write(coll: Collection, folder: Path) -> dict[str, Path]:
    """Write COLL as docs.jsonl, topics.tsv and qrels.txt into FOLDER."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "docs": folder / "docs.jsonl",
        "topics": folder / "topics.tsv",
        "qrels": folder / "qrels.txt",
    }
    with paths["docs"].open("w", encoding="utf-8") as out:
        for doc in coll.docs:
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
    with paths["topics"].open("w", encoding="utf-8") as out:
        for qid, text in coll.topics.items():
            out.write(f"{qid}\t{text}\n")
    with paths["qrels"].open("w", encoding="utf-8") as out:
        for qid, rels in coll.qrels.items():
            for docid, rel in rels.items():
                out.write(f"{qid} 0 {docid} {rel}\n")
    return paths
