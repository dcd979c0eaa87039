"""Every setting, declared once with its default, environment variable and help.

The CLI options, the web app's config and the core all read from ``SETTINGS``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    envvar: str | None
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("index", "index", "SEARCHIDX_INDEX", "Folder holding the index."),
    Setting("seeds", "seeds", None, "Folder indexed when no path is given."),
    Setting(
        "stemmer",
        "porter",
        "SEARCHIDX_STEMMER",
        "NLTK stemmer for new indexes: porter, snowball, lancaster or none.",
    ),
    Setting(
        "title_boost",
        0.5,
        "SEARCHIDX_TITLE_BOOST",
        "Extra weight of a headline match (the body field already holds the headline).",
    ),
    Setting("bm25_k1", 1.2, "SEARCHIDX_BM25_K1", "BM25 term-frequency saturation."),
    Setting("bm25_b", 0.75, "SEARCHIDX_BM25_B", "BM25 document-length normalisation."),
    Setting(
        "bm25_idf",
        "fts5",
        "SEARCHIDX_BM25_IDF",
        "BM25 idf: fts5 (common words fall to ~0) or lucene (never below log 2).",
    ),
    Setting(
        "count_repeats",
        1,
        "SEARCHIDX_COUNT_REPEATS",
        "1: a word typed N times in a query weighs N times (query-term frequency); 0: once.",
    ),
    Setting(
        "proximity_weight",
        0.3,
        "SEARCHIDX_PROXIMITY_WEIGHT",
        "Weight of the bonus for query words near each other (0 turns re-ranking off).",
    ),
    Setting(
        "proximity_window",
        5,
        "SEARCHIDX_PROXIMITY_WINDOW",
        "Positions within which two query words count as near.",
    ),
    Setting(
        "proximity_span",
        1,
        "SEARCHIDX_PROXIMITY_SPAN",
        "Words at most this far apart in the query form pairs (0: any two words).",
    ),
    Setting(
        "rerank_depth",
        30,
        "SEARCHIDX_RERANK_DEPTH",
        "First-stage results re-ranked by proximity.",
    ),
    Setting(
        "feedback_terms",
        0,
        "SEARCHIDX_FEEDBACK_TERMS",
        "Pseudo-relevance-feedback words added to a batch topic (0: none).",
    ),
    Setting("page_size", 10, None, "Results on a page."),
    Setting("max_page_size", 100, None, "Largest page size a caller may ask for."),
    Setting("max_results", 10_000, None, "Deepest result a page may reach (page x page size)."),
    Setting("max_query_length", 1_000, None, "Longest query string accepted, in characters."),
    Setting("export_limit", 10_000, None, "Most matches one CSV or JSON Lines export holds."),
    Setting("feed_entries", 20, None, "Newest matches in a results page's Atom feed."),
    Setting("facet_values", 20, None, "Most values listed for each facet (sources, years)."),
    Setting(
        "posting_cache_mb",
        256,
        "SEARCHIDX_POSTING_CACHE_MB",
        "Memory for decoded posting lists kept between searches, in MB.",
    ),
    Setting(
        "stored_cache_mb",
        32,
        "SEARCHIDX_STORED_CACHE_MB",
        "Memory for decompressed stored-field blocks kept between searches, in MB.",
    ),
    Setting(
        "query_timeout",
        1.0,
        "SEARCHIDX_QUERY_TIMEOUT",
        "Seconds one search may run before it stops with an error (0: no limit).",
    ),
    Setting(
        "query_cache",
        1000,
        "SEARCHIDX_QUERY_CACHE",
        "Parsed queries (and suggestions) kept per engine for the index generation (0: none).",
    ),
    Setting("snippet_chars", 200, None, "Length of one snippet fragment, in characters."),
    Setting("snippet_fragments", 3, None, "Most fragments in a snippet."),
    Setting(
        "lock_timeout", 10.0, "SEARCHIDX_LOCK_TIMEOUT", "Seconds an indexer waits for another."
    ),
    Setting("writer_memory_mb", 128, None, "Memory for the index writer's buffer, in MB."),
    Setting(
        "max_file_mb",
        64,
        "SEARCHIDX_MAX_FILE_MB",
        "Larger files are skipped, in MB (JSON Lines and CSV: larger records).",
    ),
    Setting(
        "watch_delay",
        0.5,
        "SEARCHIDX_WATCH_DELAY",
        "--watch: seconds of quiet after a change before its batch is indexed.",
    ),
    Setting(
        "watch_max_delay",
        3.0,
        "SEARCHIDX_WATCH_MAX_DELAY",
        "--watch: most seconds a change waits for its batch, however busy the folder.",
    ),
    Setting("host", "127.0.0.1", "SEARCHIDX_HOST", "Address the web server binds to."),
    Setting("port", 5000, "SEARCHIDX_PORT", "Port the web server listens on."),
    Setting("workers", 1, "SEARCHIDX_WORKERS", "Web server processes (2 uses both cores of 2)."),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def setting(name: str):
    """Return the value of setting NAME: its environment variable if set, else the default."""
    spec = _BY_NAME[name]
    raw = os.environ.get(spec.envvar) if spec.envvar else None
    if raw is None or raw == "":
        return spec.default
    kind = type(spec.default)
    try:
        return kind(raw)
    except ValueError:
        raise ValueError(f"{spec.envvar}={raw!r} is not a valid {kind.__name__}") from None


def envvar(name: str) -> str | None:
    """Return the environment variable that sets NAME, if any."""
    return _BY_NAME[name].envvar


def help_text(name: str) -> str:
    """Return the help text of setting NAME."""
    return _BY_NAME[name].help
