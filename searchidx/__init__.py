"""searchidx: full-text search for collections of news articles.

Data flows one way: ``ingest`` (files -> documents) -> ``analysis`` (text -> tokens) ->
``indexer`` (documents -> Whoosh index) -> ``search`` (query -> ranked hits and snippets).
The command line (``searchidx.cli``) and the web app (``web``) only call this API::

    from searchidx import Engine, index_paths
    index_paths("index", ["seeds"])
    result = Engine("index").search('"Triangle of Death"')
"""

__version__ = "0.1.0"

from .documents import Document, Hit, SearchResult  # noqa: E402
from .errors import (  # noqa: E402
    IndexUnavailable,
    IngestError,
    QueryError,
    QueryTimeout,
    SearchidxError,
)
from .indexer import IndexSummary, index_paths  # noqa: E402
from .search import Engine  # noqa: E402

__all__ = [
    "Document",
    "Engine",
    "Hit",
    "IndexSummary",
    "IndexUnavailable",
    "IngestError",
    "QueryError",
    "QueryTimeout",
    "SearchResult",
    "SearchidxError",
    "index_paths",
]
