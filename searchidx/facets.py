"""Facets: narrow a search to one source, a year or a date range, and count results by value.

The language facet is listed only when the matches span two languages or more: one value
would say nothing (the ``language`` of each hit is in its JSON either way).

Filters are Whoosh ``filter=`` queries, so they restrict the results without touching the
ranking.  The counts are taken over every match of the filtered query (not only the page
shown), from the ``source_facet`` and ``year`` fields.

Counting does not go through Whoosh's facet collector, which would score every match (no
skipping of posting blocks).  The matching documents come as sets from ``counting``, and
each segment keeps, per facet, an array from document number to value (built once from the
facet field's posting lists), so a count is one C-level pass over the matching documents.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from datetime import date, datetime, timedelta

import numpy as np
from whoosh import query as wq

from .counting import term_docs
from .documents import FacetValue
from .errors import QueryError
from .postings import segment_column
from .schema import FACET_FIELDS

_DAY = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_REBUILD = "rebuild it with 'searchidx index PATH --rebuild' to filter by {}"


def _period(value: str | date | datetime, name: str) -> tuple[datetime, datetime]:
    """Return [start, end) of the day, month or year VALUE names (or of one instant)."""
    if isinstance(value, datetime):
        return value, value + timedelta(microseconds=1)
    if isinstance(value, date):
        start = datetime(value.year, value.month, value.day)
        return start, start + timedelta(days=1)
    text = str(value).strip()
    match = _DAY.match(text)
    try:
        if match is None:
            instant = datetime.fromisoformat(text).replace(tzinfo=None)
            return instant, instant + timedelta(microseconds=1)
        year, month, day = (int(g) if g else None for g in match.groups())
        if month is None:
            return datetime(year, 1, 1), datetime(year + 1, 1, 1)
        if day is None:
            days = calendar.monthrange(year, month)[1]
            start = datetime(year, month, 1)
            return start, start + timedelta(days=days)
        start = datetime(year, month, day)
        return start, start + timedelta(days=1)
    except (ValueError, OverflowError):  # 9999-12-31 has no next day to end at
        raise QueryError(
            f"{name} {text!r} is not a date: use YYYY-MM-DD (or YYYY-MM, or YYYY)"
        ) from None


def date_filter(date_from=None, date_to=None) -> wq.Query | None:
    """Return the query for dates from DATE_FROM to DATE_TO, both included (None: open)."""
    if date_from in (None, "") and date_to in (None, ""):
        return None
    start = _period(date_from, "--from")[0] if date_from not in (None, "") else None
    end = _period(date_to, "--to")[1] if date_to not in (None, "") else None
    if start and end and start >= end:
        raise QueryError(f"the date range is empty: --from {date_from} is after --to {date_to}")
    return wq.DateRange("date", start, end, endexcl=True)


def source_filter(reader, name: str) -> wq.Query:
    """Return the query for documents whose source is NAME (exactly, or differing in case)."""
    if "source_facet" not in reader.schema:
        raise QueryError("this index has no source facet; " + _REBUILD.format("source"))
    name = " ".join(name.split())
    wanted = name.casefold()
    names = [n for n in reader.field_terms("source_facet") if n.casefold() == wanted]
    if name in names or not names:
        return wq.Term("source_facet", name)
    return wq.Or([wq.Term("source_facet", n) for n in names])


def year_filter(reader, year) -> wq.Query:
    """Return the query for documents dated in YEAR."""
    text = str(year).strip()
    if not re.fullmatch(r"\d{4}", text):
        raise QueryError(f"year {text!r} is not a year: use four digits, as 2020")
    if "year" not in reader.schema:
        raise QueryError("this index has no year facet; " + _REBUILD.format("year"))
    return wq.Term("year", text)


def language_filter(reader, language: str) -> wq.Query:
    """Return the query for documents in LANGUAGE (an ISO 639-1 code, as "de")."""
    if "language" not in reader.schema:
        raise QueryError("this index has no language field; " + _REBUILD.format("language"))
    return wq.Term("language", language.strip().lower())


def build_filter(
    reader, source=None, date_from=None, date_to=None, year=None, language=None
) -> wq.Query | None:
    """Return the query every result must match, or None when nothing is filtered."""
    parts = []
    if language not in (None, ""):
        parts.append(language_filter(reader, language))
    if source not in (None, ""):
        parts.append(source_filter(reader, source))
    if year not in (None, ""):
        parts.append(year_filter(reader, year))
    dates = date_filter(date_from, date_to)
    if dates is not None:
        parts.append(dates)
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def facet_names(schema) -> list[str]:
    """Return the facets (of FACET_FIELDS) that SCHEMA has fields for."""
    return [name for name, field in FACET_FIELDS.items() if field in schema]


class _Values(tuple):
    """(document number -> value number array, value names), sized for the shared cache."""

    @property
    def nbytes(self) -> int:
        return self[0].nbytes + 64 * len(self[1])


def _value_array(reader, field: str) -> tuple[np.ndarray, list[str]]:
    """Return (document number -> value number, value names) for FIELD of a segment READER.

    Value number 0 means no value.  Segments never change, so the array is built once per
    process, from the field's posting lists (one term per document), and shared by threads.
    """

    def load() -> _Values:
        numbers = np.zeros(reader.doc_count_all(), np.uint32)
        names = [""]
        decode = reader.schema[field].from_bytes
        for btext in reader.lexicon(field):
            numbers[np.fromiter(term_docs(reader, field, btext), np.int64)] = len(names)
            names.append(decode(btext))
        return _Values((numbers, names))

    return segment_column(reader, f"facet:{field}", load)


def count_values(segments, names, limit: int) -> dict[str, list[FacetValue]]:
    """Return the LIMIT most frequent values of each facet in NAMES among SEGMENTS' documents.

    SEGMENTS is ``counting.matching_docs``: (segment reader, document numbers) pairs; the
    numbers are a set, or an ascending numpy array (``fastpath.Matches.segments``).
    Sources come by count (then name); years newest first.
    """
    counts: dict[str, list[FacetValue]] = {}
    for name in names:
        field = FACET_FIELDS[name]
        tally: Counter[str] = Counter()
        for reader, docs in segments:
            if len(docs) and field in reader.schema:
                numbers, values = _value_array(reader, field)
                if isinstance(docs, np.ndarray):  # from searchidx.fastpath: count in numpy
                    per_value = np.bincount(
                        np.frombuffer(numbers, dtype=np.uint32)[docs], minlength=len(values)
                    )
                    for number in np.flatnonzero(per_value):
                        tally[values[number]] += int(per_value[number])
                    continue
                for number, n in Counter(map(numbers.__getitem__, docs)).items():
                    tally[values[number]] += n
        found = [FacetValue(str(v), int(c)) for v, c in tally.items() if v not in (None, "", b"")]
        if name == "language" and len(found) < 2:
            continue
        if name == "year":
            found.sort(key=lambda f: f.value, reverse=True)
        else:
            found.sort(key=lambda f: (-f.count, f.value.casefold()))
        counts[name] = found[:limit]
    return counts
