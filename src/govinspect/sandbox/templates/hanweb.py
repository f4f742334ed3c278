"""Hanweb (大汉) style department site: /col/col1234/index.html, /art/2024/6/12/art_1234_567890.html,
table layout with [06-12] dates, UTF-8, root-relative hrefs, raw Chinese attachment names."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar
from urllib.parse import quote

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

_LIST_RE_PREFIX = "/col/col"
PIC_SIZE = ' width="220" height="150"'

STYLE = """
body{margin:0;font-size:14px;font-family:"微软雅黑";background:#eef3f8}
table{border-collapse:collapse}td{padding:0}
.bt_link{color:#1a4f8b}.nav td a{color:#fff;font-size:16px;display:block;padding:0 18px;line-height:46px}
.lm_list td{height:34px;border-bottom:1px dotted #ccc}.lm_date{color:#888;width:100px;text-align:right}
.main_content{font-size:16px;line-height:30px}.bottom{background:#1a4f8b;color:#dbe6f3}
"""


class HanwebFamily(Family):
    layout = "dl"
    """Hanweb jcms department site."""

    name = "hanweb"
    id_base = 6_000_000
    col_id_base = 1_201
    col_id_step = 7
    page_size = 12
    link_style = "root"
    server = "Apache-Coyote/1.1"
    raw_unicode_paths = True
    assets: ClassVar[dict[str, str]] = {
        "css": "/script/0/common.css", "js": "/module/jslib/jquery/jquery.js", "logo": "/images/logo.png",
        "banner": "/images/banner.jpg", "ghs": "/images/ghs.png", "jiucuo": "/images/jiucuo.png",
    }
    sitemap_path = "/col/col1000/index.html"

    def column_paths(self, site: SimSite, col: Column, page: int) -> list[str]:
        """`/col/col1234/index.html`, then `index_2.html` …"""
        base = f"{_LIST_RE_PREFIX}{col.col_id}/"
        return [base + "index.html"] if page == 0 else [f"{base}index_{page + 1}.html"]

    def article_path(self, site: SimSite, item: Item) -> str:
        """`/art/2024/6/12/art_1234_567890.html` (month and day not zero-padded)."""
        d = item.published
        return f"/art/{d.year}/{d.month}/{d.day}/art_{item.column.col_id}_{item.id}.html"

    def attachment_path(self, site: SimSite, item: Item, k: int, ext: str) -> str:
        """`/attach/<id>/附件1.pdf` (percent-encoded here; pages write the raw Chinese)."""
        return quote(f"/attach/{item.id}/附件{k + 1}.{ext}")

    def image_path(self, site: SimSite, item: Item, k: int) -> str:
        """`/picture/0/2406121030…00.jpg`."""
        d = item.published
        return f"/picture/0/{d:%y%m%d%H%M}{item.id}{k:02d}.jpg"

    # -- pieces ---------------------------------------------------------------------------

    def skeleton(self, ctx: Ctx, main: str) -> str:
        """Centered 1000px tables, blue nav, 您当前的位置 line, blue bottom."""
        spec, site = ctx.spec, ctx.site
        head = "\n".join([
            "<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", self.meta_charset(site),
            f"<title>{esc(spec.title)}</title>", self.gov_meta(ctx), ctx.resources(),
            f"<style>{STYLE * (4 if site.big else 1)}</style>", "</head>",
        ])
        extra = "".join(f'<td class="bt_link">{ctx.a(lk)}</td>' for lk in spec.header[1:])
        top = (
            '<table width="1000" align="center" cellpadding="0" cellspacing="0" class="top"><tr>'
            f'<td width="600">{ctx.img(spec.header[0])}</td>'
            '<td><form action="/jrobot/search.do" method="get"><input name="q" type="text"><input type="submit" value="搜索"></form></td>'
            f"{extra}</tr></table>"
        )
        nav = (
            '<table width="1000" align="center" class="nav" bgcolor="#1a4f8b"><tr>'
            + "".join(f"<td>{ctx.a(lk)}</td>" for lk in spec.nav) + "</tr></table>"
        )
        pos = ""
        if spec.breadcrumb:
            pos = (
                '<table width="1000" align="center"><tr><td class="bt_position">您当前的位置：'
                + " &gt; ".join(ctx.a(lk, attrs=' class="bt_link"') for lk in spec.breadcrumb) + "</td></tr></table>"
            )
        return "\n".join([head, "<body>", top, nav, pos, main, self.footer(ctx), "</body></html>"])

    def footer(self, ctx: Ctx) -> str:
        """Friend links as a table row, then the identity block."""
        spec, site = ctx.spec, ctx.site
        f, fl = site.footer, spec.footer
        friends = (
            '<table width="1000" align="center" class="yqlj"><tr><td width="80">友情链接</td>'
            + "".join(f"<td>{ctx.a(lk, attrs=BLANK)}</td>" for lk in spec.friends) + "</tr></table>"
        )
        bottom = (
            '<table width="100%" class="bottom"><tr>'
            f'<td width="120" align="center"><a href="{ctx.href(fl[F_CONAC])}" target="_blank">{ctx.img(fl[F_CONAC_IMG])}</a></td>'
            f"<td>主办单位：{esc(f.organiser)}&nbsp;&nbsp;承办单位：{esc(f.undertaker)}<br>"
            f"地址：{esc(f.address)}&nbsp;&nbsp;电话：{esc(f.phone)}&nbsp;&nbsp;邮箱：{esc(f.email)}<br>"
            f"网站标识码：{f.shown_code or site.site_code}&nbsp;&nbsp;{ctx.a(fl[F_ICP], attrs=BLANK)}&nbsp;&nbsp;"
            f'<a href="{ctx.href(fl[F_PSB])}" target="_blank">{ctx.img(fl[F_GHS])}{esc(f.psb)}</a>&nbsp;&nbsp;'
            f"{ctx.a(fl[F_SITEMAP])}</td>"
            f'<td width="120" align="center"><a href="{ctx.href(fl[F_JIUCUO])}" target="_blank">{ctx.img(fl[F_JIUCUO_IMG])}</a></td>'
            "</tr></table>"
        )
        return friends + "\n" + bottom

    @staticmethod
    def rows(ctx: Ctx, links: list, short: bool) -> str:
        """Items as table rows: title cell and date cell ([06-12] or 2024-06-12)."""
        out = []
        for lk in links:
            # An undated item keeps an empty date cell, as the other templates render it.
            date = "" if lk.date is None else f"[{lk.date:%m-%d}]" if short else f"{lk.date:%Y-%m-%d}"
            out.append(f'<tr><td>{ctx.a(lk, attrs=BLANK)}</td><td class="lm_date">{date}</td></tr>')
        return "".join(out)

    def table_box(self, ctx: Ctx, b: Block, short: bool = True) -> str:
        """A titled table with a 更多 link."""
        more = f'<a href="{ctx.href(b.more)}" class="bt_more">更多</a>' if b.more is not None else ""
        dated = [lk for lk in b.entries if lk.date]
        undated = "".join(f'<tr><td colspan="2">{ctx.a(lk)}</td></tr>' for lk in b.entries if not lk.date)
        return (
            f'<table width="100%" class="lm_box"><tr><td class="lm_title">{esc(b.name)}</td><td align="right">{more}</td></tr>'
            f"{self.rows(ctx, dated, short)}{undated}</table>"
        )

    # -- page kinds ------------------------------------------------------------------------

    def main_home(self, ctx: Ctx) -> str:
        """Banner, picture table, two-column boxes."""
        spec = ctx.spec
        cells = []
        for b in spec.blocks:
            if b.pictures:
                pics = "".join(
                    f'<td align="center"><a href="{ctx.href(e)}" target="_blank">{ctx.img(p, PIC_SIZE)}</a>'
                    f"<br>{esc(e.text[:16])}</td>"
                    for e, p in zip(b.entries, b.pictures, strict=True)
                )
                more = f'<a href="{ctx.href(b.more)}">更多</a>' if b.more else ""
                cells.append(f'<table width="100%" class="tpxw"><tr><td class="lm_title">{esc(b.name)} {more}</td></tr><tr>{pics}</tr></table>')
            else:
                cells.append(self.table_box(ctx, b))
        grid = "".join(f'<tr><td width="50%" valign="top">{cells[i]}</td><td valign="top">{cells[i + 1] if i + 1 < len(cells) else ""}</td></tr>' for i in range(0, len(cells), 2))
        banner = "".join(ctx.img(lk, ' width="1000"') for lk in spec.images)
        return (
            f'<table width="1000" align="center"><tr><td>{banner}</td></tr></table>'
            f'<table width="1000" align="center" class="index">{grid}</table>'
            f'<table width="1000" align="center"><tr><td>{self.extras_block(ctx, "专题专栏", "ztzl")}</td></tr></table>'
        )

    def main_channel(self, ctx: Ctx) -> str:
        """Left menu, child boxes."""
        spec = ctx.spec
        menu = "".join(f'<tr><td class="left_menu">{ctx.a(lk)}</td></tr>' for lk in spec.subnav)
        boxes = "".join(self.table_box(ctx, b, short=False) for b in spec.blocks)
        return (
            f'<table width="1000" align="center"><tr><td width="220" valign="top"><table width="100%">{menu}</table></td>'
            f'<td valign="top">{boxes}{self.extras_block(ctx)}</td></tr></table>'
        )

    def main_list(self, ctx: Ctx) -> str:
        """Left menu; the list as a table; 共N条 pagination."""
        spec = ctx.spec
        col = spec.column
        menu = "".join(f'<tr><td class="left_menu">{ctx.a(lk)}</td></tr>' for lk in spec.subnav)
        rows = self.rows(ctx, spec.entries, short=False) or '<tr><td colspan="2">暂无数据</td></tr>'
        pages = ""
        if spec.pagination:
            total = col.n_items if col else 0
            pages = (
                f'<div class="page">共{total}条记录 第{spec.page_no + 1}/{spec.page_count}页 '
                + " ".join(ctx.a(lk) for lk in spec.pagination) + "</div>"
            )
        return (
            f'<table width="1000" align="center"><tr><td width="220" valign="top"><table width="100%">{menu}</table></td>'
            f'<td valign="top"><div class="lm_name">{esc(col.name if col else "")}</div>'
            f'<table width="100%" class="lm_list">{rows}</table>{pages}{self.extras_block(ctx)}</td></tr></table>'
        )

    def main_article(self, ctx: Ctx) -> str:
        """Title, 发布日期/来源/浏览次数 row, body, attachments, neighbours, related."""
        spec = ctx.spec
        it = spec.item
        assert it is not None
        body = self.paragraphs(ctx, it, [ctx.img(lk) for lk in spec.images])
        atts = "".join(f"<p>{ctx.a(lk)}</p>" for lk in spec.attachments)
        labels = (["上一篇"] if it.index > 0 else []) + ["下一篇"]
        pn = "".join(f"<div>{lab}：{ctx.a(lk)}</div>" for lab, lk in zip(labels, spec.prev_next, strict=False))
        rel = "".join(f"<tr><td>{ctx.a(lk, attrs=BLANK)}</td></tr>" for lk in spec.related)
        return (
            '<table width="1000" align="center" class="article"><tr><td>'
            f'<div class="title" align="center"><h2>{esc(it.title)}</h2></div>'
            f'<div class="info" align="center">发布日期：{it.published:%Y-%m-%d %H:%M}&nbsp;&nbsp;信息来源：{esc(it.source)}&nbsp;&nbsp;'
            f'浏览次数：<script>document.write(Math.floor(Math.random()*900)+100)</script></div>'
            f'<div class="main_content" id="zoom">{body}</div>'
            f'<div class="fujian">{atts}</div><div class="sxp">{pn}</div>'
            f'<table width="100%" class="xgxx"><tr><td class="lm_title">相关信息</td></tr>{rel}</table>'
            f"{self.extras_block(ctx)}</td></tr></table>"
        )

    def main_sitemap(self, ctx: Ctx) -> str:
        """网站地图 as one table row per first-level column."""
        rows = "".join(
            f'<tr><td class="lm_title">{ctx.a(b.more) if b.more else esc(b.name)}</td><td>'
            + " ".join(ctx.a(lk) for lk in b.entries) + "</td></tr>"
            for b in ctx.spec.blocks
        )
        return f'<table width="1000" align="center" class="wzdt">{rows}</table>'

    def main_search(self, ctx: Ctx) -> str:
        """The search form."""
        return '<table width="1000" align="center"><tr><td><form action="/jrobot/search.do"><input name="q"></form></td></tr></table>'

    def main_calendar(self, ctx: Ctx) -> str:
        """Month grid."""
        spec = ctx.spec
        return (
            '<table width="1000" align="center"><tr><td>' + " ".join(ctx.a(lk) for lk in spec.pagination)
            + "</td></tr><tr><td>" + " ".join(ctx.a(lk) for lk in spec.entries) + "</td></tr></table>"
        )

    def parse_list(self, site: SimSite, path_qs: str) -> tuple[int, int] | None:
        """(column index, page) for `/col/colNNNN/index_K.html`."""
        if not path_qs.startswith(_LIST_RE_PREFIX):
            return None
        rest = path_qs[len(_LIST_RE_PREFIX) :]
        col_id, _, name = rest.partition("/")
        if not col_id.isdigit() or not name.startswith("index_") or not name.endswith(".html"):
            return None
        num = name[6:-5]
        if not num.isdigit():
            return None
        for col in site.columns:
            if col.col_id == int(col_id) and col.is_leaf:
                return col.index, int(num) - 1
        return None

    def render_not_found(self, site: SimSite) -> str:
        """Tomcat-ish 404 with a Chinese message."""
        return (
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>404错误</title></head><body>'
            '<div style="text-align:center;margin-top:100px"><h1>404</h1><p>对不起，您要访问的页面不存在！</p></div></body></html>'
        )


FAMILY = HanwebFamily()
