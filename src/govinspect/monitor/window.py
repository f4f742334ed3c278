"""The availability of one site over the week before T, from the probe store.

`summarise` is pure: probes in [T − days·24 h, T) → the `availability` object of results.json.
The window is cut into `days` slices of 24 h ending at T (calendar days when T is 00:00, as
`--as-of YYYY-MM-DD` gives). How probes count:

* `probes` counts the judged probes only: ok plus failures. `ratio` = failures / probes.
* `blocked` (WAF challenge, 429) and `unknown` (we could not judge) are neither success nor
  failure: they are left out of `probes` and `ratio`, and they do not make a day covered.
* a slice is covered when it holds at least `min_per_day` judged probes; `enough_data` needs
  every one of the `days` slices covered (7 days × 20 probes in the national rule).
* probes made while the monitor's own network was down are not judged either (`unknown`,
  counted in `monitor_offline`): see `offline_buckets`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from govinspect.monitor.probe import FAILURES, NOT_COUNTED
from govinspect.monitor.store import ProbeStore

CHINA = ZoneInfo("Asia/Shanghai")
DAY = 86_400.0
FAILED_PROBES_LIMIT = 50  # failed probes listed as evidence; the counts cover them all
INSUFFICIENT_NOTE = "可用性监测数据不足（需连续{days}天、每天不少于{per_day}次）"

Row = tuple[float, str, int | None, float, str | None]


def iso(t: float) -> str:
    """Unix time → ISO 8601 in China time, to the second."""
    return datetime.fromtimestamp(t, CHINA).isoformat(timespec="seconds")


def insufficient_note(days: int, min_per_day: int) -> str:
    """The sentence stating that the coverage rule is not met."""
    return INSUFFICIENT_NOTE.format(days=days, per_day=min_per_day)


# The monitor's own network is judged down in a 5-minute bucket where at least 20 probes ran
# (over all sites) and at least 80 % of them got no answer at all: one site may be down, a
# whole registry of independent servers at once is our side. The price: a platform hosting
# most of the monitored sites (集约化) that fails as a whole is not judged in that bucket.
OFFLINE_BUCKET = 300.0
OFFLINE_MIN_PROBES = 20
OFFLINE_SHARE = 0.8
NO_ANSWER = ("dns", "timeout", "refused", "reset", "tls")


def offline_buckets(store: ProbeStore, start: float, end: float) -> frozenset[int]:
    """Buckets (`int(at // OFFLINE_BUCKET)`) in [start, end) when the monitor itself was offline."""
    rows = store.bucket_counts(start, end, OFFLINE_BUCKET, NO_ANSWER)
    return frozenset(b for b, total, silent in rows
                     if total >= OFFLINE_MIN_PROBES and silent >= OFFLINE_SHARE * total)


def summarise(rows: Sequence[Row], *, as_of: float, days: int = 7, min_per_day: int = 20,
              offline: frozenset[int] = frozenset()) -> dict[str, Any]:
    """The availability object for probes `rows` (at, class, status, elapsed, detail) before `as_of`.

    Unanswered probes in `offline` buckets (the monitor's own network was down) count as
    `unknown`; an answer that did arrive then still counts.
    """
    start = as_of - days * DAY
    slices = [{"from": iso(start + i * DAY), "probes": 0, "failures": 0, "blocked": 0, "unknown": 0}
              for i in range(days)]
    by_class: dict[str, int] = {}
    failed: list[dict[str, Any]] = []
    monitor_offline = 0
    for at, cls, status, elapsed, detail in rows:
        if not start <= at < as_of:
            continue
        day = slices[min(days - 1, int((at - start) // DAY))]
        if offline and cls in NO_ANSWER and int(at // OFFLINE_BUCKET) in offline:
            monitor_offline += 1
            day["unknown"] += 1
            by_class["monitor_offline"] = by_class.get("monitor_offline", 0) + 1
            continue
        by_class[cls] = by_class.get(cls, 0) + 1
        if cls in NOT_COUNTED:
            day["blocked" if cls == "blocked" else "unknown"] += 1
            continue
        day["probes"] += 1
        if cls in FAILURES:
            day["failures"] += 1
            if len(failed) < FAILED_PROBES_LIMIT:
                failed.append({"at": iso(at), "class": cls, "status": status,
                               "seconds": round(elapsed, 2), "detail": detail or ""})
    probes = sum(d["probes"] for d in slices)
    failures = sum(d["failures"] for d in slices)
    covered = sum(1 for d in slices if d["probes"] >= min_per_day)
    enough = covered >= days
    out: dict[str, Any] = {
        "probes": probes,
        "failures": failures,
        "ratio": round(failures / probes, 4) if probes else None,
        "blocked": sum(d["blocked"] for d in slices),
        "unknown": sum(d["unknown"] for d in slices),
        "monitor_offline": monitor_offline,
        "days_covered": covered,
        "enough_data": enough,
        "window": {"from": iso(start), "to": iso(as_of), "days": days, "min_probes_per_day": min_per_day},
        "per_day": slices,
        "by_class": dict(sorted(by_class.items())),
        "failed_probes": failed,
    }
    if not enough:
        out["note"] = insufficient_note(days, min_per_day)
    return out


def percent_text(failures: int, probes: int) -> str:
    """Failure share as a 通报 prints it ("4.5"), truncated (never rounded up across a line)."""
    tenths = math.floor(failures * 1000 / probes) if probes else 0
    whole, frac = divmod(tenths, 10)
    return f"{whole}.{frac}" if frac else str(whole)


class AvailabilityReader:
    """Reads the probe store for `govinspect inspect` (read-only; the monitor may be writing)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.store = ProbeStore(self.path, readonly=True)
        self._offline: dict[tuple[float, float], frozenset[int]] = {}

    def availability(
        self, *, url: str, site_code: str | None, as_of: datetime, days: int = 7, min_per_day: int = 20
    ) -> dict[str, Any]:
        """The availability object of one site at T = `as_of` (probes 0 when it is not monitored)."""
        t = as_of.timestamp()
        found = self.store.find_site(site_code=site_code, url=url)
        window = (t - days * DAY, t)
        if window not in self._offline:  # one scan of the week over all sites per inspection run
            self._offline[window] = offline_buckets(self.store, *window)
        rows = self.store.probes(found[0], *window) if found else []
        out = summarise(rows, as_of=t, days=days, min_per_day=min_per_day, offline=self._offline[window])
        out["monitored"] = found is not None
        out["probed_url"] = found[1] if found else None
        return out

    def close(self) -> None:
        """Close the database."""
        self.store.close()
