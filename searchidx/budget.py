"""The query budget: a search that runs past ``query_timeout`` seconds stops with QueryTimeout.

Both search paths check it as they go: ``fastpath`` between posting lists and every few
thousand documents matched by Whoosh, and ``BudgetCollector`` (wrapped around Whoosh's
collectors) every few thousand collected documents.  A stopped search holds nothing: other
searches run on their own searchers meanwhile (``search.Engine``).
"""

from __future__ import annotations

import time

from whoosh import collectors

from .config import setting
from .errors import QueryTimeout

_EVERY = 1024  # collected documents between two looks at the clock


class Budget:
    """The time one search may take, starting now (SECONDS <= 0: no limit)."""

    def __init__(self, seconds: float | None = None):
        self.seconds = float(setting("query_timeout")) if seconds is None else float(seconds)
        start = time.perf_counter()
        self.deadline = start + self.seconds if self.seconds > 0 else None

    def check(self) -> None:
        """Raise QueryTimeout when the budget is spent."""
        if self.deadline is not None and time.perf_counter() > self.deadline:
            raise QueryTimeout(
                f"the query took longer than {self.seconds:g}s and was stopped: "
                "use fewer or rarer words, a phrase, or a filter"
            )


class BudgetCollector(collectors.WrappingCollector):
    """A Whoosh collector that stops the search when BUDGET is spent."""

    def __init__(self, child, budget: Budget):
        super().__init__(child)
        self.budget = budget
        self._count = 0

    def collect(self, sub_docnum):
        self._count += 1
        if self._count % _EVERY == 0:
            self.budget.check()
        return self.child.collect(sub_docnum)

    def set_subsearcher(self, subsearcher, offset):
        self.budget.check()
        super().set_subsearcher(subsearcher, offset)

    def computes_count(self):
        return self.child.computes_count()
