"""Tokens gathered flat (tokenbuffer) give the postings a per-document grouping would give."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from searchidx import poscodec
from searchidx.tokenbuffer import TokenBuffer

_TERMS = st.sampled_from(["a", "b", "be", "c", "é", "財政", "zz"])
_DOC = st.lists(_TERMS, max_size=12)


def _reference(docs: list[list[str]], positions: bool) -> dict:
    """Return {term bytes: [(doc, weight, Whoosh's value bytes)]}, grouped the plain way."""
    found: dict = {}
    for docnum, terms in docs:
        seen: dict = {}
        for pos, term in enumerate(terms):
            seen.setdefault(term, []).append(pos)
        for term, poses in seen.items():
            if positions:
                deltas = [poses[0]] + [b - a for a, b in zip(poses, poses[1:])]
                value = poscodec.whoosh_values([len(poses)], np.array(deltas))[0]
            else:
                value = b""
            found.setdefault(term.encode("utf-8"), []).append((docnum, len(poses), value))
    return dict(sorted(found.items()))


def _grouped(buffer: TokenBuffer) -> dict:
    found = {}
    grouped = buffer.grouped()
    for btext in grouped:
        ids, weights, data, _lengths = grouped[btext]
        values = poscodec.whoosh_values(*data) if buffer.positions else [b""] * len(ids)
        found[btext] = list(zip(ids, (int(w) for w in weights), values))
    return found


@settings(max_examples=200, deadline=None)
@given(st.lists(_DOC, max_size=20), st.integers(0, 3))
def test_grouped_tokens_equal_per_document_postings(docs, gap):
    buffer = TokenBuffer(positions=True)
    numbered = [(n * (gap + 1), terms) for n, terms in enumerate(docs)]
    for docnum, terms in numbered:
        buffer.add(docnum, terms, list(range(len(terms))))
    want = _reference([(d, t) for d, t in numbered if t], positions=True)
    assert _grouped(buffer) == want
    assert len(buffer) == 0  # grouping starts the buffer anew


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sets(_TERMS), max_size=20))
def test_grouped_distinct_terms_equal_per_document_postings(docs):
    buffer = TokenBuffer(positions=False)
    for docnum, terms in enumerate(docs):
        buffer.add(docnum, sorted(terms))
    want = _reference([(d, sorted(t)) for d, t in enumerate(docs) if t], positions=False)
    assert _grouped(buffer) == want


def test_terms_given_as_bytes_and_str_are_one_term():
    buffer = TokenBuffer(positions=False)
    buffer.add(0, ["café"])
    buffer.add(1, ["café".encode()])
    grouped = buffer.grouped()
    assert list(grouped) == ["café".encode()]
    assert list(grouped["café".encode()][0]) == [0, 1]


def test_positions_past_sixteen_bits_and_long_runs():
    buffer = TokenBuffer(positions=True)
    buffer.add(0, ["x"] * 70_000 + ["end"], list(range(70_001)))
    buffer.add(5, ["end", "x"], [0, 200_000])
    grouped = buffer.grouped()
    ids, weights, packed, _ = grouped[b"x"]
    assert list(ids) == [0, 5] and list(weights) == [70_000.0, 1.0]
    assert packed.counts.tolist() == [70_000, 1]
    assert packed.deltas[:3].tolist() == [0, 1, 1] and packed.deltas[-1] == 200_000
