"""What every template family shares: its URL scheme contract, href writing, and the page
skeleton. A family subclasses `Family` and overrides the parts that make it look like itself."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, ClassVar

from govinspect.sandbox.content import article_body
from govinspect.sandbox.urls import relative_href

if TYPE_CHECKING:
    from govinspect.sandbox.model import Column, Item, Link, PageKey, SimSite
    from govinspect.sandbox.pages import Block, PageSpec


BLANK = ' target="_blank"'
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
        main = getattr(self, f"main_{spec.kind}")(ctx)
        return self.skeleton(ctx, main)

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
