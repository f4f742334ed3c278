"""Finding a site by what a person types: 网站标识码, name or host. Used by the site picker's
suggestions (`/sites/search/`) and by the forms that take a typed site (start a campaign), so a
browser without JavaScript gets the same answer from the server as one with the picker.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from django.db.models import Q, QuerySet

from govinspect.platform.registry.models import Site

__all__ = ["MAX_RESULTS", "SiteLookupError", "resolve_site", "search_sites", "site_row"]

MAX_RESULTS = 20
MAX_QUERY = 100  # characters of a query looked at; nobody types a longer name
# A 网站标识码 at the start of the text: what the picker writes into the field ("6103000001 宝鸡…").
_CODE = re.compile(r"^\s*(bm\d{8}|\d{10})(?:\s|$)", re.IGNORECASE)


class SiteLookupError(ValueError):
    """The typed text names no site, or more than one (one-line Chinese message)."""


def _host(text: str) -> str:
    """The host name in `text` when it looks like an address (www.x.gov.cn, http://x/…), else ""."""
    text = text.strip().lower()
    if "://" in text:
        return (urlsplit(text).hostname or "").strip(".")
    head = text.split("/", 1)[0]
    return head if "." in head and " " not in head else ""


def _host_filter(host: str) -> Q:
    # Homepage URLs are stored normalised (scheme://host[:port]/…), so the host sits after "//".
    return Q(url__icontains=f"//{host}") | Q(aliases__icontains=host)


def search_sites(sites: QuerySet[Site], q: str, limit: int = MAX_RESULTS) -> list[Site]:
    """Up to `limit` sites of `sites` (already scoped) matching `q`, best first: the exact code,
    codes starting with it, names starting with it, names containing it, then hosts."""
    q = q.strip()[:MAX_QUERY]
    if not q:
        return []
    sites = sites.select_related("region")
    code = _CODE.match(q)
    term = code.group(1) if code else q
    host = _host(q)
    steps: list[Q] = [Q(site_code__iexact=term)]
    if re.fullmatch(r"(bm)?\d+|bm", term, re.IGNORECASE):
        steps.append(Q(site_code__istartswith=term))
    steps += [Q(name__istartswith=q), Q(name__icontains=q)]
    if host:
        steps.append(_host_filter(host))
    elif re.fullmatch(r"[a-z0-9.-]{2,}", q, re.IGNORECASE):  # part of a host name: "baoji"
        steps.append(Q(url__icontains=q) | Q(aliases__icontains=q))
    found: list[Site] = []
    seen: set[int] = set()
    for step in steps:
        if len(found) >= limit:
            break
        for site in sites.filter(step).exclude(pk__in=seen).order_by("site_code")[: limit - len(found)]:
            found.append(site)
            seen.add(site.pk)
    return found


def site_row(site: Site) -> dict[str, Any]:
    """One suggestion as JSON: what the picker shows and the code it writes into the field."""
    return {"site_code": site.site_code, "name": site.name, "host": urlsplit(site.url).netloc,
            "region": site.region.full_name, "status": site.status, "status_display": site.get_status_display(),
            "portal": site.portal}


def resolve_site(sites: QuerySet[Site], text: str) -> Site:
    """The one site of `sites` (already scoped) that `text` names: a 网站标识码 (optionally followed
    by the name, as the picker writes it), the number the old drop-down posted, or an exact name
    or host that only one site has. SiteLookupError with the reason otherwise."""
    text = text.strip()[:MAX_QUERY]
    if not text:
        raise SiteLookupError("请填写要检查的网站标识码")
    code = _CODE.match(text)
    if code:
        site = sites.filter(site_code__iexact=code.group(1)).first()
        if site is None:
            raise SiteLookupError(f"未找到网站标识码为“{code.group(1)}”的运行中网站，或该网站不在您的管辖范围内")
        return site
    if text.isdigit() and len(text) < 10:
        # The start form's former drop-down posted the site's row id; old scripts still may.
        site = sites.filter(pk=int(text)).first()
        if site is None:
            raise SiteLookupError(f"“{text}”不是有效的网站标识码（应为10位数字或“bm”加8位数字）")
        return site
    host = _host(text)
    matches = list(sites.filter((Q(name=text) | _host_filter(host)) if host else Q(name=text))[:2])
    if host and len(matches) > 1:  # "//host" also matches longer hosts (host.example…): keep exact ones
        matches = [s for s in matches if urlsplit(s.url).hostname == host or host in s.alias_list] or matches
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise SiteLookupError(f"有多个网站与“{text}”相符，请填写网站标识码")
    raise SiteLookupError(f"未找到“{text}”，请填写网站标识码（可在“网站信息”中查询）")
