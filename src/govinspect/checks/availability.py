"""Homepage availability (站点无法访问 veto, 2015 首页可用性 deduction) from the monitor's probes.

Pure: the `availability` object of results.json (monitor/window.py) and the profile → findings.
The rule's numbers (7 days, ≥ 20 probes a day, ≥ 5 %) come from the profile. Blocked probes
(WAF challenges, 429) and probes we could not judge are neither success nor failure: they are
not in `probes`, not in the ratio, and do not make a day covered. Without full coverage there
is no finding at all, only the note that the data is insufficient: a veto or a deduction must
rest on the whole protocol.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from govinspect.models import Evidence, Finding
from govinspect.monitor.window import insufficient_note, percent_text
from govinspect.profiles.loader import Profile

VETO = "veto.site_unreachable"
DEDUCTION = "deduct.availability.home_unreachable"
EVIDENCE_LIMIT = 50

# What a failed probe saw, as an inspector reads it.
_CLASS_LABELS = {
    "http_4xx": "服务器返回HTTP {status}",
    "http_5xx": "服务器返回HTTP {status}",
    "http_other": "服务器返回HTTP {status}，页面无法打开",
    "timeout": "超过{timeout}秒未打开",
    "dns": "域名无法解析",
    "refused": "连接被拒绝",
    "tls": "安全连接（证书）错误",
    "reset": "连接被中断",
    "redirect": "重定向循环或次数过多",
}
_CLASS_SHORT = {
    "http_4xx": "HTTP 4xx错误", "http_5xx": "HTTP 5xx错误", "http_other": "无法打开", "timeout": "超时",
    "dns": "域名无法解析", "refused": "连接被拒绝", "tls": "证书错误", "reset": "连接中断", "redirect": "重定向错误",
}


def coverage_rule(profile: Profile) -> tuple[int, int]:
    """(days, minimum judged probes per day) the profile requires before judging availability."""
    settings = profile.indicator(VETO) or {}
    return int(settings.get("days") or settings.get("min_days") or 7), int(settings.get("min_probes_per_day", 20))


def enough_data(availability: dict[str, Any], days: int, min_per_day: int) -> bool:
    """Every one of the `days` slices holds at least `min_per_day` judged probes."""
    per_day = availability.get("per_day") or []
    covered = sum(1 for d in per_day if int(d.get("probes", 0)) >= min_per_day)
    return len(per_day) >= days and covered >= days


def _fmt(points: float) -> str:
    return f"{points:.1f}".rstrip("0").rstrip(".") if points % 1 else str(int(points))


def _evidence(availability: dict[str, Any], home_url: str, timeout: int) -> list[Evidence]:
    window = availability.get("window") or {}
    url = availability.get("probed_url") or home_url
    by_class = availability.get("by_class") or {}
    parts = "、".join(f"{_CLASS_SHORT[cls]}{n}次" for cls, n in sorted(by_class.items()) if cls in _CLASS_SHORT)
    summary = Evidence(
        url=url,
        detail=(f"{window.get('from', '')[:19].replace('T', ' ')} 至 {window.get('to', '')[:19].replace('T', ' ')} "
                f"共访问首页{availability['probes']}次，失败{availability['failures']}次"
                + (f"（{parts}）" if parts else "")
                + (f"；另有{availability['blocked']}次被防火墙拦截，未计入" if availability.get("blocked") else "")
                + (f"；另有{availability['monitor_offline']}次发生在监测端网络异常期间，未计入"
                   if availability.get("monitor_offline") else "")),
        seen_at=window.get("to"),
    )
    shown = [
        Evidence(
            url=url,
            detail=f"{p['at'][:19].replace('T', ' ')} "
                   + _CLASS_LABELS.get(p["class"], p["class"]).format(status=p.get("status"), timeout=timeout)
                   + (f"（用时{p['seconds']}秒）" if p["class"] == "timeout" else ""),
            seen_at=p["at"],
        )
        for p in (availability.get("failed_probes") or [])[: EVIDENCE_LIMIT - 1]
    ]
    return [summary, *shown]


def availability_findings(
    availability: dict[str, Any] | None, profile: Profile, *, home_url: str
) -> tuple[list[Finding], list[str]]:
    """(findings, notes): the veto or the per-percent deduction, or the insufficient-data note."""
    veto_settings = profile.indicator(VETO)
    deduct_settings = profile.indicator(DEDUCTION)
    if availability is None or (veto_settings is None and deduct_settings is None):
        return [], []
    days, min_per_day = coverage_rule(profile)
    if not enough_data(availability, days, min_per_day):
        return [], [insufficient_note(days, min_per_day)]
    probes, failures = int(availability["probes"]), int(availability["failures"])
    share = Fraction(failures, probes)
    percent = percent_text(failures, probes)
    # `percent` is what scoring re-prices from (scoring/rules.py reads it before `ratio`): the
    # exact share truncated to one decimal, so 2.996 % stays two full percent, whereas the
    # stored ratio rounded to four places (0.03) would make it three.
    measure = {
        "probes": probes, "failures": failures, "ratio": availability.get("ratio"), "percent": float(percent),
        "blocked": int(availability.get("blocked", 0)), "days_covered": availability.get("days_covered"),
        "window": availability.get("window"),
    }
    timeout = int((veto_settings or {}).get("timeout_seconds", 15))
    if veto_settings is not None:
        threshold = Fraction(str(veto_settings.get("threshold_ratio") or veto_settings.get("threshold") or 0.05))
        if share >= threshold:
            message = str(veto_settings.get("message", "")).format(
                probes=probes, failures=failures, percent=percent)
            finding = Finding(
                indicator=VETO, veto=True, points=0.0, measure={**measure, "threshold_ratio": float(threshold)},
                message=message, evidence=_evidence(availability, home_url, timeout),
            )
            return [finding], []
    if deduct_settings is None or deduct_settings.get("per_percent") is None:
        return [], []
    whole = math.floor(share * 100)
    if whole < int(deduct_settings.get("from_percent", 1)):
        return [], []
    points = whole * float(deduct_settings["per_percent"])
    cap = deduct_settings.get("cap")
    if cap is not None:
        points = min(points, float(cap))
    message = str(deduct_settings.get("message", "")).format(
        probes=probes, failures=failures, percent=percent, points=_fmt(points))
    finding = Finding(
        indicator=DEDUCTION, veto=False, points=round(points, 2), measure={**measure, "full_percent": whole},
        message=message, evidence=_evidence(availability, home_url, timeout),
    )
    return [finding], []
