"""What the crawler needs to know about a fetched page: its encoding, title and links.

`analyse_page` is the pure function; `crawl/worker.py` runs it in a second process so that
parsing overlaps fetching on a multi-core machine. Both return the same plain tuple-based
`PageAnalysis`, cheap to send between processes.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from govinspect.analyze.links import extract_links
from govinspect.crawl.verdicts import looks_like_not_found
from govinspect.net.decoding import decode_body

_TAG_RE = re.compile(r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", re.S | re.I)
_WS_RE = re.compile(r"\s+")
NOT_FOUND_SCAN = 30_000  # characters of a page searched for not-found wording


class PageLink(NamedTuple):
    """One link of a page: absolute normalised URL, the tag it came from, its text."""

    url: str
    tag: str
    text: str
    hidden: bool


class PageAnalysis(NamedTuple):
    """A page as the crawler sees it."""

    encoding: str
    title: str
    links: list[PageLink]
    # Visible text when the page reads like "page not found" (for the soft-404 test), else None.
    not_found_text: str | None
    error: str | None = None


def visible_text(html: str) -> str:
    """Tag-stripped, whitespace-collapsed text of (the first 200,000 characters of) a page."""
    return _WS_RE.sub(" ", _TAG_RE.sub(" ", html[:200_000])).strip()


def not_found_text(text: str) -> str | None:
    """The visible text of a page that reads like "page not found", else None."""
    # Cheap substring test first: stripping tags costs more than the rest of the page's
    # handling, and almost no page contains any not-found phrase at all.
    if not looks_like_not_found(text[:NOT_FOUND_SCAN], limit=NOT_FOUND_SCAN):
        return None
    stripped = visible_text(text)
    return stripped if looks_like_not_found(stripped) else None


def analyse_text(text: str, encoding: str, page_url: str) -> PageAnalysis:
    """Links, title and the not-found signal of already decoded HTML."""
    not_found = not_found_text(text)
    try:
        page = extract_links(text, page_url)
    except Exception as exc:  # a parser crash on one page must not stop the site
        return PageAnalysis(encoding, "", [], not_found, f"{type(exc).__name__}: {exc}"[:200])
    links = [PageLink(link.url, link.tag, link.text, link.hidden) for link in page.links]
    return PageAnalysis(encoding, page.title, links, not_found)


def analyse_page(body: bytes, content_type: str | None, page_url: str) -> PageAnalysis:
    """Decode and analyse one fetched page."""
    text, encoding = decode_body(body, content_type)
    return analyse_text(text, encoding, page_url)
