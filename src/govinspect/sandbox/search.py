"""The site search engines of the province: one endpoint per CMS family, like the real ones.

TRS answers `/was5/web/search?searchword=`, Hanweb `/jrobot/search.do?q=`, the generic CMS
`/search.jsp?keyword=` (the forms in each family's page header submit there). The query is
decoded in the site's own charset, as a browser on a GBK page sends it. A working engine lists
the items whose title contains the words; `empty_index` answers "nothing found" to everything
(an index never built); `error_500` fails. Results pages are never linked, so the crawl and
the link truth do not see them.
"""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qs

from govinspect.sandbox.model import Item, SimSite

ENDPOINTS: dict[str, tuple[str, str]] = {
    "trs": ("/was5/web/search", "searchword"),
    "hanweb": ("/jrobot/search.do", "q"),
    "generic": ("/search.jsp", "keyword"),
}
MAX_RESULTS = 10
NO_RESULTS = "抱歉，没有找到与“{q}”相关的结果。"


def search_endpoint(site: SimSite) -> tuple[str, str] | None:
    """(path, query field) of the site's search engine, None when it has none."""
    if site.search == "none":
        return None
    return ENDPOINTS.get(site.template)


def search_hits(site: SimSite, words: str) -> list[Item]:
    """The items whose title contains `words`, newest first (at most MAX_RESULTS)."""
    if not words:
        return []
    hits = [it for col in site.leaf_columns for it in site.items(col) if words in it.title]
    hits.sort(key=lambda it: it.published, reverse=True)
    return hits[:MAX_RESULTS]


def search_answer(site: SimSite, path: str, raw_query: str) -> tuple[int, bytes] | None:
    """(status, body) when `path` is the site's search endpoint, else None."""
    endpoint = search_endpoint(site)
    if endpoint is None or path != endpoint[0]:
        return None
    if site.search == "error_500":
        return 500, b"<html><body><h1>500 Internal Server Error</h1><p>java.lang.NullPointerException</p></body></html>"
    try:
        params = parse_qs(raw_query, encoding=site.encoding, errors="replace")
    except (LookupError, ValueError):
        params = {}
    words = (params.get(endpoint[1]) or [""])[0].strip()
    hits = [] if site.search == "empty_index" else search_hits(site, words)
    charset = site.encoding if site.encoding != "gbk" else "gb2312"
    rows = "".join(
        f'<li><a href="{escape(site.url(it.path))}" target="_blank">'
        + escape(it.title).replace(escape(words), f'<font color="red">{escape(words)}</font>')
        + f"</a><span>{it.date:%Y-%m-%d}</span></li>"
        for it in hits
    )
    summary = f"找到相关结果约{len(hits)}条" if hits else escape(NO_RESULTS.format(q=words))
    page = (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>搜索结果_{escape(site.name)}</title></head>'
        f'<body><form action="{endpoint[0]}"><input name="{endpoint[1]}" value="{escape(words)}">'
        f'<input type="submit" value="搜索"></form><div class="summary">{summary}</div>'
        f'<ul class="results">{rows}</ul></body></html>'
    )
    return 200, page.encode(site.encoding, errors="xmlcharrefreplace")
