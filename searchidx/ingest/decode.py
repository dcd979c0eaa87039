"""Turn a file's bytes into text: UTF-8 or UTF-16 when they say so, a best guess otherwise."""

from __future__ import annotations

import codecs
import io
from typing import BinaryIO, TextIO

from ..errors import IngestError

_SAMPLE = 8192
# Control characters other than tab, newline, form feed and carriage return.
_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 12, 13))


def looks_binary(data: bytes) -> bool:
    """Return True when DATA looks like a binary file rather than text."""
    sample = data[:_SAMPLE]
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\0" in sample:
        return True
    controls = sum(sample.count(bytes([c])) for c in _CONTROL)
    return controls > max(8, len(sample) // 100)


def decode(data: bytes) -> str:
    """Return DATA as text, or raise IngestError for binary data.

    UTF-8 (with or without a byte-order mark) and UTF-16 with a byte-order mark are decoded
    exactly; anything else is decoded as Windows-1252 (a superset of Latin-1 for printable
    characters), so a stray Latin-1 byte costs one character, not the file.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise IngestError(f"invalid UTF-16 at byte {exc.start}") from None
    if looks_binary(data):
        raise IngestError("binary file (not text)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


_STREAM_SAMPLE = 64 * 1024


def text_stream(stream: BinaryIO, newline: str | None = None) -> TextIO:
    """Return the binary STREAM (at its start, seekable) as text, decoded as ``decode`` would.

    The encoding is chosen from the first 64 KiB, so a file is never read whole; a stray bad
    byte later on costs one character (shown as U+FFFD), not the file.  Raises IngestError
    for an empty or binary stream.
    """
    sample = stream.read(_STREAM_SAMPLE)
    stream.seek(0)
    if not sample.strip():
        raise IngestError("empty file (no text)")
    if looks_binary(sample):
        raise IngestError("binary file (not text)")
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif sample.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1252"
    return io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline=newline)
