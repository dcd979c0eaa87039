"""Posting lists written in bulk from grouped tokens (blockwriter) are Whoosh-codec-identical.

The same documents are indexed with the bulk writer and with the per-term writer
(``codec.NewsPostingsWriter``, the bulk path switched off); the term tables and the
postings files must be the same bytes: every block, header and term info.
"""

from __future__ import annotations

import json

import pytest

from searchidx import blockwriter, codec, index_paths, storage

from .conftest import corpus
from .test_multilingual import ARTICLES


def _segment_bytes(index_dir) -> tuple[list, bytes, bytes]:
    with storage.open_index(index_dir).reader() as reader:
        (leaf, _base), *others = reader.leaf_readers()
        assert not others
        terms = list(leaf._terms._tindex.items())
        postings = bytes(leaf._terms._postfile._buf)
        # The whole term table too: its records, hash tables and directory.
        table = bytes(leaf._terms._tindex.dbfile._buf)
        return terms, postings, table


def _both_ways(tmp_path, monkeypatch, source) -> tuple:
    index_paths(tmp_path / "bulk", [source])
    with monkeypatch.context() as patch:
        patch.setattr(codec, "GroupedTerms", type("NotGrouped", (), {}))
        index_paths(tmp_path / "per_term", [source])
    return _segment_bytes(tmp_path / "bulk"), _segment_bytes(tmp_path / "per_term")


@pytest.mark.parametrize("terms_at_once", [7, blockwriter._TERMS_AT_ONCE])
def test_bulk_writing_equals_per_term_writing_on_multilingual_articles(
    tmp_path, monkeypatch, terms_at_once
):
    monkeypatch.setattr(blockwriter, "_TERMS_AT_ONCE", terms_at_once)  # term infos in steps
    folder = tmp_path / "docs"
    folder.mkdir()
    lines = [json.dumps({"id": i, "title": t, "body": b}) for i, _, t, b in ARTICLES]
    # Long posting lists of several blocks, weights of many kinds, a late position.
    lines += [
        json.dumps(
            {
                "id": f"r{n}",
                "title": "Repeat",
                "body": " ".join(["word"] * (n % 7 + 1))
                + " tail" * (n % 3)
                + (" far" if n % 50 == 0 else ""),
            }
        )
        for n in range(400)
    ]
    for n in range(2):  # weights and positions past 16 bits
        body = "x " * (70000 + n) + "end far"
        lines.append(json.dumps({"id": f"long{n}", "title": "Long", "body": body}))
    (folder / "world.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    bulk, per_term = _both_ways(tmp_path, monkeypatch, folder)
    assert len(bulk[0]) > 1000
    assert bulk == per_term


def test_bulk_writing_equals_per_term_writing_on_bbc(tmp_path, monkeypatch):
    folder = corpus("bbc") / "business"
    if not folder.is_dir():
        pytest.skip(f"BBC business folder not found under {corpus('bbc')}")
    bulk, per_term = _both_ways(tmp_path, monkeypatch, folder)
    assert len(bulk[0]) > 10000
    assert bulk == per_term
