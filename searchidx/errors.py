"""Exceptions raised by the core; the front ends turn them into one-line messages."""


class SearchidxError(Exception):
    """Base class: the message is one line that says what went wrong and what to do."""


class QueryError(SearchidxError):
    """The query string cannot be parsed or is outside the limits."""


class IngestError(SearchidxError):
    """A file cannot be turned into documents (binary, unreadable, empty, ...)."""


class IndexUnavailable(SearchidxError):
    """The index is missing, locked by another writer, or unreadable."""


class QueryTimeout(QueryError):
    """The search ran past the time limit of one query (setting ``query_timeout``)."""
