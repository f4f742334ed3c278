"""Footer identity marks, the 网站标识码 cross-check and page metadata → design deductions.

A mark counts as missing when the homepage does not show it, or when it is missing on at
least `page_share` of the site's content pages (frames and widgets excluded); the evidence
lists the pages. The site code is compared across the registry, the footer, the SiteIDCode
meta tag and the 找错 link: a difference is reported with every value seen.
"""

from __future__ import annotations

from typing import Any

from govinspect.checks.interaction import message
from govinspect.models import Evidence, Finding
from govinspect.profiles.loader import Profile

LABELS = {
    "site_code": "网站标识码", "icp": "ICP备案编号", "psb": "公安机关备案标识", "conac": "党政机关网站标识",
    "zhaocuo": "“我为政府网站找错”监督举报平台入口", "organiser": "网站主办单位", "contact": "联系方式", "sitemap": "网站地图",
}
CODE_SOURCES = {"registry": "登记的网站标识码", "footer": "页面底部的网站标识码", "meta": "SiteIDCode元数据", "zhaocuo": "找错入口链接中的site_code"}


def _points(settings: dict[str, Any], count: int) -> float:
    per = settings.get("per_item")
    points = float(per) * count if per is not None else float(settings.get("points") or 0.0)
    cap = settings.get("cap")
    return round(min(points, float(cap)) if cap is not None else points, 2)


def identity_findings(footer: dict[str, Any], profile: Profile, *, home_url: str) -> list[Finding]:
    """The footer, site-code and metadata deductions reached by a site's measures."""
    out: list[Finding] = []
    pages = footer.get("pages") or 0
    settings = profile.indicator("deduct.design.footer_marks")
    if settings is not None and pages:
        share = float(settings.get("page_share", 0.2))
        home = footer.get("home") or {}
        missing: list[tuple[str, list[str]]] = []
        for item in settings.get("items") or list(LABELS):
            absent = pages - footer["coverage"].get(item, 0)
            if (home and not home.get(item)) or absent >= max(1, share * pages):
                missing.append((item, footer["missing_pages"].get(item, [])))
        if missing:
            names = "、".join(LABELS[i] for i, _ in missing)
            points = _points(settings, len(missing))
            out.append(Finding(
                indicator="deduct.design.footer_marks", veto=False, points=points,
                measure={"items": [i for i, _ in missing], "pages": pages,
                         "coverage": {i: footer["coverage"].get(i, 0) for i, _ in missing}},
                message=message(settings, items=names, count=len(missing), points=points),
                evidence=[Evidence(url=(urls or [home_url])[0],
                                   detail=f"{LABELS[i]}：{pages - footer['coverage'].get(i, 0)}/{pages}个页面未列明")
                          for i, urls in missing],
            ))
    settings = profile.indicator("deduct.design.site_code")
    mismatch = footer.get("site_code_mismatch") or []
    if settings is not None and mismatch:
        codes = footer["site_codes"]
        seen = "；".join(f"{CODE_SOURCES[k]}{v}" for k, v in codes.items() if v)
        points = _points(settings, 1)
        out.append(Finding(
            indicator="deduct.design.site_code", veto=False, points=points,
            measure={"mismatch": mismatch, "codes": codes},
            message=message(settings, where="、".join(CODE_SOURCES[k] for k in mismatch), points=points),
            evidence=[Evidence(url=home_url, detail=f"网站标识码不一致：{seen}")],
        ))
    settings = profile.indicator("deduct.design.page_meta")
    meta = footer.get("page_meta") or {}
    if settings is not None and meta.get("required"):
        share = float(settings.get("page_share", 0.2))
        lacking = [n for n, need in meta["required"].items() if need - meta["present"].get(n, 0) >= max(1, share * need)]
        if lacking:
            points = _points(settings, len(lacking))
            out.append(Finding(
                indicator="deduct.design.page_meta", veto=False, points=points,
                measure={"names": lacking, "required": {n: meta["required"][n] for n in lacking},
                         "present": {n: meta["present"].get(n, 0) for n in lacking}},
                message=message(settings, names="、".join(lacking), points=points),
                evidence=[Evidence(url=(meta["missing_pages"].get(n) or [home_url])[0],
                                   detail=f"{n}：{meta['required'][n] - meta['present'].get(n, 0)}/{meta['required'][n]}个页面缺少")
                          for n in lacking],
            ))
    return out
