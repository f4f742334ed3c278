"""A member of the public's report of an error on a government site."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from govinspect.platform.registry.models import Site
from govinspect.platform.workdays import workdays_between

CATEGORIES = [
    ("dead_link", "链接无法访问"),
    ("content_error", "内容错误（错别字、表述错误）"),
    ("not_updated", "信息更新不及时"),
    ("service", "办事服务问题"),
    ("interaction", "互动交流问题"),
    ("other", "其他"),
]


def _ticket() -> str:
    return secrets.token_hex(6).upper()


class ErrorReport(models.Model):
    """One 找错 message: received, forwarded to the owner at once, answered by a deadline."""

    STATES = [("forwarded", "已转办"), ("replied", "已答复"), ("invalid", "无效留言")]

    ticket = models.CharField("查询码", max_length=16, unique=True, default=_ticket)
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="error_reports", verbose_name="网站")
    category = models.CharField("问题类型", max_length=16, choices=CATEGORIES)
    page_url = models.CharField("问题页面地址", max_length=1000, blank=True)
    description = models.TextField("问题描述")
    reporter = models.CharField("留言人", max_length=50, blank=True)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    received_at = models.DateTimeField("收到时间", default=timezone.now)
    forwarded_at = models.DateTimeField("转办时间", null=True, blank=True)
    reply_deadline = models.DateField("答复期限")
    state = models.CharField("状态", max_length=10, choices=STATES, default="forwarded")
    reply = models.TextField("答复内容", blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # A hash of the sender's address, enough for abuse limits without keeping the address.
    sender_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = "找错留言"

    def __str__(self) -> str:
        return f"找错{self.ticket}：{self.site.name}"

    @property
    def replied_on_time(self) -> bool | None:
        """True/False once answered; None while open."""
        if self.replied_at is None:
            return None
        return timezone.localtime(self.replied_at).date() <= self.reply_deadline

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """Unanswered past its deadline."""
        return self.state == "forwarded" and (today or timezone.localdate()) > self.reply_deadline

    def reply_workdays(self) -> int | None:
        """Working days from receipt to reply."""
        if self.replied_at is None:
            return None
        return workdays_between(timezone.localtime(self.received_at).date(), timezone.localtime(self.replied_at).date())
