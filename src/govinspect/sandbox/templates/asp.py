"""An old table-heavy ASP county site: ShowClass.asp?ClassID=3, ShowArticle.asp?ArticleID=123,
a <frameset> 信息公开目录, GBK with no charset declared anywhere, bare relative hrefs."""

from __future__ import annotations

import datetime as dt
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

_LIST_RE = re.compile(r"^/ShowClass\.asp\?ClassID=(\d+)(?:&page=(\d+))?$")
ROW = '<tr><td width="12" align="center">·</td><td>{a}</td><td width="90" align="right"><font color="#999999">({d})</font></td></tr>'


def _d(date: dt.date) -> str:
    # Old ASP sites print dates unpadded: 2024-6-2.
    return f"{date.year}-{date.month}-{date.day}"


class AspFamily(Family):
    """动易/新云-era ASP site."""

    name = "asp"
    url_has_date = False  # ShowArticle.asp?ArticleID=123
    id_base = 0
    col_id_base = 1
    col_id_step = 1
    page_size = 15
    link_style = "bare"
    server = "Microsoft-IIS/6.0"
    assets: ClassVar[dict[str, str]] = {
        "css": "/style.css", "js": "/js/menu.js", "logo": "/images/logo.gif",
        "banner": "/images/banner.jpg", "ghs": "/images/ghs.png", "jiucuo": "/images/jiucuo.gif",
    }
    sitemap_path = "/SiteMap.asp"

    def column_paths(self, site: SimSite, col: Column, page: int) -> list[str]:
        """`/ShowClass.asp?ClassID=3`, `…&page=2`."""
        base = f"/ShowClass.asp?ClassID={col.col_id}"
        return [base] if page == 0 else [f"{base}&page={page + 1}"]

    def article_path(self, site: SimSite, item: Item) -> str:
        """`/ShowArticle.asp?ArticleID=123`."""
        return f"/ShowArticle.asp?ArticleID={item.id}"

    def attachment_path(self, site: SimSite, item: Item, k: int, ext: str) -> str:
        """`/UploadFiles/202406/20240612…1.doc`."""
        d = item.published
        return f"/UploadFiles/{d:%Y%m}/{d:%Y%m%d}{item.id}{k}.{ext}"

    def image_path(self, site: SimSite, item: Item, k: int) -> str:
        """`/UploadFiles/202406/123_0.jpg`."""
        return f"/UploadFiles/{item.published:%Y%m}/{item.id}_{k}.jpg"

    def extra_pages(self, site: SimSite) -> dict[str, PageKey]:
        """The frameset 信息公开目录 and its left frame."""
        return {"/xxgk_frame.asp": ("frameset",), "/xxgk_left.asp": ("frame_left",)}

    def header_links(self, site: SimSite) -> list[tuple[str, str]]:
        """A header link to the frameset."""
        return [("/xxgk_frame.asp", "信息公开目录")]

    def parse_list(self, site: SimSite, path_qs: str) -> tuple[int, int] | None:
        """(column index, page) for `/ShowClass.asp?ClassID=N&page=K`."""
        m = _LIST_RE.match(path_qs)
        if not m or not m[2]:
            return None
        idx = int(m[1]) - self.col_id_base
        if 0 <= idx < len(site.columns) and site.columns[idx].is_leaf:
            return idx, int(m[2]) - 1
        return None

    # -- pieces ---------------------------------------------------------------------------

    def skeleton(self, ctx: Ctx, main: str) -> str:
        """778px tables, a blue menu bar, 您现在的位置, the copyright table."""
        spec, site = ctx.spec, ctx.site
        head = "\n".join([
            "<html>", "<head>", f"<title>{esc(spec.title)}</title>", ctx.resources(),
            '<style type="text/css">td{font-size:12px;line-height:20px}a{color:#000;text-decoration:none}</style>' * (6 if site.big else 1),
            "</head>",
        ])
        links = " ".join(ctx.a(lk) for lk in spec.header[1:])
        top = (
            '<body leftmargin="0" topmargin="0" marginwidth="0" marginheight="0">'
            '<table width="778" border="0" align="center" cellpadding="0" cellspacing="0">'
            f'<tr><td>{ctx.img(spec.header[0], " width=778 height=120 border=0")}</td></tr>'
            f'<tr><td height="22" align="right" bgcolor="#EEEEEE">{links}</td></tr></table>'
        )
        menu = (
            '<table width="778" border="0" align="center" cellpadding="0" cellspacing="0" bgcolor="#0066CC">'
            '<tr><td height="28" align="center" class="menu">'
            + " | ".join(ctx.a(lk, inner=f'<font color="#FFFFFF">{esc(lk.text)}</font>') for lk in spec.nav)
            + "</td></tr></table>"
        )
        pos = ""
        if spec.breadcrumb:
            pos = (
                '<table width="778" border="0" align="center"><tr><td height="25">您现在的位置：'
                + " &gt;&gt; ".join(ctx.a(lk) for lk in spec.breadcrumb) + "</td></tr></table>"
            )
        body = f'<table width="778" border="0" align="center" cellpadding="0" cellspacing="0"><tr><td valign="top">{main}</td></tr></table>'
        return "\n".join([head, top, menu, pos, body, self.footer(ctx), "</body>", "</html>"])

    def footer(self, ctx: Ctx) -> str:
        """友情链接 row and the copyright table."""
        spec, site = ctx.spec, ctx.site
        f, fl = site.footer, spec.footer
        friends = (
            '<table width="778" border="0" align="center"><tr><td>友情链接：'
            + " ".join(ctx.a(lk, attrs=BLANK) for lk in spec.friends) + "</td></tr></table>"
        )
        return friends + (
            '<table width="778" border="0" align="center" cellpadding="0" cellspacing="0" bgcolor="#F0F0F0"><tr>'
            f'<td width="100" align="center"><a href="{ctx.href(fl[F_CONAC])}" target="_blank">{ctx.img(fl[F_CONAC_IMG], " border=0")}</a></td>'
            f'<td align="center">版权所有：{esc(f.organiser)}　{ctx.a(fl[F_SITEMAP])}<br>'
            f"地址：{esc(f.address)}　电话：{esc(f.phone)}<br>"
            f"网站标识码：{f.shown_code or site.site_code}　{ctx.a(fl[F_ICP], attrs=BLANK)}<br>"
            f'<a href="{ctx.href(fl[F_PSB])}" target="_blank">{ctx.img(fl[F_GHS], " border=0")}{esc(f.psb)}</a><br>'
            "建议使用IE6.0以上浏览器、1024×768分辨率浏览本站</td>"
            f'<td width="100" align="center"><a href="{ctx.href(fl[F_JIUCUO])}" target="_blank">{ctx.img(fl[F_JIUCUO_IMG], " border=0")}</a></td>'
            "</tr></table>"
        )

    def rows(self, ctx: Ctx, links: list) -> str:
        """Items as old-style table rows with (2024-6-12) dates."""
        return "".join(ROW.format(a=ctx.a(lk, attrs=BLANK), d=_d(lk.date)) if lk.date else f"<tr><td></td><td>{ctx.a(lk)}</td><td></td></tr>" for lk in links)

    def boxed(self, ctx: Ctx, b: Block) -> str:
        """A titled table with a more>> link."""
        more = f'<a href="{ctx.href(b.more)}">more&gt;&gt;</a>' if b.more is not None else ""
        return (
            '<table width="100%" border="0" cellpadding="0" cellspacing="0">'
            f'<tr><td colspan="2" bgcolor="#D6E8FF"><b>{esc(b.name)}</b></td><td align="right" bgcolor="#D6E8FF">{more}</td></tr>'
            f"{self.rows(ctx, b.entries)}</table>"
        )

    # -- page kinds ------------------------------------------------------------------------

    def main_home(self, ctx: Ctx) -> str:
        """Banner, picture row, boxes two by two, hot links."""
        spec = ctx.spec
        cells = []
        for b in spec.blocks:
            if b.pictures:
                pics = "".join(
                    f'<td align="center"><a href="{ctx.href(e)}" target="_blank">{ctx.img(p, " width=170 height=120 border=0")}</a></td>'
                    for e, p in zip(b.entries, b.pictures, strict=True)
                )
                more = f'<a href="{ctx.href(b.more)}">more&gt;&gt;</a>' if b.more else ""
                cells.append(f'<table width="100%"><tr><td colspan="4"><b>{esc(b.name)}</b> {more}</td></tr><tr>{pics}</tr></table>')
            else:
                cells.append(self.boxed(ctx, b))
        grid = "".join(
            f'<tr><td width="50%" valign="top">{cells[i]}</td><td width="50%" valign="top">{cells[i + 1] if i + 1 < len(cells) else "&nbsp;"}</td></tr>'
            for i in range(0, len(cells), 2)
        )
        banner = "".join(ctx.img(lk, " width=778 border=0") for lk in spec.images)
        return f"{banner}<table width=\"100%\" border=\"0\">{grid}</table>{self.extras_block(ctx, '热点链接', 'rdlj')}"

    def main_channel(self, ctx: Ctx) -> str:
        """Sub-class list and boxes."""
        spec = ctx.spec
        sub = " | ".join(ctx.a(lk) for lk in spec.subnav)
        return f'<table width="100%"><tr><td>{sub}</td></tr></table>' + "".join(self.boxed(ctx, b) for b in spec.blocks) + self.extras_block(ctx)

    def main_list(self, ctx: Ctx) -> str:
        """Left class menu; rows; 上一页/下一页."""
        spec = ctx.spec
        menu = "<br>".join(ctx.a(lk) for lk in spec.subnav)
        rows = self.rows(ctx, spec.entries) or '<tr><td colspan="3">没有任何文章</td></tr>'
        pages = ""
        if spec.pagination:
            pages = f'<tr><td colspan="3" align="center">第{spec.page_no + 1}页/共{spec.page_count}页 ' + " ".join(ctx.a(lk) for lk in spec.pagination) + "</td></tr>"
        return (
            f'<table width="100%" border="0"><tr><td width="180" valign="top" bgcolor="#F7F7F7">{menu}</td>'
            f'<td valign="top"><table width="100%" border="0">{rows}{pages}</table>{self.extras_block(ctx)}</td></tr></table>'
        )

    def main_article(self, ctx: Ctx) -> str:
        """Title cell, 更新时间 line, body cell, attachments, neighbours, related."""
        spec = ctx.spec
        it = spec.item
        assert it is not None
        body = self.paragraphs(ctx, it, [ctx.img(lk, " border=0") for lk in spec.images])
        atts = "<br>".join(ctx.a(lk) for lk in spec.attachments)
        labels = (["上一篇文章"] if it.index > 0 else []) + ["下一篇文章"]
        pn = "<br>".join(f"{lab}：{ctx.a(lk)}" for lab, lk in zip(labels, spec.prev_next, strict=False))
        rel = "<br>".join(ctx.a(lk, attrs=BLANK) for lk in spec.related)
        return (
            '<table width="100%" border="0" cellpadding="5">'
            f'<tr><td align="center"><font size="4"><b>{esc(it.title)}</b></font></td></tr>'
            f'<tr><td align="center">作者：佚名　文章来源：{esc(it.source)}　更新时间：{_d(it.date)} {it.published:%H:%M:%S}</td></tr>'
            f"<tr><td>{body}</td></tr>"
            + (f"<tr><td>附件：{atts}</td></tr>" if atts else "")
            + f"<tr><td>{pn}</td></tr><tr><td><b>相关文章</b><br>{rel}</td></tr></table>{self.extras_block(ctx)}"
        )

    def main_sitemap(self, ctx: Ctx) -> str:
        """All classes."""
        return "".join(
            f'<table width="100%"><tr><td><b>{ctx.a(b.more) if b.more else esc(b.name)}</b></td></tr><tr><td>'
            + " | ".join(ctx.a(lk) for lk in b.entries) + "</td></tr></table>"
            for b in ctx.spec.blocks
        )

    def main_search(self, ctx: Ctx) -> str:
        """The search form."""
        return '<form action="Search.asp"><input name="keyword"></form>'

    def main_calendar(self, ctx: Ctx) -> str:
        """Month grid."""
        spec = ctx.spec
        return "<table><tr><td>" + " ".join(ctx.a(lk) for lk in spec.pagination) + "</td></tr><tr><td>" + " ".join(ctx.a(lk) for lk in spec.entries) + "</td></tr></table>"

    def page_frameset(self, ctx: Ctx) -> str:
        """<frameset cols="200,*"> with a tree on the left and a column on the right."""
        spec = ctx.spec
        left, right = spec.frames
        return (
            f"<html><head><title>{esc(spec.title)}</title></head>"
            '<frameset cols="200,*" frameborder="no" border="0" framespacing="0">'
            f'<frame src="{ctx.href(left)}" name="leftFrame" scrolling="auto" noresize>'
            f'<frame src="{ctx.href(right)}" name="mainFrame">'
            "</frameset><noframes><body>您的浏览器不支持框架，请升级浏览器。</body></noframes></html>"
        )

    def page_frame_left(self, ctx: Ctx) -> str:
        """The tree frame: links open in the main frame."""
        rows = "".join(f'<tr><td height="22">{ctx.a(lk, attrs=" target=mainFrame")}</td></tr>' for lk in ctx.spec.subnav)
        return f'<html><head><title>目录</title></head><body bgcolor="#F7F7F7"><table width="100%">{rows}</table></body></html>'

    def render_not_found(self, site: SimSite) -> str:
        """IIS 6's 404 page."""
        return (
            "<html><head><title>无法找到该页</title></head><body><h2>无法找到该页</h2>"
            "<p>您正在搜索的页面可能已经删除、更名或暂时不可用。</p><hr>"
            "<p>HTTP 错误 404 - 文件或目录未找到。<br>Internet 信息服务 (IIS)</p></body></html>"
        )


FAMILY = AspFamily()
