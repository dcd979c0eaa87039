"""The named bounds of memory: an indexing run's and a server's peak, from the settings.

Indexing (``searchidx index --jobs J``), the RSS of the whole process tree stays under

    (J + 1) x 250 MB  +  J x 1.25 x writer_memory_mb  +  1.5 KB x documents in the index

* 250 MB a process: the interpreter, numpy, NLTK, Whoosh and the language model (about
  150 MB measured), the analysis caches (bounded), the term index of the segment being
  written (its vocabulary) and the parent's two 4 MB filters (``seenids``, ``duplicates``);
* each worker's postings: at ``writer_memory_mb`` they are written to disk as a sorted run
  (``postingruns``); the pool's count is within ~10% of what it allocates, and merging the
  runs holds about one term a run;
* a document costs the parent, for the whole run, its copy-detection entry (a 128-byte
  MinHash signature, a story id and 16 band keys: ~330 bytes, ``duplicates.StoryFinder``;
  about twice that while its tables grow or merge) and its id (28 bytes, ``seenids``); a
  worker its per-document columns and lengths; and Python's allocator keeps some of what
  was freed.  Measured (``benchmarks/scale.py``, ``--jobs 2``): the tree's peak grew 1.45 KB
  a document from 42,648 to 170,592 documents.  This is the part that grows with the
  collection: copies of a story are found among all the articles, so their signatures are
  kept.

Serving (``searchidx serve --workers W``), the proportional set size (PSS: shared pages split
among the processes sharing them) of the server's processes stays under

    (W + 1) x 150 MB  +  W x posting_cache_mb  +  the index's size on disk

* decoded posting lists, field lengths and the per-segment facet, story and day arrays share
  one bounded cache a process (``postings.cache()``, ``posting_cache_mb``), whatever the
  number of threads;
* segment files are read in place from their memory map (``mmapview``): their pages are
  the operating system's page cache, shared by every thread and worker (counted in RSS
  once a page is read, in PSS once over all processes);
* the words lexicon (did-you-mean, completion) grows with the vocabulary, not the articles.

``benchmarks/scale.py`` reports both beside the measured peaks at each point of its curve.
"""

from __future__ import annotations

from .config import setting

PROCESS_MB = 250  # an indexing process before any postings or documents
SERVE_PROCESS_MB = 150  # a serving process before its cache
POOL_SLACK = 1.25  # what a worker's postings pool may allocate over writer_memory_mb
DOCUMENT_KB = 1.5  # what a document in the index costs the indexing run (measured 1.45)


def build_bound_mb(docs: int, jobs: int, writer_memory_mb: int | None = None) -> float:
    """Return the bound, in MB, of the peak RSS of an indexing run's process tree."""
    if writer_memory_mb is None:
        writer_memory_mb = int(setting("writer_memory_mb"))
    jobs = max(1, jobs)
    workers = jobs if jobs > 1 else 0  # --jobs 1 writes in the indexing process itself
    pools = jobs * POOL_SLACK * writer_memory_mb
    return (workers + 1) * PROCESS_MB + pools + DOCUMENT_KB * docs / 1000


def serve_bound_mb(index_mb: float, workers: int, posting_cache_mb: float | None = None) -> float:
    """Return the bound, in MB, of the PSS of a server's processes on an index of INDEX_MB."""
    if posting_cache_mb is None:
        posting_cache_mb = float(setting("posting_cache_mb"))
    workers = max(1, workers)
    parent = 1 if workers > 1 else 0  # --workers N > 1: a parent that forks and waits
    return (workers + parent) * SERVE_PROCESS_MB + workers * posting_cache_mb + index_mb
