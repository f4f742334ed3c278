"""Inspect a list of sites: crawl each politely, check links, turn facts into findings.

This is the engine's entry point shared by the CLI (which writes files) and, later, the
platform (which writes rows). One bad site never stops the others: every site runs inside its
own error boundary, and each finished site is written to `sites/<key>.json` at once, so a
crash mid-run keeps what was done.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govinspect import __version__
from govinspect.checks.links import link_findings
from govinspect.crawl.crawler import CrawlConfig, RunContext, SiteCrawler
from govinspect.crawl.politeness import Politeness, PolitenessConfig, SharedLimiter
from govinspect.crawl.worker import AnalysisWorker
from govinspect.eventloop import run as run_coroutine
from govinspect.models import RunResult, SiteResult, SiteSpec
from govinspect.net.client import Fetcher
from govinspect.net.types import FetchConfig
from govinspect.profiles.loader import Profile, load_profile, profile_reference
from govinspect.scoring.site import score_result

if TYPE_CHECKING:
    # The analysers and checks of a full inspection are imported where they are used: a
    # links-only sweep starts without them (~80 ms of every sweep).
    from govinspect.analyze.integrity import PageIntegrity
    from govinspect.analyze.pagefacts import PageFacts
    from govinspect.analyze.pageparts import PageParts
    from govinspect.analyze.sitecolumns import SiteColumns
    from govinspect.analyze.siteintegrity import SiteIntegrity
    from govinspect.analyze.siteparts import SiteParts
    from govinspect.crawl.integrityfetch import AttachmentLimits
    from govinspect.monitor.window import AvailabilityReader
    from govinspect.sitechecks.probe import SiteChecks


@dataclass(frozen=True, slots=True)
class InspectOptions:
    """Everything a run needs besides the sites."""

    as_of: datetime
    profile: str = "gov2019"
    out_dir: Path | None = None
    fetch: FetchConfig = field(default_factory=FetchConfig)
    politeness: PolitenessConfig = field(default_factory=PolitenessConfig)
    crawl: CrawlConfig = field(default_factory=CrawlConfig)
    parallel_sites: int = 8
    capture: bool = True
    # Parse pages in a second process (None: when the machine has two cores or more).
    analysis_worker: bool | None = None
    # Re-run on the captures of an earlier run (its --out directory) instead of the network.
    replay: Path | None = None
    # The inspection's own clock (default: the real time). An item dated after both T and
    # this is a forged date; the simulated province sets it to its own "today".
    now: datetime | None = None
    # Fetch the homepage as a browser and as Baiduspider (cloaking) and read attachments'
    # text (privacy, secret marks); off only for link-checking benchmarks and tests.
    integrity_fetches: bool = True
    attachments: AttachmentLimits | None = None  # None: integrityfetch's defaults
    # Homepage fingerprints of an earlier inspection (site identity → fingerprint), for tampering.
    previous_fingerprints: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The availability monitor's probe store (`govinspect monitor`): fills `availability` and
    # the 站点无法访问 veto / 首页可用性 deduction. None: availability stays null.
    monitor_db: Path | None = None
    # Per-host and per-IP slots shared with other processes (a distributed campaign's workers,
    # scale/limiter.py); None: the limits hold within this run only.
    limiter: SharedLimiter | None = None
    # "all": every check; "links": the dead-link sweep alone (pages are parsed for their links
    # only; no content, freshness or site-level checks; no verdict). models.CHECK_SCOPES.
    checks: str = "all"


class Progress:
    """Callbacks the CLI's progress bar implements; the default does nothing."""

    def site_started(self, key: str, spec: SiteSpec) -> None:
        """A site's crawl begins."""

    def pages(self, key: str, count: int) -> None:
        """A site has fetched `count` pages so far."""

    def site_done(self, key: str, result: SiteResult) -> None:
        """A site is finished (inspected or error)."""


_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def site_keys(specs: list[SiteSpec]) -> list[str]:
    """Stable, file-name-safe, unique keys for the sites of a run (site code, else host)."""
    keys: list[str] = []
    seen: dict[str, int] = {}
    for spec in specs:
        base = spec.site_code or spec.url.split("://", 1)[-1].split("/", 1)[0] or "site"
        base = _KEY_UNSAFE.sub("_", base).strip("_")[:80] or "site"
        n = seen.get(base, 0)
        seen[base] = n + 1
        keys.append(base if n == 0 else f"{base}-{n + 1}")
    return keys


async def inspect_site(
    ctx: RunContext, spec: SiteSpec, key: str, options: InspectOptions, profile: Profile,
    progress: Progress, portal_host: str | None = None,
) -> SiteResult:
    """Inspect one site; never raises (an unexpected failure becomes the site's error).

    `portal_host` is the host of the same region's portal when the run has one (for the
    department-domain rule).
    """
    result = SiteResult(spec=spec, checks=options.checks)
    links_only = options.checks == "links"
    checks: SiteChecks | None = None
    if spec.input_error:
        result.status, result.error = "error", spec.input_error
        return result
    started = time.monotonic()
    capture = None
    try:
        if options.replay is not None:
            result.capture = {
                "warc": str((options.replay / "evidence" / f"{key}.warc.gz").resolve()),
                "index": str((options.replay / "evidence" / f"{key}.index.jsonl").resolve()),
            }
        elif options.capture and options.out_dir is not None:
            from govinspect.capture.warc import CaptureWriter

            evidence = options.out_dir / "evidence"
            evidence.mkdir(parents=True, exist_ok=True)
            # Written in line: with the lean record writer this costs less than a thread
            # would lose to contention for the interpreter lock (see bench/RESULTS.md).
            capture = CaptureWriter(evidence, key)
            result.capture = {
                "warc": f"evidence/{key}.warc.gz",
                "index": f"evidence/{key}.index.jsonl",
            }
        columns: SiteColumns | None = None
        parts: SiteParts | None = None
        integrity: SiteIntegrity | None = None
        if not links_only:
            from govinspect.analyze.siteintegrity import SiteIntegrity
            from govinspect.analyze.siteparts import SiteParts
            from govinspect.sitechecks.probe import KNOWN_ITEMS

            parts = SiteParts(spec.url, as_of=options.as_of.date())
            integrity = SiteIntegrity()

        listed: list[tuple[str, str, str]] = []  # (date, title, url) of list items, for the search check

        def on_facts(url: str, facts: PageFacts, is_home: bool, depth: int, fetched_at: str) -> None:
            assert columns is not None and parts is not None
            if facts.primary is not None and len(listed) < KNOWN_ITEMS:
                listed.extend((i.date, i.title, i.url) for i in facts.blocks[facts.primary].items[:5] if i.date)
            try:
                columns.add(url, facts, is_home=is_home, depth=depth, fetched_at=fetched_at)
                parts.add_facts(url, facts)
            except Exception as exc:  # never lose the page's links to a column-analysis bug
                crawler.notes.append(f"columns/error {url}: {type(exc).__name__}: {exc}"[:300])

        def on_integrity(url: str, facts: PageIntegrity, is_home: bool, fetched_at: str) -> None:
            assert integrity is not None
            integrity.add(url, facts, is_home=is_home, fetched_at=fetched_at)

        def on_parts(url: str, page: PageParts, is_home: bool, depth: int, fetched_at: str) -> None:
            assert parts is not None
            try:
                parts.add(url, page, is_home=is_home, depth=depth, fetched_at=fetched_at)
            except Exception as exc:  # the page's links and columns stand without its parts
                crawler.notes.append(f"parts/error {url}: {type(exc).__name__}: {exc}"[:300])

        # Without these callbacks the crawl parses each page for its links only.
        crawler = SiteCrawler(
            ctx, spec, capture=capture, on_progress=lambda n: progress.pages(key, n),
            on_facts=None if links_only else on_facts, on_integrity=None if links_only else on_integrity,
            on_parts=None if links_only else on_parts,
        )
        if not links_only:  # a links-only sweep reads no columns (nor loads their rules)
            from govinspect.analyze.sitecolumns import SiteColumns

            columns = SiteColumns(
                crawler.home_url, as_of=options.as_of.date(), in_scope=lambda u: crawler.scope.contains(u),
                overrides=dict(spec.column_overrides),
            )
        crawl = await crawler.run()
        if not crawl.error and options.integrity_fetches and integrity is not None:
            try:
                await _integrity_fetches(crawler, integrity, options)
            except Exception as exc:  # the crawl's facts stand without the extra fetches
                crawl.notes.append(f"integrity/error: {type(exc).__name__}: {exc}"[:300])
        if not crawl.error and options.replay is None and not links_only:
            from govinspect.sitechecks.probe import probe_site

            # After the crawl, while the capture is open: the probes' answers are evidence too.
            checks = await probe_site(
                ctx, spec, home_url=crawler.home_url, as_of=options.as_of.date(), portal_host=portal_host,
                capture=capture, now=options.now, listed=listed,
            )
    except Exception as exc:  # the error boundary of one site
        result.status = "error"
        result.error = f"检查程序出错 (internal error): {type(exc).__name__}: {exc}"[:500]
        result.notes.append(traceback.format_exc(limit=5)[-2000:])
        result.seconds = round(time.monotonic() - started, 2)
        return result
    finally:
        if capture is not None:
            try:
                capture.close()
            except OSError as exc:
                result.notes.append(f"capture/error: {exc}")
    result.pages = crawl.pages
    result.links_checked = crawl.links_checked
    result.seconds = round(crawl.seconds, 2)
    result.counters = crawl.counters
    result.notes = crawl.notes + result.notes
    if crawl.error:
        result.status = "error"
        result.error = crawl.error
        return result
    result.dead_links = crawl.dead_links
    result.blocked_links = crawl.blocked_links
    result.findings = link_findings(crawl.dead_links, profile)
    if links_only:
        score_result(result, profile)
        return result
    assert columns is not None and parts is not None and integrity is not None
    try:
        _add_freshness(result, columns, options, profile, crawler.home_url)
    except Exception as exc:  # the link facts stand even when the column analysis fails
        result.notes.append(f"columns/error: {type(exc).__name__}: {exc}"[:300])
    try:
        _add_parts(result, parts, options, profile, crawler.home_url)
    except Exception as exc:  # the other facts stand even when the page-parts analysis fails
        result.notes.append(f"parts/error: {type(exc).__name__}: {exc}"[:300])
    try:
        _add_integrity(result, integrity, profile, options.previous_fingerprints.get(site_identity(spec)))
    except Exception as exc:
        result.notes.append(f"integrity/error: {type(exc).__name__}: {exc}"[:300])
    if checks is not None:
        _add_sitechecks(result, checks, profile)
    score_result(result, profile)
    return result


def _add_freshness(
    result: SiteResult, columns: SiteColumns, options: InspectOptions, profile: Profile, home_url: str
) -> None:
    """Homepage and column measures, their counts and the freshness vetoes."""
    from govinspect.checks.freshness import freshness_counts, freshness_findings

    as_of = options.as_of.date()
    now = (options.now or datetime.now(options.as_of.tzinfo)).date()
    result.homepage = columns.homepage()
    result.columns = columns.columns()
    result.freshness = freshness_counts(result.homepage, result.columns, as_of=as_of, now=now)
    result.findings += freshness_findings(
        result.homepage, result.columns, profile, as_of=as_of, now=now, home_url=home_url
    )


async def _integrity_fetches(crawler: SiteCrawler, integrity: SiteIntegrity, options: InspectOptions) -> None:
    """Cloaking (two more fetches of the homepage) and the text of attachments."""
    from govinspect.crawl.integrityfetch import AttachmentLimits, attachment_hits, cloaking_hits

    hits, fetched_at = await cloaking_hits(crawler, crawler.home_url)
    if fetched_at is not None:
        integrity.cloaking_checked = True
        integrity.add_hits(crawler.home_url, hits, fetched_at=fetched_at, source="cloaking")
    for url, source, found, fetched_at in await attachment_hits(crawler, options.attachments or AttachmentLimits()):
        # The page linking the attachment is where a visitor finds it; the file is the evidence.
        integrity.add_hits(url, found, fetched_at=fetched_at, source=f"attachment:{source}")


def site_identity(spec: SiteSpec) -> str:
    """The key that finds a site again in an earlier run: its 标识码, else its homepage URL."""
    return spec.site_code or spec.url.strip()


def _add_integrity(
    result: SiteResult, integrity: SiteIntegrity, profile: Profile, previous_fp: dict[str, Any] | None
) -> None:
    """Text errors, illegal content, privacy and secret marks, tampering, and their findings."""
    from govinspect.analyze.integrity import illegal_hit
    from govinspect.analyze.tampering import tampering
    from govinspect.checks.integrity import integrity_findings

    current = integrity.home_fingerprint
    if previous_fp is not None and current is not None:
        found = tampering(previous_fp, current, current.get("url") or result.spec.url)
        integrity.add_hits(
            current.get("url") or result.spec.url,
            [illegal_hit(f) for f in found],
            fetched_at=integrity.home_seen_at or "", source="tampering",
        )
    result.text_errors = integrity.entries("text_errors")
    result.illegal = integrity.entries("illegal")
    result.privacy = integrity.entries("privacy")
    result.secret_marks = integrity.entries("secret")
    result.homepage_fingerprint = current
    if integrity.pages:
        result.measured += ["text_errors", "illegal", "privacy", "secrets"]
    if integrity.cloaking_checked or (previous_fp is not None and current is not None):
        # Cloaking is checked on every inspection; injected scripts need the --previous baseline.
        result.measured.append("tampering")
    if integrity.errors:
        result.notes.extend(f"integrity/error {e}"[:300] for e in integrity.errors[:20])
    if integrity.dropped:
        result.notes.append(f"integrity/dropped: 另有{integrity.dropped}处同类问题未逐条列出")
    result.findings += integrity_findings(
        {"text_errors": result.text_errors, "illegal": result.illegal, "privacy": result.privacy,
         "secret_marks": result.secret_marks},
        profile,
    )


def _add_sitechecks(result: SiteResult, checks: SiteChecks, profile: Profile) -> None:
    """Domain, HTTPS, IPv6, search and annual-report facts and their findings."""
    from govinspect.sitechecks.findings import site_findings

    result.domain, result.https, result.ipv6 = checks.domain, checks.https, checks.ipv6
    result.search, result.annual_report = checks.search, checks.annual_report
    result.notes += checks.notes
    try:
        result.findings += site_findings(checks, profile)
    except Exception as exc:  # the facts stand even when pricing them fails
        result.notes.append(f"sitecheck/error: {type(exc).__name__}: {exc}"[:300])


# Counters that mean the crawl did not see the whole site: a "nothing found" is then unknown.
TRUNCATED = ("limit/pages", "limit/time", "limit/depth", "limit/links")


def _add_parts(result: SiteResult, parts: SiteParts, options: InspectOptions, profile: Profile, home_url: str) -> None:
    """Footer, letters and guides, and the interaction, service and identity findings."""
    from govinspect.checks.identity import identity_findings
    from govinspect.checks.interaction import interaction_findings
    from govinspect.checks.services import service_findings

    as_of = options.as_of.date()
    # "Nothing found" needs every page read: no crawl limit reached, no page's parts lost.
    complete = result.pages > 0 and parts.pages >= result.pages and not any(result.counters.get(k) for k in TRUNCATED)
    result.footer = parts.footer(result.spec.site_code)
    # Pages finish in a different order on every crawl: sorted, two runs give the same file.
    result.letters = sorted(parts.letter_rows(), key=lambda r: (r.get("url") or "", r.get("title") or ""))
    result.guides = sorted(parts.guide_rows(), key=lambda r: (r.get("url") or "", r.get("title") or ""))
    if parts.pages:
        result.measured += ["footer", "metadata", "guides", "guide_forms"]
    if complete:
        # Letters, channels, services and activities are judged by their absence too: only a
        # crawl that read the whole site has measured them.
        result.measured += ["letters", "services", "surveys", "interviews"]
    inter = parts.interaction()
    found = interaction_findings(inter, result.letters, profile, as_of=as_of, complete=complete, home_url=home_url)
    found += service_findings(
        result.guides, parts.services(), result.columns, result.dead_links, profile, complete=complete, home_url=home_url
    )
    found += identity_findings(result.footer, profile, home_url=home_url)
    for finding in found:
        for e in finding.evidence:
            if e.seen_at is None:
                # When that page was read (the registered homepage may have been read under
                # the address it forwards to).
                e.seen_at = parts.seen_at.get(e.url) or (parts.home_seen_at if e.url == home_url else None)
    result.findings += found


def _add_availability(
    result: SiteResult, reader: AvailabilityReader, options: InspectOptions, profile: Profile
) -> None:
    """The monitor's week before T → `availability`, and the veto or deduction it reaches.

    Also for a site the crawl could not reach at all: that is exactly when the probes matter.
    """
    from govinspect.checks.availability import availability_findings, coverage_rule

    days, min_per_day = coverage_rule(profile)
    try:
        result.availability = reader.availability(
            url=result.spec.url, site_code=result.spec.site_code, as_of=options.as_of,
            days=days, min_per_day=min_per_day,
        )
    except Exception as exc:  # a damaged store costs the availability facts, not the site
        result.notes.append(f"availability/error: {type(exc).__name__}: {exc}"[:300])
        return
    findings, notes = availability_findings(result.availability, profile, home_url=result.spec.url)
    result.findings += findings
    result.notes += notes
    if result.status == "inspected":
        score_result(result, profile)
    else:
        # The crawl could not reach the site at all: the monitor's veto still stands on its own
        # evidence (the probes), while nothing else could be measured.
        result.vetoes = [f.indicator for f in result.findings if f.veto]
        if result.vetoes:
            result.verdict, result.score = "fail", None


async def inspect_sites(
    specs: list[SiteSpec], options: InspectOptions, progress: Progress | None = None,
    on_done: Callable[[RunResult, AnalysisWorker | None], Awaitable[None]] | None = None,
) -> RunResult:
    """Inspect every site (bounded parallelism) and return the run's result.

    `on_done(run, worker)` is awaited when every site is done, while the analysis worker (None
    when there is none) still runs: the command line has it write the run's office reports.
    """
    progress = progress or Progress()
    profile = load_profile(options.profile)
    run = RunResult(version=__version__, as_of=options.as_of.isoformat(), profile=profile.id,
                    profile_source=profile_reference(options.profile, profile))
    keys = site_keys(specs)
    results: list[SiteResult | None] = [None] * len(specs)
    if options.out_dir is not None:
        (options.out_dir / "sites").mkdir(parents=True, exist_ok=True)
    availability = _availability_reader(options)
    worker = await _start_worker(options)
    try:
        await _run_sites(specs, options, progress, profile, keys, results, worker, availability)
        run.sites = [r for r in results if r is not None]
        if on_done is not None:
            await on_done(run, worker if worker is not None and worker.alive else None)
    finally:
        if worker is not None:
            await worker.stop()
        if availability is not None:
            availability.close()
    return run


def _availability_reader(options: InspectOptions) -> AvailabilityReader | None:
    """The monitor's probe store, when the run was given one."""
    if options.monitor_db is None:
        return None
    from govinspect.monitor.window import AvailabilityReader

    return AvailabilityReader(options.monitor_db)


def _portal_hosts(specs: list[SiteSpec], options: InspectOptions) -> dict[str, str]:
    """region → its portal's host, for the department-domain rule (a full inspection's only)."""
    if options.checks == "links":
        return {}
    from govinspect.sitechecks.probe import portal_hosts

    return portal_hosts(specs)


async def _start_worker(options: InspectOptions) -> AnalysisWorker | None:
    """The analysis worker process, when wanted and possible (else the crawl stays in-process)."""
    wanted = options.analysis_worker
    if wanted is None:
        wanted = (os.cpu_count() or 1) >= 2
    if not wanted:
        return None
    worker = AnalysisWorker(full=options.checks == "all")
    try:
        await worker.start()
    except OSError:
        return None
    return worker


async def _run_sites(
    specs: list[SiteSpec], options: InspectOptions, progress: Progress, profile: Profile,
    keys: list[str], results: list[SiteResult | None], worker: AnalysisWorker | None,
    availability: AvailabilityReader | None = None,
) -> None:
    async with _fetcher_for(options) as fetcher:
        ctx = RunContext(
            fetcher, Politeness(options.politeness, options.limiter), options.crawl, worker=worker,  # type: ignore[arg-type]
            as_of=options.as_of.date(),
        )
        sem = asyncio.Semaphore(max(1, options.parallel_sites))
        portals = _portal_hosts(specs, options)

        async def one(i: int) -> None:
            async with sem:
                progress.site_started(keys[i], specs[i])
                res = await inspect_site(
                    ctx, specs[i], keys[i], options, profile, progress,
                    portal_host=portals.get(specs[i].region or ""),
                )
                if availability is not None and not specs[i].input_error:
                    _add_availability(res, availability, options, profile)
                results[i] = res
                if options.out_dir is not None:
                    _write_site_partial(options.out_dir / "sites" / f"{keys[i]}.json", res)
                progress.site_done(keys[i], res)

        await asyncio.gather(*(one(i) for i in range(len(specs))))


async def inspect_one(
    spec: SiteSpec, key: str, options: InspectOptions, *, portal_host: str | None = None,
    progress: Progress | None = None,
) -> SiteResult:
    """Inspect one site of a larger run on its own (a distributed campaign's task).

    The same steps as one site of `inspect_sites`: `portal_host` is what `portal_hosts` gives
    for the site's region over the whole campaign, since this run sees one site only. The
    evidence is written under `options.out_dir/evidence/<key>.*`; nothing else is written.
    """
    progress = progress or Progress()
    profile = load_profile(options.profile)
    availability = _availability_reader(options)
    worker = await _start_worker(options)
    try:
        async with _fetcher_for(options) as fetcher:
            ctx = RunContext(
                fetcher, Politeness(options.politeness, options.limiter), options.crawl, worker=worker,  # type: ignore[arg-type]
                as_of=options.as_of.date(),
            )
            progress.site_started(key, spec)
            result = await inspect_site(ctx, spec, key, options, profile, progress, portal_host=portal_host)
            if availability is not None and not spec.input_error:
                _add_availability(result, availability, options, profile)
            progress.site_done(key, result)
            return result
    finally:
        if worker is not None:
            await worker.stop()
        if availability is not None:
            availability.close()


def _fetcher_for(options: InspectOptions) -> Any:
    """The network, or the stored captures of an earlier run when replaying."""
    if options.replay is None:
        return Fetcher(options.fetch)
    from govinspect.capture.replay import ReplayFetcher
    from govinspect.capture.warc import CaptureReader

    readers = [
        CaptureReader(index.parent, index.name.removesuffix(".index.jsonl"))
        for index in sorted((options.replay / "evidence").glob("*.index.jsonl"))
    ]
    return ReplayFetcher(readers)


def _write_site_partial(path: Path, site: SiteResult) -> None:
    """Write one finished site at once, so a crash later in the run loses nothing of it."""
    from govinspect.report.files import write_text_atomic
    from govinspect.report.results import site_to_json

    write_text_atomic(path, json.dumps(site_to_json(site), ensure_ascii=False, indent=1))


def run_inspection(
    specs: list[SiteSpec], options: InspectOptions, progress: Progress | None = None,
    on_done: Callable[[RunResult, AnalysisWorker | None], Awaitable[None]] | None = None,
) -> RunResult:
    """Synchronous wrapper for `inspect_sites` (the CLI's entry)."""
    return run_coroutine(inspect_sites(specs, options, progress, on_done))


