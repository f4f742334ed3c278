"""Letters, channels, surveys and interviews → the 互动回应差 vetoes and the interaction
deductions, thresholds and messages from the profile.

Precision first: "no channel" needs a crawl that was not cut short and not one consultation
form, letters list or channel link anywhere on the site; a reply that is merely not shown
(no answer column, no status) is never "unanswered".
"""

from __future__ import annotations

from datetime import date
from typing import Any

from govinspect.analyze.siteparts import add_months
from govinspect.models import Evidence, Finding
from govinspect.profiles.loader import Profile

EVIDENCE_LIMIT = 50


def _points(settings: dict[str, Any], count: int = 1) -> float:
    per = settings.get("per_item")
    if per is not None:
        points = float(per) * count
    else:
        points = float(settings.get("points") or 0.0)
    cap = settings.get("cap")
    return round(min(points, float(cap)) if cap is not None else points, 2)


def message(settings: dict[str, Any], **values: Any) -> str:
    """The profile's message with the measured values filled in."""
    return str(settings.get("message", "")).format(**values)


def _unanswered(profile: Profile, letters: list[dict[str, Any]]) -> Finding | None:
    settings = profile.indicator("veto.interaction.unanswered_3m")
    late = [r for r in letters if r["unanswered_over_3_months"]]
    if settings is None or len(late) < int(settings.get("threshold", 1)):
        return None
    evidence = []
    for r in late[:EVIDENCE_LIMIT]:
        if r["answered"]:
            detail = f"信件《{r['title']}》{r['asked']}来信，{r['answered']}答复，超过3个月"
        else:
            state = f"（状态：{r['status_text']}）" if r["status_text"] else "（未显示答复）"
            detail = f"信件《{r['title']}》{r['asked']}来信，截至监测时间点超过3个月未答复{state}"
        evidence.append(Evidence(url=r["url"], detail=detail, seen_at=r.get("seen_at")))
    return Finding(
        indicator="veto.interaction.unanswered_3m", veto=True, points=0.0,
        measure={"count": len(late), "counted_letters": sum(1 for r in letters if r["counted"])},
        message=message(settings, count=len(late)), evidence=evidence,
    )


def _no_channel(profile: Profile, inter: dict[str, Any], complete: bool, home_url: str) -> Finding | None:
    settings = profile.indicator("veto.interaction.no_channel")
    if settings is None or not complete:
        return None
    if inter["forms"] or inter["letter_lists"] or inter["channel_links"]:
        return None
    detail = "全站未发现政务咨询类栏目、留言或信箱提交页面"
    if inter["excluded_forms"]:
        detail += f"（仅有网上信访或举报类渠道：{inter['excluded_forms'][0]}，不计入）"
    return Finding(
        indicator="veto.interaction.no_channel", veto=True, points=0.0,
        measure={"forms": 0, "letter_lists": 0, "channel_links": 0, "excluded_forms": len(inter["excluded_forms"])},
        message=message(settings), evidence=[Evidence(url=home_url, detail=detail)],
    )


def _reply_stale(profile: Profile, inter: dict[str, Any], letters: list[dict[str, Any]], as_of: date) -> Finding | None:
    settings = profile.indicator("deduct.interact.reply_publish_stale")
    if settings is None or not inter["letter_lists"]:
        return None
    months = int(settings.get("window_months", 2))
    latest = inter["latest_reply"]
    if latest is None or date.fromisoformat(latest) >= add_months(as_of, -months):
        return None  # nothing shown to date the replies by: not checked, never a deduction
    newest = max((r for r in letters if r["answered"] == latest), key=lambda r: r["url"])
    return Finding(
        indicator="deduct.interact.reply_publish_stale", veto=False, points=_points(settings),
        measure={"latest_reply": latest, "window_months": months},
        message=message(settings, latest=latest, points=_points(settings)),
        evidence=[Evidence(url=inter["letter_lists"][0],
                          detail=f"最近一次公开答复为{latest}（《{newest['title']}》，{newest['url']}）")],
    )


def _activities(profile: Profile, indicator: str, cols: list[dict[str, Any]], complete: bool, home_url: str) -> Finding | None:
    settings = profile.indicator(indicator)
    if settings is None:
        return None
    if not cols:
        if not complete or not settings.get("missing_message"):
            return None
        return Finding(
            indicator=indicator, veto=False, points=_points(settings), measure={"columns": 0, "in_year": 0},
            message=str(settings["missing_message"]).format(points=_points(settings)),
            evidence=[Evidence(url=home_url, detail="全站未发现该类栏目")],
        )
    in_year = sum(c["in_year"] for c in cols)
    if in_year >= int(settings.get("threshold", 1)):
        return None
    return Finding(
        indicator=indicator, veto=False, points=_points(settings),
        measure={"columns": len(cols), "in_year": in_year, "threshold": int(settings.get("threshold", 1))},
        message=message(settings, count=in_year, points=_points(settings)),
        evidence=[Evidence(url=c["url"], detail=f"栏目“{c['name']}”共{c['items']}条，监测时间点前1年内{c['in_year']}条")
                  for c in cols[:EVIDENCE_LIMIT]],
    )


def interaction_findings(
    inter: dict[str, Any], letters: list[dict[str, Any]], profile: Profile, *, as_of: date, complete: bool, home_url: str,
) -> list[Finding]:
    """The interaction vetoes and deductions reached by a site's measures."""
    found = [
        _no_channel(profile, inter, complete, home_url),
        _unanswered(profile, letters),
        _reply_stale(profile, inter, letters, as_of),
        _activities(profile, "deduct.interact.survey", inter["surveys"], complete, home_url),
        _activities(profile, "deduct.interact.interview", inter["interviews"], complete, home_url),
    ]
    return [f for f in found if f is not None]
