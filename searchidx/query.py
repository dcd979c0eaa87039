"""Turn query strings into Whoosh queries, with one-line explanations for bad ones.

Syntax (documented in README.md): free words (ranked, any may match), ``"phrases"``,
``"phrase"~N`` (words within N positions), ``AND``/``OR``/``NOT``, ``-word``, ``+word``,
``field:value`` for title, body, source, date, url and id, ``prefix*``, and date ranges as
``date:2020-01-01..2020-02-01`` (either end may be left open) or ``date:[2020-01 TO 2020-03]``.

Pasted text is read leniently (``searchidx.pasted`` lists the rules): a ``word:`` that names
no field, an unpaired quote or parenthesis, typographic quotes, a lone ``-`` and operators with
nothing to join are read as text, and whatever Whoosh still cannot parse is searched as its
plain words.  A query that names a field keeps strict one-line errors (``title:(``,
``date:2020-13-45``), as does a too-short prefix (``a*``).
"""

from __future__ import annotations

import re
import threading

from whoosh import qparser
from whoosh import query as wq

from . import ranking
from .analysis import WORD, NewsAnalyzer, stem_prefix
from .errors import QueryError
from .pasted import tidy, uses_fields
from .schema import QUERY_FIELDS, TEXT_FIELDS

MIN_PREFIX = 2  # letters before a * in a prefix query
MAX_EXPANSION = 1_000  # index words one prefix may stand for

_QUOTED = re.compile(r'"[^"]*"')
_FIELD = re.compile(r"(?<![\w.])([A-Za-z_]\w*):")
_RANGE = re.compile(r"(?<![\w.])(\w+):([^\s\[\]()\"]*)\.\.([^\s\[\]()\"]*)")
# "date:2020-01" alone: read as the range of that day, month or year, so it is parsed whole.
_DATE_VALUE = re.compile(r"(?<![\w.])(date):(\d[\w:.-]*)(?=[\s()]|$)", re.IGNORECASE)
# "url:https://x.org/a-b": one value, quoted so Whoosh reads its ":" and "-" as part of it.
_URL_VALUE = re.compile(r"(?<![\w.])(url):([^\s\"()]*[^\w\s\"().*][^\s\"()]*)", re.IGNORECASE)
_WILD_WORD = re.compile(r"(?:(?<=\s)|^|(?<=[(:+-]))([^\s()\"]*\*[^\s()\"]*)")
_WORDS = WORD  # the analyzer's word pattern (``regex``: combining marks stay in words)


class _Parser(qparser.QueryParser):
    """Whoosh's parser, with prefixes of text fields matched against stems."""

    def term_query(self, fieldname, text, termclass, boost=1.0, tokenize=True, removestops=True):
        field = self.schema[fieldname] if self.schema and fieldname in self.schema else None
        if termclass is wq.Prefix and isinstance(getattr(field, "analyzer", None), NewsAnalyzer):
            stemmer = field.analyzer.stemmer
            return termclass(fieldname, stem_prefix(text, stemmer), boost=boost)
        return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)


_parsers = threading.local()


def _parser(schema, title_boost: float) -> qparser.QueryParser:
    """Return this thread's parser for SCHEMA (building one costs about 3 ms a query)."""
    kept = _parsers.__dict__.setdefault("by_schema", {})
    key = (id(schema), title_boost)
    found = kept.get(key)
    if found is None or found[0] is not schema:
        if len(kept) > 8:
            kept.clear()
        kept[key] = found = (schema, _new_parser(schema, title_boost))
    return found[1]


def _new_parser(schema, title_boost: float) -> qparser.QueryParser:
    parser = _Parser(None, schema, group=qparser.OrGroup)
    # A headline weight of 0 means no headline field: Whoosh divides by a term's boost.
    fields = list(TEXT_FIELDS) if title_boost > 0 else [f for f in TEXT_FIELDS if f != "title"]
    parser.add_plugin(qparser.MultifieldPlugin(fields, fieldboosts={"title": title_boost}))
    parser.add_plugin(qparser.PlusMinusPlugin())
    parser.remove_plugin_class(qparser.EveryPlugin)  # "*:*" would list the whole index
    return parser


def _outside_quotes(text: str) -> str:
    return _QUOTED.sub(lambda m: " " * len(m.group()), text)


def _check_syntax(text: str) -> None:
    bare = _outside_quotes(text)
    for word in _WILD_WORD.findall(bare):
        literal = word.split(":")[-1].lstrip("+-")
        prefix = literal.split("*", 1)[0]
        if len(prefix) < MIN_PREFIX:
            raise QueryError(
                f"'{word}' is too broad: give at least {MIN_PREFIX} letters before the *"
            )


def _rewrite(text: str) -> str:
    # "field:a..b" is our range form; Whoosh spells it "field:[a TO b]".
    text = _RANGE.sub(
        lambda m: f"{m.group(1)}:[{m.group(2)} TO {m.group(3)}]".replace("[ TO", "[TO").replace(
            "TO ]", "TO]"
        ),
        text,
    )
    text = _DATE_VALUE.sub(lambda m: f"{m.group(1)}:[{m.group(2)} TO {m.group(2)}]", text)
    text = _URL_VALUE.sub(lambda m: f'{m.group(1)}:"{m.group(2)}"', text)
    # A "?" is Whoosh's one-letter wildcard; people type it to end questions.
    bare = _outside_quotes(text)
    return "".join(" " if bare[i] == "?" else c for i, c in enumerate(text))


def _errors(q: wq.Query) -> list[str]:
    found = []
    error = getattr(q, "error", None)
    if error:
        found.append(str(error))
    for child in q.children():
        found.extend(_errors(child))
    return found


def _check_values(q: wq.Query, schema) -> None:
    """Convert each term as the search will, so a bad value fails here, not in the searcher.

    Whoosh parses a quoted value such as ``date:"abc"`` without complaint and raises a bare
    Exception only when the search runs.
    """
    for leaf in [q] if q.is_leaf() else q.leaves():
        if isinstance(leaf, wq.Term) and leaf.fieldname in schema:
            schema[leaf.fieldname].to_bytes(leaf.text)
        elif isinstance(leaf, wq.Phrase) and leaf.fieldname in schema:
            for word in leaf.words:
                schema[leaf.fieldname].to_bytes(word)


def _negations_exclude(q: wq.Query) -> wq.Query:
    """Make "a b NOT c" mean (a OR b) AND NOT c; Whoosh's OR group would read (a OR b OR NOT c)."""
    if q.is_leaf():
        return q
    q = q.apply(_negations_exclude)
    if isinstance(q, wq.Or):
        positive = [c for c in q.subqueries if not isinstance(c, wq.Not)]
        negative = [c.query for c in q.subqueries if isinstance(c, wq.Not)]
        if positive and negative:
            keep = positive[0] if len(positive) == 1 else wq.Or(positive, boost=q.boost)
            drop = negative[0] if len(negative) == 1 else wq.Or(negative)
            return wq.AndNot(keep, drop)
    return q


def parse_query(text: str, schema, title_boost: float, max_length: int) -> wq.Query:
    """Return the Whoosh query for the user query TEXT, or raise QueryError saying why not."""
    text = text.strip()
    if not text:
        raise QueryError("empty query: type some words to search for")
    if len(text) > max_length:
        raise QueryError(f"query too long ({len(text)} characters; the limit is {max_length})")
    text = tidy(text, QUERY_FIELDS)
    _check_syntax(text)
    try:
        parsed = _parser(schema, title_boost).parse(_rewrite(text), normalize=False)
        errors = _errors(parsed)
        if not errors:
            _check_values(parsed, schema)
            return ranking.count_repeats(_negations_exclude(parsed)).normalize()
    except Exception as exc:  # Whoosh raises bare exceptions for values it cannot read
        errors = [str(exc)]
    if not uses_fields(text, QUERY_FIELDS):
        return plain_query(text, schema, title_boost)  # pasted text: search its words
    raise QueryError(f"cannot understand the query: {errors[0]}")


def plain_query(text: str, schema, title_boost: float) -> wq.Query:
    """Return the ranked query for natural-language TEXT: its words, no operators."""
    words = " ".join(w.lower() for w in _WORDS.findall(text))
    parsed = _parser(schema, title_boost).parse(words, normalize=False)
    return ranking.count_repeats(parsed).normalize()


def check_expansions(q: wq.Query, reader, limit: int = MAX_EXPANSION) -> None:
    """Raise QueryError if a prefix or wildcard in Q stands for more than LIMIT index words."""
    if isinstance(q, (wq.Prefix, wq.Wildcard)):
        count = 0
        for _ in q._btexts(reader):
            count += 1
            if count > limit:
                raise QueryError(
                    f"'{q.text}*' matches more than {limit:,} words; give a longer prefix"
                )
    for child in q.children():
        check_expansions(child, reader, limit)


def word_spans(text: str) -> list[tuple[int, int]]:
    """Return the spans of the plain words of the query TEXT (not fields, operators, quotes)."""
    bare = _FIELD.sub(lambda m: " " * len(m.group()), _outside_quotes(text))
    return [
        m.span()
        for m in _WORDS.finditer(bare)
        if m.group() not in ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO")
    ]
