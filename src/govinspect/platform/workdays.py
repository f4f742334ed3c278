"""Chinese working days: holidays and 调休 Saturdays/Sundays from `chinese-calendar`.

Deadlines in 通报 and work orders are counted in working days (工作日): a 国庆 week does not
count, and a 调休 Saturday does. `chinese-calendar` ships the State Council's schedule one year
at a time; for a year it does not know yet we fall back to Monday–Friday and say so, rather
than fail (`known_year`).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import chinese_calendar

__all__ = ["add_workdays", "is_workday", "known_year", "workdays_between"]

# Bound on loops: no deadline or reply is more than a few hundred working days away.
_MAX_DAYS = 3660


@lru_cache(maxsize=8192)
def known_year(year: int) -> bool:
    """True when `chinese-calendar` has the official holiday schedule for `year`."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=8192)
def is_workday(day: dt.date) -> bool:
    """True on a working day (including a 调休 weekend day), False on weekends and holidays."""
    if known_year(day.year):
        return bool(chinese_calendar.is_workday(day))
    return day.weekday() < 5


def add_workdays(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (the day of `start` itself not counted).

    Issued on Friday 2024-09-27 with 1 working day: Sunday 2024-09-29, a 调休 working day.
    With 0: `start` when it is a working day, else the next working day.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    if days == 0:
        for _ in range(_MAX_DAYS):
            if is_workday(day):
                return day
            day += dt.timedelta(days=1)
        raise ValueError("no working day found")
    left = days
    for _ in range(_MAX_DAYS):
        day += dt.timedelta(days=1)
        if is_workday(day):
            left -= 1
            if left == 0:
                return day
    raise ValueError(f"{days} working days is beyond the supported range")


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not after `start`).

    A letter sent on a Friday and answered the next Monday took 1 working day; answered the
    same day, 0 (当日回复).
    """
    if end <= start:
        return 0
    if (end - start).days > _MAX_DAYS:
        raise ValueError("interval beyond the supported range")
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_workday(day):
            count += 1
    return count
