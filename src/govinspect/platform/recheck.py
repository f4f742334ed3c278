"""Re-checking a work order's problem once the owner says it is fixed.

Dead links: each dead target is fetched again through the engine's `Fetcher`, with its SSRF
guard on unless an administrator allowed private addresses for the site. Anything else: the
site is inspected again with `inspect_sites` and the indicator looked for.

The verdict is "fixed", "still" or "unknown"; only plain answers decide (a WAF challenge, a
rate limit, a refused internal address or an unreachable site are "unknown" and go back to a
person, never close or reopen an order). A target that answers 200 with a page reading "页面不存在"
(a soft 404, as many government CMSs answer for a deleted page) is not fixed either: it goes back
to a person, since only the engine's comparison with the host's answer to a URL that cannot exist
could tell a soft 404 from a page that merely mentions the words.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from govinspect.crawl.pageanalysis import not_found_text
from govinspect.eventloop import run as run_coroutine
from govinspect.net import FetchConfig, Fetcher
from govinspect.net.decoding import decode_body
from govinspect.platform.jobs import handler

MAX_TARGETS = 50  # a finding lists at most this many dead links to fetch again
_LINK_INDICATORS = ("deduct.design.links_home_dead", "deduct.design.links_other_dead")
_STILL_DEAD = {"dns", "refused", "tls", "redirect_loop", "too_many_redirects"}
_UNKNOWN_STATUS = {401, 403, 412, 429, 521}  # refusals of a robot, not answers about the page


def fetch_config(site: Any) -> FetchConfig:
    """How re-checks of `site` may fetch: the guard stays on unless allowed for this site."""
    from govinspect.cli import parse_resolve

    entries = [e.strip() for e in settings.GOVINSPECT_RESOLVE.split(",") if e.strip()]
    return FetchConfig(allow_private=site.allow_private, resolve=parse_resolve(entries) if entries else {})


def judge_link(outcome: str, status: int | None) -> str:
    """fixed / still / unknown for one re-fetched target."""
    if outcome in ("ok", "truncated"):
        if status is not None and status < 400:
            return "fixed"
        if status in _UNKNOWN_STATUS:
            return "unknown"
        return "still"
    return "still" if outcome in _STILL_DEAD else "unknown"


async def _fetch_all(targets: list[str], config: FetchConfig) -> list[tuple[str, str, str]]:
    out = []
    async with Fetcher(config) as fetcher:
        for url in targets[:MAX_TARGETS]:
            res = await fetcher.fetch(url, max_body=64 * 1024)
            verdict = judge_link(res.outcome, res.status)
            seen = f"HTTP {res.status}" if res.responded else (res.detail or res.outcome)
            if verdict == "fixed" and res.body and _reads_not_found(res.body, res.header("content-type")):
                verdict = "unknown"
                seen += "，但页面内容显示“页面不存在”或类似提示，疑似软404"
            if res.outcome == "blocked_private":
                seen = "目标为内网或本机地址，按安全规则拒绝访问"
            out.append((url, verdict, seen))
    return out


def _reads_not_found(body: bytes, content_type: str | None) -> bool:
    """Whether a page that answered 200 reads like "page not found"."""
    if content_type and "html" not in content_type.lower() and "text" not in content_type.lower():
        return False  # an attachment (PDF, DOCX …) is what was asked for
    text, _ = decode_body(body, content_type)
    return not_found_text(text) is not None


def recheck_links(targets: list[str], config: FetchConfig) -> tuple[str, str]:
    """(verdict, note) for a dead-link finding: fixed only when every target now answers."""
    if not targets:
        return "unknown", "问题中没有可复查的链接"
    results = run_coroutine(_fetch_all(targets, config))
    verdicts = {v for _, v, _ in results}
    lines = [f"{url}：{seen}" for url, _, seen in results]
    if verdicts == {"fixed"} and len(targets) <= MAX_TARGETS:
        return "fixed", "复查通过，链接均可正常访问。\n" + "\n".join(lines)
    if "still" in verdicts:
        still = [f"{url}：{seen}" for url, v, seen in results if v == "still"]
        return "still", f"复查未通过，仍有{len(still)}条链接无法访问：\n" + "\n".join(still)
    return "unknown", "无法确认整改结果，请人工核实：\n" + "\n".join(lines)


def recheck_site(site: Any, indicator: str, config: FetchConfig) -> tuple[str, str]:
    """(verdict, note) by inspecting the site again and looking for the indicator."""
    from govinspect.inspect import InspectOptions, inspect_sites
    from govinspect.models import SiteSpec

    spec = SiteSpec(url=site.url, site_code=site.site_code, name=site.name, region=site.region.full_name,
                    portal=site.portal, aliases=tuple(site.alias_list))
    options = InspectOptions(as_of=dt.datetime.now(ZoneInfo("Asia/Shanghai")).replace(microsecond=0),
                             fetch=config, capture=False, analysis_worker=False, parallel_sites=1)
    run = run_coroutine(inspect_sites([spec], options))
    result = run.sites[0]
    if result.status != "inspected":
        return "unknown", f"复查时网站无法检查：{result.error or '原因不明'}"
    if result.pages == 0:  # nothing was read, so nothing can be said to be gone
        return "unknown", "复查时未能读取任何页面，请人工核实"
    found = [f for f in result.findings if f.indicator == indicator]
    if found:
        return "still", f"复查未通过：{found[0].message}"
    return "fixed", f"复查通过：本次检查（{result.pages}个页面）未再发现该问题。"


@handler("recheck")
def run_recheck(params: dict[str, Any]) -> dict[str, Any]:
    """The job: re-check one work order and move it on."""
    from govinspect.platform.orders.actions import apply_recheck
    from govinspect.platform.orders.models import WorkOrder

    order = WorkOrder.objects.select_related("finding", "site__region").get(pk=params["workorder"])
    if order.state != "rechecking":
        return {"skipped": f"state {order.state}"}
    config = fetch_config(order.site)
    if order.finding.indicator in _LINK_INDICATORS:
        verdict, note = recheck_links([str(t) for t in order.finding.targets], config)
    else:
        verdict, note = recheck_site(order.site, order.finding.indicator, config)
    apply_recheck(order, verdict, note)
    return {"verdict": verdict}
