"""A reminder sent about one work order or one 找错 report on one day (at most one per day)."""

from __future__ import annotations

from django.db import models

from govinspect.platform.orders.models import WorkOrder
from govinspect.platform.registry.models import Site
from govinspect.platform.reports.models import ErrorReport


class Reminder(models.Model):
    """催办: a work order or 找错 report due within one working day, or overdue."""

    KINDS = [("workorder", "整改工单"), ("report", "找错留言")]
    LEVELS = [("due", "即将到期"), ("overdue", "已超期")]

    kind = models.CharField("类型", max_length=10, choices=KINDS)
    level = models.CharField("程度", max_length=8, choices=LEVELS)
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+", verbose_name="网站")
    workorder = models.ForeignKey(WorkOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders")
    report = models.ForeignKey(ErrorReport, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders")
    day = models.DateField("提醒日期")
    deadline = models.DateField("期限")
    message = models.TextField("提醒内容")
    emailed_to = models.TextField("邮件发送至", blank=True)
    mail_error = models.TextField("邮件发送失败原因", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "deadline", "id"]
        verbose_name = "催办提醒"
        constraints = [
            models.UniqueConstraint(fields=["workorder", "day"], name="one_reminder_per_order_per_day"),
            models.UniqueConstraint(fields=["report", "day"], name="one_reminder_per_report_per_day"),
        ]

    def __str__(self) -> str:
        return self.message[:200]
