"""Run the site-level probes of one site after its crawl, bounded in requests and time.

Requests (each through the run's politeness slots and written to the site's capture when there
is one): the homepage again (its redirect chain is the address fact; its HTML feeds the search
and annual-report checks), one TLS handshake (two when the certificate fails) and one GET over
HTTPS, one GET over IPv6, at most three search queries. A probe that fails or runs out of time
is recorded as not checked; it never stops the others or the site's inspection.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from govinspect.analyze.pagefacts import page_facts
from govinspect.crawl.crawler import RunContext
from govinspect.crawl.urls import host_of, normalize_url
from govinspect.models import SiteSpec
from govinspect.net.decoding import decode_body
from govinspect.net.types import FetchResult
from govinspect.sitechecks.annual_report import find_report_links, judge_annual_report
from govinspect.sitechecks.domain import judge_domain, same_site_host
from govinspect.sitechecks.https import probe_https
from govinspect.sitechecks.ipv6 import probe_ipv6
from govinspect.sitechecks.search import find_search_forms, probe_search

HOME_MAX_BODY = 4 * 1024 * 1024
SEARCH_MAX_BODY = 2 * 1024 * 1024
DEFAULT_TIME_LIMIT = 90.0  # seconds for all probes of one site
RECENT_DAYS = 3  # the newest items may not be in a search index yet
KNOWN_ITEMS = 40  # list items the crawl keeps for the search check


@dataclass(slots=True)
class SiteChecks:
    """The facts of the site-level probes (each a results.json field; None: not run)."""

    domain: dict[str, Any] | None = None
    https: dict[str, Any] | None = None
    ipv6: dict[str, Any] | None = None
    search: dict[str, Any] | None = None
    annual_report: dict[str, Any] | None = None
    home_url: str = ""
    notes: list[str] = field(default_factory=list)


def portal_hosts(specs: list[SiteSpec]) -> dict[str, str]:
    """region → host of that region's portal, for the regions with exactly one portal in the run."""
    found: dict[str, list[str]] = {}
    for spec in specs:
        if spec.portal and spec.region and not spec.input_error:
            host = host_of(normalize_url(spec.url) or "")
            if host:
                found.setdefault(spec.region, []).append(host)
    return {region: hosts[0] for region, hosts in found.items() if len(set(hosts)) == 1}


def known_pages(html: str, url: str, as_of: date, listed: list[tuple[str, str, str]] = ()) -> list[tuple[str, str]]:  # type: ignore[assignment]
    """(title, URL) of dated list items on the site, older than a few days first: the homepage's
    items, then `listed` ((date, title, URL) of list items the crawl saw elsewhere)."""
    facts = page_facts(html, url, as_of=as_of, is_home=True)
    home_host = host_of(url)
    items: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    found = [(i.date, i.title, i.url) for block in facts.blocks for i in block.items]
    for day, title, link in [*found, *listed]:
        if link in seen or not day or not same_site_host(host_of(link), home_host):
            continue
        seen.add(link)
        items.append((day, title, link))
    settled = (as_of - timedelta(days=RECENT_DAYS)).isoformat()
    older = [t for t in items if t[0] <= settled]
    newer = [t for t in items if t[0] > settled]
    return [(title, link) for _d, title, link in older + newer]


class _PoliteFetch:
    """GETs through the run's politeness slots, recorded in the capture."""

    def __init__(self, ctx: RunContext, capture: object | None) -> None:
        self.ctx = ctx
        self.capture = capture
        self.requests = 0

    async def __call__(self, url: str, *, max_body: int = SEARCH_MAX_BODY, note: str = "sitecheck") -> FetchResult:
        parts = urlsplit(url)
        host = (parts.hostname or "").strip("[]")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        ip, _failure = await self.ctx.fetcher.resolve(host, port)
        async with self.ctx.politeness.slot(host, ip):
            result = await self.ctx.fetcher.fetch(url, max_body=max_body)
        self.requests += 1
        self.ctx.politeness.record(host, status=result.status, outcome=result.outcome)
        if self.capture is not None:
            try:
                self.capture.write(result, note=note)  # type: ignore[attr-defined]
            except OSError:
                pass  # evidence is best effort; the fact stands
        return result

    async def slot(self, host: str, job: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
        """Run a non-HTTP probe (a TLS handshake) holding the host's politeness slot."""
        ip, _failure = await self.ctx.fetcher.resolve(host, 80)
        async with self.ctx.politeness.slot(host, ip):
            return await job()


def _not_checked(reason: str) -> dict[str, Any]:
    return {"status": "not_checked", "reason": reason}


async def _guarded(name: str, checks: SiteChecks, job: Awaitable[dict[str, Any]]) -> dict[str, Any]:
    try:
        return await job
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # one probe's bug must not cost the others
        checks.notes.append(f"sitecheck/{name}/error: {type(exc).__name__}: {exc}"[:300])
        return _not_checked(f"error: {type(exc).__name__}")


async def probe_site(
    ctx: RunContext, spec: SiteSpec, *, home_url: str, as_of: date, portal_host: str | None = None,
    capture: object | None = None, time_limit: float = DEFAULT_TIME_LIMIT, now: datetime | None = None,
    listed: list[tuple[str, str, str]] | None = None,
) -> SiteChecks:
    """All site-level probes of one site (never raises; a probe cut by time is not checked)."""
    checks = SiteChecks(home_url=home_url)
    fetch = _PoliteFetch(ctx, capture)
    timeout = min(ctx.fetcher.config.timeout, 15.0)
    try:
        async with asyncio.timeout(time_limit):
            await _run(checks, ctx, spec, fetch, home_url, as_of, portal_host, timeout, now, listed or [])
    except TimeoutError:
        checks.notes.append("sitecheck/limit/time: 网站级检查超时，未完成的项目记为未检查")
    for name in ("domain", "https", "ipv6", "search", "annual_report"):
        if getattr(checks, name) is None:
            setattr(checks, name, _not_checked("time_limit"))
    return checks


async def _run(
    checks: SiteChecks, ctx: RunContext, spec: SiteSpec, fetch: _PoliteFetch, home_url: str, as_of: date,
    portal_host: str | None, timeout: float, now: datetime | None, listed: list[tuple[str, str, str]],
) -> None:
    home = await fetch(home_url, max_body=HOME_MAX_BODY, note="sitecheck-home")
    final = home.final_url if home.responded else None
    checks.domain = judge_domain(spec.url, portal=spec.portal, final_url=final, aliases=spec.aliases,
                                 portal_host=portal_host)
    home_seen = datetime.fromtimestamp(home.started_at).astimezone().isoformat(timespec="seconds")
    if home.responded:
        checks.domain["redirects"] = [{"url": h.url, "status": h.status, "location": h.location} for h in home.redirects]
        checks.domain["checked_at"] = home_seen
    site_url = final or home_url
    site_host = urlsplit(site_url).hostname or ""
    checks.https = await _guarded("https", checks, fetch.slot(
        site_host, lambda: probe_https(ctx.fetcher, site_host, timeout=timeout)))
    checks.ipv6 = await _guarded("ipv6", checks, probe_ipv6(ctx.fetcher, site_url, timeout=timeout, now=now))
    html_ok = home.responded and home.status == 200 and bool(home.body)
    if not html_ok:
        why = f"homepage: {home.outcome if not home.responded else f'http_{home.status}'}"
        checks.search = _not_checked(why)
        checks.annual_report = _not_checked(why)
        return
    html, encoding = decode_body(home.body, home.header("content-type"))
    checks.annual_report = judge_annual_report(find_report_links(html, site_url), as_of)
    checks.annual_report["page"] = site_url
    checks.annual_report["checked_at"] = home_seen  # the homepage as read for the report link
    scan = find_search_forms(html, site_url)
    pages = known_pages(html, site_url, as_of, listed)
    checks.search = await _guarded("search", checks, probe_search(scan, pages, fetch, page_encoding=encoding))
    checks.search["page"] = site_url
    checks.search["checked_at"] = datetime.now().astimezone().isoformat(timespec="seconds")
