"""SQLite FTS5 baseline: the same articles, files and queries as searchidx.

The index is one SQLite file holding

* ``t``: an FTS5 table over ``title, body`` with ``tokenize='porter unicode61'``,
  ranked with ``bm25(t, 2.0, 1.0)`` (title weighted twice, as a field boost);
* ``docs``: rowid -> article id and source file, so a file's rows can be replaced;
* ``files``: path, mtime, size and SHA-1 of every input file, so re-indexing can
  skip unchanged files like an incremental indexer does.

``python benchmarks/fts5.py build|update --db FILE PATH...`` runs one build in its
own process (the benchmark measures its wall time and peak RSS) and prints a JSON
line with counts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from news import read_inputs  # noqa: E402

SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS t USING fts5(title, body, tokenize='porter unicode61');
CREATE TABLE IF NOT EXISTS docs(rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, file TEXT);
CREATE INDEX IF NOT EXISTS docs_file ON docs(file);
CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER,
                                 sha1 TEXT);
"""

RANK = "bm25(t, 2.0, 1.0)"
SEARCH_SQL = f"""
SELECT docs.id, t.title, snippet(t, 1, '<b>', '</b>', '…', 24) AS snippet, {RANK} AS score
FROM t JOIN docs ON docs.rowid = t.rowid
WHERE t MATCH ? ORDER BY {RANK} LIMIT ? OFFSET ?
"""
COUNT_SQL = "SELECT count(*) FROM t WHERE t MATCH ?"


def input_files(paths: list[Path]) -> list[Path]:
    """Expand PATHS (files or folders) into the sorted .txt and .jsonl files below them."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(q for q in p.rglob("*") if q.suffix in (".txt", ".jsonl") and q.is_file())
        else:
            out.append(p)
    return sorted(out)


def _sha1(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def _insert_file(conn: sqlite3.Connection, path: Path) -> int:
    n = 0
    for _, doc in read_inputs([path]):
        cur = conn.execute("INSERT INTO docs(id, file) VALUES (?, ?)", (doc["id"], str(path)))
        conn.execute(
            "INSERT INTO t(rowid, title, body) VALUES (?, ?, ?)",
            (cur.lastrowid, doc["title"], doc["body"]),
        )
        n += 1
    st = path.stat()
    conn.execute(
        "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
        (str(path), st.st_mtime_ns, st.st_size, _sha1(path)),
    )
    return n


def _delete_file(conn: sqlite3.Connection, path: str) -> int:
    rows = [r[0] for r in conn.execute("SELECT rowid FROM docs WHERE file = ?", (path,))]
    conn.executemany("DELETE FROM t WHERE rowid = ?", [(r,) for r in rows])
    conn.execute("DELETE FROM docs WHERE file = ?", (path,))
    conn.execute("DELETE FROM files WHERE path = ?", (path,))
    return len(rows)


def build(db: Path, paths: list[Path]) -> dict:
    """Create DB from scratch with every article in PATHS; return counts."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    conn = sqlite3.connect(db)
    conn.executescript(SCHEMA)
    files = input_files(paths)
    with conn:
        docs = sum(_insert_file(conn, f) for f in files)
    conn.close()
    return {"files": len(files), "docs": docs}


def update(db: Path, paths: list[Path]) -> dict:
    """Bring DB up to date with PATHS: re-insert the rows of changed files only."""
    conn = sqlite3.connect(db)
    conn.executescript(SCHEMA)
    known = {p: (m, s, h) for p, m, s, h in conn.execute("SELECT * FROM files")}
    files = input_files(paths)
    changed = deleted = added = 0
    with conn:
        for f in files:
            st = f.stat()
            old = known.pop(str(f), None)
            if old and old[:2] == (st.st_mtime_ns, st.st_size):
                continue
            if old and old[2] == _sha1(f):
                conn.execute(
                    "UPDATE files SET mtime_ns = ?, size = ? WHERE path = ?",
                    (st.st_mtime_ns, st.st_size, str(f)),
                )
                continue
            if old:
                deleted += _delete_file(conn, str(f))
            added += _insert_file(conn, f)
            changed += 1
        for gone in known:
            deleted += _delete_file(conn, gone)
    conn.close()
    return {
        "files": len(files),
        "changed_files": changed,
        "removed_files": len(known),
        "docs_deleted": deleted,
        "docs_added": added,
    }


@dataclass
class Hit:
    id: str
    title: str
    snippet: str
    score: float


@dataclass
class Results:
    total: int
    hits: list[Hit]
    took_ms: float


class Fts5Engine:
    """Query side of the baseline, shaped like searchidx's Engine.search()."""

    def __init__(self, db: Path):
        self.conn = sqlite3.connect(db)

    def search(self, query: str, page: int = 1, page_size: int = 10) -> Results:
        """Return the total and the top PAGE_SIZE hits of QUERY with snippets."""
        t0 = time.perf_counter()
        rows = self.conn.execute(SEARCH_SQL, (query, page_size, (page - 1) * page_size))
        hits = [Hit(*r) for r in rows]
        total = self.conn.execute(COUNT_SQL, (query,)).fetchone()[0]
        return Results(total, hits, (time.perf_counter() - t0) * 1000)

    def close(self) -> None:
        self.conn.close()


def main(argv: list[str] | None = None) -> int:
    """Run one FTS5 build or update and print a JSON line with counts and seconds."""
    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("action", choices=["build", "update"])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("paths", type=Path, nargs="+")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    out = (build if args.action == "build" else update)(args.db, args.paths)
    out["seconds"] = time.perf_counter() - t0
    out["pid"] = os.getpid()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
