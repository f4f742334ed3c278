"""One site of a distributed campaign, as a worker runs it: lease, inspect, store once.

1. Claim the site's lease in the store (`Store.claim`): "done" and "busy" end the task at once
   (a duplicate message, or another live worker on it).
2. A heartbeat thread renews the lease (and reports pages) while the engine runs; if the worker
   dies, the lease expires and the site is sent out again (coordinator.sweep).
3. The engine inspects the site (`inspect_one`), through the shared Redis limiter.
4. The SITE object is stored with INSERT … ON CONFLICT DO NOTHING: the first finished
   inspection is the one kept, whatever happens to messages and workers.

A site whose inspection was cut off `max_attempts` times is stored as 无法检查 with the reason.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from typing import Any

from govinspect.eventloop import run as run_coroutine
from govinspect.inspect import Progress, inspect_one
from govinspect.report.results import site_to_json
from govinspect.scale.codec import options_from_json, spec_from_json
from govinspect.scale.evidence import plan_evidence
from govinspect.scale.settings import ScaleSettings
from govinspect.scale.store import Store

__all__ = ["holder_name", "run_site"]


def holder_name(node: str | None = None) -> str:
    """Who holds a lease: the Celery node (or host name) and the process id."""
    return f"{node or socket.gethostname()}/{os.getpid()}"


class _Heartbeat(threading.Thread):
    """Renews the lease every `interval` seconds on its own connection until stopped."""

    def __init__(self, settings: ScaleSettings, campaign_id: str, site_key: str, token: str) -> None:
        super().__init__(daemon=True, name=f"lease-{site_key}")
        self.settings = settings
        self.campaign_id, self.site_key, self.token = campaign_id, site_key, token
        self.pages = 0
        self.lost = False
        self._stop_event = threading.Event()

    def run(self) -> None:
        store: Store | None = None
        try:
            while not self._stop_event.wait(self.settings.heartbeat_seconds):
                try:
                    if store is None:
                        store = Store(self.settings.require_database(), self.settings.schema)
                    if not store.heartbeat(self.campaign_id, self.site_key, self.token,
                                           self.settings.lease_seconds, self.pages):
                        self.lost = True  # taken over: our result, if first, still counts once
                except Exception:  # noqa: BLE001 - a missed beat is retried; the lease has slack
                    if store is not None:
                        store.close()
                    store = None
        finally:
            if store is not None:
                store.close()

    def stop(self) -> None:
        self._stop_event.set()
        self.join(10)


class _PagesProgress(Progress):
    def __init__(self, beat: _Heartbeat) -> None:
        self.beat = beat

    def pages(self, key: str, count: int) -> None:
        self.beat.pages = count


def _error_site(spec: dict[str, Any], reason: str) -> dict[str, Any]:
    """A SITE object for a site that could not be inspected (same shape as the engine's)."""
    from govinspect.models import SiteResult

    result = SiteResult(spec=spec_from_json(spec))
    result.status, result.error = "error", reason
    return site_to_json(result)


async def _inspect(options_json: dict[str, Any], spec_json: dict[str, Any], key: str, portal: str | None,
                   out_dir: Any, settings: ScaleSettings, beat: _Heartbeat) -> Any:
    from govinspect.scale.limiter import RedisLimiter

    limiter = RedisLimiter(settings.limiter_url, settings.key_prefix, start_margin_seconds=settings.start_margin_seconds)
    try:
        # Analysis in process: the worker's own pool is the parallelism (one site per process).
        options = options_from_json(options_json, out_dir=out_dir, limiter=limiter, analysis_worker=False)
        return await inspect_one(spec_from_json(spec_json), key, options, portal_host=portal,
                                 progress=_PagesProgress(beat))
    finally:
        await limiter.aclose()


def run_site(settings: ScaleSettings, store: Store, campaign_id: str, site_key: str, holder: str) -> str:
    """Inspect one campaign site unless it is done or in hand; returns what happened:
    "stored", "duplicate" (finished elsewhere meanwhile), "done", "busy", "unknown", "given_up"."""
    campaign = store.campaign(campaign_id)
    site = store.site(campaign_id, site_key)
    if campaign is None or site is None:
        return "unknown"
    spec_json, portal = site
    token = uuid.uuid4().hex
    claim = store.claim(campaign_id, site_key, holder, token, settings.lease_seconds)
    if claim.state != "claimed":
        return claim.state
    if claim.attempt > settings.max_attempts:
        data = _error_site(spec_json, f"检查过程多次中断（{claim.attempt - 1}次），未能完成 (worker lost {claim.attempt - 1} times)")
        data["key"], data["attempt"] = site_key, None
        return "given_up" if store.write_result(campaign_id, site_key, data, worker=holder, token=token) else "duplicate"
    plan = plan_evidence(settings.evidence, campaign_id, campaign["directory"], site_key, token, settings.s3_endpoint)
    beat = _Heartbeat(settings, campaign_id, site_key, token)
    beat.start()
    try:
        result = run_coroutine(_inspect(campaign["options"], spec_json, plan.key, portal, plan.out_dir, settings, beat))
        plan.finish()
    except BaseException:
        beat.stop()
        # Let the site go at once: the sweep sends it out again (attempts bound the retries).
        try:
            store.expire_lease(campaign_id, site_key, token)
        except Exception:  # noqa: BLE001 - the lease then expires by itself
            pass
        raise
    beat.stop()
    data = site_to_json(result)
    if data.get("capture"):
        data["capture"] = plan.capture_paths(data["capture"])
    data["key"] = site_key
    data["attempt"] = plan.attempt
    return "stored" if store.write_result(campaign_id, site_key, data, worker=holder, token=token) else "duplicate"
