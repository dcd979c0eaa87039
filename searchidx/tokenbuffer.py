"""A text field's tokens gathered flat while documents are added, made into postings once.

Whoosh turns each document's tokens into postings, one Python object a term a document,
and its pool keeps them per term.  A news article has a hundred or more distinct terms in
its body and as many words in the lexicon field, so that step cost more than the analysis
itself.  Here a document's tokens are appended to flat arrays as they come — each token's
term number (a dict lookup per token, in C) and position, each document's number and where
its tokens end — and the segment's postings are made from them once, with numpy: a stable
sort by term puts each term's tokens together in document and position order, and the
places where the term or the document changes cut them into postings.  What comes out is
what Whoosh's ``CountedPositions`` (or ``Existence``) format would have given for every
document: per posting its document, its weight (the tokens counted) and its positions, the
latter as ``poscodec.Packed`` arrays that ``codec`` writes as they are.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping, Sequence

import numpy as np

from .poscodec import Packed
from .sortedruns import stable_order

#: Bytes a gathered token costs, for the writer's memory limit: 8 while gathered (term
#: number, position), and while a field's postings are made, the sort's order and the
#: sorted copies of its columns come to about 20 more a token of that field.
TOKEN_BYTES = 32
#: Bytes a new term costs: its key, its bytes and its number.
TERM_BYTES = 120


class TokenBuffer:
    """The tokens of one text field of a segment's documents, in the order they were added.

    POSITIONS is False for a field that records only which documents hold a term (an
    ``Existence`` format: the lexicon's words, ID fields): each document then gives each
    term once.  Terms are ``str`` (from the analyzer) or ``bytes`` (Whoosh's terms of other
    fields), the same within a document.
    """

    def __init__(self, positions: bool) -> None:
        self.positions = positions
        self._numbers: dict[str, int] = _Numbers(self)  # term -> its number (kept across groupings)
        self._texts: list[bytes] = []  # a term number's UTF-8 bytes
        self._kind: type | None = None  # the terms' type: str (analysed text) or bytes
        self._clear()

    def _clear(self) -> None:
        self._terms = array("I")
        self._poses = array("I")
        self._docs = array("I")
        self._ends = array("Q")

    @property
    def last_doc(self) -> int:
        """Return the last document number added, or -1."""
        return self._docs[-1] if self._docs else -1

    def __len__(self) -> int:
        return len(self._terms)

    def add(self, docnum: int, terms: Sequence[str], positions: Sequence[int] = ()) -> int:
        """Add document DOCNUM's TERMS (with their POSITIONS); return the bytes it costs."""
        if terms and type(terms[0]) is not self._kind:
            if self._kind is None:
                self._kind = type(terms[0])
            else:  # one term as str and as bytes would be two terms: keep to the first kind
                terms = [
                    t.decode("utf-8") if self._kind is str else t.encode("utf-8") for t in terms
                ]
        before = len(self._texts)
        gathered = len(self._terms)
        # New terms are numbered on the way.  ``fromlist`` of a list: an array's ``extend``
        # takes any other iterable an item at a time, six times slower.
        self._terms.fromlist(list(map(self._numbers.__getitem__, terms)))
        count = len(self._terms) - gathered
        if self.positions:
            self._poses.fromlist(positions if type(positions) is list else list(positions))
        self._docs.append(docnum)
        self._ends.append(len(self._terms))
        return TOKEN_BYTES * count + TERM_BYTES * (len(self._texts) - before)

    def _number(self, term: str | bytes) -> int:
        number = self._numbers[term] = len(self._texts)
        self._texts.append(term if self._kind is bytes else term.encode("utf-8"))
        return number

    def grouped(self) -> GroupedTerms:
        """Return the postings of the tokens gathered so far, and start gathering anew."""
        grouped = GroupedTerms.of(self)
        self._clear()
        return grouped


class _Numbers(dict):
    """A buffer's term numbers: a term looked up for the first time gets the next number.

    Terms seen before are looked up in C (``map``); only a new one costs a Python call.
    """

    __slots__ = ("_buffer",)

    def __init__(self, buffer: TokenBuffer):
        super().__init__()
        self._buffer = buffer

    def __missing__(self, term: str | bytes) -> int:
        return self._buffer._number(term)


_CHUNK = 1 << 20


def _deltas_in_place(positions: np.ndarray, posting_starts: np.ndarray) -> None:
    """Turn POSITIONS (sorted within each posting) into Whoosh's deltas, in place.

    A posting's first delta is its first position.  Done from the end in chunks, so the
    subtraction never reads a value it has already changed and needs no copy of it all.
    """
    firsts = positions[posting_starts]
    end = len(positions)
    while end > 1:
        start = max(1, end - _CHUNK)
        positions[start:end] -= positions[start - 1 : end - 1].copy()  # wraps at a posting start
        end = start
    positions[posting_starts] = firsts


class GroupedTerms(Mapping):
    """A field's postings per term, in Whoosh's term order: term bytes -> a pool entry.

    An entry is ``(ids, weights, positions, None)``: the documents (``array('I')``), the
    weights (``array('f')``) and the positions (``poscodec.Packed``, or an empty
    ``bytearray`` for a field without them), made when asked for.
    """

    def __init__(self, texts, ids, counts, term_starts, deltas, token_starts) -> None:
        self._texts = texts  # the terms' bytes, sorted
        self._index = {text: n for n, text in enumerate(texts)}
        self._ids = ids  # per posting
        self._counts = counts  # per posting: its tokens
        self._term_starts = term_starts  # per term, where its postings start (and the end)
        self._deltas = deltas  # per token (None without positions)
        self._token_starts = token_starts  # per posting, where its tokens start (and the end)

    @classmethod
    def of(cls, buffer: TokenBuffer) -> GroupedTerms:
        n = len(buffer._terms)
        if not n:
            return cls([], None, None, None, None, None)
        terms = np.frombuffer(buffer._terms, np.uint32)
        # The terms these tokens use (numbers are dense: a count a number, not a sort).
        present = np.flatnonzero(np.bincount(terms, minlength=len(buffer._texts))).tolist()
        texts = buffer._texts
        present.sort(key=texts.__getitem__)
        rank = np.zeros(len(texts), np.uint32)
        rank[present] = np.arange(len(present), dtype=np.uint32)
        keys = rank[terms]
        order = stable_order(keys)  # tokens of a term stay in document order
        keys = keys[order]
        ends = np.frombuffer(buffer._ends, np.uint64).astype(np.int64)
        docs = np.repeat(np.frombuffer(buffer._docs, np.uint32), np.diff(ends, prepend=0))
        docs = docs[order]
        deltas = None
        if buffer.positions:
            deltas = np.frombuffer(buffer._poses, np.uint32)[order]
        del order
        starts = np.ones(n, bool)  # where a posting starts: its term or document changes
        np.not_equal(keys[1:], keys[:-1], out=starts[1:])
        starts[1:] |= docs[1:] != docs[:-1]
        posting_starts = np.flatnonzero(starts).astype(np.uint32)
        del starts
        ids = docs[posting_starts]
        del docs
        posting_keys = keys[posting_starts]
        del keys
        term_starts = np.flatnonzero(np.r_[True, posting_keys[1:] != posting_keys[:-1]])
        term_starts = np.append(term_starts, len(posting_keys))
        del posting_keys
        posting_starts = np.append(posting_starts, np.uint32(n))
        counts = np.diff(posting_starts)
        if deltas is not None:
            _deltas_in_place(deltas, posting_starts[:-1])
        return cls([texts[t] for t in present], ids, counts, term_starts, deltas, posting_starts)

    def arrays(self) -> tuple:
        """Return (term bytes, ids, counts, term starts, deltas, token starts): all of it."""
        return (
            self._texts,
            self._ids,
            self._counts,
            self._term_starts,
            self._deltas,
            self._token_starts,
        )

    def __len__(self) -> int:
        return len(self._texts)

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._texts)

    def __getitem__(self, btext: bytes) -> tuple:
        n = self._index[btext]
        a, b = int(self._term_starts[n]), int(self._term_starts[n + 1])
        ids = array("I", self._ids[a:b].tobytes())
        counts = self._counts[a:b]
        weights = array("f", counts.astype(np.float32).tobytes())
        if self._deltas is None:
            return ids, weights, bytearray(), None
        deltas = self._deltas[int(self._token_starts[a]) : int(self._token_starts[b])]
        return ids, weights, Packed(counts, deltas), None
