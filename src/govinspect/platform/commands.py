"""`govinspect serve` and `govinspect admin …`: the platform's command line.

Mounted by `govinspect.cli`; Django is imported only when one of these commands runs, so the
engine's commands stay fast and do not need the platform's dependencies.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn, Optional

import typer

DATA_HELP = "数据目录：SQLite 数据库、上传文件、密钥（默认 ./govinspect-data；设置 DATABASE_URL 时数据库改用 PostgreSQL）"

admin_app = typer.Typer(help="监管平台管理：创建账号、导入地区和网站", no_args_is_help=True, add_completion=False)


def _fail(message: str) -> NoReturn:
    typer.echo(f"govinspect: error: {message}", err=True)
    raise typer.Exit(2)


def _start(data: Optional[Path]) -> None:
    from govinspect.platform.bootstrap import migrate, setup

    try:
        setup(data)
        migrate()
    except Exception as exc:  # a bad DATABASE_URL, an unwritable directory …
        _fail(f"无法打开数据库：{type(exc).__name__}: {exc}")


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址"),
    port: int = typer.Option(8000, "--port", help="端口"),
    data: Optional[Path] = typer.Option(None, "--data", help=DATA_HELP),
    threads: int = typer.Option(8, "--threads", help="处理请求的线程数"),
) -> None:
    """启动监管平台（应用数据库迁移后以 waitress 提供服务） Serve the supervision platform."""
    if not 0 < port < 65536:
        _fail(f"--port {port} 不是有效端口")
    names = os.environ.get("GOVINSPECT_ALLOWED_HOSTS")
    if not names:
        os.environ["GOVINSPECT_ALLOWED_HOSTS"] = ",".join(
            {"127.0.0.1", "localhost", "[::1]", host if ":" not in host else f"[{host}]"} - {"0.0.0.0", "[::]"})
    _start(data)
    import waitress

    from govinspect.platform import jobs
    from govinspect.platform.wsgi import application

    jobs.recover_interrupted()
    runner = jobs.JobRunner()
    runner.start()
    typer.echo(f"govinspect 监管平台：http://{host}:{port}/ （Ctrl+C 停止）", err=True)
    try:
        waitress.serve(application, host=host, port=port, threads=threads, ident="govinspect")
    finally:
        runner.stop()


@admin_app.command("create-user")
def create_user(
    username: str = typer.Argument(..., help="用户名"),
    role: str = typer.Option(..., "--role", help="admin（系统管理员）、supervisor（监管）、reviewer（审核）、owner（网站主办单位）"),
    region: Optional[str] = typer.Option(None, "--region", help="管辖地区的行政区划代码（监管、审核人员）"),
    site: list[str] = typer.Option([], "--site", help="负责的网站标识码（主办单位，可重复）"),
    password_env: str = typer.Option("GOVINSPECT_PASSWORD", "--password-env",
                                     help="从此环境变量读取密码；未设置时交互输入"),
    data: Optional[Path] = typer.Option(None, "--data", help=DATA_HELP),
) -> None:
    """创建账号 Create an account with a role and a scope."""
    from govinspect.platform.accounts.roles import ROLES

    if role not in dict(ROLES):
        _fail(f"--role {role!r} 无效，应为 {', '.join(dict(ROLES))}")
    if role == "supervisor" and not region:
        _fail("监管人员必须指定 --region")
    if role == "owner" and not site:
        _fail("网站主办单位必须至少指定一个 --site")
    _start(data)
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from govinspect.platform.accounts.models import User
    from govinspect.platform.audit import acting_as
    from govinspect.platform.registry.models import Region, Site

    if User.objects.filter(username=username).exists():
        _fail(f"用户 {username} 已存在")
    region_row = Region.objects.filter(code=region).first() if region else None
    if region and region_row is None:
        _fail(f"地区代码 {region} 不存在（先导入地区：govinspect admin load-regions）")
    site_rows = list(Site.objects.filter(site_code__in=site))
    missing = set(site) - {s.site_code for s in site_rows}
    if missing:
        _fail(f"网站标识码不存在：{'、'.join(sorted(missing))}")
    password = os.environ.get(password_env) or typer.prompt("密码", hide_input=True, confirmation_prompt=True)
    candidate = User(username=username, role=role)
    try:
        validate_password(password, candidate)
    except ValidationError as err:
        _fail("密码不符合要求：" + " ".join(err.messages))
    with acting_as(None), transaction.atomic():
        user = User.objects.create_user(username=username, password=password, role=role, region=region_row,
                                        is_superuser=False, is_staff=False)
        if site_rows:
            user.sites.set(site_rows)
    typer.echo(f"已创建用户 {username}（{dict(ROLES)[role]}）")


@admin_app.command("token")
def token(
    username: str = typer.Argument(..., help="用户名"),
    data: Optional[Path] = typer.Option(None, "--data", help=DATA_HELP),
) -> None:
    """生成（或显示）用户的 API 令牌 Print the user's API token."""
    _start(data)
    from rest_framework.authtoken.models import Token

    from govinspect.platform.accounts.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        _fail(f"用户 {username} 不存在")
    typer.echo(Token.objects.get_or_create(user=user)[0].key)


@admin_app.command("load-regions")
def load_regions_command(
    file: Path = typer.Argument(..., help="YAML 文件，格式同 platform/data/regions.yaml"),
    data: Optional[Path] = typer.Option(None, "--data", help=DATA_HELP),
) -> None:
    """导入行政区划 Load more GB/T 2260 regions."""
    _start(data)
    from govinspect.platform.registry.regions import RegionFileError, load_regions, read_region_file

    try:
        created = load_regions(read_region_file(file))
    except RegionFileError as err:
        _fail(str(err))
    typer.echo(f"新增 {created} 个地区")


@admin_app.command("import-sites")
def import_sites_command(
    file: Path = typer.Argument(..., help="网站信息表（CSV 或 XLSX）"),
    data: Optional[Path] = typer.Option(None, "--data", help=DATA_HELP),
) -> None:
    """导入网站信息表（以系统身份） Import a site registry file."""
    _start(data)
    from govinspect.platform.accounts.models import User
    from govinspect.platform.audit import acting_as
    from govinspect.platform.registry.tables import import_sites
    from govinspect.sites import SitesFileError

    system = User(username="system", role="admin")
    try:
        with acting_as(None):
            result = import_sites(file, system)
    except SitesFileError as err:
        _fail(str(err))
    for row, message in result.errors:
        typer.echo(f"第{row}行：{message}", err=True)
    typer.echo(f"新增 {result.created} 个网站，更新 {result.updated} 个，{len(result.errors)} 行未导入")


@admin_app.command("load-sandbox")
def load_sandbox(
    sites: int = typer.Option(12, "--sites", help="模拟省网站数"),
    seed: int = typer.Option(1, "--seed"),
    data: Optional[Path] = typer.Option(None, "--data", help=DATA_HELP),
) -> None:
    """登记模拟省的地区和网站（演示用） Register the simulated province."""
    _start(data)
    from govinspect.platform.sandbox_registry import register_sandbox

    created = register_sandbox(seed=seed, n_sites=sites)
    typer.echo(f"已登记模拟省 {created} 个网站")


@admin_app.command("run-jobs")
def run_jobs(
    data: Optional[Path] = typer.Option(None, "--data", help=DATA_HELP),
    lane: str = typer.Option("all", "--lane",
                             help="all（两条通道同时执行，默认）、long（抽查等长任务）或 short（复查、催办等短任务）"),
) -> None:
    """立即执行排队的后台任务（复查、抽查、催办），长、短任务各用一个线程 Run queued jobs once and exit."""
    from govinspect.platform.jobs import LANE_NAMES, LANES

    if lane not in ("all", *LANES):
        _fail(f"--lane {lane!r} 无效，应为 all、long 或 short")
    _start(data)
    from govinspect.platform.jobs import SHORT, run_lanes, schedule_daily

    if lane in ("all", SHORT):
        schedule_daily()  # as serve's runner does: today's reminders job, once a day
    counts = run_lanes(lanes=LANES if lane == "all" else (lane,))
    detail = "，".join(f"{LANE_NAMES[k]} {v} 个" for k, v in counts.items())
    typer.echo(f"执行了 {sum(counts.values())} 个任务（{detail}）")


@admin_app.command("remind")
def remind(
    dry_run: bool = typer.Option(False, "--dry-run", help="只列出需要催办的事项，不记录、不发邮件"),
    date: Optional[str] = typer.Option(None, "--date", help="按哪一天计算（YYYY-MM-DD，默认今天）"),
    data: Optional[Path] = typer.Option(None, "--data", help=DATA_HELP),
) -> None:
    """催办：即将到期或已超期的整改工单和找错留言 Record reminders (once a day each) and mail owners."""
    import datetime as dt

    day = None
    if date:
        try:
            day = dt.date.fromisoformat(date.strip())
        except ValueError:
            _fail(f"--date {date!r} 不是日期（应为 YYYY-MM-DD）")
    _start(data)
    from govinspect.platform.audit import acting_as
    from govinspect.platform.reminders.remind import send_reminders

    with acting_as(None):
        result = send_reminders(day, dry_run=dry_run)
    for item in result.due:
        typer.echo(("[已超期] " if item.level == "overdue" else "[即将到期] ") + item.message)
    if dry_run:
        typer.echo(f"需要催办 {len(result.due)} 项（试运行，未记录、未发送）")
        return
    for line in result.mail_errors:
        typer.echo(f"邮件发送失败：{line}", err=True)
    typer.echo(f"需要催办 {len(result.due)} 项：新记录 {result.created} 项，今天已提醒过 {result.already} 项，"
               f"发送邮件 {result.emails} 封")
