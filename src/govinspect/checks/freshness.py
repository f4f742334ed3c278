"""Homepage and column freshness → the 首页不更新 / 栏目不更新 / 空白栏目 / forged-date vetoes.

The measures come from `analyze/sitecolumns.py` (results.json `homepage` and `columns`); the
thresholds and messages from the profile. `freshness_counts` gives the counts behind every
veto whether or not a threshold is reached, so a report can say "3 stale key columns (veto at 5)".
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from govinspect.models import Evidence, Finding
from govinspect.profiles.loader import Profile

EVIDENCE_LIMIT = 50
_KEY_FIRST_LEVEL = frozenset({"notice", "policy"})


def _is_key_stale(col: dict[str, Any]) -> bool:
    if col["state"] != "stale":
        return False
    return col["category"] == "news" or (col["category"] in _KEY_FIRST_LEVEL and col["first_level"])


def _veto_columns(columns: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Veto id → the columns it counts."""
    return {
        "veto.columns_not_updated.key": [c for c in columns if _is_key_stale(c)],
        "veto.columns_not_updated.long_stale":
            [c for c in columns if c["state"] == "stale" and c["category"] == "should_update"],
        "veto.columns_not_updated.blank": [c for c in columns if c["state"] == "blank"],
    }


def freshness_counts(homepage: dict[str, Any] | None, columns: list[dict[str, Any]], *, as_of: date,
                     now: date | None = None) -> dict[str, int]:
    """The counts behind the freshness vetoes (see the module docstring)."""
    counted = _veto_columns(columns)
    return {
        "columns": len(columns),
        "key_stale": len(counted["veto.columns_not_updated.key"]),
        "long_stale": len(counted["veto.columns_not_updated.long_stale"]),
        "blank": len(counted["veto.columns_not_updated.blank"]),
        "unknown": sum(1 for c in columns if c["state"] == "unknown"),
        "future_items": len(_future_items(homepage, columns, as_of=as_of, now=now)),
    }


def _future_items(homepage: dict[str, Any] | None, columns: list[dict[str, Any]], *, as_of: date,
                  now: date | None) -> list[tuple[str, dict[str, Any], str | None]]:
    """(where, item, when that page was seen) for items dated after both T and the inspection's
    own clock."""
    limit = max(as_of, now or as_of)
    out: list[tuple[str, dict[str, Any], str | None]] = []
    seen: set[str] = set()
    sources = [(homepage.get("pages", [""])[0] if homepage and homepage.get("pages") else "", homepage or {})]
    sources += [(c["url"], c) for c in columns]
    for where, holder in sources:
        for item in holder.get("future_items") or []:
            if item["url"] in seen or date.fromisoformat(item["date"][:10]) <= limit:
                continue
            seen.add(item["url"])
            out.append((where, item, holder.get("seen_at")))
    return out


def _message(settings: dict[str, Any], **values: Any) -> str:
    return str(settings.get("message", "")).format(**values)


def _column_evidence(col: dict[str, Any]) -> Evidence:
    newest = col.get("newest")
    if col["state"] == "blank":
        detail = f"栏目“{col['name']}”无任何信息（空白栏目）"
    elif newest:
        detail = (f"栏目“{col['name']}”最新信息为{newest['date']}发布的《{newest['title']}》"
                  f"（{newest['url']}），超过{col['window_days']}天未更新")
    elif col.get("items"):
        detail = f"栏目“{col['name']}”的{col['items']}条信息均未标注发布日期，视为未更新"
    else:
        detail = f"栏目“{col['name']}”未更新"
    return Evidence(url=col["url"], detail=detail, seen_at=col.get("seen_at"))


def _veto(profile: Profile, indicator: str, cols: list[dict[str, Any]]) -> Finding | None:
    settings = profile.indicator(indicator)
    if settings is None:
        return None
    threshold = int(settings.get("threshold", 1))
    if len(cols) < threshold:
        return None
    return Finding(
        indicator=indicator, veto=True, points=0.0,
        measure={"count": len(cols), "threshold": threshold},
        message=_message(settings, count=len(cols)),
        evidence=[_column_evidence(c) for c in cols[:EVIDENCE_LIMIT]],
    )


def freshness_findings(
    homepage: dict[str, Any] | None,
    columns: list[dict[str, Any]],
    profile: Profile,
    *,
    as_of: date,
    now: date | None = None,
    home_url: str = "",
) -> list[Finding]:
    """The freshness vetoes reached by a site's measures (none when nothing was measured)."""
    findings: list[Finding] = []
    settings = profile.indicator("veto.homepage_not_updated")
    if homepage is not None and settings is not None and homepage.get("items"):
        # With no entries found at all the homepage could not be read (a script-built page):
        # that is "not checked", never a veto.
        window = int(settings.get("window_days", 14))
        latest = homepage.get("latest")
        if latest is None or date.fromisoformat(latest) < as_of - timedelta(days=window):
            newest = homepage.get("newest")
            pages = homepage.get("pages") or [home_url]
            if newest:
                detail = f"首页最新信息为{newest['date']}发布的《{newest['title']}》（{newest['url']}）"
            else:
                detail = f"首页{homepage['items']}条信息均未标注发布日期，视为未更新"
            if homepage.get("navigation_only"):
                detail = "首页仅为导航页，按其链接的二级页面判断：" + detail
            findings.append(Finding(
                indicator="veto.homepage_not_updated", veto=True, points=0.0,
                measure={"latest": latest, "items_in_2_weeks": homepage.get("items_in_2_weeks", 0),
                         "window_days": window},
                message=_message(settings, latest=latest or "无"),
                evidence=[Evidence(url=pages[0] if pages else home_url, detail=detail,
                                   seen_at=homepage.get("seen_at"))],
            ))
    for indicator, cols in _veto_columns(columns).items():
        found = _veto(profile, indicator, cols)
        if found is not None:
            findings.append(found)
    future = _future_items(homepage, columns, as_of=as_of, now=now)
    settings = profile.indicator("veto.security.fraud")
    if future and settings is not None and len(future) >= int(settings.get("threshold", 1)):
        findings.append(Finding(
            indicator="veto.security.fraud", veto=True, points=0.0,
            measure={"count": len(future)},
            message=_message(settings, count=len(future)),
            evidence=[
                Evidence(url=where or item["url"],
                         detail=f"《{item['title']}》（{item['url']}）标注发布日期{item['date']}，晚于监测时间",
                         seen_at=seen)
                for where, item, seen in future[:EVIDENCE_LIMIT]
            ],
        ))
    return findings
