"""Importing an engine run (results.json, the public contract) as Inspection and Finding rows.

Each SITE is matched to the registry by 网站标识码, else by homepage host. Findings whose every
target is whitelisted for the site and indicator arrive already marked 白名单; the rest wait
for a reviewer. A site that is not registered or not in the importer's scope is reported,
not created.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction

from govinspect.platform.orders.models import Finding, Inspection, WhitelistEntry
from govinspect.platform.registry.models import Site
from govinspect.platform.scope import scoped

_LINK_SCOPES = {"deduct.design.links_home_dead": "home", "deduct.design.links_other_dead": "other"}
MAX_RESULTS_BYTES = 200 * 1024 * 1024


class ResultsFileError(ValueError):
    """A results.json that cannot be used at all (one-line message)."""


@dataclass
class ResultsImport:
    """What an import did."""

    inspections: int = 0
    findings: int = 0
    whitelisted: int = 0
    errors: list[str] = field(default_factory=list)


def read_results(path: Path) -> dict[str, Any]:
    """The parsed results.json, or ResultsFileError with the reason."""
    try:
        if path.stat().st_size > MAX_RESULTS_BYTES:
            raise ResultsFileError("results.json 超过大小限制")
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ResultsFileError(f"results.json 无法读取：{type(err).__name__}") from None
    if not isinstance(data, dict) or not isinstance(data.get("sites"), list) or "as_of" not in data:
        raise ResultsFileError("不是 govinspect 的 results.json（缺少 as_of 或 sites）")
    return data


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _match_site(site: dict[str, Any], candidates: Any) -> Site | None:
    code = (site.get("site_code") or "").strip()
    if code:
        return candidates.filter(site_code=code).first()
    host = _host(str(site.get("url") or ""))
    if not host:
        return None
    for s in candidates.filter(url__icontains=host):
        if _host(s.url) == host or host in s.alias_list:
            return s
    return None


def finding_targets(finding: dict[str, Any], site: dict[str, Any]) -> list[str]:
    """What the finding is about: the dead targets of a link finding, else its evidence URLs."""
    scope = _LINK_SCOPES.get(str(finding.get("indicator")))
    if scope is not None:
        return sorted({str(d.get("target")) for d in site.get("dead_links") or [] if d.get("scope") == scope})
    return sorted({str(e.get("url")) for e in finding.get("evidence") or [] if e.get("url")})


def _whitelisted(site: Site, indicator: str, targets: list[str]) -> bool:
    entries = set(WhitelistEntry.objects.filter(site=site, indicator=indicator).values_list("target", flat=True))
    return "" in entries or (bool(targets) and set(targets) <= entries)


def _as_of(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        raise ResultsFileError(f"as_of “{text}” 不是日期时间") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))
    return value


@transaction.atomic
def import_results(data: dict[str, Any], user: Any, run: str = "") -> ResultsImport:
    """Create Inspection/Finding rows for every SITE of an engine run within `user`'s scope."""
    out = ResultsImport()
    as_of = _as_of(data["as_of"])
    candidates = scoped(user, Site.objects.all())
    for number, site in enumerate(data["sites"], start=1):
        if not isinstance(site, dict):
            out.errors.append(f"第{number}个站点：格式错误")
            continue
        label = site.get("name") or site.get("site_code") or site.get("url") or f"第{number}个站点"
        match = _match_site(site, candidates)
        if match is None:
            out.errors.append(f"{label}：未在网站信息库中登记，或不在您的管辖范围内")
            continue
        if Inspection.objects.filter(site=match, run=run, as_of=as_of).exists():
            out.errors.append(f"{label}：该批次的检查结果已导入过")
            continue
        stats = site.get("stats") or {}
        inspection = Inspection.objects.create(
            site=match, run=run, as_of=as_of, profile=str(data.get("profile") or ""),
            status=str(site.get("status") or "inspected"), error=str(site.get("error") or ""),
            verdict=str(site.get("verdict") or ""), score=site.get("score"),
            pages=int(stats.get("pages") or 0), links_checked=int(stats.get("links_checked") or 0), raw=site,
        )
        out.inspections += 1
        for f in site.get("findings") or []:
            indicator = str(f.get("indicator") or "")
            targets = finding_targets(f, site)
            listed = _whitelisted(match, indicator, targets)
            Finding.objects.create(
                inspection=inspection, site=match, indicator=indicator, veto=bool(f.get("veto")),
                points=float(f.get("points") or 0), message=str(f.get("message") or ""),
                measure=f.get("measure") or {}, evidence=f.get("evidence") or [], targets=targets,
                state="whitelisted" if listed else "pending",
                review_reason="白名单（此前已审核）" if listed else "",
            )
            out.findings += 1
            out.whitelisted += listed
    return out
