"""Read JSON Lines files: one article object per line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterator

from ..documents import Document
from .dates import parse_date_value

BODY_KEYS = ("body", "text", "content")


@dataclass
class BadRecord:
    """A record that could not be read, with its line number and the reason."""

    position: int
    reason: str


def document_from_record(record, position: int, file_id: str, path: str) -> Document:
    """Return a Document for one JSON object, or raise ValueError saying what is wrong."""
    if not isinstance(record, dict):
        raise ValueError(f"expected an object, got {type(record).__name__}")
    body = next((record[k] for k in BODY_KEYS if isinstance(record.get(k), str)), "")
    title = record.get("title") if isinstance(record.get("title"), str) else ""
    if not body.strip() and not title.strip():
        raise ValueError("no title or body")
    doc_id = record.get("id")
    if doc_id is None or doc_id == "":
        doc_id = f"{file_id}#{position}"
    elif not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool):
        raise ValueError("id must be a string or a number")
    source = record.get("source")
    url = record.get("url")
    return Document(
        id=str(doc_id),
        title=title.strip(),
        body=body,
        date=parse_date_value(record.get("date")),
        source=source.strip() if isinstance(source, str) else "",
        url=url.strip() if isinstance(url, str) else "",
        path=path,
        position=position,
    )


def read_jsonl(text: str, file_id: str, path: str) -> Iterator[Document | BadRecord]:
    """Yield a Document for each good line of TEXT and a BadRecord for each bad one."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            yield document_from_record(record, number, file_id, path)
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            yield BadRecord(number, reason)
