"""Read pasted text as words: the query syntax only where a query clearly uses it.

People paste headlines, sentences and quotes into a search box.  Characters that are query
syntax (``"``, ``(``, ``:``, ``-``, ``AND``) turn up in such text without meaning anything,
so before parsing, ``tidy`` rewrites what cannot be syntax into plain words:

1. Typographic quotes are quotes: “ ” „ ‟ « » ＂ become ``"``; ‘ ’ ‚ ‛ become ``'``.
2. ``word:`` where WORD is not a field name is text: ``Leader spotlight: Erin`` searches
   the three words (so does ``http://phys.org``); so is any colon that follows no word.
   The value of ``url:`` or ``id:`` is kept whole (``url:https://phys.org/a``).
3. An unpaired ``"`` is dropped (its words are searched as words), unless it opens a field's
   value (``source:"Middle East``), which is an error.
4. An unmatched ``)`` or unclosed ``(`` is dropped, unless the ``(`` opens a field's value
   (``title:(``), which is an error.
5. A ``-`` or ``+`` that does not start a word (``a - b``, a lone ``-``) is punctuation.
   (A hyphen inside a word is the analyzer's business, not this module's.)
6. A ``*`` is a prefix query only where it ends a word (``milit*``); alone (``5 * 3``) or
   inside a word (``M*A*S*H``) it is punctuation.
7. ``AND``, ``OR``, ``NOT`` with nothing to join (at either end, or next to another
   operator) are words: ``iraq AND`` searches iraq.
8. A pasted web address (``https://…``, ``www.…``) outside a ``url:`` value is its words:
   its dots and slashes separate words, where in ``U.S.`` or ``24/7`` they join a compound
   that must appear as written.

Whatever the parser still cannot read is searched as its plain words (``parse_query``), unless
the query names a field (``title:``, ``date:`` ...): a query that clearly uses the syntax gets
the one-line error that says what is wrong.  Errors therefore remain for a field's unclosed
group or quote, an unreadable date (``date:2020-13-45``) and a too-short prefix (``a*``).
"""

from __future__ import annotations

import re

from .errors import QueryError

#: A web address typed as text (not the value of ``url:``, which ``_VERBATIM`` keeps whole).
_WEB_ADDRESS = re.compile(r"(?<![\w.:\"/])(?:[a-z][a-z0-9+.-]*://|www\.)[^\s\"]+", re.I)
_ADDRESS_PUNCTUATION = re.compile(r"[^\w\s]+")
_DOUBLE_QUOTES = str.maketrans({c: '"' for c in "“”„‟«»＂〝〞"})
_SINGLE_QUOTES = str.maketrans({c: "'" for c in "‘’‚‛"})
_QUOTED = re.compile(r'"[^"]*"')
_FIELD_NAME = re.compile(r"(?<![\w.])([^\W\d_]\w*):")
_LONE_SIGN = re.compile(r"(?:^|(?<=[\s(]))[+-]+(?=[\s()]|$)")
# A star that does not end a word: alone ("5 * 3") or inside one ("M*A*S*H").
_LONE_STAR = re.compile(r"(?:^|(?<=[^\w*]))\*+|\*+(?=\w)")
# A colon that names no field and is not inside a time of day ("11:09").
_STRAY_COLON = re.compile(r"(?<![\w*]):|(?<!\d):(?!\d)|(?<=\*):")
# Values kept whole, colons and all: "url:https://phys.org/a", "id:feed:42".
_VERBATIM = re.compile(r"(?<![\w.])(url|id):(\S+)", re.IGNORECASE)
_OPERATORS = ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE")
_TOKEN = re.compile(r'"[^"]*"|\S+')


def _blank_quoted(text: str) -> str:
    return _QUOTED.sub(lambda m: " " * len(m.group()), text)


def uses_fields(text: str, fields) -> bool:
    """Return True when TEXT names one of FIELDS outside quotes (``title:``)."""
    bare = _blank_quoted(text)
    return any(m.group(1).lower() in fields for m in _FIELD_NAME.finditer(bare))


def _text_colons(text: str, fields) -> str:
    """Turn each colon into a space unless it follows a field name or is inside a time."""
    bare = _blank_quoted(text)
    chars = list(text)
    values = [m.span(2) for m in _VERBATIM.finditer(bare) if m.group(1).lower() in fields]
    for m in _STRAY_COLON.finditer(bare):
        if not any(start <= m.start() < end for start, end in values):
            chars[m.start()] = " "
    for m in _FIELD_NAME.finditer(bare):
        if any(start <= m.start() < end for start, end in values):
            continue
        chars[m.end() - 1] = ":" if m.group(1).lower() in fields else " "
    return "".join(chars)


def _after_field(text: str, index: int, fields) -> bool:
    """Return True when the character at INDEX directly follows ``field:``."""
    m = re.search(r"([^\W\d_]\w*):$", text[:index])
    return bool(m) and m.group(1).lower() in fields


def _pair_quotes(text: str, fields) -> str:
    if text.count('"') % 2 == 0:
        return text
    last = text.rfind('"')
    if _after_field(text, last, fields):
        raise QueryError('unbalanced quote: close the phrase with " or remove the quote')
    return text[:last] + " " + text[last + 1 :]


def _balance_parentheses(text: str, fields) -> str:
    bare = _blank_quoted(text)
    chars = list(text)
    opened: list[int] = []
    for i, char in enumerate(bare):
        if char == "(":
            opened.append(i)
        elif char == ")":
            if opened:
                opened.pop()
            else:
                chars[i] = " "
    for i in opened:
        if _after_field(text, i, fields):
            raise QueryError("unbalanced parenthesis: a '(' is never closed")
        chars[i] = " "
    return "".join(chars)


def _dangling_operators(text: str) -> str:
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    chars = list(text)
    for n, (start, end, token) in enumerate(tokens):
        if token not in _OPERATORS:
            continue
        before = tokens[n - 1][2] if n else None
        after = tokens[n + 1][2] if n + 1 < len(tokens) else None
        # NOT needs something after it only ("NOT oil" is a query); AND and OR both sides.
        starts = before is None or before.endswith("(")
        lonely = after is None or after == ")" or (starts and token != "NOT")
        # "a AND NOT b" is a query; "a AND OR b" and "NOT AND" are not.
        if lonely or (after in _OPERATORS and not (token != "NOT" and after == "NOT")):
            chars[start:end] = token.lower()
    return "".join(chars)


def tidy(text: str, fields) -> str:
    """Return TEXT with what cannot be query syntax made plain words (see the module doc).

    FIELDS are the field names a query may use.  Raises QueryError for a field whose value
    is an unclosed quote or group.
    """
    if "*" in text and set(text.strip()) <= {"*", ":"}:
        return text  # "*" or "*:*" asks for everything: refused as too broad
    text = text.translate(_DOUBLE_QUOTES).translate(_SINGLE_QUOTES)
    text = _WEB_ADDRESS.sub(lambda m: _ADDRESS_PUNCTUATION.sub(" ", m.group()), text)
    text = _pair_quotes(text, fields)
    text = _text_colons(text, fields)
    text = _balance_parentheses(text, fields)
    bare = _blank_quoted(text)
    for pattern in (_LONE_SIGN, _LONE_STAR):
        chars = list(text)
        for m in pattern.finditer(bare):
            chars[m.start() : m.end()] = " " * (m.end() - m.start())
        text = "".join(chars)
    return _dangling_operators(text)
