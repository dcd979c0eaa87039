"""Where an index's bytes go: per file kind, and per field for postings, terms and stored values.

``python benchmarks/index_size.py INDEX [--json out.json]`` prints, for the index in INDEX:

* each file kind of every segment (``.pst`` postings, ``.trm`` term index, ``.col`` columns:
  the stored fields ``_stored`` and the field lengths and sortable values of each field),
  read from inside the compound ``.seg`` files;
* the postings bytes of each field (the extents of its terms in ``.pst``; small posting
  lists inlined in the term index are counted with the terms) and its posting count;
* the term index bytes of each field (key + term info, as written);
* the stored-field bytes of each field, estimated from the pickled size of each value,
  scaled to the compressed ``_stored`` column.

It reads the index only; run it after a build to see what to shrink, or to re-measure after a
merge.  No figure is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from whoosh.filedb.compound import CompoundStorage  # noqa: E402

from searchidx import storage  # noqa: E402
from searchidx.terminfo import NewsTermInfo  # noqa: E402  (reads W3's term infos too)


def _kind(name: str) -> str:
    """Return the kind of a segment file name: '.pst', '.trm', '_stored.col', ..."""
    base = name.split(".", 1)[1] if "." in name else name
    return "." + base if not base.startswith(".") else base


def file_kinds(index_dir: Path) -> Counter:
    """Return bytes per file kind, looking inside compound segment files."""
    sizes: Counter = Counter()
    for entry in os.scandir(index_dir):
        if not entry.is_file():
            continue
        if entry.name.endswith(".seg"):
            with open(entry.path, "rb") as raw:
                from whoosh.filedb.structfile import StructFile

                compound = CompoundStorage(StructFile(raw), use_mmap=False)
                inner = 0
                for name, info in compound._dir.items():
                    sizes[_kind(name)] += info["length"]
                    inner += info["length"]
                sizes["(compound directory)"] += entry.stat().st_size - inner
        elif entry.name.endswith(".toc"):
            sizes["(toc)"] += entry.stat().st_size
        else:
            sizes[_kind(entry.name)] += entry.stat().st_size
    return sizes


def per_field(index_dir: Path) -> dict:
    """Return, per field: postings bytes and count, term index bytes, stored bytes (est.)."""
    ix = storage.open_index(index_dir)
    fields: dict[str, Counter] = {}
    stored_raw: Counter = Counter()
    stored_col = 0
    with ix.reader() as reader:
        for segreader, _base in reader.leaf_readers():
            tindex = segreader._terms._tindex
            decode = segreader._terms._keydecoder
            for key, value in tindex.items():
                fieldname, _text = decode(key)
                info = NewsTermInfo.from_bytes(value)
                c = fields.setdefault(fieldname, Counter())
                c["terms"] += 1
                c["postings"] += info.doc_frequency()
                # key (field number + term), value, and the hash table's 8-byte header
                c["term index bytes"] += len(key) + len(value) + 8
                if not info.is_inlined():
                    length = info.extent()[1]  # a 1-tuple as W3TermInfo reads it back
                    c["postings bytes"] += length[0] if isinstance(length, tuple) else length
            for docnum in range(segreader.doc_count_all()):
                for name, value in segreader.stored_fields(docnum).items():
                    stored_raw[name] += len(pickle.dumps(value, 2))
            name = segreader._segment.make_filename("._stored.col")
            if segreader._storage.file_exists(name):
                stored_col += segreader._storage.file_length(name)
    total_raw = sum(stored_raw.values()) or 1
    for name, raw in stored_raw.items():
        c = fields.setdefault(name, Counter())
        c["stored bytes (pickled)"] = raw
        if stored_col:
            c["stored bytes (est. on disk)"] = round(raw * stored_col / total_raw)
    return {name: dict(c) for name, c in sorted(fields.items())}


def _mb(n: float) -> str:
    return f"{n / 1e6:8.2f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("index", type=Path)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    kinds = file_kinds(args.index)
    total = sum(kinds.values())
    print(f"index {args.index}: {_mb(total).strip()} MB on disk")
    print(f"\n{'file kind':32} {'MB':>8} {'share':>6}")
    for kind, size in kinds.most_common():
        print(f"{kind:32} {_mb(size)} {size / total:6.1%}")
    fields = per_field(args.index)
    cols = [
        "postings",
        "postings bytes",
        "terms",
        "term index bytes",
        "stored bytes (est. on disk)",
    ]
    print(
        f"\n{'field':16} {'postings':>10} {'pst MB':>8} {'terms':>9} {'trm MB':>8} {'stored MB':>9}"
    )
    for name, c in fields.items():
        print(
            f"{name:16} {c.get(cols[0], 0):10d} {_mb(c.get(cols[1], 0))} {c.get(cols[2], 0):9d} "
            f"{_mb(c.get(cols[3], 0))} {_mb(c.get(cols[4], 0)):>9}"
        )
    if args.json:
        args.json.write_text(
            json.dumps({"total": total, "kinds": kinds, "fields": fields}, indent=1)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
