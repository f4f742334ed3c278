"""Crawl one site politely and check every link on it.

A site crawl starts at the homepage, follows in-scope page links breadth-first, and checks
every other link (images, attachments, scripts, external pages) with HEAD, falling back to a
small ranged GET. Each distinct target is checked once per site; external targets once per
run (shared by all sites through `RunContext`). Every request goes through the politeness
slots of its host and IP, and every answer is written to the capture.

Memory stays proportional to the number of distinct URLs, not to pages × links: bodies are
dropped after parsing, and the link graph is two integer arrays.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import secrets
import time
from array import array
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from govinspect.crawl.pageanalysis import (
    SCRIPT_PAGER_TAG,
    PageAnalysis,
    analyse_text,
    not_found_text,
    visible_text,
)
from govinspect.crawl.politeness import HostTripped, Politeness
from govinspect.crawl.robots import RobotsRules, parse_robots
from govinspect.crawl.urls import (
    Scope,
    TrapGuard,
    host_of,
    is_probably_html,
    link_kind_by_extension,
    normalize_url,
    scheme_host_port,
)
from govinspect.crawl.verdicts import Verdict, classify, is_transient, should_retry, text_similarity
from govinspect.crawl.worker import AnalysisWorker, WorkerGone
from govinspect.models import BlockedLink, DeadLink, LinkKind, SiteSpec
from govinspect.net.client import Fetcher
from govinspect.net.decoding import decode_body
from govinspect.net.types import FetchResult
from govinspect.stamps import cst_seconds

if TYPE_CHECKING:  # the analysers load only when a run asks for them (not for a links-only sweep)
    from govinspect.analyze.integrity import PageIntegrity
    from govinspect.analyze.pagefacts import PageFacts
    from govinspect.analyze.pageparts import PageParts

T = TypeVar("T")

# Queue lanes: link checks go before pages. A check is work for the crawler's own process only
# (a page's parsing is shared with the analysis worker); checked as they are found, they no
# longer pile up at the end of the crawl while the worker has nothing left to parse.
_CHECK_LANE, _PAGE_LANE = 0, 1

# Tags whose in-scope targets are pages to crawl (when they look like HTML).
_PAGE_TAGS = frozenset({"a", "area", "frame", "iframe", "meta", "script-redirect", SCRIPT_PAGER_TAG})
_IMAGE_TAGS = frozenset({"img"})
_HTML_TYPES = ("text/html", "application/xhtml+xml")
CHECK_MAX_BODY = 64 * 1024
_INCOMPLETE_CHAIN = "unable to get local issuer certificate"
_SHELL_TAGS = frozenset({"meta", "script-redirect", "frame"})
SHELL_MAX_LINKS = 5
# When the analysis worker has this many pages waiting, the crawler's own process analyses the
# next page itself (same function, same result): on two cores the worker is the bottleneck
# and the event loop has CPU to spare. Only pages of ordinary size: a pathological page must
# not stall the event loop (in the worker it is bounded by ANALYSIS_TIMEOUT). A links-only
# sweep's pages are cheap to parse and its crawler process is the busier one: it hands over
# only at a longer backlog (3.7-3.9 s against 4.0-4.2 s for the 3,200-page benchmark site; the
# full inspection was slower with 8 than with 4).
BALANCE_BACKLOG = 4
BALANCE_BACKLOG_LINKS_ONLY = 12
BALANCE_MAX_BODY = 256 * 1024
MAX_SOURCES_KEPT = 10


@dataclass(frozen=True, slots=True)
class CrawlConfig:
    """Limits of one site crawl; every loop is bounded by these."""

    max_pages: int = 5000
    max_depth: int = 25
    max_links: int = 200_000
    site_time_limit: float = 4 * 3600.0
    respect_robots: bool = True
    retry_delay: float = 1.0
    # A 4xx answer (a missing page) is a definite answer: the retry that confirms it gains
    # nothing from a wait of its own (the host's politeness delay still spaces the two
    # requests), and the last dead links of a site would otherwise hold the whole run idle.
    # 408 (a timeout) waits `retry_delay` like errors do.
    retry_delay_client_error: float = 0.0
    confirm_delay: float = 5.0  # before the last try of a 5xx or timeout
    rate_limit_retries: int = 2
    max_rate_limit_wait: float = 60.0
    workers: int | None = None  # default: derived from per-host concurrency
    soft404_similarity: float = 0.8


@dataclass(slots=True)
class LinkOutcome:
    """The final verdict on one target URL, with when and what was seen."""

    verdict: str
    reason: str
    status: int | None
    detail: str
    final_url: str | None
    checked_at: str


@dataclass(slots=True)
class PageRecord:
    """A parsed in-scope HTML page, handed to analysers (columns, dates, text) as it arrives."""

    url: str
    final_url: str
    depth: int
    status: int
    encoding: str
    html: str
    fetched_at: str
    is_home: bool


@dataclass(slots=True)
class SiteCrawlResult:
    """What a site crawl found: the link facts and the counters behind them."""

    home_url: str
    error: str | None = None
    pages: int = 0
    links_checked: int = 0
    seconds: float = 0.0
    dead_links: list[DeadLink] = field(default_factory=list)
    blocked_links: list[BlockedLink] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Fingerprint:
    final_url: str
    text: str


class RunContext:
    """State shared by all site crawls of one run: network, politeness, run-wide caches."""

    def __init__(
        self,
        fetcher: Fetcher,
        politeness: Politeness,
        config: CrawlConfig,
        *,
        user_agent_token: str = "govinspect",
        worker: AnalysisWorker | None = None,
        as_of: date | None = None,
    ) -> None:
        self.fetcher = fetcher
        self.as_of = as_of  # T: the day freshness facts are judged against
        self.worker = worker
        self.politeness = politeness
        self.config = config
        self.user_agent_token = user_agent_token
        self.external: dict[str, asyncio.Future[LinkOutcome]] = {}
        self.soft404: dict[str, asyncio.Future[_Fingerprint | None]] = {}
        self.robots: dict[str, asyncio.Future[RobotsRules]] = {}


def _now_iso(ts: float | None = None) -> str:
    return cst_seconds(ts if ts is not None else time.time())


def _split_host_port(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a crawled URL (always normalised http/https here)."""
    return scheme_host_port(url) or ("http", "", 80)


class SiteCrawler:
    """One site's crawl. Create, then `await run()`; safe to run many side by side."""

    def __init__(
        self,
        ctx: RunContext,
        spec: SiteSpec,
        *,
        capture: object | None = None,
        on_page: Callable[[PageRecord], None] | None = None,
        on_progress: Callable[[int], None] | None = None,
        on_facts: Callable[[str, PageFacts, bool, int, str], None] | None = None,
        on_integrity: Callable[[str, PageIntegrity, bool, str], None] | None = None,
        on_parts: Callable[[str, PageParts, bool, int, str], None] | None = None,
    ) -> None:
        self.ctx = ctx
        self.on_facts = on_facts  # (final URL, facts, is homepage, depth, fetched at)
        self.on_integrity = on_integrity  # (final URL, integrity facts, is homepage, fetched at)
        self.on_parts = on_parts  # (final URL, parts, is homepage, depth, fetched at)
        self.spec = spec
        self.capture = capture
        self.on_page = on_page
        self.on_progress = on_progress
        self.config = ctx.config
        home = normalize_url(spec.url)
        if home is None:
            raise ValueError(f"unusable site URL: {spec.url!r}")
        self.home_url = home
        self.scope = Scope(home, spec.aliases)
        self.traps = TrapGuard()
        self.counters: dict[str, int] = {}
        self.notes: list[str] = []
        # URL interning and the link graph (source id, target id) as compact arrays.
        self.ids: dict[str, int] = {}
        self.urls: list[str] = []
        self.first_tag: list[str] = []
        self.first_anchor: list[str] = []
        self.edge_src = array("I")
        self.edge_tgt = array("I")
        self.outcomes: dict[int, LinkOutcome] = {}
        # (lane, order found, kind, id, depth): checks first, then pages breadth-first.
        self.queue: asyncio.PriorityQueue[tuple[int, int, str, int, int]] = asyncio.PriorityQueue()
        self._seq = itertools.count()
        self.pages = 0
        self.scheduled_pages = 0
        self.scheduled_links = 0
        self.home_id = self._intern(home, "a", "")
        self.home_ids = {self.home_id}  # the homepage, and what a shell homepage leads to
        self._deadline = 0.0

    # ----------------------------------------------------------------- bookkeeping
    def _count(self, key: str, n: int = 1) -> None:
        self.counters[key] = self.counters.get(key, 0) + n

    def _intern(self, url: str, tag: str, anchor: str) -> int:
        uid = self.ids.get(url)
        if uid is None:
            uid = len(self.urls)
            self.ids[url] = uid
            self.urls.append(url)
            self.first_tag.append(tag)
            self.first_anchor.append(anchor[:60])
        elif self.first_tag[uid] == SCRIPT_PAGER_TAG and tag != SCRIPT_PAGER_TAG:
            self.first_tag[uid] = tag  # also a real link: judged like any other
            self.first_anchor[uid] = anchor[:60]
        return uid

    # ----------------------------------------------------------------- fetching
    async def _fetch(
        self, url: str, *, method: str = "GET", headers: dict[str, str] | None = None,
        max_body: int | None = None, note: str = ""
    ) -> FetchResult:
        """One request through the politeness slots, written to the capture."""
        _, host, port = _split_host_port(url)
        host = host.strip("[]")  # an IPv6 literal is resolved and rate-limited without brackets
        ip, _failure = await self.ctx.fetcher.resolve(host, port)
        async with self.ctx.politeness.slot(host, ip):
            result = await self.ctx.fetcher.fetch(url, method=method, headers=headers, max_body=max_body)
            if result.outcome == "tls" and _INCOMPLETE_CHAIN in result.detail:
                # Servers that omit their intermediate certificate open fine in browsers (which
                # fetch it themselves); look at the page as they show it, and say so.
                self._count("tls/incomplete_chain")
                result = await self.ctx.fetcher.fetch(
                    url, method=method, headers=headers, max_body=max_body, verify_tls=False
                )
                result.detail = (result.detail + "; " if result.detail else "") + "证书链不完整（浏览器可打开）"
        self._count(f"fetch/{method.lower()}")
        if result.responded:
            self._count(f"fetch/status/{result.status}")
        else:
            self._count(f"fetch/outcome/{result.outcome}")
        self.ctx.politeness.record(
            host, status=result.status, outcome=result.outcome,
            retry_after=result.header("retry-after") if result.status in (429, 503) else None,
        )
        if self.capture is not None:
            try:
                self.capture.write(result, note=note)  # type: ignore[attr-defined]
            except OSError as exc:  # a full disk must not lose the crawl's findings
                self._count("capture/error")
                if "capture/error" not in " ".join(self.notes):
                    self.notes.append(f"capture/error: {exc}")
        return result

    async def _fetch_retrying(
        self, url: str, *, method: str = "GET", headers: dict[str, str] | None = None,
        max_body: int | None = None, note: str = ""
    ) -> FetchResult:
        """Fetch with one retry for failures and bounded waits for rate limiting."""
        result = await self._fetch(url, method=method, headers=headers, max_body=max_body, note=note)
        return await self._confirm(result, headers=headers, max_body=max_body)

    async def _confirm(
        self, result: FetchResult, *, headers: dict[str, str] | None = None, max_body: int | None = None
    ) -> FetchResult:
        """Retry a failed first answer: bounded waits for 429, one retry for errors, and one
        more after a longer pause when the failure looks transient (5xx, timeouts)."""
        url, method = result.url, result.method
        waited = 0.0
        tries = 0
        while result.status == 429 and tries < self.config.rate_limit_retries:
            # politeness.record has paused the host per Retry-After; wait our turn, bounded.
            pause = 2.0 ** tries
            ra = result.header("retry-after")
            if ra and ra.strip().isdigit():
                pause = float(ra.strip())
            if waited + pause > self.config.max_rate_limit_wait:
                break
            waited += pause
            tries += 1
            self._count("retry/reason/rate_limited")
            await asyncio.sleep(min(pause, self.config.max_rate_limit_wait))
            result = await self._fetch(url, method=method, headers=headers, max_body=max_body, note="retry")
        if result.status != 429 and should_retry(result):
            self._count(f"retry/reason/{result.outcome if not result.responded else result.status}")
            definite = result.responded and 400 <= (result.status or 0) < 500 and result.status != 408
            await asyncio.sleep(min(self.config.retry_delay, self.config.retry_delay_client_error)
                                if definite else self.config.retry_delay)
            result = await self._fetch(url, method=method, headers=headers, max_body=max_body, note="retry")
            if is_transient(result):
                # A busy county server answers 503 or times out now and then: one more try,
                # after a longer pause, before a link is published as dead.
                self._count("retry/confirm")
                await asyncio.sleep(self.config.confirm_delay)
                result = await self._fetch(url, method=method, headers=headers, max_body=max_body, note="confirm")
        return result

    # ----------------------------------------------------------------- per-origin facts
    async def _once_per_origin(
        self, cache: dict[str, asyncio.Future[T]], url: str,
        compute: Callable[[str], Awaitable[T]], fallback: T,
    ) -> T:
        """Compute a fact about `url`'s origin once per run; concurrent askers share the answer.

        `compute` gets the origin as `scheme://host[:port]`; if it fails, `fallback` is kept."""
        scheme, host, port = _split_host_port(url)
        key = f"{scheme}://{host}:{port}"
        fut = cache.get(key)
        if fut is not None:
            return await fut
        fut = asyncio.get_running_loop().create_future()
        cache[key] = fut
        value = fallback
        try:
            value = await compute(f"{scheme}://{host if port in (80, 443) else f'{host}:{port}'}")
        finally:
            fut.set_result(value)
        return value

    async def _probe_not_found(self, origin: str) -> _Fingerprint | None:
        """The host's answer to a URL that cannot exist, when that answer is HTTP 200."""
        res = await self._fetch_retrying(
            f"{origin}/govinspect-{secrets.token_hex(6)}-nonexistent.html", note="soft404-probe"
        )
        if res.responded and res.status == 200 and res.body:
            text, _ = decode_body(res.body, res.header("content-type"))
            return _Fingerprint(res.final_url, visible_text(text))
        return None

    async def _host_fingerprint(self, url: str) -> _Fingerprint | None:
        return await self._once_per_origin(self.ctx.soft404, url, self._probe_not_found, None)

    async def _is_soft_404(self, result: FetchResult, not_found_text: str | None) -> bool:
        """A 'not found' page that matches the host's answer to a URL that cannot exist."""
        if not_found_text is None or _is_home_like(result.final_url):
            # Sites that send unknown URLs to their homepage make every redirect to it look
            # like the random probe's answer; a homepage is never judged "not found".
            return False
        fp = await self._host_fingerprint(result.final_url)
        if fp is None:
            return False
        if result.final_url == fp.final_url and result.redirects:
            return True
        return text_similarity(not_found_text, fp.text) >= self.config.soft404_similarity

    async def _analyse(self, result: FetchResult, page_url: str, uid: int) -> tuple[PageAnalysis, str | None]:
        """Analyse a page in the worker process when there is one; (analysis, html or None)."""
        worker = self.ctx.worker
        as_of = self.ctx.as_of if self.on_facts is not None or self.on_integrity is not None else None
        is_home = uid in self.home_ids
        hosts = self.scope.hosts
        if (
            worker is not None and worker.alive and self.on_page is None
            and (len(result.body) > BALANCE_MAX_BODY
                 or (worker.ready and not worker.busy(BALANCE_BACKLOG if as_of is not None else BALANCE_BACKLOG_LINKS_ONLY)))
        ):
            try:
                analysis = await worker.analyse(
                    result.body, result.header("content-type"), page_url, as_of=as_of, is_home=is_home,
                    site_hosts=hosts,
                )
                return analysis, None
            except WorkerGone:
                self._count("worker/gone")
        if worker is not None and worker.alive:
            self._count("worker/balanced" if worker.ready else "worker/warming_up")
        try:
            text, encoding = decode_body(result.body, result.header("content-type"))
            analysis = analyse_text(text, encoding, page_url, as_of=as_of, is_home=is_home, site_hosts=hosts)
        except Exception as exc:  # as the worker does: one page never stops the site
            return PageAnalysis.failed(f"{type(exc).__name__}: {exc}"[:200]), None
        return analysis, text

    # ----------------------------------------------------------------- robots
    async def _fetch_robots(self, origin: str) -> RobotsRules:
        res = await self._fetch(f"{origin}/robots.txt", max_body=512 * 1024, note="robots")
        return parse_robots(res.status if res.responded else None, res.body, res.content_type)

    async def _robots(self, url: str) -> RobotsRules:
        if not self.config.respect_robots:
            return RobotsRules(None, "ignored")
        return await self._once_per_origin(self.ctx.robots, url, self._fetch_robots, RobotsRules(None, "error"))

    # ----------------------------------------------------------------- jobs
    def _outcome(self, result: FetchResult, verdict: Verdict) -> LinkOutcome:
        return LinkOutcome(
            verdict.verdict, verdict.reason, verdict.status, verdict.detail or result.detail,
            result.final_url if result.final_url != result.url else None,
            _now_iso(result.started_at or None),
        )

    async def _page_job(self, uid: int, depth: int) -> None:
        url = self.urls[uid]
        rules = await self._robots(url)
        if not rules.allows(url, self.ctx.user_agent_token):
            self._count("robots/disallowed")
            self.outcomes[uid] = LinkOutcome("unchecked", "robots", None, "robots.txt disallows", None, _now_iso())
            return
        result = await self._fetch_retrying(url)
        verdict = classify(result)
        is_html = result.content_type in _HTML_TYPES or (
            not result.content_type and result.body[:512].lstrip()[:1] == b"<"
        )
        if verdict.verdict != "ok" or not is_html or not result.body:
            self.outcomes[uid] = self._outcome(result, verdict)
            return
        final = normalize_url(result.final_url) or url
        analysis, html = await self._analyse(result, final, uid)
        if analysis.error:
            self._count("parse/error")
            self.notes.append(f"parse/error {final}: {analysis.error}"[:300])
        if await self._is_soft_404(result, analysis.not_found_text):
            self.outcomes[uid] = self._outcome(
                result, Verdict("dead", "soft_404", result.status, "HTTP 200，页面内容为“页面不存在”")
            )
            return
        self.outcomes[uid] = self._outcome(result, verdict)
        if final != url:
            if uid == self.home_id and not self.scope.contains(final):
                # The registered address forwards to the site's real host (a new domain, a
                # portal platform): that host is the site, as a visitor experiences it.
                self.scope = Scope(self.home_url, (*self.spec.aliases, host_of(final)))
                self.notes.append(f"首页跳转至 {final}，已将该主机纳入检查范围")
            if not self.scope.contains(final):
                self._count("page/redirected_out_of_scope")
                return
            fid = self.ids.get(final)
            if fid is not None and fid in self.outcomes:
                return  # the redirect target is (being) crawled under its own URL
            fid = self._intern(final, "a", "")
            self.outcomes[fid] = self.outcomes[uid]
        self.pages += 1
        if self.on_progress is not None:
            self.on_progress(self.pages)
        if self.on_facts is not None and analysis.facts is not None:
            self.on_facts(final, analysis.facts, uid in self.home_ids, depth, _now_iso(result.started_at or None))
        if self.on_integrity is not None and analysis.integrity is not None:
            self.on_integrity(final, analysis.integrity, uid in self.home_ids, _now_iso(result.started_at or None))
        if self.on_parts is not None and analysis.parts is not None:
            self.on_parts(final, analysis.parts, uid in self.home_ids, depth, _now_iso(result.started_at or None))
        if self.on_page is not None and html is not None:
            self.on_page(
                PageRecord(url, final, depth, result.status or 0, analysis.encoding, html,
                           _now_iso(result.started_at or None), uid in self.home_ids)
            )
        if depth >= self.config.max_depth:
            self._count("limit/depth")
            return
        self._discover(uid, analysis, depth)
        if uid in self.home_ids and len(analysis.urls) < SHELL_MAX_LINKS:
            # A homepage that is only a shell (a refresh, a script redirect or a frameset)
            # shows the visitor the page it leads to: that page's links are homepage links.
            for target, tag in zip(analysis.urls, analysis.tags):
                tid = self.ids.get(target)
                if tag in _SHELL_TAGS and tid is not None and self.scope.contains(target):
                    self.home_ids.add(tid)

    def _discover(self, uid: int, page: PageAnalysis, depth: int) -> None:
        """Record the page's links in the graph and schedule the targets not seen before."""
        ids = self.ids
        urls = page.urls
        # One C-level lookup per link: on a site's typical page nearly every link (menus,
        # footer, lists) is known already; only the new ones take the Python path below.
        tids: list[int | None] = list(map(ids.get, urls))
        if None in tids:
            scope, traps, tags = self.scope, self.traps, page.tags
            for i, tid in enumerate(tids):
                if tid is not None:
                    continue
                url = urls[i]
                tid = ids.get(url)  # a link repeated on this page, interned a moment ago
                if tid is None:
                    in_scope = scope.contains(url)
                    reason = traps.check(url) if in_scope else None
                    if reason is not None:
                        self._count(f"trap/{reason}")
                        continue
                    tid = self._intern(url, tags[i], page.texts[i])
                    self._schedule(tid, url, tags[i], depth + 1, in_scope)
                tids[i] = tid
        # Edges to each distinct target once, in order of first appearance, no self-links.
        targets = dict.fromkeys(tids)
        targets.pop(None, None)
        targets.pop(uid, None)
        if targets:
            self.edge_tgt.extend(array("I", targets))
            self.edge_src.extend(array("I", (uid,)) * len(targets))

    def _schedule(self, tid: int, url: str, tag: str, depth: int, in_scope: bool | None = None) -> None:
        if self.scheduled_links >= self.config.max_links:
            self._count("limit/links")
            self.outcomes[tid] = LinkOutcome("unchecked", "link_limit", None, "", None, _now_iso())
            return
        if in_scope is None:
            in_scope = self.scope.contains(url)
        if in_scope and tag in _PAGE_TAGS and (is_probably_html(url) or link_kind_by_extension(url) == "page"):
            if self.scheduled_pages >= self.config.max_pages:
                self._count("limit/pages")
                self.outcomes[tid] = LinkOutcome("unchecked", "page_limit", None, "", None, _now_iso())
                return
            self.scheduled_pages += 1
            self.scheduled_links += 1
            self.queue.put_nowait((_PAGE_LANE, next(self._seq), "page", tid, depth))
        else:
            self.scheduled_links += 1
            self.queue.put_nowait((_CHECK_LANE, next(self._seq), "check", tid, depth))

    async def _check_job(self, uid: int) -> None:
        url = self.urls[uid]
        if self.scope.contains(url):
            rules = await self._robots(url)
            if not rules.allows(url, self.ctx.user_agent_token):
                self._count("robots/disallowed")
                self.outcomes[uid] = LinkOutcome("unchecked", "robots", None, "robots.txt disallows", None, _now_iso())
                return
            self.outcomes[uid] = await self._check(url)
            return
        fut = self.ctx.external.get(url)
        if fut is not None:
            self._count("external/shared")
            self.outcomes[uid] = await fut
            return
        fut = asyncio.get_running_loop().create_future()
        self.ctx.external[url] = fut
        outcome = LinkOutcome("unchecked", "error", None, "check did not finish", None, _now_iso())
        try:
            outcome = await self._check(url)
        finally:
            fut.set_result(outcome)
        self.outcomes[uid] = outcome

    async def _check(self, url: str) -> LinkOutcome:
        """HEAD a non-page target; fall back to a small ranged GET when HEAD is refused."""
        head = await self._fetch(url, method="HEAD", note="check")
        result = head
        if not head.responded:
            # A transport failure does not depend on the method: retry it as it was.
            if should_retry(head):
                result = await self._confirm(head)
        elif head.status == 429 or should_retry(head) or (
            head.content_type in _HTML_TYPES and link_kind_by_extension(url) != "page"
        ):
            # Many servers mishandle HEAD (405, 403, 404, even 500), and an HTML answer for
            # a document link may be a "not found" page: ask with GET before judging.
            get_headers = {"Range": "bytes=0-65535"}
            result = await self._fetch(url, headers=get_headers, max_body=CHECK_MAX_BODY, note="check-get")
            if result.status != head.status or result.status == 429 or not result.responded:
                # HEAD and GET disagree (or GET failed): GET is what a visitor sees, so
                # confirm it by the usual retry rules. When both said the same error, that
                # is the second attempt already.
                if result.status == 429 or should_retry(result):
                    result = await self._fetch_retrying(
                        url, headers=get_headers, max_body=CHECK_MAX_BODY, note="check-get"
                    )
        verdict = classify(result)
        if (
            verdict.verdict == "ok" and result.content_type in _HTML_TYPES and result.body
            and result.status in (200, 206)
        ):
            text, _ = decode_body(result.body, result.header("content-type"))
            if await self._is_soft_404(result, not_found_text(text)):
                verdict = Verdict("dead", "soft_404", result.status, "HTTP 200，页面内容为“页面不存在”")
        return self._outcome(result, verdict)

    async def _worker(self) -> None:
        while True:
            _, _, kind, uid, depth = await self.queue.get()
            try:
                if time.monotonic() > self._deadline:
                    self.outcomes.setdefault(
                        uid, LinkOutcome("unchecked", "time_limit", None, "", None, _now_iso())
                    )
                    continue
                if kind == "page":
                    await self._page_job(uid, depth)
                else:
                    await self._check_job(uid)
            except HostTripped:
                self._count("safeguard/skipped")
                self.outcomes[uid] = LinkOutcome(
                    "blocked", "host_paused", None, "服务器连续报错，已暂停访问该主机", None, _now_iso()
                )
            except Exception as exc:  # one bad URL must never stop the site
                self._count("job/error")
                self.notes.append(f"job/error {self.urls[uid]}: {type(exc).__name__}: {exc}"[:300])
                self.outcomes.setdefault(
                    uid, LinkOutcome("unchecked", "error", None, str(exc)[:200], None, _now_iso())
                )
            finally:
                self.queue.task_done()

    # ----------------------------------------------------------------- run
    async def fetch_page_as(self, url: str, user_agent: str, *, note: str = "") -> tuple[str, str, str] | None:
        """`url` fetched once more with another User-Agent, through the same politeness and
        capture as every fetch (so the evidence is kept): (final URL, decoded HTML, fetched at),
        or None when it did not answer 200 with a body."""
        try:
            result = await self._fetch(url, headers={"User-Agent": user_agent}, note=note)
        except HostTripped:
            return None
        if not result.responded or result.status != 200 or not result.body:
            return None
        text, _ = decode_body(result.body, result.header("content-type"))
        return result.final_url, text, _now_iso(result.started_at or None)

    def fetched_attachments(self, limit: int) -> list[tuple[str, str]]:
        """(attachment URL, a page linking it) for up to `limit` in-scope attachments that
        answered, in the order they were found."""
        wanted = [
            tid for tid in sorted(self.outcomes)
            if self.outcomes[tid].verdict == "ok" and self._kind(tid) == "attachment"
        ][:limit]
        source: dict[int, int] = {}
        want = set(wanted)
        for s, t in zip(self.edge_src, self.edge_tgt):
            if t in want and t not in source:
                source[t] = s
        return [(self.urls[t], self.urls[source[t]]) for t in wanted if t in source]

    async def fetch_body(self, url: str, *, max_body: int, note: str = "") -> tuple[bytes, str | None, str] | None:
        """The whole body of `url` (captured), or None when it did not answer 200 or was
        larger than `max_body`: (body, content type, fetched at)."""
        try:
            result = await self._fetch(url, max_body=max_body, note=note)
        except HostTripped:
            return None
        if result.outcome != "ok" or result.status != 200 or not result.body:
            return None
        return result.body, result.header("content-type"), _now_iso(result.started_at or None)

    async def run(self) -> SiteCrawlResult:
        """Crawl the site; returns even when limits cut it short (with notes saying so)."""
        started = time.monotonic()
        self._deadline = started + self.config.site_time_limit
        out = SiteCrawlResult(home_url=self.home_url)
        try:
            await self._page_job(self.home_id, 0)
        except HostTripped:
            self.outcomes[self.home_id] = LinkOutcome("blocked", "host_paused", None, "", None, _now_iso())
        home = self.outcomes.get(self.home_id)
        if home is None or home.verdict != "ok" or self.pages == 0:
            out.error = _home_error(home)
            out.seconds = time.monotonic() - started
            out.counters = dict(sorted(self.counters.items()))
            return out
        n_workers = self.config.workers or max(4, 2 * self.ctx.politeness.config.per_host + 2)
        workers = [asyncio.create_task(self._worker()) for _ in range(n_workers)]
        try:
            remaining = self._deadline - time.monotonic()
            await asyncio.wait_for(self.queue.join(), timeout=max(0.0, remaining))
        except asyncio.TimeoutError:
            self.notes.append("limit/time: 已达单站检查时间上限，其余链接未检查")
            self._count("limit/time")
        finally:
            for w in workers:
                w.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
        self._collect(out)
        out.seconds = time.monotonic() - started
        return out

    def _kind(self, tid: int) -> LinkKind:
        url = self.urls[tid]
        if not self.scope.contains(url):
            return "external"
        if self.first_tag[tid] in _IMAGE_TAGS:
            return "image"
        kind = link_kind_by_extension(url)
        return kind  # type: ignore[return-value]

    def _collect(self, out: SiteCrawlResult) -> None:
        """Turn per-target verdicts and the link graph into dead/blocked link records."""
        bad = {tid for tid, o in self.outcomes.items() if o.verdict in ("dead", "blocked")}
        sources: dict[int, list[int]] = {}
        from_home: set[int] = set()
        counts: dict[int, int] = {}
        for s, t in zip(self.edge_src, self.edge_tgt):
            if t not in bad:
                continue
            counts[t] = counts.get(t, 0) + 1
            if s in self.home_ids:
                from_home.add(t)
            lst = sources.setdefault(t, [])
            if len(lst) < MAX_SOURCES_KEPT:
                lst.append(s)
        for tid in sorted(bad):
            o = self.outcomes[tid]
            srcs = sources.get(tid)
            if not srcs:
                continue  # only reached through a redirect of another link
            if self.first_tag[tid] == SCRIPT_PAGER_TAG:
                # A page a pager script seems to name: the guess of its URL may be ours, so
                # it is followed for the column's items but never reported as a dead link.
                self._count("pager/script_page_failed")
                continue
            scope = "home" if tid in from_home else "other"
            first = next((x for x in srcs if x in self.home_ids), srcs[0]) if scope == "home" else srcs[0]
            src_urls = [self.urls[s] for s in ([first] + [s for s in srcs if s != first])][:MAX_SOURCES_KEPT]
            if o.verdict == "dead":
                out.dead_links.append(
                    DeadLink(
                        source=self.urls[first], target=self.urls[tid], status=o.status,
                        reason=o.reason, scope=scope, kind=self._kind(tid), detail=o.detail,
                        final_url=o.final_url, checked_at=o.checked_at, sources=src_urls,
                        source_count=counts.get(tid, 1), anchor=self.first_anchor[tid],
                    )
                )
            else:
                out.blocked_links.append(
                    BlockedLink(
                        source=self.urls[first], target=self.urls[tid], status=o.status,
                        reason=o.reason, detail=o.detail, checked_at=o.checked_at,
                        kind=self._kind(tid),
                    )
                )
        unchecked: dict[str, int] = {}
        for o in self.outcomes.values():
            if o.verdict == "unchecked":
                unchecked[o.reason] = unchecked.get(o.reason, 0) + 1
        for reason, n in sorted(unchecked.items()):
            self.counters[f"unchecked/{reason}"] = n
            self.notes.append(f"unchecked/{reason}: {n} 个链接未检查")
        out.pages = self.pages
        out.links_checked = sum(1 for o in self.outcomes.values() if o.verdict != "unchecked")
        out.counters = dict(sorted(self.counters.items()))
        out.notes = self.notes


_HOME_PATH = re.compile(r"^/?(?:(?:index|default|home|main|portal)\.[a-z]{2,5})?$", re.I)


def _is_home_like(url: str) -> bool:
    """Whether a URL is a site root or its index page (/, /index.html, /default.aspx …)."""
    rest = url.split("://", 1)[-1]
    path = rest[rest.find("/"):] if "/" in rest else "/"
    return "?" not in path and _HOME_PATH.match(path) is not None


_HOME_REASONS = {
    "dns": "首页域名无法解析",
    "refused": "首页连接被拒绝",
    "timeout": "首页访问超时",
    "tls": "首页证书或加密连接错误",
    "reset": "首页连接中断",
    "redirect_loop": "首页重定向循环",
    "too_many_redirects": "首页重定向次数过多",
    "waf_challenge": "首页被防火墙人机验证拦截，无法自动检查",
    "rate_limited": "首页访问频率受限（HTTP 429），无法自动检查",
    "private_address": "首页解析到内网地址，已按安全策略拒绝访问（可用 --allow-private）",
    "robots": "robots.txt 禁止访问首页（站点自查可用 --ignore-robots）",
    "soft_404": "首页显示“页面不存在”",
    "host_paused": "服务器连续报错，已暂停访问",
}


def _home_error(home: LinkOutcome | None) -> str:
    """One line saying why a site could not be inspected at all."""
    if home is None:
        return "首页未能检查 (homepage not checked)"
    if home.verdict == "ok":
        return "首页不是HTML页面，无法检查 (homepage is not an HTML page)"
    text = _HOME_REASONS.get(home.reason)
    if text is None and home.reason.startswith("http_"):
        text = f"首页返回 HTTP {home.status}"
    return f"{text or '首页无法访问'} ({home.reason}{': ' + home.detail if home.detail else ''})"
