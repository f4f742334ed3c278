"""Wall-clock timestamps as the crawl and its evidence write them, formatted once per second.

Every fetch stamps its page and its WARC records; a crawl makes hundreds a second, and
`datetime` formatting cost more than the records' digests. The whole-second part is cached;
the result is exactly what `datetime.fromtimestamp(ts, tz)` would format (a fraction that
rounds up into the next second, or a time before 1970, is formatted the plain way).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from functools import lru_cache

__all__ = ["CST", "cst_millis", "cst_seconds", "utc_seconds_z"]

CST = timezone(timedelta(hours=8), "Asia/Shanghai")


def _split_second(ts: float) -> tuple[int, int] | None:
    """(whole second, microseconds) as `datetime.fromtimestamp` rounds them (half-even on the
    fraction), or None when the rounding carries into the next second or ts is negative."""
    sec = math.floor(ts)
    us = round((ts - sec) * 1e6)
    if us >= 1_000_000 or sec < 0:
        return None
    return sec, us


@lru_cache(maxsize=16)
def _cst_second(sec: int) -> str:
    return datetime.fromtimestamp(sec, CST).isoformat(timespec="seconds")


@lru_cache(maxsize=16)
def _utc_second(sec: int) -> str:
    return datetime.fromtimestamp(sec, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def cst_seconds(ts: float) -> str:
    """ISO 8601 in China Standard Time, second precision: 2024-06-15T10:00:00+08:00."""
    split = _split_second(ts)
    if split is None:
        return datetime.fromtimestamp(ts, CST).isoformat(timespec="seconds")
    return _cst_second(split[0])


def cst_millis(ts: float) -> str:
    """ISO 8601 in China Standard Time, millisecond precision: 2024-06-15T10:00:00.250+08:00."""
    split = _split_second(ts)
    if split is None:
        return datetime.fromtimestamp(ts, CST).isoformat(timespec="milliseconds")
    stamp = _cst_second(split[0])
    return f"{stamp[:19]}.{split[1] // 1000:03d}{stamp[19:]}"


def utc_seconds_z(ts: float) -> str:
    """UTC with a 'Z', second precision (WARC/1.0's WARC-Date): 2024-06-15T02:00:00Z."""
    split = _split_second(ts)
    if split is None:
        return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return _utc_second(split[0])
