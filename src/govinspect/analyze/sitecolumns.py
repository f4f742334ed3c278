"""A site's columns (栏目) and homepage freshness, merged from the facts of its crawled pages.

An inspector finds a site's columns by reading its menus and following them; so does this
module, over the `PageFacts` of every page of a crawl:

- **Discovery.** A column is named by the homepage's main menu, by a breadcrumb on any page
  (当前位置：首页 > 政务公开 > 通知公告 names two columns and their nesting), by the left-side
  column menu and 更多 links of channel pages, and by the 更多 links of homepage blocks. Only
  in-scope targets count: a menu entry leading to another site is that site's column.
- **Identity.** A column is its list page's URL with `index.html` and pager suffixes removed,
  so `…/tzgg/`, `…/tzgg/index.html`, `…/tzgg/index_3.html` and `list.jsp?catid=5&page=2` fold
  into one column. Its name comes from its own page (breadcrumb end, then the ColumnName meta),
  else from the link that named it.
- **What counts.** A candidate whose page is a list (or a letters list) is a column with items;
  one whose page is a single article (机构职能 often is) a column of one item; a channel page
  (a page of sub-column previews) is not itself measured — its sub-columns are. Candidates the
  crawl never analysed are left out (their links are judged by the link checks).
- **Measures.** Items are the distinct entries of the column's own list over every list page
  the crawl saw; latest is the newest date on or before T (an undated item is not an update;
  an item dated after T is reported as future-dated, not as an update). State: `blank` (no
  entries, or only 暂无信息), `stale` (the category has a window and no dated item falls in
  it), `ok`, or `unknown` (a list filled by a script that could not be read).
- **Homepage.** Latest date and items in the 14 days before T over the homepage's main list
  blocks. A homepage that is only navigation (no dated entries at all) is judged, as the
  national rule says, by the second-level pages it links to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from govinspect.analyze.columns import HOME_NAMES, ColumnRules, column_key, load_column_rules, normalize_column_name
from govinspect.analyze.pagefacts import FactItem, PageFacts

__all__ = ["HOMEPAGE_WINDOW_DAYS", "SiteColumns", "column_key"]

HOMEPAGE_WINDOW_DAYS = 14
_LIST_KINDS = frozenset({"list", "letters"})
_SINGLE_KINDS = frozenset({"article", "guide"})


@dataclass(slots=True)
class _Candidate:
    url: str  # the first URL that named it (a visitor's entry point)
    names: dict[str, list[str]] = field(default_factory=dict)  # source → names seen
    in_nav: bool = False
    crumb_depths: set[int] = field(default_factory=set)
    parent: str | None = None  # key of the parent column, when a breadcrumb shows it

    def add_name(self, source: str, name: str) -> None:
        clean = " ".join(name.split())
        if clean:
            self.names.setdefault(source, []).append(clean)


@dataclass(slots=True)
class _Page:
    url: str
    facts: PageFacts
    is_home: bool
    depth: int
    fetched_at: str | None


def _iso(d: str | None) -> date | None:
    if not d:
        return None
    try:
        return date.fromisoformat(d[:10])
    except ValueError:
        return None


class SiteColumns:
    """Collects the page facts of one site's crawl; `result()` gives homepage and columns."""

    def __init__(
        self,
        home_url: str,
        *,
        as_of: date,
        in_scope: Callable[[str], bool],
        rules: ColumnRules | None = None,
        overrides: Mapping[str, str] | None = None,
    ) -> None:
        self.home_url = home_url
        self.as_of = as_of
        self.in_scope = in_scope
        self.rules = rules or load_column_rules()
        self.overrides = dict(overrides or {})
        self.pages: dict[str, list[_Page]] = {}  # column key of the page URL → pages
        self.candidates: dict[str, _Candidate] = {}
        self.home_pages: list[_Page] = []
        self.second_level: list[_Page] = []

    # ------------------------------------------------------------------ input
    def add(self, url: str, facts: PageFacts, *, is_home: bool, depth: int, fetched_at: str | None = None) -> None:
        """Take in one analysed page of the site."""
        if facts.error:
            return
        keep = facts
        if facts.kind not in _LIST_KINDS and facts.kind not in ("home", "channel") and not is_home and depth > 1:
            # Articles and other leaf pages are needed only for their names and breadcrumb:
            # drop their blocks (related-article lists) to keep a big site's memory small.
            keep = facts._replace(blocks=(), primary=None, nav=(), sub_nav=())
        page = _Page(url, keep, is_home, depth, fetched_at)
        self.pages.setdefault(column_key(url), []).append(page)
        if is_home:
            self.home_pages.append(page)
            for name, link in facts.nav:
                self._candidate(link, "nav", name, in_nav=True)
            for block in facts.blocks:
                if block.more_url:
                    self._candidate(block.more_url, "block", block.heading)
        elif depth == 1:
            self.second_level.append(page)
        self._from_breadcrumb(url, facts)
        if facts.kind in ("channel", "list", "letters"):
            for name, link in facts.sub_nav:
                self._candidate(link, "sub_nav", name)
        if facts.kind == "channel":
            for block in facts.blocks:
                if block.more_url:
                    self._candidate(block.more_url, "block", block.heading)

    def _candidate(self, url: str, source: str, name: str, *, in_nav: bool = False) -> _Candidate | None:
        if not url or not self.in_scope(url):
            return None
        key = column_key(url)
        if key == column_key(self.home_url) or normalize_column_name(name) in HOME_NAMES:
            return None
        cand = self.candidates.get(key)
        if cand is None:
            cand = self.candidates[key] = _Candidate(url)
        cand.add_name(source, name)
        cand.in_nav = cand.in_nav or in_nav
        return cand

    def _from_breadcrumb(self, url: str, facts: PageFacts) -> None:
        crumbs = list(facts.breadcrumb)
        # Drop the leading 首页 (and a site-name crumb linking to the homepage).
        home_key = column_key(self.home_url)
        while crumbs and (
            normalize_column_name(crumbs[0][0]) in HOME_NAMES
            or (crumbs[0][1] is not None and column_key(crumbs[0][1]) == home_key)
        ):
            crumbs.pop(0)
        parent: str | None = None
        own_key = column_key(url)
        for depth, (name, link) in enumerate(crumbs, start=1):
            target = link
            if target is None and depth == len(crumbs) and facts.kind in _LIST_KINDS:
                target = url  # an unlinked last crumb on a list page is the page's own column
            if target is None:
                continue
            cand = self._candidate(target, "crumb_self" if column_key(target) == own_key else "crumb", name)
            if cand is None:
                continue
            cand.crumb_depths.add(depth)
            if parent is not None and cand.parent is None:
                cand.parent = parent
            parent = column_key(target)
        if facts.column_name and facts.kind in _LIST_KINDS:
            cand = self.candidates.get(own_key)
            if cand is not None:
                cand.add_name("meta", facts.column_name)

    # ------------------------------------------------------------------ output
    def _name(self, cand: _Candidate) -> str:
        for source in ("crumb_self", "meta", "crumb", "nav", "sub_nav", "block"):
            names = cand.names.get(source)
            if names:
                # The most frequent spelling; ties go to the first seen.
                return max(names, key=lambda n: (names.count(n), -names.index(n)))
        return ""

    def _latest(self, items: list[FactItem]) -> tuple[date | None, FactItem | None, list[FactItem]]:
        """Newest date ≤ T, its item, and the items dated after T."""
        best: date | None = None
        best_item: FactItem | None = None
        future: list[FactItem] = []
        for it in items:
            d = _iso(it.date)
            if d is None:
                continue
            if d > self.as_of:
                future.append(it)
                continue
            if best is None or d > best:
                best, best_item = d, it
        return best, best_item, future

    def _column(self, key: str, cand: _Candidate) -> dict[str, Any] | None:
        pages = self.pages.get(key)
        if not pages:
            return None
        own = [p for p in pages if p.facts.kind in _LIST_KINDS]
        single = [p for p in pages if p.facts.kind in _SINGLE_KINDS]
        name = self._name(cand)
        if not name or not self.rules.is_column_name(name):
            return None
        first_level = cand.in_nav or 1 in cand.crumb_depths and not (cand.crumb_depths - {1})
        category = self.rules.categorize(name, url=cand.url, overrides=self.overrides)
        window = self.rules.window_days(category)
        items: list[FactItem] = []
        seen: set[str] = set()
        script_list = False
        if own:
            for p in own:
                f = p.facts
                script_list = script_list or f.script_list
                if f.primary is None:
                    continue
                for it in f.blocks[f.primary].items:
                    if it.url not in seen:
                        seen.add(it.url)
                        items.append(it)
            evidence_url = min((p.url for p in own), key=len)
        elif single:
            page = min(single, key=lambda p: len(p.url))
            items = [FactItem(page.facts.title, page.url, page.facts.published)]
            evidence_url = page.url
        else:
            return None  # a channel, the homepage, a search page: not a measured column
        latest, newest, future = self._latest(items)
        if not items:
            state = "unknown" if script_list else "blank"
        elif window is None:
            state = "ok"
        elif latest is None or latest < self.as_of - timedelta(days=window):
            state = "stale"
        else:
            state = "ok"
        row: dict[str, Any] = {
            "name": name,
            "url": evidence_url,
            "category": category,
            "first_level": bool(first_level),
            "latest": latest.isoformat() if latest else None,
            "items": len(items),
            "state": state,
            "window_days": window,
            "undated_items": sum(1 for it in items if not it.date),
            "newest": {"title": newest.title, "url": newest.url, "date": newest.date} if newest else None,
            "future_items": [{"title": it.title, "url": it.url, "date": it.date} for it in future],
            "list_pages": len(own),
            "parent": self._parent_url(cand),
            "seen_at": min((p.fetched_at for p in pages if p.fetched_at), default=None),
        }
        return row

    def _parent_url(self, cand: _Candidate) -> str | None:
        if cand.parent is None:
            return None
        parent = self.candidates.get(cand.parent)
        return parent.url if parent is not None else None

    def columns(self) -> list[dict[str, Any]]:
        """The measured columns, in discovery order."""
        out = []
        for key, cand in self.candidates.items():
            row = self._column(key, cand)
            if row is not None:
                out.append(row)
        return out

    def homepage(self) -> dict[str, Any]:
        """Latest date and 2-week item count of the homepage (or its second-level pages)."""
        items: list[FactItem] = []
        seen: set[str] = set()

        def take(pages: list[_Page], *, primary_only: bool) -> None:
            for p in pages:
                blocks = p.facts.blocks
                if primary_only:
                    blocks = blocks[p.facts.primary : p.facts.primary + 1] if p.facts.primary is not None else ()
                for b in blocks:
                    for it in b.items:
                        if it.url not in seen:
                            seen.add(it.url)
                            items.append(it)

        take(self.home_pages, primary_only=False)
        navigation_only = not any(it.date for it in items)
        judged = self.home_pages
        if navigation_only:
            # 首页仅为导航页: judged by the pages one click away.
            judged = [p for p in self.second_level if p.facts.kind in ("list", "channel", "letters", "home")]
            take(judged, primary_only=False)
        sources = [p.url for p in judged]
        latest, newest, future = self._latest(items)
        start = self.as_of - timedelta(days=HOMEPAGE_WINDOW_DAYS)
        recent = [it for it in items if (d := _iso(it.date)) is not None and start <= d <= self.as_of]
        return {
            "latest": latest.isoformat() if latest else None,
            "items_in_2_weeks": len(recent),
            "navigation_only": navigation_only,
            "items": len(items),
            "undated_items": sum(1 for it in items if not it.date),
            "newest": {"title": newest.title, "url": newest.url, "date": newest.date} if newest else None,
            "future_items": [{"title": it.title, "url": it.url, "date": it.date} for it in future],
            "pages": sources[:20],
            "seen_at": min((p.fetched_at for p in judged if p.fetched_at), default=None),
        }
