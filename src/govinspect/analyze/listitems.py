"""List blocks of a page and the title, URL and date of each item.

"When was this column last updated" is read the way an inspector reads it: from the dated items
of the column's list. This module finds the lists of a page without knowing the CMS — a list is
a run of *repeated sibling structures* holding a link (and usually a date):

- `ul/ol > li`, `table > tr` (the date often in its own `<td>`), runs of same-tag same-class
  siblings (`div.news-item`, `dd`, `p`) and runs of bare `<a>` (old menus, 友情链接);
- at least 3 siblings holding a link, or 2 when both carry a date;
- innermost runs win: a run whose members contain another run's members is layout, not a list.

Each item gets its main link (the longest text, skipping 更多/详细/附件), a title (the `title`
attribute when the text is cut with …), an absolute URL (`crawl.urls.join_url`) and a date,
looked for in this order:

1. a full date in the item's text *outside* the main link (titles carry event dates:
   关于2024年7月1日起调整…的通知) — `date_source` "text", or "cell" when it sits in another
   table cell (the column headed 发布日期 wins in 政府信息公开目录 tables);
2. a month-day (`[06-12]`, `06-12`): a block's month-days are resolved together with
   `dates.infer_years` — "inferred_year";
3. the date in the item URL (`t20240612_…`, `/art/2024/6/12/`) — "url";
4. none ("none"): an undated item counts as not updated (the national rule).

Items dated after T are kept: the forged-date check needs them.

Roles: blocks inside `nav`/`header`/`footer` elements or under elements whose class/id names a
menu or footer are "nav"/"footer"; hot/recommended/related blocks (class/id or heading) are
"side"; the rest "main". Word lists live in `data/listitems.yaml`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from govinspect.analyze.dates import date_from_url, find_dates, infer_years
from govinspect.analyze.nodes import collapse as _collapse
from govinspect.analyze.nodes import is_hidden
from govinspect.crawl.urls import join_url
from govinspect.yamlfiles import load_yaml

__all__ = ["ListBlock", "ListItem", "extract_list_blocks", "latest_item_date"]

MAX_ITEM_LINKS = 6  # an item with more links is a box of links (a layout cell), not an entry
MAX_ITEM_CHARS = 400  # … or a paragraph of prose
_SKIP_TAGS = frozenset({"script", "style", "noscript", "option", "select", "br", "img", "input", "head"})
_HIDE_DEPTH = 4
# Stacked tables, forms and page regions are layout, never the entries of a list.
_LAYOUT_TAGS = frozenset(
    {"table", "tbody", "thead", "tfoot", "form", "center", "frameset", "header", "footer", "nav", "main", "aside"}
)
_ENTRY_TAGS = frozenset({"li", "tr", "dd", "div", "p", "article"})  # what a lone entry can be
_LIST_CONTAINERS = frozenset({"ul", "ol", "tbody", "table", "dl"})
_CUT_RE = re.compile(r"(?:…|\.\.\.|。。。|\.\.)\s*$")
_MORE_STRIP = " \t\r\n»>》›+.…:：[]【】()（）"


@dataclass(slots=True)
class ListItem:
    """One entry of a list: title, absolute URL, date and where the date came from."""

    title: str
    url: str
    date: date | None
    date_source: str  # text | cell | url | url_year (month-day + the URL's year) | inferred_year | none
    hidden: bool = False


@dataclass(slots=True)
class ListBlock:
    """A list found on a page."""

    items: list[ListItem]
    selector: str  # short CSS-like path for evidence, e.g. "div.list > ul > li"
    role: str  # main | side | nav | footer
    heading: str  # nearest heading / column title text ('' when none)
    more_url: str | None  # the 更多 / more>> link of a homepage block


@lru_cache(maxsize=1)
def _words() -> dict[str, Any]:
    """The word lists of `data/listitems.yaml`, loaded once."""
    text = resources.files("govinspect.data").joinpath("listitems.yaml").read_text("utf-8")
    return load_yaml(text)


@lru_cache(maxsize=1)
def _class_res() -> list[tuple[str, re.Pattern[str]]]:
    """(role, regex) for class/id words, nav first (a menu inside a footer is still a menu)."""
    w = _words()
    out: list[tuple[str, re.Pattern[str]]] = []
    for role, words in w["class_words_anywhere"].items():
        out.append((role, re.compile("|".join(map(re.escape, words)))))
    for role, words in w["class_words_prefix"].items():
        out.append((role, re.compile(r"(?<![a-z])(?:" + "|".join(map(re.escape, words)) + ")")))
    return out



def is_pager_title(text: str) -> bool:
    """Whether a link text is a pager's (首页 上一页 下一页 尾页 …, `data/listitems.yaml`)."""
    return text.strip() in _words()["pagination_words"]


def _is_more(text: str) -> bool:
    t = text.strip(_MORE_STRIP).lower()
    return any(t.startswith(w) for w in _words()["more_words"]) and len(t) <= 8


def _is_skip_link(text: str) -> bool:
    t = text.strip(_MORE_STRIP).lower()
    if not t:
        return False
    return _is_more(text) or any(t.startswith(w) for w in _words()["skip_link_words"])


def _elements(node: LexborNode) -> Iterable[LexborNode]:
    """Element children of `node` (text and comment nodes skipped)."""
    child = node.child
    while child is not None:
        if child.tag and child.tag[0] != "-":  # "-text", "-comment"
            yield child
        child = child.next


def _links(node: LexborNode) -> list[LexborNode]:
    if node.tag == "a":
        return [node] if node.attributes.get("href") else []
    return node.css("a[href]")


def _key(node: LexborNode) -> tuple[str, str]:
    return node.tag or "", (node.attributes.get("class") or "").strip()


def _css_name(node: LexborNode) -> str:
    attrs = node.attributes
    cls = (attrs.get("class") or "").split()
    if cls:
        return f"{node.tag}.{cls[0]}"
    ident = attrs.get("id")
    return f"{node.tag}#{ident}" if ident else node.tag or ""


# --- candidate runs --------------------------------------------------------------------------


@dataclass(slots=True)
class _Run:
    container: LexborNode
    members: list[LexborNode]  # every same-key sibling (title rows included)
    linked: list[tuple[LexborNode, list[LexborNode]]]  # members with links, and their links


def _single_child(node: LexborNode) -> bool:
    first = None
    for child in _elements(node):
        if first is not None:
            return False
        first = child
    return first is not None


def _candidate_runs(root: LexborNode) -> list[_Run]:
    """Runs of ≥ 2 same-tag same-class siblings holding links, innermost only."""
    runs: list[_Run] = []
    for parent in root.traverse(include_text=False):
        if parent.tag in _SKIP_TAGS:
            continue
        groups: dict[tuple[str, str], list[LexborNode]] = {}
        for child in _elements(parent):
            if child.tag in _SKIP_TAGS or child.tag in _LAYOUT_TAGS:
                continue
            groups.setdefault(_key(child), []).append(child)
        # A list element may hold one entry (a column with one document); so may any element
        # holding nothing else (div.list > div.item) — the date requirement is checked later.
        single_ok = parent.tag in _LIST_CONTAINERS or _single_child(parent)
        for members in groups.values():
            if len(members) < 2 and not single_ok:
                continue
            linked = []
            for m in members:
                links = _links(m)
                if links:
                    linked.append((m, links))
            if len(linked) < (1 if single_ok and members[0].tag in _ENTRY_TAGS else 2):
                continue
            # Layout cells (many links or long text per member) are not list entries.
            if sum(len(ls) for _, ls in linked) > MAX_ITEM_LINKS * len(linked):
                continue
            runs.append(_Run(parent, members, linked))
    # Innermost wins: drop runs whose members contain members of another run.
    has_inner: set[int] = set()
    for run in runs:
        if len(run.linked) < 2 or run.linked[0][0].tag == "a":
            continue  # a lone entry, or an entry's own links (标题 附件 详细), is no inner list
        for m, _ in run.linked:
            p = m.parent
            while p is not None and p.tag != "html":
                pid = p.mem_id
                if pid in has_inner:
                    break
                has_inner.add(pid)
                p = p.parent
    # Majority, not any: a pager row (下一页 尾页) at the end of a table of entries holds a run.
    kept = [r for r in runs if 2 * sum(m.mem_id in has_inner for m, _ in r.linked) < len(r.linked)]
    # The links of one entry (<li><a>标题</a> <a>附件</a> <a>详细</a></li>) are not a list.
    entry_ids = {m.mem_id for r in kept if r.linked[0][0].tag != "a" for m, _ in r.linked}
    return [r for r in kept if r.linked[0][0].tag != "a" or not _within(r.container, entry_ids)]


def _within(node: LexborNode, ids: set[int], depth: int = 3) -> bool:
    cur: LexborNode | None = node
    for _ in range(depth):
        if cur is None:
            return False
        if cur.mem_id in ids:
            return True
        cur = cur.parent
    return False


# --- items -----------------------------------------------------------------------------------


def _main_link(links: list[LexborNode]) -> tuple[LexborNode, str] | None:
    """The link with the longest text, skipping 更多/详细/附件 links (text from alt/title if empty)."""
    best: tuple[LexborNode, str] | None = None
    for a in links:
        text = _collapse(a.text(deep=True))
        if not text:
            text = _collapse(a.attributes.get("title") or "")
        if not text:
            img = a.css_first("img[alt]")
            text = _collapse(img.attributes.get("alt") or "") if img is not None else ""
        if _is_skip_link(text):
            continue
        if best is None or len(text) > len(best[1]):
            best = (a, text)
    return best


def _outside(text: str, link_text: str) -> str:
    """`text` without the first occurrence of the link's text (titles carry event dates)."""
    if link_text:
        i = text.find(link_text)
        if i >= 0:
            return text[:i] + " \n " + text[i + len(link_text):]
    return text


@dataclass(slots=True)
class _Raw:
    title: str
    url: str
    date: date | None
    source: str
    month_day: tuple[int, int] | None
    hidden: bool


def _first_dates(text: str, as_of: date) -> tuple[date | None, tuple[int, int] | None]:
    """The first full date of `text`, else its first month-day."""
    md: tuple[int, int] | None = None
    for m in find_dates(text, as_of=as_of):
        if m.has_year:
            return m.date, None
        if md is None:
            md = (m.date.month, m.date.day)
    return None, md


def _date_column(run: _Run) -> int | None:
    """Index of the cell headed 发布日期/… in a table's header row (None when there is none)."""
    headers = _words()["date_column_headers"]
    container = run.container
    for row in _elements(container):
        if row.tag != "tr":
            continue
        cells = [c for c in _elements(row) if c.tag in ("th", "td")]
        if not cells or row.css_first("a[href]") is not None:
            return None  # the first row is already an entry: no header
        texts = [_collapse(c.text(deep=True)) for c in cells]
        for word in headers:  # headers in preference order
            for i, t in enumerate(texts):
                if word in t and len(t) <= 8:
                    return i
        return None
    # A <thead> row sits outside the <tbody> holding the entries.
    table = container.parent if container.tag == "tbody" else None
    thead = table.css_first("thead tr") if table is not None else None
    if thead is not None:
        texts = [_collapse(c.text(deep=True)) for c in _elements(thead)]
        for word in headers:
            for i, t in enumerate(texts):
                if word in t and len(t) <= 8:
                    return i
    return None


def _item(member: LexborNode, links: list[LexborNode], base: str, as_of: date, date_col: int | None) -> _Raw | None:
    picked = _main_link(links)
    if picked is None:
        return None
    a, text = picked
    url = join_url(base, a.attributes.get("href") or "")
    if url is None:
        return None
    title = text
    attr_title = _collapse(a.attributes.get("title") or "")
    if attr_title and _CUT_RE.search(text) and len(attr_title) >= len(_CUT_RE.sub("", text)):
        title = attr_title
    link_text = a.text(deep=True)
    found: date | None = None
    md: tuple[int, int] | None = None
    source = "text"
    if member.tag == "tr":
        cells = [c for c in _elements(member) if c.tag in ("td", "th")]
        link_cell = next((c for c in cells if a.mem_id in {x.mem_id for x in c.css("a[href]")}), None)
        order = list(range(len(cells)))
        if date_col is not None and date_col < len(cells):
            order.remove(date_col)
            order.insert(0, date_col)
        for i in order:
            cell = cells[i]
            if link_cell is not None and cell.mem_id == link_cell.mem_id:
                continue
            d, m = _first_dates(cell.text(deep=True), as_of)
            if d is not None:
                found, source = d, "cell"
                break
            if m is not None and md is None:
                md = m
        if found is None and md is None and link_cell is not None:
            found, md = _first_dates(_outside(link_cell.text(deep=True), link_text), as_of)
    else:
        found, md = _first_dates(_outside(member.text(deep=True, separator=" "), link_text), as_of)
    if found is not None:
        md = None
    hidden = is_hidden(a, 1) or is_hidden(member, _HIDE_DEPTH)
    return _Raw(title, url, found, source if found else "none", md, hidden)


def _resolve(raws: list[_Raw], as_of: date) -> list[ListItem]:
    """Month-days of a block resolved together; then URL dates for the still undated."""
    for r in raws:
        if r.date is None and r.month_day is not None:
            # [05-25] beside /art/2023/5/25/…: the URL gives the year the list leaves out.
            d = date_from_url(r.url, as_of=as_of)
            if d is not None and (d.month, d.day) == r.month_day:
                r.date, r.source = d, "url_year"
    mds = [r for r in raws if r.date is None and r.month_day is not None]
    if mds:
        years = infer_years([r.month_day for r in mds if r.month_day is not None], as_of)
        if len(years) == len(mds):
            for r, d in zip(mds, years, strict=True):
                r.date, r.source = d, "inferred_year"
    out = []
    for r in raws:
        if r.date is None:
            d = date_from_url(r.url, as_of=as_of)
            if d is not None:
                r.date, r.source = d, "url"
            else:
                r.source = "none"
        out.append(ListItem(r.title, r.url, r.date, r.source, r.hidden))
    return out


# --- roles, headings, more links --------------------------------------------------------------


def _role_from_ancestors(container: LexborNode) -> str | None:
    tags = _words()["role_tags"]
    class_res = _class_res()
    cur: LexborNode | None = container
    while cur is not None and cur.tag not in ("body", "html"):
        role = tags.get(cur.tag or "")
        if role is not None:
            return role
        attrs = cur.attributes
        names = ((attrs.get("class") or "") + " " + (attrs.get("id") or "")).lower()
        if names.strip():
            for role, rx in class_res:
                if rx.search(names):
                    return role
        cur = cur.parent
    return None


def _short_text(node: LexborNode) -> str:
    """Visible text of a heading-like node without its 更多 link."""
    parts = []
    for t in node.text(deep=True, separator="\n").split("\n"):
        t = t.strip()
        if t and not _is_more(t):
            parts.append(t)
    return _collapse(" ".join(parts)).rstrip("：:")


def _more_in(node: LexborNode, base: str) -> str | None:
    for a in _links(node):
        if _is_more(_collapse(a.text(deep=True)) or (a.attributes.get("title") or "")):
            return join_url(base, a.attributes.get("href") or "")
    return None


_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "caption", "legend", "dt"})


def _has_date(text: str) -> bool:
    """Today's-date widgets (2024年06月15日 星期六) sit where titles sit; they are not titles."""
    return bool(find_dates(text, as_of=date.max.replace(year=9998)))


def _heading_and_more(run: _Run, linked_ids: set[int], base: str) -> tuple[str, str | None]:
    """Nearest heading text and 更多 link: title rows of the run, then earlier siblings upward."""
    heading = ""
    more: str | None = None
    if run.linked[0][0].tag == "a":  # a bare run of links: "当前位置：" / "友情链接：" before it
        sib = run.linked[0][0].prev
        while sib is not None and not heading:
            if sib.tag == "-text" or (sib.tag and sib.tag[0] != "-" and not _links(sib)):
                t = _collapse(sib.text(deep=True) if sib.tag != "-text" else (sib.text() or ""))
                if t:
                    heading = t.rstrip("：:")
            sib = sib.prev
    for m in run.members:  # title rows inside the same table (<tr><td>通知公告</td><td>更多</td>)
        if m.mem_id in linked_ids and _main_link(_links(m)) is not None:
            continue
        more = more or _more_in(m, base)
        text = _short_text(m)
        if text and not heading and len(text) <= 20:
            heading = text
    cur: LexborNode | None = run.container
    for _ in range(3):  # three levels up is as far as a box title sits from its list
        if cur is None or cur.tag in ("body", "html"):
            break
        sib = cur.prev
        seen = 0
        while sib is not None and seen < 3:
            if sib.tag == "-text":
                t = (sib.text() or "").strip()
                if t and not heading and len(t) <= 20 and not _has_date(t):
                    heading = t.rstrip("：:")
            elif sib.tag and sib.tag[0] != "-":
                seen += 1
                n_links = len(_links(sib))
                if n_links <= 2:  # a title bar holds a 更多 link at most; a menu is no title
                    more = more or _more_in(sib, base)
                if not heading and n_links <= 1:
                    text = _short_text(sib)
                    if text and (sib.tag in _HEADING_TAGS or len(text) <= 20) and not _has_date(text):
                        heading = text
            if heading and more:
                return heading, more
            sib = sib.prev
        if heading:
            break
        cur = cur.parent
    return heading, more


def _role(run: _Run, heading: str) -> str:
    role = _role_from_ancestors(run.container)
    if role is not None:
        return role
    for r, words in _words()["heading_words"].items():
        if any(w in heading for w in words):
            return r
    return "main"


def _selector(run: _Run) -> str:
    parts = [_css_name(run.linked[0][0])]
    cur: LexborNode | None = run.container
    for _ in range(2):
        if cur is None or cur.tag in ("body", "html"):
            break
        if cur.tag == "tbody":  # Lexbor inserts it; the page wrote table > tr
            cur = cur.parent
            continue
        parts.append(_css_name(cur))
        cur = cur.parent
    return " > ".join(reversed(parts))


# --- public API ------------------------------------------------------------------------------


def extract_list_blocks(
    html: str, page_url: str, *, as_of: date, tree: LexborHTMLParser | None = None
) -> list[ListBlock]:
    """The list blocks of a page, in document order (one parse of `html`).

    `page_url` resolves relative links (after `<base href>`); `as_of` (T) bounds year
    inference of month-day dates. Navigation and footer blocks come back too, flagged by
    `role`; pagers are dropped. See the module docstring for the rules. Pass `tree` when the
    caller has already parsed `html` (it is then not read); the tree is only read, never changed.
    """
    if tree is None:
        tree = LexborHTMLParser(html)
    base = page_url
    base_node = tree.css_first("base[href]")
    if base_node is not None:
        base = join_url(page_url, base_node.attributes.get("href") or "") or page_url
    root = tree.body or tree.root
    if root is None:
        return []
    pager = set(_words()["pagination_words"])
    blocks: list[ListBlock] = []
    for run in _candidate_runs(root):
        date_col = _date_column(run) if run.linked[0][0].tag == "tr" else None
        raws = [r for m, ls in run.linked if (r := _item(m, ls, base, as_of, date_col)) is not None]
        if any(r.date is not None or r.month_day is not None for r in raws):
            # A pager row closing a table of dated entries is not an entry (a menu's 首页 is).
            raws = [r for r in raws if r.title not in pager] or raws
        dated = sum(1 for r in raws if r.date is not None or r.month_day is not None)
        # ≥ 3 entries, or 2 dated ones, or the single dated entry of a real list element.
        need_dated = 2 if len(run.linked) >= 2 else 1
        if len(raws) < 3 and not (len(raws) >= need_dated and dated == len(raws)):
            continue
        if sum(1 for r in raws if r.title in pager) * 2 >= len(raws):
            continue  # 首页 上一页 下一页 尾页
        linked_ids = {m.mem_id for m, _ in run.linked}
        heading, more = _heading_and_more(run, linked_ids, base)
        items = _resolve(raws, as_of)
        blocks.append(ListBlock(items, _selector(run), _role(run, heading), heading, more))
    return blocks


def latest_item_date(blocks: list[ListBlock], *, as_of: date | None = None) -> date | None:
    """Newest item date over the main blocks (None when no main item is dated).

    With `as_of`, dates after as_of + 1 day are ignored: a forged future date must not make a
    column look fresh (the forged-date check reports those items separately).
    """
    limit = as_of + timedelta(days=1) if as_of is not None else None
    best: date | None = None
    for block in blocks:
        if block.role != "main":
            continue
        for item in block.items:
            d = item.date
            if d is None or (limit is not None and d > limit):
                continue
            if best is None or d > best:
                best = d
    return best
