"""Columns (栏目): name → category rules, and the column signals a single page carries.

Half the vetoes of the national indicator set ask when a column was last updated, and the
answer depends on what kind of column it is: 动态要闻 must move within 14 days, 通知公告 and
政策文件 within 6 months, "columns that should be updated" (人事, 规划计划, 财政预决算 …) within
a year, while 机构职能 or 领导信箱 have no date window at all. This module holds two pieces:

- `ColumnRules` — the inspector-editable rules of `data/columns.yaml`: ordered name rules
  (first match wins, so specific names precede broad ones) and a window in days per category.
  `categorize` also applies a site's registry overrides (by column name or URL).
- `column_signals` — what one page says about the column it belongs to and the columns of the
  site: the breadcrumb (当前位置：首页 > 政务公开 > 通知公告), the `ColumnName` meta tag, the
  main navigation menu and a left-side column menu. Crawl-level discovery (channel pages,
  homepage blocks with 更多 links, pagination) builds on these signals elsewhere.

Pages are parsed once: pass an already-parsed `tree` to `column_signals` to share a parse.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from govinspect.analyze.nodes import collapse as _collapse
from govinspect.analyze.nodes import is_hidden
from govinspect.crawl.urls import join_url, normalize_url
from govinspect.yamlfiles import load_yaml

_HIDE_DEPTH = 2  # ancestors of a menu entry looked at for inline hiding (drop-downs)

__all__ = [
    "CATEGORIES",
    "HOME_NAMES",
    "ColumnRules",
    "ColumnSignals",
    "column_key",
    "column_signals",
    "load_column_rules",
    "normalize_column_name",
]

# The categories the checks know about; the YAML must define windows for exactly these.
CATEGORIES = ("news", "notice", "policy", "should_update", "static", "interaction", "service", "other")

# Decoration that sites wrap around column names (【通知公告】, ·工作动态, 政策文件>>, 更多).
_NAME_STRIP_RE = re.compile(r"[\s\u3000【】\[\]《》<>»«›‹·•●■◆▪|:：\"'“”]+|更多|more", re.IGNORECASE)


def normalize_column_name(name: str) -> str:
    """`name` without whitespace and decoration, so 【 通知 公告 】>> compares as 通知公告."""
    return _NAME_STRIP_RE.sub("", html_lib.unescape(name or ""))


@dataclass(frozen=True)
class _Rule:
    category: str
    contains: tuple[str, ...]
    regex: tuple[re.Pattern[str], ...]

    def matches(self, name: str) -> bool:
        return any(w in name for w in self.contains) or any(rx.search(name) for rx in self.regex)


def _url_key(url: str) -> str:
    """A URL compared for overrides: normalised, directory index pages equal to the directory."""
    norm = normalize_url(url.strip()) or url.strip()
    return re.sub(r"/(?:index|default)\.(?:s?html?|jsp|php|aspx?)$", "/", norm, flags=re.IGNORECASE)


@dataclass(frozen=True)
class ColumnRules:
    """Name → category rules and per-category windows (see `data/columns.yaml`)."""

    rules: tuple[_Rule, ...]
    windows: tuple[tuple[str, int | None], ...]  # (category, days) — a tuple keeps it hashable
    default: str = "other"
    not_columns: frozenset[str] = frozenset()

    def is_column_name(self, name: str) -> bool:
        """False for names of pages that are no column (网站地图, 站内搜索, 无障碍 …)."""
        norm = normalize_column_name(name)
        return bool(norm) and norm not in self.not_columns and norm.lower() not in self.not_columns

    @property
    def categories(self) -> tuple[str, ...]:
        """Every category the rules know, in file order."""
        return tuple(c for c, _ in self.windows)

    def categorize(
        self,
        name: str,
        *,
        url: str | None = None,
        overrides: Mapping[str, str] | None = None,
    ) -> str:
        """The category of a column called `name` (optionally at `url`).

        `overrides` comes from a site's registry entry: keys are column names or column URLs,
        values categories. A URL key (starting with http:// or https://, any case) matches `url` after
        normalisation, with `.../index.html` equal to `.../`; a name key matches the normalised
        name exactly. URL keys win over name keys — two columns may share a name (工作动态 of
        two departments), never a URL. An unknown category in an override raises ValueError so
        a typo in the registry does not silently disable a check.
        """
        norm = normalize_column_name(name)
        if overrides:
            by_url: str | None = None
            by_name: str | None = None
            want_url = _url_key(url) if url else None
            for key, category in overrides.items():
                if key[:8].lower().startswith(("http://", "https://")):
                    if want_url is not None and _url_key(key) == want_url:
                        by_url = category
                elif normalize_column_name(key) == norm and norm:
                    by_name = category
            chosen = by_url or by_name
            if chosen is not None:
                if chosen not in self.categories:
                    raise ValueError(
                        f"override category {chosen!r} for column {name!r} is not one of {self.categories}"
                    )
                return chosen
        if not norm:
            return self.default
        for rule in self.rules:
            if rule.matches(norm):
                return rule.category
        return self.default

    def window_days(self, category: str) -> int | None:
        """Days before T within which a column of `category` must have an item; None = no duty.

        Raises KeyError for a category the rules do not define.
        """
        for cat, days in self.windows:
            if cat == category:
                return days
        raise KeyError(category)


def _rules_from_data(data: Mapping[str, Any]) -> ColumnRules:
    cats = data.get("categories") or {}
    windows: list[tuple[str, int | None]] = []
    for cat in CATEGORIES:
        if cat not in cats:
            raise ValueError(f"columns rules: category {cat!r} missing")
        days = (cats[cat] or {}).get("window_days")
        windows.append((cat, int(days) if days is not None else None))
    for cat in cats:
        if cat not in CATEGORIES:
            raise ValueError(f"columns rules: unknown category {cat!r}")
    rules: list[_Rule] = []
    for i, entry in enumerate(data.get("rules") or []):
        cat = entry.get("category")
        if cat not in CATEGORIES:
            raise ValueError(f"columns rules: rule {i} has unknown category {cat!r}")
        contains = tuple(normalize_column_name(str(w)) for w in entry.get("contains") or [])
        regex = tuple(re.compile(str(r)) for r in entry.get("regex") or [])
        rules.append(_Rule(cat, tuple(w for w in contains if w), regex))
    default = data.get("default", "other")
    if default not in CATEGORIES:
        raise ValueError(f"columns rules: unknown default {default!r}")
    excluded = frozenset(normalize_column_name(str(w)) for w in data.get("not_columns") or [])
    return ColumnRules(tuple(rules), tuple(windows), default, excluded | {w.lower() for w in excluded})


@lru_cache(maxsize=1)
def _default_rules() -> ColumnRules:
    text = resources.files("govinspect.data").joinpath("columns.yaml").read_text("utf-8")
    return _rules_from_data(load_yaml(text))


def load_column_rules(path: Path | None = None) -> ColumnRules:
    """The column rules of `path`, or of the packaged `data/columns.yaml` (cached) when None."""
    if path is None:
        return _default_rules()
    return _rules_from_data(load_yaml(Path(path).read_text("utf-8")))


# --- column identity ---

_INDEX_RE = re.compile(r"/(?:index|default)(?:_\d+)?\.(?:s?html?|jsp|php|aspx?)$", re.IGNORECASE)
_PAGE_FILE_RE = re.compile(r"/(\w+?)_\d{1,4}\.(s?html?)$", re.IGNORECASE)
# Query parameters that number the pages of one list.
_PAGER_PARAMS = frozenset(
    {"page", "pageno", "pagenum", "pagenumber", "pageindex", "curpage", "currpage", "currentpage", "p", "pn",
     "pg", "start", "offset", "pagesize", "page_no", "page_num", "uid", "totalrecord", "_"}
)

@lru_cache(maxsize=8192)  # the site's column URLs stay; each page's own URL passes through
def column_key(url: str) -> str:
    """The identity of the column whose list page is `url` (pager and index suffixes removed).

    Memoised: a site's pages repeat the same breadcrumb and menu URLs, and this runs for each
    of them on every page (in the crawler's process)."""
    norm = normalize_url(url) or url
    parts = urlsplit(norm)
    path = _INDEX_RE.sub("/", parts.path)
    if path == parts.path:
        # Not an index file: `list_2.html` paging `list.html` (only with a pager-like stem).
        m = _PAGE_FILE_RE.search(path)
        if m and m.group(1).lower() in ("list", "index", "more", "page"):
            path = path[: m.start()] + f"/{m.group(1)}.{m.group(2)}"
    query = parts.query
    if query:
        kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k.lower() not in _PAGER_PARAMS]
        query = urlencode(kept)
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, query, ""))



# --- page signals ----------------------------------------------------------------------------


@dataclass
class ColumnSignals:
    """What one page says about its column and the site's columns."""

    breadcrumb: list[tuple[str, str | None]] = field(default_factory=list)  # (name, absolute URL)
    column_name: str | None = None  # <meta name="ColumnName">
    column_url_hint: str | None = None  # the last linked breadcrumb entry other than 首页
    nav: list[tuple[str, str]] = field(default_factory=list)  # first-level main menu entries
    sub_nav: list[tuple[str, str]] = field(default_factory=list)  # left-side column menu


# 当前位置： 您现在的位置： 您当前的位置： 所在位置： 您的位置： 当前的位置 位置：
_CRUMB_LABEL_RE = re.compile(
    r"^\s*(?:(?:您(?:现在|当前|目前)?(?:所在)?的?|当前的?|所在的?|现在的?)位置|位置(?=\s*[:：]))\s*[:：]?\s*"
)
# Separators: > >> » › → / - | and their entity-escaped forms (double-escaped &amp;gt; shows
# as the text "&gt;"; html.unescape runs first). "-" and "/" between spaces, alone, or
# a name such as 2024-2025 is not split; between two Han characters (首页/政务公开) they are.
_CRUMB_SEP_RE = re.compile(
    r"\s*(?:>+|»+|›+|→|＞+|〉|\|)\s*|\s+[-/—－]\s+|^\s*[-/—－]\s*$"
    r"|(?<=[\u4e00-\u9fff])[-/—－](?=[\u4e00-\u9fff])"
)
# class/id words of breadcrumb containers (TRS position, Hanweb bt_position, dqwz = 当前位置).
_CRUMB_CLASS_RE = re.compile(r"position|location|crumb|weizhi|dqwz|curmb|lujing|bread", re.IGNORECASE)
_CRUMB_MAX_CHARS = 200  # a container longer than this is a page region, not a breadcrumb
# Names of the homepage in menus and breadcrumbs (compared as written and lower-cased).
HOME_NAMES = frozenset({"首页", "网站首页", "主页", "返回首页", "home", "Home", "HOME"})

_NAV_CLASS_RE = re.compile(r"nav|menu|daohang", re.IGNORECASE)
_SUBNAV_CLASS_RE = re.compile(
    r"sub-?nav|sub_nav|sub-?menu|sub_menu|left-?nav|left_nav|left-?menu|left_menu|side-?nav|side_nav|"
    r"side-?menu|side_menu|lmdh|leftlm|left_lm|zlm|col-?nav|column-?nav|column_nav|"
    r"list_?left|list-left|lm_?left|lm-left|left_?box|left-box|sidebar|side_?bar|side-bar",
    re.IGNORECASE,
)
# A main menu is none of these, even when its class says nav/menu.
_NOT_MAIN_RE = re.compile(
    r"sub|left|side|crumb|foot|bottom|position|location|path|top-?nav|topnav|toolbar", re.IGNORECASE
)
_NAV_MIN, _NAV_MAX = 3, 30
_NAV_TEXT_MAX = 20



def _names(node: LexborNode) -> str:
    attrs = node.attributes
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''}"


_NAMES_MEMO: dict[str, tuple[bool, bool, bool]] = {}
_NAMES_MEMO_MAX = 8192


def _name_kinds(names: str) -> tuple[bool, bool, bool]:
    """(menu-like, not a main menu, column-menu-like) for a class/id string; memoised: a site
    repeats the same class names on every page, and the column-menu regex is long."""
    known = _NAMES_MEMO.get(names)
    if known is None:
        known = (
            _NAV_CLASS_RE.search(names) is not None,
            _NOT_MAIN_RE.search(names) is not None,
            _SUBNAV_CLASS_RE.search(names) is not None,
        )
        if len(_NAMES_MEMO) >= _NAMES_MEMO_MAX:
            _NAMES_MEMO.clear()
        _NAMES_MEMO[names] = known
    return known


def _anchor_text(a: LexborNode) -> str:
    text = _collapse(a.text(deep=True))
    if not text:
        text = _collapse(a.attributes.get("title") or "")
    if not text:
        img = a.css_first("img[alt]")
        text = _collapse(img.attributes.get("alt") or "") if img is not None else ""
    return text


def _inside(node: LexborNode, tag: str) -> bool:
    cur = node.parent
    while cur is not None:
        if cur.tag == tag:
            return True
        cur = cur.parent
    return False


# --- breadcrumb ------------------------------------------------------------------------------


def _walk(node: LexborNode) -> Iterator[LexborNode]:
    """Text nodes and <a> elements under `node` in document order (an <a> is not entered)."""
    child = node.child
    while child is not None:
        tag = child.tag or ""
        if tag == "-text" or tag == "a":
            yield child
        elif tag and tag[0] != "-" and tag not in ("script", "style", "noscript", "select", "option"):
            yield from _walk(child)
        child = child.next


def _split_text(text: str) -> list[str]:
    parts = _CRUMB_SEP_RE.split(html_lib.unescape(text))
    return [p for p in (_collapse(x).strip(" :：") for x in parts) if p]


def _crumbs_from(container: LexborNode, base: str, start_after: int | None) -> list[tuple[str, str | None]]:
    """Breadcrumb entries under `container`, after the text node `start_after` (its label cut)."""
    out: list[tuple[str, str | None]] = []
    started = start_after is None
    for node in _walk(container):
        if not started:
            if node.mem_id == start_after:
                started = True
                rest = _CRUMB_LABEL_RE.sub("", node.text() or "", count=1)
                out.extend((t, None) for t in _split_text(rest))
            continue
        if node.tag == "a":
            text = _anchor_text(node)
            clean = _split_text(text)  # <a>首页 ></a>: the separator inside the link
            if not clean:
                continue
            href = node.attributes.get("href") or ""
            url = join_url(base, href) if href else None
            out.append((" ".join(clean), url))
        else:
            out.extend((t, None) for t in _split_text(node.text() or ""))
    return out


def _breadcrumb(root: LexborNode, base: str) -> list[tuple[str, str | None]]:
    # 1. A position label (当前位置：) — the most reliable signal; its element, or up to two
    #    ancestors when the label sits alone in its own cell/span.
    for node in root.traverse(include_text=True):
        if node.tag != "-text":
            continue
        text = node.text() or ""
        if "位置" not in text or not _CRUMB_LABEL_RE.match(text):
            continue
        container = node.parent
        for _ in range(3):
            if container is None or container.tag in ("body", "html"):
                break
            if len(_collapse(container.text(deep=True))) > _CRUMB_MAX_CHARS:
                break
            crumbs = _crumbs_from(container, base, node.mem_id)
            if crumbs:
                return crumbs
            container = container.parent
    # 2. A container whose class/id names a breadcrumb, without a label.
    for node in root.css("[class],[id]"):
        if not _CRUMB_CLASS_RE.search(_names(node)):
            continue
        if len(_collapse(node.text(deep=True))) > _CRUMB_MAX_CHARS:
            continue
        crumbs = _crumbs_from(node, base, None)
        if len(crumbs) >= 2 and any(u for _, u in crumbs):
            return crumbs
    return []


# --- menus -----------------------------------------------------------------------------------


# A menu's (text, href) candidates by the menu's serialised HTML: the same header menu comes
# on every page of a site; only the resolution of its hrefs depends on the page.
_MENU_MEMO: dict[str, tuple[tuple[str, str], ...]] = {}
_MENU_MEMO_MAX = 1024
_MENU_MEMO_MAX_CHARS = 20_000  # larger "menus" (page wrappers named *menu*) are read each time


def _menu_entries(node: LexborNode, base: str) -> list[tuple[str, str]]:
    """First-level entries of a menu: the first link of each top-level <li>, else its links.

    Drop-down sub-menus (`li > ul`) are second-level and skipped.
    """
    key = node.html or ""
    if len(key) > _MENU_MEMO_MAX_CHARS:
        raw = _menu_candidates(node)
    else:
        raw = _MENU_MEMO.get(key)
        if raw is None:
            raw = _menu_candidates(node)
            if len(_MENU_MEMO) >= _MENU_MEMO_MAX:
                _MENU_MEMO.clear()
            _MENU_MEMO[key] = raw
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for text, href in raw:
        url = join_url(base, href)
        if url is None or url in seen:
            continue
        seen.add(url)
        out.append((text, url))
    return out


def _menu_candidates(node: LexborNode) -> tuple[tuple[str, str], ...]:
    """(text, raw href) of a menu's first-level links with a usable text, in order: a pure
    function of the menu's subtree."""
    links: list[LexborNode] = []
    top = None
    for ul in node.css("ul, ol"):
        lis = [c for c in _children(ul) if c.tag == "li" and c.css_first("a[href]") is not None]
        if len(lis) >= 2:
            top = lis
            break
    if top is not None:
        for li in top:
            a = li.css_first("a[href]")
            if a is not None:
                links.append(a)
    else:
        links = [a for a in node.css("a[href]") if not _inside_list(a, node)]
    out: list[tuple[str, str]] = []
    for a in links:
        text = _anchor_text(a)
        if not text or len(text) > _NAV_TEXT_MAX:
            continue
        out.append((text, a.attributes.get("href") or ""))
    return tuple(out)


def _children(node: LexborNode) -> Iterator[LexborNode]:
    child = node.child
    while child is not None:
        if child.tag and child.tag[0] != "-":
            yield child
        child = child.next


def _inside_list(a: LexborNode, stop: LexborNode) -> bool:
    cur = a.parent
    while cur is not None and cur.mem_id != stop.mem_id:
        if cur.tag in ("ul", "ol"):
            return True
        cur = cur.parent
    return False


def _within_ids(node: LexborNode, ids: set[int]) -> bool:
    cur: LexborNode | None = node
    while cur is not None:
        if cur.mem_id in ids:
            return True
        cur = cur.parent
    return False


def _menu_nodes(root: LexborNode) -> tuple[list[LexborNode], list[tuple[LexborNode, int]]]:
    """The elements `_main_nav` and `_sub_nav` look at, from one selector pass: each element
    once for the main menu ("nav, [class], [id]"), and for the column menu each element with
    the number of times "aside, [class], [id]" returns it (once per selector it matches)."""
    groups: list[list[Any]] = []
    last = -1
    for node in root.css("nav, aside, [class], [id]"):
        mem_id = node.mem_id
        if mem_id == last:  # an element matched by k selectors of the list comes k times in a row
            groups[-1][1] += 1
            continue
        last = mem_id
        groups.append([node, 1])
    main: list[LexborNode] = []
    side: list[tuple[LexborNode, int]] = []
    for node, count in groups:
        tag = node.tag
        if count - (tag == "aside") > 0:
            main.append(node)
        if count - (tag == "nav") > 0:
            side.append((node, count - (tag == "nav")))
    return main, side


def _main_nav(
    root: LexborNode, base: str, nodes: list[LexborNode] | None = None
) -> tuple[list[tuple[str, str]], LexborNode | None]:
    """The first menu-like element (nav tag or nav/menu class/id) with 3–30 first-level links
    (`nodes`: the candidates of `_menu_nodes`; a repeated element would only be tried again)."""
    for node in root.css("nav, [class], [id]") if nodes is None else nodes:
        nav, not_main, _sub = _name_kinds(_names(node))
        if node.tag != "nav" and not nav:
            continue
        if not_main or _inside(node, "footer") or is_hidden(node, _HIDE_DEPTH):
            continue
        entries = _menu_entries(node, base)
        if _NAV_MIN <= len(entries) <= _NAV_MAX:
            return entries, node
    # Fallback: a list of links inside <header> (sites with an unnamed menu in the header).
    header = root.css_first("header")
    if header is not None:
        entries = _menu_entries(header, base)
        if _NAV_MIN <= len(entries) <= _NAV_MAX:
            return entries, header
    return [], None


def _sub_nav(
    root: LexborNode, base: str, main: LexborNode | None, nodes: list[tuple[LexborNode, int]] | None = None
) -> list[tuple[str, str]]:
    """A left-side column menu: subnav/leftnav-like class or <aside>, outside the main menu
    (`nodes`: the candidates of `_menu_nodes` with their repeat counts)."""
    skip = {main.mem_id} if main is not None else set()
    cells: dict[str, list[tuple[str, str]]] = {}  # class → entries of one-link cells
    if nodes is None:
        nodes = [(node, 1) for node in root.css("aside, [class], [id]")]
    for node, _k in ((n, k) for n, count in nodes for k in range(count)):
        if node.tag != "aside" and not _name_kinds(_names(node))[2]:
            continue
        if skip and _within_ids(node, skip):
            continue  # the drop-down of a main menu entry, not a column menu
        if is_hidden(node, _HIDE_DEPTH) or _inside(node, "footer"):
            continue
        entries = _menu_entries(node, base)
        if len(entries) >= 2:
            return entries
        if len(entries) == 1:
            # Old table layouts give every menu entry its own cell: <td class="left_menu">.
            cells.setdefault(_names(node), []).extend(entries)
    for entries in cells.values():
        if len(entries) >= 2:
            return entries
    return []


# --- public API ------------------------------------------------------------------------------


def column_signals(html: str, page_url: str, *, tree: LexborHTMLParser | None = None) -> ColumnSignals:
    """Breadcrumb, ColumnName meta, main menu and left column menu of one page.

    `page_url` resolves relative links (after `<base href>`). Pass `tree` when the caller has
    already parsed `html` (the page is then not parsed again and `html` is not read).
    `column_url_hint` is the URL of the last linked breadcrumb entry that is not 首页 — on a
    list page the column itself, on an article page the column holding it.
    """
    if tree is None:
        tree = LexborHTMLParser(html)
    base = page_url
    base_node = tree.css_first("base[href]")
    if base_node is not None:
        base = join_url(page_url, base_node.attributes.get("href") or "") or page_url
    signals = ColumnSignals()
    for meta in tree.css("meta[name]"):
        if (meta.attributes.get("name") or "").strip().lower() == "columnname":
            content = _collapse(meta.attributes.get("content") or "")
            if content:
                signals.column_name = content
                break
    root = tree.body or tree.root
    if root is None:
        return signals
    signals.breadcrumb = _breadcrumb(root, base)
    for name, url in reversed(signals.breadcrumb):
        if url is not None and name not in HOME_NAMES:
            signals.column_url_hint = url
            break
    main_nodes, side_nodes = _menu_nodes(root)
    signals.nav, main = _main_nav(root, base, main_nodes)
    signals.sub_nav = _sub_nav(root, base, main, side_nodes)
    return signals
