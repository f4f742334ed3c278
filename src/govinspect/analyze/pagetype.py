"""What kind of page is this: home, channel, list, article, guide, letters, search or other.

An inspector tells page kinds apart at a glance; this module uses the same general signals,
never a CMS's class names:

- the URL (the site root is the homepage; `search`/`was5`/`jsearch` is a search; `/art/2024/`,
  `t20240612_`, `/content/` look like articles; `list`, `/col/`, `index.html` like lists);
- label words shown as labels (short cells or `标签：` lines): 办事指南 fields (事项名称, 设定依据,
  申请条件 …) make a guide, 信件 headers (来信时间, 答复时间, 办理状态 …) a letters list;
- prose: text outside links in sentence-like runs (with ，。；) — an article has a lot of it and a
  publish line (发布时间：… 来源：…), lists and channels have almost none;
- the list blocks of `listitems.extract_list_blocks` (role main): one long dated list (often with
  a pager and a breadcrumb) is a list; several short headed blocks (a title, a 更多 link) are a
  channel; a grid of undated column links is a channel too.

Word lists and thresholds live in `data/pagetype.yaml`. The page is parsed at most once here
(and not at all when the caller passes its `tree`); precomputed `blocks` avoid a second parse
by `extract_list_blocks`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from govinspect.analyze.listitems import ListBlock, extract_list_blocks
from govinspect.yamlfiles import load_yaml

__all__ = ["KINDS", "PageFeatures", "PageType", "classify_page", "is_article_url", "page_features"]

KINDS = ("home", "channel", "list", "article", "guide", "letters", "search", "other")

_SKIP = frozenset({"script", "style", "noscript", "template", "head", "select", "option", "textarea"})
_PROSE_RE = re.compile(r"[，。；！？]")
_MORE_STRIP = " \t\r\n\u3000»>》›+.…:：[]【】()（）"
_LABEL_STRIP = " \t\r\n\u3000:：*【】[]"


@dataclass(slots=True)
class PageType:
    """The kind of a page and why (short English phrases, shown by `govinspect extract`)."""

    kind: str
    reasons: list[str] = field(default_factory=list)


@dataclass(slots=True)
class PageFeatures:
    """The text signals of a page (one walk over the tree)."""

    text_chars: int = 0  # visible text outside scripts
    link_chars: int = 0  # … of it inside links
    prose_chars: int = 0  # sentence-like text runs outside links
    article_labels: list[str] = field(default_factory=list)
    guide_labels: list[str] = field(default_factory=list)
    letters_labels: list[str] = field(default_factory=list)
    letters_status: int = 0
    search_words: list[str] = field(default_factory=list)
    has_query_form: bool = False
    pagination: bool = False
    breadcrumb: bool = False
    blank: bool = False
    h1: int = 0
    more_links: int = 0  # 更多 / more>> links (a block previewing another page)


@lru_cache(maxsize=1)
def _conf() -> dict[str, Any]:
    text = resources.files("govinspect.data").joinpath("pagetype.yaml").read_text("utf-8")
    conf: dict[str, Any] = load_yaml(text)
    conf["_article_url"] = [re.compile(p, re.I) for p in conf["article_url_patterns"]]
    conf["_list_url"] = [re.compile(p, re.I) for p in conf["list_url_patterns"]]
    conf["_pager"] = re.compile("|".join(conf["pagination_words"]))
    conf["_article_label"] = re.compile(
        "(" + "|".join(map(re.escape, conf["article_labels"])) + r")\s*[:：]"
    )
    conf["_search_url"] = re.compile(
        r"(?<![a-z])(" + "|".join(map(re.escape, conf["search_url_words"])) + r")(?![a-z])", re.I
    )
    return conf


_NUMBERING_RE = re.compile(r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]|[一二三四五六七八九十\d]{1,3}\s*[、.．])\s*")


def _label_hits(text: str, labels: list[str]) -> list[str]:
    """Labels shown as labels: the whole short text (事项名称, 一、事项名称), or the start of `标签：值`."""
    text = _NUMBERING_RE.sub("", text)
    t = text.strip(_LABEL_STRIP)
    out = []
    for word in labels:
        if t == word:
            out.append(word)
        elif text.lstrip(_LABEL_STRIP).startswith(word):
            rest = text.lstrip(_LABEL_STRIP)[len(word):].lstrip(" \u3000")
            if rest[:1] in (":", "："):
                out.append(word)
    return out


def page_features(tree: LexborHTMLParser, html: str = "") -> PageFeatures:
    """Walk the body once and collect the text signals of the page."""
    conf = _conf()
    f = PageFeatures()
    root = tree.body or tree.root
    if root is None:
        return f
    guide: set[str] = set()
    letters: set[str] = set()
    article: set[str] = set()
    texts: list[str] = []
    # (node, inside a link) — an explicit stack: deep government pages overflow recursion.
    stack: list[tuple[LexborNode, bool]] = [(root, False)]
    while stack:
        node, in_link = stack.pop()
        tag = node.tag or ""
        if tag == "-text":
            raw = node.text_content or ""
            text = " ".join(raw.split())
            if not text:
                continue
            n = len(text)
            f.text_chars += n
            texts.append(text)
            if in_link:
                f.link_chars += n
                continue
            if n >= conf["paragraph_min_chars"] and _PROSE_RE.search(text):
                f.prose_chars += n
            if n <= 60:
                guide.update(_label_hits(text, conf["guide_labels"]))
                letters.update(_label_hits(text, conf["letters_labels"]))
                if text.strip(_LABEL_STRIP) in conf["letters_status_words"]:
                    f.letters_status += 1
            for m in conf["_article_label"].finditer(text):
                article.add(m.group(1))
            continue
        if tag in _SKIP or tag.startswith("-"):
            continue
        if tag == "h1":
            f.h1 += 1
        elif tag == "form" and node.css_first("input[type=text], input[type=search], input:not([type])") is not None:
            f.has_query_form = True
        if tag == "a" and node.attributes.get("href"):
            t = " ".join((node.text(deep=True) or node.attributes.get("title") or "").split())
            t = t.strip(_MORE_STRIP).lower()
            if t and len(t) <= 8 and any(t.startswith(w) for w in conf["more_words"]):
                href = (node.attributes.get("href") or "").strip().lower()
                if not href.startswith(("javascript", "#")):
                    f.more_links += 1
        link = in_link or tag == "a"
        children = []
        child = node.child
        while child is not None:
            children.append((child, link))
            child = child.next
        stack.extend(reversed(children))
    joined = " ".join(texts)
    f.guide_labels = [w for w in conf["guide_labels"] if w in guide]
    f.letters_labels = [w for w in conf["letters_labels"] if w in letters]
    f.article_labels = [w for w in conf["article_labels"] if w in article]
    f.search_words = [w for w in conf["search_text_words"] if w in joined]
    f.pagination = bool(conf["_pager"].search(joined)) or "createPageHTML" in html
    f.breadcrumb = any(w in joined for w in conf["breadcrumb_words"])
    f.blank = any(w in joined for w in conf["blank_words"])
    return f


def is_article_url(url: str) -> bool:
    """Whether the URL looks like an article's (t20240612_…, /art/2024/…, ShowArticle.asp?…)."""
    parts = urlsplit(url)
    path_q = (parts.path + ("?" + parts.query if parts.query else "")).lower()
    return any(p.search(path_q) for p in _conf()["_article_url"])


def _is_home_url(url: str) -> bool:
    parts = urlsplit(url)
    path = parts.path or "/"
    return not parts.query and (path == "/" or path.lower() in _conf()["home_paths"])


def classify_page(
    html: str,
    url: str,
    *,
    as_of: date,
    is_home: bool = False,
    blocks: list[ListBlock] | None = None,
    tree: LexborHTMLParser | None = None,
    features: PageFeatures | None = None,
) -> PageType:
    """Classify a page (see the module docstring); `blocks`/`tree`/`features` avoid parsing
    or walking the page again."""
    conf = _conf()
    if is_home:
        return PageType("home", ["the site's homepage"])
    if _is_home_url(url):
        return PageType("home", ["site root URL"])
    parts = urlsplit(url)
    path_q = (parts.path + ("?" + parts.query if parts.query else "")).lower()
    if tree is None:
        tree = LexborHTMLParser(html)
    f = features if features is not None else page_features(tree, html)

    m = conf["_search_url"].search(path_q)
    if m:
        return PageType("search", [f"'{m.group(1)}' in the URL"])
    if f.search_words and f.has_query_form:
        return PageType("search", [f"search result text ({f.search_words[0]}) and a query form"])
    if len(f.guide_labels) >= conf["guide_min_labels"]:
        return PageType("guide", [f"{len(f.guide_labels)} service-guide labels ({'/'.join(f.guide_labels[:4])})"])
    if len(f.letters_labels) >= conf["letters_min_labels"] or (
        f.letters_labels and f.letters_status >= conf["letters_min_status"]
    ):
        reasons = [f"letter labels ({'/'.join(f.letters_labels[:4])})"]
        if f.letters_status:
            reasons.append(f"{f.letters_status} reply statuses")
        return PageType("letters", reasons)

    if blocks is None:
        blocks = extract_list_blocks(html, url, as_of=as_of)
    mains = [b for b in blocks if b.role == "main" and b.items]
    dated = [sum(1 for i in b.items if i.date is not None) for b in mains]
    primary = max(range(len(mains)), key=lambda i: (dated[i], len(mains[i].items)), default=None)
    primary_dated = dated[primary] if primary is not None else 0
    total_dated = sum(dated)
    dated_blocks = [b for b, d in zip(mains, dated, strict=True) if d]
    more_blocks = [b for b in dated_blocks if b.more_url]
    article_url = any(p.search(path_q) for p in conf["_article_url"])
    list_url = any(p.search(path_q) for p in conf["_list_url"])
    prose = f.prose_chars
    prose_ratio = prose / f.text_chars if f.text_chars else 0.0

    # Article: long prose, or some prose with a publish line; a list of dated items is no article.
    long_body = prose >= conf["article_min_body_chars"] and prose_ratio >= 1 - conf["article_max_link_ratio"] - 0.25
    short_body = prose >= conf["article_short_body_chars"] and bool(f.article_labels)
    if (long_body or short_body) and primary_dated < conf["list_min_dated"] or (
        long_body and f.article_labels and not f.pagination
    ):
        reasons = [f"{prose} chars of body text"]
        if f.article_labels:
            reasons.append(f"publish line ({'/'.join(f.article_labels[:3])})")
        if article_url:
            reasons.append("article-like URL")
        return PageType("article", reasons)

    # Channel: several short blocks of dated items (sub-column previews, often headed, with 更多),
    # or one preview block whose 更多 leads to another page, and no pager.
    if not f.pagination and all(len(b.items) <= conf["channel_max_block_items"] for b in dated_blocks):
        if len(dated_blocks) >= conf["channel_min_blocks"]:
            return PageType("channel", [f"{len(dated_blocks)} short blocks of dated items ({len(more_blocks)} with more links)"])
        if f.more_links and not (f.blank and not dated_blocks):
            return PageType("channel", [f"{f.more_links} more links to sub-columns", "no pagination"])

    # List: dated items, a pager, a breadcrumb, or an empty column (暂无信息).
    if primary is not None and (primary_dated >= conf["list_min_dated"] or (primary_dated and (f.pagination or f.breadcrumb or list_url))):
        reasons = [f"list of {len(mains[primary].items)} items ({primary_dated} dated)"]
        if f.pagination:
            reasons.append("pagination")
        if f.breadcrumb:
            reasons.append("breadcrumb")
        return PageType("list", reasons)
    if f.blank and not prose:
        return PageType("list", ["empty column text"])

    # Channel: a grid of column links, few dated items.
    # (undated links to articles are an undated list, not a grid of columns)
    undated_links = sum(1 for b in mains for i in b.items if i.date is None and not is_article_url(i.url))
    article_links = sum(1 for b in mains for i in b.items if is_article_url(i.url))
    if undated_links >= 6 and total_dated <= 2 and article_links < 3 and f.breadcrumb and not f.pagination:
        return PageType("channel", [f"{undated_links} undated column links"])

    if short_body or (f.article_labels and article_url and f.h1):
        return PageType("article", ["publish line", "article-like URL" if article_url else "some body text"])
    if primary is not None and (f.pagination or f.breadcrumb) and list_url:
        return PageType("list", [f"list of {len(mains[primary].items)} undated items", "list-like URL"])
    return PageType("other", ["no page-type signal"])
