"""Compiled report templates kept between runs.

Jinja compiles a template to Python on first use: ~70 ms for report.html, in every command
that writes one. Its bytecode cache keeps the result in the user's cache directory (the one
`analyze/buildcache.py` uses), keyed by the template's source, Jinja's and Python's versions.
As there, the cache never costs more than the compile: an unreadable, unwritable or damaged
cache file is ignored.
"""

from __future__ import annotations

from functools import lru_cache

import jinja2
from jinja2.bccache import Bucket

from govinspect.analyze.buildcache import cache_dir

__all__ = ["bytecode_cache"]


class _ForgivingCache(jinja2.FileSystemBytecodeCache):
    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # truncated or foreign file: compile afresh
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:  # read-only or full disk: the compiled template is still good
            pass


@lru_cache(maxsize=1)
def bytecode_cache() -> jinja2.BytecodeCache | None:
    """The shared bytecode cache, or None when caching is off or there is nowhere to keep it."""
    base = cache_dir()
    if base is None:
        return None
    directory = base / "jinja2"
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _ForgivingCache(str(directory))
