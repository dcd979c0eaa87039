"""Turn query strings into Whoosh queries, with one-line explanations for bad ones.

Syntax (documented in README.md): free words (ranked, any may match), ``"phrases"``,
``"phrase"~N`` (words within N positions), ``AND``/``OR``/``NOT``, ``-word``, ``+word``,
``field:value`` for title, body, source, date, url and id, ``prefix*``, and date ranges as
``date:2020-01-01..2020-02-01`` (either end may be left open) or ``date:[2020-01 TO 2020-03]``.

A word of a text field becomes what the index holds for it (``analysis``), once for each
language present in the index (the stems differ; equal ones are merged):

* a plain word: ``Term``, or ``Or([Term, Term, ...])`` of its stems in several languages;
  an English stopword is dropped from a ranked query unless every word is one;
* a compound "Covid-19": ``Or([Phrase(covid, 19), Term(covid19)])``; "U.S.", "24/7" (no
  hyphen): ``Phrase(u, s)``;
* a CJK, Hangul or Thai run "財政部": ``Phrase(財政, 政部)`` (one bigram: a ``Term``);
* a quoted phrase: ``Phrase`` of every word's parts, stopwords included (an index built
  before stopwords were indexed gets them dropped), ``Or`` over languages.

A minus or plus means NOT / MUST only at the start of a word: "Covid-19" is one word,
"troops -iraq" excludes iraq.

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
from whoosh.qparser.common import attach

from . import ranking
from .analysis import DEFAULT_LANGUAGE, WORD, NewsAnalyzer, pieces, query_groups, stem_prefix
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


def _one(alternatives: list[wq.Query]) -> wq.Query | None:
    if not alternatives:
        return None
    return alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives)


def _add(alternatives: list[wq.Query], q: wq.Query) -> None:
    if q not in alternatives:
        alternatives.append(q)


def _sequence(fieldname: str, terms, boost: float, slop: int = 1) -> wq.Query:
    if len(terms) == 1:
        return wq.Term(fieldname, terms[0], boost=boost)
    return wq.Phrase(fieldname, list(terms), slop=slop, boost=boost)


class _Parser(qparser.QueryParser):
    """Whoosh's parser, with words analysed for every language of the index."""

    def __init__(self, *args, languages=None, keep_stops=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.languages = list(languages or [DEFAULT_LANGUAGE])
        self.keep_stops = keep_stops  # a query of stopwords only searches for them

    def _analyzer(self, fieldname):
        field = self.schema[fieldname] if self.schema and fieldname in self.schema else None
        analyzer = getattr(field, "analyzer", None)
        return analyzer if isinstance(analyzer, NewsAnalyzer) else None

    def term_query(self, fieldname, text, termclass, boost=1.0, tokenize=True, removestops=True):
        analyzer = self._analyzer(fieldname)
        if analyzer is not None and termclass is wq.Prefix:
            alternatives: list[wq.Query] = []
            for language in self.languages:
                prefix = stem_prefix(text, analyzer.stemmer, language)
                _add(alternatives, termclass(fieldname, prefix, boost=boost))
            return _one(alternatives)
        if analyzer is not None and termclass is wq.Term and tokenize:
            return self._word_query(fieldname, analyzer, text, boost, removestops)
        return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)

    def _word_query(self, fieldname, analyzer, text, boost, removestops) -> wq.Query | None:
        """Return the query for one word of TEXT (maybe a compound or a CJK run)."""
        per_language = [query_groups(text, analyzer.stemmer, lang) for lang in self.languages]
        units = []
        for i, group in enumerate(per_language[0]):
            if group.stop and removestops and not self.keep_stops:
                continue
            alternatives: list[wq.Query] = []
            for groups in per_language:
                if i < len(groups):
                    _add(alternatives, _sequence(fieldname, groups[i].parts, boost))
                    if groups[i].joined:
                        _add(alternatives, wq.Term(fieldname, groups[i].joined, boost=boost))
            units.append(_one(alternatives))
        return _one(units)

    def phrase_query(self, fieldname, text, slop, boost) -> wq.Query | None:
        """Return the query for the phrase TEXT in FIELDNAME, stopwords included."""
        analyzer = self._analyzer(fieldname)
        alternatives: list[wq.Query] = []
        for language in self.languages:
            terms = [
                p.term
                for p in pieces(text, analyzer.stemmer, language)
                if not p.joined and (analyzer.indexes_stopwords or not p.stop)
            ]
            if terms:
                _add(alternatives, _sequence(fieldname, terms, boost, slop))
        return _one(alternatives)


class _PhraseNode(qparser.PhrasePlugin.PhraseNode):
    def query(self, parser):
        fieldname = self.fieldname or parser.fieldname
        if not isinstance(parser, _Parser) or parser._analyzer(fieldname) is None:
            return super().query(parser)
        return attach(parser.phrase_query(fieldname, self.text, self.slop, self.boost), self)


class _PhraseTagger(qparser.PhrasePlugin.PhraseTagger):
    def create(self, parser, match):
        slop = match.group("slop")
        return _PhraseNode(match.group("text"), match.start("text"), int(slop) if slop else 1)


class _PhrasePlugin(qparser.PhrasePlugin):
    """Phrases analysed by ``_Parser.phrase_query`` (every language of the index)."""

    def taggers(self, parser):
        return [(_PhraseTagger(self.expr), 0)]


#: "+" and "-" are operators only where they start a word ("troops -iraq"), not inside
#: one ("Covid-19", "C++").
_AT_WORD_START = r"(?:^|(?<=[\s(]))"

_parsers = threading.local()


def _parser(
    schema, title_boost: float, languages=None, keep_stops: bool = False
) -> qparser.QueryParser:
    """Return this thread's parser for SCHEMA (building one costs about 3 ms a query)."""
    kept = _parsers.__dict__.setdefault("by_schema", {})
    key = (id(schema), title_boost, tuple(languages or ()), keep_stops)
    found = kept.get(key)
    if found is None or found[0] is not schema:
        if len(kept) > 16:
            kept.clear()
        kept[key] = found = (schema, _new_parser(schema, title_boost, languages, keep_stops))
    return found[1]


def _new_parser(schema, title_boost: float, languages, keep_stops) -> qparser.QueryParser:
    parser = _Parser(
        None, schema, group=qparser.OrGroup, languages=languages, keep_stops=keep_stops
    )
    # A headline weight of 0 means no headline field: Whoosh divides by a term's boost.
    fields = list(TEXT_FIELDS) if title_boost > 0 else [f for f in TEXT_FIELDS if f != "title"]
    parser.add_plugin(qparser.MultifieldPlugin(fields, fieldboosts={"title": title_boost}))
    parser.add_plugin(qparser.PlusMinusPlugin(_AT_WORD_START + r"\+", _AT_WORD_START + "-"))
    parser.remove_plugin_class(qparser.PhrasePlugin)  # Whoosh's, not a subclass of ours
    parser.add_plugin(_PhrasePlugin())
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


def parse_query(text: str, schema, title_boost: float, max_length: int, languages=None) -> wq.Query:
    """Return the Whoosh query for the user query TEXT, or raise QueryError saying why not.

    LANGUAGES are the languages of the index (``language.index_languages``; English if None):
    each word is looked up as it is indexed in each of them.
    """
    text = text.strip()
    if not text:
        raise QueryError("empty query: type some words to search for")
    if len(text) > max_length:
        raise QueryError(f"query too long ({len(text)} characters; the limit is {max_length})")
    text = tidy(text, QUERY_FIELDS)
    _check_syntax(text)
    try:
        rewritten = _rewrite(text)
        parsed = _parser(schema, title_boost, languages).parse(rewritten, normalize=False)
        if parsed.normalize() == wq.NullQuery:
            # Only stopwords ("The Who", "to be or not to be"): search for them after all.
            parsed = _parser(schema, title_boost, languages, keep_stops=True).parse(
                rewritten, normalize=False
            )
        errors = _errors(parsed)
        if not errors:
            _check_values(parsed, schema)
            return ranking.count_repeats(_negations_exclude(parsed)).normalize()
    except Exception as exc:  # Whoosh raises bare exceptions for values it cannot read
        errors = [str(exc)]
    if not uses_fields(text, QUERY_FIELDS):
        return plain_query(text, schema, title_boost, languages)  # pasted text: its words
    raise QueryError(f"cannot understand the query: {errors[0]}")


def plain_query(text: str, schema, title_boost: float, languages=None) -> wq.Query:
    """Return the ranked query for natural-language TEXT: its words, no operators."""
    words = " ".join(m.group().lower() for m in _WORDS.finditer(text))
    parsed = _parser(schema, title_boost, languages).parse(words, normalize=False)
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
