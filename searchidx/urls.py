"""Index URLs so that ``url:`` finds a page by its site, a part of its host or a path word.

For ``https://www.phys.org/news/2014-12-ancient-rivers.html`` the ``url`` field holds:

* the URL itself, as written (an exact lookup: ``url:"https://www.phys.org/news/..."``);
* the host, lower-cased, with and without ``www.`` (``www.phys.org``, ``phys.org``), and
  each parent domain of two labels or more (``bbc.co.uk`` for ``news.bbc.co.uk``);
* the host's labels except ``www`` (``phys``, ``org``);
* the words of the path, lower-cased (``news``, ``2014``, ``12``, ``ancient``, ``rivers``,
  ``html``).

A query value is one term: a whole URL matches the URL, anything else is lower-cased and
matches a host, a label or a path word.  The analyzer is a module-level class because Whoosh
pickles the schema into the index.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from whoosh.analysis import Tokenizer

from .wholeterms import whole_value_tokens

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_PATH_WORD = re.compile(r"[^\W_]+")


def url_terms(url: str) -> list[str]:
    """Return the terms the ``url`` field indexes for URL (see the module docstring)."""
    url = url.strip()
    if not url:
        return []
    parts = urlsplit(url if _SCHEME.match(url) or url.startswith("//") else "//" + url)
    host = (parts.hostname or "").rstrip(".")
    terms = [url]
    if host:
        bare = host[4:] if host.startswith("www.") else host
        labels = bare.split(".")
        terms += [host, bare]
        terms += [".".join(labels[i:]) for i in range(1, len(labels) - 1)]
        terms += labels
    terms += _PATH_WORD.findall(parts.path.casefold())
    seen: set[str] = set()
    return [t for t in terms if t and not (t in seen or seen.add(t))]


def query_term(value: str) -> str:
    """Return the one term a ``url:`` query VALUE looks up."""
    value = value.strip()
    return value if _SCHEME.match(value) else value.casefold()


class UrlTokenizer(Tokenizer):
    """Tokenize a URL into the terms of ``url_terms`` (a query value into one term)."""

    def __call__(self, value, tokenize=True, mode="", **kwargs):
        # tokenize=False changes nothing: every URL term is already whole.
        terms = [query_term(value)] if mode == "query" else url_terms(value)
        return whole_value_tokens([t for t in terms if t], value, mode=mode, **kwargs)
