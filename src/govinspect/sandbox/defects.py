"""The catalogue of seeded defects and hostile behaviours, and the planner that seeds them.

A plan only *decides* (which link goes on which page, which file is missing, which path
redirects where); the router serves the decision and the truth classifies it, both from the
same plan, so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from govinspect.sandbox.content import item_id
from govinspect.sandbox.external import (
    DEAD_HOSTS,
    GOV_MISSING_PAGES,
    GOV_REDIRECT_PATH,
    WAF_HOSTS,
)
from govinspect.sandbox.model import Item, Link, PageKey

if TYPE_CHECKING:
    from govinspect.sandbox.model import Column, SimSite

# -- the catalogue --------------------------------------------------------------------------

DEAD_KINDS: dict[str, str] = {
    "dead_page": "internal link to an article that does not exist (404)",
    "missing_attachment": "attachment link (.pdf .doc .xls …) whose file is gone (404)",
    "missing_image": "<img src> whose file is gone (404)",
    "dead_external_dns": "link to an outside host that no longer exists (DNS failure)",
    "external_404": "link to a missing page of a live outside host (404)",
    "dead_friend_link": "友情链接 in every page's footer to an abolished host (DNS failure)",
    "redirect_to_404": "internal link redirected 301 → 302 → 404",
    "redirect_loop": "internal link redirected A → B → A",
    "soft_404": "missing page on a site that answers unknown URLs with HTTP 200 页面不存在",
}
NOT_DEAD_KINDS: dict[str, str] = {
    "waf_412": "Ruishu-style HTTP 412 JavaScript cookie challenge (blocked, never dead)",
    "waf_403": "HTTP 403 with a JavaScript cookie challenge (blocked, never dead)",
    "waf_521": "加速乐-style HTTP 521 with document.cookie (blocked, never dead)",
    "rate_limited": "always HTTP 429 with Retry-After: 1 (blocked, never dead)",
    "rate_limited_then_ok": "HTTP 429 with Retry-After: 1 twice, then 200 (ok)",
    "slow": "answers after slow_timeout_seconds (ok)",
    "head_not_allowed": "attachments answer 405 to HEAD and 200 to GET (ok)",
    "redirect_ok": "internal link redirected 301 → 302 → 200 (ok)",
    "external_redirect_ok": "outside link redirected 301 → 200 (ok)",
}
TRAP_KINDS: dict[str, str] = {
    "calendar": "infinite calendar /calendar/?date=… with prev/next day and month",
    "session_id": ";jsessionid= variants of normal pages, a new id on every hop",
    "repeating_path": "relative-link bug: href=\"xxgk/index.html\" inside /xxgk/ → /xxgk/xxgk/…",
    "endless_pagination": "list pagination whose 下一页 never ends",
}
SITE_KINDS: dict[str, str] = {
    "robots_disallow": "robots.txt disallows /search/ (nothing defective under it)",
    "gbk_no_charset": "GBK pages with no charset declared anywhere",
    "misdeclared_charset": "pages declare gb2312 but are UTF-8",
}

# Per site index (mod 12): (template, encoding style, roles). A 12-site province therefore
# holds every kind at least once; larger provinces repeat the pattern.
ROLE_TABLE: list[tuple[str, str, tuple[str, ...]]] = [
    ("trs", "gbk", ("repeating_path", "dead_friend_link", "redirect_ok", "external_redirect_ok", "home_dead_page")),
    ("hanweb", "utf-8", ("rate_limited", "rate_limited_then_ok", "home_missing_image")),
    ("generic", "utf-8", ("session_id", "endless_pagination", "slow", "external_404")),
    ("hanweb", "utf-8", ("head_not_allowed", "dead_external_dns")),
    ("generic", "misdeclared", ("misdeclared_charset", "waf_paths", "waf_external")),
    ("asp", "gbk_none", ("gbk_no_charset", "calendar", "home_dead_page")),
    ("trs", "gbk", ("soft_404", "home_missing_image")),
    ("hanweb", "utf-8", ("robots_disallow",)),
    ("trs", "gbk", ("redirect_loop", "redirect_to_404", "external_404")),
    ("generic", "utf-8", ()),
    ("asp", "gbk_none", ("gbk_no_charset",)),
    ("trs", "gbk", ()),
]


@dataclass
class DefectPlan:
    """What is wrong with one site, decided once and read by the router, pages and truth."""

    injections: dict[PageKey, list[Link]] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)  # paths of files that are not served
    redirects: dict[str, tuple[int, str]] = field(default_factory=dict)  # path → (status, Location)
    behaviours: dict[str, str] = field(default_factory=dict)  # path → slow | rate_limited_then_ok
    blocked_prefixes: dict[str, str] = field(default_factory=dict)  # prefix → challenge kind
    endless_column: int | None = None
    repeat_dir: str | None = None
    friend_dead: Link | None = None
    seeded: list[tuple[str, str]] = field(default_factory=list)  # (kind, target URL)

    def inject(self, key: PageKey, link: Link, kind: str) -> None:
        """Put `link` on the page `key` and remember what it was meant to be."""
        self.injections.setdefault(key, []).append(link)
        self.seeded.append((kind, link.url))

    def labels(self) -> dict[str, str]:
        """target URL → seeded kind (first one wins)."""
        out: dict[str, str] = {}
        for kind, url in self.seeded:
            out.setdefault(url, kind)
        return out


def missing_article_url(site: SimSite, column: Column, k: int, rng: random.Random) -> str:
    """URL of a plausible article of `column` that does not exist (deleted or never was)."""
    items = site.items(column)
    oldest = items[-1].published if items else dt.datetime.combine(site.province.as_of, dt.time(9))
    when = oldest - dt.timedelta(days=rng.randint(30, 400), minutes=rng.randint(0, 600))
    ghost = Item(item_id(site, column, column.n_items + 11 + k), column, column.n_items + 11 + k, "", when, "")
    return site.url(site.family.article_path(site, ghost))


def home_pictures(site: SimSite) -> list[Item]:
    """The items shown with a picture in the homepage's 图片新闻 block (shared with pages)."""
    out: list[Item] = []
    if site.home_nav_only:
        return out
    cols = sorted(site.leaf_columns, key=lambda c: (not c.images, c.category != "news", c.index))
    for col in cols:
        for it in site.items(col):
            if it.images:
                out.append(it)
                if len(out) == 4:
                    return out
    return out


@dataclass
class _Ctx:
    """What the planting steps share."""

    site: SimSite
    rng: random.Random
    plan: DefectPlan
    leaves: list[Column]
    hosts: list[Item]  # items that may carry planted links (not the behaviour pages)
    scale: int

    def article_key(self) -> PageKey:
        return ("article", self.rng.choice(self.hosts).id)


def plan_defects(site: SimSite) -> DefectPlan:
    """Seed this site's defects deterministically from (seed, site index)."""
    rng = random.Random(f"{site.seed_key}:defects")
    plan = DefectPlan()
    leaves = [c for c in site.leaf_columns if c.n_items]
    items = [it for c in leaves for it in site.items(c)]
    # Behaviour pages are chosen first so that no defect is planted on them: a crawler must
    # be able to see every defect without having to win a retry race.
    reserved: set[int] = set()
    if site.province.mode == "live":
        for role in ("rate_limited_then_ok", "slow"):
            if role in site.roles and items:
                it = _pick_listed(rng, site, leaves, reserved)
                plan.behaviours[it.path] = role
                plan.seeded.append((role, site.url(it.path)))
                reserved.add(it.id)
    hosts = [it for it in items if it.id not in reserved] or items
    if not hosts:
        return plan
    ctx = _Ctx(site, rng, plan, leaves, hosts, max(1, len(items) // 300) if site.big else 1)
    _plant_dead(ctx)
    if site.province.mode == "static":
        return plan  # nginx serves files only: no redirects, challenges or traps
    _plant_redirects(ctx)
    _plant_blocked(ctx)
    _plant_traps(ctx)
    return plan


def _plant_dead(ctx: _Ctx) -> None:
    """Dead links: deleted articles, missing files, gone hosts, missing outside pages."""
    site, rng, plan, prov = ctx.site, ctx.rng, ctx.plan, ctx.site.province
    roles = site.roles
    for k in range((1 + (rng.random() < 0.5)) * ctx.scale):
        col = rng.choice(ctx.leaves)
        home = k == 0 and ("home_dead_page" in roles or rng.random() < 0.25)
        key: PageKey = ("home",) if home else ctx.article_key()
        plan.inject(key, Link(missing_article_url(site, col, k, rng), f"{col.name}：历史文件"), "dead_page")

    with_att = [it for it in ctx.hosts if it.attachments]
    rng.shuffle(with_att)
    for it in with_att[: (1 + (rng.random() < 0.4)) * ctx.scale]:
        att = rng.choice(it.attachments)
        plan.missing.add(att.path)
        plan.seeded.append(("missing_attachment", site.url(att.path)))

    # missing pictures: on the homepage (via 图片新闻) for some sites, else inside an article
    pics = home_pictures(site)
    with_img = [it for it in ctx.hosts if it.images]
    n_img = ctx.scale if (rng.random() < 0.6 or "home_missing_image" in roles) else 0
    for k in range(n_img):
        if k == 0 and "home_missing_image" in roles and pics:
            it = pics[0]
        elif with_img:
            it = rng.choice(with_img)
        else:
            break
        plan.missing.add(it.images[0])
        plan.seeded.append(("missing_image", site.url(it.images[0])))
        twin = site.family.image_2x(it.images[0])
        if twin is not None:  # the srcset 2x picture went with it
            plan.seeded.append(("missing_image", site.url(twin)))

    if rng.random() < 0.7 or "dead_external_dns" in roles:
        for _ in range(ctx.scale):
            host = rng.choice(DEAD_HOSTS)
            path = rng.choice(["/", "/index.html", f"/art/{rng.randint(2015, 2019)}/{rng.randint(1, 12)}/1/art_{rng.randint(100, 999)}_{rng.randint(10000, 99999)}.html"])
            key = ("home",) if rng.random() < 0.3 else ctx.article_key()
            plan.inject(key, Link(prov.ext_url(host, path), "原机构网站"), "dead_external_dns")

    if rng.random() < 0.4 or "external_404" in roles:
        for _ in range(ctx.scale):
            path = rng.choice(GOV_MISSING_PAGES)
            plan.inject(ctx.article_key(), Link(prov.ext_url("www.gov.cn", path), "国务院文件"), "external_404")

    if "dead_friend_link" in roles:
        plan.friend_dead = Link(prov.ext_url(DEAD_HOSTS[0], "/"), f"{site.area_name}机构编制网")
        plan.seeded.append(("dead_friend_link", plan.friend_dead.url))


def _plant_redirects(ctx: _Ctx) -> None:
    """Redirect chains ending in 200 and in 404, and a redirect loop."""
    site, rng, plan = ctx.site, ctx.rng, ctx.plan
    roles = site.roles
    if "redirect_ok" in roles:
        col = ctx.leaves[0]
        plan.redirects[f"/old/{col.key}/index.htm"] = (301, site.url(f"/old2/{col.key}/"))
        plan.redirects[f"/old2/{col.key}/"] = (302, site.family.column_path(site, col, 0))  # relative, as IIS writes
        plan.inject(("home",), Link(site.url(f"/old/{col.key}/index.htm"), f"原{col.name}"), "redirect_ok")
    if "external_redirect_ok" in roles:
        url = site.province.ext_url("www.gov.cn", GOV_REDIRECT_PATH)
        plan.inject(("home",), Link(url, "国务院政策文件库"), "external_redirect_ok")
    if "redirect_to_404" in roles:
        ghost = missing_article_url(site, ctx.leaves[-1], 5, rng)
        ident = rng.randint(1000, 9999)
        plan.redirects[f"/old/art/{ident}.html"] = (301, site.url(f"/zwgk/old/{ident}.html"))
        plan.redirects[f"/zwgk/old/{ident}.html"] = (302, ghost)
        plan.inject(ctx.article_key(), Link(site.url(f"/old/art/{ident}.html"), "原文链接"), "redirect_to_404")
    if "redirect_loop" in roles:
        plan.redirects["/user/login.html"] = (302, site.url("/user/auth.html"))
        plan.redirects["/user/auth.html"] = (302, "/user/login.html")
        plan.inject(("home",), Link(site.url("/user/login.html"), "用户登录"), "redirect_loop")


def _plant_blocked(ctx: _Ctx) -> None:
    """Links a robot cannot judge: WAF challenges and rate limits (never dead)."""
    site, plan = ctx.site, ctx.plan
    roles = site.roles
    if "rate_limited" in roles:
        plan.blocked_prefixes["/ggzy/"] = "always_429"
        plan.inject(("home",), Link(site.url("/ggzy/index.html"), "公共资源交易"), "rate_limited")
    if "waf_paths" in roles:
        plan.blocked_prefixes["/interact/"] = "ruishu_412"
        plan.blocked_prefixes["/zwfw/"] = "js_403"
        plan.blocked_prefixes["/bsdt/"] = "jsl_521"
        plan.inject(("home",), Link(site.url("/interact/survey.jsp?id=3"), "网上调查"), "waf_412")
        plan.inject(("home",), Link(site.url("/zwfw/index.html"), "政务服务"), "waf_403")
        plan.inject(ctx.article_key(), Link(site.url("/bsdt/index.html"), "办事大厅"), "waf_521")
        plan.inject(ctx.article_key(), Link(site.url("/interact/survey.jsp?id=7"), "意见征集"), "waf_412")
    if "waf_external" in roles or ctx.rng.random() < 0.25:
        for host, kind in WAF_HOSTS:
            key = ("home",) if "waf_external" in roles and kind == "waf_412" else ctx.article_key()
            plan.inject(key, Link(site.province.ext_url(host, "/"), "政务服务网"), kind)
            if "waf_external" not in roles:
                break


def _plant_traps(ctx: _Ctx) -> None:
    """Entrances to the crawler traps (the trap pages themselves are served by the router)."""
    site, plan, fam = ctx.site, ctx.plan, ctx.site.family
    roles = site.roles
    if "calendar" in roles:
        url = site.url(f"/calendar/?date={site.province.as_of:%Y-%m-%d}")
        plan.inject(("home",), Link(url, "领导活动安排"), "calendar")
    news = next((c for c in ctx.leaves if c.category == "news" and site.list_pages(c) >= 2), None)
    if "session_id" in roles and news is not None:
        sid = f"{ctx.rng.getrandbits(64):016X}"
        base, _, query = fam.column_path(site, news, 0).partition("?")
        trap = f"{base};jsessionid={sid}" + (f"?{query}" if query else "")
        plan.inject(("home",), Link(site.url(trap), "更多动态"), "session_id")
    if "endless_pagination" in roles and news is not None:
        plan.endless_column = news.index
        last = site.list_pages(news) - 1
        plan.seeded.append(("endless_pagination", site.url(fam.column_path(site, news, last + 1))))
    if "repeating_path" in roles and fam.name == "trs":
        plan.repeat_dir = "/xxgk/"
        plan.seeded.append(("repeating_path", site.url("/xxgk/xxgk/index.html")))


def _pick_listed(rng: random.Random, site: SimSite, leaves: list[Column], taken: set[int]) -> Item:
    """A recent item of a busy column (so it is linked from the homepage and a list)."""
    cols = [c for c in leaves if c.category in ("notice", "news")] or leaves
    candidates = [it for c in cols for it in site.items(c)[:3] if it.id not in taken]
    return rng.choice(candidates or [it for c in leaves for it in site.items(c)])
