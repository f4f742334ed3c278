"""What `govinspect monitor` does around the loop: sites, database, signals, progress lines."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TextIO

from govinspect.eventloop import run as run_coroutine
from govinspect.models import SiteSpec
from govinspect.monitor.clock import Clock, ScaledClock, SystemClock
from govinspect.monitor.loop import Monitor, MonitorConfig, MonitorProgress, MonitorStats
from govinspect.monitor.probe import PROBE_TIMEOUT
from govinspect.monitor.store import DB_ENV, MonitoredSite, ProbeStore, StoreError, site_key
from govinspect.monitor.window import CHINA
from govinspect.net.client import Fetcher
from govinspect.net.types import FetchConfig

DEFAULT_DB = "govinspect-monitor.db"
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])", re.IGNORECASE)
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86_400}


class MonitorArgumentError(ValueError):
    """An argument of `govinspect monitor` that cannot be used."""


def default_db_path() -> Path:
    """`$GOVINSPECT_MONITOR_DB`, else `./govinspect-monitor.db`."""
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)


def parse_duration(text: str) -> float:
    """`90s`, `30m`, `2h`, `7d`, `1h30m` or plain seconds → seconds (> 0)."""
    raw = text.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", raw):
        seconds = float(raw)
    else:
        parts = _DURATION.findall(raw)
        if not parts or _DURATION.sub("", raw).strip():
            raise MonitorArgumentError(f"--duration {text!r}: expected e.g. 90s, 30m, 2h, 7d or 1h30m")
        seconds = sum(float(n) * _UNIT[u.lower()] for n, u in parts)
    if seconds <= 0:
        raise MonitorArgumentError(f"--duration {text!r}: must be longer than zero")
    return seconds


def monitored_sites(specs: list[SiteSpec], err: TextIO) -> list[MonitoredSite]:
    """Usable sites, once each (by key); unusable rows are named on `err` and skipped."""
    sites: dict[str, MonitoredSite] = {}
    for spec in specs:
        if spec.input_error:
            err.write(f"govinspect monitor: 跳过 (skipped) {spec.name or spec.url}: {spec.input_error}\n")
            continue
        key = site_key(spec.url, spec.site_code)
        sites.setdefault(key, MonitoredSite(key=key, url=spec.url, site_code=spec.site_code, name=spec.name))
    return list(sites.values())


@dataclass(slots=True)
class MonitorArgs:
    """The parsed command line of `govinspect monitor`."""

    urls: list[str]
    sites_file: Path | None
    db: Path | None = None
    duration: float | None = None
    per_day: int = 24
    concurrency: int = 64
    resolve: dict[tuple[str, int], tuple[str, int]] = field(default_factory=dict)
    offline: bool = False
    allow_private: bool = False
    user_agent: str | None = None
    quiet: bool = False
    keep_days: float | None = 100.0
    time_scale: float = 1.0
    progress_interval: float = 60.0


class LineProgress(MonitorProgress):
    """Progress as plain lines on standard error (a monitor runs for days: a log, not a bar)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def _line(self, text: str) -> None:
        stamp = datetime.now(CHINA).strftime("%Y-%m-%d %H:%M:%S")
        self.out.write(f"[{stamp}] {text}\n")
        self.out.flush()

    def started(self, stats: MonitorStats, per_day: int) -> None:
        self._line(f"开始监测 {stats.sites} 个站点，每站每天 {per_day} 次，单次 {PROBE_TIMEOUT:g} 秒超时")

    def tick(self, stats: MonitorStats) -> None:
        self._line(_summary(stats))

    def problem(self, message: str) -> None:
        self._line(message)

    def finished(self, stats: MonitorStats) -> None:
        self._line("监测结束：" + _summary(stats))


def _summary(stats: MonitorStats) -> str:
    ok = stats.by_class.get("ok", 0)
    blocked = stats.by_class.get("blocked", 0)
    unknown = stats.by_class.get("unknown", 0)
    return (f"已探测 {stats.probes} 次（正常 {ok}、失败 {stats.failures}、被拦截 {blocked}、未判定 {unknown}），"
            f"错过 {stats.missed} 次，进行中 {stats.in_flight}")


async def run_monitor(
    sites: list[MonitoredSite], store: ProbeStore, fetch: FetchConfig, config: MonitorConfig,
    *, clock: Clock, progress: MonitorProgress, install_signals: bool = True,
) -> MonitorStats:
    """Run the loop with Ctrl-C / SIGTERM handling: first signal stops, second drops in-flight probes."""
    async with Fetcher(fetch) as fetcher:
        monitor = Monitor(sites, store, fetcher, config, clock=clock, progress=progress)
        loop = asyncio.get_running_loop()
        installed: list[signal.Signals] = []
        if install_signals:
            for sig in (signal.SIGINT, signal.SIGTERM):
                try:
                    loop.add_signal_handler(sig, monitor.request_stop)
                    installed.append(sig)
                except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
                    pass
        try:
            return await monitor.run()
        finally:
            for sig in installed:
                loop.remove_signal_handler(sig)


def run_monitor_command(args: MonitorArgs, specs: list[SiteSpec]) -> int:
    """`govinspect monitor`: 0 after a clean stop; raises MonitorArgumentError for bad input."""
    from govinspect import __version__
    from govinspect.net.types import DEFAULT_USER_AGENT

    sites = monitored_sites(specs, sys.stderr)
    if not sites:
        raise MonitorArgumentError("no usable site to monitor")
    db_path = args.db or default_db_path()
    try:
        store = ProbeStore(db_path)
    except StoreError as exc:
        raise MonitorArgumentError(str(exc)) from None
    fetch = FetchConfig(
        timeout=PROBE_TIMEOUT,
        connect_timeout=PROBE_TIMEOUT,  # the rule allows the whole 15 s for "opening" the site
        user_agent=args.user_agent or DEFAULT_USER_AGENT.replace("{version}", __version__),
        resolve=args.resolve, offline=args.offline, allow_private=args.allow_private,
        max_connections=max(16, args.concurrency * 2),
    )
    config = MonitorConfig(
        per_day=args.per_day, concurrency=args.concurrency, duration=args.duration,
        keep_days=args.keep_days, time_scale=args.time_scale, progress_interval=args.progress_interval,
    )
    clock: Clock = SystemClock() if args.time_scale == 1.0 else ScaledClock(args.time_scale)
    progress = MonitorProgress() if args.quiet else LineProgress(sys.stderr)
    try:
        run_coroutine(run_monitor(sites, store, fetch, config, clock=clock, progress=progress))
    finally:
        store.close()
    if not args.quiet:
        sys.stderr.write(f"监测数据已写入 {db_path}\n")
    return 0
