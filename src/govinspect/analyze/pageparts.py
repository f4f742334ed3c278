"""One page → its footer marks, standard meta tags, letters, guide and channel/service entries:
what the interaction, service and identity checks need, as plain tuples cheap to send from
the analysis worker. The footer and meta tags are read on every page (cheap); letters and
guides only on pages whose raw text passes their cheap tests (`looks_like_letters`,
`looks_like_guide`)."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from selectolax.lexbor import LexborHTMLParser

from govinspect.analyze.footer import FooterFacts, page_footer
from govinspect.analyze.guides import Guide, guide_rules, looks_like_guide, page_guide
from govinspect.analyze.letters import LettersPage, channel_links, looks_like_letters, page_letters
from govinspect.analyze.pagemeta import page_meta
from govinspect.analyze.pagescan import PageScan

__all__ = ["PageParts", "page_parts", "service_links"]

MAX_ENTRIES = 10


class PageParts(NamedTuple):
    """The identity, interaction and service facts of one page."""

    kind: str  # the page type (analyze.pagetype.KINDS)
    footer: FooterFacts
    meta: tuple[tuple[str, str], ...]  # standard meta tags present: (name, value)
    letters: LettersPage | None
    guide: Guide | None
    channels: tuple[tuple[str, str], ...]  # (text, URL) of links naming a consultation channel
    services: tuple[tuple[str, str], ...]  # (text, URL) of links into 办事服务


def service_links(urls: list[str], texts: list[str], *, limit: int = MAX_ENTRIES) -> tuple[tuple[str, str], ...]:
    """Links into 办事服务: by their text (政务服务, 办事指南 …) or a service platform's host."""
    conf = guide_rules()
    # Memoised per text and per URL: a site's menus repeat them on every page.
    by_text: dict[str, bool] = conf.setdefault("_service_text_memo", {})
    by_url: dict[str, bool] = conf.setdefault("_service_url_memo", {})
    out: list[tuple[str, str]] = []
    for url, text in zip(urls, texts, strict=False):
        named = False
        if text and len(text) <= 20:
            named = by_text.get(text)  # type: ignore[assignment]
            if named is None:
                named = any(w in text for w in conf["service_words"])
                _remember(by_text, text, named)
        if not named:
            named = by_url.get(url)  # type: ignore[assignment]
            if named is None:
                host = url.split("://", 1)[-1].split("/", 1)[0].lower()
                named = any(h in host for h in conf["service_hosts"])
                _remember(by_url, url, named)
        if named:
            out.append((text, url))
            if len(out) >= limit:
                break
    return tuple(out)


def _remember(memo: dict[str, bool], key: str, value: bool) -> None:
    if len(memo) >= 8192:
        memo.clear()
    memo[key] = value


def page_parts(
    html: str, url: str, *, tree: LexborHTMLParser, kind: str, as_of: date,
    urls: list[str], texts: list[str], context: str = "", scan: PageScan | None = None,
) -> PageParts:
    """The parts of a decoded, parsed page (`urls`/`texts`: its links as the crawler has them;
    `context`: its breadcrumb and column name, which name a letters channel; `scan`: the
    page's `pagescan.scan_page`, which answers the cheap word tests)."""
    is_letters = scan.letters if scan is not None else looks_like_letters(html)
    is_guide = scan.guide if scan is not None else looks_like_guide(html)
    letters = page_letters(html, url, as_of=as_of, tree=tree, context=context, looked=True) if is_letters else None
    guide = page_guide(html, url, tree=tree) if is_guide else None
    return PageParts(
        kind=kind,
        footer=page_footer(html, markers=scan.footer_markers if scan is not None else None),
        meta=tuple(page_meta(tree).items()),
        letters=letters,
        guide=guide,
        channels=channel_links(urls, texts, limit=MAX_ENTRIES),
        services=service_links(urls, texts),
    )
