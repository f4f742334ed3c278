"""`govinspect extract`: show what the analyser sees on given pages (files or URLs).

A file is read as bytes and its encoding found exactly as for a fetched page. The analyser
reports page type (with its reasons), title, publish date (with where it was found), list items
with their dates (and the date's source), the page's list blocks, what the page says about
columns (breadcrumb, ColumnName, menus, its own list, 更多 links, script pagers) and links.
It also shows the footer marks, the standard meta tags, the letters (with the page's letters
kind: list, detail or form), the service guide (elements present and missing), and the
content-integrity facts of the page exactly as an inspection sees them (`text_errors`,
`illegal`, `privacy`, `secret_marks`; analyze/integrity.py).
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from govinspect.analyze.dates import published_date
from govinspect.analyze.integrity import page_integrity
from govinspect.analyze.siteintegrity import AREA_FIELDS, hit_fields
from govinspect.analyze.links import extract_links
from govinspect.analyze.footer import site_code_problem
from govinspect.analyze.pagefacts import PageFacts, page_facts, page_list_blocks, script_pages
from govinspect.analyze.pageparts import PageParts, page_parts
from govinspect.analyze.pagetype import classify_page
from govinspect.crawl.urls import link_kind_by_extension, normalize_url
from govinspect.eventloop import run as run_coroutine
from govinspect.net.decoding import decode_body


def analyse_page(source: str, body: bytes, content_type: str | None, page_url: str, as_of: datetime) -> dict[str, Any]:
    """The analyser's view of one page as a JSON-ready dict (the contract's extract object)."""
    text, encoding = decode_body(body, content_type)
    tree = LexborHTMLParser(text)  # parsed once, shared (read-only) by every analyser below
    page = extract_links(text, page_url, tree=tree)
    home_host = page_url.split("://", 1)[-1].split("/", 1)[0]
    links = []
    for link in page.links:
        host = link.url.split("://", 1)[-1].split("/", 1)[0]
        if host != home_host:
            kind = "external"
        elif link.tag == "img":
            kind = "image"
        else:
            kind = link_kind_by_extension(link.url)
        links.append({"url": link.url, "kind": kind, "hidden": link.hidden, "tag": link.tag, "text": link.text})
    published, how = published_date(text, page_url, as_of=as_of.date(), tree=tree)
    blocks = page_list_blocks(text, page_url, as_of=as_of.date(), tree=tree)
    page_type = classify_page(text, page_url, as_of=as_of.date(), blocks=blocks, tree=tree)
    items = [
        {"title": i.title, "url": i.url, "date": i.date.isoformat() if i.date else None, "date_source": i.date_source}
        for b in blocks if b.role == "main" for i in b.items
    ]
    facts = page_facts(text, page_url, as_of=as_of.date(), tree=tree, blocks=blocks)
    context = " ".join([*(n for n, _ in facts.breadcrumb[1:]), facts.column_name or ""])
    parts = page_parts(
        text, page_url, tree=tree, kind=facts.kind, as_of=as_of.date(),
        urls=[k.url for k in page.links], texts=[k.text for k in page.links], context=context,
    )
    return {
        "source": source,
        "encoding": encoding,
        "page_type": page_type.kind,
        "page_type_reasons": page_type.reasons,
        "title": page.title,
        "published": published.isoformat() if published else None,
        "published_source": how if published else None,
        "items": items,
        "columns": _columns(facts, page_url, text),
        "blocks": [
            {"heading": b.heading, "selector": b.selector, "role": b.role, "more_url": b.more_url, "items": len(b.items)}
            for b in blocks
        ],
        "footer": {**parts.footer._asdict(), "site_code_problem": site_code_problem(parts.footer.site_code)},
        "page_meta": dict(parts.meta),
        "letters": [letter._asdict() for letter in parts.letters.letters] if parts.letters else [],
        "letters_page": _letters_page(parts),
        "guide": _guide(parts),
        **_integrity(text, page_url, tree, as_of),
        "links": links,
    }


def _letters_page(parts: PageParts) -> dict[str, Any] | None:
    lp = parts.letters
    if lp is None:
        return None
    return {"kind": lp.kind, "shows_answers": lp.shows_answers, "channel": lp.channel, "excluded": lp.excluded,
            "write_links": list(lp.write_links), "heading": lp.heading}


def _guide(parts: PageParts) -> dict[str, Any] | None:
    g = parts.guide
    if g is None:
        return None
    return {"title": g.title, "missing": list(g.missing), "present": list(g.present), "empty": list(g.empty),
            "forms": [{"text": t, "url": u} for t, u in g.forms], "values": dict(g.values)}


def _integrity(html: str, page_url: str, tree: LexborHTMLParser, as_of: datetime) -> dict[str, Any]:
    """The page's serious misstatements, illegal content, unmasked personal numbers and secret
    marks, as the inspection's per-page analysis finds them (`analyze/integrity.py`)."""
    facts = page_integrity(html, page_url, tree=tree, as_of=as_of.date())
    out: dict[str, Any] = {name: [] for name in AREA_FIELDS.values()}
    for hit in facts.hits:
        out[AREA_FIELDS[hit.area]].append({"page": page_url, **hit_fields(hit)})
    if facts.errors:
        out["integrity_errors"] = list(facts.errors)
    return out


def _columns(facts: PageFacts, page_url: str, html: str) -> dict[str, Any]:
    """What the page says about columns: its own (breadcrumb, ColumnName, its list) and the
    site's (main menu, column menu), as the crawl-level column discovery reads them."""
    own = None
    if facts.primary is not None:
        entries = facts.blocks[facts.primary].items
        dated = sorted((i.date for i in entries if i.date), reverse=True)
        own = {"items": len(entries), "latest": dated[0] if dated else None,
               "undated_items": sum(1 for i in entries if not i.date)}
    return {
        "column_name": facts.column_name,
        "breadcrumb": [{"name": n, "url": u} for n, u in facts.breadcrumb],
        "list": own,
        "blank_text": facts.blank,
        "list_filled_by_script": facts.script_list,
        "nav": [{"name": n, "url": u} for n, u in facts.nav],
        "sub_nav": [{"name": n, "url": u} for n, u in facts.sub_nav],
        "more_links": [{"heading": b.heading, "url": b.more_url} for b in facts.blocks if b.more_url],
        "script_pages": script_pages(html, page_url),
    }


async def _fetch_all(urls: list[str], fetch_config: Any) -> dict[str, Any]:
    from govinspect.net.client import Fetcher

    async with Fetcher(fetch_config) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(u) for u in urls))
    return dict(zip(urls, results))


def run_extract_command(
    sources: list[str], *, as_of: datetime, json_out: str | None,
    resolve: dict[tuple[str, int], tuple[str, int]], offline: bool, allow_private: bool, timeout: float,
    base_url: str | None = None,
) -> int:
    """Analyse every source; returns 0, or 1 when some source could not be read.

    `base_url` is the address a saved file was fetched from, so its relative links resolve as
    they did on the site (default: a file: path under http://localhost/)."""
    from govinspect import __version__
    from govinspect.net.types import DEFAULT_USER_AGENT, FetchConfig

    outputs: list[dict[str, Any]] = []
    failed = False
    urls = [s for s in sources if s.startswith(("http://", "https://"))]
    fetched: dict[str, Any] = {}
    if urls:
        config = FetchConfig(
            timeout=timeout, resolve=resolve, offline=offline, allow_private=allow_private,
            user_agent=DEFAULT_USER_AGENT.format(version=__version__),
        )
        fetched = run_coroutine(_fetch_all(urls, config))
    for source in sources:
        if source in fetched:
            res = fetched[source]
            if not res.responded:
                print(f"govinspect: {source}: {res.outcome} ({res.detail})", file=sys.stderr)
                failed = True
                continue
            outputs.append(analyse_page(source, res.body, res.header("content-type"), res.final_url, as_of))
            continue
        path = Path(source)
        try:
            body = path.read_bytes()
        except OSError as exc:
            print(f"govinspect: {source}: cannot read ({exc.strerror})", file=sys.stderr)
            failed = True
            continue
        page_url = (normalize_url(base_url) if base_url else None) or normalize_url(
            path.resolve().as_uri().replace("file://", "http://localhost")
        ) or "http://localhost/"
        outputs.append(analyse_page(source, body, None, page_url, as_of))
    if json_out == "-":
        data: Any = outputs[0] if len(outputs) == 1 and len(sources) == 1 else outputs
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif json_out:
        Path(json_out).write_text(json.dumps(outputs, ensure_ascii=False, indent=2), encoding="utf-8")
    else:
        for page in outputs:
            print(f"== {page['source']}  [{page['encoding']}]  {page['title']}")
            for link in page["links"]:
                flag = " (隐藏)" if link["hidden"] else ""
                print(f"  {link['kind']:<10} {link['url']}{flag}")
    return 1 if failed else 0
