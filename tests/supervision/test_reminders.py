"""催办: work orders and 找错 reports due within one working day or overdue get one reminder a
day (however often it runs), mailed to the site's owners and shown on their home page only;
the local job runner queues the daily run once a day; `admin remind --dry-run` lists only."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client

from govinspect.platform.jobs import run_pending, schedule_daily
from govinspect.platform.orders import actions
from govinspect.platform.orders.models import Finding, Job, WorkOrder
from govinspect.platform.orders.results_import import import_results
from govinspect.platform.reminders.models import Reminder
from govinspect.platform.reminders.remind import send_reminders
from govinspect.platform.reports.models import ErrorReport
from tests.supervision.conftest import PASSWORD
from tests.supervision.helpers import run, site_result

pytestmark = pytest.mark.django_db

# Monday 2024-06-17: the next working day is Tuesday 06-18.
MONDAY = dt.date(2024, 6, 17)


@pytest.fixture
def orders(province):  # type: ignore[no-untyped-def]
    """Work orders on 渭滨 (due tomorrow), 扶风 (overdue) and 荆州区 (due next week)."""
    data = run(*[site_result(code, url, dead=[(f"{url}a.html", f"{url}gone.html")]) for code, url in (
        ("6103020001", "http://www.weibin.gov.cn/"), ("6103240001", "http://www.fufeng.gov.cn/"),
        ("4210030010", "http://www.jingzhouqu.gov.cn/"))])
    import_results(data, province.users["admin"], "2024年第二季度")
    made = {f.site.site_code: actions.confirm(f, province.users["admin"]) for f in Finding.objects.all()}
    deadlines = {"6103020001": dt.date(2024, 6, 18), "6103240001": dt.date(2024, 6, 12),
                 "4210030010": dt.date(2024, 6, 24)}
    for code, day in deadlines.items():
        WorkOrder.objects.filter(pk=made[code].pk).update(deadline=day)
    for user in ("weibin", "fufeng"):
        province.users[user].email = f"{user}@example.gov.cn"
        province.users[user].save()
    return made


def _home(user) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.post("/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    return client.get("/").content.decode()


def test_reminders_are_recorded_once_a_day_mailed_to_owners_and_shown_only_to_them(province, orders) -> None:  # type: ignore[no-untyped-def]
    report = ErrorReport.objects.create(site=province.sites["6103240001"], category="dead_link",
                                        description="首页链接打不开", reply_deadline=dt.date(2024, 6, 18))
    first = send_reminders(MONDAY)
    assert first.created == 3 and first.already == 0  # 渭滨 due, 扶风 overdue, 扶风's report due
    levels = {(r.site.site_code, r.kind): r.level for r in Reminder.objects.all()}
    assert levels == {("6103020001", "workorder"): "due", ("6103240001", "workorder"): "overdue",
                      ("6103240001", "report"): "due"}
    assert "已超过期限" in Reminder.objects.get(workorder=orders["6103240001"]).message
    assert report.ticket in Reminder.objects.get(report=report).message
    assert sorted(m.to[0] for m in mail.outbox) == ["fufeng@example.gov.cn", "weibin@example.gov.cn"]
    fufeng_mail = next(m for m in mail.outbox if m.to == ["fufeng@example.gov.cn"])
    assert "工单" in fufeng_mail.body and report.ticket in fufeng_mail.body  # one message with both
    assert Reminder.objects.get(workorder=orders["6103020001"]).emailed_to == "weibin@example.gov.cn"

    again = send_reminders(MONDAY)  # the same day again: nothing new, nothing mailed twice
    assert (again.created, again.already, len(mail.outbox)) == (0, 3, 2)
    assert Reminder.objects.count() == 3
    tuesday = send_reminders(MONDAY + dt.timedelta(days=1))
    assert tuesday.created == 3 and Reminder.objects.count() == 6

    weibin_home = _home(province.users["weibin"])
    assert "渭滨区人民政府：工单" in weibin_home and "扶风县人民政府" not in weibin_home
    fufeng_home = _home(province.users["fufeng"])
    assert "扶风县人民政府：工单" in fufeng_home and "查询码" in fufeng_home and "渭滨区" not in fufeng_home
    # Closed orders and answered reports drop off the home page.
    WorkOrder.objects.filter(pk=orders["6103240001"].pk).update(state="closed")
    ErrorReport.objects.filter(pk=report.pk).update(state="replied")
    assert "暂无需要催办的事项" in _home(province.users["fufeng"])


def test_answered_orders_are_not_reminded_and_dry_run_records_nothing(province, orders) -> None:  # type: ignore[no-untyped-def]
    actions.submit(orders["6103240001"], "已整改")  # waiting for the re-check, not for the owner
    dry = send_reminders(MONDAY, dry_run=True)
    assert [d.site.site_code for d in dry.due] == ["6103020001"]
    assert Reminder.objects.count() == 0 and mail.outbox == []


def test_the_job_runner_queues_one_reminder_run_a_day(province, orders) -> None:  # type: ignore[no-untyped-def]
    assert schedule_daily(MONDAY) == 1
    assert schedule_daily(MONDAY) == 0
    job = Job.objects.get(kind="remind")
    assert job.params == {"day": "2024-06-17"}
    # Only today's job is run here: the recheck jobs queued by the fixture are not involved.
    Job.objects.exclude(pk=job.pk).delete()
    assert run_pending() == 1
    job.refresh_from_db()
    assert job.state == "done" and job.result["created"] == 2
    assert schedule_daily(MONDAY + dt.timedelta(days=1)) == 1


@pytest.mark.slow
def test_remind_command_dry_run_on_a_fresh_data_directory(tmp_path: Path) -> None:
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = {k: v for k, v in os.environ.items() if k not in ("GOVINSPECT_DATA", "DJANGO_SETTINGS_MODULE")}
    env["PYTHONPATH"] = src
    args = [sys.executable, "-c", "from govinspect.cli import main; main()", "admin", "remind", "--data",
            str(tmp_path / "data")]
    dry = subprocess.run([*args, "--dry-run"], capture_output=True, text=True, env=env, timeout=120)
    assert dry.returncode == 0, dry.stderr
    assert "需要催办 0 项（试运行" in dry.stdout
    bad = subprocess.run([*args, "--date", "17/06/2024"], capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 2 and "--date" in bad.stderr
