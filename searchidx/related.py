"""Related articles: more like this one, from its key terms, without its own copies.

The key terms of an article's title and body are weighed against the whole index (Whoosh's
Bo1 divergence-from-randomness model: words the article uses far more than the archive
does), and the articles that best match those terms are related.  The article itself is
left out, and so are its copies: the documents of the same story when the index groups
copies into stories (a ``story`` field), otherwise those with the same title and body.
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh import query as wq

from .documents import Copy

KEY_TERMS = 12  # more terms find better neighbours; each costs one more posting list
MAX_RELATED = 5
_SPARE = 10  # extra candidates fetched so that copies left out still leave enough


@dataclass(frozen=True)
class Related(Copy):
    """One related article: what a copy shows, with its similarity score."""

    score: float = 0.0

    def to_dict(self) -> dict:
        return {**super().to_dict(), "score": round(self.score, 4)}


def _copy_key(fields: dict) -> tuple[str, str]:
    return (" ".join(fields.get("title", "").split()), " ".join(fields.get("body", "").split()))


def similar(searcher, doc_id: str, limit: int = MAX_RELATED) -> list[Related] | None:
    """Return up to LIMIT articles related to document DOC_ID, best first (None: no such id)."""
    docnum = searcher.document_number(id=doc_id)
    if docnum is None:
        return None
    fields = searcher.stored_fields(docnum)
    text = f"{fields.get('title', '')}\n\n{fields.get('body', '')}"
    terms = searcher.key_terms_from_text("body", text, numterms=KEY_TERMS)
    if not terms or limit < 1:
        return []
    q = wq.Or([wq.Term("body", term, boost=weight) for term, weight in terms])
    story = fields.get("story") if "story" in searcher.schema else None
    mask = wq.Term("story", story) if story else None
    own = _copy_key(fields)
    found: list[Related] = []
    for hit in searcher.search(q, limit=limit + _SPARE, mask=mask):
        if hit.docnum == docnum:
            continue
        other = hit.fields()
        if not story and _copy_key(other) == own:
            continue
        found.append(
            Related(
                other["id"],
                other.get("title", ""),
                other.get("date"),
                other.get("source", ""),
                score=float(hit.score or 0.0),
            )
        )
        if len(found) == limit:
            break
    return found
