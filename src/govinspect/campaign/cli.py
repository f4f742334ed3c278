"""`govinspect campaign run|report`: a 抽查 over a registry, and its 通报."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional

import typer

from govinspect.eventloop import run as run_coroutine

app = typer.Typer(
    help="抽查批次：按地区抽样检查、断点续查，并生成通报（DOCX、XLSX、HTML）",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _fail(message: str) -> None:
    typer.echo(f"govinspect: error: {message}", err=True)
    raise typer.Exit(2)


def _parse_date(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        _fail(f"--date {value!r} is not a date (expected YYYY-MM-DD)")
        raise  # unreachable: _fail exits


def _template(path: Path | None, issuer: str | None, scope: str | None) -> dict:
    from govinspect.report.bulletin.text import TemplateError, load_template

    try:
        template = load_template(path)
    except TemplateError as exc:
        _fail(str(exc))
    if issuer:
        template["issuer"] = issuer
    if scope:
        template["scope"] = scope
    return template


def _group_by(value: str) -> str:
    if value not in ("region", "organiser"):
        _fail(f"--group-by {value!r}: expected region or organiser")
    return value


def _write_report(directory: Path, template: dict, *, date: dt.date, previous: Path | None, out: Path | None,
                  group_by: str, pdf: bool) -> list[Path]:
    from govinspect.campaign.manifest import CampaignError
    from govinspect.campaign.report import report_campaign
    from govinspect.report.bulletin.text import TemplateError

    try:
        _, paths = report_campaign(directory, template, date=date, previous=previous, out_dir=out, group_by=group_by)
    except (CampaignError, TemplateError) as exc:
        _fail(str(exc))
    if pdf:
        from govinspect.report.bulletin.render import RenderError, docx_to_pdf

        try:
            paths.append(docx_to_pdf(paths[0], paths[0].parent))
        except RenderError as exc:
            typer.echo(f"govinspect: warning: no PDF: {exc}", err=True)
    return paths


@app.command()
def run(
    sites: Path = typer.Option(..., "--sites", help="CSV/XLSX 站点清单（网站标识码、网站名称、首页地址、主办单位、地区、是否门户）"),
    out: Optional[Path] = typer.Option(None, "--out", help="抽查目录；用同一目录重新运行即断点续查"),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="监测时间点 T (YYYY-MM-DD or ISO 8601)"),
    sample: Optional[str] = typer.Option(None, "--sample", help="抽样：50% 或 网站个数；默认全部"),
    seed: int = typer.Option(0, "--seed", help="抽样随机种子"),
    all_portals: bool = typer.Option(False, "--all-portals", help="门户网站全部检查，其余按比例抽取"),
    new: bool = typer.Option(False, "--new", help="目录中已有不同参数的抽查时，将其改名保留并重新开始"),
    profile: str = typer.Option("gov2019", "--profile", help="指标体系"),
    previous: Optional[Path] = typer.Option(None, "--previous", help="上次抽查目录（环比、再次被通报）"),
    template: Optional[Path] = typer.Option(None, "--template", help="通报文字模板 YAML"),
    issuer: Optional[str] = typer.Option(None, "--issuer", help="发文机关，如 ××省人民政府办公厅"),
    date: Optional[str] = typer.Option(None, "--date", help="成文日期 YYYY-MM-DD（默认今天）"),
    max_pages: int = typer.Option(5000, "--max-pages", min=1, help="每站最多抓取页面数"),
    per_host: int = typer.Option(2, "--per-host", min=1, max=64, help="每个主机（及IP）并发数"),
    delay: float = typer.Option(0.5, "--delay", min=0.0, max=60.0, help="同一主机两次请求间隔（秒）"),
    timeout: float = typer.Option(15.0, "--timeout", min=1.0, max=300.0, help="单次请求超时（秒）"),
    resolve: list[str] = typer.Option([], "--resolve", help="HOST:PORT:ADDR, like curl"),
    offline: bool = typer.Option(False, "--offline", help="不做DNS解析，仅用 --resolve"),
    allow_private: bool = typer.Option(False, "--allow-private", help="允许访问内网/回环地址"),
    parallel_sites: int = typer.Option(8, "--parallel-sites", min=1, max=512, help="同时检查的站点数"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="不显示进度"),
    distributed: bool = typer.Option(
        False, "--distributed", help="分发给工作进程检查（govinspect worker；$GOVINSPECT_DATABASE_URL、$GOVINSPECT_BROKER_URL）"
    ),
    wait_timeout: Optional[float] = typer.Option(
        None, "--wait-timeout", min=1.0, help="分布式检查最多等待多少秒（超时后工作进程继续，重新运行即可收取结果）"
    ),
) -> None:
    """抽查：检查抽中的网站（已完成的不再重查），并生成通报 Run (or resume) a campaign, then write its 通报."""
    from rich.console import Console

    from govinspect.campaign.manifest import CampaignError
    from govinspect.campaign.run import load_campaign, plan_campaign, run_campaign, write_campaign_results
    from govinspect.campaign.sampling import SamplingError, parse_sample
    from govinspect.cli import UsageError, default_out_dir, parse_as_of, parse_resolve
    from govinspect.profiles.loader import ProfileError, load_profile
    from govinspect.runner import ArgumentProblem, ConsoleProgress, InspectArgs, build_options, build_specs

    template_data = _template(template, issuer, None)
    report_date = _parse_date(date)
    directory = out or default_out_dir("campaign-")
    try:
        when = parse_as_of(as_of)
        spec = parse_sample(sample)
        load_profile(profile)
        specs = build_specs([], sites)
        args = InspectArgs(
            urls=[], sites_file=sites, as_of=when, profile=profile, out=directory, max_pages=max_pages,
            per_host=per_host, delay=delay, timeout=timeout, resolve=parse_resolve(resolve), offline=offline,
            allow_private=allow_private, quiet=quiet, parallel_sites=parallel_sites,
        )
        plan = plan_campaign(
            directory, sites, specs, as_of=when.isoformat(), profile=profile, sample=spec, seed=seed,
            all_portals=all_portals, new=new,
        )
    except (UsageError, SamplingError, ProfileError, ArgumentProblem, CampaignError) as exc:
        _fail(str(exc))
    console = Console(stderr=True)
    remaining = len(plan.remaining)
    if not quiet:
        console.print(
            f"抽查目录 {directory}：抽中 {len(plan.specs)} 个网站（共 {len(specs)} 个，抽样 {spec}，种子 {seed}），"
            f"已完成 {len(plan.done)} 个，本次检查 {remaining} 个", soft_wrap=True,
        )
    options = build_options(args, directory)
    try:
        if distributed:
            _run_distributed(plan, options, console, quiet, wait_timeout)
        elif quiet or not remaining:
            run_coroutine(run_campaign(plan, options))
        else:
            with ConsoleProgress(remaining, console) as progress:
                run_coroutine(run_campaign(plan, options, progress))
    except KeyboardInterrupt:
        console.print(
            f"已中断：{len(plan.done)}/{len(plan.specs)} 个网站已完成并保存；用同一命令重新运行即可继续。", soft_wrap=True
        )
        raise typer.Exit(130) from None
    manifest, stored = load_campaign(directory)
    write_campaign_results(directory, manifest, stored)
    paths = _write_report(directory, template_data, date=report_date, previous=previous, out=None,
                          group_by=manifest.group_by, pdf=False)
    if not quiet:
        console.print(f"结果已写入 {directory}/ (results.json, {', '.join(p.name for p in paths)})", soft_wrap=True)
    raise typer.Exit(1 if any(s.get("status") == "error" for s in stored) else 0)


def _run_distributed(plan, options, console, quiet: bool, wait_timeout: float | None) -> None:  # type: ignore[no-untyped-def]
    """Fan the campaign out to the workers and wait (the campaign directory is filled as sites finish)."""
    from govinspect.scale.settings import ScaleError, load_settings

    try:
        settings = load_settings()
        settings.require_database()
        from govinspect.scale.coordinator import run_distributed

        run_distributed(plan, options, settings, console=None if quiet else console, timeout=wait_timeout)
    except ScaleError as exc:
        _fail(str(exc))


@app.command()
def report(
    directory: Path = typer.Argument(..., help="抽查目录 (campaign run --out)"),
    previous: Optional[Path] = typer.Option(None, "--previous", help="上次抽查目录（环比、再次被通报）"),
    template: Optional[Path] = typer.Option(None, "--template", help="通报文字模板 YAML（覆盖默认模板中给出的键）"),
    issuer: Optional[str] = typer.Option(None, "--issuer", help="发文机关"),
    scope: Optional[str] = typer.Option(None, "--scope", help="范围用语：全省、全市……"),
    date: Optional[str] = typer.Option(None, "--date", help="成文日期 YYYY-MM-DD（默认今天）"),
    out: Optional[Path] = typer.Option(None, "--out", help="通报输出目录（默认抽查目录）"),
    group_by: str = typer.Option("region", "--group-by", help="统计口径：region（地区）或 organiser（主办单位）"),
    pdf: bool = typer.Option(False, "--pdf", help="同时用 LibreOffice 生成 PDF"),
) -> None:
    """生成通报 Write the 通报 (bulletin.docx, bulletin.xlsx, bulletin.html) of a campaign directory."""
    paths = _write_report(
        directory, _template(template, issuer, scope), date=_parse_date(date), previous=previous, out=out,
        group_by=_group_by(group_by), pdf=pdf,
    )
    for path in paths:
        typer.echo(str(path))
