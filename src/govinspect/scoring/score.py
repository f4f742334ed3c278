"""Score one site under a profile: vetoes first, then capped deductions, pass line, bonus.

The model of 国办秘函〔2019〕19号 (indicators.md §1.2, §7):

1. Any veto finding ⇒ 不合格; every veto is recorded and nothing else is scored (score null).
2. Deductions are priced per finding, summed per indicator and clamped to the indicator's
   cap, then summed per section and clamped to the section's cap, then to the base (100).
3. A site without 办事服务 skips the service sections and is scored out of 75, × 4/3.
4. Part 2 below the pass line (60; 80 in some provinces) ⇒ 不合格.
5. A portal whose part 2 is strictly above the bonus gate (80) adds its bonus, up to 30.

Indicators whose measure was not taken are listed as not checked, never passed silently;
indicators whose value is unconfirmed show their findings but deduct nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from govinspect.models import Finding
from govinspect.profiles.loader import Profile
from govinspect.scoring.rules import PLACES, is_priced, price, render_message


@dataclass(slots=True)
class Score:
    """A site's verdict under a profile and how it was reached."""

    verdict: Literal["pass", "fail"]
    score: float | None
    vetoes: list[str]
    # Indicator → points deducted after the indicator's and its section's caps.
    deductions: dict[str, float] = field(default_factory=dict)
    # Section → points deducted after its cap.
    sections: dict[str, float] = field(default_factory=dict)
    bonus: float = 0.0
    # Part 2 (扣分指标) result: base minus deductions, rescaled for sites without services.
    part2: float | None = None
    not_checked: list[str] = field(default_factory=list)
    # Service indicators skipped for a site without 办事服务 (the 75 × 4/3 rule).
    not_applicable: list[str] = field(default_factory=list)
    # Indicators with findings whose value is unconfirmed: shown, deducting nothing.
    unpriced: list[str] = field(default_factory=list)
    # Indicators that decided points or the verdict on a Low-confidence or unconfirmed value.
    uncertain: list[str] = field(default_factory=list)
    # Finding indicators the profile does not know (not scored).
    ignored: list[str] = field(default_factory=list)
    pass_line: float = 60.0
    base: float = 100.0
    services: bool = True
    portal: bool = False
    # The findings as scored: points after caps, messages rendered with those points.
    findings: list[Finding] = field(default_factory=list)

    def details(self) -> dict[str, Any]:
        """The `scoring` object of results.json (docs/results.md)."""
        return {
            "part2": self.part2,
            "bonus": self.bonus,
            "deductions": dict(self.deductions),
            "sections": dict(self.sections),
            "pass_line": self.pass_line,
            "base": self.base,
            "services": self.services,
            "portal": self.portal,
            "not_applicable": list(self.not_applicable),
            "unpriced": list(self.unpriced),
            "uncertain": list(self.uncertain),
            "ignored": list(self.ignored),
        }


def _r(value: float) -> float:
    return round(value + 0.0, PLACES)


def _uncertain(settings: dict[str, Any]) -> bool:
    return bool(settings.get("unconfirmed")) or settings.get("confidence") == "Low"


def _allocate(amounts: list[float], limit: float | None) -> list[float]:
    """Clamp a list of amounts to `limit` in order: earlier ones keep theirs first."""
    if limit is None:
        return amounts
    left, out = float(limit), []
    for amount in amounts:
        take = min(amount, max(left, 0.0))
        out.append(_r(take))
        left -= take
    return out


def score_site(
    findings: Iterable[Finding],
    measures_available: Iterable[str],
    profile: Profile,
    *,
    portal: bool = False,
    has_services: bool = True,
) -> Score:
    """Score one site's findings (already reviewed: dismissed ones left out)."""
    rules = profile.scoring
    available = set(measures_available)
    no_services = not has_services and rules.no_service_base is not None
    skipped_sections = profile.service_sections() if no_services else frozenset()

    def applies(settings: dict[str, Any]) -> bool:
        return settings.get("section") not in skipped_sections

    scored: list[Finding] = []
    ignored: list[str] = []
    seen: set[str] = set()
    for f in findings:
        settings = profile.indicator(f.indicator)
        if settings is None:
            ignored.append(f.indicator)
            scored.append(f)
            continue
        seen.add(f.indicator)
        scored.append(f)

    not_applicable = [i for i, s in profile.indicators.items() if not applies(s)]
    not_checked = [
        i for i, s in profile.indicators.items()
        if applies(s) and i not in seen and s["measure"] not in available
    ]
    base = rules.no_service_base if no_services else rules.base
    result = Score(
        verdict="pass", score=None, vetoes=[], not_checked=not_checked, not_applicable=not_applicable,
        ignored=sorted(set(ignored)), pass_line=rules.pass_line, base=rules.base,
        services=not no_services, portal=portal,
    )

    vetoes: list[str] = []
    for f in scored:
        settings = profile.indicator(f.indicator)
        if settings is not None and settings["kind"] == "veto" and applies(settings):
            if f.indicator not in vetoes:
                vetoes.append(f.indicator)
    result.vetoes = vetoes
    if vetoes:
        # 单项否决: recorded, and nothing else is scored.
        result.verdict, result.score = "fail", None
        result.uncertain = [v for v in vetoes if _uncertain(profile.indicators[v])]
        result.findings = [_as_veto(f, profile) for f in scored]
        return result

    priced = _price_all(scored, profile, applies)
    # Per indicator cap, in the order of the findings.
    by_indicator: dict[str, list[int]] = {}
    for idx, (f, _) in enumerate(priced):
        settings = profile.indicator(f.indicator)
        if settings is not None and settings["kind"] in ("deduct", "bonus") and applies(settings):
            by_indicator.setdefault(f.indicator, []).append(idx)
    points = [p for _, p in priced]
    for indicator, idxs in by_indicator.items():
        cap = profile.indicators[indicator].get("cap")
        for idx, value in zip(idxs, _allocate([points[i] for i in idxs], cap)):
            points[idx] = value
    # Per section cap, deductions only, indicators in profile order.
    order = {ind: n for n, ind in enumerate(profile.indicators)}
    deduct_ids = sorted((i for i in by_indicator if profile.indicators[i]["kind"] == "deduct"), key=order.get)
    for section_id, section in profile.sections.items():
        idxs = [i for ind in deduct_ids if profile.indicators[ind].get("section") == section_id
                for i in by_indicator[ind]]
        for idx, value in zip(idxs, _allocate([points[i] for i in idxs], section.get("cap"))):
            points[idx] = value
    # Never below zero in all.
    all_deduct = [i for ind in deduct_ids for i in by_indicator[ind]]
    for idx, value in zip(all_deduct, _allocate([points[i] for i in all_deduct], base)):
        points[idx] = value

    result.findings = [_with_points(f, points[i], profile) for i, (f, _) in enumerate(priced)]
    for ind in deduct_ids:
        total = _r(sum(points[i] for i in by_indicator[ind]))
        result.deductions[ind] = total
        section_id = profile.indicators[ind].get("section")
        result.sections[section_id] = _r(result.sections.get(section_id, 0.0) + total)
    result.unpriced = sorted(i for i in by_indicator if not is_priced(profile.indicators[i]))
    deducted = _r(sum(result.deductions.values()))
    part2 = _r((base - deducted) * rules.base / base) if base else 0.0
    result.part2 = part2
    if part2 < rules.pass_line:
        result.verdict = "fail"
    bonus_ids = [i for i in by_indicator if profile.indicators[i]["kind"] == "bonus"]
    if portal and part2 > rules.bonus_gate and bonus_ids:
        raw = _r(sum(points[i] for ind in bonus_ids for i in by_indicator[ind]))
        result.bonus = _r(min(raw, rules.bonus_cap))
    if not result.bonus:
        # A bonus the site did not earn (not a portal, or part 2 not above the gate) adds nothing.
        result.findings = [replace(f, points=0.0) if f.indicator in bonus_ids else f for f in result.findings]
    result.score = _r(part2 + result.bonus)
    contributing = [i for i, v in result.deductions.items() if v > 0]
    if result.bonus:
        contributing += bonus_ids
    result.uncertain = sorted(i for i in contributing if _uncertain(profile.indicators[i]))
    return result


def _price_all(findings: list[Finding], profile: Profile, applies: Any) -> list[tuple[Finding, float]]:
    """Each finding with its price before caps (0 for vetoes, unknown, unconfirmed, skipped)."""
    out: list[tuple[Finding, float]] = []
    for f in findings:
        settings = profile.indicator(f.indicator)
        if settings is None or settings["kind"] == "veto" or not applies(settings):
            out.append((f, 0.0))
            continue
        value = price(settings, f.measure or {}, given=float(f.points or 0.0))
        out.append((f, max(0.0, value) if value is not None else 0.0))
    return out


def _message(settings: dict[str, Any], f: Finding, shown: float | None) -> str:
    """The finding's sentence: the check's own (it may be a variant with details the measure
    lacks) unless the profile's sentence prints the points, which scoring may have changed."""
    template = settings.get("message")
    if f.message and not (isinstance(template, str) and "{points}" in template):
        return f.message
    return render_message(settings, f.measure or {}, shown, fallback=f.message)


def _with_points(f: Finding, points: float, profile: Profile) -> Finding:
    settings = profile.indicator(f.indicator)
    if settings is None:
        return f
    if settings["kind"] == "veto":
        return _as_veto(f, profile)
    shown = points if is_priced(settings) else None
    return replace(f, veto=False, points=points, message=_message(settings, f, shown))


def _as_veto(f: Finding, profile: Profile) -> Finding:
    settings = profile.indicator(f.indicator)
    if settings is None:
        return f
    if settings["kind"] == "veto":
        return replace(f, veto=True, points=0.0, message=_message(settings, f, None))
    # Under a veto nothing else is scored: deductions keep their measured price for the
    # rectification list, but the score is null.
    shown = price(settings, f.measure or {}, given=float(f.points or 0.0)) if is_priced(settings) else None
    return replace(f, veto=False, points=shown or 0.0, message=_message(settings, f, shown))
