"""Site search: find the search form on the homepage, ask it for a page we know, look for it.

The form is found from data (data/sitechecks.yaml: the endpoints of the common CMS search
engines — TRS `/was5/web/search`, Hanweb `jsearchfront` and `jrobot/search.do`, `search.jsp` … —
and the usual query input names). The query is the title of a page the crawl saw, encoded in
the page's charset as a browser would submit it. The answer counts as "found" when a result
links to that page or a result link's text holds the title; as "not found" only when the
results page itself says it found nothing; anything else (a script-built results page, a WAF)
is "unknown". At most three requests per site.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from selectolax.lexbor import LexborHTMLParser

from govinspect.crawl.urls import join_url, normalize_url
from govinspect.net.decoding import decode_body
from govinspect.net.types import FetchResult
from govinspect.sitechecks.data import sitecheck_data

MAX_REQUESTS = 3
MIN_TITLE_CHARS = 6
MAX_QUERY_CHARS = 30
_SPACE = re.compile(r"\s+")
_ELLIPSIS = re.compile(r"(\.\.\.|…+|\.{2,})$")
_TEXT_TYPES = {"", "text", "search"}


@dataclass(frozen=True, slots=True)
class SearchForm:
    """A GET search form: where it submits, the query field and the fixed fields it carries."""

    action: str
    query_name: str
    method: str = "get"
    hidden: tuple[tuple[str, str], ...] = ()
    charset: str | None = None
    why: str = ""  # endpoint | input_name


@dataclass(slots=True)
class FormScan:
    """What the homepage shows of a search facility."""

    forms: list[SearchForm] = field(default_factory=list)
    post_only: bool = False  # a search form that submits by POST (not queried)
    hint: bool = False  # a search word/link/widget without a usable form


def _collapse(text: str) -> str:
    return _SPACE.sub("", text or "")


def find_search_forms(html: str, page_url: str) -> FormScan:
    """The site-search forms of a page (most specific first) and other signs of a search."""
    data = sitecheck_data()["search"]
    endpoints = [e.lower() for e in data["endpoints"]]
    names = {n.lower() for n in data["input_names"]}
    tree = LexborHTMLParser(html)
    scan = FormScan()
    ranked: list[tuple[int, SearchForm]] = []
    for form in tree.css("form"):
        attrs = form.attributes
        action_raw = (attrs.get("action") or "").strip()
        action = join_url(page_url, action_raw) if action_raw else normalize_url(page_url)
        method = (attrs.get("method") or "get").strip().lower()
        text_inputs: list[str] = []
        hidden: list[tuple[str, str]] = []
        for inp in form.css("input"):
            ia = inp.attributes
            name = (ia.get("name") or "").strip()
            kind = (ia.get("type") or "").strip().lower()
            if not name:
                continue
            if kind == "hidden":
                hidden.append((name, ia.get("value") or ""))
            elif kind in _TEXT_TYPES:
                text_inputs.append(name)
        if not text_inputs or action is None:
            continue
        lower = action.lower()
        by_endpoint = any(e in lower for e in endpoints)
        query = next((n for n in text_inputs if n.lower() in names), None)
        looks_like_login = any(k in lower for k in ("login", "logon", "denglu", "passport"))
        if looks_like_login or not (by_endpoint or query):
            continue
        if method != "get":
            scan.post_only = True
            continue
        sf = SearchForm(
            action=action.split("#", 1)[0], query_name=query or text_inputs[0], method=method,
            hidden=tuple(hidden), charset=(attrs.get("accept-charset") or "").split(",")[0].strip() or None,
            why="endpoint" if by_endpoint else "input_name",
        )
        ranked.append((0 if by_endpoint and query else 1 if by_endpoint else 2, sf))
    scan.forms = [sf for _, sf in sorted(ranked, key=lambda r: r[0])]
    if not scan.forms:
        scan.hint = _search_hint(tree, [w.lower() for w in data["presence_words"]])
    return scan


def _search_hint(tree: LexborHTMLParser, words: list[str]) -> bool:
    """A link, button, input or script that speaks of searching (no usable form)."""
    for node in tree.css("a, button, input, img, div, span, li, iframe, script"):
        attrs = node.attributes
        blob = " ".join(str(v) for k, v in attrs.items() if v and k in (
            "href", "src", "id", "class", "placeholder", "value", "title", "alt", "onclick", "name"))
        if node.tag in ("a", "button", "span", "li"):
            blob += " " + (node.text(deep=True) or "")[:40]
        blob = blob.lower()
        if any(w in blob for w in words):
            return True
    return False


def clean_title(title: str) -> str:
    """A list title as it can be searched for: no whitespace, no trailing ellipsis."""
    return _ELLIPSIS.sub("", _collapse(title))


def query_url(form: SearchForm, text: str, page_encoding: str) -> str:
    """The URL a browser submits for `text` (hidden fields first, in the page's charset)."""
    encoding = form.charset or page_encoding or "utf-8"
    if encoding.lower().replace("-", "") in ("gb2312", "gbk"):
        encoding = "gb18030"

    def enc(value: str) -> str:
        try:
            return quote(value, safe="", encoding=encoding, errors="strict")
        except (LookupError, UnicodeError):
            return quote(value, safe="", encoding="utf-8")

    pairs = [(k, v) for k, v in form.hidden if k != form.query_name] + [(form.query_name, text)]
    query = "&".join(f"{enc(k)}={enc(v)}" for k, v in pairs)
    base = form.action.split("?", 1)
    existing = base[1] + "&" if len(base) > 1 and base[1] else ""
    return f"{base[0]}?{existing}{query}"


def _same_page(a: str, b: str) -> bool:
    def key(u: str) -> str:
        n = normalize_url(u) or u
        p = urlsplit(n)
        return f"{(p.hostname or '').removeprefix('www.')}{p.path}?{p.query}"

    return key(a) == key(b)


def judge_results(html: str, page_url: str, *, title: str, query: str, target_url: str, action: str) -> str:
    """found | not_found | unknown for a results page (see the module docstring)."""
    tree = LexborHTMLParser(html)
    for body in tree.css("script, style"):
        body.decompose()
    want = clean_title(title)
    action_path = urlsplit(action).path
    for a in tree.css("a[href]"):
        href = join_url(page_url, a.attributes.get("href") or "")
        if href is None:
            continue
        if _same_page(href, target_url):
            return "found"
        if urlsplit(href).path == action_path:
            continue  # pager or related-query links of the search itself
        text = _collapse(a.text(deep=True))
        if len(text) >= MIN_TITLE_CHARS and (want in text or (query in text and len(query) >= MIN_TITLE_CHARS)):
            return "found"
    visible = _collapse(tree.body.text(deep=True) if tree.body is not None else "")
    if any(_collapse(m) in visible for m in sitecheck_data()["search"]["no_results"]):
        return "not_found"
    return "unknown"


Fetch = Callable[[str], Awaitable[FetchResult]]


async def probe_search(
    scan: FormScan, pages: list[tuple[str, str]], fetch: Fetch, *, page_encoding: str = "utf-8",
    max_requests: int = MAX_REQUESTS,
) -> dict[str, Any]:
    """Query the first search form with known (title, URL) pages; results.json `search`.

    status: works | fails | broken | none | unknown | not_checked
    """
    out: dict[str, Any] = {"status": "not_checked", "present": None, "form": None, "queries": []}
    if not scan.forms:
        if scan.post_only or scan.hint:
            out.update(status="unknown", present=True,
                       reason="post_form" if scan.post_only else "no_parsable_form")
        else:
            out.update(status="none", present=False)
        return out
    out["present"] = True
    form = scan.forms[0]
    out["form"] = {"action": form.action, "query_name": form.query_name, "why": form.why}
    candidates = [(clean_title(t), u) for t, u in pages if len(clean_title(t)) >= MIN_TITLE_CHARS]
    if not candidates:
        out.update(status="unknown", reason="no_known_title")
        return out
    verdicts: list[str] = []
    for title, target in candidates[:max_requests]:
        query = title[:MAX_QUERY_CHARS]
        url = query_url(form, query, page_encoding)
        res = await fetch(url)
        entry: dict[str, Any] = {"query": query, "expected": target, "url": url, "http_status": res.status,
                                 "outcome": res.outcome, "fetched_at": _iso(res.started_at)}
        if not res.responded:
            verdict = "error"
        elif res.status in (412, 429, 521) or (res.status == 403):
            verdict = "blocked"  # a WAF or rate limit is not a broken search
        elif (res.status or 0) >= 400:
            verdict = "error"
        else:
            text, _enc = decode_body(res.body, res.header("content-type"))
            verdict = judge_results(text, res.final_url, title=title, query=query, target_url=target,
                                    action=form.action)
        entry["verdict"] = verdict
        out["queries"].append(entry)
        verdicts.append(verdict)
        if verdict == "found":
            break
    if "found" in verdicts:
        out["status"] = "works"
    elif verdicts and all(v == "error" for v in verdicts) and len(verdicts) >= 2:
        out["status"] = "broken"  # the search answers nothing but errors, asked twice
    elif verdicts and all(v == "not_found" for v in verdicts) and len(verdicts) >= 2:
        out["status"] = "fails"  # says "nothing found" for pages the site shows
    else:
        out["status"] = "unknown"
    return out


def _iso(ts: float) -> str | None:
    from datetime import datetime

    return datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds") if ts else None
