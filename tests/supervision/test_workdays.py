"""Working-day deadlines across 国庆 and 调休 weekends (holidays from chinese-calendar)."""

from __future__ import annotations

import datetime as dt

import pytest

from govinspect.platform.deadlines import finding_category, levels_for
from govinspect.platform.workdays import add_workdays, is_workday, workdays_between

D = dt.date


def test_national_day_2024_is_skipped_and_the_tiaoxiu_saturday_counts() -> None:
    # 2024 国庆: 10-01..10-07 off; Sunday 09-29 and Saturday 10-12 are 调休 working days.
    assert not is_workday(D(2024, 10, 1))
    assert is_workday(D(2024, 9, 29))
    assert is_workday(D(2024, 10, 12))
    # A veto problem handed down on Friday 09-27 is due on the 调休 Sunday 09-29.
    assert add_workdays(D(2024, 9, 27), 1) == D(2024, 9, 29)
    # Three working days from Monday 09-30: 10-08, 10-09, 10-10 (the holiday week does not count).
    assert add_workdays(D(2024, 9, 30), 3) == D(2024, 10, 10)
    # Five working days from 10-08 run through the 调休 Saturday 10-12: 09, 10, 11, 12, 14.
    assert add_workdays(D(2024, 10, 8), 5) == D(2024, 10, 14)


def test_spring_festival_2025_and_its_tiaoxiu_saturday() -> None:
    # 2025 春节: 01-28..02-04 off; Sunday 01-26 and Saturday 02-08 are working days.
    assert add_workdays(D(2025, 1, 27), 1) == D(2025, 2, 5)
    assert is_workday(D(2025, 2, 8))
    assert workdays_between(D(2025, 1, 27), D(2025, 2, 10)) == 5  # 02-05, 06, 07, 08, 10


def test_reply_time_in_working_days() -> None:
    assert workdays_between(D(2024, 5, 20), D(2024, 5, 20)) == 0  # 当日回复
    assert workdays_between(D(2024, 5, 24), D(2024, 5, 27)) == 1  # Friday → Monday
    assert workdays_between(D(2024, 9, 27), D(2024, 10, 8)) == 3  # 09-29 (调休), 09-30 and 10-08


def test_a_year_without_official_schedule_falls_back_to_weekdays() -> None:
    assert add_workdays(D(2031, 1, 3), 1) == D(2031, 1, 6)  # Friday → Monday
    with pytest.raises(ValueError):
        add_workdays(D(2024, 1, 1), -1)


def test_baoji_service_levels_by_finding_kind() -> None:
    levels = levels_for("610302")
    assert levels.workorder == {"veto": 1, "column": 3, "other": 5}
    assert levels.zhaocuo_reply == 3 and levels.test_letter_reply == 5
    assert finding_category("veto.homepage_not_updated", True) == "veto"
    assert finding_category("deduct.columns.stale", False) == "column"
    assert finding_category("deduct.design.links_other_dead", False) == "other"
    assert levels.workorder_deadline("column", D(2024, 9, 30)) == D(2024, 10, 10)


def test_operator_file_overrides_one_province(tmp_path) -> None:  # type: ignore[no-untyped-def]
    override = tmp_path / "deadlines.yaml"
    override.write_text('provinces:\n  "42":\n    workorder: {other: 10}\n    zhaocuo_reply: 2\n', encoding="utf-8")
    hubei = levels_for("421003", str(override))
    assert hubei.workorder == {"veto": 1, "column": 3, "other": 10}
    assert hubei.zhaocuo_reply == 2
    assert levels_for("610302", str(override)).workorder["other"] == 5
