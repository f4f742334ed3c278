"""`govinspect demo`: inspect the embedded simulated province on loopback, with no network.

The province is served from memory on a free 127.0.0.1 port; every simulated host is given to
the engine as a `--resolve` entry and the run is `--offline`, so not one packet leaves the
machine. After the usual outputs, the dead links found are compared with the province's
ground truth, so a person can see at once that the numbers are right; the province's 通报
(bulletin.docx/.xlsx/.html) is written beside the other outputs.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console

from govinspect import __version__
from govinspect.crawl.crawler import CrawlConfig
from govinspect.crawl.politeness import PolitenessConfig
from govinspect.inspect import InspectOptions
from govinspect.models import RunResult, SiteResult, SiteSpec
from govinspect.net.types import DEFAULT_USER_AGENT, FetchConfig


@dataclass(frozen=True, slots=True)
class TruthScore:
    """Dead-link precision and recall of a run against the province's ground truth."""

    expected: int
    found: int
    true_positive: int
    missed: list[tuple[str, str, str]]  # (site host, scope, target)
    false: list[tuple[str, str, str]]
    blocked_reported_dead: list[tuple[str, str, str]]

    @property
    def precision(self) -> float:
        return self.true_positive / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.expected if self.expected else 1.0


def truth_by_url(truth: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The truth's sites by the address they were inspected under (the registered one: a site
    whose homepage moved is registered under its old address)."""
    return {s.get("registered_url", s["url"]): s for s in truth["sites"]}

def score_against_truth(run: RunResult, truth: dict[str, Any]) -> TruthScore:
    """Compare dead links by (site, scope, target), the identity the counting rules use."""
    expected: set[tuple[str, str, str]] = set()
    not_dead: set[tuple[str, str]] = set()
    host_by_url = {url: s["host"] for url, s in truth_by_url(truth).items()}
    for site in truth["sites"]:
        host = site["host"]
        # A target the homepage carries counts under home only (see docs/results.md).
        home_targets = {d["target"] for d in site["dead_links"] if d["scope"] == "home"}
        for d in site["dead_links"]:
            scope = "home" if d["target"] in home_targets else "other"
            expected.add((host, scope, d["target"]))
        for d in site.get("not_dead", []) + site.get("blocked", []):
            not_dead.add((host, d["target"]))
    found: set[tuple[str, str, str]] = set()
    for s in run.sites:
        host = host_by_url.get(s.spec.url) or s.spec.url.split("://", 1)[-1].split("/", 1)[0].split(":")[0]
        for d in s.dead_links:
            found.add((host, d.scope, d.target))
    tp = expected & found
    return TruthScore(
        expected=len(expected), found=len(found), true_positive=len(tp),
        missed=sorted(expected - found), false=sorted(found - expected),
        blocked_reported_dead=sorted(f for f in found if (f[0], f[2]) in not_dead),
    )


DEMO_ISSUER = "模拟省人民政府办公厅"

_COLUMN_FIELDS = ("name", "category", "first_level", "latest", "items", "state")
_HOMEPAGE_FIELDS = ("latest", "items_in_2_weeks", "navigation_only")


def _inspected_with_truth(
    run: RunResult, truth: dict[str, Any], problems: list[str]
) -> Iterator[tuple[SiteResult, dict[str, Any]]]:
    """Each inspected site with its truth entry; a site not inspected is a problem line."""
    by_url = truth_by_url(truth)
    for site in run.sites:
        expected = by_url.get(site.spec.url)
        if expected is None or site.status != "inspected":
            problems.append(f"{site.spec.url}: not inspected")
            continue
        yield site, expected


def freshness_against_truth(run: RunResult, truth: dict[str, Any]) -> tuple[int, list[str]]:
    """(columns compared, mismatches) of the run's homepage and column measures against the
    truth: every column found, none extra, each field equal (one line per difference)."""
    from govinspect.analyze.sitecolumns import column_key

    problems: list[str] = []
    compared = 0
    for site, expected in _inspected_with_truth(run, truth, problems):
        home = site.homepage or {}
        for name in _HOMEPAGE_FIELDS:
            if home.get(name) != expected["homepage"][name]:
                problems.append(f"{site.spec.url} homepage {name}: {home.get(name)!r} != {expected['homepage'][name]!r}")
        want = {column_key(c["url"]): c for c in expected["columns"]}
        got = {column_key(c["url"]): c for c in site.columns}
        for key in sorted(want.keys() - got.keys()):
            problems.append(f"{site.spec.url} column missed: {want[key]['name']} {key}")
        for key in sorted(got.keys() - want.keys()):
            problems.append(f"{site.spec.url} column extra: {got[key]['name']} {key}")
        for key in sorted(want.keys() & got.keys()):
            compared += 1
            for name in _COLUMN_FIELDS:
                if got[key][name] != want[key][name]:
                    problems.append(f"{site.spec.url} {want[key]['name']} {name}: {got[key][name]!r} != {want[key][name]!r}")
        future = sum(c["future_items"] for c in expected["columns"])
        if (site.freshness or {}).get("future_items", 0) != future:
            problems.append(f"{site.spec.url} future items: {(site.freshness or {}).get('future_items')} != {future}")
    return compared, problems


_SITECHECK_FIELDS = {
    "domain": ("suffix_ok", "portal_pattern_ok", "under_portal", "moved"),
    "https": ("status", "reason"),
    "ipv6": ("status",),
    "search": ("status",),
    "annual_report": ("status", "due_year"),
}


def sitechecks_against_truth(run: RunResult, truth: dict[str, Any]) -> tuple[int, list[str]]:
    """(facts compared, mismatches) of the domain, HTTPS, IPv6, search and annual-report facts
    against the truth (one line per difference)."""
    by_url = truth_by_url(truth)
    problems: list[str] = []
    compared = 0
    for site in run.sites:
        expected = (by_url.get(site.spec.url) or {}).get("sitechecks")
        if expected is None:
            problems.append(f"{site.spec.url}: no truth")
            continue
        for name, fields in _SITECHECK_FIELDS.items():
            got = getattr(site, name) or {}
            for fld in fields:
                compared += 1
                if got.get(fld) != expected[name][fld]:
                    problems.append(f"{site.spec.url} {name}.{fld}: {got.get(fld)!r} != {expected[name][fld]!r}")
    return compared, problems


# What identifies one integrity entry, per results.json list (the truth lists the same keys).
INTEGRITY_KEYS: dict[str, tuple[str, ...]] = {
    "text_errors": ("page", "found", "expected", "kind"),
    "illegal": ("page", "kind", "target"),
    "privacy": ("page", "kind", "masked_value"),
    "secret_marks": ("page", "mark"),
}


@dataclass(frozen=True, slots=True)
class IntegrityScore:
    """Integrity entries of a run against the truth, per results.json list."""

    expected: dict[str, int]
    found: dict[str, int]
    missed: list[str]  # one readable line per entry the run lacks
    false: list[str]  # one readable line per entry the truth lacks

    def precision(self, area: str) -> float:
        """Share of the run's entries of `area` that the truth holds."""
        wrong = sum(1 for line in self.false if line.startswith(area + " "))
        return (self.found[area] - wrong) / self.found[area] if self.found[area] else 1.0

    def recall(self, area: str) -> float:
        """Share of the truth's entries of `area` that the run found."""
        lost = sum(1 for line in self.missed if line.startswith(area + " "))
        return (self.expected[area] - lost) / self.expected[area] if self.expected[area] else 1.0


def integrity_against_truth(run: RunResult, truth: dict[str, Any]) -> IntegrityScore:
    """Compare `text_errors`, `illegal` (cloaking and tampering included), `privacy` and
    `secret_marks` of every site with the truth, entry by entry (`INTEGRITY_KEYS`)."""
    from collections import Counter

    by_url = truth_by_url(truth)
    expected: dict[str, int] = {}
    found: dict[str, int] = {}
    missed: list[str] = []
    false: list[str] = []
    for area, keys in INTEGRITY_KEYS.items():
        want: Counter[tuple[Any, ...]] = Counter()
        got: Counter[tuple[Any, ...]] = Counter()
        for site in run.sites:
            truth_site = by_url.get(site.spec.url)
            if truth_site is None:
                continue
            want.update((site.spec.url, *(e.get(k) for k in keys)) for e in truth_site.get(area, []))
            got.update((site.spec.url, *(e.get(k) for k in keys)) for e in getattr(site, area))
        expected[area], found[area] = sum(want.values()), sum(got.values())
        for entry, n in sorted((want - got).items(), key=str):
            missed += [f"{area} missed: " + " | ".join(map(str, entry[1:]))] * n
        for entry, n in sorted((got - want).items(), key=str):
            false += [f"{area} extra: " + " | ".join(map(str, entry[1:]))] * n
    return IntegrityScore(expected, found, missed, false)


def province_specs(province: Any) -> list[SiteSpec]:
    """The province's sites as registry entries (a moved site under its old address)."""
    return [
        SiteSpec(
            url=s.registered_url, site_code=s.site_code, name=s.name, organiser=s.organiser,
            region=s.region, portal=s.portal, aliases=tuple(s.aliases),
        )
        for s in province.sites
    ]


def demo_options(province: Any, port: int, out_dir: Path | None, server: Any = None) -> InspectOptions:
    """Offline options resolving every simulated host to the loopback server.

    With the server's handle (`sandbox.server.ServerHandle`) the sites' HTTPS and IPv6
    scenarios are mapped too: port 443 of an HTTPS site to the TLS listener (others to a port
    that refuses), IPv6 sites to `[::1]`, and the province's CA is trusted.
    """
    from govinspect.sandbox.truth import hosts

    public = province.public_port or 80
    resolve = {(h, public): ("127.0.0.1", port) for h in hosts(province)}
    resolve_v6: dict[tuple[str, int], tuple[str, int]] = {}
    ca_pem = None
    if server is not None and getattr(server, "tls_port", None):
        ca_pem = server.ca_pem
        for s in province.sites:
            tls_port = server.tls_port if s.https != "none" else server.closed_port
            for h in (s.host, *s.aliases, *s.old_hosts):
                resolve[(h, 443)] = ("127.0.0.1", tls_port)
            if s.ipv6 and server.v6_port:
                resolve_v6[(s.host, public)] = ("::1", server.v6_port)
    as_of = dt.datetime.combine(province.as_of, dt.time(0, 0), ZoneInfo("Asia/Shanghai"))
    return InspectOptions(
        as_of=as_of,
        now=as_of,  # the simulated province's "today" is T: later dates there are forged
        out_dir=out_dir,
        fetch=FetchConfig(
            timeout=15.0, resolve=resolve, offline=True, resolve_v6=resolve_v6, ca_pem=ca_pem,
            user_agent=DEFAULT_USER_AGENT.format(version=__version__),
        ),
        # Our own server on loopback: no need for the gentle defaults real sites get.
        politeness=PolitenessConfig(per_host=8, delay=0.0, per_ip=64),
        crawl=CrawlConfig(retry_delay=0.2, confirm_delay=0.5),
        parallel_sites=16,
    )


def run_demo(*, out: Path | None, n_sites: int, seed: int, json_out: str | None, quiet: bool) -> int:
    """Serve the province, inspect it, write the outputs, print the summary and truth check."""
    from govinspect.cli import default_out_dir
    from govinspect.runner import execute
    from govinspect.sandbox.build import build_province
    from govinspect.sandbox.server import run_in_thread
    from govinspect.sandbox.truth import truth

    out_dir = out or default_out_dir("demo-")
    province = build_province(seed=seed, n_sites=n_sites)
    console = Console(stderr=True)
    if not quiet:
        console.print(
            f"模拟省：{len(province.sites)} 个网站（种子 {seed}），监测时间点 {province.as_of}", soft_wrap=True
        )
    with run_in_thread(province) as server:
        specs = province_specs(province)
        options = demo_options(province, server.port, out_dir, server=server.handle)
        code, run = execute(specs, options, out_dir, json_out=json_out, quiet=quiet)
    bulletin = _write_bulletin(run, out_dir, province.as_of)
    expected = truth(province)
    score = score_against_truth(run, expected)
    compared, column_problems = freshness_against_truth(run, expected)
    site_compared, site_problems = sitechecks_against_truth(run, expected)
    parts_compared, parts_problems = pages_against_truth(run, expected)
    integrity = integrity_against_truth(run, expected)
    (out_dir / "truth-check.json").write_text(
        json.dumps(
            {"expected": score.expected, "found": score.found, "true_positive": score.true_positive,
             "precision": score.precision, "recall": score.recall, "missed": score.missed,
             "false": score.false, "blocked_reported_dead": score.blocked_reported_dead,
             "columns_compared": compared, "freshness_mismatches": column_problems,
             "sitechecks_compared": site_compared, "sitechecks_mismatches": site_problems,
             "letters_guides_compared": parts_compared, "pages_mismatches": parts_problems,
             "integrity": {
                 area: {"expected": integrity.expected[area], "found": integrity.found[area],
                        "precision": integrity.precision(area), "recall": integrity.recall(area)}
                 for area in INTEGRITY_KEYS
             },
             "integrity_missed": integrity.missed, "integrity_false": integrity.false},
            ensure_ascii=False, indent=2,
        ),
        encoding="utf-8",
    )
    if not quiet:
        console.print(
            f"与标准答案对比：应有死链 {score.expected} 条，检出 {score.found} 条，"
            f"精确率 {score.precision:.3f}，召回率 {score.recall:.3f}；"
            f"受限/慢速链接误报为死链 {len(score.blocked_reported_dead)} 条",
            soft_wrap=True,
        )
        console.print(
            f"栏目与首页更新：对比栏目 {compared} 个，与标准答案不一致 {len(column_problems)} 处",
            soft_wrap=True,
        )
        console.print(
            f"域名、HTTPS、IPv6、站内搜索、年度报表：对比 {site_compared} 项，与标准答案不一致 {len(site_problems)} 处",
            soft_wrap=True,
        )
        console.print(
            f"信件、办事指南、页面底部与元数据：对比 {parts_compared} 条，与标准答案不一致 {len(parts_problems)} 处",
            soft_wrap=True,
        )
        expected_n, found_n = sum(integrity.expected.values()), sum(integrity.found.values())
        console.print(
            f"内容安全（严重表述错误、违法违规内容与暗链、个人信息、密级标志）：应有 {expected_n} 处，"
            f"检出 {found_n} 处，漏检 {len(integrity.missed)} 处，误报 {len(integrity.false)} 处",
            soft_wrap=True,
        )
        console.print(f"通报已写入 {', '.join(str(p) for p in bulletin)}", soft_wrap=True)
    return code


def _write_bulletin(run: RunResult, out_dir: Path, day: dt.date) -> list[Path]:
    """The province's 通报 (bulletin.docx/.xlsx/.html), dated T so the demo's output is reproducible."""
    from govinspect.campaign.report import report_run
    from govinspect.report.bulletin.text import load_template

    template = load_template()
    template["issuer"] = DEMO_ISSUER
    return report_run(run, out_dir, template, date=day)


_FOOTER_FIELDS = ("site_code", "icp", "psb", "conac", "zhaocuo", "zhaocuo_site_code", "organiser", "contact", "sitemap")
_PAGES_VETOES = ("veto.interaction.unanswered_3m", "veto.interaction.no_channel", "veto.service.guide_elements")


def pages_against_truth(run: RunResult, truth: dict[str, Any]) -> tuple[int, list[str]]:
    """(letters and guides compared, mismatches) of the run's letters, guides, footer, page
    metadata and interaction/service vetoes against the truth (one line per difference)."""
    problems: list[str] = []
    compared = 0
    for site, expected in _inspected_with_truth(run, truth, problems):
        want = expected["page_parts"]
        got_letters = {r["url"]: r for r in site.letters}
        for row in want["letters"]:
            got = got_letters.pop(row["url"], None)
            if got is None:
                problems.append(f"{site.spec.url} letter missed: {row['url']}")
                continue
            compared += 1
            for name in ("asked", "answered", "status", "unanswered_over_3_months"):
                if got[name] != row[name]:
                    problems.append(f"{site.spec.url} letter {row['url']} {name}: {got[name]!r} != {row[name]!r}")
        problems += [f"{site.spec.url} letter extra: {u}" for u in got_letters]
        got_guides = {g["url"]: g for g in site.guides}
        for row in want["guides"]:
            got = got_guides.pop(row["url"], None)
            if got is None:
                problems.append(f"{site.spec.url} guide missed: {row['url']}")
                continue
            compared += 1
            for name in ("title", "missing"):
                if got[name] != row[name]:
                    problems.append(f"{site.spec.url} guide {row['url']} {name}: {got[name]!r} != {row[name]!r}")
        problems += [f"{site.spec.url} guide extra: {u}" for u in got_guides]
        footer = site.footer or {}
        for name in _FOOTER_FIELDS:
            if footer.get(name) != want["footer"][name]:
                problems.append(f"{site.spec.url} footer {name}: {footer.get(name)!r} != {want['footer'][name]!r}")
        if footer.get("site_code_mismatch") != want["site_code_mismatch"]:
            problems.append(f"{site.spec.url} site code mismatch: {footer.get('site_code_mismatch')!r} != {want['site_code_mismatch']!r}")
        meta = (footer.get("page_meta") or {}).get("present") or {}
        if bool(meta.get("SiteIDCode")) != want["page_meta"] or (want["page_meta"] and not meta.get("ArticleTitle")):
            problems.append(f"{site.spec.url} page metadata present: {sorted(meta)} (expected {want['page_meta']})")
        vetoes = sorted(v for v in site.vetoes if v in _PAGES_VETOES)
        if vetoes != want["vetoes"]:
            problems.append(f"{site.spec.url} interaction/service vetoes: {vetoes} != {want['vetoes']}")
    return compared, problems
