"""Scores after review: the reviewers' decisions in, the engine's own scoring out.

A site's score after review uses its confirmed and still unreviewed findings; dismissed and
whitelisted ones are left out. Nothing is re-implemented here: the stored SITE object is read
back with `report.results.run_from_json`, the decisions are handed to
`scoring.rescore.rescore_run` (what `govinspect rescore` runs for a review sheet) and the
re-scored SITE is kept in `ReviewedScore`, next to the engine's verdict and score before review.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from govinspect.platform.campaigns.models import Campaign, CampaignSite, ReviewedScore
from govinspect.platform.orders.models import Finding, Inspection

__all__ = ["decision_for", "engine_finding_id", "rescore_campaign", "rescore_inspection"]


def engine_finding_id(finding: Finding, raw: dict[str, Any]) -> str:
    """The engine's id of a platform finding: the `id` of the SITE finding it was imported from
    (same indicator, measure and evidence), else the id the scoring code would compute."""
    from govinspect.scoring.review import finding_id

    for f in list(raw.get("findings") or []) + list(raw.get("dismissed") or []):
        if (f.get("indicator") == finding.indicator and (f.get("measure") or {}) == finding.measure
                and (f.get("evidence") or []) == finding.evidence and f.get("id")):
            return str(f["id"])
    return finding_id(str(raw.get("url") or ""), finding.indicator, finding.measure or {}, finding.evidence or [])


def decision_for(finding: Finding) -> Any:
    """The review sheet's decision for a platform finding (whitelisted counts as dismissed)."""
    from govinspect.scoring.review import UNREVIEWED, ReviewDecision

    reviewer = finding.reviewed_by.get_username() if finding.reviewed_by_id else ""
    if finding.state == "confirmed":
        return ReviewDecision("confirmed", finding.review_reason, reviewer)
    if finding.state == "dismissed":
        return ReviewDecision("dismissed", finding.review_reason or "驳回", reviewer)
    if finding.state == "whitelisted":
        return ReviewDecision("dismissed", f"白名单：{finding.review_reason}".rstrip("："), reviewer)
    return UNREVIEWED


def rescore_inspection(inspection: Inspection) -> ReviewedScore:
    """Score one inspection again from its reviewed findings and keep the result."""
    from govinspect.profiles.loader import ProfileError, load_profile
    from govinspect.report.results import run_from_json, site_to_json
    from govinspect.scoring.rescore import rescore_run

    raw = inspection.raw or {}
    defaults: dict[str, Any] = {"verdict": inspection.verdict, "score": inspection.score,
                                "vetoes": list(raw.get("vetoes") or []), "counts": {}, "note": "", "site": raw}
    if inspection.status != "inspected":
        defaults["note"] = "网站未能完成检查，不评分"
        return ReviewedScore.objects.update_or_create(inspection=inspection, defaults=defaults)[0]
    try:
        profile = load_profile(raw.get("profile_source") or inspection.profile or "gov2019")
    except ProfileError as err:
        defaults["note"] = f"无法重新评分：指标体系不可用（{err}）"
        return ReviewedScore.objects.update_or_create(inspection=inspection, defaults=defaults)[0]
    decisions = {engine_finding_id(f, raw): decision_for(f) for f in inspection.findings.select_related("reviewed_by")}
    run = run_from_json({"as_of": timezone.localtime(inspection.as_of).isoformat(), "profile": profile.id, "sites": [raw]})
    counts, _ = rescore_run(run, profile, decisions)
    site = site_to_json(run.sites[0])
    for extra in ("key", "attempt"):  # campaign bookkeeping the engine's SITE writer does not know
        if extra in raw:
            site[extra] = raw[extra]
    defaults.update(verdict=site.get("verdict") or "", score=site.get("score"), vetoes=list(site.get("vetoes") or []),
                    counts=counts, site=site)
    return ReviewedScore.objects.update_or_create(inspection=inspection, defaults=defaults)[0]


def rescore_campaign(campaign: Campaign) -> int:
    """Re-score every imported site of the campaign; returns how many."""
    count = 0
    for cs in CampaignSite.objects.filter(campaign=campaign, inspection__isnull=False).select_related("inspection"):
        rescore_inspection(cs.inspection)
        count += 1
    Campaign.objects.filter(pk=campaign.pk).update(rescored_at=timezone.now())
    return count
