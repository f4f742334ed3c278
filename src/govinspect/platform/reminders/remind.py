"""催办: reminders of work orders and 找错 reports due within one working day, or overdue.

Once a day (the local job runner queues a "remind" job; `govinspect admin remind` does the
same by hand) every open or sent-back work order whose deadline is at most one working day
away, and every unanswered 找错 report likewise, gets a Reminder row for that day — at most one
per order (or report) per day, however often it runs. The site's owners see them on their home
page; those with an e-mail address also get one message a day listing theirs, through Django's
mail backend (settings: GOVINSPECT_EMAIL_*; by default written to files in DATA/mail/).

Orders already answered (已提交整改, 复查中) wait for the re-check or a person, not for the owner,
so they are not reminded; they still count as overdue on the dashboard.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from govinspect.platform.jobs import handler
from govinspect.platform.orders.models import WorkOrder
from govinspect.platform.reminders.models import Reminder
from govinspect.platform.reports.models import ErrorReport
from govinspect.platform.workdays import add_workdays, workdays_between

__all__ = ["Due", "RemindResult", "due_items", "send_reminders"]

log = logging.getLogger("govinspect.platform.reminders")
REMINDED_ORDER_STATES = ("open", "reopened")


@dataclass(frozen=True, slots=True)
class Due:
    """One order or report that needs a reminder today."""

    kind: str  # workorder | report
    level: str  # due | overdue
    obj: Any
    site: Any
    deadline: dt.date
    message: str


@dataclass(slots=True)
class RemindResult:
    """What a run did (or, dry, would do)."""

    due: list[Due] = field(default_factory=list)
    created: int = 0
    already: int = 0
    emails: int = 0
    mail_errors: list[str] = field(default_factory=list)


def _when(today: dt.date, deadline: dt.date) -> tuple[str, str]:
    if today > deadline:
        late = max(workdays_between(deadline, today), 1)
        return "overdue", f"已超过期限{late}个工作日"
    if today == deadline:
        return "due", "今天到期"
    return "due", "将于下一个工作日到期"


def due_items(today: dt.date) -> list[Due]:
    """Orders and reports due within one working day of `today`, or past their deadline."""
    horizon = add_workdays(today, 1)
    out: list[Due] = []
    orders = (WorkOrder.objects.filter(state__in=REMINDED_ORDER_STATES, deadline__lte=horizon)
              .select_related("site", "finding").order_by("deadline", "id"))
    for order in orders:
        level, when = _when(today, order.deadline)
        out.append(Due("workorder", level, order, order.site, order.deadline,
                       f"【整改催办】{order.site.name}：工单{order.pk}（{order.finding.message}）整改期限为"
                       f"{order.deadline:%Y年%m月%d日}，{when}。请抓紧整改并在平台提交整改情况。"))
    reports = (ErrorReport.objects.filter(state="forwarded", reply_deadline__lte=horizon)
               .select_related("site").order_by("reply_deadline", "id"))
    for report in reports:
        level, when = _when(today, report.reply_deadline)
        out.append(Due("report", level, report, report.site, report.reply_deadline,
                       f"【找错催办】{report.site.name}：网民找错留言（查询码{report.ticket}）答复期限为"
                       f"{report.reply_deadline:%Y年%m月%d日}，{when}。请及时核实处理并答复。"))
    return out


def _record(item: Due, today: dt.date) -> tuple[Reminder, bool]:
    """The day's reminder for the item: created now, or the one an earlier run made."""
    link = {"workorder": item.obj} if item.kind == "workorder" else {"report": item.obj}
    try:
        with transaction.atomic():
            return Reminder.objects.get_or_create(**link, day=today, defaults={
                "kind": item.kind, "level": item.level, "site": item.site, "deadline": item.deadline,
                "message": item.message})
    except IntegrityError:  # another runner made it between our look and our insert
        return Reminder.objects.get(**link, day=today), False


def _mail(reminders: list[Reminder], result: RemindResult, today: dt.date) -> None:
    """One message per recipient listing the day's new reminders of their sites."""
    by_address: dict[str, list[Reminder]] = {}
    for reminder in reminders:
        for user in reminder.site.owners.filter(is_active=True).exclude(email=""):
            by_address.setdefault(user.email, []).append(reminder)
    for address, mine in sorted(by_address.items()):
        body = "您好！\n\n以下事项需要及时办理：\n\n" + "\n".join(
            f"{n}. {r.message}" for n, r in enumerate(mine, 1)) + "\n\n请登录政府网站监管平台办理。\n（本邮件由系统自动发送）\n"
        try:
            send_mail(f"政府网站监管平台催办提醒（{today:%Y年%m月%d日}）", body, settings.DEFAULT_FROM_EMAIL, [address])
        except Exception as exc:  # a mail server down must not lose the reminders themselves
            error = f"{type(exc).__name__}: {exc}"[:500]
            result.mail_errors.append(f"{address}: {error}")
            for r in mine:
                Reminder.objects.filter(pk=r.pk).update(mail_error=error)
            log.warning("reminder mail to %s failed: %s", address, error)
            continue
        result.emails += 1
        for r in mine:
            r.emailed_to = "\n".join(filter(None, [r.emailed_to, address]))
            Reminder.objects.filter(pk=r.pk).update(emailed_to=r.emailed_to)


def send_reminders(today: dt.date | None = None, *, dry_run: bool = False) -> RemindResult:
    """Record today's reminders (idempotent) and mail the new ones; `dry_run` only lists them."""
    today = today or timezone.localdate()
    result = RemindResult(due=due_items(today))
    if dry_run:
        return result
    new: list[Reminder] = []
    for item in result.due:
        reminder, created = _record(item, today)
        if created:
            new.append(reminder)
        result.created += created
        result.already += not created
    _mail(new, result, today)
    return result


@handler("remind")
def run_remind(params: dict[str, Any]) -> dict[str, Any]:
    """The daily job."""
    day = dt.date.fromisoformat(params["day"]) if params.get("day") else None
    result = send_reminders(day)
    return {"due": len(result.due), "created": result.created, "emails": result.emails,
            "mail_errors": result.mail_errors}
