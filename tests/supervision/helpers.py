"""Builders shared by the platform tests: an engine run as results.json would carry it."""

from __future__ import annotations

from typing import Any


def site_result(site_code: str, url: str, *, dead: list[tuple[str, str]] = (), as_of: str = "2024-06-15T00:00:00+08:00",
                extra_findings: list[dict[str, Any]] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    """One SITE of results.json with its dead links (source, target) on non-home pages."""
    dead_links = [{"source": s, "target": t, "status": 404, "reason": "http_404", "scope": "other", "kind": "page"}
                  for s, t in dead]
    findings = list(extra_findings)
    if dead_links:
        findings.insert(0, {
            "indicator": "deduct.design.links_other_dead", "veto": False, "points": round(0.1 * len(dead), 2),
            "measure": {"count": len(dead)}, "message": f"非首页死链接{len(dead)}条，扣{0.1 * len(dead):g}分",
            "evidence": [{"url": s, "detail": f"失效链接 {t}（404 页面不存在）", "seen_at": "2024-06-14T10:00:00+08:00"}
                         for s, t in dead],
        })
    return {
        "site_code": site_code, "name": "", "url": url, "region": "", "portal": True, "status": "inspected",
        "verdict": None, "score": None, "vetoes": [f["indicator"] for f in findings if f["veto"]],
        "findings": findings, "stats": {"pages": 120, "links_checked": 900, "seconds": 30.0},
        "dead_links": dead_links, "blocked_links": [], "homepage": None, "columns": [], "footer": None,
        "text_errors": [], "illegal": [], "letters": [], "guides": [], "privacy": [], "availability": None,
    }


def run(*sites: dict[str, Any], as_of: str = "2024-06-15T00:00:00+08:00") -> dict[str, Any]:
    """results.json around the given SITEs."""
    return {"tool": {"name": "govinspect", "version": "0.1.0"}, "as_of": as_of, "profile": "gov2019", "sites": list(sites)}


HOMEPAGE_VETO = {
    "indicator": "veto.homepage_not_updated", "veto": True, "points": 0.0,
    "measure": {"latest": "2024-05-20", "items_in_2_weeks": 0},
    "message": "首页栏目超过2周未更新，单项否决",
    "evidence": [{"url": "http://www.fufeng.gov.cn/", "detail": "首页最新信息日期为2024-05-20"}],
}
