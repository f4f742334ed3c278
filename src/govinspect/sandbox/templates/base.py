"""What every template family shares: its URL scheme contract, href writing, and the page
skeleton. A family subclasses `Family` and overrides the parts that make it look like itself."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, ClassVar

from govinspect.sandbox.content import article_body
from govinspect.sandbox.pagesplan import GUIDE_KEYS, LETTER_KEYS
from govinspect.sandbox.urls import relative_href

if TYPE_CHECKING:
    from govinspect.sandbox.model import Column, Item, Link, PageKey, SimSite
    from govinspect.sandbox.pages import Block, PageSpec


BLANK = ' target="_blank"'
_CN_NUM = "一二三四五六七八九十"
# How each family labels some guide elements (the variants real guides use).
GUIDE_LABELS: dict[str, dict[str, str]] = {
    "trs": {"设定依据": "法律依据", "办理材料": "申请材料", "办理地点": "受理地点", "联系电话": "咨询电话", "办理机构": "实施主体"},
    "hanweb": {"申请条件": "受理条件", "办理时间": "办公时间", "办理流程": "办理程序"},
    "asp": {"办理材料": "申报材料", "收费标准": "是否收费"},
}


def guide_values(site: SimSite, item: Item) -> dict[str, str]:
    """The ten elements of a sandbox guide, in the official order."""
    f = site.footer
    topic = item.title.replace("事项办事指南", "").replace("相关业务办理指南", "")
    return {
        "事项名称": topic or item.title,
        "设定依据": f"《{site.area_name}{topic}管理办法》第十二条",
        "申请条件": "申请人为本行政区域内依法登记的单位或具有完全民事行为能力的自然人。",
        "办理材料": "1.申请表；2.申请人身份证明；3.相关证明材料复印件。",
        "办理地点": f"{site.area_name}政务服务中心二楼综合窗口",
        "办理机构": site.organiser,
        "收费标准": "不收费",
        "办理时间": "工作日上午9:00—12:00，下午13:30—17:00",
        "联系电话": f.phone,
        "办理流程": "申请—受理—审核—办结",
    }


# Positions of the footer links in PageSpec.footer (see pages._frame).
F_SITEMAP, F_CONAC, F_CONAC_IMG, F_JIUCUO, F_JIUCUO_IMG, F_ICP, F_PSB, F_GHS = range(8)


def esc(text: str) -> str:
    """HTML-escape text and attribute values."""
    return html.escape(text, quote=True)


class Ctx:
    """Rendering context of one page: writes hrefs the way this page's CMS writes them."""

    def __init__(self, spec: PageSpec) -> None:
        self.spec = spec
        self.site = spec.site
        self.origin = spec.site.origin
        self.page_path = spec.path.partition("?")[0]

    def href(self, link: Link) -> str:
        """The href/src attribute value (escaped) for `link`."""
        if link.raw is not None:
            return esc(link.raw)
        return esc(self.write(link.url))

    def write(self, url: str) -> str:
        """`url` written relative to this page (or its <base>) when it is on the same site."""
        if not url.startswith(self.origin + "/"):
            return url
        pq = url[len(self.origin) :]
        spec = self.spec
        if spec.base_href is not None:
            return pq[1:] or "./"
        style = spec.style
        if style == "absolute":
            return url
        if style == "root":
            return pq
        rel = relative_href(self.page_path, pq)
        if style == "bare" and rel.startswith("./") and len(rel) > 2:
            return rel[2:]
        return rel

    def a(self, link: Link, text: str | None = None, attrs: str = "", inner: str | None = None) -> str:
        """An <a> element for `link` (`inner` is inserted as HTML, `text` escaped)."""
        label = inner if inner is not None else esc(link.text if text is None else text)
        title = f' title="{esc(link.title)}"' if link.title else ""
        return f'<a href="{self.href(link)}"{title}{attrs}>{label}</a>'

    def img(self, link: Link, attrs: str = "") -> str:
        """An <img> element for `link` (with srcset when the model has a 2x picture)."""
        srcset = ""
        if link.srcset2x:
            srcset = f' srcset="{self.href(link)} 1x, {esc(self.write(link.srcset2x))} 2x"'
        return f'<img src="{self.href(link)}"{srcset} alt="{esc(link.text)}"{attrs}>'

    def resources(self) -> str:
        """<link rel=stylesheet> and <script src> of the page."""
        out = []
        for lk in self.spec.resources:
            if lk.tag == "link":
                out.append(f'<link rel="stylesheet" type="text/css" href="{self.href(lk)}">')
            else:
                out.append(f'<script type="text/javascript" src="{self.href(lk)}"></script>')
        return "\n".join(out)

    def body(self, item: Item) -> list[str]:
        """The article's paragraphs."""
        return article_body(self.site, item)


class Family:
    """A CMS family: URL scheme + page look. Subclasses fill in the class attributes and
    override the render hooks."""

    name: ClassVar[str] = ""
    id_base: ClassVar[int] = 1_000_000
    col_id_base: ClassVar[int] = 1
    col_id_step: ClassVar[int] = 1
    page_size: ClassVar[int] = 15
    link_style: ClassVar[str] = "root"
    server: ClassVar[str] = "nginx"
    features: ClassVar[frozenset[str]] = frozenset()
    raw_unicode_paths: ClassVar[bool] = False  # hrefs carry raw Chinese file names
    url_has_date: ClassVar[bool] = True  # article URLs carry the publication date
    assets: ClassVar[dict[str, str]] = {}
    sitemap_path: ClassVar[str] = "/wzdt/index.html"

    # -- URL scheme -----------------------------------------------------------------------

    def column_paths(self, site: SimSite, col: Column, page: int) -> list[str]:
        """Paths serving list page `page` of `col` (the first one is what links use)."""
        raise NotImplementedError

    def column_path(self, site: SimSite, col: Column, page: int) -> str:
        """The path links use for list page `page` of `col`."""
        return self.column_paths(site, col, page)[0]

    def article_path(self, site: SimSite, item: Item) -> str:
        """Path of an article."""
        raise NotImplementedError

    def attachment_path(self, site: SimSite, item: Item, k: int, ext: str) -> str:
        """Path of the k-th attachment of an item (percent-encoded)."""
        raise NotImplementedError

    def image_path(self, site: SimSite, item: Item, k: int) -> str:
        """Path of the k-th picture of an item."""
        raise NotImplementedError

    def image_2x(self, path: str) -> str | None:
        """The high-resolution twin listed in srcset, for families that write srcset."""
        return None

    def extra_pages(self, site: SimSite) -> dict[str, PageKey]:
        """Family-specific pages (framesets, iframe widgets): path → page key."""
        return {}

    def header_links(self, site: SimSite) -> list[tuple[str, str]]:
        """Extra header links to the family's own pages: (path, text)."""
        return []

    def parse_list(self, site: SimSite, path_qs: str) -> tuple[int, int] | None:
        """(column index, page) when `path_qs` looks like a list page of this family."""
        return None

    # -- rendering --------------------------------------------------------------------------

    def render(self, spec: PageSpec) -> str:
        """The page's HTML."""
        ctx = Ctx(spec)
        special = getattr(self, f"page_{spec.kind}", None)
        if special is not None:
            return special(ctx)
        kind = spec.kind
        key = spec.column.key if spec.column is not None else ""
        if kind == "article" and key in LETTER_KEYS:
            kind = "letter"
        elif kind == "article" and key in GUIDE_KEYS:
            kind = "guide"
        elif kind == "list" and key in LETTER_KEYS:
            kind = "letters"
        main = getattr(self, f"main_{kind}")(ctx)
        return self.skeleton(ctx, main)

    # -- letters, guides and the letter form (shared by every family; `layout` picks the look) --

    layout: ClassVar[str] = "table"  # table | div | dl

    def main_letters(self, ctx: Ctx) -> str:
        """A letters list: 信件编号 | 来信标题 | 来信时间 | 答复时间 | 状态 (or div rows)."""
        spec, site = ctx.spec, ctx.site
        col = spec.column
        assert col is not None
        items = site.items(col)[spec.page_no * site.page_size : (spec.page_no + 1) * site.page_size]
        write = f'<a class="btn" href="{ctx.href(spec.actions[0])}">{esc(spec.actions[0].text)}</a>' if spec.actions else ""
        pager = " ".join(ctx.a(lk) for lk in spec.pagination)
        rows = []
        for lk, it in zip(spec.entries, items, strict=True):
            answered = f"{it.answered:%Y-%m-%d}" if it.answered else ""
            if self.layout == "div":
                reply = f"<span>回复时间：{answered}</span>" if answered else ""
                rows.append(
                    f'<div class="ly-item"><div class="ly-title">{ctx.a(lk, attrs=BLANK)}</div>'
                    f"<div class=\"ly-info\"><span>留言时间：{it.date:%Y-%m-%d}</span>{reply}"
                    f"<span>处理状态：{esc(it.status)}</span></div></div>"
                )
            else:
                rows.append(
                    f"<tr><td>{it.id}</td><td>{ctx.a(lk, attrs=BLANK)}</td><td>{it.date:%Y-%m-%d}</td>"
                    f"<td>{answered}</td><td>{esc(it.status)}</td></tr>"
                )
        if self.layout == "div":
            body = "".join(rows) or '<div class="nodata">暂无信息</div>'
        else:
            body = (
                '<table class="xjlist" width="100%"><tr><th>信件编号</th><th>来信标题</th><th>来信时间</th>'
                f"<th>答复时间</th><th>办理状态</th></tr>{''.join(rows)}</table>"
            )
        sub = "".join(f"<li>{ctx.a(lk)}</li>" for lk in spec.subnav)
        return (
            f'<div class="main mailbox"><ul class="subnav">{sub}</ul><div class="lmtitle">{esc(col.name)} {write}</div>'
            f'{body}<div class="page">{pager}</div>{self.extras_block(ctx)}</div>'
        )

    def _neighbours(self, ctx: Ctx) -> str:
        spec = ctx.spec
        atts = "".join(f"<p>{ctx.a(lk)}</p>" for lk in spec.attachments)
        pics = "".join(ctx.img(lk) for lk in spec.images)
        pn = "".join(f"<p>{ctx.a(lk)}</p>" for lk in spec.prev_next)
        rel = "".join(f"<li>{ctx.a(lk, attrs=BLANK)}</li>" for lk in spec.related)
        return f'{pics}<div class="fj">{atts}</div><div class="prev_next">{pn}</div><ul class="xgwz">{rel}</ul>{self.extras_block(ctx)}'

    def main_letter(self, ctx: Ctx) -> str:
        """One letter with its reply (labelled table, or div lines)."""
        it = ctx.spec.item
        assert it is not None
        site = ctx.site
        answered = f"{it.answered:%Y-%m-%d}" if it.answered else ""
        reply = "您的来信已收悉，现答复如下：经核实，相关部门已按规定办理，感谢您对我们工作的关注和支持。" if it.answered else ""
        replier = site.organiser if it.answered else ""
        if self.layout == "div":
            block = (
                f'<div class="letter"><h1>{esc(it.title)}</h1><p><span>留言时间：</span>{it.published:%Y-%m-%d %H:%M}</p>'
                f"<p>处理状态：{esc(it.status)}</p><div class=\"reply\"><h4>回复内容</h4><p>{esc(reply)}</p>"
                f"<p>回复单位：{esc(replier)}</p><p>回复时间：{answered}</p></div></div>"
            )
        else:
            block = (
                f'<table class="letter" width="100%"><tr><th>信件标题</th><td>{esc(it.title)}</td></tr>'
                f"<tr><th>来信时间</th><td>{it.published:%Y-%m-%d %H:%M}</td></tr>"
                f"<tr><th>办理状态</th><td>{esc(it.status)}</td></tr><tr><th>答复单位</th><td>{esc(replier)}</td></tr>"
                f"<tr><th>答复时间</th><td>{answered}</td></tr><tr><th>答复内容</th><td>{esc(reply)}</td></tr></table>"
            )
        return f'<div class="main article">{block}{self._neighbours(ctx)}</div>'

    def main_guide(self, ctx: Ctx) -> str:
        """A 办事指南 with the ten elements (some left out or empty, as the model says)."""
        it = ctx.spec.item
        assert it is not None
        values = guide_values(ctx.site, it)
        labels = GUIDE_LABELS.get(self.name, {})
        rows = []
        for k, (element, value) in enumerate(values.items()):
            if element in it.guide_omitted:
                continue
            label = labels.get(element, element)
            shown = "" if element in it.guide_empty else esc(value)
            if self.layout == "div":
                rows.append(f"<h3>{_CN_NUM[k]}、{label}</h3><p>{shown}</p>")
            elif self.layout == "dl":
                rows.append(f"<dt>{label}：</dt><dd>{shown}</dd>")
            else:
                rows.append(f'<tr><th width="160">{label}</th><td>{shown}</td></tr>')
        if self.layout == "div":
            body = '<div class="bszn">' + "".join(rows) + "</div>"
        elif self.layout == "dl":
            body = '<dl class="bszn">' + "".join(rows) + "</dl>"
        else:
            body = '<table class="bszn" border="1" width="100%">' + "".join(rows) + "</table>"
        forms = ""
        if ctx.spec.attachments:
            forms = '<div class="down">表格下载：' + " ".join(ctx.a(lk) for lk in ctx.spec.attachments) + "</div>"
        spec = ctx.spec
        pics = "".join(ctx.img(lk) for lk in spec.images)
        pn = "".join(f"<p>{ctx.a(lk)}</p>" for lk in spec.prev_next)
        rel = "".join(f"<li>{ctx.a(lk, attrs=BLANK)}</li>" for lk in spec.related)
        return (
            f'<div class="main guide"><h1>{esc(it.title)}</h1><div class="info">发布日期：{it.published:%Y-%m-%d}</div>'
            f'{body}{forms}{pics}<div class="prev_next">{pn}</div><ul class="xgwz">{rel}</ul>{self.extras_block(ctx)}</div>'
        )

    def main_form(self, ctx: Ctx) -> str:
        """The 我要写信 submission form."""
        return (
            '<div class="main xiexin"><h1>我要写信</h1><form action="/hdjl/submit.do" method="post">'
            '<p>姓名：<input type="text" name="name"></p><p>联系电话：<input type="text" name="phone"></p>'
            '<p>信件标题：<input type="text" name="title"></p><p>信件内容：<textarea name="content" rows="8"></textarea></p>'
            '<p><input type="submit" value="提交"></p></form></div>'
        )

    def skeleton(self, ctx: Ctx, main: str) -> str:
        """Head, header, navigation, breadcrumb, main, extras, footer."""
        raise NotImplementedError

    def render_not_found(self, site: SimSite) -> str:
        """The site's ordinary 404 page."""
        return (
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404 Not Found</title></head>"
            "<body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>"
        )

    # -- helpers shared by families -----------------------------------------------------------

    @staticmethod
    def meta_charset(site: SimSite) -> str:
        """The <meta> charset declaration the site writes ('' when it declares none)."""
        if site.declared_charset is None:
            return ""
        return f'<meta http-equiv="Content-Type" content="text/html; charset={site.declared_charset}">'

    @staticmethod
    def gov_meta(ctx: Ctx) -> str:
        """The meta tags of the national page standard (SiteName, SiteIDCode, ColumnName …)."""
        spec, site = ctx.spec, ctx.site
        tags = [("SiteName", site.name), ("SiteDomain", site.host), ("SiteIDCode", site.site_code)]
        if spec.column is not None:
            tags.append(("ColumnName", spec.column.name))
            tags.append(("ColumnType", spec.column.category))
        if spec.item is not None:
            it = spec.item
            tags += [("ArticleTitle", it.title), ("PubDate", f"{it.published:%Y-%m-%d %H:%M}"), ("ContentSource", it.source)]
        return "\n".join(f'<meta name="{k}" content="{esc(v)}">' for k, v in tags)

    @staticmethod
    def extras_block(ctx: Ctx, title: str = "相关链接", cls: str = "xglj") -> str:
        """The page's extra links (hot links on the homepage, related links elsewhere)."""
        if not ctx.spec.extras:
            return ""
        lis = "".join(f"<li>{ctx.a(lk, attrs=BLANK)}</li>" for lk in ctx.spec.extras)
        return f'<div class="{cls}"><h3>{title}</h3><ul>{lis}</ul></div>'

    @staticmethod
    def block_entries(ctx: Ctx, block: Block, date_fmt: str) -> str:
        """Items of a block as <li> with dates."""
        out = []
        for lk in block.entries:
            date = f"<span>{lk.date.strftime(date_fmt)}</span>" if lk.date else ""
            out.append(f"<li>{ctx.a(lk, attrs=BLANK)}{date}</li>")
        return "".join(out)

    @staticmethod
    def paragraphs(ctx: Ctx, item: Item, pictures: list[str]) -> str:
        """The article body with its pictures after the first paragraph."""
        seeded = ctx.site.integrity.pages.get(("article", item.id))
        paras = ([*seeded.head, *ctx.body(item)] if seeded is not None else ctx.body(item))
        out = [f"<p>{esc(paras[0])}</p>"] if paras else []
        out += [f'<p style="text-align:center">{p}</p>' for p in pictures]
        out += [f"<p>{esc(p)}</p>" for p in paras[1:]]
        if seeded is not None:
            out += seeded.tail  # HTML: tables, hidden link blocks (sandbox/integrity.py)
        return "\n".join(out)
