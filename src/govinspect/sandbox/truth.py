"""The ground truth: what a careful inspector would find on each site, derived from the same
model the server renders (PageSpec.links() + routing.classify), never kept separately.

The crawl is simulated breadth-first from the homepage over in-scope <a>/<area>/<frame>/
<iframe> links, skipping trap URLs and robots-disallowed paths, exactly as a crawler should.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, deque
from typing import Any

from govinspect.sandbox.files import DOC_EXTS, IMAGE_EXTS
from govinspect.sandbox.model import Link, Province, SimSite
from govinspect.sandbox.routing import AliasHost
from govinspect.sandbox.urls import split_path

FOLLOW = frozenset({"a", "area", "frame", "iframe"})


def link_kind(site: SimSite, link: Link) -> str:
    """external | image | attachment | page, as the contract defines them."""
    host, pq = split_path(link.url)
    if host not in site.hostnames:
        return "external"
    last = pq.partition("?")[0].rsplit("/", 1)[-1]
    ext = last.rsplit(".", 1)[-1].lower() if "." in last else ""
    if link.tag == "img" or ext in IMAGE_EXTS:
        return "image"
    if ext in DOC_EXTS:
        return "attachment"
    return "page"


def site_truth(site: SimSite) -> dict[str, Any]:
    """The truth of one site: dead links, not-dead hostile links, blocked links, traps, pages."""
    prov = site.province
    home = site.home_url
    labels = site.plan.labels()
    disallow = site.robots_disallow()
    dead: dict[tuple[str, str], dict[str, Any]] = {}
    not_dead: dict[tuple[str, str, str], dict[str, Any]] = {}
    blocked: dict[tuple[str, str], dict[str, Any]] = {}
    traps: dict[tuple[str, str], dict[str, Any]] = {}
    seen = {home}
    queue = deque([home])
    pages = 0
    while queue:
        url = queue.popleft()
        host, pq = split_path(url)
        owner = prov.site_by_host(host)
        spec = owner.page_spec(pq) if owner is not None else None
        if spec is None:
            continue
        pages += 1
        scope = "home" if url == home else "other"
        for link in spec.links():
            target = link.url
            out = prov.classify(target)
            if out.state == "dead":
                dead.setdefault((url, target), {
                    "source": url, "target": target, "scope": scope, "kind": link_kind(site, link),
                    "reason": out.reason, "status": out.status, "defect": labels.get(target, out.reason),
                })
            elif out.state == "blocked":
                blocked.setdefault((url, target), {
                    "source": url, "target": target, "scope": scope, "kind": link_kind(site, link),
                    "reason": out.reason, "status": out.status,
                })
                not_dead.setdefault((url, target, out.reason or ""), {"source": url, "target": target, "why": out.reason})
            for why in out.why:
                not_dead.setdefault((url, target, why), {"source": url, "target": target, "why": why})
            if out.trap is not None:
                traps.setdefault((url, target), {"kind": out.trap, "source": url, "target": target})
                continue
            if link.tag not in FOLLOW or not out.page:
                continue
            thost, tpq = split_path(target)
            fhost, fpq = split_path(out.final_url)
            if thost not in site.hostnames or fhost not in site.hostnames:
                continue
            if any(tpq.startswith(p) or fpq.startswith(p) for p in disallow):
                continue
            if out.final_url not in seen:
                seen.add(out.final_url)
                queue.append(out.final_url)

    def ordered(d: dict[Any, dict[str, Any]]) -> list[dict[str, Any]]:
        return [d[k] for k in sorted(d, key=lambda k: (d[k].get("scope", ""), *k))]

    # Imported here: the package binds `truth` at import, and every `govinspect` command
    # imports the package (the sandbox subcommand is mounted); these cost ~60 ms.
    from govinspect.sandbox.integrity import integrity_truth
    from govinspect.sandbox.sitescenarios import sitecheck_truth
    from govinspect.sandbox.truth_columns import column_truth, homepage_truth
    from govinspect.sandbox.truth_pages import pages_truth

    info = site.info()
    info.update({
        "dead_links": ordered(dead),
        "not_dead": ordered(not_dead),
        "blocked": ordered(blocked),
        "traps": ordered(traps),
        "pages": pages,
        "robots_disallow": list(disallow),
        "freshness_scenario": site.freshness,
        "homepage": homepage_truth(site),
        "columns": column_truth(site),
        "pages_scenario": site.pages_scenario,
        "page_parts": pages_truth(site),
        "integrity_scenarios": list(site.integrity.scenarios),
        **integrity_truth(site),
    })
    if prov.mode == "live":
        info["sitechecks"] = sitecheck_truth(site)
    return info


def hosts(province: Province) -> dict[str, str]:
    """Every host the server answers for: site | alias | external."""
    out: dict[str, str] = {}
    for name, target in province.host_index.items():
        out[name] = "site" if isinstance(target, SimSite) else "alias" if isinstance(target, AliasHost) else "external"
    return dict(sorted(out.items()))


def summary(sites: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Counts over the province: distinct dead (scope, target) per seeded defect kind and per
    reason, distinct not-dead targets per reason, trap entrances per kind, sites per site kind."""
    dead: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    not_dead: Counter[str] = Counter()
    traps: Counter[str] = Counter()
    site_kinds: Counter[str] = Counter()
    for s in sites:
        for defect, _scope, _target in {(d["defect"], d["scope"], d["target"]) for d in s["dead_links"]}:
            dead[defect] += 1
        for reason, _scope, _target in {(d["reason"], d["scope"], d["target"]) for d in s["dead_links"]}:
            reasons[reason] += 1
        for why, _target in {(d["why"], d["target"]) for d in s["not_dead"]}:
            not_dead[why] += 1
        for kind, _target in {(t["kind"], t["target"]) for t in s["traps"]}:
            traps[kind] += 1
        for role in ("robots_disallow", "gbk_no_charset", "misdeclared_charset", "soft_404", "head_not_allowed"):
            if role in s["roles"]:
                site_kinds[role] += 1
    return {"dead": dict(sorted(dead.items())), "dead_reasons": dict(sorted(reasons.items())), "not_dead": dict(sorted(not_dead.items())),
            "traps": dict(sorted(traps.items())), "sites": dict(sorted(site_kinds.items()))}


def truth(province: Province) -> dict[str, Any]:
    """The province's ground truth as JSON-serialisable data (deterministic)."""
    sites = [site_truth(s) for s in province.sites]
    return {
        "seed": province.seed,
        "as_of": province.as_of.isoformat(),
        "options": dict(province.options),
        "sites": sites,
        "hosts": hosts(province),
        "unserved_hosts": sorted(province.dead_hosts),
        "summary": summary(sites),
    }


def resolve_args(province: Province, port: int, address: str = "127.0.0.1") -> list[str]:
    """`HOST:PUBLICPORT:ADDRESS:PORT` for every served host (the values of --resolve)."""
    public = province.public_port or 80
    return [f"{h}:{public}:{address}:{port}" for h in hosts(province)]


def sites_csv(province: Province) -> str:
    """The province as a --sites CSV file (网站标识码, 网站名称, 首页地址, 主办单位, 地区, 是否门户)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["网站标识码", "网站名称", "首页地址", "主办单位", "地区", "是否门户"])
    for s in province.sites:
        w.writerow([s.site_code, s.name, s.registered_url, s.organiser, s.region, "是" if s.portal else "否"])
    return buf.getvalue()
