"""When each site is probed: a pure, stateless schedule.

The day (Asia/Shanghai, which has no daylight saving) is cut into `per_day` equal periods;
slot ``n`` counts periods since 1970-01-01 00:00 China time, so slot ``n`` lies in period
``n`` and every calendar day holds exactly `per_day` slots of every site. Inside its period a
site's probe sits at a stable offset drawn from a hash of the site's key (so 20,000 sites
spread evenly over the period instead of all firing at :00), plus a small per-slot jitter (so a
site is never probed in lock-step with a server's cron job). Jitter that would push a probe out
of its period is reflected back inside: the load stays uniform over the whole period, every
probe stays in its own period, and two consecutive probes of one site are at least
``period × (1 − 2 × JITTER)`` apart.

Nothing here reads a clock or keeps state: the same key and slot always give the same time,
so a restarted monitor resumes the same schedule.

Catch-up rules (applied by `monitor/loop.py`, stated here because they shape coverage):

* a slot missed by more than `grace_seconds(per_day)` (the monitor was down, or lagging) is
  skipped and counted as missed, never made up in a burst: probes stay spread, and a day with
  too many missed slots simply does not count as covered;
* a slot late by less than that is probed late; the probe records its actual start time;
* when the monitor starts, slots that fell due within the grace before it are made up, spread
  over the following grace period (never all at once);
* after a restart the first slot probed is the first one that is neither older than the grace
  nor already in the store for that site, so a slot is never probed twice.
"""

from __future__ import annotations

import hashlib
import math

DAY_SECONDS = 86_400
# Midnight 1970-01-01 in China (UTC+8) as a Unix timestamp: slot 0 starts there.
ORIGIN = -8 * 3600
# Jitter of one slot, as a fraction of the period (each side).
JITTER = 0.05
# How late a due probe may still start, as a fraction of the period, and at most.
GRACE_FRACTION = 0.25
GRACE_MAX_SECONDS = 900.0


def period(per_day: int) -> float:
    """Seconds between two slots of one site."""
    if per_day < 1:
        raise ValueError(f"per_day must be at least 1, not {per_day}")
    return DAY_SECONDS / per_day


def grace_seconds(per_day: int) -> float:
    """How late a probe may start before its slot counts as missed."""
    return min(period(per_day) * GRACE_FRACTION, GRACE_MAX_SECONDS)


def _unit(key: str, salt: str) -> float:
    """A stable number in [0, 1) from a key (blake2b; the same on every machine and run)."""
    digest = hashlib.blake2b(f"{salt}\x00{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2.0**64


def phase(key: str) -> float:
    """The site's stable place inside every period, as a fraction in [0, 1)."""
    return _unit(key, "phase")


def jitter(key: str, slot: int) -> float:
    """This slot's deviation from the phase, as a fraction of the period in [−JITTER, JITTER)."""
    return (2 * _unit(key, f"jitter{slot}") - 1) * JITTER


def slot_time(key: str, slot: int, per_day: int, site_phase: float | None = None) -> float:
    """Unix time of the site's probe in slot `slot` (always inside period `slot`)."""
    p = period(per_day)
    frac = (phase(key) if site_phase is None else site_phase) + jitter(key, slot)
    if frac < 0.0:
        frac = -frac
    elif frac >= 1.0:
        frac = math.nextafter(2.0 - frac, 0.0)
    return ORIGIN + (slot + frac) * p


def slot_of(t: float, per_day: int) -> int:
    """The period (slot number) that contains Unix time `t`."""
    return math.floor((t - ORIGIN) / period(per_day))


def next_slot(
    key: str, after: float, per_day: int, *, not_before_slot: int | None = None,
    site_phase: float | None = None,
) -> tuple[int, float]:
    """The first slot of `key` whose time is ≥ `after` (and ≥ `not_before_slot`): (slot, time)."""
    n = slot_of(after, per_day) - 1
    if not_before_slot is not None:
        n = max(n, not_before_slot)
    while True:
        t = slot_time(key, n, per_day, site_phase)
        if t >= after:
            return n, t
        n += 1


def day_start(t: float) -> float:
    """Unix time of 00:00 China time on the day containing `t`."""
    return ORIGIN + math.floor((t - ORIGIN) / DAY_SECONDS) * DAY_SECONDS
