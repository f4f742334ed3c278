"""Content integrity → the 安全、泄密事故等严重问题 vetoes and the privacy deduction.

The measures are the site's merged `text_errors`, `illegal`, `privacy` and `secret_marks`
(analyze/siteintegrity.py); which kinds count for which indicator, the thresholds, points and
the Chinese messages come from the profile. Every finding lists the pages a person can open,
with what was seen there and when.
"""

from __future__ import annotations

from typing import Any

from govinspect.models import Evidence, Finding
from govinspect.profiles.loader import Profile
from govinspect.scoring.rules import price, render_message

EVIDENCE_LIMIT = 50

# indicator id → (the results.json list it reads, the kinds it counts unless the profile's
# `count_kinds` says otherwise)
_INDICATORS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("veto.security.serious_misstatement", "text_errors", ("leader_name", "formulation")),
    ("veto.security.illegal_content", "illegal", ("hidden_link", "spam_content", "injected_title")),
    ("veto.security.incident_unhandled", "illegal", ("cloaking", "tampered")),
    ("veto.security.state_secret", "secret_marks", ("classified",)),
    ("deduct.publish.privacy", "privacy", ("id_number", "mobile", "bank_card")),
)

_KIND_LABELS = {
    "leader_name": "领导人姓名或职务",
    "formulation": "重要表述",
    "typo": "错别字",
    "hidden_link": "隐藏链接（暗链）",
    "spam_content": "违法违规内容",
    "injected_title": "标题或关键词被植入违法违规内容",
    "cloaking": "针对搜索引擎的页面劫持",
    "tampered": "首页被篡改或挂马",
    "id_number": "身份证号码",
    "mobile": "手机号码",
    "bank_card": "银行卡号",
    "classified": "密级标志",
}


def _detail(area: str, entry: dict[str, Any]) -> str:
    label = _KIND_LABELS.get(entry["kind"], entry["kind"])
    if area == "text_errors":
        text = f"{label}错误：“{entry['found']}”应为“{entry['expected']}”；原文：{entry['context']}"
    elif area == "illegal":
        text = f"{label}：{entry['evidence']}"
    elif area == "privacy":
        text = f"未去标识化的{label} {entry['masked_value']}；原文：{entry['context']}"
    else:
        text = f"{label}“{entry['mark']}”；原文：{entry['context']}"
    if entry.get("page_count", 1) > 1:
        text += f"（共{entry['page_count']}个页面）"
    return text


def _example(area: str, entries: list[dict[str, Any]]) -> str:
    first = entries[0]
    if area == "text_errors":
        return f"如“{first['found']}”应为“{first['expected']}”"
    if area == "privacy":
        kinds = sorted({_KIND_LABELS.get(e["kind"], e["kind"]) for e in entries})
        return "、".join(kinds)
    if area == "secret_marks":
        return f"如“{first['mark']}”"
    kinds = sorted({_KIND_LABELS.get(e["kind"], e["kind"]) for e in entries})
    return "、".join(kinds)


def integrity_findings(measures: dict[str, list[dict[str, Any]]], profile: Profile) -> list[Finding]:
    """Findings for the integrity indicators the profile scores (see the module docstring).

    `measures` maps "text_errors", "illegal", "privacy" and "secret_marks" to the site's entries.
    """
    findings: list[Finding] = []
    for indicator_id, area, default_kinds in _INDICATORS:
        settings = profile.indicator(indicator_id)
        if settings is None:
            continue
        kinds = tuple(settings.get("count_kinds") or default_kinds)
        entries = [e for e in measures.get(area) or [] if e["kind"] in kinds]
        count = len(entries)
        if count == 0 or count < int(settings.get("threshold") or 1):
            continue
        veto = settings.get("kind") == "veto" or bool(settings.get("veto"))
        by_kind: dict[str, int] = {}
        for e in entries:
            by_kind[e["kind"]] = by_kind.get(e["kind"], 0) + 1
        measure = {"count": count, "by_kind": by_kind, "pages": sum(int(e.get("page_count", 1)) for e in entries)}
        points = None if veto else price(settings, measure)
        if points is not None and settings.get("cap") is not None:
            points = min(points, float(settings["cap"]))  # as scoring will: the message prints it
        message = render_message(settings, {**measure, "example": _example(area, entries)}, points,
                                 fallback=f"{settings.get('name', indicator_id)}{count}处")
        evidence = [
            Evidence(url=e["page"], detail=_detail(area, e), seen_at=e.get("seen_at"))
            for e in entries[:EVIDENCE_LIMIT]
        ]
        findings.append(
            Finding(indicator=indicator_id, veto=veto, points=points or 0.0, measure=measure,
                    message=message, evidence=evidence)
        )
    return findings
