"""Read JSON Lines files (one article object per line) and turn any record into a Document.

``document_from_record`` is shared by every format that yields records of named values
(JSON Lines, ``.json`` files, CSV rows).  Each field takes the first of its usual names that
the record has (``FIELD_NAMES``): a CSV with a ``headline`` column or a JSON export with a
``published`` key needs no mapping.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from ..documents import Document
from .dates import parse_date_value
from .decode import text_stream

#: For each document field, the record keys read for it, in order of preference.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "title": ("title", "headline"),
    "body": ("body", "text", "content", "article"),
    "date": ("date", "published", "pubdate", "published_at", "publication_date"),
    "url": ("url", "link"),
    "source": ("source", "publication", "site", "sitename", "publisher"),
}
BODY_KEYS = FIELD_NAMES["body"]


@dataclass
class BadRecord:
    """A record that could not be read, with its line (or row) number and the reason."""

    position: int
    reason: str


def _text(record: dict, field: str) -> str:
    for key in FIELD_NAMES[field]:
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return ""


def _value(record: dict, field: str):
    return next((record[k] for k in FIELD_NAMES[field] if record.get(k) not in (None, "")), None)


def document_from_record(record, position: int | None, file_id: str, path: str) -> Document:
    """Return a Document for one record, or raise ValueError saying what is wrong.

    POSITION is the record's line, row or array index in a file of many (None for a file
    holding one record); a record without an id gets ``FILE_ID#POSITION`` (or FILE_ID).
    """
    if not isinstance(record, dict):
        raise ValueError(f"expected an object, got {type(record).__name__}")
    body = _text(record, "body")
    title = _text(record, "title")
    if not body.strip() and not title.strip():
        raise ValueError("no title or body")
    doc_id = _value(record, "id")
    if doc_id is None:
        doc_id = file_id if position is None else f"{file_id}#{position}"
    elif not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool):
        raise ValueError("id must be a string or a number")
    return Document(
        id=str(doc_id).strip(),
        title=title.strip(),
        body=body,
        date=parse_date_value(_value(record, "date")),
        source=_text(record, "source").strip(),
        url=_text(record, "url").strip(),
        path=path,
        position=position,
    )


def read_jsonl(text: str, file_id: str, path: str) -> Iterator[Document | BadRecord]:
    """Yield a Document for each good line of TEXT and a BadRecord for each bad one."""
    return _read_lines(enumerate(text.splitlines(), start=1), file_id, path)


def read_jsonl_stream(
    stream: BinaryIO, file_id: str, path: str, max_record: int
) -> Iterator[Document | BadRecord]:
    """Yield the Documents of the JSON Lines file open as STREAM (binary), line by line.

    The file is never read whole; a line longer than MAX_RECORD characters is skipped as a
    BadRecord without being held in memory.  Raises IngestError for an empty or binary file.
    """
    with text_stream(stream) as handle:
        too_long = f"record too large (over {max_record / 1e6:g} MB)"
        yield from _read_lines(_lines(handle, max_record), file_id, path, too_long)


def _lines(handle: TextIO, max_record: int) -> Iterator[tuple[int, str | None]]:
    """Yield (number, line) for each line of HANDLE, and (number, None) for one too long."""
    number = 0
    while line := handle.readline(max_record + 1):
        number += 1
        if len(line) > max_record and not line.endswith("\n"):
            while line and not line.endswith("\n"):  # pass over the rest of the line
                line = handle.readline(_SKIP_CHARS)
            yield number, None
        else:
            yield number, line


_SKIP_CHARS = 1024 * 1024


def _read_lines(lines, file_id: str, path: str, too_long: str = "") -> Iterator:
    for number, line in lines:
        if line is None:
            yield BadRecord(number, too_long)
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            yield document_from_record(record, number, file_id, path)
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            yield BadRecord(number, reason)


def read_json(text: str, file_id: str, path: str) -> Iterator[Document | BadRecord]:
    """Yield the Documents of a ``.json`` file holding one article object or an array of them.

    Raises ValueError when TEXT is not JSON or is neither an object nor an array.
    """
    data = json.loads(text)
    if isinstance(data, dict):
        yield document_from_record(data, None, file_id, path)
        return
    if not isinstance(data, list):
        raise ValueError(f"expected an article object or an array, got {type(data).__name__}")
    for number, record in enumerate(data, start=1):
        try:
            yield document_from_record(record, number, file_id, path)
        except ValueError as exc:
            yield BadRecord(number, str(exc))
