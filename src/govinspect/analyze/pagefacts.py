"""The freshness facts of one page, as plain data: what the site-level column checks need.

During a crawl every in-scope page is parsed once (in the analysis worker when there is one)
and reduced to a `PageFacts`: its type, what it says about columns (breadcrumb, ColumnName,
menus), its list blocks with dated items, whether it shows an "empty column" placeholder, and
its publish date. `analyze/sitecolumns.py` then merges the facts of all pages of a site into
its columns and homepage measures. Keeping this a tuple of strings keeps it cheap to send
between processes and to store.

Two list forms that real CMSs write outside the ordinary markup are read here too:

- Hanweb (大汉) `jpage` lists keep their records in `<script type="text/xml"><datastore>
  <recordset><record><![CDATA[<li>…</li>]]></record>…`; the browser renders them by script.
  The records are parsed as a list of their own (without them such a column would look blank).
- TRS (拓尔思) pagers are written by `createPageHTML(count, current, "index", "html")`; the
  list pages they stand for are named by `script_pages` (analyze/pagers.py).
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from selectolax.lexbor import LexborHTMLParser

from govinspect.analyze.columns import column_key, column_signals
from govinspect.analyze.dates import date_from_url, published_date
from govinspect.analyze.listitems import ListBlock, ListItem, extract_list_blocks, is_pager_title
from govinspect.analyze.nodes import is_hidden
from govinspect.analyze.pagescan import PAGER_HINTS, PageScan
from govinspect.analyze.pagers import script_pages
from govinspect.analyze.pagetype import classify_page, is_article_url, page_features
from govinspect.crawl.urls import host_of, join_url

__all__ = ["FactBlock", "FactItem", "PageFacts", "page_facts", "page_list_blocks", "script_pages", "script_records_html"]

MAX_FALLBACK_ITEMS = 200
ARTICLE_MAX_DATES = 8  # an article-URL page with more full dates than this is read as a list
_DATASTORE_RE = re.compile(r"<datastore\b.*?</datastore>", re.S | re.I)
_RECORD_RE = re.compile(r"<record\b[^>]*>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_LIST_SCRIPT_RE = re.compile(
    r"<script[^>]*>[^<]{0,4000}?(?:\$\.ajax|\$\.get|\$\.post|\.getJSON|XMLHttpRequest|fetch\()", re.I
)


class FactItem(NamedTuple):
    """A list item: title, absolute URL and date (ISO, or None when undated)."""

    title: str
    url: str
    date: str | None


class FactBlock(NamedTuple):
    """A main-role list block of the page."""

    heading: str
    more_url: str | None
    items: tuple[FactItem, ...]


class PageFacts(NamedTuple):
    """What one page tells the column and homepage checks (plain data)."""

    kind: str  # page type (analyze.pagetype.KINDS)
    title: str
    breadcrumb: tuple[tuple[str, str | None], ...]
    column_name: str | None
    nav: tuple[tuple[str, str], ...]
    sub_nav: tuple[tuple[str, str], ...]
    blocks: tuple[FactBlock, ...]  # main-role list blocks, document order
    primary: int | None  # index in `blocks` of the page's own list (most dated items), if any
    blank: bool  # shows an "empty column" text (暂无信息, 正在建设中 …)
    script_list: bool  # a list the browser fills by script that could not be read here
    published: str | None  # article publish date (ISO)
    error: str | None = None


def script_records_html(html: str) -> str | None:
    """The records of a Hanweb `<datastore>` as one `<ul>` of their HTML, or None."""
    if "<datastore" not in html and "<DATASTORE" not in html:
        return None
    records: list[str] = []
    for store in _DATASTORE_RE.finditer(html):
        records.extend(m.group(1) for m in _RECORD_RE.finditer(store.group(0)))
    if not records:
        return None
    return "<html><body><ul>" + "".join(f"<li>{r}</li>" if "<li" not in r[:20].lower() else r for r in records) + "</ul></body></html>"


def page_list_blocks(
    html: str, url: str, *, as_of: date, tree: LexborHTMLParser | None = None, records: str | None = None
) -> list[ListBlock]:
    """The list blocks of a page, including a Hanweb datastore's records (role main);
    `records` is `script_records_html(html)` when the caller has it already."""
    blocks = extract_list_blocks(html, url, as_of=as_of, tree=tree)
    if records is None:
        records = script_records_html(html)
    if records is not None:
        extra = extract_list_blocks(records, url, as_of=as_of)
        for b in extra:
            b.role, b.selector = "main", "script datastore > record"
        blocks = blocks + extra
    return blocks


def _is_menu(items: list[ListItem], menu_urls: set[str], page_url: str) -> bool:
    """Whether a block is a menu or a footer row rather than entries of a list."""
    if menu_urls and sum(1 for i in items if i.url in menu_urls) * 2 >= len(items):
        return True  # a menu of the site's columns (a left column menu in a table)
    undated = sum(1 for i in items if i.date is None)
    if undated * 2 >= len(items):
        own = column_key(page_url)
        if any(column_key(i.url) == own for i in items):
            return True  # undated links including this very column: a menu marking where we are
    page_host = host_of(page_url)
    return all(i.date is None and host_of(i.url) != page_host for i in items)  # 友情链接, footer badges


def _fallback_items(tree: LexborHTMLParser, page_url: str, menu_urls: set[str]) -> list[ListItem]:
    """Article links of a list too short or too plain to form a block (one undated entry)."""
    page_host = host_of(page_url)
    out: list[ListItem] = []
    seen: set[str] = set()
    root = tree.body or tree.root
    if root is None:
        return out
    for a in root.css("a[href]"):
        url = join_url(page_url, a.attributes.get("href") or "")
        if url is None or url in seen or url in menu_urls or host_of(url) != page_host or not is_article_url(url):
            continue
        if is_hidden(a, 4):
            continue
        seen.add(url)
        title = " ".join(a.text(deep=True).split()) or (a.attributes.get("title") or "")
        out.append(ListItem(title, url, date_from_url(url), "url" if date_from_url(url) else "none"))
        if len(out) >= MAX_FALLBACK_ITEMS:
            break
    return out


def _fact_blocks(blocks: list[ListBlock], menu_urls: set[str], page_url: str) -> tuple[tuple[FactBlock, ...], int | None]:
    out: list[FactBlock] = []
    best: tuple[int, int] | None = None
    primary: int | None = None
    for b in blocks:
        if b.role != "main" or not b.items:
            continue
        entries = [i for i in b.items if not is_pager_title(i.title)] or b.items
        if _is_menu(entries, menu_urls, page_url):
            continue
        items = tuple(FactItem(i.title, i.url, i.date.isoformat() if i.date else None) for i in entries)
        dated = sum(1 for i in items if i.date)
        key = (dated, len(items))
        if best is None or key > best:
            best, primary = key, len(out)
        out.append(FactBlock(b.heading, b.more_url, items))
    return tuple(out), primary


_FULL_DATE_RE = re.compile(r"20\d\d[-/.年]\d{1,2}[-/.月]\d{1,2}")
_PAGER_HINTS = PAGER_HINTS


def _title(tree: LexborHTMLParser) -> str:
    node = tree.css_first("title")
    return " ".join((node.text() if node is not None else "").split())


def _plainly_article(html: str, url: str, pager_hint: bool | None = None) -> bool:
    """An article by its URL, with no pager and few dates: most pages of a site. Their lists
    (related articles) say nothing about any column, so the costly list reading is skipped.
    `pager_hint`: whether the page holds a pager hint, when the caller knows."""
    if not is_article_url(url):
        return False
    if pager_hint if pager_hint is not None else any(h in html for h in _PAGER_HINTS):
        return False
    return len(_FULL_DATE_RE.findall(html, 0, 200_000)) < ARTICLE_MAX_DATES


def _article_facts(html: str, url: str, *, as_of: date, tree: LexborHTMLParser) -> PageFacts:
    signals = column_signals(html, url, tree=tree)
    found, _how = published_date(html, url, as_of=as_of, tree=tree)
    return PageFacts(
        kind="article", title=_title(tree), breadcrumb=tuple(signals.breadcrumb), column_name=signals.column_name,
        nav=(), sub_nav=(), blocks=(), primary=None, blank=False, script_list=False,
        published=found.isoformat() if found else None,
    )


def page_facts(
    html: str, url: str, *, as_of: date, is_home: bool = False, tree: LexborHTMLParser | None = None,
    blocks: list[ListBlock] | None = None, scan: PageScan | None = None,
) -> PageFacts:
    """The freshness facts of a decoded page (parsed once; `tree` shares a caller's parse,
    `blocks` the caller's `page_list_blocks` and `scan` its `pagescan.scan_page`)."""
    if tree is None:
        tree = LexborHTMLParser(html)
    if blocks is None and not is_home and _plainly_article(html, url, scan.pager_hint if scan is not None else None):
        return _article_facts(html, url, as_of=as_of, tree=tree)
    records = script_records_html(html)
    if blocks is None:
        blocks = page_list_blocks(html, url, as_of=as_of, tree=tree, records=records)
    script_list = False
    features = page_features(tree, html)
    kind = classify_page(html, url, as_of=as_of, is_home=is_home, blocks=blocks, tree=tree, features=features).kind
    signals = column_signals(html, url, tree=tree)
    menu_urls = {u for _, u in signals.nav} | {u for _, u in signals.sub_nav}
    menu_urls |= {u for _, u in signals.breadcrumb if u}
    fact_blocks, primary = _fact_blocks(blocks, menu_urls, url)
    if primary is None and kind in ("list", "letters", "other") and not features.blank:
        extra_items = _fallback_items(tree, url, menu_urls)
        if extra_items:
            more, _ = _fact_blocks([ListBlock(extra_items, "a", "main", "", None)], menu_urls, url)
            if more:
                fact_blocks, primary = fact_blocks + more, len(fact_blocks)
    if not fact_blocks and not features.blank and records is None:
        # An empty-looking list page that loads its entries by script (ajax) is not known
        # to be blank: say so, and let the column be "unknown" rather than "blank".
        script_list = _LIST_SCRIPT_RE.search(html[:300_000]) is not None
    published = None
    if kind == "article":
        found, _how = published_date(html, url, as_of=as_of, tree=tree)
        published = found.isoformat() if found else None
    return PageFacts(
        kind=kind,
        title=_title(tree),
        breadcrumb=tuple(signals.breadcrumb),
        column_name=signals.column_name,
        nav=tuple(signals.nav),
        sub_nav=tuple(signals.sub_nav),
        blocks=fact_blocks,
        primary=primary,
        blank=features.blank,
        script_list=script_list,
        published=published,
    )
