"""Page specs: the structured content of every page, built from the model.

A spec lists every link a page carries, in named sections. Templates only decide how the
sections look; `PageSpec.links()` is what the ground truth counts, and a test checks that the
rendered HTML carries exactly these links.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from urllib.parse import unquote

from govinspect.sandbox.defects import home_pictures
from govinspect.sandbox.external import GOV_PAGES, PROVINCE_DEPTS
from govinspect.sandbox.integrity import decorate, seeded_for
from govinspect.sandbox.model import Column, Item, Link, SimSite
from govinspect.sandbox.sitescenarios import annual_report_links
from govinspect.sandbox.pagesplan import LETTER_KEYS
from govinspect.sandbox.urls import join

if TYPE_CHECKING:
    from govinspect.sandbox.model import PageKey

# Section names in page order; `links()` walks them in this order.
SECTIONS = (
    "resources", "header", "nav", "breadcrumb", "subnav", "entries", "pagination", "images",
    "attachments", "prev_next", "related", "extras", "actions", "frames", "iframes", "areas", "friends", "footer",
    "seeded",
)
FORM_PATH = "/hdjl/write.html"  # the 我要写信 form (sites with letters columns)


@dataclass(slots=True)
class Block:
    """A titled box of links (homepage and channel pages)."""

    name: str
    more: Link | None
    entries: list[Link]
    pictures: list[Link] = field(default_factory=list)  # parallel to entries in picture blocks
    column: Column | None = None


@dataclass(slots=True)
class PageSpec:
    """Everything one page shows, with every link in a named section."""

    site: SimSite
    path: str  # the path?query the page was requested at
    kind: str  # home | channel | list | article | sitemap | search | frameset | frame_left | widget | calendar
    title: str
    column: Column | None = None
    item: Item | None = None
    style: str = "relative"
    base_href: str | None = None
    trap: str | None = None
    page_no: int = 0
    page_count: int = 1
    day: dt.date | None = None  # calendar pages
    blocks: list[Block] = field(default_factory=list)
    resources: list[Link] = field(default_factory=list)
    header: list[Link] = field(default_factory=list)
    nav: list[Link] = field(default_factory=list)
    breadcrumb: list[Link] = field(default_factory=list)
    subnav: list[Link] = field(default_factory=list)
    entries: list[Link] = field(default_factory=list)
    pagination: list[Link] = field(default_factory=list)
    images: list[Link] = field(default_factory=list)
    attachments: list[Link] = field(default_factory=list)
    prev_next: list[Link] = field(default_factory=list)
    related: list[Link] = field(default_factory=list)
    extras: list[Link] = field(default_factory=list)
    actions: list[Link] = field(default_factory=list)  # 我要写信 on letters lists
    frames: list[Link] = field(default_factory=list)
    iframes: list[Link] = field(default_factory=list)
    areas: list[Link] = field(default_factory=list)
    friends: list[Link] = field(default_factory=list)
    footer: list[Link] = field(default_factory=list)
    seeded: list[Link] = field(default_factory=list)  # links of seeded integrity HTML (sandbox/integrity.py)

    @property
    def url(self) -> str:
        """Absolute URL of the page."""
        return self.site.url(self.path)

    def links(self) -> list[Link]:
        """Every fetchable link of the page (a second srcset image counts as its own link)."""
        out: list[Link] = []
        for block in self.blocks:
            if block.more is not None:
                out.append(block.more)
            out.extend(block.entries)
            out.extend(block.pictures)
        for name in SECTIONS:
            out.extend(getattr(self, name))
        extra = [Link(lk.srcset2x, tag="img") for lk in out if lk.srcset2x]
        return out + extra


# -- shared parts ---------------------------------------------------------------------------


def _column_link(site: SimSite, col: Column, page: int = 0) -> Link:
    return Link(site.url(site.family.column_path(site, col, page)), col.name)


def _item_link(site: SimSite, item: Item) -> Link:
    shown = None if item.column.dates_hidden else item.date
    return Link(site.url(item.path), item.title, title=item.title, date=shown)


def _frame(site: SimSite, path: str, kind: str, title: str) -> PageSpec:
    fam = site.family
    ext = site.province.ext_url
    spec = PageSpec(site, path, kind, title, style=site.link_style)
    spec.resources = [Link(site.url(fam.assets["css"]), tag="link"), Link(site.url(fam.assets["js"]), tag="script")]
    spec.header = [Link(site.url(fam.assets["logo"]), site.name, tag="img")]
    for hpath, text in fam.header_links(site):
        spec.header.append(Link(site.url(hpath), text))
    if site.robots_disallow():
        spec.header.append(Link(site.url("/search/index.html"), "高级检索"))
    spec.nav = [Link(site.home_url, "首页")] + [_column_link(site, c) for c in site.top_columns]
    f = site.footer
    spec.footer = [
        Link(site.url(fam.sitemap_path), "网站地图"),
        Link(ext("bszs.conac.cn", f"/sitename?method=show&id={f.conac_id}"), "党政机关"),
        Link(ext("dcs.conac.cn", "/image/red.png"), "党政机关", tag="img"),
        Link(ext("zfwzgl.www.gov.cn", f"/exposure/jiucuo.html?site_code={site.site_code}"), "我为政府网站找错"),
        Link(site.url(fam.assets["jiucuo"]), "我为政府网站找错", tag="img"),
        Link(ext("beian.miit.gov.cn", "/"), f.icp),
        Link(ext("www.beian.gov.cn", f"/portal/registerSystemInfo?recordcode={f.psb_code}"), f.psb),
        Link(site.url(fam.assets["ghs"]), "公安备案", tag="img"),
    ]
    spec.friends = _friends(site)
    return spec


def _friends(site: SimSite) -> list[Link]:
    prov = site.province
    out = [Link(prov.ext_url("www.gov.cn", "/"), "中国政府网"), Link(prov.ext_url("www.moni.gov.cn", "/"), "模拟省人民政府")]
    if prov.mode == "live":
        n = len(prov.sites)
        for k in range(1, min(6, n)):
            other = prov.sites[(site.index + k) % n]
            out.append(Link(other.home_url, other.name))
    if site.big:
        out += [Link(prov.ext_url("www.moni.gov.cn", path), name) for path, name in PROVINCE_DEPTS]
    if site.plan.friend_dead is not None:
        out.append(site.plan.friend_dead)
    return out


def _breadcrumb(site: SimSite, col: Column | None) -> list[Link]:
    crumbs = [Link(site.home_url, "首页")]
    if col is not None:
        crumbs += [_column_link(site, c) for c in col.lineage()]
    return crumbs


def _subnav(site: SimSite, col: Column) -> list[Link]:
    siblings = col.parent.children if col.parent is not None else site.top_columns
    return [_column_link(site, c) for c in siblings]


def _block(site: SimSite, col: Column, size: int) -> Block:
    if col.is_leaf:
        entries = [_item_link(site, it) for it in site.items(col)[:size]]
    else:
        entries = [_column_link(site, c) for c in col.children[:size]]
    return Block(col.name, _column_link(site, col), entries, column=col)


# -- page kinds -----------------------------------------------------------------------------


def home_spec(site: SimSite, path: str) -> PageSpec:
    """The homepage: picture news, the key columns' latest items, hot links."""
    fam = site.family
    spec = _frame(site, path, "home", site.name)
    pics = home_pictures(site)
    if pics:
        spec.blocks.append(
            Block(
                "图片新闻",
                _column_link(site, pics[0].column),
                [_item_link(site, it) for it in pics],
                [Link(site.url(it.images[0]), it.title, tag="img", srcset2x=_hi(site, it.images[0])) for it in pics],
                column=pics[0].column,
            )
        )
    featured = ("gzdt", "tzgg", "zcwj", "zcjd", "bmdt", "xzdt", "ldxj", "bszn")
    if site.home_nav_only:
        featured = ()  # 首页仅为导航: menus, banner and footer only
    for key in featured:
        col = site.column_by_key(key)
        if col is not None:
            spec.blocks.append(_block(site, col, site.home_block_size))
    spec.images = [Link(site.url(fam.assets["banner"]), site.name, tag="img")]
    if "iframe" in fam.features:
        spec.iframes = [Link(site.url("/include/scroll_notice.htm"), "滚动公告", tag="iframe")]
    if "area" in fam.features:
        spec.areas = [Link(_column_link(site, c).url, c.name, tag="area") for c in site.top_columns[:3]]
    spec.extras = list(site.plan.injections.get(("home",), ())) + annual_report_links(site)
    return spec


def channel_spec(site: SimSite, path: str, col: Column) -> PageSpec:
    """A first-level column page showing its children."""
    spec = _frame(site, path, "channel", f"{col.name}_{site.name}")
    spec.column = col
    spec.breadcrumb = _breadcrumb(site, col)
    spec.subnav = [_column_link(site, c) for c in col.children]
    for child in col.children[:6]:
        spec.blocks.append(_block(site, child, 5))
    if site.plan.repeat_dir and path.startswith(site.plan.repeat_dir) and col.key == "xxgk":
        # The bug: a document-relative href on a page that lives inside /xxgk/.
        spec.subnav.append(Link(join(site.url(path), "xxgk/index.html"), "信息公开目录", raw="xxgk/index.html"))
    spec.extras = list(site.plan.injections.get(("channel", col.index), ()))
    return spec


def list_spec(site: SimSite, path: str, col: Column, page: int) -> PageSpec:
    """One page of a leaf column's item list."""
    spec = _frame(site, path, "list", f"{col.name}_{site.name}")
    spec.column = col
    spec.page_no = page
    spec.page_count = site.list_pages(col)
    spec.breadcrumb = _breadcrumb(site, col)
    spec.subnav = _subnav(site, col)
    items = site.items(col)[page * site.page_size : (page + 1) * site.page_size]
    spec.entries = [_item_link(site, it) for it in items]
    spec.pagination = _pagination(site, col, page, spec.page_count)
    spec.extras = list(site.plan.injections.get(("list", col.index, page), ()))
    if col.key in LETTER_KEYS:
        spec.actions = [Link(site.url(FORM_PATH), "我要写信")]
    return spec


def form_spec(site: SimSite, path: str) -> PageSpec:
    """The 我要写信 submission form of the site's mailbox."""
    col = next((c for c in site.leaf_columns if c.key in LETTER_KEYS), None)
    spec = _frame(site, path, "form", f"我要写信_{col.name if col else '领导信箱'}_{site.name}")
    spec.column = None
    spec.breadcrumb = _breadcrumb(site, col) if col is not None else [Link(site.home_url, "首页")]
    return spec


def _pagination(site: SimSite, col: Column, page: int, count: int) -> list[Link]:
    endless = site.plan.endless_column == col.index
    last = count - 1
    out: list[Link] = []
    if page > 0:
        out.append(Link(site.url(site.family.column_path(site, col, 0)), "首页"))
        out.append(Link(site.url(site.family.column_path(site, col, page - 1)), "上一页"))
    if page < last or endless:
        out.append(Link(site.url(site.family.column_path(site, col, page + 1)), "下一页"))
    if page < last:
        out.append(Link(site.url(site.family.column_path(site, col, last)), "尾页"))
    return out


def article_spec(site: SimSite, path: str, item: Item) -> PageSpec:
    """An article with its pictures, attachments, neighbours and related links."""
    fam = site.family
    col = item.column
    spec = _frame(site, path, "article", f"{item.title}_{site.name}")
    spec.column = col
    spec.item = item
    spec.breadcrumb = _breadcrumb(site, col)
    if "base_href" in fam.features:
        spec.base_href = site.origin + "/"
    spec.images = [Link(site.url(p), item.title, tag="img", srcset2x=_hi(site, p)) for p in item.images]
    spec.attachments = [
        Link(site.url(a.path), a.label, raw=unquote(a.path) if fam.raw_unicode_paths else None) for a in item.attachments
    ]
    items = site.items(col)
    if item.index > 0:
        spec.prev_next.append(Link(site.url(items[item.index - 1].path), items[item.index - 1].title))
    if item.index + 1 < len(items):
        spec.prev_next.append(Link(site.url(items[item.index + 1].path), items[item.index + 1].title))
    others = [it for it in items[item.index + 2 : item.index + 2 + site.related_count]]
    spec.related = [_item_link(site, it) for it in others]
    if col.category == "policy":
        spec.related.append(Link(site.province.ext_url("www.gov.cn", GOV_PAGES[item.id % len(GOV_PAGES)]), "国务院相关政策"))
    spec.extras = list(site.plan.injections.get(("article", item.id), ()))
    return spec


def sitemap_spec(site: SimSite, path: str) -> PageSpec:
    """网站地图: every column."""
    spec = _frame(site, path, "sitemap", f"网站地图_{site.name}")
    spec.breadcrumb = [Link(site.home_url, "首页"), Link(site.url(site.family.sitemap_path), "网站地图")]
    for col in site.top_columns:
        spec.blocks.append(Block(col.name, _column_link(site, col), [_column_link(site, c) for c in col.children]))
    return spec


def search_spec(site: SimSite, path: str) -> PageSpec:
    """The search page (disallowed by robots.txt on the robots site)."""
    spec = _frame(site, path, "search", f"站内搜索_{site.name}")
    spec.breadcrumb = [Link(site.home_url, "首页"), Link(site.url("/search/index.html"), "站内搜索")]
    return spec


def frameset_spec(site: SimSite, path: str) -> PageSpec:
    """An old <frameset> page: a column tree on the left, a column list on the right."""
    col = site.column_by_key("xxgk") or site.top_columns[0]
    spec = PageSpec(site, path, "frameset", f"信息公开目录_{site.name}", style=site.link_style)
    spec.frames = [
        Link(site.url("/xxgk_left.asp"), "目录", tag="frame"),
        Link(_column_link(site, col).url, col.name, tag="frame"),
    ]
    return spec


def frame_left_spec(site: SimSite, path: str) -> PageSpec:
    """The left frame: the tree of 政务公开 columns."""
    col = site.column_by_key("xxgk") or site.top_columns[0]
    spec = PageSpec(site, path, "frame_left", "信息公开目录", style=site.link_style)
    spec.subnav = [_column_link(site, c) for c in ([col, *col.children])]
    return spec


def widget_spec(site: SimSite, path: str) -> PageSpec:
    """A small page shown in an <iframe> (scrolling notices)."""
    spec = PageSpec(site, path, "widget", "滚动公告", style=site.link_style)
    col = site.column_by_key("tzgg") or site.leaf_columns[0]
    spec.entries = [_item_link(site, it) for it in site.items(col)[:5]]
    spec.column = col
    return spec


def calendar_spec(site: SimSite, path: str, day: dt.date) -> PageSpec:
    """The infinite calendar: every day links to its neighbours and its month."""
    spec = _frame(site, path, "calendar", f"领导活动安排 {day:%Y年%m月%d日}_{site.name}")
    spec.day = day
    spec.breadcrumb = [Link(site.home_url, "首页")]

    def cal(d: dt.date, text: str) -> Link:
        return Link(site.url(f"/calendar/?date={d:%Y-%m-%d}"), text)

    first = day.replace(day=1)
    prev_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = (first + dt.timedelta(days=32)).replace(day=1)
    spec.pagination = [
        cal(day - dt.timedelta(days=1), "前一天"), cal(day + dt.timedelta(days=1), "后一天"),
        cal(prev_month, "上个月"), cal(next_month, "下个月"),
    ]
    d = first
    while d.month == first.month:
        spec.entries.append(cal(d, str(d.day)))
        d += dt.timedelta(days=1)
    return _clean(spec, "calendar")


# -- traps ----------------------------------------------------------------------------------


def _clean(spec: PageSpec, keep_trap: str | None = None) -> PageSpec:
    """Drop every link a crawler would have to work around (traps never carry defects),
    except the links that continue this very trap."""
    prov = spec.site.province

    def ok(link: Link) -> bool:
        out = prov.classify(link.url)
        return out.plain_ok or (keep_trap is not None and out.state == "ok" and out.trap == keep_trap and not out.why)

    for name in SECTIONS:
        setattr(spec, name, [lk for lk in getattr(spec, name) if ok(lk)])
    kept_blocks = []
    for b in spec.blocks:
        pairs = [(e, b.pictures[i] if b.pictures else None) for i, e in enumerate(b.entries)]
        pairs = [(e, p) for e, p in pairs if ok(e) and (p is None or ok(p))]
        more = b.more if b.more is not None and ok(b.more) else None
        kept_blocks.append(Block(b.name, more, [e for e, _ in pairs], [p for _, p in pairs if p is not None], b.column))
    spec.blocks = kept_blocks
    return spec


def session_spec(site: SimSite, path: str, base: str, sid: str) -> PageSpec | None:
    """A normal page seen through a session id: every internal page link carries a new id."""
    inner = spec_for(site, base)
    if inner is None:
        return None
    inner.path = path
    inner.trap = "session_id"
    inner = _clean(inner)
    prov = site.province

    def with_sid(link: Link) -> Link:
        if link.tag not in ("a", "area") or not link.url.startswith(site.origin + "/"):
            return link
        if not prov.classify(link.url).page:
            return link
        new = hashlib.sha1(f"{sid}:{link.url}".encode()).hexdigest()[:16].upper()
        pq = link.url[len(site.origin) :]
        base_path, _, query = pq.partition("?")
        return replace(link, url=site.url(f"{base_path};jsessionid={new}" + (f"?{query}" if query else "")))

    for name in SECTIONS:
        setattr(inner, name, [with_sid(lk) for lk in getattr(inner, name)])
    for b in inner.blocks:
        b.entries = [with_sid(e) for e in b.entries]
        b.more = with_sid(b.more) if b.more is not None else None
    return inner


def repeat_spec(site: SimSite, path: str) -> PageSpec:
    """The channel page served again at /xxgk/xxgk/…/index.html (links made root-relative)."""
    col = site.column_by_key("xxgk")
    assert col is not None
    spec = channel_spec(site, path, col)
    spec.trap = "repeating_path"
    spec.style = "root"
    return _clean(spec, "repeating_path")


def endless_spec(site: SimSite, path: str, col: Column, page: int) -> PageSpec:
    """A list page past the end: no items, and still a 下一页."""
    spec = _frame(site, path, "list", f"{col.name}_{site.name}")
    spec.column = col
    spec.trap = "endless_pagination"
    spec.page_no = page
    spec.page_count = page + 2
    spec.breadcrumb = _breadcrumb(site, col)
    spec.subnav = _subnav(site, col)
    fam = site.family
    spec.pagination = [
        Link(site.url(fam.column_path(site, col, 0)), "首页"),
        Link(site.url(fam.column_path(site, col, page - 1)), "上一页"),
        Link(site.url(fam.column_path(site, col, page + 1)), "下一页"),
    ]
    return _clean(spec, "endless_pagination")


def _hi(site: SimSite, path: str) -> str | None:
    hi = site.family.image_2x(path)
    return site.url(hi) if hi else None


def spec_for(site: SimSite, path_qs: str) -> PageSpec | None:
    """The spec of the page the site serves at `path_qs` (None when it is not a page)."""
    from govinspect.sandbox.routing import canonical

    path_qs = canonical(path_qs)
    res = site.lookup(path_qs)
    if res.kind != "page":
        return None
    return build_spec(site, path_qs, res.key)


def build_spec(site: SimSite, path: str, key: PageKey) -> PageSpec | None:
    """The page's spec, with the links of its seeded integrity content (sandbox/integrity.py)."""
    spec = _build_spec(site, path, key)
    if spec is not None:
        seeded = seeded_for(spec)
        if seeded is not None:
            spec.seeded = list(seeded.links)
    return spec


def _build_spec(site: SimSite, path: str, key: PageKey) -> PageSpec | None:
    """Dispatch on the page key produced by the router."""
    kind = key[0]
    if kind == "home":
        return home_spec(site, path)
    if kind == "channel":
        return channel_spec(site, path, site.columns[key[1]])
    if kind == "list":
        return list_spec(site, path, site.columns[key[1]], key[2])
    if kind == "article":
        item = site.item_by_id(key[1])
        return article_spec(site, path, item) if item is not None else None
    if kind == "sitemap":
        return sitemap_spec(site, path)
    if kind == "form":
        return form_spec(site, path)
    if kind == "search":
        return search_spec(site, path)
    if kind == "frameset":
        return frameset_spec(site, path)
    if kind == "frame_left":
        return frame_left_spec(site, path)
    if kind == "widget":
        return widget_spec(site, path)
    if kind == "calendar":
        return calendar_spec(site, path, dt.date.fromisoformat(key[1]))
    if kind == "session":
        return session_spec(site, path, key[1], key[2])
    if kind == "repeat":
        return repeat_spec(site, path)
    if kind == "endless":
        return endless_spec(site, path, site.columns[key[1]], key[2])
    return None


def render_path(site: SimSite, path_qs: str, user_agent: str | None = None) -> str | None:
    """HTML text of the page at `path_qs` (None when the site serves no page there); a few
    seeded homepages differ by `user_agent` (cloaking, see sandbox/integrity.py)."""
    spec = spec_for(site, path_qs)
    if spec is None:
        return None
    return decorate(spec, site.family.render(spec), user_agent)
