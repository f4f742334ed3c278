"""What the crawler needs to know about a fetched page: its encoding, title and links.

`analyse_page` is the pure function; `crawl/worker.py` runs it in a second process so that
parsing overlaps fetching on a multi-core machine. Both return the same plain tuple-based
`PageAnalysis`, cheap to send between processes.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from datetime import date

from selectolax.lexbor import LexborHTMLParser

from govinspect.analyze.links import extract_links
from govinspect.analyze.pagers import script_pages
from govinspect.crawl.urls import join_url
from govinspect.crawl.verdicts import NOT_FOUND_SCAN, looks_like_not_found
from govinspect.net.decoding import decode_body

if TYPE_CHECKING:
    from govinspect.analyze.integrity import PageIntegrity
    from govinspect.analyze.pagefacts import PageFacts
    from govinspect.analyze.pageparts import PageParts
    from govinspect.analyze.pagescan import PageScan

_TAG_RE = re.compile(r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", re.S | re.I)
_WS_RE = re.compile(r"\s+")
SCRIPT_PAGER_TAG = "script-pager"  # links named by a createPageHTML() pager script


class PageAnalysis(NamedTuple):
    """A page as the crawler sees it. Links are columns (one entry per link, same order):
    cheaper to build, to send between processes and to walk than one object per link."""

    encoding: str
    title: str
    urls: list[str]  # absolute, normalised
    tags: list[str]  # the element each link came from (a, img, frame, meta …)
    texts: list[str]  # anchor text or alt, whitespace collapsed
    hidden: list[bool]
    # Visible text when the page reads like "page not found" (for the soft-404 test), else None.
    not_found_text: str | None
    error: str | None = None
    # The freshness facts (columns, list items, dates) when asked for with `as_of`.
    facts: PageFacts | None = None
    # The content-integrity facts (misstatements, illegal content, privacy, secret marks),
    # asked for together with the freshness facts.
    integrity: PageIntegrity | None = None
    # Footer, meta tags, letters, guide, channel and service entries (with `as_of`).
    parts: PageParts | None = None

    @classmethod
    def failed(cls, error: str) -> "PageAnalysis":
        """An analysis that could not be made, with the reason."""
        return cls("", "", [], [], [], [], None, error)


def visible_text(html: str) -> str:
    """Tag-stripped, whitespace-collapsed text of (the first 200,000 characters of) a page."""
    return _WS_RE.sub(" ", _TAG_RE.sub(" ", html[:200_000])).strip()


def not_found_text(text: str, scan: PageScan | None = None) -> str | None:
    """The visible text of a page that reads like "page not found", else None (`scan`: the
    page's `pagescan.scan_page`, which holds the cheap phrase test)."""
    # Cheap substring test first: stripping tags costs more than the rest of the page's
    # handling, and almost no page contains any not-found phrase at all.
    if scan is not None:
        if not scan.not_found:
            return None
    elif not looks_like_not_found(text, limit=NOT_FOUND_SCAN):
        return None
    stripped = visible_text(text)
    return stripped if looks_like_not_found(stripped) else None


def analyse_text(
    text: str, encoding: str, page_url: str, *, as_of: date | None = None, is_home: bool = False,
    site_hosts: frozenset[str] = frozenset(),
) -> PageAnalysis:
    """Links, title and the not-found signal of already decoded HTML; with `as_of` (T) also
    the page's freshness and integrity facts (`site_hosts`: the inspected site's hosts). The
    page is parsed once for all of it."""
    # With `as_of` every word test of the analysers comes from one pass over the page.
    scan = None
    if as_of is not None:
        # The freshness, integrity and page-part analysers are imported only when asked for:
        # a links-only sweep (and its worker) starts without loading them, ~0.1 s.
        from govinspect.analyze.integrity import page_integrity
        from govinspect.analyze.pagefacts import page_facts
        from govinspect.analyze.pageparts import page_parts
        from govinspect.analyze.pagescan import scan_page

        try:
            scan = scan_page(text)
        except Exception:  # e.g. a lone surrogate the automaton cannot take: test one by one
            scan = None
    not_found = not_found_text(text, scan)
    try:
        tree = LexborHTMLParser(text)
        # With the freshness and integrity facts asked for, the links' walk of the tree also
        # collects the elements integrity analysis reads.
        page = extract_links(text, page_url, tree=tree, inventory=as_of is not None)
    except Exception as exc:  # a parser crash on one page must not stop the site
        failed = PageAnalysis.failed(f"{type(exc).__name__}: {exc}"[:200])
        return failed._replace(encoding=encoding, not_found_text=not_found)
    links = page.links
    urls, tags = [k.url for k in links], [k.tag for k in links]
    texts, hidden = [k.text for k in links], [k.hidden for k in links]
    if len(urls) < JS_REDIRECT_MAX_LINKS:
        # Many government homepages are a bare script that sends the visitor on
        # (`window.location.href = "/col/col1/index.html"`): follow it like a meta refresh.
        for target in js_redirects(text):
            url = join_url(page.base_url, target)
            if url is not None and url not in urls:
                urls.append(url)
                tags.append("script-redirect")
                texts.append("")
                hidden.append(False)
    for url in script_pages(text, page.base_url):
        # TRS pagers written by createPageHTML(): the list's further pages, which a visitor
        # reaches through the script's links.
        if url not in urls:
            urls.append(url)
            tags.append(SCRIPT_PAGER_TAG)
            texts.append("")
            hidden.append(False)
    facts = None
    integrity = None
    error = None
    if as_of is not None and not_found is None:
        try:
            facts = page_facts(text, page_url, as_of=as_of, is_home=is_home, tree=tree, scan=scan)
        except Exception as exc:  # the links are still good; the freshness facts are lost
            error = f"facts: {type(exc).__name__}: {exc}"[:200]
        integrity = page_integrity(
            text, page_url, tree=tree, as_of=as_of, is_home=is_home, site_hosts=site_hosts,
            inventory=page.inventory, page_url=page.page_url,
        )
    parts = None
    if as_of is not None and not_found is None:
        try:
            context = " ".join([*(n for n, _ in facts.breadcrumb[1:]), facts.column_name or ""]) if facts else ""
            parts = page_parts(
                text, page_url, tree=tree, kind=facts.kind if facts else "other", as_of=as_of,
                urls=urls, texts=texts, context=context, scan=scan,
            )
        except Exception as exc:  # the links and freshness facts stand without the parts
            error = error or f"parts: {type(exc).__name__}: {exc}"[:200]
    return PageAnalysis(encoding, page.title, urls, tags, texts, hidden, not_found, error, facts, integrity, parts)


# Only pages with this few links are searched for script redirects: a full page's scripts
# (menus, statistics) are not navigation a visitor is sent through.
JS_REDIRECT_MAX_LINKS = 5
_JS_REDIRECT = re.compile(
    r"""(?:window\.|self\.|top\.|document\.|parent\.)?location(?:\.href)?\s*=\s*["']([^"'\s]{1,500})["']"""
    r"""|location\.(?:replace|assign)\(\s*["']([^"'\s]{1,500})["']\s*\)""",
    re.I,
)


def js_redirects(html: str) -> list[str]:
    """Targets of `location = "…"` / `location.replace("…")` in the page's inline scripts."""
    out: list[str] = []
    for script in re.findall(r"<script[^>]*>(.*?)</script>", html[:100_000], re.S | re.I):
        for m in _JS_REDIRECT.finditer(script):
            target = m.group(1) or m.group(2)
            if target and not target.lower().startswith(("javascript:", "#")) and target not in out:
                out.append(target)
    return out


def pack(analysis: PageAnalysis) -> tuple[object, ...]:
    """A compact wire form: each column joined into one string (URLs and collapsed texts
    carry no newline), so pickling costs a few objects per page instead of hundreds."""
    return (
        analysis.encoding, analysis.title, len(analysis.urls), "\n".join(analysis.urls),
        "\n".join(analysis.tags), "\n".join(analysis.texts), bytes(analysis.hidden),
        analysis.not_found_text, analysis.error, analysis.facts, analysis.integrity, analysis.parts,
    )


def unpack(wire: tuple[object, ...]) -> PageAnalysis:
    """Inverse of `pack`."""
    encoding, title, n, urls, tags, texts, hidden, not_found, error, facts, integrity, parts = wire
    if not n:
        return PageAnalysis(encoding, title, [], [], [], [], not_found, error, facts, integrity, parts)  # type: ignore[arg-type]
    return PageAnalysis(
        encoding, title, urls.split("\n"), tags.split("\n"), texts.split("\n"),  # type: ignore[union-attr, arg-type]
        [bool(b) for b in hidden], not_found, error, facts, integrity, parts,  # type: ignore[union-attr, arg-type]
    )


_WARM_UP_PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>通知公告_示例市人民政府</title></head><body>"
    "<div class='nav'><a href='/'>首页</a><a href='/zwgk/'>政务公开</a><a href='/tzgg/'>通知公告</a></div>"
    "<div class='list'><ul><li><a href='/tzgg/1.html'>关于开展安全生产检查的通知</a><span>2024-05-01</span></li>"
    "<li><a href='/tzgg/2.html'>关于印发实施方案的通知</a><span>2024-04-20</span></li></ul></div>"
    "<p style='display:none'>习近平新时代中国特色社会主义思想 身份证号 秘密</p>"
    "<script>var a = 1;</script></body></html>"
)


def warm_up(*, full: bool = True) -> None:
    """Load and compile everything page analysis needs (word lists, automata, profiles) by
    analysing a small page, so that the first real page does not wait for it. `full=False`:
    only what links and the not-found signal need (a links-only sweep)."""
    analyse_page(_WARM_UP_PAGE.encode(), "text/html", "http://warm-up.invalid/tzgg/index.html",
                 as_of=date(2024, 6, 1) if full else None, is_home=True, site_hosts=frozenset({"warm-up.invalid"}))


def analyse_page(
    body: bytes, content_type: str | None, page_url: str, *, as_of: date | None = None, is_home: bool = False,
    site_hosts: frozenset[str] = frozenset(),
) -> PageAnalysis:
    """Decode and analyse one fetched page (with `as_of`: its freshness and integrity facts too)."""
    text, encoding = decode_body(body, content_type)
    return analyse_text(text, encoding, page_url, as_of=as_of, is_home=is_home, site_hosts=site_hosts)
