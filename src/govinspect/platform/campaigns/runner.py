"""Starting a campaign from the platform and running it in the local job runner.

`create_campaign` (in the request) chooses the sites within the user's scope, snapshots them
into ``registry.csv``, draws the sample with the engine's own `plan_campaign` (so the UI and
``govinspect campaign run`` draw the same sites for the same seed) and queues a Job. The job
(`run_campaign_job`) runs the engine on its own event loop in a second thread, while the job's
thread writes the progress into the Campaign row every second and watches for a cancel
request. When every site is done, the results are imported as inspections to review
(`orders.results_import`), whitelists applied, and the sites scored as reviewed so far.

A crash leaves the Campaign "running": `jobs.recover_interrupted` marks it 已中断 at the next
start. Running it again resumes: the engine's campaign directory keeps every finished site.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import logging
import shutil
import threading
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from govinspect.eventloop import run as run_coroutine
from govinspect.platform.campaigns.models import Campaign, CampaignSite
from govinspect.platform.jobs import handler
from govinspect.platform.orders.models import Inspection, Job
from govinspect.platform.registry.models import Region, Site
from govinspect.platform.scope import region_allowed, scoped

log = logging.getLogger("govinspect.platform.campaigns")

CHINA = ZoneInfo("Asia/Shanghai")
REGISTRY_HEADERS = ["网站标识码", "网站名称", "首页地址", "主办单位", "地区", "是否门户", "别名"]
PROGRESS_INTERVAL = 1.0  # seconds between progress writes (and cancel checks)
SANDBOX_PREFIX = "99"  # GB/T 2260 has no province 99: the simulated province uses it


class CampaignStartError(ValueError):
    """A campaign that cannot be started as asked (one-line Chinese message)."""


# ---------------------------------------------------------------------------- creating
def _candidates(user: Any, mode: str, site: Site | None, region: Region | None) -> list[Site]:
    sites = scoped(user, Site.objects.filter(status="running").select_related("region", "organiser"))
    if mode == "site":
        if site is None:
            raise CampaignStartError("请选择要检查的网站")
        sites = sites.filter(pk=site.pk)
    elif region is not None:
        sites = sites.filter(region__code__startswith=region.prefix)
    found = list(sites.order_by("region__code", "site_code"))
    if not found:
        raise CampaignStartError("所选范围内没有运行中的网站（或不在您的管辖范围内）")
    return found


def _sandbox_province(sites: list[Site]) -> Any | None:
    """The simulated province when every chosen site belongs to it; None for real sites only."""
    from govinspect.platform.sandbox_registry import registered_sandbox

    in_99 = [s for s in sites if s.site_code.startswith(SANDBOX_PREFIX)]
    if not in_99:
        return None
    if len(in_99) != len(sites):
        raise CampaignStartError("模拟省网站不能与真实网站在同一批次中检查")
    registered = registered_sandbox()
    if registered is None:
        raise CampaignStartError("未找到模拟省的登记信息，请先运行 govinspect admin load-sandbox")
    from govinspect.sandbox.build import build_province

    province = build_province(seed=registered["seed"], n_sites=registered["sites"])
    codes = {s.site_code for s in province.sites}
    missing = [s.site_code for s in sites if s.site_code not in codes]
    if missing:
        raise CampaignStartError(f"网站 {'、'.join(missing[:5])} 不在已登记的模拟省中")
    return province


def write_registry(sites: list[Site], path: Path) -> None:
    """The chosen registry rows as CSV, in the engine's registry format (read back by `read_sites`)."""
    from govinspect.platform.registry.tables import to_csv

    rows = [[s.site_code, s.name, s.url, s.organiser.name if s.organiser else "", s.region.full_name,
             "是" if s.portal else "否", "；".join(s.alias_list)] for s in sites]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(to_csv(REGISTRY_HEADERS, rows))


def _plan(campaign: Campaign) -> Any:
    """The engine's plan for the campaign (draws the sample; resumes an existing directory)."""
    from govinspect.campaign.run import plan_campaign
    from govinspect.campaign.sampling import parse_sample
    from govinspect.sites import read_sites

    specs = read_sites(campaign.registry_file)
    return plan_campaign(
        campaign.run_dir, campaign.registry_file, specs, as_of=campaign.as_of.astimezone(CHINA).isoformat(),
        profile=campaign.profile, sample=parse_sample(campaign.sample), seed=campaign.seed,
        all_portals=campaign.all_portals,
    )


def create_campaign(user: Any, *, name: str, mode: str, site: Site | None, region: Region | None, sample: str,
                    seed: int, all_portals: bool, as_of: dt.date | None, profile: str) -> Campaign:
    """Choose and draw the sites, keep the snapshot, queue the job; CampaignStartError otherwise."""
    from govinspect.campaign.manifest import CampaignError
    from govinspect.campaign.sampling import SamplingError, parse_sample
    from govinspect.sites import SitesFileError

    try:
        parse_sample(sample)
    except SamplingError:
        raise CampaignStartError("抽样应为百分比（如 50%）或网站个数（如 30），留空为全部") from None
    if region is not None and not region_allowed(user, region.code):
        raise CampaignStartError("所选地区不在您的管辖范围内")
    chosen = _candidates(user, mode, site, region)
    province = _sandbox_province(chosen)
    if as_of is None:
        as_of = province.as_of if province is not None else timezone.localdate()
    scope_region = site.region if mode == "site" and site is not None else region
    if scope_region is None and getattr(user, "region_id", None):
        scope_region = user.region
    campaign = Campaign.objects.create(
        name=name.strip() or f"{as_of:%Y年%m月%d日}抽查", region=scope_region, mode=mode, sample=sample.strip() or "all",
        seed=seed, all_portals=all_portals, as_of=dt.datetime.combine(as_of, dt.time(0, 0), CHINA), profile=profile,
        sandbox=province is not None, created_by=user,
    )
    try:
        with transaction.atomic():
            if campaign.directory.exists():  # a directory left by a deleted row of the same id
                shutil.rmtree(campaign.directory)
            write_registry(chosen, campaign.registry_file)
            plan = _plan(campaign)
            by_code = {s.site_code: s for s in chosen}
            CampaignSite.objects.bulk_create([
                CampaignSite(campaign=campaign, site=by_code[spec.site_code], key=key)
                for key, spec in zip(plan.keys, plan.specs) if spec.site_code in by_code
            ])
            campaign.total = len(plan.keys)
            campaign.job = Job.objects.create(kind="campaign", params={"campaign": campaign.pk})
            campaign.save()
    except (CampaignError, SitesFileError, OSError) as err:
        campaign.delete()
        shutil.rmtree(campaign.directory, ignore_errors=True)
        raise CampaignStartError(f"无法开始抽查：{err}") from None
    except BaseException:
        campaign.delete()
        shutil.rmtree(campaign.directory, ignore_errors=True)
        raise
    return campaign


def request_cancel(campaign: Campaign) -> None:
    """Ask the running job to stop (a queued one stops before it starts)."""
    if not campaign.active:
        raise CampaignStartError("该批次未在运行")
    Campaign.objects.filter(pk=campaign.pk).update(cancel_requested=True)
    campaign.cancel_requested = True


def resume(campaign: Campaign) -> Job:
    """Queue a stopped campaign again; finished sites are kept and not inspected twice."""
    if not campaign.resumable:
        raise CampaignStartError("只有已取消、已中断或失败的批次可以继续")
    job = Job.objects.create(kind="campaign", params={"campaign": campaign.pk})
    campaign.job, campaign.state, campaign.cancel_requested, campaign.message = job, "queued", False, ""
    campaign.finished_at = None
    campaign.save()
    return job


# ---------------------------------------------------------------------------- running
@dataclasses.dataclass
class _Shared:
    """What the engine thread tells the job thread (guarded by `lock`)."""

    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)
    done: set[str] = dataclasses.field(default_factory=set)
    errors: int = 0
    current: dict[str, str] = dataclasses.field(default_factory=dict)
    loop: asyncio.AbstractEventLoop | None = None
    task: asyncio.Task[Any] | None = None
    failure: BaseException | None = None
    cancelled: bool = False


def _progress_class() -> type:
    from govinspect.inspect import Progress

    class _Report(Progress):
        def __init__(self, shared: _Shared) -> None:
            self.shared = shared

        def site_started(self, key: str, spec: Any) -> None:
            with self.shared.lock:
                self.shared.current[key] = spec.name or spec.url

        def site_done(self, key: str, result: Any) -> None:
            with self.shared.lock:
                self.shared.current.pop(key, None)
                self.shared.errors += result.status != "inspected"

    return _Report


def _engine_options(campaign: Campaign, allow_private: bool, sandbox: tuple[Any, Any] | None) -> Any:
    from govinspect import __version__
    from govinspect.cli import parse_resolve
    from govinspect.inspect import InspectOptions
    from govinspect.net.types import DEFAULT_USER_AGENT, FetchConfig

    as_of = campaign.as_of.astimezone(CHINA)
    if sandbox is not None:
        from govinspect.demo import demo_options

        province, server = sandbox
        options = demo_options(province, server.port, None, server=server.handle)
        return dataclasses.replace(options, as_of=as_of, profile=campaign.profile)
    entries = [e.strip() for e in settings.GOVINSPECT_RESOLVE.split(",") if e.strip()]
    return InspectOptions(
        as_of=as_of, profile=campaign.profile,
        fetch=FetchConfig(user_agent=DEFAULT_USER_AGENT.format(version=__version__),
                          resolve=parse_resolve(entries) if entries else {}, allow_private=allow_private),
        parallel_sites=settings.GOVINSPECT_CAMPAIGN_PARALLEL_SITES,
    )


def _run_engine(plan: Any, groups: list[tuple[Any, Any]], shared: _Shared) -> None:
    """The engine thread: each group of sites (same fetch rules) in turn, on one event loop."""
    from govinspect.campaign.run import run_campaign

    report = _progress_class()(shared)

    def on_done(key: str) -> None:
        with shared.lock:
            shared.done.add(key)

    async def main() -> None:
        with shared.lock:
            shared.loop, shared.task = asyncio.get_running_loop(), asyncio.current_task()
            if shared.cancelled:
                return
        for sub_plan, options in groups:
            await run_campaign(sub_plan, options, report, on_done)

    try:
        run_coroutine(main())
    except asyncio.CancelledError:
        with shared.lock:
            shared.cancelled = True
    except BaseException as exc:  # reported by the job thread
        shared.failure = exc


def _groups(campaign: Campaign, plan: Any, sandbox: tuple[Any, Any] | None) -> list[tuple[Any, Any]]:
    """The remaining sites split by fetch rules: private addresses only for sites allowed them
    (as re-checks do), everything else with the SSRF guard on."""
    from govinspect.campaign.run import CampaignPlan

    if sandbox is not None:
        return [(plan, _engine_options(campaign, False, sandbox))]
    allowed = set(CampaignSite.objects.filter(campaign=campaign, site__allow_private=True).values_list("key", flat=True))
    out = []
    for flag in (False, True):
        pairs = [(k, s) for k, s in zip(plan.keys, plan.specs) if (k in allowed) == flag]
        if not pairs:
            continue
        sub = CampaignPlan(plan.directory, plan.manifest, [s for _, s in pairs], [k for k, _ in pairs], plan.done)
        if sub.remaining:
            out.append((sub, _engine_options(campaign, flag, None)))
    return out


def _write_progress(campaign: Campaign, shared: _Shared) -> bool:
    """Copy the engine's progress into the rows; True when a cancel was asked for."""
    with shared.lock:
        done, errors = set(shared.done), shared.errors
        current = "、".join(sorted(shared.current.values()))[:500]
    CampaignSite.objects.filter(campaign=campaign, key__in=done, done=False).update(done=True)
    Campaign.objects.filter(pk=campaign.pk).update(
        finished=CampaignSite.objects.filter(campaign=campaign, done=True).count(),
        errors=campaign.errors + errors, current=current,
    )
    return Campaign.objects.filter(pk=campaign.pk, cancel_requested=True).exists()


def _stop(campaign: Campaign, state: str, message: str = "") -> None:
    Campaign.objects.filter(pk=campaign.pk).update(state=state, message=message, current="",
                                                    finished_at=timezone.now())


@handler("campaign")
def run_campaign_job(params: dict[str, Any]) -> dict[str, Any]:
    """The job: run (or resume) the campaign, then import its results for review."""
    campaign = Campaign.objects.get(pk=params["campaign"])
    try:
        return _run(campaign)
    except Exception as exc:
        campaign.refresh_from_db()
        if campaign.state in ("queued", "running"):
            _stop(campaign, "failed", f"抽查未能完成：{type(exc).__name__}: {exc}"[:2000])
        raise


def _run(campaign: Campaign) -> dict[str, Any]:
    from govinspect.platform.campaigns.review import rescore_campaign

    if campaign.cancel_requested:
        _stop(campaign, "cancelled", "已按要求取消，尚未开始检查")
        return {"cancelled": True}
    if campaign.state in ("done",):
        return {"skipped": "done"}
    plan = _plan(campaign)
    done_before = set(plan.done)
    CampaignSite.objects.filter(campaign=campaign, key__in=done_before).update(done=True)
    errors_before = sum(1 for k in done_before if _site_status(plan.directory, k) == "error")
    Campaign.objects.filter(pk=campaign.pk).update(
        state="running", started_at=campaign.started_at or timezone.now(), message="",
        finished=len(done_before), errors=errors_before,
    )
    campaign.refresh_from_db()
    shared = _Shared()
    server = None
    try:
        sandbox = None
        if campaign.sandbox and plan.remaining:
            server, province = _start_sandbox()
            sandbox = (province, server)
        groups = _groups(campaign, plan, sandbox) if plan.remaining else []
        engine = threading.Thread(target=_run_engine, args=(plan, groups, shared), name=f"campaign-{campaign.pk}",
                                  daemon=True)
        engine.start()
        while engine.is_alive():
            engine.join(PROGRESS_INTERVAL)
            if _write_progress(campaign, shared):
                _cancel(shared)
        _write_progress(campaign, shared)
    finally:
        if server is not None:
            server.stop()
    if shared.failure is not None:
        raise shared.failure
    campaign.refresh_from_db()
    if shared.cancelled or campaign.cancel_requested:
        _stop(campaign, "cancelled", f"已按要求取消：{campaign.finished}/{campaign.total} 个网站已完成并保存，可继续检查")
        return {"cancelled": True, "finished": campaign.finished}
    imported = import_campaign(campaign)
    rescore_campaign(campaign)
    _stop(campaign, "done")
    return {"finished": campaign.finished, **imported}


def _cancel(shared: _Shared) -> None:
    with shared.lock:
        shared.cancelled = True
        loop, task = shared.loop, shared.task
    if loop is not None and task is not None:
        loop.call_soon_threadsafe(task.cancel)


def _site_status(directory: Path, key: str) -> str:
    try:
        return json.loads((directory / "sites" / f"{key}.json").read_text(encoding="utf-8")).get("status", "")
    except (OSError, ValueError):
        return ""


def _start_sandbox() -> tuple[Any, Any]:
    """The registered simulated province, served from a thread on a free loopback port."""
    from govinspect.platform.sandbox_registry import registered_sandbox
    from govinspect.sandbox.build import build_province
    from govinspect.sandbox.server import run_in_thread

    registered = registered_sandbox()
    if registered is None:
        raise RuntimeError("模拟省未登记（govinspect admin load-sandbox）")
    province = build_province(seed=registered["seed"], n_sites=registered["sites"])
    return run_in_thread(province), province


# ---------------------------------------------------------------------------- importing
def import_campaign(campaign: Campaign) -> dict[str, Any]:
    """Write the campaign's results.json and import it as inspections (once per site)."""
    from govinspect.campaign.run import load_campaign, write_campaign_results
    from govinspect.platform.accounts.models import User
    from govinspect.platform.orders.results_import import import_results

    manifest, stored = load_campaign(campaign.run_dir)
    path = write_campaign_results(campaign.run_dir, manifest, stored)
    data = json.loads(path.read_text(encoding="utf-8"))
    # The sites were chosen within the starter's scope when the campaign was created; the
    # import matches them by 网站标识码 as the system, so a later change of role loses nothing.
    system = User(username="system", role="admin")
    result = import_results(data, system, campaign.label)
    by_site = {i.site_id: i for i in Inspection.objects.filter(run=campaign.label)}
    for cs in CampaignSite.objects.filter(campaign=campaign, inspection__isnull=True):
        inspection = by_site.get(cs.site_id)
        if inspection is not None:
            cs.inspection = inspection
            cs.save(update_fields=["inspection"])
    Campaign.objects.filter(pk=campaign.pk).update(imported_at=timezone.now())
    return {"inspections": result.inspections, "findings": result.findings, "whitelisted": result.whitelisted,
            "import_errors": result.errors}
