"""path → Resource for every host of the province, and the link classifier built on it.

The server answers from `lookup`; the ground truth calls `classify`, which walks the very same
`lookup` answers (redirect by redirect), so what the truth says is what the server does.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from govinspect.sandbox.pagesplan import LETTER_KEYS
from govinspect.sandbox.model import Resource, SimSite
from govinspect.sandbox.sitescenarios import annual_report_links
from govinspect.sandbox.urls import join, split_path

if TYPE_CHECKING:
    from govinspect.sandbox.model import Province

MAX_REDIRECTS = 10
REPEAT_MAX = 60  # the repeating-path trap still answers this deep (a crawler must stop earlier)
ENDLESS_MAX = 100_000
_SAFE = "/:@!$&'()*+,;=-._~%"
_SID_RE = re.compile(r";jsessionid=([0-9A-Za-z]+)", re.IGNORECASE)
_DATE_RE = re.compile(r"^date=(\d{4})-(\d{2})-(\d{2})$")
_ESCAPE_RE = re.compile(r"%[0-9a-f]{2}")

PAGE = "page"


def canonical(path_qs: str) -> str:
    """Percent-encoding normalised the way truth URLs are (UTF-8, upper-case escapes)."""
    path, sep, query = path_qs.partition("?")
    path = _ESCAPE_RE.sub(lambda m: m.group(0).upper(), quote(path or "/", safe=_SAFE))
    if sep:
        query = quote(query, safe=_SAFE + "?")
        return f"{path}?{query}"
    return path


FORM_PATH = "/hdjl/write.html"  # the 我要写信 form (pages.FORM_PATH)


def build_index(site: SimSite) -> dict[str, Resource]:
    """Every path the site serves (pages, files, redirects), built once from the model."""
    fam = site.family
    plan = site.plan
    idx: dict[str, Resource] = {}

    def page(key: tuple[object, ...]) -> Resource:
        return Resource(PAGE, key)

    idx["/"] = page(("home",))
    idx[fam.sitemap_path] = page(("sitemap",))
    for path, key in fam.extra_pages(site).items():
        idx[path] = page(key)
    if site.robots_disallow():
        idx["/search/index.html"] = page(("search",))
    if any(c.key in LETTER_KEYS for c in site.leaf_columns):
        idx[FORM_PATH] = page(("form",))
    head405 = "head_not_allowed" in site.roles
    for col in site.columns:
        if not col.is_leaf:
            for path in fam.column_paths(site, col, 0):
                idx[path] = page(("channel", col.index))
            continue
        for p in range(site.list_pages(col)):
            for path in fam.column_paths(site, col, p):
                idx[path] = page(("list", col.index, p))
        for item in site.items(col):
            behaviour = plan.behaviours.get(item.path)
            idx[item.path] = Resource(PAGE, ("article", item.id), behaviour=behaviour)
            for att in item.attachments:
                if att.path not in plan.missing:
                    idx[att.path] = Resource("file", ("attachment", att.ext), head_405=head405)
            for img in item.images:
                if img not in plan.missing:
                    idx[img] = Resource("file", ("image", "jpg"))
                    hi = fam.image_2x(img)
                    if hi:
                        idx[hi] = Resource("file", ("image", "jpg"))
    for path in fam.assets.values():
        idx[path] = Resource("file", ("asset", path.rsplit(".", 1)[-1]))
    idx["/favicon.ico"] = Resource("file", ("asset", "ico"))
    for link in annual_report_links(site):
        idx[link.url[len(site.origin):]] = Resource("file", ("attachment", "pdf"), head_405=head405)
    idx["/robots.txt"] = Resource("file", ("robots",))
    for path, (status, location) in plan.redirects.items():
        idx[path] = Resource("redirect", status=status, location=location)
    return idx


def lookup(site: SimSite, path_qs: str) -> Resource:
    """What `site` answers for `path_qs` (exact paths first, then the pattern behaviours)."""
    path_qs = canonical(path_qs)
    res = site.resources.get(path_qs)
    if res is not None:
        return res
    plan = site.plan
    path, _, query = path_qs.partition("?")
    for prefix, kind in plan.blocked_prefixes.items():
        if path.startswith(prefix):
            if kind == "always_429":
                return Resource("rate_limited", status=429)
            return Resource("challenge", status=int(kind[-3:]), challenge=kind)
    trap = _trap(site, path, query)
    if trap is not None:
        return trap
    soft = "soft_404" in site.roles
    return Resource("not_found", status=200 if soft else 404)


def _trap(site: SimSite, path: str, query: str) -> Resource | None:
    plan = site.plan
    roles = site.roles
    if "session_id" in roles and ";jsessionid=" in path.lower():
        m = _SID_RE.search(path)
        base = _SID_RE.sub("", path) + (f"?{query}" if query else "")
        inner = site.resources.get(base)
        if m and inner is not None and inner.kind == PAGE and inner.trap is None:
            return Resource(PAGE, ("session", base, m.group(1)), trap="session_id")
    if plan.repeat_dir and path.startswith(plan.repeat_dir) and path.endswith("/index.html"):
        seg = plan.repeat_dir.strip("/") + "/"
        middle = path[len(plan.repeat_dir) : -len("index.html")]
        depth = len(middle) // len(seg) if middle else 0
        if depth and middle == seg * depth and depth <= REPEAT_MAX and not query:
            return Resource(PAGE, ("repeat", depth), trap="repeating_path")
    if "calendar" in roles and path == "/calendar/":
        m = _DATE_RE.match(query)
        if m:
            try:
                day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
            if not 1900 <= day.year <= 2100:
                return None
            return Resource(PAGE, ("calendar", day.isoformat()), trap="calendar")
    if plan.endless_column is not None:
        hit = site.family.parse_list(site, path + (f"?{query}" if query else ""))
        if hit is not None:
            col_index, page_no = hit
            if col_index == plan.endless_column and site.list_pages(site.columns[col_index]) <= page_no <= ENDLESS_MAX:
                return Resource(PAGE, ("endless", col_index, page_no), trap="endless_pagination")
    return None


@dataclass(eq=False)
class AliasHost:
    """The bare domain of a portal: answers everything with a 301 to the www host."""

    hostname: str
    site: SimSite

    def lookup(self, path_qs: str) -> Resource:
        """Every path redirects to the same path on the main host."""
        return Resource("redirect", status=301, location=self.site.origin + canonical(path_qs))


@dataclass(slots=True, frozen=True)
class Outcome:
    """What a careful link checker should conclude about one URL."""

    state: str  # ok | dead | blocked
    reason: str | None  # dead: http_404 | soft_404 | dns | refused | redirect_loop …; blocked: waf_challenge | rate_limited
    status: int | None  # the last HTTP status seen (None for transport failures)
    final_url: str
    page: bool  # the final answer is a real (non-trap) HTML page of a province site
    trap: str | None
    why: tuple[str, ...]  # ok-but-hostile: redirect_ok, slow, rate_limited_then_ok, head_not_allowed

    @property
    def plain_ok(self) -> bool:
        """ok, with nothing a crawler would have to work around."""
        return self.state == "ok" and not self.why and self.trap is None


def classify(province: Province, url: str) -> Outcome:
    """Follow `url` through the province's answers, as a crawler would (cached per URL)."""
    cached = province.outcome_cache.get(url)
    if cached is not None:
        return cached
    chain = [url]
    cur = url
    out: Outcome | None = None
    for _ in range(MAX_REDIRECTS + 1):
        host, pq = split_path(cur)
        target = province.target_for(host)
        if target is None:
            out = Outcome("dead", province.dead_hosts.get(host, "dns"), None, cur, False, None, ())
            break
        res = target.lookup(pq)
        if res.kind == "redirect":
            nxt = join(cur, res.location or "/")
            if nxt in chain:
                out = Outcome("dead", "redirect_loop", res.status, nxt, False, None, ())
                break
            chain.append(nxt)
            cur = nxt
            continue
        if res.kind == "challenge":
            out = Outcome("blocked", "waf_challenge", res.status, cur, False, None, ())
        elif res.kind == "rate_limited":
            out = Outcome("blocked", "rate_limited", 429, cur, False, None, ())
        elif res.kind == "not_found":
            reason = "soft_404" if res.status == 200 else "http_404"
            out = Outcome("dead", reason, res.status, cur, False, None, ())
        else:
            why = []
            if len(chain) > 1:
                why.append("redirect_ok")
            if res.behaviour:
                why.append(res.behaviour)
            if res.head_405:
                why.append("head_not_allowed")
            is_page = res.kind == PAGE and isinstance(target, SimSite) and res.trap is None
            out = Outcome("ok", None, 200, cur, is_page, res.trap, tuple(why))
        break
    if out is None:
        out = Outcome("dead", "too_many_redirects", None, cur, False, None, ())
    if out.trap is None:  # trap URLs are endless: caching them would grow without bound
        province.outcome_cache[url] = out
    return out
