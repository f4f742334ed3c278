"""The `govinspect` command: inspect, demo, extract, sandbox, campaign, serve, admin, worker, scheduler.

Exit status (the contract): 0 when every site was inspected (whatever the verdicts), 1 when
some site could not be inspected at all, 2 for unusable arguments (with a one-line reason).
"""

from __future__ import annotations

import gc
import ipaddress
import sys
from datetime import datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any, Callable, NoReturn, Optional

import typer
import typer.main
from typer.core import TyperGroup

from govinspect import __version__

CHINA_TZ_NAME = "Asia/Shanghai"


class _Commands(TyperGroup):
    """The top-level group: this module's commands, and those of other modules loaded when
    named or listed (`_LAZY_COMMANDS`, at the end of this module)."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:  # noqa: D102
        if cmd_name not in self.commands and cmd_name in _LAZY_COMMANDS:
            self._load(_LAZY_COMMANDS[cmd_name])
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: Any) -> list[str]:  # noqa: D102
        for name, loader in _LAZY_COMMANDS.items():
            if name not in self.commands:  # one loader mounts several names at once
                self._load(loader)
        own = [name for name in super().list_commands(ctx) if name not in _LAZY_COMMANDS]
        return own + [name for name in _LAZY_COMMANDS if name in self.commands]

    def _load(self, loader: Callable[[], typer.Typer]) -> None:
        for name, command in typer.main.get_group(loader()).commands.items():
            self.commands.setdefault(name, command)


app = typer.Typer(
    name="govinspect",
    cls=_Commands,
    help="检查政府网站（政府网站抽查）：死链、栏目更新、内容安全、互动与服务…… "
    "Inspect Chinese government websites against the national indicator set.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class UsageError(Exception):
    """An argument that cannot be used; the CLI prints it on one line and exits 2."""


def fail_usage(message: str) -> NoReturn:
    """Print a one-line reason and exit with status 2."""
    typer.echo(f"govinspect: error: {message}", err=True)
    raise typer.Exit(2)


# ---------------------------------------------------------------------------- parsing helpers
def parse_as_of(value: str | None) -> datetime:
    """`YYYY-MM-DD` or ISO 8601, read as Asia/Shanghai; default: now."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(CHINA_TZ_NAME)
    if value is None:
        return datetime.now(tz).replace(microsecond=0)
    text = value.strip()
    try:
        if len(text) == 10:
            # A date alone means 00:00 that day in China, as the contract's example shows.
            day = datetime.strptime(text, "%Y-%m-%d")
            return datetime.combine(day.date(), dtime(0, 0), tz)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--as-of {value!r} is not a date (expected YYYY-MM-DD or ISO 8601)") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(tz)


def parse_resolve(values: list[str]) -> dict[tuple[str, int], tuple[str, int]]:
    """Parse curl-style `HOST:PORT:ADDR` (ADDR an IP, `IP:PORT`, `[v6]` or `[v6]:PORT`)."""
    mapping: dict[tuple[str, int], tuple[str, int]] = {}
    for raw in values:
        parts = raw.split(":", 2)
        if len(parts) != 3 or not parts[0] or not parts[2]:
            raise UsageError(f"--resolve {raw!r}: expected HOST:PORT:ADDR")
        host, port_s, addr = parts[0].lower(), parts[1], parts[2]
        if not port_s.isdigit() or not 0 < int(port_s) < 65536:
            raise UsageError(f"--resolve {raw!r}: port {port_s!r} is not a port number")
        port = int(port_s)
        addr_port = port
        if addr.startswith("["):
            ip_s, _, rest = addr[1:].partition("]")
            if rest:
                if not rest.startswith(":") or not rest[1:].isdigit():
                    raise UsageError(f"--resolve {raw!r}: bad address {addr!r}")
                addr_port = int(rest[1:])
        elif addr.count(":") == 1:
            ip_s, _, p = addr.partition(":")
            if not p.isdigit():
                raise UsageError(f"--resolve {raw!r}: bad address {addr!r}")
            addr_port = int(p)
        else:
            ip_s = addr
        try:
            ipaddress.ip_address(ip_s)
        except ValueError:
            raise UsageError(f"--resolve {raw!r}: {ip_s!r} is not an IP address") from None
        if not 0 < addr_port < 65536:
            raise UsageError(f"--resolve {raw!r}: port {addr_port} out of range")
        old = mapping.get((host, port))
        if old is not None and ":" not in old[0] and ":" in ip_s:
            continue  # an IPv4 and an IPv6 address for one HOST:PORT: fetches use the IPv4 one
        mapping[(host, port)] = (ip_s, addr_port)
    return mapping


def parse_resolve_v6(values: list[str]) -> dict[tuple[str, int], tuple[str, int]]:
    """The IPv6 addresses given by --resolve next to an IPv4 one for the same HOST:PORT
    (the IPv6 check connects to them; `parse_resolve` has already validated every value)."""
    primary = parse_resolve(values)
    out: dict[tuple[str, int], tuple[str, int]] = {}
    for value in values:
        one = parse_resolve([value])
        for key, (ip, port) in one.items():
            if ":" in ip and primary.get(key, (ip, port))[0] != ip:
                out[key] = (ip, port)
    return out


def default_out_dir(prefix: str = "") -> Path:
    """`./govinspect-out/<timestamp>/` (the contract's default)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path("govinspect-out") / f"{prefix}{stamp}"


# ---------------------------------------------------------------------------- inspect
@app.command()
def inspect(
    urls: list[str] = typer.Argument(None, help="站点首页地址 Site homepage URLs"),
    sites: Optional[Path] = typer.Option(None, "--sites", help="CSV/XLSX 站点清单 with a header row"),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="监测时间点 T (YYYY-MM-DD or ISO 8601, Asia/Shanghai)"),
    profile: str = typer.Option("gov2019", "--profile", help="指标体系 gov2019 | census2015 | 省级指标文件.yaml"),
    out: Optional[Path] = typer.Option(None, "--out", help="输出目录 output directory"),
    max_pages: int = typer.Option(5000, "--max-pages", min=1, help="每站最多抓取页面数"),
    per_host: int = typer.Option(2, "--per-host", min=1, max=64, help="每个主机（及IP）并发数"),
    delay: float = typer.Option(0.5, "--delay", min=0.0, max=60.0, help="同一主机两次请求间隔（秒）"),
    timeout: float = typer.Option(15.0, "--timeout", min=1.0, max=300.0, help="单次请求超时（秒）"),
    resolve: list[str] = typer.Option([], "--resolve", help="HOST:PORT:ADDR, like curl"),
    offline: bool = typer.Option(False, "--offline", help="不做DNS解析，仅用 --resolve"),
    allow_private: bool = typer.Option(False, "--allow-private", help="允许访问内网/回环地址"),
    user_agent: Optional[str] = typer.Option(None, "--user-agent", help="User-Agent"),
    json_out: Optional[str] = typer.Option(None, "--json", help="同时输出 results.json 到 PATH 或 - (标准输出)"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="不显示进度"),
    ignore_robots: bool = typer.Option(False, "--ignore-robots", help="忽略 robots.txt（仅限检查本单位网站）"),
    parallel_sites: int = typer.Option(8, "--parallel-sites", min=1, max=512, help="同时检查的站点数"),
    max_depth: int = typer.Option(25, "--max-depth", min=0, max=100, help="最大链接深度"),
    replay: Optional[Path] = typer.Option(
        None, "--replay", help="用以前某次检查的输出目录中的抓取存档重新分析，不再联网 (re-run on a stored capture)"
    ),
    previous: Optional[Path] = typer.Option(
        None, "--previous", help="上次检查的输出目录或 results.json，用于发现首页被篡改 (tampering baseline)"
    ),
    monitor_db: Optional[Path] = typer.Option(
        None, "--monitor-db",
        help="可用性监测数据库（govinspect monitor 写入），填写 availability；默认 $GOVINSPECT_MONITOR_DB",
    ),
    checks: str = typer.Option(
        "all", "--checks",
        help="检查范围：all 全部指标（默认）；links 仅检查死链（快速扫描，其余指标记为未检查，不评定是否合格）",
    ),
) -> None:
    """检查网站 Inspect sites politely and write results.json, report.html and evidence."""
    try:
        monitor_db = _monitor_db_option(monitor_db)
        checks = _checks_option(checks)
        if replay is None and (urls or sites):
            from govinspect.crawl.worker import launch_early

            # Before the imports below: the analysis worker starts on the other core meanwhile.
            launch_early(full=checks == "all")
        from govinspect.runner import InspectArgs, run_inspect_command, run_replay_command

        if replay is not None:
            if urls or sites:
                raise UsageError("--replay takes the sites from the stored run; give no URL or --sites")
            code = run_replay_command(
                replay, as_of=parse_as_of(as_of) if as_of else None, profile=profile, out=out,
                json_out=json_out, quiet=quiet, max_pages=max_pages, max_depth=max_depth,
                monitor_db=monitor_db,
            )
            raise typer.Exit(code)
        args = InspectArgs(
            urls=list(urls or []), sites_file=sites, as_of=parse_as_of(as_of), profile=profile,
            out=out, max_pages=max_pages, per_host=per_host, delay=delay, timeout=timeout,
            resolve=parse_resolve(resolve), resolve_v6=parse_resolve_v6(resolve), offline=offline,
            allow_private=allow_private, user_agent=user_agent, json_out=json_out, quiet=quiet, ignore_robots=ignore_robots,
            parallel_sites=parallel_sites, max_depth=max_depth, previous=previous, monitor_db=monitor_db,
            checks=checks,
        )
        code = run_inspect_command(args)
    except UsageError as exc:
        fail_usage(str(exc))
    except KeyboardInterrupt:
        # typer would end silently with 130; the person who pressed Ctrl-C is told what is kept.
        typer.echo("govinspect: 已中断；已检查完的网站结果保存在输出目录的 sites/ 中，检查证据在 evidence/ 中", err=True)
        raise typer.Exit(130) from None
    raise typer.Exit(code)


def _checks_option(value: str) -> str:
    """--checks: one of models.CHECK_SCOPES."""
    from govinspect.models import CHECK_SCOPES

    if value not in CHECK_SCOPES:
        raise UsageError(f"--checks {value!r}: expected one of {', '.join(CHECK_SCOPES)}")
    return value


def _monitor_db_option(value: Path | None) -> Path | None:
    """--monitor-db, else $GOVINSPECT_MONITOR_DB; it must be a monitor database that exists."""
    import os

    from govinspect.monitor.store import DB_ENV

    if value is None:
        env = os.environ.get(DB_ENV)
        if not env:
            return None
        value = Path(env)
    if not value.is_file():
        raise UsageError(f"--monitor-db {value}: no such file (run `govinspect monitor` first)")
    from govinspect.monitor.store import ProbeStore, StoreError

    try:
        ProbeStore(value, readonly=True).close()
    except StoreError as exc:
        raise UsageError(f"--monitor-db: {exc}") from None
    return value


# ---------------------------------------------------------------------------- monitor
@app.command()
def monitor(
    urls: list[str] = typer.Argument(None, help="站点首页地址 Site homepage URLs"),
    sites: Optional[Path] = typer.Option(None, "--sites", help="CSV/XLSX 站点清单（与 inspect 相同）"),
    db: Optional[Path] = typer.Option(
        None, "--db", help="监测数据库 SQLite (default: $GOVINSPECT_MONITOR_DB or ./govinspect-monitor.db)"
    ),
    duration: Optional[str] = typer.Option(None, "--duration", help="运行时长，如 2h、7d、1h30m；默认一直运行"),
    per_day: int = typer.Option(24, "--per-day", min=20, max=1440, help="每站每天访问次数（不少于20）"),
    concurrency: int = typer.Option(64, "--concurrency", min=1, max=2048, help="同时进行的访问数"),
    resolve: list[str] = typer.Option([], "--resolve", help="HOST:PORT:ADDR, like curl"),
    offline: bool = typer.Option(False, "--offline", help="不做DNS解析，仅用 --resolve"),
    allow_private: bool = typer.Option(False, "--allow-private", help="允许访问内网/回环地址"),
    user_agent: Optional[str] = typer.Option(None, "--user-agent", help="User-Agent"),
    keep_days: float = typer.Option(100.0, "--keep-days", min=8.0, help="保留多少天的监测记录"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="不显示进度"),
    progress_every: float = typer.Option(60.0, "--progress-every", min=1.0, help="进度输出间隔（秒）"),
    time_scale: float = typer.Option(
        1.0, "--time-scale", min=1.0, max=100_000.0, hidden=True,
        help="drills and benchmarks only: run the schedule this many times faster",
    ),
) -> None:
    """可用性监测：按时间表反复访问各站首页（每天不少于20次，15秒超时），记录每一次结果。
    Probe each homepage on a spread schedule and store every probe."""
    from govinspect.monitor.command import MonitorArgs, MonitorArgumentError, parse_duration, run_monitor_command
    from govinspect.runner import ArgumentProblem, build_specs

    try:
        try:
            specs = build_specs(list(urls or []), sites)
            args = MonitorArgs(
                urls=list(urls or []), sites_file=sites, db=db,
                duration=parse_duration(duration) if duration else None, per_day=per_day,
                concurrency=concurrency, resolve=parse_resolve(resolve), offline=offline,
                allow_private=allow_private, user_agent=user_agent, quiet=quiet, keep_days=keep_days,
                time_scale=time_scale, progress_interval=progress_every,
            )
            code = run_monitor_command(args, specs)
        except (ArgumentProblem, MonitorArgumentError) as exc:
            raise UsageError(str(exc)) from None
    except UsageError as exc:
        fail_usage(str(exc))
    raise typer.Exit(code)


# ---------------------------------------------------------------------------- demo
@app.command()
def demo(
    out: Optional[Path] = typer.Option(None, "--out", help="输出目录 output directory"),
    sites: int = typer.Option(12, "--sites", min=1, max=2000, help="模拟省网站数"),
    seed: int = typer.Option(1, "--seed", help="随机种子"),
    json_out: Optional[str] = typer.Option(None, "--json", help="同时输出 results.json 到 PATH 或 -"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="不显示进度"),
) -> None:
    """演示：检查内置的模拟省网站（无需联网） Inspect the embedded simulated province, offline."""
    from govinspect.crawl.worker import launch_early

    launch_early(full=True)  # loads the analysers while the province is built
    from govinspect.demo import run_demo

    try:
        code = run_demo(out=out, n_sites=sites, seed=seed, json_out=json_out, quiet=quiet)
    except UsageError as exc:
        fail_usage(str(exc))
    raise typer.Exit(code)


# ---------------------------------------------------------------------------- extract
@app.command()
def extract(
    sources: list[str] = typer.Argument(..., help="HTML 文件或网址 files or URLs"),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="监测时间点 T"),
    json_out: Optional[str] = typer.Option(None, "--json", help="- for JSON on standard output"),
    resolve: list[str] = typer.Option([], "--resolve", help="HOST:PORT:ADDR"),
    offline: bool = typer.Option(False, "--offline"),
    allow_private: bool = typer.Option(False, "--allow-private"),
    timeout: float = typer.Option(15.0, "--timeout", min=1.0, max=300.0),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="保存的页面原来的网址 (the URL a saved file came from)"),
) -> None:
    """显示分析器对页面的理解 Show what the analyser sees on each page."""
    from govinspect.extract import run_extract_command

    try:
        code = run_extract_command(
            sources, as_of=parse_as_of(as_of), json_out=json_out, resolve=parse_resolve(resolve),
            offline=offline, allow_private=allow_private, timeout=timeout, base_url=base_url,
        )
    except UsageError as exc:
        fail_usage(str(exc))
    raise typer.Exit(code)


# ---------------------------------------------------------------------------- review / rescore
@app.command()
def rescore(
    out_dir: Path = typer.Argument(..., help="一次检查的输出目录 (with results.json)"),
    review: Optional[Path] = typer.Option(
        None, "--review", help="审核表 findings-review.xlsx/.csv (default: the newer one in OUT_DIR)"
    ),
    profile: Optional[str] = typer.Option(None, "--profile", help="改用其他指标体系 gov2019 | census2015 | FILE.yaml"),
    only_confirmed: bool = typer.Option(
        False, "--only-confirmed", help="只按已确认的问题评分，未审核的问题暂不计分"
    ),
) -> None:
    """重新评分：按审核表（确认/驳回）重新计算结论并重写 results.json 和报告 Re-score a run honouring the review."""
    from govinspect.scoring.rescore import RescoreError, rescore_dir
    from govinspect.scoring.review import ReviewFileError

    try:
        summary = rescore_dir(out_dir, review=review, profile=profile, only_confirmed=only_confirmed)
    except (RescoreError, ReviewFileError) as exc:
        fail_usage(str(exc))
    counts = summary.counts
    typer.echo(
        f"重新评分完成（{summary.profile}）：确认 {counts.get('confirmed', 0)} 条，驳回 {counts.get('dismissed', 0)} 条，"
        f"未审核 {counts.get('unreviewed', 0)} 条；合格 {summary.verdicts.get('pass', 0)} 个，"
        f"不合格 {summary.verdicts.get('fail', 0)} 个" + (f"；审核表 {summary.review_file}" if summary.review_file else ""),
        err=True,
    )
    if summary.unmatched:
        typer.echo(f"govinspect: warning: {len(summary.unmatched)} row(s) of the review file match no finding "
                   f"of this run (e.g. {summary.unmatched[0]})", err=True)


@app.command()
def review(
    out_dir: Path = typer.Argument(..., help="一次检查的输出目录 (with results.json)"),
    force: bool = typer.Option(False, "--force", help="覆盖已有的审核表"),
) -> None:
    """生成审核表 findings-review.xlsx/.csv（每条问题一行，填写 确认/驳回 和理由）."""
    from govinspect.profiles.loader import ProfileError, load_profile
    from govinspect.scoring.rescore import REVIEW_FILES, RescoreError, load_run, write_review_sheets

    try:
        run = load_run(out_dir)
        existing = [name for name in REVIEW_FILES if (out_dir / name).is_file()]
        if existing and not force:
            raise RescoreError(f"{out_dir / existing[0]} exists (it may hold decisions): run rescore first, or pass --force")
        loaded = load_profile(run.profile_source or run.profile)
    except (RescoreError, ProfileError) as exc:
        fail_usage(str(exc))
    for path in write_review_sheets(run, loaded, out_dir):
        typer.echo(str(path))


@app.command()
def version() -> None:
    """显示版本 Print the version."""
    typer.echo(f"govinspect {__version__}")


# Commands defined in other modules are imported only when named (or when the help lists
# them): `inspect` need not import the sandbox and campaign command modules (~50 ms) and have
# typer build their commands. Each loader returns a one-off Typer app holding its commands,
# mounted as they would be with `app.add_typer` / `app.command`.
def _sandbox_commands() -> typer.Typer:
    sub = typer.Typer()
    try:
        from govinspect.sandbox.cli import app as sandbox_app
    except ImportError:  # the sandbox is part of the package; this only guards partial installs
        return sub
    sub.add_typer(sandbox_app, name="sandbox", help="模拟省：本机回环地址上的模拟政府网站及其标准答案")
    return sub


def _campaign_commands() -> typer.Typer:
    from govinspect.campaign.cli import app as campaign_app

    sub = typer.Typer()
    sub.add_typer(campaign_app, name="campaign", help="抽查批次：抽样检查、断点续查、生成通报")
    return sub


def _platform_commands() -> typer.Typer:
    # Django is imported only inside these commands; the engine's commands never load it.
    from govinspect.platform.commands import admin_app, serve

    sub = typer.Typer()
    sub.command(name="serve")(serve)
    sub.add_typer(admin_app, name="admin", help="监管平台管理：账号、地区、网站信息、后台任务")
    return sub


def _scale_commands() -> typer.Typer:
    # Celery, Redis and psycopg are imported inside these commands only (the [scale] extra).
    from govinspect.scale.cli import evidence_app, scheduler, worker

    sub = typer.Typer()
    sub.command(name="worker")(worker)
    sub.command(name="scheduler")(scheduler)
    sub.add_typer(evidence_app, name="evidence", help="检查证据（WARC）的保存期限")
    return sub


# command name -> its loader, in the order the help lists them after this module's own
# (commands before groups, as typer orders what is mounted)
_LAZY_COMMANDS = {
    "serve": _platform_commands,
    "worker": _scale_commands,
    "scheduler": _scale_commands,
    "sandbox": _sandbox_commands,
    "campaign": _campaign_commands,
    "admin": _platform_commands,
    "evidence": _scale_commands,
}


def main() -> None:
    """Console-script entry point."""
    from govinspect.gctune import tune_gc

    tune_gc()
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("govinspect: interrupted", err=True)
        sys.exit(130)
    finally:
        # The command is over and every file it wrote is closed: interpreter shutdown need not
        # look for reference cycles among all the objects of the run (~0.15 s after a crawl
        # of 3,000 pages). Objects are still freed; only the cycle search is skipped.
        gc.freeze()


__all__ = ["app", "main", "parse_as_of", "parse_resolve", "parse_resolve_v6", "UsageError"]
