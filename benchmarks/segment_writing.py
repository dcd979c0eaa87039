"""CPU of the segment writer's work per term and per document: ours against Whoosh's own.

``python benchmarks/segment_writing.py INDEX [--rounds 5] [--json out.json]`` takes the terms,
term infos and documents of the (one-segment) index in INDEX and times, in one process,
alternating and keeping each side's fastest round (the machine may be busy):

* the term table (``termtable.TermTableWriter``; Whoosh: ``OrderedHashWriter``), with the
  two position queries a term costs on the postings file;
* the non-text fields' terms and column values (``fieldtypes``; Whoosh: ``ID``,
  ``DATETIME``, ``TEXT``) for every document's date, ids, source, URL, year and language;
* the per-document writer (``codec.NewsPerDocWriter`` with ``columnwriters``; Whoosh:
  ``W3PerDocWriter``'s methods and column writers) for every document's fields.

Both sides write the same bytes (``tests/test_segment_bytes.py``).  No figure is asserted.
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from whoosh.codec.base import PerDocWriterWithColumns  # noqa: E402
from whoosh.codec.whoosh3 import W3PerDocWriter  # noqa: E402
from whoosh.fields import DATETIME, ID, TEXT  # noqa: E402
from whoosh.filedb.filestore import FileStorage  # noqa: E402
from whoosh.filedb.filetables import OrderedHashWriter  # noqa: E402

from searchidx import storage  # noqa: E402
from searchidx.codec import STORED, NewsCodec, NewsPerDocWriter  # noqa: E402
from searchidx.fieldtypes import MemoTEXT, NewsDATETIME, NewsID, UrlTEXT  # noqa: E402
from searchidx.schema import build_schema  # noqa: E402
from searchidx.termtable import PositionFile, TermTableWriter  # noqa: E402

WHOOSH_TYPES = {NewsID: ID, NewsDATETIME: DATETIME, MemoTEXT: TEXT, UrlTEXT: TEXT}
_FIELDS = ("date", "id", "path", "fileinfo", "language", "source", "source_facet", "url", "year")


class WhooshPerDocWriter(NewsPerDocWriter):  # also tests/test_segment_bytes.py's reference
    """The per-document writer with Whoosh's methods and column writers."""

    __init__ = W3PerDocWriter.__init__
    add_field = W3PerDocWriter.add_field
    add_column_value = PerDocWriterWithColumns.add_column_value
    finish_doc = W3PerDocWriter.finish_doc

    def _create_column(self, fieldname, column):
        W3PerDocWriter._create_column(self, fieldname, STORED if fieldname == "_stored" else column)


def _values(docs: list[dict]) -> list[dict]:
    """Return each document's non-text field values, as the indexer gives them."""
    rows = []
    for doc in docs:
        row = {name: doc[name] for name in _FIELDS if doc.get(name)}
        if doc.get("date"):
            row["year"] = str(doc["date"].year)
        if doc.get("source"):
            row["source_facet"] = doc["source"]
        row["fileinfo"] = f"{doc.get('path')}\x1f1700000000000000000\x1f4096\x1fdeadbeef"
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", help="write the figures here too")
    args = parser.parse_args()

    reader = storage.open_index(args.index).reader()
    leaf = reader.leaf_readers()[0][0] if hasattr(reader, "leaf_readers") else reader
    items = list(leaf._terms._tindex.items())
    docs = [reader.stored_fields(n) for n in range(reader.doc_count_all())]
    rows = _values(docs)
    ours_schema = build_schema()
    whoosh_schema = copy.deepcopy(ours_schema)
    for _name, field in whoosh_schema.items():
        field.__class__ = WHOOSH_TYPES.get(type(field), type(field))
    tmp = tempfile.TemporaryDirectory(prefix="segment-writing-")
    scratch = FileStorage(tmp.name)

    def term_table(table, wrap):
        def run():
            postings = wrap(scratch.create_file("postings"))
            writer = table(wrap(scratch.create_file("terms")))
            writer.extras["fieldmap"] = {}
            for key, value in items:
                postings.tell()  # where the term's posting list starts and ends
                postings.tell()
                writer.add(key, value)
            writer.close()
            postings.close()

        return run

    def fields(schema):
        def run():
            for row in rows:
                for name, value in row.items():
                    field = schema[name]
                    list(field.index(value))
                    if field.column_type is not None:
                        field.to_column_value(value)

        return run

    def perdoc(writer_class, schema):
        def run():
            segment = NewsCodec().new_segment(scratch, "BENCH")
            writer = writer_class(NewsCodec(), scratch, segment)
            for docnum, (doc, row) in enumerate(zip(docs, rows)):
                writer.start_doc(docnum)
                for name in sorted(doc.keys() | row.keys()):
                    field = schema[name]
                    value = doc.get(name, row.get(name))
                    length = len(value.split()) if name in ("title", "body") else 0
                    writer.add_field(name, field, value if field.stored else None, length)
                    if field.column_type is not None and name in row:
                        writer.add_column_value(
                            name, field.column_type, field.to_column_value(row[name])
                        )
                writer.finish_doc()
            writer.close()

        return run

    cases = [
        (
            "term table",
            term_table(OrderedHashWriter, lambda f: f),
            term_table(TermTableWriter, PositionFile),
        ),
        ("non-text fields", fields(whoosh_schema), fields(ours_schema)),
        (
            "per-document writer",
            perdoc(WhooshPerDocWriter, whoosh_schema),
            perdoc(NewsPerDocWriter, ours_schema),
        ),
    ]
    results = []
    print(f"{len(items)} terms, {len(docs)} documents; CPU s, fastest of {args.rounds} rounds")
    print(f"| {'part':22} | Whoosh | ours | ratio |")
    print("|---|---:|---:|---:|")
    for name, whooshs, ours in cases:
        best = {"whoosh": float("inf"), "ours": float("inf")}
        for _ in range(args.rounds):
            for side, run in (("whoosh", whooshs), ("ours", ours)):
                gc.collect()
                started = time.process_time()
                run()
                best[side] = min(best[side], time.process_time() - started)
        ratio = best["whoosh"] / best["ours"]
        print(f"| {name:22} | {best['whoosh']:.3f} | {best['ours']:.3f} | {ratio:.1f}x |")
        results.append({"part": name, "whoosh_s": best["whoosh"], "ours_s": best["ours"]})
    reader.close()
    tmp.cleanup()
    if args.json:
        Path(args.json).write_text(
            json.dumps({"terms": len(items), "documents": len(docs), "parts": results}, indent=2)
        )


if __name__ == "__main__":
    main()
