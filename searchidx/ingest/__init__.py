"""Ingestion: find article files under the given paths and turn them into Documents.

Formats are chosen by file name:

* ``.txt``, ``.text`` and files without an extension are plain-text articles;
* ``.html``/``.htm`` are saved web pages (the article is extracted, see ``html``);
* ``.jsonl``/``.ndjson`` hold one article object per line, read as a stream; ``.json`` holds
  one object or an array;
* ``.csv`` holds one article per row under a header row, read as a stream (see ``csvfile``);
* any of these compressed with gzip (``.html.gz``, ``.jsonl.gz``, ``.csv.gz``, ``.txt.gz``,
  ``.json.gz``): JSON Lines and CSV are streamed through the decompressor, the others are
  decompressed in memory up to the ``max_file_mb`` limit (of the decompressed text).

Streamed formats are read from a binary stream record by record, never whole: they have no
file size limit, only a limit for one record.

Every document keeps its source file and, in a file of many, its position (line, array index
or row).  Its source name is the one given at index time or in a ``.searchidx.json`` folder
file, else what the file names unless it is a tagline, else its URL's site, else the name of
the folder it is in (see ``sources``).  Hidden files and folders are passed over, and anything else is
reported as skipped with the reason.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ..config import setting
from ..documents import Document
from ..errors import IngestError
from .article import parse_article
from .csvfile import read_csv
from .decode import decode_bytes
from .html import read_html
from .jsonl import BadRecord, read_json, read_jsonl_stream
from .sources import FOLDER_FILE, folder_source, is_tagline, read_folder_file, site_of_url


@dataclass(frozen=True)
class SourceFile:
    """A file found under one of the paths to index."""

    path: str  # absolute
    file_id: str  # the document id of a one-article file: root folder name / relative path
    source: str | None = None  # named by a .searchidx.json in its folder or above


@dataclass(frozen=True)
class Skipped:
    """Something passed over, with the reason (one line)."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True)
class EncodingGuess:
    """A file whose encoding was guessed (no mark, not UTF-8, nothing declared)."""

    path: str
    encoding: str

    def __str__(self) -> str:
        return f"{self.path}: encoding guessed as {self.encoding}"


def _read_text_article(text: str, source: SourceFile) -> list[Document]:
    title, date, masthead, body = parse_article(text)
    return [
        Document(
            id=source.file_id,
            title=title,
            body=body,
            date=date,
            source="" if is_tagline(masthead) else masthead,
            path=source.path,
        )
    ]


def _read_json_file(text: str, source: SourceFile) -> list[Document | BadRecord]:
    try:
        return list(read_json(text, source.file_id, source.path))
    except json.JSONDecodeError as exc:
        raise IngestError(f"not valid JSON: {exc.msg} (line {exc.lineno})") from None
    except ValueError as exc:
        raise IngestError(str(exc)) from None


def _read_html_file(text: str, source: SourceFile) -> list[Document]:
    return [read_html(text, source.file_id, source.path)]


@dataclass(frozen=True)
class ReadOptions:
    """How to read files whose layout varies: which CSV column holds which field."""

    csv_map: Mapping[str, str] = field(default_factory=dict)
    source: str | None = None  # the source of every document, named at index time
    max_record: int = 64 * 1024 * 1024  # characters in one record of a streamed file


def _read_csv_file(
    stream: BinaryIO, source: SourceFile, options: ReadOptions
) -> Iterable[Document | BadRecord]:
    return read_csv(source.path, source.file_id, options.csv_map, stream)


def _read_jsonl_file(
    stream: BinaryIO, source: SourceFile, options: ReadOptions
) -> Iterable[Document | BadRecord]:
    return read_jsonl_stream(stream, source.file_id, source.path, options.max_record)


#: Readers of a file's decoded text, by extension.
Reader = Callable[[str, SourceFile], Iterable]
READERS: dict[str, Reader] = {
    ".json": _read_json_file,
    ".html": _read_html_file,
    ".htm": _read_html_file,
    ".txt": _read_text_article,
    ".text": _read_text_article,
    "": _read_text_article,
}
#: Readers of a file opened as a binary stream, read record by record (no size limit).
StreamReader = Callable[[BinaryIO, SourceFile, ReadOptions], Iterable]
STREAM_READERS: dict[str, StreamReader] = {
    ".csv": _read_csv_file,
    ".jsonl": _read_jsonl_file,
    ".ndjson": _read_jsonl_file,
}


def _extension(path: str) -> str:
    """Return PATH's format extension: ``.html`` for ``page.html`` and ``page.html.gz``."""
    if is_gzipped(path):
        path = path[: -len(".gz")]
    return os.path.splitext(path)[1].lower()


def is_gzipped(path: str) -> bool:
    """Return True when PATH names a gzip-compressed file (``.gz``)."""
    return path.lower().endswith(".gz")


def gunzip(data: bytes, limit: int) -> bytes:
    """Return the decompressed DATA, or raise IngestError if corrupt or over LIMIT bytes."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            out = handle.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise IngestError(f"not a readable gzip file ({exc})") from None
    if len(out) > limit:
        raise IngestError(f"file too large when decompressed (over {limit // 1_000_000} MB)")
    return out


class _GzipStream(gzip.GzipFile):
    """A gzip-compressed binary stream, decompressed as it is read."""

    def __init__(self, stream: BinaryIO):
        super().__init__(fileobj=stream, mode="rb")


def _gunzipped(items: Iterator) -> Iterator:
    """Yield ITEMS, read from a decompressing stream: a corrupt file is an IngestError."""
    try:
        yield from items
    except (OSError, EOFError, zlib.error) as exc:
        raise IngestError(f"not a readable gzip file ({exc})") from None


def reader_for(path: str) -> Reader | StreamReader | None:
    """Return the reader for PATH's format, or None when the format is not supported."""
    ext = _extension(path)
    return READERS.get(ext) or STREAM_READERS.get(ext)


def is_streamed(path: str) -> bool:
    """Return True when PATH's format is read as a stream from the file, not from its bytes."""
    return _extension(path) in STREAM_READERS


def discover(paths: Iterable[str | os.PathLike]) -> Iterator[SourceFile | Skipped]:
    """Yield each supported file under PATHS (recursively), and a Skipped for the rest."""
    for given in paths:
        root = Path(os.path.abspath(given))
        if root.is_file():
            yield _candidate(str(root), root.name, folder_source(str(root.parent)))
        elif root.is_dir():
            yield from _walk(root)
        elif root.is_symlink():
            yield Skipped(str(root), "broken symbolic link")
        else:
            yield Skipped(str(given), "no such file or folder")


def discover_changed(
    paths: Iterable[str | os.PathLike], changed: Iterable[str]
) -> Iterator[SourceFile | Skipped]:
    """Yield what ``discover(PATHS)`` yields for the CHANGED paths (files, or folders' files).

    Taken from a full listing, so each file keeps the id (and everything else) a full run
    gives it; only a run's reading of the files is saved.  Hidden files are passed over in
    silence (editors' swap files come and go all the time).
    """
    wanted = {os.path.abspath(p) for p in changed}
    folders = tuple(p + os.sep for p in wanted)
    for item in discover(paths):
        if item.path in wanted or item.path.startswith(folders):
            if not (isinstance(item, Skipped) and item.reason.startswith("hidden")):
                yield item


def _walk(root: Path) -> Iterator[SourceFile | Skipped]:
    errors: list[OSError] = []
    named = {str(root.parent): folder_source(str(root.parent))}  # folder -> source it names
    for folder, dirs, files in os.walk(root, onerror=errors.append):
        source = named.get(os.path.dirname(folder))
        if FOLDER_FILE in files:
            try:
                source = read_folder_file(os.path.join(folder, FOLDER_FILE))
            except IngestError as exc:
                yield Skipped(os.path.join(folder, FOLDER_FILE), str(exc))
        named[folder] = source
        while errors:
            err = errors.pop()
            yield Skipped(err.filename or folder, f"cannot read folder ({err.strerror})")
        for name in sorted(dirs):
            if name.startswith("."):
                yield Skipped(os.path.join(folder, name), "hidden folder")
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = os.path.join(folder, name)
            if name == FOLDER_FILE:
                continue
            if name.startswith("."):
                yield Skipped(path, "hidden file")
                continue
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            yield _candidate(path, f"{root.name}/{rel}", source)
    while errors:
        err = errors.pop()
        yield Skipped(err.filename or str(root), f"cannot read folder ({err.strerror})")


def _candidate(path: str, file_id: str, source: str | None = None) -> SourceFile | Skipped:
    if reader_for(path) is None:
        ext = _extension(path) + (".gz" if is_gzipped(path) else "")
        return Skipped(path, f"unsupported file type {ext or '.gz'}")
    return SourceFile(path, file_id, source)


def folder_name(path: str) -> str:
    """Return the name of the folder holding PATH (the source of last resort)."""
    return os.path.basename(os.path.dirname(os.path.abspath(path)))


def iter_documents(
    source: SourceFile,
    data: bytes | None = None,
    options: ReadOptions | None = None,
    stream: BinaryIO | None = None,
) -> Iterator[Document | Skipped | EncodingGuess]:
    """Yield the documents of one file and a Skipped for each bad record in it.

    An EncodingGuess comes first when the file's encoding had to be guessed.
    DATA is the file's bytes; streamed formats (CSV, JSON Lines) ignore it and read STREAM,
    the file opened in binary mode (opened here when not given; decompressed here when
    the file is gzipped).
    Raises IngestError when the file as a whole cannot be read (binary, empty, ...).
    """
    options = options or ReadOptions()
    if is_streamed(source.path):
        if stream is None:
            with open(source.path, "rb") as handle:
                yield from iter_documents(source, None, options, handle)
            return
        if is_gzipped(source.path) and not isinstance(stream, _GzipStream):
            yield from _gunzipped(iter_documents(source, None, options, _GzipStream(stream)))
            return
        items = STREAM_READERS[_extension(source.path)](stream, source, options)
    else:
        if data is None:
            with open(source.path, "rb") as handle:
                data = handle.read()
        if is_gzipped(source.path):
            data = gunzip(data, int(setting("max_file_mb")) * 1024 * 1024)
        decoded = decode_bytes(data, declared=_extension(source.path) in (".html", ".htm"))
        if decoded.guessed:
            yield EncodingGuess(source.path, decoded.encoding)
        text = decoded.text
        if not text.strip():
            raise IngestError("empty file (no text)")
        items = READERS[_extension(source.path)](text, source)
    fallback = None
    good = bad = 0
    first_bad = None
    for item in items:
        if isinstance(item, BadRecord):
            bad += 1
            skipped = Skipped(f"{source.path}:{item.position}", item.reason)
            first_bad = first_bad or skipped
            yield skipped
            continue
        named = options.source or source.source
        if named:
            item.source = named
        elif not item.source:
            fallback = fallback or folder_name(source.path)
            item.source = site_of_url(item.url) or fallback
        good += 1
        yield item
    if not good and bad:
        raise IngestError(f"no readable records ({bad} bad; first: {first_bad})")


def read_documents(
    source: SourceFile, data: bytes | None = None, options: ReadOptions | None = None
) -> tuple[list[Document], list[Skipped]]:
    """Return the documents in one file and the records skipped in it (see iter_documents)."""
    docs: list[Document] = []
    skipped: list[Skipped] = []
    for item in iter_documents(source, data, options):
        if isinstance(item, Skipped):
            skipped.append(item)
        elif isinstance(item, Document):
            docs.append(item)
    return docs, skipped
