"""Turn a file's bytes into text, honouring what the file says about its encoding.

In order: a byte-order mark (UTF-8, UTF-16, UTF-32); valid UTF-8 (pages often declare a
charset they were later converted from, and non-ASCII text that happens to be valid UTF-8 is
almost never anything else); the charset a page declares (``<meta charset>``, an
``http-equiv`` Content-Type, an XML declaration), read as browsers read it (``iso-8859-1``
means Windows-1252, ``gb2312`` GB18030, ``shift_jis`` Windows-932); and last a guess by
charset-normalizer.  Text with only a few non-ASCII bytes is read as Windows-1252, where a
statistical guess is worth little and a stray Latin-1 byte costs one character.  A guessed
encoding is reported (``Decoded.guessed``) so the indexer can say so.
"""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from ..errors import IngestError

_SAMPLE = 8192
_DECLARATION_WITHIN = 16384  # bytes searched for a declared charset
_GUESS_SAMPLE = 256 * 1024  # bytes charset-normalizer looks at
_FEW_NON_ASCII = 16  # fewer non-ASCII bytes than this: Windows-1252, not a guess
# Control characters other than tab, newline, form feed and carriage return.
_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 12, 13))
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose mark it starts with
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED = (
    re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE),
    re.compile(rb"<\?xml[^>]+encoding\s*=\s*[\"']([A-Za-z0-9_.:-]+)", re.IGNORECASE),
)
# Labels whose WHATWG meaning is a superset of Python's codec of the same name.
_AS_BROWSERS_READ = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "big5": "big5hkscs",
    "iso-8859-9": "cp1254",
    "tis-620": "cp874",
    "iso-8859-11": "cp874",
}


@dataclass(frozen=True)
class Decoded:
    """A file's text and how it was read."""

    text: str
    encoding: str  # the Python codec used
    guessed: bool  # True when neither a mark, valid UTF-8 nor a declaration said so


def looks_binary(data: bytes) -> bool:
    """Return True when DATA looks like a binary file rather than text."""
    sample = data[:_SAMPLE]
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\0" in sample:
        return True
    controls = sum(sample.count(bytes([c])) for c in _CONTROL)
    return controls > max(8, len(sample) // 100)


def declared_encoding(data: bytes) -> str | None:
    """Return the Python codec for the charset DATA declares near its start, or None."""
    head = data[:_DECLARATION_WITHIN]
    for pattern in _DECLARED:
        match = pattern.search(head)
        if match:
            label = match.group(1).decode("ascii", "replace").strip().lower()
            label = _AS_BROWSERS_READ.get(label, label)
            try:
                return codecs.lookup(label).name
            except LookupError:
                continue
    return None


def _guess(data: bytes) -> str:
    non_ascii = sum(1 for b in data[:_GUESS_SAMPLE] if b > 127)
    if non_ascii >= _FEW_NON_ASCII:
        from charset_normalizer import from_bytes  # imported here: only odd files need it

        best = from_bytes(data[:_GUESS_SAMPLE]).best()
        if best is not None:
            name = _AS_BROWSERS_READ.get(best.encoding, best.encoding)
            return codecs.lookup(name).name
    return "cp1252"


def decode_bytes(data: bytes, declared: bool = True) -> Decoded:
    """Return DATA as text with the encoding used, or raise IngestError for binary data.

    DECLARED says whether a charset declared in the text (an HTML or XML page's) counts.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding, False)
            except UnicodeDecodeError as exc:
                raise IngestError(f"invalid {encoding.upper()} at byte {exc.start}") from None
    if looks_binary(data):
        raise IngestError("binary file (not text)")
    try:
        return Decoded(data.decode("utf-8"), "utf-8", False)
    except UnicodeDecodeError:
        pass
    encoding = declared_encoding(data) if declared else None
    if encoding and encoding not in ("utf-8", "utf-16", "utf-32"):
        return Decoded(data.decode(encoding, errors="replace"), encoding, False)
    encoding = _guess(data)
    return Decoded(data.decode(encoding, errors="replace"), encoding, True)


def decode(data: bytes) -> str:
    """Return DATA as text (see ``decode_bytes``), or raise IngestError for binary data."""
    return decode_bytes(data).text


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
