"""Freshness scenarios of the simulated province: columns in every state, with a plan per site.

Each site follows one scenario (by its index, so a 12-site province holds all of them): every
column fresh; the key columns stale (动态 beyond 2 weeks, first-level 通知公告/政策文件 beyond
6 months: the `columns_not_updated.key` veto on a portal); five or more blank columns; every
column stale (the homepage too); a navigation-only homepage, fresh or stale; lists that show no
dates (the dates then only in article URLs, or nowhere on the ASP family); and a mixed site
with one stale column per window and an item dated after T. The ground truth reads the
resulting model, never this plan.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govinspect.sandbox.model import Column, SimSite

SCENARIOS = ("key_stale", "fresh", "blank", "all_stale", "nav_home", "undated", "mixed", "nav_home_stale")
# Scenarios whose 通知公告 and 政策文件 are first-level columns (in the main menu).
FIRST_LEVEL_KEY = frozenset({"key_stale", "mixed"})
# Scenarios whose 政策文件 is a channel of nested sub-columns (third level).
NESTED_POLICY = frozenset({"fresh"})
_WINDOWS = {"news": 14, "notice": 183, "policy": 183, "should_update": 365}
_BLANKABLE = ("interaction", "other", "should_update", "service", "static")


def scenario_for(index: int, big: bool, mode: str) -> str:
    """The scenario of site `index` (the big site and static exports stay fresh)."""
    if big or mode != "live":
        return "fresh"
    return SCENARIOS[index % len(SCENARIOS)]


def _stale(col: Column, rng: random.Random) -> None:
    window = _WINDOWS.get(col.category)
    col.newest_age = (window if window is not None else 60) + rng.randint(3, 90)


def plan_freshness(site: SimSite) -> None:
    """Apply the site's scenario to its columns (after their sizes are allocated)."""
    rng = random.Random(f"{site.seed_key}:freshness")
    scenario = site.freshness
    leaves = site.leaf_columns
    if scenario in ("nav_home", "nav_home_stale"):
        site.home_nav_only = True
    if scenario == "key_stale":
        for col in leaves:
            if col.category == "news" or (col.category in ("notice", "policy") and col.parent is None):
                _stale(col, rng)
    elif scenario == "blank":
        # Letters and guide columns keep their entries: they carry the letters/guides scenarios.
        pool = [c for c in leaves if c.category in _BLANKABLE and c.key not in ("ldxj", "zxts", "bszn")]
        for col in rng.sample(pool, min(len(pool), 6)):
            col.n_items = 0
    elif scenario in ("all_stale", "nav_home_stale"):
        for col in leaves:
            if col.category != "static":
                _stale(col, rng)
    elif scenario == "undated":
        for key in ("gzdt", "tzgg", "rsxx"):
            col = site.column_by_key(key)
            if col is not None and col.is_leaf and col.n_items:
                col.dates_hidden = True
    elif scenario == "mixed":
        for key in ("tpxw", "tzgg", "ghjh"):
            col = site.column_by_key(key)
            if col is not None and col.is_leaf:
                _stale(col, rng)
        col = site.column_by_key("rsxx")
        if col is not None and col.is_leaf:
            col.n_items = max(col.n_items, 2)
            col.future_days = rng.randint(3, 20)
