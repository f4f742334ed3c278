"""The per-second cached timestamps write exactly what datetime formatting would."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from govinspect.stamps import cst_millis, cst_seconds, utc_seconds_z

CHINA = timezone(timedelta(hours=8))


def test_stamps_equal_datetime_formatting_including_rounding_into_the_next_second():
    base = datetime(2024, 6, 15, 10, 0, 0, tzinfo=CHINA).timestamp()
    cases = [base, base + 0.25, base + 0.9994, base + 0.9999996, base + 59.9999999, 0.0, -1.5, 1e-7]
    for ts in cases:
        assert cst_seconds(ts) == datetime.fromtimestamp(ts, CHINA).isoformat(timespec="seconds")
        assert cst_millis(ts) == datetime.fromtimestamp(ts, CHINA).isoformat(timespec="milliseconds")
        assert utc_seconds_z(ts) == datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert cst_millis(base + 0.25) == "2024-06-15T10:00:00.250+08:00"
    assert utc_seconds_z(base) == "2024-06-15T02:00:00Z"
