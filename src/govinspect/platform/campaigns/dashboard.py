"""The dashboard's numbers, per region of the user's scope (每个地区一行).

Regions are the level below the user's own region (a province supervisor sees its cities, a
city supervisor its counties, an administrator the provinces with sites), as on the 找错
statistics page. Per region:

* the latest finished campaign that inspected sites of the region, and its pass rate counted as
  the 通报 counts it (`campaign.aggregate.GroupRow`: 未评分 and 无法检查 are never 合格, and no
  rate while a site is 未评分), from the verdicts after review;
* the sites failing in that campaign;
* open and overdue work orders (today);
* the 找错 on-time reply rate of the current year (`reports.stats.region_rates`);
* availability where the monitor measured it: 1 − failed ÷ probes over the sites' latest
  inspections that carry monitor data (empty when nothing is monitored).

Trends: the pass rate of every finished campaign over the user's whole scope, oldest first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.utils import timezone

from govinspect.platform.campaigns.models import Campaign, CampaignSite
from govinspect.platform.orders.models import Inspection, WorkOrder
from govinspect.platform.registry.models import Region, Site
from govinspect.platform.reports.models import ErrorReport
from govinspect.platform.reports.stats import region_rates
from govinspect.platform.scope import scoped

__all__ = ["Dashboard", "RegionRow", "TrendPoint", "build_dashboard", "grouping_regions"]

TREND_CAMPAIGNS = 12  # campaigns shown in the trend, newest kept


@dataclass(slots=True)
class RegionRow:
    """One region's line on the dashboard."""

    region: Region
    sites: int = 0
    campaign: Campaign | None = None
    counts: Any = None  # campaign.aggregate.GroupRow of the latest campaign
    failing: list[Site] = field(default_factory=list)
    open_orders: int = 0
    overdue_orders: int = 0
    zhaocuo_rate: float | None = None
    zhaocuo_due: int = 0
    availability: float | None = None
    monitored: int = 0

    @property
    def pass_rate(self) -> Fraction | None:
        """合格 ÷ (合格 + 不合格) of the latest campaign (None: not computed)."""
        return self.counts.pass_rate if self.counts is not None else None


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One finished campaign over the user's scope."""

    campaign: Campaign
    counts: Any  # GroupRow

    @property
    def pass_rate(self) -> Fraction | None:
        return self.counts.pass_rate


@dataclass(slots=True)
class Dashboard:
    """Everything the dashboard page shows."""

    rows: list[RegionRow]
    total: RegionRow
    trend: list[TrendPoint]
    repeat: list[dict[str, Any]]


def _root(user: Any) -> Region | None:
    """The region the user's scope is cut from (supervisors and reviewers with a region)."""
    role = "admin" if user.is_superuser else user.role
    return user.region if role in ("supervisor", "reviewer") else None


def grouping_regions(user: Any) -> list[Region]:
    """The regions the dashboard has a row for (the level below the user's region)."""
    root = _root(user)
    if root is not None:
        return list(Region.objects.filter(parent=root)) or [root]
    codes = {c[:2] for c in scoped(user, Site.objects.all()).values_list("region__code", flat=True)}
    return [r for r in Region.objects.filter(level="province") if r.code[:2] in codes]


def _result(cs: CampaignSite) -> dict[str, Any]:
    inspection = cs.inspection
    reviewed = getattr(inspection, "reviewed", None)
    verdict = reviewed.verdict if reviewed is not None else inspection.verdict
    return {"status": inspection.status, "verdict": verdict or None}


def _counts(items: list[CampaignSite]) -> Any:
    from govinspect.campaign.aggregate import GroupRow, outcome

    row = GroupRow("")
    for cs in items:
        row.add(outcome(_result(cs)))
    return row


def _fill_campaign(row: RegionRow, results: list[CampaignSite]) -> None:
    if not results:
        return
    latest = max((cs.campaign for cs in results), key=lambda c: (c.as_of, c.pk))
    mine = [cs for cs in results if cs.campaign_id == latest.pk]
    row.campaign, row.counts = latest, _counts(mine)
    row.failing = [cs.site for cs in mine if _result(cs) == {"status": "inspected", "verdict": "fail"}]


def _availability(inspections: list[Inspection]) -> tuple[float | None, int]:
    probes = failures = monitored = 0
    for i in inspections:
        a = (i.raw or {}).get("availability")
        if isinstance(a, dict) and int(a.get("probes") or 0) > 0:
            probes += int(a["probes"])
            failures += int(a.get("failures") or 0)
            monitored += 1
    return ((1 - failures / probes) if probes else None), monitored


def build_dashboard(user: Any, today: dt.date | None = None) -> Dashboard:
    """The dashboard of `user` (everything through `scoped`)."""
    from govinspect.platform.orders.actions import repeat_offenders
    from govinspect.platform.reports.views import _year_bounds

    today = today or timezone.localdate()
    sites = list(scoped(user, Site.objects.select_related("region")))
    results = list(scoped(user, CampaignSite.objects.filter(campaign__state="done", inspection__isnull=False))
                   .select_related("campaign", "site__region", "inspection__reviewed"))
    orders = list(scoped(user, WorkOrder.objects.exclude(state="closed").select_related("site__region")))
    start, end, _ = _year_bounds(None)
    reports = list(scoped(user, ErrorReport.objects.select_related("site__region"))
                   .filter(received_at__gte=start, received_at__lt=end))
    region_of = {s.pk: s.region.code for s in sites}
    latest: dict[int, Inspection] = {}
    for i in scoped(user, Inspection.objects.order_by("as_of", "id")).only("id", "site_id", "as_of", "raw"):
        latest[i.site_id] = i  # the newest inspection of each site wins

    def fill(row: RegionRow, inside: Callable[[str], bool]) -> RegionRow:
        row.sites = sum(1 for s in sites if inside(s.region.code))
        _fill_campaign(row, [cs for cs in results if inside(cs.site.region.code)])
        mine = [o for o in orders if inside(o.site.region.code)]
        row.open_orders = len(mine)
        row.overdue_orders = sum(1 for o in mine if o.is_overdue(today))
        rate = region_rates([r for r in reports if inside(r.site.region.code)], [row.region], today)[0]
        row.zhaocuo_rate, row.zhaocuo_due = rate.rate, rate.replied + rate.overdue_open
        row.availability, row.monitored = _availability(
            [i for site_id, i in latest.items() if inside(region_of.get(site_id, "-"))])
        return row

    def under(prefix: str) -> Callable[[str], bool]:
        return lambda code: code.startswith(prefix)

    regions = grouping_regions(user)
    rows = [fill(RegionRow(region), under(region.prefix)) for region in regions]
    root = _root(user)
    if root is not None and regions != [root]:
        # Sites registered at the user's own level (a city's own departments) get a row of their own.
        own = Region(code=root.code, name=f"{root.name}本级", full_name=f"{root.full_name}本级", level=root.level)
        rows.insert(0, fill(RegionRow(own), lambda code: code == root.code))
    # Regions without a site in scope say nothing; they are left out.
    rows = [row for row in rows if row.sites]
    total = fill(RegionRow(root or Region(code="", name="合计", full_name="合计", level="province")),
                 under(root.prefix if root is not None else ""))
    by_campaign: dict[int, list[CampaignSite]] = {}
    for cs in results:
        by_campaign.setdefault(cs.campaign_id, []).append(cs)
    campaigns = sorted({cs.campaign for cs in results}, key=lambda c: (c.as_of, c.pk))[-TREND_CAMPAIGNS:]
    trend = [TrendPoint(c, _counts(by_campaign[c.pk])) for c in campaigns]
    repeat = list(repeat_offenders(scoped(user, WorkOrder.objects.all()))[:50])
    return Dashboard(rows=rows, total=total, trend=trend, repeat=repeat)
