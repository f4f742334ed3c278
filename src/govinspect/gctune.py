"""Garbage-collector settings for govinspect's processes.

A crawl allocates container objects by the million (fetch results, header lists, futures),
almost all short-lived and freed by reference counting. CPython's default threshold starts a
young-generation collection every 700 net allocations, and the older generations are walked
whole every 10 of those: ~0.1 s over a 3,000-page crawl. Higher thresholds do the same work
in fewer passes and walk the long-lived objects (modules, word lists, automata) far less
often. Reference cycles are still collected, only some 10,000 allocations later.
"""

from __future__ import annotations

import gc

__all__ = ["tune_gc"]

THRESHOLDS = (10_000, 20, 20)


def tune_gc() -> None:
    """Set the collection thresholds for a batch run (the command line and the analysis worker)."""
    gc.set_threshold(*THRESHOLDS)
