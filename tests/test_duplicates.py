"""Copy detection's numpy code against a plain Python reference, on real news text.

The signatures and story ids are stored in the index: a faster implementation must give
exactly the values the plain definition gives (``duplicates`` module docstring), or an
index built before it would group differently from articles added after it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest

from searchidx import duplicates
from searchidx.duplicates import BANDS, ROWS, SHINGLE, THRESHOLD

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import news  # noqa: E402

M64 = (1 << 64) - 1
P = 0x100000001B3
A = [int(a) for a in duplicates._A]
B = [int(b) for b in duplicates._B]
MIX = [int(m) for m in duplicates._MIX]
BAND_MIX = [int(m) for m in duplicates._BAND_MIX]
_WORD_BYTES = re.compile(rb"[A-Za-z0-9_\x80-\xff]+")

EDGE_TEXTS = [
    "",
    "   \n\t ",
    "...!?",
    "one",
    "two words",
    "four words in all",
    "exactly five words right here",
    "Zürich — Ünïcödé 東京 naïve café ÉTÉ straße",
    "bad \ud800 surrogate in the middle of a line of text",
    "a_b c-d e.f 3.14 x2 ___ 1,000,000 people",
]


def ref_word_hashes(text: str) -> list[int]:
    """Each word's hash: sum of (byte + 1) * P**i over its UTF-8 bytes, modulo 2**64."""
    hashes = []
    for word in _WORD_BYTES.findall(text.casefold().encode("utf-8", "replace")):
        value, power = 0, 1
        for byte in word:
            value = (value + (byte + 1) * power) & M64
            power = power * P & M64
        hashes.append(value)
    return hashes


def ref_shingle_hashes(text: str) -> list[int]:
    words = ref_word_hashes(text)
    if not words:
        return []
    words += [0] * (SHINGLE - len(words))
    grams = []
    for start in range(len(words) - SHINGLE + 1):
        mixed = 0
        for i in range(SHINGLE):
            mixed ^= words[start + i] * MIX[i] & M64
            mixed = (mixed << 7 | mixed >> 57) & M64
        grams.append(mixed)
    return grams


def ref_signature(grams: list[int]) -> list[int]:
    if not grams:
        return [0xFFFF] * (BANDS * ROWS)
    mask = (1 << 61) - 1
    return [min((g * a + b) & M64 & mask for g in grams) & 0xFFFF for a, b in zip(A, B)]


def ref_band_keys(sig: list[int]) -> list[int]:
    keys = []
    for band in range(BANDS):
        values = sig[band * ROWS : (band + 1) * ROWS]
        mixed = sum(v * m for v, m in zip(values, BAND_MIX)) & M64
        keys.append(band << 48 | mixed >> 16)
    return keys


def ref_stories(articles: list[tuple[str, np.ndarray]]) -> list[int]:
    """Story ids by the plain rule: the most similar earlier article sharing a band (the
    first indexed on ties) at THRESHOLD or above gives its story, else a new one."""
    table: dict[int, list[int]] = {}
    sigs: list[list[int]] = []
    stories: list[int] = []
    for doc_id, sig in articles:
        values = sig.tolist()
        keys = ref_band_keys(values)
        rows = {row for key in keys for row in table.get(key, ())}
        best = None
        for row in sorted(rows):
            score = sum(x == y for x, y in zip(sigs[row], values)) / len(values)
            if score >= THRESHOLD and (best is None or score > best[0]):
                best = (score, row)
        stories.append(stories[best[1]] if best else duplicates.new_story_id(doc_id, sig))
        for key in keys:
            table.setdefault(key, []).append(len(sigs))
        sigs.append(values)
    return stories


@pytest.fixture(scope="module", params=["bbc", "reuters"])
def articles(request) -> list[dict]:
    try:
        return news.load(request.param)
    except news.CorpusMissing as e:
        pytest.skip(str(e))


def _text(doc: dict) -> str:
    return duplicates.article_text(doc["title"], doc["body"])


def test_hashes_signatures_and_band_keys_equal_the_reference(articles):
    # About 250,000 characters a corpus (118 BBC articles, 338 of Reuters): the reference
    # is slow.
    step = max(1, sum(len(doc["body"]) for doc in articles) // 250_000)
    for text in EDGE_TEXTS + [_text(doc) for doc in articles[::step]]:
        assert duplicates.word_hashes(text).tolist() == ref_word_hashes(text), text[:80]
        grams = ref_shingle_hashes(text)
        assert duplicates.shingle_hashes(text).tolist() == grams, text[:80]
        sig = duplicates.signature(duplicates.shingle_hashes(text))
        assert sig.dtype == np.uint16 and sig.tolist() == ref_signature(grams), text[:80]
        assert duplicates.band_key_numbers(sig).tolist() == ref_band_keys(sig.tolist())


@pytest.mark.parametrize("batch", [2, 7, 128, 5000])
def test_signatures_of_many_texts_equal_those_of_each(articles, batch, monkeypatch):
    monkeypatch.setattr(duplicates, "_STEP_GRAMS", 300)  # steps end inside and between texts
    texts = EDGE_TEXTS + [_text(doc) for doc in articles[:3000]] + EDGE_TEXTS
    each = [duplicates.signature(duplicates.shingle_hashes(text)) for text in texts]
    many = [duplicates.signatures(texts[i : i + batch]) for i in range(0, len(texts), batch)]
    assert np.concatenate(many).tolist() == np.array(each).tolist()


def test_band_keys_of_many_signatures_equal_those_of_each():
    sigs = np.random.default_rng(3).integers(0, 1 << 16, (50, BANDS * ROWS)).astype(np.uint16)
    many = duplicates.band_key_numbers(sigs)
    assert many.shape == (50, BANDS)
    assert many.tolist() == [ref_band_keys(sig) for sig in sigs.tolist()]


def test_signatures_are_those_of_earlier_versions():
    # Computed with the code before it was vectorised (280cd4a): an index built then and
    # one built now must agree, or new copies would not find their stories.
    text = "Flood closes bridge\nThe river rose overnight and the old bridge was closed to traffic."
    sig = duplicates.signature(duplicates.shingle_hashes(text))
    assert sig[:8].tolist() == [60356, 3976, 48809, 7985, 33305, 63920, 60059, 32140]
    assert duplicates.new_story_id("pin", sig) == 535774775658642979
    assert duplicates.band_key_numbers(sig)[:2].tolist() == [66925212738296, 475849455435743]
    other = duplicates.signature(duplicates.shingle_hashes("Zürich — Ünïcödé 東京 naïve"))
    assert duplicates.new_story_id("pin", other) == 770113671348198046


@pytest.mark.parametrize(
    "filter_bits, batch",
    [(22, 1), (22, 128), (6, 1), (6, 37)],  # 6: the filter lets most keys through
)
def test_story_finder_groups_the_whole_corpus_as_the_reference(
    articles, monkeypatch, filter_bits, batch
):
    monkeypatch.setattr(duplicates, "_FILTER_MASK", (1 << filter_bits) - 1)
    if filter_bits < 22:
        articles = articles[:6000]  # enough to spill and merge runs, in less time
    finder = duplicates.StoryFinder()
    found = []
    for i in range(0, len(articles), batch):  # as the indexer hands them over
        part = [(doc["id"], doc["title"], doc["body"]) for doc in articles[i : i + batch]]
        found += finder.assign_many(part)
    assert len(finder._keys._runs) > 0  # the key table spilled to sorted runs on the way
    expected = ref_stories([(doc["id"], sig) for doc, (_, sig) in zip(articles, found)])
    assert [story for story, _ in found] == expected
    assert finder.joined == len(expected) - len(set(expected)) > 100  # real copies
