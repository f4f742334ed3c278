"""The probe schedule: spread, at least per_day a calendar day, stable, spaced, restartable."""

from __future__ import annotations

from collections import Counter

from govinspect.monitor.schedule import (
    DAY_SECONDS,
    day_start,
    grace_seconds,
    next_slot,
    period,
    slot_of,
    slot_time,
)

T = 1718380800.0  # 2024-06-15 00:00 China time


def _keys(n: int) -> list[str]:
    # Real registries: 10-digit 网站标识码 (division code + sequence) and bm codes.
    return [f"{4101000000 + i * 7:010d}" if i % 3 else f"bm{(i % 90):02d}{(i % 31):02d}{i:04d}" for i in range(n)]


def test_twenty_thousand_sites_spread_evenly_over_the_day() -> None:
    keys = _keys(20_000)
    per_day = 20
    minutes: Counter[int] = Counter()
    for key in keys:
        for slot in range(slot_of(T, per_day), slot_of(T, per_day) + per_day):
            minutes[int((slot_time(key, slot, per_day) - T) // 60)] += 1
    assert sum(minutes.values()) == 20_000 * per_day
    assert set(minutes) == set(range(1440))  # every minute of the day has probes
    mean = 20_000 * per_day / 1440  # 277.8 probes a minute
    # No minute carries more than 1.3× or less than 0.7× the average (no herd at :00, no gaps).
    assert 0.7 * mean < min(minutes.values()) <= max(minutes.values()) < 1.3 * mean
    # Each 72-minute period carries exactly one probe of every site.
    per_period = Counter(m // 72 for m in minutes.elements())
    assert set(per_period.values()) == {20_000}


def test_every_calendar_day_has_exactly_per_day_slots_of_each_site() -> None:
    for key in ("4210030010", "bm07000001", "www.jyx.gov.cn/"):
        for per_day in (20, 24, 30):
            for day in range(10):
                start = T + day * DAY_SECONDS
                times = [slot_time(key, s, per_day) for s in range(slot_of(start, per_day) - 2,
                                                                    slot_of(start, per_day) + per_day + 2)]
                inside = [t for t in times if start <= t < start + DAY_SECONDS]
                assert len(inside) == per_day


def test_consecutive_probes_of_a_site_stay_well_apart() -> None:
    per_day = 20
    p = period(per_day)
    for key in _keys(300):
        s0 = slot_of(T, per_day)
        times = [slot_time(key, s, per_day) for s in range(s0, s0 + 3 * per_day)]
        gaps = [b - a for a, b in zip(times, times[1:])]
        assert min(gaps) >= 0.9 * p  # ≥ 64.8 minutes between probes of one homepage
        assert max(gaps) <= 1.1 * p


def test_the_schedule_is_stable_and_jittered() -> None:
    per_day = 24
    s = slot_of(T, per_day)
    assert slot_time("4210030010", s, per_day) == slot_time("4210030010", s, per_day)
    offsets = {round((slot_time("4210030010", s + i, per_day) - T) % period(per_day), 3) for i in range(24)}
    assert len(offsets) > 20  # not the same second past the hour every time
    assert slot_time("4210030010", s, per_day) != slot_time("4210030011", s, per_day)


def test_next_slot_is_the_first_not_before_the_given_time() -> None:
    per_day = 24
    key = "3609000004"
    for probe_at in (T, T + 1234.5, T + 3 * 3600 + 17):
        slot, t = next_slot(key, probe_at, per_day)
        assert t >= probe_at
        assert slot_time(key, slot - 1, per_day) < probe_at
        assert slot_time(key, slot, per_day) == t


def test_a_restart_never_repeats_a_slot_already_probed() -> None:
    per_day = 24
    key = "5109030018"
    slot, t = next_slot(key, T, per_day)
    # The monitor probed `slot` and was restarted a second later, inside the grace period.
    again, t2 = next_slot(key, t + 1 - grace_seconds(per_day), per_day, not_before_slot=slot + 1)
    assert again == slot + 1 and t2 > t


def test_day_start_is_midnight_in_china() -> None:
    assert day_start(T + 5) == T
    assert day_start(T - 5) == T - DAY_SECONDS
    assert grace_seconds(24) == 900.0  # capped: a probe more than 15 minutes late is skipped
    assert grace_seconds(1440) == 15.0
