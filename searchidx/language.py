"""Detect the language of a document, and list the languages an index holds.

Detection uses py3langid (a maintained fork of langid.py: a naive Bayes model over byte
n-grams for over 100 languages, shipped inside the 4.5 MB package, no download).  It was chosen
over langdetect (pure Python, about 10x slower, and random unless seeded) and lingua
(more accurate on single words but hundreds of MB of models): on news text, a headline
and a paragraph are plenty for langid.  The model loads on first use (about half a second
here, once per process, mostly LZMA decompression); a call then costs about 150 microseconds
on the first 500 characters, which is all it is shown (``langmodel`` sums its scores).  An
indexing run with ``--jobs`` asks without waiting (``detect(text, wait=False)``): the model
then loads in a background thread, and the documents that need it wait for it while the
others go to the workers.

A text too short to tell, or one the model is unsure of, is taken to be English (the
language of the index's own stemmer), so short English records are never stemmed with
another language's stemmer by mistake.

Most collections are mostly English, so a text is first checked the cheap way: when 15% or
more of its first 60 words are English stopwords (about 45% in English news, under 10% in
the other languages of the model's Latin script tried), it is English, and the model is not
even loaded.  On the BBC corpus no article needs the model; on Reuters, 4,208 of 21,577 do
(tables of figures, with few stopwords; all come out English).
"""

from __future__ import annotations

import os
import re
import threading

import regex

from .analysis import DEFAULT_LANGUAGE, STOPWORDS

SAMPLE_CHARS = 500  # of the headline and text: enough, and the cost grows with the length
MIN_LETTERS = 20  # fewer letters than this are too few to tell
MIN_CONFIDENCE = 0.9  # the model's probability (normalised over its languages)
ENGLISH_WORDS = 60  # first words checked against the English stopwords
ENGLISH_SHARE = 0.15  # share of them that makes a text English without the model
_WORD = regex.compile(r"[^\W\d_]+")
_ASCII_WORD = re.compile(r"[A-Za-z]+")  # _WORD's matches in ASCII text
# Whether a text has MIN_LETTERS letters: one match that stops at the last one needed.
_ENOUGH_LETTERS = regex.compile(rf"(?:\P{{L}}*+\p{{L}}){{{MIN_LETTERS}}}")

_identifier = None
_lock = threading.Lock()  # held while the model loads
_loader: threading.Thread | None = None  # loading the model in the background, if started


def _model():
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                from .langmodel import Identifier

                identifier = Identifier.load()
                # The model also knows 3-letter dialects and varieties (wuu, ary, ext, ...)
                # that split the probability of their main language: keep ISO 639-1's.
                identifier.set_languages([code for code in identifier.labels if len(code) == 2])
                _identifier = identifier
    return _identifier


def load_in_background() -> None:
    """Start loading the model in a thread of its own, unless it is loaded or loading.

    Most of the load (about half a second) is LZMA decompression, which releases the GIL:
    the caller goes on meanwhile, on another core.  ``detect(text, wait=False)`` starts it.
    """
    global _loader
    if _identifier is None and _loader is None:
        from . import langmodel  # noqa: F401 - imported here: the thread then imports nothing

        _loader = threading.Thread(target=_model, name="searchidx-language-model", daemon=True)
        _loader.start()


def model_settled() -> bool:
    """Return whether the model is loaded, or its background load has ended (failed)."""
    return _identifier is not None or (_loader is not None and not _loader.is_alive())


def _forget_the_loader() -> None:
    """In a forked child: the loading thread is not there, and neither is whoever held the lock."""
    global _lock, _loader
    _lock = threading.Lock()
    _loader = None


os.register_at_fork(after_in_child=_forget_the_loader)


def detect(text: str, *, wait: bool = True) -> str | None:
    """Return the ISO 639-1 code of the language TEXT is written in ("en" when unsure).

    With WAIT false, return None instead when the answer needs the model and it is still
    loading (the load is started in the background if it was not).
    """
    sample = text[:SAMPLE_CHARS]
    if sample.isascii():  # the stdlib's engine: the same words, about twice as fast
        words = _ASCII_WORD.findall(sample.lower())[:ENGLISH_WORDS]
    else:
        words = list(map(str.lower, _WORD.findall(sample, concurrent=False)[:ENGLISH_WORDS]))
    if len(words) >= 8:
        stopwords = sum(map(STOPWORDS.__contains__, words))  # loops in C
        if stopwords >= ENGLISH_SHARE * len(words):
            return DEFAULT_LANGUAGE
    enough_letters = _ENOUGH_LETTERS.match(sample, concurrent=False)
    if not enough_letters and not any(ord(c) > 0x2E80 for c in sample):
        return DEFAULT_LANGUAGE
    if not wait and not model_settled():
        load_in_background()
        return None
    language, confidence = _model().classify(sample)
    return language if confidence >= MIN_CONFIDENCE else DEFAULT_LANGUAGE


def index_languages(reader) -> list[str]:
    """Return the languages of the documents in the index READER, English first."""
    if "language" not in reader.schema:
        return [DEFAULT_LANGUAGE]
    # Asked for by every query: listed once per reader (a reader is one generation).
    known = reader.__dict__.get("_searchidx_languages")
    if known is None:
        found = set(reader.field_terms("language")) | {DEFAULT_LANGUAGE}
        known = sorted(found, key=lambda code: (code != DEFAULT_LANGUAGE, code))
        reader.__dict__["_searchidx_languages"] = known
    return list(known)
