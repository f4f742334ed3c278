"""`govinspect worker`, `govinspect scheduler` and `govinspect evidence prune`."""

from __future__ import annotations

from typing import Optional

import typer

evidence_app = typer.Typer(
    help="检查证据（WARC）的保存期限", no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
)


def _fail(message: str) -> None:
    typer.echo(f"govinspect: error: {message}", err=True)
    raise typer.Exit(2)


def _settings():  # type: ignore[no-untyped-def]
    from govinspect.scale.settings import ScaleError, load_settings

    try:
        settings = load_settings()
        settings.require_database()
    except ScaleError as exc:
        _fail(str(exc))
    return settings


def worker(
    concurrency: int = typer.Option(2, "--concurrency", "-c", min=1, max=256, help="同时检查的站点数（进程数）"),
    queues: Optional[str] = typer.Option(None, "--queues", "-Q", help="要处理的队列，逗号分隔（默认 $GOVINSPECT_QUEUE）"),
    name: Optional[str] = typer.Option(None, "--name", "-n", help="工作进程名称 (Celery node name, default govinspect@HOST)"),
    loglevel: str = typer.Option("INFO", "--loglevel", "-l", help="日志级别"),
    max_tasks_per_child: int = typer.Option(200, "--max-tasks-per-child", min=1, help="子进程处理多少个站点后重启（防内存累积）"),
) -> None:
    """分布式检查的工作进程：从队列领取站点逐个检查，结果写入共享数据库 Run a Celery worker."""
    from govinspect.scale.celeryapp import make_app
    from govinspect.scale.settings import ScaleError
    from govinspect.scale.store import connect_store

    settings = _settings()
    try:
        connect_store(settings).close()  # fail now, with the reason, not at the first task
        app = make_app(settings)
    except ScaleError as exc:
        _fail(str(exc))
    import socket

    argv = ["worker", f"--concurrency={concurrency}", f"--loglevel={loglevel}", "--pool=prefork",
            f"--queues={queues or settings.queue}", f"--hostname={name or 'govinspect@' + socket.gethostname()}",
            f"--max-tasks-per-child={max_tasks_per_child}", "--without-gossip", "--without-mingle"]
    app.worker_main(argv)


def scheduler(
    loglevel: str = typer.Option("INFO", "--loglevel", "-l", help="日志级别"),
    schedule_db: Optional[str] = typer.Option(
        None, "--schedule-db", help="celery beat 记录上次运行时间的文件（默认 ./govinspect-beat-schedule）"
    ),
) -> None:
    """定时任务：每日增量检查、可用性监测轮次、故障恢复巡检、证据清理 Run celery beat."""
    from govinspect.scale.celeryapp import make_app
    from govinspect.scale.settings import ScaleError

    settings = _settings()
    try:
        app = make_app(settings)
    except ScaleError as exc:
        _fail(str(exc))
    for name, entry in sorted(app.conf.beat_schedule.items()):
        typer.echo(f"schedule {name}: {entry['task']} {entry['schedule']}", err=True)
    beat = app.Beat(loglevel=loglevel, schedule=schedule_db or "govinspect-beat-schedule")
    beat.run()


@evidence_app.command("prune")
def prune_command(
    root: Optional[str] = typer.Argument(None, help="证据目录或 s3://bucket/prefix（默认 $GOVINSPECT_EVIDENCE）"),
    keep_days: Optional[float] = typer.Option(None, "--keep-days", min=1.0, help="保留天数（默认 data/scaleout.yaml）"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只列出，不删除"),
) -> None:
    """删除超过保存期限的证据文件（WARC 及索引；结果和报告不动） Delete evidence older than the retention."""
    from govinspect.scale.evidence import prune
    from govinspect.scale.settings import ScaleError, load_settings

    try:
        settings = load_settings()
        target = root or settings.evidence
        if not target:
            _fail("give the evidence directory (or set GOVINSPECT_EVIDENCE)")
        removed = prune(target, keep_days or settings.evidence_keep_days, dry_run=dry_run,
                        endpoint=settings.s3_endpoint)
    except ScaleError as exc:
        _fail(str(exc))
    for item in removed:
        typer.echo(item)
    verb = "将删除" if dry_run else "已删除"
    typer.echo(f"{verb} {len(removed)} 个证据文件", err=True)
