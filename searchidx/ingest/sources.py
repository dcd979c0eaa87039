"""Name a document's source: what the user says, else what the file says, unless it is a slogan.

The source of a document is, in order:

1. the name given at index time (``searchidx index PATH --source NAME``);
2. the ``source`` of the nearest ``.searchidx.json`` file in the document's folder or a folder
   above it (``{"source": "Middle East Monitor"}``);
3. what the file names: a record's source field, a web page's site name or a text article's
   masthead, unless the last two are a tagline (``Creating new perspectives since 2009``;
   a page whose metadata gives a tagline names its site in its ``<title>`` instead);
4. the host of the document's URL (``middleeastmonitor.com``);
5. the name of the folder holding the file.
"""

from __future__ import annotations

import json
import os
import re
from urllib.parse import urlsplit

from ..errors import IngestError

FOLDER_FILE = ".searchidx.json"
_YEAR_CLAUSE = re.compile(
    r"\b(?:since|est\.?|established|founded(?:\s+in)?|serving\s+\w+\s+since)\s+(?:in\s+)?\d{4}\b",
    re.IGNORECASE,
)
_ADDRESSING = re.compile(r"\b(?:you|your|we|our|us)\b", re.IGNORECASE)
# Small words that stay lower case inside a name ("Times of India", "Le Monde du Sud").
_NAME_PARTICLES = {
    "of", "the", "and", "for", "in", "on", "at", "de", "la", "le", "du", "des", "di", "del",
    "da", "al", "el", "van", "von", "y", "e", "&", "a", "an",
}  # fmt: skip
_NAME_WORDS_MAX = 8


def is_tagline(text: str) -> bool:
    """Return True when the masthead line TEXT reads as a slogan rather than a name.

    A slogan gives a year it has been going since, speaks to the reader ("your"), ends with
    "!" or ".", runs past eight words, or is written in sentence case ("Creating new
    perspectives") where a name is in title case ("Middle East Monitor").
    """
    text = " ".join(text.split())
    if not text:
        return False
    words = text.split(" ")
    if _YEAR_CLAUSE.search(text) or _ADDRESSING.search(text) or text[-1] in "!.":
        return True
    if len(words) > _NAME_WORDS_MAX:
        return True
    lower = [w for w in words[1:] if w[:1].islower() and w.lower() not in _NAME_PARTICLES]
    return len(words) >= 3 and len(lower) >= 2


def site_of_url(url: str) -> str:
    """Return the host of URL without ``www.`` ("middleeastmonitor.com"), or ""."""
    url = url.strip()
    if not url:
        return ""
    host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    return host[4:] if host.startswith("www.") else host


def read_folder_file(path: str) -> str:
    """Return the source named by the folder file PATH, or raise IngestError saying why not."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, UnicodeDecodeError) as exc:
        raise IngestError(f"cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    except json.JSONDecodeError as exc:
        raise IngestError(f"not valid JSON: {exc.msg} (line {exc.lineno})") from None
    source = data.get("source") if isinstance(data, dict) else None
    if not isinstance(source, str) or not source.strip():
        raise IngestError('expected {"source": "NAME"} with a non-empty name')
    return " ".join(source.split())


def folder_source(folder: str) -> str | None:
    """Return the source named by the nearest folder file in FOLDER or above, or None.

    Used for a file named on the command line; a walk reads each folder's file as it goes.
    """
    folder = os.path.abspath(folder)
    while True:
        candidate = os.path.join(folder, FOLDER_FILE)
        if os.path.isfile(candidate):
            try:
                return read_folder_file(candidate)
            except IngestError:
                return None
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent
