"""Per-host and per-IP politeness: concurrency slots, delays, adaptive back-off, safeguard.

Small county servers break easily and many government sites share one server (集约化平台),
so every request takes two slots: one for its host name and one for the IP address the name
resolves to. Each slot bounds concurrency and spaces request starts by a minimum interval.

Policy (commented because it is a judgement, not a fact):
- 429, or 5xx/timeouts making up a quarter or more of the host's last 20 answers, double the
  host's extra delay (capped); success shrinks it again by a quarter, so a struggling server
  is given air and a healthy one returns to the base rate, while a few permanently broken
  pages do not slow the whole site.
- Retry-After (seconds or HTTP date) pauses the whole host until then, capped so one header
  cannot stall a run; a longer request is recorded and the link is reported as rate limited.
- Safeguard: when at least half of the last 20 answers from a host are server-side errors
  (5xx, 429, timeouts, resets), the host is paused for a cool-down; after three pauses it is
  tripped and no further requests go to it in this run (the rest is recorded as unchecked).
  DNS failures and refused connections cost the server nothing and do not count.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import AsyncIterator, Protocol

MAX_EXTRA_DELAY = 30.0
BACKOFF_RATIO = 0.25
MAX_RETRY_AFTER = 60.0
SAFEGUARD_WINDOW = 20
SAFEGUARD_RATIO = 0.5
SAFEGUARD_PAUSE = 30.0
SAFEGUARD_MAX_PAUSES = 3

# Outcomes and statuses that mean "the server is struggling".
_STRAIN_OUTCOMES = frozenset({"timeout", "connect_timeout", "reset"})
_STRAIN_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class PolitenessConfig:
    """Politeness knobs; per-IP limits default to a small multiple of the per-host ones."""

    per_host: int = 2
    delay: float = 0.5
    per_ip: int | None = None  # default: 4 × per_host
    ip_delay: float | None = None  # default: delay / 4
    safeguard_pause: float = SAFEGUARD_PAUSE

    @property
    def ip_concurrency(self) -> int:
        return self.per_ip if self.per_ip is not None else max(1, 4 * self.per_host)

    @property
    def ip_interval(self) -> float:
        return self.ip_delay if self.ip_delay is not None else self.delay / 4


class SharedLimiter(Protocol):
    """Slots held across processes and machines (scale/limiter.py keeps them in Redis).

    The same semantics as `_Slot`: at most `concurrency` requests at once per host (and per IP),
    starts spaced by at least `interval` seconds, and pauses that hold every request to the host.
    `Politeness` takes its local slots first, then the shared ones, so a shared limit is never
    looser than the local one and one process never floods the shared store with waiters.
    """

    async def acquire(
        self, host: str, ip: str | None, *, host_limit: tuple[int, float], ip_limit: tuple[int, float] | None
    ) -> object:
        """Wait for a free slot of `host` (and `ip`); returns a token for `release`."""
        ...

    async def release(self, token: object) -> None:
        """Give back the slots taken by `acquire`."""
        ...

    def pause(self, host: str, seconds: float) -> None:
        """Hold every process's requests to `host` for `seconds` (Retry-After, safeguard)."""
        ...

    def trip(self, host: str) -> None:
        """Stop every process's requests to `host` (the safeguard gave up on it); from then on
        `acquire` for the host raises `HostTripped`."""
        ...


class HostTripped(Exception):
    """The safeguard has stopped all requests to this host for the rest of the run."""


@dataclass(slots=True)
class _Slot:
    concurrency: int
    interval: float
    sem: asyncio.Semaphore = field(init=False)
    next_start: float = 0.0
    extra_delay: float = 0.0
    paused_until: float = 0.0
    recent: deque[bool] = field(default_factory=lambda: deque(maxlen=SAFEGUARD_WINDOW))
    pauses: int = 0
    tripped: bool = False

    def __post_init__(self) -> None:
        self.sem = asyncio.Semaphore(self.concurrency)

    async def wait_turn(self) -> None:
        """Sleep until this slot may start another request (interval and pauses)."""
        while True:
            if self.tripped:
                raise HostTripped()
            now = time.monotonic()
            start = max(self.next_start, self.paused_until)
            if start <= now:
                self.next_start = now + self.interval + self.extra_delay
                return
            await asyncio.sleep(start - now)


class Politeness:
    """Slots for every host and IP seen in a run; shared by all sites of the run."""

    def __init__(self, config: PolitenessConfig, shared: SharedLimiter | None = None) -> None:
        self.config = config
        # Limits shared with the other workers of a distributed campaign (None: this run only).
        self.shared = shared
        self._hosts: dict[str, _Slot] = {}
        self._ips: dict[str, _Slot] = {}
        self.events: list[str] = []  # human-readable record of pauses and trips

    def _host(self, host: str) -> _Slot:
        slot = self._hosts.get(host)
        if slot is None:
            slot = _Slot(self.config.per_host, self.config.delay)
            self._hosts[host] = slot
        return slot

    def _ip(self, ip: str) -> _Slot:
        slot = self._ips.get(ip)
        if slot is None:
            slot = _Slot(self.config.ip_concurrency, self.config.ip_interval)
            self._ips[ip] = slot
        return slot

    def is_tripped(self, host: str) -> bool:
        """True when the safeguard has given up on this host."""
        slot = self._hosts.get(host)
        return bool(slot and slot.tripped)

    @asynccontextmanager
    async def slot(self, host: str, ip: str | None) -> AsyncIterator[None]:
        """Hold the host's (and IP's) slot for one request; raises HostTripped."""
        hslot = self._host(host)
        islot = self._ip(ip) if ip else None
        async with hslot.sem:
            await hslot.wait_turn()
            if islot is None:
                if self.shared is None:  # one run alone: no second context manager per request
                    yield
                    return
                async with self._shared_slot(host, None, hslot):
                    yield
                return
            async with islot.sem:
                await islot.wait_turn()
                if self.shared is None:
                    yield
                    return
                async with self._shared_slot(host, ip, hslot):
                    yield

    @asynccontextmanager
    async def _shared_slot(self, host: str, ip: str | None, hslot: _Slot) -> AsyncIterator[None]:
        """The shared slots of `host` and `ip` when other processes crawl too; else nothing."""
        if self.shared is None:
            yield
            return
        # This process's back-off (extra delay) widens the shared interval too: a struggling
        # server gets the same air from every worker.
        try:
            token = await self.shared.acquire(
                host, ip, host_limit=(self.config.per_host, self.config.delay + hslot.extra_delay),
                ip_limit=(self.config.ip_concurrency, self.config.ip_interval) if ip else None,
            )
        except HostTripped:
            # Another worker's safeguard gave up on the host: this one stops too, rather than
            # keep loading a server that failed three cool-downs.
            if not hslot.tripped:
                hslot.tripped = True
                self.events.append(f"safeguard/tripped {host} (another worker)")
            raise
        try:
            yield
        finally:
            await self.shared.release(token)

    def record(
        self, host: str, *, status: int | None, outcome: str, retry_after: str | None = None
    ) -> float | None:
        """Feed one answer back; returns the Retry-After pause applied (seconds), if any."""
        slot = self._host(host)
        strained = outcome in _STRAIN_OUTCOMES or (status in _STRAIN_STATUSES)
        if outcome in ("dns", "refused", "invalid_url", "blocked_private"):
            return None
        slot.recent.append(strained)
        strain_ratio = sum(slot.recent) / len(slot.recent)
        # Back off when the server says so (429) or when a good share of recent answers show
        # strain; a few permanently broken pages (a 500 here and there) must not slow a site.
        if strained and (status == 429 or (len(slot.recent) >= 4 and strain_ratio >= BACKOFF_RATIO)):
            slot.extra_delay = min(MAX_EXTRA_DELAY, max(0.5, slot.extra_delay * 2))
        else:
            slot.extra_delay *= 0.75
            if slot.extra_delay < 0.05:
                slot.extra_delay = 0.0
        pause = None
        if retry_after is not None and status in (429, 503):
            pause = parse_retry_after(retry_after)
            if pause is not None:
                slot.paused_until = max(slot.paused_until, time.monotonic() + min(pause, MAX_RETRY_AFTER))
                if self.shared is not None:
                    self.shared.pause(host, min(pause, MAX_RETRY_AFTER))
        if (
            strained
            and len(slot.recent) >= SAFEGUARD_WINDOW // 2
            and sum(slot.recent) >= SAFEGUARD_RATIO * len(slot.recent)
            and status != 429  # rate limiting is handled by Retry-After, not the safeguard
        ):
            slot.pauses += 1
            slot.recent.clear()
            if slot.pauses > SAFEGUARD_MAX_PAUSES:
                slot.tripped = True
                self.events.append(f"safeguard/tripped {host}")
                if self.shared is not None:
                    self.shared.trip(host)
            else:
                slot.paused_until = time.monotonic() + self.config.safeguard_pause
                self.events.append(f"safeguard/paused {host}")
                if self.shared is not None:
                    self.shared.pause(host, self.config.safeguard_pause)
        return pause


def parse_retry_after(value: str, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date); None if bogus."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    current = now if now is not None else time.time()
    return max(0.0, when.timestamp() - current)
