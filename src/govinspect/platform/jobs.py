"""The local job runner: background work with no extra service (part 9's local worker).

Jobs are rows (orders.Job), so a restart loses none; `JobRunner` is one daemon thread inside
the `serve` process that claims queued jobs one at a time. A job that was running when the
process died is marked failed at the next start and can be queued again (a campaign it was
running shows 已中断 and resumes where it stopped). Kinds: "recheck" (platform/recheck.py),
"campaign" (campaigns/runner.py), "remind" (reminders/remind.py, queued once a day by
`schedule_daily`).
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from django.db import close_old_connections, transaction
from django.utils import timezone

from govinspect.platform.audit import acting_as

log = logging.getLogger("govinspect.platform.jobs")

_HANDLERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def handler(kind: str) -> Callable[[Callable[[dict[str, Any]], dict[str, Any]]], Callable[[dict[str, Any]], dict[str, Any]]]:
    """Register the function that runs jobs of `kind` (params in, result dict out)."""

    def register(fn: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[dict[str, Any]], dict[str, Any]]:
        _HANDLERS[kind] = fn
        return fn

    return register


def _claim() -> Any:
    from govinspect.platform.orders.models import Job

    with transaction.atomic():
        job = Job.objects.filter(state="queued").order_by("created_at", "id").first()
        if job is None:
            return None
        # Only one runner wins the row, even with several processes on PostgreSQL.
        claimed = Job.objects.filter(pk=job.pk, state="queued").update(state="running", started_at=timezone.now())
        return Job.objects.get(pk=job.pk) if claimed else None


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


def run_pending(limit: int = 100) -> int:
    """Run up to `limit` queued jobs in this thread; returns how many ran."""
    _register_handlers()

    ran = 0
    for _ in range(limit):
        job = _claim()
        if job is None:
            break
        ran += 1
        fn = _HANDLERS.get(job.kind)
        try:
            if fn is None:
                raise LookupError(f"unknown job kind {job.kind!r}")
            with acting_as(None):
                job.result = fn(job.params)
            job.state = "done"
        except Exception as exc:  # one job's failure never stops the runner
            job.state, job.error = "failed", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}"[-4000:]
            log.warning("job %s failed: %s", job.pk, exc)
        job.finished_at = timezone.now()
        job.save()
    return ran


def recover_interrupted() -> int:
    """Mark jobs left "running" by a dead process as failed, and their campaigns interrupted
    (called at start-up)."""
    from govinspect.platform.campaigns.models import Campaign
    from govinspect.platform.orders.models import Job

    Campaign.objects.filter(state="running").update(state="interrupted", current="",
                                                    message="进程中断，已完成的网站已保存，可继续检查")
    return Job.objects.filter(state="running").update(state="failed", error="进程中断", finished_at=timezone.now())


class JobRunner(threading.Thread):
    """Polls for queued jobs every `interval` seconds until `stop()`."""

    def __init__(self, interval: float = 2.0) -> None:
        super().__init__(name="govinspect-jobs", daemon=True)
        self.interval = interval
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                schedule_daily()
                run_pending(limit=10)
            except Exception:  # the database may be briefly locked; try again next tick
                log.exception("job runner tick failed")
            finally:
                close_old_connections()
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        """Ask the thread to finish after the current job."""
        self._stop_event.set()
