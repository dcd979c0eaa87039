"""Whoosh tokens for terms that each stand for a whole field value (no offsets within it).

Whoosh reuses one ``Token`` per stream and every tokenizer must fill the same attributes
(text, boost, stopped, original, pos, startchar, endchar) according to the flags it was called
with; this is that filling, written once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from whoosh.analysis import Token


def whole_value_tokens(
    terms: Iterable[str],
    value: str,
    positions: bool = False,
    chars: bool = False,
    keeporiginal: bool = False,
    removestops: bool = True,
    start_pos: int = 0,
    start_char: int = 0,
    mode: str = "",
    **kwargs,
) -> Iterator[Token]:
    """Yield a token for each of TERMS at successive positions, each spanning all of VALUE."""
    token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
    for pos, text in enumerate(terms):
        token.text = text
        token.boost = 1.0
        token.stopped = False
        if keeporiginal:
            token.original = text
        if positions:
            token.pos = start_pos + pos
        if chars:
            token.startchar, token.endchar = start_char, start_char + len(value)
        yield token
