"""Link availability (可用性): dead links on the homepage and on other pages → findings."""

from __future__ import annotations

from govinspect.models import DeadLink, Evidence, Finding
from govinspect.profiles.loader import Profile
from govinspect.report.labels import dead_reason_label
from govinspect.scoring.rules import price, render_message

EVIDENCE_LIMIT = 50  # a finding shows this many examples; results.json keeps them all

_SCOPES = (
    ("home", "deduct.design.links_home_dead"),
    ("other", "deduct.design.links_other_dead"),
)


def link_findings(dead_links: list[DeadLink], profile: Profile) -> list[Finding]:
    """One finding per scope that has dead links, priced by the profile (per item, capped)."""
    findings: list[Finding] = []
    for scope, indicator_id in _SCOPES:
        links = [d for d in dead_links if d.scope == scope]
        settings = profile.indicator(indicator_id)
        if not links or settings is None:
            continue
        count = len(links)
        priced = price(settings, {"count": count})
        points = priced or 0.0
        cap = settings.get("cap")
        if cap is not None:
            points = min(points, float(cap))
        message = render_message(settings, {"count": count}, points if priced is not None else None,
                                 fallback=f"{count}")
        evidence = [
            Evidence(
                url=d.source,
                detail=f"失效链接 {d.target}（{dead_reason_label(d.reason, d.status)}）",
                seen_at=d.checked_at,
            )
            for d in links[:EVIDENCE_LIMIT]
        ]
        findings.append(
            Finding(
                indicator=indicator_id, veto=False, points=points,
                measure={"count": count, "by_kind": _by_kind(links)},
                message=message, evidence=evidence,
            )
        )
    return findings


def _by_kind(links: list[DeadLink]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for d in links:
        counts[d.kind] = counts.get(d.kind, 0) + 1
    return counts
