"""Ground truth of columns and homepage freshness, read from the model the server renders.

For every leaf column: its name, first list page, category (the catalogue's), whether it is
first-level, its item count, the newest date a careful reader can see on or before T (the
date shown in the list, else the date in the article URL, else none: an undated item is not an
update), and its state by the category windows of `data/columns.yaml`. For the homepage: the
newest date and the number of items dated in the 14 days before T over its item blocks, or,
for a navigation-only homepage, over the second-level pages it links to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from govinspect.analyze.columns import load_column_rules
from govinspect.sandbox.model import Column, Link, SimSite
from govinspect.sandbox.urls import split_path

HOMEPAGE_WINDOW_DAYS = 14


def _visible_date(site: SimSite, link: Link) -> dt.date | None:
    """The date of an item link as a reader finds it: in the list, else in the article URL."""
    if link.date is not None:
        return link.date
    if not site.family.url_has_date:
        return None
    host, pq = split_path(link.url)
    if host not in site.hostnames:
        return None
    spec = site.page_spec(pq)
    if spec is None or spec.kind != "article" or spec.item is None:
        return None
    return spec.item.date


def _item_date(site: SimSite, col: Column, index: int) -> dt.date | None:
    item = site.items(col)[index]
    if not col.dates_hidden:
        return item.date
    return item.date if site.family.url_has_date else None


def column_truth(site: SimSite) -> list[dict[str, Any]]:
    """The leaf columns of the site with their freshness (see the module docstring)."""
    rules = load_column_rules()
    as_of = site.province.as_of
    out: list[dict[str, Any]] = []
    for col in site.leaf_columns:
        dates = [_item_date(site, col, k) for k in range(col.n_items)]
        seen = [d for d in dates if d is not None and d <= as_of]
        latest = max(seen) if seen else None
        window = rules.window_days(col.category)
        if not col.n_items:
            state = "blank"
        elif window is None:
            state = "ok"
        elif latest is None or latest < as_of - dt.timedelta(days=window):
            state = "stale"
        else:
            state = "ok"
        out.append({
            "name": col.name,
            "url": site.url(site.family.column_path(site, col, 0)),
            "category": col.category,
            "first_level": col.parent is None,
            "latest": latest.isoformat() if latest else None,
            "items": col.n_items,
            "state": state,
            "future_items": sum(1 for d in dates if d is not None and d > as_of),
        })
    return out


def homepage_truth(site: SimSite) -> dict[str, Any]:
    """Latest date and 2-week item count of the homepage (or its second-level pages)."""
    as_of = site.province.as_of
    home = site.page_spec("/")
    assert home is not None
    pages = [home]
    if site.home_nav_only:
        pages = []
        for link in home.links():
            host, pq = split_path(link.url)
            if link.tag == "a" and host in site.hostnames:
                spec = site.page_spec(pq)
                if spec is not None and spec.kind in ("channel", "list") and spec not in pages:
                    pages.append(spec)
    dates: dict[str, dt.date | None] = {}
    for spec in pages:
        # Picture blocks show a photo and a title, never a date (every template).
        entries = [replace(e, date=None) if b.pictures else e for b in spec.blocks for e in b.entries]
        for link in entries + list(spec.entries):
            host, pq = split_path(link.url)
            item_page = site.page_spec(pq) if host in site.hostnames else None
            if item_page is None or item_page.kind != "article":
                continue
            dates.setdefault(link.url, _visible_date(site, link))
    seen = [d for d in dates.values() if d is not None and d <= as_of]
    start = as_of - dt.timedelta(days=HOMEPAGE_WINDOW_DAYS)
    return {
        "latest": max(seen).isoformat() if seen else None,
        "items_in_2_weeks": sum(1 for d in seen if d >= start),
        "navigation_only": site.home_nav_only,
    }
