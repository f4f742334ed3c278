"""What `govinspect inspect` and `govinspect demo` do around the engine: inputs, outputs, exit code.

The engine (`govinspect.inspect`) returns plain data; this module reads the site list, shows
progress on standard error, writes results.json / report.html / report.xlsx, prints the
per-site summary and decides the exit status.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govinspect import __version__
from govinspect.crawl.crawler import CrawlConfig
from govinspect.crawl.politeness import PolitenessConfig
from govinspect.crawl.urls import normalize_url
from govinspect.inspect import InspectOptions, Progress, run_inspection
from govinspect.report.office import OFFICE_FILES, write_office_reports
from govinspect.models import RunResult, SiteResult, SiteSpec
from govinspect.net.types import DEFAULT_USER_AGENT, FetchConfig

if TYPE_CHECKING:  # rich loads only to draw: a --quiet run never does (~50 ms)
    from rich.console import Console

    from govinspect.crawl.worker import AnalysisWorker


class ArgumentProblem(Exception):
    """Raised for unusable arguments; the CLI turns it into exit status 2."""


@dataclass(slots=True)
class InspectArgs:
    """The parsed command line of `govinspect inspect`."""

    urls: list[str]
    sites_file: Path | None
    as_of: datetime
    profile: str = "gov2019"
    out: Path | None = None
    max_pages: int = 5000
    per_host: int = 2
    delay: float = 0.5
    timeout: float = 15.0
    resolve: dict[tuple[str, int], tuple[str, int]] = field(default_factory=dict)
    resolve_v6: dict[tuple[str, int], tuple[str, int]] = field(default_factory=dict)
    offline: bool = False
    allow_private: bool = False
    user_agent: str | None = None
    json_out: str | None = None
    quiet: bool = False
    ignore_robots: bool = False
    parallel_sites: int = 8
    max_depth: int = 25
    previous: Path | None = None  # an earlier run (its --out or results.json): tampering baseline
    monitor_db: Path | None = None
    checks: str = "all"  # models.CHECK_SCOPES


class ConsoleProgress(Progress):
    """A rich progress bar on standard error: sites done, and pages of the sites running."""

    def __init__(self, total: int, console: Console) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as RichProgress

        self.console = console
        self.bar = RichProgress(
            TextColumn("[bold]检查进度"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("站点 · {task.fields[pages]} 页 · {task.fields[current]}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.task = self.bar.add_task("sites", total=total, pages=0, current="")
        self._pages: dict[str, int] = {}

    def __enter__(self) -> "ConsoleProgress":
        self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(None, None, None)

    def site_started(self, key: str, spec: SiteSpec) -> None:
        self.bar.update(self.task, current=spec.name or spec.url)

    def pages(self, key: str, count: int) -> None:
        self._pages[key] = count
        if count % 10 == 0:
            self.bar.update(self.task, pages=sum(self._pages.values()))

    def site_done(self, key: str, result: SiteResult) -> None:
        self._pages[key] = result.pages
        self.bar.update(self.task, advance=1, pages=sum(self._pages.values()))


def build_specs(urls: list[str], sites_file: Path | None) -> list[SiteSpec]:
    """Sites from the command line and/or the registry file; bad rows become site errors."""
    specs: list[SiteSpec] = []
    if sites_file is not None:
        from govinspect.sites import SitesFileError, read_sites

        try:
            specs.extend(read_sites(sites_file))
        except SitesFileError as exc:
            raise ArgumentProblem(str(exc)) from None
    for raw in urls:
        url = raw.strip()
        if url and "://" not in url:
            url = "http://" + url
        if normalize_url(url) is None:
            specs.append(SiteSpec(url=raw, input_error=f"网址无法使用 (unusable URL): {raw!r}"))
        else:
            specs.append(SiteSpec(url=url))
    if not specs:
        raise ArgumentProblem("no sites given: pass URL arguments or --sites FILE")
    return specs


def build_options(args: InspectArgs, out_dir: Path) -> InspectOptions:
    """Engine options from the command line (built-in defaults < command line)."""
    ua = args.user_agent or DEFAULT_USER_AGENT.format(version=__version__)
    return InspectOptions(
        as_of=args.as_of,
        profile=args.profile,
        out_dir=out_dir,
        fetch=FetchConfig(
            timeout=args.timeout,
            connect_timeout=min(args.timeout, 10.0),
            user_agent=ua,
            resolve=args.resolve,
            resolve_v6=args.resolve_v6,
            offline=args.offline,
            allow_private=args.allow_private,
        ),
        politeness=PolitenessConfig(per_host=args.per_host, delay=args.delay),
        crawl=CrawlConfig(
            max_pages=args.max_pages,
            max_depth=args.max_depth,
            respect_robots=not args.ignore_robots,
        ),
        parallel_sites=args.parallel_sites,
        previous_fingerprints=load_previous_fingerprints(args.previous) if args.previous else {},
        monitor_db=args.monitor_db,
        checks=args.checks,
    )


def write_outputs(run: RunResult, out_dir: Path, json_out: str | None) -> None:
    """results.json, report.html, report.docx, report.xlsx in `out_dir`; and --json PATH|-."""
    _write_results_and_html(run, out_dir, json_out)
    write_office_reports(run, out_dir, profile=None, only=("report.xlsx", "report.docx"), strict=True)


def _write_results_and_html(run: RunResult, out_dir: Path, json_out: str | None) -> None:
    from govinspect.report.html import write_report_html
    from govinspect.report.results import write_results, write_results_stream

    out_dir.mkdir(parents=True, exist_ok=True)
    write_results(run, out_dir / "results.json")
    write_report_html(run, out_dir / "report.html")
    if json_out == "-":
        write_results_stream(run, sys.stdout)
        sys.stdout.write("\n")
        sys.stdout.flush()
    elif json_out:
        write_results(run, Path(json_out))


async def write_run_outputs(
    run: RunResult, worker: AnalysisWorker | None, out_dir: Path, json_out: str | None, profile: str
) -> None:
    """Everything a run writes, at its end: the analysis worker (when there is one) writes the
    office reports, having their libraries loaded, while this process writes results.json and
    report.html; whatever the worker could not write is written here after it."""
    asked = asyncio.ensure_future(worker.write_reports(run, out_dir, profile)) if worker else None
    await asyncio.sleep(0)  # the request leaves before this process gets busy
    _write_results_and_html(run, out_dir, json_out)
    failed = await asked if asked is not None else list(OFFICE_FILES)
    # A failure naming no known file (a worker of another version) has them all written here.
    names = OFFICE_FILES if set(failed) - set(OFFICE_FILES) else tuple(n for n in OFFICE_FILES if n in failed)
    write_office_reports(run, out_dir, profile=profile, only=names, strict=True)


def print_summary(run: RunResult, console: Console, out_dir: Path) -> None:
    """The per-site summary a person reads at the end of a run."""
    from rich.table import Table

    table = Table(title=f"检查结果（监测时间点 {run.as_of}）", show_lines=False)
    for col in ("网站", "状态", "结论", "得分", "页面", "链接", "首页死链", "其他死链", "受限链接", "用时(秒)"):
        table.add_column(col)
    for site in run.sites:
        home = sum(1 for d in site.dead_links if d.scope == "home")
        other = len(site.dead_links) - home
        status = "已检查" if site.status == "inspected" else f"[red]无法检查：{site.error}"
        if site.status == "inspected" and site.checks == "links":
            status = "仅检查链接"
        verdict = {"pass": "合格", "fail": "[red]不合格"}.get(site.verdict or "", "")
        if site.vetoes:
            verdict += "（单项否决）"
        table.add_row(
            site.spec.name or site.spec.url, status, verdict, "" if site.score is None else f"{site.score:g}",
            str(site.pages), str(site.links_checked),
            str(home), str(other), str(len(site.blocked_links)), f"{site.seconds:.1f}",
        )
    console.print(table)
    console.print(f"结果已写入 {out_dir}/ (results.json, report.html, report.docx, report.xlsx, findings-review.xlsx, "
                  "evidence/)", soft_wrap=True)


def exit_code(run: RunResult) -> int:
    """0 when every site was inspected, 1 when some site could not be inspected at all."""
    return 1 if any(s.status == "error" for s in run.sites) else 0


def run_inspect_command(args: InspectArgs) -> int:
    """`govinspect inspect`: returns the exit status; raises UsageError for bad arguments."""
    from govinspect.cli import UsageError
    from govinspect.profiles.loader import ProfileError, load_profile

    try:
        load_profile(args.profile)
        specs = build_specs(args.urls, args.sites_file)
    except (ArgumentProblem, ProfileError) as exc:
        raise UsageError(str(exc)) from None
    from govinspect.cli import default_out_dir

    out_dir = args.out or default_out_dir()
    try:
        options = build_options(args, out_dir)
    except ArgumentProblem as exc:  # e.g. an unreadable --previous run
        raise UsageError(str(exc)) from None
    return execute(specs, options, out_dir, json_out=args.json_out, quiet=args.quiet)[0]


def execute(
    specs: list[SiteSpec], options: InspectOptions, out_dir: Path, *, json_out: str | None, quiet: bool
) -> tuple[int, RunResult]:
    """Run the engine with progress, write everything, print the summary; (exit status, run)."""
    if json_out not in (None, "-") and not Path(json_out).parent.is_dir():  # type: ignore[arg-type]
        from govinspect.cli import UsageError

        # Checked before the run: finding out after an hour of crawling would be cruel.
        raise UsageError(f"--json {json_out}: directory {Path(json_out).parent} does not exist")  # type: ignore[arg-type]
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from govinspect.cli import UsageError

        raise UsageError(f"--out {out_dir}: cannot create directory ({exc.strerror})") from None

    async def write_all(run: RunResult, worker: AnalysisWorker | None) -> None:
        await write_run_outputs(run, worker, out_dir, json_out, options.profile)

    if quiet:
        run = run_inspection(specs, options, on_done=write_all)
        return exit_code(run), run
    from rich.console import Console

    console = Console(stderr=True)
    with ConsoleProgress(len(specs), console) as progress:
        run = run_inspection(specs, options, progress, on_done=write_all)
    summary_console = console if json_out == "-" else Console()
    if not summary_console.is_terminal:
        # Piped output: do not squeeze site names into rich's 80-column default.
        summary_console.width = 160
    print_summary(run, summary_console, out_dir)
    return exit_code(run), run


def load_previous_fingerprints(path: Path) -> dict[str, dict[str, Any]]:
    """Homepage fingerprints of an earlier run (its --out directory or its results.json), by
    site identity (标识码, else homepage URL). Raises ArgumentProblem when unreadable."""
    import json

    from govinspect.inspect import site_identity

    results = path / "results.json" if path.is_dir() else path
    try:
        data = json.loads(results.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ArgumentProblem(f"--previous {path}: cannot read results.json ({exc})") from None
    out: dict[str, dict[str, Any]] = {}
    for site in data.get("sites") or []:
        fp = site.get("homepage_fingerprint")
        if isinstance(fp, dict) and site.get("url"):
            out[site_identity(SiteSpec(url=site["url"], site_code=site.get("site_code")))] = fp
    return out


def load_stored_run(directory: Path) -> tuple[list[SiteSpec], str | None]:
    """The sites (and T) of an earlier run: results.json, or sites/*.json after a crash."""
    import json

    results = directory / "results.json"
    if results.is_file():
        data = json.loads(results.read_text(encoding="utf-8"))
        sites, as_of = data.get("sites", []), data.get("as_of")
    else:
        parts = sorted((directory / "sites").glob("*.json"))
        sites = [json.loads(p.read_text(encoding="utf-8")) for p in parts]
        as_of = None
    specs = [
        SiteSpec(
            url=s["url"], site_code=s.get("site_code"), name=s.get("name"), organiser=s.get("organiser"),
            region=s.get("region"), portal=s.get("portal"), aliases=tuple(s.get("aliases") or ()),
            services=s.get("services"),
        )
        for s in sites
    ]
    return specs, as_of


def run_replay_command(
    directory: Path, *, as_of: datetime | None, profile: str, out: Path | None, json_out: str | None,
    quiet: bool, max_pages: int, max_depth: int, monitor_db: Path | None = None,
) -> int:
    """`govinspect inspect --replay DIR`: the same inspection, answered from DIR's captures."""
    from govinspect.cli import UsageError, default_out_dir, parse_as_of
    from govinspect.profiles.loader import ProfileError, load_profile

    if not (directory / "evidence").is_dir():
        raise UsageError(f"--replay {directory}: no evidence/ directory (not a govinspect output directory)")
    try:
        load_profile(profile)
    except ProfileError as exc:
        raise UsageError(str(exc)) from None
    specs, stored_as_of = load_stored_run(directory)
    if not specs:
        raise UsageError(f"--replay {directory}: no sites found in results.json or sites/")
    when = as_of or (parse_as_of(stored_as_of) if stored_as_of else parse_as_of(None))
    out_dir = out or default_out_dir("replay-")
    if out_dir.resolve() == directory.resolve():
        raise UsageError("--out must differ from the --replay directory (the stored run is kept as it is)")
    options = InspectOptions(
        as_of=when,
        profile=profile,
        out_dir=out_dir,
        politeness=PolitenessConfig(per_host=16, delay=0.0),
        # Answers are stored: waiting before a retry or for a rate limit would change nothing.
        crawl=CrawlConfig(max_pages=max_pages, max_depth=max_depth, retry_delay=0.0, confirm_delay=0.0, rate_limit_retries=0),
        capture=False,
        replay=directory,
        monitor_db=monitor_db,
    )
    return execute(specs, options, out_dir, json_out=json_out, quiet=quiet)[0]
