"""A segment's postings gathered per term while documents are added, for ``codec`` to write.

Whoosh's writer hands every posting to a pool that sorts ``(field, term, doc, ...)`` tuples
at the end.  Our documents arrive in document order, so ``PostingsByTerm`` gathers the
text and ``Existence`` fields as flat tokens (``tokenbuffer``: the postings are made once,
with numpy) and keeps any other field's postings per term in arrays as they come, already
sorted; ``codec.NewsFieldWriter`` writes them term by term.  Past the writer's memory
limit they go to sorted runs on disk (``postingruns``).
"""

from __future__ import annotations

from array import array
from itertools import accumulate

from whoosh.writing import PostingPool

from . import poscodec
from .poscodec import Packed
from .tokenbuffer import TokenBuffer


class TermPostings:
    """A segment's postings gathered per term, in document order: what ``PostingsByTerm`` holds.

    Iterating yields Whoosh's sorted ``(fieldname, btext, docnum, weight, vbytes)`` tuples, so
    any consumer of a pool works; ``NewsFieldWriter`` takes the arrays per term instead.
    """

    def __init__(self, fields: dict) -> None:
        # fieldname -> btext -> [docnums, weights, value bytes, value lengths or None]
        self.by_field = fields

    def fields(self) -> dict[str, list[bytes]]:
        """Return each field's terms, both in Whoosh's order."""
        return {name: sorted(self.by_field[name]) for name in sorted(self.by_field)}

    def __iter__(self):
        for fieldname, texts in self.fields().items():
            terms = self.by_field[fieldname]
            for btext in texts:
                ids, weights, data, lengths = terms[btext]
                if isinstance(data, Packed):
                    values = poscodec.whoosh_values(*data)
                elif lengths is None:
                    values = [b""] * len(ids)
                else:
                    ends = list(accumulate(lengths))
                    values = [bytes(data[e - n : e]) for n, e in zip(lengths, ends)]
                for docnum, weight, value in zip(ids, weights, values):
                    yield fieldname, btext, docnum, weight, value


class PostingsByTerm(PostingPool):
    """Whoosh's posting pool, keeping postings per term in arrays instead of sorting tuples.

    Documents arrive in document order, so each term's postings are already sorted: the
    segment is written term by term (``NewsFieldWriter.add_postings``) with no sort of all
    postings and no Python call per posting.  Fields given analysed (``add_tokens``) are
    gathered as tokens (``tokenbuffer``); for others (``add_field``) a term's values
    (positions) are one ``bytearray`` with an array of their lengths, so a posting costs its
    value's bytes and 12 bytes more.  Past the writer's memory limit the postings are
    written to disk as a sorted run and gathering starts again (``postingruns``), so memory
    stays bounded; documents out of order or spelling words turn it into Whoosh's own pool.
    """

    _POSTING_BYTES = 12  # ids, weights, value lengths: 4 bytes each
    _TERM_BYTES = 400  # a term's key, list and four growing arrays

    def __init__(self, tempstore, segment, limitmb=128, **kwargs):
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        self._fields: dict | None = {}
        self._tokens: dict[str, TokenBuffer] = {}  # text fields gathered as flat tokens
        self._size = 0
        self._runs = None  # postingruns.PostingRuns, once the limit is first reached

    @property
    def gathering(self) -> bool:
        """True until the pool has handed over to Whoosh's sorted runs."""
        return self._fields is not None

    def _entry(self, terms: dict, btext: bytes) -> list:
        entry = terms[btext] = [array("I"), array("f"), bytearray(), None]
        self._size += self._TERM_BYTES + len(btext)
        return entry

    def add_tokens(self, fieldname: str, tokens, docnum: int, scorable: bool) -> int:
        """Add one field of document DOCNUM, analysed (``postings_build.Columns`` or ``Distinct``).

        Gathered as flat tokens (``tokenbuffer``) while documents come in order; else the
        tokens' Whoosh items go the way of ``add_field``.  Return the field's length when
        SCORABLE, else 0.
        """
        buffer = self._tokens.get(fieldname)
        if buffer is None and self._fields is not None and fieldname not in self._fields:
            buffer = self._tokens[fieldname] = TokenBuffer(hasattr(tokens, "positions"))
            self.fieldnames.add(fieldname)
        if buffer is None or docnum <= buffer.last_doc:
            if buffer is not None:
                self._spill()  # out of order: Whoosh's pool sorts
            self.add_field(fieldname, tokens.items(), docnum, False)
            return tokens.length() if scorable else 0
        if buffer.positions:
            self._size += buffer.add(docnum, tokens.terms, tokens.positions)
        else:
            self._size += buffer.add(docnum, tokens.terms)
        if self._size > self.limit:
            self._dump_run()
        return tokens.length() if scorable else 0

    def add(self, item):
        fields = self._fields
        if fields is not None and item[0] in self._tokens:
            self._spill()  # a posting for a field gathered as tokens: Whoosh's pool takes all
            fields = None
        if fields is None:
            return super().add(item)
        fieldname, btext, docnum, weight, value = item
        terms = fields.get(fieldname)
        if terms is None:
            terms = fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        entry = terms.get(btext)
        if entry is None:
            entry = self._entry(terms, btext)
        ids = entry[0]
        if docnum < 0 or (ids and docnum < ids[-1]):  # spelling words or out of order
            self._spill()
            return super().add(item)
        self._append(entry, docnum, weight, value)
        if self._size > self.limit:
            self._dump_run()

    def _append(self, entry: list, docnum: int, weight: float, value: bytes) -> None:
        entry[0].append(docnum)
        entry[1].append(weight)
        if value:
            lengths = entry[3]
            if lengths is None:  # the first value of the term: earlier postings had none
                lengths = entry[3] = array("I", bytes(4 * (len(entry[0]) - 1)))
            lengths.append(len(value))
            entry[2] += value
            self._size += len(value)
        elif entry[3] is not None:
            entry[3].append(0)
        self._size += self._POSTING_BYTES

    def add_field(self, fieldname: str, items, docnum: int, scorable: bool) -> int:
        """Add the ``(btext, freq, weight, vbytes)`` ITEMS of one field of document DOCNUM.

        The caller adds documents in increasing order while ``gathering``.  Return the
        field's length (the sum of frequencies) when SCORABLE, else 0.
        """
        if self._fields is None:  # spilled: Whoosh's way, a posting at a time
            length = 0
            for btext, freq, weight, value in items:
                super().add((fieldname, btext, docnum, weight, value))
                length += freq
            return length if scorable else 0
        buffer = self._tokens.get(fieldname)
        if buffer is not None:  # a lexicon field given as items (its value was not the body)
            if buffer.positions or docnum <= buffer.last_doc:
                self._spill()
                return self.add_field(fieldname, items, docnum, scorable)
            items = list(items)
            self._size += buffer.add(docnum, [btext for btext, *_ in items])
            if self._size > self.limit:
                self._dump_run()
            return sum(item[1] for item in items) if scorable else 0
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        if not isinstance(items, list):
            items = list(items)
        get = terms.get
        length = 0
        size = self._POSTING_BYTES * len(items)
        for btext, freq, weight, value in items:  # _append, inlined: a call a posting costs
            entry = get(btext)
            if entry is None:
                entry = self._entry(terms, btext)
            entry[0].append(docnum)
            entry[1].append(weight)
            if value:
                lengths = entry[3]
                if lengths is None:
                    lengths = entry[3] = array("I", bytes(4 * (len(entry[0]) - 1)))
                lengths.append(len(value))
                entry[2] += value
                size += len(value)
            elif entry[3] is not None:
                entry[3].append(0)
            length += freq
        self._size += size
        if self._size > self.limit:
            self._dump_run()
        return length if scorable else 0

    def _dump_run(self):
        """Write the gathered postings to disk as a sorted run and gather anew."""
        from .postingruns import PostingRuns  # it subclasses TermPostings, defined here

        if self._runs is None:
            self._runs = PostingRuns(self)
        self._runs.dump(self._grouped())
        self._fields, self._size = {}, 0

    def _grouped(self) -> dict:
        """Return every field's postings gathered so far: term entries, tokens grouped."""
        fields = dict(self._fields)
        for name, buffer in self._tokens.items():
            if len(buffer):
                fields[name] = buffer.grouped()
        return fields

    def _gathered(self, fields: dict):
        return TermPostings(fields) if self._runs is None else self._runs.merged(fields)

    def _spill(self):
        """Hand every posting to Whoosh's pool, which takes the rest from now on."""
        fields = self._grouped()
        self._fields, self._tokens = None, {}
        for item in self._gathered(fields):
            super().add(item)
        if self._runs is not None:
            self._runs.remove()

    def iter_postings(self):
        if self._fields is not None:
            return self._gathered(self._grouped())
        return super().iter_postings()

    def save(self):
        if self._fields is not None:  # Whoosh's multiprocess merge wants sorted runs
            self._spill()
        super().save()

    def cleanup(self):
        self._fields, self._tokens = None, {}
        if self._runs is not None:
            self._runs.remove()
        super().cleanup()
