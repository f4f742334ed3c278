"""The Baoji-style table of the 互动回应专项检查 (通报 附件3): one row per test letter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from govinspect.platform.letters.models import TestLetter

HEADERS = ["序号", "网站名称", "网站标识码", "留言渠道", "测试信件发送日期", "回复日期", "回复用时（工作日）",
           "是否按时回复", "备注"]


def verdict(letter: TestLetter, limit: int, today: dt.date) -> tuple[str, str]:
    """(是否按时回复, 备注) in the wording of the 通报."""
    days = letter.workdays
    if letter.deleted:
        return "否", f"超过{limit}个工作日未回复且删除信件" if days is None else "删除信件"
    if days is None:
        from govinspect.platform.workdays import workdays_between

        waited = workdays_between(letter.sent_on, today)
        return ("否", f"超过{limit}个工作日未回复") if waited > limit else ("待定", "尚未回复，未超过期限")
    if days == 0:
        return "是", "当日回复"
    return ("是", "") if days <= limit else ("否", f"超过{limit}个工作日回复")


def rows(letters: Iterable[TestLetter], limit_for: Any, today: dt.date) -> list[list[Any]]:
    """Table rows; `limit_for(site)` gives the working-day limit of the site's province."""
    out = []
    for n, letter in enumerate(letters, start=1):
        on_time, note = verdict(letter, limit_for(letter.site), today)
        out.append([n, letter.site.name, letter.site.site_code, letter.channel, letter.sent_on.isoformat(),
                    letter.replied_on.isoformat() if letter.replied_on else "",
                    "" if letter.workdays is None else letter.workdays, on_time, note])
    return out


def summary(table: list[list[Any]]) -> str:
    """The sentence the 通报 prints above the table."""
    sites = {r[2] for r in table}
    on_time = {r[2] for r in table if r[7] == "是"} - {r[2] for r in table if r[7] == "否"}
    same_day = {r[2] for r in table if r[8] == "当日回复"} & on_time
    return (f"共检查{len(sites)}家网站，{len(on_time)}家网站的测试信件能做到按时回复，"
            f"其中{len(same_day)}家网站做到当日回复。")
