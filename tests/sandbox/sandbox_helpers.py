"""Helpers of the sandbox tests (a module of its own so test files can import it)."""

from __future__ import annotations

from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser

from govinspect.sandbox.urls import normalize_url

SLOW = 0.2  # slow pages answer after this long in the tests' province

_SKIP = ("javascript:", "mailto:", "tel:", "#")
_SELECTORS = (
    ("a[href]", "href", "a"),
    ("area[href]", "href", "area"),
    ("img[src]", "src", "img"),
    ("frame[src]", "src", "frame"),
    ("iframe[src]", "src", "iframe"),
    ("link[href]", "href", "link"),
    ("script[src]", "src", "script"),
)


def html_links(html: str, page_url: str) -> list[tuple[str, str]]:
    """(tag, normalised absolute URL) of every fetchable link in `html`, as a crawler sees them:
    <base href> honoured, srcset candidates included, javascript:/mailto:/# skipped."""
    tree = LexborHTMLParser(html)
    base = tree.css_first("base[href]")
    base_url = urljoin(page_url, base.attributes["href"] or "") if base is not None else page_url
    out: list[tuple[str, str]] = []
    for selector, attr, tag in _SELECTORS:
        for node in tree.css(selector):
            value = (node.attributes.get(attr) or "").strip()
            if not value or value.lower().startswith(_SKIP):
                continue
            out.append((tag, normalize_url(urljoin(base_url, value))))
    for node in tree.css("img[srcset]"):
        src = node.attributes.get("src")
        for candidate in (node.attributes.get("srcset") or "").split(","):
            url = candidate.strip().split()[0]
            if url != src:
                out.append(("img", normalize_url(urljoin(base_url, url))))
    return out
