"""Plain data passed between the stages of the engine.

site ──crawl──▶ Capture ──analyse──▶ SiteModel ──check──▶ Findings ──score──▶ Verdict ──report──▶ 通报

Every stage takes and returns these dataclasses (or lists of them), so a stage can be re-run
on stored output. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

LinkScope = Literal["home", "other"]
LinkKind = Literal["page", "attachment", "image", "external"]
LinkVerdict = Literal["ok", "dead", "blocked", "unchecked"]


@dataclass(slots=True)
class SiteSpec:
    """One site to inspect, as given on the command line or in a registry file."""

    url: str
    site_code: str | None = None
    name: str | None = None
    organiser: str | None = None
    region: str | None = None
    portal: bool | None = None
    # Whether the site offers 办事服务 (None: assumed yes). A site without services is scored
    # on the national 75 × 4/3 rule (docs/scoring.md).
    services: bool | None = None
    # Other hosts that belong to the same site (e.g. the bare domain next to www.).
    aliases: tuple[str, ...] = ()
    # Registry overrides of column categories: (column name or URL, category).
    column_overrides: tuple[tuple[str, str], ...] = ()
    # Set when the input row itself is unusable; the site is then reported as an error.
    input_error: str | None = None


@dataclass(slots=True)
class Evidence:
    """Where a person can see a finding for themselves."""

    url: str
    detail: str
    seen_at: str | None = None  # ISO 8601, when the evidence was fetched


@dataclass(slots=True)
class DeadLink:
    """A link that does not work, counted once per (scope, target)."""

    source: str
    target: str
    status: int | None
    reason: str  # http_404, dns, refused, timeout, tls, redirect_loop, soft_404, ...
    scope: LinkScope
    kind: LinkKind
    detail: str = ""
    final_url: str | None = None
    checked_at: str | None = None
    # Further pages that carry the same dead target (first one is `source`); capped.
    sources: list[str] = field(default_factory=list)
    source_count: int = 1
    anchor: str = ""


@dataclass(slots=True)
class BlockedLink:
    """A link we could not judge because the server refused a robot (never counted as dead)."""

    source: str
    target: str
    status: int | None
    reason: str  # waf_challenge, rate_limited, host_paused, robots, ...
    detail: str = ""
    checked_at: str | None = None
    kind: LinkKind = "page"


@dataclass(slots=True)
class Finding:
    """One indicator's measured problem, with its price under the profile and evidence."""

    indicator: str
    veto: bool
    points: float
    measure: dict[str, Any]
    message: str
    evidence: list[Evidence] = field(default_factory=list)
    # Stable within a run (scoring.review.finding_id): what an inspector's decision refers to.
    id: str = ""
    # The inspector's decision: {"decision": "confirmed" | "dismissed" | "unreviewed", "reason", "reviewer"}.
    review: dict[str, str] | None = None


@dataclass(slots=True)
class SiteResult:
    """Everything known about one site after an inspection; serialised as SITE in results.json."""

    spec: SiteSpec
    status: Literal["inspected", "error"] = "inspected"
    error: str | None = None
    verdict: Literal["pass", "fail"] | None = None
    score: float | None = None
    vetoes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    pages: int = 0
    links_checked: int = 0
    seconds: float = 0.0
    dead_links: list[DeadLink] = field(default_factory=list)
    blocked_links: list[BlockedLink] = field(default_factory=list)
    homepage: dict[str, Any] | None = None
    columns: list[dict[str, Any]] = field(default_factory=list)
    # The counts behind the freshness vetoes (checks.freshness.freshness_counts).
    freshness: dict[str, int] | None = None
    footer: dict[str, Any] | None = None
    text_errors: list[dict[str, Any]] = field(default_factory=list)
    illegal: list[dict[str, Any]] = field(default_factory=list)
    letters: list[dict[str, Any]] = field(default_factory=list)
    guides: list[dict[str, Any]] = field(default_factory=list)
    privacy: list[dict[str, Any]] = field(default_factory=list)
    # Classification marks (秘密★ …) in pages and attachments (analyze/secrets.py).
    secret_marks: list[dict[str, Any]] = field(default_factory=list)
    # The homepage's fingerprint (analyze/tampering.py), compared by the next inspection.
    homepage_fingerprint: dict[str, Any] | None = None
    availability: dict[str, Any] | None = None
    # Site-level facts (src/govinspect/sitechecks/): address, HTTPS, IPv6, search, annual report.
    domain: dict[str, Any] | None = None
    https: dict[str, Any] | None = None
    ipv6: dict[str, Any] | None = None
    search: dict[str, Any] | None = None
    annual_report: dict[str, Any] | None = None
    # Measures the checks actually took (schema.MEASURES names, e.g. "letters"): an indicator
    # whose measure is neither here nor inferable is reported as not checked, never as passed.
    measured: list[str] = field(default_factory=list)
    # Indicator ids of the profile that could not be checked on this site (docs/scoring.md).
    not_checked: list[str] = field(default_factory=list)
    # How the score was reached (scoring.Score.details()): part 2, bonus, caps, pass line …
    scoring: dict[str, Any] | None = None
    # Findings an inspector dismissed (with the reason in each one's `review`); never scored.
    dismissed: list[Finding] = field(default_factory=list)
    # Slash-path counters (fetch/status/404, retry/reason/timeout, trap/calendar, ...).
    counters: dict[str, int] = field(default_factory=dict)
    # Things the crawl skipped or gave up on, each with a reason (limits, traps, robots).
    notes: list[str] = field(default_factory=list)
    capture: dict[str, str] | None = None  # paths of the WARC and its index, relative to --out
    # What was inspected: "all" (every check of the profile) or "links" (dead links only, a
    # quick sweep: no verdict, every other indicator not checked). See CHECK_SCOPES.
    checks: str = "all"


# `govinspect inspect --checks`: the whole inspection, or the dead-link sweep alone.
CHECK_SCOPES = ("all", "links")


@dataclass(slots=True)
class RunResult:
    """One run of `govinspect inspect` over one or more sites."""

    version: str
    as_of: str  # ISO 8601 with +08:00
    profile: str
    sites: list[SiteResult] = field(default_factory=list)
    # The profile as given (a shipped name or a file path), so a re-score can load it again.
    profile_source: str | None = None
    # The last review applied by `govinspect rescore` (file, counts), None before any.
    review: dict[str, Any] | None = None
