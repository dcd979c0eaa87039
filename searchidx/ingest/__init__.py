"""Ingestion: find article files under the given paths and turn them into Documents.

Formats are chosen by file name: ``.jsonl``/``.ndjson`` hold one article object per line;
``.txt``, ``.text`` and files without an extension are plain-text articles.  Hidden files and
folders are passed over, and anything else is reported as skipped with the reason.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..documents import Document
from ..errors import IngestError
from .article import parse_article
from .decode import decode
from .jsonl import BadRecord, read_jsonl


@dataclass(frozen=True)
class SourceFile:
    """A file found under one of the paths to index."""

    path: str  # absolute
    file_id: str  # the document id of a one-article file: root folder name / relative path


@dataclass(frozen=True)
class Skipped:
    """Something passed over, with the reason (one line)."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def _read_text_article(text: str, source: SourceFile) -> list[Document]:
    title, date, masthead, body = parse_article(text)
    return [
        Document(
            id=source.file_id,
            title=title,
            body=body,
            date=date,
            source=masthead,
            path=source.path,
        )
    ]


def _read_jsonl_file(text: str, source: SourceFile) -> list[Document | BadRecord]:
    return list(read_jsonl(text, source.file_id, source.path))


Reader = Callable[[str, SourceFile], list]
READERS: dict[str, Reader] = {
    ".jsonl": _read_jsonl_file,
    ".ndjson": _read_jsonl_file,
    ".txt": _read_text_article,
    ".text": _read_text_article,
    "": _read_text_article,
}


def reader_for(path: str) -> Reader | None:
    """Return the reader for PATH's format, or None when the format is not supported."""
    return READERS.get(os.path.splitext(path)[1].lower())


def discover(paths: Iterable[str | os.PathLike]) -> Iterator[SourceFile | Skipped]:
    """Yield each supported file under PATHS (recursively), and a Skipped for the rest."""
    for given in paths:
        root = Path(os.path.abspath(given))
        if root.is_file():
            yield _candidate(str(root), root.name)
        elif root.is_dir():
            yield from _walk(root)
        elif root.is_symlink():
            yield Skipped(str(root), "broken symbolic link")
        else:
            yield Skipped(str(given), "no such file or folder")


def _walk(root: Path) -> Iterator[SourceFile | Skipped]:
    errors: list[OSError] = []
    for folder, dirs, files in os.walk(root, onerror=errors.append):
        while errors:
            err = errors.pop()
            yield Skipped(err.filename or folder, f"cannot read folder ({err.strerror})")
        for name in sorted(dirs):
            if name.startswith("."):
                yield Skipped(os.path.join(folder, name), "hidden folder")
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = os.path.join(folder, name)
            if name.startswith("."):
                yield Skipped(path, "hidden file")
                continue
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            yield _candidate(path, f"{root.name}/{rel}")
    while errors:
        err = errors.pop()
        yield Skipped(err.filename or str(root), f"cannot read folder ({err.strerror})")


def _candidate(path: str, file_id: str) -> SourceFile | Skipped:
    if reader_for(path) is None:
        ext = os.path.splitext(path)[1].lower()
        return Skipped(path, f"unsupported file type {ext}")
    return SourceFile(path, file_id)


def read_documents(source: SourceFile, data: bytes) -> tuple[list[Document], list[Skipped]]:
    """Return the documents in one file's DATA and the records skipped in it.

    Raises IngestError when the file as a whole cannot be read (binary, empty, ...).
    """
    reader = reader_for(source.path)
    text = decode(data)
    if not text.strip():
        raise IngestError("empty file (no text)")
    docs: list[Document] = []
    skipped: list[Skipped] = []
    for item in reader(text, source):
        if isinstance(item, BadRecord):
            skipped.append(Skipped(f"{source.path}:{item.position}", item.reason))
        else:
            docs.append(item)
    if not docs and skipped:
        raise IngestError(f"no readable records ({len(skipped)} bad lines; first: {skipped[0]})")
    return docs, skipped
