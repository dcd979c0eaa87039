"""Read saved web pages (``.html``/``.htm``): the article, not the page around it.

trafilatura finds the main text (dropping navigation, ads, share bars and comments) and the
metadata: headline, publication date, site name and canonical URL.  When it finds no text
(a page that is mostly markup), the ``<title>`` and the visible text are kept instead, with
the date, site name and URL of the page's metadata, so a page is never lost for being unusual.
"""

from __future__ import annotations

import re
import warnings

import lxml.html
from lxml import etree

from ..documents import Document
from ..errors import IngestError
from .article import first_words
from .dates import parse_date_value
from .sources import is_tagline

# Packages under trafilatura whose warnings (deprecations, odd URLs or dates in a page) say
# nothing about our code; they are silenced for the extraction call only.
_THIRD_PARTY = r"(trafilatura|htmldate|courlan|justext|lxml_html_clean|dateparser|dateutil)(\.|$)"
_DATE_PARAMS = {
    "outputformat": "%Y-%m-%dT%H:%M:%S",
    "original_date": True,
    "extensive_search": True,
}
# "Headline | Site", "Headline - Site", "Headline — Site": the last part names the site.
_TITLE_SEPARATOR = re.compile(r"\s+(?:\||-|–|—|::|·)\s+")
_SITE_WORDS_MAX = 5
# A precise extraction shorter than this is checked against the default one (see _article).
_SHORT_ARTICLE = 500  # bytes of text
_LONGER_BY = 2.5
_INVISIBLE = ("script", "style", "noscript", "template", "head", "svg", "iframe")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


def _extract(text: str, precise: bool = True):
    """Return trafilatura's document for the page TEXT, or None when it finds no article."""
    from trafilatura import bare_extraction  # imported here: it takes a second to load

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module=_THIRD_PARTY)
        return bare_extraction(
            text,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            favor_precision=precise,  # leaves out inline promotions that recall would keep
            date_extraction_params=_DATE_PARAMS,
        )


def _text_length(extracted) -> int:
    # In UTF-8 bytes, so that 200 characters of Japanese count as about 600 of English.
    return len((extracted.text or "").strip().encode("utf-8")) if extracted is not None else 0


def _article(text: str):
    """Return trafilatura's article for TEXT: the precise reading, unless it is a scrap.

    On some pages the precise reading keeps a caption or a comment-policy box and drops the
    article; when it is short and the default reading is much longer, the default wins
    (benchmarks/extraction.py: mean recall 0.90 -> 0.93 on newspaper-pages, precision the same).
    """
    precise = _extract(text)
    if _text_length(precise) >= _SHORT_ARTICLE:
        return precise
    default = _extract(text, precise=False)
    if _text_length(default) >= _LONGER_BY * max(_text_length(precise), 1):
        return default
    return precise


def _metadata(tree):
    """Return (date, site name, URL) from the page's metadata alone (no article needed)."""
    from trafilatura.metadata import extract_metadata

    if tree is None:
        return None, "", ""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module=_THIRD_PARTY)
        try:
            meta = extract_metadata(tree, date_config=_DATE_PARAMS)
        except Exception:  # metadata is a bonus: a page it chokes on keeps its text
            return None, "", ""
    date = parse_date_value(meta.date) if meta and meta.date else None
    return (
        date,
        (meta.sitename or "").strip() if meta else "",
        (meta.url or "").strip() if meta else "",
    )


def _tree(text: str):
    try:
        return lxml.html.document_fromstring(_XML_DECLARATION.sub("", text, count=1))
    except (etree.ParserError, ValueError):
        return None


def _page_title(tree) -> str:
    if tree is None:
        return ""
    found = tree.find(".//title")
    return " ".join(found.text_content().split()) if found is not None else ""


def _visible_text(tree) -> str:
    if tree is None:
        return ""
    # Listed first: dropping elements while iterating would skip their next siblings.
    for element in list(tree.iter(etree.Comment, *_INVISIBLE)):
        element.drop_tree()
    lines = (" ".join(line.split()) for line in tree.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def site_from_title(page_title: str, headline: str) -> str:
    """Return the site name that ends PAGE_TITLE ("Headline | Site"), or ""."""
    parts = _TITLE_SEPARATOR.split(page_title)
    if len(parts) < 2:
        return ""
    site = parts[-1].strip()
    if not site or len(site.split()) > _SITE_WORDS_MAX or site.lower() in headline.lower():
        return ""
    return site


def _without_headline(body: str, title: str) -> str:
    first, _, rest = body.partition("\n")
    return rest.lstrip("\n") if title and first.strip() == title.strip() else body


def read_html(text: str, file_id: str, path: str) -> Document:
    """Return the article in the saved web page TEXT.

    Raises IngestError when the page has no text at all.
    """
    extracted = _article(text)
    tree = _tree(text)
    page_title = _page_title(tree)
    if extracted is not None and (extracted.text or "").strip():
        title = (extracted.title or "").strip() or page_title
        body = _without_headline(extracted.text, title)
        date = parse_date_value(extracted.date)
        site = (extracted.sitename or "").strip()
        url = (extracted.url or "").strip()
    else:
        # Read before _visible_text, which drops the <head> holding the metadata.
        date, site, url = _metadata(_tree(text))
        title, body = page_title, _visible_text(tree)
    if not body.strip() and not title:
        raise IngestError("no text in the page")
    if not site or is_tagline(site):  # "Headline | Site" names the site where a slogan does not
        site = site_from_title(page_title, title) or ("" if is_tagline(site) else site)
    title = title or first_words(body)
    return Document(id=file_id, title=title, body=body, date=date, source=site, url=url, path=path)
