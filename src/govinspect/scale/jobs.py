"""The work behind the periodic and follow-up tasks: finishing a campaign (results.json and the
通报), the daily incremental scan, one round of availability probes, the platform's re-checks.

Each is a plain function of the store and paths, so it can be tested and run without Celery.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import math
import time
from pathlib import Path
from typing import Any

from govinspect.eventloop import run as run_coroutine
from govinspect.models import SiteSpec
from govinspect.scale.settings import ScaleError, ScaleSettings, defaults
from govinspect.scale.store import Store

__all__ = ["finish_campaign", "incremental_scan", "platform_jobs", "probe_round", "specs_csv"]


def finish_campaign(store: Store, campaign_id: str, *, date: dt.date | None = None) -> str:
    """Materialise a finished campaign's directory from the store, write results.json and the
    通报, and mark it finished; returns the directory ("" when not finished yet or unknown)."""
    from govinspect.campaign.report import report_campaign
    from govinspect.campaign.run import load_campaign, write_campaign_results
    from govinspect.report.bulletin.text import load_template
    from govinspect.scale.coordinator import materialise

    info = store.campaign(campaign_id)
    if info is None or store.pending(campaign_id):
        return ""
    directory = Path(info["directory"])
    materialise(store, campaign_id, directory, set())
    manifest, sites = load_campaign(directory)
    write_campaign_results(directory, manifest, sites)
    report_campaign(directory, load_template(), date=date or dt.date.today())
    store.mark_finished(campaign_id)
    return str(directory)


def specs_csv(specs: list[SiteSpec]) -> str:
    """A registry file (the headers `read_sites` reads) of `specs`."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["网站标识码", "网站名称", "首页地址", "主办单位", "地区", "是否门户"])
    for s in specs:
        portal = "" if s.portal is None else ("是" if s.portal else "否")
        w.writerow([s.site_code or "", s.name or "", s.url, s.organiser or "", s.region or "", portal])
    return buf.getvalue()


def _scan_options(extra: dict[str, Any], out: Path, profile: str, as_of: dt.datetime) -> Any:
    """Engine options of a scan from the schedule entry's `options` (the CLI's names)."""
    from govinspect.cli import parse_resolve
    from govinspect.runner import InspectArgs, build_options

    allowed = {"per_host", "delay", "timeout", "max_pages", "max_depth", "offline", "allow_private", "user_agent",
               "resolve"}
    unknown = set(extra) - allowed
    if unknown:
        raise ScaleError(f"scan options: unknown {', '.join(sorted(unknown))} (allowed: {', '.join(sorted(allowed))})")
    resolve = parse_resolve(list(extra.get("resolve") or []))
    args = InspectArgs(urls=[], sites_file=None, as_of=as_of, profile=profile, out=out,
                       **{k: v for k, v in extra.items() if k != "resolve"}, resolve=resolve)
    return build_options(args, out)


def incremental_scan(
    settings: ScaleSettings, store: Store, app: Any, *, sites: Path, out_root: Path, profile: str = "gov2019",
    every_days: float | None = None, limit: int | None = None, extra: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> str:
    """The daily scan: a campaign of the registry's sites not inspected for `every_days` (oldest
    first, at most `limit`, by default the registry's share of a day × daily_share), fanned out
    to the workers and finished by them. Returns the campaign directory ("" if nothing is due)."""
    from govinspect.campaign.run import plan_campaign
    from govinspect.campaign.sampling import parse_sample
    from govinspect.inspect import site_identity
    from govinspect.runner import build_specs
    from govinspect.scale.coordinator import campaign_id_for, make_sender, register_campaign

    conf = defaults()["scan"]
    every = float(every_days or conf["every_days"])
    when = now or dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).replace(microsecond=0)
    specs = [s for s in build_specs([], sites) if not s.input_error]
    if not specs:
        return ""
    last = store.last_inspected(site_identity(s) for s in specs)
    cutoff = when.timestamp() - every * 86400
    due = sorted((s for s in specs if last.get(site_identity(s), 0.0) < cutoff),
                 key=lambda s: last.get(site_identity(s), 0.0))
    budget = limit or math.ceil(len(specs) / every * float(conf["daily_share"]))
    chosen = due[:budget]
    if not chosen:
        return ""
    out_root.mkdir(parents=True, exist_ok=True)
    name = f"scan-{when:%Y%m%d}"
    directory = out_root / name
    if (directory / "campaign.json").is_file():
        return str(directory)  # today's scan exists: the sweep finishes it, nothing to add
    registry = out_root / f"{name}.csv"
    registry.write_text(specs_csv(chosen), encoding="utf-8")
    from govinspect.sites import read_sites

    chosen_specs = read_sites(registry)
    plan = plan_campaign(directory, registry, chosen_specs, as_of=when.isoformat(), profile=profile,
                         sample=parse_sample(None), seed=0)
    options = _scan_options(extra or {}, directory, profile, when)
    campaign_id = campaign_id_for(plan)
    register_campaign(store, campaign_id, plan, options, finish_by="worker")
    keys = [p.site_key for p in store.pending(campaign_id)]
    store.mark_queued(campaign_id, keys, settings.visibility_timeout)
    make_sender(app, settings)(campaign_id, keys)
    return str(directory)


def probe_round(settings: ScaleSettings, sites: Path, db: Path, extra: dict[str, Any]) -> dict[str, int]:
    """One availability probe of every site now, stored in the monitor database `db` (the same
    file `govinspect monitor` writes and `inspect --monitor-db` reads). Returns counts by class.

    A schedule of `every: 3600` gives 24 probes a day; the database is SQLite, so probe rounds
    go to one worker on the machine that holds it (its own queue, see docs/scaleout.md).

    The probes are spread over the round, each site at its own stable place (the monitor's
    phase) within `spread_seconds` (default: a share of the period, data/scaleout.yaml), so a
    round never sends every site's request in one burst — which on a 集约化 platform hosting
    hundreds of sites would be hundreds of requests to one server at once.
    """
    from govinspect import __version__
    from govinspect.cli import parse_resolve
    from govinspect.monitor.command import monitored_sites
    from govinspect.monitor.probe import PROBE_TIMEOUT, ProbeOutcome, probe_homepage
    from govinspect.monitor.schedule import period, phase, slot_of
    from govinspect.monitor.store import ProbeRecord, ProbeStore
    from govinspect.net.client import Fetcher
    from govinspect.net.types import DEFAULT_USER_AGENT, FetchConfig
    from govinspect.runner import build_specs

    allowed = {"resolve", "offline", "allow_private", "per_day", "concurrency", "spread_seconds"}
    unknown = set(extra) - allowed
    if unknown:
        raise ScaleError(f"probe_round options: unknown {', '.join(sorted(unknown))}")
    per_day = int(extra.get("per_day") or 24)
    spread = extra.get("spread_seconds")
    spread = float(spread) if spread is not None else period(per_day) * float(defaults()["probe_spread_share"])
    monitored = monitored_sites(build_specs([], sites), io.StringIO())
    fetch = FetchConfig(
        timeout=PROBE_TIMEOUT, connect_timeout=PROBE_TIMEOUT,
        user_agent=DEFAULT_USER_AGENT.replace("{version}", __version__),
        resolve=parse_resolve(list(extra.get("resolve") or [])), offline=bool(extra.get("offline")),
        allow_private=bool(extra.get("allow_private")),
    )
    store = ProbeStore(db)
    counts: dict[str, int] = {}
    try:
        ids = store.register_sites(monitored)

        async def run() -> None:
            sem = asyncio.Semaphore(int(extra.get("concurrency") or 64))
            begin = time.monotonic()
            async with Fetcher(fetch) as fetcher:

                async def one(i: int) -> None:
                    await asyncio.sleep(max(0.0, begin + phase(monitored[i].key) * spread - time.monotonic()))
                    async with sem:
                        at = time.time()
                        try:
                            out = await probe_homepage(fetcher, monitored[i].url)
                        except Exception as exc:  # noqa: BLE001 - one site's bug never stops the round
                            out = ProbeOutcome("unknown", None, 0.0, f"internal error: {type(exc).__name__}"[:200])
                        store.add(ProbeRecord(ids[i], at, slot_of(at, per_day), out.cls, out.status, out.elapsed,
                                              out.detail or None, out.remote_ip))
                        counts[out.cls] = counts.get(out.cls, 0) + 1

                await asyncio.gather(*(one(i) for i in range(len(monitored))))

        run_coroutine(run())
        store.flush()
    finally:
        store.close()
    return counts


def platform_jobs(limit: int = 20) -> int:
    """Run the supervision platform's queued jobs (work-order re-checks) in this worker; the
    platform's database comes from DATABASE_URL / GOVINSPECT_DATA as for `govinspect serve`."""
    from govinspect.platform.bootstrap import setup

    setup()
    from govinspect.platform.jobs import run_pending

    return run_pending(limit)
