"""Byte records made for many rows at once with numpy: varints, and rows joined from columns.

A segment's term table holds one record a term, each a few short fields (varints, length
bytes, a term's bytes).  Made one term at a time, that is a dozen Python calls a term; here
each field is made for every term at once as a *column* — its rows' bytes one after
another (``flat``, uint8) and each row's length (``lengths``) — and a record is its
columns' rows joined (``join``), all with numpy.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Column(NamedTuple):
    """Rows of bytes: all of them one after another, and each row's length."""

    flat: np.ndarray  # uint8
    lengths: np.ndarray  # int64, one a row

    def rows(self) -> list[bytes]:
        """Return each row's bytes."""
        data = self.flat.tobytes()
        ends = np.cumsum(self.lengths).tolist()
        return [data[a:b] for a, b in zip([0, *ends[:-1]], ends)]


def fixed(table: np.ndarray) -> Column:
    """Return the column of TABLE's rows (a 2-D array; its items' bytes, as stored)."""
    table = np.ascontiguousarray(table)
    width = table.shape[1] * table.itemsize
    return Column(table.view(np.uint8).reshape(-1), np.full(len(table), width, np.int64))


def of_bytes(items: list[bytes]) -> Column:
    """Return the column of ITEMS, one a row."""
    lengths = np.fromiter(map(len, items), np.int64, len(items))
    return Column(np.frombuffer(b"".join(items), np.uint8), lengths)


#: Values below each of these take one more byte as a varint (7 bits a byte).
_VARINT_LIMITS = [np.uint64(1 << (7 * k)) for k in range(1, 10)]


def varints(values) -> Column:
    """Return VALUES (whole numbers >= 0, below 2**64) as unsigned LEB128 varints, a row each."""
    values = np.asarray(values).astype(np.uint64)
    lengths = np.ones(len(values), np.int64)
    for limit in _VARINT_LIMITS:
        lengths += values >= limit
    ends = np.cumsum(lengths)
    starts = ends - lengths
    flat = np.empty(int(ends[-1]) if len(ends) else 0, np.uint8)
    for k in range(int(lengths.max()) if len(lengths) else 0):
        rows = np.flatnonzero(lengths > k) if k else slice(None)
        seven = (values[rows] >> np.uint64(7 * k)) & np.uint64(127)
        more = (lengths[rows] > k + 1).astype(np.uint64) << np.uint64(7)
        flat[starts[rows] + k] = seven | more
    return Column(flat, lengths)


def join(columns: list[Column]) -> Column:
    """Return the rows made of each column's row in turn (all columns have as many rows)."""
    lengths = sum(column.lengths for column in columns)
    ends = np.cumsum(lengths)
    flat = np.empty(int(ends[-1]) if len(ends) else 0, np.uint8)
    at = ends - lengths  # where each row's next column goes
    for column in columns:
        # Byte j of the column, in row r, goes to at[r] + (j - where row r starts in it).
        starts = np.cumsum(column.lengths) - column.lengths
        flat[np.repeat(at - starts, column.lengths) + np.arange(len(column.flat))] = column.flat
        at = at + column.lengths
    return Column(flat, lengths)


def place(count: int, parts: list[tuple[np.ndarray, Column]]) -> Column:
    """Return COUNT rows made of PARTS: (row numbers, a column of those rows), covering all."""
    lengths = np.zeros(count, np.int64)
    for rows, column in parts:
        lengths[rows] = column.lengths
    ends = np.cumsum(lengths)
    flat = np.empty(int(ends[-1]) if count else 0, np.uint8)
    at = ends - lengths
    for rows, column in parts:
        starts = np.cumsum(column.lengths) - column.lengths
        flat[np.repeat(at[rows] - starts, column.lengths) + np.arange(len(column.flat))] = (
            column.flat
        )
    return Column(flat, lengths)
