"""On-time rates of 找错 replies per region, and the annual assessment's counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from govinspect.platform.workdays import add_workdays  # noqa: F401 - re-exported for callers

LATE_DAYS = 30  # 19号 attachment 2: resolved after more than one month costs points


@dataclass(frozen=True, slots=True)
class RegionRate:
    """One region's 找错 handling over a period."""

    region: Any
    received: int
    replied: int
    on_time: int
    overdue_open: int
    unresolved: int
    late_over_month: int

    @property
    def rate(self) -> float | None:
        """On-time replies over those due (answered, or unanswered past the deadline)."""
        due = self.replied + self.overdue_open
        return round(self.on_time / due, 4) if due else None


def region_rates(reports: QuerySet[Any], regions: list[Any], today: dt.date | None = None) -> list[RegionRate]:
    """One row per region (its whole subtree), from an already-scoped queryset."""
    today = today or timezone.localdate()
    rows = []
    for region in regions:
        mine = [r for r in reports if r.site.region.code.startswith(region.prefix) and r.state != "invalid"]
        replied = [r for r in mine if r.replied_at is not None]
        rows.append(RegionRate(
            region=region, received=len(mine), replied=len(replied),
            on_time=sum(1 for r in replied if r.replied_on_time),
            overdue_open=sum(1 for r in mine if r.is_overdue(today)),
            unresolved=sum(1 for r in mine if r.replied_at is None),
            late_over_month=sum(1 for r in replied if (r.replied_at - r.received_at).days > LATE_DAYS),
        ))
    return rows
