"""Fixed-window counters in the cache: login attempts, 找错 submissions per address and site."""

from __future__ import annotations

import time

from django.core.cache import cache


def hit(key: str, limit: int, window_seconds: int) -> bool:
    """Count one event under `key`; True while the count in this window is within `limit`."""
    bucket = f"rl:{key}:{int(time.time() // window_seconds)}"
    if cache.add(bucket, 1, timeout=window_seconds + 1):
        return True
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, timeout=window_seconds + 1)
        return True
    return count <= limit


def blocked(key: str, limit: int, window_seconds: int) -> bool:
    """True when `key` has already used up `limit` in the current window (does not count)."""
    bucket = f"rl:{key}:{int(time.time() // window_seconds)}"
    return int(cache.get(bucket) or 0) >= limit
