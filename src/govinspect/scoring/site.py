"""Score a whole site: which measures were taken, the inspector's decisions, then `score_site`.

Two callers: the inspection (a fresh ``SiteResult``, nothing reviewed yet) and ``govinspect
rescore`` (a stored results.json SITE object plus an edited review sheet). Both go through
``review_and_score`` so a site scores the same either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from govinspect.models import Finding, SiteResult
from govinspect.profiles.loader import Profile
from govinspect.profiles.schema import MEASURES
from govinspect.scoring.review import UNREVIEWED, ReviewDecision, finding_id
from govinspect.scoring.score import Score, score_site

# SITE fields that are null until their check runs: a non-null value means "measured".
_OBJECT_MEASURES = MEASURES - {"homepage", "columns", "availability", "dead_links"}


def measures_available(site: Mapping[str, Any]) -> set[str]:
    """The measures taken on a site, from its results.json SITE object.

    Explicit: the `measured` list the checks fill. Inferred: links (any inspected site), the
    homepage when its items could be read, columns when at least one could be judged,
    availability only with enough monitoring data, and any other measure whose SITE field is an
    object (footer, domain, https …). A list that is merely empty proves nothing.
    """
    if site.get("status") != "inspected":
        return set()
    out = {m for m in site.get("measured") or () if isinstance(m, str)}
    out.add("dead_links")
    homepage = site.get("homepage")
    if isinstance(homepage, Mapping) and homepage.get("items"):
        out.add("homepage")
    if any(isinstance(c, Mapping) and c.get("state") in ("ok", "stale", "blank") for c in site.get("columns") or ()):
        out.add("columns")
    availability = site.get("availability")
    if isinstance(availability, Mapping) and availability.get("enough_data"):
        out.add("availability")
    for name in _OBJECT_MEASURES:
        if isinstance(site.get(name), Mapping):
            out.add(name)
    return out


def _facts(result: SiteResult) -> dict[str, Any]:
    """The parts of a SiteResult that `measures_available` reads, shaped as in results.json."""
    facts: dict[str, Any] = {
        "status": result.status, "measured": result.measured, "homepage": result.homepage,
        "columns": result.columns, "availability": result.availability, "footer": result.footer,
    }
    for name in _OBJECT_MEASURES:
        value = getattr(result, name, None)
        if value is not None:
            facts[name] = value
    return facts


@dataclass(slots=True)
class Reviewed:
    """A site's findings split by the inspector's decisions, and its score."""

    score: Score
    findings: list[Finding]
    dismissed: list[Finding]
    counts: dict[str, int]
    pending: list[str]


def review_and_score(
    findings: list[Finding],
    *,
    site_url: str,
    measures: set[str],
    profile: Profile,
    portal: bool,
    has_services: bool,
    decisions: Mapping[str, ReviewDecision] | None = None,
    only_confirmed: bool = False,
) -> Reviewed:
    """Apply decisions (None: keep each finding's stored review), drop dismissed, score the rest.

    With `only_confirmed`, findings nobody has confirmed yet stay listed but are not scored:
    nothing unreviewed decides a published verdict.
    """
    active: list[Finding] = []
    dismissed: list[Finding] = []
    counts = {"confirmed": 0, "dismissed": 0, "unreviewed": 0}
    for f in findings:
        fid = f.id or finding_id(site_url, f.indicator, f.measure or {}, f.evidence)
        if decisions is not None:
            decision = decisions.get(fid, UNREVIEWED)
        else:
            stored = f.review or {}
            decision = ReviewDecision(stored.get("decision", "unreviewed"), stored.get("reason", ""),  # type: ignore[arg-type]
                                      stored.get("reviewer", ""))
        reviewed = replace(f, id=fid, review=decision.as_dict())
        counts[decision.decision] += 1
        (dismissed if decision.decision == "dismissed" else active).append(reviewed)
    pending = [f.id for f in active if f.review and f.review["decision"] == "unreviewed"]
    to_score = [f for f in active if not (only_confirmed and f.id in pending)]
    # A finding held back still proves its measure was taken.
    score = score_site(to_score, measures | _measures_of(findings, profile), profile,
                       portal=portal, has_services=has_services)
    by_id = {f.id: f for f in score.findings}
    out = [by_id.get(f.id, f) for f in active]
    return Reviewed(score=score, findings=out, dismissed=dismissed, counts=counts, pending=pending)


def _measures_of(findings: list[Finding], profile: Profile) -> set[str]:
    out = set()
    for f in findings:
        settings = profile.indicator(f.indicator)
        if settings is not None:
            out.add(settings["measure"])
    return out


def scoring_details(reviewed: Reviewed, profile: Profile, *, only_confirmed: bool) -> dict[str, Any]:
    """The `scoring` object of a SITE in results.json."""
    details = reviewed.score.details()
    details["profile"] = profile.id
    details["review"] = {**reviewed.counts, "only_confirmed": only_confirmed, "pending": list(reviewed.pending)}
    return details


def score_result(result: SiteResult, profile: Profile, *, decisions: Mapping[str, ReviewDecision] | None = None,
                 only_confirmed: bool = False) -> Score | None:
    """Fill a SiteResult's verdict, score, vetoes, findings, dismissed, not_checked, scoring.

    A site that could not be inspected is not scored (verdict null): that is "无法检查", not 不合格.
    Nor is a site inspected for its links only (`checks == "links"`): its findings are priced,
    every other indicator is listed as not checked, and no verdict is given — a dead-link sweep
    must never read as 合格.
    """
    if result.status != "inspected":
        result.verdict, result.score, result.vetoes = None, None, []
        return None
    spec = result.spec
    reviewed = review_and_score(
        result.findings + result.dismissed, site_url=spec.url, measures=measures_available(_facts(result)),
        profile=profile, portal=spec.portal is True, has_services=spec.services is not False,
        decisions=decisions, only_confirmed=only_confirmed,
    )
    score = reviewed.score
    result.verdict, result.score, result.vetoes = score.verdict, score.score, list(score.vetoes)
    result.findings, result.dismissed = reviewed.findings, reviewed.dismissed
    result.not_checked = list(score.not_checked)
    result.scoring = scoring_details(reviewed, profile, only_confirmed=only_confirmed)
    if result.checks != "all":
        result.verdict, result.score = None, None
        result.scoring["checks"] = result.checks
    return score
