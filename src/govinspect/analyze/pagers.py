"""List pages that a TRS (拓尔思) pager script names: `createPageHTML(count, current, "index",
"html")` writes links to `index_1.html` … in the browser, so a crawler that reads only the
markup never sees them. Kept apart from the page facts: every crawl, a links-only sweep too,
follows these pages, and it should not load the freshness analysers to do so."""

from __future__ import annotations

import re

from govinspect.crawl.urls import join_url

__all__ = ["MAX_SCRIPT_PAGES", "script_pages"]

MAX_SCRIPT_PAGES = 100  # pager pages named by one createPageHTML call that are followed
_CREATE_PAGE_RE = re.compile(r"createPageHTML\s*\(([^)]{1,300})\)")


def script_pages(html: str, page_url: str) -> list[str]:
    """List pages named by a TRS `createPageHTML(count, current, "index", "html")` pager.

    Both forms in use are read: `(count, current, prefix, suffix)` and the newer
    `("div_id", count, current, prefix, suffix, records)`: the page count is the first number,
    prefix and suffix the last two strings. Page 0 is `index.html`, page k `index_k.html`.
    """
    if "createPageHTML" not in html:
        return []
    out: list[str] = []
    for m in _CREATE_PAGE_RE.finditer(html):
        strs: list[str] = []
        ints: list[int] = []
        for arg in (a.strip() for a in m.group(1).split(",")):
            if arg[:1] in ("'", '"'):
                strs.append(arg.strip("'\""))
            elif arg.isdigit():
                ints.append(int(arg))
            elif re.fullmatch(r"[A-Za-z_$][\w$]{0,40}", arg):
                # createPageHTML(countPage, currentPage, …) after `var countPage = 4`
                value = re.search(rf"\b{re.escape(arg)}\s*=\s*(\d{{1,6}})\b", html)
                if value is not None:
                    ints.append(int(value.group(1)))
        if len(strs) < 2 or not ints:
            continue
        prefix, suffix = strs[-2].strip(), strs[-1].strip().lstrip(".")
        if not re.fullmatch(r"[\w-]{1,40}", prefix) or not re.fullmatch(r"[a-z]{2,5}", suffix, re.I):
            continue
        count = min(ints[0], MAX_SCRIPT_PAGES)
        for k in range(count):
            name = f"{prefix}.{suffix}" if k == 0 else f"{prefix}_{k}.{suffix}"
            url = join_url(page_url, name)
            if url is not None and url not in out:
                out.append(url)
    return out
