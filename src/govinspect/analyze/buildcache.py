"""A disk cache for data compiled from the packaged word lists.

Compiling the critical terms (`analyze/misstatements.py`) reads every term's pinyin: it imports
pypinyin's dictionaries and takes about a quarter of a second of CPU, in every process that
analyses pages (the crawl's analysis worker compiles them while the first pages wait). The
result depends only on the data files and on the code that compiles them, so it is pickled
under a key made of both (and of the Python and pypinyin versions) in the user's cache
directory, and read back in a few milliseconds next time.

Anything wrong with the cache (no home directory, a read-only disk, a truncated or foreign
file) only costs the compile: `cached` never fails because of its cache.

The directory is `$GOVINSPECT_CACHE_DIR`, else `$XDG_CACHE_HOME/govinspect`, else
`~/.cache/govinspect`; `GOVINSPECT_CACHE_DIR=off` disables the cache.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

__all__ = ["cache_dir", "cached"]

T = TypeVar("T")
_FORMAT = b"govinspect-buildcache-1"


def cache_dir() -> Path | None:
    """Where compiled data is kept, or None when caching is off or no place is known."""
    chosen = os.environ.get("GOVINSPECT_CACHE_DIR")
    if chosen:
        return None if chosen.lower() == "off" else Path(chosen)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "govinspect"
    try:
        return Path.home() / ".cache" / "govinspect"
    except RuntimeError:  # no home directory
        return None


def _key(name: str, inputs: Iterable[bytes]) -> str:
    h = hashlib.sha256(_FORMAT)
    h.update(sys.version.encode())
    for part in (name.encode(), *inputs):
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()[:32]


def cached(name: str, inputs: Iterable[bytes], build: Callable[[], T]) -> T:
    """`build()`, or its pickled result from an earlier call with the same `name` and `inputs`.

    `inputs` must hold everything the result depends on (data files, the source of the code
    that builds it, versions of libraries it reads); `build()` must return something picklable.
    """
    directory = cache_dir()
    if directory is None:
        return build()
    path = directory / f"{name}-{_key(name, inputs)}.pickle"
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)  # noqa: S301 (our own file, keyed by the hash of its inputs)
    except FileNotFoundError:
        pass
    except Exception:  # a damaged or foreign file: rebuild and replace it
        pass
    value = build()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{name}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)  # atomic: a concurrent reader sees the old file or the new one
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except Exception:  # a read-only or full disk: the value is still good
        pass
    return value
