"""Byte rows made with numpy (byterows) are the bytes made one row at a time."""

from __future__ import annotations

import random

import numpy as np

from searchidx import byterows
from searchidx.terminfo import _varint


def test_varints_are_leb128_at_every_width():
    rng = random.Random(3)
    edges = [v + d for k in range(1, 10) for v in [1 << (7 * k)] for d in (-1, 0, 1)]
    values = [0, 1, 2**63, 2**64 - 1, *edges]
    values += [rng.getrandbits(rng.randint(1, 64)) for _ in range(3000)]
    column = byterows.varints(np.array(values, np.uint64))
    assert column.rows() == [_varint(v) for v in values]
    assert byterows.varints(np.array([], np.uint64)).rows() == []


def test_rows_joined_and_placed_are_their_columns_in_turn():
    rng = random.Random(8)
    n = 500
    words = [bytes(rng.randrange(256) for _ in range(rng.choice([0, 1, 5, 40]))) for _ in range(n)]
    numbers = [rng.choice([0, 5, 300, 2**40]) for _ in range(n)]
    pairs = np.array([[rng.randrange(256), rng.randrange(256)] for _ in range(n)], np.uint8)
    joined = byterows.join(
        [byterows.of_bytes(words), byterows.varints(numbers), byterows.fixed(pairs)]
    )
    assert joined.rows() == [
        w + _varint(v) + bytes(p.tolist()) for w, v, p in zip(words, numbers, pairs)
    ]
    # Rows of two columns put in place by row number: odd rows from one, even from the other.
    odd, even = np.arange(1, n, 2), np.arange(0, n, 2)
    placed = byterows.place(
        n,
        [(odd, byterows.of_bytes(words[1::2])), (even, byterows.varints(numbers[0::2]))],
    )
    assert placed.rows() == [words[i] if i % 2 else _varint(numbers[i]) for i in range(n)]
