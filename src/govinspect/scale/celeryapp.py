"""The Celery application: configuration for crash safety, and govinspect's tasks.

Crash safety (docs/scaleout.md):

- ``task_acks_late`` + ``task_reject_on_worker_lost``: a message is acknowledged only after its
  task ran; a worker process that dies mid-task gives the message back;
- ``worker_prefetch_multiplier = 1``: a worker holds no message it is not working on, so a
  dead worker strands nothing but its current site;
- Redis ``visibility_timeout`` above the longest site inspection: a message taken by a worker
  that vanished is delivered again after it (and the store's lease brings it back sooner);
- every task is idempotent: the lease and the UNIQUE result row make a duplicate a no-op.

Tasks: ``inspect_site`` (one site of a campaign), ``sweep`` (recovery and finishing of campaigns
nobody waits for), ``finish_campaign`` (results.json and the 通报 from the store), ``scan``
(the daily incremental scan), ``probe_round`` (one availability probe per site),
``platform_jobs`` (the platform's queued re-checks), ``prune_evidence`` (retention).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

from govinspect.scale.settings import ScaleError, ScaleSettings, load_settings
from govinspect.yamlfiles import load_yaml

__all__ = ["beat_schedule", "make_app"]  # and `app`, made on first access (below)

log = logging.getLogger("govinspect.scale")

_STORE: Any = None


def _store(settings: ScaleSettings) -> Any:
    """This worker process's store connection (made on first use, after the pool forked)."""
    global _STORE
    if _STORE is None:
        from govinspect.scale.store import connect_store

        _STORE = connect_store(settings)
    return _STORE


def beat_schedule(settings: ScaleSettings) -> dict[str, Any]:
    """The scheduler's periodic tasks: the sweep always, evidence retention when evidence is
    kept outside the campaign directories, and whatever GOVINSPECT_SCHEDULE lists."""
    from celery.schedules import crontab

    schedule: dict[str, Any] = {"sweep": {"task": "govinspect.sweep", "schedule": timedelta(seconds=60)}}
    if settings.evidence:
        schedule["prune-evidence"] = {"task": "govinspect.prune_evidence", "schedule": crontab(minute=30, hour=3)}
    if not settings.schedule_file:
        return schedule
    import yaml

    path = Path(settings.schedule_file)
    try:
        entries = load_yaml(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ScaleError(f"GOVINSPECT_SCHEDULE {path}: unreadable ({exc})") from None
    if not isinstance(entries, dict):
        raise ScaleError(f"GOVINSPECT_SCHEDULE {path}: expected a mapping of name → entry")
    for name, entry in entries.items():
        if not isinstance(entry, dict) or entry.get("task") not in TASKS:
            raise ScaleError(f"GOVINSPECT_SCHEDULE {path}: {name}: task must be one of {', '.join(sorted(TASKS))}")
        if "cron" in entry:
            fields = str(entry["cron"]).split()
            if len(fields) != 5:
                raise ScaleError(f"GOVINSPECT_SCHEDULE {path}: {name}: cron needs 5 fields (m h dom mon dow)")
            when: Any = crontab(*fields)
        elif "every" in entry:
            when = timedelta(seconds=float(entry["every"]))
        else:
            raise ScaleError(f"GOVINSPECT_SCHEDULE {path}: {name}: give cron: or every: (seconds)")
        schedule[str(name)] = {"task": f"govinspect.{entry['task']}", "schedule": when,
                               "kwargs": dict(entry.get("kwargs") or {})}
        if entry.get("queue"):
            # e.g. probe rounds to the one worker that holds the monitor database
            schedule[str(name)]["options"] = {"queue": str(entry["queue"])}
    return schedule


TASKS = ("inspect_site", "sweep", "finish_campaign", "scan", "probe_round", "platform_jobs", "prune_evidence")


def make_app(settings: ScaleSettings | None = None) -> Any:
    """A configured Celery application with govinspect's tasks registered."""
    try:
        from celery import Celery
    except ImportError:
        raise ScaleError("the distributed engine needs celery: pip install 'govinspect[scale]'") from None
    settings = settings or load_settings()
    celery = Celery("govinspect", broker=settings.broker_url, set_as_current=False)
    transport: dict[str, Any] = {"visibility_timeout": int(settings.visibility_timeout)}
    if settings.key_prefix:
        transport["global_keyprefix"] = f"{settings.key_prefix}:"
    celery.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_acks_on_failure_or_timeout=True,
        broker_transport_options=transport,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,  # a restarting broker is waited for, not fatal
        worker_cancel_long_running_tasks_on_connection_loss=False,  # the lease keeps the work
        task_default_queue=settings.queue,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        timezone="Asia/Shanghai",
        enable_utc=True,
        worker_send_task_events=False,
        worker_hijack_root_logger=False,
    )
    celery.conf.beat_schedule = beat_schedule(settings)
    _register(celery, settings)
    return celery


def _register(celery: Any, settings: ScaleSettings) -> None:
    @celery.task(name="govinspect.inspect_site", bind=True)
    def inspect_site(self: Any, campaign_id: str, site_key: str) -> str:
        from govinspect.scale.sitetask import holder_name, run_site

        outcome = run_site(settings, _store(settings), campaign_id, site_key, holder_name(self.request.hostname))
        log.info("site %s/%s: %s", campaign_id, site_key, outcome)
        return outcome

    @celery.task(name="govinspect.sweep")
    def sweep() -> dict[str, Any]:
        from govinspect.scale.coordinator import Sweeper, make_sender, queue_size

        store = _store(settings)
        sweeper = Sweeper(store, settings, make_sender(celery, settings))
        resent: dict[str, int] = {}
        for campaign_id in store.unfinished_campaigns():
            info = store.campaign(campaign_id)
            pending = store.pending(campaign_id)
            if not pending:
                if info and info["finish_by"] == "worker":
                    celery.send_task("govinspect.finish_campaign", args=[campaign_id], queue=settings.queue)
                continue
            # The waiting coordinator tracks idleness itself; here two looks a grace apart.
            sweeper.sweep(campaign_id, queue_size(celery, settings.queue))
            if campaign_id in sweeper.idle_since:
                import time

                time.sleep(min(5.0, settings.requeue_grace_seconds))
                sweeper.idle_since[campaign_id] -= settings.requeue_grace_seconds
                sweeper.sweep(campaign_id, queue_size(celery, settings.queue))
            resent[campaign_id] = sweeper.resent
            sweeper.resent = 0
        return resent

    @celery.task(name="govinspect.finish_campaign")
    def finish_campaign(campaign_id: str) -> str:
        from govinspect.scale.jobs import finish_campaign as finish

        return finish(_store(settings), campaign_id)

    @celery.task(name="govinspect.scan")
    def scan(sites: str, out: str, profile: str = "gov2019", every_days: float | None = None,
             limit: int | None = None, options: dict[str, Any] | None = None) -> str:
        from govinspect.scale.jobs import incremental_scan

        return incremental_scan(settings, _store(settings), celery, sites=Path(sites), out_root=Path(out),
                                profile=profile, every_days=every_days, limit=limit, extra=options or {})

    @celery.task(name="govinspect.probe_round")
    def probe_round(sites: str, db: str, options: dict[str, Any] | None = None) -> dict[str, int]:
        from govinspect.scale.jobs import probe_round as probes

        return probes(settings, Path(sites), Path(db), options or {})

    @celery.task(name="govinspect.platform_jobs")
    def platform_jobs(limit: int = 20) -> int:
        from govinspect.scale.jobs import platform_jobs as run_jobs

        return run_jobs(limit)

    @celery.task(name="govinspect.prune_evidence")
    def prune_evidence(keep_days: float | None = None) -> int:
        from govinspect.scale.evidence import prune

        if not settings.evidence:
            return 0
        return len(prune(settings.evidence, keep_days or settings.evidence_keep_days, endpoint=settings.s3_endpoint))


def _module_app() -> Any:
    """`celery -A govinspect.scale.celeryapp` finds `app`; made from the environment."""
    return make_app(load_settings())


def __getattr__(name: str) -> Any:
    # `app` is made on first access, so importing this module (tests, the coordinator) does not
    # read the environment or need Celery until the application is really wanted.
    if name == "app":
        globals()["app"] = value = _module_app()
        return value
    raise AttributeError(name)
