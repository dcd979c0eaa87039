"""The named bound of an indexing run's peak memory (RSS of the process tree)."""

from __future__ import annotations

from .config import setting


def build_bound_mb(docs: int, jobs: int) -> float:
    """Return the bound, in MB, of the peak RSS of a build of DOCS documents with JOBS."""
    writer = int(setting("writer_memory_mb"))
    return 150 * (jobs + 1) + writer * jobs * 2 + docs * 400 / 1e6
