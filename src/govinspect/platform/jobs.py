"""The local job runner: background work with no extra service (part 9's local worker).

Jobs are rows (orders.Job), so a restart loses none. The runner has two *lanes*, each with its
own worker thread inside `govinspect serve` (or its own thread in `govinspect admin run-jobs`):

    long    campaigns (and any later whole-site inspection kind): may take hours
    short   re-checks, the daily reminders, anything else: seconds to minutes

A job's lane follows from its kind (`lane_of`), so a re-check a site owner is waiting for never
sits behind a campaign. Within a lane jobs run one at a time, oldest first. Claiming is safe
with several runners (threads or processes): on PostgreSQL the candidate row is locked with
SELECT … FOR UPDATE SKIP LOCKED, so two runners take different jobs; on SQLite the claim runs in
an IMMEDIATE transaction (one writer at a time); on both, the final conditional UPDATE
(state queued → running) only succeeds once, and a runner that lost a race tries the next job.

A job that was running when the process died is marked failed at the next start and can be
queued again (a campaign it was running shows 已中断 and resumes where it stopped). Kinds:
"recheck" (platform/recheck.py), "campaign" (campaigns/runner.py), "remind"
(reminders/remind.py, queued once a day by `schedule_daily`).
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from django.db import close_old_connections, connections, transaction
from django.utils import timezone

from govinspect.platform.audit import acting_as

log = logging.getLogger("govinspect.platform.jobs")

_HANDLERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}

LONG, SHORT = "long", "short"
LANES = (LONG, SHORT)
LANE_NAMES = {LONG: "长任务", SHORT: "短任务"}
# Kinds that can run for hours. Everything else (recheck, remind, publishing …) is short, so a
# new short kind needs no entry here; a new long kind must be added.
LONG_KINDS = frozenset({"campaign"})
# How many lost races a claim tolerates before it gives up for this tick (each loss means
# another runner took a job, so there is progress anyway).
_CLAIM_ATTEMPTS = 8


def lane_of(kind: str) -> str:
    """The lane ("long" or "short") jobs of `kind` run in."""
    return LONG if kind in LONG_KINDS else SHORT


def handler(kind: str) -> Callable[[Callable[[dict[str, Any]], dict[str, Any]]], Callable[[dict[str, Any]], dict[str, Any]]]:
    """Register the function that runs jobs of `kind` (params in, result dict out)."""

    def register(fn: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[dict[str, Any]], dict[str, Any]]:
        _HANDLERS[kind] = fn
        return fn

    return register


def _check_lane(lane: str | None) -> None:
    if lane is not None and lane not in LANES:
        raise ValueError(f"unknown lane {lane!r} (use {' or '.join(LANES)})")


def _queued(lane: str | None) -> Any:
    from govinspect.platform.orders.models import Job

    jobs = Job.objects.filter(state="queued")
    if lane == LONG:
        jobs = jobs.filter(kind__in=LONG_KINDS)
    elif lane == SHORT:
        jobs = jobs.exclude(kind__in=LONG_KINDS)
    return jobs.order_by("created_at", "id")


def _claim(lane: str | None = None) -> Any:
    """Take the oldest queued job of `lane` (None: any lane) for this runner, or None."""
    from govinspect.platform.orders.models import Job

    for _ in range(_CLAIM_ATTEMPTS):
        with transaction.atomic():
            # PostgreSQL: lock the candidate and skip rows another runner has locked, so two
            # runners never even look at the same job. SQLite has no FOR UPDATE (Django leaves
            # it out); its IMMEDIATE transactions let one writer in at a time instead.
            job = _queued(lane).select_for_update(skip_locked=True).first()
            if job is None:
                return None
            # The state check in the UPDATE is what makes the claim exclusive everywhere: of
            # two runners that saw the same row, only one changes it.
            claimed = Job.objects.filter(pk=job.pk, state="queued").update(state="running", started_at=timezone.now())
            if claimed:
                return Job.objects.get(pk=job.pk)
    return None


def _register_handlers() -> None:
    import govinspect.platform.campaigns.runner  # noqa: F401 - registers "campaign"
    import govinspect.platform.recheck  # noqa: F401 - registers "recheck"
    import govinspect.platform.reminders.remind  # noqa: F401 - registers "remind"


# Job kinds queued once a day by the runner itself (params {"day": "YYYY-MM-DD"}).
DAILY_KINDS = ("remind",)


def schedule_daily(today: Any = None) -> int:
    """Queue today's daily jobs unless they already exist; returns how many were queued."""
    from govinspect.platform.orders.models import Job

    day = (today or timezone.localdate()).isoformat()
    queued = 0
    with transaction.atomic():
        for kind in DAILY_KINDS:
            if not Job.objects.filter(kind=kind, params__day=day).exists():
                Job.objects.create(kind=kind, params={"day": day})
                queued += 1
    return queued


def run_pending(limit: int = 100, lane: str | None = None, stop: threading.Event | None = None) -> int:
    """Run up to `limit` queued jobs of `lane` (None: every lane, oldest first) in this thread,
    one after another; returns how many ran. `stop` ends the loop between jobs."""
    _check_lane(lane)
    _register_handlers()

    ran = 0
    for _ in range(limit):
        if stop is not None and stop.is_set():
            break
        job = _claim(lane)
        if job is None:
            break
        ran += 1
        _execute(job)
    return ran


def _execute(job: Any) -> None:
    fn = _HANDLERS.get(job.kind)
    try:
        if fn is None:
            raise LookupError(f"unknown job kind {job.kind!r}")
        with acting_as(None):
            job.result = fn(job.params)
        job.state = "done"
    except Exception as exc:  # one job's failure never stops the runner
        job.state, job.error = "failed", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}"[-4000:]
        log.warning("job %s (%s) failed: %s", job.pk, job.kind, exc)
    job.finished_at = timezone.now()
    job.save()


def run_lanes(limit: int = 100, lanes: Iterable[str] = LANES) -> dict[str, int]:
    """Run the queued jobs of each lane in a thread of its own until the lanes are empty (or
    `limit` jobs per lane ran); returns the count per lane. For `admin run-jobs`: a re-check
    does not wait for a campaign run by the same command."""
    lanes = list(lanes)
    for lane in lanes:
        _check_lane(lane)
    counts: dict[str, int] = {}
    failures: list[BaseException] = []

    def work(lane: str) -> None:
        try:
            counts[lane] = run_pending(limit=limit, lane=lane)
        except BaseException as exc:  # reported in the calling thread
            failures.append(exc)
        finally:
            connections.close_all()

    if len(lanes) == 1:  # no thread needed
        counts[lanes[0]] = run_pending(limit=limit, lane=lanes[0])
        return counts
    threads = [threading.Thread(target=work, args=(lane,), name=f"govinspect-jobs-{lane}") for lane in lanes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise failures[0]
    return {lane: counts[lane] for lane in lanes}  # in the lanes' order, whichever finished first


def recover_interrupted() -> int:
    """Mark jobs left "running" by a dead process as failed, and their campaigns interrupted
    (called at start-up)."""
    from govinspect.platform.campaigns.models import Campaign
    from govinspect.platform.orders.models import Job

    Campaign.objects.filter(state="running").update(state="interrupted", current="",
                                                    message="进程中断，已完成的网站已保存，可继续检查")
    return Job.objects.filter(state="running").update(state="failed", error="进程中断", finished_at=timezone.now())


class LaneWorker(threading.Thread):
    """One lane's worker thread: polls for the lane's queued jobs every `interval` seconds and
    runs them one at a time until `stop` is set. The short lane also queues the daily jobs."""

    def __init__(self, lane: str, stop: threading.Event, interval: float = 2.0) -> None:
        if lane not in LANES:
            raise ValueError(f"unknown lane {lane!r} (use {' or '.join(LANES)})")
        super().__init__(name=f"govinspect-jobs-{lane}", daemon=True)
        self.lane, self.interval, self._stop_event = lane, interval, stop

    def run(self) -> None:
        try:
            while not self._stop_event.is_set():
                try:
                    if self.lane == SHORT:
                        schedule_daily()
                    run_pending(limit=10, lane=self.lane, stop=self._stop_event)
                except Exception:  # the database may be briefly locked; try again next tick
                    log.exception("job runner tick failed (%s lane)", self.lane)
                finally:
                    close_old_connections()
                self._stop_event.wait(self.interval)
        finally:
            connections.close_all()


class JobRunner:
    """The runner of `serve`: one `LaneWorker` thread per lane, stopped together."""

    def __init__(self, interval: float = 2.0, lanes: Iterable[str] = LANES) -> None:
        self._stop_event = threading.Event()
        self.workers = [LaneWorker(lane, self._stop_event, interval) for lane in lanes]

    def start(self) -> None:
        """Start every lane's thread."""
        for worker in self.workers:
            worker.start()

    def stop(self) -> None:
        """Ask every lane to finish after its current job."""
        self._stop_event.set()

    def join(self, timeout: float | None = None) -> None:
        """Wait for the lanes' threads (each up to `timeout` seconds)."""
        for worker in self.workers:
            worker.join(timeout)

    def is_alive(self) -> bool:
        """True while any lane's thread runs."""
        return any(worker.is_alive() for worker in self.workers)
