"""Sorting helpers (sortedruns): the same orders as numpy's stable sort."""

from __future__ import annotations

import numpy as np
import pytest

from searchidx.sortedruns import stable_order

_TOPS = [1, 300, 1 << 16, 1 << 20, (1 << 32) - 1, 1 << 40]


@pytest.mark.parametrize(
    ("top", "dtype"),
    [
        (top, dtype)
        for dtype in (np.uint32, np.int64, np.uint64)
        for top in _TOPS
        if top < np.iinfo(dtype).max
    ],
)
def test_stable_order_is_numpys_stable_argsort(top, dtype):
    rng = np.random.default_rng(top)
    for n in (0, 1, 7, 5000):
        # Many ties (a small range) and keys at both ends of the range.
        keys = rng.integers(0, min(top, 50) if n > 7 else top, n, endpoint=True)
        keys = np.concatenate([keys, rng.integers(0, top, n // 3, endpoint=True), [0, top]])
        keys = keys.astype(dtype)
        assert stable_order(keys).tolist() == np.argsort(keys, kind="stable").tolist()
