"""``report.html``: the human-readable 通报 of a run, one self-contained page.

Python builds a plain view model (numbers counted, labels translated, times formatted, links
vetted); the Jinja2 template only lays it out. Everything is autoescaped; links are made
clickable only for http(s) URLs, so a ``javascript:`` target found on a site stays inert text.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2

from govinspect.models import RunResult, SiteResult
from govinspect.profiles.loader import load_profile
from govinspect.report.files import write_text_atomic
from govinspect.report.templating import bytecode_cache
from govinspect.report.labels import (
    VERDICT_LABELS,
    blocked_reason_label,
    dead_reason_label,
    link_kind_label,
    site_status_label,
    veto_label,
)

__all__ = ["REPORT_TITLE", "build_report_context", "render_report_html", "write_report_html"]

REPORT_TITLE = "政府网站检查报告"
TEMPLATE_NAME = "report.html"
CST = timezone(timedelta(hours=8), "Asia/Shanghai")
# How many further source pages of one dead link are listed by URL (the rest are counted).
MAX_EXTRA_SOURCES_SHOWN = 3

_CN_DIGITS = "零一二三四五六七八九"


def _cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 40 → 四十, 99 → 九十九; larger numbers stay Arabic."""
    if n <= 0 or n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _CN_DIGITS[ones]
    text = ("" if tens == 1 else _CN_DIGITS[tens]) + "十"
    return text + (_CN_DIGITS[ones] if ones else "")


def _safe_href(url: str | None) -> str | None:
    """The URL if it may be a link target (http/https with a host), else None."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url
    return None


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:  # the contract reads naive times as Asia/Shanghai
        dt = dt.replace(tzinfo=CST)
    return dt.astimezone(CST)


def _fmt_time(value: str | None) -> str:
    """ISO 8601 → "2024-06-15 10:00:00" Beijing time; unparseable text shown as given."""
    dt = _parse_time(value)
    if dt is None:
        return value or ""
    return dt.strftime("%Y-%m-%d %H:%M:%S")


def _fmt_as_of(value: str) -> str:
    """The monitoring time point in 通报 style: "2024年6月15日" (with the time if not midnight)."""
    dt = _parse_time(value)
    if dt is None:
        return value
    text = f"{dt.year}年{dt.month}月{dt.day}日"
    if (dt.hour, dt.minute, dt.second) != (0, 0, 0):
        text += f" {dt.hour:02d}:{dt.minute:02d}"
    return text


def _site_display_name(site: SiteResult) -> str:
    spec = site.spec
    if spec.name:
        return spec.name
    if spec.organiser:
        return spec.organiser
    try:
        return urlsplit(spec.url).hostname or spec.url
    except ValueError:
        return spec.url


def _link(url: str | None) -> dict[str, Any]:
    return {"text": url or "", "href": _safe_href(url)}


def _indicator_names(run: RunResult) -> dict[str, str]:
    """Indicator id → its Chinese name in the run's profile (empty when it cannot be loaded:
    a report is still written, the ids are shown as they are)."""
    try:
        profile = load_profile(run.profile_source or run.profile)
    except Exception:  # a profile file moved since the run: ids are still meaningful
        return {}
    return {i: str(d.get("name") or i) for i, d in profile.indicators.items()}


def _availability(av: dict[str, Any] | None) -> dict[str, Any] | None:
    """The week's homepage availability in words, None when the site is not monitored."""
    if not av or not av.get("monitored", True):
        return None
    ratio = av.get("ratio")
    return {
        "probes": av.get("probes", 0),
        "failures": av.get("failures", 0),
        "ratio": f"{100 * ratio:.2f}%" if isinstance(ratio, int | float) else "—",
        "blocked": av.get("blocked", 0),
        "enough": bool(av.get("enough_data")),
        "note": av.get("note") or "",
    }


def _site_section(index: int, site: SiteResult, names: dict[str, str] | None = None) -> dict[str, Any]:
    names = names or {}
    spec = site.spec
    # Homepage dead links first, as a 通报 lists them; stable order otherwise.
    dead_sorted = sorted(site.dead_links, key=lambda d: 0 if d.scope == "home" else 1)
    dead = []
    for i, d in enumerate(dead_sorted, 1):
        extra_sources = [s for s in d.sources if s != d.source]
        more = max(d.source_count - 1, len(extra_sources))
        dead.append(
            {
                "index": i,
                "source": _link(d.source),
                "target": _link(d.target),
                "anchor": d.anchor,
                "scope": "首页" if d.scope == "home" else "其他页面",
                "kind": link_kind_label(d.kind),
                "status": d.status if d.status is not None else "—",
                "reason": dead_reason_label(d.reason, d.status),
                "detail": d.detail,
                "checked_at": _fmt_time(d.checked_at),
                "more_sources": more,
                "more_source_links": [_link(s) for s in extra_sources[:MAX_EXTRA_SOURCES_SHOWN]],
            }
        )
    blocked = [
        {
            "index": i,
            "source": _link(b.source),
            "target": _link(b.target),
            "kind": link_kind_label(b.kind),
            "status": b.status if b.status is not None else "—",
            "reason": blocked_reason_label(b.reason, b.status),
            "checked_at": _fmt_time(b.checked_at),
        }
        for i, b in enumerate(site.blocked_links, 1)
    ]
    findings = [
        {
            "index": i,
            "message": f.message,
            "indicator": f.indicator,
            "veto": f.veto,
            "points": f.points,
            "evidence": [
                {"link": _link(e.url), "detail": e.detail, "seen_at": _fmt_time(e.seen_at)}
                for e in f.evidence
            ],
        }
        for i, f in enumerate(site.findings, 1)
    ]
    return {
        "number": _cn_number(index),
        "anchor_id": f"site-{index}",
        "name": _site_display_name(site),
        "site_code": spec.site_code or "",
        "url": _link(spec.url),
        "organiser": spec.organiser or "",
        "region": spec.region or "",
        "is_error": site.status == "error",
        "error": site.error or spec.input_error or "未知错误",
        "status": site_status_label(site.status, site.verdict),
        "verdict": VERDICT_LABELS.get(site.verdict or "", ""),
        "score": site.score,
        "vetoes": [{"id": v, "label": veto_label(v)} for v in site.vetoes],
        "pages": site.pages,
        "links_checked": site.links_checked,
        "seconds": round(site.seconds, 1),
        "dead_links": dead,
        "dead_home": sum(1 for d in site.dead_links if d.scope == "home"),
        "dead_other": sum(1 for d in site.dead_links if d.scope != "home"),
        "blocked_links": blocked,
        "findings": findings,
        "notes": list(site.notes),
        # What a reader must not take for "no problem": indicators not checked on this site, and
        # findings an inspector dismissed on review (with the reason).
        "not_checked": [names.get(i, i) for i in site.not_checked],
        "dismissed": [
            {"message": f.message, "reason": str((f.review or {}).get("reason") or "")} for f in site.dismissed
        ],
        "availability": _availability(site.availability),
        # A dead-link sweep (`--checks links`): no verdict, and the reader must be told why.
        "links_only": site.status == "inspected" and site.checks == "links",
    }


def build_report_context(run: RunResult) -> dict[str, Any]:
    """The view model the template renders (also handy for DOCX/XLSX writers)."""
    names = _indicator_names(run)
    sections = [_site_section(i, s, names) for i, s in enumerate(run.sites, 1)]
    inspected = [s for s in sections if not s["is_error"]]
    verdicts = [s.verdict for s in run.sites if s.status == "inspected" and s.verdict]
    overview = {
        "total": len(sections),
        "inspected": len(inspected),
        "errors": len(sections) - len(inspected),
        "dead_total": sum(s["dead_home"] + s["dead_other"] for s in sections),
        "dead_home": sum(s["dead_home"] for s in sections),
        "dead_other": sum(s["dead_other"] for s in sections),
        "blocked_total": sum(len(s["blocked_links"]) for s in sections),
        "pages": sum(s["pages"] for s in sections),
        "links_checked": sum(s["links_checked"] for s in sections),
        "has_verdicts": bool(verdicts),
        "passed": verdicts.count("pass"),
        "failed": verdicts.count("fail"),
        "links_only": sum(1 for s in sections if s["links_only"]),
    }
    return {
        "title": REPORT_TITLE,
        "as_of": run.as_of,
        "as_of_display": _fmt_as_of(run.as_of),
        "profile": run.profile,
        "version": run.version,
        "generated_at": datetime.now(CST).strftime("%Y-%m-%d %H:%M"),
        "overview": overview,
        "sites": sections,
    }


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    templates = Path(__file__).resolve().parent / "templates"
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        bytecode_cache=bytecode_cache(),
        autoescape=True,  # every value in the report comes from untrusted web pages
        undefined=jinja2.StrictUndefined,  # a template typo fails loudly, not as a blank cell
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_report_html(run: RunResult) -> str:
    """The report as one self-contained HTML document (inline CSS, no scripts)."""
    return _environment().get_template(TEMPLATE_NAME).render(**build_report_context(run))


def write_report_html(run: RunResult, path: Path) -> None:
    """Write report.html atomically (UTF-8)."""
    write_text_atomic(Path(path), render_report_html(run))
