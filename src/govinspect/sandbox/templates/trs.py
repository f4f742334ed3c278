"""TRS WCM style portal: /xxgk/tzgg/index_1.html, t20240612_4567890.html, GBK (gb2312 declared),
pagination written by createPageHTML() and as plain links, document-relative hrefs."""

from __future__ import annotations

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
    from govinspect.sandbox.model import Column, Item, SimSite
    from govinspect.sandbox.pages import Block

DOCTYPE = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'
)
STYLE = """
body{margin:0;font:12px/1.8 "Microsoft YaHei",SimSun;color:#333;background:#fff}
a{color:#333;text-decoration:none}a:hover{color:#c00}
.w1200{width:1200px;margin:0 auto}.fl{float:left}.fr{float:right}.clear{clear:both}
.top{height:32px;line-height:32px;background:#f5f5f5;border-bottom:1px solid #e5e5e5}
.header{height:150px;background:#fff7f0 linear-gradient(#fff,#fde8e8)}
.nav{height:50px;background:#b90000}.nav li{float:left;width:150px;text-align:center}
.nav li a{color:#fff;font-size:18px;line-height:50px}
.position{height:40px;line-height:40px;border-bottom:1px solid #ddd}
.list li{height:36px;line-height:36px;border-bottom:1px dashed #ddd;overflow:hidden}
.list li span{float:right;color:#999}.page{text-align:center;padding:20px 0}
.article h1{font-size:26px;text-align:center;color:#000}.article .info{text-align:center;color:#999}
.TRS_Editor p{text-indent:2em;font-size:16px;line-height:2}.fj a{color:#00c}
.footer{background:#8f0000;color:#fff;padding:20px 0;margin-top:20px}.footer a{color:#fff}
"""


class TrsFamily(Family):
    """TRS WCM (拓尔思) portal."""

    name = "trs"
    id_base = 4_000_000
    page_size = 15
    link_style = "relative"
    server = "nginx"
    assets: ClassVar[dict[str, str]] = {
        "css": "/css/style.css", "js": "/js/common.js", "logo": "/images/logo.png",
        "banner": "/images/banner.jpg", "ghs": "/images/ghs.png", "jiucuo": "/images/jiucuo.png",
    }
    sitemap_path = "/wzdt/"

    # -- URLs -----------------------------------------------------------------------------

    def column_paths(self, site: SimSite, col: Column, page: int) -> list[str]:
        """`/xxgk/tzgg/` (and its `index.html`), then `index_1.html`, `index_2.html`…"""
        d = f"/{col.key_path()}/"
        return [d, d + "index.html"] if page == 0 else [f"{d}index_{page}.html"]

    def article_path(self, site: SimSite, item: Item) -> str:
        """`/xxgk/tzgg/202406/t20240612_4567890.html`."""
        d = item.published
        return f"/{item.column.key_path()}/{d:%Y%m}/t{d:%Y%m%d}_{item.id}.html"

    def attachment_path(self, site: SimSite, item: Item, k: int, ext: str) -> str:
        """`/xxgk/tzgg/202406/P020240612…01.pdf`."""
        d = item.published
        return f"/{item.column.key_path()}/{d:%Y%m}/P0{d:%Y%m%d}{item.id:08d}{k:02d}.{ext}"

    def image_path(self, site: SimSite, item: Item, k: int) -> str:
        """`/xwzx/tpxw/202406/W020240612…00.jpg`."""
        d = item.published
        return f"/{item.column.key_path()}/{d:%Y%m}/W0{d:%Y%m%d}{item.id:08d}{k:02d}.jpg"

    # -- pieces ---------------------------------------------------------------------------

    def skeleton(self, ctx: Ctx, main: str) -> str:
        """The page: head with gov meta tags, red nav bar, position line, footer."""
        spec, site = ctx.spec, ctx.site
        style = STYLE * (4 if site.big else 1)
        head = "\n".join([
            DOCTYPE,
            '<html xmlns="http://www.w3.org/1999/xhtml">', "<head>", self.meta_charset(site),
            '<meta http-equiv="X-UA-Compatible" content="IE=edge">', f"<title>{esc(spec.title)}</title>",
            self.gov_meta(ctx), ctx.resources(), f"<style type=\"text/css\">{style}</style>", "</head>",
        ])
        header_links = " | ".join(ctx.a(lk) for lk in spec.header[1:])
        top = (
            f'<div class="top"><div class="w1200"><span class="fl">欢迎访问{esc(site.name)}门户网站</span>'
            '<span class="fr"><a href="javascript:void(0);" onclick="SetHome(this,window.location)">设为首页</a> | '
            '<a href="javascript:void(0);" onclick="AddFavorite(document.title,window.location)">加入收藏</a> | '
            f'<a href="javascript:;" id="wza">无障碍浏览</a> {header_links}</span></div></div>'
        )
        header = (
            f'<div class="header"><div class="w1200"><div class="logo fl">{ctx.img(spec.header[0])}</div>'
            '<div class="search fr"><form action="/was5/web/search" method="get" target="_blank">'
            '<input type="text" name="searchword" placeholder="请输入关键字"><input type="submit" value="搜索">'
            "</form></div></div></div>"
        )
        nav = '<div class="nav"><ul class="w1200">' + "".join(f"<li>{ctx.a(lk)}</li>" for lk in spec.nav) + "</ul></div>"
        pos = ""
        if spec.breadcrumb:
            pos = '<div class="w1200 position">当前位置：' + " &gt; ".join(ctx.a(lk) for lk in spec.breadcrumb) + "</div>"
        return "\n".join([head, "<body>", top, header, nav, pos, main, self.footer(ctx), "</body>", "</html>"])

    def footer(self, ctx: Ctx) -> str:
        """友情链接 (select + links) and the footer identity block."""
        spec, site = ctx.spec, ctx.site
        f, fl = site.footer, spec.footer
        options = "".join(f'<option value="{esc(lk.url)}">{esc(lk.text)}</option>' for lk in spec.friends)
        friends = (
            '<div class="w1200 yqlj"><span>友情链接：</span>'
            f'<select onchange="if(this.value)window.open(this.value)"><option value="">--政府网站--</option>{options}</select> '
            + " ".join(ctx.a(lk, attrs=BLANK) for lk in spec.friends) + "</div>"
        )
        foot = (
            '<div class="footer"><div class="w1200">'
            f'<div class="fl"><a href="{ctx.href(fl[F_CONAC])}" target="_blank">{ctx.img(fl[F_CONAC_IMG])}</a></div>'
            f'<div class="fc"><p>{ctx.a(fl[F_SITEMAP])} | <a href="javascript:;">联系我们</a></p>'
            f"<p>主办单位：{esc(f.organiser)}　承办单位：{esc(f.undertaker)}</p>"
            f"<p>地址：{esc(f.address)}　联系电话：{esc(f.phone)}</p>"
            f"<p>网站标识码：{f.shown_code or site.site_code}　{ctx.a(fl[F_ICP], attrs=BLANK)}　"
            f'<a href="{ctx.href(fl[F_PSB])}" target="_blank">{ctx.img(fl[F_GHS])}{esc(f.psb)}</a></p></div>'
            f'<div class="fr"><a href="{ctx.href(fl[F_JIUCUO])}" target="_blank">{ctx.img(fl[F_JIUCUO_IMG])}</a></div>'
            "</div></div>"
        )
        return friends + "\n" + foot

    @staticmethod
    def box(ctx: Ctx, block: Block, cls: str = "box") -> str:
        """A titled box with a 更多 link and dated items."""
        b = block
        more = f'<a class="more" href="{ctx.href(b.more)}">更多&gt;&gt;</a>' if b.more is not None else ""
        lis = Family.block_entries(ctx, b, "%Y-%m-%d")
        return f'<div class="{cls}"><div class="box_t"><h3>{esc(b.name)}</h3>{more}</div><ul class="list">{lis}</ul></div>'

    # -- page kinds ------------------------------------------------------------------------

    def main_home(self, ctx: Ctx) -> str:
        """Banner, picture news, column boxes, hot links."""
        spec = ctx.spec
        out = [f'<div class="banner w1200">{"".join(ctx.img(lk) for lk in spec.images)}</div>', '<div class="w1200 index">']
        for b in spec.blocks:
            if b.pictures:
                lis = "".join(
                    f'<li><a href="{ctx.href(e)}" target="_blank" title="{esc(e.text)}">{ctx.img(p)}</a><p>{esc(e.text)}</p></li>'
                    for e, p in zip(b.entries, b.pictures, strict=True)
                )
                more = f'<a class="more" href="{ctx.href(b.more)}">更多&gt;&gt;</a>' if b.more else ""
                out.append(f'<div class="tpxw"><div class="box_t"><h3>{esc(b.name)}</h3>{more}</div><ul>{lis}</ul></div>')
            else:
                out.append(self.box(ctx, b))
        out.append(self.extras_block(ctx, "热点专题", "rdzt"))
        out.append("</div>")
        return "\n".join(out)

    def main_channel(self, ctx: Ctx) -> str:
        """Sub-column menu on the left, one box per child on the right."""
        spec = ctx.spec
        left = "".join(f"<li>{ctx.a(lk)}</li>" for lk in spec.subnav)
        boxes = "".join(self.box(ctx, b, "box half") for b in spec.blocks)
        return (
            f'<div class="w1200 main"><div class="left fl"><h2>{esc(spec.column.name if spec.column else "")}</h2>'
            f'<ul class="subnav">{left}</ul></div><div class="right fr">{boxes}{self.extras_block(ctx)}</div></div>'
        )

    def main_list(self, ctx: Ctx) -> str:
        """The item list with TRS's script pagination and plain links."""
        spec = ctx.spec
        col = spec.column
        parent = col.parent.name if col and col.parent else (col.name if col else "")
        left = "".join(f"<li>{ctx.a(lk)}</li>" for lk in spec.subnav)
        lis = "".join(
            f'<li>{ctx.a(lk, attrs=BLANK)}<span>{lk.date:%Y-%m-%d}</span></li>' if lk.date else f"<li>{ctx.a(lk)}</li>"
            for lk in spec.entries
        )
        if not spec.entries:
            lis = '<li class="nodata">暂无信息</li>'
        pages = ""
        if spec.pagination:
            plain = " ".join(ctx.a(lk) for lk in spec.pagination)
            pages = (
                '<div class="page"><script type="text/javascript">'
                f'createPageHTML({spec.page_count}, {spec.page_no}, "index", "html");</script>'
                f'<span class="plain">{plain}</span></div>'
            )
        return (
            f'<div class="w1200 main"><div class="left fl"><h2>{esc(parent)}</h2><ul class="subnav">{left}</ul></div>'
            f'<div class="right fr"><div class="lmtitle"><span>{esc(col.name if col else "")}</span></div>'
            f'<ul class="list">{lis}</ul>{pages}{self.extras_block(ctx)}</div></div>'
        )

    def main_article(self, ctx: Ctx) -> str:
        """Title, info line, TRS_Editor body, attachments, neighbours, related."""
        spec = ctx.spec
        it = spec.item
        assert it is not None
        body = self.paragraphs(ctx, it, [ctx.img(lk) for lk in spec.images])
        atts = ""
        if spec.attachments:
            atts = '<div class="fj"><p>附件：</p>' + "".join(f"<p>{ctx.a(lk)}</p>" for lk in spec.attachments) + "</div>"
        labels = (["上一篇"] if it.index > 0 else []) + ["下一篇"]
        pn = "".join(f"<p>{lab}：{ctx.a(lk)}</p>" for lab, lk in zip(labels, spec.prev_next, strict=False))
        rel = ""
        if spec.related:
            rel = '<div class="xgwz"><h3>相关文章</h3><ul>' + "".join(f"<li>{ctx.a(lk, attrs=BLANK)}</li>" for lk in spec.related) + "</ul></div>"
        return (
            f'<div class="w1200 article"><h1>{esc(it.title)}</h1>'
            f'<div class="info"><span>发布时间：{it.published:%Y-%m-%d %H:%M}</span>　<span>来源：{esc(it.source)}</span>　'
            '<span>字号：[<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> '
            '<a href="javascript:doZoom(14)">小</a>]</span></div>'
            f'<div class="TRS_Editor">{body}</div>{atts}<div class="prev_next">{pn}</div>{rel}{self.extras_block(ctx)}'
            '<div class="print"><a href="javascript:window.print()">打印本页</a> '
            '<a href="javascript:window.close()">关闭窗口</a></div></div>'
        )

    def main_sitemap(self, ctx: Ctx) -> str:
        """One box per first-level column with its children."""
        out = []
        for b in ctx.spec.blocks:
            children = " ".join(ctx.a(lk) for lk in b.entries)
            head = ctx.a(b.more) if b.more else esc(b.name)
            out.append(f'<div class="wzdt"><h3>{head}</h3><p>{children}</p></div>')
        return '<div class="w1200 main">' + "".join(out) + "</div>"

    def main_search(self, ctx: Ctx) -> str:
        """The search form."""
        return '<div class="w1200 main"><form action="/search/result.html"><input name="q"></form></div>'

    def main_calendar(self, ctx: Ctx) -> str:
        """The month grid with prev/next links."""
        spec = ctx.spec
        nav = " ".join(ctx.a(lk) for lk in spec.pagination)
        days = " ".join(ctx.a(lk) for lk in spec.entries)
        return f'<div class="w1200 main calendar"><h2>{esc(spec.title)}</h2><p>{nav}</p><p>{days}</p></div>'

    def render_not_found(self, site: SimSite) -> str:
        """TRS sites usually answer 404 with nginx's page."""
        return super().render_not_found(site)


FAMILY = TrsFamily()
