"""A generic div/JSP CMS: /news/list.jsp?catid=12&page=2, /content/2024-06/12/content_98765.htm,
<div class="news-item"> with 2024年06月12日 dates, <base href> on articles, img srcset,
an <iframe> widget and an <area> image map on the homepage."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from govinspect.sandbox.templates.base import (
    BLANK,
    F_CONAC,
    F_CONAC_IMG,
    F_GHS,
    F_ICP,
    F_JIUCUO,
    F_JIUCUO_IMG,
    F_PSB,
    F_SITEMAP,
    Ctx,
    Family,
    esc,
)

if TYPE_CHECKING:
    from govinspect.sandbox.model import Column, Item, PageKey, SimSite
    from govinspect.sandbox.pages import Block

_LIST_RE = re.compile(r"^/news/list\.jsp\?catid=(\d+)(?:&page=(\d+))?$")
CN_DATE = "%Y年%m月%d日"
USEMAP = ' usemap="#bannermap"'

STYLE = """
*{box-sizing:border-box}body{margin:0;font:15px/1.7 "PingFang SC","Microsoft YaHei",sans-serif;color:#222}
.container{max-width:1180px;margin:0 auto;padding:0 10px}.site-header{background:#0d5ea6;color:#fff}
.main-nav ul{display:flex;list-style:none;margin:0;padding:0}.main-nav a{color:#fff;padding:12px 20px;display:block}
.news-item{display:flex;justify-content:space-between;border-bottom:1px solid #eee;padding:8px 0}
.news-item em{font-style:normal;color:#999}.pagination a{margin:0 4px}.article-body p{text-indent:2em}
.site-footer{background:#f2f2f2;font-size:13px;padding:24px 0;color:#555}
"""


class GenericFamily(Family):
    layout = "div"
    """A home-grown JSP CMS with modern-ish markup."""

    name = "generic"
    id_base = 2_000_000
    col_id_base = 10
    col_id_step = 1
    page_size = 10
    link_style = "root"
    server = "nginx/1.20.1"
    features = frozenset({"srcset", "iframe", "area", "base_href"})
    assets: ClassVar[dict[str, str]] = {
        "css": "/static/css/index.css", "js": "/static/js/index.js", "logo": "/static/images/logo.png",
        "banner": "/static/images/banner.jpg", "ghs": "/static/images/ghs.png", "jiucuo": "/static/images/jiucuo.png",
    }
    sitemap_path = "/sitemap.jsp"

    def column_paths(self, site: SimSite, col: Column, page: int) -> list[str]:
        """`/news/list.jsp?catid=12`, `…&page=2`; channels `/news/channel.jsp?catid=3`."""
        if not col.is_leaf:
            return [f"/news/channel.jsp?catid={col.col_id}"]
        base = f"/news/list.jsp?catid={col.col_id}"
        return [base] if page == 0 else [f"{base}&page={page + 1}"]

    def article_path(self, site: SimSite, item: Item) -> str:
        """`/content/2024-06/12/content_98765.htm`."""
        d = item.published
        return f"/content/{d:%Y-%m}/{d:%d}/content_{item.id}.htm"

    def attachment_path(self, site: SimSite, item: Item, k: int, ext: str) -> str:
        """`/uploadfile/2024/0612/20240612…01.pdf`."""
        d = item.published
        return f"/uploadfile/{d:%Y}/{d:%m%d}/{d:%Y%m%d}{item.id}{k:02d}.{ext}"

    def image_path(self, site: SimSite, item: Item, k: int) -> str:
        """`/uploadfile/2024/0612/98765_0.jpg` (with a `@2x` twin)."""
        d = item.published
        return f"/uploadfile/{d:%Y}/{d:%m%d}/{item.id}_{k}.jpg"

    def image_2x(self, path: str) -> str | None:
        """`…_0@2x.jpg` for uploaded pictures."""
        if path.startswith("/uploadfile/") and path.endswith(".jpg"):
            return path[:-4] + "@2x.jpg"
        return None

    def extra_pages(self, site: SimSite) -> dict[str, PageKey]:
        """The scrolling-notice widget shown in an <iframe>."""
        return {"/include/scroll_notice.htm": ("widget",)}

    def parse_list(self, site: SimSite, path_qs: str) -> tuple[int, int] | None:
        """(column index, page) for `/news/list.jsp?catid=N&page=K`."""
        m = _LIST_RE.match(path_qs)
        if not m:
            return None
        col_id = int(m[1])
        page = int(m[2]) - 1 if m[2] else 0
        idx = col_id - self.col_id_base
        if 0 <= idx < len(site.columns) and site.columns[idx].is_leaf and page >= 1:
            return idx, page
        return None

    # -- pieces ---------------------------------------------------------------------------

    def skeleton(self, ctx: Ctx, main: str) -> str:
        """header/nav/crumbs/main/footer divs; <base href> where the spec asks for it."""
        spec, site = ctx.spec, ctx.site
        base = f'<base href="{esc(spec.base_href)}">' if spec.base_href else ""
        charset = self.meta_charset(site) if site.declared_charset != "utf-8" else '<meta charset="utf-8">'
        head = "\n".join([
            "<!doctype html>", '<html lang="zh-CN">', "<head>", charset, base,
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{esc(spec.title)}</title>", self.gov_meta(ctx), ctx.resources(),
            f"<style>{STYLE * (4 if site.big else 1)}</style>", "</head>",
        ])
        tools = " ".join(ctx.a(lk) for lk in spec.header[1:])
        header = (
            f'<header class="site-header"><div class="container"><div class="logo">{ctx.img(spec.header[0])}</div>'
            f'<div class="tools">{tools}<form class="search" action="/search.jsp"><input name="keyword"></form></div>'
            '<nav class="main-nav"><ul>' + "".join(f"<li>{ctx.a(lk)}</li>" for lk in spec.nav) + "</ul></nav></div></header>"
        )
        crumbs = ""
        if spec.breadcrumb:
            crumbs = '<div class="container crumbs">当前位置：' + " &gt; ".join(ctx.a(lk) for lk in spec.breadcrumb) + "</div>"
        return "\n".join([head, "<body>", header, crumbs, f'<main class="container">{main}</main>', self.footer(ctx), "</body>", "</html>"])

    def footer(self, ctx: Ctx) -> str:
        """Friend links and the footer identity block."""
        spec, site = ctx.spec, ctx.site
        f, fl = site.footer, spec.footer
        friends = '<div class="container links"><h4>友情链接</h4>' + " ".join(ctx.a(lk, attrs=BLANK) for lk in spec.friends) + "</div>"
        return friends + (
            '<footer class="site-footer"><div class="container">'
            f'<div class="badges"><a href="{ctx.href(fl[F_CONAC])}" target="_blank">{ctx.img(fl[F_CONAC_IMG])}</a>'
            f'<a href="{ctx.href(fl[F_JIUCUO])}" target="_blank">{ctx.img(fl[F_JIUCUO_IMG])}</a></div>'
            f"<p>主办：{esc(f.organiser)} | 承办：{esc(f.undertaker)} | {ctx.a(fl[F_SITEMAP])}</p>"
            f"<p>地址：{esc(f.address)} 电话：{esc(f.phone)}</p>"
            f"<p>网站标识码：{f.shown_code or site.site_code} {ctx.a(fl[F_ICP], attrs=BLANK)} "
            f'<a href="{ctx.href(fl[F_PSB])}" target="_blank">{ctx.img(fl[F_GHS])}{esc(f.psb)}</a></p>'
            "</div></footer>"
        )

    @staticmethod
    def items(ctx: Ctx, links: list) -> str:
        """`<div class="news-item"><a></a><em>2024年06月12日</em></div>` rows."""
        out = []
        for lk in links:
            em = f"<em>{lk.date.strftime(CN_DATE)}</em>" if lk.date else ""
            out.append(f'<div class="news-item">{ctx.a(lk, attrs=BLANK)}{em}</div>')
        return "".join(out)

    def card(self, ctx: Ctx, b: Block) -> str:
        """A titled card with a 更多 link."""
        more = f'<a class="more" href="{ctx.href(b.more)}">更多 &raquo;</a>' if b.more is not None else ""
        return f'<section class="card"><h2>{esc(b.name)}{more}</h2>{self.items(ctx, b.entries)}</section>'

    # -- page kinds ------------------------------------------------------------------------

    def main_home(self, ctx: Ctx) -> str:
        """Image map banner, picture slider, cards, an iframe of scrolling notices."""
        spec = ctx.spec
        banner = ""
        if spec.images:
            areas = "".join(
                f'<area shape="rect" coords="{i * 300},0,{i * 300 + 300},200" href="{ctx.href(lk)}" alt="{esc(lk.text)}">'
                for i, lk in enumerate(spec.areas)
            )
            banner = f'<div class="banner">{ctx.img(spec.images[0], USEMAP)}<map name="bannermap">{areas}</map></div>'
            banner += "".join(ctx.img(lk) for lk in spec.images[1:])
        out = [banner]
        for b in spec.blocks:
            if b.pictures:
                slides = "".join(
                    f'<div class="slide"><a href="{ctx.href(e)}" target="_blank">{ctx.img(p)}<span>{esc(e.text)}</span></a></div>'
                    for e, p in zip(b.entries, b.pictures, strict=True)
                )
                more = f'<a class="more" href="{ctx.href(b.more)}">更多</a>' if b.more else ""
                out.append(f'<section class="slider"><h2>{esc(b.name)}{more}</h2>{slides}</section>')
            else:
                out.append(self.card(ctx, b))
        out += [
            f'<iframe src="{ctx.href(lk)}" width="380" height="200" frameborder="0" scrolling="no" title="{esc(lk.text)}"></iframe>'
            for lk in spec.iframes
        ]
        out.append(self.extras_block(ctx, "便民服务", "bmfw"))
        return "\n".join(out)

    def main_channel(self, ctx: Ctx) -> str:
        """Sub-column tabs and cards."""
        spec = ctx.spec
        tabs = '<div class="tabs">' + " ".join(ctx.a(lk) for lk in spec.subnav) + "</div>"
        return tabs + "".join(self.card(ctx, b) for b in spec.blocks) + self.extras_block(ctx)

    def main_list(self, ctx: Ctx) -> str:
        """Side menu, the news list and numbered pagination."""
        spec = ctx.spec
        side = '<aside class="side">' + "".join(f"<p>{ctx.a(lk)}</p>" for lk in spec.subnav) + "</aside>"
        rows = self.items(ctx, spec.entries) or '<p class="empty">暂无内容</p>'
        pages = ""
        if spec.pagination:
            pages = (
                f'<div class="pagination"><span>第{spec.page_no + 1}页</span>'
                + " ".join(ctx.a(lk) for lk in spec.pagination) + "</div>"
            )
        title = esc(spec.column.name) if spec.column else ""
        return f'{side}<section class="list"><h1>{title}</h1><div class="news-list">{rows}</div>{pages}{self.extras_block(ctx)}</section>'

    def main_article(self, ctx: Ctx) -> str:
        """Article with srcset pictures, attachments, neighbours and related."""
        spec = ctx.spec
        it = spec.item
        assert it is not None
        body = self.paragraphs(ctx, it, [ctx.img(lk, ' loading="lazy"') for lk in spec.images])
        atts = "".join(f'<li>{ctx.a(lk, attrs=" download")}</li>' for lk in spec.attachments)
        labels = (["上一篇"] if it.index > 0 else []) + ["下一篇"]
        pn = "".join(f"<p>{lab}：{ctx.a(lk)}</p>" for lab, lk in zip(labels, spec.prev_next, strict=False))
        rel = "".join(f"<li>{ctx.a(lk, attrs=BLANK)}</li>" for lk in spec.related)
        return (
            f'<article><h1 class="article-title">{esc(it.title)}</h1>'
            f'<div class="meta"><time datetime="{it.published:%Y-%m-%dT%H:%M}">{it.published.strftime(CN_DATE)} {it.published:%H:%M}</time>'
            f" 来源：{esc(it.source)}</div>"
            f'<div class="article-body">{body}</div>'
            + (f'<div class="attachments"><h3>附件下载</h3><ul>{atts}</ul></div>' if atts else "")
            + f'<nav class="prev-next">{pn}</nav><section class="related"><h3>相关阅读</h3><ul>{rel}</ul></section>'
            f"{self.extras_block(ctx)}</article>"
        )

    def main_sitemap(self, ctx: Ctx) -> str:
        """All columns."""
        return "".join(
            f"<section><h2>{ctx.a(b.more) if b.more else esc(b.name)}</h2>" + " ".join(ctx.a(lk) for lk in b.entries) + "</section>"
            for b in ctx.spec.blocks
        )

    def main_search(self, ctx: Ctx) -> str:
        """The search form."""
        return '<form action="/search.jsp"><input name="keyword"></form>'

    def main_calendar(self, ctx: Ctx) -> str:
        """Month grid."""
        spec = ctx.spec
        return '<div class="calendar">' + " ".join(ctx.a(lk) for lk in spec.pagination) + "<div>" + " ".join(ctx.a(lk) for lk in spec.entries) + "</div></div>"

    def page_widget(self, ctx: Ctx) -> str:
        """The iframe content: a marquee of the latest notices."""
        site = ctx.site
        charset = self.meta_charset(site) if site.declared_charset != "utf-8" else '<meta charset="utf-8">'
        rows = self.items(ctx, ctx.spec.entries)
        return f"<!doctype html><html><head>{charset}<title>滚动公告</title></head><body><marquee direction=\"up\">{rows}</marquee></body></html>"

    def render_not_found(self, site: SimSite) -> str:
        """nginx's 404."""
        return super().render_not_found(site)


FAMILY = GenericFamily()
