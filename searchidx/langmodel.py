"""py3langid's identifier with its scores summed by BLAS: the same numbers, sooner.

py3langid (see ``language``) scores a text by walking its byte automaton to find the byte
n-grams the text has, then multiplying their log counts with the model's rows of those
n-grams (one row a feature, one column a language).  The rows are float16 and the counts
float32: numpy's product of the two converts inside a generic loop, about four times slower
than BLAS's float32 product of the same numbers; and after the model is limited to some
languages, the rows are columns picked out of a wider table, strided in memory.  Here the
limited table is made contiguous once, and the rows gathered for a text are made float32
before the product: the same values in the same order, so the same sums, exactly (tests
compare every score with py3langid's own on real text in many scripts).  On the Reuters
stories that need the model (tables of figures), a text's classification took 264 µs and
takes 153 µs.

The walk itself was most of what was left: a Python step a byte, 500 bytes a text.  The
automaton is an Aho-Corasick automaton over the model's n-grams: its state after a byte is
the longest n-gram prefix ending there, so it depends on the last ``_DEPTH`` bytes alone
(the depth of its deepest state).  Here every position's state is found at once with numpy,
by walking each position's last ``_DEPTH`` bytes from the start state side by side (six
gathers over the text), and the features are counted in the order py3langid's walk meets
them: the same scores, exactly (6,000 Reuters stories: 150 µs a text before, 115 after).
A model with another automaton (another py3langid) is walked py3langid's way.
"""

from __future__ import annotations

import numpy as np
from py3langid.langid import MODEL_FILE, LanguageIdentifier

#: The shipped model's automaton: its states, its transitions, and the depth of its deepest
#: state (from the start state, breadth first: a test finds it so).
_STATES, _MOVES, _DEPTH = 104_583, 9_816_576, 6


class Identifier(LanguageIdentifier):
    """py3langid's identifier, walking and scoring with numpy (see the module docstring)."""

    __slots__ = ("_window", "_moves", "_rows", "_outputs")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        known = (len(self._rowbase), len(self.tk_nextmove)) == (_STATES, _MOVES)
        self._window = _DEPTH if known else None
        self._moves = np.frombuffer(self.tk_nextmove, np.dtype(self.tk_nextmove.typecode))
        self._rows = np.array(self._rowbase, np.intp)  # a state's first transition
        self._outputs = np.array(self.tk_output, np.intp)  # a state's feature, or -1

    @classmethod
    def load(cls) -> Identifier:
        """Return the identifier of py3langid's shipped model, with probabilities normalised."""
        return cls.from_model_file(MODEL_FILE, norm_probs=True)

    def set_languages(self, langs=None):
        super().set_languages(langs)
        # A column subset is strided; rows are gathered from it per text: keep them together.
        # (As float32 the gathered rows need no conversion, but the table is twice the
        # size, and scoring Reuters' tables of figures took half as long again.)
        self.nb_ptc = np.ascontiguousarray(self.nb_ptc)

    def _raw_score(self, text: bytes):
        if self._window is None or not text:
            return super()._raw_score(text)
        data = np.frombuffer(text, np.uint8)
        n = len(data)
        states = np.zeros(n, np.intp)
        # Position i's state: the walk over its last _DEPTH bytes (fewer near the start).
        for back in range(min(self._window, n) - 1, -1, -1):
            states[back:] = self._moves[self._rows[states[back:]] + data[: n - back]]
        found = self._outputs[states]
        found = found[found >= 0]
        if not len(found):
            return super()._raw_score(text)  # no feature: py3langid's own answer
        features, first, counts = np.unique(found, return_index=True, return_counts=True)
        order = np.argsort(first)  # as py3langid's Counter holds them: first met first
        return self._score(features[order], counts[order].astype(np.float32), self.nb_ptc)

    def _sparse_score(self, visits, table):
        features = np.fromiter(visits.keys(), np.intp, len(visits))
        counts = np.fromiter(visits.values(), np.float32, len(visits))
        return self._score(features, counts, table)

    def _score(self, features, counts, table):
        return np.log1p(counts) @ table[features].astype(np.float32, copy=False) + self.nb_pc
