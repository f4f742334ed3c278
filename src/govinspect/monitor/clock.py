"""Clocks for the monitor loop: the real one, and a scaled one for benchmarks and drills.

The loop only asks a clock for `now()` (Unix seconds) and to `sleep(seconds)`; tests pass a
fake clock whose sleep advances time at once.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol


class Clock(Protocol):
    """What the monitor loop needs of time."""

    def now(self) -> float:
        """Current Unix time as the schedule sees it."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` of this clock's time."""
        ...


class SystemClock:
    """Wall-clock time."""

    def now(self) -> float:
        """`time.time()`."""
        return time.time()

    async def sleep(self, seconds: float) -> None:
        """`asyncio.sleep`."""
        await asyncio.sleep(max(0.0, seconds))


class ScaledClock:
    """Time running `scale` times faster than the wall clock, from `start` (default: now).

    Used to squeeze a day's schedule into minutes (benchmarks, drills): every slot keeps its
    place, only faster. Probes themselves still take real time.
    """

    def __init__(self, scale: float, start: float | None = None) -> None:
        if scale <= 0:
            raise ValueError("scale must be positive")
        self.scale = scale
        self._real0 = time.monotonic()
        self._start = time.time() if start is None else start

    def now(self) -> float:
        """Scaled Unix time."""
        return self._start + (time.monotonic() - self._real0) * self.scale

    async def sleep(self, seconds: float) -> None:
        """Sleep `seconds` of scaled time."""
        await asyncio.sleep(max(0.0, seconds) / self.scale)
