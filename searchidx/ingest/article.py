"""Parse a plain-text news article: masthead, headline, dateline and body.

The shapes recognised, in order:

* a dateline among the first lines: the line before it is the headline, and a line before the
  headline is the masthead (a site name or slogan, kept as the source);
* otherwise the first line is the headline (the BBC corpus's shape);
* a file with a single paragraph gets its first sentence-sized line as title and keeps the
  whole text as body; an empty file is refused.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache

from ..errors import IngestError
from ..language import detect
from .dates import parse_date_line

_TITLE_MAX = 300  # a longer first line is a paragraph, not a headline
_DATELINE_WITHIN = 4  # the dateline must be among the first lines
# Cross-links inserted into article bodies: "READ: ...", "Read more: ...", "Also read: ...".
_BOILERPLATE = re.compile(
    r"^\s*(?:read(?:\s+more)?|also\s+read|see\s+also|related|recommended|more)\s*[:：]\s*\S",
    re.IGNORECASE,
)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def parse_article(text: str) -> tuple[str, datetime | None, str, str]:
    """Return (title, date, masthead, body) for the plain-text article TEXT."""
    lines = _lines(text.replace("\x00", ""))
    if not lines:
        raise IngestError("empty file (no text)")
    date = None
    masthead = ""
    title = ""
    start = 0
    language = cache(lambda: detect(text))  # dateparser's hint, for an unusual dateline only
    for i, line in enumerate(lines[:_DATELINE_WITHIN]):
        date = parse_date_line(line, language)
        if date is not None:
            if i >= 1:
                title = lines[i - 1]
                masthead = " ".join(lines[: i - 1])
            start = i + 1
            break
    if date is None:
        if len(lines) > 1 and len(lines[0]) <= _TITLE_MAX:
            title, start = lines[0], 1
        else:
            start = 0
    body = "\n\n".join(line for line in lines[start:] if not _BOILERPLATE.match(line))
    if not title:
        title = first_words(body)
    return title, date, masthead, body


def first_words(text: str, limit: int = 80) -> str:
    """Return the first line of TEXT, cut to about LIMIT characters at a word."""
    first = text.split("\n", 1)[0]
    if len(first) <= limit:
        return first
    cut = first.rfind(" ", 0, limit)
    return first[: cut if cut > 0 else limit] + "…"
