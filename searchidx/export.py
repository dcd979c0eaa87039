"""Exports of every match of a query: rows of plain fields, written as CSV or JSON Lines.

A row holds what a JSONL file read by the indexer holds (id, title, body, date, source,
url), so an export can be indexed again, plus the file it came from and its score.  The
rows are collected in one pass under the engine's lock and formatted lazily, line by
line, so a web response streams them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

FORMATS = ("csv", "jsonl")
COLUMNS = ("id", "title", "date", "source", "url", "path", "score", "body")


def rows(results) -> list[dict]:
    """Return the plain row of each hit of Whoosh RESULTS (read while its searcher is open)."""
    found = []
    for hit in results:
        fields = hit.fields()
        date = fields.get("date")
        found.append(
            {
                "id": fields["id"],
                "title": fields.get("title", ""),
                "date": date.isoformat() if date else None,
                "source": fields.get("source", ""),
                "url": fields.get("url", ""),
                "path": fields.get("path", ""),
                "score": round(float(hit.score or 0.0), 6),
                "body": fields.get("body", ""),
            }
        )
    return found


def jsonl_lines(items: Iterable[dict]) -> Iterator[str]:
    """Yield each row as one line of JSON."""
    for row in items:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def csv_lines(items: Iterable[dict]) -> Iterator[str]:
    """Yield a header line, then each row as one CSV record (RFC 4180 quoting)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in items:
        writer.writerow({k: "" if row[k] is None else row[k] for k in COLUMNS})
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def lines(items: Iterable[dict], fmt: str) -> Iterator[str]:
    """Yield ITEMS written in format FMT (csv or jsonl)."""
    return csv_lines(items) if fmt == "csv" else jsonl_lines(items)
