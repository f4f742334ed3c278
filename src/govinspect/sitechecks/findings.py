"""Site-level facts (domain, HTTPS, IPv6, search, annual report) → findings priced by the profile.

Only measured breaches become findings: a fact that is unknown or not checked never does. The
points and the sentences are the profile's (`deduct.design.*`); an indicator the profile does
not list is not reported.
"""

from __future__ import annotations

from typing import Any

from govinspect.models import Evidence, Finding
from govinspect.profiles.loader import Profile
from govinspect.sitechecks.domain import domain_problems
from govinspect.sitechecks.https import https_problem
from govinspect.sitechecks.probe import SiteChecks


def _finding(profile: Profile, indicator: str, variant: str | None, measure: dict[str, Any],
             evidence: list[Evidence], **values: Any) -> Finding | None:
    settings = profile.indicator(indicator)
    if settings is None:
        return None
    template = settings.get("message", "")
    if variant is not None:
        template = (settings.get("variant_messages") or {}).get(variant, template)
    return Finding(
        indicator=indicator, veto=bool(settings.get("veto", False)), points=float(settings.get("points") or 0.0),
        measure=measure, message=str(template).format(**values), evidence=evidence,
    )


def _domain(checks: SiteChecks, profile: Profile) -> list[Finding]:
    facts = checks.domain or {}
    out: list[Finding | None] = []
    problems = domain_problems(facts)
    seen = facts.get("checked_at")
    if problems:
        out.append(_finding(
            profile, "deduct.design.domain_name", None, {"problems": problems, "host": facts.get("host")},
            [Evidence(url=facts.get("registered_url") or checks.home_url, detail="；".join(problems), seen_at=seen)],
            problems="；".join(problems), host=facts.get("host"),
        ))
    if facts.get("moved"):
        detail = f"填报首页地址{facts['registered_url']}，访问时跳转至{facts['final_url']}"
        out.append(_finding(
            profile, "deduct.design.homepage_moved", None,
            {"registered_url": facts["registered_url"], "final_url": facts["final_url"]},
            [Evidence(url=facts["registered_url"], detail=detail, seen_at=seen)],
            registered=facts["registered_url"], final=facts["final_url"], final_host=facts.get("final_host"),
        ))
    return [f for f in out if f is not None]


_CERT_WORDS = {
    "expired": "已过期", "not_yet_valid": "尚未生效", "self_signed": "为自签名证书",
    "hostname_mismatch": "与网站域名不符",
}


def _https(checks: SiteChecks, profile: Profile) -> list[Finding]:
    facts = checks.https or {}
    problem = https_problem(facts)
    if problem is None:
        return []
    cert = facts.get("certificate") or {}
    not_after = (cert.get("not_after") or "")[:10]
    names = "、".join(cert.get("names") or []) or cert.get("subject") or ""
    detail = f"HTTPS证书{_CERT_WORDS[problem]}（颁发给：{names}；颁发者：{cert.get('issuer', '')}；有效期至{not_after}）"
    found = _finding(
        profile, "deduct.design.https", problem,
        {"reason": problem, "not_after": cert.get("not_after"), "days_left": cert.get("days_left"),
         "names": cert.get("names"), "issuer": cert.get("issuer")},
        [Evidence(url=facts.get("url", ""), detail=detail, seen_at=facts.get("checked_at"))],
        not_after=not_after or "未知", names=names,
    )
    return [found] if found is not None else []


def _ipv6(checks: SiteChecks, profile: Profile) -> list[Finding]:
    facts = checks.ipv6 or {}
    status = facts.get("status")
    if status not in ("no_aaaa", "unreachable"):
        return []
    addresses = "、".join(facts.get("addresses") or [])
    if status == "no_aaaa":
        detail = f"域名{facts.get('host')}无IPv6地址（AAAA记录）"
    else:
        detail = f"域名{facts.get('host')}的IPv6地址{addresses}无法访问（{facts.get('reason')}）"
    found = _finding(
        profile, "deduct.design.ipv6", status, {"status": status, "host": facts.get("host"), "addresses": facts.get("addresses")},
        [Evidence(url=checks.home_url, detail=detail, seen_at=facts.get("checked_at"))],
        host=facts.get("host"), addresses=addresses,
    )
    return [found] if found is not None else []


def _search(checks: SiteChecks, profile: Profile) -> list[Finding]:
    facts = checks.search or {}
    status = facts.get("status")
    if status not in ("none", "broken", "fails"):
        return []
    queries = facts.get("queries") or []
    if status == "none":
        evidence = [Evidence(url=facts.get("page") or checks.home_url, detail="首页未发现站内搜索框或搜索入口",
                             seen_at=facts.get("checked_at"))]
    else:
        evidence = [
            Evidence(url=q["url"], detail=(
                f"检索《{q['query']}》（该信息见{q['expected']}）："
                + ("搜索结果页显示无结果" if q["verdict"] == "not_found"
                   else f"搜索请求失败（{'HTTP ' + str(q['http_status']) if q['http_status'] else q['outcome']}）")),
                seen_at=q.get("fetched_at") or facts.get("checked_at"))
            for q in queries
        ]
    example = queries[0]["query"] if queries else ""
    status_code = next((q["http_status"] for q in queries if q.get("http_status")), None)
    found = _finding(
        profile, "deduct.design.search", status, {"status": status, "queries": len(queries)}, evidence,
        example=example, status_code=status_code or "无响应",
    )
    return [found] if found is not None else []


def _annual(checks: SiteChecks, profile: Profile) -> list[Finding]:
    facts = checks.annual_report or {}
    status = facts.get("status")
    if status not in ("missing", "wrong_year"):
        return []
    years = sorted({str(link["year"]) for link in facts.get("links") or [] if link.get("year")})
    detail = (f"首页未链接{facts['due_year']}年度政府网站工作年度报表"
              + (f"（仅有{'、'.join(years)}年度）" if years else ""))
    found = _finding(
        profile, "deduct.publish.annual_report", status, {"status": status, "due_year": facts["due_year"], "years": years},
        [Evidence(url=facts.get("page") or checks.home_url, detail=detail, seen_at=facts.get("checked_at"))],
        year=facts["due_year"], years="、".join(years),
    )
    return [found] if found is not None else []


def site_findings(checks: SiteChecks, profile: Profile) -> list[Finding]:
    """The findings of one site's site-level facts (see the module docstring)."""
    return [*_domain(checks, profile), *_https(checks, profile), *_ipv6(checks, profile),
            *_search(checks, profile), *_annual(checks, profile)]
