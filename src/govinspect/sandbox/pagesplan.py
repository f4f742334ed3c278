"""Letters, guides and footer scenarios of the simulated province (issue 5), one per site by
index, so a 7-site province holds them all:

- `good`: letters answered within days, complete guides, a correct footer;
- `letters_late`: one letter answered more than three months after it came, one still 办理中
  after more than three months (the veto), one withdrawn (已撤回: not a valid letter);
- `guides_poor`: every guide leaves out or empties four elements (the guide veto);
- `footer_bad`: the footer prints another 网站标识码 than the registered one and an ICP line
  without its number;
- `reply_stale`: every letter answered, the last reply more than two months before T;
- `guides_some`: the first guide lacks 办理时间 (row left out) and 联系电话 (empty cell);
- `no_channel`: no 互动交流 column at all (no letters, no form, no channel link).

The big benchmark site and static exports stay `good`. The ground truth
(`truth_pages.py`) reads the resulting model, never this plan.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govinspect.sandbox.model import Column, Item, SimSite

SCENARIOS = ("good", "letters_late", "guides_poor", "footer_bad", "reply_stale", "guides_some", "no_channel")
LETTER_KEYS = frozenset({"ldxj", "zxts"})
GUIDE_KEYS = frozenset({"bszn"})
GUIDE_ELEMENTS = ("事项名称", "设定依据", "申请条件", "办理材料", "办理地点", "办理机构", "收费标准", "办理时间", "联系电话", "办理流程")
POOR_MISSING = ("办理地点", "办理时间", "联系电话", "收费标准")


def pages_scenario_for(index: int, big: bool, mode: str) -> str:
    """The scenario of site `index` (the big site and static exports stay good)."""
    if big or mode != "live":
        return "good"
    return SCENARIOS[index % len(SCENARIOS)]


def plan_pages(site: SimSite) -> None:
    """Apply the site's scenario to its columns and footer (after sizes are allocated)."""
    scenario = site.pages_scenario
    for col in site.leaf_columns:
        if col.key in LETTER_KEYS:
            col.n_items = max(col.n_items, 4)
            if scenario == "letters_late" and col.key == "ldxj":
                col.n_items = max(col.n_items, 9)
                col.gap_days = (18, 26)  # letters spread over half a year
            if scenario == "reply_stale":
                col.newest_age = 75 + col.index % 5
        if col.key in GUIDE_KEYS:
            col.n_items = max(col.n_items, 5 if scenario == "guides_poor" else 2)
    if scenario == "footer_bad":
        code = site.site_code
        site.footer.shown_code = code[:-4] + f"{(int(code[-4:]) + 37) % 10000:04d}"
        site.footer.icp = "ICP备案查询"


def decorate_items(site: SimSite, column: Column, items: list[Item]) -> None:
    """Letters get their answer and status, guides their missing elements."""
    if column.key in LETTER_KEYS:
        _letters(site, column, items)
    elif column.key in GUIDE_KEYS:
        for item in items:
            if site.pages_scenario == "guides_poor":
                item.guide_omitted = POOR_MISSING[:2] if item.index % 2 else POOR_MISSING[:1]
                item.guide_empty = tuple(e for e in POOR_MISSING if e not in item.guide_omitted)
            elif site.pages_scenario == "guides_some" and item.index == 0:
                item.guide_omitted, item.guide_empty = ("办理时间",), ("联系电话",)


def _letters(site: SimSite, column: Column, items: list[Item]) -> None:
    rng = random.Random(f"{site.seed_key}:letters:{column.index}")
    as_of = site.province.as_of
    late_done = pending_done = withdrawn_done = False
    for item in items:
        asked = item.date
        age = (as_of - asked).days
        delay = rng.randint(1, 5 if site.pages_scenario == "reply_stale" else 9)
        item.answered, item.status = asked + dt.timedelta(days=delay), "已回复" if rng.random() < 0.7 else "已办结"
        if site.pages_scenario == "letters_late" and column.key == "ldxj" and age > 100:
            if not late_done:
                item.answered, item.status, late_done = asked + dt.timedelta(days=96), "已办结", True
            elif not pending_done:
                item.answered, item.status, pending_done = None, "办理中", True
            elif not withdrawn_done:
                item.answered, item.status, withdrawn_done = None, "已撤回", True
        if item.answered is not None and item.answered > as_of:
            item.answered, item.status = None, "办理中"  # not yet: a recent letter being handled
