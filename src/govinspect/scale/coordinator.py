"""A campaign fanned out to the workers: register, send one task per site, recover, collect.

`run_distributed` is what `govinspect campaign run --distributed` does between drawing the
sample and writing the 通报: the campaign directory ends up exactly as an embedded run leaves it
(`sites/<key>.json` for every site, materialised from the store), so `load_campaign`, the
results file and the report are the same code for both modes.

Recovery (`Sweeper`), run by the waiting coordinator every few seconds and by the scheduler's
periodic `sweep` task for campaigns nobody waits for:

- a lease whose worker stopped renewing it (killed, machine lost) has expired: the site is sent
  again at once, without waiting for Redis's visibility timeout;
- the queue is empty, no worker holds a site of the campaign, and sites are still pending, twice
  in a row some seconds apart: their messages were lost (a broker restarted without
  persistence), so they are sent again;
- a site sent to the queue longer than the visibility timeout ago and never taken is sent again.

Sending a site twice is always harmless: the lease and the UNIQUE result row see to that.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govinspect.campaign.run import SITES_DIR, CampaignPlan, _finished
from govinspect.inspect import InspectOptions, site_identity
from govinspect.report.files import write_text_atomic
from govinspect.scale.codec import options_to_json, spec_to_json
from govinspect.scale.settings import ScaleError, ScaleSettings
from govinspect.scale.store import Store
from govinspect.sitechecks.probe import portal_hosts

__all__ = ["Sweeper", "campaign_id_for", "materialise", "register_campaign", "run_distributed"]

INSPECT_TASK = "govinspect.inspect_site"
FINISH_TASK = "govinspect.finish_campaign"


def campaign_id_for(plan: CampaignPlan) -> str:
    """A stable id: the same campaign directory and manifest give the same id on every re-run."""
    m = plan.manifest
    ident = [str(plan.directory.resolve()), m.created, m.sites_sha256, m.as_of, m.profile, m.sample, m.seed,
             m.all_portals]
    return "c" + hashlib.sha256(json.dumps(ident, ensure_ascii=False).encode()).hexdigest()[:20]


def register_campaign(store: Store, campaign_id: str, plan: CampaignPlan, options: InspectOptions,
                      *, finish_by: str = "coordinator") -> None:
    """The campaign, its sites and the sites already finished on disk, in the store."""
    portals = portal_hosts(plan.specs)  # over the whole campaign, as an embedded run sees it
    sites = [
        (key, pos, spec_to_json(spec), portals.get(spec.region or ""), site_identity(spec))
        for pos, (key, spec) in enumerate(zip(plan.keys, plan.specs))
    ]
    store.register_campaign(campaign_id, str(plan.directory.resolve()), options_to_json(options),
                            plan.manifest.to_json(), sites, finish_by=finish_by)
    # Sites finished by an earlier (embedded or distributed) run are results in the store too,
    # so that what is pending is the same question for everyone.
    in_store = store.done_keys(campaign_id)
    for key in sorted(plan.done - in_store):
        data = json.loads((plan.directory / SITES_DIR / f"{key}.json").read_text(encoding="utf-8"))
        store.write_result(campaign_id, key, data, worker="campaign-directory", token="")


def materialise(store: Store, campaign_id: str, directory: Path, known: set[str]) -> list[str]:
    """Write `sites/<key>.json` for finished sites not in `known` (then added); returns them."""
    new = store.done_keys(campaign_id) - known
    written = []
    for key, data in sorted(store.results(campaign_id, new).items()):
        path = directory / SITES_DIR / f"{key}.json"
        if not path.is_file():
            write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=1))
        known.add(key)
        written.append(key)
    return written


def queue_size(app: Any, queue: str) -> int | None:
    """Messages waiting in `queue` (None: the broker cannot say now)."""
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=5)
            # Not a passive declare: kombu's Redis transport answers "no queue" for an empty
            # list and, with a key prefix, even for a full one (its EXISTS is not prefixed), so
            # the sweep never saw an idle queue. Declaring is harmless and counts the list.
            return int(conn.default_channel.queue_declare(queue=queue).message_count)
    except Exception:  # noqa: BLE001 - unknown is an answer: no recovery on a guess
        return None


@dataclass(slots=True)
class Sweeper:
    """Re-sends sites whose worker died or whose message was lost (see the module docstring)."""

    store: Store
    settings: ScaleSettings
    send: Callable[[str, list[str]], None]
    idle_since: dict[str, float] = field(default_factory=dict)
    resent: int = 0

    def sweep(self, campaign_id: str, queue_len: int | None) -> list[str]:
        """One look at `campaign_id`; returns the keys sent again."""
        pending = self.store.pending(campaign_id)
        now = time.monotonic()
        again = [p.site_key for p in pending if p.holder and not p.live]  # a worker died holding it
        again += [p.site_key for p in pending if p.holder == "" and not p.live]  # never taken
        if pending and queue_len == 0 and not any(p.working for p in pending):
            first = self.idle_since.setdefault(campaign_id, now)
            if now - first >= self.settings.requeue_grace_seconds:
                again += [p.site_key for p in pending if p.holder is None or p.holder == ""]
                self.idle_since.pop(campaign_id, None)
        else:
            self.idle_since.pop(campaign_id, None)
        again = list(dict.fromkeys(again))
        if again:
            self.store.mark_queued(campaign_id, again, self.settings.visibility_timeout)
            self.send(campaign_id, again)
            self.resent += len(again)
        return again


def make_sender(app: Any, settings: ScaleSettings) -> Callable[[str, list[str]], None]:
    """A function that sends one inspection task per key to the campaign queue."""

    def send(campaign_id: str, keys: list[str]) -> None:
        with app.producer_or_acquire() as producer:
            for key in keys:
                app.send_task(INSPECT_TASK, args=[campaign_id, key], queue=settings.queue, producer=producer)

    return send


class DistributedProgress:
    """What the waiting coordinator shows: a bar of finished sites, and who is working."""

    def __init__(self, total: int, done: int, console: Any | None) -> None:
        self.bar = None
        if console is not None:
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as RichProgress

            self.bar = RichProgress(
                TextColumn("[bold]分布式检查"), BarColumn(), MofNCompleteColumn(),
                TextColumn("站点 · 正在检查 {task.fields[running]} 个 · {task.fields[pages]} 页 · {task.fields[note]}"),
                TimeElapsedColumn(), console=console, transient=True,
            )
            self.task = self.bar.add_task("sites", total=total, completed=done, running=0, pages=0, note="")

    def __enter__(self) -> "DistributedProgress":
        if self.bar is not None:
            self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)

    def update(self, counts: dict[str, int], note: str = "") -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=counts["done"], running=counts["running"], pages=counts["pages"],
                            note=note)


def run_distributed(
    plan: CampaignPlan, options: InspectOptions, settings: ScaleSettings, *, console: Any | None = None,
    timeout: float | None = None, on_done: Callable[[str], None] = lambda key: None,
) -> int:
    """Fan the campaign's unfinished sites out to the workers and wait until every one is stored
    and written into the campaign directory; returns how many were sent.

    Raises ScaleError when the store or broker cannot be used, or `timeout` seconds pass
    (the campaign then goes on in the workers; re-running the command collects it).
    """
    from govinspect.scale.celeryapp import make_app
    from govinspect.scale.store import connect_store

    store = connect_store(settings)
    app = make_app(settings)
    try:
        campaign_id = campaign_id_for(plan)
        register_campaign(store, campaign_id, plan, options)
        known = set(plan.done)
        for key in materialise(store, campaign_id, plan.directory, known):
            on_done(key)
        plan.done = _finished(plan.directory, plan.keys)
        pending = store.pending(campaign_id)
        send = make_sender(app, settings)
        # Sites of an earlier, interrupted run may still be in the queue or in hand: only those
        # neither queued nor held are sent now; the sweep sees to the rest.
        fresh = [p.site_key for p in pending if not p.live]
        if fresh:
            store.mark_queued(campaign_id, fresh, settings.visibility_timeout)
            try:
                send(campaign_id, fresh)
            except Exception as exc:  # noqa: BLE001 - kombu raises many kinds; the reason is what matters
                raise ScaleError(f"cannot send tasks to the broker {settings.broker_url}: {exc}") from None
        sweeper = Sweeper(store, settings, send)
        started = time.monotonic()
        next_sweep = started + max(1.0, settings.heartbeat_seconds)
        with DistributedProgress(len(plan.keys), len(known), console) as progress:
            while True:
                for key in materialise(store, campaign_id, plan.directory, known):
                    on_done(key)
                counts = store.counts(campaign_id)
                note = "" if counts["running"] else "等待工作进程（govinspect worker）"
                progress.update(counts, note)
                if counts["done"] >= counts["total"]:
                    break
                now = time.monotonic()
                if timeout is not None and now - started > timeout:
                    raise ScaleError(
                        f"{counts['total'] - counts['done']} site(s) still unfinished after {timeout:g} s; "
                        "the workers go on, run the same command again to collect them"
                    )
                if now >= next_sweep:
                    try:
                        sweeper.sweep(campaign_id, queue_size(app, settings.queue))
                    except Exception:  # noqa: BLE001 - a broker away for a moment: sweep again later
                        pass
                    next_sweep = now + max(1.0, settings.heartbeat_seconds)
                time.sleep(settings.poll_seconds)
        store.mark_finished(campaign_id)
        plan.done = _finished(plan.directory, plan.keys)
        return len(fresh)
    finally:
        store.close()
