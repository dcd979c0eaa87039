"""Timeline: how many matches fall in each year, month or day.

Counted over every matching document (not the page shown), from the per-segment sets
``counting`` computes, like the facet counts: each segment keeps an array from document
number to day (built once from the ``date`` column), so a timeline is a few numpy passes
over the matching documents.  The bucket size follows the span of the matching dates:
days up to ``DAY_SPAN`` days, months up to ``MONTH_SPAN`` days (five years), years beyond,
so a chart has from one to about sixty bars; over ``MAX_BARS`` years, a bar covers 2, 5,
10, ... years.  Empty
periods between the first and last match are kept: a gap in the story is information.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np

from .documents import TimeBucket
from .postings import segment_column

DAY_SPAN = 62
MONTH_SPAN = 5 * 366
MAX_BARS = 120
_YEAR_STEPS = (2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
_NONE = np.iinfo(np.int64).min  # "no date" in a day array
_DAY_US = 86_400_000_000  # Whoosh stores a date as microseconds since 0001-01-01
_EPOCH = date(1970, 1, 1).toordinal()


def day_array(reader) -> np.ndarray:
    """Return, for a segment READER, each document's date as days since 1970 (or _NONE).

    Segments never change, so the array is built once per process and shared by threads.
    """

    def load() -> np.ndarray:
        size = reader.doc_count_all()
        days = np.full(size, _NONE, np.int64)
        if reader.has_column("date"):
            column = reader.column_reader("date", translate=False)
            raw = np.fromiter(column, np.uint64, size)
            dated = raw != np.uint64(reader.schema["date"].default)
            days[dated] = (raw[dated] // np.uint64(_DAY_US)).astype(np.int64) + 1 - _EPOCH
        return days

    return segment_column(reader, "date", load)


def doc_array(docs) -> np.ndarray:
    """Return a segment's matching document numbers (a set, or already an array) as an array."""
    if isinstance(docs, np.ndarray):
        return docs.astype(np.int64, copy=False)
    return np.fromiter(docs, np.int64, len(docs))


def matching_days(segments) -> np.ndarray:
    """Return the days (since 1970) of the dated documents among SEGMENTS' matches."""
    parts = [day_array(reader)[doc_array(docs)] for reader, docs in segments if len(docs)]
    days = np.concatenate(parts) if parts else np.zeros(0, np.int64)
    return days[days != _NONE]


def resolution(first: int, last: int) -> str:
    """Return the bucket size for dates from day FIRST to day LAST: day, month or year."""
    span = last - first
    if span <= DAY_SPAN:
        return "day"
    return "month" if span <= MONTH_SPAN else "year"


def count(segments) -> list[TimeBucket]:
    """Return the matches of SEGMENTS (``counting.matching_docs``) counted per period."""
    days = matching_days(segments)
    if not len(days):
        return []
    unit = resolution(int(days.min()), int(days.max()))
    code = {"day": "D", "month": "M", "year": "Y"}[unit]
    periods = days.astype("datetime64[D]").astype(f"datetime64[{code}]").astype(np.int64)
    low = int(periods.min())
    counts = np.bincount(periods - low)
    step = 1
    if unit == "year" and len(counts) > MAX_BARS:
        # Years far apart (a stray date in 1703 among 2020s news): bars of 2, 5, 10... years.
        step = next((s for s in _YEAR_STEPS if len(counts) / s < MAX_BARS), _YEAR_STEPS[-1])
        low -= (low + 1970) % step  # numpy years count from 1970; start at a round year
        counts = np.bincount((periods - low) // step)
    buckets = []
    for offset, n in enumerate(counts.tolist()):
        start = np.datetime64(low + offset * step, code)
        after = np.datetime64(low + (offset + 1) * step, code)
        end = after.astype("datetime64[D]") - np.timedelta64(1, "D")
        buckets.append(TimeBucket(_date(start), _date(end), int(n), unit))
    return buckets


def _date(value: np.datetime64) -> date:
    return date.fromordinal(int(value.astype("datetime64[D]").astype(np.int64)) + _EPOCH)


def date_range(reader) -> tuple[datetime | None, datetime | None, int]:
    """Return (oldest date, newest date, documents without a date) of READER's live documents."""
    oldest = newest = None
    undated = 0
    for segment, _base in reader.leaf_readers():
        size = segment.doc_count_all()
        live = np.ones(size, bool)
        if segment.has_deletions():
            live[list(segment.deleted_docs_set)] = False
        if not segment.has_column("date"):
            undated += int(live.sum())
            continue
        raw = np.fromiter(segment.column_reader("date", translate=False), np.uint64, size)
        dated = (raw != np.uint64(segment.schema["date"].default)) & live
        undated += int((live & ~dated).sum())
        if dated.any():
            low, high = int(raw[dated].min()), int(raw[dated].max())
            oldest = low if oldest is None else min(oldest, low)
            newest = high if newest is None else max(newest, high)
    return _instant(oldest), _instant(newest), undated


def _instant(microseconds: int | None) -> datetime | None:
    return (
        None if microseconds is None else datetime(1, 1, 1) + timedelta(microseconds=microseconds)
    )
