"""Guides and service entries → the 服务不实用 vetoes and the guide deductions.

The veto counts service items (guides) missing four or more of the ten key element
categories: five such items, or every item when the site has fewer than five. Below the veto
the missing categories are priced per category (2015 practice: 缺少办理时间、联系电话 → 4分).
"""

from __future__ import annotations

from typing import Any

from govinspect.analyze.guides import CATEGORIES
from govinspect.checks.interaction import EVIDENCE_LIMIT, message
from govinspect.models import DeadLink, Evidence, Finding
from govinspect.profiles.loader import Profile


def _points(settings: dict[str, Any], count: int) -> float:
    per = settings.get("per_item")
    points = float(per) * count if per is not None else float(settings.get("points") or 0.0)
    cap = settings.get("cap")
    return round(min(points, float(cap)) if cap is not None else points, 2)


def _guide_evidence(g: dict[str, Any]) -> Evidence:
    return Evidence(url=g["url"], detail=f"《{g['title']}》缺少{'、'.join(g['missing'])}", seen_at=g.get("seen_at"))


def service_findings(
    guides: list[dict[str, Any]], services: dict[str, Any], columns: list[dict[str, Any]], dead_links: list[DeadLink],
    profile: Profile, *, complete: bool, home_url: str,
) -> list[Finding]:
    """The service vetoes and deductions reached by a site's measures."""
    out: list[Finding] = []
    settings = profile.indicator("veto.service.none")
    service_columns = [c for c in columns if c.get("category") == "service" and c.get("items")]
    if settings is not None and complete and not guides and not services["service_links"] and not service_columns:
        out.append(Finding(
            indicator="veto.service.none", veto=True, points=0.0,
            measure={"guides": 0, "service_links": 0, "service_columns": 0},
            message=message(settings), evidence=[Evidence(url=home_url, detail="全站未发现办事服务栏目、办事指南或政务服务入口")],
        ))
    settings = profile.indicator("veto.service.guide_elements")
    if settings is not None and guides:
        least = int(settings.get("missing_at_least", 4))
        items = int(settings.get("items_at_least", 5))
        poor = [g for g in guides if len(g["missing"]) >= least]
        if (len(guides) >= items and len(poor) >= items) or (len(guides) < items and len(poor) == len(guides)):
            out.append(Finding(
                indicator="veto.service.guide_elements", veto=True, points=0.0,
                measure={"guides": len(guides), "poor_guides": len(poor), "missing_at_least": least},
                message=message(settings, count=len(poor), total=len(guides), least=least),
                evidence=[_guide_evidence(g) for g in poor[:EVIDENCE_LIMIT]],
            ))
    settings = profile.indicator("deduct.service.guide_quality")
    scored = (settings or {}).get("categories") or CATEGORIES
    missing = [c for c in CATEGORIES if c in scored and any(c in g["missing"] for g in guides)]
    if settings is not None and missing:
        points = _points(settings, len(missing))
        out.append(Finding(
            indicator="deduct.service.guide_quality", veto=False, points=points,
            measure={"categories": missing, "count": len(missing),
                     "guides": len(guides), "guides_incomplete": sum(1 for g in guides if g["missing"])},
            message=message(settings, missing="、".join(missing), count=len(missing), points=points),
            evidence=[_guide_evidence(g) for g in guides if g["missing"]][:EVIDENCE_LIMIT],
        ))
    settings = profile.indicator("deduct.service.forms_download")
    guide_urls = {g["url"] for g in guides}
    broken = [d for d in dead_links if d.kind == "attachment" and ({d.source, *d.sources} & guide_urls)]
    if settings is not None and broken:
        points = _points(settings, len(broken))
        out.append(Finding(
            indicator="deduct.service.forms_download", veto=False, points=points,
            measure={"count": len(broken)}, message=message(settings, count=len(broken), points=points),
            evidence=[Evidence(url=next(iter({d.source, *d.sources} & guide_urls)),
                               detail=f"办事指南中的表格 {d.target} 无法下载（{d.reason}）", seen_at=d.checked_at)
                      for d in broken[:EVIDENCE_LIMIT]],
        ))
    return out
