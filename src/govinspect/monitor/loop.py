"""The monitor loop: probe every site on its schedule, store every probe, stop cleanly.

One asyncio loop, one `Fetcher`, a heap of (due time, slot, site) and a semaphore bounding the
probes in flight. Probes are buffered and written in one transaction per second (or per
`flush_rows`), so a clean stop loses nothing and a hard kill loses at most the last second.
Stopping: the first request stops launching and lets the probes in flight finish (each is
bounded by the 15 s limit); a second request cancels them (they are dropped, never half-written).
"""

from __future__ import annotations

import asyncio
import heapq
import math
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from govinspect.monitor.clock import Clock, SystemClock
from govinspect.monitor.probe import FAILURES, NOT_COUNTED, PROBE_TIMEOUT, ProbeOutcome, probe_homepage
from govinspect.monitor.schedule import grace_seconds, next_slot, period, phase, slot_time
from govinspect.monitor.store import MonitoredSite, ProbeRecord, ProbeStore
from govinspect.net.client import Fetcher

DAY = 86_400.0
_PENDING_LIMIT = 200_000  # probes kept in memory while the database refuses writes


@dataclass(frozen=True, slots=True)
class MonitorConfig:
    """How a monitor run behaves."""

    per_day: int = 24
    concurrency: int = 64
    timeout: float = PROBE_TIMEOUT
    duration: float | None = None  # clock seconds; None runs until stopped
    flush_interval: float = 1.0  # wall seconds between writes
    flush_rows: int = 500
    keep_days: float | None = 100.0  # probes older than this are pruned (None keeps all)
    progress_interval: float = 60.0  # wall seconds between progress reports
    time_scale: float = 1.0  # recorded with the run (ScaledClock drills); the clock does the scaling


@dataclass(slots=True)
class MonitorStats:
    """What a run has done so far."""

    sites: int = 0
    probes: int = 0
    missed: int = 0
    in_flight: int = 0
    write_errors: int = 0
    by_class: dict[str, int] = field(default_factory=dict)
    started: float = 0.0  # clock time
    wall_started: float = 0.0  # time.monotonic()

    @property
    def failures(self) -> int:
        """Probes that failed."""
        return sum(n for c, n in self.by_class.items() if c in FAILURES)

    @property
    def not_counted(self) -> int:
        """Probes blocked by a WAF or not judged."""
        return sum(n for c, n in self.by_class.items() if c in NOT_COUNTED)


class MonitorProgress:
    """Callbacks for the command's progress lines; the default does nothing."""

    def started(self, stats: MonitorStats, per_day: int) -> None:
        """The run begins."""

    def tick(self, stats: MonitorStats) -> None:
        """Every `progress_interval`."""

    def problem(self, message: str) -> None:
        """Something the operator should know (e.g. the database refused a write)."""

    def finished(self, stats: MonitorStats) -> None:
        """The run ended."""


class Monitor:
    """Probes `sites` on the schedule until the duration ends or `request_stop` is called."""

    def __init__(
        self,
        sites: Sequence[MonitoredSite],
        store: ProbeStore,
        fetcher: Fetcher,
        config: MonitorConfig | None = None,
        *,
        clock: Clock | None = None,
        progress: MonitorProgress | None = None,
    ) -> None:
        self.sites = list(sites)
        self.store = store
        self.fetcher = fetcher
        self.config = config or MonitorConfig()
        self.clock = clock or SystemClock()
        self.progress = progress or MonitorProgress()
        self.stats = MonitorStats(sites=len(self.sites))
        self._ids: list[int] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopping = False
        self._wake = asyncio.Event()
        self._phases: list[float] = []

    # ------------------------------------------------------------------ control
    def request_stop(self) -> None:
        """First call: stop launching and let probes in flight finish. Second: drop them."""
        if self._stopping:
            for task in list(self._tasks):
                task.cancel()
        self._stopping = True
        self._wake.set()

    @property
    def in_flight(self) -> int:
        """Probes started and not yet finished."""
        return len(self._tasks)

    @property
    def stopping(self) -> bool:
        """True once a stop was requested."""
        return self._stopping

    # ------------------------------------------------------------------ run
    async def run(self) -> MonitorStats:
        """Run the schedule; returns the run's statistics (probes are in the store)."""
        cfg = self.config
        clock = self.clock
        per_day = cfg.per_day
        grace = grace_seconds(per_day)
        start = clock.now()
        self.stats.started, self.stats.wall_started = start, time.monotonic()
        self._ids = self.store.register_sites(self.sites)
        heap = self._initial_heap(start, per_day, grace)
        run_id = self.store.begin_run(started=start, sites=len(self.sites), per_day=per_day,
                                      time_scale=cfg.time_scale)
        next_prune = start
        end = start + cfg.duration if cfg.duration is not None else math.inf
        sem = asyncio.Semaphore(max(1, cfg.concurrency))
        last_flush = last_progress = time.monotonic()
        self.progress.started(self.stats, per_day)
        try:
            while not self._stopping and heap:
                now = clock.now()
                if now >= end:
                    break
                if cfg.keep_days is not None and now >= next_prune:
                    self.store.prune(now - cfg.keep_days * DAY)
                    next_prune = now + DAY
                wall = time.monotonic()
                if self.store.pending and (self.store.pending >= cfg.flush_rows or wall - last_flush >= cfg.flush_interval):
                    self._flush()
                    last_flush = wall
                if wall - last_progress >= cfg.progress_interval:
                    self.stats.in_flight = len(self._tasks)
                    self.progress.tick(self.stats)
                    last_progress = wall
                due, slot, i = heap[0]
                if due > now:
                    # Sleep until the next slot (waking for the progress line); rows waiting
                    # to be written go first when the pause is long (few sites).
                    wait = min(due - now, end - now, cfg.progress_interval)
                    if self.store.pending and wait >= cfg.flush_interval:
                        self._flush()
                        last_flush = wall
                    await self._sleep(wait)
                    continue
                site = self.sites[i]
                heapq.heapreplace(heap, (slot_time(site.key, slot + 1, per_day, self._phases[i]), slot + 1, i))
                if now - due > grace:
                    self.stats.missed += 1  # catch-up rule: a stale slot is skipped, never made up
                    continue
                await sem.acquire()
                if self._stopping:
                    sem.release()
                    break
                task = asyncio.create_task(self._probe(i, slot, sem))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
        finally:
            await self._drain()
            self._flush()
            self.store.end_run(run_id, ended=clock.now(), probes=self.stats.probes, missed=self.stats.missed)
            self.stats.in_flight = 0
            self.progress.finished(self.stats)
        return self.stats

    def _initial_heap(self, now: float, per_day: int, grace: float) -> list[tuple[float, int, int]]:
        """Each site's first slot: not older than the grace, and not one already stored.

        Slots that fell due in the grace before the start (a restart, a short outage) are made
        up, spread over the next grace period in their original order, never fired at once:
        ~20 % of 20,000 sites fall in a 15-minute window, and many share one server.
        """
        recent = now - 2 * period(per_day) - grace
        last = self.store.last_slots(self._ids, since=recent)
        self._phases = [phase(s.key) for s in self.sites]
        heap: list[tuple[float, int, int]] = []
        for i, site in enumerate(self.sites):
            done = last.get(self._ids[i])
            slot, due = next_slot(site.key, now - grace, per_day,
                                  not_before_slot=None if done is None else done + 1,
                                  site_phase=self._phases[i])
            if due < now:
                due = now + (due - (now - grace))
            heap.append((due, slot, i))
        heapq.heapify(heap)
        return heap

    async def _sleep(self, seconds: float) -> None:
        """Sleep on the clock, but wake at once when a stop is requested."""
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        sleeper = asyncio.ensure_future(self.clock.sleep(seconds))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait((sleeper, waker), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for fut in (sleeper, waker):
                if not fut.done():
                    fut.cancel()

    async def _probe(self, i: int, slot: int, sem: asyncio.Semaphore) -> None:
        site = self.sites[i]
        try:
            at = self.clock.now()
            try:
                outcome = await probe_homepage(self.fetcher, site.url, timeout=self.config.timeout)
            except Exception as exc:  # noqa: BLE001 - a bug here must not stop 20,000 other sites
                outcome = ProbeOutcome("unknown", None, 0.0, f"internal error: {type(exc).__name__}: {exc}"[:200])
            self.store.add(ProbeRecord(self._ids[i], at, slot, outcome.cls, outcome.status, outcome.elapsed,
                                       outcome.detail or None, outcome.remote_ip))
            self.stats.probes += 1
            self.stats.by_class[outcome.cls] = self.stats.by_class.get(outcome.cls, 0) + 1
        finally:
            sem.release()

    async def _drain(self) -> None:
        """Let probes in flight finish within their limit; cancel what is left (dropped whole)."""
        tasks = set(self._tasks)
        if tasks:
            await asyncio.wait(tasks, timeout=self.config.timeout + 5.0)
        left = [t for t in tasks if not t.done()]
        for task in left:
            task.cancel()
        if left:
            await asyncio.gather(*left, return_exceptions=True)

    def _flush(self) -> None:
        try:
            self.store.flush()
        except sqlite3.Error as exc:
            self.stats.write_errors += 1
            self.progress.problem(f"监测数据库写入失败，稍后重试 (write failed, will retry): {exc}")
            if self.store.pending > _PENDING_LIMIT:
                raise
