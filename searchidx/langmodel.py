"""py3langid's model with its byte automaton walked by numpy: the same scores, faster.

py3langid (see ``language``) scores a text by walking a deterministic automaton over its UTF-8
bytes, a Python loop turn a byte (about a quarter of a millisecond on 500 bytes), and then
summing the model's rows of the byte n-grams found.  The automaton is an Aho-Corasick machine
over n-grams of at most DEPTH bytes: the state it is in after a byte depends only on the last
DEPTH bytes read (the longest of their endings that begins a known n-gram), so every
position's state can be found at once: start all positions at the first state and feed each
the DEPTH bytes that end at it, one vectorised step a byte.

The n-grams found are scored as py3langid scores them (``_sparse_score``: the log counts times
the model's rows), in the order its walk finds them (first occurrence), with the rows made
float32 before the product rather than inside it (numpy's mixed-type product does not use
BLAS): the same numbers, exactly, in a fifth of the time.  DEPTH is the
automaton's deepest state's distance from the start, found when the model loads.  A model
whose automaton this walk does not reproduce on a check text (another py3langid's) is walked
the plain way: ``Identifier.fast`` says which.  Tests compare both walks on real text in
many languages and scripts.
"""

from __future__ import annotations

import numpy as np
from py3langid.langid import MODEL_FILE, LanguageIdentifier, visit_counts

# Text the two walks are compared on when the model loads: several scripts and languages.
_CHECK = (
    "Shr 25 cts vs 30 cts. Net 1,234,000 vs 987,000 — revs 12.3 mln dlrs. "
    "Le gouvernement a annoncé jeudi une réforme des retraites. "
    "Die Regierung kündigte am Donnerstag eine Rentenreform an. "
    "Правительство объявило в четверг о пенсионной реформе. "
    "政府は木曜日に年金改革を発表した。 정부는 목요일 연금 개혁을 발표했다. "
    "أعلنت الحكومة يوم الخميس إصلاح نظام التقاعد. ΕΛΛΗΝΙΚΆ κείμενα."
)


def _depth(moves: np.ndarray, row: np.ndarray) -> int:
    """Return the largest distance (in bytes) from the start of any state of the automaton."""
    depth = np.full(len(row), -1, np.int16)
    depth[0] = 0
    frontier = np.zeros(1, np.intp)
    level = 0
    while len(frontier):
        level += 1
        reached = moves[np.unique(row[frontier])].ravel()  # states sharing a row move alike
        reached = reached[depth[reached] < 0]
        depth[reached] = level
        frontier = np.flatnonzero(depth == level)
    return level - 1


class Identifier(LanguageIdentifier):
    """py3langid's identifier, walking its automaton with numpy (see the module docstring)."""

    __slots__ = ("_moves", "_rows", "_outputs", "_walk_depth", "fast")

    @classmethod
    def load(cls) -> Identifier:
        """Return the identifier of py3langid's shipped model, with probabilities normalised."""
        identifier = cls.from_model_file(MODEL_FILE, norm_probs=True)
        identifier._prepare()
        return identifier

    def _prepare(self) -> None:
        self._moves = np.frombuffer(self.tk_nextmove, np.dtype(self.tk_nextmove.typecode))
        self._rows = np.frombuffer(self.tk_row, np.dtype(self.tk_row.typecode)).astype(np.intp)
        self._outputs = np.asarray(self.tk_output, np.intp)
        self._walk_depth = _depth(self._moves.reshape(-1, 256), self._rows)
        self._rows <<= 8  # a state's first move in _moves
        self.fast = self.walks_alike(_CHECK)

    def walks_alike(self, text: str) -> bool:
        """Return whether this walk finds TEXT's n-grams as py3langid's own walk does."""
        data = self._encode(text)
        return self._visits(data) == visit_counts(
            self.tk_nextmove, self._rowbase, self.tk_output, data
        )

    def set_languages(self, langs=None):
        super().set_languages(langs)
        # A column subset is strided; rows are gathered from it per text: keep them together.
        self.nb_ptc = np.ascontiguousarray(self.nb_ptc)

    def _visits(self, text: bytes) -> dict[int, int] | None:
        """Return {n-gram feature: count} as py3langid's walk finds them, None if none."""
        data = np.frombuffer(text, np.uint8)
        size = len(data)
        states = np.zeros(size, np.intp)
        moves, rows = self._moves, self._rows
        # Step k feeds every position the byte k before it (positions with fewer bytes
        # before them start later), oldest byte first.
        for back in range(min(self._walk_depth, size) - 1, -1, -1):
            tail = states[back:]
            tail[:] = moves[rows[tail] + data[: size - back]]
        found = self._outputs[states]
        found = found[found >= 0]
        if not len(found):
            return None
        features, first, counts = np.unique(found, return_index=True, return_counts=True)
        order = np.argsort(first)  # first occurrences are distinct: no ties
        return dict(zip(features[order].tolist(), counts[order].tolist()))

    def _raw_score(self, text):
        if not self.fast:
            return super()._raw_score(text)
        visits = self._visits(text)
        if visits:
            features = np.fromiter(visits.keys(), np.intp, len(visits))
            counts = np.fromiter(visits.values(), np.float32, len(visits))
            return np.log1p(counts) @ self.nb_ptc[features].astype(np.float32) + self.nb_pc
        return super()._raw_score(b"")  # py3langid's answer for a text without features
