"""Read CSV exports with a header row: one article per row, streamed row by row.

Columns are matched to fields by their usual names (``FIELD_NAMES`` in ``jsonl``: a
``headline`` column is the title, ``content`` the body, ``published`` the date ...), and a
mapping such as ``title=Headline,body=Story`` names them outright.  A row's position is its
row number as a spreadsheet shows it: the header is row 1, the first article row 2.
"""

from __future__ import annotations

import csv
import gzip
import zlib
from collections.abc import Iterator, Mapping
from typing import BinaryIO, TextIO

from ..documents import Document
from ..errors import IngestError
from .decode import text_stream
from .jsonl import FIELD_NAMES, BadRecord, document_from_record

_SAMPLE = 64 * 1024
_DELIMITERS = ",;\t|"
# Article bodies are longer than the csv module's default cell limit (128 KiB).
_CELL_LIMIT = 32 * 1024 * 1024


def parse_csv_map(spec: str | None) -> dict[str, str]:
    """Return {field: column} for SPEC such as ``title=headline,body=content``.

    Raises ValueError naming the part that is wrong.
    """
    mapping: dict[str, str] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        field, eq, column = part.partition("=")
        field, column = field.strip().lower(), column.strip()
        if not eq or not column:
            raise ValueError(f"{part.strip()!r} is not FIELD=COLUMN")
        if field not in FIELD_NAMES:
            raise ValueError(f"unknown field {field!r} (fields: {', '.join(FIELD_NAMES)})")
        mapping[field] = column
    return mapping


def column_map(header: list[str], csv_map: Mapping[str, str]) -> dict[str, int]:
    """Return {field: column index} for HEADER, named columns first, usual names next.

    Raises IngestError when a named column is missing or no column holds text.
    """
    names = [name.strip().lower() for name in header]
    columns: dict[str, int] = {}
    for field, column in csv_map.items():
        if column.strip().lower() not in names:
            raise IngestError(f"no column {column!r} for {field} (columns: {', '.join(header)})")
        columns[field] = names.index(column.strip().lower())
    for field, usual in FIELD_NAMES.items():
        if field not in columns:
            found = next((names.index(n) for n in usual if n in names), None)
            if found is not None:
                columns[field] = found
    if "title" not in columns and "body" not in columns:
        raise IngestError(
            f"no title or body column (columns: {', '.join(header)}); "
            "name one with --csv-map body=COLUMN"
        )
    return columns


def open_text(path: str) -> TextIO:
    """Open the CSV file PATH as text: UTF-8 or UTF-16 by its mark, else UTF-8 or Windows-1252.

    The encoding is chosen from the first 64 KiB, so a file is never read whole; a ``.gz``
    file is decompressed as it is read.
    """
    handle = gzip.open(path, "rb") if path.lower().endswith(".gz") else open(path, "rb")
    try:
        return text_stream(handle, newline="")
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        handle.close()
        raise IngestError(f"not a readable gzip file ({exc})") from None
    except BaseException:
        handle.close()
        raise


def _dialect(sample: str):
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS)
    except csv.Error:
        return csv.excel


def read_csv(
    path: str,
    file_id: str,
    csv_map: Mapping[str, str] | None = None,
    stream: BinaryIO | None = None,
) -> Iterator[Document | BadRecord]:
    """Yield a Document for each good row of the CSV file PATH and a BadRecord for each bad one.

    STREAM, if given, is PATH opened in binary mode (read from instead of opening PATH).
    Raises IngestError when the file as a whole cannot be read (no header, no text column).
    """
    csv.field_size_limit(max(csv.field_size_limit(), _CELL_LIMIT))
    opened = open_text(path) if stream is None else text_stream(stream, newline="")
    with opened as handle:
        sample = handle.read(_SAMPLE)
        handle.seek(0)
        rows = csv.reader(handle, _dialect(sample.rsplit("\n", 1)[0]))
        header, number = next(rows, None), 1
        while header is not None and not any(cell.strip() for cell in header):
            header, number = next(rows, None), number + 1  # blank rows before the header
        if header is None:
            raise IngestError("empty file (no header row)")
        columns = column_map(header, csv_map or {})
        while True:
            number += 1
            try:
                row = next(rows)
            except StopIteration:
                return
            except csv.Error as exc:
                yield BadRecord(number, f"unreadable row ({exc})")
                continue
            except (EOFError, zlib.error) as exc:  # a truncated or corrupt .csv.gz
                raise IngestError(f"not a readable gzip file ({exc})") from None
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                yield BadRecord(number, f"{len(row)} cells, but the header has {len(header)}")
                continue
            record = {field: row[index] for field, index in columns.items()}
            try:
                yield document_from_record(record, number, file_id, path)
            except ValueError as exc:
                yield BadRecord(number, str(exc))
