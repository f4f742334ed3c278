"""The event loop that runs a command's coroutine: uvloop when it is installed, else asyncio's.

A links-only sweep spends most of the crawler's process in the event loop and the HTTP
client's callbacks; uvloop's loop (libuv, written in Cython) does the same work for less CPU:
the 3,200-page benchmark site is crawled about 10 % faster (bench/RESULTS.md). Behaviour is
the same on both loops; the network tests run on each of them.

`GOVINSPECT_EVENT_LOOP=asyncio` keeps the standard loop (to rule the loop out when
something looks wrong); uvloop is not available on Windows, where asyncio's loop is used.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

EVENT_LOOP_ENV = "GOVINSPECT_EVENT_LOOP"

_T = TypeVar("_T")


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's `new_event_loop`, or None for asyncio's own loop (not installed, or turned
    off with GOVINSPECT_EVENT_LOOP=asyncio)."""
    if os.environ.get(EVENT_LOOP_ENV, "").strip().lower() == "asyncio":
        return None
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def run(coro: Coroutine[Any, Any, _T]) -> _T:
    """Run `coro` to completion on a new loop (as `asyncio.run` does) and return its result."""
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(coro)


__all__ = ["EVENT_LOOP_ENV", "loop_factory", "run"]
